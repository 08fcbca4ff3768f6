/*
 * route_table/public, route_table/private-N (per-zone NAT), route_table/private (one NAT,
 * or none): route tables of a new VPC with their default route (0.0.0.0/0 to the internet
 * gateway, to a NAT gateway, or none) and their subnet associations.
 *
 * Properties: vpc, default_route (the target's id, "" for none), ipv6_route (the target of
 * ::/0: the internet gateway for the public table, the egress-only gateway for private
 * ones, "" without network.ipv6) and subnets (the node ids of the associated subnets,
 * sorted). The actual properties also carry
 * "associations" {subnet node id: rtbassoc-…}, used to disassociate and never compared.
 * A private table's route to nat/N is a reference; the nat kind adds the dependency
 * (its nodes are built after route tables).
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

#define DEFAULT_DEST "0.0.0.0/0"
#define DEFAULT_DEST6 "::/0"

static res_node *add_table(res_graph *g, const char *name, const char *label, cJSON *route,
                           const svc_strings *subnets)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "vpc", res_ref("vpc/main", "id"));
    cJSON_AddItemToObject(d, "default_route", route);
    /* IPv6 out: public subnets through the internet gateway, private ones through the
     * egress-only gateway (both exist only with network.ipv6 where needed) */
    int pub = strcmp(name, "public") == 0;
    res_node *v6 = g->stack && g->stack->network.ipv6 ? res_graph_find(g, pub ? "igw/main" : "eigw/main") : NULL;
    cJSON_AddItemToObject(d, "ipv6_route", v6 ? res_ref(v6->id, "id") : cJSON_CreateString(""));
    cJSON_AddItemToObject(d, "subnets", resnet_sorted_array(subnets));
    res_node *n = res_graph_add(g, &res_kind_route_table, name, label, d);
    res_node_depend(n, res_graph_find(g, "vpc/main"));
    res_node_depend(n, v6);
    for (size_t i = 0; i < subnets->n; i++)
        res_node_depend(n, res_graph_find(g, subnets->items[i]));
    return n;
}

static void tier_subnets(const stack_network *net, stack_tier tier, int zone, svc_strings *out)
{
    for (size_t i = 0; i < net->nsubnets; i++) {
        const stack_subnet *s = &net->subnets[i];
        if (s->tier != tier || (zone >= 0 && s->zone != zone))
            continue;
        char id[48];
        snprintf(id, sizeof id, "subnet/%s-%d", tier == STACK_TIER_PUBLIC ? "public" : "private",
                 s->zone);
        svc_strings_add(out, id);
    }
}

static int route_table_build(res_graph *g, const stack_model *s)
{
    const stack_network *net = &s->network;
    if (net->mode != STACK_VPC_NEW)
        return 0;
    svc_strings subs = {0};
    tier_subnets(net, STACK_TIER_PUBLIC, -1, &subs);
    res_node *igw = res_graph_find(g, "igw/main");
    if (subs.n) {
        res_node *n = add_table(g, "public", "public route table",
                                igw ? res_ref("igw/main", "id") : cJSON_CreateString(""), &subs);
        res_node_depend(n, igw);
    }
    svc_strings_free(&subs);
    if (net->nat == STACK_NAT_PER_ZONE) {
        for (int z = 0; z < net->zones; z++) {
            tier_subnets(net, STACK_TIER_PRIVATE, z, &subs);
            if (subs.n) {
                char name[32], nat[32], label[64];
                snprintf(name, sizeof name, "private-%d", z);
                snprintf(nat, sizeof nat, "nat/%d", z);
                snprintf(label, sizeof label, "private route table of zone %d", z);
                add_table(g, name, label, res_ref(nat, "id"), &subs);
            }
            svc_strings_free(&subs);
        }
        return 0;
    }
    tier_subnets(net, STACK_TIER_PRIVATE, -1, &subs);
    if (subs.n)
        add_table(g, "private", "private route table",
                  net->nat == STACK_NAT_SINGLE ? res_ref("nat/0", "id") : cJSON_CreateString(""),
                  &subs);
    svc_strings_free(&subs);
    return 0;
}

