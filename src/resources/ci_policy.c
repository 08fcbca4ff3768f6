/*
 * The CI role's permissions: what `up` and `deploy` call for THIS stack, derived kind by
 * kind. Every kind has a row below or in ci_policy_data.c (ci_policy_covers checks it for the registry's test):
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
 * Kinds added later add their row here or in ci_policy_data.c; tests/e2e/test_ci_role.py
 * runs `up` and `deploy` as the role against the fake, which enforces the policy, to check
 * nothing is missing.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_internal.h"
#include "ci_policy_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* ---- the kinds ----------------------------------------------------------------------- */


static void ec2_writes(ci_builder *b, const char *create, const char *changes)
{
    /* every EC2 create of the stack tags the resource on creation (TagSpecifications):
     * ec2:CreateTags is allowed for those creates only (one statement, see ec2_tagging) */
    ci_allow(b, create, ci_one(ci_arn(b, "ec2", 1, "*")), ci_tagging(b));
    ci_add_actions(b->ec2_creates, create + 4);
    if (changes)
        ci_allow(b, changes, ci_one(ci_arn(b, "ec2", 1, "*")), ci_tagged(b));
}

static void ec2_tagging(ci_builder *b)
{
    if (cJSON_GetArraySize(b->ec2_creates) == 0)
        return;
    cJSON *c = ci_tagging(b);
    cJSON_AddItemToObject(cJSON_GetObjectItem(c, "StringEquals"), "ec2:CreateAction",
                          cJSON_Duplicate(b->ec2_creates, 1));
    ci_allow(b, "ec2:CreateTags", ci_one(ci_arn(b, "ec2", 1, "*")), c);
}

static void vpc(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeVpcs ec2:DescribeVpcAttribute ec2:DescribeAvailabilityZones");
    if (mine)
        ec2_writes(b, "ec2:CreateVpc", "ec2:ModifyVpcAttribute ec2:DeleteVpc "
                   "ec2:AssociateVpcCidrBlock ec2:DisassociateVpcCidrBlock");
}

static void subnet(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSubnets ec2:DescribeAvailabilityZones");
    if (mine)
        ec2_writes(b, "ec2:CreateSubnet", "ec2:ModifySubnetAttribute ec2:DeleteSubnet "
                   "ec2:AssociateSubnetCidrBlock ec2:DisassociateSubnetCidrBlock");
}

static void igw(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeInternetGateways");
    if (mine)
        ec2_writes(b, "ec2:CreateInternetGateway",
                   "ec2:AttachInternetGateway ec2:DetachInternetGateway ec2:DeleteInternetGateway");
}

/* the egress-only internet gateway of a dual-stack VPC's private subnets */
static void eigw(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeEgressOnlyInternetGateways");
    if (mine)
        ec2_writes(b, "ec2:CreateEgressOnlyInternetGateway", "ec2:DeleteEgressOnlyInternetGateway");
}

static void route_table(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeRouteTables");
    if (mine)
        ec2_writes(b, "ec2:CreateRouteTable",
                   "ec2:CreateRoute ec2:ReplaceRoute ec2:DeleteRoute ec2:AssociateRouteTable "
                   "ec2:DisassociateRouteTable ec2:DeleteRouteTable");
}

static void eip(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeAddresses");
    if (mine)
        ec2_writes(b, "ec2:AllocateAddress", "ec2:ReleaseAddress");
}

static void nat(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeNatGateways");
    if (mine)
        ec2_writes(b, "ec2:CreateNatGateway", "ec2:DeleteNatGateway");
}

static void sg(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSecurityGroups ec2:DescribeNetworkInterfaces");
    if (mine)
        ec2_writes(b, "ec2:CreateSecurityGroup",
                   "ec2:DeleteSecurityGroup ec2:AuthorizeSecurityGroupEgress "
                   "ec2:RevokeSecurityGroupEgress");
}

