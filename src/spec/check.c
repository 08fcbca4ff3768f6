/* Rules across sections: network defaults and fit, task sizes, containers, references
 * from services to secrets, buckets, load balancers and each other. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "xalloc.h"

const spec_node *spec_at(const spec_node *root, ...)
{
    va_list ap;
    va_start(ap, root);
    const spec_node *n = root;
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const spec_node *next = spec_node_get(n, k);
        if (!next)
            break;
        n = next;
    }
    va_end(ap);
    return n;
}

void spec_report(spec_ctx *c, const spec_node *n, spec_loc fallback, const char *fmt, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    spec_diag_add(c->d, n ? n->loc : fallback, "%s", buf_str(&b));
    buf_free(&b);
}

static int has_tier(const spec_network *net, spec_tier t)
{
    switch (net->mode) {
    case SPEC_VPC_NEW: return t == SPEC_TIER_PUBLIC ? net->public_subnets == 1 : net->private_subnets == 1;
    case SPEC_VPC_EXISTING: return t == SPEC_TIER_PUBLIC ? net->npublic_subnet_ids > 0 : net->nprivate_subnet_ids > 0;
    default: return t == SPEC_TIER_PUBLIC;
    }
}

static void network_defaults(spec_ctx *c)
{
    spec_stack *s = c->s;
    spec_network *net = &s->network;
    if (net->mode == SPEC_VPC_NEW) {
        if (net->public_subnets < 0)
            net->public_subnets = 1;
        if (net->private_subnets < 0) {
            int want = net->nat != SPEC_NAT_NONE;
            for (size_t i = 0; i < s->nservices; i++)
                want |= s->services[i].subnets == SPEC_TIER_PRIVATE;
            for (size_t i = 0; i < s->nload_balancers; i++)
                want |= s->load_balancers[i].tier == SPEC_TIER_PRIVATE;
            net->private_subnets = want;
        }
    }
    for (size_t i = 0; i < s->nload_balancers; i++) {
        spec_load_balancer *lb = &s->load_balancers[i];
        if ((int)lb->tier < 0)
            lb->tier = lb->internal && has_tier(net, SPEC_TIER_PRIVATE) ? SPEC_TIER_PRIVATE : SPEC_TIER_PUBLIC;
        if (lb->internal && !lb->nallow_cidrs && net->cidr) {
            lb->allow_cidrs = xcalloc(1, sizeof *lb->allow_cidrs);
            lb->allow_cidrs[lb->nallow_cidrs++] = xstrdup(net->cidr);
        }
    }
    /* private by default only where tasks can reach the internet from there */
    int private_ok = has_tier(net, SPEC_TIER_PRIVATE) && (net->mode != SPEC_VPC_NEW || net->nat != SPEC_NAT_NONE);
    for (size_t i = 0; i < s->nservices; i++) {
        spec_service *v = &s->services[i];
        if ((int)v->subnets < 0)
            v->subnets = private_ok ? SPEC_TIER_PRIVATE : SPEC_TIER_PUBLIC;
        if (v->public_ip < 0)
            v->public_ip = v->subnets == SPEC_TIER_PUBLIC;
    }
}

