/* ELBv2 client against the fake: listeners, actions, rules, targets and their health. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "elbv2.h"
#include "fakeaws_fixture.h"

#define CERT "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-demo"

static fake_net net;
static char *lb, *tg_a, *tg_b;
static const aws_wait_opts wait_opts = {.max_checks = 300, .interval_s = 0.05};

static char *make_tg(const char *name)
{
    aws_error err;
    elbv2_tg_in in = {.name = name, .protocol = "HTTP", .port = 8080, .vpc_id = net.vpc,
                      .target_type = "ip",
                      /* healthy after 300 s of the fake's time (3 s at its scale): the
                       * test sees "initial" first however slow the machine */
                      .health = {.path = "/healthz", .interval = 30, .timeout = 2,
                                 .healthy_threshold = 10}};
    elbv2_tg t;
    OK(elbv2_create_target_group(fake_cl, &in, &t, &err));
    char *arn = strdup(t.arn);
    elbv2_tg_free(&t);
    return arn;
}

/* A VPC with an internet gateway, two subnets, an active load balancer, two groups. */
static void setup(void)
{
    aws_error err;
    fake_reset_setup();
    const char *zones[] = {"us-east-1a", "us-east-1b", NULL};
    fake_net_make(fake_cl, 70, 1, zones, &net);
    elbv2_lb_in in = {.name = "demo", .subnets = (const char *const *)net.subnets};
    elbv2_lb l;
    OK(elbv2_create_load_balancer(fake_cl, &in, &l, &err));
    lb = strdup(l.arn);
    elbv2_lb_free(&l);
    tg_a = make_tg("demo-a");
    tg_b = make_tg("demo-b");
    OK(elbv2_wait_load_balancer_available(fake_cl, lb, &wait_opts, &err));
}

static void teardown(void)
{
    fake_client_teardown();
    fake_net_free(&net);
    free(lb);
    free(tg_a);
    free(tg_b);
}

static char *http_listener(int port, const elbv2_action *a, size_t n)
{
    aws_error err;
    elbv2_listener_in in = {.lb_arn = lb, .protocol = "HTTP", .port = port, .actions = a,
                            .nactions = n};
    elbv2_listener li;
    OK(elbv2_create_listener(fake_cl, &in, &li, &err));
    char *arn = strdup(li.arn);
    elbv2_listener_free(&li);
    return arn;
}

