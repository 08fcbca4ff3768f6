/* One container of a task: the service's main one or a sidecar / init container. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const health_keys[] = {"command", "interval", "timeout", "retries", "start_period", NULL};
static const char *const port_keys[] = {"port", "protocol", NULL};
static const char *const secret_ref_keys[] = {"secret", "key", "parameter", NULL};
static const char *const proto_names[] = {"tcp", "udp", NULL};
static const char *const cond_names[] = {"start", "complete", "success", "healthy", NULL};
static const char *const ulimit_keys[] = {"soft", "hard", NULL};
/* ECS's UlimitName values */
static const char *const ulimit_names[] = {"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
                                           "nice", "nofile", "nproc", "rss", "rtprio", "rttime",
                                           "sigpending", "stack", NULL};

/* command / entry_point: a list, or a string run by /bin/sh -c. Items are templates. */
static void decode_argv(stack_ctx *c, const stack_node *map, const char *key, char ***out, size_t *n)
{
    const stack_node *v = stack_node_get(map, key);
    if (!v)
        return;
    c->templates = 1;
    if (v->kind == STACK_NODE_SCALAR) {
        size_t old = stack_path_push(c, key);
        char *s = NULL;
        if (stack_scalar(c, v, &s) == 0) {
            *out = xcalloc(3, sizeof **out);
            (*out)[0] = xstrdup("/bin/sh");
            (*out)[1] = xstrdup("-c");
            (*out)[2] = s;
            *n = 3;
        }
        stack_path_pop(c, old);
    } else {
        stack_get_strlist(c, map, key, 0, out, n);
    }
    c->templates = 0;
}

/* A port of `ports:`: 8080, or { port: 9000, protocol: udp }. */
static void port_item(stack_ctx *c, const stack_node *v, void *ud)
{
    stack_container *k = ud;
    stack_port *p = &k->ports[k->nports];
    int proto = 0, ok;
    if (v->kind == STACK_NODE_MAP) {
        stack_check_keys(c, v, port_keys);
        if (!stack_node_get(v, "port"))
            stack_err_missing(c, v, "port");
        ok = stack_node_get(v, "port") && stack_get_int(c, v, "port", 1, 65535, &p->port) == 0;
        ok = stack_get_enum(c, v, "protocol", proto_names, &proto) == 0 && ok;
    } else {
        ok = stack_node_int(c, v, 1, 65535, &p->port) == 0;
    }
    if (ok) {
        p->protocol = xstrdup(proto_names[proto]);
        p->loc = v->loc;
        k->nports++;
    }
}

static void decode_ports(stack_ctx *c, const stack_node *map, stack_container *k)
{
    const stack_node *one = stack_node_get(map, "port"), *many = stack_node_get(map, "ports");
    if (one && many) {
        stack_err_key(c, many, "ports", "give either 'port' or 'ports', not both");
        return;
    }
    if (one) {
        k->ports = xcalloc(1, sizeof *k->ports);
        if (stack_get_int(c, map, "port", 1, 65535, &k->ports[0].port) == 0) {
            k->ports[0].protocol = xstrdup("tcp");
            k->ports[0].loc = one->loc;
            k->nports = 1;
        }
        return;
    }
    if (!many)
        return;
    static const stack_list ports = {
        .not_list = "must be a list like [8080, { port: 9000, protocol: udp }]", .max = 100,
        .what = "ports", .why = "one container may publish", .size = sizeof(stack_port)};
    size_t old = stack_path_push(c, "ports");
    stack_decode_list(c, many, &ports, (void **)&k->ports, port_item, k);
    stack_path_pop(c, old);
}

static void variable_entry(stack_ctx *c, const stack_node *key, const stack_node *value, void *ud)
{
    stack_container *k = ud;
    const char *name = key->str;
    char *v = NULL;
    if (!*name || strchr(name, '='))
        stack_err(c, key, "'%s' is not an environment variable name", name);
    else if (value->kind == STACK_NODE_NULL)
        v = xstrdup("");
    else
        stack_scalar(c, value, &v);
    if (v) {
        k->environment[k->nenvironment].name = xstrdup(name);
        k->environment[k->nenvironment++].value = v;
    }
}

static void decode_environment(stack_ctx *c, const stack_node *e, stack_container *k)
{
    static const stack_entries variables = {.key = "environment", .max = 1000, .what = "variables",
                                            .why = "a container may get", .size = sizeof(stack_env)};
    c->templates = 1; /* the values are templates */
    stack_decode_entries(c, e, &variables, (void **)&k->environment, variable_entry, k);
    c->templates = 0;
}

