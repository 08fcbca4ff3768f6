/* unit_tcase, unit_suite (see unit_suite.h). */
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
