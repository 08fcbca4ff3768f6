/*
 * The one poll loop: every wait of the program (a service client's waiter, a resource
 * kind's wait for AWS to finish, the watch of a deployment) checks with it. A wait has a
 * bound (time, number of checks, or both), shows what it waits for and what it saw while
 * it waits, can be cut short by a Ctrl-C, and when it gives up names what it waited for and
 * the last thing AWS said.
 */
#ifndef ECSDEPLOY_AWS_WAIT_H
#define ECSDEPLOY_AWS_WAIT_H

#include <stddef.h>

#include "aws_error.h"
#include "cancel.h"

/* One check: 1 done, 0 not yet, -1 failed for good (err filled). Writes what it saw into
 * seen (size bytes, "" on entry): "nat-0abc pending", AWS's own words where it has some. */
typedef int (*aws_poll_fn)(void *ud, char *seen, size_t size, aws_error *err);

/* Told after a check that did not end the wait, when what was seen changed (or on the
 * first check): what is waited for, what was seen, how many checks so far, and how long
 * the wait has lasted. */
typedef void (*aws_wait_progress_fn)(void *ud, const char *what, const char *seen, int checks,
                                     double waited_s);

typedef struct {
    double interval_s;            /* between checks; <= 0: 5 s */
    double timeout_s;             /* give up after this long; 0: no time bound */
    int max_checks;               /* give up after this many checks; 0: no such bound */
    cancel_flag *cancel;          /* set: ends the wait early; may be NULL (cancel.h) */
    aws_wait_progress_fn progress; /* may be NULL */
    void *progress_ud;
    int self_paced;               /* poll waits for its own next look (a shared poller,
                                     poller.h): no pause between checks */
    int backoff;                  /* a long wait looks less often (AWS_WAIT_BACKOFF_*) */
    double first_s;               /* the first check only after this long (0: at once): what
                                     AWS documents as never quicker is not asked about
                                     before; progress tells the wait at its start */
} aws_wait_opts;

/* With .backoff: the first AWS_WAIT_BACKOFF_AFTER checks after the last change of what
 * was seen come one interval apart, the next as many two intervals apart, then three.
 * What takes AWS minutes (a NAT gateway, a database, an ENI let go) is seen at most two
 * intervals late (10 s at 5 s) with a third of the calls; a change seen starts over. */
#define AWS_WAIT_BACKOFF_AFTER 6

/*
 * Check until poll says done (0), fails (-1 with its error, unchanged), or the wait ends:
 *   - a bound reached: -1, kind AWS_ERR_TIMEOUT, code "WaiterTimeout": "gave up waiting
 *     for WHAT after N checks in S s; last seen: SEEN";
 *   - *cancel set: -1, code "Interrupted": "interrupted while waiting for WHAT; last seen:
 *     SEEN" (the sleep between checks, util_sleep, notices within 50 ms).
 * With neither bound set, the wait is bounded at 15 minutes. `what` reads after "waiting
 * for": "NAT gateway nat-1 to be available".
 */
int aws_wait(const aws_wait_opts *o, const char *what, aws_poll_fn poll, void *ud,
             aws_error *err);

#endif
