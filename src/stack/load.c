/* The top of the stack file: read, decode every section, check across sections. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const top_keys[] = {"stack", "region", "parameters", "environments", "tags",
                                       "network", "logs", "discovery", "service_connect", "secrets",
                                       "buckets", "sites", "ci", "zones", "databases", "caches",
                                       "file_systems", "parameter_store", "load_balancers",
                                       "services", "bootstrap", "outputs", "cluster", NULL};
static const char *const discovery_keys[] = {"namespace", NULL};
static const char *const step_keys[] = {"exec", "secret", NULL};
static const char *const exec_keys[] = {"service", "command", "container", "timeout", NULL};

static int region_ok(const char *r)
{
    int dashes = 0;
    if (!*r || r[strlen(r) - 1] < '0' || r[strlen(r) - 1] > '9')
        return 0;
    for (const char *p = r; *p; p++) {
        if (*p == '-')
            dashes++;
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return 0;
    }
    return dashes >= 2;
}

static void decode_head(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    if (stack_get_str(c, root, "stack", 1, &s->name) == 0 && s->name) {
        const char *why = stack_check_logical_name(s->name);
        if (why)
            stack_err_key(c, stack_node_get(root, "stack"), "stack", "'%s' %s", s->name, why);
        s->base_name = xstrdup(s->name);
        if (s->environment) { /* the environment's stack: every AWS name carries it */
            char *named = xasprintf("%s-%s", s->name, s->environment);
            free(s->name);
            s->name = named;
            why = stack_check_logical_name(named);
            if (why)
                stack_err_key(c, stack_node_get(root, "stack"), "stack",
                              "'%s' (the stack of environment %s) %s", named, s->environment, why);
        }
    }
    if (stack_get_str(c, root, "region", 0, &s->region) == 0 && s->region && !region_ok(s->region))
        stack_err_key(c, stack_node_get(root, "region"), "region", "'%s' is not an AWS region like eu-west-1", s->region);
    const stack_node *t = stack_node_get(root, "tags");
    if (t) {
        size_t old = stack_path_push(c, "tags");
        if (stack_want_map(c, t)) {
            s->tags = xcalloc(t->n + 1, sizeof *s->tags);
            for (size_t i = 0; i < t->n; i++) {
                char *v = NULL;
                size_t o2 = stack_path_push(c, t->keys[i]->str);
                if (strncmp(t->keys[i]->str, "aws:", 4) == 0 || strncmp(t->keys[i]->str, "ecsdeploy:", 10) == 0)
                    stack_err(c, t->keys[i], "tag keys starting with aws: or ecsdeploy: are reserved");
                else if (stack_scalar(c, t->vals[i], &v) == 0) {
                    s->tags[s->ntags].name = xstrdup(t->keys[i]->str);
                    s->tags[s->ntags++].value = v;
                }
                stack_path_pop(c, o2);
            }
        }
        stack_path_pop(c, old);
    }
    s->log_retention_days = 30;
    const stack_node *l = stack_node_get(root, "logs");
    if (l)
        stack_decode_logs(c, l, &s->log_retention_days, &s->log_group);
    const stack_node *d = stack_node_get(root, "discovery");
    if (d) {
        size_t old = stack_path_push(c, "discovery");
        if (stack_want_map(c, d)) {
            stack_check_keys(c, d, discovery_keys);
            if (stack_get_str(c, d, "namespace", 1, &s->namespace_name) == 0 && s->namespace_name) {
                const char *why = stack_check_dns_name(s->namespace_name);
                if (why)
                    stack_err_key(c, stack_node_get(d, "namespace"), "namespace", "'%s' %s", s->namespace_name, why);
            }
        }
        stack_path_pop(c, old);
    }
}

void stack_decode_bootstrap_step(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                                 size_t at)
{
    stack_bootstrap *b = (stack_bootstrap *)items + at;
    b->timeout = 300;
    b->secret = xstrdup(b->name);
    if (!v || !stack_want_map(c, v)) {
        if (!v)
            stack_err(c, key, "needs exec: { service: NAME, command: \"…\" }");
        return;
    }
    stack_check_keys(c, v, step_keys);
    const stack_node *e = stack_node_get(v, "exec");
    if (!e)
        stack_err_missing(c, v, "exec");
    size_t old = stack_path_push(c, "exec");
    if (e && stack_want_map(c, e)) {
        stack_check_keys(c, e, exec_keys);
        stack_get_str(c, e, "service", 1, &b->service);
        stack_get_str(c, e, "command", 1, &b->command);
        stack_get_str(c, e, "container", 0, &b->container);
        stack_get_int(c, e, "timeout", 1, 3600, &b->timeout);
    }
    stack_path_pop(c, old);
    stack_get_str(c, v, "secret", 0, &b->secret);
}

