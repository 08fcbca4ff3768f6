#include <check.h>

#include "svc.h"
#include "unit_suite.h"

START_TEST(tags_add_get_free)
{
    svc_tags t = {0};
    svc_tags_add(&t, "ecsdeploy:stack", "demo");
    svc_tags_add(&t, "ecsdeploy:id", NULL);
    ck_assert_str_eq(svc_tags_get(&t, "ecsdeploy:stack"), "demo");
    ck_assert_str_eq(svc_tags_get(&t, "ecsdeploy:id"), "");
    ck_assert_ptr_null(svc_tags_get(&t, "other"));
    svc_tags_free(&t);
    ck_assert_uint_eq(t.n, 0);
    svc_strings s = {0};
    svc_strings_add(&s, "a");
    svc_strings_add(&s, "b");
    ck_assert_str_eq(s.items[1], "b");
    svc_strings_free(&s);
}
END_TEST

UNIT_SUITE(svc_common, 0, tags_add_get_free)
