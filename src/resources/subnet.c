/*
 * subnet/public-N, subnet/private-N: the subnets carved from a new VPC (zone index N maps
 * to the region's N-th available zone in name order; public ones map public IPs on
 * launch), or external ones: the subnets the file names in an existing VPC, or the
 * default VPC's default subnets (one per zone, in zone name order).
 *
 * With network.ipv6 a subnet also gets the /64 number ipv6_block of the VPC's /56
 * (ipv6_vpc_cidr, the VPC's ipv6_cidr) and assigns IPv6 addresses on creation
 * (assign_ipv6, false otherwise).
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

static void add_external(res_graph *g, const char *tier, size_t i, const char *label,
                         const void *spec)
{
    char name[32];
    snprintf(name, sizeof name, "%s-%zu", tier, i);
    res_node *n = res_graph_add(g, &res_kind_subnet, name, label, cJSON_CreateObject());
    n->external = 1;
    n->model = spec;
    res_node_depend(n, res_graph_find(g, "vpc/main"));
}

static int subnet_build(res_graph *g, const stack_model *s)
{
    const stack_network *net = &s->network;
    res_node *vpc = res_graph_find(g, "vpc/main");
    if (net->mode == STACK_VPC_EXISTING) {
        for (size_t i = 0; i < net->npublic_subnet_ids; i++)
            add_external(g, "public", i, net->public_subnet_ids[i], net->public_subnet_ids[i]);
        for (size_t i = 0; i < net->nprivate_subnet_ids; i++)
            add_external(g, "private", i, net->private_subnet_ids[i], net->private_subnet_ids[i]);
        return 0;
    }
    if (net->mode == STACK_VPC_DEFAULT) {
        for (int z = 0; z < net->zones; z++) {
            char *label = xasprintf("default subnet of zone %d", z);
            add_external(g, "public", (size_t)z, label, net);
            free(label);
        }
        return 0;
    }
    for (size_t i = 0; i < net->nsubnets; i++) {
        const stack_subnet *sn = &net->subnets[i];
        int pub = sn->tier == STACK_TIER_PUBLIC;
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "vpc", res_ref("vpc/main", "id"));
        cJSON_AddStringToObject(d, "cidr", sn->cidr);
        cJSON_AddNumberToObject(d, "zone_index", sn->zone);
        cJSON_AddBoolToObject(d, "map_public_ip", pub);
        cJSON_AddBoolToObject(d, "assign_ipv6", net->ipv6);
        if (net->ipv6) {
            cJSON_AddNumberToObject(d, "ipv6_block", sn->ipv6_block);
            cJSON_AddItemToObject(d, "ipv6_vpc_cidr", res_ref("vpc/main", "ipv6_cidr"));
        }
        char name[32];
        snprintf(name, sizeof name, "%s-%d", pub ? "public" : "private", sn->zone);
        res_node *n = res_graph_addf(g, &res_kind_subnet, name, d, "%s subnet %s (zone %d)",
                                     pub ? "public" : "private", sn->cidr, sn->zone);
        n->model = sn;
        res_node_depend(n, vpc);
    }
    return 0;
}

static cJSON *subnet_props(const ec2_subnet *s, const svc_strings *zones)
{
    cJSON *p = res_props("vpc", s->vpc_id, "cidr", s->cidr, NULL);
    cJSON_AddNumberToObject(p, "zone_index", resnet_zone_index(zones, s->zone));
    cJSON_AddStringToObject(p, "zone", s->zone);
    cJSON_AddBoolToObject(p, "map_public_ip", s->map_public_ip_on_launch);
    cJSON_AddBoolToObject(p, "assign_ipv6", s->assign_ipv6_on_creation);
    char *vpc_block = NULL;
    int block = s->ipv6_cidr[0] ? resnet_ipv6_block_of(s->ipv6_cidr, &vpc_block) : -1;
    if (block >= 0) {
        cJSON_AddNumberToObject(p, "ipv6_block", block);
        cJSON_AddStringToObject(p, "ipv6_vpc_cidr", vpc_block);
        cJSON_AddStringToObject(p, "ipv6_assoc", s->ipv6_assoc_id);
    }
    free(vpc_block);
    return p;
}

static int cmp_zone(const void *a, const void *b)
{
    return strcmp(((const ec2_subnet *)a)->zone, ((const ec2_subnet *)b)->zone);
}

/* Subnets the file names by id (existing VPC) or the default VPC's default subnets. */
static int discover_external(res_ctx *ctx, const svc_strings *zones, res_found_list *out,
                             aws_error *err)
{
    const stack_network *net = &ctx->stack->network;
    ec2_subnets l = {0};
    if (net->mode == STACK_VPC_EXISTING) {
        size_t n = net->npublic_subnet_ids + net->nprivate_subnet_ids;
        if (n == 0)
            return 0;
        const char **ids = xcalloc(n + 1, sizeof *ids);
        for (size_t i = 0; i < net->npublic_subnet_ids; i++)
            ids[i] = net->public_subnet_ids[i];
        for (size_t i = 0; i < net->nprivate_subnet_ids; i++)
            ids[net->npublic_subnet_ids + i] = net->private_subnet_ids[i];
        ec2_describe_in in = {.ids = ids};
        int rc = ec2_describe_subnets(ctx->aws, &in, &l, err);
        free(ids);
        if (rc != 0) {
            aws_error_prefix(err, "the subnets named in network.vpc: ");
            return -1;
        }
        for (size_t i = 0; i < l.n; i++) {
            if (strcmp(l.items[i].vpc_id, net->vpc_id) != 0) {
                aws_error_set(err, AWS_ERR_INPUT, "SubnetNotInVpc",
                              "subnet %s named in network.vpc is in %s, not in %s; list subnets "
                              "of that VPC", l.items[i].id, l.items[i].vpc_id, net->vpc_id);
                ec2_subnets_free(&l);
                return -1;
            }
            for (size_t k = 0; k < n; k++) {
                int pub = k < net->npublic_subnet_ids;
                const char *want = pub ? net->public_subnet_ids[k]
                                       : net->private_subnet_ids[k - net->npublic_subnet_ids];
                if (strcmp(want, l.items[i].id) != 0)
                    continue;
                char *id = xasprintf("subnet/%s-%zu", pub ? "public" : "private",
                                     pub ? k : k - net->npublic_subnet_ids);
                resnet_found_add(out, id, l.items[i].id, subnet_props(&l.items[i], zones));
                free(id);
            }
        }
        ec2_subnets_free(&l);
        return 0;
    }
    ec2_filter f = {"default-for-az", "true", NULL};
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    if (ec2_describe_subnets(ctx->aws, &in, &l, err) != 0)
        return -1;
    if (l.n > 1)
        qsort(l.items, l.n, sizeof *l.items, cmp_zone);
    if (l.n < (size_t)net->zones) {
        aws_error_set(err, AWS_ERR_SERVICE, "NotEnoughDefaultSubnets",
                      "the default VPC has %zu default subnet%s; the stack needs %d (one per zone)",
                      l.n, l.n == 1 ? "" : "s", net->zones);
        ec2_subnets_free(&l);
        return -1;
    }
    for (int z = 0; z < net->zones; z++) {
        char id[32];
        snprintf(id, sizeof id, "subnet/public-%d", z);
        resnet_found_add(out, id, l.items[z].id, subnet_props(&l.items[z], zones));
    }
    ec2_subnets_free(&l);
    return 0;
}

