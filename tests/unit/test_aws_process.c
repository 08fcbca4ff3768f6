/* credential_process split into words as botocore does (Python's shlex.split on POSIX):
 * expectations taken from shlex itself (see tests/e2e/test_aws_credentials.py for the
 * differential run against Debian's botocore). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aws/aws_internal.h"
#include "unit_suite.h"

static void expect(const char *cmd, const char *const *want)
{
    char **argv;
    char why[128];
    ck_assert_msg(aws_split_command(cmd, &argv, why, sizeof why) == 0, "%s: %s", cmd, why);
    size_t i = 0;
    for (; want[i]; i++) {
        ck_assert_msg(argv[i] != NULL, "%s: word %zu missing", cmd, i);
        ck_assert_msg(strcmp(argv[i], want[i]) == 0, "%s: word %zu is '%s', want '%s'", cmd, i,
                      argv[i], want[i]);
    }
    ck_assert_msg(argv[i] == NULL, "%s: extra word '%s'", cmd, argv[i]);
    aws_argv_free(argv);
}

static void refused(const char *cmd, const char *reason)
{
    char **argv;
    char why[128];
    ck_assert_int_eq(aws_split_command(cmd, &argv, why, sizeof why), -1);
    ck_assert_ptr_null(argv);
    ck_assert_msg(strstr(why, reason) != NULL, "%s: %s", cmd, why);
}

START_TEST(words_as_shlex_splits_them)
{
    expect("/usr/bin/fetch --profile x", (const char *[]){"/usr/bin/fetch", "--profile", "x", NULL});
    expect("  a\tb\rc\nd  ", (const char *[]){"a", "b", "c", "d", NULL});
    expect("a \"\" b", (const char *[]){"a", "", "b", NULL});
    expect("a\"b c\"d", (const char *[]){"ab cd", NULL});
    expect("'x\\y'", (const char *[]){"x\\y", NULL});
    expect("\"a\\$b\"", (const char *[]){"a\\$b", NULL});
    expect("\"a\\\\b\"", (const char *[]){"a\\b", NULL});
    expect("\"a\\\"b\"", (const char *[]){"a\"b", NULL});
    expect("x\\ y", (const char *[]){"x y", NULL});
    expect("a\\\nb", (const char *[]){"a\nb", NULL});
    expect("\\$HOME", (const char *[]){"$HOME", NULL});
    expect("a#b #c", (const char *[]){"a#b", "#c", NULL});
    expect("a\vb", (const char *[]){"a\vb", NULL});
    /* what a shell would run as a second command stays a word of the first */
    expect("get-creds; rm -rf ~ | tee $(id)",
           (const char *[]){"get-creds;", "rm", "-rf", "~", "|", "tee", "$(id)", NULL});
}
END_TEST

START_TEST(bad_lines_refused)
{
    refused("get \"creds", "double quotation is not closed");
    refused("get 'creds", "single quotation is not closed");
    refused("get creds\\", "backslash");
    refused("   ", "no program");
    refused("", "no program");
}
END_TEST

UNIT_SUITE(aws_process, 0, words_as_shlex_splits_them, bad_lines_refused)
