/* network: a new VPC with carved subnets, an existing VPC, or the default VPC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const network_keys[] = {"vpc", "zones", "nat", "subnets", "subnet_size", "ipv6", NULL};
static const char *const new_vpc_keys[] = {"cidr", NULL};
static const char *const old_vpc_keys[] = {"id", "public_subnets", "private_subnets", NULL};
static const char *const nat_names[] = {"none", "single", "per-zone", NULL};
static const char *const tier_names[] = {"public", "private", NULL};

int stack_parse_cidr(const char *s, unsigned *addr, int *prefix)
{
    unsigned a = 0;
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned v = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        if (v > 255 || digits > 3)
            return -1;
        a = (a << 8) | v;
        if (i < 3 && *p++ != '.')
            return -1;
    }
    if (*p++ != '/' || *p < '0' || *p > '9')
        return -1;
    int pre = 0;
    while (*p >= '0' && *p <= '9' && pre <= 32)
        pre = pre * 10 + (*p++ - '0');
    if (*p || pre > 32)
        return -1;
    *addr = a;
    *prefix = pre;
    return 0;
}

char *stack_format_cidr(unsigned a, int prefix)
{
    return xasprintf("%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, prefix);
}

static unsigned mask_of(int prefix)
{
    return prefix == 0 ? 0 : 0xFFFFFFFFu << (32 - prefix);
}

static int valid_id(const char *s, const char *prefix)
{
    size_t pl = strlen(prefix), n = 0;
    if (strncmp(s, prefix, pl) != 0)
        return 0;
    for (s += pl; *s; s++, n++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return n == 8 || n == 17;
}

static void check_ids(stack_ctx *c, const stack_node *map, const char *key, char **ids, size_t n, const char *prefix)
{
    const stack_node *list = stack_node_get(map, key);
    for (size_t i = 0; i < n; i++)
        if (!valid_id(ids[i], prefix)) {
            size_t o = stack_path_push(c, key);
            stack_path_push_index(c, i);
            stack_err(c, list && list->kind == STACK_NODE_SEQ ? list->vals[i] : list,
                     "'%s' is not a %s id (%s followed by 8 or 17 hexadecimal digits)", ids[i],
                     strcmp(prefix, "vpc-") ? "subnet" : "VPC", prefix);
            stack_path_pop(c, o);
        }
}

static void decode_existing(stack_ctx *c, const stack_node *v, stack_network *net)
{
    net->mode = STACK_VPC_EXISTING;
    stack_check_keys(c, v, old_vpc_keys);
    stack_get_str(c, v, "id", 1, &net->vpc_id);
    if (net->vpc_id && !valid_id(net->vpc_id, "vpc-"))
        stack_err_key(c, stack_node_get(v, "id"), "id",
                     "'%s' is not a VPC id (vpc- followed by 8 or 17 hexadecimal digits)", net->vpc_id);
    stack_get_strlist(c, v, "public_subnets", 0, &net->public_subnet_ids, &net->npublic_subnet_ids);
    stack_get_strlist(c, v, "private_subnets", 0, &net->private_subnet_ids, &net->nprivate_subnet_ids);
    check_ids(c, v, "public_subnets", net->public_subnet_ids, net->npublic_subnet_ids, "subnet-");
    check_ids(c, v, "private_subnets", net->private_subnet_ids, net->nprivate_subnet_ids, "subnet-");
    if (!net->npublic_subnet_ids && !net->nprivate_subnet_ids)
        stack_err(c, v, "an existing VPC needs its subnets: public_subnets: [subnet-…] and/or "
                       "private_subnets: [subnet-…]");
}

static void decode_new(stack_ctx *c, const stack_node *v, stack_network *net)
{
    stack_check_keys(c, v, new_vpc_keys);
    char *cidr = NULL;
    if (stack_get_str(c, v, "cidr", 1, &cidr) != 0 || !cidr)
        return;
    const stack_node *at = stack_node_get(v, "cidr");
    unsigned a;
    int pre;
    if (stack_parse_cidr(cidr, &a, &pre) != 0) {
        stack_err_key(c, at, "cidr", "'%s' is not a CIDR block like 10.0.0.0/16", cidr);
    } else if (pre < 16 || pre > 28) {
        stack_err_key(c, at, "cidr", "a VPC block must be between /16 and /28, not /%d", pre);
    } else if (a & ~mask_of(pre)) {
        char *fixed = stack_format_cidr(a & mask_of(pre), pre);
        stack_err_key(c, at, "cidr", "'%s' has host bits set; did you mean %s?", cidr, fixed);
        free(fixed);
    } else {
        net->cidr = stack_format_cidr(a, pre);
    }
    free(cidr);
}

static void decode_vpc(stack_ctx *c, const stack_node *v, stack_network *net)
{
    size_t old = stack_path_push(c, "vpc");
    if (v->kind == STACK_NODE_SCALAR) {
        if (strcmp(v->str, "default") == 0)
            net->mode = STACK_VPC_DEFAULT;
        else
            stack_err(c, v, "'%s' is not a VPC; write 'default', { cidr: 10.0.0.0/16 } for a new "
                           "one, or { id: vpc-…, public_subnets: […] } for an existing one", v->str);
    } else if (stack_want_map(c, v)) {
        if (stack_node_get(v, "id") && stack_node_get(v, "cidr"))
            stack_err(c, v, "give either 'cidr' (a new VPC) or 'id' (an existing one), not both");
        else if (stack_node_get(v, "id") || stack_node_get(v, "public_subnets") || stack_node_get(v, "private_subnets"))
            decode_existing(c, v, net);
        else
            decode_new(c, v, net);
    }
    stack_path_pop(c, old);
}

void stack_decode_network(stack_ctx *c, const stack_node *n)
{
    stack_network *net = &c->s->network;
    net->mode = STACK_VPC_NEW;
    net->zones = 2;
    net->public_subnets = -1;
    net->private_subnets = -1;
    if (!n) {
        net->cidr = xstrdup("10.0.0.0/16");
        return;
    }
    size_t old = stack_path_push(c, "network");
    net->loc = n->loc;
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, network_keys);
        const stack_node *v = stack_node_get(n, "vpc");
        if (v)
            decode_vpc(c, v, net);
        else
            net->cidr = xstrdup("10.0.0.0/16");
        if (net->mode != STACK_VPC_NEW) {
            for (size_t i = 1; network_keys[i]; i++)
                if (stack_node_get(n, network_keys[i]))
                    stack_err_key(c, stack_node_get(n, network_keys[i]), network_keys[i],
                                 "applies only to a new VPC (vpc: { cidr: … })");
        } else {
            int nat = 0;
            stack_get_int(c, n, "zones", 1, 6, &net->zones);
            if (stack_get_enum(c, n, "nat", nat_names, &nat) == 0)
                net->nat = (stack_nat)nat;
            stack_get_int(c, n, "subnet_size", 16, 28, &net->subnet_prefix);
            stack_get_bool(c, n, "ipv6", &net->ipv6);
            const stack_node *tiers = stack_node_get(n, "subnets");
            if (tiers) {
                size_t o2 = stack_path_push(c, "subnets");
                if (tiers->kind != STACK_NODE_SEQ || !tiers->n) {
                    stack_err(c, tiers, "must be a list of tiers: [public], [private] or [public, private]");
                } else {
                    net->public_subnets = net->private_subnets = 0;
                    for (size_t i = 0; i < tiers->n; i++) {
                        int t = 0;
                        size_t o3 = stack_path_push_index(c, i);
                        if (stack_node_enum(c, tiers->vals[i], tier_names, &t) == 0)
                            *(t ? &net->private_subnets : &net->public_subnets) = 1;
                        stack_path_pop(c, o3);
                    }
                }
                stack_path_pop(c, o2);
            }
        }
    }
    stack_path_pop(c, old);
}

static int ceil_log2(int v)
{
    int b = 0;
    while ((1 << b) < v)
        b++;
    return b;
}

/* Carve zones × 2 tiers (room is always kept for both tiers, so adding the private tier
 * later moves nothing). Subnet i of tier t is block t*zones+i. */
