/* ECS client against the local fake: services, tasks, exec, deletion rules, waiters. */
#include "test_svc_ecs_env.h"

/* The two running tasks of service web: containers, agent, ENI address; an exec session.
 * *tasks receives their ARNs. */
static void check_tasks_and_exec(aws_client *c, svc_strings *tasks_out)
{
    svc_strings tasks;
    aws_error err;
    ck_assert_int_eq(ecs_list_tasks(c, "svc-ecs-s1", "web", "RUNNING", 1, &tasks, &err), 0);
    ck_assert_uint_eq(tasks.n, 2);
    ecs_tasks t;
    ck_assert_int_eq(ecs_describe_tasks(c, "svc-ecs-s1", (const char *const *)tasks.items,
                                        tasks.n, &t, &err), 0);
    ck_assert_uint_eq(t.n, 2);
    ck_assert_str_eq(t.items[0].last_status, "RUNNING");
    ck_assert_str_eq(t.items[0].group, "service:web");
    ck_assert_ptr_nonnull(t.items[0].private_ip);
    ck_assert_ptr_nonnull(t.items[0].eni_id);
    ck_assert_uint_eq(t.items[0].n_containers, 1);
    ck_assert_str_eq(t.items[0].containers[0].name, "app");
    const ecs_managed_agent *ag = ecs_container_agent(&t.items[0].containers[0],
                                                      "ExecuteCommandAgent");
    ck_assert_ptr_nonnull(ag);
    ck_assert_str_eq(ag->status, "RUNNING");
    /* exec: a session with a token */
    ecs_exec_session es;
    ck_assert_msg(ecs_execute_command(c, "svc-ecs-s1", t.items[0].arn, "app", "ls /", 1, &es,
                                      &err) == 0, "%s", err.message);
    ck_assert_ptr_nonnull(strstr(es.stream_url, es.session_id));
    ck_assert_uint_gt(strlen(es.token), 20);
    ck_assert_str_eq(es.container_name, "app");
    ecs_exec_session_free(&es);
    ck_assert_ptr_null(es.token);
    ecs_tasks_free(&t);
    *tasks_out = tasks;
}

/* Deletion rules: the cluster refuses while the service exists, the service needs force
 * while scaled up; then the service drains and its tasks stop. */
static void delete_service_and_tasks(aws_client *c, const char *arn, svc_strings *tasks_in)
{
    aws_error err;
    const char *names[] = {"web"};
    svc_strings tasks = *tasks_in;
    /* a cluster with services cannot be deleted */
    ck_assert_int_eq(ecs_delete_cluster(c, "svc-ecs-s1", &err), -1);
    ck_assert_str_eq(err.code, "ClusterContainsServicesException");
    svc_strings arns;
    ck_assert_int_eq(ecs_list_services(c, "svc-ecs-s1", 0, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 1);
    ck_assert_str_eq(arns.items[0], arn);
    svc_strings_free(&arns);
    /* a service scaled above 0 needs force */
    ck_assert_int_eq(ecs_delete_service(c, "svc-ecs-s1", "web", 0, &err), -1);
    ck_assert_str_eq(err.code, "InvalidParameterException");
    ck_assert_int_eq(ecs_delete_service(c, "svc-ecs-s1", "web", 1, &err), 0);
    ecs_test_wait_inactive(c, "svc-ecs-s1", names[0]);
    ecs_tasks t;
    ecs_test_wait_tasks(c, "svc-ecs-s1", &tasks, "STOPPED");
    ck_assert_int_eq(ecs_describe_tasks(c, "svc-ecs-s1", (const char *const *)tasks.items,
                                        tasks.n, &t, &err), 0);
    ck_assert_str_eq(t.items[0].last_status, "STOPPED");
    ck_assert_ptr_nonnull(t.items[0].stopped_reason);
    ecs_tasks_free(&t);
    svc_strings_free(&tasks);
    ck_assert_int_eq(ecs_list_tasks(c, "svc-ecs-s1", "web", NULL, 0, &tasks, &err), 0);
    ck_assert_uint_eq(tasks.n, 0);
    svc_strings_free(&tasks);
    memset(tasks_in, 0, sizeof *tasks_in);
}

START_TEST(service_lifecycle)
{
    aws_client *c = fake_client();
    aws_error err;
    ecs_test_net n;
    ecs_test_network(c, "svc1", &n);
    ecs_test_cluster(c, "svc-ecs-s1");
    char *td = ecs_test_taskdef(c, "svc-app", "nginx:1", n.task_role_arn);
    ecs_service_input in = ecs_test_service("svc-ecs-s1", "web", td, 2, &n.subnets, &n.groups);
    ecs_deployment_config dc = ECS_DEPLOYMENT_CONFIG_INIT;
    dc.circuit_breaker = 1;
    dc.rollback = 1;
    dc.min_healthy_percent = 50;
    dc.max_percent = 200;
    in.deployment = &dc;
    in.enable_execute_command = 1;
    in.client_token = "svc-token-1";
    in.propagate_tags = "SERVICE";
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:id", "services.web");
    in.tags = &tags;
    ecs_service s;
    ecs_test_create_service(c, &in, &s);
    ck_assert_str_eq(s.name, "web");
    ck_assert_str_eq(s.status, "ACTIVE");
    ck_assert_int_eq(s.desired, 2);
    ck_assert_int_eq(s.enable_execute_command, 1);
    ck_assert_uint_eq(s.n_deployments, 1);
    ck_assert_str_eq(ecs_service_primary(&s)->rollout_state, "IN_PROGRESS");
    char *arn = strdup(s.arn);
    ecs_service_free(&s);
    /* the same client token: the same service, no duplicate */
    ecs_test_create_service(c, &in, &s);
    ck_assert_str_eq(s.arn, arn);
    ecs_service_free(&s);
    ecs_test_steady(c, "svc-ecs-s1", "web", td);
    int found;
    ck_assert_int_eq(ecs_describe_service(c, "svc-ecs-s1", "web", &s, &found, &err), 0);
    ck_assert_int_eq(found, 1);
    ck_assert_int_eq(s.running, 2);
    ck_assert_str_eq(ecs_service_primary(&s)->rollout_state, "COMPLETED");
    ck_assert_str_eq(svc_tags_get(&s.tags, "ecsdeploy:id"), "services.web");
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(s.raw, "networkConfiguration"));
    ck_assert_uint_gt(s.n_events, 0);
    ecs_service_free(&s);
    svc_strings tasks;
    check_tasks_and_exec(c, &tasks);
    /* update: scale to one */
    ecs_service_input up = ECS_SERVICE_INPUT_INIT;
    up.cluster = "svc-ecs-s1";
    up.name = "web";
    up.desired_count = 1;
    ck_assert_msg(ecs_update_service(c, &up, &s, &err) == 0, "%s", err.message);
    ck_assert_int_eq(s.desired, 1);
    ecs_service_free(&s);
    ecs_test_steady(c, "svc-ecs-s1", "web", td);
    delete_service_and_tasks(c, arn, &tasks);
    ck_assert_msg(ecs_delete_cluster(c, "svc-ecs-s1", &err) == 0, "%s", err.message);
    svc_tags_free(&tags);
    ecs_test_network_free(&n);
    free(arn);
    free(td);
    aws_client_free(c);
}
END_TEST

