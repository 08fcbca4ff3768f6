/*
 * The CI role's permissions: what `up` and `deploy` call for THIS stack, derived kind by
 * kind: ci_policy_document calls every kind's ci_grant (include/res.h), or turns an EC2
 * kind's ci_ec2 into statements, in registry order, and adds what belongs to no kind (the
 * stack lock, publishing a site, the deny). A kind's
 * grant holds (ci_policy_covers checks that every kind has one, for the registry's test):
 *   - its reads: what its discovery and status call. Every kind discovers on every `up`,
 *     so they are granted whatever the file holds; Describe/List calls that AWS does not
 *     scope to a resource are on "*";
 *   - its writes: what create, update and remove call, granted only when the file has nodes
 *     of the kind, on the stack's own resources, named as AWS lets a policy name them:
 *       by name or path where the stack chooses it: roles under /ecsdeploy/STACK/, secrets
 *       named STACK/..., log groups, buckets, the cluster STACK and its services, task definition
 *       families, load balancers, target groups, listeners and rules by name;
 *       by tag where AWS picks the id: EC2, Cloud Map, CloudFront distributions
 *       (aws:RequestTag/ecsdeploy:stack on creation, aws:ResourceTag/ecsdeploy:stack after);
 *       on every origin access control (they have no tags and random ids);
 *   - iam:PassRole only on the stack's roles and only to ECS; iam:CreateServiceLinkedRole
 *     only for the services the kinds need; iam:AttachRolePolicy only of the managed
 *     policies the stack's roles have.
 * A last statement denies any change to the CI role itself and to the OpenID Connect
 * provider: a workflow cannot widen its own rights (an administrator applies a change of
 * `ci:`; see README, "CI").
 * A kind added later writes its ci_grant in its own file; tests/e2e/test_ci_role.py
 * runs `up` and `deploy` as the role against the fake, which enforces the policy, to check
 * nothing is missing.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_internal.h"
#include "ci_policy_internal.h"
#include "stack_names.h"
#include "xalloc.h"

int ci_policy_covers(const res_registry *r, const char **missing)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->kinds[i]->ci_grant && !r->kinds[i]->ci_ec2) {
            *missing = r->kinds[i]->name;
            return 0;
        }
    return 1;
}

/* ---- after the kinds ----------------------------------------------------------------- */

/* ec2:CreateTags, for the EC2 creates the kinds allowed (ci_ec2_grant) only */
static void ec2_tagging(ci_builder *b)
{
    if (cJSON_GetArraySize(b->ec2_creates) == 0)
        return;
    cJSON *c = ci_tagging(b);
    cJSON_AddItemToObject(cJSON_GetObjectItem(c, "StringEquals"), "ec2:CreateAction",
                          cJSON_Duplicate(b->ec2_creates, 1));
    ci_allow(b, "ec2:CreateTags", ci_one(ci_arn(b, "ec2", 1, "*")), c);
}

/* ---- publishing a site from CI (ci.publish) ------------------------------------------- */

static void publish(ci_builder *b)
{
    const stack_model *s = b->g->stack;
    for (size_t i = 0; i < s->ci.npublish; i++) {
        const stack_site *x = stack_find_site(s, s->ci.publish[i]);
        char *id = x ? xasprintf("bucket/%s", x->bucket) : NULL;
        const res_node *bn = id ? res_graph_find(b->g, id) : NULL;
        free(id);
        if (!bn || !bn->desired)
            continue;
        char *bucket_name = ci_bucket_name(b, bn);
        const char *prefix = x->path ? x->path + 1 : "";
        char *objects = xasprintf("%s/%s%s*", bucket_name, prefix, *prefix ? "/" : "");
        ci_allow(b, "s3:PutObject s3:GetObject s3:DeleteObject", ci_one(ci_bucket_arn(b, objects)), NULL);
        free(objects);
        cJSON *list = ci_when(b, "StringLike", "s3:prefix",
                           cJSON_CreateString(*prefix ? "" : "*"));
        if (*prefix) {
            char *p = xasprintf("%s/*", prefix);
            cJSON_ReplaceItemInObject(cJSON_GetObjectItem(list, "StringLike"), "s3:prefix",
                                      cJSON_CreateString(p));
            free(p);
        }
        ci_allow(b, "s3:ListBucket", ci_one(ci_bucket_arn(b, bucket_name)), list);
        free(bucket_name);
        char *site_id = xasprintf("site/%s", x->name);
        cJSON *c = ci_tagged(b);
        cJSON_AddStringToObject(cJSON_GetObjectItem(c, "StringEquals"),
                                "aws:ResourceTag/" RES_TAG_ID, site_id);
        ci_allow(b, "cloudfront:CreateInvalidation cloudfront:GetInvalidation",
              ci_one(ci_arn(b, "cloudfront", 0, "distribution/*")), c);
        free(site_id);
    }
}

/* The stack lock (include/lock.h) up and deploy take before anything else: its objects
 * in the account's lock bucket of the stack's region, and that bucket made on first use. */
