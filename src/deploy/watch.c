/* Watching a deployment to its end and deciding the outcome exactly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deploy_internal.h"
#include "xalloc.h"

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

/* The primary deployment and the one running td (the primary when both). */
static void find_mine(view *v, const char *td)
{
    v->primary = ecs_service_primary(&v->s);
    for (size_t i = 0; i < v->s.n_deployments; i++) {
        const ecs_deployment *d = &v->s.deployments[i];
        if (d->task_definition && strcmp(d->task_definition, td) == 0 &&
            (!v->mine || d == v->primary))
            v->mine = d;
    }
}

static int poll_view(aws_client *c, const deploy_request *q, const char *sd_arn,
                     const char *td, view *v, aws_error *err)
{
    int found = 0;
    memset(v, 0, sizeof *v);
    if (ecs_describe_service(c, q->cluster, q->service, &v->s, &found, err) != 0)
        return -1;
    if (!found) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceMissing", "service %s is gone", q->service);
        return -1;
    }
    v->have_s = 1;
    find_mine(v, td);
    if (sd_arn && ecs_describe_service_deployments(c, &sd_arn, 1, &v->sd, err) != 0)
        return -1;
    return 0;
}

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
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
           p->running == p->desired && is(v->s.task_definition, td);
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
    if (!v->mine && v->primary && !is(v->s.task_definition, td) &&
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

static int finish_failed(aws_client *c, const deploy_request *q, const view *v, const char *td,
                         double since, const deploy_seen *seen, int final, deploy_result *r)
{
    const ecs_service_deployment *sd = sd_of(v);
    r->outcome = DEPLOY_ROLLED_BACK;
    const char *st = sd && sd->status ? sd->status : "FAILED";
    r->message = xasprintf("deployment of %s failed; %s%s", td,
                           is(st, "ROLLBACK_FAILED") ? "ECS could not roll it back"
                           : is(st, "STOPPED") ? "ECS stopped it"
                                               : "ECS rolled it back",
                           final ? "" : " (rollback still in progress)");
    deploy_gather_reasons_(c, q, &v->s, sd, td, since, seen, r);
    return -1;
}

static int finish_timeout(aws_client *c, const deploy_request *q, const char *sd_arn,
                          const char *state, deploy_result *r)
{
    r->outcome = DEPLOY_TIMEOUT;
    const char *what = "left to ECS";
    aws_error err;
    if (q->rollback_on_timeout && sd_arn) {
        if (ecs_stop_service_deployment(c, sd_arn, "ROLLBACK", &err) == 0)
            what = "rollback requested (--rollback-on-timeout)";
        else
            what = "rollback could not be requested";
    }
    r->message = xasprintf("timed out after %.0fs waiting for the new revision to complete "
                           "and serve: %s; the deployment is %s", q->timeout_s, state, what);
    return -1;
}

int deploy_watch_(aws_client *c, const deploy_request *q, const char *sd_arn, const char *td,
                  double since, deploy_result *r)
{
    double deadline = util_now() + q->timeout_s;
    char last[768] = "", state[768] = "";
    deploy_seen seen = {0};
    int rc = -1, fails = 0;
    for (;;) {
        view v;
        aws_error err;
        if (poll_view(c, q, sd_arn, td, &v, &err) != 0) {
            view_free(&v);
            if (++fails < 5 && util_now() < deadline) {
                util_sleep(q->poll_s, NULL);
                continue;
            }
            rc = deploy_fail_(r, "watching the deployment", &err);
            break;
        }
        fails = 0;
        describe_state(&v, td, state, sizeof state);
        if (strcmp(state, last) != 0) {
            const ecs_service_deployment *sd = sd_of(&v);
            deploy_note_(q, sd && sd->lifecycle_stage ? sd->lifecycle_stage : "rolling", "%s",
                         state);
            snprintf(last, sizeof last, "%s", state);
        }
        deploy_seen_targets_(c, &v.s, &seen);
        int final = 0, done = 0;
        if (succeeded(&v, td)) {
            r->outcome = DEPLOY_OK;
            r->message = xasprintf("deployed %s: the new revision serves", td);
            rc = 0;
            done = 1;
        } else if (failed(&v, td, &final) && (final || util_now() >= deadline)) {
            rc = finish_failed(c, q, &v, td, since, &seen, final, r);
            done = 1;
        } else if (util_now() >= deadline) {
            rc = finish_timeout(c, q, sd_arn, state, r);
            done = 1;
        }
        view_free(&v);
        if (done)
            break;
        util_sleep(q->poll_s, NULL);
    }
    deploy_seen_free_(&seen);
    return rc;
}
