/* S3 lifecycle rules, tagging and versioning (see s3.h). */
#include "s3_internal.h"

#include <stdlib.h>
#include <string.h>

#include "svc_json_internal.h"
#include "xalloc.h"

/* A rule's prefix is in its Filter (or, in the older form, beside it). */
static void read_rule_more(const cJSON *r, void *out)
{
    s3_lifecycle_rule *d = out;
    const char *pfx = aws_json_str(cJSON_GetObjectItem(r, "Filter"), "Prefix");
    if (!pfx)
        pfx = aws_json_str(r, "Prefix");
    const char *st = aws_json_str(r, "Status");
    d->prefix = xstrdup(pfx ? pfx : "");
    d->enabled = st && strcmp(st, "Enabled") == 0;
}

static const svc_shape rule_shape = SVC_SHAPE(s3_lifecycle_rule, read_rule_more, NULL,
    SVC_FIELD("ID", SVC_STR_NULL, s3_lifecycle_rule, id),
    SVC_FIELD("Expiration.Days", SVC_INT, s3_lifecycle_rule, expiration_days),
    SVC_FIELD("NoncurrentVersionExpiration.NoncurrentDays", SVC_INT, s3_lifecycle_rule,
              noncurrent_days),
    SVC_FIELD("AbortIncompleteMultipartUpload.DaysAfterInitiation", SVC_INT, s3_lifecycle_rule,
              abort_multipart_days),
    SVC_FIELD("", SVC_KEPT, s3_lifecycle_rule, prefix));

SVC_DEFINE_LIST_FREE(s3_lifecycle_rules_free, s3_lifecycle_rules, rule_shape)

static cJSON *rule_json(const s3_lifecycle_rule *r)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "ID", r->id);
    cJSON *f = cJSON_AddObjectToObject(j, "Filter");
    cJSON_AddStringToObject(f, "Prefix", r->prefix ? r->prefix : "");
    cJSON_AddStringToObject(j, "Status", r->enabled ? "Enabled" : "Disabled");
    if (r->expiration_days > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(j, "Expiration"), "Days",
                                r->expiration_days);
    if (r->noncurrent_days > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(j, "NoncurrentVersionExpiration"),
                                "NoncurrentDays", r->noncurrent_days);
    if (r->abort_multipart_days > 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(j, "AbortIncompleteMultipartUpload"),
                                "DaysAfterInitiation", r->abort_multipart_days);
    return j;
}

int s3_put_bucket_lifecycle(aws_client *c, const char *bucket, const s3_lifecycle_rule *rules,
                            size_t n, aws_error *err)
{
    cJSON *conf = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(conf, "Rule");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, rule_json(&rules[i]));
    return s3_call_(c, "PUT", "PutBucketLifecycleConfiguration", bucket, "lifecycle",
                    "LifecycleConfiguration", conf, 1, NULL, NULL, err);
}

int s3_get_bucket_lifecycle(aws_client *c, const char *bucket, s3_lifecycle_rules *out,
                            aws_error *err)
{
    static const char *const lists[] = {"Rule", NULL};
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (s3_call_(c, "GET", "GetBucketLifecycleConfiguration", bucket, "lifecycle", NULL, NULL, 0,
                 lists, &o, err) != 0)
        return -1;
    svc_read_list(aws_json_array(o, "Rule"), &rule_shape, (void **)&out->items, &out->n);
    cJSON_Delete(o);
    return 0;
}

int s3_delete_bucket_lifecycle(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucketLifecycle", bucket, "lifecycle", NULL, NULL, 0, NULL,
                    NULL, err);
}

int s3_put_bucket_tagging(aws_client *c, const char *bucket, const svc_tags *tags,
                          aws_error *err)
{
    cJSON *conf = cJSON_CreateObject(), *set = cJSON_AddObjectToObject(conf, "TagSet");
    cJSON_AddItemToObject(set, "Tag", svc_tags_json(tags, "Key", "Value"));
    return s3_call_(c, "PUT", "PutBucketTagging", bucket, "tagging", "Tagging", conf, 1, NULL, NULL, err);
}

int s3_get_bucket_tagging(aws_client *c, const char *bucket, svc_tags *out, aws_error *err)
{
    static const char *const lists[] = {"TagSet/Tag", NULL};
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (s3_call_(c, "GET", "GetBucketTagging", bucket, "tagging", NULL, NULL, 0, lists, &o,
                 err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, aws_json_array(o, "TagSet")) {
        const char *k = aws_json_str(t, "Key");
        if (k)
            svc_tags_add(out, k, aws_json_str(t, "Value"));
    }
    cJSON_Delete(o);
    return 0;
}

int s3_delete_bucket_tagging(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucketTagging", bucket, "tagging", NULL, NULL, 0, NULL,
                    NULL, err);
}

int s3_get_bucket_versioning(aws_client *c, const char *bucket, char **status, aws_error *err)
{
    cJSON *o;
    *status = NULL;
    if (s3_call_(c, "GET", "GetBucketVersioning", bucket, "versioning", NULL, NULL, 0, NULL, &o,
                 err) != 0)
        return -1;
    return svc_answer_str(o, "Status", status);
}

int s3_put_bucket_versioning(aws_client *c, const char *bucket, const char *status,
                             aws_error *err)
{
    cJSON *conf = cJSON_CreateObject();
    cJSON_AddStringToObject(conf, "Status", status ? status : "Enabled");
    return s3_call_(c, "PUT", "PutBucketVersioning", bucket, "versioning",
                    "VersioningConfiguration", conf, 1, NULL, NULL, err);
}
