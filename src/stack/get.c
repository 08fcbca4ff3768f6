/* Typed reading of nodes with messages that name the place and the path. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

size_t stack_path_push(stack_ctx *c, const char *seg)
{
    size_t old = c->path.len;
    if (old)
        buf_putc(&c->path, '.');
    buf_puts(&c->path, seg);
    return old;
}

size_t stack_path_push_index(stack_ctx *c, size_t i)
{
    size_t old = c->path.len;
    buf_printf(&c->path, "[%zu]", i);
    return old;
}

void stack_path_pop(stack_ctx *c, size_t old)
{
    if (c->path.data) {
        c->path.len = old;
        c->path.data[old] = '\0';
    }
}

const char *stack_path(const stack_ctx *c)
{
    return c->path.len ? buf_str(&c->path) : "top level";
}

static void verr(stack_ctx *c, const stack_node *n, const char *key, const char *fmt, va_list ap)
{
    buf b = BUF_INIT;
    stack_loc none = {0, 0};
    if (key && !c->path.len)
        buf_puts(&b, key);
    else if (key)
        buf_printf(&b, "%s.%s", stack_path(c), key);
    else
        buf_puts(&b, stack_path(c));
    buf_puts(&b, ": ");
    buf_vprintf(&b, fmt, ap);
    stack_diag_add(c->d, n ? n->loc : none, "%s", buf_str(&b));
    buf_free(&b);
}

void stack_err(stack_ctx *c, const stack_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(c, n, NULL, fmt, ap);
    va_end(ap);
}

void stack_err_key(stack_ctx *c, const stack_node *n, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(c, n, key, fmt, ap);
    va_end(ap);
}

int stack_want_map(stack_ctx *c, const stack_node *n)
{
    if (n && n->kind == STACK_NODE_MAP)
        return 1;
    if (n)
        stack_err(c, n, "must be a mapping (key: value lines), not %s", stack_node_kind_name(n));
    return 0;
}

void stack_check_keys(stack_ctx *c, const stack_node *n, const char *const *allowed)
{
    if (!n || n->kind != STACK_NODE_MAP)
        return;
    for (size_t i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->str;
        size_t j = 0;
        while (allowed[j] && strcmp(allowed[j], k) != 0)
            j++;
        if (allowed[j])
            continue;
        /* suggestions cost an edit distance per known key: none once problems abound */
        const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(k, allowed) : NULL;
        if (hint) {
            stack_err(c, n->keys[i], "unknown key '%s' (did you mean '%s'?)", k, hint);
        } else {
            buf b = BUF_INIT;
            for (j = 0; allowed[j]; j++)
                buf_printf(&b, "%s%s", j ? ", " : "", allowed[j]);
            stack_err(c, n->keys[i], "unknown key '%s' (known keys: %s)", k, buf_str(&b));
            buf_free(&b);
        }
    }
}

void stack_err_missing(stack_ctx *c, const stack_node *n, const char *key)
{
    stack_err(c, n, "missing required key '%s'", key);
}

int stack_scalar(stack_ctx *c, const stack_node *n, char **out)
{
    if (n->kind != STACK_NODE_SCALAR) {
        stack_err(c, n, "must be a single value, not %s", stack_node_kind_name(n));
        return -1;
    }
    char *s = stack_interpolate(c, n, n->str);
    if (!s)
        return -1;
    *out = s;
    return 0;
}

/* Find `key` in `map` and push it on the path; NULL (nothing pushed) when absent. */
static const stack_node *enter(stack_ctx *c, const stack_node *map, const char *key, size_t *old)
{
    const stack_node *v = stack_node_get(map, key);
    if (v)
        *old = stack_path_push(c, key);
    return v;
}

int stack_get_str(stack_ctx *c, const stack_node *map, const char *key, int required, char **out)
{
    size_t old;
    const stack_node *v = enter(c, map, key, &old);
    if (!v) {
        if (required)
            stack_err_missing(c, map, key);
        return required ? -1 : 0;
    }
    char *s = NULL;
    int rc = stack_scalar(c, v, &s);
    if (rc == 0) {
        free(*out);
        *out = s;
    }
    stack_path_pop(c, old);
    return rc;
}

int stack_node_int(stack_ctx *c, const stack_node *n, long min, long max, int *out)
{
    char *s = NULL;
    if (stack_scalar(c, n, &s) != 0)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    int rc = -1;
    if (!*s || *end || errno || s[0] == ' ')
        stack_err(c, n, "must be a whole number, not '%s'", s);
    else if (v < min || v > max)
        stack_err(c, n, "%ld is out of range (%ld to %ld)", v, min, max);
    else {
        *out = (int)v;
        rc = 0;
    }
    free(s);
    return rc;
}

