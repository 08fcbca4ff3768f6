/* Pure helpers over task-definition documents (see ecs.h). */
#include "ecs_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const added_by_ecs[] = {
    "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
    "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt", NULL};

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

static int is_empty(const cJSON *v)
{
    return cJSON_IsNull(v) || ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

/* Members ECS fills in when the input leaves them out (container cpu 0, essential true,
 * protocol tcp, hostPort, readOnly false, startPeriod 0, enableFaultInjection false, an
 * EFS volume's rootDirectory "/"). */
static int is_default(const cJSON *m, int in_container)
{
    const char *n = m->string;
    if (!n)
        return 0;
    if (in_container && !strcmp(n, "cpu"))
        return cJSON_IsNumber(m) && m->valuedouble == 0;
    if (in_container && !strcmp(n, "essential"))
        return cJSON_IsTrue(m);
    if (!strcmp(n, "protocol"))
        return cJSON_IsString(m) && !strcmp(m->valuestring, "tcp");
    if (!strcmp(n, "readOnly"))
        return cJSON_IsFalse(m);
    if (!strcmp(n, "startPeriod"))
        return cJSON_IsNumber(m) && m->valuedouble == 0;
    if (!in_container && !strcmp(n, "enableFaultInjection"))
        return cJSON_IsFalse(m); /* described revisions carry it even when never set */
    if (!strcmp(n, "rootDirectory")) /* an EFS volume's: ECS stores "/" when none is given */
        return cJSON_IsString(m) && !strcmp(m->valuestring, "/");
    return !strcmp(n, "hostPort");
}

static int by_name(const void *a, const void *b)
{
    const cJSON *x = cJSON_GetObjectItem(*(cJSON *const *)a, "name");
    const cJSON *y = cJSON_GetObjectItem(*(cJSON *const *)b, "name");
    return strcmp(cJSON_IsString(x) ? x->valuestring : "", cJSON_IsString(y) ? y->valuestring : "");
}

/* environment and secrets: order does not matter to ECS. */
static void sort_by_name(cJSON *array)
{
    int n = cJSON_GetArraySize(array);
    if (n < 2)
        return;
    cJSON **items = xcalloc((size_t)n, sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = cJSON_DetachItemFromArray(array, 0);
    qsort(items, (size_t)n, sizeof *items, by_name);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(array, items[i]);
    free(items);
}

static void clean(cJSON *v, int in_container)
{
    cJSON *c = v->child;
    while (c) {
        cJSON *next = c->next;
        if (c->string && (!strcmp(c->string, "environment") || !strcmp(c->string, "secrets")))
            sort_by_name(c);
        int container = c->string && !strcmp(c->string, "containerDefinitions");
        if (cJSON_IsArray(c) && container) {
            for (cJSON *k = c->child; k; k = k->next)
                clean(k, 1);
        } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            clean(c, 0);
        }
        if (is_empty(c) || (cJSON_IsObject(v) && is_default(c, in_container)))
            cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
        c = next;
    }
}

static void as_string(cJSON *doc, const char *member)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, member);
    if (cJSON_IsNumber(m)) {
        char *s = xasprintf("%d", m->valueint);
        cJSON_ReplaceItemInObjectCaseSensitive(doc, member, cJSON_CreateString(s));
        free(s);
    }
}

cJSON *ecs_taskdef_canonical(const cJSON *doc)
{
    cJSON *c = ecs_taskdef_to_input(doc);
    cJSON_DeleteItemFromObjectCaseSensitive(c, "tags"); /* not part of a revision */
    as_string(c, "cpu");
    as_string(c, "memory");
    clean(c, 0);
    return c;
}

int ecs_taskdef_equal(const cJSON *input, const cJSON *described)
{
    cJSON *a = ecs_taskdef_canonical(input), *b = ecs_taskdef_canonical(described);
    int eq = cJSON_Compare(a, b, 1);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return eq;
}
