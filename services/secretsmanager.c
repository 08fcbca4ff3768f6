/* Secrets Manager: create, describe, list by tag, values, passwords, delete/restore, tags. */
#include "secretsmanager.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

/* Inputs and unread answers may carry secret values: wiped when freed. */
static int call(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_json_call(c, "secretsmanager", op, in, out, SVC_WIPE, err);
}

static cJSON *id_input(const char *secret_id)
{
    return svc_input("SecretId", secret_id);
}

static const svc_field create_fields[] = {
    SVC_FIELD("Description", SVC_STR, secretsmanager_create_input, description),
    SVC_FIELD("SecretString", SVC_SECRET, secretsmanager_create_input, secret_string),
    SVC_FIELD("KmsKeyId", SVC_STR, secretsmanager_create_input, kms_key_id),
    SVC_FIELD("ClientRequestToken", SVC_STR, secretsmanager_create_input, client_request_token),
    SVC_END};

int secretsmanager_create_secret(aws_client *c, const secretsmanager_create_input *in, char **arn,
                                 char **version_id, aws_error *err)
{
    cJSON *j = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(j, "Name", in->name);
    svc_write(j, create_fields, in);
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    if (call(c, "CreateSecret", j, &o, err) != 0)
        return -1;
    if (arn)
        *arn = xstrdup_or_null(aws_json_str(o, "ARN"));
    if (version_id)
        *version_id = xstrdup_or_null(aws_json_str(o, "VersionId"));
    cJSON_Delete(o);
    return 0;
}

static const svc_field secret_fields[] = {
    SVC_FIELD("ARN", SVC_STR_NULL, secretsmanager_secret, arn),
    SVC_FIELD("Name", SVC_STR_NULL, secretsmanager_secret, name),
    SVC_FIELD("Description", SVC_STR_NULL, secretsmanager_secret, description),
    SVC_FIELD("KmsKeyId", SVC_STR_NULL, secretsmanager_secret, kms_key_id),
    SVC_FIELD("DeletedDate", SVC_TIME, secretsmanager_secret, deleted_date),
    SVC_FIELD("CreatedDate", SVC_TIME, secretsmanager_secret, created_date),
    SVC_FTAGS("Tags", secretsmanager_secret, tags, "Key", "Value"),
    SVC_END};
/* has_current: DescribeSecret names the versions VersionIdsToStages, ListSecrets
 * SecretVersionsToStages; either maps a version id to its stages. */
static void read_stages(const cJSON *j, void *out)
{
    secretsmanager_secret *s = out;
    static const char *const names[] = {"VersionIdsToStages", "SecretVersionsToStages"};
    for (size_t i = 0; i < 2 && !s->has_current; i++) {
        const cJSON *version;
        cJSON_ArrayForEach(version, cJSON_GetObjectItemCaseSensitive(j, names[i]))
        {
            const cJSON *stage;
            cJSON_ArrayForEach(stage, version) if (cJSON_IsString(stage) &&
                                                   !strcmp(stage->valuestring, "AWSCURRENT"))
                s->has_current = 1;
        }
    }
}
static const svc_shape secret_shape = {sizeof(secretsmanager_secret), secret_fields, read_stages,
                                       NULL};

SVC_DEFINE_FREE(secretsmanager_secret_info_free, secretsmanager_secret, secret_shape)

int secretsmanager_describe_secret(aws_client *c, const char *secret_id,
                                   secretsmanager_secret *out, aws_error *err)
{
    return svc_call_read(call, c, "DescribeSecret", id_input(secret_id), NULL, &secret_shape, out,
                         err);
}

SVC_DEFINE_LIST_FREE(secretsmanager_secret_list_free, secretsmanager_secret_list, secret_shape)

