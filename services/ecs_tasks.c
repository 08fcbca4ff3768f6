/* ECS tasks: list, describe, stop; ExecuteCommand (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "buf.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static const svc_shape agent_shape = SVC_SHAPE(ecs_managed_agent, NULL, NULL,
    SVC_FIELD("name", SVC_STR_NULL, ecs_managed_agent, name),
    SVC_FIELD("lastStatus", SVC_STR_NULL, ecs_managed_agent, status),
    SVC_FIELD("reason", SVC_STR_NULL, ecs_managed_agent, reason));

/* The exit code, when the container has one. */
static void read_exit_code(const cJSON *j, void *item)
{
    ecs_container *k = item;
    const cJSON *code = cJSON_GetObjectItem(j, "exitCode");
    k->has_exit_code = cJSON_IsNumber(code);
    k->exit_code = k->has_exit_code ? code->valueint : 0;
}

static const svc_shape container_shape = SVC_SHAPE(ecs_container, read_exit_code, NULL,
    SVC_FIELD("name", SVC_STR_NULL, ecs_container, name),
    SVC_FIELD("image", SVC_STR_NULL, ecs_container, image),
    SVC_FIELD("lastStatus", SVC_STR_NULL, ecs_container, last_status),
    SVC_FIELD("reason", SVC_STR_NULL, ecs_container, reason),
    SVC_FIELD("healthStatus", SVC_STR_NULL, ecs_container, health_status),
    SVC_FIELD("runtimeId", SVC_STR_NULL, ecs_container, runtime_id),
    SVC_FLIST("managedAgents", ecs_container, agents, n_agents, &agent_shape));

/* The task id (the last part of its ARN) and the private IP and id of its ENI. */
static void read_eni(const cJSON *task, void *item)
{
    ecs_task *t = item;
    const cJSON *att, *d;
    const char *slash = t->arn ? strrchr(t->arn, '/') : NULL;
    t->id = xstrdup_or_null(slash ? slash + 1 : t->arn);
    cJSON_ArrayForEach(att, aws_json_array(task, "attachments")) {
        const char *type = aws_json_str(att, "type");
        if (!type || strcmp(type, "ElasticNetworkInterface") != 0)
            continue;
        cJSON_ArrayForEach(d, aws_json_array(att, "details")) {
            const char *n = aws_json_str(d, "name"), *v = aws_json_str(d, "value");
            if (n && v && strcmp(n, "privateIPv4Address") == 0 && !t->private_ip)
                t->private_ip = xstrdup(v);
            if (n && v && strcmp(n, "networkInterfaceId") == 0 && !t->eni_id)
                t->eni_id = xstrdup(v);
        }
    }
}

static const svc_shape task_shape = SVC_SHAPE(ecs_task, read_eni, NULL,
    SVC_FIELD("taskArn", SVC_STR_NULL, ecs_task, arn),
    SVC_FIELD("clusterArn", SVC_STR_NULL, ecs_task, cluster_arn),
    SVC_FIELD("taskDefinitionArn", SVC_STR_NULL, ecs_task, task_definition_arn),
    SVC_FIELD("group", SVC_STR_NULL, ecs_task, group),
    SVC_FIELD("startedBy", SVC_STR_NULL, ecs_task, started_by),
    SVC_FIELD("lastStatus", SVC_STR_NULL, ecs_task, last_status),
    SVC_FIELD("desiredStatus", SVC_STR_NULL, ecs_task, desired_status),
    SVC_FIELD("healthStatus", SVC_STR_NULL, ecs_task, health_status),
    SVC_FIELD("stopCode", SVC_STR_NULL, ecs_task, stop_code),
    SVC_FIELD("stoppedReason", SVC_STR_NULL, ecs_task, stopped_reason),
    SVC_FIELD("availabilityZone", SVC_STR_NULL, ecs_task, availability_zone),
    SVC_FIELD("launchType", SVC_STR_NULL, ecs_task, launch_type),
    SVC_FIELD("platformVersion", SVC_STR_NULL, ecs_task, platform_version),
    SVC_FIELD("enableExecuteCommand", SVC_BOOL, ecs_task, enable_execute_command),
    SVC_FIELD("createdAt", SVC_DOUBLE, ecs_task, created_at),
    SVC_FIELD("startedAt", SVC_DOUBLE, ecs_task, started_at),
    SVC_FIELD("stoppedAt", SVC_DOUBLE, ecs_task, stopped_at),
    SVC_FLIST("containers", ecs_task, containers, n_containers, &container_shape),
    SVC_FTAGS("tags", ecs_task, tags, "key", "value"),
    SVC_FIELD("", SVC_KEPT, ecs_task, id),
    SVC_FIELD("", SVC_KEPT, ecs_task, private_ip),
    SVC_FIELD("", SVC_KEPT, ecs_task, eni_id));

void ecs_tasks_free(ecs_tasks *t)
{
    svc_strings_free(&t->missing);
    svc_free_list(&task_shape, (void **)&t->items, &t->n);
}

