/* The CI role's grants for storage (EFS, Parameter Store), domains (Route 53, ACM),
 * databases (RDS, ElastiCache) and autoscaling, as ci_policy.c's comment describes them;
 * ci_policy.c holds the network and application kinds' and puts the document together. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ci_internal.h"
#include "ci_policy_internal.h"
#include "xalloc.h"

/* ---- storage: EFS and Parameter Store ---------------------------------------------- */

static cJSON *efs_arn(const ci_builder *b, const char *what)
{
    return ci_one(ci_arn(b, "elasticfilesystem", 1, "%s/*", what));
}

static void file_system(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeFileSystems elasticfilesystem:DescribeMountTargets");
    ci_allow(b, "elasticfilesystem:DescribeFileSystemPolicy elasticfilesystem:DescribeBackupPolicy "
             "elasticfilesystem:DescribeLifecycleConfiguration elasticfilesystem:ListTagsForResource",
          efs_arn(b, "file-system"), NULL);
    if (!mine)
        return;
    ci_allow(b, "elasticfilesystem:CreateFileSystem elasticfilesystem:TagResource",
          efs_arn(b, "file-system"), ci_tagging(b));
    ci_allow(b, "elasticfilesystem:PutFileSystemPolicy elasticfilesystem:DeleteFileSystemPolicy "
             "elasticfilesystem:PutBackupPolicy elasticfilesystem:PutLifecycleConfiguration "
             "elasticfilesystem:UpdateFileSystem elasticfilesystem:DeleteFileSystem",
          efs_arn(b, "file-system"), ci_tagged(b));
    ci_linked_role(b, "elasticfilesystem.amazonaws.com");
}

static void access_point(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeAccessPoints");
    if (!mine)
        return;
    /* CreateAccessPoint is authorized on the file system, with the new point's tags */
    ci_allow(b, "elasticfilesystem:CreateAccessPoint elasticfilesystem:TagResource",
          efs_arn(b, "file-system"), ci_tagging(b));
    ci_allow(b, "elasticfilesystem:TagResource", efs_arn(b, "access-point"), ci_tagging(b));
    ci_allow(b, "elasticfilesystem:DeleteAccessPoint", efs_arn(b, "access-point"), ci_tagged(b));
}

static void mount_target(ci_builder *b, int mine)
{
    READS(b, "elasticfilesystem:DescribeMountTargets elasticfilesystem:DescribeFileSystems "
             "ec2:DescribeSubnets ec2:DescribeNetworkInterfaces ec2:DescribeSecurityGroups");
    if (!mine)
        return;
    ci_allow(b, "elasticfilesystem:CreateMountTarget elasticfilesystem:DeleteMountTarget",
          efs_arn(b, "file-system"), ci_tagged(b));
    /* EFS makes the mount target's interface as the caller */
    ci_allow(b, "ec2:CreateNetworkInterface", ci_one(ci_arn(b, "ec2", 1, "*")), NULL);
}

/* "/a/b" -> parameter/a/b, "a" -> parameter/a (ARNs of names with and without a slash) */
static cJSON *parameter_arn(const ci_builder *b, const char *name)
{
    return ci_arn(b, "ssm", 1, "parameter%s%s", name[0] == '/' ? "" : "/", name);
}

static cJSON *parameter_path_arn(const ci_builder *b, const char *path)
{
    return ci_arn(b, "ssm", 1, "parameter%s%s/*", path[0] == '/' ? "" : "/", path);
}

static void parameter(ci_builder *b, int mine)
{
    READS(b, "ssm:DescribeParameters");
    cJSON *named = ci_each(b, "parameter", "name", parameter_arn);
    cJSON *paths = ci_each(b, "parameter", "path", parameter_path_arn);
    while (paths->child)
        cJSON_AddItemToArray(named, cJSON_DetachItemViaPointer(paths, paths->child));
    cJSON_Delete(paths);
    if (cJSON_GetArraySize(named) == 0) {
        cJSON_Delete(named);
        return;
    }
    /* a SecureString is read (decrypted) to compare it with the file: through SSM only */
    char *service = xasprintf("ssm.%s.amazonaws.com", b->g->region);
    ci_allow(b, "kms:Decrypt kms:Encrypt kms:DescribeKey", ci_one(ci_arn(b, "kms", 1, "key/*")),
          ci_when(b, "StringEquals", "kms:ViaService", cJSON_CreateString(service)));
    free(service);
    if (!mine) {
        ci_allow(b, "ssm:GetParameter ssm:GetParameters ssm:ListTagsForResource", named, NULL);
        return;
    }
    ci_allow(b, "ssm:GetParameter ssm:GetParameters ssm:ListTagsForResource ssm:PutParameter "
             "ssm:AddTagsToResource ssm:RemoveTagsFromResource ssm:DeleteParameter",
          named, NULL);
    ci_allow(b, "secretsmanager:GetRandomPassword", ci_any(), NULL);
}

/* ---- domains: Route 53 and ACM -------------------------------------------------------- */

