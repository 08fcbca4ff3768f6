/* ECS services: shared by service*.c (internal to src/resources/). */
#ifndef ECSDEPLOY_RES_SERVICE_INTERNAL_H
#define ECSDEPLOY_RES_SERVICE_INTERNAL_H

#include "buf.h"
#include "ecs.h"
#include "res.h"

extern const res_kind res_kind_service;

/* The desired properties of a service node (references to the cluster, task definition,
 * subnets, group, target groups, rules, registry, roles), with n depending on them. */
cJSON *service_desired(res_graph *g, res_node *n, const stack_service *svc);

/* The actual properties of a described service, shaped like service_desired's (plus
 * arn, name and url). New tree. */
cJSON *service_props(res_ctx *ctx, const ecs_service *s);

/* http(s)://DNS/first-path of a service behind a load balancer. Caller frees. */
char *service_lb_url(const stack_model *stack, const stack_service *svc, const char *dns);

/* The status hook: counts, revision, images, rollout, events, stopped reasons. */
int service_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err);

#endif
