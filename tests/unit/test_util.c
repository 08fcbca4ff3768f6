/* src/util: the clock and its cancellable sleep, xstrdup_or_null. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "unit_suite.h"
#include "xalloc.h"

START_TEST(clocks_move_forward)
{
    double t0 = util_now();
    long long m0 = util_now_ms();
    ck_assert_int_eq(util_sleep(0.02, NULL), 0); /* a sleep lasts at least its time */
    ck_assert(util_now() - t0 >= 0.02);
    ck_assert(util_now_ms() - m0 >= 20);
    ck_assert(util_wall() > 1.6e9); /* epoch seconds, not seconds since boot */
}
END_TEST

static void *cancel_soon(void *flag)
{
    util_sleep(0.05, NULL);
    atomic_store((cancel_flag *)flag, 1);
    return NULL;
}

START_TEST(sleep_ends_on_cancel)
{
    cancel_flag cancel = 1;
    /* a sleep that did not look at the flag would outlast the test's timeout */
    ck_assert_int_eq(util_sleep(1000, &cancel), -1);
    ck_assert_int_eq(util_sleep(0, &cancel), -1); /* a cancel already set counts */
    atomic_store(&cancel, 0);
    ck_assert_int_eq(util_sleep(0.01, &cancel), 0);
    pthread_t t; /* set while it sleeps, as Ctrl-C does */
    pthread_create(&t, NULL, cancel_soon, (void *)&cancel);
    ck_assert_int_eq(util_sleep(1000, &cancel), -1);
    pthread_join(t, NULL);
    ck_assert_int_eq(util_sleep(-1, NULL), 0);
}
END_TEST

START_TEST(dup_or_null)
{
    ck_assert_ptr_null(xstrdup_or_null(NULL));
    char *s = xstrdup_or_null("");
    ck_assert_str_eq(s, "");
    free(s);
    s = xstrdup_or_null("abc");
    ck_assert_str_eq(s, "abc");
    free(s);
}
END_TEST

UNIT_SUITE(util, 0, clocks_move_forward, sleep_ends_on_cancel, dup_or_null)
