/* Discovery with the stack's record (plan_discover_recorded): a kind the file has nodes of
 * is always looked for, at once; another only when the record names it or cannot say. */
#include <check.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "graph_fixture.h"
#include "plan.h"
#include "xalloc.h"
#include "unit_suite.h"

static pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;
static int looked[3]; /* per kind: its discovery ran */

static int count(int k)
{
    pthread_mutex_lock(&counts_lock);
    int n = looked[k];
    pthread_mutex_unlock(&counts_lock);
    return n;
}

static void look(int k)
{
    pthread_mutex_lock(&counts_lock);
    looked[k]++;
    pthread_mutex_unlock(&counts_lock);
}

static int discover_alpha(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    (void)ctx, (void)out, (void)err;
    look(0);
    return 0;
}

/* beta has one resource the file does not name: "beta/old" */
static int discover_beta(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    (void)ctx, (void)err;
    look(1);
    res_found_add(out, "beta/old", "phys-old", cJSON_CreateObject());
    return 0;
}

static int discover_gamma(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    (void)ctx, (void)out, (void)err;
    look(2);
    return 0;
}

static const res_kind alpha = {.name = "alpha", .title = "Alpha", .discover = discover_alpha};
static const res_kind beta = {.name = "beta", .title = "Beta", .discover = discover_beta};
static const res_kind gamma_kind = {.name = "gamma", .title = "Gamma", .discover = discover_gamma};
static const res_kind_row rows[] = {{&alpha, ""}, {&beta, ""}, {&gamma_kind, ""}, {NULL, NULL}};
static res_registry *registry;

/* What the record says: known (1) with these kinds, or nothing (0). It answers only once
 * the file's kind has been looked for (2 s at most), which shows that kind did not wait
 * for it. */
typedef struct {
    int known;
    const char *kinds[3];
    int file_kind_first; /* alpha was looked for before the record answered */
} record_answer;

static int record(void *ud, svc_strings *kinds)
{
    record_answer *a = ud;
    for (int i = 0; i < 200 && count(0) == 0; i++) {
        struct timespec ten_ms = {0, 10000000};
        nanosleep(&ten_ms, NULL);
    }
    a->file_kind_first = count(0) == 1;
    for (int i = 0; a->known && i < 3 && a->kinds[i]; i++)
        svc_strings_add(kinds, a->kinds[i]);
    return a->known;
}

/* Discover a graph whose file names one alpha node, with the record a (NULL: none). */
static res_graph *discover_with(res_ctx *ctx, record_answer *a)
{
    memset(looked, 0, sizeof looked);
    res_graph *g = test_graph_open(ctx, &registry, rows);
    res_graph_add(g, &alpha, "main", NULL, cJSON_CreateObject());
    aws_error err;
    int rc = a ? plan_discover_recorded(ctx, 4, record, a, &err) : plan_discover(ctx, 4, &err);
    ck_assert_int_eq(rc, 0);
    return g;
}

START_TEST(record_names_a_kind)
{
    res_ctx ctx;
    record_answer a = {.known = 1, .kinds = {"beta"}};
    res_graph *g = discover_with(&ctx, &a);
    ck_assert_int_eq(count(0), 1);
    ck_assert_int_eq(count(1), 1);
    ck_assert_int_eq(count(2), 0); /* neither in the file nor in the record */
    ck_assert_msg(a.file_kind_first, "the file's kind waited for the record");
    const res_node *old = res_graph_find(g, "beta/old");
    ck_assert_ptr_nonnull(old); /* found though the file dropped it: up deletes it */
    ck_assert_str_eq(old->physical_id, "phys-old");
    ck_assert_ptr_null(old->desired);
    test_graph_close(&ctx);
}
END_TEST

START_TEST(record_names_none)
{
    res_ctx ctx;
    record_answer a = {.known = 1};
    res_graph *g = discover_with(&ctx, &a);
    ck_assert_int_eq(count(0), 1);
    ck_assert_int_eq(count(1) + count(2), 0);
    ck_assert_ptr_null(res_graph_find(g, "beta/old"));
    test_graph_close(&ctx);
}
END_TEST

START_TEST(record_cannot_say_or_none_given)
{
    res_ctx ctx;
    record_answer a = {.known = 0, .kinds = {"beta"}};
    discover_with(&ctx, &a);
    ck_assert_int_eq(count(0) + count(1) + count(2), 3);
    test_graph_close(&ctx);
    discover_with(&ctx, NULL);
    ck_assert_int_eq(count(0) + count(1) + count(2), 3);
    test_graph_close(&ctx);
}
END_TEST

UNIT_SUITE(plan_record, 0, record_names_a_kind, record_names_none, record_cannot_say_or_none_given)
