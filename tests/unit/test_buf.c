#include <check.h>
#include <stdlib.h>
#include <string.h>

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

UNIT_SUITE(buf, 0, grows_and_stays_terminated, printf_appends, binary_bytes, reads_a_stream)
