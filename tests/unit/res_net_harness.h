/*
 * Driving the network kinds against the fake through plan_discover / plan_compute /
 * plan_execute, the way the commands do, with a graph of only the network kinds (so the
 * tests do not depend on the other kinds), or of the kinds a test names in `kinds`.
 * Static helpers for tests/unit/test_res_net*.c and test_res_edge.c.
 */
#ifndef ECSDEPLOY_TEST_RES_NET_HARNESS_H
#define ECSDEPLOY_TEST_RES_NET_HARNESS_H

#include <check.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ec2.h"
#include "fakeaws_fixture.h"
#include "plan.h"
#include "res_events.h"
#include "stack_fixture.h"
#include "xalloc.h"

#define OK(x) ck_assert_msg((x) == 0, "%s failed: %s: %s", #x, err.code, err.message)

static const char *const net_kinds[] = {"vpc",  "subnet", "igw",      "route_table", "eip",
                                        "nat",  "sg",     "sg_rules", "sg_reach",    NULL};

typedef struct {
    const char *const *kinds; /* the kinds of the graph; NULL: net_kinds */
    stack_model *s;
    res_graph *g;
    res_ctx ctx;
    aws_client *aws;
    res_events events;
} net_run;

static void net_open(net_run *r, const char *region)
{
    memset(r, 0, sizeof *r);
    res_events_init(&r->events);
    pthread_mutex_init(&r->ctx.lock, NULL);
    aws_client_options o = {.region = region};
    aws_error err;
    OK(aws_client_new(&o, &r->aws, &err));
    r->ctx.aws = r->aws;
    r->ctx.region = aws_client_region(r->aws);
    r->ctx.timeout_s = 60;
    r->ctx.poll_s = 0.05;
    r->ctx.on_event = res_events_on_event;
    r->ctx.event_ud = &r->events;
}

static int net_kind_in(const char *const *kinds, const char *name)
{
    for (size_t i = 0; kinds[i]; i++)
        if (strcmp(kinds[i], name) == 0)
            return 1;
    return 0;
}

/* A fresh graph of the run's kinds for the loaded stack. */
static void net_rebuild(net_run *r)
{
    const char *const *kinds = r->kinds ? r->kinds : net_kinds;
    res_graph_free(r->g);
    r->g = xcalloc(1, sizeof *r->g);
    r->g->registry = res_registry_get();
    r->g->stack = r->s;
    r->g->region = r->ctx.region;
    r->g->partition = "aws";
    for (size_t i = 0; kinds[i]; i++) {
        const res_kind *k = res_kind_by_name(kinds[i]);
        ck_assert_msg(k != NULL, "kind %s is not registered", kinds[i]);
        ck_assert_msg(k->build(r->g, r->s) == 0, "%s: %s", kinds[i], r->g->error);
    }
    r->ctx.graph = r->g;
}

/* Load a stack file from text (printf format), in place of the one loaded before (and
 * of its graph). */
static void net_load(net_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void net_load(net_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf b = BUF_INIT;
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    res_graph_free(r->g);
    r->g = NULL;
    stack_free(r->s);
    r->s = test_load_stack(buf_str(&b), NULL);
    buf_free(&b);
    r->ctx.stack = r->s;
    r->ctx.stack_name = r->s->name;
}

/* Discover and plan (for `up`, or for `down`). */
static plan_counts net_plan(net_run *r, int for_down)
{
    net_rebuild(r);
    aws_error err;
    aws_error_clear(&err);
    OK(plan_discover(&r->ctx, 8, &err));
    /* found resources of kinds not under test (another test's, or none) are left alone */
    for (size_t i = 0; r->kinds && i < r->g->n; i++)
        if (!net_kind_in(r->kinds, r->g->nodes[i]->kind->name))
            r->g->nodes[i]->external = 1;
    plan_compute(&r->ctx, for_down);
    return plan_count(r->g);
}

static inline size_t net_changes(plan_counts c)
{
    return c.create + c.update + c.replace + c.delete;
}

/* Run the plan; 0 when every action succeeded. The result is freed unless out is given. */
static inline int net_exec(net_run *r, int rollback, plan_exec_result *out)
{
    plan_exec_options o = {.parallel = 8, .rollback = rollback};
    plan_exec_result res;
    int rc = plan_execute(&r->ctx, &o, &res);
    if (out)
        *out = res;
    else
        plan_exec_result_free(&res);
    return rc;
}

/* Run the plan, which must succeed (`what` names it in the failure). */
static inline void net_execute(net_run *r, int rollback, const char *what)
{
    plan_exec_result res;
    int rc = net_exec(r, rollback, &res);
    ck_assert_msg(rc == 0, "%s failed: %s\n%s", what, res.failure ? res.failure : "?", res_events_text(&r->events));
    plan_exec_result_free(&res);
}

/* A fresh plan for `up` has nothing to do (else the test fails and shows the plan). */
static inline void net_no_changes(net_run *r)
{
    plan_counts c = net_plan(r, 0);
    char *text = plan_render_text(r->g, 0);
    ck_assert_msg(net_changes(c) == 0, "expected no changes:\n%s", text);
    free(text);
}

static inline void net_up(net_run *r)
{
    net_plan(r, 0);
    net_execute(r, 1, "up");
}

static inline void net_down(net_run *r)
{
    net_plan(r, 1);
    net_execute(r, 0, "down");
}

static void net_close(net_run *r)
{
    res_graph_free(r->g);
    stack_free(r->s);
    aws_client_free(r->aws);
    res_events_free(&r->events);
    free(r->ctx.account);
    pthread_mutex_destroy(&r->ctx.lock);
}

static inline const res_node *net_node(const net_run *r, const char *id)
{
    const res_node *n = res_graph_find(r->g, id);
    ck_assert_msg(n != NULL, "no node %s", id);
    return n;
}

/* The security group `id` as EC2 describes it (free it with ec2_security_group_free). */
static inline ec2_security_group net_group(net_run *r, const char *id)
{
    aws_error err;
    const char *ids[] = {id, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_security_groups l = {0};
    OK(ec2_describe_security_groups(r->aws, &in, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ec2_security_group g = l.items[0];
    memset(&l.items[0], 0, sizeof l.items[0]);
    ec2_security_groups_free(&l);
    return g;
}

/* Count what the fake holds for a stack (resources tagged ecsdeploy:stack = name), as
 * GET /_fake/resources shows them. */
static void count_tagged(const cJSON *v, const char *stack, int *count)
{
    if (cJSON_IsObject(v)) {
        const cJSON *tags = cJSON_GetObjectItemCaseSensitive(v, "tags");
        const cJSON *t = cJSON_IsObject(tags) ? cJSON_GetObjectItemCaseSensitive(tags, RES_TAG_STACK) : NULL;
        if (cJSON_IsString(t) && strcmp(t->valuestring, stack) == 0)
            (*count)++;
    }
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next)
        count_tagged(c, stack, count);
}

static inline int fake_count_stack(const char *stack)
{
    cJSON *doc = fake_resources();
    int count = 0;
    count_tagged(doc, stack, &count);
    cJSON_Delete(doc);
    return count;
}

/* After a down: nothing tagged for `stack` is left in the fake, and a new plan for down
 * has nothing to do. */
static inline void net_gone(net_run *r, const char *stack)
{
    int left = fake_count_stack(stack);
    ck_assert_msg(left == 0, "%d resources of %s left", left, stack);
    size_t changes = net_changes(net_plan(r, 1));
    ck_assert_msg(changes == 0, "a second down of %s would change %zu", stack, changes);
}

#endif
