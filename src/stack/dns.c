/* Names in DNS: zones:, a load balancer's domain: / domains:, and a listener's
 * certificate: (auto, a list of names, or an ARN). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const zone_keys[] = {"name", "keep", NULL};

/* ACM's default quota of names in one certificate, and the longest first name (the
 * subject's common name, 64 octets). */
#define CERT_MAX_NAMES 10
#define CERT_MAX_CN 64

const char *stack_check_domain(const char *name, int wildcard_ok)
{
    const char *rest = name;
    if (strncmp(name, "*.", 2) == 0) {
        if (!wildcard_ok)
            return "may not be a wildcard here";
        rest = name + 2;
    }
    if (strchr(rest, '*'))
        return "has a '*' that is not the whole first label (a wildcard is written *.example.com)";
    if (!strchr(rest, '.'))
        return "is not a domain name with at least two labels, like app.example.com";
    return stack_check_dns_name(rest);
}

/* The scalar n as a domain name: lower case, no final dot; NULL after reporting. */
static char *domain_of(stack_ctx *c, const stack_node *n, int wildcard_ok)
{
    char *v = NULL;
    if (stack_scalar(c, n, &v) != 0)
        return NULL;
    for (char *p = v; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t len = strlen(v);
    if (len > 1 && v[len - 1] == '.')
        v[len - 1] = '\0';
    const char *why = stack_check_domain(v, wildcard_ok);
    if (why) {
        stack_err(c, n, "'%s' %s", v, why);
        free(v);
        return NULL;
    }
    return v;
}

/* A list (or, when single_ok, one name) of domain names at map[key], each checked where it
 * is written; repeats are reported. Adds to *out / *n. */
static void domain_list(stack_ctx *c, const stack_node *map, const char *key, int single_ok,
                        int wildcard_ok, char ***out, size_t *n)
{
    const stack_node *v = stack_node_get(map, key);
    if (!v)
        return;
    size_t old = stack_path_push(c, key);
    if (v->kind == STACK_NODE_SCALAR && single_ok) {
        char *d = domain_of(c, v, wildcard_ok);
        if (d) {
            *out = xrealloc(*out, (*n + 1) * sizeof **out);
            (*out)[(*n)++] = d;
        }
    } else if (v->kind != STACK_NODE_SEQ || v->n == 0) {
        stack_err(c, v, "must be a list of domain names like [app.example.com], not %s",
                  stack_node_kind_name(v));
    } else {
        for (size_t i = 0; i < v->n; i++) {
            size_t o2 = stack_path_push_index(c, i);
            char *d = domain_of(c, v->vals[i], wildcard_ok);
            for (size_t k = 0; d && k < *n; k++)
                if (strcmp((*out)[k], d) == 0) {
                    stack_err(c, v->vals[i], "'%s' is listed twice", d);
                    free(d);
                    d = NULL;
                }
            if (d) {
                *out = xrealloc(*out, (*n + 1) * sizeof **out);
                (*out)[(*n)++] = d;
            }
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}

void stack_decode_domains(stack_ctx *c, const stack_node *map, stack_load_balancer *lb)
{
    const stack_node *one = stack_node_get(map, "domain"), *many = stack_node_get(map, "domains");
    if (one && many) {
        stack_err_key(c, many, "domains", "give either 'domain' or 'domains', not both");
        return;
    }
    if (one && one->kind != STACK_NODE_SCALAR) {
        stack_err_key(c, one, "domain", "must be one domain name (a list goes under 'domains:')");
        return;
    }
    domain_list(c, map, one ? "domain" : "domains", one != NULL, 1, &lb->domains, &lb->ndomains);
}

/* The managed certificate's names: the first within the common name's limit. */
static void check_cert_names(stack_ctx *c, const stack_node *at, stack_listener *l)
{
    if (l->nmanaged_names > CERT_MAX_NAMES) {
        stack_err_key(c, at, "certificate", "%zu names, but a certificate holds at most %d "
                      "(ACM's quota): split them over certificates", l->nmanaged_names,
                      CERT_MAX_NAMES);
        return;
    }
    if (l->nmanaged_names && strlen(l->managed_names[0]) > CERT_MAX_CN)
        stack_err_key(c, at, "certificate", "the first name, '%s', is the certificate's subject "
                      "and may hold at most %d characters: put a shorter name first",
                      l->managed_names[0], CERT_MAX_CN);
}

void stack_decode_listener_certificate(stack_ctx *c, const stack_node *map, stack_listener *l,
                                       const stack_load_balancer *lb)
{
    const stack_node *v = stack_node_get(map, "certificate");
    if (!v)
        return;
    if (v->kind == STACK_NODE_SCALAR && v->str && strcmp(v->str, "auto") == 0) {
        l->certificate_auto = 1;
        if (!lb->ndomains) {
            stack_err_key(c, v, "certificate", "'auto' is a certificate for the load balancer's "
                          "domains, and %s has none: add 'domain: app.example.com' to it, or "
                          "list the names (certificate: [app.example.com])", lb->name);
            return;
        }
        l->managed_names = xcalloc(lb->ndomains, sizeof *l->managed_names);
        for (size_t i = 0; i < lb->ndomains; i++)
            l->managed_names[l->nmanaged_names++] = xstrdup(lb->domains[i]);
        check_cert_names(c, v, l);
        return;
    }
    if (v->kind == STACK_NODE_SCALAR && v->str && strncmp(v->str, "arn:", 4) == 0) {
        /* an existing certificate, as the default: the same as certificates: [ARN, ...] */
        char *arn = NULL;
        if (stack_scalar(c, v, &arn) != 0)
            return;
        l->certificates = xrealloc(l->certificates, (l->ncertificates + 1) * sizeof *l->certificates);
        memmove(l->certificates + 1, l->certificates, l->ncertificates * sizeof *l->certificates);
        l->certificates[0] = arn;
        l->ncertificates++;
        return;
    }
    if (v->kind == STACK_NODE_SCALAR) {
        stack_err_key(c, v, "certificate", "must be 'auto', a list of names like "
                      "[app.example.com, \"*.example.com\"], or a certificate ARN, not '%s'",
                      v->str ? v->str : "");
        return;
    }
    domain_list(c, map, "certificate", 0, 1, &l->managed_names, &l->nmanaged_names);
    check_cert_names(c, v, l);
}

static void decode_zone(stack_ctx *c, const stack_node *key, const stack_node *v, stack_zone *z)
{
    z->keep = 1;
    if (!v) {
        stack_err(c, key, "needs name: (the zone's domain, like app.example.com)");
        return;
    }
    if (v->kind == STACK_NODE_SCALAR) {
        z->domain = domain_of(c, v, 0);
        return;
    }
    if (!stack_want_map(c, v))
        return;
    stack_check_keys(c, v, zone_keys);
    const stack_node *name = stack_node_get(v, "name");
    if (name) {
        size_t old = stack_path_push(c, "name");
        z->domain = domain_of(c, name, 0);
        stack_path_pop(c, old);
    } else {
        stack_err_missing(c, v, "name");
    }
    stack_get_bool(c, v, "keep", &z->keep);
}

/* A zone, checked against the zones before it. */
void stack_decode_zone(stack_ctx *c, const stack_node *key, const stack_node *v, void *items,
                       size_t at)
{
    stack_zone *zones = items, *z = &zones[at];
    decode_zone(c, key, v, z);
    /* the zone's CallerReference names the stack and the zone (128 at most) */
    if (c->s->name && strlen(c->s->name) + strlen(z->name) > 95)
        stack_err(c, key, "the stack's name and the zone's together may hold "
                  "at most 95 characters: give the zone a shorter name");
    for (size_t k = 0; z->domain && k < at; k++)
        if (zones[k].domain && strcmp(zones[k].domain, z->domain) == 0)
            stack_err(c, key, "zone %s is zones.%s already (line %d)", z->domain, zones[k].name,
                      zones[k].loc.line);
}

/* Where a balancer's domains are written (its own node when they are not). */
static const stack_node *domains_node(const stack_node *root, const char *lb)
{
    const stack_node *n = stack_at(root, "load_balancers", lb, NULL);
    const stack_node *d = stack_node_get(n, "domains");
    if (!d)
        d = stack_node_get(n, "domain");
    return d ? d : n;
}

/* Across sections: one name has one alias record. */
void stack_check_domains(stack_ctx *c, const stack_node *root)
{
    const stack_model *s = c->s;
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        for (size_t d = 0; d < lb->ndomains; d++)
            for (size_t j = 0; j < i; j++)
                for (size_t e = 0; e < s->load_balancers[j].ndomains; e++)
                    if (strcmp(s->load_balancers[j].domains[e], lb->domains[d]) == 0)
                        stack_report(c, domains_node(root, lb->name), lb->loc,
                                     "load_balancers.%s: domain %s is load_balancers.%s's too; a "
                                     "name points at one load balancer", lb->name, lb->domains[d],
                                     s->load_balancers[j].name);
    }
}
