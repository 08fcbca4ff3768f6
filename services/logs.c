/* CloudWatch Logs: log groups, retention, tags (see logs.h). */
#include "logs.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static int call(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    return svc_json_call(c, "logs", op, in, out, 0, err);
}

static cJSON *group_input(const char *name)
{
    return svc_input("logGroupName", name);
}

int logs_create_log_group(aws_client *c, const char *name, const svc_tags *tags,
                          const char *kms_key_id, aws_error *err)
{
    cJSON *in = group_input(name);
    svc_add_tags(in, "tags", tags, NULL, NULL);
    svc_add_str(in, "kmsKeyId", kms_key_id);
    return call(c, "CreateLogGroup", in, NULL, err);
}

int logs_delete_log_group(aws_client *c, const char *name, aws_error *err)
{
    return call(c, "DeleteLogGroup", group_input(name), NULL, err);
}

/* logGroupArn, or else arn without its trailing ":*" (the form tagging takes). */
static void read_arn(const cJSON *j, void *item)
{
    logs_group *g = item;
    const char *arn = aws_json_str(j, "logGroupArn");
    if (arn) {
        g->arn = xstrdup(arn);
    } else if ((arn = aws_json_str(j, "arn"))) {
        size_t n = strlen(arn);
        g->arn = xstrndup(arn, n >= 2 && strcmp(arn + n - 2, ":*") == 0 ? n - 2 : n);
    }
}

static const svc_shape group_shape = SVC_SHAPE(logs_group, read_arn, NULL,
    SVC_FIELD("logGroupName", SVC_STR_NULL, logs_group, name),
    SVC_FIELD("retentionInDays", SVC_LONG, logs_group, retention_days),
    SVC_FIELD("creationTime", SVC_LLONG, logs_group, creation_time),
    SVC_FIELD("storedBytes", SVC_LLONG, logs_group, stored_bytes),
    SVC_FIELD("kmsKeyId", SVC_STR_NULL, logs_group, kms_key_id),
    SVC_FIELD("", SVC_KEPT, logs_group, arn));

SVC_DEFINE_LIST_FREE(logs_groups_free, logs_groups, group_shape)

int logs_describe_log_groups(aws_client *c, const char *prefix, int limit, logs_groups *out,
                             aws_error *err)
{
    cJSON *in = cJSON_CreateObject();
    if (prefix && *prefix)
        cJSON_AddStringToObject(in, "logGroupNamePrefix", prefix);
    static const svc_api pages = {.protocol = SVC_JSON, .service = "logs",
                                  .in_token = "nextToken", .out_token = "nextToken",
                                  .page_size = "limit"};
    return svc_list(c, &pages, "DescribeLogGroups", in, "logGroups", limit, &group_shape,
                    (void **)&out->items, &out->n, err);
}

int logs_put_retention_policy(aws_client *c, const char *name, int days, aws_error *err)
{
    cJSON *in = group_input(name);
    cJSON_AddNumberToObject(in, "retentionInDays", days);
    return call(c, "PutRetentionPolicy", in, NULL, err);
}

int logs_delete_retention_policy(aws_client *c, const char *name, aws_error *err)
{
    return call(c, "DeleteRetentionPolicy", group_input(name), NULL, err);
}

static cJSON *arn_input(const char *arn)
{
    return svc_input("resourceArn", arn);
}

int logs_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    return svc_call_tags(call, c, "ListTagsForResource", arn_input(arn), "tags", NULL, NULL, out,
                         err);
}

int logs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = arn_input(arn);
    cJSON_AddItemToObject(in, "tags", svc_tags_map_json(tags));
    return call(c, "TagResource", in, NULL, err);
}

int logs_untag_resource(aws_client *c, const char *arn, const svc_strings *keys,
                        aws_error *err)
{
    cJSON *in = arn_input(arn);
    cJSON_AddItemToObject(in, "tagKeys", svc_strings_json(keys));
    return call(c, "UntagResource", in, NULL, err);
}

int logs_create_log_stream(aws_client *c, const char *group, const char *stream,
                           aws_error *err)
{
    cJSON *in = group_input(group);
    cJSON_AddStringToObject(in, "logStreamName", stream ? stream : "");
    return call(c, "CreateLogStream", in, NULL, err);
}
