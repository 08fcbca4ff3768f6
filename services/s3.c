/* S3 buckets and their configurations (see s3.h). Lifecycle in s3_lifecycle.c, objects in
 * s3_objects.c. */
#include "s3_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

int s3_create_bucket(aws_client *c, const char *bucket, aws_error *err)
{
    const char *rg = aws_client_region(c);
    cJSON *conf = NULL;
    if (rg && *rg && strcmp(rg, "us-east-1") != 0) {
        conf = cJSON_CreateObject();
        cJSON_AddStringToObject(conf, "LocationConstraint", rg);
    }
    return s3_call_(c, "PUT", "CreateBucket", bucket, NULL, "CreateBucketConfiguration", conf, 0,
                    NULL, NULL, err);
}

int s3_head_bucket(aws_client *c, const char *bucket, int *exists, aws_error *err)
{
    *exists = 0;
    if (s3_call_(c, "HEAD", "HeadBucket", bucket, NULL, NULL, NULL, 0, NULL, NULL, err) == 0) {
        *exists = 1;
        return 0;
    }
    if (err->http_status == 404 || aws_error_is(err, AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        return 0;
    }
    return -1;
}

int s3_delete_bucket(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucket", bucket, NULL, NULL, NULL, 0, NULL, NULL, err);
}

static const svc_shape bucket_shape = SVC_SHAPE(s3_bucket, NULL, NULL,
    SVC_FIELD("Name", SVC_STR, s3_bucket, name),
    SVC_FIELD("CreationDate", SVC_STR_NULL, s3_bucket, creation_date),
    SVC_FIELD("BucketRegion", SVC_STR_NULL, s3_bucket, region));

SVC_DEFINE_LIST_FREE(s3_buckets_free, s3_buckets, bucket_shape)

static void add_buckets(s3_buckets *out, const cJSON *arr, const char *prefix)
{
    const cJSON *b;
    cJSON_ArrayForEach(b, arr) {
        const char *name = aws_json_str(b, "Name");
        if (name && (!prefix || strncmp(name, prefix, strlen(prefix)) == 0))
            svc_read(b, &bucket_shape, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    }
}

int s3_list_buckets(aws_client *c, const char *prefix, s3_buckets *out, aws_error *err)
{
    static const char *const lists[] = {"Buckets/Bucket", NULL};
    char *token = NULL;
    int rc = 0;
    memset(out, 0, sizeof *out);
    for (int page = 0; page < 10000; page++) {
        buf q = {0};
        if (token)
            s3_query_param_(&q, "continuation-token", token);
        if (prefix && *prefix)
            s3_query_param_(&q, "prefix", prefix);
        cJSON *o;
        /* the names filter again below: a server that ignores "prefix" still works */
        rc = s3_call_(c, "GET", "ListBuckets", NULL, q.len ? buf_str(&q) + 1 : NULL, NULL, NULL, 0,
                      lists, &o, err);
        buf_free(&q);
        if (rc != 0)
            break;
        add_buckets(out, aws_json_array(o, "Buckets"), prefix);
        const char *t = aws_json_str(o, "ContinuationToken");
        int more = t && *t && !(token && strcmp(token, t) == 0);
        free(token);
        token = more ? xstrdup(t) : NULL;
        cJSON_Delete(o);
        if (!more)
            break;
    }
    free(token);
    if (rc != 0)
        s3_buckets_free(out);
    return rc;
}

int s3_put_public_access_block(aws_client *c, const char *bucket,
                               const s3_public_access_block *p, aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddBoolToObject(b, "BlockPublicAcls", p->block_public_acls);
    cJSON_AddBoolToObject(b, "IgnorePublicAcls", p->ignore_public_acls);
    cJSON_AddBoolToObject(b, "BlockPublicPolicy", p->block_public_policy);
    cJSON_AddBoolToObject(b, "RestrictPublicBuckets", p->restrict_public_buckets);
    return s3_call_(c, "PUT", "PutPublicAccessBlock", bucket, "publicAccessBlock",
                    "PublicAccessBlockConfiguration", b, 1, NULL, NULL, err);
}

int s3_get_public_access_block(aws_client *c, const char *bucket, s3_public_access_block *out,
                               aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (s3_call_(c, "GET", "GetPublicAccessBlock", bucket, "publicAccessBlock", NULL, NULL, 0, NULL,
                 &o, err) != 0)
        return -1;
    out->block_public_acls = aws_json_bool(o, "BlockPublicAcls", 0);
    out->ignore_public_acls = aws_json_bool(o, "IgnorePublicAcls", 0);
    out->block_public_policy = aws_json_bool(o, "BlockPublicPolicy", 0);
    out->restrict_public_buckets = aws_json_bool(o, "RestrictPublicBuckets", 0);
    cJSON_Delete(o);
    return 0;
}

int s3_delete_public_access_block(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeletePublicAccessBlock", bucket, "publicAccessBlock", NULL, NULL,
                    0, NULL, NULL, err);
}

#define SSE_DEFAULT(m) "Rule.0.ApplyServerSideEncryptionByDefault." m

static const svc_shape encryption_shape = SVC_SHAPE(s3_encryption, NULL, NULL,
    SVC_FIELD(SSE_DEFAULT("SSEAlgorithm"), SVC_STR, s3_encryption, algorithm),
    SVC_FIELD(SSE_DEFAULT("KMSMasterKeyID"), SVC_STR_NULL, s3_encryption, kms_key_id),
    SVC_FIELD("Rule.0.BucketKeyEnabled", SVC_BOOL, s3_encryption, bucket_key_enabled));

SVC_DEFINE_FREE(s3_encryption_free, s3_encryption, encryption_shape)

int s3_put_bucket_encryption(aws_client *c, const char *bucket, const char *algorithm,
                             const char *kms_key_id, int bucket_key_enabled, aws_error *err)
{
    cJSON *conf = cJSON_CreateObject(), *rule = cJSON_AddObjectToObject(conf, "Rule");
    cJSON *def = cJSON_AddObjectToObject(rule, "ApplyServerSideEncryptionByDefault");
    cJSON_AddStringToObject(def, "SSEAlgorithm", algorithm ? algorithm : "AES256");
    svc_add_str(def, "KMSMasterKeyID", kms_key_id);
    if (bucket_key_enabled)
        cJSON_AddBoolToObject(rule, "BucketKeyEnabled", 1);
    return s3_call_(c, "PUT", "PutBucketEncryption", bucket, "encryption",
                    "ServerSideEncryptionConfiguration", conf, 1, NULL, NULL, err);
}

int s3_get_bucket_encryption(aws_client *c, const char *bucket, s3_encryption *out,
                             aws_error *err)
{
    static const char *const lists[] = {"Rule", NULL};
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (s3_call_(c, "GET", "GetBucketEncryption", bucket, "encryption", NULL, NULL, 0, lists, &o,
                 err) != 0)
        return -1;
    return svc_read_answer(o, NULL, &encryption_shape, out);
}

int s3_delete_bucket_encryption(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucketEncryption", bucket, "encryption", NULL, NULL, 0,
                    NULL, NULL, err);
}

int s3_put_bucket_policy(aws_client *c, const char *bucket, const char *policy, aws_error *err)
{
    aws_s3_request r = {.method = "PUT", .operation = "PutBucketPolicy", .bucket = bucket,
                        .query = "policy", .body = policy,
                        .body_len = policy ? strlen(policy) : 0,
                        .content_type = "application/json", .content_md5 = 1};
    cJSON *o = NULL;
    int rc = aws_s3_call(c, &r, &o, err);
    cJSON_Delete(o);
    return rc;
}

int s3_get_bucket_policy(aws_client *c, const char *bucket, char **policy, aws_error *err)
{
    cJSON *o;
    *policy = NULL;
    if (s3_call_(c, "GET", "GetBucketPolicy", bucket, "policy", NULL, NULL, 0, NULL, &o, err) != 0)
        return -1;
    return svc_answer_str(o, "Body", policy);
}

int s3_delete_bucket_policy(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucketPolicy", bucket, "policy", NULL, NULL, 0, NULL, NULL,
                    err);
}