static cJSON *table_props(const ec2_route_table *t, const svc_strings *sub_ids,
                          const svc_strings *sub_nodes)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "vpc", t->vpc_id);
    const char *target = "", *target6 = "";
    for (size_t i = 0; i < t->nroutes; i++) {
        const ec2_route *r = &t->routes[i];
        if (strcmp(r->destination, DEFAULT_DEST) == 0)
            target = r->nat_gateway_id[0] ? r->nat_gateway_id : r->gateway_id;
        if (strcmp(r->destination_ipv6, DEFAULT_DEST6) == 0)
            target6 = r->egress_only_gateway_id[0] ? r->egress_only_gateway_id : r->gateway_id;
    }
    cJSON_AddStringToObject(p, "default_route", target);
    cJSON_AddStringToObject(p, "ipv6_route", target6);
    svc_strings subs = {0};
    cJSON *assocs = cJSON_CreateObject();
    for (size_t i = 0; i < t->nassocs; i++) {
        const ec2_route_assoc *a = &t->assocs[i];
        if (a->main || !a->subnet_id[0] ||
            (a->state[0] && strcmp(a->state, "associated") != 0 && strcmp(a->state, "associating") != 0))
            continue;
        const char *node = resnet_lookup(sub_ids, sub_nodes, a->subnet_id);
        const char *key = node ? node : a->subnet_id;
        svc_strings_add(&subs, key);
        cJSON_AddStringToObject(assocs, key, a->id);
    }
    cJSON_AddItemToObject(p, "subnets", resnet_sorted_array(&subs));
    cJSON_AddItemToObject(p, "associations", assocs);
    svc_strings_free(&subs);
    return p;
}

/* The stack's tables and its subnets (to name associations by node), side by side. */
typedef struct {
    res_ctx *ctx;
    ec2_route_tables tables;
    svc_strings ids, nodes;
} table_reads;

static int table_read(void *ud, size_t i, aws_error *err)
{
    table_reads *r = ud;
    if (i == 1)
        return resnet_our_subnets(r->ctx, &r->ids, &r->nodes, err);
    resnet_query q;
    return ec2_describe_route_tables(r->ctx->aws, resnet_stack_in(r->ctx, &q), &r->tables, err);
}

static int route_table_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    aws_error_clear(err);
    table_reads r = {.ctx = ctx};
    int rc = res_parallel(2, 2, table_read, &r, err);
    ec2_route_tables l = r.tables;
    svc_strings ids = r.ids, nodes = r.nodes;
    if (rc != 0) {
        ec2_route_tables_free(&l);
        svc_strings_free(&ids);
        svc_strings_free(&nodes);
        return -1;
    }
    for (size_t i = 0; i < l.n; i++) {
        const char *id = resnet_node_id(&l.items[i].tags);
        if (id)
            resnet_found_add_ranked(out, id, l.items[i].id, table_props(&l.items[i], &ids, &nodes),
                                    (double)l.items[i].nassocs + (double)l.items[i].nroutes);
    }
    resnet_found_finish(out);
    svc_strings_free(&ids);
    svc_strings_free(&nodes);
    ec2_route_tables_free(&l);
    return 0;
}


