/* sites: a bucket of the stack served through CloudFront (an origin access control per
 * site, the bucket readable only by its distribution). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const site_keys[] = {"bucket", "path", "domain", "certificate",
                                        "default_root_object", "spa", "price_class", "headers",
                                        NULL};
/* CloudFront's quota of custom headers in a response headers policy. */
#define MAX_HEADERS 10
static const char *const price_classes[] = {"all", "200", "100", NULL};

/* CloudFront takes viewer certificates only from ACM in us-east-1. */
static int certificate_arn_ok(const char *arn)
{
    const char *p = strncmp(arn, "arn:aws:", 8) == 0        ? arn + 8
                    : strncmp(arn, "arn:aws-cn:", 11) == 0    ? arn + 11
                    : strncmp(arn, "arn:aws-us-gov:", 15) == 0 ? arn + 15
                                                              : NULL;
    if (!p || strncmp(p, "acm:us-east-1:", 14) != 0)
        return 0;
    p += 14;
    size_t digits = strspn(p, "0123456789");
    return digits == 12 && strncmp(p + 12, ":certificate/", 13) == 0 && p[25];
}

static void decode_path(stack_ctx *c, const stack_node *v, stack_site *x)
{
    if (stack_get_str(c, v, "path", 0, &x->path) != 0 || !x->path)
        return;
    size_t len = strlen(x->path);
    const char *why = NULL;
    if (x->path[0] != '/' || len < 2 || x->path[len - 1] == '/')
        why = "must start with '/' and not end with one, like /latest";
    else if (len > 255)
        why = "is longer than 255 characters";
    else if (strstr(x->path, "//") || strpbrk(x->path, " ?#%\\"))
        why = "must be a plain key prefix (no '//', spaces, '?', '#', '%' or '\\\\')";
    if (why)
        stack_err_key(c, stack_node_get(v, "path"), "path", "'%s' %s", x->path, why);
}

static void decode_certificate(stack_ctx *c, const stack_node *v, stack_site *x)
{
    char *cert = NULL;
    if (stack_get_str(c, v, "certificate", 0, &cert) != 0 || !cert)
        return;
    const stack_node *at = stack_node_get(v, "certificate");
    if (strcmp(cert, "auto") == 0) {
        x->certificate_auto = 1;
    } else if (certificate_arn_ok(cert)) {
        x->certificate_arn = cert;
        cert = NULL;
    } else {
        stack_err_key(c, at, "certificate", "'%s' is not an ACM certificate in us-east-1 "
                      "(arn:aws:acm:us-east-1:ACCOUNT:certificate/ID): CloudFront takes its "
                      "certificates from there only; or write auto", cert);
    }
    free(cert);
}

