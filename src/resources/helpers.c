/* What every kind uses: progress events, bounded waits, tags. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "res.h"
#include "xalloc.h"

void res_event(res_ctx *ctx, const res_node *n, res_action action, res_event_kind kind,
               const char *fmt, ...)
{
    if (!ctx->on_event)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->on_event(ctx->event_ud, n, action, kind, msg);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cancelled(const res_ctx *ctx)
{
    return cancel_requested(ctx->cancel);
}

int res_sleep(res_ctx *ctx, double seconds)
{
    double end = now_s() + seconds;
    while (!cancelled(ctx)) {
        double left = end - now_s();
        if (left <= 0)
            return 0;
        double slice = left < 0.1 ? left : 0.1;
        struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};
        nanosleep(&ts, NULL);
    }
    return -1;
}

int res_wait(res_ctx *ctx, res_node *n, res_action action, const char *what, res_poll_fn poll,
             void *ud, aws_error *err)
{
    double start = now_s();
    double timeout = ctx->timeout_s > 0 ? ctx->timeout_s : 900;
    double interval = ctx->poll_s > 0 ? ctx->poll_s : 5;
    char status[512] = "", shown[512] = "";
    for (;;) {
        status[0] = '\0';
        int rc = poll(ctx, n, ud, status, sizeof status, err);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
        double waited = now_s() - start;
        if (strcmp(status, shown) != 0) {
            res_event(ctx, n, action, RES_EV_PROGRESS, "waiting for %s: %s (%.0f s)", what,
                      status[0] ? status : "not yet", waited);
            snprintf(shown, sizeof shown, "%s", status);
        }
        if (waited >= timeout) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "WaitTimeout",
                          "gave up waiting for %s after %.0f s; last seen: %s", what, waited,
                          status[0] ? status : "no answer yet");
            return -1;
        }
        if (res_sleep(ctx, interval) != 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "Interrupted",
                          "interrupted while waiting for %s; last seen: %s", what,
                          status[0] ? status : "no answer yet");
            return -1;
        }
    }
}

cJSON *res_tags(res_ctx *ctx, const res_node *n)
{
    cJSON *t = cJSON_CreateObject();
    if (ctx->stack)
        for (size_t i = 0; i < ctx->stack->ntags; i++)
            cJSON_AddStringToObject(t, ctx->stack->tags[i].name, ctx->stack->tags[i].value);
    cJSON_AddStringToObject(t, RES_TAG_STACK, ctx->stack_name);
    cJSON_AddStringToObject(t, RES_TAG_ID, n->id);
    return t;
}

void res_tags_list(res_ctx *ctx, const res_node *n, svc_tags *out)
{
    memset(out, 0, sizeof *out);
    cJSON *t = res_tags(ctx, n);
    for (const cJSON *c = t->child; c; c = c->next)
        svc_tags_add(out, c->string, c->valuestring);
    cJSON_Delete(t);
}

int res_tags_match(res_ctx *ctx, const svc_tags *tags, const char *id)
{
    const char *stack = svc_tags_get(tags, RES_TAG_STACK);
    if (!stack || strcmp(stack, ctx->stack_name) != 0)
        return 0;
    return !id || (svc_tags_get(tags, RES_TAG_ID) && strcmp(svc_tags_get(tags, RES_TAG_ID), id) == 0);
}

typedef struct {
    res_each_fn fn;
    void *ud;
    size_t n, next;
    pthread_mutex_t lock;
    int failed;
    aws_error first;
    int *rcs;        /* res_parallel_all: every call's result and error, none stops the rest */
    aws_error *errs;
} each_state;

static void *each_worker(void *arg)
{
    each_state *e = arg;
    for (;;) {
        pthread_mutex_lock(&e->lock);
        size_t i = e->failed ? e->n : e->next++;
        pthread_mutex_unlock(&e->lock);
        if (i >= e->n)
            return NULL;
        aws_error err;
        aws_error_clear(&err);
        if (e->rcs) {
            aws_error_clear(&e->errs[i]);
            e->rcs[i] = e->fn(e->ud, i, &e->errs[i]);
            continue;
        }
        if (e->fn(e->ud, i, &err) != 0) {
            pthread_mutex_lock(&e->lock);
            if (!e->failed) {
                e->failed = 1;
                e->first = err;
            }
            pthread_mutex_unlock(&e->lock);
        }
    }
}

static void run_each(each_state *e, int width)
{
    pthread_mutex_init(&e->lock, NULL);
    size_t threads = width < 1 ? 1 : (size_t)width;
    if (threads > e->n)
        threads = e->n;
    if (threads == 1) { /* one call: no thread to start */
        each_worker(e);
        pthread_mutex_destroy(&e->lock);
        return;
    }
    pthread_t *t = xcalloc(threads ? threads : 1, sizeof *t);
    for (size_t i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, each_worker, e);
    for (size_t i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    free(t);
    pthread_mutex_destroy(&e->lock);
}

int res_parallel(size_t n, int width, res_each_fn fn, void *ud, aws_error *err)
{
    each_state e = {.fn = fn, .ud = ud, .n = n};
    run_each(&e, width);
    if (e.failed)
        *err = e.first;
    return e.failed ? -1 : 0;
}

int res_parallel_all(size_t n, int width, res_each_fn fn, void *ud, int *rcs, aws_error *errs)
{
    each_state e = {.fn = fn, .ud = ud, .n = n, .rcs = rcs, .errs = errs};
    run_each(&e, width);
    for (size_t i = 0; i < n; i++)
        if (rcs[i] != 0)
            return -1;
    return 0;
}

const char *res_partition(const res_ctx *ctx)
{
    return ctx->graph && ctx->graph->partition ? ctx->graph->partition : "aws";
}
