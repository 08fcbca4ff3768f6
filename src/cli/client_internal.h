/* The AWS client (and, when asked, the stack file) of the commands that do not plan:
 * exec, secret and logs (client.c). */
#ifndef ECSDEPLOY_CLI_CLIENT_INTERNAL_H
#define ECSDEPLOY_CLI_CLIENT_INTERNAL_H

#include "aws.h"
#include "cli_internal.h"
#include "stack.h"

typedef struct {
    stack_model *stack;   /* NULL when not loaded */
    aws_client *aws;
    char *cluster;        /* cli_client_open_service: --cluster, else the stack's cluster */
} cli_client;

/* Load the stack file (when load_stack) and make the AWS client (region: --region, else
 * the stack's, else the environment). EXIT_OK, or the exit code after printing why.
 * Close with cli_client_close in every case. */
int cli_client_open(const cli_globals *g, int load_stack, cli_client *c);
/* For a command on one SERVICE (exec, run): with --cluster (cluster_flag) the client
 * alone, no stack file read; else the stack file too, and the service must be one of it.
 * c->cluster is set in both cases. EXIT_OK, or the exit code after printing why. Close
 * with cli_client_close in every case. */
int cli_client_open_service(const cli_globals *g, const char *cluster_flag, const char *service,
                            cli_client *c);
void cli_client_close(cli_client *c);

/* Print an aws_error as "ecsdeploy: CONTEXT: message" and return the exit code. */
int cli_client_fail(const char *context, const aws_error *err);

#endif
