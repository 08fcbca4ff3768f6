/* ECS task definitions: register, describe, deregister, list (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

void ecs_task_definition_free(ecs_task_definition *t)
{
    free(t->arn);
    free(t->family);
    free(t->status);
    cJSON_Delete(t->doc);
    svc_tags_free(&t->tags);
    memset(t, 0, sizeof *t);
}

static void read_taskdef(cJSON *o, ecs_task_definition *out)
{
    memset(out, 0, sizeof *out);
    cJSON *td = cJSON_DetachItemFromObjectCaseSensitive(o, "taskDefinition");
    out->doc = td ? td : cJSON_CreateObject();
    out->arn = xstrdup_or_null(aws_json_str(out->doc, "taskDefinitionArn"));
    out->family = xstrdup_or_null(aws_json_str(out->doc, "family"));
    out->revision = (int)aws_json_int(out->doc, "revision", 0);
    out->status = xstrdup_or_null(aws_json_str(out->doc, "status"));
    svc_json_tags(o, "tags", "key", "value", &out->tags);
}

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
        !cJSON_IsArray(cJSON_GetObjectItem(def, "containerDefinitions"))) {
        aws_error_set(err, AWS_ERR_INPUT, "ClientException",
                      "a task definition needs a family and a containerDefinitions list");
        return -1;
    }
    cJSON *j = cJSON_Duplicate(def, 1), *o;
    if (tags) {
        cJSON_DeleteItemFromObjectCaseSensitive(j, "tags");
        if (tags->n)
            cJSON_AddItemToObject(j, "tags", svc_tags_json(tags, "key", "value"));
    }
    svc_lookup g = {.c = c, .in = j};
    aws_lost_answer guard = {find_registered, &g};
    int rc = aws_json_call_guarded(c, "ecs", "RegisterTaskDefinition", j, &guard, &o, err);
    cJSON_Delete(j);
    if (rc != 0)
        return -1;
    if (out)
        read_taskdef(o, out);
    cJSON_Delete(o);
    return 0;
}

int ecs_describe_task_definition(aws_client *c, const char *task_definition,
                                 ecs_task_definition *out, aws_error *err)
{
    cJSON *j = cJSON_CreateObject(), *o;
    cJSON_AddStringToObject(j, "taskDefinition", task_definition ? task_definition : "");
    const char *inc = "TAGS";
    cJSON_AddItemToObject(j, "include", cJSON_CreateStringArray(&inc, 1));
    memset(out, 0, sizeof *out);
    if (ecs_call_(c, "DescribeTaskDefinition", j, &o, err) != 0)
        return -1;
    read_taskdef(o, out);
    cJSON_Delete(o);
    return 0;
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
