/* The one poll loop (aws_wait.h): a long wait backs off. Only lower bounds of time are
 * asserted (a sleep is never shorter than asked), so that a loaded machine cannot fail it. */
#include <check.h>
#include <stdio.h>

#include "aws_wait.h"
#include "clock.h"
#include "unit_suite.h"

#define INTERVAL 0.02
#define CHECKS 24

typedef struct {
    int n;
    double at[CHECKS + 1];
} recorder;

static int record(void *ud, char *seen, size_t size, aws_error *err)
{
    (void)err;
    recorder *r = ud;
    r->at[r->n++] = util_now();
    snprintf(seen, size, "pending");
    return r->n >= CHECKS;
}

/* The pause before check k (1-based, k >= 2). */
static double gap(const recorder *r, int k)
{
    return r->at[k - 1] - r->at[k - 2];
}

START_TEST(a_long_wait_looks_less_often)
{
    recorder r = {0};
    aws_wait_opts o = {.interval_s = INTERVAL, .backoff = 1};
    aws_error err;
    ck_assert_int_eq(aws_wait(&o, "the thing", record, &r, &err), 0);
    ck_assert_int_eq(r.n, CHECKS);
    int after = AWS_WAIT_BACKOFF_AFTER;
    for (int k = after + 2; k <= 2 * after + 1; k++)
        ck_assert_msg(gap(&r, k) >= 2 * INTERVAL * 0.99, "check %d came %.3f s after the last", k,
                      gap(&r, k));
    for (int k = 2 * after + 2; k <= CHECKS; k++)
        ck_assert_msg(gap(&r, k) >= 3 * INTERVAL * 0.99, "check %d came %.3f s after the last", k,
                      gap(&r, k));
}
END_TEST

UNIT_SUITE(aws_wait, 30, a_long_wait_looks_less_often)
