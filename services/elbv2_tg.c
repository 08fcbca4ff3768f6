/* ELBv2: target groups, targets, target health and its waiters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

/* A target group's health check: read from its members, and written as they are. */
static const svc_field health_check_fields[] = {
    SVC_FIELD("HealthCheckEnabled", SVC_TRI, elbv2_health_check, enabled),
    SVC_FIELD("HealthCheckProtocol", SVC_STR, elbv2_health_check, protocol),
    SVC_FIELD("HealthCheckPort", SVC_STR, elbv2_health_check, port),
    SVC_FIELD("HealthCheckPath", SVC_STR, elbv2_health_check, path),
    SVC_FIELD("HealthCheckIntervalSeconds", SVC_INT, elbv2_health_check, interval),
    SVC_FIELD("HealthCheckTimeoutSeconds", SVC_INT, elbv2_health_check, timeout),
    SVC_FIELD("HealthyThresholdCount", SVC_INT, elbv2_health_check, healthy_threshold),
    SVC_FIELD("UnhealthyThresholdCount", SVC_INT, elbv2_health_check, unhealthy_threshold),
    SVC_FIELD("Matcher.HttpCode", SVC_STR, elbv2_health_check, matcher),
    SVC_END};
static const svc_shape health_check_shape = {sizeof(elbv2_health_check), health_check_fields,
                                             NULL, NULL};

static const svc_shape tg_shape = SVC_SHAPE(elbv2_tg, NULL, NULL,
    SVC_FIELD("TargetGroupArn", SVC_STR, elbv2_tg, arn),
    SVC_FIELD("TargetGroupName", SVC_STR, elbv2_tg, name),
    SVC_FIELD("Protocol", SVC_STR, elbv2_tg, protocol),
    SVC_FIELD("ProtocolVersion", SVC_STR, elbv2_tg, protocol_version),
    SVC_FIELD("VpcId", SVC_STR, elbv2_tg, vpc_id),
    SVC_FIELD("TargetType", SVC_STR, elbv2_tg, target_type),
    SVC_FIELD("IpAddressType", SVC_STR, elbv2_tg, ip_address_type),
    SVC_FIELD("Port", SVC_INT, elbv2_tg, port),
    SVC_FOBJ("", elbv2_tg, health, &health_check_shape),
    SVC_FIELD("LoadBalancerArns", SVC_STRINGS, elbv2_tg, lb_arns));

SVC_DEFINE_FREE(elbv2_tg_free, elbv2_tg, tg_shape)
SVC_DEFINE_LIST_FREE(elbv2_tgs_free, elbv2_tgs, tg_shape)

static const svc_field tg_in_fields[] = {
    SVC_FIELD("Protocol", SVC_STR, elbv2_tg_in, protocol),
    SVC_FIELD("ProtocolVersion", SVC_STR, elbv2_tg_in, protocol_version),
    SVC_FIELD("Port", SVC_INT, elbv2_tg_in, port),
    SVC_FIELD("VpcId", SVC_STR, elbv2_tg_in, vpc_id),
    SVC_FIELD("TargetType", SVC_STR, elbv2_tg_in, target_type),
    SVC_FIELD("IpAddressType", SVC_STR, elbv2_tg_in, ip_address_type),
    SVC_END};

int elbv2_create_target_group(aws_client *c, const elbv2_tg_in *in, elbv2_tg *out,
                              aws_error *err)
{
    cJSON *req = svc_input("Name", in->name);
    svc_write(req, tg_in_fields, in);
    svc_write(req, health_check_fields, &in->health);
    svc_add_tags(req, "Tags", in->tags, "Key", "Value");
    return svc_call_read(elbv2i_call, c, "CreateTargetGroup", req, "TargetGroups.0", &tg_shape, out,
                         err);
}

int elbv2_modify_target_group(aws_client *c, const char *arn, const elbv2_health_check *h,
                              elbv2_tg *out, aws_error *err)
{
    cJSON *req = svc_input("TargetGroupArn", arn);
    svc_write(req, health_check_fields, h);
    return svc_call_read(elbv2i_call, c, "ModifyTargetGroup", req, "TargetGroups.0", &tg_shape, out,
                         err);
}

int elbv2_describe_target_groups(aws_client *c, const char *lb_arn, const char *const *arns,
                                 const char *const *names, int page_size, elbv2_tgs *out,
                                 aws_error *err)
{
    cJSON *req = cJSON_CreateObject();
    svc_add_str(req, "LoadBalancerArn", lb_arn);
    svc_add_strings(req, "TargetGroupArns", arns);
    svc_add_strings(req, "Names", names);
    return elbv2i_describe(c, "DescribeTargetGroups", req, "TargetGroups", page_size, &tg_shape,
                           (void **)&out->items, &out->n, err);
}

int elbv2_delete_target_group(aws_client *c, const char *arn, aws_error *err)
{
    return elbv2i_call(c, "DeleteTargetGroup", svc_input("TargetGroupArn", arn), NULL, err);
}

