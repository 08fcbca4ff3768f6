/* IAM roles: create, get, delete, trust policy, list, tags (see iam.h). */
#include "iam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "svc_json_internal.h"
#include "xalloc.h"

/* The trust policy, form-decoded as IAM sends it; NULL when not returned. */
static void read_trust(const cJSON *j, void *item)
{
    const char *doc = aws_json_str(j, "AssumeRolePolicyDocument");
    ((iam_role *)item)->trust_policy = doc ? aws_form_unescape(doc) : NULL;
}

static const svc_shape role_shape = SVC_SHAPE(iam_role, read_trust, NULL,
    SVC_FIELD("RoleName", SVC_STR_NULL, iam_role, name),
    SVC_FIELD("Arn", SVC_STR_NULL, iam_role, arn),
    SVC_FIELD("RoleId", SVC_STR_NULL, iam_role, role_id),
    SVC_FIELD("Path", SVC_STR_NULL, iam_role, path),
    SVC_FIELD("Description", SVC_STR_NULL, iam_role, description),
    SVC_FIELD("CreateDate", SVC_STR_NULL, iam_role, create_date),
    SVC_FIELD("MaxSessionDuration", SVC_LONG, iam_role, max_session_duration),
    SVC_FTAGS("Tags", iam_role, tags, "Key", "Value"),
    SVC_FIELD("", SVC_KEPT, iam_role, trust_policy));

SVC_DEFINE_FREE(iam_role_free, iam_role, role_shape)
SVC_DEFINE_LIST_FREE(iam_roles_free, iam_roles, role_shape)

static cJSON *named(const char *role)
{
    return svc_input("RoleName", role);
}

int iam_create_role(aws_client *c, const iam_create_role_input *in, iam_role *out,
                    aws_error *err)
{
    if (!in || !in->name || !in->trust_policy)
        return svc_refuse(err, "InvalidInput",
                          "CreateRole needs a role name and a trust policy document");
    cJSON *j = named(in->name);
    cJSON_AddStringToObject(j, "AssumeRolePolicyDocument", in->trust_policy);
    svc_add_str(j, "Path", in->path);
    svc_add_str(j, "Description", in->description);
    if (in->max_session_duration > 0)
        cJSON_AddNumberToObject(j, "MaxSessionDuration", (double)in->max_session_duration);
    svc_add_tags(j, "Tags", in->tags, "Key", "Value");
    return svc_call_read(iam_call_, c, "CreateRole", j, "Role", &role_shape, out, err);
}

int iam_get_role(aws_client *c, const char *name, iam_role *out, aws_error *err)
{
    return svc_call_read(iam_call_, c, "GetRole", named(name), "Role", &role_shape, out, err);
}

int iam_delete_role(aws_client *c, const char *name, aws_error *err)
{
    return iam_call_(c, "DeleteRole", named(name), NULL, err);
}

int iam_update_role(aws_client *c, const char *name, const char *description,
                    long max_session_duration, aws_error *err)
{
    cJSON *j = named(name);
    svc_add_str(j, "Description", description);
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
    cJSON *in = cJSON_CreateObject();
    svc_add_str(in, "PathPrefix", path_prefix);
    return iam_list_read_(c, "ListRoles", in, max_items, "Roles", &role_shape,
                          (void **)&out->items, &out->n, err);
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
    cJSON *j = named(role);
    cJSON_AddItemToObject(j, "TagKeys", svc_strings_json(keys));
    return iam_call_(c, "UntagRole", j, NULL, err);
}