static void sg_rules(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSecurityGroupRules");
    if (mine)
        ci_allow(b, "ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress",
              ci_one(ci_arn(b, "ec2", 1, "security-group/*")), ci_tagged(b));
}

/* a service's egress rules replace its group's allow-all */
static void sg_egress(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSecurityGroupRules ec2:DescribeSecurityGroups");
    if (mine)
        ci_allow(b, "ec2:AuthorizeSecurityGroupEgress ec2:RevokeSecurityGroupEgress",
              ci_one(ci_arn(b, "ec2", 1, "security-group/*")), ci_tagged(b));
}

static cJSON *group_arn(const ci_builder *b, const char *id)
{
    return ci_arn(b, "ec2", 1, "security-group/%s", id);
}

/* rules in existing groups: those groups by id (they carry no tag of the stack) */
static void sg_reach(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSecurityGroupRules ec2:DescribeSecurityGroups");
    if (!mine)
        return;
    cJSON *groups = cJSON_CreateArray();
    const stack_model *s = b->g->stack;
    for (size_t i = 0; i < s->nservices; i++)
        for (size_t k = 0; k < s->services[i].nreach; k++)
            cJSON_AddItemToArray(groups, group_arn(b, s->services[i].reach[k].group));
    ci_allow(b, "ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress", groups, NULL);
}

static cJSON *secret_arn(const ci_builder *b, const char *name)
{
    if (strncmp(name, "arn:", 4) == 0)
        return cJSON_CreateString(name);
    /* Secrets Manager adds "-" and six random characters to the name */
    return ci_arn(b, "secretsmanager", 1, "secret:%s-??????", name);
}

static cJSON *stack_secrets(const ci_builder *b)
{
    return ci_one(ci_arn(b, "secretsmanager", 1, "secret:%s/*", b->g->stack->name));
}

static void secret(ci_builder *b, int mine)
{
    READS(b, "secretsmanager:ListSecrets");
    const stack_model *s = b->g->stack;
    cJSON *existing = cJSON_CreateArray();
    for (size_t i = 0; i < s->nsecrets; i++)
        if (s->secrets[i].source == STACK_SECRET_EXISTING)
            cJSON_AddItemToArray(existing, secret_arn(b, s->secrets[i].existing));
    if (cJSON_GetArraySize(existing))
        ci_allow(b, "secretsmanager:DescribeSecret", existing, NULL);
    else
        cJSON_Delete(existing);
    if (!mine)
        return;
    ci_allow(b, "secretsmanager:GetRandomPassword", ci_any(), NULL);
    ci_allow(b, "secretsmanager:CreateSecret secretsmanager:DescribeSecret "
             "secretsmanager:PutSecretValue secretsmanager:TagResource "
             "secretsmanager:RestoreSecret secretsmanager:DeleteSecret",
          stack_secrets(b), NULL);
}

static cJSON *bucket_arn(const ci_builder *b, const char *name)
{
    char *a = xasprintf("arn:%s:s3:::%s", b->g->partition, name);
    cJSON *j = cJSON_CreateString(a);
    free(a);
    return j;
}

/* A bucket node's name, or for a default name (known only once the account is) the
 * pattern of it: STACK-BUCKET-* in place of the hash. Caller frees. */
static char *bucket_name_or_pattern(const ci_builder *b, const res_node *n)
{
    const cJSON *name = cJSON_GetObjectItem(n->desired, "name");
    if (cJSON_IsString(name))
        return xstrdup(name->valuestring);
    const stack_bucket *bk = n->model;
    char *any = stack_name_bucket(b->g->stack->name, bk ? bk->name : strchr(n->id, '/') + 1, "", "");
    size_t len = strlen(any);
    if (len > 10)
        strcpy(any + len - 10, "*");
    return any;
}

