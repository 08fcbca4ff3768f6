/*
 * Driving the network kinds against the fake through plan_discover / plan_compute /
 * plan_execute, the way the commands do, with a graph of only the network kinds (so the
 * tests do not depend on the other kinds). Static helpers for tests/unit/test_res_net*.c.
 */
#ifndef ECSDEPLOY_TEST_RES_NET_HARNESS_H
#define ECSDEPLOY_TEST_RES_NET_HARNESS_H

#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ec2.h"
#include "fakeaws_fixture.h"
#include "plan.h"
#include "xalloc.h"

#define OK(x) ck_assert_msg((x) == 0, "%s failed: %s: %s", #x, err.code, err.message)

static const char *const net_kinds[] = {"vpc",  "subnet", "igw",      "route_table", "eip",
                                        "nat",  "sg",     "sg_rules", "sg_reach",    NULL};

typedef struct {
    stack_model *s;
    res_graph *g;
    res_ctx ctx;
    aws_client *aws;
    pthread_mutex_t lock;
    buf events; /* "id: message\n" for every progress event */
} net_run;

static void net_on_event(void *ud, const res_node *n, res_action a, res_event_kind k,
                         const char *msg)
{
    (void)a;
    (void)k;
    net_run *r = ud;
    pthread_mutex_lock(&r->lock);
    buf_printf(&r->events, "%s: %s\n", n->id, msg);
    pthread_mutex_unlock(&r->lock);
}

static void net_open(net_run *r, const char *region)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_mutex_init(&r->ctx.lock, NULL);
    aws_client_options o = {.region = region};
    aws_error err;
    OK(aws_client_new(&o, &r->aws, &err));
    r->ctx.aws = r->aws;
    r->ctx.region = aws_client_region(r->aws);
    r->ctx.timeout_s = 60;
    r->ctx.poll_s = 0.05;
    r->ctx.on_event = net_on_event;
    r->ctx.event_ud = r;
}

/* A fresh graph of the network kinds for the loaded stack. */
static void net_rebuild(net_run *r)
{
    res_graph_free(r->g);
    r->g = xcalloc(1, sizeof *r->g);
    r->g->registry = res_registry_get();
    r->g->stack = r->s;
    char msg[512];
    for (size_t i = 0; net_kinds[i]; i++) {
        const res_kind *k = res_kind_by_name(net_kinds[i]);
        ck_assert_msg(k != NULL, "kind %s is not registered", net_kinds[i]);
        ck_assert_msg(k->build(r->g, r->s, msg, sizeof msg) == 0, "%s: %s", net_kinds[i], msg);
    }
    r->ctx.graph = r->g;
}

/* Load a stack file from text (printf format). */
static void net_load(net_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void net_load(net_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf b = BUF_INIT;
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    stack_diags d = {0};
    stack_free(r->s);
    r->s = NULL;
    int rc = stack_load_buffer("test.yml", b.data, b.len, NULL, &r->s, &d);
    if (rc != 0)
        stack_diags_print(&d, stderr, 10);
    ck_assert_int_eq(rc, 0);
    stack_diags_free(&d);
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

static inline void net_up(net_run *r)
{
    net_plan(r, 0);
    plan_exec_result res;
    int rc = net_exec(r, 1, &res);
    ck_assert_msg(rc == 0, "up failed: %s\n%s", res.failure ? res.failure : "?", buf_str(&r->events));
    plan_exec_result_free(&res);
}

static inline void net_down(net_run *r)
{
    net_plan(r, 1);
    plan_exec_result res;
    int rc = net_exec(r, 0, &res);
    ck_assert_msg(rc == 0, "down failed: %s\n%s", res.failure ? res.failure : "?", buf_str(&r->events));
    plan_exec_result_free(&res);
}

static void net_close(net_run *r)
{
    res_graph_free(r->g);
    stack_free(r->s);
    aws_client_free(r->aws);
    buf_free(&r->events);
    pthread_mutex_destroy(&r->lock);
    free(r->ctx.account);
    pthread_mutex_destroy(&r->ctx.lock);
}

static inline const res_node *net_node(const net_run *r, const char *id)
{
    const res_node *n = res_graph_find(r->g, id);
    ck_assert_msg(n != NULL, "no node %s", id);
    return n;
}

static size_t net_collect(char *p, size_t size, size_t n, void *ud)
{
    buf_append(ud, p, size * n);
    return size * n;
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
    char full[512];
    snprintf(full, sizeof full, "%s/_fake/resources", fake_url());
    CURL *h = curl_easy_init();
    buf b = BUF_INIT;
    curl_easy_setopt(h, CURLOPT_URL, full);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, net_collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    cJSON *doc = cJSON_Parse(buf_str(&b));
    ck_assert_ptr_nonnull(doc);
    int count = 0;
    count_tagged(doc, stack, &count);
    cJSON_Delete(doc);
    buf_free(&b);
    return count;
}

#endif
