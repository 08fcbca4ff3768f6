/* S3 versioned listing, batch deletion, emptying a bucket, small objects (see s3.h). */
#include "s3_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

#define S3_DELETE_BATCH 1000

/* Objects written before versioning have the version id "null". */
static void read_version_id(const cJSON *v, void *out)
{
    const char *id = aws_json_str(v, "VersionId");
    ((s3_object_version *)out)->version_id = xstrdup(id ? id : "null");
}

static const svc_shape version_shape = SVC_SHAPE(s3_object_version, read_version_id, NULL,
    SVC_FIELD("Key", SVC_STR, s3_object_version, key),
    SVC_FIELD("IsLatest", SVC_BOOL, s3_object_version, is_latest),
    SVC_FIELD("", SVC_KEPT, s3_object_version, version_id));

SVC_DEFINE_LIST_FREE(s3_object_versions_free, s3_object_versions, version_shape)

/* The versions (or, marker, the delete markers) of arr that have a key, appended to out. */
static void add_versions(s3_object_versions *out, const cJSON *arr, int marker)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) {
        if (!aws_json_str(v, "Key"))
            continue;
        s3_object_version *x = xgrow((void **)&out->items, &out->n, sizeof *out->items);
        svc_read(v, &version_shape, x);
        x->delete_marker = marker;
    }
}

int s3_list_object_versions(aws_client *c, const char *bucket, const char *prefix,
                            int max_keys, s3_object_versions *out, aws_error *err)
{
    static const char *const lists[] = {"Version", "DeleteMarker", NULL};
    char *km = NULL, *vm = NULL;
    int rc = 0;
    for (int page = 0; page < 100000; page++) {
        buf q = {0};
        buf_puts(&q, "versions");
        if (km)
            s3_query_param_(&q, "key-marker", km);
        if (max_keys > 0)
            buf_printf(&q, "&max-keys=%d", max_keys);
        if (prefix && *prefix)
            s3_query_param_(&q, "prefix", prefix);
        if (vm)
            s3_query_param_(&q, "version-id-marker", vm);
        cJSON *o = NULL;
        rc = s3_call_(c, "GET", "ListObjectVersions", bucket, buf_str(&q), NULL, NULL, 0, lists, &o,
                      err);
        buf_free(&q);
        if (rc != 0)
            break;
        add_versions(out, aws_json_array(o, "Version"), 0);
        add_versions(out, aws_json_array(o, "DeleteMarker"), 1);
        const char *nk = aws_json_str(o, "NextKeyMarker");
        const char *nv = aws_json_str(o, "NextVersionIdMarker");
        int more = aws_json_bool(o, "IsTruncated", 0) && nk && *nk;
        if (more && km && strcmp(km, nk) == 0 && vm && nv && strcmp(vm, nv) == 0) {
            aws_error_set(err, AWS_ERR_PARSE, "PaginationLoop",
                          "S3 returned the same version markers twice");
            rc = -1;
            more = 0;
        }
        if (more) {
            free(km);
            free(vm);
            km = xstrdup(nk);
            vm = nv && *nv ? xstrdup(nv) : NULL;
        }
        cJSON_Delete(o);
        if (!more)
            break;
    }
    free(km);
    free(vm);
    return rc;
}

static int delete_batch(aws_client *c, const char *bucket, const s3_object_version *v, size_t n,
                        size_t *deleted, aws_error *err)
{
    static const char *const lists[] = {"Deleted", "Error", NULL};
    cJSON *del = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(del, "Object");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Key", v[i].key);
        svc_add_str(o, "VersionId", v[i].version_id);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddBoolToObject(del, "Quiet", 1);
    cJSON *out;
    if (s3_call_(c, "POST", "DeleteObjects", bucket, "delete", "Delete", del, 1, lists, &out,
                 err) != 0)
        return -1;
    const cJSON *errors = aws_json_array(out, "Error");
    int nerr = cJSON_GetArraySize(errors);
    if (deleted)
        *deleted += n - (size_t)nerr;
    if (nerr > 0) {
        const cJSON *e = cJSON_GetArrayItem(errors, 0);
        const char *code = aws_json_str(e, "Code"), *key = aws_json_str(e, "Key"),
                   *msg = aws_json_str(e, "Message");
        aws_error_set(err, AWS_ERR_SERVICE, code ? code : "InternalError",
                      "DeleteObjects: %d of %zu keys not deleted; first: %s: %s", nerr, n,
                      key ? key : "?", msg ? msg : "");
    }
    cJSON_Delete(out);
    return nerr > 0 ? -1 : 0;
}

int s3_delete_objects(aws_client *c, const char *bucket, const s3_object_version *v, size_t n,
                      size_t *deleted, aws_error *err)
{
    if (deleted)
        *deleted = 0;
    for (size_t at = 0; at < n; at += S3_DELETE_BATCH) {
        size_t k = n - at < S3_DELETE_BATCH ? n - at : S3_DELETE_BATCH;
        if (delete_batch(c, bucket, v + at, k, deleted, err) != 0)
            return -1;
    }
    return 0;
}

