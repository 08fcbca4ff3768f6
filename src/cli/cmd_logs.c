/* `ecsdeploy logs SERVICE`: a service's log events, filtered, as text or JSON lines. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "client_internal.h"
#include "session_internal.h"
#include "clock.h"
#include "logs.h"
#include "stack_names.h"
#include "xalloc.h"
#include "text.h"

enum { OPT_FOLLOW = 3100, OPT_SINCE, OPT_LCONTAINER, OPT_LTASK, OPT_LIMIT, OPT_FILTER };

typedef struct {
    int follow;
    double start;           /* epoch seconds; 0: an hour ago */
    const char *container;
    const char *task;
    const char *filter;     /* CloudWatch Logs filter pattern, or NULL */
    int limit;              /* only the last N events (of the backlog with --follow); 0: all */
    int json;
} logs_state;

static const cli_flag flags[] = {
    {"follow", 0, NULL, OPT_FOLLOW, "keep printing new events until Ctrl-C", CLI_VALUE_ANY, NULL},
    {"since", 0, "WHEN", OPT_SINCE, "from a duration ago (30s, 10m, 2h, 1d) or an RFC 3339 time "
     "(default 1h)", CLI_VALUE_ANY, NULL},
    {"container", 0, "NAME", OPT_LCONTAINER, "only this container's events", CLI_VALUE_ANY, NULL},
    {"task", 0, "ID", OPT_LTASK, "only this task's events", CLI_VALUE_ANY, NULL},
    {"filter", 0, "PATTERN", OPT_FILTER, "a CloudWatch Logs filter pattern, e.g. ERROR or "
     "'?ERROR ?WARN' or '\"timed out\" -health'", CLI_VALUE_ANY, NULL},
    {"limit", 0, "N", OPT_LIMIT, "only the last N events (1-10000; with --follow: of the backlog)",
     CLI_VALUE_ANY, NULL},
    {0}};

static int parse(void *st, int opt, const char *arg)
{
    logs_state *s = st;
    switch (opt) {
    case OPT_FOLLOW: s->follow = 1; return 0;
    case OPT_LCONTAINER: s->container = arg; return 0;
    case OPT_LTASK: s->task = arg; return 0;
    case OPT_SINCE:
        if (cli_parse_since(arg, util_wall(), &s->start) != 0)
            return cli_usage_error("--since wants a duration (90s, 10m, 2h, 1d) or an RFC 3339 time "
                                   "(2024-05-01T12:00:00Z), not '%s'", arg);
        return 0;
    case OPT_FILTER:
        if (!*arg || strlen(arg) > 1024)
            return cli_usage_error("--filter wants a CloudWatch Logs filter pattern of 1 to 1024 "
                                   "characters");
        s->filter = arg;
        return 0;
    case OPT_LIMIT: {
        char *end;
        long v = strtol(arg, &end, 10);
        if (!*arg || *end || arg[0] < '0' || arg[0] > '9' || v < 1 || v > 10000)
            return cli_usage_error("--limit wants a number from 1 to 10000, got '%s'", arg);
        s->limit = (int)v;
        return 0;
    }
    }
    return CLI_NOT_MINE;
}

static cancel_flag stop;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stop, 1);
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

/* One event as one JSON line: time (RFC 3339, UTC, milliseconds), stream, task,
 * container, message. */
static void print_event_json(const logs_event *e)
{
    const char *k, *t;
    size_t kl;
    stream_parts(e->stream ? e->stream : "", &k, &kl, &t);
    char when[48], container[256];
    time_t secs = (time_t)(e->timestamp / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03dZ", (int)(e->timestamp % 1000));
    snprintf(container, sizeof container, "%.*s", (int)kl, k);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", when);
    cJSON_AddStringToObject(o, "stream", e->stream ? e->stream : "");
    cJSON_AddStringToObject(o, "task", t);
    cJSON_AddStringToObject(o, "container", container);
    cJSON_AddStringToObject(o, "message", e->message ? e->message : "");
    cli_print_json(o, 0);
}

static void print_event(const logs_state *s, const logs_event *e, int color)
{
    if (s->json) {
        print_event_json(e);
        return;
    }
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

/* --limit N: how many of the wanted events to leave out so that the last N remain. */
static size_t to_skip(const logs_state *s, const logs_events *ev)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->n; i++)
        n += (size_t)wanted(s, &ev->items[i]);
    return s->limit > 0 && n > (size_t)s->limit ? n - (size_t)s->limit : 0;
}

