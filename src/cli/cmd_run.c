/* `ecsdeploy run SERVICE -- COMMAND [ARG...]`: a one-off task (deploy_oneoff), its output
 * streamed, its exit code ours. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_internal.h"
#include "deploy.h"
#include "session_internal.h"

enum { OPT_CONTAINER = 3100, OPT_TIMEOUT, OPT_CLUSTER };

typedef struct {
    const char *container;
    const char *cluster;
    double timeout;
} run_state;

static const cli_flag flags[] = {
    {"container", 0, "NAME", OPT_CONTAINER, "the container that runs the command "
     "(default: the one named like the service)", CLI_VALUE_ANY, NULL},
    {"timeout", 0, "D", OPT_TIMEOUT, "stop the task and give up after D (default 1h)",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_CLUSTER(OPT_CLUSTER),
    {0}};

static int parse(void *st, int opt, const char *arg)
{
    run_state *s = st;
    switch (opt) {
    case OPT_CONTAINER: s->container = arg; return 0;
    case OPT_CLUSTER: s->cluster = arg; return 0;
    case OPT_TIMEOUT: return cli_parse_timeout(arg, &s->timeout);
    }
    return CLI_NOT_MINE;
}

static cancel_flag cancelled;

static void on_signal(int sig)
{
    (void)sig;
    if (atomic_load(&cancelled)) {
        static const char msg[] = "\necsdeploy: interrupted again: exiting; the task may still run "
                                  "(see 'ecsdeploy status')\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
            _exit(130);
        _exit(130);
    }
    atomic_store(&cancelled, 1);
}

static void print_line(void *ud, const char *line)
{
    (void)ud;
    printf("%s\n", line);
    fflush(stdout);
}

static void print_note(void *ud, const char *service, const char *phase, const char *msg)
{
    (void)ud;
    (void)service;
    (void)phase;
    fprintf(stderr, "ecsdeploy: run: %s\n", msg);
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    run_state *s = state;
    if (argc < 1)
        return cli_usage_error("run needs a service: ecsdeploy run SERVICE -- COMMAND [ARG...]");
    if (argc < 2)
        return cli_usage_error("run needs a command after the service: ecsdeploy run %s -- "
                               "COMMAND [ARG...]", argv[0]);
    if (argc == 2 && !argv[1][0])
        return cli_usage_error("the command is empty");
    cli_client c;
    int rc = cli_client_open_service(g, s->cluster, argv[0], &c);
    if (rc != EXIT_OK) {
        cli_client_close(&c);
        return rc;
    }
    /* one argument is a command line as typed (run through sh); several are the argv */
    const char *shell[3] = {"sh", "-c", argv[1]};
    int as_line = argc == 2 && strpbrk(argv[1], " \t;&|<>$'\"");
    deploy_oneoff_request q = {.cluster = c.cluster,
                               .service = argv[0],
                               .container = s->container,
                               .command = as_line ? shell : (const char *const *)argv + 1,
                               .ncommand = as_line ? 3 : (size_t)argc - 1,
                               .timeout_s = s->timeout > 0 ? s->timeout : 3600,
                               .poll_s = cli_poll_seconds(2),
                               .cancel = &cancelled,
                               .output = print_line,
                               .progress = print_note};
    /* a one-off task runs the service's task definition against what it uses (a migration
     * against its database): not while a run changes the stack or deploys that service */
    lock_handle *lock = NULL;
    if (cli_lock_take(c.aws, c.stack ? c.stack->name : c.cluster, argv[0], "run", &lock) != EXIT_OK) {
        cli_client_close(&c);
        return EXIT_AWS;
    }
    cli_catch_interrupts(on_signal);
    deploy_oneoff_result r;
    deploy_oneoff(c.aws, &q, &r);
    cli_lock_release(lock, 0);
    fflush(stdout);
    if (r.message)
        fprintf(stderr, "ecsdeploy: run: %s\n", r.message);
    if (r.interrupted)
        rc = 130;
    else if (r.timed_out || !r.has_exit_code)
        rc = EXIT_AWS;
    else
        rc = r.exit_code;
    deploy_oneoff_result_free(&r);
    cli_client_close(&c);
    return rc;
}

const cli_command_code cli_code_run = CLI_COMMAND_CODE(run_state);
