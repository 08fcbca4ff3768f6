/* The executor and the diff on an in-memory kind: order, parallelism, failure, rollback. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "graph_fixture.h"
#include "plan.h"
#include "xalloc.h"
#include "unit_suite.h"

/* The in-memory "cloud": what exists, and the order things happened. */
static pthread_mutex_t cloud_lock = PTHREAD_MUTEX_INITIALIZER;
static char events[4096];
static int live;        /* resources that exist */
static int concurrent, max_concurrent;
static const char *fail_on; /* id whose create fails */
static cancel_flag ctrl_c;
static const char *interrupt_on; /* id whose create meets a Ctrl-C: made, then its wait cut short */
static int waiting_create;       /* creates wait (res_sleep) until cancelled */
static int remove_cancellable;   /* a remove ran with ctx->cancel set (the rollback must not) */

static void record(const char *what, const res_node *n)
{
    pthread_mutex_lock(&cloud_lock);
    size_t len = strlen(events);
    snprintf(events + len, sizeof events - len, "%s %s;", what, n->id);
    pthread_mutex_unlock(&cloud_lock);
}

static void busy(int delta)
{
    pthread_mutex_lock(&cloud_lock);
    concurrent += delta;
    if (concurrent > max_concurrent)
        max_concurrent = concurrent;
    pthread_mutex_unlock(&cloud_lock);
}

/* 20 ms of calls in flight: a sleep outside util_sleep, so the job keeps its slot. */
static void calls_in_flight(void)
{
    busy(1);
    struct timespec call = {0, 20000000};
    nanosleep(&call, NULL);
    busy(-1);
}

static int mem_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    calls_in_flight();
    if (fail_on && strcmp(fail_on, n->id) == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "InvalidParameterException", "refused");
        return -1;
    }
    if (interrupt_on && strcmp(interrupt_on, n->id) == 0) {
        record("create", n);
        pthread_mutex_lock(&cloud_lock);
        live++;
        pthread_mutex_unlock(&cloud_lock);
        res_node_set(ctx, n, "phys-interrupted", cJSON_Duplicate(n->desired, 1));
        atomic_store(&ctrl_c, 1);
        aws_error_set(err, AWS_ERR_TIMEOUT, "Interrupted", "interrupted while waiting");
        return -1;
    }
    if (waiting_create) { /* a wait that only a Ctrl-C ends */
        record("create", n);
        pthread_mutex_lock(&cloud_lock);
        live++;
        pthread_mutex_unlock(&cloud_lock);
        res_node_set(ctx, n, "phys-waiting", cJSON_Duplicate(n->desired, 1));
        if (res_sleep(ctx, 30) != 0) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "Interrupted", "interrupted while waiting");
            return -1;
        }
        return 0;
    }
    /* a reference must be resolved by now */
    const cJSON *parent = cJSON_GetObjectItem(n->desired, "parent");
    if (parent && !cJSON_IsString(parent)) {
        aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "parent not resolved");
        return -1;
    }
    record("create", n);
    pthread_mutex_lock(&cloud_lock);
    live++;
    pthread_mutex_unlock(&cloud_lock);
    char *pid = xasprintf("phys-%s", strchr(n->id, '/') + 1);
    res_node_set(ctx, n, pid, cJSON_Duplicate(n->desired, 1));
    free(pid);
    return 0;
}

static int mem_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    (void)err;
    record("update", n);
    res_node_set(ctx, n, n->physical_id, cJSON_Duplicate(n->desired, 1));
    return 0;
}

static int mem_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    (void)err;
    if (ctx->cancel)
        remove_cancellable = 1;
    record("delete", n);
    pthread_mutex_lock(&cloud_lock);
    live--;
    pthread_mutex_unlock(&cloud_lock);
    return 0;
}

static const char *const mem_replace_on[] = {"cidr", NULL};
static const char *const mem_create_only[] = {"initial", NULL};
static const res_kind parent_kind = {
    .name = "parent", .title = "Parent", .create = mem_create, .update = mem_update,
    .remove = mem_remove, .replace_on = mem_replace_on, .create_only = mem_create_only};
static const res_kind child_kind = {
    .name = "child", .title = "Child", .create = mem_create, .update = mem_update,
    .remove = mem_remove};
