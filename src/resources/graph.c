/* The graph of a stack: nodes, dependencies, references between nodes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "xalloc.h"

static const char *partition_of(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

int res_graph_build(const stack_model *s, const char *region, res_graph **out, char *err,
                    size_t errlen)
{
    const res_registry *reg = res_registry_get();
    if (!reg) {
        res_registry_check(err, errlen);
        *out = NULL;
        return -1;
    }
    res_graph *g = xcalloc(1, sizeof *g);
    g->registry = reg;
    g->stack = s;
    g->region = region ? region : "";
    g->partition = partition_of(g->region);
    for (size_t i = 0; i < reg->n; i++) {
        if (reg->kinds[i]->build && reg->kinds[i]->build(g, s) != 0) {
            snprintf(err, errlen, "%s", g->error ? g->error : "the stack's graph cannot be built");
            res_graph_free(g);
            *out = NULL;
            return -1;
        }
    }
    *out = g;
    return 0;
}

static void node_free(res_node *n)
{
    free(n->id);
    free(n->label);
    cJSON_Delete(n->desired);
    cJSON_Delete(n->actual);
    cJSON_Delete(n->previous);
    free(n->physical_id);
    free(n->deps);
    res_changes_free(&n->changes);
    free(n);
}

void res_graph_free(res_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        node_free(g->nodes[i]);
    free(g->nodes);
    free(g->error);
    free(g);
}

int res_graph_fail(res_graph *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(g->error);
    g->error = xvasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

res_node *res_graph_add(res_graph *g, const res_kind *kind, const char *name, const char *label,
                        cJSON *desired)
{
    res_node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->id = xasprintf("%s/%s", kind->name, name);
    n->label = xstrdup(label ? label : n->id);
    n->desired = desired;
    g->nodes = xrealloc(g->nodes, (g->n + 1) * sizeof *g->nodes);
    g->nodes[g->n++] = n;
    return n;
}

res_node *res_graph_addf(res_graph *g, const res_kind *kind, const char *name, cJSON *desired,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *label = xvasprintf(fmt, ap);
    va_end(ap);
    res_node *n = res_graph_add(g, kind, name, label, desired);
    free(label);
    return n;
}

res_node *res_graph_add_existing(res_graph *g, const res_kind *kind, const char *name,
                                 const void *model, const char *member, const char *existing,
                                 const char *what)
{
    res_node *n = res_graph_addf(g, kind, name, res_props(member, existing, NULL), "existing %s %s",
                                 what, existing);
    n->model = model;
    n->external = 1;
    return n;
}

res_node *res_graph_find(const res_graph *g, const char *id)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->nodes[i]->id, id) == 0)
            return g->nodes[i];
    return NULL;
}

void res_node_depend(res_node *n, res_node *dep)
{
    if (!dep || dep == n)
        return;
    for (size_t i = 0; i < n->ndeps; i++)
        if (n->deps[i] == dep)
            return;
    n->deps = xrealloc(n->deps, (n->ndeps + 1) * sizeof *n->deps);
    n->deps[n->ndeps++] = dep;
}

res_node *res_node_needs(res_graph *g, res_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *id = xvasprintf(fmt, ap);
    va_end(ap);
    res_node *dep = res_graph_find(g, id);
    res_node_depend(n, dep);
    free(id);
    return dep;
}

cJSON *res_ref_needed(res_graph *g, res_node *n, const char *id, const char *attr)
{
    res_node_depend(n, res_graph_find(g, id));
    return res_ref(id, attr);
}

res_node *res_node_dep(const res_node *n, const char *kind)
{
    size_t len = strlen(kind);
    for (size_t i = 0; i < n->ndeps; i++)
        if (strncmp(n->deps[i]->id, kind, len) == 0 && n->deps[i]->id[len] == '/')
            return n->deps[i];
    return NULL;
}

/* ---- references ----------------------------------------------------------------- */

cJSON *res_ref(const char *id, const char *attr)
{
    return res_props("ref", id, "attr", attr, NULL);
}

static int is_ref(const cJSON *v)
{
    return cJSON_IsObject(v) && cJSON_GetArraySize(v) == 2 &&
           cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "ref")) &&
           cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "attr"));
}

static int attr_changes(const res_kind *kind, const char *attr)
{
    for (const char *const *a = kind->changing_attrs; a && *a; a++)
        if (strcmp(*a, attr) == 0)
            return 1;
    return 0;
}

char *res_ref_value(res_ctx *ctx, const char *id, const char *attr)
{
    char *value = NULL;
    pthread_mutex_lock(&ctx->lock);
    const res_node *n = res_graph_find(ctx->graph, id);
    int changing = n && ctx->planning &&
                   (n->action == RES_CREATE || n->action == RES_REPLACE ||
                    (n->action == RES_UPDATE &&
                     (n->kind->new_id_on_update || attr_changes(n->kind, attr))));
    if (n && n->physical_id && !changing) {
        if (strcmp(attr, "id") == 0) {
            value = xstrdup(n->physical_id);
        } else if (n->actual) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(n->actual, attr);
            if (cJSON_IsString(v))
                value = xstrdup(v->valuestring);
            else if (cJSON_IsNumber(v))
                value = xasprintf("%g", v->valuedouble);
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    return value;
}

cJSON *res_concat(cJSON *parts)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "concat", parts);
    return c;
}

