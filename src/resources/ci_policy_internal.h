/* The builder of the CI role's policy (ci_policy.c), for the kinds' grants: each kind's
 * ci_grant (include/res.h) adds its statements with these functions; the pieces more than
 * one kind uses are in ci_grant_common.c. Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_CI_POLICY_INTERNAL_H
#define ECSDEPLOY_RES_CI_POLICY_INTERNAL_H

#include <cjson/cJSON.h>

#include "res.h"

struct ci_builder {
    const res_graph *g;
    const char *account_node; /* whose `account` attribute the ARNs read */
    cJSON *statements;
    cJSON *ec2_creates;       /* the EC2 create actions allowed ("CreateVpc", ...) */
};
typedef struct ci_builder ci_builder;

/* Add the space-separated `actions` to the list (a set: no repeats). */
void ci_add_actions(cJSON *list, const char *actions);
/* Allow `actions` on resources (an array, taken) under condition (taken, may be NULL),
 * joined to a statement with the same effect, resources and condition. */
void ci_allow(ci_builder *b, const char *actions, cJSON *resources, cJSON *condition);
/* Allow or Deny: the same for either effect. */
void ci_statement(ci_builder *b, const char *effect, const char *actions, cJSON *resources,
                  cJSON *condition);
/* ["*"] */
cJSON *ci_any(void);
/* "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" with the account read from the graph;
 * regional 0 leaves the region empty (IAM, CloudFront). */
cJSON *ci_arn(const ci_builder *b, const char *service, int regional, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* [item] */
cJSON *ci_one(cJSON *item);
/* {op: {key: value}}; value NULL: the stack's name. */
cJSON *ci_when(const ci_builder *b, const char *op, const char *key, cJSON *value);
/* Conditions on the stack's tag: on the resource (tagged) and in the request (tagging). */
cJSON *ci_tagged(const ci_builder *b);
cJSON *ci_tagging(const ci_builder *b);
/* The strings of a NULL-ended array as a JSON array. */
cJSON *ci_strings(const char *const *v);
/* The desired `member` of every file node of kind `kind`, as ARNs made by fn. */
typedef cJSON *(*ci_arn_fn)(const ci_builder *b, const char *name);
cJSON *ci_each(const ci_builder *b, const char *kind, const char *member, ci_arn_fn fn);
/* iam:CreateServiceLinkedRole for one AWS service. */
void ci_linked_role(ci_builder *b, const char *service);

#define READS(b, actions) ci_allow(b, actions, ci_any(), NULL)

/* ---- pieces several kinds' grants use (ci_grant_common.c) ---------------------------- */

/* READS(reads); when mine, allow writes on resources under condition (both taken: freed
 * when not mine; condition may be NULL). */
void ci_reads_writes(ci_builder *b, int mine, const char *reads, const char *writes,
                     cJSON *resources, cJSON *condition);
/* Where AWS picks the id: `create` (space-separated actions) on resources (taken) with the
 * stack's tag in the request, then `changes` (may be NULL) on the same resources carrying
 * the stack's tag. */
void ci_by_tag(ci_builder *b, const char *create, const char *changes, cJSON *resources);
/* An EC2 kind's grants from its row (res_kind.ci_ec2): READS(reads); when mine, its create
 * action ("ec2:CreateVpc") on resources tagged in the request (and ec2:CreateTags for it,
 * see ci_policy.c) and its other actions on resources tagged with the stack. */
void ci_ec2_grant(ci_builder *b, int mine, const res_ec2_grants *g);
/* Move every item of the array `from` to the end of `into`, and free `from`. */
void ci_join(cJSON *into, cJSON *from);
/* A secret's ARN pattern by name (Secrets Manager's random suffix as "??????") or its ARN. */
cJSON *ci_secret_arn(const ci_builder *b, const char *name);
/* The ARNs of the secrets the file names by `existing:` (an array, maybe empty). */
cJSON *ci_existing_secrets(const ci_builder *b);
/* [the stack's own secrets: secret:STACK/ *] */
cJSON *ci_stack_secrets(const ci_builder *b);
/* arn:PARTITION:s3:::NAME (a bucket, or NAME/KEY objects) */
cJSON *ci_bucket_arn(const ci_builder *b, const char *name);
/* A bucket node's name, or for a default name (known only once the account is) the
 * pattern of it: STACK-BUCKET-* in place of the hash. Caller frees. */
char *ci_bucket_name(const ci_builder *b, const res_node *n);
/* The stack's ECS cluster. */
cJSON *ci_cluster_arn(const ci_builder *b);
/* What discovering and showing load balancers, target groups, listeners and rules reads. */
void ci_elb_reads(ci_builder *b);
/* A load balancer's and its listeners' ARN patterns by the balancer's name (ci_arn_fn). */
cJSON *ci_lb_arn(const ci_builder *b, const char *name);
cJSON *ci_listener_arn(const ci_builder *b, const char *name);
/* The ARNs `first` makes of every load balancer's name, then those `second` makes. */
cJSON *ci_alb_arns(const ci_builder *b, ci_arn_fn first, ci_arn_fn second);
/* [EFS resources of a type: "file-system", "access-point"] */
cJSON *ci_efs_arn(const ci_builder *b, const char *what);
/* [RDS resources of a type ("db", "subgrp", "snapshot") named like the stack] */
cJSON *ci_rds_arn(const ci_builder *b, const char *type);
/* [arn:PARTITION:route53:::WHAT] */
cJSON *ci_r53_arn(const ci_builder *b, const char *what);
/* What finding hosted zones, records and certificates' validation records reads. */
void ci_dns_reads(ci_builder *b);
/* Changes of the records the stack names (records, certificates' names and below). */
void ci_dns_record_writes(ci_builder *b);

#endif
