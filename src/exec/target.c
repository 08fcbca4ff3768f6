/* exec_find_target: pick a running task and check ECS Exec's preconditions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "exec.h"
#include "xalloc.h"

void exec_target_free(exec_target *t)
{
    free(t->cluster);
    free(t->cluster_name);
    free(t->task_arn);
    free(t->task_id);
    free(t->container);
    free(t->runtime_id);
    free(t->task_definition_arn);
    memset(t, 0, sizeof *t);
}

static const char *last_part(const char *s)
{
    const char *p = strrchr(s, '/');
    return p ? p + 1 : s;
}

/* 1 when platform version v ("1.3.0", "1.4.0", "LATEST") is older than 1.4.0. */
static int platform_too_old(const char *v)
{
    int a = 0, b = 0;
    if (!v || sscanf(v, "%d.%d", &a, &b) < 2)
        return 0;
    return a < 1 || (a == 1 && b < 4);
}

static int check_service(aws_client *aws, const char *cluster, const char *service,
                         aws_error *err)
{
    ecs_service s;
    int found = 0;
    if (ecs_describe_service(aws, cluster, service, &s, &found, err) != 0)
        return -1;
    int rc = 0;
    if (!found || (s.status && strcmp(s.status, "INACTIVE") == 0)) {
        aws_error_set(err, AWS_ERR_INPUT, "ServiceNotFound",
                      "there is no service %s in cluster %s (is the stack up? see "
                      "`ecsdeploy status`)", service, cluster);
        rc = -1;
    } else if (!s.enable_execute_command) {
        aws_error_set(err, AWS_ERR_INPUT, "ExecNotEnabled",
                      "ECS Exec is not enabled on service %s: set `exec: true` on the service "
                      "in the stack file and run `ecsdeploy up` (tasks started after that can be "
                      "reached)", service);
        rc = -1;
    }
    if (found)
        ecs_service_free(&s);
    return rc;
}

static const ecs_task *pick_task(const ecs_tasks *ts, const char *want)
{
    for (size_t i = 0; i < ts->n; i++) {
        const ecs_task *t = &ts->items[i];
        if (want && strcmp(want, t->arn ? t->arn : "") != 0 &&
            strcmp(want, t->id ? t->id : "") != 0)
            continue;
        if (want || (t->last_status && strcmp(t->last_status, "RUNNING") == 0))
            return t;
    }
    return NULL;
}

static const ecs_container *pick_container(const ecs_task *t, const char *service,
                                           const char *want)
{
    for (size_t i = 0; i < t->n_containers; i++)
        if (t->containers[i].name &&
            strcmp(t->containers[i].name, want ? want : service ? service : "") == 0)
            return &t->containers[i];
    return !want && t->n_containers ? &t->containers[0] : NULL;
}

static int check_task(const ecs_task *t, const ecs_container *k, const char *want,
                      aws_error *err)
{
    if (!t->last_status || strcmp(t->last_status, "RUNNING") != 0) {
        aws_error_set(err, AWS_ERR_INPUT, "TaskNotRunning", "task %s is %s, not RUNNING", t->id,
                      t->last_status ? t->last_status : "in an unknown state");
        return -1;
    }
    if (!t->enable_execute_command) {
        aws_error_set(err, AWS_ERR_INPUT, "ExecNotEnabled",
                      "task %s was started without ECS Exec: enable `exec: true` on its service, "
                      "run `ecsdeploy up`, and use a task started after that", t->id);
        return -1;
    }
    if (platform_too_old(t->platform_version)) {
        aws_error_set(err, AWS_ERR_INPUT, "PlatformTooOld",
                      "task %s runs on Fargate platform %s; ECS Exec needs 1.4.0 or newer "
                      "(deploy with platform LATEST)", t->id, t->platform_version);
        return -1;
    }
    if (!k) {
        aws_error_set(err, AWS_ERR_INPUT, "ContainerNotFound",
                      "task %s has no container %s", t->id, want ? want : "");
        return -1;
    }
    const ecs_managed_agent *a = ecs_container_agent(k, "ExecuteCommandAgent");
    if (!a || !a->status || strcmp(a->status, "RUNNING") != 0) {
        aws_error_set(err, AWS_ERR_INPUT, "ExecAgentNotRunning",
                      "the ECS Exec agent in container %s of task %s is %s%s%s; it starts a few "
                      "seconds after the task: wait and try again", k->name, t->id,
                      a && a->status ? a->status : "not reported",
                      a && a->reason ? ": " : "", a && a->reason ? a->reason : "");
        return -1;
    }
    return 0;
}

static int find_target(aws_client *aws, const char *cluster, const char *service,
                       const char *task, const char *container, exec_target *out,
                       aws_error *err)
{
    svc_strings arns = {0};
    if (task) {
        svc_strings_add(&arns, task);
    } else if (ecs_list_tasks(aws, cluster, service, "RUNNING", 0, &arns, err) != 0) {
        return -1;
    }
    if (arns.n == 0) {
        aws_error_set(err, AWS_ERR_INPUT, "NoRunningTask",
                      "service %s has no running task in cluster %s (see `ecsdeploy status`)",
                      service ? service : "", cluster);
        return -1;
    }
    ecs_tasks ts = {0};
    int rc = ecs_describe_tasks(aws, cluster, (const char *const *)arns.items, arns.n, &ts, err);
    svc_strings_free(&arns);
    if (rc != 0)
        return -1;
    const ecs_task *t = pick_task(&ts, task);
    const ecs_container *k = t ? pick_container(t, service, container) : NULL;
    if (!t) {
        aws_error_set(err, AWS_ERR_INPUT, task ? "TaskNotFound" : "NoRunningTask",
                      task ? "there is no task %s in cluster %s"
                           : "no RUNNING task found%s in cluster %s",
                      task ? task : "", cluster);
        rc = -1;
    } else if (check_task(t, k, container, err) != 0) {
        rc = -1;
    } else {
        out->cluster = xstrdup(cluster);
        out->cluster_name = xstrdup(last_part(cluster));
        out->task_arn = xstrdup(t->arn);
        out->task_id = xstrdup(t->id ? t->id : last_part(t->arn));
        out->container = xstrdup(k->name);
        out->runtime_id = xstrdup_or_null(k->runtime_id);
        out->task_definition_arn = xstrdup_or_null(t->task_definition_arn);
    }
    ecs_tasks_free(&ts);
    return rc;
}

/* The service is read only when no good target was found: when it is not there or runs
 * without ECS Exec, its words explain the failure better than the tasks' (and a good
 * target costs no call for it). */
int exec_find_target(aws_client *aws, const char *cluster, const char *service,
                     const char *task, const char *container, exec_target *out,
                     aws_error *err)
{
    memset(out, 0, sizeof *out);
    aws_error_clear(err);
    if (find_target(aws, cluster, service, task, container, out, err) == 0)
        return 0;
    aws_error why;
    aws_error_clear(&why);
    if (service && check_service(aws, cluster, service, &why) != 0)
        *err = why;
    return -1;
}
