/* Shared by the files of src/deploy only. */
#ifndef ECSDEPLOY_DEPLOY_INTERNAL_H
#define ECSDEPLOY_DEPLOY_INTERNAL_H

#include "deploy.h"
#include "ecs.h"

/* Report progress through req->progress (printf-style). */
void deploy_note_(const deploy_request *q, const char *phase, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set r->outcome = DEPLOY_FAILED and r->message "what: CODE: message"; returns -1. */
int deploy_fail_(deploy_result *r, const char *what, const aws_error *err);
/* Unhealthy targets seen while watching, kept for the failure reasons. */
typedef struct {
    char **lines;
    size_t n;
} deploy_seen;
void deploy_seen_free_(deploy_seen *s);
/* Record the unhealthy targets of the service's target groups now (errors ignored). */
void deploy_seen_targets_(aws_client *c, const ecs_service *s, deploy_seen *seen);

/* Fill r->reasons after a failed deployment: service deployment and rollout reasons,
 * stopped tasks of the revision, unhealthy targets seen, service events since the
 * change. */
void deploy_gather_reasons_(aws_client *c, const deploy_watch_request *w, const ecs_service *s,
                            const ecs_service_deployment *sd, const deploy_seen *seen,
                            deploy_result *r);

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
