/* What deploy asks for each service (deploy_request_settings: the stack file's deployment
 * settings, the command line's over them) and several services rolled out at once
 * (deploy_run_many). */
#include <check.h>
#include <string.h>

#include "deploy.h"
#include "scripted_client.h"

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

Suite *deploy_request_suite(void)
{
    Suite *s = suite_create("deploy_request");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, outside_the_file_the_service_keeps_its_own);
    tcase_add_test(tc, the_file_settings_are_taken);
    tcase_add_test(tc, the_command_line_wins_over_the_file);
    tcase_add_test(tc, each_request_gets_its_result);
    suite_add_tcase(s, tc);
    return s;
}
