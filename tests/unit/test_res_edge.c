/*
 * The load-balancing and discovery kinds (namespace, discovery, alb, target_group,
 * listener, listener_rule) against the fake, driven like the commands drive them:
 * plan_discover / plan_compute / plan_execute over a graph of the network kinds and these
 * (the other kinds are left out, so nothing here waits for ECS).
 */
#include <check.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "ec2.h"
#include "elbv2.h"
#include "../../src/resources/elb_internal.h"
#include "res_net_harness.h"

static const char *const kinds[] = {"vpc", "subnet", "igw", "route_table", "eip", "nat", "sg",
                                    "sg_rules", "sg_reach", "namespace", "discovery", "alb",
                                    "target_group", "listener", "listener_rule", NULL};

typedef net_run run;

/* A run of this file's kinds on the stack file `fmt` (printf format). */
static void open_run(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void open_run(run *r, const char *fmt, ...)
{
    net_open(r, NULL);
    r->kinds = kinds;
    va_list ap;
    va_start(ap, fmt);
    buf text = BUF_INIT;
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    net_load(r, "%s", buf_str(&text));
    buf_free(&text);
}

static const char *actual_str(const run *r, const char *id, const char *member)
{
    const res_node *n = net_node(r, id);
    ck_assert_msg(n->actual != NULL, "%s has no actual properties", id);
    const cJSON *v = cJSON_GetObjectItem(n->actual, member);
    ck_assert_msg(cJSON_IsString(v), "%s has no %s", id, member);
    return v->valuestring;
}

static char *plan_text(const run *r)
{
    return plan_render_text(r->g, 0);
}

/* ---- the fake's view --------------------------------------------------------------- */

static int names_stack(const cJSON *o, const char *stack, const char *ns_id)
{
    char prefix[128], inner[128], zone[128];
    snprintf(prefix, sizeof prefix, "%s-", stack);
    snprintf(inner, sizeof inner, "/%s-", stack);
    snprintf(zone, sizeof zone, "%s.internal", stack);
    for (const cJSON *m = o->child; m; m = m->next) {
        if (!cJSON_IsString(m))
            continue;
        const char *v = m->valuestring;
        if ((strcmp(m->string, "name") == 0 && (strncmp(v, prefix, strlen(prefix)) == 0 || strcmp(v, zone) == 0)) ||
            (strcmp(m->string, "arn") == 0 && strstr(v, inner)) ||
            (strcmp(m->string, "namespace") == 0 && ns_id && strcmp(v, ns_id) == 0))
            return 1;
    }
    return 0;
}

/* Objects of the fake's elbv2 and servicediscovery that are the stack's (by name, ARN
 * or namespace), plus EC2 resources tagged for it, as GET /_fake/resources shows them. */
static void count_named(const cJSON *v, const char *stack, const char *ns_id, int *count)
{
    if (cJSON_IsObject(v) && names_stack(v, stack, ns_id))
        (*count)++;
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next)
        count_named(c, stack, ns_id, count);
}

static int fake_count(const char *stack, const char *ns_id)
{
    cJSON *doc = fake_resources();
    int count = 0;
    count_named(cJSON_GetObjectItem(doc, "elbv2"), stack, ns_id, &count);
    count_named(cJSON_GetObjectItem(doc, "servicediscovery"), stack, ns_id, &count);
    count_tagged(cJSON_GetObjectItem(doc, "ec2"), stack, &count);
    cJSON_Delete(doc);
    return count;
}

/* ---- stacks ------------------------------------------------------------------------ */

static const char *const basic_fmt =
    "stack: %s\n"
    "network: { vpc: { cidr: 10.70.0.0/16 }, zones: 2, nat: none }\n"
    "discovery: { namespace: %s.internal }\n"
    "load_balancers:\n"
    "  web: { idle_timeout: %d, listeners: [ { port: 80 } ] }\n"
    "services:\n"
    "  api:\n"
    "    image: nginx:1.27\n"
    "    port: 8080\n"
    "    discovery: { name: api }\n"
    "    load_balancer:\n"
    "      name: web\n"
    "      health_check: { path: %s }\n"
    "      deregistration_delay: %d\n"
    "%s";

static char *basic(const char *stack, int idle, const char *health, int delay, const char *extra)
{
    return xasprintf(basic_fmt, stack, stack, idle, health, delay, extra);
}

