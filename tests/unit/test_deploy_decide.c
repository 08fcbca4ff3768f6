/* deploy's outcome decision: success only when the new revision completed and serves; a
 * circuit breaker that tripped is a failure even though the service ends steady. */
#include <check.h>
#include <string.h>

#include "../../src/deploy/deploy_internal.h"
#include "unit_suite.h"

#define NEW "arn:aws:ecs:us-east-1:1:task-definition/web:2"
#define OLD "arn:aws:ecs:us-east-1:1:task-definition/web:1"

static ecs_deployment dep(const char *status, const char *td, const char *rollout, int running,
                          int desired)
{
    ecs_deployment d;
    memset(&d, 0, sizeof d);
    d.status = (char *)status;
    d.task_definition = (char *)td;
    d.rollout_state = (char *)rollout;
    d.running = running;
    d.desired = desired;
    return d;
}

static ecs_service service(ecs_deployment *deps, size_t n, const char *td)
{
    ecs_service s;
    memset(&s, 0, sizeof s);
    s.deployments = deps;
    s.n_deployments = n;
    s.task_definition = (char *)td;
    s.status = "ACTIVE";
    return s;
}

static ecs_service_deployment sdep(const char *status)
{
    ecs_service_deployment d;
    memset(&d, 0, sizeof d);
    d.status = (char *)status;
    return d;
}

START_TEST(completed_new_revision_is_ok)
{
    ecs_deployment d[] = {dep("PRIMARY", NEW, "COMPLETED", 2, 2)};
    ecs_service s = service(d, 1, NEW);
    ecs_service_deployment sd = sdep("SUCCESSFUL");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_OK);
    ck_assert_int_eq(deploy_decide_(&s, NULL, NEW), DEPLOY_STATE_OK);
}
END_TEST

START_TEST(not_done_until_everything_agrees)
{
    /* old tasks still draining */
    ecs_deployment d[] = {dep("PRIMARY", NEW, "IN_PROGRESS", 2, 2), dep("ACTIVE", OLD, "COMPLETED", 1, 0)};
    ecs_service s = service(d, 2, NEW);
    ecs_service_deployment sd = sdep("IN_PROGRESS");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_RUNNING);
    /* completed, but not every task running yet */
    ecs_deployment e[] = {dep("PRIMARY", NEW, "COMPLETED", 1, 2)};
    s = service(e, 1, NEW);
    ck_assert_int_eq(deploy_decide_(&s, NULL, NEW), DEPLOY_STATE_RUNNING);
    /* the service deployment has not said SUCCESSFUL yet (blue/green clean-up) */
    ecs_deployment g[] = {dep("PRIMARY", NEW, "COMPLETED", 2, 2)};
    s = service(g, 1, NEW);
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_RUNNING);
}
END_TEST

START_TEST(circuit_breaker_is_a_failure_even_when_steady)
{
    /* rolling back: the failed deployment still listed */
    ecs_deployment d[] = {dep("PRIMARY", OLD, "IN_PROGRESS", 1, 2), dep("ACTIVE", NEW, "FAILED", 0, 0)};
    ecs_service s = service(d, 2, OLD);
    ecs_service_deployment sd = sdep("ROLLBACK_IN_PROGRESS");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_FAILING);
    /* rolled back: steady on the old revision */
    ecs_deployment e[] = {dep("PRIMARY", OLD, "COMPLETED", 2, 2)};
    s = service(e, 1, OLD);
    sd = sdep("ROLLBACK_SUCCESSFUL");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_FAILED);
    /* without a service deployment: the old revision steady and ours gone */
    ck_assert_int_eq(deploy_decide_(&s, NULL, NEW), DEPLOY_STATE_FAILED);
    /* a FAILED rollout of ours with the old one completed again */
    ecs_deployment g[] = {dep("PRIMARY", OLD, "COMPLETED", 2, 2), dep("ACTIVE", NEW, "FAILED", 0, 0)};
    s = service(g, 2, OLD);
    ck_assert_int_eq(deploy_decide_(&s, NULL, NEW), DEPLOY_STATE_FAILED);
}
END_TEST

START_TEST(stopped_and_failed_rollbacks_end_it)
{
    ecs_deployment d[] = {dep("PRIMARY", NEW, "IN_PROGRESS", 0, 2)};
    ecs_service s = service(d, 1, NEW);
    ecs_service_deployment sd = sdep("STOPPED");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_FAILED);
    sd = sdep("ROLLBACK_FAILED");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_FAILED);
    sd = sdep("ROLLBACK_REQUESTED");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_FAILING);
    sd = sdep("STOP_REQUESTED");
    ck_assert_int_eq(deploy_decide_(&s, &sd, NEW), DEPLOY_STATE_FAILING);
}
END_TEST

UNIT_SUITE(deploy_decide, 0, completed_new_revision_is_ok, not_done_until_everything_agrees,
           circuit_breaker_is_a_failure_even_when_steady, stopped_and_failed_rollbacks_end_it)
