/* The Suite of a test file in one call (Check's suite, test case and tests). */
#ifndef ECSDEPLOY_TEST_UNIT_SUITE_H
#define ECSDEPLOY_TEST_UNIT_SUITE_H

#include <check.h>

/* A test case `name` of the NULL-terminated START_TEST names, `timeout` seconds each (0:
 * Check's default); unit_suite: a suite of that one test case, of the same name. */
TCase *unit_tcase(const char *name, int timeout, const TTest *const *tests);
Suite *unit_suite(const char *name, int timeout, const TTest *const *tests);

#endif