const ecs_managed_agent *ecs_container_agent(const ecs_container *k, const char *name)
{
    for (size_t i = 0; i < k->n_agents; i++)
        if (k->agents[i].name && name && strcmp(k->agents[i].name, name) == 0)
            return &k->agents[i];
    return NULL;
}

int ecs_run_task(aws_client *c, const ecs_run_task_input *in, ecs_tasks *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", in->cluster);
    cJSON_AddStringToObject(j, "taskDefinition", in->task_definition ? in->task_definition : "");
    cJSON_AddNumberToObject(j, "count", 1);
    if (in->capacity_provider_strategy)
        cJSON_AddItemToObject(j, "capacityProviderStrategy",
                              cJSON_Duplicate(in->capacity_provider_strategy, 1));
    else if (in->launch_type)
        cJSON_AddStringToObject(j, "launchType", in->launch_type);
    svc_add_str(j, "platformVersion", in->platform_version);
    if (in->subnets) {
        cJSON *vpc = cJSON_AddObjectToObject(cJSON_AddObjectToObject(j, "networkConfiguration"),
                                             "awsvpcConfiguration");
        cJSON_AddItemToObject(vpc, "subnets", cJSON_CreateStringArray(
                                  (const char *const *)in->subnets->items, (int)in->subnets->n));
        if (in->security_groups)
            cJSON_AddItemToObject(vpc, "securityGroups", cJSON_CreateStringArray(
                                      (const char *const *)in->security_groups->items,
                                      (int)in->security_groups->n));
        cJSON_AddStringToObject(vpc, "assignPublicIp", in->assign_public_ip ? "ENABLED" : "DISABLED");
    }
    if (in->container && in->ncommand) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", in->container);
        cJSON_AddItemToObject(o, "command", cJSON_CreateStringArray(in->command, (int)in->ncommand));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_AddObjectToObject(j, "overrides"),
                                                    "containerOverrides"), o);
    }
    svc_add_str(j, "startedBy", in->started_by);
    if (in->enable_execute_command > 0)
        cJSON_AddBoolToObject(j, "enableExecuteCommand", 1);
    svc_add_str(j, "propagateTags", in->propagate_tags);
    cJSON *o = NULL;
    if (ecs_call_(c, "RunTask", j, &o, err) != 0)
        return -1;
    svc_read_list(aws_json_array(o, "tasks"), &task_shape, (void **)&out->items, &out->n);
    int rc = 0;
    if (out->n == 0) { /* nowhere to place it: ECS says why in failures, with a 200 */
        const cJSON *f = cJSON_GetArrayItem(aws_json_array(o, "failures"), 0);
        aws_error_set(err, AWS_ERR_SERVICE, "RunTaskFailure", "ECS did not start the task: %s%s%s",
                      aws_json_str(f, "reason") ? aws_json_str(f, "reason") : "no reason given",
                      aws_json_str(f, "detail") ? ": " : "",
                      aws_json_str(f, "detail") ? aws_json_str(f, "detail") : "");
        rc = -1;
    }
    cJSON_Delete(o);
    return rc;
}

int ecs_list_tasks(aws_client *c, const char *cluster, const char *service,
                   const char *desired_status, int max_results, svc_strings *arns,
                   aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", cluster);
    svc_add_str(j, "serviceName", service);
    svc_add_str(j, "desiredStatus", desired_status);
    return ecs_list_strings_(c, "ListTasks", j, max_results, "taskArns", arns, err);
}

int ecs_describe_tasks(aws_client *c, const char *cluster, const char *const *tasks, size_t n,
                       ecs_tasks *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t at = 0; at < n; at += 100) {
        size_t k = n - at < 100 ? n - at : 100;
        cJSON *j = cJSON_CreateObject(), *o;
        svc_add_str(j, "cluster", cluster);
        cJSON_AddItemToObject(j, "tasks", cJSON_CreateStringArray(tasks + at, (int)k));
        const char *inc = "TAGS";
        cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(&inc, 1));
        if (ecs_call_(c, "DescribeTasks", j, &o, err) != 0) {
            ecs_tasks_free(out);
            return -1;
        }
        const cJSON *e;
        svc_read_list(aws_json_array(o, "tasks"), &task_shape, (void **)&out->items, &out->n);
        cJSON_ArrayForEach(e, aws_json_array(o, "failures")) {
            const char *arn = aws_json_str(e, "arn");
            svc_strings_add(&out->missing, arn ? arn : "");
        }
        cJSON_Delete(o);
    }
    return 0;
}

int ecs_stop_task(aws_client *c, const char *cluster, const char *task, const char *reason,
                  aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "cluster", cluster);
    cJSON_AddStringToObject(j, "task", task ? task : "");
    svc_add_str(j, "reason", reason);
    return ecs_call_(c, "StopTask", j, NULL, err);
}