/* open_run of the basic stack with nothing extra. */
static void open_basic(run *r, const char *stack, int idle, const char *health, int delay)
{
    char *text = basic(stack, idle, health, delay, "");
    open_run(r, "%s", text);
    free(text);
}

/* The fake keeps new load balancers provisioning until `up` says it waits for one (not
 * for a fixed time: on a loaded machine `up` may end after the fake's draw); at most 30 s. */
static void *release_lb_once_waited(void *arg)
{
    run *r = arg;
    res_events_wait(&r->events, "waiting for the load balancer to become active", 30);
    fake_control("/_fake/elbv2/not-ready", "{\"hold\": false}");
    return NULL;
}

/* Each test starts with load balancers going active by the fake's clock, even after a
 * test that failed while it held them provisioning. */
static void release_lbs(void)
{
    fake_control("/_fake/elbv2/not-ready", "{\"hold\": false}");
}

START_TEST(create_no_change_update_down)
{
    run r;
    open_basic(&r, "edge-a", 60, "/healthz", 30);
    plan_counts c = net_plan(&r, 0);
    ck_assert_msg(c.create >= 6, "creates: %zu", c.create);
    ck_assert_int_eq(fake_control("/_fake/elbv2/not-ready", "{\"hold\": true}"), 0);
    pthread_t t;
    pthread_create(&t, NULL, release_lb_once_waited, &r);
    net_execute(&r, 0, "up");
    pthread_join(t, NULL);
    ck_assert_str_eq(actual_str(&r, "alb/web", "name"), "edge-a-web");
    ck_assert(strstr(actual_str(&r, "alb/web", "dns_name"), "elb.amazonaws.com") != NULL);
    ck_assert_str_eq(actual_str(&r, "alb/web", "state"), "active");
    ck_assert(strncmp(actual_str(&r, "target_group/api", "arn"), "arn:aws:elasticloadbalancing:", 29) == 0);
    ck_assert_int_eq(cJSON_GetObjectItem(net_node(&r, "target_group/api")->actual, "deregistration_delay")->valueint, 30);
    ck_assert(strncmp(actual_str(&r, "discovery/api", "arn"), "arn:aws:servicediscovery:", 25) == 0);
    ck_assert_ptr_nonnull(net_node(&r, "listener/web-80")->physical_id);
    ck_assert_ptr_nonnull(net_node(&r, "listener_rule/api-80")->physical_id);
    char *ns_id = xstrdup(net_node(&r, "namespace/main")->physical_id);
    ck_assert(strstr(res_events_text(&r.events), "waiting for the load balancer to become active") != NULL);

    /* a second plan finds everything as the file wants it */
    net_no_changes(&r);

    /* edits: health check path, deregistration delay, idle timeout, a path rule */
    char *text = basic("edge-a", 120, "/ready", 10, "");
    char *with_paths = xasprintf("%s      paths: [/api/*]\n", text);
    net_load(&r, "%s", with_paths);
    c = net_plan(&r, 0);
    char *shown = plan_text(&r);
    ck_assert_msg(c.update == 3 && c.create == 0 && c.replace == 0 && c.delete == 0, "%s", shown);
    ck_assert_msg(strstr(shown, "health_check.path: /healthz -> /ready") != NULL, "%s", shown);
    ck_assert_msg(strstr(shown, "deregistration_delay: 30 -> 10") != NULL, "%s", shown);
    ck_assert_msg(strstr(shown, "idle_timeout: 60 -> 120") != NULL, "%s", shown);
    ck_assert_msg(strstr(shown, "listener_rule/api-80") != NULL, "%s", shown);
    free(shown);
    net_execute(&r, 0, "update");
    net_no_changes(&r);
    free(with_paths);
    free(text);

    ck_assert_int_gt(fake_count("edge-a", ns_id), 0);
    net_down(&r);
    ck_assert_int_eq(fake_count("edge-a", ns_id), 0);
    c = net_plan(&r, 1);
    ck_assert_int_eq(net_changes(c), 0);
    free(ns_id);
    net_close(&r);
}
END_TEST

/* HTTPS with a certificate and TLS policy, HTTP redirected to it: the redirect listener
 * gets no rule. */
