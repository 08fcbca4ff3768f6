/* The top of the stack file: read, decode every section, check across sections. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "spec_names.h"
#include "xalloc.h"

static const char *const top_keys[] = {"stack", "region", "parameters", "tags", "network", "logs",
                                       "discovery", "secrets", "buckets", "load_balancers",
                                       "services", "bootstrap", "outputs", NULL};
static const char *const logs_keys[] = {"retention_days", NULL};
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

static void decode_head(spec_ctx *c, const spec_node *root)
{
    spec_stack *s = c->s;
    if (spec_get_str(c, root, "stack", 1, &s->name) == 0 && s->name) {
        const char *why = spec_check_logical_name(s->name);
        if (why)
            spec_err_key(c, spec_node_get(root, "stack"), "stack", "'%s' %s", s->name, why);
    }
    if (spec_get_str(c, root, "region", 0, &s->region) == 0 && s->region && !region_ok(s->region))
        spec_err_key(c, spec_node_get(root, "region"), "region", "'%s' is not an AWS region like eu-west-1", s->region);
    const spec_node *t = spec_node_get(root, "tags");
    if (t) {
        size_t old = spec_path_push(c, "tags");
        if (spec_want_map(c, t)) {
            s->tags = xcalloc(t->n + 1, sizeof *s->tags);
            for (size_t i = 0; i < t->n; i++) {
                char *v = NULL;
                size_t o2 = spec_path_push(c, t->keys[i]->str);
                if (strncmp(t->keys[i]->str, "aws:", 4) == 0 || strncmp(t->keys[i]->str, "ecsdeploy:", 10) == 0)
                    spec_err(c, t->keys[i], "tag keys starting with aws: or ecsdeploy: are reserved");
                else if (spec_scalar(c, t->vals[i], &v) == 0) {
                    s->tags[s->ntags].name = xstrdup(t->keys[i]->str);
                    s->tags[s->ntags++].value = v;
                }
                spec_path_pop(c, o2);
            }
        }
        spec_path_pop(c, old);
    }
    s->log_retention_days = 30;
    const spec_node *l = spec_node_get(root, "logs");
    if (l) {
        size_t old = spec_path_push(c, "logs");
        if (spec_want_map(c, l)) {
            spec_check_keys(c, l, logs_keys);
            if (spec_get_int(c, l, "retention_days", 0, 100000, &s->log_retention_days) == 0 &&
                !spec_valid_retention(s->log_retention_days))
                spec_err_key(c, spec_node_get(l, "retention_days"), "retention_days",
                             "%d is not a CloudWatch Logs retention; use 1, 3, 5, 7, 14, 30, 60, 90, 120, "
                             "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
                             s->log_retention_days);
        }
        spec_path_pop(c, old);
    }
    const spec_node *d = spec_node_get(root, "discovery");
    if (d) {
        size_t old = spec_path_push(c, "discovery");
        if (spec_want_map(c, d)) {
            spec_check_keys(c, d, discovery_keys);
            if (spec_get_str(c, d, "namespace", 1, &s->namespace_name) == 0 && s->namespace_name) {
                const char *why = spec_check_dns_name(s->namespace_name);
                if (why)
                    spec_err_key(c, spec_node_get(d, "namespace"), "namespace", "'%s' %s", s->namespace_name, why);
            }
        }
        spec_path_pop(c, old);
    }
}

static void decode_step(spec_ctx *c, const spec_node *key, const spec_node *v, spec_bootstrap *b)
{
    b->name = xstrdup(key->str);
    b->loc = key->loc;
    b->timeout = 300;
    b->secret = xstrdup(b->name);
    if (!v || !spec_want_map(c, v)) {
        if (!v)
            spec_err(c, key, "needs exec: { service: NAME, command: \"…\" }");
        return;
    }
    spec_check_keys(c, v, step_keys);
    const spec_node *e = spec_node_get(v, "exec");
    if (!e)
        spec_err_missing(c, v, "exec");
    size_t old = spec_path_push(c, "exec");
    if (e && spec_want_map(c, e)) {
        spec_check_keys(c, e, exec_keys);
        spec_get_str(c, e, "service", 1, &b->service);
        spec_get_str(c, e, "command", 1, &b->command);
        spec_get_str(c, e, "container", 0, &b->container);
        spec_get_int(c, e, "timeout", 1, 3600, &b->timeout);
    }
    spec_path_pop(c, old);
    spec_get_str(c, v, "secret", 0, &b->secret);
}

void spec_decode_bootstrap(spec_ctx *c, const spec_node *n)
{
    if (!n)
        return;
    size_t old = spec_path_push(c, "bootstrap");
    if (spec_want_map(c, n) && !spec_too_many(c, n, 100, "steps", "one stack may hold")) {
        spec_stack *s = c->s;
        s->bootstrap = xcalloc(n->n + 1, sizeof *s->bootstrap);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = spec_path_push(c, n->keys[i]->str);
            const spec_node *v = n->vals[i]->kind == SPEC_NODE_NULL ? NULL : n->vals[i];
            decode_step(c, n->keys[i], v, &s->bootstrap[s->nbootstrap++]);
            spec_path_pop(c, o2);
        }
    }
    spec_path_pop(c, old);
}

void spec_decode_outputs(spec_ctx *c, const spec_node *n)
{
    if (!n)
        return;
    size_t old = spec_path_push(c, "outputs");
    if (spec_want_map(c, n)) {
        spec_stack *s = c->s;
        s->outputs = xcalloc(n->n + 1, sizeof *s->outputs);
        c->templates = 1;
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = spec_path_push(c, n->keys[i]->str);
            char *v = NULL;
            if (n->vals[i]->kind == SPEC_NODE_NULL)
                spec_err(c, n->keys[i], "is empty");
            else if (spec_scalar(c, n->vals[i], &v) == 0) {
                s->outputs[s->noutputs].name = xstrdup(n->keys[i]->str);
                s->outputs[s->noutputs].loc = n->keys[i]->loc;
                s->outputs[s->noutputs++].value = v;
            }
            spec_path_pop(c, o2);
        }
        c->templates = 0;
    }
    spec_path_pop(c, old);
}

static void decode_all(spec_ctx *c, const spec_node *root, const spec_options *opts)
{
    spec_check_keys(c, root, top_keys);
    if (spec_decode_params(c, spec_node_get(root, "parameters"), opts) != 0)
        return; /* every later value may depend on them: stop before a cascade */
    decode_head(c, root);
    spec_decode_network(c, spec_node_get(root, "network"));
    spec_decode_secrets(c, spec_node_get(root, "secrets"));
    spec_decode_buckets(c, spec_node_get(root, "buckets"));
    spec_decode_load_balancers(c, spec_node_get(root, "load_balancers"));
    const spec_node *svcs = spec_node_get(root, "services");
    if (svcs)
        spec_decode_services(c, svcs);
    else
        spec_err_missing(c, root, "services");
    spec_decode_bootstrap(c, spec_node_get(root, "bootstrap"));
    spec_decode_outputs(c, spec_node_get(root, "outputs"));
    spec_check_stack(c, root);
    spec_check_names(c, root);
}