static cJSON *lock_arn(const ci_builder *b, const char *key)
{
    char *head = xasprintf("arn:%s:s3:::ecsdeploy-locks-", b->g->partition);
    char *rest = xasprintf("-%s%s", b->g->region, key);
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, cJSON_CreateString(head));
    cJSON_AddItemToArray(parts, res_ref(b->account_node, "account"));
    cJSON_AddItemToArray(parts, cJSON_CreateString(rest));
    free(head);
    free(rest);
    return res_concat(parts);
}

static void stack_lock(ci_builder *b)
{
    const char *stack = b->g->stack->name;
    char *whole = xasprintf("/%s.lock", stack), *services = xasprintf("/%s/services/*", stack);
    char *mark = xasprintf("/%s.last-run", stack); /* lock_quiet_since */
    cJSON *objects = ci_one(lock_arn(b, whole));
    cJSON_AddItemToArray(objects, lock_arn(b, mark));
    cJSON_AddItemToArray(objects, lock_arn(b, services));
    ci_allow(b, "s3:PutObject s3:GetObject s3:DeleteObject", objects, NULL);
    ci_allow(b, "s3:CreateBucket", ci_one(lock_arn(b, "")), NULL);
    /* the stack's lock looks for its services' locks; discovery for the lock and the mark
     * (lock_record_kinds) */
    char *listed = xasprintf("%s/services/*", stack), *beside = xasprintf("%s.*", stack);
    cJSON *prefixes = cJSON_CreateArray();
    cJSON_AddItemToArray(prefixes, cJSON_CreateString(listed));
    cJSON_AddItemToArray(prefixes, cJSON_CreateString(beside));
    ci_allow(b, "s3:ListBucketVersions", ci_one(lock_arn(b, "")),
          ci_when(b, "StringLike", "s3:prefix", prefixes));
    free(listed);
    free(beside);
    free(whole);
    free(mark);
    free(services);
}

/* The CI role and the provider it trusts stay as an administrator made them. */
static void deny_self(ci_builder *b)
{
    char *name = stack_name_ci_role(b->g->stack->name);
    cJSON *r = ci_one(ci_arn(b, "iam", 0, "role/ecsdeploy/%s/%s", b->g->stack->name, name));
    cJSON_AddItemToArray(r, ci_arn(b, "iam", 0, "policy/ecsdeploy/%s/%s-*", b->g->stack->name, name));
    cJSON_AddItemToArray(r, ci_arn(b, "iam", 0, "oidc-provider/" CI_GITHUB_HOST));
    ci_statement(b, "Deny",
              "iam:CreateRole iam:TagRole iam:UntagRole iam:UpdateRole iam:UpdateAssumeRolePolicy "
              "iam:PutRolePolicy iam:DeleteRolePolicy iam:AttachRolePolicy iam:DetachRolePolicy "
              "iam:DeleteRole iam:PassRole iam:CreateOpenIDConnectProvider "
              "iam:DeleteOpenIDConnectProvider iam:AddClientIDToOpenIDConnectProvider "
              "iam:RemoveClientIDFromOpenIDConnectProvider "
              "iam:UpdateOpenIDConnectProviderThumbprint iam:TagOpenIDConnectProvider "
              "iam:UntagOpenIDConnectProvider iam:CreatePolicy iam:CreatePolicyVersion "
              "iam:DeletePolicyVersion iam:SetDefaultPolicyVersion iam:DeletePolicy",
              r, NULL);
    free(name);
}

cJSON *ci_policy_document(const res_graph *g, const char *account_node)
{
    ci_builder b = {g, account_node, cJSON_CreateArray(), cJSON_CreateArray()};
    const res_registry *reg = g->registry;
    for (size_t k = 0; reg && k < reg->n; k++) {
        const res_kind *kind = reg->kinds[k];
        int mine = 0;
        for (size_t i = 0; i < g->n && !mine; i++)
            mine = g->nodes[i]->kind == kind && g->nodes[i]->desired &&
                   !g->nodes[i]->external && strcmp(g->nodes[i]->id, "role/ci") != 0;
        if (kind->ci_grant)
            kind->ci_grant(&b, mine);
        else if (kind->ci_ec2)
            ci_ec2_grant(&b, mine, kind->ci_ec2);
        /* else: test_res_site_ci.c fails for such a kind */
        if (mine && kind->linked_role)
            ci_linked_role(&b, kind->linked_role);
    }
    ec2_tagging(&b);
    stack_lock(&b);
    publish(&b);
    deny_self(&b);
    cJSON_Delete(b.ec2_creates);
    /* a list of one is written as the one string: IAM counts every character */
    cJSON *st;
    cJSON_ArrayForEach(st, b.statements) {
        static const char *const lists[] = {"Action", "Resource"};
        for (size_t i = 0; i < 2; i++) {
            cJSON *l = cJSON_GetObjectItem(st, lists[i]);
            if (cJSON_GetArraySize(l) == 1)
                cJSON_ReplaceItemInObject(st, lists[i], cJSON_DetachItemFromArray(l, 0));
        }
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON_AddItemToObject(doc, "Statement", b.statements);
    return doc;
}
