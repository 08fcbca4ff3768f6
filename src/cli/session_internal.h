/*
 * What the stack commands (plan, up, status, down) share: the stack file, the AWS client,
 * the graph and the context the resource kinds run in; progress rendering; Ctrl-C.
 */
#ifndef ECSDEPLOY_CLI_SESSION_INTERNAL_H
#define ECSDEPLOY_CLI_SESSION_INTERNAL_H

#include <stdio.h>

#include "cli_internal.h"
#include "lock.h"
#include "plan.h"
#include "res.h"

typedef struct {
    const cli_globals *g;
    stack_model *stack;
    aws_client *aws;
    res_graph *graph;
    res_ctx ctx;
    struct cli_progress *progress;
    lock_handle *lock;        /* the stack's lock, when the command changes the stack */
    int lock_remove_bucket;   /* release it with the lock bucket (a down that finished) */
    double opened_at;         /* util_now() before anything was read */
    int read_again;           /* cli_session_lock made and discovered the graph again */
    int use_record;           /* discovery looks only for the kinds the file and the
                                 stack's record name (up, plan: lock_record_kinds) */
} cli_session;

/* Load the stack file, create the AWS client, build the graph. Returns EXIT_OK, or the
 * exit code to leave with after printing why (EXIT_USAGE for a bad file or configuration,
 * nothing sent to AWS). Close with cli_session_close in every case. */
int cli_session_open(const cli_globals *g, cli_session *s);
void cli_session_close(cli_session *s);

/* Discover what AWS has; on failure print why and return EXIT_AWS. */
int cli_session_discover(cli_session *s, int parallel);

/* --take-file SERVICE, repeatable (plan, up): the names, checked against the stack file
 * when the session opens. */
#define CLI_MAX_TAKE 64
typedef struct {
    const char *names[CLI_MAX_TAKE];
    size_t n;
} cli_take_file;
/* Add one --take-file value: 0, or prints why and returns EXIT_USAGE. */
int cli_take_file_add(cli_take_file *t, const char *arg);
/* After cli_session_discover: check the names (EXIT_USAGE naming an unknown service) and
 * decide what `up` keeps of `ecsdeploy deploy` (plan_keep_deployed) into *kept. */
int cli_session_keep(cli_session *s, const cli_take_file *t, plan_kept *kept);

/* Print an AWS error as one line "ecsdeploy: CONTEXT: CODE: message (...)". */
void cli_print_aws_error(const char *context, const aws_error *err);
/* The exit code for an error from aws_client_new / credentials (2 for configuration). */
int cli_aws_error_exit(const aws_error *err);
/* The AWS client of a command into *out (region: --region, else the stack file's when st
 * is given, else the environment's). With check_credentials the credentials are resolved
 * now: a missing or broken configuration is the user's to fix (exit 2), found before any
 * resource call. EXIT_OK, or the exit code after printing why; the caller frees *out. */
int cli_aws_connect(const cli_globals *g, const stack_model *st, int check_credentials,
                    aws_client **out);
/* How often waits poll AWS: ECSDEPLOY_POLL_SECONDS (the tests' fake runs fast), else
 * `otherwise`. */
double cli_poll_seconds(double otherwise);

/* ---- the stack's lock (stack_lock.c; see lock.h) ---- */

/* Take the lock on stack (service NULL) or on one of its services (deploy) for `command`
 * ("up", "down --purge"...). EXIT_OK with *out, or EXIT_AWS after saying who holds it
 * (or what failed). */
int cli_lock_take(aws_client *aws, const char *stack, const char *service, const char *command,
                  lock_handle **out);
/* Before a run begins: EXIT_OK, or EXIT_AWS after saying the lock was lost meanwhile. */
int cli_lock_check(lock_handle *h, const char *stack);
/* Release (NULL is fine); a failure is said, not fatal: the lock then expires. */
void cli_lock_release(lock_handle *h, int remove_bucket);
/* The second Ctrl-C, about to exit: give the held lock back, waiting `seconds` at most. */
void cli_lock_abandon(double seconds);
/* cli_lock_take for a session (s->lock; cli_session_close releases it): a plan to execute
 * is made under the lock. A command plans first without it (a run with nothing to change
 * only reads), then, when it has changes, takes it; unless no other run can have changed
 * the stack since it was read (lock_quiet_since), the graph is then made and discovered
 * again (s->read_again) and the command plans again. */
int cli_session_lock(cli_session *s, const char *command, int parallel);

/* Ctrl-C: the first press sets *cancel (work in flight finishes, then rollback), the
 * second exits at once after listing what is in flight. */
void cli_interrupts_install(cli_session *s);
/* Nothing when not installed; cli_session_close calls it. */
void cli_interrupts_remove(void);
/* What the first Ctrl-C does, asked for by the program (a lost lock): the cancel flag. */
void cli_interrupts_request(void);

/* ---- progress ------------------------------------------------------------------- */

typedef enum { PROGRESS_LIVE, PROGRESS_LINES, PROGRESS_JSON } progress_style;

struct cli_progress;
/* Start rendering events of s's context (the style follows --output and whether stdout
 * is a terminal). `verb` names the run in the live view ("up", "down"). */
struct cli_progress *cli_progress_start(cli_session *s, const char *verb);
/* Stop (the live view prints its final state). */
void cli_progress_stop(struct cli_progress *p);
/* The ids of nodes whose action is running now, copied (NULL-terminated; the caller frees
 * each and the array), or NULL when no view runs. Safe from any thread (the Ctrl-C
 * watcher) while the view starts, stops and receives events. */
char **cli_session_in_flight(cli_session *s);

/* Outputs of the stack, resolved (text: "name = value" lines; JSON: an object). */
void cli_print_outputs_text(cli_session *s, FILE *out);
cJSON *cli_outputs_json(cli_session *s);

#endif
