/* IAM (query protocol): roles, policies, attachments, tags, the RoleExists waiter. */
#include "iam.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_paginate.h"
#include "svc_util.h"
#include "xalloc.h"

static const char *const iam_lists[] = {"Tags", "PolicyNames", "AttachedPolicies", "Roles", NULL};

static int call(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_query_call(c, "iam", action, in, NULL, iam_lists, out ? out : &o, err);
    cJSON_Delete(in);
    cJSON_Delete(o);
    return rc;
}

static cJSON *role_in(const char *role)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "RoleName", role);
    return in;
}

void iam_role_free(iam_role *r)
{
    free(r->name);
    free(r->arn);
    free(r->role_id);
    free(r->path);
    free(r->trust_policy);
    free(r->description);
    svc_tags_free(&r->tags);
    memset(r, 0, sizeof *r);
}

static void read_role(const cJSON *o, iam_role *r)
{
    memset(r, 0, sizeof *r);
    r->name = svc_dup_member(o, "RoleName");
    r->arn = svc_dup_member(o, "Arn");
    r->role_id = svc_dup_member(o, "RoleId");
    r->path = svc_dup_member(o, "Path");
    r->description = svc_dup_member(o, "Description");
    const char *doc = aws_json_str(o, "AssumeRolePolicyDocument");
    r->trust_policy = doc ? svc_url_decode(doc) : NULL;
    r->max_session_duration = (int)aws_json_int(o, "MaxSessionDuration", 0);
    svc_tags_read(&r->tags, cJSON_GetObjectItemCaseSensitive(o, "Tags"), "Key", "Value");
}

int iam_create_role(aws_client *c, const iam_role_input *in, iam_role *out, aws_error *err)
{
    cJSON *j = role_in(in->name), *o;
    svc_add_str(j, "Path", in->path);
    cJSON_AddStringToObject(j, "AssumeRolePolicyDocument", in->trust_policy);
    svc_add_str(j, "Description", in->description);
    if (in->max_session_duration > 0)
        cJSON_AddNumberToObject(j, "MaxSessionDuration", in->max_session_duration);
    if (in->tags && in->tags->n)
        cJSON_AddItemToObject(j, "Tags", svc_tags_json(in->tags, "Key", "Value"));
    if (call(c, "CreateRole", j, &o, err) != 0)
        return -1;
    if (out)
        read_role(cJSON_GetObjectItemCaseSensitive(o, "Role"), out);
    cJSON_Delete(o);
    return 0;
}

int iam_get_role(aws_client *c, const char *name, iam_role *out, aws_error *err)
{
    cJSON *o;
    memset(out, 0, sizeof *out);
    if (call(c, "GetRole", role_in(name), &o, err) != 0)
        return -1;
    read_role(cJSON_GetObjectItemCaseSensitive(o, "Role"), out);
    cJSON_Delete(o);
    return 0;
}

int iam_delete_role(aws_client *c, const char *name, aws_error *err)
{
    return call(c, "DeleteRole", role_in(name), NULL, err);
}

int iam_update_assume_role_policy(aws_client *c, const char *role, const char *policy,
                                  aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddStringToObject(in, "PolicyDocument", policy);
    return call(c, "UpdateAssumeRolePolicy", in, NULL, err);
}

int iam_update_role_description(aws_client *c, const char *role, const char *description,
                                aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddStringToObject(in, "Description", description);
    return call(c, "UpdateRoleDescription", in, NULL, err);
}

int iam_put_role_policy(aws_client *c, const char *role, const char *policy_name,
                        const char *policy, aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddStringToObject(in, "PolicyName", policy_name);
    cJSON_AddStringToObject(in, "PolicyDocument", policy);
    return call(c, "PutRolePolicy", in, NULL, err);
}

int iam_get_role_policy(aws_client *c, const char *role, const char *policy_name, char **policy,
                        aws_error *err)
{
    cJSON *in = role_in(role), *o;
    *policy = NULL;
    cJSON_AddStringToObject(in, "PolicyName", policy_name);
    if (call(c, "GetRolePolicy", in, &o, err) != 0)
        return -1;
    const char *doc = aws_json_str(o, "PolicyDocument");
    *policy = svc_url_decode(doc ? doc : "");
    cJSON_Delete(o);
    return 0;
}