int stack_get_int(stack_ctx *c, const stack_node *map, const char *key, long min, long max, int *out)
{
    size_t old;
    const stack_node *v = enter(c, map, key, &old);
    if (!v)
        return 0;
    int rc = stack_node_int(c, v, min, max, out);
    stack_path_pop(c, old);
    return rc;
}

int stack_get_double(stack_ctx *c, const stack_node *map, const char *key, double min, double max, double *out)
{
    size_t old;
    const stack_node *v = enter(c, map, key, &old);
    if (!v)
        return 0;
    char *s = NULL, *end;
    int rc = -1;
    if (stack_scalar(c, v, &s) == 0) {
        errno = 0;
        double d = strtod(s, &end);
        if (!*s || *end || errno || d != d)
            stack_err(c, v, "must be a number, not '%s'", s);
        else if (d < min || d > max)
            stack_err(c, v, "%s is out of range (%g to %g)", s, min, max);
        else {
            *out = d;
            rc = 0;
        }
        free(s);
    }
    stack_path_pop(c, old);
    return rc;
}

int stack_get_bool(stack_ctx *c, const stack_node *map, const char *key, int *out)
{
    size_t old;
    const stack_node *v = enter(c, map, key, &old);
    if (!v)
        return 0;
    char *s = NULL;
    int rc = -1;
    if (stack_scalar(c, v, &s) == 0) {
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
            *out = 1;
            rc = 0;
        } else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
            *out = 0;
            rc = 0;
        } else {
            stack_err(c, v, "must be true or false, not '%s'", s);
        }
        free(s);
    }
    stack_path_pop(c, old);
    return rc;
}

int stack_node_enum(stack_ctx *c, const stack_node *n, const char *const *names, int *out)
{
    char *s = NULL;
    if (stack_scalar(c, n, &s) != 0)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) {
            *out = i;
            free(s);
            return 0;
        }
    buf b = BUF_INIT;
    for (int i = 0; names[i]; i++)
        buf_printf(&b, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
    const char *hint = c->d->n < STACK_SUGGEST_LIMIT ? util_suggest(s, names) : NULL;
    if (hint)
        stack_err(c, n, "'%s' is not one of %s (did you mean '%s'?)", s, buf_str(&b), hint);
    else
        stack_err(c, n, "'%s' is not one of %s", s, buf_str(&b));
    buf_free(&b);
    free(s);
    return -1;
}

int stack_get_enum(stack_ctx *c, const stack_node *map, const char *key, const char *const *names, int *out)
{
    size_t old;
    const stack_node *v = enter(c, map, key, &old);
    if (!v)
        return 0;
    int rc = stack_node_enum(c, v, names, out);
    stack_path_pop(c, old);
    return rc;
}

int stack_block_map(stack_ctx *c, const stack_node *key, const stack_node *v, const char *needs,
                    const char *const *keys)
{
    if (!v) {
        if (needs)
            stack_err(c, key, "%s", needs);
        return 0;
    }
    if (!stack_want_map(c, v))
        return 0;
    stack_check_keys(c, v, keys);
    return 1;
}

int stack_too_many(stack_ctx *c, const stack_node *n, size_t max, const char *what, const char *why)
{
    if (!n || (n->kind != STACK_NODE_MAP && n->kind != STACK_NODE_SEQ) || n->n <= max)
        return 0;
    stack_err(c, n, "%zu %s, more than the %zu %s", n->n, what, max, why);
    return 1;
}

int stack_enabled(stack_ctx *c, const stack_node *map)
{
    int on = 1;
    if (map && map->kind == STACK_NODE_MAP)
        stack_get_bool(c, map, "enabled", &on);
    return on;
}

