/*
 * res_read_value_file, the first value of a secret or parameter read from a file: the
 * bytes as they are, the limit, and the messages of a missing or too long file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secretsmanager.h"
#include "../../src/resources/app_internal.h"
#include "unit_suite.h"

/* `n` bytes of a pattern at a new temporary path (free it). */
static char *value_file(size_t n)
{
    char *text = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    char *path = test_temp_file(text, n);
    free(text);
    return path;
}

START_TEST(reads_the_value_up_to_the_limit)
{
    const size_t sizes[] = {0, 1, 4095, 4096, 65536};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char *path = value_file(sizes[i]);
        aws_error err = {0};
        char *v = res_read_value_file("secret s", path, 65536, "64 KiB", &err);
        ck_assert_ptr_nonnull(v);
        ck_assert_uint_eq(strlen(v), sizes[i]);
        for (size_t j = 0; j < sizes[i]; j++)
            ck_assert_int_eq(v[j], 'a' + (int)(j % 26));
        secretsmanager_secret_free(v);
        unlink(path);
        free(path);
    }
}
END_TEST

START_TEST(a_longer_file_is_refused)
{
    const size_t sizes[] = {4097, 8192, 200000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char *path = value_file(sizes[i]);
        aws_error err = {0};
        ck_assert_ptr_null(res_read_value_file("parameter p", path, 4096, "4096 bytes", &err));
        char want[256];
        snprintf(want, sizeof want, "parameter p: %s is larger than the 4096 bytes", path);
        ck_assert_str_eq(err.message, want);
        ck_assert_str_eq(err.code, "SecretSource");
        ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
        unlink(path);
        free(path);
    }
}
END_TEST

START_TEST(a_missing_file_says_where_it_was_looked_for)
{
    aws_error err = {0};
    ck_assert_ptr_null(res_read_value_file("secret s", "/nonexistent/v.txt", 10, "x", &err));
    ck_assert_str_eq(err.message, "secret s: cannot read /nonexistent/v.txt: No such file or directory");
    char cwd[512];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_ptr_null(res_read_value_file("secret s", "no-such-value.txt", 10, "x", &err));
    char want[1024];
    snprintf(want, sizeof want,
             "secret s: cannot read no-such-value.txt (relative to the current directory, %s): "
             "No such file or directory", cwd);
    ck_assert_str_eq(err.message, want);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
}
END_TEST

UNIT_SUITE(res_value_file, 0, reads_the_value_up_to_the_limit, a_longer_file_is_refused,
           a_missing_file_says_where_it_was_looked_for)
