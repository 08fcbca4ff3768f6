/* ECS client: task-definition document helpers (pure), describe batching, and secrets
 * kept out of the --debug wire log. */
#include "test_svc_ecs_env.h"

#include <openssl/evp.h>

#include "kms.h"

START_TEST(taskdef_equal_ignores_ecs_defaults)
{
    cJSON *in = cJSON_Parse("{\"family\":\"f\",\"cpu\":256,\"memory\":\"512\","
                            "\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\","
                            "\"portMappings\":[{\"containerPort\":80}]}]}");
    cJSON *out = cJSON_Parse("{\"family\":\"f\",\"cpu\":\"256\",\"memory\":\"512\",\"revision\":"
                             "4,\"status\":\"ACTIVE\",\"taskDefinitionArn\":\"arn\","
                             "\"compatibilities\":[\"EC2\",\"FARGATE\"],\"volumes\":[],"
                             "\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\","
                             "\"cpu\":0,\"essential\":true,\"environment\":[],\"mountPoints\":"
                             "[],\"portMappings\":[{\"containerPort\":80,\"hostPort\":80,"
                             "\"protocol\":\"tcp\"}]}]}");
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 1);
    /* a real difference anywhere counts */
    cJSON *k = ecs_taskdef_container(out, "a");
    cJSON_ReplaceItemInObject(k, "essential", cJSON_CreateFalse());
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 0);
    cJSON_ReplaceItemInObject(k, "essential", cJSON_CreateTrue());
    ck_assert_int_eq(ecs_taskdef_set_image(in, "a", "j"), 0);
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 0);
    ck_assert_int_eq(ecs_taskdef_set_image(in, NULL, "i"), 0);
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 1);
    cJSON_AddStringToObject(in, "taskRoleArn", "arn:role");
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 0);
    cJSON *back = ecs_taskdef_to_input(out);
    ck_assert_ptr_null(cJSON_GetObjectItem(back, "taskDefinitionArn"));
    ck_assert_ptr_null(cJSON_GetObjectItem(back, "compatibilities"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(back, "containerDefinitions"));
    ck_assert_ptr_null(ecs_taskdef_container(back, "zzz"));
    ck_assert_int_eq(ecs_taskdef_set_env(back, "zzz", "A", "1"), -1);
    cJSON_Delete(back);
    cJSON_Delete(in);
    cJSON_Delete(out);
}
END_TEST

/* What ECS adds to an EFS volume (rootDirectory "/") never counts as a change; any other
 * root directory does. */
START_TEST(taskdef_efs_root_directory_default)
{
    const char *vol = "{\"family\":\"f\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\"}],"
                      "\"volumes\":[{\"name\":\"v\",\"efsVolumeConfiguration\":{\"fileSystemId\":\"fs-1\","
                      "\"transitEncryption\":\"ENABLED\",\"authorizationConfig\":{\"accessPointId\":\"fsap-1\","
                      "\"iam\":\"ENABLED\"}%s}}]%s}";
    char in_text[600], out_text[700];
    snprintf(in_text, sizeof in_text, vol, "", "");
    snprintf(out_text, sizeof out_text, vol, ",\"rootDirectory\":\"/\"",
             ",\"requiresAttributes\":[{\"name\":\"ecs.capability.efsAuth\"},"
             "{\"name\":\"com.amazonaws.ecs.capability.docker-remote-api.1.25\"}]");
    cJSON *in = cJSON_Parse(in_text), *out = cJSON_Parse(out_text);
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 1);
    cJSON *efs = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "volumes"), 0),
                                     "efsVolumeConfiguration");
    cJSON_ReplaceItemInObject(efs, "rootDirectory", cJSON_CreateString("/data"));
    ck_assert_int_eq(ecs_taskdef_equal(in, out), 0);
    cJSON_Delete(in);
    cJSON_Delete(out);
}
END_TEST

