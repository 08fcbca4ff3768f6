/* res_diff: only desired members count, create_only skipped, replace_on marked, unordered
 * lists compared as sets (shown sorted), references "known after create". */
#include <check.h>
#include <string.h>

#include "res.h"
#include "unit_suite.h"

static const char *const replace_on[] = {"name", NULL};
static const char *const create_only[] = {"document", NULL};
static const char *const unordered[] = {"subnets", NULL};
static const res_kind kind = {.name = "test", .title = "test", .replace_on = replace_on,
                              .create_only = create_only, .unordered = unordered};

static void diff(const char *desired, const char *actual, res_changes *out)
{
    cJSON *d = cJSON_Parse(desired), *a = cJSON_Parse(actual);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(a);
    res_diff(&kind, d, a, out);
    cJSON_Delete(d);
    cJSON_Delete(a);
}

/* diff of desired and actual finds n changes. */
static void diff_count(const char *desired, const char *actual, size_t n)
{
    res_changes c;
    diff(desired, actual, &c);
    ck_assert_uint_eq(c.n, n);
    res_changes_free(&c);
}

START_TEST(unordered_lists_ignore_order)
{
    res_changes c;
    diff_count("{\"subnets\":[\"subnet-b\",\"subnet-a\"],\"tags\":[\"x\",\"y\"]}",
               "{\"subnets\":[\"subnet-a\",\"subnet-b\"],\"tags\":[\"x\",\"y\"],\"extra\":1}", 0);

    /* an ordered list in another order is a change */
    diff_count("{\"tags\":[\"y\",\"x\"]}", "{\"tags\":[\"x\",\"y\"]}", 1);

    /* a different set: one change, both sides shown sorted */
    diff("{\"subnets\":[\"subnet-c\",\"subnet-a\"]}", "{\"subnets\":[\"subnet-b\",\"subnet-a\"]}", &c);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(c.items[0].path, "subnets");
    ck_assert_str_eq(c.items[0].from, "[\"subnet-a\",\"subnet-b\"]");
    ck_assert_str_eq(c.items[0].to, "[\"subnet-a\",\"subnet-c\"]");
    ck_assert_int_eq(c.items[0].replaces, 0);
    res_changes_free(&c);

    /* missing on the actual side */
    diff("{\"subnets\":[\"subnet-a\"]}", "{}", &c);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_ptr_null(c.items[0].from);
    res_changes_free(&c);
}
END_TEST

START_TEST(references_create_only_and_replace)
{
    res_changes c;
    diff("{\"subnets\":[{\"ref\":\"subnet/public-0\",\"attr\":\"id\"}],\"document\":{\"a\":1},"
         "\"name\":\"new\"}",
         "{\"subnets\":[\"subnet-a\"],\"document\":{\"a\":2},\"name\":\"old\"}", &c);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_str_eq(c.items[0].path, "subnets");
    ck_assert_str_eq(c.items[0].to, "(known after create)");
    ck_assert_str_eq(c.items[1].path, "name");
    ck_assert_int_eq(c.items[1].replaces, 1);
    res_changes_free(&c);
}
END_TEST

UNIT_SUITE(res_diff, 0, unordered_lists_ignore_order, references_create_only_and_replace)
