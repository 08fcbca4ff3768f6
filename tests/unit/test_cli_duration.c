/* Durations and times on the command line (src/cli/duration.c): strict. */
#include <check.h>

#include "../../src/cli/cli_internal.h"
#include "unit_suite.h"

START_TEST(durations)
{
    double s;
    ck_assert_int_eq(cli_parse_duration("90", &s), 0);
    ck_assert(s == 90);
    ck_assert_int_eq(cli_parse_duration("1h30m", &s), 0);
    ck_assert(s == 5400);
    ck_assert_int_eq(cli_parse_duration("1.5m", &s), 0);
    ck_assert(s == 90);
    ck_assert_int_eq(cli_parse_duration("2d", &s), 0);
    ck_assert(s == 172800);
    const char *bad[] = {"", "0x10", "1e3", " 5m", "5m ", "5 m", "-5m", "1h30", "m", "5w", "0",
                         "8d", ".5m", "5.m", "inf", "nan", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(cli_parse_duration(bad[i], &s) != 0, "'%s' was taken", bad[i]);
}
END_TEST

START_TEST(rfc3339_times)
{
    double t;
    ck_assert_int_eq(cli_parse_rfc3339("2024-05-01T12:00:00Z", &t), 0);
    ck_assert(t == 1714564800);
    ck_assert_int_eq(cli_parse_rfc3339("2024-05-01T14:00:00+02:00", &t), 0);
    ck_assert(t == 1714564800);
    ck_assert_int_eq(cli_parse_rfc3339("2024-05-01t11:30:00.250-00:30", &t), 0);
    ck_assert(t == 1714564800.25);
    ck_assert_int_eq(cli_parse_rfc3339("2024-02-29T00:00:00Z", &t), 0);
    const char *bad[] = {"2024-05-01", "2024-05-01T12:00:00", "2024-05-01 12:00:00Z",
                         "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
                         "2024-05-01T24:00:00Z", "2024-05-01T12:00:00+2:00", "2024-05-01T12:00:00.Z",
                         "2024-05-01T12:00:00Zjunk", "+024-05-01T12:00:00Z", "0x10", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(cli_parse_rfc3339(bad[i], &t) != 0, "'%s' was taken", bad[i]);
}
END_TEST

START_TEST(since_is_either)
{
    double start;
    ck_assert_int_eq(cli_parse_since("30d", 10000000, &start), 0); /* no 7-day bound here */
    ck_assert(start == 10000000 - 30 * 86400);
    ck_assert_int_eq(cli_parse_since("1970-01-02T00:00:00Z", 0, &start), 0);
    ck_assert(start == 86400);
    ck_assert_int_ne(cli_parse_since("0x10", 100, &start), 0);
    ck_assert_int_ne(cli_parse_since("yesterday", 100, &start), 0);
}
END_TEST

UNIT_SUITE(cli_duration, 0, durations, rfc3339_times, since_is_either)
