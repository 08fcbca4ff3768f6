/*
 * The CI role's permissions: what `up` and `deploy` call for THIS stack, derived kind by
 * kind. Every kind has a row below (ci_policy_covers checks it for the registry's test):
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
 * Kinds added later add their row here; tests/e2e/test_ci_role.py runs `up` and `deploy`
 * as the role against the fake, which enforces the policy, to check nothing is missing.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_internal.h"
#include "stack_names.h"
#include "xalloc.h"

typedef struct {
    const res_graph *g;
    const char *account_node; /* whose `account` attribute the ARNs read */
    cJSON *statements;
    cJSON *ec2_creates;       /* the EC2 create actions allowed ("CreateVpc", ...) */
} ci_builder;

/* ---- statements ----------------------------------------------------------------------- */

static void add_actions(cJSON *list, const char *actions)
{
    const char *p = actions;
    while (*p) {
        p += strspn(p, " ");
        size_t len = strcspn(p, " ");
        if (!len)
            break;
        char *a = xstrndup(p, len);
        int seen = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, list) seen |= strcmp(e->valuestring, a) == 0;
        if (!seen)
            cJSON_AddItemToArray(list, cJSON_CreateString(a));
        free(a);
        p += len;
    }
}

/* Allow (or deny) `actions` (space-separated) on resources (an array, taken) under
 * condition (taken, may be NULL). Actions join a statement with the same effect, resources
 * and condition, so the document stays small (IAM takes 10,240 characters of inline policy
 * per role). */
static void statement(ci_builder *b, const char *effect, const char *actions, cJSON *resources,
                      cJSON *condition)
{
    cJSON *st;
    cJSON_ArrayForEach(st, b->statements) {
        const cJSON *c = cJSON_GetObjectItem(st, "Condition");
        if (strcmp(cJSON_GetObjectItem(st, "Effect")->valuestring, effect) == 0 &&
            cJSON_Compare(cJSON_GetObjectItem(st, "Resource"), resources, 1) &&
            ((!c && !condition) || (c && condition && cJSON_Compare(c, condition, 1)))) {
            add_actions(cJSON_GetObjectItem(st, "Action"), actions);
            cJSON_Delete(resources);
            cJSON_Delete(condition);
            return;
        }
    }
    st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Effect", effect);
    add_actions(cJSON_AddArrayToObject(st, "Action"), actions);
    cJSON_AddItemToObject(st, "Resource", resources);
    if (condition)
        cJSON_AddItemToObject(st, "Condition", condition);
    cJSON_AddItemToArray(b->statements, st);
}

static void allow(ci_builder *b, const char *actions, cJSON *resources, cJSON *condition)
{
    statement(b, "Allow", actions, resources, condition);
}

static cJSON *any(void)
{
    cJSON *r = cJSON_CreateArray();
    cJSON_AddItemToArray(r, cJSON_CreateString("*"));
    return r;
}

/* "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" with the account read from the graph;
 * regional 0 leaves the region empty (IAM, CloudFront). */
static cJSON *arn(const ci_builder *b, const char *service, int regional, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static cJSON *arn(const ci_builder *b, const char *service, int regional, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf rest = BUF_INIT;
    buf_puts(&rest, ":");
    buf_vprintf(&rest, fmt, ap);
    va_end(ap);
    char *head = xasprintf("arn:%s:%s:%s:", b->g->partition, service, regional ? b->g->region : "");
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, cJSON_CreateString(head));
    cJSON_AddItemToArray(parts, res_ref(b->account_node, "account"));
    cJSON_AddItemToArray(parts, cJSON_CreateString(buf_str(&rest)));
    free(head);
    buf_free(&rest);
    return res_concat(parts);
}

static cJSON *one(cJSON *item)
{
    cJSON *r = cJSON_CreateArray();
    cJSON_AddItemToArray(r, item);
    return r;
}

/* {"OPERATOR": {"KEY": value}} with value the stack's name (NULL) or a list. */
static cJSON *when(const ci_builder *b, const char *op, const char *key, cJSON *value)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *o = cJSON_AddObjectToObject(c, op);
    cJSON_AddItemToObject(o, key, value ? value : cJSON_CreateString(b->g->stack->name));
    return c;
}

static cJSON *tagged(const ci_builder *b)
{
    return when(b, "StringEquals", "aws:ResourceTag/" RES_TAG_STACK, NULL);
}

static cJSON *tagging(const ci_builder *b)
{
    return when(b, "StringEquals", "aws:RequestTag/" RES_TAG_STACK, NULL);
}