START_TEST(forward_targets_and_health)
{
    aws_error err;
    elbv2_action fwd = {.type = "forward", .target_group_arn = tg_a};
    char *listener = http_listener(80, &fwd, 1);

    elbv2_target t[] = {{.id = "10.70.0.10", .port = 8080}, {.id = "10.70.1.11"}};
    OK(elbv2_register_targets(fake_cl, tg_a, t, 2, &err));
    FAILS_WITH(elbv2_register_targets(fake_cl, tg_a, NULL, 0, &err), "InvalidParameter");
    elbv2_target_healths h;
    OK(elbv2_describe_target_health(fake_cl, tg_a, NULL, 0, &h, &err));
    ck_assert_uint_eq(h.n, 2);
    ck_assert_str_eq(h.items[1].id, "10.70.1.11");
    ck_assert_int_eq(h.items[1].port, 8080);
    ck_assert_str_eq(h.items[0].state, "initial");
    ck_assert_str_eq(h.items[0].reason, "Elb.InitialHealthChecking");
    ck_assert(h.items[0].description[0] != '\0');
    elbv2_target_healths_free(&h);

    aws_wait_opts quick = {.max_checks = 1, .interval_s = 0.01};
    FAILS_WITH(elbv2_wait_target_in_service(fake_cl, tg_a, NULL, 0, &quick, &err), "WaiterTimeout");
    ck_assert_ptr_nonnull(strstr(err.message, "10.70.0.10:8080 initial"));
    OK(elbv2_wait_target_in_service(fake_cl, tg_a, NULL, 0, &wait_opts, &err));
    OK(elbv2_describe_target_health(fake_cl, tg_a, t, 1, &h, &err));
    ck_assert_uint_eq(h.n, 1);
    ck_assert_str_eq(h.items[0].state, "healthy");
    ck_assert_str_eq(h.items[0].reason, "");
    elbv2_target_healths_free(&h);

    /* The group is in use by the listener. */
    FAILS_WITH(elbv2_delete_target_group(fake_cl, tg_a, &err), "ResourceInUse");
    elbv2_tgs l;
    const char *arns[] = {tg_a, NULL};
    OK(elbv2_describe_target_groups(fake_cl, NULL, arns, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.items[0].lb_arns.n, 1);
    ck_assert_str_eq(l.items[0].lb_arns.items[0], lb);
    elbv2_tgs_free(&l);
    OK(elbv2_describe_target_groups(fake_cl, lb, NULL, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    elbv2_tgs_free(&l);

    svc_tags set = {0};
    /* draining for 200 s of the fake's time (2 s): long enough to be seen */
    svc_tags_add(&set, "deregistration_delay.timeout_seconds", "200");
    OK(elbv2_modify_target_group_attributes(fake_cl, tg_a, &set, NULL, &err));
    svc_tags_free(&set);
    OK(elbv2_deregister_targets(fake_cl, tg_a, t, 1, &err));
    OK(elbv2_describe_target_health(fake_cl, tg_a, t, 1, &h, &err));
    ck_assert_str_eq(h.items[0].state, "draining");
    elbv2_target_healths_free(&h);
    OK(elbv2_wait_target_deregistered(fake_cl, tg_a, t, 1, &wait_opts, &err));
    OK(elbv2_describe_target_health(fake_cl, tg_a, NULL, 0, &h, &err));
    ck_assert_uint_eq(h.n, 1);
    elbv2_target_healths_free(&h);

    OK(elbv2_delete_listener(fake_cl, listener, &err));
    OK(elbv2_delete_target_group(fake_cl, tg_a, &err));
    free(listener);
}
END_TEST

/* The first action of a listener behind the test's OIDC identity provider (example.com),
 * with its client secret. */
static elbv2_action oidc_first(char *secret)
{
    return (elbv2_action){.type = "authenticate-oidc", .order = 1,
                          .oidc = {.issuer = "https://id.example.com", .client_id = "app",
                                   .client_secret = secret,
                                   .authorization_endpoint = "https://id.example.com/auth",
                                   .token_endpoint = "https://id.example.com/token",
                                   .user_info_endpoint = "https://id.example.com/userinfo"}};
}

START_TEST(listener_actions)
{
    aws_error err;
    elbv2_action fixed = {.type = "fixed-response",
                          .fixed = {.status_code = "404", .content_type = "text/plain",
                                    .message_body = "no route"}};
    char *listener = http_listener(80, &fixed, 1);
    elbv2_action fwd = {.type = "forward", .target_group_arn = tg_a};
    elbv2_listener li;
    FAILS_WITH(
        elbv2_create_listener(
            fake_cl,
            &(elbv2_listener_in){
                .lb_arn = lb, .protocol = "HTTP", .port = 80, .actions = &fwd, .nactions = 1},
            &li, &err),
        "DuplicateListener");
    elbv2_action bad = {.type = "teleport"};
    FAILS_WITH(
        elbv2_create_listener(
            fake_cl,
            &(elbv2_listener_in){
                .lb_arn = lb, .protocol = "HTTP", .port = 81, .actions = &bad, .nactions = 1},
            &li, &err),
        "InvalidAction");
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);

    /* Redirect HTTP to HTTPS. */
    elbv2_action redirect = {.type = "redirect",
                             .redirect = {.protocol = "HTTPS", .port = "443",
                                          .status_code = "HTTP_301"}};
    elbv2_listener_in mod = {.listener_arn = listener, .actions = &redirect, .nactions = 1};
    OK(elbv2_modify_listener(fake_cl, &mod, &li, &err));
    ck_assert_str_eq(li.actions[0].type, "redirect");
    ck_assert_str_eq(li.actions[0].redirect.port, "443");
    elbv2_listener_free(&li);

    /* HTTPS: weighted forward with stickiness, behind OIDC authentication. */
    elbv2_tg_weight w[] = {{tg_a, 80}, {tg_b, 20}};
    elbv2_action https[] = {
        oidc_first("s3cr3t"),
        {.type = "forward", .order = 2, .forward = w, .nforward = 2, .stickiness = 1,
         .stickiness_seconds = 60},
    };
    https[0].on_unauthenticated_request = "authenticate";
    https[0].session_timeout = 3600;
    const char *certs[] = {CERT, NULL};
    elbv2_listener_in hin = {.lb_arn = lb, .protocol = "HTTPS", .port = 443,
                             .certificates = certs, .actions = https, .nactions = 2};
    OK(elbv2_create_listener(fake_cl, &hin, &li, &err));
    ck_assert_str_eq(li.protocol, "HTTPS");
    ck_assert_uint_eq(li.certificates.n, 1);
    ck_assert_str_eq(li.certificates.items[0], CERT);
    ck_assert(li.ssl_policy[0] != '\0');
    elbv2_listener_free(&li);

    elbv2_listeners all;
    OK(elbv2_describe_listeners(fake_cl, lb, NULL, 1, &all, &err)); /* one per page */
    ck_assert_uint_eq(all.n, 2);
    elbv2_listener *h = strcmp(all.items[0].protocol, "HTTPS") == 0 ? &all.items[0]
                                                                   : &all.items[1];
    ck_assert_uint_eq(h->nactions, 2);
    ck_assert_str_eq(h->actions[0].type, "authenticate-oidc");
    ck_assert_str_eq(h->actions[0].oidc.issuer, "https://id.example.com");
    ck_assert_str_eq(h->actions[0].oidc.client_secret, ""); /* never returned */
    ck_assert_int_eq(h->actions[0].session_timeout, 3600);
    ck_assert_str_eq(h->actions[1].type, "forward");
    ck_assert_uint_eq(h->actions[1].nforward, 2);
    ck_assert_int_eq(h->actions[1].forward[0].weight + h->actions[1].forward[1].weight, 100);
    ck_assert_int_eq(h->actions[1].stickiness, 1);
    ck_assert_int_eq(h->actions[1].stickiness_seconds, 60);
    elbv2_listeners_free(&all);

    /* Cognito on HTTP is refused by ELB. */
    elbv2_action cognito = {.type = "authenticate-cognito",
                            .cognito = {.user_pool_arn = "arn:aws:cognito-idp:us-east-1:"
                                                         "123456789012:userpool/us-east-1_x",
                                        .user_pool_client_id = "c",
                                        .user_pool_domain = "d"}};
    elbv2_action pair[] = {cognito, fwd};
    pair[0].order = 1;
    pair[1].order = 2;
    FAILS_WITH(
        elbv2_create_listener(
            fake_cl,
            &(elbv2_listener_in){
                .lb_arn = lb, .protocol = "HTTP", .port = 8080, .actions = pair, .nactions = 2},
            &li, &err),
        "InvalidLoadBalancerAction");

    const char *one[] = {listener, NULL};
    OK(elbv2_delete_listener(fake_cl, listener, &err));
    FAILS_WITH(elbv2_describe_listeners(fake_cl, NULL, one, 0, &all, &err), "ListenerNotFound");
    free(listener);
}
END_TEST

START_TEST(rules)
{
    aws_error err;
    elbv2_action fixed = {.type = "fixed-response", .fixed = {.status_code = "404"}};
    char *listener = http_listener(80, &fixed, 1);
    elbv2_action to_a = {.type = "forward", .target_group_arn = tg_a};
    elbv2_action to_b = {.type = "forward", .target_group_arn = tg_b};
    char *api[] = {"/api/*"}, *host[] = {"catalog.example.com", "www.example.com"};
    elbv2_condition by_path = {"path-pattern", {api, 1}};
    elbv2_condition by_host = {"host-header", {host, 2}};
    elbv2_rule r1, r2, r;
    OK(elbv2_create_rule(fake_cl, listener, 10, &by_path, 1, &to_a, 1, NULL, &r1, &err));
    ck_assert_str_eq(r1.priority, "10");
    ck_assert_int_eq(r1.is_default, 0);
    ck_assert_uint_eq(r1.nconditions, 1);
    ck_assert_str_eq(r1.conditions[0].field, "path-pattern");
    ck_assert_str_eq(r1.conditions[0].values.items[0], "/api/*");
    OK(elbv2_create_rule(fake_cl, listener, 20, &by_host, 1, &to_b, 1, NULL, &r2, &err));
    ck_assert_uint_eq(r2.conditions[0].values.n, 2);
    FAILS_WITH(elbv2_create_rule(fake_cl, listener, 10, &by_host, 1, &to_b, 1, NULL, &r, &err),
               "PriorityInUse");
    elbv2_condition bad = {"cookie", {api, 1}};
    FAILS_WITH(elbv2_create_rule(fake_cl, listener, 30, &bad, 1, &to_b, 1, NULL, &r, &err),
               "InvalidCondition");
    FAILS_WITH(elbv2_create_rule(fake_cl, listener, 30, NULL, 0, &to_b, 1, NULL, &r, &err),
               "InvalidParameter");

    elbv2_rules l;
    OK(elbv2_describe_rules(fake_cl, listener, NULL, 1, &l, &err));
    ck_assert_uint_eq(l.n, 3); /* two and the default rule, over three pages */
    int defaults = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].is_default) {
            defaults++;
            ck_assert_str_eq(l.items[i].priority, "default");
            ck_assert_str_eq(l.items[i].actions[0].fixed.status_code, "404");
        }
    ck_assert_int_eq(defaults, 1);
    elbv2_rules_free(&l);

    char *api2[] = {"/api/v2/*", "/v2/*"};
    elbv2_condition new_path = {"path-pattern", {api2, 2}};
    OK(elbv2_modify_rule(fake_cl, r1.arn, &new_path, 1, NULL, 0, &r, &err));
    ck_assert_uint_eq(r.conditions[0].values.n, 2);
    ck_assert_str_eq(r.actions[0].target_group_arn, tg_a); /* actions unchanged */
    elbv2_rule_free(&r);
    OK(elbv2_modify_rule(fake_cl, r1.arn, NULL, 0, &to_b, 1, NULL, &err));

    const char *swap[] = {r1.arn, r2.arn};
    int prio[] = {20, 10};
    FAILS_WITH(elbv2_set_rule_priorities(fake_cl, swap, prio, 1, &err), "PriorityInUse");
    OK(elbv2_set_rule_priorities(fake_cl, swap, prio, 2, &err));
    const char *one[] = {r1.arn, NULL};
    OK(elbv2_describe_rules(fake_cl, NULL, one, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].priority, "20");
    ck_assert_str_eq(l.items[0].actions[0].target_group_arn, tg_b);
    elbv2_rules_free(&l);

    /* A rule forwarding to b keeps it in use. */
    FAILS_WITH(elbv2_delete_target_group(fake_cl, tg_b, &err), "ResourceInUse");
    OK(elbv2_delete_rule(fake_cl, r1.arn, &err));
    FAILS_WITH(elbv2_describe_rules(fake_cl, NULL, one, 0, &l, &err), "RuleNotFound");
    OK(elbv2_delete_rule(fake_cl, r2.arn, &err));
    OK(elbv2_delete_target_group(fake_cl, tg_b, &err));
    elbv2_rule_free(&r1);
    elbv2_rule_free(&r2);
    free(listener);
}
END_TEST

