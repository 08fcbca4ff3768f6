/* SSM: Parameter Store (put with its lost-answer finder, reads, describe, delete, tags) and
 * Session Manager sessions (start, terminate). */
#include "ssm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

#define BATCH 10 /* GetParameters and DeleteParameters take at most ten names */

static const svc_api ssm_api = {.protocol = SVC_JSON, .service = "ssm", .in_token = "NextToken",
                                .out_token = "NextToken", .page_size = "MaxResults"};

static int call(aws_client *c, const char *op, cJSON *in, const aws_lost_answer *guard,
                cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_json_call_guarded(c, "ssm", op, in, guard, &o, err);
    cJSON_Delete(in);
    return svc_call_end(rc, op, 0, o, out, err);
}

/* ---- put ------------------------------------------------------------------------------- */

typedef struct {
    aws_client *c;
    const ssm_put_in *in;
} put_finder;

/* aws_lost_answer: the put happened when the parameter now holds this value and type. */
static int find_put(void *ctx, cJSON **output, aws_error *err)
{
    put_finder *f = ctx;
    cJSON *in = svc_input("Name", f->in->name), *resp;
    cJSON_AddBoolToObject(in, "WithDecryption", 1);
    if (call(f->c, "GetParameter", in, NULL, &resp, err) != 0) {
        if (!aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        aws_error_clear(err);
        return 0;
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(resp, "Parameter");
    const char *v = aws_json_str(p, "Value"), *t = aws_json_str(p, "Type");
    int same = v && strcmp(v, f->in->value) == 0 &&
               (!f->in->type || (t && strcmp(t, f->in->type) == 0));
    if (same) {
        *output = cJSON_CreateObject();
        cJSON_AddNumberToObject(*output, "Version", (double)aws_json_int(p, "Version", 0));
    }
    aws_json_delete_wiped(resp);
    return same;
}

static const svc_field put_fields[] = {
    SVC_FIELD("Type", SVC_STR, ssm_put_in, type),
    SVC_FIELD("Description", SVC_STR, ssm_put_in, description),
    SVC_FIELD("KeyId", SVC_STR, ssm_put_in, key_id),
    SVC_FIELD("Tier", SVC_STR, ssm_put_in, tier),
    SVC_FIELD("AllowedPattern", SVC_STR, ssm_put_in, allowed_pattern),
    SVC_FIELD("DataType", SVC_STR, ssm_put_in, data_type),
    SVC_FIELD("Overwrite", SVC_BOOL, ssm_put_in, overwrite),
    SVC_END};

int ssm_put_parameter(aws_client *c, const ssm_put_in *in, long long *version, aws_error *err)
{
    if (version)
        *version = 0;
    cJSON *j = svc_input("Name", in->name), *resp;
    cJSON_AddStringToObject(j, "Value", in->value ? in->value : "");
    svc_write(j, put_fields, in);
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    put_finder f = {c, in};
    aws_lost_answer guard = {find_put, &f};
    int rc = aws_json_call_guarded(c, "ssm", "PutParameter", j, &guard, &resp, err);
    aws_json_delete_wiped(j);
    if (rc != 0)
        return -1;
    if (version)
        *version = aws_json_int(resp, "Version", 0);
    cJSON_Delete(resp);
    return 0;
}

/* ---- reads ------------------------------------------------------------------------------ */

static const svc_shape parameter_shape = SVC_SHAPE(ssm_parameter, NULL, NULL,
    SVC_FIELD("Name", SVC_STR, ssm_parameter, name),
    SVC_FIELD("ARN", SVC_STR, ssm_parameter, arn),
    SVC_FIELD("Type", SVC_STR, ssm_parameter, type),
    SVC_FIELD("Value", SVC_SECRET, ssm_parameter, value),
    SVC_FIELD("DataType", SVC_STR, ssm_parameter, data_type),
    SVC_FIELD("Selector", SVC_STR, ssm_parameter, selector),
    SVC_FIELD("Version", SVC_LLONG, ssm_parameter, version),
    SVC_FIELD("LastModifiedDate", SVC_TIME, ssm_parameter, last_modified));

SVC_DEFINE_FREE(ssm_parameter_free, ssm_parameter, parameter_shape)
SVC_DEFINE_LIST_FREE(ssm_parameters_free, ssm_parameters, parameter_shape)

/* Append the parameters of a list to out (the list is wiped by the caller). */
static void append_parameters(const cJSON *list, ssm_parameters *out)
{
    svc_read_list(list, &parameter_shape, (void **)&out->items, &out->n);
}

int ssm_get_parameter(aws_client *c, const char *name, int with_decryption, ssm_parameter *out,
                      aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("Name", name), *resp;
    cJSON_AddBoolToObject(in, "WithDecryption", with_decryption != 0);
    if (call(c, "GetParameter", in, NULL, &resp, err) != 0)
        return -1;
    svc_read(cJSON_GetObjectItemCaseSensitive(resp, "Parameter"), &parameter_shape, out);
    aws_json_delete_wiped(resp);
    return 0;
}

int ssm_get_parameters(aws_client *c, const char *const *names, size_t n, int with_decryption,
                       ssm_parameters *out, svc_strings *invalid, aws_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t at = 0; at < n; at += BATCH) {
        cJSON *in = cJSON_CreateObject(), *resp;
        size_t batch = n - at < BATCH ? n - at : BATCH;
        cJSON_AddItemToObject(in, "Names", svc_array_json(names + at, batch));
        cJSON_AddBoolToObject(in, "WithDecryption", with_decryption != 0);
        if (call(c, "GetParameters", in, NULL, &resp, err) != 0) {
            ssm_parameters_free(out);
            return -1;
        }
        append_parameters(aws_json_array(resp, "Parameters"), out);
        if (invalid)
            svc_json_strings(resp, "InvalidParameters", NULL, invalid);
        aws_json_delete_wiped(resp);
    }
    return 0;
}

int ssm_get_parameters_by_path(aws_client *c, const char *path, int recursive,
                               int with_decryption, ssm_parameters *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = cJSON_CreateObject(), *items;
    cJSON_AddStringToObject(in, "Path", path);
    cJSON_AddBoolToObject(in, "Recursive", recursive != 0);
    cJSON_AddBoolToObject(in, "WithDecryption", with_decryption != 0);
    int rc = svc_pages(c, &ssm_api, "GetParametersByPath", in, "Parameters", 0, &items, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    append_parameters(items, out);
    aws_json_delete_wiped(items);
    return 0;
}

/* ---- describe ----------------------------------------------------------------------------- */

static const svc_shape meta_shape = SVC_SHAPE(ssm_parameter_meta, NULL, NULL,
    SVC_FIELD("Name", SVC_STR, ssm_parameter_meta, name),
    SVC_FIELD("ARN", SVC_STR, ssm_parameter_meta, arn),
    SVC_FIELD("Type", SVC_STR, ssm_parameter_meta, type),
    SVC_FIELD("KeyId", SVC_STR, ssm_parameter_meta, key_id),
    SVC_FIELD("Description", SVC_STR, ssm_parameter_meta, description),
    SVC_FIELD("Tier", SVC_STR, ssm_parameter_meta, tier),
    SVC_FIELD("DataType", SVC_STR, ssm_parameter_meta, data_type),
    SVC_FIELD("AllowedPattern", SVC_STR, ssm_parameter_meta, allowed_pattern),
    SVC_FIELD("LastModifiedUser", SVC_STR, ssm_parameter_meta, last_modified_user),
    SVC_FIELD("Version", SVC_LLONG, ssm_parameter_meta, version),
    SVC_FIELD("LastModifiedDate", SVC_TIME, ssm_parameter_meta, last_modified));

SVC_DEFINE_LIST_FREE(ssm_parameter_metas_free, ssm_parameter_metas, meta_shape)

int ssm_describe_parameters(aws_client *c, const ssm_filter *filters, size_t nfilters,
                            ssm_parameter_metas *out, aws_error *err)
{
    cJSON *in = cJSON_CreateObject();
    if (nfilters) {
        cJSON *arr = cJSON_AddArrayToObject(in, "ParameterFilters");
        for (size_t i = 0; i < nfilters; i++) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "Key", filters[i].key);
            svc_add_str(f, "Option", filters[i].option);
            svc_add_strings(f, "Values", filters[i].values);
            cJSON_AddItemToArray(arr, f);
        }
    }
    return svc_list(c, &ssm_api, "DescribeParameters", in, "Parameters", 50, &meta_shape,
                    (void **)&out->items, &out->n, err);
}

