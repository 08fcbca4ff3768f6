/*
 * What the stack commands (plan, up, status, down) share: the stack file, the AWS client,
 * the graph and the context the resource kinds run in; progress rendering; Ctrl-C.
 */
#ifndef ECSDEPLOY_CLI_SESSION_H
#define ECSDEPLOY_CLI_SESSION_H

#include <stdio.h>

#include "cli.h"
#include "plan.h"
#include "res.h"

typedef struct {
    const cli_globals *g;
    stack_model *stack;
    aws_client *aws;
    res_graph *graph;
    res_ctx ctx;
    struct cli_progress *progress;
} cli_session;

/* Load the stack file, create the AWS client, build the graph. Returns EXIT_OK, or the
 * exit code to leave with after printing why (EXIT_USAGE for a bad file or configuration,
 * nothing sent to AWS). Close with cli_session_close in every case. */
int cli_session_open(const cli_globals *g, cli_session *s);
void cli_session_close(cli_session *s);

/* Discover what AWS has; on failure print why and return EXIT_AWS. */
int cli_session_discover(cli_session *s, int parallel);

/* Print an AWS error as one line "ecsdeploy: CONTEXT: CODE: message (...)". */
void cli_print_aws_error(const char *context, const aws_error *err);
/* The exit code for an error from aws_client_new / credentials (2 for configuration). */
int cli_aws_error_exit(const aws_error *err);

/* Ctrl-C: the first press sets *cancel (work in flight finishes, then rollback), the
 * second exits at once after listing what is in flight. */
void cli_interrupts_install(cli_session *s);
void cli_interrupts_remove(void);

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
