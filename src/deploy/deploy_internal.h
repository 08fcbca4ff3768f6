/* Shared by the files of src/deploy only. */
#ifndef ECSDEPLOY_DEPLOY_INTERNAL_H
#define ECSDEPLOY_DEPLOY_INTERNAL_H

#include "deploy.h"
#include "ecs.h"

/* Report progress through req->progress (printf-style). */
void deploy_note_(const deploy_request *q, const char *phase, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same through any progress callback (fn may be NULL: nothing). */
void deploy_say_(deploy_progress_fn fn, void *ud, const char *service, const char *phase,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Set r->outcome = DEPLOY_FAILED and r->message "what: CODE: message"; returns -1. */
int deploy_fail_(deploy_result *r, const char *what, const aws_error *err);
/* Unhealthy targets seen while watching (target id, line), kept for the failure story. */
typedef struct {
    char **lines;
    char **targets;
    size_t n;
} deploy_seen;
void deploy_seen_free_(deploy_seen *s);
/* Record the unhealthy targets of the service's target groups now (errors ignored).
 * Returns 1 when some target's health checks have begun (anything but "initial" with
 * Elb.RegistrationInProgress: none can be unhealthy before) and when the service has no
 * target group (none to wait for), 0 otherwise. */
int deploy_seen_targets_(aws_client *c, const ecs_service *s, deploy_seen *seen);

/* What a watch learned of the ECS deployment that runs its revision, kept between looks
 * (the deployment leaves the service once ECS has rolled it back). */
typedef struct {
    char id[128];          /* "ecs-svc/…": its tasks carry it as startedBy; "" until seen */
    double created_at;     /* its createdAt, on AWS's clock (the events' clock); 0 until seen */
    char reason[512];      /* its last rolloutStateReason */
} deploy_mine;

/* After a failed deployment: r->outcome DEPLOY_ROLLED_BACK, r->message the headline
 * ("deployment of FAMILY:N failed: WHY; ECS rolled back to FAMILY:M"), r->reasons the
 * stopped tasks of this deployment (grouped, with exit codes), its unhealthy targets and
 * the service events since it began that add something, r->log_lines the failed
 * container's last lines in CloudWatch Logs. final: ECS has finished rolling back. */
void deploy_tell_failure_(aws_client *c, const deploy_watch_request *w, const ecs_service *s,
                          const ecs_service_deployment *sd, int final, const deploy_seen *seen,
                          const deploy_mine *mine, deploy_result *r);

/* A log line with the value after each of the container definition's secret variable
 * names ("NAME=value", "NAME: value") replaced by **REDACTED**. New string. */
char *deploy_redact_secrets_(const char *line, const cJSON *container_def);

/* "family:3" of a task definition ARN (a pointer into td). */
const char *deploy_short_td_(const char *td);

/* The state of a deployment of td from one look at the service and its service deployment
 * (sd may be NULL): OK only when the PRIMARY deployment runs td, COMPLETED, alone, with
 * every task running (and sd, if any, SUCCESSFUL); FAILING while ECS rolls back; FAILED
 * once the rollback (or stop) has ended. Pure. */
typedef enum {
    DEPLOY_STATE_RUNNING,
    DEPLOY_STATE_OK,
    DEPLOY_STATE_FAILING,
    DEPLOY_STATE_FAILED
} deploy_state;
deploy_state deploy_decide_(const ecs_service *s, const ecs_service_deployment *sd,
                            const char *td);

#endif