void stack_strlist_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int stack_get_strlist(stack_ctx *c, const stack_node *map, const char *key, int single_ok, char ***out, size_t *nout)
{
    size_t old;
    const stack_node *v = enter(c, map, key, &old);
    if (!v)
        return 0;
    int rc = 0;
    char **items = NULL;
    size_t n = 0;
    if (v->kind == STACK_NODE_SCALAR && single_ok) {
        items = xcalloc(1, sizeof *items);
        if (stack_scalar(c, v, &items[0]) == 0)
            n = 1;
        else
            rc = -1;
    } else if (v->kind != STACK_NODE_SEQ) {
        stack_err(c, v, "must be a list, not %s", stack_node_kind_name(v));
        rc = -1;
    } else {
        items = xcalloc(v->n + 1, sizeof *items);
        for (size_t i = 0; i < v->n; i++) {
            size_t o2 = stack_path_push_index(c, i);
            if (stack_scalar(c, v->vals[i], &items[n]) == 0)
                n++;
            else
                rc = -1;
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
    if (rc != 0) {
        stack_strlist_free(items, n);
        return -1;
    }
    stack_strlist_free(*out, *nout);
    *out = items;
    *nout = n;
    return 0;
}

int stack_decode_list(stack_ctx *c, const stack_node *l, const stack_list *d, void **items,
                      stack_list_fn fn, void *ud)
{
    if (l->kind != STACK_NODE_SEQ) {
        stack_err(c, l, "%s", d->not_list);
        return 0;
    }
    if (!l->n && d->empty) {
        stack_err(c, l, "%s", d->empty);
        return 0;
    }
    if (stack_too_many(c, l, d->max, d->what, d->why))
        return 0;
    if (d->size)
        *items = xcalloc(l->n + 1, d->size);
    for (size_t i = 0; i < l->n; i++) {
        size_t old = stack_path_push_index(c, i);
        if (!d->keys || stack_want_map(c, l->vals[i])) {
            if (d->keys)
                stack_check_keys(c, l->vals[i], d->keys);
            fn(c, l->vals[i], ud);
        }
        stack_path_pop(c, old);
    }
    return 1;
}

void stack_each_item(stack_ctx *c, const stack_node *map, const char *key,
                     const char *const *keys, stack_list_fn fn, stack_service *svc)
{
    const stack_node *l = stack_node_get(map, key);
    if (!l)
        return;
    const stack_list entries = {.not_list = "must be a list", .max = 100, .what = "entries",
                                .why = "this list may hold", .keys = keys};
    size_t old = stack_path_push(c, key);
    stack_decode_list(c, l, &entries, NULL, fn, svc);
    stack_path_pop(c, old);
}

int stack_decode_entries(stack_ctx *c, const stack_node *n, const stack_entries *d, void **items,
                         stack_entry_fn fn, void *ud)
{
    if (!n)
        return 0;
    size_t old = stack_path_push(c, d->key);
    int ok = 0;
    if (d->not_map && n->kind != STACK_NODE_MAP)
        stack_err(c, n, "%s", d->not_map);
    else if (stack_want_map(c, n) && !stack_too_many(c, n, d->max, d->what, d->why))
        ok = 1;
    if (ok) {
        if (!n->n && d->empty)
            stack_err(c, n, "%s", d->empty);
        if (d->size)
            *items = xcalloc(n->n + 1, d->size);
        for (size_t i = 0; i < n->n; i++) {
            size_t o2 = stack_path_push(c, n->keys[i]->str);
            fn(c, n->keys[i], n->vals[i], ud);
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
    return ok;
}

typedef struct {
    const stack_blocks *b;
    char *items;
    size_t *count;
    stack_block_fn fn;
} blocks_walk;

static void block_entry(stack_ctx *c, const stack_node *key, const stack_node *value, void *ud)
{
    blocks_walk *w = ud;
    const stack_blocks *b = w->b;
    const stack_node *v = value->kind == STACK_NODE_NULL ? NULL : value;
    if (b->skip_disabled && !stack_enabled(c, v))
        return;
    size_t at = (*w->count)++;
    char *name = xstrdup(key->str);
    memcpy(w->items + b->size * at + b->name_at, &name, sizeof name);
    memcpy(w->items + b->size * at + b->loc_at, &key->loc, sizeof(stack_loc));
    w->fn(c, key, v, w->items, at);
}

void *stack_decode_blocks(stack_ctx *c, const stack_node *n, const stack_blocks *b, size_t *count,
                          stack_block_fn fn)
{
    const stack_entries d = {b->key, NULL, b->empty_error, b->max, b->what, b->why, b->size};
    blocks_walk w = {b, NULL, count, fn};
    stack_decode_entries(c, n, &d, (void **)&w.items, block_entry, &w);
    return w.items;
}

size_t stack_list_len(const stack_node *map, const char *key)
{
    const stack_node *l = stack_node_get(map, key);
    return l && l->kind == STACK_NODE_SEQ ? l->n : 0;
}
