/* `ecsdeploy rollback SERVICE [--to REVISION]`: stop a deployment in progress with
 * rollback, or return to the last good release (deploy_rollback decides which). */
#include <stdio.h>
#include <string.h>

#include "cli_internal.h"
#include "session_internal.h"
#include "deploy_output_internal.h"

enum { O_CLUSTER = 2100, O_TIMEOUT, O_TO };

static const cli_flag flags[] = {
    CLI_FLAG_CLUSTER(O_CLUSTER),
    CLI_FLAG_DEPLOY_TIMEOUT(O_TIMEOUT),
    {"to", 0, "REVISION", O_TO, "this revision: N, FAMILY:N or a task definition ARN "
     "(default: the last good release)", CLI_VALUE_ANY, NULL},
    {0}};

typedef struct {
    const char *cluster;
    const char *to;
    double timeout;
} state;

static int parse(void *st, int opt, const char *arg)
{
    state *s = st;
    switch (opt) {
    case O_CLUSTER: s->cluster = arg; return 0;
    case O_TIMEOUT: return cli_parse_timeout(arg, &s->timeout);
    case O_TO: {
        size_t len = strlen(arg);
        if (len == 0 || len > 1600 || strpbrk(arg, " \t\n"))
            return cli_usage_error("--to wants a revision: N, FAMILY:N or a task definition ARN, "
                                   "got '%s'", arg);
        s->to = arg;
        return 0;
    }
    }
    return CLI_NOT_MINE;
}

static int run(const cli_globals *g, void *st, int argc, char **argv)
{
    state *s = st;
    if (argc != 1)
        return cli_usage_error("rollback needs exactly one SERVICE");
    deploy_cli_target t;
    /* No stack lock: rollback is the brake for a deployment in progress, which may well be
     * another run's (a `deploy` holding the lock); ECS itself orders the two. */
    int rc = deploy_cli_open(g, s->cluster, &t);
    if (rc == EXIT_OK) {
        deploy_cli_printer p;
        deploy_cli_printer_init(&p, g);
        deploy_request q = DEPLOY_REQUEST_INIT;
        q.cluster = t.cluster;
        q.service = argv[0];
        q.task_definition = s->to;
        q.timeout_s = s->timeout > 0 ? s->timeout : DEPLOY_TIMEOUT_DEFAULT;
        q.poll_s = t.poll_s;
        q.progress = deploy_cli_progress;
        q.ud = &p;
        deploy_result r;
        deploy_rollback(t.aws, &q, &r);
        deploy_cli_print_result(&p, argv[0], &r);
        rc = deploy_cli_exit_code(r.outcome);
        deploy_result_free(&r);
        deploy_cli_printer_destroy(&p);
    }
    deploy_cli_close(&t);
    return rc;
}

const cli_command_code cli_code_rollback = CLI_COMMAND_CODE(state);
