/* What deploy asks for each service (deploy_request_settings: the stack file's deployment
 * settings, the command line's over them) and several services rolled out at once
 * (deploy_run_many). */
#include <check.h>
#include <string.h>

#include "deploy.h"
#include "scripted_client.h"
#include "unit_suite.h"

static stack_service file_service(void)
{
    stack_service sv;
    memset(&sv, 0, sizeof sv);
    sv.deployment.min_healthy_percent = 50;
    sv.deployment.max_percent = 150;
    sv.deployment.bake_minutes = 7;
    sv.deployment.canary_percent = 20;
    sv.deployment.canary_bake_minutes = 3;
    sv.deployment.step_percent = 25;
    sv.deployment.step_bake_minutes = 2;
    return sv;
}

START_TEST(outside_the_file_the_service_keeps_its_own)
{
    deploy_request q = DEPLOY_REQUEST_INIT;
    deploy_request_settings(&q, NULL, -1, 0, 0);
    ck_assert_int_eq(q.min_healthy_percent, -1);
    ck_assert_int_eq(q.max_percent, -1);
    ck_assert_int_eq(q.bake_minutes, -1);
    ck_assert(q.canary_percent == 0);
    ck_assert_int_eq(q.canary_bake_minutes, -1);
    ck_assert(q.step_percent == 0);
    ck_assert_int_eq(q.step_bake_minutes, -1);
    ck_assert_ptr_null(q.strategy);
    ck_assert(q.healthy_after_s == 0); /* nothing known of its health checks */
}
END_TEST

/* ECS counts a task with no load balancer and no essential container health check healthy
 * 40 s after it runs: 8 poll intervals, whatever the interval (the fake's time scale). */
START_TEST(the_least_time_to_healthy_comes_from_the_file)
{
    stack_container c[2];
    memset(c, 0, sizeof c);
    c[0].essential = 1;
    c[1].essential = 0;
    c[1].health.set = 1; /* a sidecar's check does not decide */
    stack_service sv = file_service();
    sv.containers = c;
    sv.ncontainers = 2;
    deploy_request q = DEPLOY_REQUEST_INIT;
    q.poll_s = 0.05;
    deploy_request_settings(&q, &sv, -1, 0, 0);
    ck_assert_double_eq_tol(q.healthy_after_s, 0.4, 1e-9);
    c[0].health.set = 1; /* the main container's check decides */
    deploy_request_settings(&q, &sv, -1, 0, 0);
    ck_assert(q.healthy_after_s == 0);
    c[0].health.set = 0;
    sv.has_load_balancer = 1; /* the load balancer's checks decide */
    deploy_request_settings(&q, &sv, -1, 0, 0);
    ck_assert(q.healthy_after_s == 0);
}
END_TEST

START_TEST(the_file_settings_are_taken)
{
    stack_service sv = file_service();
    sv.deployment.strategy = STACK_DEPLOY_CANARY;
    deploy_request q = DEPLOY_REQUEST_INIT;
    deploy_request_settings(&q, &sv, -1, 0, 0);
    ck_assert_int_eq(q.min_healthy_percent, 50);
    ck_assert_int_eq(q.max_percent, 150);
    ck_assert_int_eq(q.bake_minutes, 7);
    ck_assert(q.canary_percent == 20);
    ck_assert_int_eq(q.canary_bake_minutes, 3);
    ck_assert(q.step_percent == 25);
    ck_assert_int_eq(q.step_bake_minutes, 2);
    ck_assert_ptr_null(q.strategy); /* the strategy is the flag's or the service's own */
}
END_TEST

START_TEST(the_command_line_wins_over_the_file)
{
    stack_service sv = file_service();
    deploy_request q = DEPLOY_REQUEST_INIT;
    deploy_request_settings(&q, &sv, 0, 12.5, 40);
    ck_assert_int_eq(q.bake_minutes, 0); /* --bake-minutes 0 is a value, not "not given" */
    ck_assert(q.canary_percent == 12.5);
    ck_assert(q.step_percent == 40);
    ck_assert_int_eq(q.canary_bake_minutes, 3); /* no flag for it: the file's */
    deploy_request none = DEPLOY_REQUEST_INIT;
    deploy_request_settings(&none, NULL, 9, 0, 0);
    ck_assert_int_eq(none.bake_minutes, 9);
}
END_TEST

START_TEST(each_request_gets_its_result)
{
    /* ECS refuses: the one service's result says so, in its own slot */
    script s = {.status = {400},
                .body = {"{\"__type\":\"ClusterNotFoundException\",\"message\":\"Cluster not found.\"}"},
                .ctype = "application/x-amz-json-1.1",
                .n = 1};
    aws_client *c = scripted_client(&s);
    deploy_request q = DEPLOY_REQUEST_INIT;
    q.cluster = "nowhere";
    q.service = "web";
    q.tag = "2";
    q.poll_s = 0.01;
    deploy_result r;
    memset(&r, 0xff, sizeof r); /* filled whatever it held */
    deploy_run_many(c, &q, 1, &r);
    ck_assert_int_eq(r.outcome, DEPLOY_FAILED);
    ck_assert_ptr_nonnull(r.message);
    ck_assert_msg(strstr(r.message, "Cluster not found") || strstr(r.error.code, "ClusterNotFound"),
                  "message: %s", r.message);
    ck_assert_int_ge(s.calls, 1);
    deploy_result_free(&r);
    deploy_run_many(c, NULL, 0, NULL); /* nothing to deploy: nothing called */
    aws_client_free(c);
}
END_TEST

UNIT_SUITE(deploy_request, 0, outside_the_file_the_service_keeps_its_own,
           the_least_time_to_healthy_comes_from_the_file,
           the_file_settings_are_taken, the_command_line_wins_over_the_file,
           each_request_gets_its_result)
