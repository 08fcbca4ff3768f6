/* Pure helpers over task-definition documents (see ecs.h). */
#include "ecs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const added_by_ecs[] = {
    "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
    "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt", NULL};

static int is_added(const char *name)
{
    for (size_t i = 0; added_by_ecs[i]; i++)
        if (strcmp(added_by_ecs[i], name) == 0)
            return 1;
    return 0;
}

cJSON *ecs_taskdef_to_input(const cJSON *described)
{
    cJSON *in = cJSON_Duplicate(described, 1);
    if (!in)
        return cJSON_CreateObject();
    for (size_t i = 0; added_by_ecs[i]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(in, added_by_ecs[i]);
    return in;
}

cJSON *ecs_taskdef_container(const cJSON *doc, const char *name)
{
    cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(doc, "containerDefinitions")) {
        const char *n = aws_json_str(k, "name");
        if (!name || (n && strcmp(n, name) == 0))
            return k;
    }
    return NULL;
}

int ecs_taskdef_set_image(cJSON *doc, const char *container, const char *image)
{
    cJSON *k = ecs_taskdef_container(doc, container);
    if (!k || !image)
        return -1;
    cJSON_DeleteItemFromObjectCaseSensitive(k, "image");
    cJSON_AddStringToObject(k, "image", image);
    return 0;
}

int ecs_taskdef_set_env(cJSON *doc, const char *container, const char *name, const char *value)
{
    cJSON *k = ecs_taskdef_container(doc, container), *e;
    if (!k || !name)
        return -1;
    cJSON *env = cJSON_GetObjectItemCaseSensitive(k, "environment");
    if (!cJSON_IsArray(env)) {
        cJSON_DeleteItemFromObjectCaseSensitive(k, "environment");
        env = cJSON_AddArrayToObject(k, "environment");
    }
    cJSON_ArrayForEach(e, env) {
        const char *n = aws_json_str(e, "name");
        if (n && strcmp(n, name) == 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(e, "value");
            cJSON_AddStringToObject(e, "value", value ? value : "");
            return 0;
        }
    }
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddStringToObject(e, "value", value ? value : "");
    cJSON_AddItemToArray(env, e);
    return 0;
}

/* Empty lists and objects, and null, are what ECS leaves out or fills in. */
static int is_empty(const cJSON *v)
{
    return !v || cJSON_IsNull(v) || ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

/* Members ECS fills in with a default when the input leaves them out. */
static int is_default(const cJSON *m)
{
    const char *n = m->string;
    if (strcmp(n, "cpu") == 0 && cJSON_IsNumber(m))
        return m->valuedouble == 0;
    if (strcmp(n, "essential") == 0)
        return cJSON_IsTrue(m);
    if (strcmp(n, "protocol") == 0)
        return cJSON_IsString(m) && strcmp(m->valuestring, "tcp") == 0;
    return strcmp(n, "hostPort") == 0;
}

static int same(const cJSON *a, const cJSON *b, int top);

static int same_object(const cJSON *a, const cJSON *b, int top)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, a) {
        if (top && is_added(m->string))
            continue;
        if (!same(m, cJSON_GetObjectItemCaseSensitive(b, m->string), 0))
            return 0;
    }
    cJSON_ArrayForEach(m, b) {
        if (top && is_added(m->string))
            continue;
        if (!cJSON_GetObjectItemCaseSensitive(a, m->string) && !is_empty(m) && !is_default(m))
            return 0;
    }
    return 1;
}

static int same(const cJSON *a, const cJSON *b, int top)
{
    if (is_empty(a) || is_empty(b))
        return is_empty(a) && is_empty(b);
    if (cJSON_IsObject(a) && cJSON_IsObject(b))
        return same_object(a, b, top);
    if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        for (const cJSON *x = a->child, *y = b->child; x && y; x = x->next, y = y->next)
            if (!same(x, y, 0))
                return 0;
        return 1;
    }
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return fabs(a->valuedouble - b->valuedouble) < 1e-9;
    /* cpu and memory are strings in outputs and may be numbers in inputs */
    if (cJSON_IsNumber(a) && cJSON_IsString(b))
        return atof(b->valuestring) == a->valuedouble;
    if (cJSON_IsString(a) && cJSON_IsNumber(b))
        return atof(a->valuestring) == b->valuedouble;
    if (cJSON_IsString(a) && cJSON_IsString(b))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsBool(a) && cJSON_IsBool(b))
        return cJSON_IsTrue(a) == cJSON_IsTrue(b);
    return 0;
}

int ecs_taskdef_equal(const cJSON *input, const cJSON *described)
{
    /* tags are not part of a revision */
    cJSON *a = cJSON_Duplicate(input, 1), *b = cJSON_Duplicate(described, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(a, "tags");
    cJSON_DeleteItemFromObjectCaseSensitive(b, "tags");
    int eq = same(a, b, 1);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return eq;
}
