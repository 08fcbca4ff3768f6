/* scaling/SERVICE (scaling.c, scaling_apply.c): a service's scalable target in Application
 * Auto Scaling with its target tracking policies and scheduled actions, as one node.
 * Internal to src/resources/. */
#ifndef ECSDEPLOY_RES_SCALING_INTERNAL_H
#define ECSDEPLOY_RES_SCALING_INTERNAL_H

#include "appautoscaling.h"
#include "res.h"

extern const res_kind res_kind_scaling;

/* Policy names: the metric's name ("cpu", "memory", "requests") after this prefix. */
#define SCALING_POLICY_PREFIX "ecsdeploy-"

/* The metric of a policy's "metric" member ("cpu", "memory", "requests") as AWS names it
 * (NULL when it is none of ours). */
const char *scaling_aws_metric(const char *metric);

int scaling_create(res_ctx *ctx, res_node *n, aws_error *err);
int scaling_update(res_ctx *ctx, res_node *n, aws_error *err);
int scaling_remove(res_ctx *ctx, res_node *n, aws_error *err);

#endif
