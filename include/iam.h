/*
 * IAM client (query protocol): roles, trust policies, inline and managed policies,
 * service-linked roles, role tags, OpenID Connect providers (iam_oidc.c). Conventions as in svc.h: 0 or -1 with err filled;
 * AWS refusals arrive as err->code ("NoSuchEntity", "EntityAlreadyExists",
 * "DeleteConflict", "MalformedPolicyDocument", ...).
 *
 * Policy documents are JSON strings. IAM returns them URL-encoded; every output here is
 * already decoded. List calls follow every page; max_items (0: the service default) is
 * the page size asked for, useful to bound a single response.
 */
#ifndef ECSDEPLOY_IAM_H
#define ECSDEPLOY_IAM_H

#include "aws.h"
#include "svc.h"

typedef struct {
    char *name;
    char *arn;
    char *role_id;
    char *path;
    char *description;           /* NULL when none */
    char *trust_policy;          /* decoded AssumeRolePolicyDocument, NULL when not returned */
    char *create_date;           /* as sent ("2026-11-24T06:00:00Z") */
    long max_session_duration;   /* seconds; 0 when not returned */
    svc_tags tags;               /* as returned (GetRole returns them; ListRoles may not) */
} iam_role;

/* Free the strings of a role and zero it. */
void iam_role_free(iam_role *r);

SVC_LIST_TYPE(iam_role, iam_roles);

typedef struct {
    const char *name;             /* required, at most 64 characters */
    const char *path;             /* NULL: "/" */
    const char *trust_policy;     /* required: the assume-role policy document (JSON) */
    const char *description;      /* may be NULL */
    long max_session_duration;    /* seconds (3600..43200); 0: IAM's default */
    const svc_tags *tags;         /* may be NULL */
} iam_create_role_input;

/* CreateRole; *out (may be NULL) receives the new role (iam_role_free). */
int iam_create_role(aws_client *c, const iam_create_role_input *in, iam_role *out,
                    aws_error *err);
/* GetRole (with tags and the decoded trust policy) into *out (iam_role_free). A missing
 * role gives err->code "NoSuchEntity". */
int iam_get_role(aws_client *c, const char *name, iam_role *out, aws_error *err);
/* DeleteRole; "DeleteConflict" while policies are attached or inline ones remain. */
int iam_delete_role(aws_client *c, const char *name, aws_error *err);
/* UpdateRole: description (NULL: unchanged) and max session duration (0: unchanged). */
int iam_update_role(aws_client *c, const char *name, const char *description,
                    long max_session_duration, aws_error *err);
int iam_update_assume_role_policy(aws_client *c, const char *name, const char *policy,
                                  aws_error *err);
/* ListRoles under path_prefix (NULL: every role), all pages, into *out (iam_roles_free). */
int iam_list_roles(aws_client *c, const char *path_prefix, int max_items, iam_roles *out,
                   aws_error *err);

/* Inline policies. */
int iam_put_role_policy(aws_client *c, const char *role, const char *policy_name,
                        const char *document, aws_error *err);
/* *document: the decoded policy document (free()). */
int iam_get_role_policy(aws_client *c, const char *role, const char *policy_name,
                        char **document, aws_error *err);
int iam_delete_role_policy(aws_client *c, const char *role, const char *policy_name,
                           aws_error *err);
/* Names of the inline policies, all pages, into *names (svc_strings_free). */
int iam_list_role_policies(aws_client *c, const char *role, int max_items, svc_strings *names,
                           aws_error *err);

/* Managed policies. */
int iam_attach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err);
int iam_detach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err);
/* ARNs of the attached managed policies, all pages, into *arns (svc_strings_free). */
int iam_list_attached_role_policies(aws_client *c, const char *role, int max_items,
                                    svc_strings *arns, aws_error *err);

/* CreateServiceLinkedRole for service ("ecs.amazonaws.com"). When the role exists already
 * (IAM: InvalidInput "... has been taken ...") this succeeds with *created = 0; a new one
 * gives *created = 1. created may be NULL. */
int iam_create_service_linked_role(aws_client *c, const char *service, const char *description,
                                   int *created, aws_error *err);

/* Tags of a role, all pages, into *out (svc_tags_free). */
int iam_list_role_tags(aws_client *c, const char *role, int max_items, svc_tags *out,
                       aws_error *err);
int iam_tag_role(aws_client *c, const char *role, const svc_tags *tags, aws_error *err);
int iam_untag_role(aws_client *c, const char *role, const svc_strings *keys, aws_error *err);

