/* What a kind tells while it works: progress events, and its waits on the one poll loop
 * (see res.h). */
#include <stdarg.h>
#include <stdio.h>

#include "aws_wait.h"
#include "clock.h"
#include "res.h"

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

/* A kind's wait: the one poll loop (aws_wait) with the context's bound, interval and
 * Ctrl-C, its progress shown as the node's events. */
typedef struct {
    res_ctx *ctx;
    res_node *n;
    res_action action;
    res_poll_fn poll;
    void *ud;
} wait_job;

static int wait_poll(void *ud, char *seen, size_t size, aws_error *err)
{
    wait_job *w = ud;
    return w->poll(w->ctx, w->n, w->ud, seen, size, err);
}

static void wait_progress(void *ud, const char *what, const char *seen, int checks,
                          double waited)
{
    wait_job *w = ud;
    (void)checks;
    res_event(w->ctx, w->n, w->action, RES_EV_PROGRESS, "waiting for %s: %s (%.0f s)", what,
              seen[0] ? seen : "not yet", waited);
}

static int wait_bounded(res_ctx *ctx, res_node *n, res_action action, const char *what,
                        double first_intervals, res_poll_fn poll, void *ud, double bound_s,
                        aws_error *err)
{
    wait_job w = {ctx, n, action, poll, ud};
    double interval = ctx->poll_s > 0 ? ctx->poll_s : 5;
    aws_wait_opts o = {.interval_s = interval,
                       .timeout_s = bound_s,
                       .cancel = ctx->cancel,
                       .progress = wait_progress,
                       .progress_ud = &w,
                       .backoff = 1,
                       .first_s = first_intervals * interval};
    return aws_wait(&o, what, wait_poll, &w, err);
}

int res_wait(res_ctx *ctx, res_node *n, res_action action, const char *what, res_poll_fn poll,
             void *ud, aws_error *err)
{
    return res_wait_after(ctx, n, action, what, 0, poll, ud, err);
}

int res_wait_after(res_ctx *ctx, res_node *n, res_action action, const char *what,
                   double first_intervals, res_poll_fn poll, void *ud, aws_error *err)
{
    return wait_bounded(ctx, n, action, what, first_intervals, poll, ud,
                        ctx->timeout_s > 0 ? ctx->timeout_s : 900, err);
}

int res_wait_long(res_ctx *ctx, res_node *n, res_action action, const char *what,
                  res_poll_fn poll, void *ud, aws_error *err)
{
    double bound = ctx->timeout_s > 0 ? ctx->timeout_s : 900;
    if (!ctx->timeout_given && bound < RES_LONG_WAIT_S)
        bound = RES_LONG_WAIT_S;
    return wait_bounded(ctx, n, action, what, 0, poll, ud, bound, err);
}

int res_sleep(res_ctx *ctx, double seconds)
{
    return util_sleep(seconds, ctx->cancel);
}
