/* unit_tcase, unit_suite, test_read_file, test_xorshift, test_temp_file (see unit_suite.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "unit_suite.h"

TCase *unit_tcase(const char *name, int timeout, const TTest *const *tests)
{
    TCase *tc = tcase_create(name);
    if (timeout > 0)
        tcase_set_timeout(tc, timeout);
    for (size_t i = 0; tests[i]; i++)
        tcase_add_test(tc, tests[i]);
    return tc;
}

Suite *unit_suite(const char *name, int timeout, const TTest *const *tests)
{
    Suite *s = suite_create(name);
    suite_add_tcase(s, unit_tcase(name, timeout, tests));
    return s;
}

char *test_read_file(const char *path, size_t *len)
{
    buf b = BUF_INIT;
    if (buf_read_file(&b, path, 0) == -1)
        return NULL;
    if (len)
        *len = b.len;
    return buf_detach(&b);
}

uint64_t test_xorshift(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

char *test_temp_file(const void *data, size_t len)
{
    char *path = strdup("/tmp/ecsdeploy-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}
