/* S3 client against the local fake. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeaws_fixture.h"
#include "s3.h"

START_TEST(bucket_lifecycle)
{
    aws_client *c = fake_client();
    aws_error err;
    int exists = -1;
    ck_assert_msg(s3_head_bucket(c, "svc-s3-a", &exists, &err) == 0, "%s: %s", err.code,
                  err.message);
    ck_assert_int_eq(exists, 0);
    ck_assert_msg(s3_create_bucket(c, "svc-s3-a", &err) == 0, "%s", err.message);
    /* us-east-1 answers a repeated create of your own bucket with success */
    ck_assert_int_eq(s3_create_bucket(c, "svc-s3-a", &err), 0);
    ck_assert_int_eq(s3_head_bucket(c, "svc-s3-a", &exists, &err), 0);
    ck_assert_int_eq(exists, 1);
    setenv("AWS_REGION", "eu-west-1", 1); /* this test runs in its own process */
    aws_client *eu = fake_client();
    ck_assert_msg(s3_create_bucket(eu, "svc-s3-eu", &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_create_bucket(eu, "svc-s3-eu", &err), -1);
    ck_assert_str_eq(err.code, "BucketAlreadyOwnedByYou");
    setenv("AWS_REGION", "us-east-1", 1);
    s3_buckets b;
    ck_assert_int_eq(s3_list_buckets(c, "svc-s3-", &b, &err), 0);
    ck_assert_uint_eq(b.n, 2);
    ck_assert_str_eq(b.items[1].name, "svc-s3-eu");
    ck_assert_str_eq(b.items[1].region, "eu-west-1");
    s3_buckets_free(&b);
    ck_assert_int_eq(s3_list_buckets(c, "svc-s3-nomatch", &b, &err), 0);
    ck_assert_uint_eq(b.n, 0);
    s3_buckets_free(&b);
    ck_assert_msg(s3_delete_bucket(eu, "svc-s3-eu", &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_delete_bucket(eu, "svc-s3-eu", &err), -1);
    ck_assert_str_eq(err.code, "NoSuchBucket");
    aws_client_free(eu);
    aws_client_free(c);
}
END_TEST

/* A client, and in the fake the bucket bk. */
static aws_client *client_with_bucket(const char *bk)
{
    aws_client *c = fake_client();
    aws_error err;
    ck_assert_int_eq(s3_create_bucket(c, bk, &err), 0);
    return c;
}

START_TEST(bucket_settings)
{
    aws_error err;
    const char *bk = "svc-s3-settings";
    aws_client *c = client_with_bucket(bk);
    s3_public_access_block pab = {1, 1, 1, 1}, got;
    /* a new bucket blocks all public access (S3 since April 2023): without it, none */
    ck_assert_int_eq(s3_get_public_access_block(c, bk, &got, &err), 0);
    ck_assert(got.block_public_acls && got.ignore_public_acls && got.block_public_policy &&
              got.restrict_public_buckets);
    ck_assert_int_eq(s3_delete_public_access_block(c, bk, &err), 0);
    ck_assert_int_eq(s3_get_public_access_block(c, bk, &got, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchPublicAccessBlockConfiguration");
    ck_assert_msg(s3_put_public_access_block(c, bk, &pab, &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_get_public_access_block(c, bk, &got, &err), 0);
    ck_assert(got.block_public_acls && got.ignore_public_acls && got.block_public_policy &&
              got.restrict_public_buckets);
    ck_assert_int_eq(s3_delete_public_access_block(c, bk, &err), 0);
    ck_assert_msg(s3_put_bucket_encryption(c, bk, "aws:kms", "alias/x", 1, &err) == 0, "%s",
                  err.message);
    s3_encryption enc;
    ck_assert_int_eq(s3_get_bucket_encryption(c, bk, &enc, &err), 0);
    ck_assert_str_eq(enc.algorithm, "aws:kms");
    ck_assert_str_eq(enc.kms_key_id, "alias/x");
    ck_assert_int_eq(enc.bucket_key_enabled, 1);
    s3_encryption_free(&enc);
    ck_assert_int_eq(s3_delete_bucket_encryption(c, bk, &err), 0);
    char *policy;
    ck_assert_int_eq(s3_get_bucket_policy(c, bk, &policy, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchBucketPolicy");
    char doc[512];
    snprintf(doc, sizeof doc, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
             "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::%s\","
             "\"arn:aws:s3:::%s/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":"
             "\"false\"}}}]}", bk, bk);
    ck_assert_msg(s3_put_bucket_policy(c, bk, doc, &err) == 0, "%s", err.message);
    ck_assert_msg(s3_get_bucket_policy(c, bk, &policy, &err) == 0, "%s", err.message);
    ck_assert_ptr_nonnull(strstr(policy, "aws:SecureTransport"));
    free(policy);
    ck_assert_int_eq(s3_delete_bucket_policy(c, bk, &err), 0);
    aws_client_free(c);
}
END_TEST

START_TEST(lifecycle_tags_versioning)
{
    aws_error err;
    const char *bk = "svc-s3-lc";
    aws_client *c = client_with_bucket(bk);
    s3_lifecycle_rules rules;
    ck_assert_int_eq(s3_get_bucket_lifecycle(c, bk, &rules, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchLifecycleConfiguration");
    s3_lifecycle_rule one = {.id = "tmp", .prefix = "tmp/", .enabled = 1,
                             .expiration_days = 7, .noncurrent_days = 3};
    ck_assert_msg(s3_put_bucket_lifecycle(c, bk, &one, 1, &err) == 0, "%s", err.message);
    ck_assert_int_eq(s3_get_bucket_lifecycle(c, bk, &rules, &err), 0);
    ck_assert_uint_eq(rules.n, 1);
    ck_assert_str_eq(rules.items[0].id, "tmp");
    ck_assert_str_eq(rules.items[0].prefix, "tmp/");
    ck_assert_int_eq(rules.items[0].enabled, 1);
    ck_assert_int_eq(rules.items[0].expiration_days, 7);
    ck_assert_int_eq(rules.items[0].noncurrent_days, 3);
    s3_lifecycle_rules_free(&rules);
    ck_assert_int_eq(s3_delete_bucket_lifecycle(c, bk, &err), 0);
    svc_tags tags;
    ck_assert_int_eq(s3_get_bucket_tagging(c, bk, &tags, &err), 0);
    ck_assert_uint_eq(tags.n, 0);
    svc_tags_add(&tags, "ecsdeploy:stack", "demo");
    ck_assert_msg(s3_put_bucket_tagging(c, bk, &tags, &err) == 0, "%s", err.message);
    svc_tags_free(&tags);
    ck_assert_int_eq(s3_get_bucket_tagging(c, bk, &tags, &err), 0);
    ck_assert_uint_eq(tags.n, 1);
    ck_assert_str_eq(svc_tags_get(&tags, "ecsdeploy:stack"), "demo");
    svc_tags_free(&tags);
    ck_assert_int_eq(s3_delete_bucket_tagging(c, bk, &err), 0);
    ck_assert_int_eq(s3_get_bucket_tagging(c, bk, &tags, &err), 0);
    ck_assert_uint_eq(tags.n, 0);
    char *st;
    ck_assert_int_eq(s3_get_bucket_versioning(c, bk, &st, &err), 0);
    ck_assert_str_eq(st, "");
    free(st);
    ck_assert_int_eq(s3_put_bucket_versioning(c, bk, "Enabled", &err), 0);
    ck_assert_int_eq(s3_get_bucket_versioning(c, bk, &st, &err), 0);
    ck_assert_str_eq(st, "Enabled");
    free(st);
    aws_client_free(c);
}
END_TEST

START_TEST(empty_versioned_bucket)
{
    aws_error err;
    const char *bk = "svc-s3-versions";
    aws_client *c = client_with_bucket(bk);
    ck_assert_int_eq(s3_put_bucket_versioning(c, bk, "Enabled", &err), 0);
    s3_object_versions v = {0};
    ck_assert_int_eq(s3_list_object_versions(c, bk, NULL, 0, &v, &err), 0);
    ck_assert_uint_eq(v.n, 0);
    char key[32], *vid;
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "data/k%d", i % 2);
        ck_assert_msg(s3_put_object(c, bk, key, "hello", &vid, &err) == 0, "%s", err.message);
        ck_assert_ptr_nonnull(vid);
        free(vid);
    }
    char *body;
    ck_assert_int_eq(s3_get_object(c, bk, "data/k1", &body, &err), 0);
    ck_assert_str_eq(body, "hello");
    free(body);
    ck_assert_int_eq(s3_delete_bucket(c, bk, &err), -1);
    ck_assert_str_eq(err.code, "BucketNotEmpty");
    ck_assert_int_eq(s3_list_object_versions(c, bk, "data/k0", 1, &v, &err), 0);
    ck_assert_uint_eq(v.n, 2);
    ck_assert_str_eq(v.items[0].key, "data/k0");
    s3_object_versions_free(&v);
    ck_assert_int_eq(s3_list_object_versions(c, bk, NULL, 1, &v, &err), 0);
    ck_assert_uint_eq(v.n, 4);
    /* delete only the latest version of one key: leaves the older one */
    size_t d = 0;
    ck_assert_int_eq(s3_delete_objects(c, bk, v.items, 1, &d, &err), 0);
    ck_assert_uint_eq(d, 1);
    s3_object_versions_free(&v);
    ck_assert_int_eq(s3_empty_bucket(c, bk, &d, &err), 0);
    ck_assert_uint_eq(d, 3);
    ck_assert_int_eq(s3_list_object_versions(c, bk, NULL, 0, &v, &err), 0);
    ck_assert_uint_eq(v.n, 0);
    ck_assert_int_eq(s3_delete_bucket(c, bk, &err), 0);
    ck_assert_int_eq(s3_empty_bucket(c, bk, &d, &err), -1);
    ck_assert_str_eq(err.code, "NoSuchBucket");
    aws_client_free(c);
}
END_TEST

START_TEST(delete_objects_in_batches)
{
    aws_error err;
    const char *bk = "svc-s3-batches";
    aws_client *c = client_with_bucket(bk);
    ck_assert_int_eq(s3_put_object(c, bk, "k-0007", "x", NULL, &err), 0);
    /* 1500 keys: S3 takes at most 1000 per request (the fake refuses more), so two calls */
    enum { N = 1500 };
    s3_object_version *v = calloc(N, sizeof *v);
    char (*keys)[16] = calloc(N, sizeof *keys);
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "k-%04d", i);
        v[i].key = keys[i];
    }
    size_t d = 0;
    ck_assert_msg(s3_delete_objects(c, bk, v, N, &d, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(d, N);
    s3_object_versions left = {0};
    ck_assert_int_eq(s3_list_object_versions(c, bk, NULL, 0, &left, &err), 0);
    ck_assert_uint_eq(left.n, 0);
    s3_object_versions_free(&left);
    free(v);
    free(keys);
    ck_assert_int_eq(s3_delete_bucket(c, bk, &err), 0);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_s3, NULL, NULL, 0, bucket_lifecycle, bucket_settings, lifecycle_tags_versioning,
           empty_versioned_bucket, delete_objects_in_batches)
