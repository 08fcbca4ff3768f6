/* The builder of the CI role's policy (ci_policy.c) shared by the files that hold the
 * kinds' grants: ci_policy.c (network and application kinds), ci_policy_data.c (storage,
 * domains, databases, autoscaling). Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_CI_POLICY_INTERNAL_H
#define ECSDEPLOY_RES_CI_POLICY_INTERNAL_H

#include <cjson/cJSON.h>

#include "res.h"

typedef struct {
    const res_graph *g;
    const char *account_node; /* whose `account` attribute the ARNs read */
    cJSON *statements;
    cJSON *ec2_creates;       /* the EC2 create actions allowed ("CreateVpc", ...) */
} ci_builder;

/* A kind's grants: reads always, writes when `mine` (the file has nodes of the kind). */
typedef struct {
    const char *kind;
    void (*grant)(ci_builder *b, int mine);
} ci_row;

/* The rows of ci_policy_data.c; ci_policy.c holds the others. */
extern const ci_row ci_rows_data[];

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

#endif
