/*
 * nat/N: NAT gateways (public, one Elastic IP each) in public subnet N — one per zone, or
 * nat/0 only for a single NAT. Created with a ClientToken derived from the stack, the node
 * and its inputs, so a re-run after a crash gets the first gateway back; waited for until
 * available, and on removal until deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

static int nat_build(res_graph *g, const stack_model *s)
{
    const stack_network *net = &s->network;
    int count = resnet_nat_count(net);
    for (int i = 0; i < count; i++) {
        char name[32], subnet[48], eip[32], label[64];
        snprintf(name, sizeof name, "%d", i);
        snprintf(subnet, sizeof subnet, "subnet/public-%d", i);
        snprintf(eip, sizeof eip, "eip/nat-%d", i);
        snprintf(label, sizeof label, "NAT gateway in zone %d", i);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "subnet", res_ref(subnet, "id"));
        cJSON_AddItemToObject(d, "eip", res_ref(eip, "id"));
        res_node *n = res_graph_add(g, &res_kind_nat, name, label, d);
        res_node_depend(n, res_graph_find(g, subnet));
        res_node_depend(n, res_graph_find(g, eip));
        res_node_depend(n, res_graph_find(g, "igw/main"));
        /* the private route tables (built before) route to this gateway */
        char rt[48];
        snprintf(rt, sizeof rt, "route_table/private-%d", i);
        res_node *table = res_graph_find(g, net->nat == STACK_NAT_PER_ZONE ? rt : "route_table/private");
        if (table)
            res_node_depend(table, n);
    }
    return 0;
}

static int live(const char *state)
{
    return strcmp(state, "deleted") != 0 && strcmp(state, "deleting") != 0 &&
           strcmp(state, "failed") != 0;
}

static int found_live(const void *item)
{
    return live(((const ec2_nat *)item)->state);
}

static cJSON *nat_props(const void *item)
{
    const ec2_nat *g = item;
    return res_props("subnet", g->subnet_id,
                     "eip", g->naddresses ? g->addresses[0].allocation_id : "", "state", g->state,
                     NULL);
}

static int nat_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_item_kind found = {RESNET_ITEM_OF(ec2_nat, id), .props = nat_props,
                                           .live = found_live};
    resnet_query q;
    ec2_nats l = {0};
    int rc = ec2_describe_nat_gateways(ctx->aws, resnet_stack_in(ctx, &q), &l, err);
    if (rc == 0)
        resnet_found_items(out, l.items, l.n, &found);
    ec2_nats_free(&l);
    return rc;
}

/* One look at the gateway: *g filled, or *gone set when it no longer exists. */
static int describe_one(res_ctx *ctx, const char *id, ec2_nat *g, int *gone, aws_error *err)
{
    const char *ids[] = {id, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_nats l = {0};
    *gone = 0;
    if (ec2_describe_nat_gateways(ctx->aws, &in, &l, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        *gone = 1;
        return 0;
    }
    if (l.n == 0) {
        *gone = 1;
    } else {
        *g = l.items[0];
        memset(&l.items[0], 0, sizeof l.items[0]);
    }
    ec2_nats_free(&l);
    return 0;
}

/* What a wait on the gateway waits for (its ud). */
typedef enum { NAT_AVAILABLE, NAT_DELETED } nat_want;

/* One look at the gateway: created, done once available (an error once it can no longer
 * be); deleted, done once gone (deleted, failed or no longer listed). */
static int poll_state(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                      aws_error *err)
{
    nat_want want = *(const nat_want *)ud;
    ec2_nat g = {0};
    int gone = 0;
    if (describe_one(ctx, n->physical_id, &g, &gone, err) != 0)
        return -1;
    if (gone && want == NAT_DELETED)
        return 1;
    if (gone) {
        aws_error_set(err, AWS_ERR_SERVICE, "NatGatewayNotFound",
                      "NAT gateway %s disappeared while being created", n->physical_id);
        return -1;
    }
    int rc = 0;
    snprintf(status, len, "%s", g.state);
    if (want == NAT_DELETED) {
        rc = strcmp(g.state, "deleted") == 0 || strcmp(g.state, "failed") == 0;
    } else if (strcmp(g.state, "available") == 0) {
        res_node_set(ctx, n, n->physical_id, nat_props(&g));
        rc = 1;
    } else if (!live(g.state)) {
        aws_error_set(err, AWS_ERR_SERVICE, g.failure_code[0] ? g.failure_code : "NatGatewayFailed",
                      "NAT gateway %s is %s: %s", n->physical_id, g.state,
                      g.failure_message[0] ? g.failure_message : "no reason given");
        rc = -1;
    }
    ec2_nat_free(&g);
    return rc;
}

static int nat_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *subnet = res_prop_text(n->desired, "subnet"), *eip = res_prop_text(n->desired, "eip");
    char *extra = xasprintf("%s/%s", subnet, eip);
    char *token = resnet_token(ctx, n, extra);
    free(extra);
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    ec2_nat g = {0};
    int rc = ec2_create_nat_gateway(ctx->aws, subnet, eip, token, &tags, &g, err);
    svc_tags_free(&tags);
    free(token);
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, g.id, nat_props(&g));
    ec2_nat_free(&g);
    char *what = xasprintf("NAT gateway %s to be available", n->physical_id);
    nat_want want = NAT_AVAILABLE;
    rc = res_wait(ctx, n, RES_CREATE, what, poll_state, &want, err);
    free(what);
    return rc;
}

static int nat_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (ec2_delete_nat_gateway(ctx->aws, n->physical_id, err) != 0 &&
        !aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    aws_error_clear(err);
    char *what = xasprintf("NAT gateway %s to be deleted", n->physical_id);
    nat_want want = NAT_DELETED;
    int rc = res_wait(ctx, n, RES_DELETE, what, poll_state, &want, err);
    free(what);
    return rc;
}

/* `status`: the gateway's state as discovered; anything but available is unhealthy. */
static int nat_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    const char *state = res_prop_text(n->actual, "state");
    cJSON_AddStringToObject(out, "nat_state", state[0] ? state : "unknown");
    cJSON_AddBoolToObject(out, "healthy", strcmp(state, "available") == 0);
    return 0;
}

static const char *const nat_replace_on[] = {"subnet", "eip", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeNatGateways",
    .create = "ec2:CreateNatGateway",
    .changes = "ec2:DeleteNatGateway",
};

const res_kind res_kind_nat = {
    .name = "nat",
    .title = "NAT gateway",
    .build = nat_build,
    .discover = nat_discover,
    .create = nat_create,
    .remove = nat_remove,
    .status = nat_status,
    .replace_on = nat_replace_on,
    .ci_ec2 = &ci_grants,
};
