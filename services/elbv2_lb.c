/* ELBv2: load balancers, their attributes and waiters; tags of any ELBv2 resource. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

static const svc_shape zone_shape = SVC_SHAPE(elbv2_zone, NULL, NULL,
    SVC_FIELD("ZoneName", SVC_STR, elbv2_zone, zone),
    SVC_FIELD("SubnetId", SVC_STR, elbv2_zone, subnet_id));

static const svc_shape lb_shape = SVC_SHAPE(elbv2_lb, NULL, NULL,
    SVC_FIELD("LoadBalancerArn", SVC_STR, elbv2_lb, arn),
    SVC_FIELD("LoadBalancerName", SVC_STR, elbv2_lb, name),
    SVC_FIELD("DNSName", SVC_STR, elbv2_lb, dns_name),
    SVC_FIELD("CanonicalHostedZoneId", SVC_STR, elbv2_lb, hosted_zone_id),
    SVC_FIELD("Scheme", SVC_STR, elbv2_lb, scheme),
    SVC_FIELD("Type", SVC_STR, elbv2_lb, type),
    SVC_FIELD("VpcId", SVC_STR, elbv2_lb, vpc_id),
    SVC_FIELD("IpAddressType", SVC_STR, elbv2_lb, ip_address_type),
    SVC_FIELD("State.Code", SVC_STR, elbv2_lb, state),
    SVC_FIELD("State.Reason", SVC_STR, elbv2_lb, state_reason),
    SVC_FIELD("CreatedTime", SVC_STR, elbv2_lb, created_time),
    SVC_FLIST("AvailabilityZones", elbv2_lb, zones, nzones, &zone_shape),
    SVC_FIELD("SecurityGroups", SVC_STRINGS, elbv2_lb, security_groups));

SVC_DEFINE_FREE(elbv2_lb_free, elbv2_lb, lb_shape)
SVC_DEFINE_LIST_FREE(elbv2_lbs_free, elbv2_lbs, lb_shape)

static const svc_field lb_in_fields[] = {
    SVC_FIELD("Scheme", SVC_STR, elbv2_lb_in, scheme),
    SVC_FIELD("Type", SVC_STR, elbv2_lb_in, type),
    SVC_FIELD("IpAddressType", SVC_STR, elbv2_lb_in, ip_address_type),
    SVC_END};

int elbv2_create_load_balancer(aws_client *c, const elbv2_lb_in *in, elbv2_lb *out,
                               aws_error *err)
{
    cJSON *req = svc_input("Name", in->name);
    svc_add_strings(req, "Subnets", in->subnets);
    svc_add_strings(req, "SecurityGroups", in->security_groups);
    svc_write(req, lb_in_fields, in);
    svc_add_tags(req, "Tags", in->tags, "Key", "Value");
    return svc_call_read(elbv2i_call, c, "CreateLoadBalancer", req, "LoadBalancers.0", &lb_shape,
                         out, err);
}

int elbv2_describe_load_balancers(aws_client *c, const char *const *arns,
                                  const char *const *names, int page_size, elbv2_lbs *out,
                                  aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_strings(req, "LoadBalancerArns", arns);
    svc_add_strings(req, "Names", names);
    return elbv2i_describe(c, "DescribeLoadBalancers", req, "LoadBalancers", page_size,
                           &lb_shape, (void **)&out->items, &out->n, err);
}

int elbv2_delete_load_balancer(aws_client *c, const char *arn, aws_error *err)
{
    return elbv2i_call(c, "DeleteLoadBalancer", svc_input("LoadBalancerArn", arn), NULL, err);
}

int elbv2_set_ip_address_type(aws_client *c, const char *arn, const char *type, aws_error *err)
{
    cJSON *req = svc_input("LoadBalancerArn", arn);
    cJSON_AddStringToObject(req, "IpAddressType", type ? type : "ipv4");
    return elbv2i_call(c, "SetIpAddressType", req, NULL, err);
}

int elbv2_set_subnets(aws_client *c, const char *arn, const char *const *subnets, aws_error *err)
{
    cJSON *req = svc_input("LoadBalancerArn", arn);
    svc_add_strings(req, "Subnets", subnets);
    return elbv2i_call(c, "SetSubnets", req, NULL, err);
}

int elbv2_set_security_groups(aws_client *c, const char *arn, const char *const *groups,
                              aws_error *err)
{
    cJSON *req = svc_input("LoadBalancerArn", arn);
    svc_add_strings(req, "SecurityGroups", groups);
    return elbv2i_call(c, "SetSecurityGroups", req, NULL, err);
}

/* Describe/Modify*Attributes for load balancers and target groups. */
static int attributes(aws_client *c, const char *action, const char *arn_name, const char *arn,
                      const svc_tags *set, svc_tags *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (set && set->n == 0)
        return svc_refuse(err, "InvalidParameter", "%s: no attributes given", action);
    cJSON *req = svc_input(arn_name, arn);
    svc_add_tags(req, "Attributes", set, "Key", "Value");
    if (!out)
        return elbv2i_call(c, action, req, NULL, err);
    return svc_call_tags(elbv2i_call, c, action, req, "Attributes", "Key", "Value", out, err);
}

int elbv2_describe_load_balancer_attributes(aws_client *c, const char *arn, svc_tags *out,
                                            aws_error *err)
{
    return attributes(c, "DescribeLoadBalancerAttributes", "LoadBalancerArn", arn, NULL, out,
                      err);
}

