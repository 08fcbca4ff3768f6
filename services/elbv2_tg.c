/* ELBv2: target groups, targets, target health and its waiters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elbv2_internal.h"
#include "xalloc.h"

static void read_tg(const cJSON *j, elbv2_tg *t)
{
    t->arn = svc_json_dup(j, "TargetGroupArn");
    t->name = svc_json_dup(j, "TargetGroupName");
    t->protocol = svc_json_dup(j, "Protocol");
    t->protocol_version = svc_json_dup(j, "ProtocolVersion");
    t->vpc_id = svc_json_dup(j, "VpcId");
    t->target_type = svc_json_dup(j, "TargetType");
    t->ip_address_type = svc_json_dup(j, "IpAddressType");
    t->port = (int)aws_json_int(j, "Port", 0);
    elbv2_health_check *h = &t->health;
    h->enabled = aws_json_bool(j, "HealthCheckEnabled", 0);
    h->protocol = svc_json_dup(j, "HealthCheckProtocol");
    h->port = svc_json_dup(j, "HealthCheckPort");
    h->path = svc_json_dup(j, "HealthCheckPath");
    h->matcher = svc_json_dup2(j, "Matcher", "HttpCode");
    h->interval = (int)aws_json_int(j, "HealthCheckIntervalSeconds", 0);
    h->timeout = (int)aws_json_int(j, "HealthCheckTimeoutSeconds", 0);
    h->healthy_threshold = (int)aws_json_int(j, "HealthyThresholdCount", 0);
    h->unhealthy_threshold = (int)aws_json_int(j, "UnhealthyThresholdCount", 0);
    svc_json_strings(j, "LoadBalancerArns", NULL, &t->lb_arns);
}

void elbv2_tg_free(elbv2_tg *t)
{
    char *all[] = {t->arn, t->name, t->protocol, t->protocol_version, t->vpc_id,
                   t->target_type, t->ip_address_type, t->health.protocol, t->health.port,
                   t->health.path, t->health.matcher};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
    svc_strings_free(&t->lb_arns);
    memset(t, 0, sizeof *t);
}

void elbv2_tgs_free(elbv2_tgs *l)
{
    SVC_LIST_FREE(l, elbv2_tg_free);
}

static void add_health(cJSON *req, const elbv2_health_check *h)
{
    if (h->enabled != 0)
        cJSON_AddBoolToObject(req, "HealthCheckEnabled", h->enabled > 0);
    if (h->protocol)
        cJSON_AddStringToObject(req, "HealthCheckProtocol", h->protocol);
    if (h->port)
        cJSON_AddStringToObject(req, "HealthCheckPort", h->port);
    if (h->path)
        cJSON_AddStringToObject(req, "HealthCheckPath", h->path);
    if (h->interval > 0)
        cJSON_AddNumberToObject(req, "HealthCheckIntervalSeconds", h->interval);
    if (h->timeout > 0)
        cJSON_AddNumberToObject(req, "HealthCheckTimeoutSeconds", h->timeout);
    if (h->healthy_threshold > 0)
        cJSON_AddNumberToObject(req, "HealthyThresholdCount", h->healthy_threshold);
    if (h->unhealthy_threshold > 0)
        cJSON_AddNumberToObject(req, "UnhealthyThresholdCount", h->unhealthy_threshold);
    if (h->matcher)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "Matcher"), "HttpCode", h->matcher);
}

/* The first TargetGroups element of resp into out (when out is not NULL). */
static void first_tg(const cJSON *resp, elbv2_tg *out)
{
    if (!out)
        return;
    const cJSON *arr = aws_json_array(resp, "TargetGroups");
    read_tg(arr ? cJSON_GetArrayItem(arr, 0) : NULL, out);
}

