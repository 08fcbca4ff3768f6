/* The waiters of the service clients: the one poll loop with each waiter's model
 * defaults (see svc.h). */
#include "svc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svc_json_internal.h"

int svc_wait(const aws_wait_opts *o, int def_checks, double def_interval, const char *what,
             aws_poll_fn poll, void *ud, aws_error *err)
{
    aws_wait_opts w = o ? *o : (aws_wait_opts){0};
    if (w.max_checks <= 0)
        w.max_checks = def_checks;
    if (w.interval_s <= 0)
        w.interval_s = def_interval;
    int rc = aws_wait(&w, what, poll, ud, err);
    if (rc != 0 && !aws_error_is(err, AWS_IS_TIMED_OUT | AWS_IS_CANCELLED))
        aws_error_prefix(err, "waiting for %s: ", what);
    return rc;
}

int svc_waitf(const aws_wait_opts *o, int def_checks, double def_interval, aws_poll_fn poll,
              void *ud, aws_error *err, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return svc_wait(o, def_checks, def_interval, what, poll, ud, err);
}

int svc_state_in(const char *state, const char *const *list)
{
    for (size_t k = 0; list && list[k]; k++)
        if (strcmp(state, list[k]) == 0)
            return 1;
    return 0;
}
