/* services: the task size and placement, load balancer, discovery, sidecars. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const service_keys[] = {
    "enabled", "image", "command", "entry_point", "working_dir", "user", "cpu", "memory", "architecture",
    "desired_count", "port", "ports", "environment", "secrets", "health_check", "depends_on",
    "subnets", "public_ip", "load_balancer", "discovery", "logs", "ephemeral_storage_gib",
    "volumes", "permissions", "exec", "deployment", "allow_from", "reach", "egress", "scaling",
    "service_connect", "databases", "caches", "containers", "task_definition", "capacity",
    "readonly_root", "ulimits", "repository_credentials", NULL};
static const char *const container_keys[] = {
    "enabled", "image", "command", "entry_point", "working_dir", "user", "cpu", "memory", "essential",
    "init", "port", "ports", "environment", "secrets", "health_check", "depends_on", "databases",
    "caches", "readonly_root", "ulimits", "repository_credentials", NULL};
static const char *const attach_keys[] = {
    "enabled", "name", "container", "port", "paths", "hosts", "priority", "listeners", "test_listener",
    "health_check", "deregistration_delay", "grace_period", "authenticate", NULL};
static const char *const lb_health_keys[] = {"path", "port", "matcher", "interval", "timeout",
                                             "healthy_threshold", "unhealthy_threshold", NULL};
static const char *const discovery_keys[] = {"name", "port", NULL};
static const char *const arch_names[] = {"X86_64", "ARM64", NULL};
static const char *const tier_names[] = {"public", "private", NULL};

static int matcher_ok(const char *m)
{
    /* "200", "200,202", "200-299" with codes 200..499 */
    const char *p = m;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10);
        if (end == p || a < 200 || a > 499)
            return 0;
        p = end;
        if (*p == '-') {
            long b = strtol(p + 1, &end, 10);
            if (end == p + 1 || b < a || b > 499)
                return 0;
            p = end;
        }
        if (*p == ',')
            p++;
        else if (*p)
            return 0;
    }
    return *m != '\0';
}

static void decode_lb_health(stack_ctx *c, const stack_node *h, stack_lb_health *hc)
{
    size_t old = stack_path_push(c, "health_check");
    hc->loc = h->loc;
    if (stack_want_map(c, h)) {
        stack_check_keys(c, h, lb_health_keys);
        if (stack_get_str(c, h, "path", 0, &hc->path) == 0 && hc->path &&
            (hc->path[0] != '/' || strlen(hc->path) > 1024))
            stack_err_key(c, stack_node_get(h, "path"), "path", "must start with '/' (at most 1024 characters)");
        stack_get_int(c, h, "port", 1, 65535, &hc->port);
        if (stack_get_str(c, h, "matcher", 0, &hc->matcher) == 0 && hc->matcher && !matcher_ok(hc->matcher))
            stack_err_key(c, stack_node_get(h, "matcher"), "matcher",
                         "'%s' is not a list of HTTP codes 200 to 499 like \"200\", \"200,204\" or \"200-299\"",
                         hc->matcher);
        stack_get_int(c, h, "interval", 5, 300, &hc->interval);
        int ok = stack_get_int(c, h, "timeout", 2, 120, &hc->timeout) == 0;
        stack_get_int(c, h, "healthy_threshold", 2, 10, &hc->healthy_threshold);
        stack_get_int(c, h, "unhealthy_threshold", 2, 10, &hc->unhealthy_threshold);
        if (ok && hc->timeout >= hc->interval)
            stack_err_key(c, stack_node_get(h, "timeout"), "timeout",
                         "%d seconds must be less than the interval (%d seconds)", hc->timeout, hc->interval);
    }
    stack_path_pop(c, old);
}

static void decode_attach(stack_ctx *c, const stack_node *v, stack_service *svc)
{
    stack_lb_attach *a = &svc->lb;
    size_t old = stack_path_push(c, "load_balancer");
    /* Chosen for speed (README "Health checks and deployments"): a new target is healthy
     * after 2 checks 10 s apart (AWS's defaults: 5 x 30 s), a failing one is out after
     * 3 (30 s), and a target leaving drains for 15 s (AWS: 300 s). */
    a->deregistration_delay = 15;
    a->health.interval = 10;
    a->health.timeout = 5;
    a->health.healthy_threshold = 2;
    a->health.unhealthy_threshold = 3;
    a->loc = v->loc;
    if (v->kind == STACK_NODE_SCALAR) {
        stack_scalar(c, v, &a->load_balancer);
        svc->has_load_balancer = 1;
    } else if (stack_want_map(c, v) && stack_enabled(c, v)) {
        svc->has_load_balancer = 1;
        stack_check_keys(c, v, attach_keys);
        stack_get_str(c, v, "name", 1, &a->load_balancer);
        stack_get_str(c, v, "container", 0, &a->container);
        stack_get_int(c, v, "port", 1, 65535, &a->port);
        stack_get_strlist(c, v, "paths", 1, &a->paths, &a->npaths);
        stack_get_strlist(c, v, "hosts", 1, &a->hosts, &a->nhosts);
        stack_get_int(c, v, "priority", 1, 50000, &a->priority);
        const stack_node *ls = stack_node_get(v, "listeners");
        if (ls) {
            size_t o2 = stack_path_push(c, "listeners");
            const stack_node *items = ls->kind == STACK_NODE_SEQ ? ls : NULL;
            size_t n = items ? items->n : 1;
            a->listeners = xcalloc(n, sizeof *a->listeners);
            for (size_t i = 0; i < n; i++)
                if (stack_node_int(c, items ? items->vals[i] : ls, 1, 65535, &a->listeners[a->nlisteners]) == 0)
                    a->nlisteners++;
            stack_path_pop(c, o2);
        }
        stack_get_int(c, v, "test_listener", 1, 65535, &a->test_listener);
        const stack_node *h = stack_node_get(v, "health_check");
        if (h)
            decode_lb_health(c, h, &a->health);
        stack_get_int(c, v, "deregistration_delay", 0, 3600, &a->deregistration_delay);
        stack_get_int(c, v, "grace_period", 0, 2147483647, &a->grace_period);
        const stack_node *auth = stack_node_get(v, "authenticate");
        if (auth)
            stack_decode_auth(c, auth, &a->auth);
    }
    for (size_t i = 0; i < a->npaths; i++)
        if (a->paths[i][0] != '/')
            stack_err_key(c, stack_node_get(v, "paths"), "paths", "'%s' must start with '/'", a->paths[i]);
    if (!a->health.path)
        a->health.path = xstrdup("/");
    if (!a->health.matcher)
        a->health.matcher = xstrdup("200-399");
    stack_path_pop(c, old);
}

