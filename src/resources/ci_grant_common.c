/* The pieces of the kinds' CI grants (res_kind.ci_grant) that more than one kind uses: the
 * common shapes of a grant (reads, then writes on one set of resources; an EC2 kind's
 * create tagged on creation and its changes on tagged resources) and the ARNs of the
 * stack's resources that several kinds name (secrets, buckets, the cluster, load
 * balancers, EFS, RDS, Route 53). See ci_policy_internal.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* ---- the shapes of a grant -------------------------------------------------------------- */

void ci_reads_writes(ci_builder *b, int mine, const char *reads, const char *writes,
                     cJSON *resources, cJSON *condition)
{
    READS(b, reads);
    if (mine) {
        ci_allow(b, writes, resources, condition);
        return;
    }
    cJSON_Delete(resources);
    cJSON_Delete(condition);
}

void ci_by_tag(ci_builder *b, const char *create, const char *changes, cJSON *resources)
{
    cJSON *again = changes ? cJSON_Duplicate(resources, 1) : NULL;
    ci_allow(b, create, resources, ci_tagging(b));
    if (changes)
        ci_allow(b, changes, again, ci_tagged(b));
}

void ci_ec2_grant(ci_builder *b, int mine, const res_ec2_grants *g)
{
    READS(b, g->reads);
    if (!mine)
        return;
    cJSON *resources = ci_one(ci_arn(b, "ec2", 1, "%s", g->resource ? g->resource : "*"));
    if (!g->create) {
        ci_allow(b, g->changes, resources, ci_tagged(b));
        return;
    }
    /* every EC2 create of the stack tags the resource on creation (TagSpecifications):
     * ec2:CreateTags is allowed for those creates only (one statement, see ec2_tagging in
     * ci_policy.c) */
    ci_by_tag(b, g->create, g->changes, resources);
    ci_add_actions(b->ec2_creates, g->create + 4);
}

void ci_join(cJSON *into, cJSON *from)
{
    while (from->child)
        cJSON_AddItemToArray(into, cJSON_DetachItemViaPointer(from, from->child));
    cJSON_Delete(from);
}

/* ---- secrets, buckets, the cluster ------------------------------------------------------ */

cJSON *ci_secret_arn(const ci_builder *b, const char *name)
{
    if (strncmp(name, "arn:", 4) == 0)
        return cJSON_CreateString(name);
    /* Secrets Manager adds "-" and six random characters to the name */
    return ci_arn(b, "secretsmanager", 1, "secret:%s-??????", name);
}

cJSON *ci_existing_secrets(const ci_builder *b)
{
    const stack_model *s = b->g->stack;
    cJSON *existing = cJSON_CreateArray();
    for (size_t i = 0; i < s->nsecrets; i++)
        if (s->secrets[i].source == STACK_SECRET_EXISTING)
            cJSON_AddItemToArray(existing, ci_secret_arn(b, s->secrets[i].existing));
    return existing;
}

cJSON *ci_stack_secrets(const ci_builder *b)
{
    return ci_one(ci_arn(b, "secretsmanager", 1, "secret:%s/*", b->g->stack->name));
}

cJSON *ci_bucket_arn(const ci_builder *b, const char *name)
{
    char *a = xasprintf("arn:%s:s3:::%s", b->g->partition, name);
    cJSON *j = cJSON_CreateString(a);
    free(a);
    return j;
}

char *ci_bucket_name(const ci_builder *b, const res_node *n)
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

cJSON *ci_cluster_arn(const ci_builder *b)
{
    return ci_arn(b, "ecs", 1, "cluster/%s", b->g->stack->name);
}

/* ---- load balancers ---------------------------------------------------------------------- */

void ci_elb_reads(ci_builder *b)
{
    READS(b, "elasticloadbalancing:DescribeLoadBalancers "
             "elasticloadbalancing:DescribeLoadBalancerAttributes elasticloadbalancing:DescribeTags "
             "elasticloadbalancing:DescribeTargetGroups "
             "elasticloadbalancing:DescribeTargetGroupAttributes "
             "elasticloadbalancing:DescribeTargetHealth elasticloadbalancing:DescribeListeners "
             "elasticloadbalancing:DescribeListenerCertificates elasticloadbalancing:DescribeRules");
}

cJSON *ci_lb_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "elasticloadbalancing", 1, "loadbalancer/app/%s/*", name);
}

cJSON *ci_listener_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "elasticloadbalancing", 1, "listener/app/%s/*", name);
}

cJSON *ci_alb_arns(const ci_builder *b, ci_arn_fn first, ci_arn_fn second)
{
    cJSON *r = ci_each(b, "alb", "name", first);
    ci_join(r, ci_each(b, "alb", "name", second));
    return r;
}

/* ---- EFS and RDS ---------------------------------------------------------------------------- */

cJSON *ci_efs_arn(const ci_builder *b, const char *what)
{
    return ci_one(ci_arn(b, "elasticfilesystem", 1, "%s/*", what));
}

/* RDS lowers identifiers: the stack's instances and subnet groups are "stack-*". */
cJSON *ci_rds_arn(const ci_builder *b, const char *type)
{
    char *lower = xstrdup(b->g->stack->name);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    cJSON *r = ci_one(ci_arn(b, "rds", 1, "%s:%s-*", type, lower));
    free(lower);
    return r;
}

/* ---- Route 53 ------------------------------------------------------------------------------- */

/* Route 53's ARNs name no region and no account. */
cJSON *ci_r53_arn(const ci_builder *b, const char *what)
{
    char *s = xasprintf("arn:%s:route53:::%s", b->g->partition, what);
    cJSON *r = ci_one(cJSON_CreateString(s));
    free(s);
    return r;
}

void ci_dns_reads(ci_builder *b)
{
    READS(b, "route53:ListHostedZones route53:ListHostedZonesByName");
    ci_allow(b, "route53:GetHostedZone route53:ListResourceRecordSets route53:ListTagsForResource "
             "route53:ListTagsForResources",
          ci_r53_arn(b, "hostedzone/*"), NULL);
    ci_allow(b, "route53:GetChange", ci_r53_arn(b, "change/*"), NULL);
}

static void add_name_patterns(cJSON *names, const char *name)
{
    const char *bare = strncmp(name, "*.", 2) == 0 ? name + 2 : name;
    char *below = xasprintf("*.%s", bare);
    ci_add_actions(names, bare);   /* a set of strings, as actions are */
    ci_add_actions(names, below);
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

/* Route 53 authorizes no tag conditions: record changes are bounded by their names. */
void ci_dns_record_writes(ci_builder *b)
{
    cJSON *names = record_names(b);
    if (cJSON_GetArraySize(names) == 0) {
        cJSON_Delete(names);
        return;
    }
    ci_allow(b, "route53:ChangeResourceRecordSets", ci_r53_arn(b, "hostedzone/*"),
          ci_when(b, "ForAllValues:StringLike", "route53:ChangeResourceRecordSetsNormalizedRecordNames",
               names));
    ci_allow(b, "route53:ChangeTagsForResource", ci_r53_arn(b, "hostedzone/*"), NULL);
}