START_TEST(https_and_redirect)
{
    run r;
    char *text = basic("edge-b", 60, "/", 30, "");
    char *https = xasprintf("%s", text);
    char *p = strstr(https, "listeners: [ { port: 80 } ]");
    ck_assert_ptr_nonnull(p);
    char *fixed = xasprintf("%.*slisteners: [ { port: 80, redirect_to: 443 }, { port: 443, certificates: "
                            "[ \"arn:aws:acm:us-east-1:123456789012:certificate/abc-123\" ] } ]%s",
                            (int)(p - https), https, p + strlen("listeners: [ { port: 80 } ]"));
    open_run(&r, "%s", fixed);
    net_up(&r);
    const res_node *l80 = net_node(&r, "listener/web-80");
    const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(l80->actual, "default_actions"), 0);
    ck_assert_str_eq(cJSON_GetObjectItem(a, "type")->valuestring, "redirect");
    ck_assert_str_eq(cJSON_GetObjectItem(a, "port")->valuestring, "443");
    ck_assert_str_eq(cJSON_GetObjectItem(a, "protocol")->valuestring, "HTTPS");
    ck_assert_str_eq(actual_str(&r, "listener/web-443", "protocol"), "HTTPS");
    ck_assert_str_eq(actual_str(&r, "listener/web-443", "ssl_policy"), "ELBSecurityPolicy-TLS13-1-2-2021-06");
    ck_assert_str_eq(actual_str(&r, "listener/web-443", "certificate"),
                     "arn:aws:acm:us-east-1:123456789012:certificate/abc-123");
    ck_assert_ptr_null(res_graph_find(r.g, "listener_rule/api-80"));
    ck_assert_ptr_nonnull(net_node(&r, "listener_rule/api-443")->physical_id);
    net_no_changes(&r);
    net_down(&r);
    ck_assert_int_eq(fake_count("edge-b", NULL), 0);
    free(fixed);
    free(https);
    free(text);
    net_close(&r);
}
END_TEST

/* Blue/green: the alternate group, a forward-only weighted production rule (100/0) and a
 * test listener rule (0/100); weights ECS moves are not a change. */
START_TEST(blue_green)
{
    run r;
    char *text = basic("edge-c", 60, "/", 30,
                       "      test_listener: 8080\n"
                       "    deployment: { strategy: blue-green }\n");
    char *p = strstr(text, "listeners: [ { port: 80 } ]");
    char *two = xasprintf("%.*slisteners: [ { port: 80 }, { port: 8080 } ]%s", (int)(p - text), text,
                          p + strlen("listeners: [ { port: 80 } ]"));
    open_run(&r, "%s", two);
    net_up(&r);
    ck_assert_str_eq(actual_str(&r, "target_group/api-alt", "name"), "edge-c-api-g");
    char *tg = xstrdup(actual_str(&r, "target_group/api", "arn"));
    char *alt = xstrdup(actual_str(&r, "target_group/api-alt", "arn"));
    aws_error err;
    char *prod_arn = xstrdup(net_node(&r, "listener_rule/api-80")->physical_id);
    char *test_arn = xstrdup(net_node(&r, "listener_rule/api-8080")->physical_id);
    const char *prod[] = {prod_arn, NULL};
    const char *test[] = {test_arn, NULL};
    elbv2_rules rules = {0};
    OK(elbv2_describe_rules(r.aws, NULL, prod, 0, &rules, &err));
    ck_assert_int_eq(rules.n, 1);
    ck_assert_int_eq(rules.items[0].nactions, 1);
    const elbv2_action *fwd = &rules.items[0].actions[0];
    ck_assert_str_eq(fwd->type, "forward");
    ck_assert_int_eq(fwd->nforward, 2);
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_eq(fwd->forward[i].weight,
                         strcmp(fwd->forward[i].target_group_arn, tg) == 0 ? 100 : 0);
    elbv2_rules_free(&rules);
    OK(elbv2_describe_rules(r.aws, NULL, test, 0, &rules, &err));
    fwd = &rules.items[0].actions[0];
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_eq(fwd->forward[i].weight,
                         strcmp(fwd->forward[i].target_group_arn, alt) == 0 ? 100 : 0);
    elbv2_rules_free(&rules);
    net_no_changes(&r);

    /* ECS shifts the traffic: the plan does not fight it */
    elbv2_action shifted = {.type = "forward"};
    elbv2_tg_weight w[2] = {{alt, 100}, {tg, 0}};
    shifted.forward = w;
    shifted.nforward = 2;
    OK(elbv2_modify_rule(r.aws, prod[0], NULL, 0, &shifted, 1, NULL, &err));
    net_no_changes(&r);

    net_down(&r);
    ck_assert_int_eq(fake_count("edge-c", NULL), 0);
    free(prod_arn);
    free(test_arn);
    free(tg);
    free(alt);
    free(two);
    free(text);
    net_close(&r);
}
END_TEST