START_TEST(bad_input_refused_before_any_call)
{
    aws_client *c = fake_client();
    aws_error err;
    ecs_service_input in = ECS_SERVICE_INPUT_INIT;
    ck_assert_int_eq(ecs_create_service(c, &in, NULL, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "service name"));
    ck_assert_int_eq(ecs_update_service(c, NULL, NULL, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    ecs_cluster_input cin = {0};
    ck_assert_int_eq(ecs_create_cluster(c, &cin, NULL, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    ecs_exec_session es;
    ck_assert_int_eq(ecs_execute_command(c, "x", NULL, NULL, "sh", 1, &es, &err), -1);
    ck_assert_int_eq(err.kind, AWS_ERR_INPUT);
    ck_assert_ptr_null(es.token);
    aws_client_free(c);
}
END_TEST

START_TEST(describe_reports_missing_in_batches)
{
    aws_client *c = fake_client();
    aws_error err;
    ecs_test_cluster(c, "svc-ecs-batch");
    char names[12][32];
    const char *ptrs[12];
    for (int i = 0; i < 12; i++) {
        snprintf(names[i], sizeof names[i], "ghost-%d", i);
        ptrs[i] = names[i];
    }
    ecs_services s;
    ck_assert_msg(ecs_describe_services(c, "svc-ecs-batch", ptrs, 12, &s, &err) == 0, "%s",
                  err.message);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_uint_eq(s.missing.n, 12);
    ecs_services_free(&s);
    ecs_service one;
    int found = -1;
    ck_assert_int_eq(ecs_describe_service(c, "svc-ecs-batch", "ghost", &one, &found, &err), 0);
    ck_assert_int_eq(found, 0);
    ecs_tasks t;
    const char *task = "arn:aws:ecs:us-east-1:000000000000:task/svc-ecs-batch/0123456789abcdef";
    ck_assert_int_eq(ecs_describe_tasks(c, "svc-ecs-batch", &task, 1, &t, &err), 0);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_uint_eq(t.missing.n, 1);
    ecs_tasks_free(&t);
    aws_client_free(c);
}
END_TEST

START_TEST(secrets_never_reach_the_wire_log)
{
    aws_client *c = fake_client();
    aws_error err;
    ecs_test_net n;
    ecs_test_network(c, "log", &n);
    ecs_test_cluster(c, "svc-ecs-log");
    char *td = ecs_test_taskdef(c, "svc-log", "nginx", n.task_role_arn);
    ecs_service_input si = ecs_test_service("svc-ecs-log", "one", td, 1, &n.subnets, NULL);
    si.enable_execute_command = 1;
    ecs_test_create_service(c, &si, NULL);
    ecs_test_steady(c, "svc-ecs-log", "one", td);
    svc_strings tasks;
    ck_assert_int_eq(ecs_list_tasks(c, "svc-ecs-log", "one", NULL, 0, &tasks, &err), 0);
    char *log = NULL;
    size_t len = 0;
    FILE *f;
    aws_client *dc = fake_debug_client(&log, &len, &f);
    ecs_exec_session es;
    ck_assert_msg(ecs_execute_command(dc, "svc-ecs-log", tasks.items[0], NULL, "id", 1, &es,
                                      &err) == 0, "%s", err.message);
    cJSON *kin = cJSON_Parse("{}"), *kout;
    ck_assert_int_eq(aws_json_call(dc, "kms", "CreateKey", kin, &kout, &err), 0);
    kms_data_key k;
    ck_assert_int_eq(kms_generate_data_key(dc, aws_json_str(cJSON_GetObjectItem(kout,
                     "KeyMetadata"), "KeyId"), 64, NULL, &k, &err), 0);
    aws_client_free(dc);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(log, "ExecuteCommand"));
    ck_assert_ptr_null(strstr(log, es.token));
    ck_assert_ptr_nonnull(strstr(log, "GenerateDataKey"));
    /* the plaintext key, base64 as on the wire, is absent */
    char b64[128];
    EVP_EncodeBlock((unsigned char *)b64, k.plaintext, (int)k.plaintext_len);
    ck_assert_ptr_null(strstr(log, b64));
    free(log);
    kms_data_key_free(&k);
    ecs_exec_session_free(&es);
    cJSON_Delete(kin);
    cJSON_Delete(kout);
    svc_strings_free(&tasks);
    ecs_test_network_free(&n);
    free(td);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_ecs_doc, NULL, NULL, 0, taskdef_equal_ignores_ecs_defaults,
           taskdef_efs_root_directory_default, bad_input_refused_before_any_call,
           describe_reports_missing_in_batches, secrets_never_reach_the_wire_log)
