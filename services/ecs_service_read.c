/* ECS services: reading service objects, DescribeServices (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "svc_json_internal.h"
#include "xalloc.h"

static void read_deployment(const cJSON *j, ecs_deployment *d)
{
    d->id = xstrdup_or_null(aws_json_str(j, "id"));
    d->status = xstrdup_or_null(aws_json_str(j, "status"));
    d->task_definition = xstrdup_or_null(aws_json_str(j, "taskDefinition"));
    d->desired = (int)aws_json_int(j, "desiredCount", 0);
    d->pending = (int)aws_json_int(j, "pendingCount", 0);
    d->running = (int)aws_json_int(j, "runningCount", 0);
    d->failed_tasks = (int)aws_json_int(j, "failedTasks", 0);
    d->rollout_state = xstrdup_or_null(aws_json_str(j, "rolloutState"));
    d->rollout_state_reason = xstrdup_or_null(aws_json_str(j, "rolloutStateReason"));
    d->created_at = ecs_time_(j, "createdAt");
    d->updated_at = ecs_time_(j, "updatedAt");
}

void ecs_read_service_(const cJSON *j, ecs_service *out)
{
    memset(out, 0, sizeof *out);
    out->raw = j ? cJSON_Duplicate(j, 1) : cJSON_CreateObject();
    out->arn = xstrdup_or_null(aws_json_str(j, "serviceArn"));
    out->name = xstrdup_or_null(aws_json_str(j, "serviceName"));
    out->cluster_arn = xstrdup_or_null(aws_json_str(j, "clusterArn"));
    out->status = xstrdup_or_null(aws_json_str(j, "status"));
    out->task_definition = xstrdup_or_null(aws_json_str(j, "taskDefinition"));
    out->desired = (int)aws_json_int(j, "desiredCount", 0);
    out->running = (int)aws_json_int(j, "runningCount", 0);
    out->pending = (int)aws_json_int(j, "pendingCount", 0);
    out->enable_execute_command = aws_json_bool(j, "enableExecuteCommand", 0);
    const cJSON *controller = cJSON_GetObjectItem(j, "deploymentController");
    const cJSON *config = cJSON_GetObjectItem(j, "deploymentConfiguration");
    out->deployment_controller = xstrdup_or_null(aws_json_str(controller, "type"));
    out->strategy = xstrdup_or_null(aws_json_str(config, "strategy"));
    out->current_service_deployment = xstrdup_or_null(aws_json_str(j, "currentServiceDeployment"));
    const cJSON *arr = aws_json_array(j, "deployments"), *e;
    out->deployments = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *out->deployments);
    cJSON_ArrayForEach(e, arr) read_deployment(e, &out->deployments[out->n_deployments++]);
    arr = aws_json_array(j, "events");
    out->events = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *out->events);
    cJSON_ArrayForEach(e, arr) {
        ecs_service_event *ev = &out->events[out->n_events++];
        ev->id = xstrdup_or_null(aws_json_str(e, "id"));
        ev->message = xstrdup_or_null(aws_json_str(e, "message"));
        ev->created_at = ecs_time_(e, "createdAt");
    }
    svc_json_tags(j, "tags", "key", "value", &out->tags);
}

void ecs_service_copy(const ecs_service *s, ecs_service *out)
{
    ecs_read_service_(s->raw, out);
}

void ecs_service_free(ecs_service *s)
{
    free(s->arn);
    free(s->name);
    free(s->cluster_arn);
    free(s->status);
    free(s->task_definition);
    free(s->deployment_controller);
    free(s->strategy);
    free(s->current_service_deployment);
    for (size_t i = 0; i < s->n_deployments; i++) {
        ecs_deployment *d = &s->deployments[i];
        free(d->id);
        free(d->status);
        free(d->task_definition);
        free(d->rollout_state);
        free(d->rollout_state_reason);
    }
    free(s->deployments);
    for (size_t i = 0; i < s->n_events; i++) {
        free(s->events[i].id);
        free(s->events[i].message);
    }
    free(s->events);
    svc_tags_free(&s->tags);
    cJSON_Delete(s->raw);
    memset(s, 0, sizeof *s);
}

void ecs_services_free(ecs_services *s)
{
    svc_strings_free(&s->missing);
    SVC_LIST_FREE(s, ecs_service_free);
}

const ecs_deployment *ecs_service_primary(const ecs_service *s)
{
    for (size_t i = 0; i < s->n_deployments; i++)
        if (s->deployments[i].status && strcmp(s->deployments[i].status, "PRIMARY") == 0)
            return &s->deployments[i];
    return NULL;
}

static int describe_batch(aws_client *c, const char *cluster, const char *const *names,
                          size_t n, ecs_services *out, aws_error *err)
{
    cJSON *j = cJSON_CreateObject(), *o;
    if (cluster)
        cJSON_AddStringToObject(j, "cluster", cluster);
    cJSON_AddItemToObject(j, "services", cJSON_CreateStringArray(names, (int)n));
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(&inc, 1));
    if (ecs_call_(c, "DescribeServices", j, &o, err) != 0)
        return -1;
    const cJSON *arr = aws_json_array(o, "services"), *e;
    out->items = xrealloc(out->items,
                          (out->n + (size_t)cJSON_GetArraySize(arr) + 1) * sizeof *out->items);
    cJSON_ArrayForEach(e, arr) ecs_read_service_(e, &out->items[out->n++]);
    cJSON_ArrayForEach(e, aws_json_array(o, "failures")) {
        const char *arn = aws_json_str(e, "arn"), *reason = aws_json_str(e, "reason");
        if (reason && strcmp(reason, "MISSING") == 0)
            svc_strings_add(&out->missing, arn ? arn : "");
    }
    cJSON_Delete(o);
    return 0;
}

int ecs_describe_services(aws_client *c, const char *cluster, const char *const *services,
                          size_t n, ecs_services *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t at = 0; at < n; at += 10) {
        size_t k = n - at < 10 ? n - at : 10;
        if (describe_batch(c, cluster, services + at, k, out, err) != 0) {
            ecs_services_free(out);
            return -1;
        }
    }
    return 0;
}

int ecs_describe_service(aws_client *c, const char *cluster, const char *service,
                         ecs_service *out, int *found, aws_error *err)
{
    ecs_services all;
    memset(out, 0, sizeof *out);
    *found = 0;
    if (ecs_describe_services(c, cluster, &service, 1, &all, err) != 0)
        return -1;
    if (all.n > 0) {
        *out = all.items[0];
        memset(&all.items[0], 0, sizeof all.items[0]);
        *found = 1;
    }
    ecs_services_free(&all);
    return 0;
}
