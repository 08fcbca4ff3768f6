/*
 * eigw/main: the egress-only internet gateway of a dual-stack VPC (network.ipv6) with
 * private subnets: their tasks reach the internet over IPv6 (::/0 routes to it), and
 * nothing reaches them from outside. Public subnets route IPv6 to the internet gateway.
 * The create carries a ClientToken derived from the stack, so a create retried after its
 * answer was lost returns the first gateway.
 *
 * Properties: vpc.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

static int build(res_graph *g, const stack_model *s)
{
    const stack_network *net = &s->network;
    if (net->mode != STACK_VPC_NEW || !net->ipv6 || net->private_subnets != 1)
        return 0;
    resnet_add_gateway(g, &res_kind_eigw, "egress-only internet gateway (IPv6)");
    return 0;
}

static cJSON *found_props(const void *item)
{
    return resnet_gateway_props(((const ec2_eigw *)item)->vpc_id);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    static const resnet_item_kind found = {RESNET_ITEM_OF(ec2_eigw, id), .props = found_props};
    resnet_query q;
    ec2_eigws l = {0};
    int rc = ec2_describe_egress_only_gateways(ctx->aws, resnet_stack_in(ctx, &q), &l, err);
    if (rc == 0)
        resnet_found_items(out, l.items, l.n, &found);
    ec2_eigws_free(&l);
    return rc;
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *vpc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n->desired, "vpc"));
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    char *token = resnet_token(ctx, n, vpc);
    ec2_eigw g = {0};
    int rc = ec2_create_egress_only_gateway(ctx->aws, vpc, token, &tags, &g, err);
    free(token);
    svc_tags_free(&tags);
    if (rc == 0)
        res_node_set(ctx, n, g.id, resnet_gateway_props(g.vpc_id));
    ec2_eigw_free(&g);
    return rc;
}

static int remove_gateway(res_ctx *ctx, res_node *n, aws_error *err)
{
    return resnet_delete_retrying(ctx, n, "egress-only internet gateway", n->physical_id,
                                  ec2_delete_egress_only_gateway, NULL, err);
}

static const char *const replace_on[] = {"vpc", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeEgressOnlyInternetGateways",
    .create = "ec2:CreateEgressOnlyInternetGateway",
    .changes = "ec2:DeleteEgressOnlyInternetGateway",
};

const res_kind res_kind_eigw = {
    .name = "eigw",
    .title = "egress-only gateway",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_gateway,
    .replace_on = replace_on,
    .ci_ec2 = &ci_grants,
};