/* {"concat": [...]} whose parts are all strings now: the joined string in its place. */
static void join_concat(cJSON *parent, cJSON *child)
{
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(child, "concat");
    if (!cJSON_IsObject(child) || cJSON_GetArraySize(child) != 1 || !cJSON_IsArray(parts))
        return;
    size_t len = 1;
    for (const cJSON *p = parts->child; p; p = p->next) {
        if (!cJSON_IsString(p))
            return;
        len += strlen(p->valuestring);
    }
    char *joined = xmalloc(len);
    joined[0] = '\0';
    for (const cJSON *p = parts->child; p; p = p->next)
        strcat(joined, p->valuestring);
    cJSON *s = cJSON_CreateString(joined);
    free(joined);
    if (child->string)
        s->string = xstrdup(child->string);
    cJSON_ReplaceItemViaPointer(parent, child, s);
}

static void resolve_in_place(res_ctx *ctx, cJSON *v)
{
    cJSON *child = v ? v->child : NULL;
    while (child) {
        cJSON *next = child->next;
        if (is_ref(child)) {
            char *value = res_ref_value(ctx, cJSON_GetObjectItemCaseSensitive(child, "ref")->valuestring,
                                        cJSON_GetObjectItemCaseSensitive(child, "attr")->valuestring);
            if (value) {
                cJSON *s = cJSON_CreateString(value);
                free(value);
                /* ViaPointer does not carry an object member's name over */
                if (child->string)
                    s->string = xstrdup(child->string);
                cJSON_ReplaceItemViaPointer(v, child, s);
            }
        } else {
            resolve_in_place(ctx, child);
            join_concat(v, child);
        }
        child = next;
    }
}

cJSON *res_resolve(res_ctx *ctx, const cJSON *props)
{
    cJSON *copy = cJSON_Duplicate(props, 1);
    resolve_in_place(ctx, copy);
    return copy;
}

int res_has_refs(const cJSON *props)
{
    if (is_ref(props))
        return 1;
    for (const cJSON *c = props ? props->child : NULL; c; c = c->next)
        if (res_has_refs(c))
            return 1;
    return 0;
}

/* ---- found lists ------------------------------------------------------------------- */

/* Kinds discover side by side (res_parallel) into one list: one lock for every list. */
static pthread_mutex_t found_lock = PTHREAD_MUTEX_INITIALIZER;

void res_found_add(res_found_list *l, const char *id, const char *physical_id, cJSON *props)
{
    pthread_mutex_lock(&found_lock);
    l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
    res_found *f = &l->items[l->n++];
    f->id = xstrdup(id);
    f->physical_id = xstrdup(physical_id);
    f->props = props ? props : cJSON_CreateObject();
    pthread_mutex_unlock(&found_lock);
}

void res_found_add_named(res_found_list *l, const res_kind *kind, const char *name,
                         const char *physical_id, cJSON *props)
{
    char *id = xasprintf("%s/%s", kind->name, name);
    res_found_add(l, id, physical_id, props);
    free(id);
}

void res_found_list_free(res_found_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].id);
        free(l->items[i].physical_id);
        cJSON_Delete(l->items[i].props);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void res_prop_str(cJSON *props, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(props, name, value);
}

cJSON *res_props(const char *name, ...)
{
    cJSON *p = cJSON_CreateObject();
    va_list ap;
    va_start(ap, name);
    for (; name; name = va_arg(ap, const char *))
        res_prop_str(p, name, va_arg(ap, const char *));
    va_end(ap);
    return p;
}

void res_status_summary(cJSON *out, int healthy, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *summary = xvasprintf(fmt, ap);
    va_end(ap);
    cJSON_AddStringToObject(out, "summary", summary);
    free(summary);
    if (!healthy)
        cJSON_AddBoolToObject(out, "healthy", 0);
}

const char *res_prop_string(const cJSON *props, const char *name)
{
    return aws_json_str(props, name);
}

const char *res_prop_text(const cJSON *props, const char *name)
{
    const char *v = res_prop_string(props, name);
    return v ? v : "";
}

double res_prop_number(const cJSON *props, const char *name, double dflt)
{
    const cJSON *v = props ? cJSON_GetObjectItemCaseSensitive(props, name) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

int res_prop_int(const cJSON *props, const char *name, int dflt)
{
    const cJSON *v = props ? cJSON_GetObjectItemCaseSensitive(props, name) : NULL;
    return cJSON_IsNumber(v) ? v->valueint : dflt;
}

int res_array_has(const cJSON *array, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, array) if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0) return 1;
    return 0;
}

int res_prop_changed(const cJSON *desired, const cJSON *actual, const char *name)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(desired, name);
    const cJSON *a = actual ? cJSON_GetObjectItemCaseSensitive(actual, name) : NULL;
    return d && (!a || !cJSON_Compare(d, a, 1));
}

void res_node_set(res_ctx *ctx, res_node *n, const char *physical_id, cJSON *actual)
{
    char *id = xstrdup_or_null(physical_id);
    pthread_mutex_lock(&ctx->lock);
    free(n->physical_id);
    n->physical_id = id;
    if (actual != n->actual) {
        cJSON_Delete(n->actual);
        n->actual = actual;
    }
    pthread_mutex_unlock(&ctx->lock);
}

void res_node_set_desired(res_ctx *ctx, res_node *n, const char *physical_id, cJSON *attrs)
{
    cJSON *actual = cJSON_Duplicate(n->desired, 1);
    for (cJSON *m = attrs ? attrs->child : NULL; m; m = attrs->child) {
        cJSON_DetachItemViaPointer(attrs, m);
        cJSON_DeleteItemFromObjectCaseSensitive(actual, m->string);
        cJSON_AddItemToObject(actual, m->string, m);
    }
    cJSON_Delete(attrs);
    res_node_set(ctx, n, physical_id, actual);
}

const char *res_partition(const res_ctx *ctx)
{
    return ctx->graph && ctx->graph->partition ? ctx->graph->partition : "aws";
}
