/* S3 bucket CORS rules (see s3.h). */
#include <stdlib.h>
#include <string.h>

#include "s3_internal.h"
#include "xalloc.h"

void s3_cors_rules_free(s3_cors_rules *r)
{
    for (size_t i = 0; i < r->n; i++) {
        s3_cors_rule *x = &r->items[i];
        free(x->id);
        svc_strings_free(&x->origins);
        svc_strings_free(&x->methods);
        svc_strings_free(&x->headers);
        svc_strings_free(&x->expose_headers);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

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

static void read_flat(const cJSON *rule, const char *name, svc_strings *out)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, aws_json_array(rule, name))
        if (cJSON_IsString(e))
            svc_strings_add(out, e->valuestring);
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
    const cJSON *r;
    const cJSON *rules = aws_json_array(o, "CORSRule");
    out->items = xcalloc((size_t)cJSON_GetArraySize(rules) + 1, sizeof *out->items);
    cJSON_ArrayForEach(r, rules) {
        s3_cors_rule *x = &out->items[out->n++];
        const char *id = aws_json_str(r, "ID");
        x->id = xstrdup(id ? id : "");
        read_flat(r, "AllowedOrigin", &x->origins);
        read_flat(r, "AllowedMethod", &x->methods);
        read_flat(r, "AllowedHeader", &x->headers);
        read_flat(r, "ExposeHeader", &x->expose_headers);
        x->max_age = (long)aws_json_int(r, "MaxAgeSeconds", -1);
    }
    cJSON_Delete(o);
    return 0;
}

int s3_delete_bucket_cors(aws_client *c, const char *bucket, aws_error *err)
{
    return s3_call_(c, "DELETE", "DeleteBucketCors", bucket, "cors", NULL, NULL, 0, NULL, NULL, err);
}
