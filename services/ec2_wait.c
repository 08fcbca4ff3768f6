/* EC2 waiters for VPCs, subnets and security groups (NAT gateways: ec2_nat.c). */
#include <stdio.h>
#include <string.h>

#include "ec2_internal.h"

/* A waiter: the Describe of its resource, the member holding the state (NULL: existing
 * is the state, "exists"), the state waited for, and the model's checks and interval. */
typedef struct {
    const char *what;
    ec2i_describe_spec describe;
    const char *state, *want;
    int checks, interval;
} wait_kind;

static const wait_kind vpc_available = {
    "VPC", {"DescribeVpcs", "VpcId", "vpcSet", 1, NULL}, "state", "available", 40, 15};
static const wait_kind subnet_available = {
    "subnet", {"DescribeSubnets", "SubnetId", "subnetSet", 1, NULL}, "state", "available", 40, 15};
static const wait_kind group_exists = {
    "security group", {"DescribeSecurityGroups", "GroupId", "securityGroupInfo", 1, NULL}, NULL,
    "exists", 6, 5};

typedef struct {
    aws_client *c;
    const char *id;
    const wait_kind *kind;
} id_wait;

static int id_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    id_wait *w = ctx;
    const char *ids[] = {w->id, NULL};
    ec2_describe_in in = {.ids = ids};
    cJSON *items;
    if (ec2i_describe(w->c, &w->kind->describe, &in, &items, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        snprintf(state, size, "not found");
        aws_error_clear(err);
        return 0;
    }
    const cJSON *first = cJSON_GetArrayItem(items, 0);
    const char *now = !first ? "not found" : w->kind->state ? aws_json_str(first, w->kind->state)
                                                            : "exists";
    snprintf(state, size, "%s", now ? now : "");
    cJSON_Delete(items);
    return strcmp(state, w->kind->want) == 0;
}

static int wait_for(aws_client *c, const char *id, const wait_kind *kind, const aws_wait_opts *o,
                    aws_error *err)
{
    id_wait w = {c, id, kind};
    return svc_waitf(o, kind->checks, kind->interval, id_poll, &w, err, "%s %s to %s",
                     kind->what, id, kind->state ? "be available" : "exist");
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