static void stack_decode_outputs(stack_ctx *c, const stack_node *n)
{
    if (!n)
        return;
    size_t old = stack_path_push(c, "outputs");
    if (stack_want_map(c, n)) {
        stack_model *s = c->s;
        s->outputs = xcalloc(n->n + 1, sizeof *s->outputs);
        c->templates = 1;
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = stack_path_push(c, n->keys[i]->str);
            char *v = NULL;
            if (n->vals[i]->kind == STACK_NODE_NULL)
                stack_err(c, n->keys[i], "is empty");
            else if (stack_scalar(c, n->vals[i], &v) == 0) {
                s->outputs[s->noutputs].name = xstrdup(n->keys[i]->str);
                s->outputs[s->noutputs].loc = n->keys[i]->loc;
                s->outputs[s->noutputs++].value = v;
            }
            stack_path_pop(c, o2);
        }
        c->templates = 0;
    }
    stack_path_pop(c, old);
}

/* The sections after the head, in the order they are decoded (a section may look at
 * the blocks of one above it: sites at the buckets). One of its own shape has `decode`; a
 * map of named blocks has its limits, the decoder of one block and the model's members
 * that keep them (MODEL). */
typedef struct {
    stack_blocks blocks; /* its key, and the limits of a map of named blocks */
    void (*decode)(stack_ctx *c, const stack_node *n);
    stack_block_fn block;
    size_t items_at, count_at;
    int required; /* a file without the section is wrong */
} section;

#define MODEL(member) .items_at = offsetof(stack_model, member), .count_at = offsetof(stack_model, n##member)

static const section sections[] = {
    {{.key = "network"}, .decode = stack_decode_network},
    {{.key = "service_connect"}, .decode = stack_decode_connect_namespace},
    {{"secrets", 1000, "secrets", "one stack may hold", STACK_BLOCKS_OF(stack_secret)},
     .block = stack_decode_secret, MODEL(secrets)},
    {{"buckets", 1000, "buckets", "one stack may hold", STACK_BLOCKS_OF(stack_bucket)},
     .block = stack_decode_bucket, MODEL(buckets)},
    {{"sites", 100, "sites", "one stack may hold", STACK_BLOCKS_OF(stack_site)},
     .block = stack_decode_site, MODEL(sites)},
    {{.key = "ci"}, .decode = stack_decode_ci},
    {{"zones", 20, "zones", "one stack may hold", 1, STACK_BLOCKS_OF(stack_zone)},
     .block = stack_decode_zone, MODEL(zones)},
    {{"databases", 40, "databases", "RDS allows per region", STACK_BLOCKS_OF(stack_database)},
     .block = stack_decode_database, MODEL(databases)},
    {{"caches", 100, "caches", "one stack may name", STACK_BLOCKS_OF(stack_cache)},
     .block = stack_decode_cache, MODEL(caches)},
    {{"file_systems", 100, "file systems", "one stack may hold", STACK_BLOCKS_OF(stack_file_system)},
     .block = stack_decode_file_system, MODEL(file_systems)},
    {{"parameter_store", 1000, "parameters", "one stack may hold",
      STACK_BLOCKS_OF(stack_ssm_parameter)},
     .block = stack_decode_parameter, MODEL(ssm_parameters)},
    {{"load_balancers", 50, "load balancers", "one stack may hold", 1,
      STACK_BLOCKS_OF(stack_load_balancer)},
     .block = stack_decode_load_balancer, MODEL(load_balancers)},
    {{.key = "cluster"}, .decode = stack_decode_cluster},
    {{"services", 500, "services", "one stack may hold; split it", 1,
      "declare at least one service", STACK_BLOCKS_OF(stack_service)},
     .block = stack_decode_service, MODEL(services), .required = 1},
    {{"bootstrap", 100, "steps", "one stack may hold", STACK_BLOCKS_OF(stack_bootstrap)},
     .block = stack_decode_bootstrap_step, MODEL(bootstrap)},
    {.blocks = {.key = NULL}},
};

/* A map of named blocks into the model's array and count. */
static void decode_section_blocks(stack_ctx *c, const stack_node *n, const section *x)
{
    size_t *count = (size_t *)((char *)c->s + x->count_at);
    void *items = stack_decode_blocks(c, n, &x->blocks, count, x->block);
    memcpy((char *)c->s + x->items_at, &items, sizeof items);
}

