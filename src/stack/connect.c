/* Service Connect: the stack's namespace (top-level `service_connect: { namespace: NAME }`)
 * and each service's place in it (`services.S.service_connect`): the port it publishes
 * under a port name, the Cloud Map service ECS makes for it (discovery_name) and the alias
 * clients use ("server:3000"), or client_only for a service that only reaches others.
 * Names follow ECS's rules: port and discovery names of lowercase letters, digits, '_'
 * and '-' (at most 64), aliases DNS-like (at most 127), one alias per published port. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const top_keys[] = {"namespace", NULL};
static const char *const svc_keys[] = {"port", "port_name", "discovery_name", "aliases", "client_only", NULL};

void stack_decode_connect_namespace(stack_ctx *c, const stack_node *n)
{
    if (!n)
        return;
    size_t old = stack_path_push(c, "service_connect");
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, top_keys);
        char *ns = NULL;
        if (stack_get_str(c, n, "namespace", 1, &ns) == 0 && ns) {
            const char *why = stack_check_dns_name(ns);
            if (why)
                stack_err_key(c, stack_node_get(n, "namespace"), "namespace", "'%s' %s", ns, why);
            c->s->connect_namespace = ns;
        }
    }
    stack_path_pop(c, old);
}

/* ECS's port and discovery names: lowercase letters, digits, '_' and '-', not starting
 * with '-', at most 64. */
static const char *ecs_name_problem(const char *n)
{
    size_t len = strlen(n);
    if (!len || len > 64)
        return "must be 1 to 64 characters";
    if (n[0] == '-')
        return "may not start with a hyphen";
    if (strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len)
        return "may hold only lowercase letters, digits, '_' and '-'";
    return NULL;
}

/* "NAME:PORT" or "NAME" (the published port); a client alias's name is DNS-like:
 * lowercase letters, digits, '_', '-' and '.', not starting with '-', at most 127. */
static void read_alias(stack_ctx *c, const stack_node *n, stack_connect *k)
{
    char *text = NULL;
    if (stack_scalar(c, n, &text) != 0 || !text)
        return;
    char *colon = strrchr(text, ':');
    if (colon) {
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || *end || p < 1 || p > 65535)
            stack_err(c, n, "'%s': the port after ':' must be 1 to 65535", text);
        else
            k->alias_port = (int)p;
        *colon = '\0';
    }
    size_t len = strlen(text);
    if (!len || len > 127 || text[0] == '-' ||
        strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != len)
        stack_err(c, n, "'%s' is not an alias name (lowercase letters, digits, '_', '-' and '.', at most "
                        "127, not starting with '-'), as in \"server:3000\"", text);
    else
        k->alias = xstrdup(text);
    free(text);
}

void stack_decode_connect(stack_ctx *c, const stack_node *svc_node, stack_service *svc)
{
    const stack_node *n = stack_node_get(svc_node, "service_connect");
    if (!n)
        return;
    stack_connect *k = &svc->connect;
    size_t old = stack_path_push(c, "service_connect");
    k->loc = n->loc;
    if (n->kind == STACK_NODE_SCALAR && n->plain && !strcmp(n->str, "true")) {
        k->set = 1;
    } else if (n->kind == STACK_NODE_SCALAR && n->plain && !strcmp(n->str, "false")) {
        /* left out */
    } else if (stack_want_map(c, n)) {
        k->set = 1;
        stack_check_keys(c, n, svc_keys);
        stack_get_bool(c, n, "client_only", &k->client_only);
        stack_get_int(c, n, "port", 1, 65535, &k->port);
        stack_get_str(c, n, "port_name", 0, &k->port_name);
        stack_get_str(c, n, "discovery_name", 0, &k->discovery_name);
        const char *names[] = {"port_name", "discovery_name"};
        char *vals[] = {k->port_name, k->discovery_name};
        for (int i = 0; i < 2; i++) {
            const char *why = vals[i] ? ecs_name_problem(vals[i]) : NULL;
            if (why)
                stack_err_key(c, stack_node_get(n, names[i]), names[i], "'%s' %s", vals[i], why);
        }
        const stack_node *al = stack_node_get(n, "aliases");
        if (al) {
            size_t o2 = stack_path_push(c, "aliases");
            if (al->kind == STACK_NODE_SCALAR)
                read_alias(c, al, k);
            else if (al->kind != STACK_NODE_SEQ || al->n != 1)
                stack_err(c, al, "ECS takes one alias per published port: aliases: [ \"server:3000\" ]");
            else
                read_alias(c, al->vals[0], k);
            stack_path_pop(c, o2);
        }
        if (k->client_only) {
            static const char *const server_keys[] = {"port", "port_name", "discovery_name", "aliases"};
            for (int i = 0; i < 4; i++)
                if (stack_node_get(n, server_keys[i]))
                    stack_err_key(c, stack_node_get(n, server_keys[i]), server_keys[i],
                                  "a client_only service publishes nothing; leave '%s' out", server_keys[i]);
        }
    }
    stack_path_pop(c, old);
}

static int has_port(const stack_service *v, int port)
{
    for (size_t i = 0; i < v->ncontainers; i++)
        for (size_t p = 0; p < v->containers[i].nports; p++)
            if (v->containers[i].ports[p].port == port)
                return 1;
    return 0;
}

/* Defaults and rules across services, once all are known. */
void stack_check_connect(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    for (size_t i = 0; i < s->nservices; i++) {
        stack_service *v = &s->services[i];
        stack_connect *k = &v->connect;
        if (!k->set)
            continue;
        const stack_node *at = stack_at(root, "services", v->name, "service_connect", NULL);
        if (!s->connect_namespace) {
            stack_report(c, at, k->loc, "services.%s.service_connect: the stack has no Service Connect "
                         "namespace; add service_connect: { namespace: %s } at the top", v->name,
                         s->name ? s->name : "app");
            continue;
        }
        if (!k->client_only && !k->port && !stack_service_port(v)) {
            if (at && at->kind == STACK_NODE_MAP && stack_node_get(at, "aliases"))
                stack_report(c, at, k->loc, "services.%s.service_connect: this service has no port to "
                             "publish; give 'port:' or write client_only: true", v->name);
            k->client_only = 1; /* `service_connect: true` on a service without ports */
        }
        if (k->client_only)
            continue;
        if (!k->port)
            k->port = stack_service_port(v);
        else if (!has_port(v, k->port))
            stack_report(c, stack_at(at, "port", NULL), k->loc, "services.%s.service_connect.port: %d is not "
                         "a port of this service", v->name, k->port);
        if (!k->port_name)
            k->port_name = xstrdup(v->name);
        if (!k->discovery_name)
            k->discovery_name = xstrdup(v->name);
        if (!k->alias)
            k->alias = xstrdup(k->discovery_name);
        if (!k->alias_port)
            k->alias_port = k->port;
        for (size_t j = 0; j < i; j++) {
            const stack_connect *o = &s->services[j].connect;
            if (!o->set || o->client_only || !o->discovery_name)
                continue;
            if (!strcmp(o->discovery_name, k->discovery_name))
                stack_report(c, at, k->loc, "services.%s.service_connect: discovery name '%s' is already "
                             "taken by service %s (names are unique in the namespace)", v->name,
                             k->discovery_name, s->services[j].name);
            if (!strcmp(o->alias, k->alias) && o->alias_port == k->alias_port)
                stack_report(c, at, k->loc, "services.%s.service_connect: alias %s:%d is already taken by "
                             "service %s", v->name, k->alias, k->alias_port, s->services[j].name);
        }
    }
}