/* The parent goes only once every child is gone. */
static const res_kind_row mem_rows[] = {{&parent_kind, "child"}, {&child_kind, ""}, {NULL, NULL}};
static res_registry *mem_registry;

/* A kind whose resource an earlier run may have left changing (actual "steady": false). */
static int mem_unsettled(const res_node *n)
{
    return cJSON_IsFalse(cJSON_GetObjectItem(n->actual, "steady"));
}

static int mem_settle(res_ctx *ctx, res_node *n, aws_error *err)
{
    (void)err;
    record("settle", n);
    cJSON *a = cJSON_Duplicate(n->actual, 1);
    cJSON_ReplaceItemInObject(a, "steady", cJSON_CreateTrue());
    res_node_set(ctx, n, n->physical_id, a);
    return 0;
}

static const res_kind settling_kind = {
    .name = "child", .title = "Child", .create = mem_create, .update = mem_update,
    .remove = mem_remove, .unsettled = mem_unsettled, .settle = mem_settle};

static res_ctx ctx;
static res_graph *graph;

static void reset(void)
{
    graph = test_graph_open(&ctx, &mem_registry, mem_rows);
    events[0] = '\0';
    live = concurrent = max_concurrent = 0;
    fail_on = NULL;
    interrupt_on = NULL;
    waiting_create = 0;
    atomic_store(&ctrl_c, 0);
    remove_cancellable = 0;
}

static void cleanup(void)
{
    test_graph_close(&ctx);
    graph = NULL;
}

/* One parent and `children` children that refer to it. */
static void build(int children)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "cidr", "10.0.0.0/16");
    cJSON_AddStringToObject(p, "initial", "x");
    res_node *parent = res_graph_add(graph, &parent_kind, "main", NULL, p);
    for (int i = 0; i < children; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        cJSON *c = cJSON_CreateObject();
        cJSON_AddItemToObject(c, "parent", res_ref("parent/main", "id"));
        cJSON_AddNumberToObject(c, "size", i);
        res_node *child = res_graph_add(graph, &child_kind, name, NULL, c);
        res_node_depend(child, parent);
    }
}

/* Plan (for `up`, or for `down`) and run it; plan_execute's result, *r filled. */
static int plan_and_run(int for_down, int parallel, int rollback, plan_exec_result *r)
{
    plan_compute(&ctx, for_down);
    plan_exec_options o = {.parallel = parallel, .rollback = rollback};
    return plan_execute(&ctx, &o, r);
}

/* A parent and `children` children, all created (`parallel` at a time) before the test. */
static void created(int children, int parallel)
{
    reset();
    build(children);
    plan_exec_result r;
    ck_assert_int_eq(plan_and_run(0, parallel, 1, &r), 0);
    plan_exec_result_free(&r);
}

/* A parent and `children` children, run one at a time with or without `rollback`, where
 * the create of `fail` fails and the create of `interrupt` meets a Ctrl-C (either may be
 * NULL); plan_execute's result, *r filled. */
static int run_failing(int children, const char *fail, const char *interrupt, int rollback,
                       plan_exec_result *r)
{
    reset();
    build(children);
    fail_on = fail;
    interrupt_on = interrupt;
    if (interrupt)
        ctx.cancel = &ctrl_c;
    return plan_and_run(0, 1, rollback, r);
}

START_TEST(creates_in_dependency_order_in_parallel)
{
    reset();
    build(8);
    plan_compute(&ctx, 0);
    ck_assert_int_eq(graph->nodes[0]->action, RES_CREATE);
    ck_assert_int_eq(graph->nodes[1]->action, RES_CREATE);
    plan_exec_options o = {.parallel = 8, .rollback = 1};
    plan_exec_result r;
    ck_assert_int_eq(plan_execute(&ctx, &o, &r), 0);
    ck_assert_msg(strncmp(events, "create parent/main;", 19) == 0, "%s", events);
    ck_assert_int_eq(live, 9);
    ck_assert_int_ge(max_concurrent, 4); /* the children ran side by side */
    ck_assert_uint_eq(r.done, 9);
    plan_exec_result_free(&r);

    /* a second plan finds nothing to do */
    plan_compute(&ctx, 0);
    plan_counts c = plan_count(graph);
    ck_assert_uint_eq(c.create + c.update + c.replace + c.delete, 0);
    ck_assert_uint_eq(c.unchanged, 9);
    cleanup();
}
END_TEST

