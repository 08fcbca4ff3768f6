/* ECS waiters: services stable / inactive, tasks stopped / running, service deployments
 * (see ecs.h). */
#include "ecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "xalloc.h"

/* One poll: 1 done, 0 not yet, -1 failed (err set). state: what was seen. */
typedef int (*ecs_poll_fn)(aws_client *c, void *ctx, buf *state, aws_error *err);

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_sec(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int wait_loop(aws_client *c, const ecs_wait_opts *o, double def_delay, const char *what,
                     ecs_poll_fn poll, void *ctx, aws_error *err)
{
    double delay = o && o->delay_sec > 0 ? o->delay_sec : def_delay;
    double limit = o && o->timeout_sec > 0 ? o->timeout_sec : 600;
    double start = now_sec();
    buf state = {0};
    for (;;) {
        buf_reset(&state);
        int r = poll(c, ctx, &state, err);
        if (o && o->progress && state.len)
            o->progress(o->ctx, buf_str(&state));
        if (r != 0) {
            buf_free(&state);
            return r > 0 ? 0 : -1;
        }
        double left = limit - (now_sec() - start);
        if (left <= 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "WaiterTimeout",
                          "gave up waiting for %s after %.0f s; last seen: %s", what, limit,
                          state.len ? buf_str(&state) : "nothing");
            buf_free(&state);
            return -1;
        }
        sleep_sec(delay < left ? delay : left);
    }
}

typedef struct {
    const char *cluster;
    const char *const *names;
    size_t n;
    char **first_primary;   /* per service: the primary deployment id seen first */
    int inactive;           /* wait for INACTIVE instead of stable */
    const char *expect_td;  /* the task definition the primary must run, or NULL */
} services_ctx;

/* 1 when an ARN or "family:N" names the same revision as want (either form). */
static int same_revision(const char *have, const char *want)
{
    if (!have || !want)
        return 0;
    size_t hl = strlen(have), wl = strlen(want);
    if (hl == wl)
        return strcmp(have, want) == 0;
    const char *longer = hl > wl ? have : want, *shorter = hl > wl ? want : have;
    size_t ll = hl > wl ? hl : wl, sl = hl > wl ? wl : hl;
    return strcmp(longer + ll - sl, shorter) == 0 && longer[ll - sl - 1] == '/';
}

static const char *latest_event(const ecs_service *s)
{
    return s->n_events ? s->events[0].message : "no service events";
}

/* 1 steady, 0 not yet, -1 failed. */
static int service_state(services_ctx *x, size_t i, const ecs_service *s, buf *st,
                         aws_error *err)
{
    const ecs_deployment *p = ecs_service_primary(s);
    const char *nm = s->name ? s->name : "?";
    if (strcmp(s->status ? s->status : "", "ACTIVE") != 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceInactive", "service %s is %s", nm,
                      s->status ? s->status : "in an unknown state");
        return -1;
    }
    if (p && !x->first_primary[i])
        x->first_primary[i] = xstrdup(p->id ? p->id : "");
    for (size_t d = 0; d < s->n_deployments && x->first_primary[i]; d++) {
        const ecs_deployment *dp = &s->deployments[d];
        if (dp->id && strcmp(dp->id, x->first_primary[i]) == 0 && dp->rollout_state &&
            strcmp(dp->rollout_state, "FAILED") == 0) {
            aws_error_set(err, AWS_ERR_SERVICE, "DeploymentFailed",
                          "service %s: deployment %s failed: %s; latest event: %s", nm,
                          dp->id, dp->rollout_state_reason ? dp->rollout_state_reason : "",
                          latest_event(s));
            return -1;
        }
    }
    if (p && x->first_primary[i] && strcmp(p->id ? p->id : "", x->first_primary[i]) != 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "DeploymentFailed",
                      "service %s: deployment %s was replaced by %s (rolled back?); latest "
                      "event: %s", nm, x->first_primary[i], p->id ? p->id : "?",
                      latest_event(s));
        return -1;
    }
    if (x->expect_td && p && p->task_definition &&
        !same_revision(p->task_definition, x->expect_td) && p->rollout_state &&
        strcmp(p->rollout_state, "COMPLETED") == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "DeploymentFailed",
                      "service %s runs %s, not %s (rolled back?); latest event: %s", nm,
                      p->task_definition, x->expect_td, latest_event(s));
        return -1;
    }
    buf_printf(st, "%s%s: %d/%d running, %zu deployment%s", st->len ? "; " : "", nm,
               s->running, s->desired, s->n_deployments, s->n_deployments == 1 ? "" : "s");
    if (p && p->rollout_state)
        buf_printf(st, ", rollout %s", p->rollout_state);
    int steady = s->n_deployments == 1 && s->running == s->desired &&
                 (!p || !p->rollout_state || strcmp(p->rollout_state, "COMPLETED") == 0);
    if (!steady && s->n_events)
        buf_printf(st, " (%s)", latest_event(s));
    return steady;
}