/* The stack's buckets (their ARNs, or with objects: "/ *" after each), all or those not kept. */
static cJSON *stack_buckets(const ci_builder *b, int only_gone, int objects)
{
    cJSON *r = cJSON_CreateArray();
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired || strncmp(n->id, "bucket/", 7) != 0 || (only_gone && n->keep))
            continue;
        char *name = bucket_name_or_pattern(b, n);
        char *what = objects ? xasprintf("%s/*", name) : xstrdup(name);
        cJSON_AddItemToArray(r, bucket_arn(b, what));
        free(what);
        free(name);
    }
    return r;
}

static void bucket(ci_builder *b, int mine)
{
    READS(b, "s3:ListAllMyBuckets");
    cJSON *buckets = ci_each(b, "bucket", "name", bucket_arn);
    /* discovery reads the buckets of the file and those named like the stack's */
    char *prefix = stack_name_bucket_prefix(b->g->stack->name);
    char *prefixed = xasprintf("%s*", prefix);
    cJSON_AddItemToArray(buckets, bucket_arn(b, prefixed));
    free(prefixed);
    free(prefix);
    ci_allow(b, "s3:ListBucket s3:GetBucketTagging s3:GetEncryptionConfiguration "
             "s3:GetBucketPolicy s3:GetLifecycleConfiguration s3:GetBucketVersioning "
             "s3:GetBucketPublicAccessBlock s3:GetBucketCORS",
          buckets, NULL);
    if (!mine)
        return;
    ci_allow(b, "s3:CreateBucket s3:PutBucketTagging s3:PutBucketPublicAccessBlock "
             "s3:PutEncryptionConfiguration s3:PutBucketPolicy s3:DeleteBucketPolicy "
             "s3:PutLifecycleConfiguration s3:PutBucketVersioning s3:PutBucketCORS",
          stack_buckets(b, 0, 0), NULL);
    /* only a bucket that is not kept can be deleted (emptied first) by `up` */
    cJSON *gone = stack_buckets(b, 1, 0), *objects = stack_buckets(b, 1, 1);
    if (cJSON_GetArraySize(gone)) {
        ci_allow(b, "s3:DeleteBucket s3:ListBucketVersions", gone, NULL);
        ci_allow(b, "s3:DeleteObject s3:DeleteObjectVersion", objects, NULL);
    } else {
        cJSON_Delete(gone);
        cJSON_Delete(objects);
    }
}

static void log_group(ci_builder *b, int mine)
{
    READS(b, "logs:DescribeLogGroups");
    if (!mine)
        return;
    /* the default names share one prefix; a name chosen in the file is named itself */
    char *prefix = stack_name_log_group(b->g->stack->name, "");
    cJSON *r = ci_one(ci_arn(b, "logs", 1, "log-group:%s*", prefix));
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        const cJSON *name = n->desired ? cJSON_GetObjectItem(n->desired, "name") : NULL;
        if (strncmp(n->id, "log_group/", 10) == 0 && cJSON_IsString(name) &&
            strncmp(name->valuestring, prefix, strlen(prefix)) != 0)
            cJSON_AddItemToArray(r, ci_arn(b, "logs", 1, "log-group:%s:*", name->valuestring));
    }
    free(prefix);
    ci_allow(b, "logs:CreateLogGroup logs:PutRetentionPolicy logs:DeleteRetentionPolicy "
             "logs:TagResource logs:DeleteLogGroup",
          r, NULL);
}

static cJSON *stack_roles(const ci_builder *b)
{
    return ci_one(ci_arn(b, "iam", 0, "role/ecsdeploy/%s/*", b->g->stack->name));
}

/* The managed policies the stack's roles have (AttachRolePolicy names exactly those). */
static cJSON *managed_policies(const ci_builder *b)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired || strncmp(n->id, "role/", 5) != 0)
            continue;
        const cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(n->desired, "managed")) {
            int seen = 0;
            const cJSON *e;
            cJSON_ArrayForEach(e, list) seen |= strcmp(e->valuestring, m->valuestring) == 0;
            if (!seen)
                cJSON_AddItemToArray(list, cJSON_CreateString(m->valuestring));
        }
    }
    return list;
}

