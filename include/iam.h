/*
 * IAM client: roles, trust and inline policies, managed policy attachments, the
 * service-linked role, tags. Every function returns 0, or -1 with err filled
 * (err->code as AWS sends it: NoSuchEntity, EntityAlreadyExists, DeleteConflict,
 * LimitExceeded, ...). Outputs belong to the caller: strings free(), structs with the
 * matching _free, lists with svc_strings_free / svc_tags_free.
 * Policy documents are JSON text; IAM's URL-encoding of documents in answers is undone.
 */
#ifndef ECSDEPLOY_IAM_H
#define ECSDEPLOY_IAM_H

#include <time.h>

#include "aws.h"
#include "svc.h"

typedef struct {
    const char *name;
    const char *path;              /* NULL: "/" */
    const char *trust_policy;      /* JSON text */
    const char *description;       /* or NULL */
    int max_session_duration;      /* 0: the default (3600) */
    const svc_tags *tags;          /* or NULL */
} iam_role_input;

typedef struct {
    char *name;
    char *arn;
    char *role_id;
    char *path;
    char *trust_policy;            /* decoded JSON text */
    char *description;
    int max_session_duration;
    svc_tags tags;
} iam_role;

void iam_role_free(iam_role *r);

/* out may be NULL. */
int iam_create_role(aws_client *c, const iam_role_input *in, iam_role *out, aws_error *err);
int iam_get_role(aws_client *c, const char *name, iam_role *out, aws_error *err);
int iam_delete_role(aws_client *c, const char *name, aws_error *err);
int iam_update_assume_role_policy(aws_client *c, const char *role, const char *policy,
                                  aws_error *err);
int iam_update_role_description(aws_client *c, const char *role, const char *description,
                                aws_error *err);

int iam_put_role_policy(aws_client *c, const char *role, const char *policy_name,
                        const char *policy, aws_error *err);
/* *policy receives the decoded document. */
int iam_get_role_policy(aws_client *c, const char *role, const char *policy_name, char **policy,
                        aws_error *err);
int iam_delete_role_policy(aws_client *c, const char *role, const char *policy_name,
                           aws_error *err);
/* Inline policy names, all pages. */
int iam_list_role_policies(aws_client *c, const char *role, svc_strings *names, aws_error *err);

int iam_attach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err);
int iam_detach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err);
/* Attached managed policy ARNs, all pages. */
int iam_list_attached_role_policies(aws_client *c, const char *role, svc_strings *arns,
                                    aws_error *err);

/* service: "ecs.amazonaws.com". *arn (may be NULL) receives the role's ARN. */
int iam_create_service_linked_role(aws_client *c, const char *service, char **arn,
                                   aws_error *err);

int iam_tag_role(aws_client *c, const char *role, const svc_tags *tags, aws_error *err);
int iam_untag_role(aws_client *c, const char *role, const char *const *keys, size_t n,
                   aws_error *err);
int iam_list_role_tags(aws_client *c, const char *role, svc_tags *tags, aws_error *err);

/* The RoleExists waiter: GetRole until it answers, at most max_seconds (0: 20).
 * Fails with err->code "WaiterTimeout" naming the last error seen. */
int iam_wait_role_exists(aws_client *c, const char *role, int max_seconds, aws_error *err);

#endif
