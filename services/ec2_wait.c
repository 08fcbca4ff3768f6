/* EC2 waiters for VPCs, subnets, security groups and NAT gateways: one poll, a row each. */
#include <stdio.h>
#include <string.h>

#include "ec2_internal.h"

/* A waiter: the Describe of its resource, the member holding the state (NULL: existing
 * is the state, "exists"), the state waited for and what the wait is for ("be available"),
 * the states it never leaves for that one (NULL: none; the item's failureCode, else
 * fail_code, is the error's code), whether the resource's absence is the end waited for,
 * and the model's checks and interval. */
typedef struct {
    const char *what;
    ec2i_describe_spec describe;
    const char *state, *want, *goal;
    const char *const *fail;
    const char *fail_code;
    int gone_ok;
    int checks, interval;
} wait_kind;

#define NAT_DESCRIBE {"DescribeNatGateways", "NatGatewayId", "natGatewaySet", 1, NULL}
static const char *const nat_fail[] = {"failed", "deleting", "deleted", NULL};

static const wait_kind vpc_available = {
    "VPC", {"DescribeVpcs", "VpcId", "vpcSet", 1, NULL}, "state", "available", "be available",
    NULL, NULL, 0, 40, 15};
static const wait_kind subnet_available = {
    "subnet", {"DescribeSubnets", "SubnetId", "subnetSet", 1, NULL}, "state", "available",
    "be available", NULL, NULL, 0, 40, 15};
static const wait_kind group_exists = {
    "security group", {"DescribeSecurityGroups", "GroupId", "securityGroupInfo", 1, NULL}, NULL,
    "exists", "exist", NULL, NULL, 0, 6, 5};
static const wait_kind nat_available = {"NAT gateway", NAT_DESCRIBE, "state", "available",
                                        "be available", nat_fail, "NatGatewayFailed", 0, 40, 15};
static const wait_kind nat_deleted = {"NAT gateway", NAT_DESCRIBE, "state", "deleted",
                                      "be deleted", NULL, NULL, 1, 40, 15};

static int id_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    const svc_lookup *w = ctx;
    const wait_kind *k = w->kind;
    const char *ids[] = {w->id, NULL};
    ec2_describe_in in = {.ids = ids};
    cJSON *items;
    if (ec2i_describe(w->c, &k->describe, &in, &items, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        snprintf(state, size, "not found");
        aws_error_clear(err);
        return k->gone_ok;
    }
    const cJSON *first = cJSON_GetArrayItem(items, 0);
    const char *now = !first ? "not found" : k->state ? aws_json_str(first, k->state) : "exists";
    snprintf(state, size, "%s", now ? now : "");
    int rc = !first ? k->gone_ok : strcmp(state, k->want) == 0;
    if (first && !rc && svc_state_in(state, k->fail)) {
        const char *code = aws_json_str(first, "failureCode");
        const char *why = aws_json_str(first, "failureMessage");
        aws_error_set(err, AWS_ERR_SERVICE, code && *code ? code : k->fail_code,
                      "%s %s is %s%s%s", k->what, w->id, state, why && *why ? ": " : "",
                      why ? why : "");
        rc = -1;
    }
    cJSON_Delete(items);
    return rc;
}

static int wait_for(aws_client *c, const char *id, const wait_kind *kind, const aws_wait_opts *o,
                    aws_error *err)
{
    svc_lookup w = {.c = c, .id = id, .kind = kind};
    return svc_waitf(o, kind->checks, kind->interval, id_poll, &w, err, "%s %s to %s",
                     kind->what, id, kind->goal);
}

int ec2_wait_vpc_available(aws_client *c, const char *vpc_id, const aws_wait_opts *o,
                           aws_error *err)
{
    return wait_for(c, vpc_id, &vpc_available, o, err);
}

int ec2_wait_subnet_available(aws_client *c, const char *subnet_id, const aws_wait_opts *o,
                              aws_error *err)
{
    return wait_for(c, subnet_id, &subnet_available, o, err);
}

int ec2_wait_security_group_exists(aws_client *c, const char *group_id,
                                   const aws_wait_opts *o, aws_error *err)
{
    return wait_for(c, group_id, &group_exists, o, err);
}

int ec2_wait_nat_gateway_available(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                   aws_error *err)
{
    return wait_for(c, nat_id, &nat_available, o, err);
}

int ec2_wait_nat_gateway_deleted(aws_client *c, const char *nat_id, const aws_wait_opts *o,
                                 aws_error *err)
{
    return wait_for(c, nat_id, &nat_deleted, o, err);
}
