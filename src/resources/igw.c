/*
 * igw/main: the internet gateway of a new VPC, attached to it. Made when the stack has
 * public subnets or an internet-facing load balancer. Removal detaches (retried while
 * AWS still sees mapped public addresses in the VPC), then deletes.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

static int igw_build(res_graph *g, const stack_model *s)
{
    const stack_network *net = &s->network;
    if (net->mode != STACK_VPC_NEW)
        return 0;
    int needed = 0;
    for (size_t i = 0; i < net->nsubnets; i++)
        needed |= net->subnets[i].tier == STACK_TIER_PUBLIC;
    for (size_t i = 0; i < s->nload_balancers; i++)
        needed |= !s->load_balancers[i].internal;
    if (!needed)
        return 0;
    resnet_add_gateway(g, &res_kind_igw, "internet gateway");
    return 0;
}

static cJSON *found_props(const void *item)
{
    return resnet_gateway_props(((const ec2_igw *)item)->vpc_id);
}

/* of two gateways claiming the node, the attached one */
static double attached(const void *item)
{
    return ((const ec2_igw *)item)->vpc_id[0] ? 1 : 0;
}

static int igw_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_item_kind found = {RESNET_ITEM_OF(ec2_igw, id), .props = found_props,
                                           .rank = attached};
    resnet_query q;
    ec2_igws l = {0};
    int rc = ec2_describe_internet_gateways(ctx->aws, resnet_stack_in(ctx, &q), &l, err);
    if (rc == 0)
        resnet_found_items(out, l.items, l.n, &found);
    ec2_igws_free(&l);
    return rc;
}

static const char *attached_vpc(const res_node *n)
{
    const cJSON *v = n->actual ? cJSON_GetObjectItemCaseSensitive(n->actual, "vpc") : NULL;
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

typedef struct {
    const char *igw, *vpc;
} detach_job;

static int poll_detach(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                       aws_error *err)
{
    (void)n;
    detach_job *j = ud;
    /* Gateway.NotAttached counts as not found: detached */
    return res_delete_tried(ec2_detach_internet_gateway(ctx->aws, j->igw, j->vpc, err), err, 0,
                            status, len);
}

static int detach(res_ctx *ctx, res_node *n, const char *vpc, aws_error *err)
{
    detach_job j = {n->physical_id, vpc};
    char *what = xasprintf("internet gateway %s to detach from %s", n->physical_id, vpc);
    int rc = res_wait(ctx, n, RES_DELETE, what, poll_detach, &j, err);
    free(what);
    return rc;
}

/* Attach; "already attached" to this very VPC (a retried call) is success. */
static int attach(res_ctx *ctx, const char *igw, const char *vpc, aws_error *err)
{
    if (ec2_attach_internet_gateway(ctx->aws, igw, vpc, err) == 0)
        return 0;
    if (!aws_error_is(err, AWS_IS_EXISTS))
        return -1;
    const char *ids[] = {igw, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_igws l = {0};
    aws_error e;
    int ok = ec2_describe_internet_gateways(ctx->aws, &in, &l, &e) == 0 && l.n == 1 &&
             strcmp(l.items[0].vpc_id, vpc) == 0;
    ec2_igws_free(&l);
    return ok ? 0 : -1;
}

static int igw_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *vpc = cJSON_GetObjectItemCaseSensitive(n->desired, "vpc");
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    ec2_igw g = {0};
    int rc = ec2_create_internet_gateway(ctx->aws, &tags, &g, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    res_node_set(ctx, n, g.id, resnet_gateway_props(NULL));
    ec2_igw_free(&g);
    if (attach(ctx, n->physical_id, vpc->valuestring, err) != 0)
        return -1;
    res_node_set(ctx, n, n->physical_id, resnet_gateway_props(vpc->valuestring));
    return 0;
}

static int igw_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *vpc = cJSON_GetObjectItemCaseSensitive(n->desired, "vpc");
    const char *old = attached_vpc(n);
    if (old && detach(ctx, n, old, err) != 0)
        return -1;
    res_node_set(ctx, n, n->physical_id, resnet_gateway_props(NULL));
    if (!cJSON_IsString(vpc) || !vpc->valuestring[0]) /* a rollback to "detached" */
        return 0;
    if (attach(ctx, n->physical_id, vpc->valuestring, err) != 0)
        return -1;
    res_node_set(ctx, n, n->physical_id, resnet_gateway_props(vpc->valuestring));
    return 0;
}

static int igw_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *vpc = attached_vpc(n);
    if (vpc && detach(ctx, n, vpc, err) != 0)
        return -1;
    return resnet_delete_retrying(ctx, n, "internet gateway", n->physical_id,
                                  ec2_delete_internet_gateway, NULL, err);
}

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeInternetGateways",
    .create = "ec2:CreateInternetGateway",
    .changes = "ec2:AttachInternetGateway ec2:DetachInternetGateway ec2:DeleteInternetGateway",
};

const res_kind res_kind_igw = {
    .name = "igw",
    .title = "internet gateway",
    .build = igw_build,
    .discover = igw_discover,
    .create = igw_create,
    .update = igw_update,
    .remove = igw_remove,
    .ci_ec2 = &ci_grants,
};
