/* The S3 client against the local fake. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fakeaws_fixture.h"
#include "s3.h"

static aws_client *client(const char *region)
{
    aws_client_options o = {.region = region};
    aws_client *c;
    aws_error err;
    ck_assert_msg(aws_client_new(&o, &c, &err) == 0, "%s", err.message);
    return c;
}

static void put_object(aws_client *c, const char *bucket, const char *key)
{
    aws_s3_request r = {.method = "PUT", .bucket = bucket, .key = key, .body = "data",
                        .body_len = 4, .content_type = "text/plain"};
    cJSON *o;
    aws_error err;
    ck_assert_msg(aws_s3_call(c, &r, &o, &err) == 0, "%s", err.message);
    cJSON_Delete(o);
}

START_TEST(bucket_settings)
{
    aws_client *c = client("eu-west-1");
    aws_error err;
    ck_assert_msg(s3_create_bucket(c, "unit-settings", &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_head_bucket(c, "unit-settings", &err), 0);
    ck_assert_int_eq(s3_head_bucket(c, "unit-missing", &err), -1);
    ck_assert_str_eq(err.code, "NotFound");
    ck_assert_msg(s3_block_public_access(c, "unit-settings", &err) == 0, "%s", err.message);
    ck_assert_msg(s3_put_bucket_encryption(c, "unit-settings", NULL, &err) == 0, "%s", err.message);
    char *policy = (char *)1;
    ck_assert_msg(s3_get_bucket_policy(c, "unit-settings", &policy, &err) == 0, "%s: %s", err.code,
                  err.message);
    ck_assert_ptr_null(policy);
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TLS\",\"Effect\":"
                      "\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":"
                      "\"arn:aws:s3:::unit-settings/*\",\"Condition\":{\"Bool\":"
                      "{\"aws:SecureTransport\":\"false\"}}}]}";
    ck_assert_msg(s3_put_bucket_policy(c, "unit-settings", doc, &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_get_bucket_policy(c, "unit-settings", &policy, &err), 0);
    ck_assert_ptr_nonnull(policy);
    ck_assert_ptr_nonnull(strstr(policy, "aws:SecureTransport"));
    free(policy);
    s3_lifecycle_rule rules[] = {{"expire-old", "", 0, 30, 7}};
    ck_assert_msg(s3_put_bucket_lifecycle(c, "unit-settings", rules, 1, &err) == 0, "%s",
                  err.message);
    svc_tags tags = {0}, got;
    ck_assert_int_eq(s3_get_bucket_tagging(c, "unit-settings", &got, &err), 0);
    ck_assert_uint_eq(got.n, 0);
    svc_tags_add(&tags, "ecsdeploy:stack", "unit");
    svc_tags_add(&tags, "ecsdeploy:id", "data");
    ck_assert_msg(s3_put_bucket_tagging(c, "unit-settings", &tags, &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_get_bucket_tagging(c, "unit-settings", &got, &err), 0);
    ck_assert_uint_eq(got.n, 2);
    ck_assert_str_eq(svc_tags_get(&got, "ecsdeploy:id"), "data");
    svc_tags_free(&got);
    svc_tags_free(&tags);
    ck_assert_int_eq(s3_delete_bucket(c, "unit-settings", &err), 0);
    ck_assert_int_eq(s3_head_bucket(c, "unit-settings", &err), -1);
    aws_client_free(c);
}
END_TEST

START_TEST(empty_versioned_bucket)
{
    aws_client *c = client("us-east-1");
    aws_error err;
    ck_assert_msg(s3_create_bucket(c, "unit-empty", &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_put_bucket_versioning(c, "unit-empty", 1, &err), 0);
    char key[32];
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "dir/obj %d&.txt", i % 3);
        put_object(c, "unit-empty", key);
    }
    aws_s3_request del = {.method = "DELETE", .bucket = "unit-empty", .key = "dir/obj 0&.txt"};
    cJSON *o;
    ck_assert_int_eq(aws_s3_call(c, &del, &o, &err), 0); /* leaves a delete marker */
    cJSON_Delete(o);
    s3_version_page p;
    ck_assert_int_eq(s3_list_object_versions(c, "unit-empty", NULL, NULL, &p, &err), 0);
    ck_assert_uint_eq(p.n, 6);
    int markers = 0;
    for (size_t i = 0; i < p.n; i++)
        markers += p.items[i].delete_marker;
    ck_assert_int_eq(markers, 1);
    s3_version_page_free(&p);
    ck_assert_int_eq(s3_delete_bucket(c, "unit-empty", &err), -1);
    ck_assert_str_eq(err.code, "BucketNotEmpty");
    size_t deleted = 0;
    ck_assert_msg(s3_empty_bucket(c, "unit-empty", &deleted, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(deleted, 6);
    ck_assert_int_eq(s3_list_object_versions(c, "unit-empty", NULL, NULL, &p, &err), 0);
    ck_assert_uint_eq(p.n, 0);
    s3_version_page_free(&p);
    ck_assert_msg(s3_delete_bucket(c, "unit-empty", &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_empty_bucket(c, "unit-empty", NULL, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchBucket");
    aws_client_free(c);
}
END_TEST

Suite *svc_s3_suite(void)
{
    Suite *s = suite_create("svc_s3");
    TCase *t = tcase_create("against_fake");
    tcase_add_unchecked_fixture(t, fake_setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, bucket_settings);
    tcase_add_test(t, empty_versioned_bucket);
    suite_add_tcase(s, t);
    return s;
}