int elbv2_create_target_group(aws_client *c, const elbv2_tg_in *in, elbv2_tg *out,
                              aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = svc_input("Name", in->name), *resp;
    if (in->protocol)
        cJSON_AddStringToObject(req, "Protocol", in->protocol);
    if (in->protocol_version)
        cJSON_AddStringToObject(req, "ProtocolVersion", in->protocol_version);
    if (in->port > 0)
        cJSON_AddNumberToObject(req, "Port", in->port);
    if (in->vpc_id)
        cJSON_AddStringToObject(req, "VpcId", in->vpc_id);
    if (in->target_type)
        cJSON_AddStringToObject(req, "TargetType", in->target_type);
    if (in->ip_address_type)
        cJSON_AddStringToObject(req, "IpAddressType", in->ip_address_type);
    add_health(req, &in->health);
    elbv2i_add_tags(req, "Tags", in->tags);
    if (elbv2i_call(c, "CreateTargetGroup", req, &resp, err) != 0)
        return -1;
    first_tg(resp, out);
    cJSON_Delete(resp);
    return 0;
}

int elbv2_modify_target_group(aws_client *c, const char *arn, const elbv2_health_check *h,
                              elbv2_tg *out, aws_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    cJSON *req = svc_input("TargetGroupArn", arn), *resp;
    add_health(req, h);
    if (elbv2i_call(c, "ModifyTargetGroup", req, &resp, err) != 0)
        return -1;
    first_tg(resp, out);
    cJSON_Delete(resp);
    return 0;
}

int elbv2_describe_target_groups(aws_client *c, const char *lb_arn, const char *const *arns,
                                 const char *const *names, int page_size, elbv2_tgs *out,
                                 aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = cJSON_CreateObject(), *items, *e;
    if (lb_arn)
        cJSON_AddStringToObject(req, "LoadBalancerArn", lb_arn);
    svc_add_strings(req, "TargetGroupArns", arns);
    svc_add_strings(req, "Names", names);
    int rc = elbv2i_paginate(c, "DescribeTargetGroups", req, "TargetGroups", page_size, &items,
                             err);
    cJSON_Delete(req);
    if (rc != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_tg(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
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
        if (t[i].zone)
            cJSON_AddStringToObject(o, "AvailabilityZone", t[i].zone);
        cJSON_AddItemToArray(arr, o);
    }
}

static int targets_call(aws_client *c, const char *action, const char *tg_arn,
                        const elbv2_target *t, size_t n, aws_error *err)
{
    if (n == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidParameter", "%s: no targets given", action);
        return -1;
    }
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

void elbv2_target_healths_free(elbv2_target_healths *l)
{
    for (size_t i = 0; i < l->n; i++) {
        elbv2_target_health *h = &l->items[i];
        free(h->id);
        free(h->zone);
        free(h->health_check_port);
        free(h->state);
        free(h->reason);
        free(h->description);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int elbv2_describe_target_health(aws_client *c, const char *tg_arn, const elbv2_target *targets,
                                 size_t n, elbv2_target_healths *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *req = svc_input("TargetGroupArn", tg_arn), *resp, *e;
    add_targets(req, targets, n);
    if (elbv2i_call(c, "DescribeTargetHealth", req, &resp, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, aws_json_array(resp, "TargetHealthDescriptions"))
    {
        elbv2_target_health *h = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "Target");
        const cJSON *th = cJSON_GetObjectItemCaseSensitive(e, "TargetHealth");
        h->id = svc_json_dup(t, "Id");
        h->port = (int)aws_json_int(t, "Port", 0);
        h->zone = svc_json_dup(t, "AvailabilityZone");
        h->health_check_port = svc_json_dup(e, "HealthCheckPort");
        h->state = svc_json_dup(th, "State");
        h->reason = svc_json_dup(th, "Reason");
        h->description = svc_json_dup(th, "Description");
    }
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
    char what[400];
    snprintf(what, sizeof what, "targets of %s to be healthy", tg_arn);
    return svc_wait(o, 40, 15, what, target_poll, &w, err);
}

int elbv2_wait_target_deregistered(aws_client *c, const char *tg_arn,
                                   const elbv2_target *targets, size_t n,
                                   const aws_wait_opts *o, aws_error *err)
{
    target_wait w = {c, tg_arn, targets, n, 1};
    char what[400];
    snprintf(what, sizeof what, "targets of %s to be deregistered", tg_arn);
    return svc_wait(o, 40, 15, what, target_poll, &w, err);
}
