/* Task definitions: the document builder shared by task_def.c (internal to src/resources/). */
#ifndef ECSDEPLOY_RES_TASK_DEF_INTERNAL_H
#define ECSDEPLOY_RES_TASK_DEF_INTERNAL_H

#include "ecs.h"
#include "res.h"

/* A template (environment value, command item) as a property value: a string when the
 * file alone decides it, else a reference or {"concat": …} of strings and references to
 * other nodes; n gets those nodes as dependencies. New tree (cJSON_Delete). */
cJSON *task_def_template(res_graph *g, res_node *n, const char *tmpl);

/* The RegisterTaskDefinition input of a service (references left in), depending n on
 * the nodes it refers to. -1 (res_graph_fail) when task_definition_json is not a JSON
 * object. New tree (cJSON_Delete). */
int task_def_document(res_graph *g, res_node *n, const stack_service *svc, cJSON **out);

/* The node properties of a described revision: family, arn, revision, canonical. New tree. */
cJSON *task_def_props(const ecs_task_definition *t);

/* 1 when "arn:…:task-definition/FAMILY:3" is a revision of family exactly. */
int task_def_of_family(const char *arn, const char *family);

/* After discovery: every task definition node whose service runs another revision of the
 * family than the node found (the latest ACTIVE one) takes the revision the service runs
 * as its physical id and actual properties. 0, or -1 with err. */
int task_def_use_service_revisions(res_ctx *ctx, aws_error *err);

/* An ACTIVE revision of n's family (among the newest ten, n's own physical id excepted)
 * whose canonical document equals n->desired's (resolved): *props gets its properties
 * (caller frees), or NULL when there is none. 0, or -1 with err. */
int task_def_find_equal(res_ctx *ctx, res_node *n, cJSON **props, aws_error *err);

#endif
