/* The stack and AWS client for exec, secret and logs. */
#include <stdio.h>
#include <string.h>

#include "cli_session.h"
#include "exec_cli.h"
#include "text.h"

int exec_cli_open(const cli_globals *g, int load_stack, exec_cli_ctx *c)
{
    memset(c, 0, sizeof *c);
    if (load_stack) {
        int rc = cli_load_stack(g, &c->stack);
        if (rc != EXIT_OK)
            return rc;
    }
    aws_client_options o = {.profile = g->profile,
                            .region = g->region ? g->region : c->stack ? c->stack->region : NULL,
                            .endpoint_url = g->endpoint_url,
                            .debug = g->debug};
    aws_error err;
    if (aws_client_new(&o, &c->aws, &err) != 0) {
        cli_print_aws_error(NULL, &err);
        return cli_aws_error_exit(&err);
    }
    return EXIT_OK;
}

void exec_cli_close(exec_cli_ctx *c)
{
    if (c->aws)
        aws_client_free(c->aws);
    stack_free(c->stack);
    memset(c, 0, sizeof *c);
}

int exec_cli_fail(const char *context, const aws_error *err)
{
    if (err->kind == AWS_ERR_CONFIG || err->kind == AWS_ERR_CREDENTIALS) {
        cli_print_aws_error(context, err);
        return cli_aws_error_exit(err);
    }
    text_printf(stderr, "ecsdeploy: %s%s%s\n", context ? context : "", context ? ": " : "",
                err->message[0] ? err->message : err->code);
    return EXIT_AWS;
}
