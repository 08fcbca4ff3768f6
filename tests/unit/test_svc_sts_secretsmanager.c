/* The STS and Secrets Manager clients against the local fake (signatures verified). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fakeaws_fixture.h"
#include "secretsmanager.h"
#include "sts.h"

START_TEST(sts_identity_and_assume_role)
{
    aws_client *c = fake_client();
    aws_error err;
    sts_identity id;
    ck_assert_int_eq(sts_get_caller_identity(c, &id, &err), 0);
    ck_assert_str_eq(id.account, "000000000000");
    ck_assert_str_eq(id.arn, "arn:aws:iam::000000000000:root");
    sts_identity_free(&id);
    /* asked again on the same client: the answer it had, not another call (STS fails now) */
    ck_assert_int_eq(fake_control("/_fake/faults", "{\"rules\": [{\"service\": \"sts\", "
                                  "\"operation\": \"GetCallerIdentity\", \"action\": \"error\", "
                                  "\"status\": 503}]}"), 0);
    ck_assert_int_eq(sts_get_caller_identity(c, &id, &err), 0);
    ck_assert_str_eq(id.account, "000000000000");
    sts_identity_free(&id);
    setenv("AWS_MAX_ATTEMPTS", "1", 1);
    aws_client *other = fake_client();
    unsetenv("AWS_MAX_ATTEMPTS");
    ck_assert_int_eq(sts_get_caller_identity(other, &id, &err), -1); /* another client asks */
    aws_client_free(other);
    fake_no_faults();

    cJSON *in = cJSON_Parse("{\"RoleName\":\"sts-test-role\",\"AssumeRolePolicyDocument\":"
                            "\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":"
                            "\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"arn:aws:iam::000000000000:"
                            "root\\\"},\\\"Action\\\":\\\"sts:AssumeRole\\\"}]}\"}");
    cJSON *out;
    ck_assert_msg(aws_query_call(c, "iam", "CreateRole", in, NULL, NULL, &out, &err) == 0, "%s",
                  err.message);
    cJSON_Delete(in);
    cJSON_Delete(out);
    sts_credentials cr;
    int rc = -1;
    for (int i = 0; i < 50 && rc != 0; i++) { /* a new role is assumable after a moment */
        rc = sts_assume_role(c, "arn:aws:iam::000000000000:role/sts-test-role", "unit", "ext",
                             900, &cr, &err);
        if (rc != 0)
            util_sleep(0.05, NULL);
    }
    ck_assert_msg(rc == 0, "%s", err.message);
    ck_assert_str_eq(cr.assumed_role_arn,
                     "arn:aws:sts::000000000000:assumed-role/sts-test-role/unit");
    ck_assert_ptr_nonnull(cr.session_token);
    ck_assert(cr.expiration > time(NULL) + 800 && cr.expiration <= time(NULL) + 901);
    sts_credentials_free(&cr);
    ck_assert_int_eq(sts_assume_role(c, "arn:aws:iam::000000000000:role/none", "unit", NULL, 0,
                                     &cr, &err), -1);
    ck_assert_str_eq(err.code, "AccessDenied");
    ck_assert_int_eq(err.http_status, 403);
    aws_client_free(c);
}
END_TEST