int spec_load_buffer(const char *file, const char *data, size_t len, const spec_options *opts,
                     spec_stack **out, spec_diags *d)
{
    *out = NULL;
    if (!d->file)
        d->file = xstrdup(file ? file : "(stack file)");
    spec_loc none = {0, 0};
    if (len > SPEC_MAX_FILE_SIZE) {
        spec_diag_add(d, none, "the file is larger than %d KiB; a stack file is far smaller",
                      SPEC_MAX_FILE_SIZE / 1024);
        return -1;
    }
    spec_node *root = spec_yaml_parse(data, len, d);
    if (!root || d->n) {
        spec_node_free(root);
        spec_diags_sort(d);
        return -1;
    }
    spec_ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.s = xcalloc(1, sizeof *c.s);
    c.s->file = xstrdup(d->file);
    if (root->kind != SPEC_NODE_MAP)
        spec_diag_add(d, root->loc, "the stack file must be a mapping with 'stack:' and 'services:' at the top, not %s",
                      spec_node_kind_name(root));
    else
        decode_all(&c, root, opts);
    spec_node_free(root);
    buf_free(&c.path);
    for (size_t i = 0; i < c.s->nrefs; i++)
        free(c.ref_paths[i]);
    free(c.ref_paths);
    if (d->n) {
        spec_diags_sort(d);
        spec_free(c.s);
        return -1;
    }
    *out = c.s;
    return 0;
}

int spec_load_file(const char *path, const spec_options *opts, spec_stack **out, spec_diags *d)
{
    *out = NULL;
    int from_stdin = strcmp(path, "-") == 0;
    if (!d->file)
        d->file = xstrdup(from_stdin ? "<stdin>" : path);
    spec_loc none = {0, 0};
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        spec_diag_add(d, none, "cannot open the stack file: %s%s", strerror(errno),
                      errno == ENOENT ? " (create one with 'ecsdeploy init', or name one with -f FILE)" : "");
        return -1;
    }
    buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= SPEC_MAX_FILE_SIZE)
        buf_append(&b, chunk, n);
    int err = ferror(f) ? errno : 0;
    if (!from_stdin)
        fclose(f);
    errno = err;
    int rc;
    if (err) {
        spec_diag_add(d, none, "cannot read the stack file: %s", strerror(errno));
        rc = -1;
    } else {
        rc = spec_load_buffer(d->file, b.data ? b.data : "", b.len, opts, out, d);
    }
    buf_free(&b);
    return rc;
}
