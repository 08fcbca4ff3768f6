/* deploy's outcome decision: success only when the new revision completed and serves; a
 * circuit breaker that tripped is a failure even though the service ends steady. */
#include <check.h>
#include <string.h>

#include "../../src/deploy/deploy_internal.h"
#include "unit_suite.h"

#define NEW "arn:aws:ecs:us-east-1:1:task-definition/web:2"
#define OLD "arn:aws:ecs:us-east-1:1:task-definition/web:1"

/* One deployment of the service as ECS lists it. */
typedef struct {
    const char *status, *task_definition, *rollout;
    int running, desired;
} dep_row;

/* What the service shows (its deployments, the first NULL status ending them, and its task
 * definition), the service deployment's status (NULL: none), and the decision for NEW. */
typedef struct {
    const char *what;
    dep_row deps[2];
    const char *service_td;
    const char *service_deployment;
    deploy_state want;
} decide_row;

static void check_rows(const decide_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const decide_row *r = &rows[i];
        ecs_deployment d[2];
        size_t nd = 0;
        memset(d, 0, sizeof d);
        for (; nd < 2 && r->deps[nd].status; nd++) {
            d[nd].status = (char *)r->deps[nd].status;
            d[nd].task_definition = (char *)r->deps[nd].task_definition;
            d[nd].rollout_state = (char *)r->deps[nd].rollout;
            d[nd].running = r->deps[nd].running;
            d[nd].desired = r->deps[nd].desired;
        }
        ecs_service s;
        memset(&s, 0, sizeof s);
        s.deployments = d;
        s.n_deployments = nd;
        s.task_definition = (char *)r->service_td;
        s.status = "ACTIVE";
        ecs_service_deployment sd;
        memset(&sd, 0, sizeof sd);
        sd.status = (char *)r->service_deployment;
        deploy_state got = deploy_decide_(&s, r->service_deployment ? &sd : NULL, NEW);
        ck_assert_msg(got == r->want, "%s: decided %d, wanted %d", r->what, got, r->want);
    }
}

#define CHECK_ROWS(rows) check_rows(rows, sizeof rows / sizeof rows[0])

START_TEST(completed_new_revision_is_ok)
{
    static const decide_row rows[] = {
        {"completed", {{"PRIMARY", NEW, "COMPLETED", 2, 2}}, NEW, "SUCCESSFUL", DEPLOY_STATE_OK},
        {"completed, no service deployment", {{"PRIMARY", NEW, "COMPLETED", 2, 2}}, NEW, NULL,
         DEPLOY_STATE_OK},
    };
    CHECK_ROWS(rows);
}
END_TEST

START_TEST(not_done_until_everything_agrees)
{
    static const decide_row rows[] = {
        {"old tasks still draining",
         {{"PRIMARY", NEW, "IN_PROGRESS", 2, 2}, {"ACTIVE", OLD, "COMPLETED", 1, 0}}, NEW,
         "IN_PROGRESS", DEPLOY_STATE_RUNNING},
        {"completed, but not every task running yet", {{"PRIMARY", NEW, "COMPLETED", 1, 2}}, NEW,
         NULL, DEPLOY_STATE_RUNNING},
        {"the service deployment has not said SUCCESSFUL yet (blue/green clean-up)",
         {{"PRIMARY", NEW, "COMPLETED", 2, 2}}, NEW, "IN_PROGRESS", DEPLOY_STATE_RUNNING},
    };
    CHECK_ROWS(rows);
}
END_TEST

START_TEST(circuit_breaker_is_a_failure_even_when_steady)
{
    static const decide_row rows[] = {
        {"rolling back: the failed deployment still listed",
         {{"PRIMARY", OLD, "IN_PROGRESS", 1, 2}, {"ACTIVE", NEW, "FAILED", 0, 0}}, OLD,
         "ROLLBACK_IN_PROGRESS", DEPLOY_STATE_FAILING},
        {"rolled back: steady on the old revision", {{"PRIMARY", OLD, "COMPLETED", 2, 2}}, OLD,
         "ROLLBACK_SUCCESSFUL", DEPLOY_STATE_FAILED},
        {"without a service deployment: the old revision steady and ours gone",
         {{"PRIMARY", OLD, "COMPLETED", 2, 2}}, OLD, NULL, DEPLOY_STATE_FAILED},
        {"a FAILED rollout of ours with the old one completed again",
         {{"PRIMARY", OLD, "COMPLETED", 2, 2}, {"ACTIVE", NEW, "FAILED", 0, 0}}, OLD, NULL,
         DEPLOY_STATE_FAILED},
    };
    CHECK_ROWS(rows);
}
END_TEST

START_TEST(stopped_and_failed_rollbacks_end_it)
{
    static const decide_row rows[] = {
        {"stopped", {{"PRIMARY", NEW, "IN_PROGRESS", 0, 2}}, NEW, "STOPPED", DEPLOY_STATE_FAILED},
        {"rollback failed", {{"PRIMARY", NEW, "IN_PROGRESS", 0, 2}}, NEW, "ROLLBACK_FAILED",
         DEPLOY_STATE_FAILED},
        {"rollback requested", {{"PRIMARY", NEW, "IN_PROGRESS", 0, 2}}, NEW, "ROLLBACK_REQUESTED",
         DEPLOY_STATE_FAILING},
        {"stop requested", {{"PRIMARY", NEW, "IN_PROGRESS", 0, 2}}, NEW, "STOP_REQUESTED",
         DEPLOY_STATE_FAILING},
    };
    CHECK_ROWS(rows);
}
END_TEST

/* The watch looks at half pace while targets register; a service without a target group
 * has none to wait for (no call made: the client is NULL), so its end is not seen late. */
START_TEST(no_target_group_is_not_registering)
{
    ecs_service s;
    memset(&s, 0, sizeof s);
    s.raw = cJSON_Parse("{\"serviceName\":\"catalog\",\"loadBalancers\":[]}");
    deploy_seen seen;
    memset(&seen, 0, sizeof seen);
    ck_assert_int_eq(deploy_seen_targets_(NULL, &s, &seen), 1);
    cJSON_Delete(s.raw);
    s.raw = cJSON_Parse("{\"serviceName\":\"catalog\"}");
    ck_assert_int_eq(deploy_seen_targets_(NULL, &s, &seen), 1);
    ck_assert_uint_eq(seen.n, 0);
    cJSON_Delete(s.raw);
    deploy_seen_free_(&seen);
}
END_TEST

UNIT_SUITE(deploy_decide, 0, completed_new_revision_is_ok, not_done_until_everything_agrees,
           circuit_breaker_is_a_failure_even_when_steady, stopped_and_failed_rollbacks_end_it,
           no_target_group_is_not_registering)
