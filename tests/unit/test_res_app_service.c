/* Task definitions and services against the fake: a fresh create, a no-change plan, an
 * image change (one new revision, service updated), a crash-looping image (failure with
 * the stopped-task reason, rollback to the previous revision), down. */
#include "test_res_app_env.h"

#include "ecs.h"

static char *stack_with_image(const char *stack, const char *image)
{
    return xasprintf("stack: %s\n"
                     "secrets:\n"
                     "  db: { generate: { length: 20 } }\n"
                     "services:\n"
                     "  web:\n"
                     "    image: %s\n"
                     "    port: 8080\n"
                     "    cpu: 512\n"
                     "    memory: 1024\n"
                     "    environment: { MODE: prod, DB_NAME: \"${secrets.db.name}\", DB_ARN: \"arn=${secrets.db.arn}\" }\n"
                     "    secrets: { DB_PASSWORD: db }\n"
                     "    health_check: { command: [\"CMD-SHELL\", \"true\"] }\n"
                     "    containers:\n"
                     "      migrate: { image: busybox, command: [\"true\"], init: true }\n"
                     "      helper: { image: busybox, command: [sh, -c, \"sleep 1000\"], cpu: 128, memory: 256 }\n",
                     stack, image);
}

/* app_open of stack_with_image(stack, image). */
static void open_image(app_env *e, const char *stack, const char *image)
{
    char *yaml = stack_with_image(stack, image);
    app_open(e, yaml);
    free(yaml);
}

/* The stack's service `name` as ECS describes it (it must exist). */
static void describe(app_env *e, const char *name, ecs_service *s)
{
    int found = 0;
    aws_error err;
    ck_assert_int_eq(ecs_describe_service(e->aws, e->stack->name, name, s, &found, &err), 0);
    ck_assert_int_eq(found, 1);
}

static int revision(const char *arn)
{
    return atoi(strrchr(arn, ':') + 1);
}

START_TEST(service_create_update_and_failed_deploy)
{
    app_env e = {0};
    open_image(&e, "kapp-svc", "nginx:1.27");
    app_run_ok(&e, 0);
    ecs_service s = {0};
    describe(&e, "web", &s);
    ck_assert_int_eq(s.running, 1);
    ck_assert_int_eq(revision(s.task_definition), 1);
    ecs_service_free(&s);

    /* the registered document: references resolved, both containers, the secret */
    ecs_task_definition t = {0};
    aws_error err;
    ck_assert_int_eq(ecs_describe_task_definition(e.aws, "kapp-svc-web", &t, &err), 0);
    char *doc = cJSON_PrintUnformatted(t.doc);
    ck_assert_msg(strstr(doc, "\"kapp-svc/db\"") != NULL, "%s", doc);
    ck_assert_msg(strstr(doc, "arn=arn:aws:secretsmanager:") != NULL, "%s", doc);
    ck_assert_msg(strstr(doc, "/ecsdeploy/kapp-svc/web") != NULL, "%s", doc);
    ck_assert_ptr_nonnull(strstr(doc, "\"helper\""));
    ck_assert_ptr_nonnull(strstr(doc, "\"SUCCESS\""));
    free(doc);
    ecs_task_definition_free(&t);
    app_close(&e);

    /* nothing changed: nothing to do (ECS's defaults are no change) */
    app_reopen(&e);
    ck_assert_uint_eq(app_changes(&e), 0);
    app_close(&e);

    /* a new image: one new revision and a service update */
    open_image(&e, "kapp-svc", "nginx:1.28");
    plan_compute(&e.ctx, 0);
    plan_counts c = plan_count(e.graph);
    ck_assert_uint_eq(c.update, 2);
    ck_assert_uint_eq(c.create + c.replace + c.delete, 0);
    app_run_ok(&e, 0);
    describe(&e, "web", &s);
    ck_assert_int_eq(revision(s.task_definition), 2);
    ecs_service_free(&s);
    app_close(&e);

    /* a crash-looping image: up fails with the reason and rolls back to revision 2 */
    open_image(&e, "kapp-svc", "crashloop");
    plan_exec_result r;
    ck_assert_int_eq(app_run(&e, 0, &r), -1);
    ck_assert_msg(strstr(r.failure, "deployment of kapp-svc-web:3 failed") &&
                      strstr(r.failure, "Essential container in task exited") &&
                      strstr(r.failure, "exit code 1"),
                  "%s", r.failure);
    ck_assert_int_eq(r.rolled_back, 1);
    plan_exec_result_free(&r);
    describe(&e, "web", &s);
    ck_assert_int_eq(revision(s.task_definition), 2);
    ck_assert_int_eq(s.running, 1);
    ecs_service_free(&s);
    app_close(&e);

    /* status shows the service */
    app_reopen(&e);
    cJSON *st = cJSON_CreateObject();
    res_node *n = app_node(&e, "service/web");
    ck_assert_int_eq(n->kind->status(&e.ctx, n, st, &err), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(st, "running")->valueint, 1);
    ck_assert_int_eq(cJSON_GetObjectItem(st, "revision")->valueint, 2);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(st, "healthy")));
    cJSON_Delete(st);

    /* down: the service is gone, every revision deregistered */
    app_down_purge(&e);
    svc_strings arns = {0};
    ck_assert_int_eq(ecs_list_task_definitions(e.aws, "kapp-svc-web", "ACTIVE", 0, 0, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 0);
    svc_strings_free(&arns);
    app_reopen(&e);
    ck_assert_ptr_null(app_node(&e, "service/web")->physical_id);
    app_free(&e);
}
END_TEST

