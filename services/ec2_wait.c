/* EC2 waiters for VPCs, subnets and security groups (NAT gateways: ec2_nat.c). */
#include <stdio.h>
#include <string.h>

#include "ec2_internal.h"

typedef enum { WAIT_VPC, WAIT_SUBNET, WAIT_GROUP } wait_kind;

typedef struct {
    aws_client *c;
    const char *id;
    wait_kind kind;
} id_wait;

/* Describe the one resource; its state into state ("exists" for groups). */
static int describe_state(id_wait *w, char *state, size_t size, aws_error *err)
{
    const char *ids[] = {w->id, NULL};
    ec2_describe_in in = {.ids = ids};
    int rc;
    if (w->kind == WAIT_VPC) {
        ec2_vpcs l;
        if ((rc = ec2_describe_vpcs(w->c, &in, &l, err)) == 0)
            snprintf(state, size, "%s", l.n ? l.items[0].state : "not found");
        ec2_vpcs_free(&l);
    } else if (w->kind == WAIT_SUBNET) {
        ec2_subnets l;
        if ((rc = ec2_describe_subnets(w->c, &in, &l, err)) == 0)
            snprintf(state, size, "%s", l.n ? l.items[0].state : "not found");
        ec2_subnets_free(&l);
    } else {
        ec2_security_groups l;
        if ((rc = ec2_describe_security_groups(w->c, &in, &l, err)) == 0)
            snprintf(state, size, "%s", l.n ? "exists" : "not found");
        ec2_security_groups_free(&l);
    }
    return rc;
}

static int id_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    id_wait *w = ctx;
    if (describe_state(w, state, size, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        snprintf(state, size, "not found");
        aws_error_clear(err);
        return 0;
    }
    return strcmp(state, w->kind == WAIT_GROUP ? "exists" : "available") == 0;
}

static int wait_for(aws_client *c, const char *id, wait_kind kind, const aws_wait_opts *o,
                    aws_error *err)
{
    static const char *const names[] = {"VPC", "subnet", "security group"};
    char what[160];
    snprintf(what, sizeof what, "%s %s to %s", names[kind], id,
             kind == WAIT_GROUP ? "exist" : "be available");
    id_wait w = {c, id, kind};
    return svc_wait(o, kind == WAIT_GROUP ? 6 : 40, kind == WAIT_GROUP ? 5 : 15, what,
                       id_poll, &w, err);
}

int ec2_wait_vpc_available(aws_client *c, const char *vpc_id, const aws_wait_opts *o,
                           aws_error *err)
{
    return wait_for(c, vpc_id, WAIT_VPC, o, err);
}

int ec2_wait_subnet_available(aws_client *c, const char *subnet_id, const aws_wait_opts *o,
                              aws_error *err)
{
    return wait_for(c, subnet_id, WAIT_SUBNET, o, err);
}

int ec2_wait_security_group_exists(aws_client *c, const char *group_id,
                                   const aws_wait_opts *o, aws_error *err)
{
    return wait_for(c, group_id, WAIT_GROUP, o, err);
}