static void role(ci_builder *b, int mine)
{
    READS(b, "iam:ListRoles");
    ci_allow(b, "iam:GetRole iam:ListAttachedRolePolicies iam:ListRolePolicies iam:GetRolePolicy "
             "iam:ListRoleTags",
          stack_roles(b), NULL);
    if (!mine)
        return;
    ci_allow(b, "iam:CreateRole iam:TagRole iam:UntagRole iam:UpdateRole iam:UpdateAssumeRolePolicy "
             "iam:PutRolePolicy iam:DeleteRolePolicy iam:DetachRolePolicy iam:DeleteRole",
          stack_roles(b), NULL);
    cJSON *policies = managed_policies(b);
    if (cJSON_GetArraySize(policies))
        ci_allow(b, "iam:AttachRolePolicy", stack_roles(b),
              ci_when(b, "ArnEquals", "iam:PolicyARN", policies));
    else
        cJSON_Delete(policies);
    /* the stack's roles, to ECS only: its tasks, and the infrastructure role */
    static const char *const to_ecs[] = {"ecs-tasks.amazonaws.com", "ecs.amazonaws.com", NULL};
    ci_allow(b, "iam:PassRole", stack_roles(b), ci_when(b, "StringEquals", "iam:PassedToService",
                                                   ci_strings(to_ecs)));
}

static void namespace(ci_builder *b, int mine)
{
    READS(b, "servicediscovery:ListNamespaces servicediscovery:GetNamespace "
             "servicediscovery:GetOperation servicediscovery:ListTagsForResource");
    if (!mine)
        return;
    ci_allow(b, "servicediscovery:CreatePrivateDnsNamespace servicediscovery:TagResource", ci_any(),
          ci_tagging(b));
    ci_allow(b, "servicediscovery:DeleteNamespace", ci_one(ci_arn(b, "servicediscovery", 1, "namespace/*")),
          ci_tagged(b));
    /* Cloud Map makes and deletes the namespace's private hosted zone as the caller */
    ci_allow(b, "route53:CreateHostedZone route53:GetHostedZone route53:ListHostedZonesByName "
             "route53:DeleteHostedZone route53:ChangeTagsForResource ec2:DescribeVpcs",
          ci_any(), NULL);
}

static void discovery(ci_builder *b, int mine)
{
    READS(b, "servicediscovery:ListServices servicediscovery:GetService "
             "servicediscovery:ListInstances servicediscovery:ListTagsForResource");
    if (!mine)
        return;
    ci_allow(b, "servicediscovery:CreateService", ci_one(ci_arn(b, "servicediscovery", 1, "namespace/*")),
          ci_tagged(b));
    ci_allow(b, "servicediscovery:UpdateService servicediscovery:DeleteService "
             "servicediscovery:DeregisterInstance",
          ci_one(ci_arn(b, "servicediscovery", 1, "service/*")), ci_tagged(b));
}

static cJSON *lb_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "elasticloadbalancing", 1, "loadbalancer/app/%s/*", name);
}
static cJSON *listener_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "elasticloadbalancing", 1, "listener/app/%s/*", name);
}
static cJSON *rule_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "elasticloadbalancing", 1, "listener-rule/app/%s/*", name);
}

static void elb_reads(ci_builder *b)
{
    READS(b, "elasticloadbalancing:DescribeLoadBalancers "
             "elasticloadbalancing:DescribeLoadBalancerAttributes elasticloadbalancing:DescribeTags "
             "elasticloadbalancing:DescribeTargetGroups "
             "elasticloadbalancing:DescribeTargetGroupAttributes "
             "elasticloadbalancing:DescribeTargetHealth elasticloadbalancing:DescribeListeners "
             "elasticloadbalancing:DescribeListenerCertificates elasticloadbalancing:DescribeRules");
}

