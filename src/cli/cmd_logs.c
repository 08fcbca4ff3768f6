/* `ecsdeploy logs SERVICE [--follow] [--since D] [--container C] [--task ID]`. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "client_internal.h"
#include "logs.h"
#include "stack_names.h"
#include "xalloc.h"
#include "text.h"

enum { OPT_FOLLOW = 3100, OPT_SINCE, OPT_LCONTAINER, OPT_LTASK };

typedef struct {
    int follow;
    double since;
    const char *container;
    const char *task;
} logs_state;

static const struct option options[] = {
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"since", required_argument, NULL, OPT_SINCE},
    {"container", required_argument, NULL, OPT_LCONTAINER},
    {"task", required_argument, NULL, OPT_LTASK},
    {0, 0, 0, 0}};

static int parse(void *st, int opt, const char *arg)
{
    logs_state *s = st;
    switch (opt) {
    case OPT_FOLLOW: s->follow = 1; return 0;
    case OPT_LCONTAINER: s->container = arg; return 0;
    case OPT_LTASK: s->task = arg; return 0;
    case OPT_SINCE:
        if (cli_parse_duration(arg, &s->since) != 0)
            return cli_usage_error("--since wants a duration such as 10m, 2h or 90s, not '%s'", arg);
        return 0;
    }
    return -1;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* The container and task of an awslogs stream "PREFIX/CONTAINER/TASKID". */
static void stream_parts(const char *stream, const char **container, size_t *clen,
                         const char **task)
{
    const char *last = strrchr(stream, '/');
    *task = last ? last + 1 : stream;
    *container = "";
    *clen = 0;
    if (!last)
        return;
    const char *p = last;
    while (p > stream && p[-1] != '/')
        p--;
    *container = p;
    *clen = (size_t)(last - p);
}

static int wanted(const logs_state *s, const logs_event *e)
{
    const char *k, *t;
    size_t kl;
    stream_parts(e->stream ? e->stream : "", &k, &kl, &t);
    if (s->container && (strlen(s->container) != kl || strncmp(s->container, k, kl) != 0))
        return 0;
    if (s->task) {
        const char *want = strrchr(s->task, '/') ? strrchr(s->task, '/') + 1 : s->task;
        if (strcmp(want, t) != 0)
            return 0;
    }
    return 1;
}

static void print_event(const logs_event *e, int color)
{
    static const int colors[] = {36, 33, 32, 35, 34, 31};
    const char *k, *t;
    size_t kl;
    stream_parts(e->stream ? e->stream : "", &k, &kl, &t);
    size_t ml = strlen(e->message ? e->message : "");
    while (ml && (e->message[ml - 1] == '\n' || e->message[ml - 1] == '\r'))
        ml--;
    char when[32];
    time_t secs = (time_t)(e->timestamp / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned h = 0;
    for (const char *p = t; *p; p++)
        h = h * 31 + (unsigned char)*p;
    if (color)
        printf("\033[%dm", colors[h % 6]);
    text_printf(stdout, "%.12s %.*s", t, (int)kl, k);
    if (color)
        printf("\033[0m");
    /* a container's line: its colours and cursor moves are shown, not obeyed */
    text_printf(stdout, " %s.%03dZ %.*s\n", when, (int)(e->timestamp % 1000), (int)ml,
                e->message ? e->message : "");
}

static long long now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Events already printed: those before `top`, and at `top` the ones listed (by stream and
 * message, not event id, which some implementations do not keep stable across calls). */
typedef struct {
    long long top;
    svc_strings at_top;
} printed_set;

static int printed_before(printed_set *p, const logs_event *e)
{
    if (e->timestamp < p->top)
        return 1;
    char *key = xasprintf("%s\n%s", e->stream ? e->stream : "", e->message ? e->message : "");
    if (e->timestamp > p->top) {
        svc_strings_free(&p->at_top);
        p->top = e->timestamp;
    } else {
        for (size_t i = 0; i < p->at_top.n; i++)
            if (strcmp(p->at_top.items[i], key) == 0) {
                free(key);
                return 1;
            }
    }
    svc_strings_add(&p->at_top, key);
    free(key);
    return 0;
}

static int follow_loop(cli_client *c, const logs_state *s, logs_filter_input *in, int color)
{
    logs_cursor cur = {.since = in->start_time};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    double poll = 1.0;
    const char *env = getenv("ECSDEPLOY_POLL_SECONDS");
    if (env && atof(env) > 0)
        poll = atof(env) < 0.2 ? 0.2 : atof(env);
    int rc = EXIT_OK;
    printed_set printed = {0};
    while (!stop) {
        logs_events ev = {0};
        aws_error err;
        if (logs_follow(c->aws, in, &cur, &ev, &err) != 0) {
            rc = cli_client_fail("logs", &err);
            logs_events_free(&ev);
            break;
        }
        for (size_t i = 0; i < ev.n; i++)
            if (!printed_before(&printed, &ev.items[i]) && wanted(s, &ev.items[i]))
                print_event(&ev.items[i], color);
        fflush(stdout);
        logs_events_free(&ev);
        for (double slept = 0; slept < poll && !stop; slept += 0.05)
            usleep(50000);
    }
    logs_cursor_free(&cur);
    svc_strings_free(&printed.at_top);
    return rc;
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    logs_state *s = state;
    if (argc != 1)
        return cli_usage_error(argc ? "logs takes one service, got '%s' too"
                                    : "logs needs a service: ecsdeploy logs SERVICE [--follow]%s",
                               argc ? argv[1] : "");
    cli_client c;
    int rc = cli_client_open(g, 1, &c);
    if (rc == EXIT_OK && !stack_find_service(c.stack, argv[0]))
        rc = cli_usage_error("the stack %s has no service '%s' (see %s)", c.stack->name, argv[0],
                             c.stack->file);
    if (rc != EXIT_OK) {
        cli_client_close(&c);
        return rc;
    }
    char *group = stack_name_log_group(c.stack->name, argv[0]);
    double since = s->since > 0 ? s->since : 3600;
    logs_filter_input in = {.group = group, .start_time = now_ms() - (long long)(since * 1000)};
    if (s->follow) {
        rc = follow_loop(&c, s, &in, g->color);
    } else {
        logs_events ev = {0};
        aws_error err;
        if (logs_filter_log_events(c.aws, &in, &ev, &err) != 0) {
            if (strcmp(err.code, "ResourceNotFoundException") == 0)
                fprintf(stderr, "ecsdeploy: no log group %s yet (is the stack up?)\n", group);
            else
                cli_client_fail("logs", &err);
            rc = EXIT_AWS;
        }
        for (size_t i = 0; i < ev.n; i++)
            if (wanted(s, &ev.items[i]))
                print_event(&ev.items[i], g->color);
        logs_events_free(&ev);
    }
    free(group);
    cli_client_close(&c);
    return rc;
}

const cli_command cli_cmd_logs = {
    .name = "logs",
    .usage = "logs SERVICE [--follow] [--since D] [--container NAME] [--task ID]",
    .summary = "show a service's log events in time order (default: the last hour), or follow them",
    .options = options,
    .parse = parse,
    .state_size = sizeof(logs_state),
    .run = run,
};