static void decode_all(stack_ctx *c, stack_node *root, const stack_options *opts)
{
    stack_check_keys(c, root, top_keys);
    size_t before = c->d->n;
    if (stack_environment_apply(c, root, opts ? opts->environment : NULL) != 0 || c->d->n > before)
        return; /* which document to decode is not known */
    if (stack_decode_params(c, stack_node_get(root, "parameters"), opts) != 0)
        return; /* every later value may depend on them: stop before a cascade */
    stack_environment_check_params(c, root);
    decode_head(c, root);
    for (const section *x = sections; x->blocks.key; x++) {
        const stack_node *n = stack_node_get(root, x->blocks.key);
        if (!n && x->required)
            stack_err_missing(c, root, x->blocks.key);
        else if (x->decode)
            x->decode(c, n);
        else
            decode_section_blocks(c, n, x);
    }
    stack_decode_outputs(c, stack_node_get(root, "outputs"));
    stack_check_stack(c, root);
    stack_check_domains(c, root);
    stack_check_names(c, root);
}

static int load_one(const char *file, const char *data, size_t len, const stack_options *opts,
                    stack_model **out, stack_diags *d)
{
    *out = NULL;
    if (!d->file)
        d->file = xstrdup(file ? file : "(stack file)");
    stack_loc none = {0, 0};
    if (len > STACK_MAX_FILE_SIZE) {
        stack_diag_add(d, none, "the file is larger than %d KiB; a stack file is far smaller",
                      STACK_MAX_FILE_SIZE / 1024);
        return -1;
    }
    stack_node *root = stack_yaml_parse(data, len, d);
    if (!root || d->n) {
        stack_node_free(root);
        stack_diags_sort(d);
        return -1;
    }
    stack_ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.s = xcalloc(1, sizeof *c.s);
    c.s->file = xstrdup(d->file);
    if (root->kind != STACK_NODE_MAP)
        stack_diag_add(d, root->loc, "the stack file must be a mapping with 'stack:' and 'services:' at the top, not %s",
                      stack_node_kind_name(root));
    else
        decode_all(&c, root, opts);
    stack_node_free(root);
    buf_free(&c.path);
    for (size_t i = 0; i < c.s->nrefs; i++)
        free(c.ref_paths[i]);
    free(c.ref_paths);
    if (d->n) {
        stack_diags_sort(d);
        stack_free(c.s);
        return -1;
    }
    *out = c.s;
    return 0;
}

/* Every other environment of the file decoded too: a file is valid only when each of its
 * environments is. Their problems not already reported are added, prefixed with the
 * environment's name. */
static void check_other_environments(const char *data, size_t len, const stack_options *opts,
                                     const stack_model *s, stack_diags *d)
{
    for (size_t i = 0; i < s->nenvironments; i++) {
        if (s->environment && !strcmp(s->environment, s->environments[i]))
            continue;
        stack_options o = opts ? *opts : (stack_options){0};
        o.environment = s->environments[i];
        stack_diags other;
        memset(&other, 0, sizeof other);
        other.file = xstrdup(d->file);
        stack_model *m = NULL;
        if (load_one(d->file, data, len, &o, &m, &other) != 0) {
            for (size_t k = 0; k < other.n; k++) {
                size_t j = 0;
                while (j < d->n && !(d->items[j].loc.line == other.items[k].loc.line &&
                                     d->items[j].loc.col == other.items[k].loc.col &&
                                     !strcmp(d->items[j].message, other.items[k].message)))
                    j++;
                if (j == d->n)
                    stack_diag_add(d, other.items[k].loc, "(environment %s) %s", o.environment,
                                   other.items[k].message);
            }
        }
        stack_free(m);
        stack_diags_free(&other);
    }
}

int stack_load_buffer(const char *file, const char *data, size_t len, const stack_options *opts,
                     stack_model **out, stack_diags *d)
{
    int rc = load_one(file, data, len, opts, out, d);
    if (rc != 0 || !(*out)->nenvironments)
        return rc;
    check_other_environments(data, len, opts, *out, d);
    if (d->n == 0)
        return 0;
    stack_diags_sort(d);
    stack_free(*out);
    *out = NULL;
    return -1;
}

int stack_load_file(const char *path, const stack_options *opts, stack_model **out, stack_diags *d)
{
    *out = NULL;
    int from_stdin = strcmp(path, "-") == 0;
    if (!d->file)
        d->file = xstrdup(from_stdin ? "<stdin>" : path);
    stack_loc none = {0, 0};
    buf b = BUF_INIT;
    int got = from_stdin ? (buf_read(&b, stdin, STACK_MAX_FILE_SIZE + 1) != 0 ? -2 : 0)
                         : buf_read_file(&b, path, STACK_MAX_FILE_SIZE + 1);
    if (got == -1) {
        stack_diag_add(d, none, "cannot open the stack file: %s%s", strerror(errno),
                      errno == ENOENT ? " (create one with 'ecsdeploy init', or name one with -f FILE)" : "");
        return -1;
    }
    int rc;
    if (got == -2) {
        stack_diag_add(d, none, "cannot read the stack file: %s", strerror(errno));
        rc = -1;
    } else {
        rc = stack_load_buffer(d->file, b.data ? b.data : "", b.len, opts, out, d);
    }
    buf_free(&b);
    return rc;
}