void stack_network_carve(stack_ctx *c, const stack_node *root)
{
    stack_network *net = &c->s->network;
    if (net->mode != STACK_VPC_NEW || !net->cidr)
        return;
    unsigned a;
    int pre;
    stack_parse_cidr(net->cidr, &a, &pre);
    int need = pre + ceil_log2(2 * net->zones);
    const stack_node *nn = stack_node_get(root, "network");
    const stack_node *at = stack_node_get(stack_node_get(nn, "vpc"), "cidr");
    size_t old = stack_path_push(c, "network");
    if (net->subnet_prefix) {
        if (net->subnet_prefix < need)
            stack_err_key(c, stack_node_get(nn, "subnet_size"), "subnet_size",
                         "%d zones × 2 tiers of /%d subnets do not fit in %s; use subnet_size: %d "
                         "or more, or a larger VPC block", net->zones, net->subnet_prefix, net->cidr,
                         need > 28 ? 28 : need);
    } else if (need > 28) {
        stack_err_key(c, at, "vpc.cidr", "%s is too small for %d zones × 2 tiers of subnets (AWS "
                     "subnets are /28 at the smallest); use a /%d block or larger",
                     net->cidr, net->zones, 28 - ceil_log2(2 * net->zones));
    } else {
        net->subnet_prefix = need < 20 ? 20 : need;
    }
    stack_path_pop(c, old);
    if (!net->subnet_prefix || net->subnet_prefix < need)
        return;
    net->subnets = xcalloc((size_t)(2 * net->zones), sizeof *net->subnets);
    for (int t = 0; t < 2; t++) {
        if (!(t ? net->private_subnets : net->public_subnets))
            continue;
        for (int z = 0; z < net->zones; z++) {
            stack_subnet *sn = &net->subnets[net->nsubnets++];
            sn->tier = (stack_tier)t;
            sn->zone = z;
            unsigned block = (unsigned)(t * net->zones + z);
            sn->cidr = stack_format_cidr(a + (block << (32 - net->subnet_prefix)), net->subnet_prefix);
            sn->ipv6_block = (int)block;
        }
    }
}
