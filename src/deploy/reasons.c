/* Why a deployment failed, in AWS's own words: service deployment and rollout reasons,
 * service events, stopped tasks (stoppedReason, container exit codes and reasons), and
 * the health of the service's load balancer targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy_internal.h"
#include "elbv2.h"
#include "xalloc.h"

void deploy_seen_free_(deploy_seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->lines[i]);
    free(s->lines);
    memset(s, 0, sizeof *s);
}

static void seen_add(deploy_seen *s, char *line)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->lines[i], line) == 0) {
            free(line);
            return;
        }
    s->lines = xrealloc(s->lines, (s->n + 1) * sizeof *s->lines);
    s->lines[s->n++] = line;
}

static const char *tg_name(const char *arn)
{
    const char *p = strstr(arn, "targetgroup/");
    return p ? p + strlen("targetgroup/") : arn;
}

static void seen_group(aws_client *c, const char *arn, deploy_seen *seen)
{
    elbv2_target_healths h = {0};
    aws_error err;
    if (!arn || elbv2_describe_target_health(c, arn, NULL, 0, &h, &err) != 0)
        return;
    for (size_t i = 0; i < h.n; i++) {
        const elbv2_target_health *t = &h.items[i];
        if (strcmp(t->state, "unhealthy") != 0)
            continue;
        int nl = (int)strcspn(tg_name(arn), "/");
        seen_add(seen, xasprintf("target group %.*s: target unhealthy (%s: %s)", nl,
                                 tg_name(arn), t->reason, t->description));
    }
    elbv2_target_healths_free(&h);
}

void deploy_seen_targets_(aws_client *c, const ecs_service *s, deploy_seen *seen)
{
    const cJSON *lbs = cJSON_GetObjectItem(s->raw, "loadBalancers"), *lb;
    cJSON_ArrayForEach(lb, lbs)
    {
        seen_group(c, aws_json_str(lb, "targetGroupArn"), seen);
        const cJSON *adv = cJSON_GetObjectItem(lb, "advancedConfiguration");
        seen_group(c, aws_json_str(adv, "alternateTargetGroupArn"), seen);
    }
}

/* Events since the deployment started that say something went wrong, oldest first. */
static void event_reasons(const ecs_service *s, double since, deploy_result *r)
{
    static const char *const words[] = {"unhealthy", "fail", "unable", "rolling back",
                                        "circuit breaker", "error", "Error", NULL};
    for (size_t i = s->n_events; i-- > 0;) {
        const ecs_service_event *e = &s->events[i];
        if (!e->message || e->created_at < since)
            continue;
        for (size_t w = 0; words[w]; w++)
            if (strstr(e->message, words[w])) {
                char *line = xasprintf("service event: %s", e->message);
                deploy_result_add_reason(r, line);
                free(line);
                break;
            }
    }
}

/* Stopped tasks that ran the new revision (the newest few). */
static void stopped_task_reasons(aws_client *c, const deploy_watch_request *w, deploy_result *r)
{
    svc_strings why = {0};
    aws_error err;
    ecs_stopped_task_reasons(c, w->cluster, w->service, w->task_definition, 5, &why, &err);
    for (size_t i = 0; i < why.n; i++) {
        char *line = xasprintf("stopped task: %s", why.items[i]);
        deploy_result_add_reason(r, line);
        free(line);
    }
    svc_strings_free(&why);
}

void deploy_gather_reasons_(aws_client *c, const deploy_watch_request *w, const ecs_service *s,
                            const ecs_service_deployment *sd, const deploy_seen *seen,
                            deploy_result *r)
{
    if (sd) {
        deploy_result_add_reason(r, sd->status_reason);
        deploy_result_add_reason(r, sd->rollback_reason);
    }
    for (size_t i = 0; i < s->n_deployments; i++)
        if (ecs_same_task_definition(s->deployments[i].task_definition, w->task_definition))
            deploy_result_add_reason(r, s->deployments[i].rollout_state_reason);
    stopped_task_reasons(c, w, r);
    for (size_t i = 0; seen && i < seen->n; i++)
        deploy_result_add_reason(r, seen->lines[i]);
    event_reasons(s, w->since_epoch, r);
}
