/* What exec, secret and logs share on the command line: the stack file (optional for
 * some) and the AWS client. */
#ifndef ECSDEPLOY_EXEC_CLI_H
#define ECSDEPLOY_EXEC_CLI_H

#include "aws.h"
#include "cli_internal.h"
#include "stack.h"

typedef struct {
    stack_model *stack;   /* NULL when not loaded */
    aws_client *aws;
} exec_cli_ctx;

/* Load the stack file (when load_stack) and make the AWS client (region: --region, else
 * the stack's, else the environment). EXIT_OK, or the exit code after printing why.
 * Close with exec_cli_close in every case. */
int exec_cli_open(const cli_globals *g, int load_stack, exec_cli_ctx *c);
void exec_cli_close(exec_cli_ctx *c);

/* Print an aws_error as "ecsdeploy: CONTEXT: message" and return the exit code. */
int exec_cli_fail(const char *context, const aws_error *err);

#endif
