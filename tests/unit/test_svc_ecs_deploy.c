/* ECS client against the local fake: deployments, the circuit breaker, service
 * deployments (list, describe, stop with rollback), watched with the deployment
 * watcher. */
#include "test_svc_ecs_env.h"

#include <time.h>


typedef struct {
    aws_client *c;
    ecs_test_net n;
    char cluster[32];
} env;

static void env_up(env *e, const char *tag)
{
    e->c = fake_client();
    ecs_test_network(e->c, tag, &e->n);
    snprintf(e->cluster, sizeof e->cluster, "svc-%s", tag);
    ecs_test_cluster(e->c, e->cluster);
}

static void env_down(env *e)
{
    ecs_test_network_free(&e->n);
    aws_client_free(e->c);
}

static ecs_service_input input(env *e, const char *name, const char *td,
                               const ecs_deployment_config *dc)
{
    ecs_service_input in = ecs_test_service(e->cluster, name, td, 2, &e->n.subnets, &e->n.groups);
    in.deployment = dc;
    return in;
}

/* CreateService with `in`, then wait until it serves its task definition; *out (may be
 * NULL) receives CreateService's answer. */
static void create_steady(env *e, const ecs_service_input *in, ecs_service *out)
{
    aws_error err;
    ck_assert_msg(ecs_create_service(e->c, in, out, &err) == 0, "%s", err.message);
    ecs_test_steady(e->c, e->cluster, in->name, in->task_definition);
}

/* The newest service deployment of a service (ARN, owned). */
static char *newest_deployment(env *e, const char *service, size_t *count)
{
    ecs_service_deployments l;
    aws_error err;
    ck_assert_msg(ecs_list_service_deployments(e->c, e->cluster, service, NULL, 1, &l, &err) == 0,
                  "%s", err.message);
    ck_assert_uint_gt(l.n, 0);
    char *arn = strdup(l.items[0].arn);
    ck_assert_ptr_nonnull(l.items[0].status);
    *count = l.n;
    ecs_service_deployments_free(&l);
    return arn;
}

/* The stopped tasks of a service include one whose container exited with code 1. */
static void check_crash_exit_codes(env *e, const char *service)
{
    aws_error err;
    svc_strings arns;
    ck_assert_int_eq(ecs_list_tasks(e->c, e->cluster, service, "STOPPED", 0, &arns, &err), 0);
    ck_assert_uint_gt(arns.n, 0);
    ecs_tasks t;
    ck_assert_int_eq(ecs_describe_tasks(e->c, e->cluster, (const char *const *)arns.items,
                                        arns.n, &t, &err), 0);
    int crashed = 0;
    for (size_t i = 0; i < t.n; i++) {
        const ecs_container *k = &t.items[i].containers[0];
        if (k->has_exit_code && k->exit_code == 1 && t.items[i].stopped_reason &&
            strstr(t.items[i].stopped_reason, "Essential container"))
            crashed++;
    }
    ck_assert_int_gt(crashed, 0);
    ecs_tasks_free(&t);
    svc_strings_free(&arns);
}

START_TEST(circuit_breaker_rollback_is_a_failure)
{
    env e;
    aws_error err;
    env_up(&e, "dep1");
    char *good = ecs_test_taskdef(e.c, "svc-dep", "nginx:1", NULL);
    ecs_deployment_config dc = ECS_DEPLOYMENT_CONFIG_INIT;
    dc.circuit_breaker = 1;
    dc.rollback = 1;
    ecs_service_input in = input(&e, "api", good, &dc);
    create_steady(&e, &in, NULL);
    size_t n1;
    char *first = newest_deployment(&e, "api", &n1);
    deploy_result r;
    ck_assert_msg(ecs_test_watch(e.c, e.cluster, "api", good, first, 60, &r) == DEPLOY_OK, "%s",
                  r.message);
    deploy_result_free(&r);
    /* a crashing image: the circuit breaker trips and ECS rolls back */
    char *bad = ecs_test_taskdef(e.c, "svc-dep", "crashloop:2", NULL);
    ecs_test_update_td(e.c, e.cluster, "api", bad, NULL);
    ck_assert_int_eq(ecs_test_watch(e.c, e.cluster, "api", bad, NULL, 60, &r), DEPLOY_ROLLED_BACK);
    deploy_result_free(&r);
    check_crash_exit_codes(&e, "api");
    size_t n2;
    char *second = newest_deployment(&e, "api", &n2);
    ck_assert_uint_eq(n2, n1 + 1);
    ck_assert_str_ne(first, second);
    /* followed to its end: ECS rolled it back, and the reasons say why in its words */
    ck_assert_int_eq(ecs_test_watch(e.c, e.cluster, "api", bad, second, 60, &r),
                     DEPLOY_ROLLED_BACK);
    ck_assert_msg(strstr(r.message, "ECS rolled back to svc-dep:1") && !strstr(r.message, "rolling"),
                  "%s", r.message);
    int named = 0;
    for (size_t i = 0; i < r.nreasons; i++)
        named |= strstr(r.reasons[i], "Essential container in task exited") &&
                 strstr(r.reasons[i], "exit code 1");
    ck_assert_msg(named, "no stopped task among %zu reasons", r.nreasons);
    deploy_result_free(&r);
    ecs_service_deployments last = {0};
    const char *arn2[] = {second};
    ck_assert_int_eq(ecs_describe_service_deployments(e.c, arn2, 1, &last, &err), 0);
    ck_assert_uint_eq(last.n, 1);
    ck_assert_str_eq(last.items[0].status, "ROLLBACK_SUCCESSFUL");
    ck_assert_ptr_nonnull(last.items[0].raw);
    /* the failed deployment's target revision ran the crashing task definition */
    ecs_service_revisions rev;
    const char *rarn = last.items[0].target_revision_arn;
    ck_assert_ptr_nonnull(rarn);
    ck_assert_int_eq(ecs_describe_service_revisions(e.c, &rarn, 1, &rev, &err), 0);
    ck_assert_uint_eq(rev.n, 1);
    ck_assert_ptr_nonnull(strstr(rev.items[0].task_definition, "svc-dep:2"));
    ecs_service_revisions_free(&rev);
    ecs_service_deployments_free(&last);
    /* the service ends on the good revision */
    ecs_service s;
    int found;
    ck_assert_int_eq(ecs_describe_service(e.c, e.cluster, "api", &s, &found, &err), 0);
    ck_assert_ptr_nonnull(strstr(s.task_definition, "svc-dep:1"));
    ecs_service_free(&s);
    svc_strings st = {0};
    svc_strings_add(&st, "SUCCESSFUL");
    ecs_service_deployments l;
    ck_assert_int_eq(ecs_list_service_deployments(e.c, e.cluster, "api", &st, 0, &l, &err), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].arn, first);
    ecs_service_deployments_free(&l);
    svc_strings_free(&st);
    const char *arns[] = {first, "arn:aws:ecs:us-east-1:000000000000:service-deployment/x/y/z"};
    ck_assert_int_eq(ecs_describe_service_deployments(e.c, arns, 2, &l, &err), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].status, "SUCCESSFUL");
    ecs_service_deployments_free(&l);
    free(first);
    free(second);
    free(good);
    free(bad);
    env_down(&e);
}
END_TEST

