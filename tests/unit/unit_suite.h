/* The Suite of a test file in one call (Check's suite, test case and tests). */
#ifndef ECSDEPLOY_TEST_UNIT_SUITE_H
#define ECSDEPLOY_TEST_UNIT_SUITE_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* A test case `name` of the NULL-terminated START_TEST names, `timeout` seconds each (0:
 * Check's default); unit_suite: a suite of that one test case, of the same name. */
TCase *unit_tcase(const char *name, int timeout, const TTest *const *tests);
Suite *unit_suite(const char *name, int timeout, const TTest *const *tests);

/* The whole file at `path` (its length in *len when len is not NULL), or NULL when it
 * cannot be read. The caller frees it. */
char *test_read_file(const char *path, size_t *len);

/* The next number of the xorshift64 sequence in *state (which must not start at 0): the
 * bounded fuzz runs' deterministic randomness. */
uint64_t test_xorshift(uint64_t *state);

/* A new file under /tmp holding the `len` bytes at `data`: its path (unlink the file, free
 * the path). */
char *test_temp_file(const void *data, size_t len);

/* Define `Suite *NAME_suite(void)`, the suite NAME (a bare name) of the START_TEST names
 * listed, `timeout` seconds each (0: Check's default). The Makefile finds the suites by
 * the start of this line as it finds `Suite *NAME_suite(void)`. */
#define UNIT_SUITE(name, timeout, ...)                                                     \
    Suite *name##_suite(void)                                                              \
    {                                                                                      \
        const TTest *const tests_[] = {__VA_ARGS__, NULL};                                 \
        return unit_suite(#name, timeout, tests_);                                         \
    }

#endif
