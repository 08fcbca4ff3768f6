/* ECS client against the local fake: clusters, tags, task definitions. */
#include "test_svc_ecs_env.h"

START_TEST(cluster_create_describe_delete)
{
    aws_error err;
    cJSON *kin = cJSON_Parse("{}"), *kout;
    ck_assert_int_eq(aws_json_call(fake_cl, "kms", "CreateKey", kin, &kout, &err), 0);
    char *key = strdup(aws_json_str(cJSON_GetObjectItem(kout, "KeyMetadata"), "Arn"));
    cJSON_Delete(kin);
    cJSON_Delete(kout);
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "demo");
    ecs_cluster_input in = {.name = "svc-ecs-c1", .tags = &tags,
                            .container_insights = "enabled", .exec_kms_key_id = key,
                            .exec_logging = "OVERRIDE", .exec_log_group = "/ecs/exec",
                            .exec_log_encryption = 1};
    ecs_cluster cl;
    ck_assert_msg(ecs_create_cluster(fake_cl, &in, &cl, &err) == 0, "%s", err.message);
    ck_assert_str_eq(cl.name, "svc-ecs-c1");
    ck_assert_str_eq(cl.status, "ACTIVE");
    char *arn = strdup(cl.arn);
    ecs_cluster_free(&cl);
    int found;
    ck_assert_int_eq(ecs_describe_cluster(fake_cl, "svc-ecs-c1", &cl, &found, &err), 0);
    ck_assert_int_eq(found, 1);
    ck_assert_str_eq(cl.exec_kms_key_id, key);
    ck_assert_str_eq(cl.exec_logging, "OVERRIDE");
    ck_assert_str_eq(cl.exec_log_group, "/ecs/exec");
    ck_assert_str_eq(cl.container_insights, "enabled");
    ck_assert_str_eq(svc_tags_get(&cl.tags, "ecsdeploy:stack"), "demo");
    ecs_cluster_free(&cl);
    ecs_cluster_input up = {.name = "svc-ecs-c1", .container_insights = "disabled",
                            .exec_logging = "DEFAULT"};
    ck_assert_msg(ecs_update_cluster(fake_cl, &up, &cl, &err) == 0, "%s", err.message);
    ck_assert_str_eq(cl.exec_logging, "DEFAULT");
    ck_assert_ptr_null(cl.exec_kms_key_id);
    ck_assert_str_eq(cl.container_insights, "disabled");
    ecs_cluster_free(&cl);
    /* tags through the generic calls */
    svc_tags_free(&tags);
    const fake_tag_calls ecs_tags = {.list = ecs_list_tags_for_resource, .tag = ecs_tag_resource,
                                     .untag_strings = ecs_untag_resource};
    fake_check_tag_calls(fake_cl, &ecs_tags, arn, NULL, "ecsdeploy:id", "cluster");
    ck_assert_int_eq(ecs_describe_cluster(fake_cl, "svc-ecs-none", &cl, &found, &err), 0);
    ck_assert_int_eq(found, 0);
    ck_assert_int_eq(ecs_delete_cluster(fake_cl, "svc-ecs-c1", &err), 0);
    ck_assert_int_eq(ecs_describe_cluster(fake_cl, "svc-ecs-c1", &cl, &found, &err), 0);
    if (found)
        ck_assert_str_eq(cl.status, "INACTIVE");
    ecs_cluster_free(&cl);
    ck_assert_int_eq(ecs_delete_cluster(fake_cl, "svc-ecs-none", &err), -1);
    ck_assert_str_eq(err.code, "ClusterNotFoundException");
    ecs_cluster_input bad = {.name = "bad name!"};
    ck_assert_int_eq(ecs_create_cluster(fake_cl, &bad, NULL, &err), -1);
    ck_assert_str_eq(err.code, "InvalidParameterException");
    free(arn);
    free(key);
}
END_TEST

START_TEST(clusters_listed_over_pages)
{
    aws_error err;
    char name[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "svc-ecs-list-%d", i);
        ecs_cluster_input in = {.name = name};
        ck_assert_int_eq(ecs_create_cluster(fake_cl, &in, NULL, &err), 0);
    }
    /* creating it again answers with the existing cluster */
    ecs_cluster_input again = {.name = "svc-ecs-list-0"};
    ecs_cluster cl;
    ck_assert_int_eq(ecs_create_cluster(fake_cl, &again, &cl, &err), 0);
    ck_assert_str_eq(cl.name, "svc-ecs-list-0");
    ck_assert_str_eq(cl.status, "ACTIVE");
    ecs_cluster_free(&cl);
    svc_strings arns;
    ck_assert_int_eq(ecs_list_clusters(fake_cl, 2, &arns, &err), 0);
    size_t mine = 0;
    for (size_t i = 0; i < arns.n; i++)
        mine += strstr(arns.items[i], "svc-ecs-list-") != NULL;
    ck_assert_uint_eq(mine, 5);
    svc_strings_free(&arns);
}
END_TEST

