/* IAM roles: create, get, delete, trust policy, list, tags (see iam.h). */
#include "iam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static void read_role(const cJSON *j, iam_role *r)
{
    memset(r, 0, sizeof *r);
    r->name = xstrdup_or_null(aws_json_str(j, "RoleName"));
    r->arn = xstrdup_or_null(aws_json_str(j, "Arn"));
    r->role_id = xstrdup_or_null(aws_json_str(j, "RoleId"));
    r->path = xstrdup_or_null(aws_json_str(j, "Path"));
    r->description = xstrdup_or_null(aws_json_str(j, "Description"));
    r->create_date = xstrdup_or_null(aws_json_str(j, "CreateDate"));
    const char *doc = aws_json_str(j, "AssumeRolePolicyDocument");
    r->trust_policy = doc ? aws_form_unescape(doc) : NULL;
    r->max_session_duration = (long)aws_json_int(j, "MaxSessionDuration", 0);
    svc_json_tags(j, "Tags", "Key", "Value", &r->tags);
}

void iam_role_free(iam_role *r)
{
    free(r->name);
    free(r->arn);
    free(r->role_id);
    free(r->path);
    free(r->description);
    free(r->trust_policy);
    free(r->create_date);
    svc_tags_free(&r->tags);
    memset(r, 0, sizeof *r);
}

void iam_roles_free(iam_roles *r)
{
    SVC_LIST_FREE(r, iam_role_free);
}

static cJSON *named(const char *role)
{
    return svc_input("RoleName", role);
}

int iam_create_role(aws_client *c, const iam_create_role_input *in, iam_role *out,
                    aws_error *err)
{
    if (!in || !in->name || !in->trust_policy) {
        aws_error_set(err, AWS_ERR_INPUT, "InvalidInput",
                      "CreateRole needs a role name and a trust policy document");
        return -1;
    }
    cJSON *j = named(in->name);
    cJSON_AddStringToObject(j, "AssumeRolePolicyDocument", in->trust_policy);
    if (in->path)
        cJSON_AddStringToObject(j, "Path", in->path);
    if (in->description)
        cJSON_AddStringToObject(j, "Description", in->description);
    if (in->max_session_duration > 0)
        cJSON_AddNumberToObject(j, "MaxSessionDuration", (double)in->max_session_duration);
    if (in->tags && in->tags->n)
        cJSON_AddItemToObject(j, "Tags", svc_tags_json(in->tags, "Key", "Value"));
    cJSON *o;
    if (iam_call_(c, "CreateRole", j, &o, err) != 0)
        return -1;
    if (out)
        read_role(cJSON_GetObjectItem(o, "Role"), out);
    cJSON_Delete(o);
    return 0;
}

int iam_get_role(aws_client *c, const char *name, iam_role *out, aws_error *err)
{
    cJSON *o;
    if (iam_call_(c, "GetRole", named(name), &o, err) != 0)
        return -1;
    read_role(cJSON_GetObjectItem(o, "Role"), out);
    cJSON_Delete(o);
    return 0;
}

int iam_delete_role(aws_client *c, const char *name, aws_error *err)
{
    return iam_call_(c, "DeleteRole", named(name), NULL, err);
}

int iam_update_role(aws_client *c, const char *name, const char *description,
                    long max_session_duration, aws_error *err)
{
    cJSON *j = named(name);
    if (description)
        cJSON_AddStringToObject(j, "Description", description);
    if (max_session_duration > 0)
        cJSON_AddNumberToObject(j, "MaxSessionDuration", (double)max_session_duration);
    return iam_call_(c, "UpdateRole", j, NULL, err);
}

int iam_update_assume_role_policy(aws_client *c, const char *name, const char *policy,
                                  aws_error *err)
{
    cJSON *j = named(name);
    cJSON_AddStringToObject(j, "PolicyDocument", policy ? policy : "");
    return iam_call_(c, "UpdateAssumeRolePolicy", j, NULL, err);
}

int iam_list_roles(aws_client *c, const char *path_prefix, int max_items, iam_roles *out,
                   aws_error *err)
{
    cJSON *in = cJSON_CreateObject(), *all;
    memset(out, 0, sizeof *out);
    if (path_prefix)
        cJSON_AddStringToObject(in, "PathPrefix", path_prefix);
    if (iam_list_(c, "ListRoles", in, max_items, "Roles", &all, err) != 0)
        return -1;
    int n = cJSON_GetArraySize(all);
    out->items = xcalloc((size_t)n + 1, sizeof *out->items);
    const cJSON *r;
    cJSON_ArrayForEach(r, all) read_role(r, &out->items[out->n++]);
    cJSON_Delete(all);
    return 0;
}

int iam_list_role_tags(aws_client *c, const char *role, int max_items, svc_tags *out,
                       aws_error *err)
{
    cJSON *all;
    memset(out, 0, sizeof *out);
    if (iam_list_(c, "ListRoleTags", named(role), max_items, "Tags", &all, err) != 0)
        return -1;
    svc_json_tags(all, NULL, "Key", "Value", out);
    cJSON_Delete(all);
    return 0;
}

int iam_tag_role(aws_client *c, const char *role, const svc_tags *tags, aws_error *err)
{
    cJSON *j = named(role);
    cJSON_AddItemToObject(j, "Tags", svc_tags_json(tags, "Key", "Value"));
    return iam_call_(c, "TagRole", j, NULL, err);
}

int iam_untag_role(aws_client *c, const char *role, const svc_strings *keys, aws_error *err)
{
    cJSON *j = named(role), *arr = cJSON_AddArrayToObject(j, "TagKeys");
    for (size_t i = 0; keys && i < keys->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(keys->items[i]));
    return iam_call_(c, "UntagRole", j, NULL, err);
}