static void network_rules(spec_ctx *c, const spec_node *root)
{
    spec_stack *s = c->s;
    spec_network *net = &s->network;
    spec_loc none = {0, 0};
    const spec_node *nn = spec_node_get(root, "network");
    if (net->mode == SPEC_VPC_NEW && net->nat != SPEC_NAT_NONE && (!net->private_subnets || !net->public_subnets))
        spec_report(c, spec_at(root, "network", "nat", NULL), none,
                    "network.nat: a NAT gateway sits in a public subnet and serves private ones; "
                    "keep both tiers (subnets: [public, private]) or use nat: none");
    if (net->mode == SPEC_VPC_NEW && net->zones < 2 && s->nload_balancers)
        spec_report(c, spec_at(root, "network", "zones", NULL), none,
                    "network.zones: a load balancer needs subnets in at least 2 zones; use zones: 2");
    for (size_t i = 0; i < s->nload_balancers; i++) {
        spec_load_balancer *lb = &s->load_balancers[i];
        if (!has_tier(net, lb->tier))
            spec_report(c, spec_at(root, "load_balancers", lb->name, "subnets", NULL), lb->loc,
                        "load_balancers.%s.subnets: the network has no %s subnets", lb->name, spec_tier_name(lb->tier));
        else if (net->mode == SPEC_VPC_EXISTING &&
                 (lb->tier == SPEC_TIER_PUBLIC ? net->npublic_subnet_ids : net->nprivate_subnet_ids) < 2)
            spec_report(c, spec_at(root, "load_balancers", lb->name, NULL), lb->loc,
                        "load_balancers.%s: a load balancer needs subnets in at least 2 zones; list 2 or more "
                        "%s subnets in network.vpc", lb->name, spec_tier_name(lb->tier));
        else if (!lb->internal && lb->tier == SPEC_TIER_PRIVATE)
            spec_report(c, spec_at(root, "load_balancers", lb->name, "subnets", NULL), lb->loc,
                        "load_balancers.%s.subnets: an internet-facing load balancer must be in public subnets",
                        lb->name);
    }
    for (size_t i = 0; i < s->nservices; i++) {
        spec_service *v = &s->services[i];
        const spec_node *sn = spec_at(root, "services", v->name, "subnets", NULL);
        if (!has_tier(net, v->subnets))
            spec_report(c, sn, v->loc, "services.%s.subnets: the network has no %s subnets%s", v->name,
                        spec_tier_name(v->subnets),
                        net->mode == SPEC_VPC_DEFAULT ? " (the default VPC has public subnets only)" : "");
        else if (v->subnets == SPEC_TIER_PRIVATE && net->mode == SPEC_VPC_NEW && net->nat == SPEC_NAT_NONE)
            spec_report(c, sn, v->loc, "services.%s.subnets: private subnets have no way to the internet "
                        "with nat: none, so the image cannot be pulled; set network.nat to single or "
                        "per-zone, or use subnets: public", v->name);
        if (v->subnets == SPEC_TIER_PRIVATE && v->public_ip == 1)
            spec_report(c, spec_at(root, "services", v->name, "public_ip", NULL), v->loc,
                        "services.%s.public_ip: a task in private subnets cannot have a public IP", v->name);
    }
    (void)nn;
}

static int is_port_of(const spec_container *k, int port)
{
    for (size_t i = 0; i < k->nports; i++)
        if (k->ports[i].port == port)
            return 1;
    return 0;
}

static void task_size_rules(spec_ctx *c, const spec_node *root, spec_service *v)
{
    int cpu_bad;
    char *msg = spec_fargate_check(v->cpu, v->memory, &cpu_bad);
    if (msg) {
        const char *key = cpu_bad || !spec_node_get(spec_at(root, "services", v->name, NULL), "memory") ? "cpu" : "memory";
        spec_report(c, spec_at(root, "services", v->name, key, NULL), v->loc, "services.%s.%s: %s", v->name, key, msg);
        free(msg);
    }
    int cpu = 0, mem = 0;
    for (size_t i = 1; i < v->ncontainers; i++) {
        cpu += v->containers[i].cpu;
        mem += v->containers[i].memory;
    }
    if (cpu >= v->cpu || mem >= v->memory)
        spec_report(c, spec_at(root, "services", v->name, "containers", NULL), v->loc,
                    "services.%s.containers: the sidecars take %d cpu and %d MiB of a task of %d cpu and "
                    "%d MiB, leaving nothing for the main container", v->name, cpu, mem, v->cpu, v->memory);
}

static void port_rules(spec_ctx *c, spec_service *v)
{
    for (size_t i = 0; i < v->ncontainers; i++)
        for (size_t p = 0; p < v->containers[i].nports; p++) {
            const spec_port *a = &v->containers[i].ports[p];
            for (size_t j = 0; j <= i; j++)
                for (size_t q = 0; q < (j == i ? p : v->containers[j].nports); q++) {
                    const spec_port *b = &v->containers[j].ports[q];
                    if (a->port == b->port && strcmp(a->protocol, b->protocol) == 0)
                        spec_diag_add(c->d, a->loc, "services.%s: port %d/%s is used twice in one task "
                                      "(also at line %d); the containers of a task share one network",
                                      v->name, a->port, a->protocol, b->loc.line);
                }
        }
}

