/* Watching a deployment to its end and deciding the outcome exactly: the one watcher
 * (see deploy_watch in deploy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_wait.h"
#include "clock.h"
#include "deploy_internal.h"
#include "poller.h"
#include "xalloc.h"

/* Reads of the service in a row that may fail before the watch gives up. */
#define READ_FAILURES 5

typedef struct {
    ecs_service s;
    int have_s;
    ecs_service_deployments sd;
    const ecs_deployment *mine;     /* the deployment running our task definition */
    const ecs_deployment *primary;
} view;

static void view_free(view *v)
{
    if (v->have_s)
        ecs_service_free(&v->s);
    ecs_service_deployments_free(&v->sd);
    memset(v, 0, sizeof *v);
}

static const ecs_service_deployment *sd_of(const view *v)
{
    return v->sd.n ? &v->sd.items[0] : NULL;
}

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* The primary deployment and the one running td (the primary when both). */
static void find_mine(view *v, const char *td)
{
    v->primary = ecs_service_primary(&v->s);
    for (size_t i = 0; i < v->s.n_deployments; i++) {
        const ecs_deployment *d = &v->s.deployments[i];
        if (ecs_same_task_definition(d->task_definition, td) && (!v->mine || d == v->primary))
            v->mine = d;
    }
}

/* The service as the cluster's poller read it in a round between earliest and due (see
 * poller.h), and its service deployment. */
static int read_view(aws_client *c, const deploy_watch_request *w, poller_watch *pw,
                     double earliest, double due, view *v, double *round_at, aws_error *err)
{
    int found = 0;
    memset(v, 0, sizeof *v);
    if (poller_look(pw, earliest, due, w->cancel, &v->s, &found, round_at, err) != 0)
        return -1;
    if (!found) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceMissing", "service %s is gone", w->service);
        return -1;
    }
    v->have_s = 1;
    find_mine(v, w->task_definition);
    const char *sd_arn = w->service_deployment;
    if (sd_arn && ecs_describe_service_deployments(c, &sd_arn, 1, &v->sd, err) != 0)
        return -1;
    return 0;
}

/* One line describing the state now. */
static void describe_state(const view *v, const char *td, char *out, size_t size)
{
    const ecs_service_deployment *sd = sd_of(v);
    int old_running = 0;
    for (size_t i = 0; i < v->s.n_deployments; i++)
        if (&v->s.deployments[i] != v->mine)
            old_running += v->s.deployments[i].running;
    const char *rev = strrchr(td, '/') ? strrchr(td, '/') + 1 : td;
    int n = 0;
    if (sd && sd->lifecycle_stage && !is(sd->lifecycle_stage, "RECONCILE_SERVICE"))
        n = snprintf(out, size, "stage %s, ", sd->lifecycle_stage);
    if (v->mine)
        n += snprintf(out + n, size - (size_t)n,
                      "new %s running %d/%d (pending %d, failed %d), old running %d", rev,
                      v->mine->running, v->mine->desired, v->mine->pending,
                      v->mine->failed_tasks, old_running);
    else
        n += snprintf(out + n, size - (size_t)n, "new %s not started, old running %d", rev,
                      old_running);
    if (sd && sd->production_weight > 0 && (size_t)n < size)
        n += snprintf(out + n, size - (size_t)n, ", production traffic %.0f%%",
                      sd->production_weight);
    if (sd && sd->status && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " [%s]", sd->status);
}

/* 1 when the new revision serves: the PRIMARY deployment runs it, COMPLETED, all running. */
static int succeeded(const view *v, const char *td)
{
    const ecs_service_deployment *sd = sd_of(v);
    if (sd && !is(sd->status, "SUCCESSFUL"))
        return 0;
    const ecs_deployment *p = v->primary;
    return p && v->mine == p && v->s.n_deployments == 1 &&
           (!p->rollout_state || is(p->rollout_state, "COMPLETED")) &&
           p->running == p->desired && ecs_same_task_definition(v->s.task_definition, td);
}

