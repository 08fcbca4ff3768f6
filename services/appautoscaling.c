/* Application Auto Scaling for ECS services (see appautoscaling.h). */
#include "appautoscaling.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static int call(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_json_call(c, "application-autoscaling", op, in, out, SVC_PREFIX, err);
}

static const svc_api aas_api = {.protocol = SVC_JSON, .service = "application-autoscaling",
                                .in_token = "NextToken", .out_token = "NextToken",
                                .page_size = "MaxResults", .flags = SVC_PREFIX};

/* Every page of a Describe* (one_page: only the first), its items read with shape into
 * {*out, *n} (emptied first); in is deleted. */
static int list(aws_client *c, const char *op, cJSON *in, int page_size, int one_page,
                const char *items, const svc_shape *shape, void **out, size_t *n,
                aws_error *err)
{
    if (!one_page)
        return svc_list(c, &aas_api, op, in, items, page_size, shape, out, n, err);
    cJSON *o;
    *out = NULL;
    *n = 0;
    if (page_size > 0)
        cJSON_AddNumberToObject(in, "MaxResults", page_size);
    if (call(c, op, in, &o, err) != 0)
        return -1;
    cJSON *all = cJSON_DetachItemFromObjectCaseSensitive(o, items);
    if (!cJSON_IsArray(all)) {
        cJSON_Delete(all);
        all = cJSON_CreateArray();
    }
    cJSON_Delete(o);
    return svc_read_items(all, shape, out, n);
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

#define SUSPENDED(m) "SuspendedState." m

static const svc_shape target_shape = SVC_SHAPE(aas_target, NULL, NULL,
    SVC_FIELD("ResourceId", SVC_STR, aas_target, resource_id),
    SVC_FIELD("ScalableTargetARN", SVC_STR, aas_target, arn),
    SVC_FIELD("RoleARN", SVC_STR, aas_target, role_arn),
    SVC_FIELD("MinCapacity", SVC_LONG, aas_target, min_capacity),
    SVC_FIELD("MaxCapacity", SVC_LONG, aas_target, max_capacity),
    SVC_FIELD(SUSPENDED("DynamicScalingInSuspended"), SVC_BOOL, aas_target, scale_in_suspended),
    SVC_FIELD(SUSPENDED("DynamicScalingOutSuspended"), SVC_BOOL, aas_target, scale_out_suspended),
    SVC_FIELD(SUSPENDED("ScheduledScalingSuspended"), SVC_BOOL, aas_target, scheduled_suspended),
    SVC_FIELD("CreationTime", SVC_TIME, aas_target, created));

SVC_DEFINE_LIST_FREE(aas_targets_free, aas_targets, target_shape)

int aas_register_scalable_target(aws_client *c, const aas_target_in *in, char **arn,
                                 aws_error *err)
{
    cJSON *j = target_input(in->resource_id);
    add_capacity(j, "MinCapacity", in->min_capacity);
    add_capacity(j, "MaxCapacity", in->max_capacity);
    if (in->suspend) {
        cJSON *s = cJSON_AddObjectToObject(j, "SuspendedState");
        cJSON_AddBoolToObject(s, "DynamicScalingInSuspended", in->scale_in_suspended);
        cJSON_AddBoolToObject(s, "DynamicScalingOutSuspended", in->scale_out_suspended);
        cJSON_AddBoolToObject(s, "ScheduledScalingSuspended", in->scheduled_suspended);
    }
    svc_add_tags(j, "Tags", in->tags, NULL, NULL);
    return svc_call_str(call, c, "RegisterScalableTarget", j, "ScalableTargetARN", arn, err);
}

int aas_describe_scalable_targets(aws_client *c, const char *const *resource_ids, int page_size,
                                  aas_targets *out, aws_error *err)
{
    cJSON *in = target_input(NULL);
    add_names(in, "ResourceIds", resource_ids);
    if (resource_ids)
        cJSON_AddStringToObject(in, "ScalableDimension", AAS_ECS_DIMENSION);
    return list(c, "DescribeScalableTargets", in, page_size, 0, "ScalableTargets", &target_shape,
                (void **)&out->items, &out->n, err);
}

int aas_deregister_scalable_target(aws_client *c, const char *resource_id, aws_error *err)
{
    return call(c, "DeregisterScalableTarget", target_input(resource_id), NULL, err);
}

/* ---- target tracking policies ---------------------------------------------------------- */

int aas_put_tracking_policy(aws_client *c, const aas_tracking_in *in, char **policy_arn,
                            aws_error *err)
{
    cJSON *j = target_input(in->resource_id);
    cJSON_AddStringToObject(j, "PolicyName", in->name ? in->name : "");
    cJSON_AddStringToObject(j, "PolicyType", "TargetTrackingScaling");
    cJSON *cfg = cJSON_AddObjectToObject(j, "TargetTrackingScalingPolicyConfiguration");
    cJSON_AddNumberToObject(cfg, "TargetValue", in->target_value);
    cJSON *m = cJSON_AddObjectToObject(cfg, "PredefinedMetricSpecification");
    cJSON_AddStringToObject(m, "PredefinedMetricType", in->metric ? in->metric : "");
    svc_add_str(m, "ResourceLabel", in->resource_label);
    cJSON_AddNumberToObject(cfg, "ScaleOutCooldown", (double)in->scale_out_cooldown);
    cJSON_AddNumberToObject(cfg, "ScaleInCooldown", (double)in->scale_in_cooldown);
    cJSON_AddBoolToObject(cfg, "DisableScaleIn", in->disable_scale_in);
    return svc_call_str(call, c, "PutScalingPolicy", j, "PolicyARN", policy_arn, err);
}

#define TRACKING(m) "TargetTrackingScalingPolicyConfiguration." m

static const svc_shape policy_shape = SVC_SHAPE(aas_policy, NULL, NULL,
    SVC_FIELD("PolicyName", SVC_STR, aas_policy, name),
    SVC_FIELD("PolicyARN", SVC_STR, aas_policy, arn),
    SVC_FIELD("ResourceId", SVC_STR, aas_policy, resource_id),
    SVC_FIELD("PolicyType", SVC_STR, aas_policy, type),
    SVC_FIELD(TRACKING("PredefinedMetricSpecification.PredefinedMetricType"), SVC_STR, aas_policy,
              metric),
    SVC_FIELD(TRACKING("PredefinedMetricSpecification.ResourceLabel"), SVC_STR, aas_policy,
              resource_label),
    SVC_FIELD(TRACKING("TargetValue"), SVC_DOUBLE, aas_policy, target_value),
    SVC_FDEF(TRACKING("ScaleInCooldown"), SVC_LONG, aas_policy, scale_in_cooldown, AAS_UNSET),
    SVC_FDEF(TRACKING("ScaleOutCooldown"), SVC_LONG, aas_policy, scale_out_cooldown, AAS_UNSET),
    SVC_FIELD(TRACKING("DisableScaleIn"), SVC_BOOL, aas_policy, disable_scale_in),
    SVC_FSTRINGS("Alarms", aas_policy, alarms, "AlarmName"),
    SVC_FIELD("CreationTime", SVC_TIME, aas_policy, created));

SVC_DEFINE_LIST_FREE(aas_policies_free, aas_policies, policy_shape)

int aas_describe_scaling_policies(aws_client *c, const char *resource_id,
                                  const char *const *names, int page_size, aas_policies *out,
                                  aws_error *err)
{
    cJSON *in = target_input(resource_id);
    add_names(in, "PolicyNames", names);
    return list(c, "DescribeScalingPolicies", in, page_size, 0, "ScalingPolicies", &policy_shape,
                (void **)&out->items, &out->n, err);
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
    svc_add_str(j, "Schedule", in->schedule);
    svc_add_str(j, "Timezone", in->timezone);
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

static const svc_shape action_shape = SVC_SHAPE(aas_scheduled_action, NULL, NULL,
    SVC_FIELD("ScheduledActionName", SVC_STR, aas_scheduled_action, name),
    SVC_FIELD("ScheduledActionARN", SVC_STR, aas_scheduled_action, arn),
    SVC_FIELD("ResourceId", SVC_STR, aas_scheduled_action, resource_id),
    SVC_FIELD("Schedule", SVC_STR, aas_scheduled_action, schedule),
    SVC_FIELD("Timezone", SVC_STR, aas_scheduled_action, timezone),
    SVC_FDEF("ScalableTargetAction.MinCapacity", SVC_LONG, aas_scheduled_action, min_capacity,
             AAS_UNSET),
    SVC_FDEF("ScalableTargetAction.MaxCapacity", SVC_LONG, aas_scheduled_action, max_capacity,
             AAS_UNSET),
    SVC_FIELD("StartTime", SVC_TIME, aas_scheduled_action, start),
    SVC_FIELD("EndTime", SVC_TIME, aas_scheduled_action, end),
    SVC_FIELD("CreationTime", SVC_TIME, aas_scheduled_action, created));

SVC_DEFINE_LIST_FREE(aas_scheduled_actions_free, aas_scheduled_actions, action_shape)

int aas_describe_scheduled_actions(aws_client *c, const char *resource_id,
                                   const char *const *names, int page_size,
                                   aas_scheduled_actions *out, aws_error *err)
{
    cJSON *in = target_input(resource_id);
    add_names(in, "ScheduledActionNames", names);
    return list(c, "DescribeScheduledActions", in, page_size, 0, "ScheduledActions",
                &action_shape, (void **)&out->items, &out->n, err);
}

int aas_delete_scheduled_action(aws_client *c, const char *resource_id, const char *name,
                                aws_error *err)
{
    cJSON *in = target_input(resource_id);
    cJSON_AddStringToObject(in, "ScheduledActionName", name ? name : "");
    return call(c, "DeleteScheduledAction", in, NULL, err);
}

/* ---- activities and tags ---------------------------------------------------------------- */

static const svc_shape activity_shape = SVC_SHAPE(aas_activity, NULL, NULL,
    SVC_FIELD("ActivityId", SVC_STR, aas_activity, id),
    SVC_FIELD("Description", SVC_STR, aas_activity, description),
    SVC_FIELD("Cause", SVC_STR, aas_activity, cause),
    SVC_FIELD("StatusCode", SVC_STR, aas_activity, status),
    SVC_FIELD("StatusMessage", SVC_STR, aas_activity, status_message),
    SVC_FIELD("StartTime", SVC_TIME, aas_activity, start));

SVC_DEFINE_LIST_FREE(aas_activities_free, aas_activities, activity_shape)

int aas_describe_scaling_activities(aws_client *c, const char *resource_id, int page_size,
                                    int one_page, aas_activities *out, aws_error *err)
{
    return list(c, "DescribeScalingActivities", target_input(resource_id), page_size, one_page,
                "ScalingActivities", &activity_shape, (void **)&out->items, &out->n, err);
}

int aas_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    return svc_call_tags(call, c, "ListTagsForResource", svc_input("ResourceARN", arn), "Tags",
                         NULL, NULL, out, err);
}

int aas_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = svc_input("ResourceARN", arn);
    cJSON_AddItemToObject(in, "Tags", svc_tags_map_json(tags));
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