START_TEST(first_deploy_that_crashloops_is_removed)
{
    app_env e = {0};
    open_image(&e, "kapp-svc2", "crashloop");
    plan_exec_result r;
    ck_assert_int_eq(app_run(&e, 0, &r), -1);
    ck_assert_msg(strstr(r.failure, "Essential container in task exited"), "%s", r.failure);
    ck_assert_int_eq(r.rolled_back, 1);
    plan_exec_result_free(&r);
    app_reopen(&e);
    ck_assert_ptr_null(app_node(&e, "service/web")->physical_id);
    ck_assert_ptr_null(app_node(&e, "task_def/web")->physical_id);
    app_free(&e);
}
END_TEST

START_TEST(no_wait_returns_after_the_calls)
{
    app_env e = {0};
    open_image(&e, "kapp-svc3", "slowstart");
    e.ctx.wait_services = 0;
    app_run_ok(&e, 0);
    ck_assert_ptr_null(strstr(res_events_text(&e.events), "steady"));
    app_down_purge(&e);
    app_free(&e);
}
END_TEST

START_TEST(volumes_exec_and_deployment_settings_compare_clean)
{
    app_env e = {0};
    const char *yaml = "stack: kapp-ebs\n"
                       "services:\n"
                       "  db:\n"
                       "    image: postgres:16\n"
                       "    port: 5432\n"
                       "    desired_count: 2\n"
                       "    exec: true\n"
                       "    ephemeral_storage_gib: 30\n"
                       "    deployment: { min_healthy_percent: 50, max_percent: 150 }\n"
                       "    volumes: [ { path: /var/lib/postgresql, ebs: { size_gib: 20, type: gp3, throughput: 200 } } ]\n";
    app_open(&e, yaml);
    app_run_ok(&e, 0);
    app_reopen(&e);
    ck_assert_uint_eq(app_changes(&e), 0);
    ecs_service s = {0};
    describe(&e, "db", &s);
    ck_assert_int_eq(s.enable_execute_command, 1);
    ck_assert_int_eq(s.running, 2);
    char *raw = cJSON_PrintUnformatted(s.raw);
    ck_assert_msg(strstr(raw, "\"sizeInGiB\":20") && strstr(raw, "\"minimumHealthyPercent\":50"), "%s", raw);
    free(raw);
    ecs_service_free(&s);
    app_down_purge(&e);
    app_free(&e);
}
END_TEST

FAKE_SUITE(res_app_service, NULL, NULL, 120, service_create_update_and_failed_deploy,
           first_deploy_that_crashloops_is_removed, no_wait_returns_after_the_calls,
           volumes_exec_and_deployment_settings_compare_clean)