static const char *const auth_fmt =
    "stack: edge-g\n"
    "network: { vpc: { cidr: 10.72.0.0/16 }, zones: 2, nat: none }\n"
    "load_balancers:\n"
    "  web: { listeners: [ { port: 443, certificates: [ \"arn:aws:acm:us-east-1:123456789012:certificate/g-1\" ] } ] }\n"
    "services:\n"
    "  api:\n"
    "    image: nginx:1.27\n"
    "    port: %d\n"
    "%s"
    "    load_balancer:\n"
    "      name: web\n"
    "%s";

static const char *const cognito =
    "      authenticate:\n"
    "        cognito: { user_pool_arn: \"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Ab\","
    " client_id: abc123, domain: edge-login }\n";

/* A login added to a service: its rule gets the authenticate action before the forward,
 * and then shows no change. A new port replaces the target group although a rule forwards
 * to it (the rule answers 503 meanwhile) and the rule follows. */
START_TEST(auth_added_and_port_changed)
{
    run r;
    open_run(&r, auth_fmt, 8080, "", "");
    net_up(&r);
    char *rule = xstrdup(net_node(&r, "listener_rule/api-443")->physical_id);
    aws_error err;

    char *text = xasprintf(auth_fmt, 8080, "", cognito);
    net_load(&r, "%s", text);
    plan_counts c = net_plan(&r, 0);
    char *shown = plan_text(&r);
    ck_assert_msg(c.update == 1 && net_changes(c) == 1, "%s", shown);
    ck_assert_msg(strstr(shown, "listener_rule/api-443") != NULL, "%s", shown);
    free(shown);
    net_execute(&r, 0, "update");
    const char *arns[] = {rule, NULL};
    elbv2_rules rules = {0};
    OK(elbv2_describe_rules(r.aws, NULL, arns, 0, &rules, &err));
    ck_assert_int_eq(rules.n, 1);
    ck_assert_int_eq(rules.items[0].nactions, 2);
    int auth_first = rules.items[0].actions[0].order < rules.items[0].actions[1].order;
    const elbv2_action *first = &rules.items[0].actions[auth_first ? 0 : 1];
    ck_assert_str_eq(first->type, "authenticate-cognito");
    ck_assert_str_eq(first->cognito.user_pool_domain, "edge-login");
    ck_assert_str_eq(rules.items[0].actions[auth_first ? 1 : 0].type, "forward");
    elbv2_rules_free(&rules);
    net_no_changes(&r);
    free(text);

    text = xasprintf(auth_fmt, 8081, "", cognito);
    net_load(&r, "%s", text);
    c = net_plan(&r, 0);
    shown = plan_text(&r);
    ck_assert_msg(c.replace == 1 && strstr(shown, "update   listener_rule/api-443") != NULL, "%s", shown);
    free(shown);
    net_execute(&r, 0, "port change");
    ck_assert_msg(strstr(res_events_text(&r.events), "answers 503 until the new target group") != NULL, "%s",
                  res_events_text(&r.events));
    ck_assert_int_eq(cJSON_GetObjectItem(net_node(&r, "target_group/api")->actual, "port")->valueint, 8081);
    net_no_changes(&r);
    free(text);

    net_down(&r);
    ck_assert_int_eq(fake_count("edge-g", NULL), 0);
    free(rule);
    net_close(&r);
}
END_TEST

/* ECS moves blue/green traffic only through forward-only rules: a login is refused with
 * the reason, before any call. */
START_TEST(blue_green_refuses_login)
{
    stack_model *s = NULL;
    stack_diags d = {0};
    char *text = xasprintf(auth_fmt, 8080, "    deployment: { strategy: blue-green }\n", cognito);
    ck_assert_int_eq(stack_load_buffer("edge.yml", text, strlen(text), NULL, &s, &d), 0);
    res_graph *g = NULL;
    char msg[512];
    ck_assert_int_eq(res_graph_build(s, "us-east-1", &g, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, "service api: strategy blue-green cannot be used with `authenticate`") != NULL,
                  "%s", msg);
    ck_assert_ptr_null(g);
    stack_free(s);
    stack_diags_free(&d);
    free(text);
}
END_TEST

