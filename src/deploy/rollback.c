/* deploy_rollback: stop a deployment in progress with ROLLBACK, or deploy the last good
 * release (release.c) or the one named with --to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_wait.h"
#include "deploy_internal.h"
#include "xalloc.h"

static int in_progress(const char *st)
{
    return st && (strcmp(st, "PENDING") == 0 || strcmp(st, "IN_PROGRESS") == 0);
}

/* The task definition a service revision runs (NULL when unknown). New string. */
static char *revision_task_definition(aws_client *c, const char *rev)
{
    ecs_service_revisions rv = {0};
    aws_error err;
    char *td = NULL;
    if (rev && ecs_describe_service_revisions(c, &rev, 1, &rv, &err) == 0 && rv.n &&
        rv.items[0].task_definition)
        td = xstrdup(rv.items[0].task_definition);
    ecs_service_revisions_free(&rv);
    return td;
}

/* The rollback of a stopped service deployment, looked at once per check. */
typedef struct {
    aws_client *c;
    const deploy_request *q;
    const char *arn;
    ecs_service_deployments last; /* the last look */
} rollback_watch;

/* 1 once the rollback has ended (either way), 0 while it goes on. */
static int check_rollback(void *ud, char *line, size_t size, aws_error *err)
{
    rollback_watch *x = ud;
    ecs_service_deployments_free(&x->last);
    if (ecs_describe_service_deployments(x->c, &x->arn, 1, &x->last, err) != 0)
        return -1;
    if (x->last.n == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "ServiceDeploymentNotFoundException",
                      "service deployment %s does not exist", x->arn);
        return -1;
    }
    const char *st = x->last.items[0].status ? x->last.items[0].status : "";
    snprintf(line, size, "service deployment %s", st);
    return strcmp(st, "ROLLBACK_SUCCESSFUL") == 0 || strcmp(st, "ROLLBACK_FAILED") == 0 ||
           strcmp(st, "STOPPED") == 0 || strcmp(st, "SUCCESSFUL") == 0;
}

static void rollback_progress(void *ud, const char *what, const char *line, int checks,
                              double waited)
{
    rollback_watch *x = ud;
    (void)what;
    (void)checks;
    (void)waited;
    deploy_note_(x->q, "rollback", "%s", line);
}

/* Stop the running deployment with ROLLBACK and watch the rollback to its end. */
static int stop_and_watch(aws_client *c, const deploy_request *q,
                          const ecs_service_deployment *d, deploy_result *r)
{
    aws_error err;
    r->service_deployment = xstrdup(d->arn);
    r->previous_task_definition = revision_task_definition(c, d->target_revision_arn);
    if (ecs_stop_service_deployment(c, d->arn, "ROLLBACK", &err) != 0)
        return deploy_fail_(r, "stopping the deployment in progress", &err);
    deploy_note_(q, "rollback", "deployment in progress stopped with ROLLBACK");
    rollback_watch x = {c, q, d->arn, {0}};
    aws_wait_opts o = {.interval_s = q->poll_s, .timeout_s = q->timeout_s,
                       .progress = rollback_progress, .progress_ud = &x};
    int rc = aws_wait(&o, "the rollback to finish", check_rollback, &x, &err);
    if (rc != 0 && !aws_error_is(&err, AWS_IS_TIMED_OUT)) {
        rc = deploy_fail_(r, "watching the rollback", &err);
    } else if (rc != 0) {
        const char *st = x.last.n && x.last.items[0].status ? x.last.items[0].status : "?";
        r->outcome = DEPLOY_TIMEOUT;
        r->message = xasprintf("timed out after %.0fs waiting for the rollback to finish "
                               "(service deployment %s)", q->timeout_s, st);
    } else {
        const ecs_service_deployment *e = &x.last.items[0];
        deploy_note_(q, "rollback", "service deployment %s", e->status); /* the end */
        int ok = strcmp(e->status, "ROLLBACK_SUCCESSFUL") == 0;
        r->task_definition = revision_task_definition(c, e->rollback_revision_arn);
        r->outcome = ok ? DEPLOY_OK : DEPLOY_ROLLED_BACK;
        r->message = xasprintf(ok ? "rolled back to %s" : "the rollback did not succeed (%s)",
                               ok ? (r->task_definition ? r->task_definition
                                                        : "the previous revision")
                                  : e->status);
        deploy_result_add_reason(r, e->status_reason);
        deploy_result_add_reason(r, e->rollback_reason);
        rc = ok ? 0 : -1;
    }
    ecs_service_deployments_free(&x.last);
    return rc;
}

/* The revision the service runs now, or -1 with r filled. */
static int current_revision(aws_client *c, const deploy_request *q, char **td, deploy_result *r)
{
    aws_error err;
    ecs_service s;
    int found = 0;
    if (ecs_describe_service(c, q->cluster, q->service, &s, &found, &err) != 0)
        return deploy_fail_(r, "reading the service", &err);
    if (!found || !s.task_definition) {
        if (found)
            ecs_service_free(&s);
        r->outcome = DEPLOY_FAILED;
        r->message = xasprintf("service %s not found in cluster %s", q->service, q->cluster);
        return -1;
    }
    *td = xstrdup(s.task_definition);
    ecs_service_free(&s);
    return 0;
}

int deploy_rollback(aws_client *c, const deploy_request *q, deploy_result *r)
{
    memset(r, 0, sizeof *r);
    aws_error err;
    if (!q->task_definition) {
        ecs_service_deployments d = {0};
        if (ecs_list_service_deployments(c, q->cluster, q->service, NULL, 0, &d, &err) != 0)
            return deploy_fail_(r, "listing the service's deployments", &err);
        for (size_t i = 0; i < d.n; i++)
            if (in_progress(d.items[i].status)) {
                deploy_note_(q, "rollback", "a deployment is in progress: stopping it with "
                             "ROLLBACK (ECS returns to the last revision that completed)");
                int rc = stop_and_watch(c, q, &d.items[i], r);
                ecs_service_deployments_free(&d);
                return rc;
            }
        ecs_service_deployments_free(&d);
    }

    char *current = NULL;
    if (current_revision(c, q, &current, r) != 0)
        return -1;
    deploy_release_choice pick;
    if (deploy_choose_release(c, q->cluster, q->service, current, q->task_definition, &pick,
                              &err) != 0) {
        free(current);
        if (err.kind != AWS_ERR_INPUT)
            return deploy_fail_(r, "choosing the release to roll back to", &err);
        r->outcome = DEPLOY_FAILED;
        r->error = err;
        r->message = xstrdup(err.message);
        return -1;
    }
    if (ecs_same_task_definition(pick.task_definition, current)) {
        r->outcome = DEPLOY_OK;
        r->task_definition = xstrdup(current);
        r->message = xasprintf("%s already runs %s: nothing to do", q->service,
                               deploy_short_td_(current));
        free(current);
        deploy_release_choice_free(&pick);
        return 0;
    }
    deploy_note_(q, "rollback", "rolling back from %s to %s%s%s%s: %s",
                 deploy_short_td_(current), deploy_short_td_(pick.task_definition),
                 pick.image ? " (image " : "", pick.image ? pick.image : "",
                 pick.image ? ")" : "", pick.why);
    deploy_request q2 = *q;
    q2.task_definition = pick.task_definition;
    q2.image = q2.tag = NULL;
    q2.nenv = 0;
    int rc = deploy_run(c, &q2, r);
    free(current);
    deploy_release_choice_free(&pick);
    return rc;
}