/* 1 when the deployment failed; *final = 1 once ECS has finished rolling back. */
static int failed(const view *v, const char *td, int *final)
{
    const ecs_service_deployment *sd = sd_of(v);
    *final = 0;
    if (sd) {
        const char *st = sd->status ? sd->status : "";
        if (is(st, "ROLLBACK_SUCCESSFUL") || is(st, "ROLLBACK_FAILED") || is(st, "STOPPED")) {
            *final = 1;
            return 1;
        }
        if (strncmp(st, "ROLLBACK_", 9) == 0 || is(st, "STOP_REQUESTED"))
            return 1;
    }
    if (v->mine && is(v->mine->rollout_state, "FAILED")) {
        const ecs_deployment *p = v->primary;
        *final = !sd && p && p != v->mine && is(p->rollout_state, "COMPLETED");
        return 1;
    }
    /* ECS already moved on to another revision without ours (rolled back before we saw) */
    if (!v->mine && v->primary && !ecs_same_task_definition(v->s.task_definition, td) &&
        is(v->primary->rollout_state, "COMPLETED") && v->s.n_deployments == 1 &&
        (!sd || !is(sd->status, "IN_PROGRESS"))) {
        *final = 1;
        return 1;
    }
    return 0;
}

deploy_state deploy_decide_(const ecs_service *s, const ecs_service_deployment *sd,
                            const char *td)
{
    view v;
    memset(&v, 0, sizeof v);
    v.s = *s; /* borrowed: never freed here */
    if (sd) {
        v.sd.items = (ecs_service_deployment *)sd;
        v.sd.n = 1;
    }
    find_mine(&v, td);
    int final = 0;
    if (succeeded(&v, td))
        return DEPLOY_STATE_OK;
    if (failed(&v, td, &final))
        return final ? DEPLOY_STATE_FAILED : DEPLOY_STATE_FAILING;
    return DEPLOY_STATE_RUNNING;
}

/* What one watch keeps between its checks. */
typedef struct {
    aws_client *c;
    const deploy_watch_request *w;
    view v;                 /* the last look at the service */
    deploy_state state;     /* what the last look said */
    int failures;           /* reads that failed in a row */
    int unreadable;         /* the watch ended because the service could not be read */
    char phase[64];         /* the service deployment's lifecycle stage, or "rolling" */
    char line[512];         /* the state the last check saw */
    char shown[512];        /* the state last reported */
    deploy_seen seen;       /* unhealthy targets seen while watching */
    deploy_mine mine;       /* the ECS deployment running the revision, once seen */
    poller_watch *pw;       /* the cluster's shared reader of services */
    double earliest, due;   /* when the next look may and must be (util_now) */
    double deadline;        /* the watch's bound (util_now) */
    double began;           /* when the watch began (util_now) */
    int starting;           /* no end due soon: the new tasks start, or behind a load
                               balancer no health check of them has begun */
    double targets_due;     /* when target health may be read again (util_now) */
    double unready_round;   /* healthy_after_s: the earliest time of the last look that
                               saw a new task not running yet (util_now) */
    double healthy_from;    /* ... so not before this can ECS count them all healthy; 0:
                               not all running yet */
    double healthy_by;      /* ... and by this (a poll after) it should have */
} watch;

/* How long (in poll intervals: a minute at 5 s) a watch looks every second interval while
 * nothing can end; after that, every third. */
#define STARTING_LOOKS_CLOSE 12

/* Between healthy_from and healthy_by the end is due at any moment when no older
 * deployment has tasks to stop first: the looks come every half interval. */
#define DUE_SPACING 0.5

/*
 * When to look next: one poll interval on, or in a round another watcher of the cluster
 * makes from half an interval on (so that watchers fall into the same rounds), never past
 * the bound. While the new tasks start (none runs yet: an ENI, an image pull, tens of
 * seconds), and for a service behind a load balancer while they run with no health check
 * of their targets begun (the load balancer provisions: one to three minutes on AWS),
 * nothing can end before the next change: the looks come every second interval (10 s)
 * for the first minute, every third (15 s) after that. A target is healthy at the
 * earliest two checks after its first (20 s with this tool's defaults, 10 s with the
 * fastest settings AWS allows), so the service's end is still seen at most one interval
 * (5 s) after it comes (10 s with those fastest settings, once past the first minute),
 * with half or two thirds of the looks gone. A task that fails to start is seen at most
 * 10 s after in the first minute, 15 s after that.
 */
static double spacing(const watch *x, double now)
{
    if (x->healthy_from > 0 && now >= x->healthy_from && now < x->healthy_by &&
        x->v.have_s && x->v.s.n_deployments == 1)
        return DUE_SPACING;
    if (!x->starting)
        return 1;
    return now - x->began > STARTING_LOOKS_CLOSE * x->w->poll_s ? 3 : 2;
}

