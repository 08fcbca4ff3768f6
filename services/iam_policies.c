/* IAM inline and managed role policies, service-linked roles (see iam.h). */
#include "iam_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_form.h"
#include "svc_json_internal.h"
#include "xalloc.h"

static cJSON *role_policy(const char *role, const char *key, const char *value)
{
    cJSON *in = svc_input("RoleName", role);
    if (key)
        cJSON_AddStringToObject(in, key, value ? value : "");
    return in;
}

int iam_put_role_policy(aws_client *c, const char *role, const char *policy_name,
                        const char *document, aws_error *err)
{
    cJSON *in = role_policy(role, "PolicyName", policy_name);
    cJSON_AddStringToObject(in, "PolicyDocument", document ? document : "");
    return iam_call_(c, "PutRolePolicy", in, NULL, err);
}

int iam_get_role_policy(aws_client *c, const char *role, const char *policy_name,
                        char **document, aws_error *err)
{
    cJSON *out;
    *document = NULL;
    if (iam_call_(c, "GetRolePolicy", role_policy(role, "PolicyName", policy_name), &out,
                  err) != 0)
        return -1;
    const char *doc = aws_json_str(out, "PolicyDocument");
    *document = aws_form_unescape(doc ? doc : "");
    cJSON_Delete(out);
    return 0;
}

int iam_delete_role_policy(aws_client *c, const char *role, const char *policy_name,
                           aws_error *err)
{
    return iam_call_(c, "DeleteRolePolicy", role_policy(role, "PolicyName", policy_name), NULL,
                     err);
}

int iam_list_role_policies(aws_client *c, const char *role, int max_items, svc_strings *names,
                           aws_error *err)
{
    cJSON *all;
    memset(names, 0, sizeof *names);
    if (iam_list_(c, "ListRolePolicies", role_policy(role, NULL, NULL), max_items,
                  "PolicyNames", &all, err) != 0)
        return -1;
    return svc_read_strings(all, NULL, names);
}

int iam_attach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err)
{
    return iam_call_(c, "AttachRolePolicy", role_policy(role, "PolicyArn", policy_arn), NULL,
                     err);
}

int iam_detach_role_policy(aws_client *c, const char *role, const char *policy_arn,
                           aws_error *err)
{
    return iam_call_(c, "DetachRolePolicy", role_policy(role, "PolicyArn", policy_arn), NULL,
                     err);
}

int iam_list_attached_role_policies(aws_client *c, const char *role, int max_items,
                                    svc_strings *arns, aws_error *err)
{
    cJSON *all;
    memset(arns, 0, sizeof *arns);
    if (iam_list_(c, "ListAttachedRolePolicies", role_policy(role, NULL, NULL), max_items,
                  "AttachedPolicies", &all, err) != 0)
        return -1;
    return svc_read_strings(all, "PolicyArn", arns);
}

int iam_create_service_linked_role(aws_client *c, const char *service, const char *description,
                                   int *created, aws_error *err)
{
    cJSON *in = svc_input("AWSServiceName", service);
    svc_add_str(in, "Description", description);
    if (created)
        *created = 0;
    if (iam_call_(c, "CreateServiceLinkedRole", in, NULL, err) == 0) {
        if (created)
            *created = 1;
        return 0;
    }
    if (aws_error_is(err, AWS_IS_INVALID) && strstr(err->message, "has been taken")) {
        aws_error_clear(err);
        return 0;
    }
    return -1;
}
