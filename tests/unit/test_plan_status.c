/* What status reads (plan_status) on an in-memory kind: each node's state, the kind's own
 * details, what makes the stack unhealthy, one node alone, a discovery that fails. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "graph_fixture.h"
#include "plan.h"
#include "unit_suite.h"

static int discovery_fails;

/* The "cloud" holds box/one, box/sick and box/gone (a resource the file no longer has). */
static int box_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    (void)ctx;
    if (discovery_fails) {
        aws_error_set(err, AWS_ERR_SERVICE, "AccessDenied", "not allowed to list boxes");
        return -1;
    }
    res_found_add(out, "box/one", "phys-one", cJSON_CreateObject());
    res_found_add(out, "box/sick", "phys-sick", cJSON_CreateObject());
    res_found_add(out, "box/gone", "phys-gone", cJSON_CreateObject());
    return 0;
}

/* box/sick says it is unhealthy; box/one that it is healthy, with a detail. */
static int box_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    cJSON_AddBoolToObject(out, "healthy", strcmp(n->id, "box/sick") != 0);
    cJSON_AddStringToObject(out, "detail", n->physical_id);
    return 0;
}

static const res_kind box_kind = {.name = "box", .title = "Box", .discover = box_discover,
                                  .status = box_status};
static const res_kind_row rows[] = {{&box_kind, ""}, {NULL, NULL}};

static res_registry *registry;
static res_ctx ctx;
static res_graph *graph;

/* The file wants box/one, box/sick and box/missing. */
static void setup(const char *const *wanted)
{
    graph = test_graph_open(&ctx, &registry, rows);
    for (size_t i = 0; wanted[i]; i++)
        res_graph_add(graph, &box_kind, wanted[i], NULL, cJSON_CreateObject());
}

static void cleanup(void)
{
    test_graph_close(&ctx);
    graph = NULL;
}

static const char *field(const cJSON *o, const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
}

static const char *const file[] = {"one", "sick", "missing", NULL};

START_TEST(every_node_with_its_state)
{
    setup(file);
    cJSON *all = NULL;
    int unhealthy = 0;
    aws_error err;
    aws_error_clear(&err);
    ck_assert_int_eq(plan_status(&ctx, NULL, &all, &unhealthy, &err), 0);
    ck_assert_int_eq(cJSON_GetArraySize(all), 4);
    const cJSON *one = cJSON_GetArrayItem(all, 0), *sick = cJSON_GetArrayItem(all, 1),
                *missing = cJSON_GetArrayItem(all, 2), *gone = cJSON_GetArrayItem(all, 3);
    ck_assert_str_eq(field(one, "id"), "box/one");
    ck_assert_str_eq(field(one, "state"), "present");
    ck_assert_str_eq(field(one, "physical_id"), "phys-one");
    ck_assert_str_eq(field(one, "detail"), "phys-one"); /* the kind's own details */
    ck_assert_str_eq(field(sick, "state"), "present");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(sick, "healthy")));
    ck_assert_str_eq(field(missing, "state"), "missing");
    ck_assert_ptr_null(cJSON_GetObjectItem(missing, "detail")); /* nothing to read */
    ck_assert_str_eq(field(gone, "id"), "box/gone");
    ck_assert_str_eq(field(gone, "state"), "not in the stack file");
    ck_assert_int_eq(unhealthy, 1);
    cJSON_Delete(all);
    cleanup();
}
END_TEST

/* Healthy only when every wanted node is there and none says otherwise. */
START_TEST(what_makes_it_unhealthy)
{
    static const char *const present[] = {"one", NULL};
    setup(present);
    cJSON *all = NULL;
    int unhealthy = 0;
    aws_error err;
    ck_assert_int_eq(plan_status(&ctx, NULL, &all, &unhealthy, &err), 0);
    ck_assert_int_eq(unhealthy, 1); /* box/sick is still there, not in the file, unhealthy */
    cJSON_Delete(all);
    cleanup();

    setup(present);
    unhealthy = 0;
    ck_assert_int_eq(plan_status(&ctx, "box/one", &all, &unhealthy, &err), 0);
    ck_assert_int_eq(cJSON_GetArraySize(all), 1); /* only that node is read and shown */
    ck_assert_str_eq(field(all->child, "id"), "box/one");
    ck_assert_int_eq(unhealthy, 0);
    cJSON_Delete(all);
    cleanup();
}
END_TEST

START_TEST(discovery_that_fails)
{
    setup(file);
    discovery_fails = 1;
    cJSON *all = (cJSON *)1;
    int unhealthy = 0;
    aws_error err;
    aws_error_clear(&err);
    ck_assert_int_eq(plan_status(&ctx, NULL, &all, &unhealthy, &err), -1);
    ck_assert_ptr_null(all);
    ck_assert_str_eq(err.code, "AccessDenied");
    discovery_fails = 0;
    cleanup();
}
END_TEST

UNIT_SUITE(plan_status, 0, every_node_with_its_state, what_makes_it_unhealthy,
           discovery_that_fails)