/* ---- customer managed policies (iam_managed.c) -------------------------------------------
 * A policy is named by its ARN, "arn:aws:iam::ACCOUNT:policy/PATH/NAME". Its document lives
 * in versions (at most 5; LimitExceeded beyond), one of them the default. */
typedef struct {
    char *arn, *name, *path;
    char *default_version;       /* "v3" */
    char *description;           /* NULL when none */
    long attachments;            /* AttachmentCount */
    svc_tags tags;               /* GetPolicy returns them; ListPolicies may not */
} iam_policy;

void iam_policy_free(iam_policy *p);

SVC_LIST_TYPE(iam_policy, iam_policies);

/* CreatePolicy (description and tags may be NULL); *out (may be NULL) the new policy.
 * EntityAlreadyExists when the path and name are taken. */
int iam_create_policy(aws_client *c, const char *name, const char *path, const char *document,
                      const char *description, const svc_tags *tags, iam_policy *out,
                      aws_error *err);
/* GetPolicy (with its tags) into *out (iam_policy_free); NoSuchEntity when there is none. */
int iam_get_policy(aws_client *c, const char *arn, iam_policy *out, aws_error *err);
/* The decoded document of a version (free()). */
int iam_get_policy_version(aws_client *c, const char *arn, const char *version, char **document,
                           aws_error *err);
/* CreatePolicyVersion, the new default when set_default; *version (may be NULL) its id. */
int iam_create_policy_version(aws_client *c, const char *arn, const char *document,
                              int set_default, char **version, aws_error *err);
/* The versions' ids, oldest first, into *ids (svc_strings_free); *default_id (may be NULL)
 * the default one (free()). */
int iam_list_policy_versions(aws_client *c, const char *arn, svc_strings *ids, char **default_id,
                             aws_error *err);
/* DeleteConflict for the default version. */
int iam_delete_policy_version(aws_client *c, const char *arn, const char *version,
                              aws_error *err);
/* DeleteConflict while attached or with versions besides the default. */
int iam_delete_policy(aws_client *c, const char *arn, aws_error *err);
/* The account's own policies under path_prefix (NULL: all), every page, into *out. */
int iam_list_local_policies(aws_client *c, const char *path_prefix, iam_policies *out,
                            aws_error *err);

/* ---- OpenID Connect providers (iam_oidc.c) ----------------------------------------------
 * A provider is named by its ARN, "arn:aws:iam::ACCOUNT:oidc-provider/HOST[/PATH]"; IAM keeps
 * its URL without "https://". EntityAlreadyExists when the URL has a provider already. */
typedef struct {
    char *arn;
    char *url;                 /* "token.actions.githubusercontent.com" */
    svc_strings client_ids;    /* audiences, e.g. "sts.amazonaws.com" */
    svc_strings thumbprints;
    svc_tags tags;
    char *create_date;         /* as sent */
} iam_oidc_provider;

void iam_oidc_provider_free(iam_oidc_provider *p);
/* CreateOpenIDConnectProvider for url ("https://token.actions.githubusercontent.com");
 * client_ids, thumbprints and tags may be NULL. A create whose answer was lost is found by
 * its URL. *arn (may be NULL): the provider's ARN (free()). */
int iam_create_oidc_provider(aws_client *c, const char *url, const svc_strings *client_ids,
                             const svc_strings *thumbprints, const svc_tags *tags, char **arn,
                             aws_error *err);
/* GetOpenIDConnectProvider into *out (iam_oidc_provider_free); NoSuchEntity when none. */
int iam_get_oidc_provider(aws_client *c, const char *arn, iam_oidc_provider *out,
                          aws_error *err);
/* The ARNs of the account's providers into *arns (svc_strings_free). */
int iam_list_oidc_providers(aws_client *c, svc_strings *arns, aws_error *err);
/* The ARN of the provider for url (with or without "https://"), or *arn NULL (free()). */
int iam_find_oidc_provider(aws_client *c, const char *url, char **arn, aws_error *err);
int iam_delete_oidc_provider(aws_client *c, const char *arn, aws_error *err);
int iam_add_oidc_client_id(aws_client *c, const char *arn, const char *client_id,
                           aws_error *err);
int iam_remove_oidc_client_id(aws_client *c, const char *arn, const char *client_id,
                              aws_error *err);
/* Replace the thumbprint list (at most 5, each 40 hex characters). */
int iam_update_oidc_thumbprints(aws_client *c, const char *arn, const svc_strings *thumbprints,
                                aws_error *err);
int iam_tag_oidc_provider(aws_client *c, const char *arn, const svc_tags *tags, aws_error *err);
int iam_untag_oidc_provider(aws_client *c, const char *arn, const svc_strings *keys,
                            aws_error *err);

#endif