static void decode_discovery(stack_ctx *c, const stack_node *v, stack_service *svc)
{
    size_t old = stack_path_push(c, "discovery");
    svc->has_discovery = 1;
    if (v->kind == STACK_NODE_SCALAR && strcmp(v->str, "true") == 0) {
        /* defaults only */
    } else if (stack_want_map(c, v)) {
        stack_check_keys(c, v, discovery_keys);
        stack_get_str(c, v, "name", 0, &svc->discovery_name);
        stack_get_int(c, v, "port", 1, 65535, &svc->discovery_port);
    }
    if (!svc->discovery_name)
        svc->discovery_name = xstrdup(svc->name);
    stack_path_pop(c, old);
}

static void decode_sidecars(stack_ctx *c, const stack_node *v, stack_service *svc)
{
    size_t old = stack_path_push(c, "containers");
    if (stack_want_map(c, v) && !stack_too_many(c, v, 9, "sidecar containers", "that fit beside the main one "
                                              "(ECS allows 10 containers per task)")) {
        svc->containers = xrealloc(svc->containers, (1 + v->n) * sizeof *svc->containers);
        for (size_t i = 0; i < v->n; i++) {
            size_t o2 = stack_path_push(c, v->keys[i]->str);
            const stack_node *cn = v->vals[i];
            if (stack_want_map(c, cn) && stack_enabled(c, cn)) {
                stack_container *k = &svc->containers[svc->ncontainers++];
                memset(k, 0, sizeof *k);
                k->name = xstrdup(v->keys[i]->str);
                stack_check_keys(c, cn, container_keys);
                stack_decode_container(c, cn, k, 0);
                k->loc = v->keys[i]->loc;
                stack_decode_store_uses(c, cn, svc, svc->ncontainers - 1);
            }
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}

void stack_decode_service(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                          size_t at)
{
    stack_service *svc = (stack_service *)items + at;
    svc->cpu = 256;
    svc->memory = 512;
    svc->desired_count = 1;
    svc->subnets = (stack_tier)-1;
    svc->public_ip = -1;
    svc->log_retention_days = c->s->log_retention_days;
    svc->containers = xcalloc(1, sizeof *svc->containers);
    svc->ncontainers = 1;
    svc->containers[0].name = xstrdup(svc->name);
    if (!stack_block_map(c, key, v, "needs at least 'image:'", service_keys))
        return;
    stack_decode_container(c, v, &svc->containers[0], 1);
    stack_get_int(c, v, "cpu", 1, 1000000, &svc->cpu);
    stack_get_int(c, v, "memory", 1, 10000000, &svc->memory);
    int arch = 0, tier = -1;
    if (stack_get_enum(c, v, "architecture", arch_names, &arch) == 0)
        svc->arch = (stack_arch)arch;
    stack_get_int(c, v, "desired_count", 0, 5000, &svc->desired_count);
    if (stack_get_enum(c, v, "subnets", tier_names, &tier) == 0)
        svc->subnets = (stack_tier)tier;
    stack_get_bool(c, v, "public_ip", &svc->public_ip);
    const stack_node *x;
    if ((x = stack_node_get(v, "load_balancer")))
        decode_attach(c, x, svc);
    if ((x = stack_node_get(v, "discovery")))
        decode_discovery(c, x, svc);
    if ((x = stack_node_get(v, "logs")))
        stack_decode_logs(c, x, &svc->log_retention_days, &svc->log_group);
    if ((x = stack_node_get(v, "capacity"))) {
        svc->has_capacity = 1;
        stack_decode_capacity(c, x, &svc->capacity, &svc->ncapacity);
    }
    if (stack_get_int(c, v, "ephemeral_storage_gib", 20, 200, &svc->ephemeral_storage_gib) == 0 &&
        svc->ephemeral_storage_gib == 20)
        svc->ephemeral_storage_gib = 0;
    stack_get_bool(c, v, "exec", &svc->exec);
    if ((x = stack_node_get(v, "containers")))
        decode_sidecars(c, x, svc);
    stack_decode_volumes(c, v, svc);
    stack_decode_access(c, v, svc);
    stack_decode_store_uses(c, v, svc, 0);
    stack_decode_deployment(c, v, svc);
    stack_decode_egress(c, v, svc);
    stack_decode_scaling(c, v, svc);
    stack_decode_connect(c, v, svc);
    if (svc->has_discovery && !svc->discovery_port)
        svc->discovery_port = stack_service_port(svc);
}

