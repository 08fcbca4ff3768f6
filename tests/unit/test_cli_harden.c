/* The process hardening main() starts with (cli_harden_process), and buffers that may
 * hold secrets. Each test runs in its own forked process (Check's default), so the
 * settings do not leak into other suites. */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "buf.h"
#include "../../src/cli/cli_internal.h"
#include "unit_suite.h"

START_TEST(core_dumps_off_and_not_dumpable)
{
    ck_assert_int_eq(cli_harden_process(), 0);
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_CORE, &rl), 0);
    ck_assert(rl.rlim_cur == 0 && rl.rlim_max == 0);
    ck_assert_int_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}
END_TEST

START_TEST(wiping_buffer)
{
    buf b = BUF_INIT_WIPE;
    for (int i = 0; i < 100; i++)
        buf_puts(&b, "secret-");
    ck_assert_uint_eq(b.len, 700);
    char *data = b.data;
    size_t cap = b.cap;
    buf_reset(&b); /* the same memory, zeroed */
    ck_assert_ptr_eq(b.data, data);
    for (size_t i = 0; i < cap; i++)
        ck_assert_int_eq(data[i], 0);
    buf_free(&b);
    ck_assert_int_eq(b.wipe, 1);
}
END_TEST

START_TEST(try_append_fails_instead_of_exiting)
{
    buf b = BUF_INIT;
    ck_assert_int_eq(buf_try_append(&b, "abc", 3), 0);
    ck_assert_str_eq(buf_str(&b), "abc");
    /* a size no allocation can satisfy: refused, the buffer unchanged (a failing malloc
     * takes the same path; ASan would stop the test before malloc could answer NULL) */
    ck_assert_int_eq(buf_try_append(&b, "x", SIZE_MAX - 8), -1);
    ck_assert_int_eq(buf_try_append(&b, "x", SIZE_MAX / 2), -1);
    ck_assert_str_eq(buf_str(&b), "abc");
    buf_free(&b);
}
END_TEST

UNIT_SUITE(cli_harden, 0, core_dumps_off_and_not_dumpable, wiping_buffer,
           try_append_fails_instead_of_exiting)
