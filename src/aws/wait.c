/* The one poll loop (see aws_wait.h). */
#include "aws_wait.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEFAULT_INTERVAL 5.0
#define DEFAULT_BOUND 900.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int aws_wait_sleep(double seconds, cancel_flag *cancel)
{
    double end = now_s() + seconds;
    while (!cancel_requested(cancel)) {
        double left = end - now_s();
        if (left <= 0)
            return 0;
        double slice = left < 0.1 ? left : 0.1;
        struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};
        nanosleep(&ts, NULL);
    }
    return -1;
}

int aws_wait(const aws_wait_opts *o, const char *what, aws_poll_fn poll, void *ud,
             aws_error *err)
{
    static const aws_wait_opts none = {0};
    if (!o)
        o = &none;
    double interval = o->interval_s > 0 ? o->interval_s : DEFAULT_INTERVAL;
    double bound = o->timeout_s > 0 ? o->timeout_s : o->max_checks > 0 ? 0 : DEFAULT_BOUND;
    double start = now_s();
    char seen[512] = "", shown[512] = "";
    int checks = 0;
    aws_error_clear(err);
    for (;;) {
        seen[0] = '\0';
        checks++;
        int rc = poll(ud, seen, sizeof seen, err);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
        double waited = now_s() - start;
        if (o->progress && (checks == 1 || strcmp(seen, shown) != 0))
            o->progress(o->progress_ud, what, seen, checks, waited);
        snprintf(shown, sizeof shown, "%s", seen);
        const char *last = seen[0] ? seen : "nothing yet";
        if ((o->max_checks > 0 && checks >= o->max_checks) || (bound > 0 && waited >= bound)) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "WaiterTimeout",
                          "gave up waiting for %s after %d check%s in %.0f s; last seen: %s",
                          what, checks, checks == 1 ? "" : "s", waited, last);
            return -1;
        }
        double pause = interval;
        if (bound > 0 && waited + pause > bound)
            pause = bound - waited; /* the last check falls on the bound */
        if (aws_wait_sleep(pause, o->cancel) != 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "Interrupted",
                          "interrupted while waiting for %s; last seen: %s", what, last);
            return -1;
        }
    }
}