START_TEST(failure_rolls_back_what_was_created)
{
    plan_exec_result r;
    ck_assert_int_eq(run_failing(3, "child/c1", NULL, 1, &r), -1);
    ck_assert_int_eq(r.failed, 1);
    ck_assert_int_eq(r.rolled_back, 1);
    ck_assert_ptr_nonnull(strstr(r.failure, "child/c1: create: InvalidParameterException"));
    ck_assert_int_eq(live, 0);
    /* the parent went last */
    const char *last = strrchr(events, ';');
    ck_assert_ptr_nonnull(strstr(events, "delete parent/main;"));
    ck_assert_msg(strstr(events, "delete parent/main;") + strlen("delete parent/main") == last,
                  "%s", events);
    plan_exec_result_free(&r);
    cleanup();
}
END_TEST

START_TEST(no_rollback_leaves_resources)
{
    plan_exec_result r;
    ck_assert_int_eq(run_failing(2, "child/c0", NULL, 0, &r), -1);
    ck_assert_int_eq(r.rolled_back, 0);
    ck_assert_int_ge(live, 1);
    plan_exec_result_free(&r);
    cleanup();
}
END_TEST

START_TEST(diff_update_replace_and_create_only)
{
    created(1, 2);

    /* create_only members never count */
    cJSON_ReplaceItemInObject(graph->nodes[0]->desired, "initial", cJSON_CreateString("y"));
    plan_compute(&ctx, 0);
    ck_assert_int_eq(graph->nodes[0]->action, RES_NONE);

    /* an updatable member */
    cJSON_ReplaceItemInObject(graph->nodes[1]->desired, "size", cJSON_CreateNumber(5));
    plan_compute(&ctx, 0);
    ck_assert_int_eq(graph->nodes[1]->action, RES_UPDATE);
    ck_assert_uint_eq(graph->nodes[1]->changes.n, 1);
    ck_assert_str_eq(graph->nodes[1]->changes.items[0].path, "size");
    ck_assert_str_eq(graph->nodes[1]->changes.items[0].from, "0");
    ck_assert_str_eq(graph->nodes[1]->changes.items[0].to, "5");

    /* a replace_on member: the parent is replaced, the child's reference changes */
    cJSON_ReplaceItemInObject(graph->nodes[0]->desired, "cidr", cJSON_CreateString("10.1.0.0/16"));
    plan_compute(&ctx, 0);
    ck_assert_int_eq(graph->nodes[0]->action, RES_REPLACE);
    ck_assert_int_eq(graph->nodes[0]->changes.items[0].replaces, 1);
    ck_assert_int_eq(graph->nodes[1]->action, RES_UPDATE);
    int saw_known_after = 0;
    for (size_t i = 0; i < graph->nodes[1]->changes.n; i++)
        if (strcmp(graph->nodes[1]->changes.items[i].to, "(known after create)") == 0)
            saw_known_after = 1;
    ck_assert_int_eq(saw_known_after, 1);
    char *text = plan_render_text(graph, 0);
    ck_assert_ptr_nonnull(strstr(text, "-/+ replace  parent/main"));
    ck_assert_ptr_nonnull(strstr(text, "(forces replacement)"));
    ck_assert_ptr_nonnull(strstr(text, "Plan: 0 to create, 1 to update, 1 to replace"));
    free(text);
    cleanup();
}
END_TEST

START_TEST(down_deletes_children_before_parents)
{
    created(4, 4);
    events[0] = '\0';

    /* keep nothing; the teardown order keeps the parent until every child is gone */
    plan_exec_result r;
    ck_assert_int_eq(plan_and_run(1, 4, 1, &r), 0);
    ck_assert_int_eq(live, 0);
    const char *parent = strstr(events, "delete parent/main;");
    ck_assert_ptr_nonnull(parent);
    ck_assert_ptr_null(strstr(parent, "child/"));
    plan_exec_result_free(&r);

    /* a kept node stays unless purged */
    plan_compute(&ctx, 1);
    ck_assert_uint_eq(plan_count(graph).delete, 0);
    cleanup();
}
END_TEST

/* What down leaves standing: a kept node and what it stands on, not an external one; with
 * --purge only what an external resource stands on. */
