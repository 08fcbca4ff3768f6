/*
 * Application Auto Scaling client (awsJson1.1) for ECS services: scalable targets on a
 * service's desired count, target tracking policies (CPU, memory, ALB requests per
 * target), scheduled actions, scaling activities, tags. Conventions in svc.h; prefix aas_.
 *
 * Every call is about namespace "ecs" and dimension "ecs:service:DesiredCount"; a target
 * is named by its resource id "service/CLUSTER/SERVICE" (aas_resource_id). Registering and
 * putting are upserts: a retried call whose answer was lost does no harm.
 *
 * Outputs: strings are owned and never NULL ("" when absent); free with the matching
 * _free function. Refusals arrive with the service's codes: ValidationException (also
 * "ECS service doesn't exist" while a new service is not yet visible), ObjectNotFoundException
 * (no such target, policy or action), LimitExceededException, ConcurrentUpdateException,
 * ResourceNotFoundException (tags of an unknown ARN).
 */
#ifndef ECSDEPLOY_APPAUTOSCALING_H
#define ECSDEPLOY_APPAUTOSCALING_H

#include <time.h>

#include "aws.h"
#include "svc.h"

#define AAS_ECS_DIMENSION "ecs:service:DesiredCount"
#define AAS_METRIC_CPU "ECSServiceAverageCPUUtilization"
#define AAS_METRIC_MEMORY "ECSServiceAverageMemoryUtilization"
#define AAS_METRIC_ALB_REQUESTS "ALBRequestCountPerTarget"
#define AAS_DEFAULT_COOLDOWN 300 /* seconds: what AWS documents for ECS */
#define AAS_UNSET (-1L)          /* a capacity left out of the call */

/* "service/CLUSTER/SERVICE" (a new string, free()). */
char *aas_resource_id(const char *cluster, const char *service);
/* The ResourceLabel of ALBRequestCountPerTarget from a load balancer's and a target group's
 * ARNs: "app/NAME/ID/targetgroup/NAME/ID" (a new string, free()), or NULL when either is not
 * an ARN of that kind. */
char *aas_alb_resource_label(const char *load_balancer_arn, const char *target_group_arn);

/* ---- scalable targets ---------------------------------------------------------------- */
typedef struct {
    char *resource_id, *arn, *role_arn;
    long min_capacity, max_capacity;
    int scale_in_suspended, scale_out_suspended, scheduled_suspended;
    time_t created;
} aas_target;

SVC_LIST_TYPE(aas_target, aas_targets);

typedef struct {
    const char *resource_id;
    long min_capacity, max_capacity; /* both for a new target; AAS_UNSET keeps a value */
    const svc_tags *tags;            /* applied only when the target is new (as AWS); may be NULL */
    int suspend;                     /* 1: send the three flags below; 0: leave them as they are */
    int scale_in_suspended, scale_out_suspended, scheduled_suspended;
} aas_target_in;

/* RegisterScalableTarget (create or update). AWS then moves the service's desired count into
 * [min, max] at once. *arn (may be NULL): the target's ARN (free()). */
int aas_register_scalable_target(aws_client *c, const aas_target_in *in, char **arn,
                                 aws_error *err);
/* DescribeScalableTargets of these resource ids (NULL-terminated; NULL: every ECS target),
 * every page (page_size per call; 0: the service's 50), into *out (aas_targets_free). */
int aas_describe_scalable_targets(aws_client *c, const char *const *resource_ids, int page_size,
                                  aas_targets *out, aws_error *err);
/* DeregisterScalableTarget; AWS deletes the target's policies and scheduled actions with it.
 * ObjectNotFoundException when there is none. */
int aas_deregister_scalable_target(aws_client *c, const char *resource_id, aws_error *err);

/* ---- target tracking policies ---------------------------------------------------------- */
typedef struct {
    const char *resource_id, *name;
    const char *metric;          /* AAS_METRIC_CPU, AAS_METRIC_MEMORY or AAS_METRIC_ALB_REQUESTS */
    const char *resource_label;  /* ALB requests only (aas_alb_resource_label); else NULL */
    double target_value;         /* percent, or requests per target per minute */
    long scale_in_cooldown, scale_out_cooldown; /* seconds, always sent (AAS_DEFAULT_COOLDOWN) */
    int disable_scale_in;
} aas_tracking_in;