/* The deployment watcher gives up at its bound naming what it saw, and refuses a service
 * or cluster that is not there; a stopped task's reason reads in AWS's words. */
START_TEST(waiters_give_up_and_refuse)
{
    aws_client *c = fake_client();
    aws_error err;
    ecs_test_net n;
    ecs_test_network(c, "svc2", &n);
    ecs_test_cluster(c, "svc-ecs-s2");
    char *td = ecs_test_taskdef(c, "svc-slow", "slowstart:1", NULL);
    ecs_service_input in = ecs_test_service("svc-ecs-s2", "slow", td, 2, &n.subnets, &n.groups);
    ck_assert_int_eq(ecs_create_service(c, &in, NULL, &err), 0);
    deploy_result r;
    ck_assert_int_eq(ecs_test_watch(c, "svc-ecs-s2", "slow", td, NULL, 0.1, &r), DEPLOY_TIMEOUT);
    ck_assert_msg(strstr(r.message, "timed out") && strstr(r.message, "svc-slow:1 running 0/2"),
                  "%s", r.message);
    deploy_result_free(&r);
    ck_assert_int_eq(ecs_test_watch(c, "svc-ecs-s2", "nothing-here", td, NULL, 5, &r),
                     DEPLOY_FAILED);
    ck_assert_str_eq(r.error.code, "ServiceMissing");
    deploy_result_free(&r);
    ck_assert_int_eq(ecs_test_watch(c, "svc-ecs-none", "slow", td, NULL, 5, &r), DEPLOY_FAILED);
    ck_assert_str_eq(r.error.code, "ClusterNotFoundException");
    deploy_result_free(&r);
    /* tasks that cannot pull their image stop, and say why */
    char *bad = ecs_test_taskdef(c, "svc-nopull", "nopull:1", NULL);
    ecs_service_input in2 = ecs_test_service("svc-ecs-s2", "nopull", bad, 1, &n.subnets, &n.groups);
    ck_assert_int_eq(ecs_create_service(c, &in2, NULL, &err), 0);
    svc_strings tasks = {0};
    for (int i = 0; i < 200 && tasks.n == 0; i++) {
        ck_assert_int_eq(ecs_list_tasks(c, "svc-ecs-s2", "nopull", NULL, 0, &tasks, &err), 0);
        if (tasks.n == 0) {
            svc_strings_free(&tasks);
            util_sleep(0.02, NULL);
        }
    }
    ck_assert_uint_gt(tasks.n, 0);
    ecs_test_wait_tasks(c, "svc-ecs-s2", &tasks, "STOPPED");
    svc_strings why = {0};
    ck_assert_int_eq(ecs_stopped_task_reasons(c, "svc-ecs-s2", "nopull", bad, 5, &why, &err), 0);
    ck_assert_uint_gt(why.n, 0);
    ck_assert_msg(strstr(why.items[0], "CannotPullContainerError"), "%s", why.items[0]);
    svc_strings_free(&why);
    svc_strings_free(&tasks);
    ecs_test_network_free(&n);
    free(td);
    free(bad);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_ecs_service, NULL, NULL, 0, service_lifecycle, waiters_give_up_and_refuse)