static void schedule_next(watch *x)
{
    double now = util_now(), poll = x->w->poll_s * spacing(x, now);
    x->due = now + poll < x->deadline ? now + poll : x->deadline;
    if (x->healthy_from > now && x->due > x->healthy_from)
        x->due = x->healthy_from; /* the first moment the end can come */
    x->earliest = now + poll / 2 < x->due ? now + poll / 2 : x->due;
}

/* ECS counts the new tasks healthy no sooner than healthy_after_s after they run: from
 * the first look that sees them all running, the end cannot come before that time after
 * the last look that saw one not running, and should come within a poll of that time
 * after this look. */
static void note_running(watch *x, double round_from, double now)
{
    const ecs_deployment *m = x->v.mine;
    if (x->w->healthy_after_s <= 0)
        return;
    if (!m || m->desired <= 0 || m->running < m->desired) {
        x->unready_round = round_from;
        x->healthy_from = 0;
    } else if (x->healthy_from == 0 && x->unready_round > 0) { /* (none seen: unknown) */
        x->healthy_from = x->unready_round + x->w->healthy_after_s;
        x->healthy_by = now + x->w->healthy_after_s + x->w->poll_s;
    }
}

/* Remember the deployment that runs the revision: it is gone from the service once ECS
 * has rolled it back, and the story of the failure is told from it. */
static void note_mine(watch *x)
{
    const ecs_deployment *d = x->v.mine;
    if (!d || !d->id)
        return;
    if (strcmp(x->mine.id, d->id) != 0) {
        snprintf(x->mine.id, sizeof x->mine.id, "%s", d->id);
        x->mine.created_at = d->created_at;
    }
    if (d->rollout_state_reason)
        snprintf(x->mine.reason, sizeof x->mine.reason, "%s", d->rollout_state_reason);
}

/* One check for aws_wait: 1 when the outcome is known, 0 to look again. */
static int check(void *ud, char *line, size_t size, aws_error *err)
{
    watch *x = ud;
    const deploy_watch_request *w = x->w;
    view now;
    double round_from = x->earliest; /* the look's round began then or later */
    int rc = read_view(x->c, w, x->pw, x->earliest, x->due, &now, &round_from, err);
    int was_starting = x->starting;
    double was_from = x->healthy_from;
    schedule_next(x); /* by what the look before saw; again below once this one is judged */
    if (rc != 0 && aws_error_is(err, AWS_IS_CANCELLED))
        return -1; /* a Ctrl-C: deploy_watch tells it */
    if (rc == 0) {
        view_free(&x->v);
        x->v = now; /* mine and primary point into heap arrays: still right */
    } else {
        view_free(&now);
    }
    if (rc != 0) {
        if (++x->failures >= READ_FAILURES) {
            x->unreadable = 1;
            return -1;
        }
        snprintf(line, size, "could not read the service (%s); trying again", err->code);
        return 0;
    }
    x->failures = 0;
    note_mine(x);
    if (!is(x->v.s.status, "ACTIVE")) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceInactive", "service %s is %s", w->service,
                      x->v.s.status ? x->v.s.status : "in an unknown state");
        x->unreadable = 1;
        return -1;
    }
    describe_state(&x->v, w->task_definition, line, size);
    snprintf(x->line, sizeof x->line, "%s", line);
    const ecs_service_deployment *sd = sd_of(&x->v);
    snprintf(x->phase, sizeof x->phase, "%s",
             sd && sd->lifecycle_stage ? sd->lifecycle_stage : "rolling");
    int final = 0;
    if (succeeded(&x->v, w->task_definition)) {
        x->state = DEPLOY_STATE_OK;
        return 1;
    }
    x->state = failed(&x->v, w->task_definition, &final) ? final ? DEPLOY_STATE_FAILED
                                                                  : DEPLOY_STATE_FAILING
                                                          : DEPLOY_STATE_RUNNING;
    /* Target health explains a failure; it only changes once the new tasks run, and then
     * at the health checks: it is read at this watch's own pace, every second interval
     * (10 s; every third while nothing can end, past the first minute), not at every look
     * a shared round of the cluster's poller gives it. A target is unhealthy for two
     * checks at least (10 s at AWS's shortest interval) and stays so until ECS replaces
     * its task, so no unhealthy target goes unseen. */
    double now_s = util_now();
    note_running(x, round_from, now_s);
    if (!x->v.mine || x->v.mine->running == 0) {
        x->starting = 1; /* nothing can end before the new tasks run */
    } else if (now_s >= x->targets_due) {
        x->starting = !deploy_seen_targets_(x->c, &x->v.s, &x->seen);
        double every = spacing(x, now_s);
        x->targets_due = now_s + (every > 2 ? every : 2) * w->poll_s - w->poll_s / 4;
    }
    if (x->healthy_from > 0) /* no load balancer: nothing can end before ECS counts them */
        x->starting = now_s < x->healthy_from;
    if (x->starting != was_starting || x->healthy_from != was_from)
        schedule_next(x); /* the pace this look calls for, from its first look on */
    return x->state == DEPLOY_STATE_FAILED ||
           (x->state == DEPLOY_STATE_FAILING && w->stop_at_failure);
}

