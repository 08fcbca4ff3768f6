/* Durations and times on the command line (src/cli/duration.c): strict. */
#include <check.h>

#include "../../src/cli/cli_internal.h"
#include "unit_suite.h"

/* A text and the seconds it must give. */
typedef struct {
    const char *text;
    double want;
} parse_case;

/* Each good text parses to its value, each bad one (NULL-terminated) is refused. */
static void check_parser(int (*parse)(const char *, double *), const parse_case *good, size_t ngood,
                         const char *const *bad)
{
    double v;
    for (size_t i = 0; i < ngood; i++) {
        ck_assert_msg(parse(good[i].text, &v) == 0, "'%s' was refused", good[i].text);
        ck_assert_msg(v == good[i].want, "'%s' gave %.3f, want %.3f", good[i].text, v, good[i].want);
    }
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(parse(bad[i], &v) != 0, "'%s' was taken", bad[i]);
}

START_TEST(durations)
{
    static const parse_case good[] = {{"90", 90}, {"1h30m", 5400}, {"1.5m", 90}, {"2d", 172800}};
    static const char *const bad[] = {"", "0x10", "1e3", " 5m", "5m ", "5 m", "-5m", "1h30", "m",
                                      "5w", "0", "8d", ".5m", "5.m", "inf", "nan", NULL};
    check_parser(cli_parse_duration, good, sizeof good / sizeof good[0], bad);
}
END_TEST

START_TEST(rfc3339_times)
{
    double t;
    static const parse_case good[] = {{"2024-05-01T12:00:00Z", 1714564800},
                                      {"2024-05-01T14:00:00+02:00", 1714564800},
                                      {"2024-05-01t11:30:00.250-00:30", 1714564800.25}};
    static const char *const bad[] = {
        "2024-05-01", "2024-05-01T12:00:00", "2024-05-01 12:00:00Z", "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00+2:00", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00Zjunk",
        "+024-05-01T12:00:00Z", "0x10", NULL};
    check_parser(cli_parse_rfc3339, good, sizeof good / sizeof good[0], bad);
    ck_assert_int_eq(cli_parse_rfc3339("2024-02-29T00:00:00Z", &t), 0);
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