static int poll_services(aws_client *c, void *vctx, buf *st, aws_error *err)
{
    services_ctx *x = vctx;
    ecs_services all;
    if (ecs_describe_services(c, x->cluster, x->names, x->n, &all, err) != 0)
        return -1;
    int done = 1;
    if (all.missing.n && !x->inactive) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceMissing", "service %s does not exist",
                      all.missing.items[0]);
        done = -1;
    }
    for (size_t i = 0; i < all.n && done >= 0; i++) {
        const ecs_service *s = &all.items[i];
        if (x->inactive) {
            int gone = s->status && strcmp(s->status, "INACTIVE") == 0;
            buf_printf(st, "%s%s: %s", st->len ? "; " : "", s->name ? s->name : "?",
                       s->status ? s->status : "?");
            if (!gone)
                done = 0;
            continue;
        }
        size_t k = 0; /* the index of this service among the names asked for */
        while (k < x->n && strcmp(x->names[k], s->name ? s->name : "") != 0 &&
               strcmp(x->names[k], s->arn ? s->arn : "") != 0)
            k++;
        int r = service_state(x, k < x->n ? k : i, s, st, err);
        if (r < 0)
            done = -1;
        else if (r == 0)
            done = 0;
    }
    ecs_services_free(&all);
    return done;
}

static int wait_services(aws_client *c, const char *cluster, const char *const *services,
                         size_t n, const ecs_wait_opts *o, int inactive, aws_error *err)
{
    services_ctx x = {cluster, services, n, xcalloc(n + 1, sizeof(char *)), inactive,
                      o ? o->expect_task_definition : NULL};
    int rc = wait_loop(c, o, 15, inactive ? "services to become inactive" :
                       "services to become steady", poll_services, &x, err);
    for (size_t i = 0; i < n; i++)
        free(x.first_primary[i]);
    free(x.first_primary);
    return rc;
}

int ecs_wait_services_stable(aws_client *c, const char *cluster, const char *const *services,
                             size_t n, const ecs_wait_opts *o, aws_error *err)
{
    return wait_services(c, cluster, services, n, o, 0, err);
}

int ecs_wait_services_inactive(aws_client *c, const char *cluster,
                               const char *const *services, size_t n, const ecs_wait_opts *o,
                               aws_error *err)
{
    return wait_services(c, cluster, services, n, o, 1, err);
}

typedef struct {
    const char *cluster;
    const char *const *tasks;
    size_t n;
    int running;
} tasks_ctx;

