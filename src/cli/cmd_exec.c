/* `ecsdeploy exec SERVICE [...] -- COMMAND [ARG...]`: run a command in a running task. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "exec.h"
#include "client_internal.h"
#include "stack_names.h"
#include "xalloc.h"

enum { OPT_TASK = 3000, OPT_CONTAINER, OPT_TIMEOUT, OPT_NO_WRAP, OPT_CLUSTER };

typedef struct {
    const char *task;
    const char *container;
    const char *cluster;
    double timeout;
    int interactive, tty, no_wrap;
} exec_state;

static const struct option options[] = {
    {"task", required_argument, NULL, OPT_TASK},
    {"container", required_argument, NULL, OPT_CONTAINER},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"no-wrap", no_argument, NULL, OPT_NO_WRAP},
    {"cluster", required_argument, NULL, OPT_CLUSTER},
    {"interactive", no_argument, NULL, 'i'},
    {"tty", no_argument, NULL, 't'},
    {0, 0, 0, 0}};

static int parse(void *st, int opt, const char *arg)
{
    exec_state *s = st;
    switch (opt) {
    case OPT_TASK: s->task = arg; return 0;
    case OPT_CONTAINER: s->container = arg; return 0;
    case OPT_CLUSTER: s->cluster = arg; return 0;
    case OPT_NO_WRAP: s->no_wrap = 1; return 0;
    case 'i': s->interactive = 1; return 0;
    case 't': s->tty = 1; return 0;
    case OPT_TIMEOUT:
        if (cli_parse_duration(arg, &s->timeout) != 0)
            return cli_usage_error("--timeout wants a duration such as 30s, 5m or 1h, not '%s'", arg);
        return 0;
    }
    return -1;
}

static volatile sig_atomic_t resized;
static cancel_flag cancelled;

static void on_signal(int sig)
{
    if (sig == SIGWINCH)
        resized = 1;
    else
        atomic_store(&cancelled, 1);
}

static void write_out(void *ctx, const unsigned char *p, size_t len)
{
    (void)ctx;
    while (len) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* stdout closed: the rest is dropped, the session still ends cleanly */
        p += n;
        len -= (size_t)n;
    }
}

static struct termios saved_tio;
static int tio_saved;

static void restore_terminal(void)
{
    if (tio_saved) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
        tio_saved = 0;
    }
}

static int window_size(void *ctx, int *cols, int *rows)
{
    (void)ctx;
    struct winsize w;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) != 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &w) != 0)
        return -1;
    *cols = w.ws_col;
    *rows = w.ws_row;
    return 0;
}

static void install_signals(int interactive)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (interactive)
        sigaction(SIGWINCH, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int run_session(cli_client *c, const exec_target *t, const exec_state *s,
                       const char *command, int debug)
{
    char marker[33];
    exec_new_marker(marker);
    int wrap = !s->no_wrap && !s->interactive;
    char *line = wrap ? exec_wrap_command(command, marker) : xstrdup(command);
    exec_filter f;
    exec_filter_init(&f, wrap ? marker : NULL, write_out, NULL);
    exec_run_opts o = {.target = t, .command = line, .timeout_s = s->timeout,
                       .output = exec_filter_feed, .ctx = &f, .input_fd = -1,
                       .cancel = &cancelled, .debug = debug};
    if (s->interactive) {
        o.output = write_out; /* a terminal wants the pty's bytes as they are */
        o.input_fd = STDIN_FILENO;
        o.window_size = window_size;
        o.resized = &resized;
        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
            struct termios raw = saved_tio;
            cfmakeraw(&raw);
            tio_saved = 1;
            atexit(restore_terminal);
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
        }
        if (!s->timeout)
            o.timeout_s = 7 * 24 * 3600;
    }
    install_signals(s->interactive);
    fprintf(stderr, "ecsdeploy: exec in task %s, container %s\n", t->task_id, t->container);
    aws_error err;
    int rc = exec_run(c->aws, &o, &err);
    restore_terminal();
    exec_filter_finish(&f);
    free(line);
    if (rc != 0) {
        if (strcmp(err.code, "Cancelled") == 0) {
            fprintf(stderr, "ecsdeploy: exec interrupted\n");
            return 130;
        }
        return cli_client_fail("exec", &err);
    }
    if (wrap && f.exit_code < 0) {
        fprintf(stderr, "ecsdeploy: the command's exit status did not come back (does the "
                        "container have sh? use --no-wrap)\n");
        return EXIT_AWS;
    }
    return wrap ? f.exit_code : EXIT_OK;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    exec_state *s = state;
    if (argc < 1)
        return cli_usage_error("exec needs a service: ecsdeploy exec SERVICE -- COMMAND [ARG...]");
    if (argc < 2)
        return cli_usage_error("exec needs a command after the service: ecsdeploy exec %s -- "
                               "COMMAND [ARG...]", argv[0]);
    if (s->interactive != s->tty)
        return cli_usage_error("use -i and -t together (-it) for an interactive session");
    for (int i = 1; i < argc; i++)
        if (!argv[i][0] && argc == 2)
            return cli_usage_error("the command is empty");
    cli_client c;
    int rc = cli_client_open(g, s->cluster == NULL, &c);
    if (rc != EXIT_OK) {
        cli_client_close(&c);
        return rc;
    }
    char *cluster = s->cluster ? xstrdup(s->cluster) : stack_name_cluster(c.stack->name);
    if (c.stack && !stack_find_service(c.stack, argv[0])) {
        rc = cli_usage_error("the stack %s has no service '%s' (see %s)", c.stack->name, argv[0],
                             c.stack->file);
    } else {
        exec_target t;
        aws_error err;
        if (exec_find_target(c.aws, cluster, argv[0], s->task, s->container, &t, &err) != 0) {
            rc = cli_client_fail("exec", &err);
        } else {
            char *command = exec_join_argv(argc - 1, argv + 1);
            rc = run_session(&c, &t, s, command, g->debug);
            free(command);
            exec_target_free(&t);
        }
    }
    free(cluster);
    cli_client_close(&c);
    return rc;
}

const cli_command cli_cmd_exec = {
    .name = "exec",
    .usage = "exec SERVICE [--task ID] [--container NAME] [--timeout D] [-it] [--no-wrap] "
             "[--cluster NAME] -- COMMAND [ARG...]",
    .summary = "run a command in a running task of a service (ECS Exec, no plugin needed)",
    .options = options,
    .shortopts = "it",
    .parse = parse,
    .state_size = sizeof(exec_state),
    .run = run,
};