/* { parameter: NAME } or { parameter: PATH-ENTRY/NAME-BELOW }: a Parameter Store value. */
static void decode_parameter_ref(stack_ctx *c, const stack_node *v, stack_secret_env *se)
{
    for (const char *const *k = (const char *const[]){"secret", "key", NULL}; *k; k++)
        if (stack_node_get(v, *k))
            stack_err_key(c, stack_node_get(v, *k), *k, "give either 'secret' or 'parameter', not both");
    char *ref = NULL;
    if (stack_get_str(c, v, "parameter", 1, &ref) != 0 || !ref)
        return;
    char *slash = strchr(ref, '/');
    if (slash) {
        *slash = '\0';
        se->parameter_sub = xstrdup(slash + 1);
    }
    se->parameter = ref;
}

static void secret_entry(stack_ctx *c, const stack_node *key, const stack_node *v, void *ud)
{
    stack_container *k = ud;
    stack_secret_env se = {0};
    se.loc = v->loc;
    if (v->kind == STACK_NODE_MAP && stack_node_get(v, "parameter")) {
        stack_check_keys(c, v, secret_ref_keys);
        decode_parameter_ref(c, v, &se);
    } else if (v->kind == STACK_NODE_MAP) {
        stack_check_keys(c, v, secret_ref_keys);
        stack_get_str(c, v, "secret", 1, &se.secret);
        stack_get_str(c, v, "key", 0, &se.json_key);
    } else if (v->kind == STACK_NODE_SCALAR) {
        stack_scalar(c, v, &se.secret);
    } else {
        stack_err(c, v, "must name a secret (a key of 'secrets:')");
    }
    if (se.secret || se.parameter) {
        se.env = xstrdup(key->str);
        k->secrets[k->nsecrets++] = se;
    } else {
        free(se.json_key);
    }
}

static void decode_secret_env(stack_ctx *c, const stack_node *e, stack_container *k)
{
    static const stack_entries secrets = {.key = "secrets", .max = 1000, .what = "secrets",
                                          .why = "a container may get",
                                          .size = sizeof(stack_secret_env)};
    stack_decode_entries(c, e, &secrets, (void **)&k->secrets, secret_entry, k);
}

static void decode_health(stack_ctx *c, const stack_node *h, stack_health_check *hc)
{
    size_t old = stack_path_push(c, "health_check");
    hc->interval = 30;
    hc->timeout = 5;
    hc->retries = 3;
    hc->loc = h->loc;
    if (stack_want_map(c, h)) {
        stack_check_keys(c, h, health_keys);
        const stack_node *cmd = stack_node_get(h, "command");
        if (!cmd) {
            stack_err_missing(c, h, "command");
        } else if (cmd->kind == STACK_NODE_SCALAR) {
            char *s = NULL;
            size_t o2 = stack_path_push(c, "command");
            if (stack_scalar(c, cmd, &s) == 0) {
                hc->command = xcalloc(2, sizeof *hc->command);
                hc->command[0] = xstrdup("CMD-SHELL");
                hc->command[1] = s;
                hc->ncommand = 2;
            }
            stack_path_pop(c, o2);
        } else if (stack_get_strlist(c, h, "command", 0, &hc->command, &hc->ncommand) == 0 && hc->ncommand &&
                   strcmp(hc->command[0], "CMD") != 0 && strcmp(hc->command[0], "CMD-SHELL") != 0) {
            hc->command = xrealloc(hc->command, (hc->ncommand + 1) * sizeof *hc->command);
            memmove(hc->command + 1, hc->command, hc->ncommand * sizeof *hc->command);
            hc->command[0] = xstrdup("CMD");
            hc->ncommand++;
        }
        stack_get_int(c, h, "interval", 5, 300, &hc->interval);
        stack_get_int(c, h, "timeout", 2, 60, &hc->timeout);
        stack_get_int(c, h, "retries", 1, 10, &hc->retries);
        stack_get_int(c, h, "start_period", 0, 300, &hc->start_period);
        hc->set = hc->ncommand > 0;
    }
    stack_path_pop(c, old);
}

static void dependency_entry(stack_ctx *c, const stack_node *key, const stack_node *value, void *ud)
{
    stack_container *k = ud;
    int cond = 0;
    if (stack_node_enum(c, value, cond_names, &cond) == 0) {
        stack_dependency *dep = &k->depends_on[k->ndepends_on++];
        dep->container = xstrdup(key->str);
        dep->condition = (stack_dep_condition)cond;
        dep->loc = key->loc;
    }
}

