/* ECS service deployments: list, describe, stop; service revisions (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static void read_sd(const cJSON *j, ecs_service_deployment *d)
{
    memset(d, 0, sizeof *d);
    d->raw = cJSON_Duplicate(j, 1);
    d->arn = xstrdup_or_null(aws_json_str(j, "serviceDeploymentArn"));
    d->service_arn = xstrdup_or_null(aws_json_str(j, "serviceArn"));
    d->cluster_arn = xstrdup_or_null(aws_json_str(j, "clusterArn"));
    d->status = xstrdup_or_null(aws_json_str(j, "status"));
    d->status_reason = xstrdup_or_null(aws_json_str(j, "statusReason"));
    d->lifecycle_stage = xstrdup_or_null(aws_json_str(j, "lifecycleStage"));
    const cJSON *t = cJSON_GetObjectItem(j, "targetServiceRevision");
    const char *target = aws_json_str(j, "targetServiceRevisionArn");
    d->target_revision_arn = xstrdup_or_null(target ? target : aws_json_str(t, "arn"));
    d->target_requested = (int)aws_json_int(t, "requestedTaskCount", 0);
    d->target_running = (int)aws_json_int(t, "runningTaskCount", 0);
    d->target_pending = (int)aws_json_int(t, "pendingTaskCount", 0);
    d->production_weight = ecs_time_(t, "requestedProductionTrafficWeight");
    d->created_at = ecs_time_(j, "createdAt");
    d->started_at = ecs_time_(j, "startedAt");
    d->finished_at = ecs_time_(j, "finishedAt");
    d->stopped_at = ecs_time_(j, "stoppedAt");
    d->updated_at = ecs_time_(j, "updatedAt");
    const cJSON *rb = cJSON_GetObjectItem(j, "rollback");
    d->rollback_reason = xstrdup_or_null(aws_json_str(rb, "reason"));
    d->rollback_revision_arn = xstrdup_or_null(aws_json_str(rb, "serviceRevisionArn"));
    const cJSON *cb = cJSON_GetObjectItem(j, "deploymentCircuitBreaker");
    d->circuit_breaker_status = xstrdup_or_null(aws_json_str(cb, "status"));
    d->circuit_breaker_failures = (int)aws_json_int(cb, "failureCount", 0);
    d->circuit_breaker_threshold = (int)aws_json_int(cb, "threshold", 0);
}

void ecs_service_deployments_free(ecs_service_deployments *d)
{
    for (size_t i = 0; i < d->n; i++) {
        ecs_service_deployment *x = &d->items[i];
        free(x->arn);
        free(x->service_arn);
        free(x->cluster_arn);
        free(x->status);
        free(x->status_reason);
        free(x->lifecycle_stage);
        free(x->target_revision_arn);
        free(x->rollback_reason);
        free(x->rollback_revision_arn);
        free(x->circuit_breaker_status);
        cJSON_Delete(x->raw);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

static void append(ecs_service_deployments *out, const cJSON *arr)
{
    out->items = xrealloc(out->items,
                          (out->n + (size_t)cJSON_GetArraySize(arr) + 1) * sizeof *out->items);
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) read_sd(e, &out->items[out->n++]);
}

int ecs_list_service_deployments(aws_client *c, const char *cluster, const char *service,
                                 const svc_strings *statuses, int max_results,
                                 ecs_service_deployments *out, aws_error *err)
{
    cJSON *j = cJSON_CreateObject(), *all;
    memset(out, 0, sizeof *out);
    if (cluster)
        cJSON_AddStringToObject(j, "cluster", cluster);
    cJSON_AddStringToObject(j, "service", service ? service : "");
    if (statuses && statuses->n)
        cJSON_AddItemToObject(j, "status",
                              cJSON_CreateStringArray((const char *const *)statuses->items,
                                                      (int)statuses->n));
    if (max_results > 0)
        cJSON_AddNumberToObject(j, "maxResults", max_results);
    aws_page_spec spec = {.in_token = "nextToken", .out_token = "nextToken",
                          .items = "serviceDeployments"};
    int rc = aws_json_paginate(c, "ecs", "ListServiceDeployments", j, &spec, &all, err);
    cJSON_Delete(j);
    if (rc != 0)
        return -1;
    append(out, all);
    cJSON_Delete(all);
    return 0;
}

int ecs_describe_service_deployments(aws_client *c, const char *const *arns, size_t n,
                                     ecs_service_deployments *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t at = 0; at < n; at += 20) {
        size_t k = n - at < 20 ? n - at : 20;
        cJSON *j = cJSON_CreateObject(), *o;
        cJSON_AddItemToObject(j, "serviceDeploymentArns",
                              cJSON_CreateStringArray(arns + at, (int)k));
        if (ecs_call_(c, "DescribeServiceDeployments", j, &o, err) != 0) {
            ecs_service_deployments_free(out);
            return -1;
        }
        append(out, aws_json_array(o, "serviceDeployments"));
        cJSON_Delete(o);
    }
    return 0;
}

int ecs_stop_service_deployment(aws_client *c, const char *arn, const char *stop_type,
                                aws_error *err)
{
    cJSON *j = svc_input("serviceDeploymentArn", arn);
    if (stop_type)
        cJSON_AddStringToObject(j, "stopType", stop_type);
    return ecs_call_(c, "StopServiceDeployment", j, NULL, err);
}

void ecs_service_revisions_free(ecs_service_revisions *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].arn);
        free(r->items[i].service_arn);
        free(r->items[i].task_definition);
        cJSON_Delete(r->items[i].raw);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

int ecs_describe_service_revisions(aws_client *c, const char *const *arns, size_t n,
                                   ecs_service_revisions *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t at = 0; at < n; at += 20) {
        size_t k = n - at < 20 ? n - at : 20;
        cJSON *j = cJSON_CreateObject(), *o;
        cJSON_AddItemToObject(j, "serviceRevisionArns", cJSON_CreateStringArray(arns + at, (int)k));
        if (ecs_call_(c, "DescribeServiceRevisions", j, &o, err) != 0) {
            ecs_service_revisions_free(out);
            return -1;
        }
        const cJSON *arr = aws_json_array(o, "serviceRevisions"), *e;
        out->items = xrealloc(out->items,
                              (out->n + (size_t)cJSON_GetArraySize(arr) + 1) * sizeof *out->items);
        cJSON_ArrayForEach(e, arr) {
            ecs_service_revision *r = &out->items[out->n++];
            r->arn = xstrdup_or_null(aws_json_str(e, "serviceRevisionArn"));
            r->service_arn = xstrdup_or_null(aws_json_str(e, "serviceArn"));
            r->task_definition = xstrdup_or_null(aws_json_str(e, "taskDefinition"));
            r->created_at = ecs_time_(e, "createdAt");
            r->raw = cJSON_Duplicate(e, 1);
        }
        cJSON_Delete(o);
    }
    return 0;
}