static void alb(ci_builder *b, int mine)
{
    elb_reads(b);
    if (!mine)
        return;
    ci_allow(b, "elasticloadbalancing:CreateLoadBalancer elasticloadbalancing:AddTags "
             "elasticloadbalancing:RemoveTags elasticloadbalancing:ModifyLoadBalancerAttributes "
             "elasticloadbalancing:SetSubnets elasticloadbalancing:SetSecurityGroups "
             "elasticloadbalancing:SetIpAddressType elasticloadbalancing:DeleteLoadBalancer",
          ci_each(b, "alb", "name", lb_arn), NULL);
    ci_linked_role(b, "elasticloadbalancing.amazonaws.com");
}

/* a target group per service: told by its tags, so that the policy does not grow with them */
static void target_group(ci_builder *b, int mine)
{
    elb_reads(b);
    if (!mine)
        return;
    cJSON *groups = ci_one(ci_arn(b, "elasticloadbalancing", 1, "targetgroup/*"));
    ci_allow(b, "elasticloadbalancing:CreateTargetGroup elasticloadbalancing:AddTags", groups,
          ci_tagging(b));
    ci_allow(b, "elasticloadbalancing:ModifyTargetGroup elasticloadbalancing:ModifyTargetGroupAttributes "
             "elasticloadbalancing:DeleteTargetGroup elasticloadbalancing:RemoveTags",
          cJSON_Duplicate(groups, 1), ci_tagged(b));
}

static void listener(ci_builder *b, int mine)
{
    elb_reads(b);
    if (!mine)
        return;
    cJSON *r = ci_each(b, "alb", "name", lb_arn), *l = ci_each(b, "alb", "name", listener_arn);
    while (l->child)
        cJSON_AddItemToArray(r, cJSON_DetachItemViaPointer(l, l->child));
    cJSON_Delete(l);
    ci_allow(b, "elasticloadbalancing:CreateListener elasticloadbalancing:AddTags "
             "elasticloadbalancing:ModifyListener elasticloadbalancing:DeleteListener "
             "elasticloadbalancing:AddListenerCertificates "
             "elasticloadbalancing:RemoveListenerCertificates",
          r, NULL);
}

static void listener_rule(ci_builder *b, int mine)
{
    elb_reads(b);
    if (!mine)
        return;
    cJSON *r = ci_each(b, "alb", "name", listener_arn), *l = ci_each(b, "alb", "name", rule_arn);
    while (l->child)
        cJSON_AddItemToArray(r, cJSON_DetachItemViaPointer(l, l->child));
    cJSON_Delete(l);
    ci_allow(b, "elasticloadbalancing:CreateRule elasticloadbalancing:AddTags "
             "elasticloadbalancing:ModifyRule elasticloadbalancing:SetRulePriorities "
             "elasticloadbalancing:DeleteRule",
          r, NULL);
    /* an authenticating rule reads its OIDC client secret */
    const stack_model *s = b->g->stack;
    cJSON *secrets = cJSON_CreateArray();
    for (size_t i = 0; i < s->nsecrets; i++) {
        const stack_secret *x = &s->secrets[i];
        if (x->source == STACK_SECRET_EXISTING)
            cJSON_AddItemToArray(secrets, secret_arn(b, x->existing));
    }
    cJSON *own = stack_secrets(b);
    cJSON_AddItemToArray(secrets, cJSON_DetachItemFromArray(own, 0));
    cJSON_Delete(own);
    ci_allow(b, "secretsmanager:GetSecretValue", secrets, NULL);
}

static cJSON *cluster_arn(const ci_builder *b)
{
    return ci_arn(b, "ecs", 1, "cluster/%s", b->g->stack->name);
}

static void cluster(ci_builder *b, int mine)
{
    READS(b, "ecs:DescribeClusters");
    if (!mine)
        return;
    ci_allow(b, "ecs:CreateCluster ecs:UpdateCluster ecs:DeleteCluster ecs:TagResource",
          ci_one(cluster_arn(b)), NULL);
    ci_linked_role(b, "ecs.amazonaws.com");
}

