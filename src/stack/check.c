/* Rules across sections: network defaults and fit, task sizes, containers, references
 * from services to secrets, buckets, load balancers and each other. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

const stack_node *stack_at(const stack_node *root, ...)
{
    va_list ap;
    va_start(ap, root);
    const stack_node *n = root;
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const stack_node *next = stack_node_get(n, k);
        if (!next)
            break;
        n = next;
    }
    va_end(ap);
    return n;
}

void stack_report(stack_ctx *c, const stack_node *n, stack_loc fallback, const char *fmt, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    stack_diag_add(c->d, n ? n->loc : fallback, "%s", buf_str(&b));
    buf_free(&b);
}

int stack_network_has_tier(const stack_network *net, stack_tier t)
{
    switch (net->mode) {
    case STACK_VPC_NEW: return t == STACK_TIER_PUBLIC ? net->public_subnets == 1 : net->private_subnets == 1;
    case STACK_VPC_EXISTING: return t == STACK_TIER_PUBLIC ? net->npublic_subnet_ids > 0 : net->nprivate_subnet_ids > 0;
    default: return t == STACK_TIER_PUBLIC;
    }
}

static void network_defaults(stack_ctx *c)
{
    stack_model *s = c->s;
    stack_network *net = &s->network;
    if (net->mode == STACK_VPC_NEW) {
        if (net->public_subnets < 0)
            net->public_subnets = 1;
        if (net->private_subnets < 0) {
            int want = net->nat != STACK_NAT_NONE;
            for (size_t i = 0; i < s->nservices; i++)
                want |= s->services[i].subnets == STACK_TIER_PRIVATE;
            for (size_t i = 0; i < s->nload_balancers; i++)
                want |= s->load_balancers[i].tier == STACK_TIER_PRIVATE;
            net->private_subnets = want;
        }
    }
    for (size_t i = 0; i < s->nload_balancers; i++) {
        stack_load_balancer *lb = &s->load_balancers[i];
        if ((int)lb->tier < 0)
            lb->tier = lb->internal && stack_network_has_tier(net, STACK_TIER_PRIVATE) ? STACK_TIER_PRIVATE : STACK_TIER_PUBLIC;
        if (lb->internal && !lb->nallow_cidrs && net->cidr) {
            lb->allow_cidrs = xcalloc(1, sizeof *lb->allow_cidrs);
            lb->allow_cidrs[lb->nallow_cidrs++] = xstrdup(net->cidr);
        }
    }
    /* private by default only where tasks can reach the internet from there */
    int private_ok = stack_network_has_tier(net, STACK_TIER_PRIVATE) && (net->mode != STACK_VPC_NEW || net->nat != STACK_NAT_NONE);
    for (size_t i = 0; i < s->nservices; i++) {
        stack_service *v = &s->services[i];
        if ((int)v->subnets < 0)
            v->subnets = private_ok ? STACK_TIER_PRIVATE : STACK_TIER_PUBLIC;
        if (v->public_ip < 0)
            v->public_ip = v->subnets == STACK_TIER_PUBLIC;
    }
}