/* What ExecuteCommand answers: the data channel's session (its token a secret, wiped when
 * freed) and the task and container it reached. */
static const svc_shape session_shape = SVC_SHAPE(ecs_exec_session, NULL, NULL,
    SVC_FIELD("session.sessionId", SVC_STR_NULL, ecs_exec_session, session_id),
    SVC_FIELD("session.streamUrl", SVC_STR_NULL, ecs_exec_session, stream_url),
    SVC_FIELD("session.tokenValue", SVC_SECRET_NULL, ecs_exec_session, token),
    SVC_FIELD("taskArn", SVC_STR_NULL, ecs_exec_session, task_arn),
    SVC_FIELD("containerName", SVC_STR_NULL, ecs_exec_session, container_name),
    SVC_FIELD("containerArn", SVC_STR_NULL, ecs_exec_session, container_arn));

SVC_DEFINE_FREE(ecs_exec_session_free, ecs_exec_session, session_shape)

int ecs_execute_command(aws_client *c, const char *cluster, const char *task,
                        const char *container, const char *command, int interactive,
                        ecs_exec_session *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (!task || !command)
        return svc_refuse(err, "InvalidParameterException",
                          "ExecuteCommand needs a task and a command");
    cJSON *j = cJSON_CreateObject(), *o;
    svc_add_str(j, "cluster", cluster);
    cJSON_AddStringToObject(j, "task", task);
    svc_add_str(j, "container", container);
    cJSON_AddStringToObject(j, "command", command);
    cJSON_AddBoolToObject(j, "interactive", interactive);
    if (ecs_call_(c, "ExecuteCommand", j, &o, err) != 0)
        return -1;
    svc_read(o, &session_shape, out);
    aws_json_delete_wiped(o); /* the answer's copy of the token */
    if (!out->session_id || !out->stream_url || !out->token) {
        ecs_exec_session_free(out);
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse",
                      "ExecuteCommand answered without a session id, stream URL and token");
        return -1;
    }
    return 0;
}

int ecs_same_task_definition(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t al = strlen(a), bl = strlen(b);
    if (al == bl)
        return strcmp(a, b) == 0;
    const char *longer = al > bl ? a : b, *shorter = al > bl ? b : a;
    size_t ll = al > bl ? al : bl, sl = al > bl ? bl : al;
    /* "arn:...:task-definition/web:3" and "web:3" */
    return strcmp(longer + ll - sl, shorter) == 0 && longer[ll - sl - 1] == '/';
}

char *ecs_task_stop_reason(const ecs_task *t)
{
    buf b = {0};
    buf_puts(&b, t->stopped_reason ? t->stopped_reason : t->stop_code ? t->stop_code : "stopped");
    int first = 1;
    for (size_t i = 0; i < t->n_containers; i++) {
        const ecs_container *k = &t->containers[i];
        if ((!k->has_exit_code || k->exit_code == 0) && !k->reason)
            continue;
        buf_puts(&b, first ? " (" : "; ");
        first = 0;
        buf_printf(&b, "%s:", k->name ? k->name : "container");
        if (k->has_exit_code)
            buf_printf(&b, " exit code %d", k->exit_code);
        if (k->reason)
            buf_printf(&b, "%s%s", k->has_exit_code ? ", " : " ", k->reason);
    }
    if (!first)
        buf_putc(&b, ')');
    return buf_detach(&b);
}

static int newest_first(const void *a, const void *b)
{
    double x = ((const ecs_task *)a)->stopped_at, y = ((const ecs_task *)b)->stopped_at;
    return x < y ? 1 : x > y ? -1 : 0;
}

int ecs_stopped_task_reasons(aws_client *c, const char *cluster, const char *service,
                             const char *task_definition, size_t max, svc_strings *out,
                             aws_error *err)
{
    svc_strings arns = {0};
    ecs_tasks tasks = {0};
    int rc = ecs_list_tasks(c, cluster, service, "STOPPED", 0, &arns, err);
    if (rc == 0 && arns.n > 0)
        rc = ecs_describe_tasks(c, cluster, (const char *const *)arns.items, arns.n, &tasks, err);
    if (rc == 0 && tasks.n > 1)
        qsort(tasks.items, tasks.n, sizeof *tasks.items, newest_first);
    size_t added = 0;
    for (size_t i = 0; rc == 0 && i < tasks.n && added < max; i++) {
        const ecs_task *t = &tasks.items[i];
        if (task_definition && t->task_definition_arn &&
            !ecs_same_task_definition(t->task_definition_arn, task_definition))
            continue;
        if (t->stopped_reason && !strncmp(t->stopped_reason, "Scaling activity initiated by", 29))
            continue;
        char *r = ecs_task_stop_reason(t);
        if (!svc_strings_has(out, r)) {
            svc_strings_add(out, r);
            added++;
        }
        free(r);
    }
    ecs_tasks_free(&tasks);
    svc_strings_free(&arns);
    return rc;
}
