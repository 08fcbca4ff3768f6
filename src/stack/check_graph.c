/* Rules about how parts relate: listener routes, bootstrap steps and the order they
 * impose, cycles, and the targets of ${…} references. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

/* Depth-first search for a cycle over n nodes; edge(i, j) says i waits for j. On a
 * cycle, `path` gets "a → b → a" and 1 is returned. */
typedef int (*edge_fn)(void *ud, size_t i, size_t j);
typedef const char *(*name_fn)(void *ud, size_t i);

static int dfs(size_t i, size_t n, int *color, size_t *stack, size_t depth, edge_fn edge, name_fn name,
               void *ud, buf *path)
{
    color[i] = 1;
    stack[depth] = i;
    for (size_t j = 0; j < n; j++) {
        if (!edge(ud, i, j))
            continue;
        if (color[j] == 1) {
            size_t from = 0;
            while (stack[from] != j)
                from++;
            for (size_t k = from; k <= depth; k++)
                buf_printf(path, "%s → ", name(ud, stack[k]));
            buf_puts(path, name(ud, j));
            return 1;
        }
        if (color[j] == 0 && dfs(j, n, color, stack, depth + 1, edge, name, ud, path))
            return 1;
    }
    color[i] = 2;
    return 0;
}

static int find_cycle(size_t n, edge_fn edge, name_fn name, void *ud, buf *path)
{
    int *color = xcalloc(n + 1, sizeof *color);
    size_t *stack = xcalloc(n + 1, sizeof *stack);
    int found = 0;
    for (size_t i = 0; i < n && !found; i++)
        if (color[i] == 0)
            found = dfs(i, n, color, stack, 0, edge, name, ud, path);
    free(color);
    free(stack);
    return found;
}

static int container_edge(void *ud, size_t i, size_t j)
{
    const stack_service *v = ud;
    const stack_container *k = &v->containers[i];
    for (size_t d = 0; d < k->ndepends_on; d++)
        if (i != j && strcmp(k->depends_on[d].container, v->containers[j].name) == 0)
            return 1;
    return 0;
}

static const char *container_name(void *ud, size_t i)
{
    return ((const stack_service *)ud)->containers[i].name;
}

void stack_container_cycles(stack_ctx *c, stack_service *v)
{
    buf path = BUF_INIT;
    if (find_cycle(v->ncontainers, container_edge, container_name, v, &path))
        stack_diag_add(c->d, v->loc, "services.%s: containers wait for each other in a cycle: %s", v->name,
                      buf_str(&path));
    buf_free(&path);
}

/* Service i waits for service j when i gets a secret that a bootstrap step reads from j. */
static int service_edge(void *ud, size_t i, size_t j)
{
    const stack_model *s = ud;
    const stack_service *v = &s->services[i];
    for (size_t k = 0; k < v->ncontainers; k++)
        for (size_t e = 0; e < v->containers[k].nsecrets; e++) {
            const stack_bootstrap *b = stack_find_bootstrap_for(s, v->containers[k].secrets[e].secret);
            if (b && b->service && strcmp(b->service, s->services[j].name) == 0)
                return 1;
        }
    return 0;
}

static const char *service_name(void *ud, size_t i)
{
    return ((const stack_model *)ud)->services[i].name;
}

void stack_check_routes(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    (void)root;
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *a = &s->services[i];
        if (!a->has_load_balancer)
            continue;
        for (size_t j = 0; j < i; j++) {
            const stack_service *b = &s->services[j];
            if (!b->has_load_balancer || !a->lb.load_balancer || !b->lb.load_balancer ||
                strcmp(a->lb.load_balancer, b->lb.load_balancer) != 0)
                continue;
            if (a->lb.priority && a->lb.priority == b->lb.priority)
                stack_diag_add(c->d, a->lb.loc, "services.%s.load_balancer.priority: %d is already taken by "
                              "service %s on load balancer %s", a->name, a->lb.priority, b->name, a->lb.load_balancer);
            if (!a->lb.npaths && !a->lb.nhosts && !b->lb.npaths && !b->lb.nhosts)
                stack_diag_add(c->d, a->lb.loc, "services.%s.load_balancer: services %s and %s both take every "
                              "request of load balancer %s; give one of them paths: or hosts:", a->name, b->name,
                              a->name, a->lb.load_balancer);
        }
    }
}