static void progress(void *ud, const char *what, const char *line, int checks, double waited)
{
    watch *x = ud;
    (void)what;
    (void)checks;
    (void)waited;
    if (x->w->progress)
        x->w->progress(x->w->ud, x->w->service, x->phase, line);
    snprintf(x->shown, sizeof x->shown, "%s", line);
}

static int finish_failed(watch *x, deploy_result *r)
{
    deploy_tell_failure_(x->c, x->w, &x->v.s, sd_of(&x->v), x->state == DEPLOY_STATE_FAILED,
                         &x->seen, &x->mine, r);
    return -1;
}

static int finish_timeout(watch *x, const char *last, deploy_result *r)
{
    const deploy_watch_request *w = x->w;
    r->outcome = DEPLOY_TIMEOUT;
    const char *what = "left to ECS";
    aws_error err;
    if (w->rollback_on_timeout && w->service_deployment) {
        if (ecs_stop_service_deployment(x->c, w->service_deployment, "ROLLBACK", &err) == 0)
            what = "rollback requested (--rollback-on-timeout)";
        else
            what = "rollback could not be requested";
    }
    free(r->message);
    r->message = xasprintf("timed out after %.0fs waiting for the new revision to complete "
                           "and serve: %s; the deployment is %s", w->timeout_s, last, what);
    return -1;
}

int deploy_watch(aws_client *c, const deploy_watch_request *w, deploy_result *r)
{
    watch x = {.c = c, .w = w, .phase = "rolling"};
    x.pw = poller_join(c, w->cluster, w->service);
    /* A change just made (the watch follows it at once) cannot have ended yet: ECS has
     * only begun to place its tasks. The first look is one interval on, in a round of the
     * cluster's poller from half an interval on. Settling what an earlier run began (no
     * change time): at once. */
    double now = util_now();
    x.due = w->since_epoch > 0 ? now + w->poll_s : now;
    x.earliest = w->since_epoch > 0 ? now + w->poll_s / 2 : now;
    x.began = now;
    x.deadline = now + w->timeout_s;
    aws_wait_opts o = {.interval_s = w->poll_s,
                       .timeout_s = w->timeout_s,
                       .cancel = w->cancel,
                       .progress = progress,
                       .progress_ud = &x,
                       .self_paced = 1};
    aws_error err;
    int rc = aws_wait(&o, "the new revision to complete and serve", check, &x, &err);
    if (rc == 0 && strcmp(x.line, x.shown) != 0)
        progress(&x, NULL, x.line, 0, 0); /* the state that ended the watch */
    if (rc == 0 && x.state == DEPLOY_STATE_OK) {
        r->outcome = DEPLOY_OK;
        free(r->message);
        r->message = xasprintf("deployed %s: the new revision serves", w->task_definition);
    } else if (rc == 0 || (x.state == DEPLOY_STATE_FAILING && !x.unreadable &&
                           !aws_error_is(&err, AWS_IS_CANCELLED))) {
        rc = finish_failed(&x, r); /* failed, or still rolling back at the bound */
    } else if (x.unreadable) {
        rc = deploy_fail_(r, "watching the deployment", &err);
    } else if (aws_error_is(&err, AWS_IS_CANCELLED)) {
        r->outcome = DEPLOY_INTERRUPTED;
        r->error = err;
        free(r->message);
        r->message = xstrdup(err.message);
    } else {
        rc = finish_timeout(&x, x.line[0] ? x.line : "the service was never read", r);
    }
    poller_leave(x.pw);
    view_free(&x.v);
    deploy_seen_free_(&x.seen);
    return rc;
}
