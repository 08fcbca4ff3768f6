/* Cloud Map: operations and their waiter, namespaces, tags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servicediscovery_internal.h"
#include "xalloc.h"

/* ---- operations ----------------------------------------------------------------- */

void sd_operation_free(sd_operation *op)
{
    free(op->id);
    free(op->type);
    free(op->status);
    free(op->error_code);
    free(op->error_message);
    svc_tags_free(&op->targets);
    memset(op, 0, sizeof *op);
}

int sd_get_operation(aws_client *c, const char *operation_id, sd_operation *out,
                     aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *resp;
    if (sdi_call(c, "GetOperation", svc_input("OperationId", operation_id), &resp, err) != 0)
        return -1;
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(resp, "Operation"), *t;
    out->id = svc_json_dup(op, "Id");
    out->type = svc_json_dup(op, "Type");
    out->status = svc_json_dup(op, "Status");
    out->error_code = svc_json_dup(op, "ErrorCode");
    out->error_message = svc_json_dup(op, "ErrorMessage");
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(op, "Targets"))
        if (t->string && cJSON_IsString(t))
            svc_tags_add(&out->targets, t->string, t->valuestring);
    cJSON_Delete(resp);
    return 0;
}

typedef struct {
    aws_client *c;
    const char *id;
    sd_operation last;
} op_wait;

static int op_poll(void *ctx, char *state, size_t size, aws_error *err)
{
    op_wait *w = ctx;
    sd_operation_free(&w->last);
    if (sd_get_operation(w->c, w->id, &w->last, err) != 0)
        return -1;
    snprintf(state, size, "%s", w->last.status);
    if (strcmp(w->last.status, "SUCCESS") == 0)
        return 1;
    if (strcmp(w->last.status, "FAIL") == 0) {
        aws_error_set(err, AWS_ERR_SERVICE,
                      w->last.error_code[0] ? w->last.error_code : "OperationFailed",
                      "operation %s (%s) failed: %s", w->id, w->last.type,
                      w->last.error_message[0] ? w->last.error_message : "no reason given");
        return -1;
    }
    return 0;
}

int sd_wait_operation(aws_client *c, const char *operation_id, const aws_wait_opts *o,
                      sd_operation *out, aws_error *err)
{
    op_wait w = {c, operation_id, {0}};
    char what[200];
    snprintf(what, sizeof what, "Cloud Map operation %s to finish", operation_id);
    int rc = svc_wait(o, 60, 5, what, op_poll, &w, err);
    if (rc == 0 && out)
        *out = w.last;
    else
        sd_operation_free(&w.last);
    return rc;
}

/* ---- namespaces ------------------------------------------------------------------ */

static void read_namespace(const cJSON *j, sd_namespace *ns)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "Properties");
    ns->id = svc_json_dup(j, "Id");
    ns->arn = svc_json_dup(j, "Arn");
    ns->name = svc_json_dup(j, "Name");
    ns->type = svc_json_dup(j, "Type");
    ns->description = svc_json_dup(j, "Description");
    ns->hosted_zone_id = svc_json_dup2(p, "DnsProperties", "HostedZoneId");
    ns->http_name = svc_json_dup2(p, "HttpProperties", "HttpName");
    ns->creator_request_id = svc_json_dup(j, "CreatorRequestId");
    ns->service_count = aws_json_int(j, "ServiceCount", 0);
}

void sd_namespace_free(sd_namespace *ns)
{
    free(ns->id);
    free(ns->arn);
    free(ns->name);
    free(ns->type);
    free(ns->description);
    free(ns->hosted_zone_id);
    free(ns->http_name);
    free(ns->creator_request_id);
    memset(ns, 0, sizeof *ns);
}

void sd_namespaces_free(sd_namespaces *l)
{
    SVC_LIST_FREE(l, sd_namespace_free);
}

int sd_create_private_dns_namespace(aws_client *c, const char *name, const char *vpc_id,
                                    const char *creator_request_id, const char *description,
                                    const svc_tags *tags, char **operation_id, aws_error *err)
{
    *operation_id = NULL;
    cJSON *in = svc_input("Name", name), *resp;
    cJSON_AddStringToObject(in, "Vpc", vpc_id ? vpc_id : "");
    if (creator_request_id)
        cJSON_AddStringToObject(in, "CreatorRequestId", creator_request_id);
    if (description)
        cJSON_AddStringToObject(in, "Description", description);
    sdi_add_tags(in, tags);
    if (sdi_call(c, "CreatePrivateDnsNamespace", in, &resp, err) != 0)
        return -1;
    *operation_id = svc_json_dup(resp, "OperationId");
    cJSON_Delete(resp);
    return 0;
}

int sd_create_http_namespace(aws_client *c, const char *name, const char *creator_request_id,
                             const char *description, const svc_tags *tags, char **operation_id,
                             aws_error *err)
{
    *operation_id = NULL;
    cJSON *in = svc_input("Name", name), *resp;
    if (creator_request_id)
        cJSON_AddStringToObject(in, "CreatorRequestId", creator_request_id);
    if (description)
        cJSON_AddStringToObject(in, "Description", description);
    sdi_add_tags(in, tags);
    if (sdi_call(c, "CreateHttpNamespace", in, &resp, err) != 0)
        return -1;
    *operation_id = svc_json_dup(resp, "OperationId");
    cJSON_Delete(resp);
    return 0;
}

int sd_list_namespaces(aws_client *c, const sd_filter *filters, size_t nfilters, int page_size,
                       sd_namespaces *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *items, *e;
    if (sdi_list(c, "ListNamespaces", NULL, filters, nfilters, page_size, "Namespaces", &items,
                 err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_namespace(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

int sd_get_namespace(aws_client *c, const char *id, sd_namespace *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *resp;
    if (sdi_call(c, "GetNamespace", svc_input("Id", id), &resp, err) != 0)
        return -1;
    read_namespace(cJSON_GetObjectItemCaseSensitive(resp, "Namespace"), out);
    cJSON_Delete(resp);
    return 0;
}

int sd_delete_namespace(aws_client *c, const char *id, char **operation_id, aws_error *err)
{
    cJSON *resp;
    if (operation_id)
        *operation_id = NULL;
    if (sdi_call(c, "DeleteNamespace", svc_input("Id", id), &resp, err) != 0)
        return -1;
    /* none when the answer of a call that did it was lost and the retry found the namespace
     * gone (send.c): nothing to wait for then */
    if (operation_id)
        *operation_id = xstrdup_or_null(aws_json_str(resp, "OperationId"));
    cJSON_Delete(resp);
    return 0;
}

/* ---- tags --------------------------------------------------------------------------- */

int sd_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *resp;
    if (sdi_call(c, "ListTagsForResource", svc_input("ResourceARN", arn), &resp, err) != 0)
        return -1;
    svc_json_tags(resp, "Tags", "Key", "Value", out);
    cJSON_Delete(resp);
    return 0;
}

int sd_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = svc_input("ResourceARN", arn);
    cJSON_AddArrayToObject(in, "Tags");
    if (tags && tags->n) {
        cJSON_DeleteItemFromObjectCaseSensitive(in, "Tags");
        sdi_add_tags(in, tags);
    }
    return sdi_call(c, "TagResource", in, NULL, err);
}

int sd_untag_resource(aws_client *c, const char *arn, const char *const *keys, aws_error *err)
{
    cJSON *in = svc_input("ResourceARN", arn);
    cJSON *arr = cJSON_AddArrayToObject(in, "TagKeys");
    for (size_t i = 0; keys && keys[i]; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(keys[i]));
    return sdi_call(c, "UntagResource", in, NULL, err);
}
