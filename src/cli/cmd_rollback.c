/* `ecsdeploy rollback SERVICE`: stop a deployment in progress with rollback, or deploy
 * the revision the service ran before the last deploy. */
#include <stdio.h>
#include <string.h>

#include "cli_internal.h"
#include "session_internal.h"
#include "deploy_output_internal.h"

enum { O_CLUSTER = 2100, O_TIMEOUT };

static const struct option options[] = {
    {"cluster", required_argument, NULL, O_CLUSTER},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {0, 0, 0, 0}};

typedef struct {
    const char *cluster;
    double timeout;
} state;

static int parse(void *st, int opt, const char *arg)
{
    state *s = st;
    if (opt == O_CLUSTER) {
        s->cluster = arg;
        return 0;
    }
    if (opt == O_TIMEOUT && cli_parse_duration(arg, &s->timeout) != 0)
        return cli_usage_error("--timeout wants a duration like 90s, 15m or 1h, got '%s'", arg);
    return 0;
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
        q.timeout_s = s->timeout > 0 ? s->timeout : 1800;
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

const cli_command cli_cmd_rollback = {
    .name = "rollback",
    .usage = "rollback SERVICE [--cluster NAME] [--timeout D]",
    .summary = "roll a service back: stop the deployment in progress, or return to the previous revision",
    .options = options,
    .parse = parse,
    .state_size = sizeof(state),
    .run = run,
};
