/*
 * Showing a run as it goes: on a terminal a live view of every resource (action, state,
 * elapsed), redrawn in place; elsewhere one plain line per event (CI logs); with
 * --output json one JSON object per line.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "session_internal.h"
#include "xalloc.h"
#include "text.h"

typedef enum { ROW_WAITING, ROW_RUNNING, ROW_DONE, ROW_FAILED } row_state;

typedef struct {
    const res_node *node;
    res_action action;
    row_state state;
    double started, ended;
    char message[256];
} row;

struct cli_progress {
    cli_session *s;
    const char *verb;
    progress_style style;
    int color;
    pthread_mutex_t lock;
    row *rows;
    size_t nrows;
    double t0;
    int drawn_lines;     /* live view: lines drawn last time */
    int stop;
    pthread_t ticker;
    int has_ticker;
};

/* Guards s->progress: the Ctrl-C watcher thread reads it while the command starts and
 * stops its view. Taken before a view's own lock, never after. */
static pthread_mutex_t view_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static row *find_row(struct cli_progress *p, const res_node *n)
{
    for (size_t i = 0; i < p->nrows; i++)
        if (p->rows[i].node == n)
            return &p->rows[i];
    p->rows = xrealloc(p->rows, (p->nrows + 1) * sizeof *p->rows);
    row *r = &p->rows[p->nrows++];
    memset(r, 0, sizeof *r);
    r->node = n;
    return r;
}

static const char *event_name(res_event_kind k)
{
    switch (k) {
    case RES_EV_START: return "start";
    case RES_EV_PROGRESS: return "progress";
    case RES_EV_DONE: return "done";
    case RES_EV_FAILED: return "failed";
    case RES_EV_NOTE: return "note";
    }
    return "?";
}

static void emit_json(struct cli_progress *p, const res_node *n, res_action a, res_event_kind k,
                      const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "event", event_name(k));
    cJSON_AddStringToObject(o, "id", n->id);
    cJSON_AddStringToObject(o, "kind", n->kind->name);
    cJSON_AddStringToObject(o, "action", plan_action_name(a));
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddNumberToObject(o, "elapsed", (double)(long)((now_s() - p->t0) * 10) / 10);
    char *s = cJSON_PrintUnformatted(o);
    printf("%s\n", s);
    fflush(stdout);
    free(s);
    cJSON_Delete(o);
}

static void emit_line(struct cli_progress *p, const res_node *n, res_action a, res_event_kind k,
                      const char *msg)
{
    const char *mark = k == RES_EV_FAILED ? "FAILED " : k == RES_EV_DONE ? "ok " : "";
    text_printf(stdout, "[%6.1fs] %-7s %s: %s%s\n", now_s() - p->t0, plan_action_name(a), n->id,
                mark, msg);
    fflush(stdout);
}

static int terminal_rows(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 4)
        return ws.ws_row;
    return 24;
}

static const char *state_mark(const row *r, int color)
{
    switch (r->state) {
    case ROW_DONE: return color ? "\033[32m✓\033[0m" : "ok";
    case ROW_FAILED: return color ? "\033[31m✗\033[0m" : "!!";
    case ROW_RUNNING: return color ? "\033[33m…\033[0m" : "..";
    default: return " ";
    }
}

/* Redraw the live view in place. Called with the lock held. */
static void draw(struct cli_progress *p)
{
    buf b = BUF_INIT;
    for (int i = 0; i < p->drawn_lines; i++)
        buf_puts(&b, "\033[1A\033[2K");
    size_t done = 0, total = 0;
    for (size_t i = 0; i < p->nrows; i++) {
        total++;
        done += p->rows[i].state == ROW_DONE;
    }
    double t = now_s();
    buf_printf(&b, "\r\033[2Kecsdeploy %s %s — %zu/%zu done, %.0f s\n", p->verb, p->s->stack->name,
               done, total, t - p->t0);
    int lines = 1, room = terminal_rows() - 2;
    /* running and failed rows first, then the most recent others */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->nrows && lines < room; i++) {
            const row *r = &p->rows[i];
            int urgent = r->state == ROW_RUNNING || r->state == ROW_FAILED;
            if ((pass == 0) != urgent)
                continue;
            double secs = (r->ended > 0 ? r->ended : t) - r->started;
            buf_printf(&b, "\033[2K %s %-7s %-28s %5.0f s  %.*s\n", state_mark(r, p->color),
                       plan_action_name(r->action), r->node->id, r->started > 0 ? secs : 0.0,
                       70, r->message);
            lines++;
        }
    }
    p->drawn_lines = lines;
    fputs(buf_str(&b), stdout);
    fflush(stdout);
    buf_free(&b);
}