START_TEST(task_definitions)
{
    aws_error err;
    char *r1 = ecs_test_taskdef(fake_cl, "svc-td", "nginx:1", NULL);
    ck_assert_str_eq(r1, "svc-td:1");
    ecs_task_definition td;
    ck_assert_int_eq(ecs_describe_task_definition(fake_cl, "svc-td", &td, &err), 0);
    ck_assert_int_eq(td.revision, 1);
    ck_assert_str_eq(td.status, "ACTIVE");
    ck_assert_str_eq(aws_json_str(ecs_taskdef_container(td.doc, "app"), "image"), "nginx:1");
    /* the described definition, turned back into an input, registers as the same thing */
    cJSON *in = ecs_taskdef_to_input(td.doc);
    ck_assert_ptr_null(cJSON_GetObjectItem(in, "revision"));
    ck_assert_int_eq(ecs_taskdef_equal(in, td.doc), 1);
    ck_assert_int_eq(ecs_taskdef_set_env(in, "app", "MODE", "prod"), 0);
    ck_assert_int_eq(ecs_taskdef_set_env(in, "app", "MODE", "dev"), 0);
    ck_assert_int_eq(ecs_taskdef_equal(in, td.doc), 0);
    ck_assert_int_eq(ecs_taskdef_set_image(in, "app", "nginx:2"), 0);
    ck_assert_int_eq(ecs_taskdef_set_image(in, "nope", "x"), -1);
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "demo");
    ecs_task_definition td2;
    ck_assert_msg(ecs_register_task_definition(fake_cl, in, &tags, &td2, &err) == 0, "%s",
                  err.message);
    svc_tags_free(&tags);
    ck_assert_int_eq(td2.revision, 2);
    ck_assert_int_eq(ecs_taskdef_equal(in, td2.doc), 1);
    cJSON *env = cJSON_GetObjectItem(ecs_taskdef_container(td2.doc, NULL), "environment");
    ck_assert_int_eq(cJSON_GetArraySize(env), 1);
    ck_assert_str_eq(aws_json_str(cJSON_GetArrayItem(env, 0), "value"), "dev");
    ecs_task_definition_free(&td2);
    ecs_task_definition_free(&td);
    cJSON_Delete(in);
    ck_assert_int_eq(ecs_describe_task_definition(fake_cl, "svc-td:2", &td, &err), 0);
    ck_assert_str_eq(svc_tags_get(&td.tags, "ecsdeploy:stack"), "demo");
    ecs_task_definition_free(&td);
    char *r3 = ecs_test_taskdef(fake_cl, "svc-td", "nginx:3", NULL);
    svc_strings arns;
    ck_assert_int_eq(ecs_list_task_definitions(fake_cl, "svc-td", NULL, 1, 1, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 3);
    ck_assert_ptr_nonnull(strstr(arns.items[0], "svc-td:3"));
    svc_strings_free(&arns);
    ck_assert_int_eq(ecs_deregister_task_definition(fake_cl, "svc-td:1", &err), 0);
    ck_assert_int_eq(ecs_list_task_definitions(fake_cl, "svc-td", "INACTIVE", 0, 0, &arns, &err),
                     0);
    ck_assert_uint_eq(arns.n, 1);
    svc_strings_free(&arns);
    ck_assert_int_eq(ecs_list_task_definitions(fake_cl, "svc-td-none", NULL, 0, 0, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 0);
    svc_strings_free(&arns);
    free(ecs_test_taskdef(fake_cl, "svc-tdfam-a", "x", NULL));
    free(ecs_test_taskdef(fake_cl, "svc-tdfam-b", "x", NULL));
    free(ecs_test_taskdef(fake_cl, "svc-tdfam-c", "x", NULL));
    ck_assert_int_eq(ecs_list_task_definition_families(fake_cl, "svc-tdfam", 1, &arns, &err), 0);
    ck_assert_uint_eq(arns.n, 3);
    svc_strings_free(&arns);
    ck_assert_int_eq(ecs_describe_task_definition(fake_cl, "svc-td:9", &td, &err), -1);
    ck_assert_str_eq(err.code, "ClientException");
    cJSON *bad = cJSON_Parse("{\"family\":\"x\"}");
    ck_assert_int_eq(ecs_register_task_definition(fake_cl, bad, NULL, NULL, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    cJSON_Delete(bad);
    free(r1);
    free(r3);
}
END_TEST

FAKE_SUITE(svc_ecs_cluster, fake_client_setup, fake_client_teardown, 0,
           cluster_create_describe_delete, clusters_listed_over_pages, task_definitions)
