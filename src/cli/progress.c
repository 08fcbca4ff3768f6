/*
 * Showing a run as it goes: on a terminal a live view of every resource (action, state,
 * elapsed), redrawn in place; elsewhere one plain line per event (CI logs); with
 * --output json one JSON object per line.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "session_internal.h"
#include "term_internal.h"
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
    struct sigaction old_winch;
};

/* Guards s->progress: the Ctrl-C watcher thread reads it while the command starts and
 * stops its view. Taken before a view's own lock, never after. */
static pthread_mutex_t view_lock = PTHREAD_MUTEX_INITIALIZER;

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
    cJSON_AddNumberToObject(o, "elapsed", (double)(long)((util_now() - p->t0) * 10) / 10);
    cli_print_json(o, 0);
    fflush(stdout);
}

static void emit_line(struct cli_progress *p, const res_node *n, res_action a, res_event_kind k,
                      const char *msg)
{
    const char *mark = k == RES_EV_FAILED ? "FAILED " : k == RES_EV_DONE ? "ok " : "";
    text_printf(stdout, "[%6.1fs] %-7s %s: %s%s\n", util_now() - p->t0, plan_action_name(a),
                n->id, mark, msg);
    fflush(stdout);
}

/* SIGWINCH: the ticker redraws at once at the new size. */
static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
    (void)sig;
    resized = 1;
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

/* One line of the live view, cut to the width (in display columns) and ended. */
static void put_line(buf *b, const char *text, int cols)
{
    buf_puts(b, "\033[2K");
    size_t at = b->len;
    cli_put_cut(b, text, (size_t)cols);
    for (size_t i = at; i < b->len; i++) /* a message's own line ends would break the frame */
        if (b->data[i] == '\n' || b->data[i] == '\r' || b->data[i] == '\t')
            b->data[i] = ' ';
    buf_puts(b, "\n");
}

/*
 * Redraw the live view in place. Called with the lock held. It never writes more lines
 * than the terminal has rows (less one), nor a line wider than it: the cursor can then
 * always go back to the first line, and no frame is left in the scrollback. In flight
 * and failed rows come first, then the latest finished ones; what does not fit is
 * counted on the last line.
 */
static void draw(struct cli_progress *p)
{
    int cols = 80, rows = 24;
    cli_term_size(STDOUT_FILENO, &cols, &rows);
    cols = cols > 1 ? cols - 1 : 1; /* the last column would wrap on some terminals */
    int room = rows - 1 > 2 ? rows - 1 : 2; /* header, rows, the count of the rest */
    buf b = BUF_INIT, line = BUF_INIT;
    if (p->drawn_lines)
        buf_printf(&b, "\033[%dA", p->drawn_lines);
    buf_puts(&b, "\r");
    size_t done = 0, running = 0, failed = 0;
    for (size_t i = 0; i < p->nrows; i++) {
        done += p->rows[i].state == ROW_DONE;
        running += p->rows[i].state == ROW_RUNNING;
        failed += p->rows[i].state == ROW_FAILED;
    }
    double t = util_now();
    buf_printf(&line, "ecsdeploy %s %s — %zu/%zu done, %.0f s", p->verb, p->s->stack->name, done,
               p->nrows, t - p->t0);
    put_line(&b, buf_str(&line), cols);
    int lines = 1;
    size_t shown = 0;
    /* every row when they fit; else keep the last line for the count of the rest */
    int limit = 1 + (int)p->nrows <= room ? room : room - 1;
    /* in flight and failed first, then finished from the latest back, then waiting */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t k = 0; k < p->nrows && lines < limit; k++) {
            size_t i = pass == 1 ? p->nrows - 1 - k : k;
            const row *r = &p->rows[i];
            int urgent = r->state == ROW_RUNNING || r->state == ROW_FAILED;
            if (pass == 0 ? !urgent : pass == 1 ? r->state != ROW_DONE : r->state != ROW_WAITING)
                continue;
            double secs = (r->ended > 0 ? r->ended : t) - r->started;
            buf_reset(&line);
            buf_printf(&line, " %s %-7s %-24s %4.0f s  %s", state_mark(r, p->color),
                       plan_action_name(r->action), r->node->id, r->started > 0 ? secs : 0.0,
                       r->message);
            put_line(&b, buf_str(&line), cols);
            lines++;
            shown++;
        }
    }
    if (shown < p->nrows) {
        size_t waiting = p->nrows - done - running - failed;
        buf_reset(&line);
        buf_printf(&line, "   … and %zu more (%zu waiting, %zu in flight, %zu done)", p->nrows - shown,
                   waiting, running, done);
        put_line(&b, buf_str(&line), cols);
        lines++;
    }
    buf_puts(&b, "\033[J"); /* a shorter frame than the last: clear what is below */
    p->drawn_lines = lines;
    fputs(buf_str(&b), stdout);
    fflush(stdout);
    buf_free(&b);
    buf_free(&line);
}

static void on_event(void *ud, const res_node *n, res_action a, res_event_kind k, const char *msg)
{
    struct cli_progress *p = ud;
    pthread_mutex_lock(&p->lock);
    row *r = find_row(p, n);
    r->action = a;
    if (k == RES_EV_START) {
        r->state = ROW_RUNNING;
        r->started = util_now();
        r->ended = 0;
    } else if (k == RES_EV_DONE || k == RES_EV_FAILED) {
        r->state = k == RES_EV_DONE ? ROW_DONE : ROW_FAILED;
        r->ended = util_now();
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
    for (int slice = 0;; slice++) {
        util_sleep(0.1, NULL);
        if (!resized && slice % 5 != 4) /* twice a second, or at once after a resize */
            continue;
        resized = 0;
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
    p->t0 = util_now();
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
    if (p->style == PROGRESS_LIVE) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_winch;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGWINCH, &sa, &p->old_winch);
        if (pthread_create(&p->ticker, NULL, tick, p) == 0)
            p->has_ticker = 1;
    }
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
        sigaction(SIGWINCH, &p->old_winch, NULL);
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
