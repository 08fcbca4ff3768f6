#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "unit_suite.h"

START_TEST(grows_and_stays_terminated)
{
    buf b = BUF_INIT;
    ck_assert_str_eq(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, (char)('a' + i % 26));
    ck_assert_uint_eq(b.len, 1000);
    ck_assert_int_eq(b.data[1000], '\0');
    ck_assert_int_eq(b.data[26], 'a');
    buf_free(&b);
}
END_TEST

START_TEST(printf_appends)
{
    buf b = BUF_INIT;
    buf_puts(&b, "x=");
    buf_printf(&b, "%d;%s", 42, "y");
    ck_assert_str_eq(buf_str(&b), "x=42;y");
    buf_reset(&b);
    ck_assert_str_eq(buf_str(&b), "");
    buf_printf(&b, "%0300d", 7);
    ck_assert_uint_eq(strlen(buf_str(&b)), 300);
    char *s = buf_detach(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(strlen(s), 300);
    free(s);
}
END_TEST

START_TEST(binary_bytes)
{
    buf b = BUF_INIT;
    buf_append(&b, "a\0b", 3);
    ck_assert_uint_eq(b.len, 3);
    ck_assert_int_eq(memcmp(b.data, "a\0b", 3), 0);
    char *s = buf_detach(&b);
    free(s);
    s = buf_detach(&b); /* empty buffer still gives a string */
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(reads_a_stream)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 5000; i++)
        fputs("0123456789", f);
    rewind(f);
    buf b = BUF_INIT;
    ck_assert_int_eq(buf_read(&b, f, 0), 0);
    ck_assert_uint_eq(b.len, 50000);
    ck_assert_uint_eq(strlen(buf_str(&b)), 50000);
    rewind(f);
    buf_reset(&b);
    /* a limit stops the reading once it is reached, a chunk past it at most */
    ck_assert_int_eq(buf_read(&b, f, 100), 0);
    ck_assert_uint_ge(b.len, 100);
    ck_assert_uint_lt(b.len, 50000);
    fclose(f);
    buf_free(&b);
}
END_TEST

/* A file of `n` bytes (a pattern with NULs in it) at a new temporary path (free it). */
static char *temp_file(size_t n)
{
    unsigned char *bytes = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        bytes[i] = (unsigned char)(i % 251);
    char *path = test_temp_file(bytes, n);
    free(bytes);
    return path;
}

START_TEST(reads_a_whole_file)
{
    char *path = temp_file(50000);
    buf b = BUF_INIT;
    ck_assert_int_eq(buf_read_file(&b, path, 0), 0);
    ck_assert_uint_eq(b.len, 50000);
    ck_assert_int_eq(b.data[50000], '\0');
    for (size_t i = 0; i < b.len; i++)
        ck_assert_int_eq((unsigned char)b.data[i], i % 251);
    /* a limit is exact: one past the most accepted tells a file that is too long */
    buf_reset(&b);
    ck_assert_int_eq(buf_read_file(&b, path, 20001), 0);
    ck_assert_uint_eq(b.len, 20001);
    buf_reset(&b);
    ck_assert_int_eq(buf_read_file(&b, path, 50001), 0);
    ck_assert_uint_eq(b.len, 50000);
    buf_free(&b);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(reads_an_empty_or_missing_file)
{
    char *path = temp_file(0);
    buf b = BUF_INIT;
    ck_assert_int_eq(buf_read_file(&b, path, 100), 0);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(buf_str(&b), "");
    unlink(path);
    errno = 0;
    ck_assert_int_eq(buf_read_file(&b, path, 100), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_uint_eq(b.len, 0);
    /* a directory opens but cannot be read */
    ck_assert_int_eq(buf_read_file(&b, "/tmp", 0), -2);
    ck_assert_int_eq(errno, EISDIR);
    buf_free(&b);
    free(path);
}
END_TEST

START_TEST(wiping_read_gives_the_same_bytes)
{
    char *path = temp_file(70000);
    buf plain = BUF_INIT, wiped = BUF_INIT_WIPE;
    ck_assert_int_eq(buf_read_file(&plain, path, 65537), 0);
    ck_assert_int_eq(buf_read_file(&wiped, path, 65537), 0);
    ck_assert_uint_eq(wiped.len, 65537);
    ck_assert_uint_eq(plain.len, wiped.len);
    ck_assert_int_eq(memcmp(plain.data, wiped.data, plain.len + 1), 0);
    ck_assert_int_eq(wiped.wipe, 1);
    buf_free(&plain);
    buf_free(&wiped);
    unlink(path);
    free(path);
}
END_TEST

UNIT_SUITE(buf, 0, grows_and_stays_terminated, printf_appends, binary_bytes, reads_a_stream,
           reads_a_whole_file, reads_an_empty_or_missing_file, wiping_read_gives_the_same_bytes)
