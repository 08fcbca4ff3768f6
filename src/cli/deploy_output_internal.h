/*
 * What the deploy, rollback and history commands share (src/cli/cmd_deploy.c): finding
 * the cluster (--cluster, or the stack file's), the AWS client, progress output in the
 * session styles (plain lines; JSON lines with --output json) and the result lines.
 */
#ifndef ECSDEPLOY_CLI_DEPLOY_OUTPUT_INTERNAL_H
#define ECSDEPLOY_CLI_DEPLOY_OUTPUT_INTERNAL_H

#include <pthread.h>

#include "cli_internal.h"
#include "deploy.h"
#include "lock.h"
#include "stack.h"

typedef struct {
    aws_client *aws;
    char *cluster;          /* owned */
    stack_model *stack;      /* NULL without a stack file */
    double poll_s;          /* ECSDEPLOY_POLL_SECONDS or 5 */
    lock_handle **locks;    /* one per service deployed (see lock.h); released on close */
    size_t nlocks;
} deploy_cli_target;

/* Resolve the cluster and open the client. Returns EXIT_OK or the exit code to leave
 * with (the reason printed). Close with deploy_cli_close in every case. */
int deploy_cli_open(const cli_globals *g, const char *cluster_flag, deploy_cli_target *t);
void deploy_cli_close(deploy_cli_target *t);
/* Take the lock of each service for `command` (the stack: the file's, else the cluster's
 * name). EXIT_OK, or EXIT_AWS after saying who holds one (none is then kept). */
int deploy_cli_lock(deploy_cli_target *t, const char *command, char *const *services,
                    size_t n);

/* Progress printer: pass deploy_cli_progress as req.progress and the printer as req.ud.
 * On a terminal (text output) a live view, one row per service redrawn in place; elsewhere
 * one line per change; with --output json one JSON object per line. */
typedef struct {
    const cli_globals *g;
    pthread_mutex_t lock;
    double t0;
    int live;
    char **names, **rows;   /* live view: one row per service */
    size_t nrows;
    int drawn;              /* lines drawn last time */
} deploy_cli_printer;

void deploy_cli_printer_init(deploy_cli_printer *p, const cli_globals *g);
void deploy_cli_printer_destroy(deploy_cli_printer *p);
void deploy_cli_progress(void *ud, const char *service, const char *phase, const char *msg);
/* The final line(s) for one service. */
void deploy_cli_print_result(deploy_cli_printer *p, const char *service,
                             const deploy_result *r);
/* The exit code for an outcome. */
int deploy_cli_exit_code(deploy_outcome o);

#endif
