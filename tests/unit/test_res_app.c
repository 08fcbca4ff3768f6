/* Secrets and buckets against the fake: create, no-change plan, update, down, --purge. */
#include "test_res_app_env.h"

#include "s3.h"
#include "secretsmanager.h"
#include "stack_names.h"

static const char *const secrets_yaml =
    "stack: kapp-sec\n"
    "secrets:\n"
    "  token: { generate: { length: 40, symbols: false, exclude: \"abc\" } }\n"
    "  from-env: { from_env: KAPP_TEST_SECRET }\n"
    "  scratch: { generate: { length: 12 }, keep: false }\n"
    "services:\n"
    "  web: { image: nginx, port: 80, secrets: { TOKEN: token } }\n";

static char *secret_value(app_env *e, const char *id)
{
    char *v = NULL;
    aws_error err;
    ck_assert_int_eq(secretsmanager_get_secret_value(e->aws, app_node(e, id)->physical_id, &v, &err), 0);
    return v;
}

START_TEST(secrets_generated_once_and_never_shown)
{
    setenv("KAPP_TEST_SECRET", "value-from-the-environment", 1);
    app_env e = {0};
    app_open(&e, secrets_yaml);
    app_run_ok(&e, 0);
    char *token = secret_value(&e, "secret/token");
    ck_assert_uint_eq(strlen(token), 40);
    for (const char *p = token; *p; p++)
        ck_assert_msg(!strchr("abc!#$%&*+-.:;=?@^_~", *p), "excluded character %c", *p);
    char *env = secret_value(&e, "secret/from-env");
    ck_assert_str_eq(env, "value-from-the-environment");
    /* no value in any event, property or error */
    ck_assert_ptr_null(strstr(res_events_text(&e.events), token));
    ck_assert_ptr_null(strstr(res_events_text(&e.events), env));
    char *props = cJSON_PrintUnformatted(app_node(&e, "secret/token")->actual);
    ck_assert_ptr_null(strstr(props, token));
    ck_assert_ptr_nonnull(strstr(props, "kapp-sec/token"));
    free(props);
    app_close(&e);

    /* a second run changes nothing, and the value stays */
    setenv("KAPP_TEST_SECRET", "another value", 1);
    app_reopen(&e);
    ck_assert_uint_eq(app_changes(&e), 0);
    char *again = secret_value(&e, "secret/token");
    ck_assert_str_eq(again, token);
    secretsmanager_secret_free(again);

    /* down keeps kept secrets; --purge removes them */
    app_run_ok(&e, 1);
    app_reopen(&e);
    ck_assert_ptr_nonnull(app_node(&e, "secret/token")->physical_id);
    ck_assert_ptr_null(app_node(&e, "secret/scratch")->physical_id);
    app_down_purge(&e);
    app_reopen(&e);
    ck_assert_ptr_null(app_node(&e, "secret/token")->physical_id);
    ck_assert_ptr_null(app_node(&e, "secret/from-env")->physical_id);
    secretsmanager_secret_free(token);
    secretsmanager_secret_free(env);
    app_free(&e);
}
END_TEST

START_TEST(secret_scheduled_for_deletion_is_restored)
{
    app_env e = {0};
    aws_error err;
    app_client(&e);
    secretsmanager_create_input in = {.name = "kapp-del/token", .secret_string = "old"};
    ck_assert_int_eq(secretsmanager_create_secret(e.aws, &in, NULL, NULL, &err), 0);
    ck_assert_int_eq(secretsmanager_delete_secret(e.aws, "kapp-del/token", 7, 0, NULL, &err), 0);
    app_open(&e, "stack: kapp-del\nsecrets:\n  token: { generate: {} }\n"
                 "services:\n  web: { image: nginx, port: 80 }\n");
    app_run_ok(&e, 0);
    char *v = secret_value(&e, "secret/token");
    ck_assert_str_eq(v, "old"); /* restored, not overwritten */
    secretsmanager_secret_free(v);
    ck_assert_ptr_nonnull(strstr(res_events_text(&e.events), "restoring"));
    e.ctx.purge = 1;
    app_reopen(&e);
    ck_assert_uint_eq(app_changes(&e), 0); /* the restored secret carries our tags now */
    app_down_purge(&e);
    app_free(&e);
}
END_TEST

static const char *const bucket_yaml =
    "stack: kapp-bkt\n"
    "buckets:\n"
    "  data:\n"
    "    versioning: true\n"
    "    encryption: sse-kms\n"
    "    lifecycle: [ { prefix: \"tmp/\", expire_days: 7 }, { noncurrent_expire_days: 30 } ]\n"
    "  plain: { keep: false, name: kapp-bkt-plain }\n"
    "services:\n"
    "  web: { image: nginx, port: 80 }\n";