/* PutScalingPolicy of type TargetTrackingScaling (create, or replace the one of that name).
 * *policy_arn (may be NULL; free()). ObjectNotFoundException without a registered target. */
int aas_put_tracking_policy(aws_client *c, const aas_tracking_in *in, char **policy_arn,
                            aws_error *err);

typedef struct {
    char *name, *arn, *resource_id;
    char *type;                  /* TargetTrackingScaling, StepScaling, PredictiveScaling */
    char *metric;                /* the predefined metric; "" for a customized or other policy */
    char *resource_label;        /* "" when none */
    double target_value;         /* 0 when not target tracking */
    long scale_in_cooldown, scale_out_cooldown; /* AAS_UNSET when not given */
    int disable_scale_in;
    svc_strings alarms;          /* the CloudWatch alarm names AWS made for it */
    time_t created;
} aas_policy;

SVC_LIST_TYPE(aas_policy, aas_policies);

/* DescribeScalingPolicies of a target (resource_id NULL: every ECS policy), optionally only
 * the named ones (NULL-terminated; NULL: all), every page (page_size 0: the service's 10). */
int aas_describe_scaling_policies(aws_client *c, const char *resource_id,
                                  const char *const *names, int page_size, aas_policies *out,
                                  aws_error *err);
int aas_delete_scaling_policy(aws_client *c, const char *resource_id, const char *name,
                              aws_error *err);

/* ---- scheduled actions ---------------------------------------------------------------- */
typedef struct {
    const char *resource_id, *name;
    const char *schedule;        /* "cron(0 8 ? * MON-FRI *)", "rate(1 day)", "at(2026-01-01T00:00:00)" */
    const char *timezone;        /* IANA name ("Europe/Paris"); NULL: UTC */
    long min_capacity, max_capacity; /* AAS_UNSET leaves it out (at least one is needed) */
    time_t start, end;           /* 0: none */
} aas_scheduled_in;

/* PutScheduledAction (create, or update the one of that name: AWS keeps an omitted schedule
 * or capacity but removes omitted start and end times). */
int aas_put_scheduled_action(aws_client *c, const aas_scheduled_in *in, aws_error *err);

typedef struct {
    char *name, *arn, *resource_id, *schedule;
    char *timezone;              /* "" when UTC by default */
    long min_capacity, max_capacity; /* AAS_UNSET when absent */
    time_t start, end, created;  /* 0 when none */
} aas_scheduled_action;

SVC_LIST_TYPE(aas_scheduled_action, aas_scheduled_actions);

/* DescribeScheduledActions of a target (NULL: every ECS action), optionally only the named
 * ones, every page (page_size 0: the service's 50). */
int aas_describe_scheduled_actions(aws_client *c, const char *resource_id,
                                   const char *const *names, int page_size,
                                   aas_scheduled_actions *out, aws_error *err);
int aas_delete_scheduled_action(aws_client *c, const char *resource_id, const char *name,
                                aws_error *err);

/* ---- activities and tags ---------------------------------------------------------------- */
typedef struct {
    char *id, *description, *cause;
    char *status;                /* Pending, InProgress, Successful, Overridden, Unfulfilled, Failed */
    char *status_message;
    time_t start;
} aas_activity;

SVC_LIST_TYPE(aas_activity, aas_activities);

/* DescribeScalingActivities of a target (NULL: all ECS ones), newest first: every page, or
 * only the first with one_page (page_size 0: the service's 50). */
int aas_describe_scaling_activities(aws_client *c, const char *resource_id, int page_size,
                                    int one_page, aas_activities *out, aws_error *err);

/* Tags of a scalable target by its ARN. */
int aas_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int aas_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int aas_untag_resource(aws_client *c, const char *arn, const char *const *keys, aws_error *err);

#endif