typedef struct {
    run *r;
    char *rule;
} later;

/* The rule goes once the removal has said it waits for it (not after a fixed time: on a
 * loaded machine the removal may start late); at most 30 s. */
static void *delete_rule_later(void *arg)
{
    later *l = arg;
    res_events_wait(&l->r->events, "target_group/api: waiting for no listener or rule", 30);
    aws_error err;
    elbv2_delete_rule(l->r->aws, l->rule, &err);
    return NULL;
}

/* A target group still used by a rule: its removal waits (showing why) until the rule
 * goes, then succeeds; a second removal of what is gone succeeds too. */
START_TEST(target_group_in_use_is_retried)
{
    run r;
    open_basic(&r, "edge-d", 60, "/", 30);
    net_up(&r);
    res_node *tg = (res_node *)net_node(&r, "target_group/api");
    later l = {.r = &r, .rule = xstrdup(net_node(&r, "listener_rule/api-80")->physical_id)};
    pthread_t t;
    pthread_create(&t, NULL, delete_rule_later, &l);
    aws_error err;
    aws_error_clear(&err);
    OK(res_kind_by_name("target_group")->remove(&r.ctx, tg, &err));
    pthread_join(t, NULL);
    ck_assert_msg(strstr(res_events_text(&r.events), "target_group/api: waiting for no listener or rule") != NULL,
                  "%s", res_events_text(&r.events));
    OK(res_kind_by_name("target_group")->remove(&r.ctx, tg, &err));
    /* ownership by tags still answers when one of the ARNs is gone */
    const char *arns[] = {tg->physical_id, net_node(&r, "alb/web")->physical_id};
    char **ids = NULL;
    OK(elbres_owned(&r.ctx, arns, 2, &ids, &err));
    ck_assert_ptr_null(ids[0]);
    ck_assert_str_eq(ids[1], "alb/web");
    elbres_ids_free(ids, 2);
    free(l.rule);
    net_down(&r);
    ck_assert_int_eq(fake_count("edge-d", NULL), 0);
    net_close(&r);
}
END_TEST

/* An internet-facing load balancer in an existing VPC without an internet gateway: up
 * fails saying so, and the rollback removes what it made. */
START_TEST(no_internet_gateway)
{
    run r;
    aws_client *aws;
    aws_error err;
    aws_client_options o = {0};
    OK(aws_client_new(&o, &aws, &err));
    ec2_vpc vpc;
    OK(ec2_create_vpc(aws, "10.71.0.0/16", NULL, &vpc, &err));
    ec2_subnet a, b;
    OK(ec2_create_subnet(aws, vpc.id, "10.71.0.0/20", "us-east-1a", NULL, &a, &err));
    OK(ec2_create_subnet(aws, vpc.id, "10.71.16.0/20", "us-east-1b", NULL, &b, &err));
    open_run(&r,
             "stack: edge-f\n"
             "network: { vpc: { id: %s, public_subnets: [%s, %s] } }\n"
             "load_balancers: { web: { listeners: [ { port: 80 } ] } }\n"
             "services:\n"
             "  api: { image: nginx:1.27, port: 8080, subnets: public, load_balancer: web }\n",
             vpc.id, a.id, b.id);
    net_plan(&r, 0);
    plan_exec_options eo = {.parallel = 8, .rollback = 1};
    plan_exec_result res;
    ck_assert_int_eq(plan_execute(&r.ctx, &eo, &res), -1);
    ck_assert_msg(res.failure && strstr(res.failure, "alb/web") && strstr(res.failure, "internet gateway"),
                  "%s", res.failure ? res.failure : "(none)");
    ck_assert_int_eq(res.rolled_back, 1);
    plan_exec_result_free(&res);
    ck_assert_int_eq(fake_count("edge-f", NULL), 0);
    OK(ec2_delete_subnet(aws, a.id, &err));
    OK(ec2_delete_subnet(aws, b.id, &err));
    OK(ec2_delete_vpc(aws, vpc.id, &err));
    ec2_subnet_free(&a);
    ec2_subnet_free(&b);
    ec2_vpc_free(&vpc);
    aws_client_free(aws);
    net_close(&r);
}
END_TEST