static void env_rules(spec_ctx *c, spec_service *v)
{
    for (size_t i = 0; i < v->ncontainers; i++) {
        spec_container *k = &v->containers[i];
        for (size_t j = 0; j < k->nsecrets; j++) {
            spec_secret_env *se = &k->secrets[j];
            if (!spec_find_secret(c->s, se->secret) && !spec_find_bootstrap_for(c->s, se->secret))
                spec_diag_add(c->d, se->loc, "services.%s: secret '%s' (for %s) is not declared under 'secrets:'",
                              v->name, se->secret, se->env);
            for (size_t e = 0; e < k->nenvironment; e++)
                if (strcmp(k->environment[e].name, se->env) == 0)
                    spec_diag_add(c->d, se->loc, "services.%s: %s is set both in environment and in secrets",
                                  v->name, se->env);
        }
    }
}

static void dependency_rules(spec_ctx *c, spec_service *v)
{
    spec_container *main = &v->containers[0];
    for (size_t i = 1; i < v->ncontainers; i++) {
        spec_container *k = &v->containers[i];
        int listed = 0;
        for (size_t d = 0; d < main->ndepends_on; d++)
            listed |= strcmp(main->depends_on[d].container, k->name) == 0;
        if (k->init && !listed) {
            main->depends_on = xrealloc(main->depends_on, (main->ndepends_on + 1) * sizeof *main->depends_on);
            spec_dependency *d = &main->depends_on[main->ndepends_on++];
            d->container = xstrdup(k->name);
            d->condition = SPEC_DEP_SUCCESS;
            d->loc = k->loc;
        }
    }
    for (size_t i = 0; i < v->ncontainers; i++) {
        spec_container *k = &v->containers[i];
        for (size_t d = 0; d < k->ndepends_on; d++) {
            spec_dependency *dep = &k->depends_on[d];
            const spec_container *t = spec_find_container(v, dep->container);
            if (!t)
                spec_diag_add(c->d, dep->loc, "services.%s: container %s depends on '%s', which is not a "
                              "container of this service", v->name, k->name, dep->container);
            else if (t == k)
                spec_diag_add(c->d, dep->loc, "services.%s: container %s depends on itself", v->name, k->name);
            else if ((dep->condition == SPEC_DEP_SUCCESS || dep->condition == SPEC_DEP_COMPLETE) && t->essential)
                spec_diag_add(c->d, dep->loc, "services.%s: '%s: %s' needs a container that exits, but %s is "
                              "essential (mark it init: true or essential: false)", v->name, dep->container,
                              spec_dep_condition_name(dep->condition), t->name);
            else if (dep->condition == SPEC_DEP_HEALTHY && !t->health.set)
                spec_diag_add(c->d, dep->loc, "services.%s: '%s: healthy' needs a health_check on %s",
                              v->name, dep->container, t->name);
        }
    }
    spec_container_cycles(c, v);
}

