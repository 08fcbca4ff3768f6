/*
 * Rollouts of a running ECS service: derive a new task-definition revision from the
 * service's current one (only the image/tag/environment asked change; the values the
 * revision had before are recorded on it, see "What the file said" in res.h), register it,
 * update the service (rolling with the circuit breaker and rollback always on, or ECS's
 * native blue/green, canary, linear), then watch the deployment until it ends and decide
 * the outcome exactly: success only when the new deployment completed with the new
 * revision serving; rolled back with the reasons ECS gave (service events, stopped tasks,
 * target health); timeout naming what it waited for.
 */
#ifndef ECSDEPLOY_DEPLOY_H
#define ECSDEPLOY_DEPLOY_H

#include <stddef.h>

#include "aws.h"
#include "res.h"

typedef enum {
    DEPLOY_OK = 0,
    DEPLOY_ROLLED_BACK, /* ECS rolled the deployment back (or stopped it) */
    DEPLOY_TIMEOUT,     /* gave up waiting; the deployment is left to ECS (or stopped) */
    DEPLOY_FAILED,      /* an AWS call failed or the service cannot be deployed */
    DEPLOY_STARTED,     /* --no-wait: registered and updated, not watched */
    DEPLOY_INTERRUPTED  /* the watch was cut short (Ctrl-C); the deployment goes on */
} deploy_outcome;

/* One progress report: `phase` is "register", "update", "rolling", a lifecycle stage
 * ("SCALE_UP", ...), "rollback", "done"; msg a one-line description. Called from the
 * deploying thread (callers serialise output themselves). */
typedef void (*deploy_progress_fn)(void *ud, const char *service, const char *phase,
                                   const char *msg);

typedef struct {
    const char *cluster;            /* required */
    const char *service;            /* required */
    const char *image;              /* new image of the container, or NULL */
    const char *tag;                /* new tag (repository kept), or NULL */
    const char *container;          /* NULL: the first container */
    const char *const *env;         /* "K=V" to set in the container */
    size_t nenv;
    const char *task_definition;    /* deploy this existing revision as is; image/tag/env
                                       are then ignored (deploy_rollback: the --to
                                       REVISION, N, FAMILY:N or an ARN) */
    int desired_count;              /* -1: keep the service's */
    const char *strategy;           /* "ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"; NULL:
                                       keep the service's */
    int min_healthy_percent;        /* -1: keep the service's */
    int max_percent;                /* -1: keep */
    int bake_minutes;               /* -1: keep the service's, else 5 */
    double canary_percent;          /* 0: 10 */
    int canary_bake_minutes;        /* -1: 5 */
    double step_percent;            /* 0: 10 */
    int step_bake_minutes;          /* -1: 1 */
    double timeout_s;               /* > 0 */
    double poll_s;                  /* > 0 */
    double healthy_after_s;         /* deploy_watch_request's (0: not known) */
    int no_wait;
    int rollback_on_timeout;
    deploy_progress_fn progress;    /* may be NULL */
    void *ud;
} deploy_request;

#define DEPLOY_REQUEST_INIT                                                               \
    {.desired_count = -1, .min_healthy_percent = -1, .max_percent = -1, .bake_minutes = -1, \
     .canary_bake_minutes = -1, .step_bake_minutes = -1, .timeout_s = 900, .poll_s = 5}

typedef struct {
    deploy_outcome outcome;
    char *previous_task_definition; /* ARN the service ran before, or NULL */
    char *task_definition;          /* ARN deployed, or NULL */
    char *image;                    /* the new image of the container, or NULL */
    char *service_deployment;       /* ARN of the service deployment watched, or NULL */
    char *strategy;                 /* "ROLLING", ... */
    char *message;                  /* one line: what happened (always set after run) */
    char **reasons;                 /* why it failed, from this deployment only: stopped
                                       tasks with exit codes, unhealthy targets, service
                                       events; AWS's own words, deduplicated */
    size_t nreasons;
    char **log_lines;               /* the failed container's last log lines, or NULL */
    size_t nlog_lines;
    char *log_source;               /* "CONTAINER (task ID, LOG GROUP)" of those lines */
    aws_error error;                /* DEPLOY_FAILED, DEPLOY_INTERRUPTED: what ended it */
} deploy_result;

void deploy_result_free(deploy_result *r);
/* Append a reason (copied) unless the same text is already there. */
void deploy_result_add_reason(deploy_result *r, const char *reason);

/* The result for people: r->message, then each reason and the log lines on lines of their
 * own, indented. With max > 0 the text stays under max bytes (the oldest log lines go
 * first, then the last reasons). New string (free). */
char *deploy_result_story(const deploy_result *r, size_t max);

/* How long deploy and rollback watch a deployment unless told otherwise: 30 minutes. */
#define DEPLOY_TIMEOUT_DEFAULT 1800