static void task_def(ci_builder *b, int mine)
{
    READS(b, "ecs:ListTaskDefinitionFamilies ecs:ListTaskDefinitions ecs:DescribeTaskDefinition");
    if (!mine)
        return;
    /* ECS takes no resource for registering and deregistering revisions */
    ci_allow(b, "ecs:RegisterTaskDefinition ecs:DeregisterTaskDefinition", ci_any(), NULL);
}

static void service(ci_builder *b, int mine)
{
    READS(b, "ecs:ListServices ecs:DescribeServices ecs:ListTasks ecs:DescribeTasks "
             "ecs:ListServiceDeployments ecs:DescribeServiceDeployments "
             "ecs:DescribeServiceRevisions elasticloadbalancing:DescribeTargetHealth");
    if (mine)
        ci_allow(b, "ecs:CreateService ecs:UpdateService ecs:DeleteService ecs:TagResource "
                 "ecs:StopServiceDeployment",
              ci_one(ci_arn(b, "ecs", 1, "service/%s/*", b->g->stack->name)), NULL);
}

static void bootstrap(ci_builder *b, int mine)
{
    READS(b, "ecs:ListTasks ecs:DescribeTasks");
    ci_allow(b, "secretsmanager:GetSecretValue", stack_secrets(b), NULL);
    if (!mine)
        return;
    cJSON *r = ci_one(cluster_arn(b));
    cJSON_AddItemToArray(r, ci_arn(b, "ecs", 1, "task/%s/*", b->g->stack->name));
    ci_allow(b, "ecs:ExecuteCommand", r, NULL);
    ci_allow(b, "secretsmanager:CreateSecret secretsmanager:PutSecretValue", stack_secrets(b), NULL);
}

static void oac(ci_builder *b, int mine)
{
    READS(b, "cloudfront:ListOriginAccessControls");
    /* origin access controls have random ids and no tags: none can be told apart */
    if (mine)
        ci_allow(b, "cloudfront:CreateOriginAccessControl cloudfront:GetOriginAccessControl "
                 "cloudfront:UpdateOriginAccessControl cloudfront:DeleteOriginAccessControl",
              ci_one(ci_arn(b, "cloudfront", 0, "origin-access-control/*")), NULL);
}

static void headers(ci_builder *b, int mine)
{
    READS(b, "cloudfront:ListResponseHeadersPolicies");
    /* like origin access controls: random ids, no tags */
    if (mine)
        ci_allow(b, "cloudfront:CreateResponseHeadersPolicy cloudfront:GetResponseHeadersPolicy "
                 "cloudfront:UpdateResponseHeadersPolicy cloudfront:DeleteResponseHeadersPolicy",
              ci_one(ci_arn(b, "cloudfront", 0, "response-headers-policy/*")), NULL);
}

static void site(ci_builder *b, int mine)
{
    READS(b, "cloudfront:ListDistributions");
    ci_allow(b, "cloudfront:GetDistribution cloudfront:ListTagsForResource",
          ci_one(ci_arn(b, "cloudfront", 0, "distribution/*")), NULL);
    if (!mine)
        return;
    ci_allow(b, "cloudfront:CreateDistribution cloudfront:TagResource",
          ci_one(ci_arn(b, "cloudfront", 0, "distribution/*")), ci_tagging(b));
    ci_allow(b, "cloudfront:GetDistributionConfig cloudfront:UpdateDistribution "
             "cloudfront:DeleteDistribution",
          ci_one(ci_arn(b, "cloudfront", 0, "distribution/*")), ci_tagged(b));
}

static void oidc_provider(ci_builder *b, int mine)
{
    (void)mine; /* never changed by CI: see the last statement */
    READS(b, "iam:ListOpenIDConnectProviders");
    ci_allow(b, "iam:GetOpenIDConnectProvider",
          ci_one(ci_arn(b, "iam", 0, "oidc-provider/" CI_GITHUB_HOST)), NULL);
}

