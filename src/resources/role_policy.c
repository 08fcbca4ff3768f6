/* The statements of a bucket permission (see role_internal.h). */
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "role_internal.h"
#include "xalloc.h"

cJSON *role_statement(const char *const *actions, size_t nactions, cJSON *resources)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "Effect", "Allow");
    cJSON *a = cJSON_AddArrayToObject(s, "Action");
    for (size_t i = 0; i < nactions; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(actions[i]));
    cJSON_AddItemToObject(s, "Resource", resources);
    return s;
}

static cJSON *one(cJSON *resource)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, resource);
    return a;
}

/* ARN/PREFIX*: a string when the ARN is one, else a concat of the reference and the rest. */
static cJSON *objects(const cJSON *bucket_arn, const char *prefix)
{
    char *tail = xasprintf("/%s*", prefix ? prefix : "");
    cJSON *v;
    if (cJSON_IsString(bucket_arn)) {
        char *s = xasprintf("%s%s", bucket_arn->valuestring, tail);
        v = cJSON_CreateString(s);
        free(s);
    } else {
        cJSON *parts = cJSON_CreateArray();
        cJSON_AddItemToArray(parts, cJSON_Duplicate(bucket_arn, 1));
        cJSON_AddItemToArray(parts, cJSON_CreateString(tail));
        v = res_concat(parts);
    }
    free(tail);
    return v;
}

/* The file's conditions on a statement, plus one of our own (operator, key, value). */
static void condition(cJSON *st, const char *conditions_json, const char *op, const char *key, const char *value)
{
    cJSON *c = conditions_json ? cJSON_Parse(conditions_json) : NULL;
    if (!c && !op)
        return;
    if (!c)
        c = cJSON_CreateObject();
    if (op) {
        cJSON *o = cJSON_GetObjectItemCaseSensitive(c, op);
        if (!o)
            o = cJSON_AddObjectToObject(c, op);
        cJSON *values = cJSON_AddArrayToObject(o, key);
        cJSON_AddItemToArray(values, cJSON_CreateString(value));
    }
    cJSON_AddItemToObject(st, "Condition", c);
}

void role_bucket_statements(cJSON *bucket_arn, const char *prefix, stack_access access,
                            const char *conditions_json, cJSON *statements)
{
    static const char *const list[] = {"s3:ListBucket", "s3:GetBucketLocation"};
    static const char *const read[] = {"s3:GetObject"};
    static const char *const write[] = {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"};
    cJSON *st;
    if (prefix && *prefix) {
        /* s3:prefix exists on ListBucket only: GetBucketLocation stands apart */
        char *like = xasprintf("%s*", prefix);
        st = role_statement(list, 1, one(cJSON_Duplicate(bucket_arn, 1)));
        condition(st, conditions_json, "StringLike", "s3:prefix", like);
        cJSON_AddItemToArray(statements, st);
        free(like);
        st = role_statement(list + 1, 1, one(cJSON_Duplicate(bucket_arn, 1)));
    } else {
        st = role_statement(list, 2, one(cJSON_Duplicate(bucket_arn, 1)));
    }
    condition(st, conditions_json, NULL, NULL, NULL);
    cJSON_AddItemToArray(statements, st);
    if (access == STACK_ACCESS_READ || access == STACK_ACCESS_READ_WRITE) {
        st = role_statement(read, 1, one(objects(bucket_arn, prefix)));
        condition(st, conditions_json, NULL, NULL, NULL);
        cJSON_AddItemToArray(statements, st);
    }
    if (access == STACK_ACCESS_WRITE || access == STACK_ACCESS_READ_WRITE) {
        st = role_statement(write, 3, one(objects(bucket_arn, prefix)));
        condition(st, conditions_json, NULL, NULL, NULL);
        cJSON_AddItemToArray(statements, st);
    }
    cJSON_Delete(bucket_arn);
}