/* Why name is not an HTTP header name (a token), or NULL. */
static const char *header_name_problem(const char *name)
{
    static const char token[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (!*name || name[strspn(name, token)])
        return "is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)";
    return NULL;
}

/* headers: {NAME: VALUE}: the custom headers every response of the site carries, such as
 * the cross-origin isolation a WASM app with SharedArrayBuffer needs. */
static void decode_headers(stack_ctx *c, const stack_node *v, stack_site *x)
{
    const stack_node *h = stack_node_get(v, "headers");
    if (!h)
        return;
    size_t old = stack_path_push(c, "headers");
    if (stack_want_map(c, h)) {
        if (h->n > MAX_HEADERS)
            stack_err(c, h, "%zu headers, but CloudFront sets at most %d custom headers per site", h->n,
                      MAX_HEADERS);
        x->headers = xcalloc(h->n + 1, sizeof *x->headers);
        for (size_t i = 0; i < h->n && i < MAX_HEADERS; i++) {
            const char *name = h->keys[i]->str, *why = header_name_problem(name);
            size_t o2 = stack_path_push(c, name);
            char *value = NULL;
            for (size_t j = 0; !why && j < x->nheaders; j++)
                if (strcasecmp(x->headers[j].name, name) == 0)
                    why = "is given twice (header names are case-insensitive)";
            if (why)
                stack_err(c, h->keys[i], "'%s' %s", name, why);
            else if (stack_scalar(c, h->vals[i], &value) == 0 && (!*value || strpbrk(value, "\r\n"))) {
                stack_err(c, h->vals[i], "the value of header %s must be one non-empty line", name);
                free(value);
            } else if (value) {
                x->headers[x->nheaders].name = xstrdup(name);
                x->headers[x->nheaders++].value = value;
            }
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}

static void check_bucket(stack_ctx *c, const stack_node *v, const stack_site *x)
{
    const stack_bucket *b = stack_find_bucket(c->s, x->bucket);
    const stack_node *at = stack_node_get(v, "bucket");
    if (!b) {
        const char **names = xcalloc(c->s->nbuckets + 1, sizeof *names);
        for (size_t i = 0; i < c->s->nbuckets; i++)
            names[i] = c->s->buckets[i].name;
        const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(x->bucket, names) : NULL;
        stack_err_key(c, at, "bucket", "'%s' is not a bucket of this stack%s%s%s", x->bucket,
                      hint ? " (did you mean '" : "; declare it under buckets:", hint ? hint : "",
                      hint ? "'?)" : "");
        free(names);
    } else if (b->encryption == STACK_ENC_SSE_KMS) {
        stack_err_key(c, at, "bucket", "bucket %s is encrypted with sse-kms, which CloudFront cannot "
                      "read without a key policy for it; serve a site from an sse-s3 bucket",
                      x->bucket);
    }
}

static void decode_site(stack_ctx *c, const stack_node *key, const stack_node *v, stack_site *x)
{
    x->name = xstrdup(key->str);
    x->loc = key->loc;
    x->default_root_object = xstrdup("index.html");
    const char *why = stack_check_logical_name(x->name);
    if (why)
        stack_err(c, key, "'%s' is not a valid name: it %s", x->name, why);
    if (!v) {
        stack_err(c, key, "needs bucket: NAME (a bucket of this stack to serve)");
        return;
    }
    if (!stack_want_map(c, v))
        return;
    stack_check_keys(c, v, site_keys);
    if (stack_get_str(c, v, "bucket", 1, &x->bucket) == 0 && x->bucket)
        check_bucket(c, v, x);
    decode_path(c, v, x);
    if (stack_get_str(c, v, "domain", 0, &x->domain) == 0 && x->domain &&
        (why = stack_check_dns_name(x->domain)))
        stack_err_key(c, stack_node_get(v, "domain"), "domain", "'%s' %s", x->domain, why);
    decode_certificate(c, v, x);
    if (x->domain && !x->certificate_arn && !x->certificate_auto && !stack_node_get(v, "certificate"))
        stack_err_key(c, stack_node_get(v, "domain"), "domain", "CloudFront serves another domain "
                      "than its own only with a certificate for it: add certificate: auto (a "
                      "DNS-validated certificate in us-east-1) or certificate: ARN (ACM, us-east-1)");
    if (!x->domain && (x->certificate_arn || x->certificate_auto))
        stack_err_key(c, stack_node_get(v, "certificate"), "certificate", "a certificate is for a "
                      "domain: add domain: NAME, or remove the certificate");
    if (stack_get_str(c, v, "default_root_object", 0, &x->default_root_object) == 0 &&
        (x->default_root_object[0] == '/' || strlen(x->default_root_object) > 255))
        stack_err_key(c, stack_node_get(v, "default_root_object"), "default_root_object",
                      "'%s' must be an object name without a leading '/' (at most 255 characters), "
                      "like index.html", x->default_root_object);
    stack_get_bool(c, v, "spa", &x->spa);
    if (x->spa && !*x->default_root_object)
        stack_err_key(c, stack_node_get(v, "spa"), "spa", "a single-page app answers with its "
                      "default_root_object, which is empty here");
    int pc = 0;
    if (stack_get_enum(c, v, "price_class", price_classes, &pc) == 0)
        x->price_class = (stack_price_class)pc;
    decode_headers(c, v, x);
}

/* The OAC's name and the distribution's comment must fit CloudFront's limits. */
static void check_names(stack_ctx *c, const stack_site *x)
{
    if (!c->s->name || stack_check_logical_name(c->s->name) || stack_check_logical_name(x->name))
        return;
    char *oac = stack_name_site_oac(c->s->name, x->name);
    if (strlen(oac) > 64)
        stack_diag_add(c->d, x->loc, "sites.%s: the origin access control name '%s' is longer than "
                       "64 characters; shorten the stack or site name", x->name, oac);
    free(oac);
}

void stack_decode_sites(stack_ctx *c, const stack_node *n)
{
    if (!n)
        return;
    size_t old = stack_path_push(c, "sites");
    if (stack_want_map(c, n) && !stack_too_many(c, n, 100, "sites", "one stack may hold")) {
        stack_model *s = c->s;
        s->sites = xcalloc(n->n + 1, sizeof *s->sites);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = stack_path_push(c, n->keys[i]->str);
            const stack_node *v = n->vals[i]->kind == STACK_NODE_NULL ? NULL : n->vals[i];
            stack_site *x = &s->sites[s->nsites++];
            decode_site(c, n->keys[i], v, x);
            check_names(c, x);
            for (size_t j = 0; x->domain && j + 1 < s->nsites; j++)
                if (s->sites[j].domain && strcmp(s->sites[j].domain, x->domain) == 0)
                    stack_err_key(c, stack_node_get(v, "domain"), "domain", "'%s' is already the "
                                  "domain of site %s (a domain has one distribution)", x->domain,
                                  s->sites[j].name);
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}