/* The rollout settings of one service's request: the stack file's `deployment:` of the
 * service (sv; NULL for a service outside the file, as with --cluster), then the command
 * line's over them: bake_minutes >= 0, canary_percent > 0, step_percent > 0 (others: not
 * given). The strategy is not the file's: NULL keeps the service's own. With q->poll_s
 * set: healthy_after_s, the least time ECS takes to count a new task of sv healthy
 * (stack_service_healthy_after). */
void deploy_request_settings(deploy_request *q, const stack_service *sv, int bake_minutes,
                             double canary_percent, double step_percent);

/* Deploy one service and (unless no_wait) watch it to the end. Returns 0 when the outcome
 * is DEPLOY_OK or DEPLOY_STARTED, else -1; *out is always filled (deploy_result_free). */
int deploy_run(aws_client *c, const deploy_request *req, deploy_result *out);

/* deploy_run for n services at once, one thread each (run in turn when no thread can be
 * had): results[i] is reqs[i]'s, always filled (deploy_result_free each). */
void deploy_run_many(aws_client *c, const deploy_request *reqs, size_t n,
                     deploy_result *results);

/* Roll a service back. Without req->task_definition: a deployment in progress is stopped
 * with ROLLBACK and watched to its end (DEPLOY_OK when ECS got back to its last good
 * revision); otherwise the last good release (deploy_choose_release) is deployed as in
 * deploy_run. req->task_definition (`--to`: N, FAMILY:N or an ARN) names the revision to
 * return to instead. Which and why is reported (phase "rollback") before anything
 * changes; with nothing to roll back to, DEPLOY_FAILED says why and nothing changes.
 * req->image/tag/env are ignored. */
int deploy_rollback(aws_client *c, const deploy_request *req, deploy_result *out);

/* ---- releases ---------------------------------------------------------------------- */

typedef struct {
    char *task_definition;  /* the revision to return to (ARN) */
    char *image;            /* its first container's image, or NULL */
    char *why;              /* why this one, for people */
} deploy_release_choice;

void deploy_release_choice_free(deploy_release_choice *c);

/* The release a service running `current` (its task definition ARN) rolls back to: `to`
 * (N, FAMILY:N or an ARN of the service's family, ACTIVE), or, without it, the newest
 * release that succeeded before the one running now (deploy_pick_release over ECS's
 * deployment history). 0 with *out (deploy_release_choice_free), or -1 with err:
 * "NothingToRollBackTo" (saying why), "NoSuchRevision", "NotThisService",
 * "RevisionInactive", or an AWS error. */
int deploy_choose_release(aws_client *c, const char *cluster, const char *service,
                          const char *current, const char *to, deploy_release_choice *out,
                          aws_error *err);

/* ---- watching a deployment -------------------------------------------------------- */

/* One deployment to watch until its revision serves or ECS gives it up. The one watcher
 * of the program: deploy, rollback and up (through res_ctx.watch, deploy_watch_res) use
 * it, so a failure reads the same everywhere. */
typedef struct {
    const char *cluster;            /* required */
    const char *service;            /* required */
    const char *task_definition;    /* the revision that must come to serve (ARN or
                                       family:N) */
    const char *service_deployment; /* the service deployment to follow, or NULL */
    double since_epoch;             /* wall clock of the change: service events since then
                                       explain a failure (0: every event ECS keeps) */
    double healthy_after_s;         /* > 0: ECS counts a new task healthy no sooner than this
                                       after it runs (its scheduler waits 40 s for a task with
                                       no load balancer and no container health check): no
                                       look goes before, and looks come closer once it may */
    double timeout_s;               /* > 0 */
    double poll_s;                  /* > 0 */
    cancel_flag *cancel;            /* set by a Ctrl-C: ends the watch; may be NULL */
    int stop_at_failure;            /* end at the first sign of failure, not once ECS has
                                       finished rolling back */
    int rollback_on_timeout;        /* on timeout, stop the service deployment with
                                       ROLLBACK */
    deploy_progress_fn progress;    /* the state in one line, when it changes; may be NULL */
    void *ud;
} deploy_watch_request;

/*
 * Watch until the revision serves (DEPLOY_OK: the PRIMARY deployment runs it, COMPLETED,
 * alone, every task running, and the service deployment, if any, SUCCESSFUL), the
 * deployment fails (DEPLOY_ROLLED_BACK with the reasons in AWS's words: service deployment
 * and rollout reasons, stopped tasks, unhealthy targets, service events), the bound is
 * reached (DEPLOY_TIMEOUT naming the last state), it is interrupted (DEPLOY_INTERRUPTED),
 * or the service cannot be read five times in a row or is no longer active
 * (DEPLOY_FAILED). Fills r->outcome, r->message, r->reasons and, for the last two,
 * r->error; 0 only for DEPLOY_OK. r must be zeroed or filled by the caller
 * (deploy_result_free).
 */
