/* buckets.NAME.cors: the bucket's CORS rules, checked as S3 checks them (PutBucketCors). */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const rule_keys[] = {"origins", "methods", "headers", "expose_headers", "max_age",
                                        NULL};
static const char *const methods[] = {"GET", "PUT", "HEAD", "POST", "DELETE", NULL};

/* S3 takes at most this many rules per bucket. */
#define MAX_RULES 100

static size_t stars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '*';
    return n;
}

/* Each of list[key] (already decoded into v, n) passes `ok`; else one problem at the item. */
static void check_items(stack_ctx *c, const stack_node *rule, const char *key, char **v, size_t n,
                        const char *(*why_not)(const char *))
{
    const stack_node *l = stack_node_get(rule, key);
    for (size_t i = 0; i < n; i++) {
        const char *why = why_not(v[i]);
        if (!why)
            continue;
        const stack_node *at = l && l->kind == STACK_NODE_SEQ && i < l->n ? l->vals[i] : l;
        size_t old = stack_path_push(c, key);
        stack_err(c, at, "'%s' %s", v[i], why);
        stack_path_pop(c, old);
    }
}

static const char *one_wildcard(const char *v)
{
    return stars(v) > 1 ? "has more than one '*' (S3 allows one)" : NULL;
}

static const char *no_wildcard(const char *v)
{
    return stars(v) ? "has a '*': S3 takes no wildcard in expose_headers" : NULL;
}

static const char *a_method(const char *v)
{
    for (size_t i = 0; methods[i]; i++)
        if (strcmp(v, methods[i]) == 0)
            return NULL;
    return "is not a method S3 answers CORS for; use GET, PUT, HEAD, POST or DELETE";
}

static void decode_rule(stack_ctx *c, const stack_node *r, stack_cors_rule *x)
{
    x->loc = r->loc;
    x->max_age = -1;
    if (!stack_node_get(r, "origins"))
        stack_err_missing(c, r, "origins");
    if (!stack_node_get(r, "methods"))
        stack_err_missing(c, r, "methods");
    if (stack_get_strlist(c, r, "origins", 1, &x->origins, &x->norigins) == 0) {
        check_items(c, r, "origins", x->origins, x->norigins, one_wildcard);
        if (stack_node_get(r, "origins") && x->norigins == 0)
            stack_err_key(c, stack_node_get(r, "origins"), "origins", "is empty; name at least one "
                          "origin (\"https://app.example.com\", or \"*\")");
    }
    if (stack_get_strlist(c, r, "methods", 1, &x->methods, &x->nmethods) == 0) {
        check_items(c, r, "methods", x->methods, x->nmethods, a_method);
        if (stack_node_get(r, "methods") && x->nmethods == 0)
            stack_err_key(c, stack_node_get(r, "methods"), "methods", "is empty; name at least one "
                          "of GET, PUT, HEAD, POST, DELETE");
    }
    if (stack_get_strlist(c, r, "headers", 1, &x->headers, &x->nheaders) == 0)
        check_items(c, r, "headers", x->headers, x->nheaders, one_wildcard);
    if (stack_get_strlist(c, r, "expose_headers", 1, &x->expose_headers, &x->nexpose_headers) == 0)
        check_items(c, r, "expose_headers", x->expose_headers, x->nexpose_headers, no_wildcard);
    stack_get_int(c, r, "max_age", 0, 2147483647, &x->max_age);
}

static void rule_item(stack_ctx *c, const stack_node *r, void *ud)
{
    stack_bucket *b = ud;
    decode_rule(c, r, &b->cors[b->ncors++]);
}

void stack_decode_cors(stack_ctx *c, const stack_node *l, stack_bucket *b)
{
    static const stack_list rules = {
        .not_list = "must be a list of rules like { origins: [\"https://app.example.com\"], "
                    "methods: [GET] }",
        .max = MAX_RULES, .what = "rules", .why = "S3 takes per bucket",
        .size = sizeof(stack_cors_rule), .keys = rule_keys};
    size_t old = stack_path_push(c, "cors");
    stack_decode_list(c, l, &rules, (void **)&b->cors, rule_item, b);
    stack_path_pop(c, old);
}