/* Route 53's ARNs name no region and no account. */
static cJSON *r53_arn(const ci_builder *b, const char *what)
{
    char *s = xasprintf("arn:%s:route53:::%s", b->g->partition, what);
    cJSON *r = ci_one(cJSON_CreateString(s));
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
    return ci_one(res_concat(parts));
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

static void dns_reads(ci_builder *b)
{
    READS(b, "route53:ListHostedZones route53:ListHostedZonesByName");
    ci_allow(b, "route53:GetHostedZone route53:ListResourceRecordSets route53:ListTagsForResource "
             "route53:ListTagsForResources",
          r53_arn(b, "hostedzone/*"), NULL);
    ci_allow(b, "route53:GetChange", r53_arn(b, "change/*"), NULL);
}

/* Route 53 authorizes no tag conditions: record changes are bounded by their names. */
static void record_writes(ci_builder *b)
{
    cJSON *names = record_names(b);
    if (cJSON_GetArraySize(names) == 0) {
        cJSON_Delete(names);
        return;
    }
    ci_allow(b, "route53:ChangeResourceRecordSets", r53_arn(b, "hostedzone/*"),
          ci_when(b, "ForAllValues:StringLike", "route53:ChangeResourceRecordSetsNormalizedRecordNames",
               names));
    ci_allow(b, "route53:ChangeTagsForResource", r53_arn(b, "hostedzone/*"), NULL);
}

static void zone(ci_builder *b, int mine)
{
    dns_reads(b);
    if (!mine)
        return;
    /* a zone the stack makes has no name the policy could know beforehand */
    ci_allow(b, "route53:CreateHostedZone", ci_any(), NULL);
    ci_allow(b, "route53:DeleteHostedZone route53:ChangeTagsForResource", r53_arn(b, "hostedzone/*"),
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
    ci_allow(b, "acm:DescribeCertificate acm:ListTagsForCertificate", acm_arn(b), NULL);
    dns_reads(b);
    if (!mine)
        return;
    ci_allow(b, "acm:RequestCertificate acm:AddTagsToCertificate", acm_arn(b), ci_tagging(b));
    ci_allow(b, "acm:DeleteCertificate", acm_arn(b), ci_tagged(b));
    record_writes(b); /* the validation records */
}

/* ---- databases: RDS and ElastiCache ---------------------------------------------------- */

/* RDS lowers identifiers: the stack's instances and subnet groups are "stack-*". */
static cJSON *rds_arn(const ci_builder *b, const char *type)
{
    char *lower = xstrdup(b->g->stack->name);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    cJSON *r = ci_one(ci_arn(b, "rds", 1, "%s:%s-*", type, lower));
    free(lower);
    return r;
}

static void db_subnets(ci_builder *b, int mine)
{
    READS(b, "rds:DescribeDBSubnetGroups");
    if (mine)
        ci_allow(b, "rds:CreateDBSubnetGroup rds:ModifyDBSubnetGroup rds:DeleteDBSubnetGroup "
                 "rds:AddTagsToResource rds:ListTagsForResource",
              rds_arn(b, "subgrp"), NULL);
}

static void database(ci_builder *b, int mine)
{
    READS(b, "rds:DescribeDBInstances rds:DescribeDBSnapshots");
    ci_allow(b, "rds:ListTagsForResource", rds_arn(b, "db"), NULL);
    if (!mine)
        return;
    ci_allow(b, "rds:CreateDBInstance rds:ModifyDBInstance rds:DeleteDBInstance "
             "rds:AddTagsToResource",
          rds_arn(b, "db"), NULL);
    ci_allow(b, "rds:CreateDBInstance", rds_arn(b, "subgrp"), NULL);
    ci_allow(b, "rds:CreateDBSnapshot", rds_arn(b, "snapshot"), NULL);
    /* RDS keeps the master password in a secret it makes in the caller's name */
    ci_allow(b, "secretsmanager:CreateSecret secretsmanager:TagResource",
          ci_one(ci_arn(b, "secretsmanager", 1, "secret:rds!*")), NULL);
    ci_allow(b, "kms:DescribeKey", ci_any(), NULL);
    ci_linked_role(b, "rds.amazonaws.com");
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
    ci_allow(b, "application-autoscaling:RegisterScalableTarget "
             "application-autoscaling:DeregisterScalableTarget "
             "application-autoscaling:PutScalingPolicy application-autoscaling:DeleteScalingPolicy "
             "application-autoscaling:PutScheduledAction "
             "application-autoscaling:DeleteScheduledAction application-autoscaling:TagResource",
          ci_one(ci_arn(b, "application-autoscaling", 1, "scalable-target/*")), NULL);
    ci_allow(b, "ecs:DescribeServices ecs:UpdateService", ci_one(ci_arn(b, "ecs", 1, "service/%s/*",
                                                              b->g->stack->name)), NULL);
    ci_allow(b, "cloudwatch:PutMetricAlarm cloudwatch:DescribeAlarms cloudwatch:DeleteAlarms",
          ci_one(ci_arn(b, "cloudwatch", 1, "alarm:TargetTracking-service/%s/*", b->g->stack->name)),
          NULL);
    ci_linked_role(b, "ecs.application-autoscaling.amazonaws.com");
}

const ci_row ci_rows_data[] = {
    {"file_system", file_system}, {"access_point", access_point},
    {"mount_target", mount_target}, {"parameter", parameter},
    {"zone", zone},             {"record", record},
    {"certificate", certificate}, {"db_subnets", db_subnets},
    {"database", database},     {"cache", cache},
    {"scaling", scaling},
    {NULL, NULL}};