static void attach_rules(spec_ctx *c, const spec_node *root, spec_service *v)
{
    spec_lb_attach *a = &v->lb;
    const spec_node *an = spec_at(root, "services", v->name, "load_balancer", NULL);
    const spec_load_balancer *lb = spec_find_load_balancer(c->s, a->load_balancer);
    if (!lb) {
        spec_report(c, spec_at(an, "name", NULL), a->loc, "services.%s.load_balancer: there is no load balancer "
                    "'%s' under 'load_balancers:'", v->name, a->load_balancer ? a->load_balancer : "");
        return;
    }
    const spec_container *k = a->container ? spec_find_container(v, a->container) : &v->containers[0];
    if (!k) {
        spec_report(c, spec_at(an, "container", NULL), a->loc, "services.%s.load_balancer.container: '%s' is "
                    "not a container of this service", v->name, a->container);
        return;
    }
    if (!a->port)
        a->port = k->nports ? k->ports[0].port : 0;
    if (!a->port)
        spec_report(c, an, a->loc, "services.%s.load_balancer: container %s has no port; add 'port:'",
                    v->name, k->name);
    else if (!is_port_of(k, a->port))
        spec_report(c, spec_at(an, "port", NULL), a->loc, "services.%s.load_balancer.port: %d is not a port of "
                    "container %s", v->name, a->port, k->name);
    for (size_t i = 0; i < a->nlisteners; i++) {
        const spec_listener *l = spec_find_listener(lb, a->listeners[i]);
        if (!l || l->redirect_port)
            spec_report(c, spec_at(an, "listeners", NULL), a->loc, "services.%s.load_balancer.listeners: load "
                        "balancer %s has no forwarding listener on port %d", v->name, lb->name, a->listeners[i]);
    }
    if (a->test_listener) {
        const spec_listener *l = spec_find_listener(lb, a->test_listener);
        if (!l || l->redirect_port)
            spec_report(c, spec_at(an, "test_listener", NULL), a->loc, "services.%s.load_balancer.test_listener: "
                        "load balancer %s has no forwarding listener on port %d", v->name, lb->name, a->test_listener);
        if (v->deployment.strategy == SPEC_DEPLOY_ROLLING)
            spec_report(c, spec_at(an, "test_listener", NULL), a->loc, "services.%s.load_balancer.test_listener: "
                        "a test listener serves blue-green, canary and linear deployments only", v->name);
    }
    for (size_t i = 0; a->auth.kind != SPEC_AUTH_NONE && i < lb->nlisteners; i++) {
        const spec_listener *l = &lb->listeners[i];
        int used = !l->redirect_port;
        if (a->nlisteners) {
            used = 0;
            for (size_t j = 0; j < a->nlisteners; j++)
                used |= a->listeners[j] == l->port;
        }
        if (used && l->protocol != SPEC_PROTO_HTTPS) {
            spec_report(c, spec_at(an, "authenticate", NULL), a->loc, "services.%s.load_balancer.authenticate: "
                        "listener %d is HTTP, and a load balancer authenticates on HTTPS only; name the HTTPS "
                        "listeners with listeners: [443]", v->name, l->port);
            break;
        }
    }
}