static int skip_one(size_t *skip)
{
    if (!*skip)
        return 0;
    (*skip)--;
    return 1;
}

/* The service refused the filter pattern: say so in its words, with where to look. */
static int report(const logs_state *s, const char *group, const aws_error *err)
{
    if (aws_error_is(err, AWS_IS_NOT_FOUND)) {
        fprintf(stderr, "ecsdeploy: no log group %s yet (is the stack up?)\n", group);
        return EXIT_AWS;
    }
    if (s->filter && aws_error_is(err, AWS_IS_INVALID)) {
        fprintf(stderr, "ecsdeploy: CloudWatch Logs refused --filter '%s': %s (see the filter "
                        "pattern syntax in the CloudWatch Logs user guide)\n", s->filter, err->message);
        return EXIT_AWS;
    }
    return cli_client_fail("logs", err);
}

static int follow_loop(cli_client *c, const logs_state *s, logs_filter_input *in, int color)
{
    logs_cursor cur = {.since = in->start_time};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    double poll = cli_poll_seconds(1.0);
    if (poll < 0.2)
        poll = 0.2;
    int rc = EXIT_OK;
    printed_set printed = {0};
    int first = 1;
    while (!atomic_load(&stop)) {
        logs_events ev = {0};
        aws_error err;
        if (logs_follow(c->aws, in, &cur, &ev, &err) != 0) {
            rc = report(s, in->group, &err);
            logs_events_free(&ev);
            break;
        }
        size_t skip = first ? to_skip(s, &ev) : 0;
        first = 0;
        for (size_t i = 0; i < ev.n; i++)
            if (!printed_before(&printed, &ev.items[i]) && wanted(s, &ev.items[i]) && !skip_one(&skip))
                print_event(s, &ev.items[i], color);
        fflush(stdout);
        logs_events_free(&ev);
        util_sleep(poll, &stop);
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
        rc = cli_no_such_service(c.stack, argv[0], NULL);
    if (rc != EXIT_OK) {
        cli_client_close(&c);
        return rc;
    }
    /* a group the stack's services share holds each one's streams under its name */
    const stack_service *svc = stack_find_service(c.stack, argv[0]);
    char *group = xstrdup(svc->log_group);
    char *streams = svc->log_group_shared ? xasprintf("%s/", svc->name) : NULL;
    double start = s->start > 0 ? s->start : util_wall() - 3600;
    s->json = g->output == OUTPUT_JSON;
    logs_filter_input in = {.group = group, .stream_prefix = streams, .start_time = (long long)(start * 1000),
                            .filter_pattern = s->filter};
    if (s->follow) {
        rc = follow_loop(&c, s, &in, g->color && !s->json);
    } else {
        logs_events ev = {0};
        aws_error err;
        if (logs_filter_log_events(c.aws, &in, &ev, &err) != 0)
            rc = report(s, group, &err);
        size_t skip = to_skip(s, &ev);
        for (size_t i = 0; rc == EXIT_OK && i < ev.n; i++)
            if (wanted(s, &ev.items[i]) && !skip_one(&skip))
                print_event(s, &ev.items[i], g->color && !s->json);
        logs_events_free(&ev);
    }
    free(group);
    free(streams);
    cli_client_close(&c);
    return rc;
}

const cli_command_code cli_code_logs = CLI_COMMAND_CODE(logs_state);