/* ---- targets ------------------------------------------------------------------ */

static void add_targets(cJSON *req, const elbv2_target *t, size_t n)
{
    if (n == 0)
        return;
    cJSON *arr = cJSON_AddArrayToObject(req, "Targets");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Id", t[i].id ? t[i].id : "");
        if (t[i].port > 0)
            cJSON_AddNumberToObject(o, "Port", t[i].port);
        svc_add_str(o, "AvailabilityZone", t[i].zone);
        cJSON_AddItemToArray(arr, o);
    }
}

static int targets_call(aws_client *c, const char *action, const char *tg_arn,
                        const elbv2_target *t, size_t n, aws_error *err)
{
    if (n == 0)
        return svc_refuse(err, "InvalidParameter", "%s: no targets given", action);
    cJSON *req = svc_input("TargetGroupArn", tg_arn);
    add_targets(req, t, n);
    return elbv2i_call(c, action, req, NULL, err);
}

int elbv2_register_targets(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                           size_t n, aws_error *err)
{
    return targets_call(c, "RegisterTargets", tg_arn, targets, n, err);
}

int elbv2_deregister_targets(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                             size_t n, aws_error *err)
{
    return targets_call(c, "DeregisterTargets", tg_arn, targets, n, err);
}

static const svc_shape health_shape = SVC_SHAPE(elbv2_target_health, NULL, NULL,
    SVC_FIELD("Target.Id", SVC_STR, elbv2_target_health, id),
    SVC_FIELD("Target.Port", SVC_INT, elbv2_target_health, port),
    SVC_FIELD("Target.AvailabilityZone", SVC_STR, elbv2_target_health, zone),
    SVC_FIELD("HealthCheckPort", SVC_STR, elbv2_target_health, health_check_port),
    SVC_FIELD("TargetHealth.State", SVC_STR, elbv2_target_health, state),
    SVC_FIELD("TargetHealth.Reason", SVC_STR, elbv2_target_health, reason),
    SVC_FIELD("TargetHealth.Description", SVC_STR, elbv2_target_health, description));

SVC_DEFINE_LIST_FREE(elbv2_target_healths_free, elbv2_target_healths, health_shape)

int elbv2_describe_target_health(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                                 size_t n, elbv2_target_healths *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = svc_input("TargetGroupArn", tg_arn), *resp;
    add_targets(req, targets, n);
    if (elbv2i_call(c, "DescribeTargetHealth", req, &resp, err) != 0)
        return -1;
    svc_read_list(aws_json_array(resp, "TargetHealthDescriptions"), &health_shape,
                  (void **)&out->items, &out->n);
    cJSON_Delete(resp);
    return 0;
}

/* ---- waiters ------------------------------------------------------------------- */

typedef struct {
    aws_client *c;
    const char *tg;
    const elbv2_target *t;
    size_t n;
    int want_gone;
} target_wait;

static int target_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    target_wait *w = ctx;
    elbv2_target_healths l;
    if (elbv2_describe_target_health(w->c, w->tg, w->t, w->n, &l, err) != 0) {
        /* as AWS's waiters: gone (InvalidTarget) ends TargetDeregistered; not registered yet
         * (InvalidInstance) is one more try of TargetInService */
        if (!aws_error_is(err, w->want_gone ? AWS_IS_NOT_FOUND : AWS_IS_BUSY))
            return -1;
        snprintf(state, size, "%s", err->code);
        aws_error_clear(err);
        return w->want_gone ? 1 : 0;
    }
    int done = w->want_gone || l.n > 0;
    size_t used = 0;
    for (size_t i = 0; i < l.n; i++) {
        const elbv2_target_health *h = &l.items[i];
        if (used < size)
            used += (size_t)snprintf(state + used, size - used, "%s%s:%d %s%s%s%s%s",
                                     i ? "; " : "", h->id, h->port, h->state,
                                     h->reason[0] ? " " : "", h->reason,
                                     h->description[0] ? " " : "", h->description);
        if (strcmp(h->state, w->want_gone ? "unused" : "healthy") != 0)
            done = 0;
    }
    if (l.n == 0)
        snprintf(state, size, "no targets registered");
    elbv2_target_healths_free(&l);
    return done;
}

int elbv2_wait_target_in_service(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                                 size_t n, const aws_wait_opts *o, aws_error *err)
{
    target_wait w = {c, tg_arn, targets, n, 0};
    return svc_waitf(o, 40, 15, target_poll, &w, err, "targets of %s to be healthy", tg_arn);
}

int elbv2_wait_target_deregistered(aws_client *c, const char *tg_arn,
                                   const elbv2_target *targets, size_t n,
                                   const aws_wait_opts *o, aws_error *err)
{
    target_wait w = {c, tg_arn, targets, n, 1};
    return svc_waitf(o, 40, 15, target_poll, &w, err, "targets of %s to be deregistered", tg_arn);
}
