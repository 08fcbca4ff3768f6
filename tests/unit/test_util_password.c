/* Generated passwords (util_random_password): GetRandomPassword's classes and rule. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "unit_suite.h"

#define PUNCT "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

static int has_any(const char *s, const char *set)
{
    return strpbrk(s, set) != NULL;
}

START_TEST(every_class_and_the_length)
{
    for (int i = 0; i < 200; i++) {
        char *p = util_random_password(8, 1, NULL);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq(strlen(p), 8);
        ck_assert(has_any(p, "abcdefghijklmnopqrstuvwxyz"));
        ck_assert(has_any(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        ck_assert(has_any(p, "0123456789"));
        ck_assert(has_any(p, PUNCT));
        free(p);
    }
    char *p = util_random_password(4096, 0, NULL);
    ck_assert_uint_eq(strlen(p), 4096);
    ck_assert(!has_any(p, PUNCT)); /* no punctuation unless asked */
    free(p);
}
END_TEST

START_TEST(exclude_is_left_out)
{
    const char *x = "abcdefghijklmnopqrstuvwxyz0123456789lO";
    for (int i = 0; i < 200; i++) {
        char *p = util_random_password(40, 0, x);
        ck_assert_ptr_nonnull(p);
        ck_assert(!has_any(p, x));
        ck_assert_uint_eq(strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 40);
        free(p);
    }
}
END_TEST

/* Every character of the set comes up (a skewed or short draw would miss some), and two
 * passwords differ. */
START_TEST(draws_spread_over_the_set)
{
    char *p = util_random_password(20000, 1, NULL), *q = util_random_password(32, 1, NULL),
         *r = util_random_password(32, 1, NULL);
    int seen[256] = {0};
    for (const char *c = p; *c; c++)
        seen[(unsigned char)*c]++;
    for (int c = 33; c < 127; c++)
        ck_assert_msg(seen[c] > 100, "'%c' came up %d times in 20000", c, seen[c]);
    ck_assert_int_eq(seen[' '], 0);
    ck_assert_str_ne(q, r);
    free(p);
    free(q);
    free(r);
}
END_TEST

START_TEST(impossible_asks_give_null)
{
    ck_assert_ptr_null(util_random_password(0, 1, NULL));
    ck_assert_ptr_null(util_random_password(3, 1, NULL)); /* four classes to include */
    ck_assert_ptr_null(util_random_password(10, 0, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
    ck_assert_ptr_null(util_random_password(65537, 1, NULL));
    char *p = util_random_password(1, 0, "bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    ck_assert_str_eq(p, "a");
    free(p);
}
END_TEST

UNIT_SUITE(util_password, 0, every_class_and_the_length, exclude_is_left_out,
           draws_spread_over_the_set, impossible_asks_give_null)
