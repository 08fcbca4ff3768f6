/* How a service is deployed (strategy, percentages, bake times) and the raw
 * task-definition escape hatch merged last. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const deploy_keys[] = {"strategy", "min_healthy_percent", "max_percent",
                                          "bake_minutes", "canary_percent", "canary_bake_minutes",
                                          "step_percent", "step_bake_minutes", NULL};
static const char *const strategy_names[] = {"rolling", "blue-green", "canary", "linear", NULL};
static const char *const td_keys[] = {
    "containerDefinitions", "volumes", "placementConstraints", "proxyConfiguration",
    "inferenceAccelerators", "ephemeralStorage", "runtimePlatform", "pidMode", "ipcMode",
    "enableFaultInjection", "tags", "cpu", "memory", NULL};

static void decode_deployment(stack_ctx *c, const stack_node *n, stack_deployment *d)
{
    size_t old = stack_path_push(c, "deployment");
    d->loc = n->loc;
    if (stack_want_map(c, n)) {
        int st = 0;
        stack_check_keys(c, n, deploy_keys);
        stack_get_enum(c, n, "strategy", strategy_names, &st);
        d->strategy = (stack_strategy)st;
        stack_get_int(c, n, "min_healthy_percent", 0, 100, &d->min_healthy_percent);
        stack_get_int(c, n, "max_percent", 100, 400, &d->max_percent);
        stack_get_int(c, n, "bake_minutes", 0, 1440, &d->bake_minutes);
        stack_get_double(c, n, "canary_percent", 0.1, 100, &d->canary_percent);
        stack_get_int(c, n, "canary_bake_minutes", 0, 1440, &d->canary_bake_minutes);
        stack_get_double(c, n, "step_percent", 3, 100, &d->step_percent);
        stack_get_int(c, n, "step_bake_minutes", 0, 1440, &d->step_bake_minutes);
        const char *only[] = {"bake_minutes", "canary_percent", "canary_bake_minutes", "step_percent", "step_bake_minutes"};
        const stack_strategy owner[] = {STACK_DEPLOY_ROLLING, STACK_DEPLOY_CANARY, STACK_DEPLOY_CANARY,
                                       STACK_DEPLOY_LINEAR, STACK_DEPLOY_LINEAR};
        for (int i = 0; i < 5; i++) {
            const stack_node *k = stack_node_get(n, only[i]);
            if (k && (i == 0 ? d->strategy == STACK_DEPLOY_ROLLING : d->strategy != owner[i]))
                stack_err_key(c, k, only[i], "applies to strategy: %s only",
                             i == 0 ? "blue-green, canary or linear" : strategy_names[owner[i]]);
        }
    }
    stack_path_pop(c, old);
}

/* YAML → JSON for the task-definition escape hatch. */
static cJSON *to_json(stack_ctx *c, const stack_node *n)
{
    if (n->kind == STACK_NODE_NULL)
        return cJSON_CreateNull();
    if (n->kind == STACK_NODE_MAP || n->kind == STACK_NODE_SEQ) {
        cJSON *o = n->kind == STACK_NODE_MAP ? cJSON_CreateObject() : cJSON_CreateArray();
        for (size_t i = 0; i < n->n; i++) {
            cJSON *v = to_json(c, n->vals[i]);
            if (n->kind == STACK_NODE_MAP)
                cJSON_AddItemToObject(o, n->keys[i]->str, v);
            else
                cJSON_AddItemToArray(o, v);
        }
        return o;
    }
    char *s = NULL;
    if (stack_scalar(c, n, &s) != 0)
        return cJSON_CreateNull();
    cJSON *v;
    char *end;
    double d = strtod(s, &end);
    if (n->plain && (!strcmp(s, "true") || !strcmp(s, "false")))
        v = cJSON_CreateBool(s[0] == 't');
    else if (n->plain && *s && !*end && d == d)
        v = cJSON_CreateNumber(d);
    else
        v = cJSON_CreateString(s);
    free(s);
    return v;
}

static void decode_raw_td(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    size_t old = stack_path_push(c, "task_definition");
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, td_keys);
        cJSON *o = to_json(c, n);
        char *js = cJSON_PrintUnformatted(o);
        svc->task_definition_json = xstrdup(js);
        cJSON_free(js);
        cJSON_Delete(o);
    }
    stack_path_pop(c, old);
}

void stack_decode_deployment(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    stack_deployment *d = &svc->deployment;
    d->min_healthy_percent = 100;
    d->max_percent = 200;
    d->bake_minutes = 5;
    d->canary_percent = 10;
    d->canary_bake_minutes = 5;
    d->step_percent = 10;
    d->step_bake_minutes = 1;
    const stack_node *x;
    if ((x = stack_node_get(n, "deployment")))
        decode_deployment(c, x, d);
    if ((x = stack_node_get(n, "task_definition")))
        decode_raw_td(c, x, svc);
}
