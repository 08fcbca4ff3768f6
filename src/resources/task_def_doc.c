/*
 * The RegisterTaskDefinition document of a service, built from the stack model, with
 * references to other nodes (roles, log group, secrets, load balancers) left as
 * references until they are known. Documents are compared in ecs_taskdef_canonical()'s
 * form (services/ecs_taskdef_doc.c), the same one `deploy` uses.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "task_def_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* ---- templates with references --------------------------------------------------- */

#define MARK '\x01'

typedef struct {
    res_graph *g;
    res_node *n;      /* the node that depends on what the template names */
    cJSON *refs;      /* array of reference objects, in the order of their marks */
} template_refs;

static const char *lb_scheme(const stack_load_balancer *lb)
{
    for (size_t i = 0; lb && i < lb->nlisteners; i++)
        if (lb->listeners[i].protocol == STACK_PROTO_HTTPS && !lb->listeners[i].redirect_port)
            return "https://";
    return "http://";
}

/* A service reached through its load balancer: scheme, the ALB's DNS name, first path. */
static cJSON *lb_service_value(res_graph *g, const stack_service *svc, const char *attr)
{
    char *alb = xasprintf("alb/%s", svc->lb.load_balancer);
    cJSON *parts = cJSON_CreateArray();
    if (strcmp(attr, "url") == 0)
        cJSON_AddItemToArray(parts, cJSON_CreateString(
                                        lb_scheme(stack_find_load_balancer(g->stack, svc->lb.load_balancer))));
    cJSON_AddItemToArray(parts, res_ref(alb, "dns_name"));
    if (strcmp(attr, "url") == 0 && svc->lb.npaths > 0) {
        char *path = xstrdup(svc->lb.paths[0]);
        char *star = strchr(path, '*');
        if (star)
            *star = '\0';
        cJSON_AddItemToArray(parts, cJSON_CreateString(path));
        free(path);
    }
    free(alb);
    return res_concat(parts);
}

/* The graph value of a reference the file alone does not decide. */
static cJSON *dynamic_value(res_graph *g, const stack_ref *ref)
{
    if (ref->kind == STACK_REF_SERVICE) {
        const stack_service *svc = stack_find_service(g->stack, ref->name);
        char *id = NULL;
        cJSON *v = NULL;
        if (svc && svc->has_load_balancer && (!strcmp(ref->attr, "url") || !strcmp(ref->attr, "host")))
            return lb_service_value(g, svc, ref->attr);
        if (!strcmp(ref->attr, "security_group_id"))
            v = res_ref((id = xasprintf("sg/%s", ref->name)), "id");
        else if (!strcmp(ref->attr, "task_role_arn"))
            v = res_ref((id = xasprintf("role/task-%s", ref->name)), "arn");
        free(id);
        if (v)
            return v;
    }
    char *id = res_stack_ref_node_id(ref);
    cJSON *v = res_ref(id, ref->attr);
    free(id);
    return v;
}

/* Record each reference's nodes as dependencies (those built already). */
static void depend_on_refs(res_graph *g, res_node *n, const cJSON *v)
{
    if (!v)
        return;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "ref");
    if (cJSON_IsString(ref) && cJSON_GetArraySize(v) == 2) {
        res_node_depend(n, res_graph_find(g, ref->valuestring));
        return;
    }
    for (const cJSON *c = v->child; c; c = c->next)
        depend_on_refs(g, n, c);
}

static int mark_ref(const stack_ref *ref, void *ud, char **value)
{
    template_refs *t = ud;
    char *v = stack_ref_static_value(t->g->stack, ref);
    if (v) {
        *value = v;
        return 0;
    }
    cJSON *r = dynamic_value(t->g, ref);
    depend_on_refs(t->g, t->n, r);
    cJSON_AddItemToArray(t->refs, r);
    *value = xasprintf("%c", MARK);
    return 0;
}

cJSON *task_def_template(res_graph *g, res_node *n, const char *tmpl)
{
    template_refs t = {.g = g, .n = n, .refs = cJSON_CreateArray()};
    char *text = stack_template_resolve(tmpl, mark_ref, &t, NULL);
    if (!text)
        text = xstrdup(tmpl);
    if (cJSON_GetArraySize(t.refs) == 0) {
        cJSON_Delete(t.refs);
        cJSON *s = cJSON_CreateString(text);
        free(text);
        return s;
    }
    cJSON *parts = cJSON_CreateArray();
    const char *p = text;
    for (;;) {
        const char *m = strchr(p, MARK);
        if (m > p || (!m && *p)) {
            char *piece = m ? xstrndup(p, (size_t)(m - p)) : xstrdup(p);
            cJSON_AddItemToArray(parts, cJSON_CreateString(piece));
            free(piece);
        }
        if (!m)
            break;
        cJSON_AddItemToArray(parts, cJSON_DetachItemFromArray(t.refs, 0));
        p = m + 1;
    }
    cJSON_Delete(t.refs);
    free(text);
    if (cJSON_GetArraySize(parts) == 1 && !cJSON_IsString(parts->child)) {
        cJSON *only = cJSON_DetachItemFromArray(parts, 0);
        cJSON_Delete(parts);
        return only;
    }
    return res_concat(parts);
}
