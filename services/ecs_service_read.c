/* ECS services: reading service objects, DescribeServices (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "svc_json_internal.h"
#include "xalloc.h"

static const svc_shape deployment_shape = SVC_SHAPE(ecs_deployment, NULL, NULL,
    SVC_FIELD("id", SVC_STR_NULL, ecs_deployment, id),
    SVC_FIELD("status", SVC_STR_NULL, ecs_deployment, status),
    SVC_FIELD("taskDefinition", SVC_STR_NULL, ecs_deployment, task_definition),
    SVC_FIELD("desiredCount", SVC_INT, ecs_deployment, desired),
    SVC_FIELD("pendingCount", SVC_INT, ecs_deployment, pending),
    SVC_FIELD("runningCount", SVC_INT, ecs_deployment, running),
    SVC_FIELD("failedTasks", SVC_INT, ecs_deployment, failed_tasks),
    SVC_FIELD("rolloutState", SVC_STR_NULL, ecs_deployment, rollout_state),
    SVC_FIELD("rolloutStateReason", SVC_STR_NULL, ecs_deployment, rollout_state_reason),
    SVC_FIELD("createdAt", SVC_DOUBLE, ecs_deployment, created_at),
    SVC_FIELD("updatedAt", SVC_DOUBLE, ecs_deployment, updated_at));

static const svc_shape event_shape = SVC_SHAPE(ecs_service_event, NULL, NULL,
    SVC_FIELD("id", SVC_STR_NULL, ecs_service_event, id),
    SVC_FIELD("message", SVC_STR_NULL, ecs_service_event, message),
    SVC_FIELD("createdAt", SVC_DOUBLE, ecs_service_event, created_at));

static const svc_shape service_shape = SVC_SHAPE(ecs_service, NULL, NULL,
    SVC_FIELD("", SVC_RAW, ecs_service, raw),
    SVC_FIELD("serviceArn", SVC_STR_NULL, ecs_service, arn),
    SVC_FIELD("serviceName", SVC_STR_NULL, ecs_service, name),
    SVC_FIELD("clusterArn", SVC_STR_NULL, ecs_service, cluster_arn),
    SVC_FIELD("status", SVC_STR_NULL, ecs_service, status),
    SVC_FIELD("taskDefinition", SVC_STR_NULL, ecs_service, task_definition),
    SVC_FIELD("desiredCount", SVC_INT, ecs_service, desired),
    SVC_FIELD("runningCount", SVC_INT, ecs_service, running),
    SVC_FIELD("pendingCount", SVC_INT, ecs_service, pending),
    SVC_FIELD("enableExecuteCommand", SVC_BOOL, ecs_service, enable_execute_command),
    SVC_FIELD("deploymentController.type", SVC_STR_NULL, ecs_service, deployment_controller),
    SVC_FIELD("deploymentConfiguration.strategy", SVC_STR_NULL, ecs_service, strategy),
    SVC_FIELD("currentServiceDeployment", SVC_STR_NULL, ecs_service, current_service_deployment),
    SVC_FLIST("deployments", ecs_service, deployments, n_deployments, &deployment_shape),
    SVC_FLIST("events", ecs_service, events, n_events, &event_shape),
    SVC_FTAGS("tags", ecs_service, tags, "key", "value"));

void ecs_read_service_(const cJSON *j, ecs_service *out)
{
    svc_read(j, &service_shape, out);
}

void ecs_service_copy(const ecs_service *s, ecs_service *out)
{
    ecs_read_service_(s->raw, out);
}

SVC_DEFINE_FREE(ecs_service_free, ecs_service, service_shape)

void ecs_services_free(ecs_services *s)
{
    svc_strings_free(&s->missing);
    svc_free_list(&service_shape, (void **)&s->items, &s->n);
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
    svc_add_str(j, "cluster", cluster);
    cJSON_AddItemToObject(j, "services", cJSON_CreateStringArray(names, (int)n));
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(&inc, 1));
    if (ecs_call_(c, "DescribeServices", j, &o, err) != 0)
        return -1;
    svc_read_list(aws_json_array(o, "services"), &service_shape, (void **)&out->items, &out->n);
    const cJSON *e;
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