int elbv2_modify_load_balancer_attributes(aws_client *c, const char *arn, const svc_tags *attrs,
                                          svc_tags *out, aws_error *err)
{
    static const svc_tags none = {0};
    return attributes(c, "ModifyLoadBalancerAttributes", "LoadBalancerArn", arn,
                      attrs ? attrs : &none, out, err);
}

int elbv2_describe_target_group_attributes(aws_client *c, const char *arn, svc_tags *out,
                                           aws_error *err)
{
    return attributes(c, "DescribeTargetGroupAttributes", "TargetGroupArn", arn, NULL, out, err);
}

int elbv2_modify_target_group_attributes(aws_client *c, const char *arn, const svc_tags *attrs,
                                         svc_tags *out, aws_error *err)
{
    static const svc_tags none = {0};
    return attributes(c, "ModifyTargetGroupAttributes", "TargetGroupArn", arn,
                      attrs ? attrs : &none, out, err);
}

/* ---- waiters ---------------------------------------------------------------------- */

typedef struct {
    aws_client *c;
    const char *const *arns;
    int want_deleted;
} lb_wait;

static int lb_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    lb_wait *w = ctx;
    elbv2_lbs l;
    if (elbv2_describe_load_balancers(w->c, w->arns, NULL, 0, &l, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        snprintf(state, size, "not found");
        aws_error_clear(err);
        return w->want_deleted ? 1 : 0;
    }
    int rc = w->want_deleted ? l.n == 0 : l.n > 0;
    size_t used = 0;
    for (size_t i = 0; i < l.n; i++) {
        const elbv2_lb *lb = &l.items[i];
        if (used < size)
            used += (size_t)snprintf(state + used, size - used, "%s%s %s%s%s", i ? "; " : "",
                                     lb->name, lb->state, lb->state_reason[0] ? ": " : "",
                                     lb->state_reason);
        if (!w->want_deleted && strcmp(lb->state, "active") != 0)
            rc = 0;
        if (!w->want_deleted && (strcmp(lb->state, "failed") == 0)) {
            aws_error_set(err, AWS_ERR_SERVICE, "LoadBalancerFailed",
                          "load balancer %s failed%s%s", lb->name,
                          lb->state_reason[0] ? ": " : "", lb->state_reason);
            rc = -1;
            break;
        }
    }
    elbv2_lbs_free(&l);
    return rc;
}

/* The NULL-terminated list's length (0 for NULL). */
static size_t count_of(const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

int elbv2_wait_load_balancer_available(aws_client *c, const char *arn, const aws_wait_opts *o,
                                       aws_error *err)
{
    const char *arns[] = {arn, NULL};
    lb_wait w = {c, arns, 0};
    return svc_waitf(o, 40, 15, lb_poll, &w, err, "load balancer %s to be active", arn);
}

int elbv2_wait_load_balancers_deleted(aws_client *c, const char *const *arns,
                                      const aws_wait_opts *o, aws_error *err)
{
    lb_wait w = {c, arns, 1};
    char what[400];
    snprintf(what, sizeof what, "%zu load balancer(s) to be deleted (first %s)",
             count_of(arns), arns && arns[0] ? arns[0] : "none");
    if (!arns || !arns[0])
        return 0;
    return svc_wait(o, 40, 15, what, lb_poll, &w, err);
}

/* ---- tags ------------------------------------------------------------------------ */

static const svc_shape tag_desc_shape = SVC_SHAPE(elbv2_tag_desc, NULL, NULL,
    SVC_FIELD("ResourceArn", SVC_STR, elbv2_tag_desc, arn),
    SVC_FTAGS("Tags", elbv2_tag_desc, tags, "Key", "Value"));

SVC_DEFINE_LIST_FREE(elbv2_tag_descs_free, elbv2_tag_descs, tag_desc_shape)

int elbv2_add_tags(aws_client *c, const char *const *arns, const svc_tags *tags, aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_strings(req, "ResourceArns", arns);
    svc_add_tags(req, "Tags", tags, "Key", "Value");
    return elbv2i_call(c, "AddTags", req, NULL, err);
}

int elbv2_remove_tags(aws_client *c, const char *const *arns, const char *const *keys,
                      aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_strings(req, "ResourceArns", arns);
    svc_add_strings(req, "TagKeys", keys);
    return elbv2i_call(c, "RemoveTags", req, NULL, err);
}

int elbv2_describe_tags(aws_client *c, const char *const *arns, elbv2_tag_descs *out,
                        aws_error *err)
{
    memset(out, 0, sizeof *out);
    size_t total = count_of(arns);
    for (size_t start = 0; start < total; start += 20) {
        cJSON *req = cJSON_CreateObject(), *resp;
        cJSON *list = cJSON_AddArrayToObject(req, "ResourceArns");
        for (size_t i = start; i < total && i < start + 20; i++)
            cJSON_AddItemToArray(list, cJSON_CreateString(arns[i]));
        if (elbv2i_call(c, "DescribeTags", req, &resp, err) != 0) {
            elbv2_tag_descs_free(out);
            return -1;
        }
        svc_read_list(aws_json_array(resp, "TagDescriptions"), &tag_desc_shape,
                      (void **)&out->items, &out->n);
        cJSON_Delete(resp);
    }
    return 0;
}
