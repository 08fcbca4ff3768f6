/* Logical names in the file, and the AWS names they become once prefixed with the stack
 * name (see stack_names.h), against AWS's limits. Also the references the file decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

typedef char *(*namer2)(const char *stack, const char *name);
typedef const char *(*checker)(const char *name);

static void check_derived(stack_ctx *c, stack_loc at, const char *where, const char *what, char *name, checker ok)
{
    const char *why = ok(name);
    if (why)
        stack_diag_add(c->d, at, "%s: the %s name '%s' %s; %s the stack or %s name", where, what, name, why,
                      strncmp(why, "is longer", 9) == 0 ? "shorten" : "change", strncmp(where, "services", 8) == 0 ? "service" : strncmp(where, "load", 4) == 0
                          ? "load balancer" : strncmp(where, "file", 4) == 0 ? "file system" : "bucket");
    free(name);
}

static void logical(stack_ctx *c, stack_loc at, const char *section, const char *name)
{
    const char *why = stack_check_logical_name(name);
    if (why)
        stack_diag_add(c->d, at, "%s: '%s' is not a valid name: it %s", section, name, why);
}

static int container_name_ok(const char *n)
{
    size_t len = strlen(n);
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return len >= 1 && len <= 255;
}

static void check_service_names(stack_ctx *c, const char *st, const stack_service *v)
{
    char *where = xasprintf("services.%s", v->name);
    logical(c, v->loc, "services", v->name);
    if (v->has_load_balancer) {
        check_derived(c, v->loc, where, "target group", stack_name_target_group(st, v->name, 0), stack_check_elb_name);
        if (v->deployment.strategy != STACK_DEPLOY_ROLLING)
            check_derived(c, v->loc, where, "alternate target group", stack_name_target_group(st, v->name, 1),
                          stack_check_elb_name);
    }
    check_derived(c, v->loc, where, "task role", stack_name_task_role(st, v->name), stack_check_role_name);
    check_derived(c, v->loc, where, "execution role", stack_name_execution_role(st, v->name), stack_check_role_name);
    check_derived(c, v->loc, where, "security group", stack_name_service_group(st, v->name), stack_check_group_name);
    if (v->has_discovery && v->discovery_name) {
        const char *why = stack_check_dns_label(v->discovery_name);
        if (why)
            stack_diag_add(c->d, v->loc, "%s.discovery.name: '%s' %s", where, v->discovery_name, why);
    }
    for (size_t i = 1; i < v->ncontainers; i++)
        if (!container_name_ok(v->containers[i].name))
            stack_diag_add(c->d, v->containers[i].loc, "%s.containers: '%s' is not a container name (letters, "
                          "digits, '_' and '-', at most 255)", where, v->containers[i].name);
    free(where);
}

void stack_check_names(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    (void)root;
    if (!s->name || stack_check_logical_name(s->name))
        return; /* already reported */
    const char *st = s->name;
    int infra = 0;
    for (size_t i = 0; i < s->nservices; i++) {
        check_service_names(c, st, &s->services[i]);
        infra |= s->services[i].deployment.strategy != STACK_DEPLOY_ROLLING;
        for (size_t j = 0; j < s->services[i].nvolumes; j++)
            infra |= s->services[i].volumes[j].kind == STACK_VOL_EBS;
        for (size_t j = 0; j < i; j++)
            if (s->services[i].has_discovery && s->services[j].has_discovery &&
                strcmp(s->services[i].discovery_name, s->services[j].discovery_name) == 0)
                stack_diag_add(c->d, s->services[i].loc, "services.%s.discovery.name: '%s' is already the name "
                              "of service %s", s->services[i].name, s->services[i].discovery_name, s->services[j].name);
    }
    stack_loc top = {0, 0};
    const stack_node *sn = stack_node_get(root, "stack");
    if (sn)
        top = sn->loc;
    if (infra)
        check_derived(c, top, "stack", "infrastructure role", stack_name_infrastructure_role(st), stack_check_role_name);
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        char *where = xasprintf("load_balancers.%s", lb->name);
        logical(c, lb->loc, "load_balancers", lb->name);
        check_derived(c, lb->loc, where, "load balancer", stack_name_load_balancer(st, lb->name), stack_check_elb_name);
        check_derived(c, lb->loc, where, "security group", stack_name_lb_group(st, lb->name), stack_check_group_name);
        free(where);
    }
    for (size_t i = 0; i < s->nbuckets; i++) {
        const stack_bucket *b = &s->buckets[i];
        char *where = xasprintf("buckets.%s", b->name);
        logical(c, b->loc, "buckets", b->name);
        if (!b->bucket_name) { /* the default name: its shape, whatever the account */
            char *name = stack_name_bucket(st, b->name, "000000000000", "us-east-1");
            const char *why = stack_check_bucket_name(name);
            if (why) {
                strcpy(name + strlen(name) - 10, "…");
                stack_diag_add(c->d, b->loc, "%s: the default bucket name '%s' %s; change the stack name or "
                              "give the bucket a name:", where, name, why);
            }
            free(name);
        }
        free(where);
    }
    for (size_t i = 0; i < s->nsecrets; i++)
        logical(c, s->secrets[i].loc, "secrets", s->secrets[i].name);
    for (size_t i = 0; i < s->nssm_parameters; i++)
        logical(c, s->ssm_parameters[i].loc, "parameter_store", s->ssm_parameters[i].name);
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        logical(c, fs->loc, "file_systems", fs->name);
        if (!fs->existing) {
            char *where = xasprintf("file_systems.%s", fs->name);
            check_derived(c, fs->loc, where, "security group", stack_name_efs_group(st, fs->name),
                          stack_check_group_name);
            free(where);
        }
    }
}

