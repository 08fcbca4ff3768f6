/*
 * `up --timeline FILE`: record every resource's start, first "waiting for ..." and end
 * from the run's events (the ones `--output json` prints), find the critical path and
 * write the picture (timeline_svg.c).
 */
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "picture_internal.h"
#include "xalloc.h"

typedef struct {
    const res_node *node;
    double start, wait_from, end;
    int failed, ended;
} span;

struct cli_timeline {
    pthread_mutex_t lock;
    double t0;
    span *spans;
    size_t n;
    res_event_fn next;
    void *next_ud;
    cli_session *s;
};

static span *find(struct cli_timeline *t, const res_node *n)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->spans[i].node == n)
            return &t->spans[i];
    return NULL;
}

/* A node's first action only: what a rollback does afterwards is not its own bar. */
static void on_event(void *ud, const res_node *n, res_action a, res_event_kind k, const char *msg)
{
    struct cli_timeline *t = ud;
    double now = util_now() - t->t0;
    pthread_mutex_lock(&t->lock);
    span *sp = find(t, n);
    if (k == RES_EV_START && !sp) {
        t->spans = xrealloc(t->spans, (t->n + 1) * sizeof *t->spans);
        sp = &t->spans[t->n++];
        memset(sp, 0, sizeof *sp);
        sp->node = n;
        sp->start = now;
        sp->wait_from = -1;
    } else if (sp && !sp->ended) {
        if (k == RES_EV_PROGRESS && sp->wait_from < 0 && msg && strncmp(msg, "waiting for", 11) == 0)
            sp->wait_from = now;
        if (k == RES_EV_DONE || k == RES_EV_FAILED) {
            sp->end = now;
            sp->ended = 1;
            sp->failed = k == RES_EV_FAILED;
        }
    }
    pthread_mutex_unlock(&t->lock);
    if (t->next)
        t->next(t->next_ud, n, a, k, msg);
}

int cli_timeline_check(const char *path)
{
    if (!*path) {
        fprintf(stderr, "ecsdeploy: --timeline wants a file name, like up.svg\n");
        return -1;
    }
    if (access(path, F_OK) == 0) {
        if (access(path, W_OK) == 0)
            return 0;
        fprintf(stderr, "ecsdeploy: --timeline %s: %s; nothing was changed\n", path, strerror(errno));
        return -1;
    }
    char *copy = xstrdup(path);
    const char *dir = dirname(copy);
    int ok = access(dir, W_OK | X_OK) == 0;
    if (!ok)
        fprintf(stderr, "ecsdeploy: --timeline %s: cannot create it in %s: %s; nothing was changed\n",
                path, dir, strerror(errno));
    free(copy);
    return ok ? 0 : -1;
}

struct cli_timeline *cli_timeline_start(cli_session *s)
{
    struct cli_timeline *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    t->t0 = util_now();
    t->s = s;
    t->next = s->ctx.on_event;
    t->next_ud = s->ctx.event_ud;
    s->ctx.on_event = on_event;
    s->ctx.event_ud = t;
    return t;
}

/* The critical path: from the bar that ended last, back through the dependency each bar
 * waited for (the one that ended last before it started). */
static void mark_critical(const struct cli_timeline *t, cli_timeline_bar *bars)
{
    size_t cur = t->n;
    for (size_t i = 0; i < t->n; i++)
        if (cur == t->n || bars[i].end > bars[cur].end)
            cur = i;
    while (cur < t->n && !bars[cur].critical) {
        bars[cur].critical = 1;
        const res_node *n = t->spans[cur].node;
        size_t next = t->n;
        for (size_t d = 0; d < n->ndeps; d++)
            for (size_t j = 0; j < t->n; j++)
                if (t->spans[j].node == n->deps[d] && bars[j].end <= bars[cur].start + 1e-6 &&
                    (next == t->n || bars[j].end > bars[next].end))
                    next = j;
        cur = next;
    }
}

int cli_timeline_write(struct cli_timeline *t, const char *path, const char *title)
{
    if (!t)
        return 0;
    if (t->s->ctx.event_ud == t) { /* stop recording: the renderer before us gets events again */
        t->s->ctx.on_event = t->next;
        t->s->ctx.event_ud = t->next_ud;
    }
    double last = util_now() - t->t0;
    cli_timeline_bar *bars = xcalloc(t->n ? t->n : 1, sizeof *bars);
    for (size_t i = 0; i < t->n; i++) {
        const span *sp = &t->spans[i];
        bars[i].id = sp->node->id;
        bars[i].start = sp->start;
        bars[i].end = sp->ended ? sp->end : last; /* still running when the run ended */
        bars[i].wait_from = sp->wait_from;
        bars[i].failed = sp->failed || !sp->ended;
    }
    mark_critical(t, bars);
    char *svg = cli_timeline_svg(title, bars, t->n);
    int rc = 0;
    FILE *f = fopen(path, "w");
    int bad = !f;
    if (f) {
        bad |= fputs(svg, f) == EOF;
        bad |= fclose(f) != 0;
    }
    if (bad) {
        fprintf(stderr, "ecsdeploy: could not write the timeline %s: %s\n", path, strerror(errno));
        rc = -1;
    }
    free(svg);
    free(bars);
    free(t->spans);
    pthread_mutex_destroy(&t->lock);
    free(t);
    return rc;
}