static void network_rules(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    stack_network *net = &s->network;
    stack_loc none = {0, 0};
    const stack_node *nn = stack_node_get(root, "network");
    if (net->mode == STACK_VPC_NEW && net->nat != STACK_NAT_NONE && (!net->private_subnets || !net->public_subnets))
        stack_report(c, stack_at(root, "network", "nat", NULL), none,
                    "network.nat: a NAT gateway sits in a public subnet and serves private ones; "
                    "keep both tiers (subnets: [public, private]) or use nat: none");
    if (net->mode == STACK_VPC_NEW && net->zones < 2 && s->nload_balancers)
        stack_report(c, stack_at(root, "network", "zones", NULL), none,
                    "network.zones: a load balancer needs subnets in at least 2 zones; use zones: 2");
    for (size_t i = 0; i < s->nload_balancers; i++) {
        stack_load_balancer *lb = &s->load_balancers[i];
        if (!stack_network_has_tier(net, lb->tier))
            stack_report(c, stack_at(root, "load_balancers", lb->name, "subnets", NULL), lb->loc,
                        "load_balancers.%s.subnets: the network has no %s subnets", lb->name, stack_tier_name(lb->tier));
        else if (net->mode == STACK_VPC_EXISTING &&
                 (lb->tier == STACK_TIER_PUBLIC ? net->npublic_subnet_ids : net->nprivate_subnet_ids) < 2)
            stack_report(c, stack_at(root, "load_balancers", lb->name, NULL), lb->loc,
                        "load_balancers.%s: a load balancer needs subnets in at least 2 zones; list 2 or more "
                        "%s subnets in network.vpc", lb->name, stack_tier_name(lb->tier));
        else if (!lb->internal && lb->tier == STACK_TIER_PRIVATE)
            stack_report(c, stack_at(root, "load_balancers", lb->name, "subnets", NULL), lb->loc,
                        "load_balancers.%s.subnets: an internet-facing load balancer must be in public subnets",
                        lb->name);
    }
    for (size_t i = 0; i < s->nservices; i++) {
        stack_service *v = &s->services[i];
        const stack_node *sn = stack_at(root, "services", v->name, "subnets", NULL);
        if (!stack_network_has_tier(net, v->subnets))
            stack_report(c, sn, v->loc, "services.%s.subnets: the network has no %s subnets%s", v->name,
                        stack_tier_name(v->subnets),
                        net->mode == STACK_VPC_DEFAULT ? " (the default VPC has public subnets only)" : "");
        else if (v->subnets == STACK_TIER_PRIVATE && net->mode == STACK_VPC_NEW && net->nat == STACK_NAT_NONE)
            stack_report(c, sn, v->loc, "services.%s.subnets: private subnets have no way to the internet "
                        "with nat: none, so the image cannot be pulled; set network.nat to single or "
                        "per-zone, or use subnets: public", v->name);
        if (v->subnets == STACK_TIER_PRIVATE && v->public_ip == 1)
            stack_report(c, stack_at(root, "services", v->name, "public_ip", NULL), v->loc,
                        "services.%s.public_ip: a task in private subnets cannot have a public IP", v->name);
    }
    (void)nn;
}

static int is_port_of(const stack_container *k, int port)
{
    for (size_t i = 0; i < k->nports; i++)
        if (k->ports[i].port == port)
            return 1;
    return 0;
}

static void task_size_rules(stack_ctx *c, const stack_node *root, stack_service *v)
{
    int cpu_bad;
    char *msg = stack_fargate_check(v->cpu, v->memory, &cpu_bad);
    if (msg) {
        const char *key = cpu_bad || !stack_node_get(stack_at(root, "services", v->name, NULL), "memory") ? "cpu" : "memory";
        stack_report(c, stack_at(root, "services", v->name, key, NULL), v->loc, "services.%s.%s: %s", v->name, key, msg);
        free(msg);
    }
    int cpu = 0, mem = 0;
    for (size_t i = 1; i < v->ncontainers; i++) {
        cpu += v->containers[i].cpu;
        mem += v->containers[i].memory;
    }
    if (cpu >= v->cpu || mem >= v->memory)
        stack_report(c, stack_at(root, "services", v->name, "containers", NULL), v->loc,
                    "services.%s.containers: the sidecars take %d cpu and %d MiB of a task of %d cpu and "
                    "%d MiB, leaving nothing for the main container", v->name, cpu, mem, v->cpu, v->memory);
}

static void port_rules(stack_ctx *c, stack_service *v)
{
    for (size_t i = 0; i < v->ncontainers; i++)
        for (size_t p = 0; p < v->containers[i].nports; p++) {
            const stack_port *a = &v->containers[i].ports[p];
            for (size_t j = 0; j <= i; j++)
                for (size_t q = 0; q < (j == i ? p : v->containers[j].nports); q++) {
                    const stack_port *b = &v->containers[j].ports[q];
                    if (a->port == b->port && strcmp(a->protocol, b->protocol) == 0)
                        stack_diag_add(c->d, a->loc, "services.%s: port %d/%s is used twice in one task "
                                      "(also at line %d); the containers of a task share one network",
                                      v->name, a->port, a->protocol, b->loc.line);
                }
        }
}