static void decode_depends(stack_ctx *c, const stack_node *d, stack_container *k)
{
    static const stack_entries dependencies = {
        .key = "depends_on",
        .not_map = "must be a mapping of container: condition (start, complete, success or healthy)",
        .max = 10, .what = "dependencies", .why = "a task of 10 containers can have",
        .size = sizeof(stack_dependency)};
    stack_decode_entries(c, d, &dependencies, (void **)&k->depends_on, dependency_entry, k);
}

/* ulimits: { nofile: 65536, nproc: { soft: 512, hard: 1024 } }: one limit for both, or a
 * soft one below a hard one. */
static void ulimit_entry(stack_ctx *c, const stack_node *key, const stack_node *v, void *ud)
{
    stack_container *k = ud;
    stack_ulimit *l = &k->ulimits[k->nulimits];
    int which = 0, ok;
    ok = stack_node_enum(c, key, ulimit_names, &which) == 0;
    if (v->kind == STACK_NODE_MAP) {
        stack_check_keys(c, v, ulimit_keys);
        if (!stack_node_get(v, "soft") || !stack_node_get(v, "hard")) {
            stack_err(c, v, "give both soft and hard, or one number for both");
            ok = 0;
        }
        ok = stack_get_int(c, v, "soft", 0, 2147483647, &l->soft) == 0 && ok;
        ok = stack_get_int(c, v, "hard", 0, 2147483647, &l->hard) == 0 && ok;
        if (ok && l->soft > l->hard) {
            stack_err(c, v, "the soft limit %d is above the hard limit %d", l->soft, l->hard);
            ok = 0;
        }
    } else {
        ok = stack_node_int(c, v, 0, 2147483647, &l->soft) == 0 && ok;
        l->hard = l->soft;
    }
    if (ok) {
        l->name = xstrdup(ulimit_names[which]);
        l->loc = key->loc;
        k->nulimits++;
    }
}

static void decode_ulimits(stack_ctx *c, const stack_node *u, stack_container *k)
{
    static const stack_entries limits = {
        .key = "ulimits",
        .not_map = "must be a mapping like { nofile: 65536, nproc: { soft: 512, hard: 1024 } }",
        .max = 15, .what = "limits", .why = "ECS knows", .size = sizeof(stack_ulimit)};
    stack_decode_entries(c, u, &limits, (void **)&k->ulimits, ulimit_entry, k);
}

/* user, user:group, uid, uid:gid, user:gid or uid:group (ECS's forms). */
static int user_ok(const char *u)
{
    const char *colon = strchr(u, ':');
    if (!*u || *u == ':' || (colon && (!colon[1] || strchr(colon + 1, ':'))))
        return 0;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
            return 0;
    return 1;
}

void stack_decode_container(stack_ctx *c, const stack_node *n, stack_container *k, int main)
{
    k->loc = n->loc;
    k->essential = 1;
    stack_get_str(c, n, "image", 1, &k->image);
    if (k->image) {
        const char *why = stack_check_image(k->image);
        if (why)
            stack_err_key(c, stack_node_get(n, "image"), "image", "'%s' is not an image reference: %s",
                         k->image, why);
    }
    decode_argv(c, n, "command", &k->command, &k->ncommand);
    decode_argv(c, n, "entry_point", &k->entry_point, &k->nentry_point);
    stack_get_str(c, n, "working_dir", 0, &k->working_dir);
    if (stack_get_str(c, n, "user", 0, &k->user) == 0 && k->user && !user_ok(k->user))
        stack_err_key(c, stack_node_get(n, "user"), "user", "'%s' is not a user; use NAME, UID, NAME:GROUP "
                     "or UID:GID", k->user);
    stack_get_bool(c, n, "readonly_root", &k->readonly_root);
    stack_get_str(c, n, "repository_credentials", 0, &k->repository_credentials);
    if (!main) {
        stack_get_int(c, n, "cpu", 0, 16384, &k->cpu);
        stack_get_int(c, n, "memory", 6, 122880, &k->memory);
        stack_get_bool(c, n, "init", &k->init);
        k->essential = !k->init;
        stack_get_bool(c, n, "essential", &k->essential);
        if (k->init && k->essential)
            stack_err_key(c, stack_node_get(n, "essential"), "essential",
                         "an init container runs to completion, so it cannot be essential");
    }
    decode_ports(c, n, k);
    const stack_node *v;
    if ((v = stack_node_get(n, "environment")))
        decode_environment(c, v, k);
    if ((v = stack_node_get(n, "secrets")))
        decode_secret_env(c, v, k);
    if ((v = stack_node_get(n, "health_check")))
        decode_health(c, v, &k->health);
    if ((v = stack_node_get(n, "depends_on")))
        decode_depends(c, v, k);
    if ((v = stack_node_get(n, "ulimits")))
        decode_ulimits(c, v, k);
}
