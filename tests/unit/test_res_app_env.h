/* Driving the application kinds through discover / plan / execute against the fake. */
#ifndef ECSDEPLOY_TEST_RES_APP_ENV_H
#define ECSDEPLOY_TEST_RES_APP_ENV_H

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deploy.h"
#include "ec2.h"
#include "fakeaws_fixture.h"
#include "plan.h"
#include "res_events.h"
#include "xalloc.h"

typedef struct {
    stack_model *stack;
    res_graph *graph;
    res_ctx ctx;
    aws_client *aws;
    res_events events; /* every event message, to check that no secret leaks */
    char *subnet, *group; /* a network made by hand when the network kinds are absent */
    char *text;           /* the stack file open (or last opened), for app_reopen */
} app_env;

/* The client and the event log, once for the life of e (a test may start them before
 * its first app_open, to set the scene). */
static void app_client(app_env *e)
{
    if (e->aws)
        return;
    aws_client_options o = {0};
    aws_error err;
    ck_assert_int_eq(aws_client_new(&o, &e->aws, &err), 0);
    res_events_init(&e->events);
}

/* A VPC, subnet and group for services when the graph has no network nodes. */
static void app_hand_network(app_env *e)
{
    if (e->subnet)
        return;
    aws_error err;
    ec2_vpc vpc = {0};
    ck_assert_int_eq(ec2_create_vpc(e->aws, "10.77.0.0/16", NULL, &vpc, &err), 0);
    ec2_subnet sn = {0};
    ck_assert_int_eq(ec2_create_subnet(e->aws, vpc.id, "10.77.0.0/20", "us-east-1a", NULL, &sn, &err), 0);
    char *name = xasprintf("%s-hand", e->stack->name);
    ck_assert_int_eq(ec2_create_security_group(e->aws, vpc.id, name, "test", NULL, &e->group, &err), 0);
    free(name);
    e->subnet = xstrdup(sn.id);
    ec2_subnet_free(&sn);
    ec2_vpc_free(&vpc);
}

/* Services reach their network through the network kinds' nodes; without them, point
 * the service nodes at a network made by hand. */
static void app_patch_network(app_env *e)
{
    if (res_graph_find(e->graph, "subnet/public-0") || res_graph_find(e->graph, "subnet/private-0"))
        return;
    for (size_t i = 0; i < e->graph->n; i++) {
        res_node *n = e->graph->nodes[i];
        if (strncmp(n->id, "service/", 8) != 0 || !n->desired)
            continue;
        app_hand_network(e);
        cJSON *s = cJSON_CreateArray();
        cJSON_AddItemToArray(s, cJSON_CreateString(e->subnet));
        cJSON_ReplaceItemInObject(n->desired, "subnets", s);
        cJSON *g = cJSON_CreateArray();
        cJSON_AddItemToArray(g, cJSON_CreateString(e->group));
        cJSON_ReplaceItemInObject(n->desired, "security_groups", g);
    }
}

static void app_close(app_env *e);

/* Load a stack, build its graph and discover what exists; a stack already open is closed
 * first (the client and the events stay). */
static void app_open(app_env *e, const char *yaml)
{
    ck_assert_ptr_nonnull(fake_url());
    if (e->graph)
        app_close(e);
    if (yaml != e->text) {
        free(e->text);
        e->text = xstrdup(yaml);
    }
    stack_diags d = {0};
    if (stack_load_buffer("test.yml", yaml, strlen(yaml), NULL, &e->stack, &d) != 0) {
        stack_diags_print(&d, stderr, 20);
        ck_abort_msg("the test stack does not load");
    }
    stack_diags_free(&d);
    app_client(e);
    char msg[512];
    ck_assert_msg(res_graph_build(e->stack, "us-east-1", &e->graph, msg, sizeof msg) == 0, "%s", msg);
    memset(&e->ctx, 0, sizeof e->ctx);
    pthread_mutex_init(&e->ctx.lock, NULL);
    e->ctx.aws = e->aws;
    e->ctx.stack = e->stack;
    e->ctx.stack_name = e->stack->name;
    e->ctx.graph = e->graph;
    e->ctx.region = "us-east-1";
    e->ctx.wait_services = 1;
    e->ctx.timeout_s = 60;
    e->ctx.poll_s = 0.05;
    e->ctx.on_event = res_events_on_event;
    e->ctx.event_ud = &e->events;
    e->ctx.watch = deploy_watch_res;
    app_patch_network(e);
    aws_error err;
    char line[1400];
    ck_assert_msg(plan_discover(&e->ctx, 8, &err) == 0, "discover: %s",
                  aws_error_format(&err, line, sizeof line));
}

/* Drop the graph and stack (the client stays for the next app_open). */
static void app_close(app_env *e)
{
    res_graph_free(e->graph);
    stack_free(e->stack);
    free(e->ctx.account);
    pthread_mutex_destroy(&e->ctx.lock);
    e->graph = NULL;
    e->stack = NULL;
}

/* The stack file last opened, read again: what a fresh run would find and plan now. */
static void app_reopen(app_env *e)
{
    app_open(e, e->text);
}

static void app_free(app_env *e)
{
    free(e->text);
    if (e->graph)
        app_close(e);
    if (e->aws) {
        aws_client_free(e->aws);
        res_events_free(&e->events);
    }
    free(e->subnet);
    free(e->group);
}

/* Plan (up or down) and execute; returns plan_execute's result, r filled. */
static int app_run(app_env *e, int for_down, plan_exec_result *r)
{
    plan_compute(&e->ctx, for_down);
    plan_exec_options o = {.parallel = 8, .rollback = 1};
    return plan_execute(&e->ctx, &o, r);
}

/* Plan (up or down) and execute, which must succeed (else the failure and the events are
 * shown). */
static void app_run_ok(app_env *e, int for_down)
{
    plan_exec_result r;
    int rc = app_run(e, for_down, &r);
    ck_assert_msg(rc == 0, "%s\n%s", r.failure, res_events_text(&e->events));
    plan_exec_result_free(&r);
}

/* `down --purge`, which must succeed: everything of the stack goes, kept buckets too. */
static void app_down_purge(app_env *e)
{
    e->ctx.purge = 1;
    app_run_ok(e, 1);
}

/* The number of actions a fresh plan of the file would take. */
static size_t app_changes(app_env *e)
{
    plan_compute(&e->ctx, 0);
    plan_counts c = plan_count(e->graph);
    if (c.create + c.update + c.replace + c.delete) {
        char *text = plan_render_text(e->graph, 0);
        fprintf(stderr, "%s\n", text);
        free(text);
    }
    return c.create + c.update + c.replace + c.delete;
}

static res_node *app_node(app_env *e, const char *id)
{
    res_node *n = res_graph_find(e->graph, id);
    ck_assert_msg(n != NULL, "no node %s", id);
    return n;
}

#endif