/* The zones and the stack's subnets, read side by side. */
typedef struct {
    res_ctx *ctx;
    svc_strings zones;
    ec2_subnets subnets;
} first_reads;

static int first_read(void *ud, size_t i, aws_error *err)
{
    first_reads *r = ud;
    if (i == 0)
        return resnet_zone_names(r->ctx, &r->zones, err);
    resnet_query q;
    return ec2_describe_subnets(r->ctx->aws, resnet_stack_in(r->ctx, &q), &r->subnets, err);
}

/* The zone of each subnet of a new VPC, by its index, into its desired "zone" (create_only:
 * never compared), now that discovery has read the zones: creating it then needs no second
 * DescribeAvailabilityZones. An index beyond the zones is left for create to explain. */
static void note_zones(res_ctx *ctx, const svc_strings *zones)
{
    pthread_mutex_lock(&ctx->lock);
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        res_node *n = ctx->graph->nodes[i];
        const cJSON *index = n->kind == &res_kind_subnet && !n->external && n->desired
                                 ? cJSON_GetObjectItemCaseSensitive(n->desired, "zone_index") : NULL;
        if (!cJSON_IsNumber(index) || index->valueint < 0 || (size_t)index->valueint >= zones->n)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(n->desired, "zone");
        cJSON_AddStringToObject(n->desired, "zone", zones->items[index->valueint]);
    }
    pthread_mutex_unlock(&ctx->lock);
}

