/* What `deploy` asks for each service, and rolling out several services at once. */
#include <pthread.h>
#include <stdlib.h>

#include "deploy_internal.h"
#include "xalloc.h"

void deploy_request_settings(deploy_request *q, const stack_service *sv, int bake_minutes,
                             double canary_percent, double step_percent)
{
    if (sv) {
        const stack_deployment *d = &sv->deployment;
        q->min_healthy_percent = d->min_healthy_percent;
        q->max_percent = d->max_percent;
        q->bake_minutes = d->bake_minutes;
        q->canary_percent = d->canary_percent;
        q->canary_bake_minutes = d->canary_bake_minutes;
        q->step_percent = d->step_percent;
        q->step_bake_minutes = d->step_bake_minutes;
    }
    if (bake_minutes >= 0)
        q->bake_minutes = bake_minutes;
    if (canary_percent > 0)
        q->canary_percent = canary_percent;
    if (step_percent > 0)
        q->step_percent = step_percent;
    q->healthy_after_s = stack_service_healthy_after(sv, q->poll_s);
}

typedef struct {
    aws_client *aws;
    const deploy_request *req;
    deploy_result *res;
    pthread_t thread;
    int started;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    deploy_run(j->aws, j->req, j->res);
    return NULL;
}

void deploy_run_many(aws_client *c, const deploy_request *reqs, size_t n, deploy_result *results)
{
    job *jobs = xcalloc(n ? n : 1, sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (job){.aws = c, .req = &reqs[i], .res = &results[i]};
        jobs[i].started = pthread_create(&jobs[i].thread, NULL, run_job, &jobs[i]) == 0;
        if (!jobs[i].started) /* no thread to be had: this one in turn, here */
            run_job(&jobs[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
    free(jobs);
}