START_TEST(buckets_with_every_setting)
{
    app_env e = {0};
    /* data has the default name: unique to the fake's account and the region */
    char *data = stack_name_bucket("kapp-bkt", "data", "000000000000", "us-east-1");
    app_open(&e, bucket_yaml);
    app_run_ok(&e, 0);
    aws_error err;
    char *status = NULL;
    ck_assert_int_eq(s3_get_bucket_versioning(e.aws, data, &status, &err), 0);
    ck_assert_str_eq(status, "Enabled");
    free(status);
    s3_public_access_block pab = {0};
    ck_assert_int_eq(s3_get_public_access_block(e.aws, data, &pab, &err), 0);
    ck_assert_int_eq(pab.block_public_acls && pab.restrict_public_buckets, 1);
    char *policy = NULL;
    ck_assert_int_eq(s3_get_bucket_policy(e.aws, data, &policy, &err), 0);
    ck_assert_ptr_nonnull(strstr(policy, "aws:SecureTransport"));
    free(policy);
    s3_lifecycle_rules rules = {0};
    ck_assert_int_eq(s3_get_bucket_lifecycle(e.aws, data, &rules, &err), 0);
    ck_assert_uint_eq(rules.n, 2);
    s3_lifecycle_rules_free(&rules);
    /* versions and a delete marker, for --purge to empty */
    ck_assert_int_eq(s3_put_object(e.aws, data, "a.txt", "1", NULL, &err), 0);
    ck_assert_int_eq(s3_put_object(e.aws, data, "a.txt", "2", NULL, &err), 0);
    app_close(&e);

    app_reopen(&e);
    ck_assert_uint_eq(app_changes(&e), 0);
    app_close(&e);

    /* settings change in place */
    const char *edited =
        "stack: kapp-bkt\n"
        "buckets:\n"
        "  data: { versioning: false, block_public_access: false, tls_only: false }\n"
        "  plain: { keep: false, name: kapp-bkt-plain }\n"
        "services:\n"
        "  web: { image: nginx, port: 80 }\n";
    app_open(&e, edited);
    ck_assert_str_eq(app_node(&e, "bucket/data")->physical_id, data);
    plan_compute(&e.ctx, 0);
    ck_assert_int_eq(app_node(&e, "bucket/data")->action, RES_UPDATE);
    app_run_ok(&e, 0);
    ck_assert_int_eq(s3_get_bucket_versioning(e.aws, data, &status, &err), 0);
    ck_assert_str_eq(status, "Suspended");
    free(status);
    ck_assert_int_ne(s3_get_bucket_policy(e.aws, data, &policy, &err), 0);
    app_reopen(&e);
    ck_assert_uint_eq(app_changes(&e), 0);

    /* down keeps the kept bucket; --purge empties every version and deletes it */
    app_run_ok(&e, 1);
    int exists = 0;
    ck_assert_int_eq(s3_head_bucket(e.aws, data, &exists, &err), 0);
    ck_assert_int_eq(exists, 1);
    ck_assert_int_eq(s3_head_bucket(e.aws, "kapp-bkt-plain", &exists, &err), 0);
    ck_assert_int_eq(exists, 0);
    app_reopen(&e);
    app_down_purge(&e);
    ck_assert_int_eq(s3_head_bucket(e.aws, data, &exists, &err), 0);
    ck_assert_int_eq(exists, 0);
    free(data);
    app_free(&e);
}
END_TEST

START_TEST(missing_existing_secret_is_a_note_not_a_failure)
{
    app_env e = {0};
    const char *yaml = "stack: kapp-ext\n"
                       "secrets:\n"
                       "  db: { existing: kapp-ext-nowhere/db }\n"
                       "services:\n"
                       "  web: { image: nginx, port: 80 }\n";
    app_open(&e, yaml); /* discovery succeeds: down must still work */
    ck_assert_ptr_null(app_node(&e, "secret/db")->physical_id);
    ck_assert_int_eq(app_node(&e, "secret/db")->external, 1);
    ck_assert_ptr_nonnull(strstr(res_events_text(&e.events), "fix `existing:` for secret db"));
    app_free(&e);
}
END_TEST

FAKE_SUITE(res_app, NULL, NULL, 60, secrets_generated_once_and_never_shown,
           secret_scheduled_for_deletion_is_restored, buckets_with_every_setting,
           missing_existing_secret_is_a_note_not_a_failure)
