/* ECS service deployments: list, describe, stop; service revisions (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

/* The target revision: targetServiceRevisionArn, or the arn of targetServiceRevision. */
static void read_target(const cJSON *j, void *item)
{
    ecs_service_deployment *d = item;
    const char *target = aws_json_str(j, "targetServiceRevisionArn");
    d->target_revision_arn = xstrdup_or_null(target ? target : aws_json_str(
                                                 svc_json_at(j, "targetServiceRevision"), "arn"));
}

#define TARGET(m) "targetServiceRevision." m
#define BREAKER(m) "deploymentCircuitBreaker." m

static const svc_shape sd_shape = SVC_SHAPE(ecs_service_deployment, read_target, NULL,
    SVC_FIELD("", SVC_RAW, ecs_service_deployment, raw),
    SVC_FIELD("serviceDeploymentArn", SVC_STR_NULL, ecs_service_deployment, arn),
    SVC_FIELD("serviceArn", SVC_STR_NULL, ecs_service_deployment, service_arn),
    SVC_FIELD("clusterArn", SVC_STR_NULL, ecs_service_deployment, cluster_arn),
    SVC_FIELD("status", SVC_STR_NULL, ecs_service_deployment, status),
    SVC_FIELD("statusReason", SVC_STR_NULL, ecs_service_deployment, status_reason),
    SVC_FIELD("lifecycleStage", SVC_STR_NULL, ecs_service_deployment, lifecycle_stage),
    SVC_FIELD(TARGET("requestedTaskCount"), SVC_INT, ecs_service_deployment, target_requested),
    SVC_FIELD(TARGET("runningTaskCount"), SVC_INT, ecs_service_deployment, target_running),
    SVC_FIELD(TARGET("pendingTaskCount"), SVC_INT, ecs_service_deployment, target_pending),
    SVC_FIELD(TARGET("requestedProductionTrafficWeight"), SVC_DOUBLE, ecs_service_deployment,
              production_weight),
    SVC_FIELD("createdAt", SVC_DOUBLE, ecs_service_deployment, created_at),
    SVC_FIELD("startedAt", SVC_DOUBLE, ecs_service_deployment, started_at),
    SVC_FIELD("finishedAt", SVC_DOUBLE, ecs_service_deployment, finished_at),
    SVC_FIELD("stoppedAt", SVC_DOUBLE, ecs_service_deployment, stopped_at),
    SVC_FIELD("updatedAt", SVC_DOUBLE, ecs_service_deployment, updated_at),
    SVC_FIELD("rollback.reason", SVC_STR_NULL, ecs_service_deployment, rollback_reason),
    SVC_FIELD("rollback.serviceRevisionArn", SVC_STR_NULL, ecs_service_deployment,
              rollback_revision_arn),
    SVC_FIELD(BREAKER("status"), SVC_STR_NULL, ecs_service_deployment, circuit_breaker_status),
    SVC_FIELD(BREAKER("failureCount"), SVC_INT, ecs_service_deployment, circuit_breaker_failures),
    SVC_FIELD(BREAKER("threshold"), SVC_INT, ecs_service_deployment, circuit_breaker_threshold),
    SVC_FIELD("", SVC_KEPT, ecs_service_deployment, target_revision_arn));

SVC_DEFINE_LIST_FREE(ecs_service_deployments_free, ecs_service_deployments, sd_shape)

/* A Describe* of arns, 20 at a time (ECS's limit), the answers' `items` read with shape into
 * {*out, *count} (emptied first; emptied again when a call fails). */
static int describe_by_arns(aws_client *c, const char *op, const char *member,
                            const char *const *arns, size_t n, const char *items,
                            const svc_shape *shape, void **out, size_t *count, aws_error *err)
{
    *out = NULL;
    *count = 0;
    for (size_t at = 0; at < n; at += 20) {
        size_t k = n - at < 20 ? n - at : 20;
        cJSON *j = cJSON_CreateObject(), *o;
        cJSON_AddItemToObject(j, member, cJSON_CreateStringArray(arns + at, (int)k));
        if (ecs_call_(c, op, j, &o, err) != 0) {
            svc_free_list(shape, out, count);
            return -1;
        }
        svc_read_list(aws_json_array(o, items), shape, out, count);
        cJSON_Delete(o);
    }
    return 0;
}

int ecs_list_service_deployments(aws_client *c, const char *cluster, const char *service,
                                 const svc_strings *statuses, int max_results,
                                 ecs_service_deployments *out, aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", cluster);
    cJSON_AddStringToObject(j, "service", service ? service : "");
    if (statuses && statuses->n)
        cJSON_AddItemToObject(j, "status",
                              cJSON_CreateStringArray((const char *const *)statuses->items,
                                                      (int)statuses->n));
    return svc_list(c, &ecs_api_, "ListServiceDeployments", j, "serviceDeployments", max_results,
                    &sd_shape, (void **)&out->items, &out->n, err);
}

int ecs_describe_service_deployments(aws_client *c, const char *const *arns, size_t n,
                                     ecs_service_deployments *out, aws_error *err)
{
    return describe_by_arns(c, "DescribeServiceDeployments", "serviceDeploymentArns", arns, n,
                            "serviceDeployments", &sd_shape, (void **)&out->items, &out->n, err);
}

int ecs_stop_service_deployment(aws_client *c, const char *arn, const char *stop_type,
                                aws_error *err)
{
    cJSON *j = svc_input("serviceDeploymentArn", arn);
    svc_add_str(j, "stopType", stop_type);
    return ecs_call_(c, "StopServiceDeployment", j, NULL, err);
}

static const svc_shape revision_shape = SVC_SHAPE(ecs_service_revision, NULL, NULL,
    SVC_FIELD("serviceRevisionArn", SVC_STR_NULL, ecs_service_revision, arn),
    SVC_FIELD("serviceArn", SVC_STR_NULL, ecs_service_revision, service_arn),
    SVC_FIELD("taskDefinition", SVC_STR_NULL, ecs_service_revision, task_definition),
    SVC_FIELD("createdAt", SVC_DOUBLE, ecs_service_revision, created_at),
    SVC_FIELD("", SVC_RAW, ecs_service_revision, raw));

SVC_DEFINE_LIST_FREE(ecs_service_revisions_free, ecs_service_revisions, revision_shape)

int ecs_describe_service_revisions(aws_client *c, const char *const *arns, size_t n,
                                   ecs_service_revisions *out, aws_error *err)
{
    return describe_by_arns(c, "DescribeServiceRevisions", "serviceRevisionArns", arns, n,
                            "serviceRevisions", &revision_shape, (void **)&out->items, &out->n,
                            err);
}