static int subnet_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    aws_error_clear(err);
    first_reads r = {.ctx = ctx};
    int rc = res_parallel(2, 2, first_read, &r, err);
    svc_strings zones = r.zones;
    ec2_subnets l = r.subnets;
    if (rc == 0)
        note_zones(ctx, &zones);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const char *id = resnet_node_id(&l.items[i].tags);
        if (id)
            resnet_found_add(out, id, l.items[i].id, subnet_props(&l.items[i], &zones));
    }
    ec2_subnets_free(&l);
    if (rc == 0 && ctx->stack && ctx->stack->network.mode != STACK_VPC_NEW)
        rc = discover_external(ctx, &zones, out, err);
    svc_strings_free(&zones);
    return rc;
}


/* CreateSubnet retried after its answer was lost meets its own subnet (the CIDR is taken):
 * adopt it when it carries this node's tags. 1 adopted, 0 not ours. */
static int adopt(res_ctx *ctx, const res_node *n, const char *vpc, const char *cidr,
                 ec2_subnet *out)
{
    ec2_filter f[3] = {{"vpc-id", vpc, NULL}, {"cidr-block", cidr, NULL},
                       {"tag:" RES_TAG_ID, n->id, NULL}};
    ec2_describe_in in = {.filters = f, .nfilters = 3};
    ec2_subnets l = {0};
    aws_error e;
    int found = 0;
    if (ec2_describe_subnets(ctx->aws, &in, &l, &e) == 0 && l.n == 1 &&
        strcmp(svc_tags_get(&l.items[0].tags, RES_TAG_STACK) ? svc_tags_get(&l.items[0].tags, RES_TAG_STACK) : "",
               ctx->stack_name) == 0) {
        *out = l.items[0];
        memset(&l.items[0], 0, sizeof l.items[0]);
        found = 1;
    }
    ec2_subnets_free(&l);
    return found;
}

/* The subnet's IPv6 /64 (when the file gives it one and it has none) and whether it
 * assigns IPv6 addresses on creation; p (the actual properties being built) follows. */
static int set_ipv6(res_ctx *ctx, res_node *n, cJSON *p, aws_error *err)
{
    const cJSON *block = cJSON_GetObjectItemCaseSensitive(n->desired, "ipv6_block");
    if (cJSON_IsNumber(block) && !cJSON_GetObjectItemCaseSensitive(p, "ipv6_block")) {
        const char *vpc = res_prop_text(n->desired, "ipv6_vpc_cidr");
        char *cidr = resnet_ipv6_subnet(vpc, block->valueint), *assoc = NULL;
        if (!cidr) {
            aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "%s: the VPC's IPv6 block is not known (%s)", n->id,
                          *vpc ? vpc : "none");
            return -1;
        }
        int rc = ec2_associate_subnet_ipv6(ctx->aws, n->physical_id, cidr, &assoc, err);
        if (rc != 0 && aws_error_is(err, AWS_IS_INVALID)) {
            /* a call retried after its answer was lost: the subnet has the block already */
            const char *ids[] = {n->physical_id, NULL};
            ec2_describe_in in = {.ids = ids};
            ec2_subnets l = {0};
            aws_error e;
            if (ec2_describe_subnets(ctx->aws, &in, &l, &e) == 0 && l.n == 1 && !strcmp(l.items[0].ipv6_cidr, cidr)) {
                assoc = xstrdup(l.items[0].ipv6_assoc_id);
                rc = 0;
            }
            ec2_subnets_free(&l);
        }
        free(cidr);
        if (rc != 0)
            return -1;
        cJSON_AddNumberToObject(p, "ipv6_block", block->valueint);
        cJSON_AddStringToObject(p, "ipv6_vpc_cidr", vpc);
        cJSON_AddStringToObject(p, "ipv6_assoc", assoc ? assoc : "");
        free(assoc);
        res_node_set(ctx, n, n->physical_id, cJSON_Duplicate(p, 1));
    }
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(n->desired, "assign_ipv6");
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(p, "assign_ipv6");
    if (cJSON_IsBool(want) && (!cJSON_IsBool(have) || cJSON_IsTrue(want) != cJSON_IsTrue(have))) {
        if (ec2_set_assign_ipv6(ctx->aws, n->physical_id, cJSON_IsTrue(want), err) != 0)
            return -1;
        cJSON_DeleteItemFromObjectCaseSensitive(p, "assign_ipv6");
        cJSON_AddBoolToObject(p, "assign_ipv6", cJSON_IsTrue(want));
    }
    return 0;
}