static int poll_tasks(aws_client *c, void *vctx, buf *st, aws_error *err)
{
    tasks_ctx *x = vctx;
    ecs_tasks all;
    if (ecs_describe_tasks(c, x->cluster, x->tasks, x->n, &all, err) != 0)
        return -1;
    int done = 1;
    if (x->running && all.missing.n) {
        aws_error_set(err, AWS_ERR_SERVICE, "TaskMissing", "task %s does not exist",
                      all.missing.items[0]);
        done = -1;
    }
    for (size_t i = 0; i < all.n && done >= 0; i++) {
        const ecs_task *t = &all.items[i];
        const char *ls = t->last_status ? t->last_status : "?";
        buf_printf(st, "%s%s: %s", st->len ? "; " : "", t->id, ls);
        if (x->running && strcmp(ls, "STOPPED") == 0) {
            const ecs_container *k = t->n_containers ? &t->containers[0] : NULL;
            aws_error_set(err, AWS_ERR_SERVICE, "TaskStopped", "task %s stopped: %s%s%s",
                          t->id, t->stopped_reason ? t->stopped_reason : "no reason given",
                          k && k->reason ? "; " : "", k && k->reason ? k->reason : "");
            done = -1;
        } else if (strcmp(ls, x->running ? "RUNNING" : "STOPPED") != 0) {
            done = 0;
        }
    }
    ecs_tasks_free(&all);
    return done;
}

int ecs_wait_tasks_stopped(aws_client *c, const char *cluster, const char *const *tasks,
                           size_t n, const ecs_wait_opts *o, aws_error *err)
{
    tasks_ctx x = {cluster, tasks, n, 0};
    return wait_loop(c, o, 6, "tasks to stop", poll_tasks, &x, err);
}

int ecs_wait_tasks_running(aws_client *c, const char *cluster, const char *const *tasks,
                           size_t n, const ecs_wait_opts *o, aws_error *err)
{
    tasks_ctx x = {cluster, tasks, n, 1};
    return wait_loop(c, o, 6, "tasks to run", poll_tasks, &x, err);
}

typedef struct {
    const char *arn;
    ecs_service_deployments last;
} sd_ctx;

static int sd_outcome(const ecs_service_deployment *d, aws_error *err)
{
    static const struct {
        const char *status, *code;
    } ends[] = {{"ROLLBACK_SUCCESSFUL", "DeploymentRolledBack"},
                {"STOPPED", "DeploymentStopped"},
                {"ROLLBACK_FAILED", "DeploymentFailed"}};
    if (strcmp(d->status, "SUCCESSFUL") == 0)
        return 1;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (strcmp(d->status, ends[i].status) == 0) {
            const char *why = d->rollback_reason ? d->rollback_reason : d->status_reason;
            aws_error_set(err, AWS_ERR_SERVICE, ends[i].code, "deployment %s ended %s: %s",
                          d->arn, d->status, why ? why : "no reason given");
            return -1;
        }
    return 0;
}

static int poll_sd(aws_client *c, void *vctx, buf *st, aws_error *err)
{
    sd_ctx *x = vctx;
    ecs_service_deployments_free(&x->last);
    if (ecs_describe_service_deployments(c, &x->arn, 1, &x->last, err) != 0)
        return -1;
    if (x->last.n == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceDeploymentNotFoundException",
                      "service deployment %s does not exist", x->arn);
        return -1;
    }
    const ecs_service_deployment *d = &x->last.items[0];
    if (!d->status) {
        aws_error_set(err, AWS_ERR_PARSE, "InvalidResponse", "service deployment without status");
        return -1;
    }
    buf_printf(st, "%s%s%s, %d/%d running", d->status, d->lifecycle_stage ? " at " : "",
               d->lifecycle_stage ? d->lifecycle_stage : "", d->target_running,
               d->target_requested);
    return sd_outcome(d, err);
}

int ecs_wait_service_deployment(aws_client *c, const char *arn, const ecs_wait_opts *o,
                                ecs_service_deployments *last, aws_error *err)
{
    sd_ctx x = {arn, {0}};
    int rc = wait_loop(c, o, 15, "the service deployment to finish", poll_sd, &x, err);
    if (last)
        *last = x.last;
    else
        ecs_service_deployments_free(&x.last);
    return rc;
}
