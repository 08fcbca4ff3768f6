/*
 * CloudWatch Logs client (awsJson1.1): log groups, retention, tags, log streams and
 * events (FilterLogEvents for `ecsdeploy logs`, GetLogEvents for one stream).
 * Conventions as in svc.h. Refusals arrive as err->code ("ResourceAlreadyExistsException",
 * "ResourceNotFoundException", "InvalidParameterException", ...).
 * limit (0: the service default) is the page size asked for; list calls follow every page.
 */
#ifndef ECSDEPLOY_LOGS_H
#define ECSDEPLOY_LOGS_H

#include "aws.h"
#include "svc.h"

typedef struct {
    char *name;
    char *arn;                 /* logGroupArn: without the trailing ":*" (for tagging) */
    long retention_days;       /* 0: never expire */
    long long creation_time;   /* epoch milliseconds */
    long long stored_bytes;
    char *kms_key_id;          /* NULL when none */
} logs_group;

SVC_LIST_TYPE(logs_group, logs_groups);

/* CreateLogGroup with tags (may be NULL) and an optional KMS key. */
int logs_create_log_group(aws_client *c, const char *name, const svc_tags *tags,
                          const char *kms_key_id, aws_error *err);
int logs_delete_log_group(aws_client *c, const char *name, aws_error *err);
/* DescribeLogGroups by name prefix (NULL: all), every page, into *out (logs_groups_free). */
int logs_describe_log_groups(aws_client *c, const char *prefix, int limit, logs_groups *out,
                             aws_error *err);
/* PutRetentionPolicy (days: one of the values CloudWatch accepts, e.g. 1, 7, 30, 365). */
int logs_put_retention_policy(aws_client *c, const char *name, int days, aws_error *err);
int logs_delete_retention_policy(aws_client *c, const char *name, aws_error *err);
/* Tags of a log group by ARN (logs_group.arn), into *out (svc_tags_free). */
int logs_list_tags_for_resource(aws_client *c, const char *arn, svc_tags *out, aws_error *err);
int logs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int logs_untag_resource(aws_client *c, const char *arn, const svc_strings *keys,
                        aws_error *err);

int logs_create_log_stream(aws_client *c, const char *group, const char *stream,
                           aws_error *err);

typedef struct {
    long long timestamp;       /* epoch milliseconds */
    char *message;
    char *stream;              /* log stream name (FilterLogEvents; NULL for GetLogEvents) */
    char *event_id;            /* NULL for GetLogEvents */
} logs_event;

typedef struct {
    logs_event *items;
    size_t n;
    char *next_token;          /* logs_get_log_events: the forward token to resume from */
} logs_events;

void logs_events_free(logs_events *e);

/* PutLogEvents of n events (in time order) into an existing stream. */
int logs_put_log_events(aws_client *c, const char *group, const char *stream,
                        const logs_event *events, size_t n, aws_error *err);

typedef struct {
    const char *group;          /* required */
    const char *stream_prefix;  /* logStreamNamePrefix, or NULL */
    long long start_time;       /* epoch ms, inclusive; 0: from the start */
    long long end_time;         /* epoch ms; 0: no end */
    const char *filter_pattern; /* NULL: every event */
    int limit;                  /* page size; 0: service default */
    int max_pages;              /* 0: every page */
} logs_filter_input;

/* FilterLogEvents, every page (or max_pages), appended in the order returned (by time)
 * to *out (zero it first; logs_events_free). To follow a group, call again with
 * start_time = last timestamp seen and skip event ids already printed. */
int logs_filter_log_events(aws_client *c, const logs_filter_input *in, logs_events *out,
                           aws_error *err);

/* Where a follower of a log group has got to: the newest timestamp seen and the
 * identities (event id, stream, message) of the events at that timestamp (several can
 * share a millisecond). Start zeroed (or with
 * since set to where to begin); free with logs_cursor_free. */
typedef struct {
    long long since;
    svc_strings ids_at_since;
} logs_cursor;

void logs_cursor_free(logs_cursor *cur);

/* One round of `logs --follow`: FilterLogEvents from cur->since (in->start_time is
 * ignored), appending to *out only events not returned before, and moving the cursor. */
int logs_follow(aws_client *c, const logs_filter_input *in, logs_cursor *cur, logs_events *out,
                aws_error *err);

/* GetLogEvents of one stream from the head (or from next_token, a forward token from a
 * previous call; NULL: the start), reading forward until no new events; events appended
 * to *out (zero it first; logs_events_free), out->next_token set for the next call. */
int logs_get_log_events(aws_client *c, const char *group, const char *stream,
                        long long start_time, const char *next_token, int limit,
                        logs_events *out, aws_error *err);

/* The last `limit` events (0: 10) of one stream, oldest first: one GetLogEvents read from the
 * tail (startFromHead false), appended to *out (zero it first; logs_events_free). */
int logs_tail_log_events(aws_client *c, const char *group, const char *stream, int limit,
                         logs_events *out, aws_error *err);

#endif
