/* The CloudWatch Logs and KMS clients against the local fake. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fakeaws_fixture.h"
#include "kms.h"
#include "logs.h"

static aws_client *client(void)
{
    aws_client_options o = {0};
    aws_client *c;
    aws_error err;
    ck_assert_msg(aws_client_new(&o, &c, &err) == 0, "%s", err.message);
    return c;
}

START_TEST(log_groups)
{
    aws_client *c = client();
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "unit");
    ck_assert_msg(logs_create_log_group(c, "/ecsdeploy/unit/app", NULL, &tags, &err) == 0, "%s",
                  err.message);
    ck_assert_int_eq(logs_create_log_group(c, "/ecsdeploy/unit/app", NULL, NULL, &err), -1);
    ck_assert_str_eq(err.code, "ResourceAlreadyExistsException");
    ck_assert_int_eq(logs_create_log_group(c, "/ecsdeploy/unit/db", NULL, NULL, &err), 0);
    ck_assert_int_eq(logs_put_retention_policy(c, "/ecsdeploy/unit/app", 14, &err), 0);

    logs_group_list l;
    ck_assert_int_eq(logs_describe_log_groups(c, "/ecsdeploy/unit/", &l, &err), 0);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(l.items[0].name, "/ecsdeploy/unit/app");
    ck_assert_int_eq(l.items[0].retention_days, 14);
    ck_assert_int_eq(l.items[1].retention_days, 0);
    ck_assert_ptr_nonnull(l.items[0].arn);
    ck_assert_ptr_null(strstr(l.items[0].arn, ":*"));
    char *arn = strdup(l.items[0].arn);
    logs_group_list_free(&l);
    ck_assert_int_eq(logs_describe_log_groups(c, "/nothing/", &l, &err), 0);
    ck_assert_uint_eq(l.n, 0);
    logs_group_list_free(&l);

    svc_tags got;
    ck_assert_msg(logs_list_tags(c, arn, &got, &err) == 0, "%s", err.message);
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:stack"), "unit");
    svc_tags_free(&got);
    svc_tags more = {0};
    svc_tags_add(&more, "team", "ducks");
    ck_assert_int_eq(logs_tag_resource(c, arn, &more, &err), 0);
    const char *drop[] = {"ecsdeploy:stack"};
    ck_assert_int_eq(logs_untag_resource(c, arn, drop, 1, &err), 0);
    ck_assert_int_eq(logs_list_tags(c, arn, &got, &err), 0);
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "team"), "ducks");
    svc_tags_free(&got);

    logs_filter f = {.group = "/ecsdeploy/unit/app"};
    logs_events ev;
    ck_assert_int_eq(logs_filter_log_events(c, &f, &ev, &err), 0);
    ck_assert_uint_eq(ev.n, 0);
    logs_events_free(&ev);
    ck_assert_int_eq(logs_put_retention_policy(c, "/ecsdeploy/unit/app", 0, &err), 0);
    ck_assert_int_eq(logs_delete_log_group(c, "/ecsdeploy/unit/app", &err), 0);
    ck_assert_int_eq(logs_delete_log_group(c, "/ecsdeploy/unit/app", &err), -1);
    ck_assert_str_eq(err.code, "ResourceNotFoundException");
    f.group = "/ecsdeploy/unit/app";
    ck_assert_int_eq(logs_filter_log_events(c, &f, &ev, &err), -1);
    free(arn);
    svc_tags_free(&tags);
    svc_tags_free(&more);
    aws_client_free(c);
}
END_TEST

START_TEST(data_keys)
{
    aws_client *c = client();
    aws_error err;
    cJSON *o;
    ck_assert_int_eq(aws_json_call(c, "kms", "CreateKey", NULL, &o, &err), 0);
    char *id = strdup(aws_json_str(cJSON_GetObjectItem(o, "KeyMetadata"), "KeyId"));
    cJSON_Delete(o);
    kms_data_key k;
    ck_assert_msg(kms_generate_data_key(c, id, 32, &k, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(k.plaintext_len, 32);
    ck_assert(k.ciphertext_len > 32);
    ck_assert_ptr_nonnull(strstr(k.key_arn, id));
    kms_data_key_free(&k);
    char *arn, *state;
    ck_assert_int_eq(kms_describe_key(c, id, &arn, &state, &err), 0);
    ck_assert_str_eq(state, "Enabled");
    ck_assert_ptr_nonnull(strstr(arn, ":key/"));
    free(arn);
    free(state);
    ck_assert_int_eq(kms_generate_data_key(c, "alias/none", 32, &k, &err), -1);
    ck_assert_str_eq(err.code, "NotFoundException");
    free(id);
    aws_client_free(c);
}
END_TEST

Suite *svc_logs_kms_suite(void)
{
    Suite *s = suite_create("svc_logs_kms");
    TCase *t = tcase_create("against_fake");
    tcase_add_unchecked_fixture(t, fake_setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, log_groups);
    tcase_add_test(t, data_keys);
    suite_add_tcase(s, t);
    return s;
}
