/* The AWS client (and the stack file when asked) for exec, secret and logs (see
 * client_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"
#include "client_internal.h"
#include "stack_names.h"
#include "text.h"
#include "xalloc.h"

int cli_client_open(const cli_globals *g, int load_stack, cli_client *c)
{
    memset(c, 0, sizeof *c);
    if (!load_stack && g->environment_flag)
        return cli_usage_error("--env %s selects an environment of the stack file, and none is "
                               "read with --cluster", g->environment);
    if (load_stack) {
        int rc = cli_load_stack(g, &c->stack);
        if (rc != EXIT_OK)
            return rc;
    }
    return cli_aws_connect(g, c->stack, 0, &c->aws);
}

int cli_client_open_service(const cli_globals *g, const char *cluster_flag, const char *service,
                            cli_client *c)
{
    int rc = cli_client_open(g, cluster_flag == NULL, c);
    if (rc != EXIT_OK)
        return rc;
    c->cluster = cluster_flag ? xstrdup(cluster_flag) : stack_name_cluster(c->stack->name);
    if (c->stack && !stack_find_service(c->stack, service))
        return cli_no_such_service(c->stack, service, NULL);
    return EXIT_OK;
}

void cli_client_close(cli_client *c)
{
    if (c->aws)
        aws_client_free(c->aws);
    stack_free(c->stack);
    free(c->cluster);
    memset(c, 0, sizeof *c);
}

int cli_client_fail(const char *context, const aws_error *err)
{
    if (err->kind == AWS_ERR_CONFIG || err->kind == AWS_ERR_CREDENTIALS) {
        cli_print_aws_error(context, err);
        return cli_aws_error_exit(err);
    }
    text_printf(stderr, "ecsdeploy: %s%s%s\n", context ? context : "", context ? ": " : "",
                err->message[0] ? err->message : err->code);
    return EXIT_AWS;
}