typedef struct {
    run *r;
    res_node *n;
    int rc;
    aws_error err;
} remover;

static void *remove_in_thread(void *arg)
{
    remover *m = arg;
    aws_error_clear(&m->err);
    m->rc = m->n->kind->remove(&m->r->ctx, m->n, &m->err);
    return NULL;
}

/* The namespace waits while a Cloud Map service remains; the service's removal
 * deregisters an instance ECS left behind first. */
START_TEST(namespace_and_discovery_teardown)
{
    run r;
    open_basic(&r, "edge-e", 60, "/", 30);
    net_up(&r);
    aws_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ServiceId", net_node(&r, "discovery/api")->physical_id);
    cJSON_AddStringToObject(in, "InstanceId", "leftover-1");
    cJSON *attrs = cJSON_AddObjectToObject(in, "Attributes");
    cJSON_AddStringToObject(attrs, "AWS_INSTANCE_IPV4", "10.70.0.9");
    cJSON *out = NULL;
    OK(aws_json_call(r.aws, "servicediscovery", "RegisterInstance", in, &out, &err));
    cJSON_Delete(in);
    cJSON_Delete(out);
    char *ns_id = xstrdup(net_node(&r, "namespace/main")->physical_id);

    remover ns = {.r = &r, .n = (res_node *)net_node(&r, "namespace/main")};
    pthread_t t;
    pthread_create(&t, NULL, remove_in_thread, &ns);
    util_sleep(0.2, NULL);
    aws_error_clear(&err);
    OK(res_kind_by_name("discovery")->remove(&r.ctx, (res_node *)net_node(&r, "discovery/api"), &err));
    pthread_join(t, NULL);
    ck_assert_msg(ns.rc == 0, "namespace removal: %s: %s", ns.err.code, ns.err.message);
    const char *ev = res_events_text(&r.events);
    ck_assert_msg(strstr(ev, "namespace/main: waiting for the namespace to have no services left") != NULL, "%s", ev);
    ck_assert_msg(strstr(ev, "discovery/api: deregistered 1 leftover instance") != NULL, "%s", ev);
    /* gone already: removing again succeeds */
    OK(res_kind_by_name("discovery")->remove(&r.ctx, (res_node *)net_node(&r, "discovery/api"), &err));
    OK(res_kind_by_name("namespace")->remove(&r.ctx, (res_node *)net_node(&r, "namespace/main"), &err));
    net_down(&r);
    ck_assert_int_eq(fake_count("edge-e", ns_id), 0);
    free(ns_id);
    net_close(&r);
}
END_TEST

/* Throttling that outlives the client's retries: a wait keeps polling (and says so), a
 * discovery asks again. */
START_TEST(throttled_waits_and_discovery)
{
    run r;
    char *text = basic("edge-h", 60, "/", 30, "");
    /* 3 attempts a call, so that 4 throttles reach the wait loop (10 would absorb them) */
    setenv("AWS_MAX_ATTEMPTS", "3", 1);
    open_run(&r, "%s", text);
    unsetenv("AWS_MAX_ATTEMPTS");
    free(text);
    ck_assert_int_eq(fake_control("/_fake/faults",
                                  "{\"rules\": ["
                                  "{\"service\": \"servicediscovery\", \"operation\": \"GetOperation\","
                                  " \"action\": \"throttle\", \"count\": 4},"
                                  "{\"service\": \"elbv2\", \"operation\": \"DescribeTargetGroups\","
                                  " \"action\": \"error\", \"status\": 500, \"count\": 3}]}"),
                     0);
    net_plan(&r, 0);
    net_execute(&r, 0, "up under throttling");
    fake_no_faults();
    ck_assert_msg(strstr(res_events_text(&r.events), "namespace/main: waiting for the namespace to be created: "
                                             "AWS answered ThrottlingException, asking again") != NULL,
                  "%s", res_events_text(&r.events));
    net_no_changes(&r);
    net_down(&r);
    ck_assert_int_eq(fake_count("edge-h", NULL), 0);
    net_close(&r);
}
END_TEST

FAKE_SUITE(res_edge, release_lbs, NULL, 120, create_no_change_update_down, https_and_redirect, blue_green,
           target_group_in_use_is_retried, no_internet_gateway, auth_added_and_port_changed,
           blue_green_refuses_login, throttled_waits_and_discovery,
           namespace_and_discovery_teardown)