static cJSON *strings(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; v[i]; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* The desired `member` of every file node of kind `kind`, as ARNs made by fn. */
typedef cJSON *(*arn_fn)(const ci_builder *b, const char *name);
static cJSON *each(const ci_builder *b, const char *kind, const char *member, arn_fn fn)
{
    cJSON *r = cJSON_CreateArray();
    size_t len = strlen(kind);
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired || strncmp(n->id, kind, len) != 0 || n->id[len] != '/')
            continue;
        const cJSON *v = cJSON_GetObjectItem(n->desired, member);
        if (cJSON_IsString(v))
            cJSON_AddItemToArray(r, fn(b, v->valuestring));
    }
    return r;
}

/* ---- the kinds ----------------------------------------------------------------------- */

#define READS(b, actions) allow(b, actions, any(), NULL)

static void ec2_writes(ci_builder *b, const char *create, const char *changes)
{
    /* every EC2 create of the stack tags the resource on creation (TagSpecifications):
     * ec2:CreateTags is allowed for those creates only (one statement, see ec2_tagging) */
    allow(b, create, one(arn(b, "ec2", 1, "*")), tagging(b));
    add_actions(b->ec2_creates, create + 4);
    if (changes)
        allow(b, changes, one(arn(b, "ec2", 1, "*")), tagged(b));
}

static void ec2_tagging(ci_builder *b)
{
    if (cJSON_GetArraySize(b->ec2_creates) == 0)
        return;
    cJSON *c = tagging(b);
    cJSON_AddItemToObject(cJSON_GetObjectItem(c, "StringEquals"), "ec2:CreateAction",
                          cJSON_Duplicate(b->ec2_creates, 1));
    allow(b, "ec2:CreateTags", one(arn(b, "ec2", 1, "*")), c);
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
        allow(b, "ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress",
              one(arn(b, "ec2", 1, "security-group/*")), tagged(b));
}

/* a service's egress rules replace its group's allow-all */
static void sg_egress(ci_builder *b, int mine)
{
    READS(b, "ec2:DescribeSecurityGroupRules ec2:DescribeSecurityGroups");
    if (mine)
        allow(b, "ec2:AuthorizeSecurityGroupEgress ec2:RevokeSecurityGroupEgress",
              one(arn(b, "ec2", 1, "security-group/*")), tagged(b));
}

static cJSON *group_arn(const ci_builder *b, const char *id)
{
    return arn(b, "ec2", 1, "security-group/%s", id);
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
    allow(b, "ec2:AuthorizeSecurityGroupIngress ec2:RevokeSecurityGroupIngress", groups, NULL);
}

static cJSON *secret_arn(const ci_builder *b, const char *name)
{
    if (strncmp(name, "arn:", 4) == 0)
        return cJSON_CreateString(name);
    /* Secrets Manager adds "-" and six random characters to the name */
    return arn(b, "secretsmanager", 1, "secret:%s-??????", name);
}

