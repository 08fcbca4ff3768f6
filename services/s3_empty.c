/* S3: versioned listing, batch delete, and emptying a bucket before deleting it. */
#include "s3.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "aws_xml.h"
#include "svc_util.h"
#include "xalloc.h"

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"
#define S3_BATCH 1000

void s3_version_page_free(s3_version_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].key);
        free(p->items[i].version_id);
    }
    free(p->items);
    free(p->next_key_marker);
    free(p->next_version_marker);
    memset(p, 0, sizeof *p);
}

static void collect(s3_version_page *p, const cJSON *arr, int marker)
{
    for (const cJSON *v = cJSON_IsArray(arr) ? arr->child : NULL; v; v = v->next) {
        if (!aws_json_str(v, "Key"))
            continue;
        p->items = xrealloc(p->items, (p->n + 1) * sizeof *p->items);
        s3_object_version *o = &p->items[p->n++];
        o->key = xstrdup(aws_json_str(v, "Key"));
        o->version_id = svc_dup(aws_json_str(v, "VersionId"));
        o->delete_marker = marker;
    }
}

static char *versions_query(const char *key_marker, const char *version_marker)
{
    char *q = xstrdup("versions");
    const char *names[2] = {"key-marker", "version-id-marker"};
    const char *vals[2] = {key_marker, version_marker};
    for (int i = 0; i < 2; i++) {
        if (!vals[i])
            continue;
        char *e = aws_form_escape(vals[i]), *n = xasprintf("%s&%s=%s", q, names[i], e);
        free(e);
        free(q);
        q = n;
    }
    return q;
}

int s3_list_object_versions(aws_client *c, const char *bucket, const char *key_marker,
                            const char *version_marker, s3_version_page *out, aws_error *err)
{
    static const char *const lists[] = {"Version", "DeleteMarker", NULL};
    memset(out, 0, sizeof *out);
    char *q = versions_query(key_marker, version_marker);
    aws_s3_request r = {.method = "GET", .bucket = bucket, .query = q, .lists = lists};
    cJSON *o;
    int rc = aws_s3_call(c, &r, &o, err);
    free(q);
    if (rc != 0)
        return -1;
    collect(out, cJSON_GetObjectItemCaseSensitive(o, "Version"), 0);
    collect(out, cJSON_GetObjectItemCaseSensitive(o, "DeleteMarker"), 1);
    if (aws_json_bool(o, "IsTruncated", 0)) {
        out->next_key_marker = svc_dup_member(o, "NextKeyMarker");
        out->next_version_marker = svc_dup_member(o, "NextVersionIdMarker");
    }
    cJSON_Delete(o);
    return 0;
}

int s3_delete_objects(aws_client *c, const char *bucket, const s3_object_version *items, size_t n,
                      aws_error *err)
{
    static const char *const lists[] = {"Deleted", "Error", NULL};
    cJSON *b = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(b, "Object"), *o;
    for (size_t i = 0; i < n; i++) {
        cJSON *obj = cJSON_CreateObject();
        cJSON_AddStringToObject(obj, "Key", items[i].key);
        svc_add_str(obj, "VersionId", items[i].version_id);
        cJSON_AddItemToArray(arr, obj);
    }
    cJSON_AddTrueToObject(b, "Quiet");
    char *xml = aws_xml_from_json("Delete", S3_NS, b);
    cJSON_Delete(b);
    aws_s3_request r = {.method = "POST", .bucket = bucket, .query = "delete", .body = xml,
                        .body_len = strlen(xml), .content_md5 = 1, .lists = lists};
    int rc = aws_s3_call(c, &r, &o, err);
    free(xml);
    if (rc != 0)
        return -1;
    const cJSON *errs = aws_json_array(o, "Error");
    if (errs && errs->child) {
        aws_error_set(err, AWS_ERR_SERVICE, aws_json_str(errs->child, "Code") ?
                      aws_json_str(errs->child, "Code") : "DeleteFailed",
                      "could not delete %s from %s: %s (%d objects failed)",
                      aws_json_str(errs->child, "Key") ? aws_json_str(errs->child, "Key") : "?",
                      bucket, aws_json_str(errs->child, "Message") ?
                      aws_json_str(errs->child, "Message") : "", cJSON_GetArraySize(errs));
        rc = -1;
    }
    cJSON_Delete(o);
    return rc;
}

int s3_empty_bucket(aws_client *c, const char *bucket, size_t *deleted, aws_error *err)
{
    size_t total = 0;
    for (int guard = 0; guard < 100000; guard++) {
        s3_version_page p;
        if (s3_list_object_versions(c, bucket, NULL, NULL, &p, err) != 0)
            return -1;
        if (p.n == 0) {
            s3_version_page_free(&p);
            break;
        }
        /* Deleting what was listed and listing again from the start stays correct even
         * when other writers add objects meanwhile. */
        size_t n = p.n < S3_BATCH ? p.n : S3_BATCH;
        int rc = s3_delete_objects(c, bucket, p.items, n, err);
        s3_version_page_free(&p);
        if (rc != 0)
            return -1;
        total += n;
    }
    if (deleted)
        *deleted = total;
    return 0;
}
