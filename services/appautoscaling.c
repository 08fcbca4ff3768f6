/* Application Auto Scaling for ECS services (see appautoscaling.h). */
#include "appautoscaling.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static int call(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_json_call(c, "application-autoscaling", op, in, &o, err);
    cJSON_Delete(in);
    if (rc != 0)
        aws_error_prefix(err, "%s: ", op);
    if (out)
        *out = rc == 0 ? o : NULL;
    else
        cJSON_Delete(o);
    return rc;
}

/* Every page of a Describe* into a new array of its items (cJSON_Delete). */
static int list(aws_client *c, const char *op, cJSON *in, int page_size, int one_page,
                const char *items, cJSON **all, aws_error *err)
{
    if (page_size > 0)
        cJSON_AddNumberToObject(in, "MaxResults", page_size);
    aws_page_spec ps = {.in_token = "NextToken", .out_token = "NextToken", .items = items};
    int rc;
    if (one_page) {
        cJSON *o;
        rc = call(c, op, cJSON_Duplicate(in, 1), &o, err);
        if (rc == 0) {
            *all = cJSON_DetachItemFromObjectCaseSensitive(o, items);
            if (!cJSON_IsArray(*all)) {
                cJSON_Delete(*all);
                *all = cJSON_CreateArray();
            }
            cJSON_Delete(o);
        }
    } else if ((rc = aws_json_paginate(c, "application-autoscaling", op, in, &ps, all, err)) != 0) {
        aws_error_prefix(err, "%s: ", op);
    }
    cJSON_Delete(in);
    return rc;
}

/* {"ServiceNamespace": "ecs"} with the ResourceId and its ScalableDimension when resource_id
 * is not NULL (AWS wants no dimension without a resource id). */
static cJSON *target_input(const char *resource_id)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ServiceNamespace", "ecs");
    if (resource_id) {
        cJSON_AddStringToObject(in, "ResourceId", resource_id);
        cJSON_AddStringToObject(in, "ScalableDimension", AAS_ECS_DIMENSION);
    }
    return in;
}

/* The names when given (an empty list is sent empty). */
static void add_names(cJSON *in, const char *member, const char *const *names)
{
    if (names && !names[0])
        cJSON_AddArrayToObject(in, member);
    else
        svc_add_strings(in, member, names);
}

static void add_capacity(cJSON *o, const char *name, long v)
{
    if (v != AAS_UNSET)
        cJSON_AddNumberToObject(o, name, (double)v);
}

static time_t epoch(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (time_t)v->valuedouble : 0;
}

char *aas_resource_id(const char *cluster, const char *service)
{
    return xasprintf("service/%s/%s", cluster, service);
}

char *aas_alb_resource_label(const char *load_balancer_arn, const char *target_group_arn)
{
    const char *lb = load_balancer_arn ? strstr(load_balancer_arn, ":loadbalancer/app/") : NULL;
    const char *tg = target_group_arn ? strstr(target_group_arn, ":targetgroup/") : NULL;
    if (!lb || !tg)
        return NULL;
    return xasprintf("%s/%s", lb + strlen(":loadbalancer/"), tg + 1);
}

/* ---- scalable targets ---------------------------------------------------------------- */

void aas_targets_free(aas_targets *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].resource_id);
        free(l->items[i].arn);
        free(l->items[i].role_arn);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int aas_register_scalable_target(aws_client *c, const aas_target_in *in, char **arn,
                                 aws_error *err)
{
    if (arn)
        *arn = NULL;
    cJSON *j = target_input(in->resource_id), *o;
    add_capacity(j, "MinCapacity", in->min_capacity);
    add_capacity(j, "MaxCapacity", in->max_capacity);
    if (in->suspend) {
        cJSON *s = cJSON_AddObjectToObject(j, "SuspendedState");
        cJSON_AddBoolToObject(s, "DynamicScalingInSuspended", in->scale_in_suspended);
        cJSON_AddBoolToObject(s, "DynamicScalingOutSuspended", in->scale_out_suspended);
        cJSON_AddBoolToObject(s, "ScheduledScalingSuspended", in->scheduled_suspended);
    }
    if (in->tags && in->tags->n) {
        cJSON *t = cJSON_AddObjectToObject(j, "Tags");
        for (size_t i = 0; i < in->tags->n; i++)
            cJSON_AddStringToObject(t, in->tags->items[i].key,
                                    in->tags->items[i].value ? in->tags->items[i].value : "");
    }
    if (call(c, "RegisterScalableTarget", j, &o, err) != 0)
        return -1;
    if (arn)
        *arn = svc_json_dup(o, "ScalableTargetARN");
    cJSON_Delete(o);
    return 0;
}