static int map_public_ip(res_ctx *ctx, void *id, aws_error *err)
{
    return ec2_set_map_public_ip(ctx->aws, id, 1, err);
}

static int subnet_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    int index = cJSON_GetObjectItemCaseSensitive(n->desired, "zone_index")->valueint;
    svc_strings zones = {0};
    const char *zone = res_prop_string(n->desired, "zone"); /* note_zones */
    if (!zone) {
        if (resnet_zone_names(ctx, &zones, err) != 0)
            return -1;
        if (index < 0 || (size_t)index >= zones.n) {
            aws_error_set(err, AWS_ERR_SERVICE, "NotEnoughZones",
                          "region %s has %zu available zones; the stack asks for zone %d "
                          "(network.zones is too large)",
                          ctx->region ? ctx->region : "in use", zones.n, index + 1);
            svc_strings_free(&zones);
            return -1;
        }
        zone = zones.items[index];
    }
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    ec2_subnet s = {0};
    int rc = ec2_create_subnet(ctx->aws, res_prop_text(n->desired, "vpc"), res_prop_text(n->desired, "cidr"),
                               zone, &tags, &s, err);
    svc_tags_free(&tags);
    svc_strings_free(&zones);
    if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS) &&
        adopt(ctx, n, res_prop_text(n->desired, "vpc"), res_prop_text(n->desired, "cidr"), &s))
        rc = 0;
    if (rc != 0)
        return -1;
    cJSON *p = res_props("vpc", s.vpc_id, "cidr", s.cidr, NULL);
    cJSON_AddNumberToObject(p, "zone_index", index);
    cJSON_AddStringToObject(p, "zone", s.zone);
    cJSON_AddBoolToObject(p, "map_public_ip", 0);
    res_node_set(ctx, n, s.id, p);
    ec2_subnet_free(&s);
    /* A public subnet's setting is the first call naming it: no DescribeSubnets before it,
     * unless EC2 does not see the subnet yet. A private one has no such call here, and the
     * nodes after it (routes, NAT, balancer, services) name it: it is described until
     * visible, as AWS advises. */
    int public = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n->desired, "map_public_ip"));
    aws_wait_opts o = resnet_visible_opts(ctx);
    if (public ? resnet_first_call(ctx, n->physical_id, ec2_wait_subnet_available, map_public_ip,
                                   n->physical_id, err)
               : ec2_wait_subnet_available(ctx->aws, n->physical_id, &o, err))
        return -1;
    cJSON *q = cJSON_Duplicate(p, 1);
    cJSON_AddBoolToObject(q, "assign_ipv6", 0);
    if (public)
        cJSON_ReplaceItemInObjectCaseSensitive(q, "map_public_ip", cJSON_CreateBool(1));
    rc = set_ipv6(ctx, n, q, err);
    res_node_set(ctx, n, n->physical_id, q);
    return rc;
}

static int subnet_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    int want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n->desired, "map_public_ip"));
    if (!cJSON_GetObjectItemCaseSensitive(n->actual, "map_public_ip") ||
        want != cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n->actual, "map_public_ip"))) {
        if (ec2_set_map_public_ip(ctx->aws, n->physical_id, want, err) != 0)
            return -1;
    }
    cJSON *p = cJSON_Duplicate(n->actual, 1);
    cJSON_ReplaceItemInObjectCaseSensitive(p, "map_public_ip", cJSON_CreateBool(want));
    int rc = set_ipv6(ctx, n, p, err);
    res_node_set(ctx, n, n->physical_id, p);
    return rc;
}

static int subnet_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    return resnet_delete_retrying(ctx, n, "subnet", n->physical_id, ec2_delete_subnet,
                                  "subnet-id", err);
}

static const char *const subnet_replace_on[] = {"vpc", "cidr", "zone_index", NULL};
static const char *const subnet_create_only[] = {"zone", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeSubnets ec2:DescribeAvailabilityZones",
    .create = "ec2:CreateSubnet",
    .changes = "ec2:ModifySubnetAttribute ec2:DeleteSubnet ec2:AssociateSubnetCidrBlock "
               "ec2:DisassociateSubnetCidrBlock",
};

const res_kind res_kind_subnet = {
    .name = "subnet",
    .title = "subnet",
    .build = subnet_build,
    .discover = subnet_discover,
    .create = subnet_create,
    .update = subnet_update,
    .remove = subnet_remove,
    .replace_on = subnet_replace_on,
    .create_only = subnet_create_only,
    .ci_ec2 = &ci_grants,
};
