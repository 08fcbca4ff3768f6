/* A bucket policy shared by several writers (the bucket's TLS-only statement, each site's
 * grant to its distribution): each writer owns the statements with its Sid and never
 * touches the others. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bucket_internal.h"
#include "s3.h"
#include "xalloc.h"

/* S3 has no conditional write of a policy: two writers in this process (a site and its
 * bucket in one run) would each put back the document they read, losing the other's
 * statement. One lock for the read-change-write of every bucket policy prevents that; the
 * calls are few and short. */
static pthread_mutex_t policy_lock = PTHREAD_MUTEX_INITIALIZER;

static int sid_is(const cJSON *st, const char *sid)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(st, "Sid");
    return cJSON_IsString(s) && strcmp(s->valuestring, sid) == 0;
}

cJSON *bucket_policy_statement(const char *doc, const char *sid)
{
    cJSON *j = doc ? cJSON_Parse(doc) : NULL;
    cJSON *found = NULL;
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(j, "Statement"))
        if (sid_is(st, sid)) {
            found = cJSON_Duplicate(st, 1);
            break;
        }
    cJSON_Delete(j);
    return found;
}

int bucket_policy_read(res_ctx *ctx, const char *bucket, char **doc, aws_error *err)
{
    *doc = NULL;
    if (s3_get_bucket_policy(ctx->aws, bucket, doc, err) == 0)
        return 0;
    if (aws_error_is(err, AWS_IS_NOT_SET)) { /* NoSuchBucketPolicy, not NoSuchBucket */
        aws_error_clear(err);
        return 0;
    }
    return -1;
}

/* The new document: doc's statements without sid's, then statement (NULL: none left). */
static cJSON *merged(const char *doc, const char *sid, const cJSON *statement)
{
    cJSON *j = doc ? cJSON_Parse(doc) : NULL;
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        j = cJSON_CreateObject();
    }
    if (!cJSON_GetObjectItemCaseSensitive(j, "Version"))
        cJSON_AddStringToObject(j, "Version", "2012-10-17");
    cJSON *sts = cJSON_GetObjectItemCaseSensitive(j, "Statement");
    if (sts && !cJSON_IsArray(sts)) { /* a single statement may be written as an object */
        cJSON *one = cJSON_DetachItemViaPointer(j, sts);
        sts = cJSON_AddArrayToObject(j, "Statement");
        cJSON_AddItemToArray(sts, one);
    } else if (!sts) {
        sts = cJSON_AddArrayToObject(j, "Statement");
    }
    for (cJSON *st = sts->child, *next; st; st = next) {
        next = st->next;
        if (sid_is(st, sid))
            cJSON_Delete(cJSON_DetachItemViaPointer(sts, st));
    }
    if (statement) {
        cJSON *mine = cJSON_Duplicate(statement, 1);
        cJSON_DeleteItemFromObjectCaseSensitive(mine, "Sid");
        /* the Sid first, as people write it */
        cJSON *with_sid = cJSON_CreateObject();
        cJSON_AddStringToObject(with_sid, "Sid", sid);
        while (mine->child) {
            cJSON *m = cJSON_DetachItemViaPointer(mine, mine->child);
            cJSON_AddItemToObject(with_sid, m->string, m);
        }
        cJSON_Delete(mine);
        cJSON_AddItemToArray(sts, with_sid);
    }
    if (cJSON_GetArraySize(sts) == 0) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* The read-change-write of bucket_policy_put; with read 0 the bucket has no policy. */
static int put_statement(res_ctx *ctx, const char *bucket, int read, const char *sid,
                         const cJSON *statement, aws_error *err)
{
    pthread_mutex_lock(&policy_lock);
    char *doc = NULL;
    int rc = read ? bucket_policy_read(ctx, bucket, &doc, err) : 0;
    cJSON *want = rc == 0 ? merged(doc, sid, statement) : NULL;
    if (rc == 0 && want) {
        char *text = cJSON_PrintUnformatted(want);
        rc = s3_put_bucket_policy(ctx->aws, bucket, text, err);
        free(text);
    } else if (rc == 0 && doc) {
        rc = s3_delete_bucket_policy(ctx->aws, bucket, err);
        if (rc != 0 && aws_error_is(err, AWS_IS_NOT_SET)) {
            aws_error_clear(err);
            rc = 0;
        }
    }
    cJSON_Delete(want);
    free(doc);
    pthread_mutex_unlock(&policy_lock);
    return rc;
}

int bucket_policy_put(res_ctx *ctx, const char *bucket, const char *sid, const cJSON *statement,
                      aws_error *err)
{
    return put_statement(ctx, bucket, 1, sid, statement, err);
}

int bucket_policy_put_new(res_ctx *ctx, const char *bucket, const char *sid,
                          const cJSON *statement, aws_error *err)
{
    return put_statement(ctx, bucket, 0, sid, statement, err);
}