int deploy_watch(aws_client *c, const deploy_watch_request *w, deploy_result *r);

/* deploy_watch for the resource kinds: a res_watch_fn (res.h) to set as res_ctx.watch.
 * It ends at the first sign of failure (`up` rolls back its own changes) and turns the
 * outcome into an error. */
int deploy_watch_res(res_ctx *ctx, res_node *n, res_action action, const res_rollout *rollout,
                     aws_error *err);

/* deploy --all: the ACTIVE services of the cluster whose container (NULL: the first) runs
 * an image of the same repository as image, appended to out (none: 0 and out empty). */
int deploy_services_using(aws_client *c, const char *cluster, const char *image,
                          const char *container, svc_strings *out, aws_error *err);

/* ---- image references (pure) ---------------------------------------------------- */

/* The repository of an image reference: "reg:5000/app/web:1.2@sha256:.." gives
 * "reg:5000/app/web". New string (free). */
char *deploy_image_repository(const char *ref);
/* The reference with its tag (and digest) replaced by tag. New string (free). */
char *deploy_image_with_tag(const char *ref, const char *tag);
/* 0 when tag is a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}), else -1. */
int deploy_check_tag(const char *tag);
/* "ROLLING", "BLUE_GREEN", "CANARY", "LINEAR" for "rolling", "blue-green", "canary",
 * "linear" (also the upper-case names); NULL otherwise. Static string. */
const char *deploy_strategy_from_flag(const char *flag);

/* ---- one-off tasks (`ecsdeploy run`) ----------------------------------------------- */

typedef struct {
    const char *cluster;            /* required */
    const char *service;            /* required: its task definition and network are used */
    const char *container;          /* NULL: the container named like the service, else the
                                       first */
    const char *const *command;     /* the container's command (argv, exec form) */
    size_t ncommand;
    double timeout_s;               /* > 0: the task is stopped after this long */
    double poll_s;                  /* > 0 */
    cancel_flag *cancel;            /* set by a Ctrl-C: the task is stopped; may be NULL */
    void (*output)(void *ud, const char *line); /* each line the container logs, in order */
    deploy_progress_fn progress;    /* notes (phase "run"); may be NULL */
    void *ud;
} deploy_oneoff_request;

typedef struct {
    char *task_arn, *task_id;       /* NULL when it never started */
    char *container;
    int has_exit_code;              /* the container exited (else it never ran) */
    int exit_code;
    int interrupted;                /* stopped after a Ctrl-C */
    int timed_out;                  /* stopped at the bound */
    char *message;                  /* how it ended, for people */
    aws_error error;                /* when it could not be started or followed */
} deploy_oneoff_result;

void deploy_oneoff_result_free(deploy_oneoff_result *r);

/* Run a one-off task of a service (its task definition, subnets, groups, public IP,
 * launch type or capacity providers, platform version; the container's command
 * overridden), stream what the container logs (awslogs) through q->output, and wait until
 * it has stopped. 0 when the container exited (r->exit_code is its code), -1 otherwise
 * (never started, interrupted, timed out, an AWS failure: r->message says which). A
 * Ctrl-C (q->cancel) or the bound stops the task and waits until it has stopped. */
int deploy_oneoff(aws_client *c, const deploy_oneoff_request *q, deploy_oneoff_result *r);

/* ---- history ------------------------------------------------------------------------ */

typedef struct {
    char *arn;
    double created_at, finished_at;
    char *status;               /* SUCCESSFUL, ROLLBACK_SUCCESSFUL, ... */
    char *task_definition;      /* revision's task definition ARN, or NULL */
    char *image;                /* first container image, or NULL */
    char *strategy;             /* deployment configuration strategy, or NULL */
    char *reason;               /* status or rollback reason, or NULL */
} deploy_history_item;

typedef struct {
    deploy_history_item *items;
    size_t n;
} deploy_history;

void deploy_history_free(deploy_history *h);

/* In a history (newest first), the release to roll back to from `current`: the release
 * running now is the newest SUCCESSFUL deployment of current; the answer is the next older
 * SUCCESSFUL deployment of another revision that usable(ud, td) accepts (NULL: all),
 * skipping failed, rolled-back and stopped ones. 0 with *index and *why (what was chosen
 * and skipped), or -1 with *why saying why there is none. *why is a new string. Pure but
 * for usable. */
int deploy_pick_release(const deploy_history *h, const char *current,
                        int (*usable)(void *ud, const char *td), void *ud, size_t *index,
                        char **why);
/* The service's recent deployments, newest first (at most max). */
int deploy_history_get(aws_client *c, const char *cluster, const char *service, size_t max,
                       deploy_history *out, aws_error *err);

#endif
