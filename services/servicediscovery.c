/* Cloud Map: operations and their waiter, namespaces, tags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servicediscovery_internal.h"
#include "xalloc.h"

/* ---- operations ----------------------------------------------------------------- */

static const svc_shape operation_shape = SVC_SHAPE(sd_operation, NULL, NULL,
    SVC_FIELD("Id", SVC_STR, sd_operation, id),
    SVC_FIELD("Type", SVC_STR, sd_operation, type),
    SVC_FIELD("Status", SVC_STR, sd_operation, status),
    SVC_FIELD("ErrorCode", SVC_STR, sd_operation, error_code),
    SVC_FIELD("ErrorMessage", SVC_STR, sd_operation, error_message),
    SVC_FIELD("Targets", SVC_TAG_MAP, sd_operation, targets));

SVC_DEFINE_FREE(sd_operation_free, sd_operation, operation_shape)

int sd_get_operation(aws_client *c, const char *operation_id, sd_operation *out,
                     aws_error *err)
{
    return svc_call_read(sdi_call, c, "GetOperation", svc_input("OperationId", operation_id),
                         "Operation", &operation_shape, out, err);
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
    int rc = svc_waitf(o, 60, 5, op_poll, &w, err, "Cloud Map operation %s to finish",
                       operation_id);
    if (rc == 0 && out)
        *out = w.last;
    else
        sd_operation_free(&w.last);
    return rc;
}

/* ---- namespaces ------------------------------------------------------------------ */

static const svc_shape namespace_shape = SVC_SHAPE(sd_namespace, NULL, NULL,
    SVC_FIELD("Id", SVC_STR, sd_namespace, id),
    SVC_FIELD("Arn", SVC_STR, sd_namespace, arn),
    SVC_FIELD("Name", SVC_STR, sd_namespace, name),
    SVC_FIELD("Type", SVC_STR, sd_namespace, type),
    SVC_FIELD("Description", SVC_STR, sd_namespace, description),
    SVC_FIELD("Properties.DnsProperties.HostedZoneId", SVC_STR, sd_namespace, hosted_zone_id),
    SVC_FIELD("Properties.HttpProperties.HttpName", SVC_STR, sd_namespace, http_name),
    SVC_FIELD("CreatorRequestId", SVC_STR, sd_namespace, creator_request_id),
    SVC_FIELD("ServiceCount", SVC_LLONG, sd_namespace, service_count));

SVC_DEFINE_FREE(sd_namespace_free, sd_namespace, namespace_shape)
SVC_DEFINE_LIST_FREE(sd_namespaces_free, sd_namespaces, namespace_shape)

/* CreatePrivateDnsNamespace (vpc_id not NULL) or CreateHttpNamespace: the same input but
 * for the VPC. */
static int create_namespace(aws_client *c, const char *op, const char *name, const char *vpc_id,
                            const char *creator_request_id, const char *description,
                            const svc_tags *tags, char **operation_id, aws_error *err)
{
    cJSON *in = svc_input("Name", name);
    if (vpc_id)
        cJSON_AddStringToObject(in, "Vpc", vpc_id);
    svc_add_str(in, "CreatorRequestId", creator_request_id);
    svc_add_str(in, "Description", description);
    svc_add_tags(in, "Tags", tags, "Key", "Value");
    return svc_call_str(sdi_call, c, op, in, "OperationId", operation_id, err);
}

int sd_create_private_dns_namespace(aws_client *c, const char *name, const char *vpc_id,
                                    const char *creator_request_id, const char *description,
                                    const svc_tags *tags, char **operation_id, aws_error *err)
{
    return create_namespace(c, "CreatePrivateDnsNamespace", name, vpc_id ? vpc_id : "",
                            creator_request_id, description, tags, operation_id, err);
}

int sd_create_http_namespace(aws_client *c, const char *name, const char *creator_request_id,
                             const char *description, const svc_tags *tags, char **operation_id,
                             aws_error *err)
{
    return create_namespace(c, "CreateHttpNamespace", name, NULL, creator_request_id,
                            description, tags, operation_id, err);
}

int sd_list_namespaces(aws_client *c, const sd_filter *filters, size_t nfilters, int page_size,
                       sd_namespaces *out, aws_error *err)
{
    return sdi_list_read(c, "ListNamespaces", NULL, filters, nfilters, page_size, "Namespaces",
                         &namespace_shape, (void **)&out->items, &out->n, err);
}

int sd_get_namespace(aws_client *c, const char *id, sd_namespace *out, aws_error *err)
{
    return svc_call_read(sdi_call, c, "GetNamespace", svc_input("Id", id), "Namespace",
                         &namespace_shape, out, err);
}

int sd_delete_namespace(aws_client *c, const char *id, char **operation_id, aws_error *err)
{
    cJSON *resp;
    if (operation_id)
        *operation_id = NULL;
    if (sdi_call(c, "DeleteNamespace", svc_input("Id", id), &resp, err) != 0)
        return -1;
    svc_answer_str(resp, "OperationId", operation_id);
    /* none when the answer of a call that did it was lost and the retry found the namespace
     * gone (send.c): nothing to wait for then */
    if (operation_id && !**operation_id) {
        free(*operation_id);
        *operation_id = NULL;
    }
    return 0;
}

/* ---- tags --------------------------------------------------------------------------- */

int sd_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    return svc_call_tags(sdi_call, c, "ListTagsForResource", svc_input("ResourceARN", arn), "Tags",
                         "Key", "Value", out, err);
}

int sd_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = svc_input("ResourceARN", arn);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value")); /* [] when none */
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
