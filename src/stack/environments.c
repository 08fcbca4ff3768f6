/*
 * environments: one stack file, several environments. Each names values for the file's
 * parameters and overrides merged over the file:
 *
 *   environments:
 *     staging:
 *       parameters: { image: "ghcr.io/o/app:staging" }
 *       overrides:
 *         network: { nat: none }
 *         services: { app: { desired_count: 1 } }
 *
 * Every environment is checked whatever is selected (its name, its keys, that its
 * parameters are declared, that its overrides name top-level sections). The one selected
 * (--env NAME, ECSDEPLOY_ENV) is applied before anything is decoded: its overrides are
 * merged into the document (mappings key by key, any other value replaced), so the rest of
 * the loader checks the result with the override's own FILE:LINE:COL; its parameters are
 * values below --set and --set-file and above the defaults. The stack name becomes
 * STACK-ENV (load.c), which every AWS name carries.
 */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const env_keys[] = {"parameters", "overrides", "description", NULL};
/* what overrides may set: every top-level section but these three */
static const char *const override_keys[] = {"region", "tags", "network", "logs", "cluster",
                                            "discovery", "service_connect", "secrets", "buckets", "sites", "ci",
                                            "zones", "databases", "caches", "file_systems",
                                            "parameter_store", "load_balancers", "services",
                                            "bootstrap", "outputs", NULL};

/* Merge `from` (a mapping) into `into` (a mapping), moving its nodes: a key on both sides
 * whose values are both mappings is merged again; any other value replaces the file's. */
static void merge(stack_node *into, stack_node *from)
{
    for (size_t i = 0; i < from->n; i++) {
        stack_node *k = from->keys[i], *v = from->vals[i];
        size_t j = 0;
        while (j < into->n && strcmp(into->keys[j]->str, k->str) != 0)
            j++;
        if (j < into->n && into->vals[j] && into->vals[j]->kind == STACK_NODE_MAP && v &&
            v->kind == STACK_NODE_MAP) {
            merge(into->vals[j], v);
            continue;
        }
        if (j < into->n) {
            stack_node_free(into->vals[j]);
            into->vals[j] = v;
            from->vals[i] = NULL;
            continue;
        }
        into->keys = xrealloc(into->keys, (into->n + 1) * sizeof *into->keys);
        into->vals = xrealloc(into->vals, (into->n + 1) * sizeof *into->vals);
        into->keys[into->n] = k;
        into->vals[into->n++] = v;
        from->keys[i] = NULL;
        from->vals[i] = NULL;
    }
}

/* One environment's shape (not its parameters' names: those are checked once the
 * parameters are known, stack_environment_check_params). */
static void check_one(stack_ctx *c, const stack_node *key, const stack_node *v)
{
    const char *why = stack_check_logical_name(key->str);
    if (why)
        stack_err(c, key, "'%s' %s", key->str, why);
    if (!v || v->kind == STACK_NODE_NULL)
        return;
    if (!stack_want_map(c, v))
        return;
    stack_check_keys(c, v, env_keys);
    const stack_node *p = stack_node_get(v, "parameters");
    size_t old = stack_path_push(c, "parameters");
    if (p && stack_want_map(c, p))
        for (size_t i = 0; i < p->n; i++)
            if (p->vals[i]->kind != STACK_NODE_SCALAR) {
                size_t o2 = stack_path_push(c, p->keys[i]->str);
                stack_err(c, p->vals[i], "must be a single value, not %s",
                          stack_node_kind_name(p->vals[i]));
                stack_path_pop(c, o2);
            }
    stack_path_pop(c, old);
    const stack_node *o = stack_node_get(v, "overrides");
    old = stack_path_push(c, "overrides");
    if (o && stack_want_map(c, o))
        stack_check_keys(c, o, override_keys);
    stack_path_pop(c, old);
}

/* One environment declared: checked, its name kept in the model. */
static void environment_entry(stack_ctx *c, const stack_node *key, const stack_node *v, void *ud)
{
    stack_model *s = ud;
    check_one(c, key, v);
    s->environments[s->nenvironments++] = xstrdup(key->str);
}

int stack_environment_apply(stack_ctx *c, stack_node *root, const char *selected)
{
    stack_node *envs = (stack_node *)stack_node_get(root, "environments");
    stack_loc none = {0, 0};
    stack_model *s = c->s;
    static const stack_entries environments = {.key = "environments", .max = 20,
                                               .what = "environments",
                                               .why = "one stack file may declare",
                                               .size = sizeof(char *)};
    stack_decode_entries(c, envs, &environments, (void **)&s->environments, environment_entry, s);
    if (!selected)
        return 0;
    for (size_t i = 0; envs && envs->kind == STACK_NODE_MAP && i < envs->n; i++) {
        if (strcmp(envs->keys[i]->str, selected) != 0)
            continue;
        s->environment = xstrdup(selected);
        stack_node *v = envs->vals[i];
        c->env_params = stack_node_get(v, "parameters");
        stack_node *o = (stack_node *)stack_node_get(v, "overrides");
        if (o && o->kind == STACK_NODE_MAP && c->d->n == 0)
            merge(root, o);
        return 0;
    }
    if (!envs || !s->nenvironments) {
        stack_diag_add(c->d, none, "--env %s: the stack file declares no environments (add an "
                                   "'environments:' section, or leave out --env and ECSDEPLOY_ENV)",
                       selected);
        return -1;
    }
    buf b = BUF_INIT;
    for (size_t i = 0; i < s->nenvironments; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", s->environments[i]);
    const char *hint = util_suggest(selected, (const char *const *)s->environments);
    for (size_t i = 0; !hint && i < s->nenvironments; i++) /* "prod" for "production" */
        if (!strncmp(s->environments[i], selected, strlen(selected)))
            hint = s->environments[i];
    stack_diag_add(c->d, envs->loc, "--env %s: no such environment%s%s%s; the file declares: %s",
                   selected, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "",
                   buf_str(&b));
    buf_free(&b);
    return -1;
}

void stack_environment_check_params(stack_ctx *c, const stack_node *root)
{
    const stack_node *envs = stack_node_get(root, "environments");
    if (!envs || envs->kind != STACK_NODE_MAP)
        return;
    const char **names = xcalloc(c->s->nparams + 1, sizeof *names);
    for (size_t i = 0; i < c->s->nparams; i++)
        names[i] = c->s->params[i].name;
    for (size_t i = 0; i < envs->n; i++) {
        const stack_node *p = stack_node_get(envs->vals[i], "parameters");
        for (size_t j = 0; p && p->kind == STACK_NODE_MAP && j < p->n; j++) {
            const char *name = p->keys[j]->str;
            if (stack_find_param(c->s, name))
                continue;
            const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(name, names) : NULL;
            stack_diag_add(c->d, p->keys[j]->loc,
                           "environments.%s.parameters.%s: the file declares no parameter '%s'%s%s%s",
                           envs->keys[i]->str, name, name, hint ? " (did you mean '" : "",
                           hint ? hint : "", hint ? "'?)" : "");
        }
    }
    free(names);
}