static void count_progress(void *ud, const char *service, const char *phase, const char *msg)
{
    (void)phase;
    ck_assert_str_eq(service, "worker");
    ck_assert_ptr_nonnull(strstr(msg, "running"));
    (*(int *)ud)++;
}

/* After the rollback the service is steady, but on v1: watching v2 fails at once. */
static void expect_revision(env *e, const char *v1, const char *v2)
{
    int shown = 0;
    deploy_watch_request w = {.cluster = e->cluster, .service = "worker", .task_definition = v1,
                              .timeout_s = 60, .poll_s = 0.05, .progress = count_progress,
                              .ud = &shown};
    deploy_result r = {0};
    ck_assert_msg(deploy_watch(e->c, &w, &r) == 0, "%s", r.message);
    ck_assert_int_gt(shown, 0);
    deploy_result_free(&r);
    w.task_definition = v2;
    ck_assert_int_eq(deploy_watch(e->c, &w, &r), -1);
    ck_assert_int_eq(r.outcome, DEPLOY_ROLLED_BACK);
    ck_assert_ptr_nonnull(strstr(r.message, v2));
    deploy_result_free(&r);
}

START_TEST(stop_with_rollback)
{
    env e;
    aws_error err;
    env_up(&e, "dep2");
    char *v1 = ecs_test_taskdef(e.c, "svc-stop", "nginx:1", NULL);
    ecs_deployment_config dc = ECS_DEPLOYMENT_CONFIG_INIT;
    dc.strategy = "ROLLING";
    dc.bake_time_minutes = 0;
    ecs_service_input in = input(&e, "worker", v1, &dc);
    in.deployment_controller = "ECS";
    ecs_service s;
    create_steady(&e, &in, &s);
    ck_assert_str_eq(s.deployment_controller, "ECS");
    ck_assert_str_eq(s.strategy, "ROLLING");
    ecs_service_free(&s);
    char *v2 = ecs_test_taskdef(e.c, "svc-stop", "slowstart:2", NULL);
    ecs_test_update_td(e.c, e.cluster, "worker", v2, NULL);
    size_t n;
    char *arn = newest_deployment(&e, "worker", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_msg(ecs_stop_service_deployment(e.c, arn, "ROLLBACK", &err) == 0, "%s",
                  err.message);
    deploy_result r;
    ck_assert_int_eq(ecs_test_watch(e.c, e.cluster, "worker", v2, arn, 60, &r),
                     DEPLOY_ROLLED_BACK);
    deploy_result_free(&r);
    expect_revision(&e, v1, v2);
    ck_assert_int_eq(ecs_stop_service_deployment(e.c, "arn:aws:ecs:us-east-1:000000000000:"
                                                 "service-deployment/a/b/c", "ROLLBACK", &err),
                     -1);
    ck_assert_str_eq(err.code, "ServiceDeploymentNotFoundException");
    free(arn);
    free(v1);
    free(v2);
    env_down(&e);
}
END_TEST

FAKE_SUITE(svc_ecs_deploy, NULL, NULL, 0, circuit_breaker_rollback_is_a_failure, stop_with_rollback)
