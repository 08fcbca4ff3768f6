/* S3 (rest-xml): bucket settings and emptying buckets. */
#include "s3.h"

#include <stdlib.h>
#include <string.h>

#include "aws_xml.h"
#include "svc_util.h"
#include "xalloc.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

/* One call; body from a cJSON tree serialised under root (or NULL for none). */
static int s3(aws_client *c, const char *method, const char *bucket, const char *query,
              const char *root, const cJSON *body, int md5, const char *const *lists,
              cJSON **out, aws_error *err)
{
    char *xml = root ? aws_xml_from_json(root, S3_NS, body) : NULL;
    aws_s3_request r = {.method = method, .bucket = bucket, .query = query, .body = xml,
                        .body_len = xml ? strlen(xml) : 0, .content_md5 = md5, .lists = lists};
    cJSON *o = NULL;
    int rc = aws_s3_call(c, &r, out ? out : &o, err);
    cJSON_Delete(o);
    free(xml);
    return rc;
}

int s3_create_bucket(aws_client *c, const char *bucket, aws_error *err)
{
    const char *region = aws_client_region(c);
    if (strcmp(region, "us-east-1") == 0)
        return s3(c, "PUT", bucket, NULL, NULL, NULL, 0, NULL, NULL, err);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "LocationConstraint", region);
    int rc = s3(c, "PUT", bucket, NULL, "CreateBucketConfiguration", b, 0, NULL, NULL, err);
    cJSON_Delete(b);
    return rc;
}

int s3_head_bucket(aws_client *c, const char *bucket, aws_error *err)
{
    return s3(c, "HEAD", bucket, NULL, NULL, NULL, 0, NULL, NULL, err);
}

int s3_delete_bucket(aws_client *c, const char *bucket, aws_error *err)
{
    return s3(c, "DELETE", bucket, NULL, NULL, NULL, 0, NULL, NULL, err);
}

int s3_block_public_access(aws_client *c, const char *bucket, aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    const char *names[] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                           "RestrictPublicBuckets"};
    for (int i = 0; i < 4; i++)
        cJSON_AddTrueToObject(b, names[i]);
    int rc = s3(c, "PUT", bucket, "publicAccessBlock", "PublicAccessBlockConfiguration", b, 1,
                NULL, NULL, err);
    cJSON_Delete(b);
    return rc;
}

int s3_put_bucket_encryption(aws_client *c, const char *bucket, const char *kms_key_id,
                             aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    cJSON *rule = cJSON_AddObjectToObject(b, "Rule");
    cJSON *dflt = cJSON_AddObjectToObject(rule, "ApplyServerSideEncryptionByDefault");
    cJSON_AddStringToObject(dflt, "SSEAlgorithm", kms_key_id ? "aws:kms" : "AES256");
    if (kms_key_id) {
        cJSON_AddStringToObject(dflt, "KMSMasterKeyID", kms_key_id);
        cJSON_AddTrueToObject(rule, "BucketKeyEnabled");
    }
    int rc = s3(c, "PUT", bucket, "encryption", "ServerSideEncryptionConfiguration", b, 1, NULL,
                NULL, err);
    cJSON_Delete(b);
    return rc;
}

int s3_put_bucket_policy(aws_client *c, const char *bucket, const char *policy, aws_error *err)
{
    aws_s3_request r = {.method = "PUT", .bucket = bucket, .query = "policy", .body = policy,
                        .body_len = strlen(policy), .content_type = "application/json",
                        .content_md5 = 1};
    cJSON *o;
    int rc = aws_s3_call(c, &r, &o, err);
    cJSON_Delete(o);
    return rc;
}

int s3_get_bucket_policy(aws_client *c, const char *bucket, char **policy, aws_error *err)
{
    cJSON *o;
    *policy = NULL;
    if (s3(c, "GET", bucket, "policy", NULL, NULL, 0, NULL, &o, err) != 0)
        return strcmp(err->code, "NoSuchBucketPolicy") == 0 ? (aws_error_clear(err), 0) : -1;
    *policy = svc_dup_member(o, "Body");
    cJSON_Delete(o);
    return 0;
}

int s3_put_bucket_versioning(aws_client *c, const char *bucket, int enabled, aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "Status", enabled ? "Enabled" : "Suspended");
    int rc = s3(c, "PUT", bucket, "versioning", "VersioningConfiguration", b, 1, NULL, NULL, err);
    cJSON_Delete(b);
    return rc;
}

static cJSON *lifecycle_rule(const s3_lifecycle_rule *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ID", r->id);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "Filter"), "Prefix",
                            r->prefix ? r->prefix : "");
    cJSON_AddStringToObject(o, "Status", "Enabled");
    if (r->expiration_days > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "Expiration"), "Days",
                                r->expiration_days);
    if (r->noncurrent_days > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "NoncurrentVersionExpiration"),
                                "NoncurrentDays", r->noncurrent_days);
    if (r->abort_multipart_days > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "AbortIncompleteMultipartUpload"),
                                "DaysAfterInitiation", r->abort_multipart_days);
    return o;
}

int s3_put_bucket_lifecycle(aws_client *c, const char *bucket, const s3_lifecycle_rule *rules,
                            size_t n, aws_error *err)
{
    cJSON *b = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(b, "Rule");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, lifecycle_rule(&rules[i]));
    int rc = s3(c, "PUT", bucket, "lifecycle", "LifecycleConfiguration", b, 1, NULL, NULL, err);
    cJSON_Delete(b);
    return rc;
}

int s3_put_bucket_tagging(aws_client *c, const char *bucket, const svc_tags *tags,
                          aws_error *err)
{
    cJSON *b = cJSON_CreateObject();
    cJSON *set = cJSON_AddObjectToObject(b, "TagSet");
    cJSON_AddItemToObject(set, "Tag", svc_tags_json(tags, "Key", "Value"));
    int rc = s3(c, "PUT", bucket, "tagging", "Tagging", b, 1, NULL, NULL, err);
    cJSON_Delete(b);
    return rc;
}

int s3_get_bucket_tagging(aws_client *c, const char *bucket, svc_tags *tags, aws_error *err)
{
    static const char *const lists[] = {"TagSet/Tag", NULL};
    cJSON *o;
    memset(tags, 0, sizeof *tags);
    if (s3(c, "GET", bucket, "tagging", NULL, NULL, 0, lists, &o, err) != 0)
        return strcmp(err->code, "NoSuchTagSet") == 0 ? (aws_error_clear(err), 0) : -1;
    svc_tags_read(tags, cJSON_GetObjectItemCaseSensitive(o, "TagSet"), "Key", "Value");
    cJSON_Delete(o);
    return 0;
}