int aas_describe_scalable_targets(aws_client *c, const char *const *resource_ids, int page_size,
                                  aas_targets *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = target_input(NULL), *all, *e;
    add_names(in, "ResourceIds", resource_ids);
    if (resource_ids)
        cJSON_AddStringToObject(in, "ScalableDimension", AAS_ECS_DIMENSION);
    if (list(c, "DescribeScalableTargets", in, page_size, 0, "ScalableTargets", &all, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, all)
    {
        aas_target *t = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "SuspendedState");
        t->resource_id = svc_json_dup(e, "ResourceId");
        t->arn = svc_json_dup(e, "ScalableTargetARN");
        t->role_arn = svc_json_dup(e, "RoleARN");
        t->min_capacity = (long)aws_json_int(e, "MinCapacity", 0);
        t->max_capacity = (long)aws_json_int(e, "MaxCapacity", 0);
        t->scale_in_suspended = aws_json_bool(s, "DynamicScalingInSuspended", 0);
        t->scale_out_suspended = aws_json_bool(s, "DynamicScalingOutSuspended", 0);
        t->scheduled_suspended = aws_json_bool(s, "ScheduledScalingSuspended", 0);
        t->created = epoch(e, "CreationTime");
    }
    cJSON_Delete(all);
    return 0;
}

int aas_deregister_scalable_target(aws_client *c, const char *resource_id, aws_error *err)
{
    return call(c, "DeregisterScalableTarget", target_input(resource_id), NULL, err);
}

/* ---- target tracking policies ---------------------------------------------------------- */

int aas_put_tracking_policy(aws_client *c, const aas_tracking_in *in, char **policy_arn,
                            aws_error *err)
{
    if (policy_arn)
        *policy_arn = NULL;
    cJSON *j = target_input(in->resource_id), *o;
    cJSON_AddStringToObject(j, "PolicyName", in->name ? in->name : "");
    cJSON_AddStringToObject(j, "PolicyType", "TargetTrackingScaling");
    cJSON *cfg = cJSON_AddObjectToObject(j, "TargetTrackingScalingPolicyConfiguration");
    cJSON_AddNumberToObject(cfg, "TargetValue", in->target_value);
    cJSON *m = cJSON_AddObjectToObject(cfg, "PredefinedMetricSpecification");
    cJSON_AddStringToObject(m, "PredefinedMetricType", in->metric ? in->metric : "");
    if (in->resource_label)
        cJSON_AddStringToObject(m, "ResourceLabel", in->resource_label);
    cJSON_AddNumberToObject(cfg, "ScaleOutCooldown", (double)in->scale_out_cooldown);
    cJSON_AddNumberToObject(cfg, "ScaleInCooldown", (double)in->scale_in_cooldown);
    cJSON_AddBoolToObject(cfg, "DisableScaleIn", in->disable_scale_in);
    if (call(c, "PutScalingPolicy", j, &o, err) != 0)
        return -1;
    if (policy_arn)
        *policy_arn = svc_json_dup(o, "PolicyARN");
    cJSON_Delete(o);
    return 0;
}

