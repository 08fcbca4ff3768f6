/* IAM customer managed policies and their versions (see iam.h). */
#include "iam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static const svc_shape policy_shape = SVC_SHAPE(iam_policy, NULL, NULL,
    SVC_FIELD("Arn", SVC_STR_NULL, iam_policy, arn),
    SVC_FIELD("PolicyName", SVC_STR_NULL, iam_policy, name),
    SVC_FIELD("Path", SVC_STR_NULL, iam_policy, path),
    SVC_FIELD("DefaultVersionId", SVC_STR_NULL, iam_policy, default_version),
    SVC_FIELD("Description", SVC_STR_NULL, iam_policy, description),
    SVC_FIELD("AttachmentCount", SVC_LONG, iam_policy, attachments),
    SVC_FTAGS("Tags", iam_policy, tags, "Key", "Value"));

SVC_DEFINE_FREE(iam_policy_free, iam_policy, policy_shape)
SVC_DEFINE_LIST_FREE(iam_policies_free, iam_policies, policy_shape)

int iam_create_policy(aws_client *c, const char *name, const char *path, const char *document,
                      const char *description, const svc_tags *tags, iam_policy *out,
                      aws_error *err)
{
    cJSON *in = svc_input("PolicyName", name);
    cJSON_AddStringToObject(in, "PolicyDocument", document ? document : "");
    svc_add_str(in, "Path", path);
    svc_add_str(in, "Description", description);
    svc_add_tags(in, "Tags", tags, "Key", "Value");
    return svc_call_read(iam_call_, c, "CreatePolicy", in, "Policy", &policy_shape, out, err);
}

int iam_get_policy(aws_client *c, const char *arn, iam_policy *out, aws_error *err)
{
    return svc_call_read(iam_call_, c, "GetPolicy", svc_input("PolicyArn", arn), "Policy",
                         &policy_shape, out, err);
}

int iam_get_policy_version(aws_client *c, const char *arn, const char *version, char **document,
                           aws_error *err)
{
    *document = NULL;
    cJSON *in = svc_input("PolicyArn", arn);
    cJSON_AddStringToObject(in, "VersionId", version);
    cJSON *o;
    if (iam_call_(c, "GetPolicyVersion", in, &o, err) != 0)
        return -1;
    const char *doc = aws_json_str(cJSON_GetObjectItemCaseSensitive(o, "PolicyVersion"), "Document");
    *document = aws_form_unescape(doc ? doc : "");
    cJSON_Delete(o);
    return 0;
}

int iam_create_policy_version(aws_client *c, const char *arn, const char *document,
                              int set_default, char **version, aws_error *err)
{
    if (version)
        *version = NULL;
    cJSON *in = svc_input("PolicyArn", arn);
    cJSON_AddStringToObject(in, "PolicyDocument", document ? document : "");
    if (set_default)
        cJSON_AddStringToObject(in, "SetAsDefault", "true");
    cJSON *o;
    if (iam_call_(c, "CreatePolicyVersion", in, &o, err) != 0)
        return -1;
    if (version)
        *version = xstrdup_or_null(
            aws_json_str(cJSON_GetObjectItemCaseSensitive(o, "PolicyVersion"), "VersionId"));
    cJSON_Delete(o);
    return 0;
}

int iam_list_policy_versions(aws_client *c, const char *arn, svc_strings *ids, char **default_id,
                             aws_error *err)
{
    memset(ids, 0, sizeof *ids);
    if (default_id)
        *default_id = NULL;
    cJSON *all;
    if (iam_list_(c, "ListPolicyVersions", svc_input("PolicyArn", arn), 0, "Versions", &all,
                  err) != 0)
        return -1;
    /* IAM lists the newest first */
    int n = cJSON_GetArraySize(all);
    for (int i = n - 1; i >= 0; i--) {
        const cJSON *v = cJSON_GetArrayItem(all, i);
        const char *id = aws_json_str(v, "VersionId");
        if (!id)
            continue;
        svc_strings_add(ids, id);
        if (default_id && !*default_id && aws_json_bool(v, "IsDefaultVersion", 0))
            *default_id = xstrdup(id);
    }
    cJSON_Delete(all);
    return 0;
}

int iam_delete_policy_version(aws_client *c, const char *arn, const char *version,
                              aws_error *err)
{
    cJSON *in = svc_input("PolicyArn", arn);
    cJSON_AddStringToObject(in, "VersionId", version);
    return iam_call_(c, "DeletePolicyVersion", in, NULL, err);
}

int iam_delete_policy(aws_client *c, const char *arn, aws_error *err)
{
    return iam_call_(c, "DeletePolicy", svc_input("PolicyArn", arn), NULL, err);
}

int iam_list_local_policies(aws_client *c, const char *path_prefix, iam_policies *out,
                            aws_error *err)
{
    cJSON *in = svc_input("Scope", "Local");
    svc_add_str(in, "PathPrefix", path_prefix);
    return iam_list_read_(c, "ListPolicies", in, 0, "Policies", &policy_shape,
                          (void **)&out->items, &out->n, err);
}
