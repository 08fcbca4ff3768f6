/* The monotonic and wall clocks and the cancellable sleep (see clock.h). */
#include "clock.h"

#include <errno.h>
#include <time.h>

#include "slots.h"

#define SLICE_S 0.05 /* how often a sleep with a cancel flag looks at it */

static double seconds_of(const struct timespec *ts)
{
    return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return seconds_of(&ts);
}

long long util_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double util_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return seconds_of(&ts);
}

/* The whole of s, resumed after a signal. */
static void sleep_through(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int sleep_cancellable(double seconds, cancel_flag *cancel)
{
    if (!cancel) {
        if (seconds > 0)
            sleep_through(seconds);
        return 0;
    }
    double end = util_now() + seconds;
    for (;;) {
        if (cancel_requested(cancel))
            return -1;
        double left = end - util_now();
        if (left <= 0)
            return 0;
        sleep_through(left < SLICE_S ? left : SLICE_S);
    }
}

/* A thread that sleeps holds no slot (slots.h): it gives its slot back for the sleep. */
int util_sleep(double seconds, cancel_flag *cancel)
{
    util_slots *slots = util_slots_of_thread();
    if (!slots || seconds <= 0)
        return sleep_cancellable(seconds, cancel);
    util_slots_give(slots);
    int rc = sleep_cancellable(seconds, cancel);
    util_slots_take(slots);
    return rc;
}