START_TEST(down_leaves_what_is_kept)
{
    reset();
    build(2);
    for (size_t i = 0; i < graph->n; i++)
        graph->nodes[i]->physical_id = xasprintf("phys-%zu", i);
    graph->nodes[1]->keep = 1;      /* child c0: kept, so its parent stays too */
    graph->nodes[2]->external = 1;  /* child c1: someone else's */
    plan_compute(&ctx, 1);
    ck_assert(plan_left_kept(graph->nodes[1]));
    ck_assert(plan_left_kept(graph->nodes[0]));   /* what a kept resource stands on */
    ck_assert(!plan_left_kept(graph->nodes[2]));  /* external: neither deleted nor kept */
    ck_assert_int_eq(graph->nodes[2]->action, RES_NONE);
    ctx.purge = 1; /* the kept child goes; the parent stays while the external one needs it */
    plan_compute(&ctx, 1);
    ck_assert(!plan_left_kept(graph->nodes[1]));
    ck_assert_int_eq(graph->nodes[1]->action, RES_DELETE);
    ck_assert(plan_left_kept(graph->nodes[0]));
    graph->nodes[2]->external = 0; /* and with nothing external, nothing stays */
    plan_compute(&ctx, 1);
    for (size_t i = 0; i < graph->n; i++) {
        ck_assert(!plan_left_kept(graph->nodes[i]));
        ck_assert_int_eq(graph->nodes[i]->action, RES_DELETE);
    }
    cleanup();
}
END_TEST

/* A Ctrl-C while a create waits: nothing new starts, the failure is the interrupt (not the
 * wait it cut short), and the rollback, which no Ctrl-C cuts short, removes what was made. */
START_TEST(interrupt_stops_and_rolls_back)
{
    plan_exec_result r;
    ck_assert_int_eq(run_failing(3, NULL, "child/c0", 1, &r), -1);
    ck_assert_int_eq(r.failed, 1);
    ck_assert_str_eq(r.failure, "interrupted");
    ck_assert_int_eq(r.rolled_back, 1);
    ck_assert_int_eq(live, 0);
    ck_assert_msg(!strstr(events, "create child/c1") && !strstr(events, "create child/c2"), "%s", events);
    ck_assert_ptr_nonnull(strstr(events, "delete child/c0;"));
    ck_assert_int_eq(remove_cancellable, 0);
    ck_assert_int_eq(ctx.cancel == &ctrl_c, 1);
    plan_exec_result_free(&r);
    cleanup();

    /* --no-rollback: it stops there */
    ck_assert_int_eq(run_failing(3, NULL, "child/c0", 0, &r), -1);
    ck_assert_str_eq(r.failure, "interrupted");
    ck_assert_int_eq(r.rolled_back, 0);
    ck_assert_int_eq(live, 2);
    plan_exec_result_free(&r);
    cleanup();
}
END_TEST

/* The Ctrl-C watcher is another thread: it sets the flag while workers sleep in their
 * waits and the pool looks for work (ThreadSanitizer, `make tsan`, checks the flag is
 * read and written without a race). */
static void *press_ctrl_c(void *arg)
{
    (void)arg;
    util_sleep(0.1, NULL);
    atomic_store(&ctrl_c, 1);
    return NULL;
}

START_TEST(interrupt_from_another_thread_ends_waits)
{
    reset();
    build(6);
    ctx.cancel = &ctrl_c;
    waiting_create = 1;
    plan_compute(&ctx, 0);
    plan_exec_options o = {.parallel = 4, .rollback = 1};
    plan_exec_result r;
    pthread_t watcher;
    pthread_create(&watcher, NULL, press_ctrl_c, NULL);
    ck_assert_int_eq(plan_execute(&ctx, &o, &r), -1);
    pthread_join(watcher, NULL);
    ck_assert_str_eq(r.failure, "interrupted");
    ck_assert_int_eq(r.rolled_back, 1);
    ck_assert_int_eq(live, 0);
    plan_exec_result_free(&r);
    cleanup();
}
END_TEST

/* A node with nothing to change that an earlier run left changing is waited for (only
 * when services are waited for), and a later plan has nothing left to wait for. */
