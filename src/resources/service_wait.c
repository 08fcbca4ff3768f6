/*
 * Waiting for a service to be steady on its task definition, and explaining a failed
 * deployment: stopped tasks (reason, container exit codes), target health, events.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "elbv2.h"
#include "service_internal.h"
#include "xalloc.h"

static int contains(const cJSON *a, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a) if (cJSON_IsString(e) && !strcmp(e->valuestring, s)) return 1;
    return 0;
}

/* "Essential container in task exited (web: exit code 1)" */
static char *task_reason(const ecs_task *t)
{
    buf b = {0};
    buf_puts(&b, t->stopped_reason ? t->stopped_reason : t->stop_code ? t->stop_code : "stopped");
    int first = 1;
    for (size_t i = 0; i < t->n_containers; i++) {
        const ecs_container *k = &t->containers[i];
        if (!k->has_exit_code && !k->reason)
            continue;
        if (k->has_exit_code && k->exit_code == 0 && !k->reason)
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

cJSON *service_stopped_reasons(res_ctx *ctx, const char *cluster, const char *service,
                               const char *task_def_arn, size_t max)
{
    cJSON *out = cJSON_CreateArray();
    svc_strings arns = {0};
    ecs_tasks tasks = {0};
    aws_error err;
    aws_error_clear(&err);
    if (ecs_list_tasks(ctx->aws, cluster, service, "STOPPED", 0, &arns, &err) == 0 && arns.n > 0 &&
        ecs_describe_tasks(ctx->aws, cluster, (const char *const *)arns.items, arns.n, &tasks, &err) == 0) {
        qsort(tasks.items, tasks.n, sizeof *tasks.items, newest_first);
        for (size_t i = 0; i < tasks.n && (size_t)cJSON_GetArraySize(out) < max; i++) {
            const ecs_task *t = &tasks.items[i];
            if (task_def_arn && t->task_definition_arn && strcmp(t->task_definition_arn, task_def_arn))
                continue;
            char *r = task_reason(t);
            if (!contains(out, r))
                cJSON_AddItemToArray(out, cJSON_CreateString(r));
            free(r);
        }
    }
    ecs_tasks_free(&tasks);
    svc_strings_free(&arns);
    return out;
}

static void target_health(res_ctx *ctx, const char *tg_arn, buf *out)
{
    elbv2_target_healths h = {0};
    aws_error err;
    aws_error_clear(&err);
    if (elbv2_describe_target_health(ctx->aws, tg_arn, NULL, 0, &h, &err) != 0)
        return;
    int first = 1;
    for (size_t i = 0; i < h.n; i++) {
        const elbv2_target_health *t = &h.items[i];
        if (!t->state || !strcmp(t->state, "healthy"))
            continue;
        buf_puts(out, first ? "; targets: " : ", ");
        first = 0;
        buf_printf(out, "%s %s", t->id ? t->id : "?", t->state);
        if (t->description || t->reason)
            buf_printf(out, " (%s)", t->description ? t->description : t->reason);
    }
    elbv2_target_healths_free(&h);
}

void service_failure_reasons(res_ctx *ctx, const char *cluster, const ecs_service *s,
                             const char *task_def_arn, const char *tg_arn, buf *out)
{
    cJSON *stopped = service_stopped_reasons(ctx, cluster, s->name, task_def_arn, 3);
    const cJSON *e;
    int first = 1;
    cJSON_ArrayForEach(e, stopped) {
        buf_puts(out, first ? ": " : "; ");
        first = 0;
        buf_puts(out, e->valuestring);
    }
    cJSON_Delete(stopped);
    if (tg_arn)
        target_health(ctx, tg_arn, out);
    for (size_t i = 0; i < s->n_events && i < 3; i++)
        buf_printf(out, "%s%s", i == 0 ? "; latest events: " : " | ", s->events[i].message);
}

/* ---- the wait ---------------------------------------------------------------------- */

typedef struct {
    const char *cluster, *name, *task_def, *tg;
} steady_wait;

static const char *after_colon(const char *s)
{
    const char *c = s ? strstr(s, ": ") : NULL;
    return c ? c + 2 : s;
}

static int failed(res_ctx *ctx, steady_wait *w, const ecs_service *s, const char *why, aws_error *err)
{
    buf b = {0};
    buf_printf(&b, "deployment failed: %s", why);
    service_failure_reasons(ctx, w->cluster, s, w->task_def, w->tg, &b);
    aws_error_set(err, AWS_ERR_SERVICE, "DeploymentFailed", "%s", buf_str(&b));
    buf_free(&b);
    return -1;
}

static int poll_steady(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    steady_wait *w = ud;
    ecs_service s = {0};
    int found = 0, rc = 0;
    if (ecs_describe_service(ctx->aws, w->cluster, w->name, &s, &found, err) != 0)
        return -1;
    const ecs_deployment *primary = found ? ecs_service_primary(&s) : NULL;
    if (!found || !s.status || strcmp(s.status, "ACTIVE") != 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceInactive", "service %s is %s", w->name,
                      found ? s.status : "gone");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < s.n_deployments; i++) {
        const ecs_deployment *d = &s.deployments[i];
        if (d->rollout_state && !strcmp(d->rollout_state, "FAILED") && d->task_definition &&
            !strcmp(d->task_definition, w->task_def)) {
            char *why = xstrdup(d->rollout_state_reason ? after_colon(d->rollout_state_reason)
                                                        : "the deployment failed");
            size_t len = strlen(why);
            if (len > 0 && why[len - 1] == '.')
                why[len - 1] = '\0';
            rc = failed(ctx, w, &s, why, err);
            free(why);
        }
    }
    if (rc == 0 && primary && primary->task_definition && strcmp(primary->task_definition, w->task_def)) {
        rc = failed(ctx, w, &s, "ECS rolled the service back to its previous task definition", err);
    } else if (rc == 0 && primary) {
        snprintf(status, len, "%s, %d/%d running, %d pending%s",
                 primary->rollout_state ? primary->rollout_state : "deploying", primary->running,
                 s.desired, primary->pending,
                 s.n_deployments > 1 ? ", previous tasks draining" : "");
        int completed = !primary->rollout_state || !strcmp(primary->rollout_state, "COMPLETED");
        rc = completed && s.n_deployments == 1 && s.running == s.desired;
    }
    ecs_service_free(&s);
    return rc;
}

static const char *member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int service_wait_steady(res_ctx *ctx, res_node *n, res_action action, const cJSON *props,
                        aws_error *err)
{
    steady_wait w = {.cluster = member(props, "cluster"),
                     .name = member(props, "name"),
                     .task_def = member(props, "task_definition"),
                     .tg = member(cJSON_GetObjectItem(props, "load_balancer"), "target_group")};
    if (!w.cluster || !w.name || !w.task_def) {
        aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "service %s: cluster or task definition unknown",
                      w.name ? w.name : n->id);
        return -1;
    }
    return res_wait(ctx, n, action, "the service to be steady", poll_steady, &w, err);
}
