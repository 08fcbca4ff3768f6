/* The registry of resource kinds: build order and teardown order in one table, checked. */
#include <check.h>
#include <string.h>

#include "res.h"
#include "unit_suite.h"

START_TEST(program_rows_are_right)
{
    char msg[256] = "";
    ck_assert_msg(res_registry_check(msg, sizeof msg) == 0, "%s", msg);
    const res_registry *r = res_registry_get();
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_ge(r->n, 23);
    ck_assert_ptr_null(r->kinds[r->n]);
    for (size_t i = 0; i < r->n; i++)
        ck_assert_ptr_eq(res_kind_by_name(r->kinds[i]->name), r->kinds[i]);
    ck_assert_ptr_null(res_kind_by_name("nosuch"));
}
END_TEST

static const res_kind *kind(const char *name)
{
    const res_kind *k = res_kind_by_name(name);
    ck_assert_msg(k != NULL, "no kind %s", name);
    return k;
}

static int after(const char *a, const char *b)
{
    return res_registry_deleted_after(res_registry_get(), kind(a), kind(b));
}

/* The order of docs/aws-behaviour.md, and nothing more: kinds with nothing between them
 * go at the same time. */
START_TEST(program_teardown_order)
{
    ck_assert(after("namespace", "discovery") && after("discovery", "service"));
    ck_assert(after("alb", "target_group") && after("target_group", "listener") &&
              after("listener", "listener_rule") && after("alb", "service"));
    ck_assert(after("task_def", "cluster") && after("secret", "task_def") &&
              after("bucket", "bootstrap") && after("role", "task_def"));
    ck_assert(after("sg", "sg_egress") && after("eigw", "route_table") && after("service", "scaling"));
    ck_assert(after("vpc", "subnet") && after("subnet", "sg") && after("sg", "sg_rules") &&
              after("sg_rules", "igw") && after("igw", "eip") && after("eip", "nat"));
    ck_assert(!after("service", "vpc") && !after("log_group", "cluster") &&
              !after("alb", "namespace") && !after("route_table", "nat") &&
              !after("sg_rules", "sg_reach") && !after("bootstrap", "service"));
}
END_TEST

/* The network goes last: every kind built after it (a new kind too) is deleted before any
 * network kind. A kind missing from the network's teardown list fails here. */
START_TEST(application_goes_before_the_network)
{
    static const char *const network[] = {"vpc", "subnet", "igw", "eigw", "route_table", "eip",
                                          "nat", "sg", "sg_rules", "sg_egress", "sg_reach", NULL};
    const res_registry *r = res_registry_get();
    for (size_t i = 0; i < r->n; i++) {
        int is_network = 0;
        for (size_t k = 0; network[k]; k++)
            is_network |= strcmp(r->kinds[i]->name, network[k]) == 0;
        if (is_network)
            continue;
        for (size_t k = 0; network[k]; k++)
            ck_assert_msg(after(network[k], r->kinds[i]->name),
                          "kind %s is not deleted before %s: name it in APPLICATION "
                          "(registry.c), or a kind it goes after", r->kinds[i]->name,
                          network[k]);
    }
}
END_TEST

static const res_kind ka = {.name = "a", .title = "A"}, kb = {.name = "b", .title = "B"},
                      kc = {.name = "c", .title = "C"}, nameless = {.title = "?"};

static void fails_with(const res_kind_row *rows, const char *want)
{
    char msg[256] = "";
    res_registry *r = res_registry_new(rows, msg, sizeof msg);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(msg, want) != NULL, "'%s' does not say '%s'", msg, want);
}

START_TEST(wrong_rows_fail)
{
    fails_with((const res_kind_row[]){{&ka, "b"}, {&kb, "nosuch"}, {NULL, NULL}},
               "'nosuch', which is no kind");
    fails_with((const res_kind_row[]){{&ka, ""}, {&nameless, ""}, {NULL, NULL}},
               "row 2: a kind without a name");
    fails_with((const res_kind_row[]){{&ka, ""}, {&ka, ""}, {NULL, NULL}}, "kind a has two rows");
    fails_with((const res_kind_row[]){{&ka, "a"}, {NULL, NULL}}, "kind a is deleted after itself");
    fails_with((const res_kind_row[]){{&ka, "b"}, {&kb, "c"}, {&kc, "a"}, {NULL, NULL}},
               "goes round in a circle");
}
END_TEST

START_TEST(teardown_order_is_transitive)
{
    char msg[256] = "";
    res_registry *r = res_registry_new(
        (const res_kind_row[]){{&ka, " b  "}, {&kb, "c"}, {&kc, NULL}, {NULL, NULL}}, msg,
        sizeof msg);
    ck_assert_msg(r != NULL, "%s", msg);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_ptr_eq(r->kinds[0], &ka);
    ck_assert(res_registry_deleted_after(r, &ka, &kb) && res_registry_deleted_after(r, &ka, &kc));
    ck_assert(res_registry_deleted_after(r, &kb, &kc));
    ck_assert(!res_registry_deleted_after(r, &kc, &ka) && !res_registry_deleted_after(r, &kb, &ka));
    /* a kind the registry does not hold waits for nothing */
    ck_assert(!res_registry_deleted_after(r, &nameless, &ka));
    res_registry_free(r);
}
END_TEST

UNIT_SUITE(res_registry, 0, program_rows_are_right, program_teardown_order,
           application_goes_before_the_network, wrong_rows_fail, teardown_order_is_transitive)
