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
#include "exec_forward_internal.h"
#include "xalloc.h"

enum { OPT_TASK = 3000, OPT_CONTAINER, OPT_TIMEOUT, OPT_NO_WRAP, OPT_CLUSTER, OPT_PORT_FORWARD };

typedef struct {
    const char *task;
    const char *container;
    const char *cluster;
    double timeout;
    int interactive, tty, no_wrap;
    int forward;                  /* --port-forward given */
    cli_port_forward pf;
} exec_state;

static const cli_flag flags[] = {
    {"interactive", 'i', NULL, 'i', "with -t: an interactive session (stdin must be a terminal)",
     CLI_VALUE_ANY, NULL},
    {"tty", 't', NULL, 't', "with -i: a terminal in the container (raw mode, window size)",
     CLI_VALUE_ANY, NULL},
    {"task", 0, "ID", OPT_TASK, "this task (default: a running task of the service)",
     CLI_VALUE_ANY, NULL},
    {"container", 0, "NAME", OPT_CONTAINER, "this container (default: the one named like the service)",
     CLI_VALUE_ANY, NULL},
    CLI_FLAG_CLUSTER(OPT_CLUSTER),
    {"timeout", 0, "D", OPT_TIMEOUT, "end the session after D (default 5m; none with -it)",
     CLI_VALUE_ANY, NULL},
    {"no-wrap", 0, NULL, OPT_NO_WRAP, "send the command as is, not through sh (exit status 0 then)",
     CLI_VALUE_ANY, NULL},
    {"port-forward", 0, "LOCAL:REMOTE[@HOST]", OPT_PORT_FORWARD,
     "no command: forward local port LOCAL to REMOTE of the task, or of HOST it reaches "
     "(LOCAL 0: any free port)", CLI_VALUE_ANY, NULL},
    {0}};

static int parse(void *st, int opt, const char *arg)
{
    exec_state *s = st;
    switch (opt) {
    case OPT_TASK: s->task = arg; return 0;
    case OPT_CONTAINER: s->container = arg; return 0;
    case OPT_CLUSTER: s->cluster = arg; return 0;
    case OPT_NO_WRAP: s->no_wrap = 1; return 0;
    case OPT_PORT_FORWARD: s->forward = 1; return cli_parse_port_forward(arg, &s->pf);
    case 'i': s->interactive = 1; return 0;
    case 't': s->tty = 1; return 0;
    case OPT_TIMEOUT: return cli_parse_timeout(arg, &s->timeout);
    }
    return CLI_NOT_MINE;
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

static int run_session(cli_client *c, const exec_target *t, const exec_state *s,
                       const char *command, int debug)
{
    char marker[33];
    exec_new_marker(marker);
    /* Both modes run the command through sh to learn its exit status (--no-wrap: not). */
    int wrap = !s->no_wrap;
    /* -it from a terminal: raw mode, the pty's bytes as they are. -it with stdin not a
     * terminal (a pipe, /dev/null): no local terminal to put in raw mode, so the session
     * runs without one: stdin's bytes are the input and its end is sent as Ctrl-D (so
     * `sh </dev/null` ends), the output is plain lines as without -it. */
    int terminal = s->interactive && isatty(STDIN_FILENO);
    char *line = wrap ? exec_wrap_command(command, marker) : xstrdup(command);
    exec_filter f;
    if (terminal)
        exec_filter_init_raw(&f, wrap ? marker : NULL, write_out, NULL);
    else
        exec_filter_init(&f, wrap ? marker : NULL, write_out, NULL);
    exec_run_opts o = {.target = t, .command = line, .timeout_s = s->timeout,
                       .output = exec_filter_feed, .ctx = &f, .input_fd = -1,
                       .cancel = &cancelled, .debug = debug};
    if (s->interactive && !terminal) {
        fprintf(stderr, "ecsdeploy: stdin is not a terminal: -it runs without one (input from "
                        "stdin, its end sent as Ctrl-D)\n");
        o.input_fd = STDIN_FILENO;
        o.eof_as_ctrl_d = 1;
        if (!s->timeout)
            o.timeout_s = 7 * 24 * 3600;
    }
    if (terminal) {
        o.input_fd = STDIN_FILENO;
        o.window_size = window_size;
        o.resized = &resized;
        if (tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
            struct termios raw = saved_tio;
            cfmakeraw(&raw);
            tio_saved = 1;
            atexit(restore_terminal);
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
        }
        if (!s->timeout)
            o.timeout_s = 7 * 24 * 3600;
    }
    cli_catch_interrupts(on_signal);
    if (terminal) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGWINCH, &sa, NULL);
    }
    fprintf(stderr, "ecsdeploy: exec in task %s, container %s\n", t->task_id, t->container);
    aws_error err;
    int rc = exec_run(c->aws, &o, &err);
    restore_terminal();
    exec_filter_finish(&f);
    free(line);
    if (rc != 0) {
        if (aws_error_is(&err, AWS_IS_CANCELLED)) {
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
    return wrap ? f.exit_code : EXIT_OK; /* the remote command's status, in both modes */
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    exec_state *s = state;
    if (argc < 1)
        return cli_usage_error("exec needs a service: ecsdeploy exec SERVICE -- COMMAND [ARG...]");
    if (s->forward && (argc > 1 || s->interactive || s->tty || s->no_wrap))
        return cli_usage_error("--port-forward forwards a port: give no command, -it or --no-wrap "
                               "with it");
    if (argc < 2 && !s->forward)
        return cli_usage_error("exec needs a command after the service: ecsdeploy exec %s -- "
                               "COMMAND [ARG...]", argv[0]);
    if (s->interactive != s->tty)
        return cli_usage_error("use -i and -t together (-it) for an interactive session");
    for (int i = 1; i < argc; i++)
        if (!argv[i][0] && argc == 2)
            return cli_usage_error("the command is empty");
    cli_client c;
    int rc = cli_client_open_service(g, s->cluster, argv[0], &c);
    if (rc == EXIT_OK) {
        exec_target t;
        aws_error err;
        if (exec_find_target(c.aws, c.cluster, argv[0], s->task, s->container, &t, &err) != 0) {
            rc = cli_client_fail("exec", &err);
        } else if (s->forward) {
            rc = cli_exec_forward(&c, &t, &s->pf, g->debug);
            exec_target_free(&t);
        } else {
            char *command = exec_join_argv(argc - 1, argv + 1);
            rc = run_session(&c, &t, s, command, g->debug);
            free(command);
            exec_target_free(&t);
        }
    }
    cli_client_close(&c);
    return rc;
}

const cli_command_code cli_code_exec = CLI_COMMAND_CODE(exec_state);
