/* network: a new VPC with carved subnets, an existing VPC, or the default VPC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "xalloc.h"

static const char *const network_keys[] = {"vpc", "zones", "nat", "subnets", "subnet_size", NULL};
static const char *const new_vpc_keys[] = {"cidr", NULL};
static const char *const old_vpc_keys[] = {"id", "public_subnets", "private_subnets", NULL};
static const char *const nat_names[] = {"none", "single", "per-zone", NULL};
static const char *const tier_names[] = {"public", "private", NULL};

int spec_parse_cidr(const char *s, unsigned *addr, int *prefix)
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

char *spec_format_cidr(unsigned a, int prefix)
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

static void check_ids(spec_ctx *c, const spec_node *map, const char *key, char **ids, size_t n, const char *prefix)
{
    const spec_node *list = spec_node_get(map, key);
    for (size_t i = 0; i < n; i++)
        if (!valid_id(ids[i], prefix)) {
            size_t o = spec_path_push(c, key);
            spec_path_push_index(c, i);
            spec_err(c, list && list->kind == SPEC_NODE_SEQ ? list->vals[i] : list,
                     "'%s' is not a %s id (%s followed by 8 or 17 hexadecimal digits)", ids[i],
                     strcmp(prefix, "vpc-") ? "subnet" : "VPC", prefix);
            spec_path_pop(c, o);
        }
}

static void decode_existing(spec_ctx *c, const spec_node *v, spec_network *net)
{
    net->mode = SPEC_VPC_EXISTING;
    spec_check_keys(c, v, old_vpc_keys);
    spec_get_str(c, v, "id", 1, &net->vpc_id);
    if (net->vpc_id && !valid_id(net->vpc_id, "vpc-"))
        spec_err_key(c, spec_node_get(v, "id"), "id",
                     "'%s' is not a VPC id (vpc- followed by 8 or 17 hexadecimal digits)", net->vpc_id);
    spec_get_strlist(c, v, "public_subnets", 0, &net->public_subnet_ids, &net->npublic_subnet_ids);
    spec_get_strlist(c, v, "private_subnets", 0, &net->private_subnet_ids, &net->nprivate_subnet_ids);
    check_ids(c, v, "public_subnets", net->public_subnet_ids, net->npublic_subnet_ids, "subnet-");
    check_ids(c, v, "private_subnets", net->private_subnet_ids, net->nprivate_subnet_ids, "subnet-");
    if (!net->npublic_subnet_ids && !net->nprivate_subnet_ids)
        spec_err(c, v, "an existing VPC needs its subnets: public_subnets: [subnet-…] and/or "
                       "private_subnets: [subnet-…]");
}

static void decode_new(spec_ctx *c, const spec_node *v, spec_network *net)
{
    spec_check_keys(c, v, new_vpc_keys);
    char *cidr = NULL;
    if (spec_get_str(c, v, "cidr", 1, &cidr) != 0 || !cidr)
        return;
    const spec_node *at = spec_node_get(v, "cidr");
    unsigned a;
    int pre;
    if (spec_parse_cidr(cidr, &a, &pre) != 0) {
        spec_err_key(c, at, "cidr", "'%s' is not a CIDR block like 10.0.0.0/16", cidr);
    } else if (pre < 16 || pre > 28) {
        spec_err_key(c, at, "cidr", "a VPC block must be between /16 and /28, not /%d", pre);
    } else if (a & ~mask_of(pre)) {
        char *fixed = spec_format_cidr(a & mask_of(pre), pre);
        spec_err_key(c, at, "cidr", "'%s' has host bits set; did you mean %s?", cidr, fixed);
        free(fixed);
    } else {
        net->cidr = spec_format_cidr(a, pre);
    }
    free(cidr);
}

static void decode_vpc(spec_ctx *c, const spec_node *v, spec_network *net)
{
    size_t old = spec_path_push(c, "vpc");
    if (v->kind == SPEC_NODE_SCALAR) {
        if (strcmp(v->str, "default") == 0)
            net->mode = SPEC_VPC_DEFAULT;
        else
            spec_err(c, v, "'%s' is not a VPC; write 'default', { cidr: 10.0.0.0/16 } for a new "
                           "one, or { id: vpc-…, public_subnets: […] } for an existing one", v->str);
    } else if (spec_want_map(c, v)) {
        if (spec_node_get(v, "id") && spec_node_get(v, "cidr"))
            spec_err(c, v, "give either 'cidr' (a new VPC) or 'id' (an existing one), not both");
        else if (spec_node_get(v, "id") || spec_node_get(v, "public_subnets") || spec_node_get(v, "private_subnets"))
            decode_existing(c, v, net);
        else
            decode_new(c, v, net);
    }
    spec_path_pop(c, old);
}

void spec_decode_network(spec_ctx *c, const spec_node *n)
{
    spec_network *net = &c->s->network;
    net->mode = SPEC_VPC_NEW;
    net->zones = 2;
    net->public_subnets = -1;
    net->private_subnets = -1;
    if (!n) {
        net->cidr = xstrdup("10.0.0.0/16");
        return;
    }
    size_t old = spec_path_push(c, "network");
    net->loc = n->loc;
    if (spec_want_map(c, n)) {
        spec_check_keys(c, n, network_keys);
        const spec_node *v = spec_node_get(n, "vpc");
        if (v)
            decode_vpc(c, v, net);
        else
            net->cidr = xstrdup("10.0.0.0/16");
        if (net->mode != SPEC_VPC_NEW) {
            for (size_t i = 1; network_keys[i]; i++)
                if (spec_node_get(n, network_keys[i]))
                    spec_err_key(c, spec_node_get(n, network_keys[i]), network_keys[i],
                                 "applies only to a new VPC (vpc: { cidr: … })");
        } else {
            int nat = 0;
            spec_get_int(c, n, "zones", 1, 6, &net->zones);
            if (spec_get_enum(c, n, "nat", nat_names, &nat) == 0)
                net->nat = (spec_nat)nat;
            spec_get_int(c, n, "subnet_size", 16, 28, &net->subnet_prefix);
            const spec_node *tiers = spec_node_get(n, "subnets");
            if (tiers) {
                size_t o2 = spec_path_push(c, "subnets");
                if (tiers->kind != SPEC_NODE_SEQ || !tiers->n) {
                    spec_err(c, tiers, "must be a list of tiers: [public], [private] or [public, private]");
                } else {
                    net->public_subnets = net->private_subnets = 0;
                    for (size_t i = 0; i < tiers->n; i++) {
                        int t = 0;
                        size_t o3 = spec_path_push_index(c, i);
                        if (spec_node_enum(c, tiers->vals[i], tier_names, &t) == 0)
                            *(t ? &net->private_subnets : &net->public_subnets) = 1;
                        spec_path_pop(c, o3);
                    }
                }
                spec_path_pop(c, o2);
            }
        }
    }
    spec_path_pop(c, old);
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
void spec_network_carve(spec_ctx *c, const spec_node *root)
{
    spec_network *net = &c->s->network;
    if (net->mode != SPEC_VPC_NEW || !net->cidr)
        return;
    unsigned a;
    int pre;
    spec_parse_cidr(net->cidr, &a, &pre);
    int need = pre + ceil_log2(2 * net->zones);
    const spec_node *nn = spec_node_get(root, "network");
    const spec_node *at = spec_node_get(spec_node_get(nn, "vpc"), "cidr");
    size_t old = spec_path_push(c, "network");
    if (net->subnet_prefix) {
        if (net->subnet_prefix < need)
            spec_err_key(c, spec_node_get(nn, "subnet_size"), "subnet_size",
                         "%d zones × 2 tiers of /%d subnets do not fit in %s; use subnet_size: %d "
                         "or more, or a larger VPC block", net->zones, net->subnet_prefix, net->cidr,
                         need > 28 ? 28 : need);
    } else if (need > 28) {
        spec_err_key(c, at, "vpc.cidr", "%s is too small for %d zones × 2 tiers of subnets (AWS "
                     "subnets are /28 at the smallest); use a /%d block or larger",
                     net->cidr, net->zones, 28 - ceil_log2(2 * net->zones));
    } else {
        net->subnet_prefix = need < 20 ? 20 : need;
    }
    spec_path_pop(c, old);
    if (!net->subnet_prefix || net->subnet_prefix < need)
        return;
    net->subnets = xcalloc((size_t)(2 * net->zones), sizeof *net->subnets);
    for (int t = 0; t < 2; t++) {
        if (!(t ? net->private_subnets : net->public_subnets))
            continue;
        for (int z = 0; z < net->zones; z++) {
            spec_subnet *sn = &net->subnets[net->nsubnets++];
            sn->tier = (spec_tier)t;
            sn->zone = z;
            unsigned block = (unsigned)(t * net->zones + z);
            sn->cidr = spec_format_cidr(a + (block << (32 - net->subnet_prefix)), net->subnet_prefix);
        }
    }
}