START_TEST(secrets_lifecycle)
{
    aws_client *c = fake_client();
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "unit");
    svc_tags_add(&tags, "ecsdeploy:id", "api-key");
    char *arn = NULL, *version = NULL, *value = NULL;
    const char *password = "s3cr3t-Passw0rd";
    secretsmanager_create_input in = {.name = "unit/api-key", .description = "d",
                                      .secret_string = password, .tags = &tags,
                                      .client_request_token = "11111111-2222-3333-4444-555555555555"};
    ck_assert_msg(secretsmanager_create_secret(c, &in, &arn, &version, &err) == 0, "%s",
                  err.message);
    ck_assert_ptr_nonnull(strstr(arn, ":secret:unit/api-key"));
    ck_assert_int_eq(secretsmanager_get_secret_value(c, "unit/api-key", &value, &err), 0);
    ck_assert_str_eq(value, password);
    secretsmanager_secret_free(value);
    ck_assert_int_eq(secretsmanager_put_secret_value(c, arn, "v2", NULL, NULL, &err), 0);
    ck_assert_int_eq(secretsmanager_get_secret_value(c, arn, &value, &err), 0);
    ck_assert_str_eq(value, "v2");
    secretsmanager_secret_free(value);

    secretsmanager_secret s;
    ck_assert_int_eq(secretsmanager_describe_secret(c, "unit/api-key", &s, &err), 0);
    ck_assert_str_eq(s.name, "unit/api-key");
    ck_assert_str_eq(svc_tags_get(&s.tags, "ecsdeploy:id"), "api-key");
    ck_assert_int_eq((long)s.deleted_date, 0);
    secretsmanager_secret_info_free(&s);

    secretsmanager_secret_list l;
    ck_assert_int_eq(secretsmanager_list_secrets_by_tag(c, "ecsdeploy:stack", "unit", &l, &err), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].arn, arn);
    secretsmanager_secret_list_free(&l);
    ck_assert_int_eq(secretsmanager_list_secrets_by_tag(c, "ecsdeploy:stack", "other", &l, &err), 0);
    ck_assert_uint_eq(l.n, 0);
    secretsmanager_secret_list_free(&l);

    svc_tags more = {0};
    svc_tags_add(&more, "team", "ducks");
    ck_assert_int_eq(secretsmanager_tag_resource(c, arn, &more, &err), 0);
    const char *drop[] = {"ecsdeploy:id"};
    ck_assert_int_eq(secretsmanager_untag_resource(c, arn, drop, 1, &err), 0);
    ck_assert_int_eq(secretsmanager_describe_secret(c, arn, &s, &err), 0);
    ck_assert_str_eq(svc_tags_get(&s.tags, "team"), "ducks");
    ck_assert_ptr_null(svc_tags_get(&s.tags, "ecsdeploy:id"));
    secretsmanager_secret_info_free(&s);

    time_t when = 0;
    ck_assert_int_eq(secretsmanager_delete_secret(c, arn, 7, 0, &when, &err), 0);
    ck_assert(when > time(NULL));
    ck_assert_int_eq(secretsmanager_get_secret_value(c, arn, &value, &err), -1);
    ck_assert_str_eq(err.code, "InvalidRequestException");
    ck_assert_int_eq(secretsmanager_describe_secret(c, arn, &s, &err), 0);
    ck_assert(s.deleted_date > 0);
    secretsmanager_secret_info_free(&s);
    ck_assert_int_eq(secretsmanager_restore_secret(c, arn, &err), 0);
    ck_assert_int_eq(secretsmanager_get_secret_value(c, arn, &value, &err), 0);
    secretsmanager_secret_free(value);
    /* The same idempotency token repeats the first answer; another one is a conflict. */
    ck_assert_int_eq(secretsmanager_create_secret(c, &in, NULL, NULL, &err), 0);
    in.client_request_token = "99999999-2222-3333-4444-555555555555";
    ck_assert_int_eq(secretsmanager_create_secret(c, &in, NULL, NULL, &err), -1);
    ck_assert_str_eq(err.code, "ResourceExistsException");
    ck_assert_int_eq(secretsmanager_delete_secret(c, arn, 0, 1, NULL, &err), 0);
    ck_assert_int_eq(secretsmanager_describe_secret(c, arn, &s, &err), -1);
    ck_assert_str_eq(err.code, "ResourceNotFoundException");
    ck_assert_int_eq(err.http_status, 400);

    svc_tags_free(&tags);
    svc_tags_free(&more);
    free(arn);
    free(version);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_sts_secretsmanager, NULL, NULL, 60, sts_identity_and_assume_role, secrets_lifecycle)
