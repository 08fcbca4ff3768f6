/* The one poll loop (see aws_wait.h). */
#include "aws_wait.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

#define DEFAULT_INTERVAL 5.0
#define DEFAULT_BOUND 900.0

int aws_wait(const aws_wait_opts *o, const char *what, aws_poll_fn poll, void *ud,
             aws_error *err)
{
    static const aws_wait_opts none = {0};
    if (!o)
        o = &none;
    double interval = o->interval_s > 0 ? o->interval_s : DEFAULT_INTERVAL;
    double bound = o->timeout_s > 0 ? o->timeout_s : o->max_checks > 0 ? 0 : DEFAULT_BOUND;
    double start = util_now();
    char seen[512] = "", shown[512] = "";
    int checks = 0, unchanged = 0; /* checks since what was seen last changed */
    aws_error_clear(err);
    double pause = o->first_s > 0 ? o->first_s : 0;
    if (pause > 0 && o->progress)
        o->progress(o->progress_ud, what, "", 0, 0);
    for (;;) {
        if (bound > 0 && pause > bound - (util_now() - start))
            pause = bound - (util_now() - start); /* the last check falls on the bound */
        if (pause > 0 && util_sleep(pause, o->cancel) != 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "Interrupted",
                          "interrupted while waiting for %s; last seen: %s", what,
                          shown[0] ? shown : "nothing yet");
            return -1;
        }
        seen[0] = '\0';
        checks++;
        int rc = poll(ud, seen, sizeof seen, err);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
        double waited = util_now() - start;
        int changed = checks == 1 || strcmp(seen, shown) != 0;
        if (o->progress && changed)
            o->progress(o->progress_ud, what, seen, checks, waited);
        snprintf(shown, sizeof shown, "%s", seen);
        unchanged = changed ? 1 : unchanged + 1;
        const char *last = seen[0] ? seen : "nothing yet";
        if ((o->max_checks > 0 && checks >= o->max_checks) || (bound > 0 && waited >= bound)) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "WaiterTimeout",
                          "gave up waiting for %s after %d check%s in %.0f s; last seen: %s",
                          what, checks, checks == 1 ? "" : "s", waited, last);
            return -1;
        }
        pause = o->self_paced ? 0 : interval;
        if (o->backoff && unchanged > AWS_WAIT_BACKOFF_AFTER)
            pause *= unchanged > 2 * AWS_WAIT_BACKOFF_AFTER ? 3 : 2;
    }
}
