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

/* Wait until the service runs task_def_arn steadily: the PRIMARY deployment is that
 * revision, COMPLETED, and running == desired. A deployment that failed (circuit
 * breaker, rolled back, tasks that cannot start) ends the wait at once with -1 and an
 * error naming the reasons (service_failure_reasons). */
int service_wait_steady(res_ctx *ctx, res_node *n, res_action action, const cJSON *props,
                        aws_error *err);

/* Why a deployment of task_def_arn failed, for people: the stopped tasks' reasons with
 * their containers' exit codes, unhealthy targets of the target groups (either may be
 * NULL) and the latest service events, appended to out. */
void service_failure_reasons(res_ctx *ctx, const char *cluster, const ecs_service *s,
                             const char *task_def_arn, const char *tg_arn,
                             const char *alt_tg_arn, buf *out);

/* Reasons of recently stopped tasks of a service (newest first, at most max, deduplicated)
 * as a cJSON array of strings. */
cJSON *service_stopped_reasons(res_ctx *ctx, const char *cluster, const char *service,
                               const char *task_def_arn, size_t max);

/* The status hook: counts, revision, images, rollout, events, stopped reasons. */
int service_status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err);

#endif
