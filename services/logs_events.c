/* CloudWatch Logs events: put, filter (paged), get one stream (see logs.h). */
#include "logs.h"

#include <stdlib.h>
#include <string.h>

#include "svc_json_internal.h"
#include "xalloc.h"

static const svc_shape event_shape = SVC_SHAPE(logs_event, NULL, NULL,
    SVC_FIELD("timestamp", SVC_LLONG, logs_event, timestamp),
    SVC_FIELD("message", SVC_STR, logs_event, message),
    SVC_FIELD("logStreamName", SVC_STR_NULL, logs_event, stream),
    SVC_FIELD("eventId", SVC_STR_NULL, logs_event, event_id));

void logs_events_free(logs_events *e)
{
    svc_free_list(&event_shape, (void **)&e->items, &e->n);
    free(e->next_token);
    memset(e, 0, sizeof *e);
}

static void append(logs_events *out, const cJSON *arr)
{
    svc_read_list(arr, &event_shape, (void **)&out->items, &out->n);
}

int logs_put_log_events(aws_client *c, const char *group, const char *stream,
                        const logs_event *events, size_t n, aws_error *err)
{
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddStringToObject(in, "logGroupName", group ? group : "");
    cJSON_AddStringToObject(in, "logStreamName", stream ? stream : "");
    cJSON *arr = cJSON_AddArrayToObject(in, "logEvents");
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "timestamp", (double)events[i].timestamp);
        cJSON_AddStringToObject(e, "message", events[i].message ? events[i].message : "");
        cJSON_AddItemToArray(arr, e);
    }
    int rc = aws_json_call(c, "logs", "PutLogEvents", in, &out, err);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return rc;
}

static cJSON *filter_input(const logs_filter_input *in)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "logGroupName", in->group);
    svc_add_str(j, "logStreamNamePrefix", in->stream_prefix);
    if (in->start_time > 0)
        cJSON_AddNumberToObject(j, "startTime", (double)in->start_time);
    if (in->end_time > 0)
        cJSON_AddNumberToObject(j, "endTime", (double)in->end_time);
    svc_add_str(j, "filterPattern", in->filter_pattern);
    if (in->limit > 0)
        cJSON_AddNumberToObject(j, "limit", in->limit);
    return j;
}

int logs_filter_log_events(aws_client *c, const logs_filter_input *in, logs_events *out,
                           aws_error *err)
{
    if (!in || !in->group)
        return svc_refuse(err, "InvalidParameter",
                          "FilterLogEvents needs a log group name");
    cJSON *j = filter_input(in);
    char *last = NULL;
    int rc = 0, max = in->max_pages > 0 ? in->max_pages : 10000;
    for (int page = 1;; page++) {
        cJSON *o = NULL;
        if ((rc = aws_json_call(c, "logs", "FilterLogEvents", j, &o, err)) != 0)
            break;
        append(out, aws_json_array(o, "events"));
        const char *t = aws_json_str(o, "nextToken");
        int again = t && *t && page < max && !(last && strcmp(last, t) == 0);
        if (again) {
            free(last);
            last = xstrdup(t);
            cJSON_DeleteItemFromObject(j, "nextToken");
            cJSON_AddStringToObject(j, "nextToken", t);
        }
        cJSON_Delete(o);
        if (!again)
            break;
    }
    free(last);
    cJSON_Delete(j);
    return rc;
}

int logs_get_log_events(aws_client *c, const char *group, const char *stream,
                        long long start_time, const char *next_token, int limit,
                        logs_events *out, aws_error *err)
{
    cJSON *j = svc_input("logGroupName", group);
    cJSON_AddStringToObject(j, "logStreamName", stream ? stream : "");
    cJSON_AddBoolToObject(j, "startFromHead", 1);
    if (start_time > 0)
        cJSON_AddNumberToObject(j, "startTime", (double)start_time);
    if (limit > 0)
        cJSON_AddNumberToObject(j, "limit", limit);
    char *token = xstrdup_or_null(next_token);
    int rc = 0;
    for (int page = 0; page < 10000; page++) {
        cJSON *o = NULL;
        if (token) {
            cJSON_DeleteItemFromObject(j, "nextToken");
            cJSON_AddStringToObject(j, "nextToken", token);
        }
        if ((rc = aws_json_call(c, "logs", "GetLogEvents", j, &o, err)) != 0)
            break;
        const cJSON *evs = aws_json_array(o, "events");
        append(out, evs);
        const char *t = aws_json_str(o, "nextForwardToken");
        /* The end: the same forward token again, or no events. */
        int done = !t || (token && strcmp(token, t) == 0) || cJSON_GetArraySize(evs) == 0;
        if (t) {
            free(token);
            token = xstrdup(t);
        }
        cJSON_Delete(o);
        if (done)
            break;
    }
    cJSON_Delete(j);
    free(out->next_token);
    out->next_token = token;
    return rc;
}

int logs_tail_log_events(aws_client *c, const char *group, const char *stream, int limit,
                         logs_events *out, aws_error *err)
{
    cJSON *j = svc_input("logGroupName", group);
    cJSON_AddStringToObject(j, "logStreamName", stream ? stream : "");
    cJSON_AddBoolToObject(j, "startFromHead", 0);
    cJSON_AddNumberToObject(j, "limit", limit > 0 ? limit : 10);
    cJSON *o = NULL;
    int rc = aws_json_call(c, "logs", "GetLogEvents", j, &o, err);
    if (rc == 0)
        append(out, aws_json_array(o, "events"));
    cJSON_Delete(o);
    cJSON_Delete(j);
    return rc;
}

void logs_cursor_free(logs_cursor *cur)
{
    svc_strings_free(&cur->ids_at_since);
    cur->since = 0;
}

/* An event's identity: its id, stream and message (the id alone should do; the stream and
 * message keep followers correct against services whose ids are not stable per event). */
static char *identity(const logs_event *e)
{
    return xasprintf("%s\n%s\n%s", e->event_id ? e->event_id : "", e->stream ? e->stream : "",
                     e->message ? e->message : "");
}

static int seen(const logs_cursor *cur, const logs_event *e, const char *id)
{
    if (e->timestamp < cur->since)
        return 1;
    if (e->timestamp > cur->since)
        return 0;
    for (size_t i = 0; i < cur->ids_at_since.n; i++)
        if (strcmp(cur->ids_at_since.items[i], id) == 0)
            return 1;
    return 0;
}

int logs_follow(aws_client *c, const logs_filter_input *in, logs_cursor *cur, logs_events *out,
                aws_error *err)
{
    if (!in)
        return svc_refuse(err, "InvalidParameter", "logs_follow needs an input");
    logs_filter_input f = *in;
    logs_events got = {0};
    f.start_time = cur->since;
    if (logs_filter_log_events(c, &f, &got, err) != 0) {
        logs_events_free(&got);
        return -1;
    }
    for (size_t i = 0; i < got.n; i++) {
        logs_event *e = &got.items[i];
        char *id = identity(e);
        if (seen(cur, e, id)) {
            free(id);
            continue;
        }
        if (e->timestamp > cur->since) {
            svc_strings_free(&cur->ids_at_since);
            cur->since = e->timestamp;
        }
        svc_strings_add(&cur->ids_at_since, id);
        free(id);
        out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
        out->items[out->n++] = *e;
        memset(e, 0, sizeof *e);
    }
    logs_events_free(&got);
    return 0;
}