int iam_delete_role_policy(aws_client *c, const char *role, const char *policy_name,
                           aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddStringToObject(in, "PolicyName", policy_name);
    return call(c, "DeleteRolePolicy", in, NULL, err);
}

/* All pages of a role listing; items of `member` collected. */
static int list_all(aws_client *c, const char *action, const char *role, const char *member,
                    cJSON **items, aws_error *err)
{
    cJSON *in = role_in(role);
    aws_page_spec spec = {.in_token = "Marker", .out_token = "Marker",
                          .truncated = "IsTruncated", .items = member};
    int rc = aws_query_paginate(c, "iam", action, in, iam_lists, &spec, items, err);
    cJSON_Delete(in);
    return rc;
}

int iam_list_role_policies(aws_client *c, const char *role, svc_strings *names, aws_error *err)
{
    cJSON *items;
    memset(names, 0, sizeof *names);
    if (list_all(c, "ListRolePolicies", role, "PolicyNames", &items, err) != 0)
        return -1;
    for (const cJSON *i = items->child; i; i = i->next)
        if (cJSON_IsString(i))
            svc_strings_add(names, i->valuestring);
    cJSON_Delete(items);
    return 0;
}

static int attachment(aws_client *c, const char *action, const char *role, const char *arn,
                      aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddStringToObject(in, "PolicyArn", arn);
    return call(c, action, in, NULL, err);
}

int iam_attach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err)
{
    return attachment(c, "AttachRolePolicy", role, policy_arn, err);
}

int iam_detach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err)
{
    return attachment(c, "DetachRolePolicy", role, policy_arn, err);
}

int iam_list_attached_role_policies(aws_client *c, const char *role, svc_strings *arns,
                                    aws_error *err)
{
    cJSON *items;
    memset(arns, 0, sizeof *arns);
    if (list_all(c, "ListAttachedRolePolicies", role, "AttachedPolicies", &items, err) != 0)
        return -1;
    for (const cJSON *i = items->child; i; i = i->next)
        if (aws_json_str(i, "PolicyArn"))
            svc_strings_add(arns, aws_json_str(i, "PolicyArn"));
    cJSON_Delete(items);
    return 0;
}

int iam_create_service_linked_role(aws_client *c, const char *service, char **arn,
                                   aws_error *err)
{
    cJSON *in = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(in, "AWSServiceName", service);
    if (call(c, "CreateServiceLinkedRole", in, &o, err) != 0)
        return -1;
    if (arn)
        *arn = svc_dup(aws_json_str(cJSON_GetObjectItemCaseSensitive(o, "Role"), "Arn"));
    cJSON_Delete(o);
    return 0;
}

int iam_tag_role(aws_client *c, const char *role, const svc_tags *tags, aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddItemToObject(in, "Tags", svc_tags_json(tags, "Key", "Value"));
    return call(c, "TagRole", in, NULL, err);
}

int iam_untag_role(aws_client *c, const char *role, const char *const *keys, size_t n,
                   aws_error *err)
{
    cJSON *in = role_in(role);
    cJSON_AddItemToObject(in, "TagKeys", svc_strings_json(keys, n));
    return call(c, "UntagRole", in, NULL, err);
}

int iam_list_role_tags(aws_client *c, const char *role, svc_tags *tags, aws_error *err)
{
    cJSON *items;
    memset(tags, 0, sizeof *tags);
    if (list_all(c, "ListRoleTags", role, "Tags", &items, err) != 0)
        return -1;
    svc_tags_read(tags, items, "Key", "Value");
    cJSON_Delete(items);
    return 0;
}

int iam_wait_role_exists(aws_client *c, const char *role, int max_seconds, aws_error *err)
{
    time_t deadline = time(NULL) + (max_seconds > 0 ? max_seconds : 20);
    for (;;) {
        iam_role r;
        if (iam_get_role(c, role, &r, err) == 0) {
            iam_role_free(&r);
            return 0;
        }
        if (strcmp(err->code, "NoSuchEntity") != 0)
            return -1;
        if (time(NULL) >= deadline) {
            aws_error_set(err, AWS_ERR_SERVICE, "WaiterTimeout",
                          "role %s did not appear within %d s (last answer: NoSuchEntity)", role,
                          max_seconds > 0 ? max_seconds : 20);
            return -1;
        }
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
}
