/*
 * CloudWatch Logs client: log groups, retention, tags, and reading events
 * (FilterLogEvents). Every function returns 0, or -1 with err filled
 * (ResourceAlreadyExistsException, ResourceNotFoundException, ...). Outputs belong to
 * the caller and are released with the matching _free function.
 */
#ifndef ECSDEPLOY_LOGS_H
#define ECSDEPLOY_LOGS_H

#include "aws.h"
#include "svc.h"

/* kms_key_id and tags may be NULL. */
int logs_create_log_group(aws_client *c, const char *name, const char *kms_key_id,
                          const svc_tags *tags, aws_error *err);
int logs_delete_log_group(aws_client *c, const char *name, aws_error *err);

typedef struct {
    char *name;
    char *arn;                 /* without the trailing ":*" */
    int retention_days;        /* 0: never expire */
    long long creation_time_ms;
} logs_group;

typedef struct {
    logs_group *items;
    size_t n;
} logs_group_list;

void logs_group_list_free(logs_group_list *l);
/* Every group whose name starts with prefix (all pages). */
int logs_describe_log_groups(aws_client *c, const char *prefix, logs_group_list *out,
                             aws_error *err);

/* days must be one CloudWatch accepts (1, 3, 5, 7, 14, 30, ...); 0 removes the policy. */
int logs_put_retention_policy(aws_client *c, const char *name, int days, aws_error *err);

/* Tags by the group's ARN (with or without ":*"). */
int logs_tag_resource(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int logs_untag_resource(aws_client *c, const char *arn, const char *const *keys, size_t n,
                        aws_error *err);
int logs_list_tags(aws_client *c, const char *arn, svc_tags *out, aws_error *err);

typedef struct {
    char *stream;
    long long timestamp_ms;
    char *message;
} logs_event;

typedef struct {
    logs_event *items;
    size_t n;
    char *next_token;          /* NULL at the end */
} logs_events;

void logs_events_free(logs_events *e);

typedef struct {
    const char *group;
    const char *stream_prefix; /* or NULL */
    long long start_ms, end_ms; /* 0: unbounded */
    const char *pattern;       /* or NULL */
    const char *next_token;    /* continue a previous page, or NULL */
    int limit;                 /* 0: the service default */
} logs_filter;

/* One page of events (follow out->next_token for more). */
int logs_filter_log_events(aws_client *c, const logs_filter *f, logs_events *out, aws_error *err);

#endif