static void env_rules(stack_ctx *c, stack_service *v)
{
    for (size_t i = 0; i < v->ncontainers; i++) {
        stack_container *k = &v->containers[i];
        for (size_t j = 0; j < k->nsecrets; j++) {
            stack_secret_env *se = &k->secrets[j];
            if (se->secret && !stack_find_secret(c->s, se->secret) && !stack_find_bootstrap_for(c->s, se->secret))
                stack_diag_add(c->d, se->loc, "services.%s: secret '%s' (for %s) is not declared under 'secrets:'",
                              v->name, se->secret, se->env);
            for (size_t e = 0; e < k->nenvironment; e++)
                if (strcmp(k->environment[e].name, se->env) == 0)
                    stack_diag_add(c->d, se->loc, "services.%s: %s is set both in environment and in secrets",
                                  v->name, se->env);
        }
    }
}

static void dependency_rules(stack_ctx *c, stack_service *v)
{
    stack_container *main = &v->containers[0];
    for (size_t i = 1; i < v->ncontainers; i++) {
        stack_container *k = &v->containers[i];
        int listed = 0;
        for (size_t d = 0; d < main->ndepends_on; d++)
            listed |= strcmp(main->depends_on[d].container, k->name) == 0;
        if (k->init && !listed) {
            main->depends_on = xrealloc(main->depends_on, (main->ndepends_on + 1) * sizeof *main->depends_on);
            stack_dependency *d = &main->depends_on[main->ndepends_on++];
            d->container = xstrdup(k->name);
            d->condition = STACK_DEP_SUCCESS;
            d->loc = k->loc;
        }
    }
    for (size_t i = 0; i < v->ncontainers; i++) {
        stack_container *k = &v->containers[i];
        for (size_t d = 0; d < k->ndepends_on; d++) {
            stack_dependency *dep = &k->depends_on[d];
            const stack_container *t = stack_find_container(v, dep->container);
            if (!t)
                stack_diag_add(c->d, dep->loc, "services.%s: container %s depends on '%s', which is not a "
                              "container of this service", v->name, k->name, dep->container);
            else if (t == k)
                stack_diag_add(c->d, dep->loc, "services.%s: container %s depends on itself", v->name, k->name);
            else if ((dep->condition == STACK_DEP_SUCCESS || dep->condition == STACK_DEP_COMPLETE) && t->essential)
                stack_diag_add(c->d, dep->loc, "services.%s: '%s: %s' needs a container that exits, but %s is "
                              "essential (mark it init: true or essential: false)", v->name, dep->container,
                              stack_dep_condition_name(dep->condition), t->name);
            else if (dep->condition == STACK_DEP_HEALTHY && !t->health.set)
                stack_diag_add(c->d, dep->loc, "services.%s: '%s: healthy' needs a health_check on %s",
                              v->name, dep->container, t->name);
        }
    }
    stack_container_cycles(c, v);
}