/* A balancer's first domain that is not a wildcard (its host name for people), or NULL. */
static const char *lb_host(const stack_load_balancer *lb)
{
    for (size_t i = 0; lb && i < lb->ndomains; i++)
        if (strncmp(lb->domains[i], "*.", 2) != 0)
            return lb->domains[i];
    return NULL;
}

/* https://HOST (or http://, with :PORT when not the scheme's default) of a balancer with a
 * domain, then `path` (a path pattern cut at its first '*'). */
static char *lb_domain_url(const stack_load_balancer *lb, const char *path)
{
    const stack_listener *https = NULL, *http = NULL;
    for (size_t i = 0; i < lb->nlisteners; i++) {
        const stack_listener *l = &lb->listeners[i];
        if (l->redirect_port)
            continue;
        if (l->protocol == STACK_PROTO_HTTPS && !https)
            https = l;
        if (l->protocol == STACK_PROTO_HTTP && !http)
            http = l;
    }
    const stack_listener *l = https ? https : http;
    int dflt = https ? 443 : 80;
    size_t cut = path ? strcspn(path, "*") : 0;
    char port[16] = "";
    if (l && l->port != dflt)
        snprintf(port, sizeof port, ":%d", l->port);
    return xasprintf("%s://%s%s%.*s", https ? "https" : "http", lb_host(lb), port, (int)cut,
                     path ? path : "");
}

char *stack_ref_static_value(const stack_model *s, const stack_ref *r)
{
    if (r->kind == STACK_REF_ZONE && !strcmp(r->attr, "name")) {
        const stack_zone *z = stack_find_zone(s, r->name);
        return z && z->domain ? xstrdup(z->domain) : NULL;
    }
    if (r->kind == STACK_REF_LOAD_BALANCER) {
        const stack_load_balancer *lb = stack_find_load_balancer(s, r->name);
        if (lb && lb->ndomains && !strcmp(r->attr, "domain"))
            return xstrdup(lb->domains[0]);
        if (lb && lb_host(lb) && !strcmp(r->attr, "url"))
            return lb_domain_url(lb, NULL);
        return NULL;
    }
    if (r->kind == STACK_REF_PARAMETER) {
        const stack_ssm_parameter *p = stack_find_ssm_parameter(s, r->name);
        if (p && !strcmp(r->attr, "name"))
            return xstrdup_or_null(p->ssm_name);
        /* a value written in the file, when it is no secret */
        if (p && !strcmp(r->attr, "value") && p->source == STACK_SSM_VALUE && p->type &&
            strcmp(p->type, "SecureString") != 0)
            return xstrdup_or_null(p->value);
        return NULL;
    }
    if (r->kind == STACK_REF_FILE_SYSTEM) {
        const stack_file_system *fs = stack_find_file_system(s, r->name);
        return fs && fs->existing && !strcmp(r->attr, "id") ? xstrdup(fs->existing) : NULL;
    }
    if (r->kind == STACK_REF_BUCKET && !strcmp(r->attr, "name")) {
        /* a default name needs the account: the bucket node knows it */
        const stack_bucket *b = stack_find_bucket(s, r->name);
        return b && b->bucket_name ? xstrdup(b->bucket_name) : NULL;
    }
    if (r->kind == STACK_REF_SECRET && !strcmp(r->attr, "name")) {
        const stack_secret *x = stack_find_secret(s, r->name);
        if (!x)
            return NULL;
        return x->source == STACK_SECRET_EXISTING ? (strncmp(x->existing, "arn:", 4) ? xstrdup(x->existing) : NULL)
                                                 : stack_name_secret(s->name, x->name);
    }
    if (r->kind == STACK_REF_SITE && !strcmp(r->attr, "url")) {
        const stack_site *x = stack_find_site(s, r->name);
        return x && x->domain ? xasprintf("https://%s", x->domain) : NULL;
    }
    if (r->kind == STACK_REF_DATABASE)
        return stack_database_static_value(s, r);
    const stack_service *v = r->kind == STACK_REF_SERVICE ? stack_find_service(s, r->name) : NULL;
    if (!v)
        return NULL;
    if (!strcmp(r->attr, "name"))
        return xstrdup(v->name);
    const stack_load_balancer *lb = v->has_load_balancer ? stack_find_load_balancer(s, v->lb.load_balancer) : NULL;
    if (lb_host(lb) && !strcmp(r->attr, "url"))
        return lb_domain_url(lb, v->lb.npaths ? v->lb.paths[0] : NULL);
    if (v->has_discovery && s->namespace_name && !strcmp(r->attr, "host"))
        return xasprintf("%s.%s", v->discovery_name, s->namespace_name);
    if (lb_host(lb) && !strcmp(r->attr, "host"))
        return xstrdup(lb_host(lb));
    if (v->has_discovery && s->namespace_name && !v->has_load_balancer && !strcmp(r->attr, "url"))
        return xasprintf("http://%s.%s:%d", v->discovery_name, s->namespace_name, v->discovery_port);
    return NULL;
}