static void add_implicit_secret(stack_model *s, const stack_bootstrap *b)
{
    s->secrets = xrealloc(s->secrets, (s->nsecrets + 1) * sizeof *s->secrets);
    stack_secret *sec = &s->secrets[s->nsecrets++];
    memset(sec, 0, sizeof *sec);
    sec->name = xstrdup(b->secret);
    sec->source = STACK_SECRET_BOOTSTRAP;
    sec->keep = 1;
    sec->loc = b->loc;
}

static void check_step(stack_ctx *c, const stack_node *root, stack_bootstrap *b, size_t idx)
{
    stack_model *s = c->s;
    const stack_node *bn = stack_at(root, "bootstrap", b->name, NULL);
    const stack_service *v = b->service ? stack_find_service(s, b->service) : NULL;
    if (b->service && !v)
        stack_report(c, stack_at(bn, "exec", "service", NULL), b->loc, "bootstrap.%s.exec.service: there is no "
                    "service '%s'", b->name, b->service);
    if (v && !v->exec)
        stack_report(c, stack_at(bn, "exec", "service", NULL), b->loc, "bootstrap.%s.exec.service: service %s "
                    "needs 'exec: true' for a bootstrap step to run in it", b->name, v->name);
    if (v && b->container && !stack_find_container(v, b->container))
        stack_report(c, stack_at(bn, "exec", "container", NULL), b->loc, "bootstrap.%s.exec.container: '%s' is "
                    "not a container of service %s", b->name, b->container, v->name);
    if (b->command && !*b->command)
        stack_report(c, stack_at(bn, "exec", "command", NULL), b->loc, "bootstrap.%s.exec.command: is empty", b->name);
    for (size_t j = 0; j < idx; j++)
        if (strcmp(s->bootstrap[j].secret, b->secret) == 0) {
            stack_report(c, stack_at(bn, "secret", NULL), b->loc, "bootstrap.%s.secret: secret '%s' is already "
                        "filled by bootstrap step %s", b->name, b->secret, s->bootstrap[j].name);
            return;
        }
    const stack_secret *sec = stack_find_secret(s, b->secret);
    if (!sec)
        add_implicit_secret(s, b);
    else if (sec->source != STACK_SECRET_BOOTSTRAP)
        stack_report(c, stack_at(bn, "secret", NULL), b->loc, "bootstrap.%s.secret: secret '%s' already has a "
                    "source (%s); a secret filled by a bootstrap step has none", b->name, b->secret,
                    stack_secret_source_name(sec->source));
}

void stack_check_bootstrap(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    size_t declared = s->nsecrets;
    for (size_t i = 0; i < s->nbootstrap; i++)
        check_step(c, root, &s->bootstrap[i], i);
    for (size_t i = 0; i < declared; i++)
        if (s->secrets[i].source == STACK_SECRET_BOOTSTRAP && !stack_find_bootstrap_for(s, s->secrets[i].name))
            stack_diag_add(c->d, s->secrets[i].loc, "secrets.%s: needs a source: generate, from_file, from_env "
                          "or existing (or a bootstrap step that fills it)", s->secrets[i].name);
    buf path = BUF_INIT;
    if (s->nbootstrap && find_cycle(s->nservices, service_edge, service_name, s, &path)) {
        stack_loc at = s->bootstrap[0].loc;
        stack_diag_add(c->d, at, "bootstrap: services wait for each other in a cycle: %s (each needs a secret "
                      "that a bootstrap step reads from the next one once it runs)", buf_str(&path));
    }
    buf_free(&path);
}

/* Put references in file order (decoding order differs), keeping their paths alongside. */
static void sort_refs(stack_ctx *c)
{
    stack_model *s = c->s;
    for (size_t i = 1; i < s->nrefs; i++) {
        stack_ref r = s->refs[i];
        char *p = c->ref_paths[i];
        size_t j = i;
        while (j > 0 && (s->refs[j - 1].loc.line > r.loc.line ||
                         (s->refs[j - 1].loc.line == r.loc.line && s->refs[j - 1].loc.col > r.loc.col))) {
            s->refs[j] = s->refs[j - 1];
            c->ref_paths[j] = c->ref_paths[j - 1];
            j--;
        }
        s->refs[j] = r;
        c->ref_paths[j] = p;
    }
}

