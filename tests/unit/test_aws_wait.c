/* The one poll loop (aws_wait.h): a long wait backs off; a first look can be held back,
 * with the wait shown at its start and a Ctrl-C heard meanwhile. Only lower bounds of time are
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

typedef struct {
    int calls, first_checks;
    char first_seen[32];
} shown;

static void show(void *ud, const char *what, const char *seen, int checks, double waited)
{
    shown *s = ud;
    (void)what;
    (void)waited;
    if (s->calls++ == 0) {
        s->first_checks = checks;
        snprintf(s->first_seen, sizeof s->first_seen, "%s", seen);
    }
}

START_TEST(the_first_look_waits_for_first_s)
{
    recorder r = {0};
    shown s = {0};
    aws_wait_opts o = {.interval_s = INTERVAL, .first_s = 10 * INTERVAL, .max_checks = 2,
                       .progress = show, .progress_ud = &s};
    aws_error err;
    double start = util_now();
    ck_assert_int_eq(aws_wait(&o, "the thing", record, &r, &err), -1); /* max_checks */
    ck_assert_int_eq(r.n, 2);
    ck_assert_msg(r.at[0] - start >= 10 * INTERVAL * 0.99, "first check after %.3f s",
                  r.at[0] - start);
    ck_assert_msg(gap(&r, 2) >= INTERVAL * 0.99, "second check %.3f s after the first", gap(&r, 2));
    /* the wait was shown before the pause: no check yet, nothing seen */
    ck_assert_int_eq(s.first_checks, 0);
    ck_assert_str_eq(s.first_seen, "");
    ck_assert_int_ge(s.calls, 2);
}
END_TEST

START_TEST(a_cancel_ends_the_first_pause)
{
    recorder r = {0};
    cancel_flag stop = 1;
    aws_wait_opts o = {.interval_s = INTERVAL, .first_s = 60, .cancel = &stop};
    aws_error err;
    double start = util_now();
    ck_assert_int_eq(aws_wait(&o, "the thing", record, &r, &err), -1);
    ck_assert_str_eq(err.code, "Interrupted");
    ck_assert_int_eq(r.n, 0);
    ck_assert_msg(util_now() - start < 30, "the pause was not cut short");
}
END_TEST

UNIT_SUITE(aws_wait, 30, a_long_wait_looks_less_often, the_first_look_waits_for_first_s,
           a_cancel_ends_the_first_pause)
