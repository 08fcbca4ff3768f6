/* Shared by services/ecs*.c only. */
#ifndef ECSDEPLOY_ECS_INTERNAL_H
#define ECSDEPLOY_ECS_INTERNAL_H

#include "ecs.h"
#include "svc_json_internal.h"

/* ecs_call_: one call, input consumed, *out (may be NULL) the result. ecs_time_: a
 * timestamp member as epoch seconds. */
int ecs_call_(aws_client *c, const char *op, cJSON *in, cJSON **out, aws_error *err);
double ecs_time_(const cJSON *obj, const char *name);
/* Fill *out from a service object (ecs_service_free). */
void ecs_read_service_(const cJSON *j, ecs_service *out);
/* A capacity provider strategy as ECS's JSON list (new). */
cJSON *ecs_capacity_json_(const ecs_capacity *items, size_t n);
/* A List* call of strings (ARNs, families): every nextToken page of member `items`,
 * input j consumed (maxResults added when > 0), into *out (svc_strings_free). */
/* ECS's lists: nextToken pages sized by maxResults. */
extern const svc_api ecs_api_;
int ecs_list_strings_(aws_client *c, const char *op, cJSON *j, int max_results,
                      const char *items, svc_strings *out, aws_error *err);

#endif