static void service_refs(spec_ctx *c, const spec_node *root, spec_service *v)
{
    for (size_t i = 0; i < v->npermissions; i++) {
        spec_permission *p = &v->permissions[i];
        if ((p->kind == SPEC_PERM_BUCKET && !p->bucket) || (p->kind == SPEC_PERM_SECRET && !p->secret))
            continue; /* already reported */
        if (p->kind == SPEC_PERM_BUCKET && !spec_find_bucket(c->s, p->bucket))
            spec_diag_add(c->d, p->loc, "services.%s.permissions[%zu]: there is no bucket '%s' under 'buckets:'",
                          v->name, i, p->bucket);
        if (p->kind == SPEC_PERM_SECRET && !spec_find_secret(c->s, p->secret) && !spec_find_bootstrap_for(c->s, p->secret))
            spec_diag_add(c->d, p->loc, "services.%s.permissions[%zu]: there is no secret '%s' under 'secrets:'",
                          v->name, i, p->secret);
    }
    for (size_t i = 0; i < v->nvolumes; i++)
        if (v->volumes[i].container && !spec_find_container(v, v->volumes[i].container))
            spec_diag_add(c->d, v->volumes[i].loc, "services.%s.volumes[%zu].container: '%s' is not a container of this service",
                          v->name, i, v->volumes[i].container);
    for (size_t i = 0; i < v->nallow_from; i++) {
        spec_ingress *g = &v->allow_from[i];
        if (g->kind == SPEC_PEER_SERVICE && !spec_find_service(c->s, g->peer)) {
            const char **names = xcalloc(c->s->nservices + 1, sizeof *names);
            for (size_t j = 0; j < c->s->nservices; j++)
                names[j] = c->s->services[j].name;
            const char *hint = c->d->n < SPEC_SUGGEST_LIMIT ? spec_suggest(g->peer, names) : NULL;
            spec_diag_add(c->d, g->loc, "services.%s.allow_from[%zu]: there is no service '%s'%s%s%s", v->name, i, g->peer,
                          hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
            free(names);
        }
        int found = 0;
        for (size_t k = 0; g->port && k < v->ncontainers; k++)
            found |= is_port_of(&v->containers[k], g->port);
        if (g->port && !found)
            spec_diag_add(c->d, g->loc, "services.%s.allow_from[%zu]: %d is not a port of this service", v->name, i,
                          g->port);
        if (!g->port && !spec_service_port(v))
            spec_diag_add(c->d, g->loc, "services.%s.allow_from[%zu]: this service has no port; give 'port:'", v->name, i);
    }
    if (v->has_discovery) {
        const spec_node *dn = spec_at(root, "services", v->name, "discovery", NULL);
        if (!c->s->namespace_name)
            spec_report(c, dn, v->loc, "services.%s.discovery: the stack has no namespace; add "
                        "discovery: { namespace: %s.internal } at the top", v->name, c->s->name ? c->s->name : "app");
        if (!v->discovery_port)
            spec_report(c, dn, v->loc, "services.%s.discovery: this service has no port; give 'port:'", v->name);
    }
    if (v->deployment.strategy != SPEC_DEPLOY_ROLLING && !v->has_load_balancer)
        spec_report(c, spec_at(root, "services", v->name, "deployment", "strategy", NULL), v->loc,
                    "services.%s.deployment.strategy: %s shifts load balancer traffic, so the service needs "
                    "a load_balancer", v->name, spec_strategy_name(v->deployment.strategy));
}

/* An OIDC client secret must exist before the listener rule that uses it. */
static void client_secret_rule(spec_ctx *c, const spec_auth *a, const spec_node *at, const char *path)
{
    if (a->kind != SPEC_AUTH_OIDC || !a->client_secret)
        return;
    const spec_secret *sec = spec_find_secret(c->s, a->client_secret);
    if (!sec)
        spec_report(c, at, a->loc, "%s.authenticate.oidc.client_secret: '%s' is not declared under 'secrets:'",
                    path, a->client_secret);
    else if (sec->source == SPEC_SECRET_BOOTSTRAP)
        spec_report(c, at, a->loc, "%s.authenticate.oidc.client_secret: '%s' is filled by a bootstrap step, which "
                    "runs only after the load balancer serves; give the secret another source", path, a->client_secret);
}

static void client_secret_rules(spec_ctx *c, const spec_node *root)
{
    spec_stack *s = c->s;
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const spec_load_balancer *lb = &s->load_balancers[i];
        const spec_node *ls = spec_at(root, "load_balancers", lb->name, "listeners", NULL);
        for (size_t j = 0; j < lb->nlisteners; j++) {
            char *path = xasprintf("load_balancers.%s.listeners[%zu]", lb->name, j);
            const spec_node *ln = ls && ls->kind == SPEC_NODE_SEQ && j < ls->n ? ls->vals[j] : NULL;
            client_secret_rule(c, &lb->listeners[j].auth, spec_at(ln, "authenticate", "oidc", "client_secret", NULL),
                               path);
            free(path);
        }
    }
    for (size_t i = 0; i < s->nservices; i++) {
        const spec_service *v = &s->services[i];
        if (!v->has_load_balancer)
            continue;
        char *path = xasprintf("services.%s.load_balancer", v->name);
        client_secret_rule(c, &v->lb.auth,
                           spec_at(root, "services", v->name, "load_balancer", "authenticate", "oidc", "client_secret", NULL),
                           path);
        free(path);
    }
}

void spec_check_stack(spec_ctx *c, const spec_node *root)
{
    spec_stack *s = c->s;
    network_defaults(c);
    spec_network_carve(c, root);
    network_rules(c, root);
    for (size_t i = 0; i < s->nservices; i++) {
        spec_service *v = &s->services[i];
        task_size_rules(c, root, v);
        port_rules(c, v);
        env_rules(c, v);
        dependency_rules(c, v);
        if (v->has_load_balancer)
            attach_rules(c, root, v);
        service_refs(c, root, v);
    }
    spec_check_routes(c, root);
    spec_check_bootstrap(c, root);
    client_secret_rules(c, root);
    spec_check_refs(c);
}