/* Bring the default route to dest (0.0.0.0/0 or ::/0) from `have` to `want` ("" = none). */
static int set_route(res_ctx *ctx, const char *rtb, const char *dest, const char *have, const char *want,
                     aws_error *err)
{
    if (strcmp(have, want) == 0)
        return 0;
    if (!want[0]) {
        if (ec2_delete_route(ctx->aws, rtb, dest, err) == 0 ||
            aws_error_is(err, AWS_IS_NOT_FOUND))
            return 0;
        return -1;
    }
    ec2_route_in r = {.destination = dest};
    if (strncmp(want, "nat-", 4) == 0)
        r.nat_gateway_id = want;
    else if (strncmp(want, "eigw-", 5) == 0)
        r.egress_only_gateway_id = want;
    else
        r.gateway_id = want;
    if (!have[0] && ec2_create_route(ctx->aws, rtb, &r, err) == 0)
        return 0;
    if (!have[0] && !aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    return ec2_replace_route(ctx->aws, rtb, &r, err);
}

/* The association of subnet with table rtb, when there is one (a retried
 * AssociateRouteTable whose first answer was lost). Caller frees. */
static char *existing_assoc(res_ctx *ctx, const char *rtb, const char *subnet)
{
    const char *ids[] = {rtb, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_route_tables l = {0};
    aws_error e;
    char *assoc = NULL;
    if (ec2_describe_route_tables(ctx->aws, &in, &l, &e) == 0 && l.n == 1)
        for (size_t i = 0; !assoc && i < l.items[0].nassocs; i++)
            if (strcmp(l.items[0].assocs[i].subnet_id, subnet) == 0)
                assoc = xstrdup(l.items[0].assocs[i].id);
    ec2_route_tables_free(&l);
    return assoc;
}

/* Associate what `want` lists and `props` lacks, disassociate the rest; props (the
 * actual properties being built) are kept up to date. */
static int set_assocs(res_ctx *ctx, const char *rtb, const cJSON *want, cJSON *props,
                      aws_error *err)
{
    cJSON *assocs = cJSON_GetObjectItemCaseSensitive(props, "associations");
    for (cJSON *a = assocs->child; a;) {
        cJSON *next = a->next;
        if (!res_array_has(want, a->string)) {
            if (ec2_disassociate_route_table(ctx->aws, a->valuestring, err) != 0 &&
                !aws_error_is(err, AWS_IS_NOT_FOUND))
                return -1;
            cJSON_DeleteItemFromObjectCaseSensitive(assocs, a->string);
        }
        a = next;
    }
    const cJSON *w;
    cJSON_ArrayForEach(w, want)
    {
        if (cJSON_GetObjectItemCaseSensitive(assocs, w->valuestring))
            continue;
        char *subnet = strncmp(w->valuestring, "subnet/", 7) == 0
                           ? res_ref_value(ctx, w->valuestring, "id")
                           : xstrdup(w->valuestring);
        if (!subnet) {
            aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "%s does not exist yet", w->valuestring);
            return -1;
        }
        char *assoc = NULL;
        int rc = ec2_associate_route_table(ctx->aws, rtb, subnet, &assoc, err);
        if (rc != 0 && aws_error_is(err, AWS_IS_EXISTS) &&
            (assoc = existing_assoc(ctx, rtb, subnet)) != NULL)
            rc = 0;
        free(subnet);
        if (rc != 0)
            return -1;
        cJSON_AddStringToObject(assocs, w->valuestring, assoc);
        free(assoc);
    }
    svc_strings subs = {0};
    for (const cJSON *a = assocs->child; a; a = a->next)
        svc_strings_add(&subs, a->string);
    cJSON_ReplaceItemInObjectCaseSensitive(props, "subnets", resnet_sorted_array(&subs));
    svc_strings_free(&subs);
    return 0;
}

static int converge(res_ctx *ctx, res_node *n, cJSON *props, aws_error *err)
{
    const char *want = res_prop_text(n->desired, "default_route");
    int rc = set_route(ctx, n->physical_id, DEFAULT_DEST, res_prop_text(props, "default_route"), want, err);
    if (rc == 0)
        cJSON_ReplaceItemInObjectCaseSensitive(props, "default_route", cJSON_CreateString(want));
    const char *want6 = res_prop_text(n->desired, "ipv6_route");
    if (rc == 0 && cJSON_GetObjectItemCaseSensitive(n->desired, "ipv6_route")) {
        rc = set_route(ctx, n->physical_id, DEFAULT_DEST6, res_prop_text(props, "ipv6_route"), want6, err);
        if (rc == 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(props, "ipv6_route");
            cJSON_AddStringToObject(props, "ipv6_route", want6);
        }
    }
    if (rc == 0)
        rc = set_assocs(ctx, n->physical_id, cJSON_GetObjectItemCaseSensitive(n->desired, "subnets"),
                        props, err);
    res_node_set(ctx, n, n->physical_id, props);
    return rc;
}

static int route_table_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    ec2_route_table t = {0};
    int rc = ec2_create_route_table(ctx->aws, res_prop_text(n->desired, "vpc"), &tags, &t, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    cJSON *p = res_props("vpc", t.vpc_id, "default_route", "", "ipv6_route", "", NULL);
    cJSON_AddItemToObject(p, "subnets", cJSON_CreateArray());
    cJSON_AddItemToObject(p, "associations", cJSON_CreateObject());
    res_node_set(ctx, n, t.id, cJSON_Duplicate(p, 1));
    ec2_route_table_free(&t);
    return converge(ctx, n, p, err);
}

static int route_table_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    cJSON *p = cJSON_Duplicate(n->actual, 1);
    if (!cJSON_GetObjectItemCaseSensitive(p, "associations"))
        cJSON_AddItemToObject(p, "associations", cJSON_CreateObject());
    return converge(ctx, n, p, err);
}

static int route_table_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *assocs = n->actual ? cJSON_GetObjectItemCaseSensitive(n->actual, "associations") : NULL;
    for (const cJSON *a = assocs ? assocs->child : NULL; a; a = a->next)
        if (ec2_disassociate_route_table(ctx->aws, a->valuestring, err) != 0 &&
            !aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
    return resnet_delete_retrying(ctx, n, "route table", n->physical_id, ec2_delete_route_table,
                                  NULL, err);
}

static const char *const route_table_replace_on[] = {"vpc", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeRouteTables",
    .create = "ec2:CreateRouteTable",
    .changes = "ec2:CreateRoute ec2:ReplaceRoute ec2:DeleteRoute ec2:AssociateRouteTable "
               "ec2:DisassociateRouteTable ec2:DeleteRouteTable",
};

const res_kind res_kind_route_table = {
    .name = "route_table",
    .title = "route table",
    .build = route_table_build,
    .discover = route_table_discover,
    .create = route_table_create,
    .update = route_table_update,
    .remove = route_table_remove,
    .replace_on = route_table_replace_on,
    .ci_ec2 = &ci_grants,
};
