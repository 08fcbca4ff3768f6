/* CloudWatch Logs (awsJson1.1): log groups, retention, tags, FilterLogEvents. */
#include "logs.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_util.h"
#include "xalloc.h"

static int call(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_json_call(c, "logs", op, in, out ? out : &o, err);
    cJSON_Delete(in);
    cJSON_Delete(o);
    return rc;
}

static cJSON *tag_map(const svc_tags *tags)
{
    cJSON *m = cJSON_CreateObject();
    for (size_t i = 0; tags && i < tags->n; i++)
        cJSON_AddStringToObject(m, tags->items[i].key,
                                tags->items[i].value ? tags->items[i].value : "");
    return m;
}

static cJSON *group_in(const char *name)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "logGroupName", name);
    return in;
}

int logs_create_log_group(aws_client *c, const char *name, const char *kms_key_id,
                          const svc_tags *tags, aws_error *err)
{
    cJSON *in = group_in(name);
    svc_add_str(in, "kmsKeyId", kms_key_id);
    if (tags && tags->n)
        cJSON_AddItemToObject(in, "tags", tag_map(tags));
    return call(c, "CreateLogGroup", in, NULL, err);
}

int logs_delete_log_group(aws_client *c, const char *name, aws_error *err)
{
    return call(c, "DeleteLogGroup", group_in(name), NULL, err);
}

void logs_group_list_free(logs_group_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].arn);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static char *bare_arn(const char *arn)
{
    if (!arn)
        return NULL;
    size_t n = strlen(arn);
    return n >= 2 && strcmp(arn + n - 2, ":*") == 0 ? xstrndup(arn, n - 2) : xstrdup(arn);
}

int logs_describe_log_groups(aws_client *c, const char *prefix, logs_group_list *out,
                             aws_error *err)
{
    cJSON *in = cJSON_CreateObject(), *items;
    memset(out, 0, sizeof *out);
    svc_add_str(in, "logGroupNamePrefix", prefix);
    aws_page_spec spec = {.in_token = "nextToken", .out_token = "nextToken",
                          .items = "logGroups"};
    int rc = aws_json_paginate(c, "logs", "DescribeLogGroups", in, &spec, &items, err);
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    out->items = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *out->items);
    for (const cJSON *g = items->child; g; g = g->next) {
        logs_group *lg = &out->items[out->n++];
        lg->name = svc_dup_member(g, "logGroupName");
        lg->arn = bare_arn(aws_json_str(g, "arn"));
        lg->retention_days = (int)aws_json_int(g, "retentionInDays", 0);
        lg->creation_time_ms = aws_json_int(g, "creationTime", 0);
    }
    cJSON_Delete(items);
    return 0;
}

int logs_put_retention_policy(aws_client *c, const char *name, int days, aws_error *err)
{
    cJSON *in = group_in(name);
    if (days <= 0)
        return call(c, "DeleteRetentionPolicy", in, NULL, err);
    cJSON_AddNumberToObject(in, "retentionInDays", days);
    return call(c, "PutRetentionPolicy", in, NULL, err);
}

static cJSON *arn_in(const char *arn)
{
    cJSON *in = cJSON_CreateObject();
    char *bare = bare_arn(arn);
    cJSON_AddStringToObject(in, "resourceArn", bare);
    free(bare);
    return in;
}

int logs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err)
{
    cJSON *in = arn_in(arn);
    cJSON_AddItemToObject(in, "tags", tag_map(tags));
    return call(c, "TagResource", in, NULL, err);
}

int logs_untag_resource(aws_client *c, const char *arn, const char *const *keys, size_t n,
                        aws_error *err)
{
    cJSON *in = arn_in(arn);
    cJSON_AddItemToObject(in, "tagKeys", svc_strings_json(keys, n));
    return call(c, "UntagResource", in, NULL, err);
}

int logs_list_tags(aws_client *c, const char *arn, svc_tags *out, aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (call(c, "ListTagsForResource", arn_in(arn), &o, err) != 0)
        return -1;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "tags");
    for (const cJSON *t = cJSON_IsObject(m) ? m->child : NULL; t; t = t->next)
        if (cJSON_IsString(t))
            svc_tags_add(out, t->string, t->valuestring);
    cJSON_Delete(o);
    return 0;
}

void logs_events_free(logs_events *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->items[i].stream);
        free(e->items[i].message);
    }
    free(e->items);
    free(e->next_token);
    memset(e, 0, sizeof *e);
}

int logs_filter_log_events(aws_client *c, const logs_filter *f, logs_events *out, aws_error *err)
{
    cJSON *in = group_in(f->group), *o;
    memset(out, 0, sizeof *out);
    svc_add_str(in, "logStreamNamePrefix", f->stream_prefix);
    svc_add_str(in, "filterPattern", f->pattern);
    svc_add_str(in, "nextToken", f->next_token);
    if (f->start_ms > 0)
        cJSON_AddNumberToObject(in, "startTime", (double)f->start_ms);
    if (f->end_ms > 0)
        cJSON_AddNumberToObject(in, "endTime", (double)f->end_ms);
    if (f->limit > 0)
        cJSON_AddNumberToObject(in, "limit", f->limit);
    if (call(c, "FilterLogEvents", in, &o, err) != 0)
        return -1;
    const cJSON *ev = aws_json_array(o, "events");
    out->items = xcalloc((size_t)cJSON_GetArraySize(ev) + 1, sizeof *out->items);
    for (const cJSON *e = ev ? ev->child : NULL; e; e = e->next) {
        logs_event *le = &out->items[out->n++];
        le->stream = svc_dup_member(e, "logStreamName");
        le->message = svc_dup_member(e, "message");
        le->timestamp_ms = aws_json_int(e, "timestamp", 0);
    }
    const char *next = aws_json_str(o, "nextToken");
    out->next_token = next && *next ? xstrdup(next) : NULL;
    cJSON_Delete(o);
    return 0;
}