/* The logical names a reference of this kind may name (a new array to free). */
static const char **target_names(const stack_model *s, stack_ref_kind kind, size_t *n)
{
    size_t count = 0;
    switch (kind) {
    case STACK_REF_LOAD_BALANCER: count = s->nload_balancers; break;
    case STACK_REF_SECRET: count = s->nsecrets; break;
    case STACK_REF_BUCKET: count = s->nbuckets; break;
    case STACK_REF_SERVICE: count = s->nservices; break;
    case STACK_REF_SITE: count = s->nsites; break;
    case STACK_REF_CI: count = s->ci.enabled ? 1 : 0; break;
    case STACK_REF_ZONE: count = s->nzones; break;
    case STACK_REF_DATABASE: count = s->ndatabases; break;
    case STACK_REF_CACHE: count = s->ncaches; break;
    case STACK_REF_PARAMETER: count = s->nssm_parameters; break;
    case STACK_REF_FILE_SYSTEM: count = s->nfile_systems; break;
    }
    const char **names = xcalloc(count + 1, sizeof *names);
    for (size_t j = 0; j < count; j++) {
        switch (kind) {
        case STACK_REF_LOAD_BALANCER: names[j] = s->load_balancers[j].name; break;
        case STACK_REF_SECRET: names[j] = s->secrets[j].name; break;
        case STACK_REF_BUCKET: names[j] = s->buckets[j].name; break;
        case STACK_REF_SERVICE: names[j] = s->services[j].name; break;
        case STACK_REF_SITE: names[j] = s->sites[j].name; break;
        case STACK_REF_CI: names[j] = "github"; break;
        case STACK_REF_ZONE: names[j] = s->zones[j].name; break;
        case STACK_REF_DATABASE: names[j] = s->databases[j].name; break;
        case STACK_REF_CACHE: names[j] = s->caches[j].name; break;
        case STACK_REF_PARAMETER: names[j] = s->ssm_parameters[j].name; break;
        case STACK_REF_FILE_SYSTEM: names[j] = s->file_systems[j].name; break;
        }
    }
    *n = count;
    return names;
}

void stack_check_refs(stack_ctx *c)
{
    stack_model *s = c->s;
    sort_refs(c);
    for (size_t i = 0; i < s->nrefs; i++) {
        const stack_ref *r = &s->refs[i];
        size_t n;
        const char **names = target_names(s, r->kind, &n);
        int found = 0;
        for (size_t j = 0; j < n; j++)
            found |= strcmp(names[j], r->name) == 0;
        if (!found) {
            const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(r->name, names) : NULL;
            stack_diag_add(c->d, r->loc, "%s: '${%s.%s.%s}': there is no '%s' under '%s:'%s%s%s",
                          c->ref_paths[i], stack_ref_kind_name(r->kind), r->name, r->attr, r->name, stack_ref_kind_name(r->kind),
                          hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        } else if (r->kind == STACK_REF_LOAD_BALANCER && !strcmp(r->attr, "domain") &&
                   !stack_find_load_balancer(s, r->name)->ndomains) {
            stack_diag_add(c->d, r->loc, "%s: '${load_balancers.%s.domain}': load balancer %s has no "
                          "domain (add domain: app.example.com to it)", c->ref_paths[i], r->name, r->name);
        } else if (r->kind == STACK_REF_SERVICE && !strcmp(r->attr, "url")) {
            const stack_service *v = stack_find_service(s, r->name);
            if (!v->has_load_balancer && !v->has_discovery)
                stack_diag_add(c->d, r->loc, "%s: '${services.%s.url}': service %s has neither a load_balancer "
                              "nor discovery, so it has no URL", c->ref_paths[i], r->name, r->name);
        } else if (r->kind == STACK_REF_SERVICE && !strcmp(r->attr, "host") && !stack_find_service(s, r->name)->has_discovery) {
            stack_diag_add(c->d, r->loc, "%s: '${services.%s.host}': service %s has no discovery name", c->ref_paths[i],
                          r->name, r->name);
        }
        free(names);
    }
}
