/* The deployment watcher as the resource kinds see it (res_ctx.watch): `up` creating,
 * updating or settling a service waits with the same watcher as deploy and rollback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deploy.h"

typedef struct {
    res_ctx *ctx;
    res_node *n;
    res_action action;
    double start;
} shown_as;

static void progress(void *ud, const char *service, const char *phase, const char *msg)
{
    shown_as *p = ud;
    (void)service;
    (void)phase;
    double waited = util_now() - p->start;
    res_event(p->ctx, p->n, p->action, RES_EV_PROGRESS,
              "waiting for the service to be steady: %s (%.0f s)", msg, waited);
}

int deploy_watch_res(res_ctx *ctx, res_node *n, res_action action, const res_rollout *rollout,
                     aws_error *err)
{
    shown_as p = {ctx, n, action, util_now()};
    deploy_watch_request w = {.cluster = rollout->cluster,
                              .service = rollout->service,
                              .task_definition = rollout->task_definition,
                              .since_epoch = rollout->since_epoch,
                              .healthy_after_s = rollout->healthy_after_s,
                              .timeout_s = ctx->timeout_s > 0 ? ctx->timeout_s : 900,
                              .poll_s = ctx->poll_s > 0 ? ctx->poll_s : 5,
                              .cancel = ctx->cancel,
                              /* up undoes its own changes: no need to wait for ECS's */
                              .stop_at_failure = 1,
                              .progress = progress,
                              .ud = &p};
    deploy_result r = {0};
    int rc = deploy_watch(ctx->aws, &w, &r);
    if (rc != 0) {
        switch (r.outcome) {
        case DEPLOY_ROLLED_BACK: {
            /* the headline on the first line (the progress line shows it), the rest of
             * the story on the lines below (the summary shows it whole) */
            char *story = deploy_result_story(&r, sizeof err->message);
            aws_error_set(err, AWS_ERR_SERVICE, "DeploymentFailed", "%s", story);
            free(story);
            break;
        }
        case DEPLOY_TIMEOUT:
            aws_error_set(err, AWS_ERR_TIMEOUT, "WaiterTimeout", "%s", r.message);
            break;
        default: /* DEPLOY_FAILED, DEPLOY_INTERRUPTED */
            *err = r.error;
            break;
        }
    }
    deploy_result_free(&r);
    return rc;
}
