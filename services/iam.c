/* IAM roles: create, get, delete, trust policy, list, tags (see iam.h). */
#include "iam.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "xalloc.h"

static const char *const role_lists[] = {"Tags", "Roles", NULL};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

char *iam_url_decode(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

void iam_read_tags_(const cJSON *arr, svc_tags *out)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, arr) {
        const char *k = aws_json_str(t, "Key");
        if (k)
            svc_tags_add(out, k, aws_json_str(t, "Value"));
    }
}

cJSON *iam_tags_json_(const svc_tags *tags)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; tags && i < tags->n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", tags->items[i].key);
        cJSON_AddStringToObject(t, "Value", tags->items[i].value ? tags->items[i].value : "");
        cJSON_AddItemToArray(arr, t);
    }
    return arr;
}

static void read_role(const cJSON *j, iam_role *r)
{
    memset(r, 0, sizeof *r);
    r->name = dup_or_null(aws_json_str(j, "RoleName"));
    r->arn = dup_or_null(aws_json_str(j, "Arn"));
    r->role_id = dup_or_null(aws_json_str(j, "RoleId"));
    r->path = dup_or_null(aws_json_str(j, "Path"));
    r->description = dup_or_null(aws_json_str(j, "Description"));
    r->create_date = dup_or_null(aws_json_str(j, "CreateDate"));
    const char *doc = aws_json_str(j, "AssumeRolePolicyDocument");
    r->trust_policy = doc ? iam_url_decode(doc) : NULL;
    r->max_session_duration = (long)aws_json_int(j, "MaxSessionDuration", 0);
    iam_read_tags_(aws_json_array(j, "Tags"), &r->tags);
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
    for (size_t i = 0; i < r->n; i++)
        iam_role_free(&r->items[i]);
    free(r->items);
    r->items = NULL;
    r->n = 0;
}

/* One query call whose output is only checked; input is consumed. */
int iam_call_(aws_client *c, const char *action, cJSON *in, cJSON **out, aws_error *err)
{
    cJSON *o = NULL;
    int rc = aws_query_call(c, "iam", action, in, NULL, role_lists, &o, err);
    cJSON_Delete(in);
    if (out)
        *out = o;
    else
        cJSON_Delete(o);
    return rc;
}

static cJSON *named(const char *role)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "RoleName", role ? role : "");
    return in;
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
        cJSON_AddItemToObject(j, "Tags", iam_tags_json_(in->tags));
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

/* Follow Marker/IsTruncated pages of action, collecting `items`. */
int iam_list_(aws_client *c, const char *action, cJSON *in, int max_items, const char *items,
              cJSON **all, aws_error *err)
{
    static const char *const lists[] = {"Tags", "Roles", "PolicyNames", "AttachedPolicies",
                                        NULL};
    aws_page_spec spec = {.in_token = "Marker", .out_token = "Marker",
                          .truncated = "IsTruncated", .items = items};
    if (max_items > 0)
        cJSON_AddNumberToObject(in, "MaxItems", max_items);
    int rc = aws_query_paginate(c, "iam", action, in, lists, &spec, all, err);
    cJSON_Delete(in);
    return rc;
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
    iam_read_tags_(all, out);
    cJSON_Delete(all);
    return 0;
}

int iam_tag_role(aws_client *c, const char *role, const svc_tags *tags, aws_error *err)
{
    cJSON *j = named(role);
    cJSON_AddItemToObject(j, "Tags", iam_tags_json_(tags));
    return iam_call_(c, "TagRole", j, NULL, err);
}

int iam_untag_role(aws_client *c, const char *role, const svc_strings *keys, aws_error *err)
{
    cJSON *j = named(role), *arr = cJSON_AddArrayToObject(j, "TagKeys");
    for (size_t i = 0; keys && i < keys->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(keys->items[i]));
    return iam_call_(c, "UntagRole", j, NULL, err);
}