static cJSON *stack_secrets(const ci_builder *b)
{
    return one(arn(b, "secretsmanager", 1, "secret:%s/*", b->g->stack->name));
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
        allow(b, "secretsmanager:DescribeSecret", existing, NULL);
    else
        cJSON_Delete(existing);
    if (!mine)
        return;
    allow(b, "secretsmanager:GetRandomPassword", any(), NULL);
    allow(b, "secretsmanager:CreateSecret secretsmanager:DescribeSecret "
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
    cJSON *buckets = each(b, "bucket", "name", bucket_arn);
    /* discovery reads the buckets of the file and those named like the stack's */
    char *prefix = stack_name_bucket_prefix(b->g->stack->name);
    char *prefixed = xasprintf("%s*", prefix);
    cJSON_AddItemToArray(buckets, bucket_arn(b, prefixed));
    free(prefixed);
    free(prefix);
    allow(b, "s3:ListBucket s3:GetBucketTagging s3:GetEncryptionConfiguration "
             "s3:GetBucketPolicy s3:GetLifecycleConfiguration s3:GetBucketVersioning "
             "s3:GetBucketPublicAccessBlock s3:GetBucketCORS",
          buckets, NULL);
    if (!mine)
        return;
    allow(b, "s3:CreateBucket s3:PutBucketTagging s3:PutBucketPublicAccessBlock "
             "s3:PutEncryptionConfiguration s3:PutBucketPolicy s3:DeleteBucketPolicy "
             "s3:PutLifecycleConfiguration s3:PutBucketVersioning s3:PutBucketCORS",
          stack_buckets(b, 0, 0), NULL);
    /* only a bucket that is not kept can be deleted (emptied first) by `up` */
    cJSON *gone = stack_buckets(b, 1, 0), *objects = stack_buckets(b, 1, 1);
    if (cJSON_GetArraySize(gone)) {
        allow(b, "s3:DeleteBucket s3:ListBucketVersions", gone, NULL);
        allow(b, "s3:DeleteObject s3:DeleteObjectVersion", objects, NULL);
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
    cJSON *r = one(arn(b, "logs", 1, "log-group:%s*", prefix));
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        const cJSON *name = n->desired ? cJSON_GetObjectItem(n->desired, "name") : NULL;
        if (strncmp(n->id, "log_group/", 10) == 0 && cJSON_IsString(name) &&
            strncmp(name->valuestring, prefix, strlen(prefix)) != 0)
            cJSON_AddItemToArray(r, arn(b, "logs", 1, "log-group:%s:*", name->valuestring));
    }
    free(prefix);
    allow(b, "logs:CreateLogGroup logs:PutRetentionPolicy logs:DeleteRetentionPolicy "
             "logs:TagResource logs:DeleteLogGroup",
          r, NULL);
}

static cJSON *stack_roles(const ci_builder *b)
{
    return one(arn(b, "iam", 0, "role/ecsdeploy/%s/*", b->g->stack->name));
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
    allow(b, "iam:GetRole iam:ListAttachedRolePolicies iam:ListRolePolicies iam:GetRolePolicy "
             "iam:ListRoleTags",
          stack_roles(b), NULL);
    if (!mine)
        return;
    allow(b, "iam:CreateRole iam:TagRole iam:UntagRole iam:UpdateRole iam:UpdateAssumeRolePolicy "
             "iam:PutRolePolicy iam:DeleteRolePolicy iam:DetachRolePolicy iam:DeleteRole",
          stack_roles(b), NULL);
    cJSON *policies = managed_policies(b);
    if (cJSON_GetArraySize(policies))
        allow(b, "iam:AttachRolePolicy", stack_roles(b),
              when(b, "ArnEquals", "iam:PolicyARN", policies));
    else
        cJSON_Delete(policies);
    /* the stack's roles, to ECS only: its tasks, and the infrastructure role */
    static const char *const to_ecs[] = {"ecs-tasks.amazonaws.com", "ecs.amazonaws.com", NULL};
    allow(b, "iam:PassRole", stack_roles(b), when(b, "StringEquals", "iam:PassedToService",
                                                   strings(to_ecs)));
}

static void linked_role(ci_builder *b, const char *service)
{
    cJSON *c = when(b, "StringEquals", "iam:AWSServiceName", cJSON_CreateString(service));
    allow(b, "iam:CreateServiceLinkedRole", one(arn(b, "iam", 0, "role/aws-service-role/*")), c);
}

static void namespace(ci_builder *b, int mine)
{
    READS(b, "servicediscovery:ListNamespaces servicediscovery:GetNamespace "
             "servicediscovery:GetOperation servicediscovery:ListTagsForResource");
    if (!mine)
        return;
    allow(b, "servicediscovery:CreatePrivateDnsNamespace servicediscovery:TagResource", any(),
          tagging(b));
    allow(b, "servicediscovery:DeleteNamespace", one(arn(b, "servicediscovery", 1, "namespace/*")),
          tagged(b));
    /* Cloud Map makes and deletes the namespace's private hosted zone as the caller */
    allow(b, "route53:CreateHostedZone route53:GetHostedZone route53:ListHostedZonesByName "
             "route53:DeleteHostedZone route53:ChangeTagsForResource ec2:DescribeVpcs",
          any(), NULL);
}

static void discovery(ci_builder *b, int mine)
{
    READS(b, "servicediscovery:ListServices servicediscovery:GetService "
             "servicediscovery:ListInstances servicediscovery:ListTagsForResource");
    if (!mine)
        return;
    allow(b, "servicediscovery:CreateService", one(arn(b, "servicediscovery", 1, "namespace/*")),
          tagged(b));
    allow(b, "servicediscovery:UpdateService servicediscovery:DeleteService "
             "servicediscovery:DeregisterInstance",
          one(arn(b, "servicediscovery", 1, "service/*")), tagged(b));
}

static cJSON *lb_arn(const ci_builder *b, const char *name)
{
    return arn(b, "elasticloadbalancing", 1, "loadbalancer/app/%s/*", name);
}
static cJSON *listener_arn(const ci_builder *b, const char *name)
{
    return arn(b, "elasticloadbalancing", 1, "listener/app/%s/*", name);
}
static cJSON *rule_arn(const ci_builder *b, const char *name)
{
    return arn(b, "elasticloadbalancing", 1, "listener-rule/app/%s/*", name);
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
    allow(b, "elasticloadbalancing:CreateLoadBalancer elasticloadbalancing:AddTags "
             "elasticloadbalancing:RemoveTags elasticloadbalancing:ModifyLoadBalancerAttributes "
             "elasticloadbalancing:SetSubnets elasticloadbalancing:SetSecurityGroups "
             "elasticloadbalancing:SetIpAddressType elasticloadbalancing:DeleteLoadBalancer",
          each(b, "alb", "name", lb_arn), NULL);
    linked_role(b, "elasticloadbalancing.amazonaws.com");
}

/* a target group per service: told by its tags, so that the policy does not grow with them */
static void target_group(ci_builder *b, int mine)
{
    elb_reads(b);
    if (!mine)
        return;
    cJSON *groups = one(arn(b, "elasticloadbalancing", 1, "targetgroup/*"));
    allow(b, "elasticloadbalancing:CreateTargetGroup elasticloadbalancing:AddTags", groups,
          tagging(b));
    allow(b, "elasticloadbalancing:ModifyTargetGroup elasticloadbalancing:ModifyTargetGroupAttributes "
             "elasticloadbalancing:DeleteTargetGroup elasticloadbalancing:RemoveTags",
          cJSON_Duplicate(groups, 1), tagged(b));
}

static void listener(ci_builder *b, int mine)
{
    elb_reads(b);
    if (!mine)
        return;
    cJSON *r = each(b, "alb", "name", lb_arn), *l = each(b, "alb", "name", listener_arn);
    while (l->child)
        cJSON_AddItemToArray(r, cJSON_DetachItemViaPointer(l, l->child));
    cJSON_Delete(l);
    allow(b, "elasticloadbalancing:CreateListener elasticloadbalancing:AddTags "
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
    cJSON *r = each(b, "alb", "name", listener_arn), *l = each(b, "alb", "name", rule_arn);
    while (l->child)
        cJSON_AddItemToArray(r, cJSON_DetachItemViaPointer(l, l->child));
    cJSON_Delete(l);
    allow(b, "elasticloadbalancing:CreateRule elasticloadbalancing:AddTags "
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
    allow(b, "secretsmanager:GetSecretValue", secrets, NULL);
}

static cJSON *cluster_arn(const ci_builder *b)
{
    return arn(b, "ecs", 1, "cluster/%s", b->g->stack->name);
}

static void cluster(ci_builder *b, int mine)
{
    READS(b, "ecs:DescribeClusters");
    if (!mine)
        return;
    allow(b, "ecs:CreateCluster ecs:UpdateCluster ecs:DeleteCluster ecs:TagResource",
          one(cluster_arn(b)), NULL);
    linked_role(b, "ecs.amazonaws.com");
}

static void task_def(ci_builder *b, int mine)
{
    READS(b, "ecs:ListTaskDefinitionFamilies ecs:ListTaskDefinitions ecs:DescribeTaskDefinition");
    if (!mine)
        return;
    /* ECS takes no resource for registering and deregistering revisions */
    allow(b, "ecs:RegisterTaskDefinition ecs:DeregisterTaskDefinition", any(), NULL);
}

static void service(ci_builder *b, int mine)
{
    READS(b, "ecs:ListServices ecs:DescribeServices ecs:ListTasks ecs:DescribeTasks "
             "ecs:ListServiceDeployments ecs:DescribeServiceDeployments "
             "ecs:DescribeServiceRevisions elasticloadbalancing:DescribeTargetHealth");
    if (mine)
        allow(b, "ecs:CreateService ecs:UpdateService ecs:DeleteService ecs:TagResource "
                 "ecs:StopServiceDeployment",
              one(arn(b, "ecs", 1, "service/%s/*", b->g->stack->name)), NULL);
}

static void bootstrap(ci_builder *b, int mine)
{
    READS(b, "ecs:ListTasks ecs:DescribeTasks");
    allow(b, "secretsmanager:GetSecretValue", stack_secrets(b), NULL);
    if (!mine)
        return;
    cJSON *r = one(cluster_arn(b));
    cJSON_AddItemToArray(r, arn(b, "ecs", 1, "task/%s/*", b->g->stack->name));
    allow(b, "ecs:ExecuteCommand", r, NULL);
    allow(b, "secretsmanager:CreateSecret secretsmanager:PutSecretValue", stack_secrets(b), NULL);
}

static void oac(ci_builder *b, int mine)
{
    READS(b, "cloudfront:ListOriginAccessControls");
    /* origin access controls have random ids and no tags: none can be told apart */
    if (mine)
        allow(b, "cloudfront:CreateOriginAccessControl cloudfront:GetOriginAccessControl "
                 "cloudfront:UpdateOriginAccessControl cloudfront:DeleteOriginAccessControl",
              one(arn(b, "cloudfront", 0, "origin-access-control/*")), NULL);
}

static void site(ci_builder *b, int mine)
{
    READS(b, "cloudfront:ListDistributions");
    allow(b, "cloudfront:GetDistribution cloudfront:ListTagsForResource",
          one(arn(b, "cloudfront", 0, "distribution/*")), NULL);
    if (!mine)
        return;
    allow(b, "cloudfront:CreateDistribution cloudfront:TagResource",
          one(arn(b, "cloudfront", 0, "distribution/*")), tagging(b));
    allow(b, "cloudfront:GetDistributionConfig cloudfront:UpdateDistribution "
             "cloudfront:DeleteDistribution",
          one(arn(b, "cloudfront", 0, "distribution/*")), tagged(b));
}

static void oidc_provider(ci_builder *b, int mine)
{
    (void)mine; /* never changed by CI: see the last statement */
    READS(b, "iam:ListOpenIDConnectProviders");
    allow(b, "iam:GetOpenIDConnectProvider",
          one(arn(b, "iam", 0, "oidc-provider/" CI_GITHUB_HOST)), NULL);
}

/* the stack's managed policies are the CI role's own: read only (see deny_self) */
static void policy(ci_builder *b, int mine)
{
    (void)mine;
    READS(b, "iam:ListPolicies");
    allow(b, "iam:GetPolicy iam:GetPolicyVersion iam:ListPolicyVersions",
          one(arn(b, "iam", 0, "policy/ecsdeploy/%s/*", b->g->stack->name)), NULL);
}

/* ---- storage: EFS and Parameter Store ---------------------------------------------- */

static cJSON *efs_arn(const ci_builder *b, const char *what)
{
    return one(arn(b, "elasticfilesystem", 1, "%s/*", what));
}

static void file_system(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeFileSystems elasticfilesystem:DescribeMountTargets");
    allow(b, "elasticfilesystem:DescribeFileSystemPolicy elasticfilesystem:DescribeBackupPolicy "
             "elasticfilesystem:DescribeLifecycleConfiguration elasticfilesystem:ListTagsForResource",
          efs_arn(b, "file-system"), NULL);
    if (!mine)
        return;
    allow(b, "elasticfilesystem:CreateFileSystem elasticfilesystem:TagResource",
          efs_arn(b, "file-system"), tagging(b));
    allow(b, "elasticfilesystem:PutFileSystemPolicy elasticfilesystem:DeleteFileSystemPolicy "
             "elasticfilesystem:PutBackupPolicy elasticfilesystem:PutLifecycleConfiguration "
             "elasticfilesystem:UpdateFileSystem elasticfilesystem:DeleteFileSystem",
          efs_arn(b, "file-system"), tagged(b));
    linked_role(b, "elasticfilesystem.amazonaws.com");
}

static void access_point(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeAccessPoints");
    if (!mine)
        return;
    /* CreateAccessPoint is authorized on the file system, with the new point's tags */
    allow(b, "elasticfilesystem:CreateAccessPoint elasticfilesystem:TagResource",
          efs_arn(b, "file-system"), tagging(b));
    allow(b, "elasticfilesystem:TagResource", efs_arn(b, "access-point"), tagging(b));
    allow(b, "elasticfilesystem:DeleteAccessPoint", efs_arn(b, "access-point"), tagged(b));
}

static void mount_target(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeMountTargets elasticfilesystem:DescribeFileSystems "
             "ec2:DescribeSubnets ec2:DescribeNetworkInterfaces ec2:DescribeSecurityGroups");
    if (!mine)
        return;
    allow(b, "elasticfilesystem:CreateMountTarget elasticfilesystem:DeleteMountTarget",
          efs_arn(b, "file-system"), tagged(b));
    /* EFS makes the mount target's interface as the caller */
    allow(b, "ec2:CreateNetworkInterface", one(arn(b, "ec2", 1, "*")), NULL);
}

/* "/a/b" -> parameter/a/b, "a" -> parameter/a (ARNs of names with and without a slash) */
static cJSON *parameter_arn(const ci_builder *b, const char *name)
{
    return arn(b, "ssm", 1, "parameter%s%s", name[0] == '/' ? "" : "/", name);
}

static cJSON *parameter_path_arn(const ci_builder *b, const char *path)
{
    return arn(b, "ssm", 1, "parameter%s%s/*", path[0] == '/' ? "" : "/", path);
}

static void parameter(ci_builder *b, int mine)
{
    READS(b, "ssm:DescribeParameters");
    cJSON *named = each(b, "parameter", "name", parameter_arn);
    cJSON *paths = each(b, "parameter", "path", parameter_path_arn);
    while (paths->child)
        cJSON_AddItemToArray(named, cJSON_DetachItemViaPointer(paths, paths->child));
    cJSON_Delete(paths);
    if (cJSON_GetArraySize(named) == 0) {
        cJSON_Delete(named);
        return;
    }
    /* a SecureString is read (decrypted) to compare it with the file: through SSM only */
    char *service = xasprintf("ssm.%s.amazonaws.com", b->g->region);
    allow(b, "kms:Decrypt kms:Encrypt kms:DescribeKey", one(arn(b, "kms", 1, "key/*")),
          when(b, "StringEquals", "kms:ViaService", cJSON_CreateString(service)));
    free(service);
    if (!mine) {
        allow(b, "ssm:GetParameter ssm:GetParameters ssm:ListTagsForResource", named, NULL);
        return;
    }
    allow(b, "ssm:GetParameter ssm:GetParameters ssm:ListTagsForResource ssm:PutParameter "
             "ssm:AddTagsToResource ssm:RemoveTagsFromResource ssm:DeleteParameter",
          named, NULL);
    allow(b, "secretsmanager:GetRandomPassword", any(), NULL);
}

/* ---- domains: Route 53 and ACM -------------------------------------------------------- */

/* Route 53's ARNs name no region and no account. */
static cJSON *r53_arn(const ci_builder *b, const char *what)
{
    char *s = xasprintf("arn:%s:route53:::%s", b->g->partition, what);
    cJSON *r = one(cJSON_CreateString(s));
    free(s);
    return r;
}

/* ACM certificates of any region: CloudFront's live in us-east-1. */
static cJSON *acm_arn(const ci_builder *b)
{
    char *head = xasprintf("arn:%s:acm:*:", b->g->partition);
    cJSON *parts = cJSON_CreateArray();
    cJSON_AddItemToArray(parts, cJSON_CreateString(head));
    cJSON_AddItemToArray(parts, res_ref(b->account_node, "account"));
    cJSON_AddItemToArray(parts, cJSON_CreateString(":certificate/*"));
    free(head);
    return one(res_concat(parts));
}

static void add_name_patterns(cJSON *names, const char *name)
{
    const char *bare = strncmp(name, "*.", 2) == 0 ? name + 2 : name;
    char *below = xasprintf("*.%s", bare);
    add_actions(names, bare);   /* a set of strings, as actions are */
    add_actions(names, below);
    free(below);
}

/* The record names the stack may change: its records and certificates' names and every
 * name below them (validation and owner records start with "_"). */
static cJSON *record_names(const ci_builder *b)
{
    cJSON *names = cJSON_CreateArray();
    for (size_t i = 0; i < b->g->n; i++) {
        const res_node *n = b->g->nodes[i];
        if (!n->desired)
            continue;
        const cJSON *name = cJSON_GetObjectItem(n->desired, "name"), *e;
        if (strncmp(n->id, "record/", 7) == 0 && cJSON_IsString(name))
            add_name_patterns(names, name->valuestring);
        if (strncmp(n->id, "certificate/", 12) == 0)
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(n->desired, "names"))
                if (cJSON_IsString(e))
                    add_name_patterns(names, e->valuestring);
    }
    return names;
}

static void dns_reads(ci_builder *b)
{
    READS(b, "route53:ListHostedZones route53:ListHostedZonesByName");
    allow(b, "route53:GetHostedZone route53:ListResourceRecordSets route53:ListTagsForResource "
             "route53:ListTagsForResources",
          r53_arn(b, "hostedzone/*"), NULL);
    allow(b, "route53:GetChange", r53_arn(b, "change/*"), NULL);
}

/* Route 53 authorizes no tag conditions: record changes are bounded by their names. */
static void record_writes(ci_builder *b)
{
    cJSON *names = record_names(b);
    if (cJSON_GetArraySize(names) == 0) {
        cJSON_Delete(names);
        return;
    }
    allow(b, "route53:ChangeResourceRecordSets", r53_arn(b, "hostedzone/*"),
          when(b, "ForAllValues:StringLike", "route53:ChangeResourceRecordSetsNormalizedRecordNames",
               names));
    allow(b, "route53:ChangeTagsForResource", r53_arn(b, "hostedzone/*"), NULL);
}

static void zone(ci_builder *b, int mine)
{
    dns_reads(b);
    if (!mine)
        return;
    /* a zone the stack makes has no name the policy could know beforehand */
    allow(b, "route53:CreateHostedZone", any(), NULL);
    allow(b, "route53:DeleteHostedZone route53:ChangeTagsForResource", r53_arn(b, "hostedzone/*"),
          NULL);
}

static void record(ci_builder *b, int mine)
{
    dns_reads(b);
    if (mine)
        record_writes(b);
}

static void certificate(ci_builder *b, int mine)
{
    READS(b, "acm:ListCertificates ec2:DescribeRegions");
    allow(b, "acm:DescribeCertificate acm:ListTagsForCertificate", acm_arn(b), NULL);
    dns_reads(b);
    if (!mine)
        return;
    allow(b, "acm:RequestCertificate acm:AddTagsToCertificate", acm_arn(b), tagging(b));
    allow(b, "acm:DeleteCertificate", acm_arn(b), tagged(b));
    record_writes(b); /* the validation records */
}

/* ---- databases: RDS and ElastiCache ---------------------------------------------------- */

/* RDS lowers identifiers: the stack's instances and subnet groups are "stack-*". */
static cJSON *rds_arn(const ci_builder *b, const char *type)
{
    char *lower = xstrdup(b->g->stack->name);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    cJSON *r = one(arn(b, "rds", 1, "%s:%s-*", type, lower));
    free(lower);
    return r;
}

static void db_subnets(ci_builder *b, int mine)
{
    READS(b, "rds:DescribeDBSubnetGroups");
    if (mine)
        allow(b, "rds:CreateDBSubnetGroup rds:ModifyDBSubnetGroup rds:DeleteDBSubnetGroup "
                 "rds:AddTagsToResource rds:ListTagsForResource",
              rds_arn(b, "subgrp"), NULL);
}

static void database(ci_builder *b, int mine)
{
    READS(b, "rds:DescribeDBInstances rds:DescribeDBSnapshots");
    allow(b, "rds:ListTagsForResource", rds_arn(b, "db"), NULL);
    if (!mine)
        return;
    allow(b, "rds:CreateDBInstance rds:ModifyDBInstance rds:DeleteDBInstance "
             "rds:AddTagsToResource",
          rds_arn(b, "db"), NULL);
    allow(b, "rds:CreateDBInstance", rds_arn(b, "subgrp"), NULL);
    allow(b, "rds:CreateDBSnapshot", rds_arn(b, "snapshot"), NULL);
    /* RDS keeps the master password in a secret it makes in the caller's name */
    allow(b, "secretsmanager:CreateSecret secretsmanager:TagResource",
          one(arn(b, "secretsmanager", 1, "secret:rds!*")), NULL);
    allow(b, "kms:DescribeKey", any(), NULL);
    linked_role(b, "rds.amazonaws.com");
}

static void cache(ci_builder *b, int mine)
{
    (void)mine; /* caches are only ever existing ones: read */
    READS(b, "elasticache:DescribeCacheClusters elasticache:DescribeReplicationGroups "
             "elasticache:DescribeServerlessCaches");
}

/* ---- autoscaling: Application Auto Scaling on the stack's ECS services ------------------ */

static void scaling(ci_builder *b, int mine)
{
    READS(b, "application-autoscaling:DescribeScalableTargets "
             "application-autoscaling:DescribeScalingPolicies "
             "application-autoscaling:DescribeScheduledActions "
             "application-autoscaling:DescribeScalingActivities");
    if (!mine)
        return;
    /* its resources are the cluster's services: service/STACK/SERVICE */
    allow(b, "application-autoscaling:RegisterScalableTarget "
             "application-autoscaling:DeregisterScalableTarget "
             "application-autoscaling:PutScalingPolicy application-autoscaling:DeleteScalingPolicy "
             "application-autoscaling:PutScheduledAction "
             "application-autoscaling:DeleteScheduledAction application-autoscaling:TagResource",
          one(arn(b, "application-autoscaling", 1, "scalable-target/*")), NULL);
    allow(b, "ecs:DescribeServices ecs:UpdateService", one(arn(b, "ecs", 1, "service/%s/*",
                                                              b->g->stack->name)), NULL);
    allow(b, "cloudwatch:PutMetricAlarm cloudwatch:DescribeAlarms cloudwatch:DeleteAlarms",
          one(arn(b, "cloudwatch", 1, "alarm:TargetTracking-service/%s/*", b->g->stack->name)),
          NULL);
    linked_role(b, "ecs.application-autoscaling.amazonaws.com");
}

typedef struct {
    const char *kind;
    void (*grant)(ci_builder *b, int mine);
} ci_row;

static const ci_row rows[] = {
    {"vpc", vpc},           {"subnet", subnet},
    {"igw", igw},           {"route_table", route_table},
    {"eip", eip},           {"nat", nat},
    {"sg", sg},             {"sg_rules", sg_rules},
    {"sg_reach", sg_reach}, {"secret", secret},
    {"bucket", bucket},     {"log_group", log_group},
    {"role", role},         {"namespace", namespace},
    {"discovery", discovery}, {"alb", alb},
    {"target_group", target_group}, {"listener", listener},
    {"listener_rule", listener_rule}, {"cluster", cluster},
    {"task_def", task_def}, {"service", service},
    {"bootstrap", bootstrap}, {"oac", oac},
    {"site", site},         {"oidc_provider", oidc_provider},
    {"policy", policy},     {"file_system", file_system},
    {"access_point", access_point}, {"mount_target", mount_target},
    {"parameter", parameter},
    {"zone", zone},         {"record", record},
    {"certificate", certificate},
    {"db_subnets", db_subnets}, {"database", database},
    {"cache", cache},       {"eigw", eigw},
    {"sg_egress", sg_egress}, {"scaling", scaling},
    {NULL, NULL}};

static const ci_row *row_of(const char *kind)
{
    for (size_t i = 0; rows[i].kind; i++)
        if (strcmp(rows[i].kind, kind) == 0)
            return &rows[i];
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
        allow(b, "s3:PutObject s3:GetObject s3:DeleteObject", one(bucket_arn(b, objects)), NULL);
        free(objects);
        cJSON *list = when(b, "StringLike", "s3:prefix",
                           cJSON_CreateString(*prefix ? "" : "*"));
        if (*prefix) {
            char *p = xasprintf("%s/*", prefix);
            cJSON_ReplaceItemInObject(cJSON_GetObjectItem(list, "StringLike"), "s3:prefix",
                                      cJSON_CreateString(p));
            free(p);
        }
        allow(b, "s3:ListBucket", one(bucket_arn(b, bucket_name)), list);
        free(bucket_name);
        char *site_id = xasprintf("site/%s", x->name);
        cJSON *c = tagged(b);
        cJSON_AddStringToObject(cJSON_GetObjectItem(c, "StringEquals"),
                                "aws:ResourceTag/" RES_TAG_ID, site_id);
        allow(b, "cloudfront:CreateInvalidation cloudfront:GetInvalidation",
              one(arn(b, "cloudfront", 0, "distribution/*")), c);
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
    cJSON *objects = one(lock_arn(b, whole));
    cJSON_AddItemToArray(objects, lock_arn(b, services));
    allow(b, "s3:PutObject s3:GetObject s3:DeleteObject", objects, NULL);
    allow(b, "s3:CreateBucket s3:PutBucketPublicAccessBlock", one(lock_arn(b, "")), NULL);
    char *listed = xasprintf("%s/services/*", stack); /* the stack's lock looks for its services' */
    allow(b, "s3:ListBucketVersions", one(lock_arn(b, "")),
          when(b, "StringLike", "s3:prefix", cJSON_CreateString(listed)));
    free(listed);
    free(whole);
    free(services);
}

/* The CI role and the provider it trusts stay as an administrator made them. */
static void deny_self(ci_builder *b)
{
    char *name = stack_name_ci_role(b->g->stack->name);
    cJSON *r = one(arn(b, "iam", 0, "role/ecsdeploy/%s/%s", b->g->stack->name, name));
    cJSON_AddItemToArray(r, arn(b, "iam", 0, "policy/ecsdeploy/%s/%s-*", b->g->stack->name, name));
    cJSON_AddItemToArray(r, arn(b, "iam", 0, "oidc-provider/" CI_GITHUB_HOST));
    statement(b, "Deny",
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