/* The OIDC client secret goes to AWS but never into the --debug wire log or an error. */
START_TEST(oidc_secret_never_logged)
{
    aws_error err;
    char *log = NULL;
    size_t len = 0;
    FILE *out;
    aws_client *dbg = fake_debug_client(&log, &len, &out);
    elbv2_action a[] = {
        oidc_first("TopSecretValue42"),
        {.type = "forward", .order = 2, .target_group_arn = tg_a},
    };
    const char *certs[] = {CERT, NULL};
    elbv2_listener_in in = {.lb_arn = lb, .protocol = "HTTPS", .port = 443,
                            .certificates = certs, .actions = a, .nactions = 2};
    elbv2_listener li;
    OK(elbv2_create_listener(dbg, &in, &li, &err));
    elbv2_listener_free(&li);
    in.protocol = "HTTP";
    in.port = 80;
    in.certificates = NULL;
    FAILS_WITH(elbv2_create_listener(dbg, &in, &li, &err), "InvalidLoadBalancerAction");
    ck_assert_ptr_null(strstr(err.message, "TopSecretValue42"));
    aws_client_free(dbg);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(log, "ClientSecret"));
    ck_assert_ptr_null(strstr(log, "TopSecretValue42"));
    free(log);
}
END_TEST

START_TEST(listener_certificates)
{
    aws_error err;
    const char *certs[] = {CERT, NULL};
    elbv2_action fwd = {.type = "forward", .target_group_arn = tg_a};
    elbv2_listener_in in = {.lb_arn = lb, .protocol = "HTTPS", .port = 443, .certificates = certs,
                            .actions = &fwd, .nactions = 1};
    elbv2_listener li;
    OK(elbv2_create_listener(fake_cl, &in, &li, &err));
    OK(elbv2_add_listener_certificate(fake_cl, li.arn, CERT "-2", &err));
    OK(elbv2_add_listener_certificate(fake_cl, li.arn, CERT "-3", &err));
    OK(elbv2_add_listener_certificate(fake_cl, li.arn, CERT "-3", &err)); /* already there */
    elbv2_certs got;
    OK(elbv2_describe_listener_certificates(fake_cl, li.arn, &got, &err));
    ck_assert_uint_eq(got.n, 3);
    ck_assert_str_eq(got.items[0].arn, CERT);
    ck_assert_int_eq(got.items[0].is_default, 1);
    ck_assert_str_eq(got.items[1].arn, CERT "-2");
    ck_assert_int_eq(got.items[1].is_default, 0);
    elbv2_certs_free(&got);
    OK(elbv2_remove_listener_certificate(fake_cl, li.arn, CERT "-2", &err));
    FAILS_WITH(elbv2_remove_listener_certificate(fake_cl, li.arn, CERT, &err),
               "OperationNotPermitted");
    OK(elbv2_describe_listener_certificates(fake_cl, li.arn, &got, &err));
    ck_assert_uint_eq(got.n, 2);
    ck_assert_str_eq(got.items[1].arn, CERT "-3");
    elbv2_certs_free(&got);
    FAILS_WITH(elbv2_describe_listener_certificates(fake_cl,
                                                    "arn:aws:elasticloadbalancing:us-east-1:"
                                                    "000000000000:listener/app/demo/x/y",
                                                    &got, &err),
               "ListenerNotFound");
    elbv2_listener_free(&li);
}
END_TEST