/* ---- delete ------------------------------------------------------------------------------ */

int ssm_delete_parameter(aws_client *c, const char *name, aws_error *err)
{
    return call(c, "DeleteParameter", svc_input("Name", name), NULL, NULL, err);
}

int ssm_delete_parameters(aws_client *c, const char *const *names, size_t n, svc_strings *invalid,
                          aws_error *err)
{
    for (size_t at = 0; at < n; at += BATCH) {
        cJSON *in = cJSON_CreateObject(), *resp;
        size_t batch = n - at < BATCH ? n - at : BATCH;
        cJSON_AddItemToObject(in, "Names", svc_array_json(names + at, batch));
        if (call(c, "DeleteParameters", in, NULL, &resp, err) != 0)
            return -1;
        if (invalid)
            svc_json_strings(resp, "InvalidParameters", NULL, invalid);
        cJSON_Delete(resp);
    }
    return 0;
}

/* ---- tags ------------------------------------------------------------------------------- */

static cJSON *tag_input(const char *name)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "ResourceType", "Parameter");
    cJSON_AddStringToObject(in, "ResourceId", name);
    return in;
}

int ssm_add_tags(aws_client *c, const char *name, const svc_tags *tags, aws_error *err)
{
    cJSON *in = tag_input(name);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value"));
    return call(c, "AddTagsToResource", in, NULL, NULL, err);
}

