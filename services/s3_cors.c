/* S3 bucket CORS rules (see s3.h). */
#include <stdlib.h>
#include <string.h>

#include "s3_internal.h"
#include "xalloc.h"

static const svc_shape rule_shape = SVC_SHAPE(s3_cors_rule, NULL, NULL,
    SVC_FIELD("ID", SVC_STR, s3_cors_rule, id),
    SVC_FIELD("AllowedOrigin", SVC_STRINGS, s3_cors_rule, origins),
    SVC_FIELD("AllowedMethod", SVC_STRINGS, s3_cors_rule, methods),
    SVC_FIELD("AllowedHeader", SVC_STRINGS, s3_cors_rule, headers),
    SVC_FIELD("ExposeHeader", SVC_STRINGS, s3_cors_rule, expose_headers),
    SVC_FDEF("MaxAgeSeconds", SVC_LONG, s3_cors_rule, max_age, -1));

SVC_DEFINE_LIST_FREE(s3_cors_rules_free, s3_cors_rules, rule_shape)

/* Repeated <name> elements (S3's CORS lists are flattened). */
static void add_flat(cJSON *rule, const char *name, const svc_strings *values)
{
    if (!values->n)
        return;
    cJSON *arr = cJSON_AddArrayToObject(rule, name);
    for (size_t i = 0; i < values->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(values->items[i]));
}

int s3_put_bucket_cors(aws_client *c, const char *bucket, const s3_cors_rule *rules, size_t n,
                       aws_error *err)
{
    cJSON *conf = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(conf, "CORSRule");
    for (size_t i = 0; i < n; i++) {
        const s3_cors_rule *r = &rules[i];
        cJSON *j = cJSON_CreateObject();
        if (r->id && *r->id)
            cJSON_AddStringToObject(j, "ID", r->id);
        add_flat(j, "AllowedHeader", &r->headers);
        add_flat(j, "AllowedMethod", &r->methods);
        add_flat(j, "AllowedOrigin", &r->origins);
        add_flat(j, "ExposeHeader", &r->expose_headers);
        if (r->max_age >= 0)
            cJSON_AddNumberToObject(j, "MaxAgeSeconds", (double)r->max_age);
        cJSON_AddItemToArray(arr, j);
    }
    return s3_call_(c, "PUT", "PutBucketCors", bucket, "cors", "CORSConfiguration", conf, 1, NULL, NULL, err);
}

int s3_get_bucket_cors(aws_client *c, const char *bucket, s3_cors_rules *out, aws_error *err)
{
    static const char *const lists[] = {"CORSRule", "AllowedHeader", "AllowedMethod",
                                        "AllowedOrigin", "ExposeHeader", NULL};
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (s3_call_(c, "GET", "GetBucketCors", bucket, "cors", NULL, NULL, 0, lists, &o, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_SET))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    svc_read_list(aws_json_array(o, "CORSRule"), &rule_shape, (void **)&out->items, &out->n);
    cJSON_Delete(o);
    return 0;
}

int s3_delete_bucket_cors(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucketCors", bucket, "cors", NULL, NULL, 0, NULL, NULL, err);
}