void aas_policies_free(aas_policies *l)
{
    for (size_t i = 0; i < l->n; i++) {
        aas_policy *p = &l->items[i];
        free(p->name);
        free(p->arn);
        free(p->resource_id);
        free(p->type);
        free(p->metric);
        free(p->resource_label);
        svc_strings_free(&p->alarms);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static void read_policy(const cJSON *e, aas_policy *p)
{
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(e, "TargetTrackingScalingPolicyConfiguration");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cfg, "PredefinedMetricSpecification");
    const cJSON *tv = cJSON_GetObjectItemCaseSensitive(cfg, "TargetValue");
    p->name = svc_json_dup(e, "PolicyName");
    p->arn = svc_json_dup(e, "PolicyARN");
    p->resource_id = svc_json_dup(e, "ResourceId");
    p->type = svc_json_dup(e, "PolicyType");
    p->metric = svc_json_dup(m, "PredefinedMetricType");
    p->resource_label = svc_json_dup(m, "ResourceLabel");
    p->target_value = cJSON_IsNumber(tv) ? tv->valuedouble : 0;
    p->scale_in_cooldown = (long)aws_json_int(cfg, "ScaleInCooldown", AAS_UNSET);
    p->scale_out_cooldown = (long)aws_json_int(cfg, "ScaleOutCooldown", AAS_UNSET);
    p->disable_scale_in = aws_json_bool(cfg, "DisableScaleIn", 0);
    svc_json_strings(e, "Alarms", "AlarmName", &p->alarms);
    p->created = epoch(e, "CreationTime");
}

int aas_describe_scaling_policies(aws_client *c, const char *resource_id,
                                  const char *const *names, int page_size, aas_policies *out,
                                  aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = target_input(resource_id), *all, *e;
    add_names(in, "PolicyNames", names);
    if (list(c, "DescribeScalingPolicies", in, page_size, 0, "ScalingPolicies", &all, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, all)
        read_policy(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(all);
    return 0;
}

int aas_delete_scaling_policy(aws_client *c, const char *resource_id, const char *name,
                              aws_error *err)
{
    cJSON *in = target_input(resource_id);
    cJSON_AddStringToObject(in, "PolicyName", name ? name : "");
    return call(c, "DeleteScalingPolicy", in, NULL, err);
}

/* ---- scheduled actions ---------------------------------------------------------------- */

int aas_put_scheduled_action(aws_client *c, const aas_scheduled_in *in, aws_error *err)
{
    cJSON *j = target_input(in->resource_id);
    cJSON_AddStringToObject(j, "ScheduledActionName", in->name ? in->name : "");
    if (in->schedule)
        cJSON_AddStringToObject(j, "Schedule", in->schedule);
    if (in->timezone)
        cJSON_AddStringToObject(j, "Timezone", in->timezone);
    if (in->start)
        cJSON_AddNumberToObject(j, "StartTime", (double)in->start);
    if (in->end)
        cJSON_AddNumberToObject(j, "EndTime", (double)in->end);
    if (in->min_capacity != AAS_UNSET || in->max_capacity != AAS_UNSET) {
        cJSON *a = cJSON_AddObjectToObject(j, "ScalableTargetAction");
        add_capacity(a, "MinCapacity", in->min_capacity);
        add_capacity(a, "MaxCapacity", in->max_capacity);
    }
    return call(c, "PutScheduledAction", j, NULL, err);
}

void aas_scheduled_actions_free(aas_scheduled_actions *l)
{
    for (size_t i = 0; i < l->n; i++) {
        aas_scheduled_action *a = &l->items[i];
        free(a->name);
        free(a->arn);
        free(a->resource_id);
        free(a->schedule);
        free(a->timezone);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int aas_describe_scheduled_actions(aws_client *c, const char *resource_id,
                                   const char *const *names, int page_size,
                                   aas_scheduled_actions *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = target_input(resource_id), *all, *e;
    add_names(in, "ScheduledActionNames", names);
    if (list(c, "DescribeScheduledActions", in, page_size, 0, "ScheduledActions", &all, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, all)
    {
        aas_scheduled_action *a = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        const cJSON *act = cJSON_GetObjectItemCaseSensitive(e, "ScalableTargetAction");
        a->name = svc_json_dup(e, "ScheduledActionName");
        a->arn = svc_json_dup(e, "ScheduledActionARN");
        a->resource_id = svc_json_dup(e, "ResourceId");
        a->schedule = svc_json_dup(e, "Schedule");
        a->timezone = svc_json_dup(e, "Timezone");
        a->min_capacity = (long)aws_json_int(act, "MinCapacity", AAS_UNSET);
        a->max_capacity = (long)aws_json_int(act, "MaxCapacity", AAS_UNSET);
        a->start = epoch(e, "StartTime");
        a->end = epoch(e, "EndTime");
        a->created = epoch(e, "CreationTime");
    }
    cJSON_Delete(all);
    return 0;
}

int aas_delete_scheduled_action(aws_client *c, const char *resource_id, const char *name,
                                aws_error *err)
{
    cJSON *in = target_input(resource_id);
    cJSON_AddStringToObject(in, "ScheduledActionName", name ? name : "");
    return call(c, "DeleteScheduledAction", in, NULL, err);
}

/* ---- activities and tags ---------------------------------------------------------------- */

void aas_activities_free(aas_activities *l)
{
    for (size_t i = 0; i < l->n; i++) {
        aas_activity *a = &l->items[i];
        free(a->id);
        free(a->description);
        free(a->cause);
        free(a->status);
        free(a->status_message);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int aas_describe_scaling_activities(aws_client *c, const char *resource_id, int page_size,
                                    int one_page, aas_activities *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = target_input(resource_id), *all, *e;
    if (list(c, "DescribeScalingActivities", in, page_size, one_page, "ScalingActivities", &all,
             err) != 0)
        return -1;
    cJSON_ArrayForEach(e, all)
    {
        aas_activity *a = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        a->id = svc_json_dup(e, "ActivityId");
        a->description = svc_json_dup(e, "Description");
        a->cause = svc_json_dup(e, "Cause");
        a->status = svc_json_dup(e, "StatusCode");
        a->status_message = svc_json_dup(e, "StatusMessage");
        a->start = epoch(e, "StartTime");
    }
    cJSON_Delete(all);
    return 0;
}

int aas_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *o, *t;
    if (call(c, "ListTagsForResource", svc_input("ResourceARN", arn), &o, err) != 0)
        return -1;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(o, "Tags"))
        if (t->string && cJSON_IsString(t))
            svc_tags_add(out, t->string, t->valuestring);
    cJSON_Delete(o);
    return 0;
}

int aas_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = svc_input("ResourceARN", arn), *m = cJSON_AddObjectToObject(in, "Tags");
    for (size_t i = 0; tags && i < tags->n; i++)
        cJSON_AddStringToObject(m, tags->items[i].key,
                                tags->items[i].value ? tags->items[i].value : "");
    return call(c, "TagResource", in, NULL, err);
}

int aas_untag_resource(aws_client *c, const char *arn, const char *const *keys, aws_error *err)
{
    cJSON *in = svc_input("ResourceARN", arn);
    add_names(in, "TagKeys", keys);
    if (!keys)
        cJSON_AddArrayToObject(in, "TagKeys");
    return call(c, "UntagResource", in, NULL, err);
}