START_TEST(unchanged_but_unsettled_is_waited_for)
{
    reset();
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "size", 1);
    res_node *n = res_graph_add(graph, &settling_kind, "svc", NULL, d);
    n->physical_id = xstrdup("phys-svc");
    n->actual = cJSON_CreateObject();
    cJSON_AddNumberToObject(n->actual, "size", 1);
    cJSON_AddFalseToObject(n->actual, "steady");
    plan_compute(&ctx, 0);
    ck_assert_int_eq(n->action, RES_NONE);
    ck_assert_uint_eq(plan_count_unsettled(&ctx), 0); /* --no-wait */
    ctx.wait_services = 1;
    ck_assert_uint_eq(plan_count_unsettled(&ctx), 1);
    plan_exec_options o = {.parallel = 2, .rollback = 1};
    plan_exec_result r;
    ck_assert_int_eq(plan_execute(&ctx, &o, &r), 0);
    ck_assert_str_eq(events, "settle child/svc;");
    plan_exec_result_free(&r);
    plan_compute(&ctx, 0);
    ck_assert_uint_eq(plan_count_unsettled(&ctx), 0);
    cleanup();
}
END_TEST

/* A kind whose create waits on AWS: one call, then polls (res_wait) until every one of
 * them is waiting at once. With waits holding a slot, at most `parallel` could ever wait
 * together and the wait would end only at its bound; with waits multiplexed, all do. A
 * poll is a call in flight (a sleep outside util_sleep, so it keeps its slot): never
 * more of those than `parallel`. */
static int waiting_now, waiting_goal, waited_all;

static void in_flight(void)
{
    busy(1);
    struct timespec call = {0, 2000000}; /* 2 ms of "network", holding the slot */
    nanosleep(&call, NULL);
    busy(-1);
}

static int all_waiting(res_ctx *c, res_node *n, void *ud, char *seen, size_t size, aws_error *err)
{
    (void)c, (void)n, (void)ud, (void)err;
    in_flight();
    pthread_mutex_lock(&cloud_lock);
    int done = waiting_now >= waiting_goal;
    if (done)
        waited_all = 1;
    snprintf(seen, size, "%d of %d waiting", waiting_now, waiting_goal);
    pthread_mutex_unlock(&cloud_lock);
    return done;
}

static int overlapping_create(res_ctx *c, res_node *n, aws_error *err)
{
    in_flight();
    pthread_mutex_lock(&cloud_lock);
    waiting_now++;
    pthread_mutex_unlock(&cloud_lock);
    int rc = res_wait(c, n, RES_CREATE, "the others", all_waiting, NULL, err);
    if (rc == 0)
        res_node_set(c, n, "phys", cJSON_Duplicate(n->desired, 1));
    return rc;
}

static const res_kind waiting_kind = {
    .name = "child", .title = "Child", .create = overlapping_create, .update = mem_update,
    .remove = mem_remove};

START_TEST(waits_do_not_hold_a_slot)
{
    reset();
    waiting_now = waited_all = 0;
    waiting_goal = 6;
    for (int i = 0; i < waiting_goal; i++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        res_graph_add(graph, &waiting_kind, name, NULL, cJSON_CreateObject());
    }
    ctx.poll_s = 0.01;
    ctx.timeout_s = 60; /* only a bound on failure: success needs no time to pass */
    plan_compute(&ctx, 0);
    plan_exec_options o = {.parallel = 2, .rollback = 0};
    plan_exec_result r;
    ck_assert_msg(plan_execute(&ctx, &o, &r) == 0, "%s", r.failure ? r.failure : "");
    ck_assert_int_eq(waited_all, 1);    /* all six waited side by side... */
    ck_assert_int_le(max_concurrent, 2); /* ...with never more than two calls in flight */
    ck_assert_int_ge(max_concurrent, 1);
    plan_exec_result_free(&r);
    cleanup();
}
END_TEST

UNIT_SUITE(plan_exec, 0, creates_in_dependency_order_in_parallel,
           failure_rolls_back_what_was_created, no_rollback_leaves_resources,
           diff_update_replace_and_create_only, down_deletes_children_before_parents,
           down_leaves_what_is_kept,
           interrupt_stops_and_rolls_back, interrupt_from_another_thread_ends_waits,
           unchanged_but_unsettled_is_waited_for, waits_do_not_hold_a_slot)