int s3_empty_bucket(aws_client *c, const char *bucket, size_t *deleted, aws_error *err)
{
    if (deleted)
        *deleted = 0;
    /* Listing and deleting in rounds: objects written meanwhile are caught next round. */
    for (int round = 0; round < 10; round++) {
        s3_object_versions v = {0};
        size_t d = 0;
        if (s3_list_object_versions(c, bucket, NULL, 0, &v, err) != 0)
            return -1;
        if (v.n == 0)
            return 0;
        int rc = s3_delete_objects(c, bucket, v.items, v.n, &d, err);
        s3_object_versions_free(&v);
        if (deleted)
            *deleted += d;
        if (rc != 0)
            return -1;
    }
    aws_error_set(err, AWS_ERR_SERVICE, "BucketNotEmpty",
                  "bucket %s still has objects after 10 rounds of deletion (is something "
                  "writing to it?)", bucket);
    return -1;
}

int s3_put_object(aws_client *c, const char *bucket, const char *key, const char *body,
                  char **version_id, aws_error *err)
{
    aws_s3_request r = {.method = "PUT", .operation = "PutObject", .bucket = bucket, .key = key,
                        .body = body,
                        .body_len = body ? strlen(body) : 0, .content_type = "text/plain"};
    cJSON *o;
    if (version_id)
        *version_id = NULL;
    if (aws_s3_call(c, &r, &o, err) != 0)
        return -1;
    const char *v = aws_json_str(cJSON_GetObjectItem(o, "Headers"), "x-amz-version-id");
    if (version_id && v && strcmp(v, "null") != 0)
        *version_id = xstrdup(v);
    cJSON_Delete(o);
    return 0;
}

int s3_get_object(aws_client *c, const char *bucket, const char *key, char **body,
                  aws_error *err)
{
    aws_s3_request r = {.method = "GET", .operation = "GetObject", .bucket = bucket, .key = key};
    cJSON *o;
    *body = NULL;
    if (aws_s3_call(c, &r, &o, err) != 0)
        return -1;
    return svc_answer_str(o, "Body", body);
}

/* ---- conditional writes ------------------------------------------------------------ */

static void conditions(aws_s3_request *r, const s3_condition *cond)
{
    if (!cond)
        return;
    r->if_match = cond->if_match;
    r->if_none_match = cond->if_none_match ? "*" : NULL;
    r->expected_owner = cond->expected_owner;
}

static char *header_dup(const cJSON *o, const char *name)
{
    const char *v = aws_json_str(cJSON_GetObjectItem(o, "Headers"), name);
    return v ? xstrdup(v) : NULL;
}

int s3_put_object_if(aws_client *c, const char *bucket, const char *key, const char *body,
                     const s3_condition *cond, char **etag, aws_error *err)
{
    aws_s3_request r = {.method = "PUT", .operation = "PutObject", .bucket = bucket, .key = key,
                        .body = body, .body_len = body ? strlen(body) : 0,
                        .content_type = "application/json"};
    conditions(&r, cond);
    cJSON *o;
    if (etag)
        *etag = NULL;
    if (aws_s3_call(c, &r, &o, err) != 0)
        return -1;
    if (etag)
        *etag = header_dup(o, "etag");
    cJSON_Delete(o);
    return 0;
}

void s3_object_free(s3_object *o)
{
    free(o->body);
    free(o->etag);
    memset(o, 0, sizeof *o);
}

int s3_get_object_meta(aws_client *c, const char *bucket, const char *key,
                       const char *expected_owner, s3_object *out, aws_error *err)
{
    aws_s3_request r = {.method = "GET", .operation = "GetObject", .bucket = bucket, .key = key,
                        .expected_owner = expected_owner};
    cJSON *o;
    memset(out, 0, sizeof *out);
    out->last_modified = out->server_date = -1;
    if (aws_s3_call(c, &r, &o, err) != 0)
        return -1;
    const char *b = aws_json_str(o, "Body");
    out->body = xstrdup(b ? b : "");
    out->etag = header_dup(o, "etag");
    const cJSON *h = cJSON_GetObjectItem(o, "Headers");
    const char *lm = aws_json_str(h, "last-modified"), *date = aws_json_str(h, "date");
    out->last_modified = lm ? aws_time_parse_http(lm) : -1;
    out->server_date = date ? aws_time_parse_http(date) : -1;
    cJSON_Delete(o);
    return 0;
}

int s3_delete_object_if(aws_client *c, const char *bucket, const char *key,
                        const s3_condition *cond, aws_error *err)
{
    aws_s3_request r = {.method = "DELETE", .operation = "DeleteObject", .bucket = bucket,
                        .key = key};
    conditions(&r, cond);
    cJSON *o = NULL;
    int rc = aws_s3_call(c, &r, &o, err);
    cJSON_Delete(o);
    return rc;
}