int secretsmanager_list_secrets_by_tag(aws_client *c, const char *key, const char *value,
                                       secretsmanager_secret_list *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = cJSON_CreateObject(), *items;
    cJSON *filters = cJSON_AddArrayToObject(in, "Filters");
    const char *names[2] = {"tag-key", "tag-value"}, *vals[2] = {key, value};
    for (int i = 0; i < 2; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "Key", names[i]);
        cJSON *v = cJSON_AddArrayToObject(f, "Values");
        cJSON_AddItemToArray(v, cJSON_CreateString(vals[i]));
        cJSON_AddItemToArray(filters, f);
    }
    static const svc_api pages = {.protocol = SVC_JSON, .service = "secretsmanager",
                                  .in_token = "NextToken", .out_token = "NextToken"};
    int rc = svc_pages(c, &pages, "ListSecrets", in, "SecretList", 0, &items, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    for (const cJSON *s = items->child; s; s = s->next) {
        secretsmanager_secret one;
        svc_read(s, &secret_shape, &one);
        /* The tag-key and tag-value filters match separately: keep exact pairs only. */
        const char *v = svc_tags_get(&one.tags, key);
        if (!v || strcmp(v, value) != 0) {
            secretsmanager_secret_info_free(&one);
            continue;
        }
        out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
        out->items[out->n++] = one;
    }
    cJSON_Delete(items);
    return 0;
}

int secretsmanager_put_secret_value(aws_client *c, const char *secret_id, const char *value,
                                    const char *client_request_token, char **version_id,
                                    aws_error *err)
{
    cJSON *in = id_input(secret_id), *o;
    cJSON_AddStringToObject(in, "SecretString", value);
    svc_add_str(in, "ClientRequestToken", client_request_token);
    if (call(c, "PutSecretValue", in, &o, err) != 0)
        return -1;
    if (version_id)
        *version_id = xstrdup_or_null(aws_json_str(o, "VersionId"));
    cJSON_Delete(o);
    return 0;
}

void secretsmanager_secret_free(char *value)
{
    aws_wipe_string_free(value);
}

static int take_secret(cJSON *o, const char *member, char **value, aws_error *err)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, member);
    int rc = 0;
    if (cJSON_IsString(v)) {
        *value = xstrdup(v->valuestring); /* the answer is wiped below */
    } else {
        aws_error_set(err, AWS_ERR_PARSE, "NoSecretString",
                      "the answer has no %s (a binary secret?)", member);
        rc = -1;
    }
    aws_json_delete_wiped(o);
    return rc;
}

int secretsmanager_get_secret_value(aws_client *c, const char *secret_id, char **value,
                                    aws_error *err)
{
    cJSON *o;
    *value = NULL;
    if (call(c, "GetSecretValue", id_input(secret_id), &o, err) != 0)
        return -1;
    return take_secret(o, "SecretString", value, err);
}

int secretsmanager_delete_secret(aws_client *c, const char *secret_id, int recovery_days,
                                 int force, time_t *deletion_date, aws_error *err)
{
    cJSON *in = id_input(secret_id), *o;
    if (force)
        cJSON_AddTrueToObject(in, "ForceDeleteWithoutRecovery");
    else if (recovery_days > 0)
        cJSON_AddNumberToObject(in, "RecoveryWindowInDays", recovery_days);
    if (call(c, "DeleteSecret", in, &o, err) != 0)
        return -1;
    if (deletion_date)
        *deletion_date = (time_t)aws_json_int(o, "DeletionDate", 0);
    cJSON_Delete(o);
    return 0;
}

int secretsmanager_restore_secret(aws_client *c, const char *secret_id, aws_error *err)
{
    return call(c, "RestoreSecret", id_input(secret_id), NULL, err);
}

int secretsmanager_tag_resource(aws_client *c, const char *secret_id, const svc_tags *tags,
                                aws_error *err)
{
    cJSON *in = id_input(secret_id);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value"));
    return call(c, "TagResource", in, NULL, err);
}

int secretsmanager_untag_resource(aws_client *c, const char *secret_id, const char *const *keys,
                                  size_t nkeys, aws_error *err)
{
    cJSON *in = id_input(secret_id);
    cJSON_AddItemToObject(in, "TagKeys", svc_array_json(keys, nkeys));
    return call(c, "UntagResource", in, NULL, err);
}
