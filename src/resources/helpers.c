/* What every kind uses: progress events, bounded waits, tags. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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
    return ctx->cancel && *ctx->cancel;
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
