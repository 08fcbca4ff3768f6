/* The Suite of a test file in one call (Check's suite, test case and tests). */
#ifndef ECSDEPLOY_TEST_UNIT_SUITE_H
#define ECSDEPLOY_TEST_UNIT_SUITE_H

#include <check.h>

/* A suite `name` of one test case of the same name: the NULL-terminated START_TEST names,
 * `timeout` seconds each (0: Check's default). */
Suite *unit_suite(const char *name, int timeout, const TTest *const *tests);

#endif
