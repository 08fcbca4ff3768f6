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

#include "ci_policy_internal.h"
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

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    aws_error_clear(err);
    ec2_filter f = resnet_stack_filter(ctx);
    ec2_describe_in in = {.filters = &f, .nfilters = 1};
    ec2_eigws l = {0};
    if (ec2_describe_egress_only_gateways(ctx->aws, &in, &l, err) != 0)
        return -1;
    for (size_t i = 0; i < l.n; i++) {
        const char *id = resnet_node_id(&l.items[i].tags);
        if (id)
            resnet_found_add(out, id, l.items[i].id, resnet_gateway_props(l.items[i].vpc_id));
    }
    ec2_eigws_free(&l);
    return 0;
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

static void ci_grant(ci_builder *b, int mine)
{
    ci_ec2_grant(b, mine, "ec2:DescribeEgressOnlyInternetGateways",
                 "ec2:CreateEgressOnlyInternetGateway", "ec2:DeleteEgressOnlyInternetGateway");
}

const res_kind res_kind_eigw = {
    .name = "eigw",
    .title = "egress-only gateway",
    .build = build,
    .discover = discover,
    .create = create,
    .remove = remove_gateway,
    .replace_on = replace_on,
    .ci_grant = ci_grant,
};