/* the stack's managed policies are the CI role's own: read only (see deny_self) */
static void policy(ci_builder *b, int mine)
{
    (void)mine;
    READS(b, "iam:ListPolicies");
    ci_allow(b, "iam:GetPolicy iam:GetPolicyVersion iam:ListPolicyVersions",
          ci_one(ci_arn(b, "iam", 0, "policy/ecsdeploy/%s/*", b->g->stack->name)), NULL);
}

static const ci_row rows[] = {
    {"vpc", vpc},           {"subnet", subnet},
    {"igw", igw},           {"eigw", eigw},
    {"route_table", route_table}, {"eip", eip},
    {"nat", nat},           {"sg", sg},
    {"sg_rules", sg_rules}, {"sg_egress", sg_egress},
    {"sg_reach", sg_reach}, {"secret", secret},
    {"bucket", bucket},     {"log_group", log_group},
    {"role", role},         {"namespace", namespace},
    {"discovery", discovery}, {"alb", alb},
    {"target_group", target_group}, {"listener", listener},
    {"listener_rule", listener_rule}, {"cluster", cluster},
    {"task_def", task_def}, {"service", service},
    {"bootstrap", bootstrap}, {"oac", oac}, {"headers", headers},
    {"site", site},         {"oidc_provider", oidc_provider},
    {"policy", policy},
    {NULL, NULL}};

/* A kind's row, here or in ci_policy_data.c. */
static const ci_row *row_of(const char *kind)
{
    const ci_row *const tables[] = {rows, ci_rows_data};
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const ci_row *r = tables[t]; r->kind; r++)
            if (strcmp(r->kind, kind) == 0)
                return r;
    return NULL;
}

int ci_policy_covers(const res_registry *r, const char **missing)
{
    for (size_t i = 0; i < r->n; i++)
        if (!row_of(r->kinds[i]->name)) {
            *missing = r->kinds[i]->name;
            return 0;
        }
    return 1;
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
        char *bucket_name = bucket_name_or_pattern(b, bn);
        const char *prefix = x->path ? x->path + 1 : "";
        char *objects = xasprintf("%s/%s%s*", bucket_name, prefix, *prefix ? "/" : "");
        ci_allow(b, "s3:PutObject s3:GetObject s3:DeleteObject", ci_one(bucket_arn(b, objects)), NULL);
        free(objects);
        cJSON *list = ci_when(b, "StringLike", "s3:prefix",
                           cJSON_CreateString(*prefix ? "" : "*"));
        if (*prefix) {
            char *p = xasprintf("%s/*", prefix);
            cJSON_ReplaceItemInObject(cJSON_GetObjectItem(list, "StringLike"), "s3:prefix",
                                      cJSON_CreateString(p));
            free(p);
        }
        ci_allow(b, "s3:ListBucket", ci_one(bucket_arn(b, bucket_name)), list);
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
    ci_allow(b, "s3:CreateBucket s3:PutBucketPublicAccessBlock", ci_one(lock_arn(b, "")), NULL);
    char *listed = xasprintf("%s/services/*", stack); /* the stack's lock looks for its services' */
    ci_allow(b, "s3:ListBucketVersions", ci_one(lock_arn(b, "")),
          ci_when(b, "StringLike", "s3:prefix", cJSON_CreateString(listed)));
    free(listed);
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
        const ci_row *row = row_of(reg->kinds[k]->name);
        if (!row)
            continue; /* test_res_registry.c fails for such a kind */
        int mine = 0;
        for (size_t i = 0; i < g->n && !mine; i++)
            mine = g->nodes[i]->kind == reg->kinds[k] && g->nodes[i]->desired &&
                   !g->nodes[i]->external && strcmp(g->nodes[i]->id, "role/ci") != 0;
        row->grant(&b, mine);
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