static void on_event(void *ud, const res_node *n, res_action a, res_event_kind k, const char *msg)
{
    struct cli_progress *p = ud;
    pthread_mutex_lock(&p->lock);
    row *r = find_row(p, n);
    r->action = a;
    if (k == RES_EV_START) {
        r->state = ROW_RUNNING;
        r->started = now_s();
        r->ended = 0;
    } else if (k == RES_EV_DONE || k == RES_EV_FAILED) {
        r->state = k == RES_EV_DONE ? ROW_DONE : ROW_FAILED;
        r->ended = now_s();
    }
    char *safe = text_escape(msg, 0); /* the live view draws it between its own sequences */
    snprintf(r->message, sizeof r->message, "%s", safe);
    free(safe);
    if (p->style == PROGRESS_JSON)
        emit_json(p, n, a, k, msg);
    else if (p->style == PROGRESS_LINES)
        emit_line(p, n, a, k, msg);
    else
        draw(p);
    pthread_mutex_unlock(&p->lock);
}

static void *tick(void *arg)
{
    struct cli_progress *p = arg;
    for (;;) {
        usleep(500000);
        pthread_mutex_lock(&p->lock);
        if (p->stop) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        draw(p);
        pthread_mutex_unlock(&p->lock);
    }
}

struct cli_progress *cli_progress_start(cli_session *s, const char *verb)
{
    struct cli_progress *p = xcalloc(1, sizeof *p);
    p->s = s;
    p->verb = verb;
    p->t0 = now_s();
    p->color = s->g->color;
    pthread_mutex_init(&p->lock, NULL);
    if (s->g->output == OUTPUT_JSON)
        p->style = PROGRESS_JSON;
    else if (isatty(STDOUT_FILENO) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0)
        p->style = PROGRESS_LIVE;
    else
        p->style = PROGRESS_LINES;
    /* every node with something to do gets a row from the start */
    for (size_t i = 0; i < s->graph->n; i++)
        if (s->graph->nodes[i]->action != RES_NONE)
            find_row(p, s->graph->nodes[i])->action = s->graph->nodes[i]->action;
    s->ctx.on_event = on_event;
    s->ctx.event_ud = p;
    pthread_mutex_lock(&view_lock);
    s->progress = p;
    pthread_mutex_unlock(&view_lock);
    if (p->style == PROGRESS_LIVE && pthread_create(&p->ticker, NULL, tick, p) == 0)
        p->has_ticker = 1;
    return p;
}

void cli_progress_stop(struct cli_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_mutex_unlock(&p->lock);
    if (p->has_ticker)
        pthread_join(p->ticker, NULL);
    if (p->style == PROGRESS_LIVE) {
        pthread_mutex_lock(&p->lock);
        draw(p);
        pthread_mutex_unlock(&p->lock);
    }
    p->s->ctx.on_event = NULL;
    pthread_mutex_lock(&view_lock);
    p->s->progress = NULL;
    pthread_mutex_unlock(&view_lock);
    pthread_mutex_destroy(&p->lock);
    free(p->rows);
    free(p);
}

char **cli_session_in_flight(cli_session *s)
{
    pthread_mutex_lock(&view_lock);
    struct cli_progress *p = s->progress;
    char **ids = NULL;
    if (p) {
        pthread_mutex_lock(&p->lock); /* rows grow (and move) as events come */
        ids = xcalloc(p->nrows + 1, sizeof *ids);
        size_t n = 0;
        for (size_t i = 0; i < p->nrows; i++)
            if (p->rows[i].state == ROW_RUNNING)
                ids[n++] = xstrdup(p->rows[i].node->id);
        pthread_mutex_unlock(&p->lock);
    }
    pthread_mutex_unlock(&view_lock);
    return ids;
}