static void attach_rules(stack_ctx *c, const stack_node *root, stack_service *v)
{
    stack_lb_attach *a = &v->lb;
    const stack_node *an = stack_at(root, "services", v->name, "load_balancer", NULL);
    const stack_load_balancer *lb = stack_find_load_balancer(c->s, a->load_balancer);
    if (!lb) {
        stack_report(c, stack_at(an, "name", NULL), a->loc, "services.%s.load_balancer: there is no load balancer "
                    "'%s' under 'load_balancers:'", v->name, a->load_balancer ? a->load_balancer : "");
        return;
    }
    const stack_container *k = a->container ? stack_find_container(v, a->container) : &v->containers[0];
    if (!k) {
        stack_report(c, stack_at(an, "container", NULL), a->loc, "services.%s.load_balancer.container: '%s' is "
                    "not a container of this service", v->name, a->container);
        return;
    }
    if (!a->port)
        a->port = k->nports ? k->ports[0].port : 0;
    if (!a->port)
        stack_report(c, an, a->loc, "services.%s.load_balancer: container %s has no port; add 'port:'",
                    v->name, k->name);
    else if (!is_port_of(k, a->port))
        stack_report(c, stack_at(an, "port", NULL), a->loc, "services.%s.load_balancer.port: %d is not a port of "
                    "container %s", v->name, a->port, k->name);
    for (size_t i = 0; i < a->nlisteners; i++) {
        const stack_listener *l = stack_find_listener(lb, a->listeners[i]);
        if (!l || l->redirect_port)
            stack_report(c, stack_at(an, "listeners", NULL), a->loc, "services.%s.load_balancer.listeners: load "
                        "balancer %s has no forwarding listener on port %d", v->name, lb->name, a->listeners[i]);
    }
    if (a->test_listener) {
        const stack_listener *l = stack_find_listener(lb, a->test_listener);
        if (!l || l->redirect_port)
            stack_report(c, stack_at(an, "test_listener", NULL), a->loc, "services.%s.load_balancer.test_listener: "
                        "load balancer %s has no forwarding listener on port %d", v->name, lb->name, a->test_listener);
        if (v->deployment.strategy == STACK_DEPLOY_ROLLING)
            stack_report(c, stack_at(an, "test_listener", NULL), a->loc, "services.%s.load_balancer.test_listener: "
                        "a test listener serves blue-green, canary and linear deployments only", v->name);
    }
    for (size_t i = 0; a->auth.kind != STACK_AUTH_NONE && i < lb->nlisteners; i++) {
        const stack_listener *l = &lb->listeners[i];
        int used = !l->redirect_port;
        if (a->nlisteners) {
            used = 0;
            for (size_t j = 0; j < a->nlisteners; j++)
                used |= a->listeners[j] == l->port;
        }
        if (used && l->protocol != STACK_PROTO_HTTPS) {
            stack_report(c, stack_at(an, "authenticate", NULL), a->loc, "services.%s.load_balancer.authenticate: "
                        "listener %d is HTTP, and a load balancer authenticates on HTTPS only; name the HTTPS "
                        "listeners with listeners: [443]", v->name, l->port);
            break;
        }
    }
}