START_TEST(set_groups_and_subnets)
{
    aws_error err;
    elbv2_lbs l;
    const char *arns[] = {lb, NULL};
    OK(elbv2_describe_load_balancers(fake_cl, arns, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(l.items[0].nzones, 2);
    const char *subnets[] = {l.items[0].zones[1].subnet_id, l.items[0].zones[0].subnet_id, NULL};
    OK(elbv2_set_subnets(fake_cl, lb, subnets, &err));
    const char *one[] = {subnets[0], NULL};
    FAILS_WITH(elbv2_set_subnets(fake_cl, lb, one, &err), "ValidationError");
    char *gid = NULL;
    OK(ec2_create_security_group(fake_cl, net.vpc, "lb-extra", "extra", NULL, &gid, &err));
    const char *groups[] = {gid, NULL};
    OK(elbv2_set_security_groups(fake_cl, lb, groups, &err));
    elbv2_lbs_free(&l);
    OK(elbv2_describe_load_balancers(fake_cl, arns, NULL, 0, &l, &err));
    ck_assert_uint_eq(l.items[0].security_groups.n, 1);
    ck_assert_str_eq(l.items[0].security_groups.items[0], gid);
    free(gid);
    elbv2_lbs_free(&l);
}
END_TEST

FAKE_SUITE(svc_elbv2_listen, setup, teardown, 30, forward_targets_and_health, listener_actions,
           rules, oidc_secret_never_logged, listener_certificates, set_groups_and_subnets)