int ssm_remove_tags(aws_client *c, const char *name, const char *const *keys, size_t nkeys,
                    aws_error *err)
{
    cJSON *in = tag_input(name);
    cJSON_AddItemToObject(in, "TagKeys", svc_array_json(keys, nkeys));
    return call(c, "RemoveTagsFromResource", in, NULL, NULL, err);
}

int ssm_list_tags(aws_client *c, const char *name, svc_tags *out, aws_error *err)
{
    cJSON *resp;
    if (call(c, "ListTagsForResource", tag_input(name), NULL, &resp, err) != 0)
        return -1;
    svc_json_tags(resp, "TagList", "Key", "Value", out);
    cJSON_Delete(resp);
    return 0;
}

/* ---- Session Manager sessions ------------------------------------------------------------ */

/* A data channel's session; its token is a secret (wiped when freed). */
static const svc_shape session_shape = SVC_SHAPE(ssm_session, NULL, NULL,
    SVC_FIELD("SessionId", SVC_STR_NULL, ssm_session, session_id),
    SVC_FIELD("StreamUrl", SVC_STR_NULL, ssm_session, stream_url),
    SVC_FIELD("TokenValue", SVC_SECRET_NULL, ssm_session, token));

SVC_DEFINE_FREE(ssm_session_free, ssm_session, session_shape)

int ssm_start_session(aws_client *c, const char *target, const char *document,
                      const svc_tags *parameters, ssm_session *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *in = svc_input("Target", target), *o = NULL;
    svc_add_str(in, "DocumentName", document);
    if (parameters && parameters->n) {
        cJSON *p = cJSON_AddObjectToObject(in, "Parameters");
        for (size_t i = 0; i < parameters->n; i++) {
            cJSON *one = cJSON_AddArrayToObject(p, parameters->items[i].key);
            cJSON_AddItemToArray(one, cJSON_CreateString(parameters->items[i].value));
        }
    }
    if (call(c, "StartSession", in, NULL, &o, err) != 0)
        return -1;
    svc_read(o, &session_shape, out);
    aws_json_delete_wiped(o); /* the answer's copy of the token */
    if (!out->session_id || !out->stream_url || !out->token) {
        ssm_session_free(out);
        aws_error_set(err, AWS_ERR_SERVICE, "IncompleteResponse",
                      "StartSession answered without a session id, stream URL or token");
        return -1;
    }
    return 0;
}

int ssm_terminate_session(aws_client *c, const char *session_id, aws_error *err)
{
    return call(c, "TerminateSession", svc_input("SessionId", session_id), NULL, NULL, err);
}