static void service_refs(stack_ctx *c, const stack_node *root, stack_service *v)
{
    for (size_t i = 0; i < v->npermissions; i++) {
        stack_permission *p = &v->permissions[i];
        if ((p->kind == STACK_PERM_BUCKET && !p->bucket) || (p->kind == STACK_PERM_SECRET && !p->secret))
            continue; /* already reported */
        if (p->kind == STACK_PERM_BUCKET && !stack_find_bucket(c->s, p->bucket))
            stack_diag_add(c->d, p->loc, "services.%s.permissions[%zu]: there is no bucket '%s' under 'buckets:'",
                          v->name, i, p->bucket);
        if (p->kind == STACK_PERM_SECRET && !stack_find_secret(c->s, p->secret) && !stack_find_bootstrap_for(c->s, p->secret))
            stack_diag_add(c->d, p->loc, "services.%s.permissions[%zu]: there is no secret '%s' under 'secrets:'",
                          v->name, i, p->secret);
    }
    for (size_t i = 0; i < v->nvolumes; i++)
        if (v->volumes[i].container && !stack_find_container(v, v->volumes[i].container))
            stack_diag_add(c->d, v->volumes[i].loc, "services.%s.volumes[%zu].container: '%s' is not a container of this service",
                          v->name, i, v->volumes[i].container);
    for (size_t i = 0; i < v->nallow_from; i++) {
        stack_ingress *g = &v->allow_from[i];
        if (g->kind == STACK_PEER_SERVICE && !stack_find_service(c->s, g->peer)) {
            const char **names = xcalloc(c->s->nservices + 1, sizeof *names);
            for (size_t j = 0; j < c->s->nservices; j++)
                names[j] = c->s->services[j].name;
            const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(g->peer, names) : NULL;
            stack_diag_add(c->d, g->loc, "services.%s.allow_from[%zu]: there is no service '%s'%s%s%s", v->name, i, g->peer,
                          hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
            free(names);
        }
        int found = 0;
        for (size_t k = 0; g->port && k < v->ncontainers; k++)
            found |= is_port_of(&v->containers[k], g->port);
        if (g->port && !found)
            stack_diag_add(c->d, g->loc, "services.%s.allow_from[%zu]: %d is not a port of this service", v->name, i,
                          g->port);
        if (!g->port && !stack_service_port(v))
            stack_diag_add(c->d, g->loc, "services.%s.allow_from[%zu]: this service has no port; give 'port:'", v->name, i);
    }
    if (v->has_discovery) {
        const stack_node *dn = stack_at(root, "services", v->name, "discovery", NULL);
        if (!c->s->namespace_name)
            stack_report(c, dn, v->loc, "services.%s.discovery: the stack has no namespace; add "
                        "discovery: { namespace: %s.internal } at the top", v->name, c->s->name ? c->s->name : "app");
        if (!v->discovery_port)
            stack_report(c, dn, v->loc, "services.%s.discovery: this service has no port; give 'port:'", v->name);
    }
    if (v->deployment.strategy != STACK_DEPLOY_ROLLING && !v->has_load_balancer)
        stack_report(c, stack_at(root, "services", v->name, "deployment", "strategy", NULL), v->loc,
                    "services.%s.deployment.strategy: %s shifts load balancer traffic, so the service needs "
                    "a load_balancer", v->name, stack_strategy_name(v->deployment.strategy));
}

/* An OIDC client secret must exist before the listener rule that uses it. */
static void client_secret_rule(stack_ctx *c, const stack_auth *a, const stack_node *at, const char *path)
{
    if (a->kind != STACK_AUTH_OIDC || !a->client_secret)
        return;
    const stack_secret *sec = stack_find_secret(c->s, a->client_secret);
    if (!sec)
        stack_report(c, at, a->loc, "%s.authenticate.oidc.client_secret: '%s' is not declared under 'secrets:'",
                    path, a->client_secret);
    else if (sec->source == STACK_SECRET_BOOTSTRAP)
        stack_report(c, at, a->loc, "%s.authenticate.oidc.client_secret: '%s' is filled by a bootstrap step, which "
                    "runs only after the load balancer serves; give the secret another source", path, a->client_secret);
}

static void client_secret_rules(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        const stack_node *ls = stack_at(root, "load_balancers", lb->name, "listeners", NULL);
        for (size_t j = 0; j < lb->nlisteners; j++) {
            char *path = xasprintf("load_balancers.%s.listeners[%zu]", lb->name, j);
            const stack_node *ln = ls && ls->kind == STACK_NODE_SEQ && j < ls->n ? ls->vals[j] : NULL;
            client_secret_rule(c, &lb->listeners[j].auth, stack_at(ln, "authenticate", "oidc", "client_secret", NULL),
                               path);
            free(path);
        }
    }
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *v = &s->services[i];
        if (!v->has_load_balancer)
            continue;
        char *path = xasprintf("services.%s.load_balancer", v->name);
        client_secret_rule(c, &v->lb.auth,
                           stack_at(root, "services", v->name, "load_balancer", "authenticate", "oidc", "client_secret", NULL),
                           path);
        free(path);
    }
}

void stack_check_stack(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    stack_databases_defaults(c);
    network_defaults(c);
    stack_network_carve(c, root);
    network_rules(c, root);
    for (size_t i = 0; i < s->nservices; i++) {
        stack_service *v = &s->services[i];
        task_size_rules(c, root, v);
        port_rules(c, v);
        env_rules(c, v);
        dependency_rules(c, v);
        if (v->has_load_balancer)
            attach_rules(c, root, v);
        service_refs(c, root, v);
        stack_check_egress(c, v);
        stack_check_scaling(c, root, v);
    }
    stack_check_connect(c, root);
    stack_check_routes(c, root);
    stack_check_bootstrap(c, root);
    client_secret_rules(c, root);
    stack_check_databases(c, root);
    stack_check_settings(c, root);
    stack_check_storage(c);
    stack_check_refs(c);
}
