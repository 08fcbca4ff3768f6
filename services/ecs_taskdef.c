/* ECS task definitions: register, describe, deregister, list (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

#define TASKDEF(m) "taskDefinition." m

static const svc_shape taskdef_shape = SVC_SHAPE(ecs_task_definition, NULL, NULL,
    SVC_FIELD("taskDefinition", SVC_RAW, ecs_task_definition, doc),
    SVC_FIELD(TASKDEF("taskDefinitionArn"), SVC_STR_NULL, ecs_task_definition, arn),
    SVC_FIELD(TASKDEF("family"), SVC_STR_NULL, ecs_task_definition, family),
    SVC_FIELD(TASKDEF("revision"), SVC_INT, ecs_task_definition, revision),
    SVC_FIELD(TASKDEF("status"), SVC_STR_NULL, ecs_task_definition, status),
    SVC_FTAGS("tags", ecs_task_definition, tags, "key", "value"));

SVC_DEFINE_FREE(ecs_task_definition_free, ecs_task_definition, taskdef_shape)

/*
 * RegisterTaskDefinition takes no client token: when its answer is lost, the family's
 * latest revision is the one this call made if it holds the same document (a second
 * registration would only add an identical revision). See aws_lost_answer.
 */
static int find_registered(void *ctx, cJSON **output, aws_error *err)
{
    svc_lookup *g = ctx;
    cJSON *j = cJSON_CreateObject(), *o = NULL;
    cJSON_AddStringToObject(j, "taskDefinition", aws_json_str(g->in, "family"));
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(&inc, 1));
    if (ecs_call_(g->c, "DescribeTaskDefinition", j, &o, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : -1; /* no revision yet */
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(o, "taskDefinition");
    if (!td || !ecs_taskdef_equal(g->in, td)) {
        cJSON_Delete(o);
        return 0;
    }
    *output = o;
    return 1;
}

int ecs_register_task_definition(aws_client *c, const cJSON *def, const svc_tags *tags,
                                 ecs_task_definition *out, aws_error *err)
{
    if (!cJSON_IsObject(def) || !aws_json_str(def, "family") ||
        !cJSON_IsArray(cJSON_GetObjectItem(def, "containerDefinitions")))
        return svc_refuse(err, "ClientException",
                          "a task definition needs a family and a containerDefinitions list");
    cJSON *j = cJSON_Duplicate(def, 1), *o;
    if (tags) {
        cJSON_DeleteItemFromObjectCaseSensitive(j, "tags");
        svc_add_tags(j, "tags", tags, "key", "value");
    }
    svc_lookup g = {.c = c, .in = j};
    aws_lost_answer guard = {find_registered, &g};
    int rc = aws_json_call_guarded(c, "ecs", "RegisterTaskDefinition", j, &guard, &o, err);
    cJSON_Delete(j);
    return rc ? -1 : svc_read_answer(o, NULL, &taskdef_shape, out);
}

int ecs_describe_task_definition(aws_client *c, const char *task_definition,
                                 ecs_task_definition *out, aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "taskDefinition", task_definition ? task_definition : "");
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(&inc, 1));
    return svc_call_read(ecs_call_, c, "DescribeTaskDefinition", j, NULL, &taskdef_shape, out,
                         err);
}

int ecs_deregister_task_definition(aws_client *c, const char *task_definition, aws_error *err)
{
    cJSON *j = svc_input("taskDefinition", task_definition);
    return ecs_call_(c, "DeregisterTaskDefinition", j, NULL, err);
}

int ecs_list_task_definition_families(aws_client *c, const char *prefix, int max_results,
                                      svc_strings *families, aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "familyPrefix", prefix);
    cJSON_AddStringToObject(j, "status", "ACTIVE");
    return ecs_list_strings_(c, "ListTaskDefinitionFamilies", j, max_results, "families", families,
                        err);
}

int ecs_list_task_definitions(aws_client *c, const char *family_prefix, const char *status,
                              int newest_first, int max_results, svc_strings *arns,
                              aws_error *err)
{
    cJSON *j = cJSON_CreateObject();
    svc_add_str(j, "familyPrefix", family_prefix);
    svc_add_str(j, "status", status);
    cJSON_AddStringToObject(j, "sort", newest_first ? "DESC" : "ASC");
    return ecs_list_strings_(c, "ListTaskDefinitions", j, max_results, "taskDefinitionArns", arns,
                        err);
}
