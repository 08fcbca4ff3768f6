/*
 * YAML (and JSON, which is YAML) into a tree of stack_node with line:column on every
 * node, through libyaml's event API. Refuses what a stack file never needs and an
 * attacker might send: non-UTF-8 text, NUL bytes, more than one document, duplicate keys,
 * non-scalar keys, nesting deeper than STACK_MAX_DEPTH, and alias expansion beyond
 * STACK_MAX_NODES nodes or STACK_MAX_EXPANDED_BYTES bytes ("billion laughs").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "stack_internal.h"
#include "xalloc.h"

typedef struct {
    char *name;
    stack_node *node;
} anchor;

typedef struct {
    yaml_parser_t p;
    stack_diags *d;
    anchor *anchors;
    size_t nanchors;
    size_t nodes, bytes;
    int failed;
} parser;

static stack_loc mark_loc(yaml_mark_t m)
{
    stack_loc l = {(int)m.line + 1, (int)m.column + 1};
    return l;
}

void stack_node_free(stack_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            stack_node_free(n->keys[i]);
        stack_node_free(n->vals[i]);
    }
    free(n->keys);
    free(n->vals);
    free(n->str);
    free(n);
}

static int budget(parser *ps, stack_loc loc, size_t bytes)
{
    ps->nodes++;
    ps->bytes += bytes;
    if (ps->nodes > STACK_MAX_NODES || ps->bytes > STACK_MAX_EXPANDED_BYTES) {
        if (!ps->failed)
            stack_diag_add(ps->d, loc,
                          "the document is too large once its aliases are expanded "
                          "(more than %d nodes or %d MiB); write it out without aliases",
                          STACK_MAX_NODES, STACK_MAX_EXPANDED_BYTES / (1024 * 1024));
        ps->failed = 1;
        return -1;
    }
    return 0;
}

static stack_node *node_new(stack_node_kind k, stack_loc loc)
{
    stack_node *n = xcalloc(1, sizeof *n);
    n->kind = k;
    n->loc = loc;
    return n;
}

static void push_child(stack_node *parent, stack_node *key, stack_node *val)
{
    parent->vals = xrealloc(parent->vals, (parent->n + 1) * sizeof *parent->vals);
    if (parent->kind == STACK_NODE_MAP) {
        parent->keys = xrealloc(parent->keys, (parent->n + 1) * sizeof *parent->keys);
        parent->keys[parent->n] = key;
    }
    parent->vals[parent->n++] = val;
}

/* A deep copy for an alias at nesting `depth`, counted against the budget. */
static stack_node *copy_node(parser *ps, const stack_node *src, stack_loc at, int depth)
{
    size_t len = src->str ? strlen(src->str) : 0;
    if (depth > STACK_MAX_DEPTH) {
        if (!ps->failed)
            stack_diag_add(ps->d, at, "nesting is deeper than %d levels once aliases are expanded", STACK_MAX_DEPTH);
        ps->failed = 1;
        return NULL;
    }
    if (budget(ps, at, len) != 0)
        return NULL;
    stack_node *n = node_new(src->kind, at);
    n->plain = src->plain;
    n->str = xstrdup_or_null(src->str);
    for (size_t i = 0; i < src->n; i++) {
        stack_node *k = NULL, *v;
        if (src->keys && !(k = copy_node(ps, src->keys[i], at, depth + 1))) {
            stack_node_free(n);
            return NULL;
        }
        if (!(v = copy_node(ps, src->vals[i], at, depth + 1))) {
            stack_node_free(k);
            stack_node_free(n);
            return NULL;
        }
        push_child(n, k, v);
    }
    return n;
}

static int is_null_scalar(const yaml_event_t *e)
{
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *s = (const char *)e->data.scalar.value;
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static void remember_anchor(parser *ps, const yaml_char_t *name, stack_node *n)
{
    if (!name)
        return;
    ps->anchors = xrealloc(ps->anchors, (ps->nanchors + 1) * sizeof *ps->anchors);
    ps->anchors[ps->nanchors].name = xstrdup((const char *)name);
    ps->anchors[ps->nanchors].node = n;
    ps->nanchors++;
}

static stack_node *find_anchor(parser *ps, const char *name)
{
    for (size_t i = ps->nanchors; i-- > 0;)
        if (strcmp(ps->anchors[i].name, name) == 0)
            return ps->anchors[i].node;
    return NULL;
}

static int next_event(parser *ps, yaml_event_t *e)
{
    if (!yaml_parser_parse(&ps->p, e)) {
        stack_loc l = mark_loc(ps->p.problem_mark);
        if (ps->p.error == YAML_MEMORY_ERROR)
            stack_diag_add(ps->d, l, "out of memory while reading YAML");
        else
            stack_diag_add(ps->d, l, "YAML syntax error: %s%s%s",
                          ps->p.problem ? ps->p.problem : "unknown problem",
                          ps->p.context ? " " : "", ps->p.context ? ps->p.context : "");
        ps->failed = 1;
        return -1;
    }
    return 0;
}

static stack_node *parse_node(parser *ps, yaml_event_t *e, int depth);

/* Keys in name order, then file order: repeats end up side by side (n log n, so a map
 * with many keys cannot make the check quadratic). */
static int key_order(const void *a, const void *b)
{
    const stack_node *x = *(const stack_node *const *)a, *y = *(const stack_node *const *)b;
    int c = strcmp(x->str, y->str);
    if (c)
        return c;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : x->loc.col > y->loc.col;
}

static void report_duplicate_keys(parser *ps, const stack_node *map)
{
    if (map->n < 2)
        return;
    const stack_node **k = xcalloc(map->n, sizeof *k);
    for (size_t i = 0; i < map->n; i++)
        k[i] = map->keys[i];
    qsort(k, map->n, sizeof *k, key_order);
    size_t first = 0;
    for (size_t i = 1; i < map->n; i++) {
        if (strcmp(k[i]->str, k[first]->str) != 0)
            first = i;
        else
            stack_diag_add(ps->d, k[i]->loc, "duplicate key '%s' (first given at line %d)", k[i]->str,
                          k[first]->loc.line);
    }
    free(k);
}

/* Children of a mapping or sequence until its end event. */
static int parse_children(parser *ps, stack_node *n, int depth)
{
    yaml_event_t e;
    for (;;) {
        if (next_event(ps, &e) != 0)
            return -1;
        if (e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            if (n->kind == STACK_NODE_MAP)
                report_duplicate_keys(ps, n); /* repeats stay in the tree: anchors may point in */
            return 0;
        }
        stack_node *key = NULL;
        if (n->kind == STACK_NODE_MAP) {
            key = parse_node(ps, &e, depth + 1);
            if (!key)
                return -1;
            if (key->kind != STACK_NODE_SCALAR) {
                stack_diag_add(ps->d, key->loc, "keys must be plain strings, not %s",
                              stack_node_kind_name(key));
                stack_node_free(key);
                ps->failed = 1;
                return -1;
            }
            if (next_event(ps, &e) != 0) {
                stack_node_free(key);
                return -1;
            }
        }
        stack_node *val = parse_node(ps, &e, depth + 1);
        if (!val) {
            stack_node_free(key);
            return -1;
        }
        push_child(n, key, val);
    }
}

/* Build the node that starts with event `e` (consumed). */
static stack_node *parse_node(parser *ps, yaml_event_t *e, int depth)
{
    stack_loc loc = mark_loc(e->start_mark);
    stack_node *n = NULL;
    if (depth > STACK_MAX_DEPTH) {
        stack_diag_add(ps->d, loc, "nesting is deeper than %d levels", STACK_MAX_DEPTH);
        ps->failed = 1;
        yaml_event_delete(e);
        return NULL;
    }
    if (e->type == YAML_ALIAS_EVENT) {
        const char *name = (const char *)e->data.alias.anchor;
        stack_node *src = find_anchor(ps, name);
        if (!src) {
            stack_diag_add(ps->d, loc, "alias *%s refers to no anchor defined before it", name);
            ps->failed = 1;
        } else {
            n = copy_node(ps, src, loc, depth);
        }
        yaml_event_delete(e);
        return n;
    }
    if (e->type == YAML_SCALAR_EVENT) {
        size_t len = e->data.scalar.length;
        if (budget(ps, loc, len) == 0) {
            if (memchr(e->data.scalar.value, 0, len)) {
                stack_diag_add(ps->d, loc, "text may not contain a NUL character");
                ps->failed = 1;
            } else {
                n = node_new(is_null_scalar(e) ? STACK_NODE_NULL : STACK_NODE_SCALAR, loc);
                n->str = xstrndup((const char *)e->data.scalar.value, len);
                n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                remember_anchor(ps, e->data.scalar.anchor, n);
            }
        }
        yaml_event_delete(e);
        return n;
    }
    if (e->type != YAML_MAPPING_START_EVENT && e->type != YAML_SEQUENCE_START_EVENT) {
        stack_diag_add(ps->d, loc, "unexpected YAML event");
        ps->failed = 1;
        yaml_event_delete(e);
        return NULL;
    }
    int is_map = e->type == YAML_MAPPING_START_EVENT;
    yaml_char_t *anchor_name = is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
    char *aname = anchor_name ? xstrdup((const char *)anchor_name) : NULL;
    yaml_event_delete(e);
    if (budget(ps, loc, 0) != 0) {
        free(aname);
        return NULL;
    }
    n = node_new(is_map ? STACK_NODE_MAP : STACK_NODE_SEQ, loc);
    if (parse_children(ps, n, depth) != 0) {
        stack_node_free(n);
        free(aname);
        return NULL;
    }
    remember_anchor(ps, (const yaml_char_t *)aname, n);
    free(aname);
    return n;
}

/* Position of the first byte that is not valid UTF-8 (or a NUL); -1 when all is well. */
static long bad_utf8(const unsigned char *s, size_t len, stack_loc *loc)
{
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        int ok = need != 9 && c != 0 && c != 0xC0 && c != 0xC1 && c <= 0xF4;
        for (size_t k = 1; ok && k <= need; k++)
            ok = i + k < len && (s[i + k] & 0xC0) == 0x80;
        if (ok && need == 2 && c == 0xE0 && s[i + 1] < 0xA0)
            ok = 0;
        if (ok && need == 2 && c == 0xED && s[i + 1] >= 0xA0)
            ok = 0;
        if (ok && need == 3 && c == 0xF0 && s[i + 1] < 0x90)
            ok = 0;
        if (ok && need == 3 && c == 0xF4 && s[i + 1] >= 0x90)
            ok = 0;
        if (!ok) {
            loc->line = line;
            loc->col = col;
            return (long)i;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += need + 1;
    }
    return -1;
}

static int check_text(const char *data, size_t len, stack_diags *d)
{
    stack_loc loc = {1, 1};
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        stack_diag_add(d, loc, "the file is UTF-16; save it as UTF-8");
        return -1;
    }
    long at = bad_utf8(u, len, &loc);
    if (at >= 0) {
        if (u[at] == 0)
            stack_diag_add(d, loc, "the file contains a NUL byte; a stack file is text");
        else
            stack_diag_add(d, loc, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8", u[at]);
        return -1;
    }
    return 0;
}

/* Expect a document with one root node, then the end of the stream. */
static stack_node *parse_stream(parser *ps)
{
    yaml_event_t e;
    stack_node *root = NULL;
    if (next_event(ps, &e) != 0)
        return NULL;
    yaml_event_delete(&e); /* STREAM-START */
    if (next_event(ps, &e) != 0)
        return NULL;
    if (e.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&e);
        stack_loc l = {1, 1};
        stack_diag_add(ps->d, l, "the file is empty; it needs at least 'stack:' and 'services:'");
        return NULL;
    }
    yaml_event_delete(&e); /* DOCUMENT-START */
    if (next_event(ps, &e) != 0 || !(root = parse_node(ps, &e, 0)))
        return NULL;
    if (next_event(ps, &e) != 0)
        goto fail;
    yaml_event_delete(&e); /* DOCUMENT-END */
    if (next_event(ps, &e) != 0)
        goto fail;
    if (e.type != YAML_STREAM_END_EVENT) {
        stack_diag_add(ps->d, mark_loc(e.start_mark),
                      "a stack file holds one YAML document; remove this '---' and what follows");
        yaml_event_delete(&e);
        goto fail;
    }
    yaml_event_delete(&e);
    return root;
fail:
    stack_node_free(root);
    return NULL;
}

stack_node *stack_yaml_parse(const char *data, size_t len, stack_diags *d)
{
    if (check_text(data, len, d) != 0)
        return NULL;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) { /* a UTF-8 byte order mark */
        data += 3;
        len -= 3;
    }
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.d = d;
    if (!yaml_parser_initialize(&ps.p)) {
        stack_loc l = {0, 0};
        stack_diag_add(d, l, "cannot start the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&ps.p, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&ps.p, YAML_UTF8_ENCODING);
    stack_node *root = parse_stream(&ps);
    if (ps.failed) {
        stack_node_free(root);
        root = NULL;
    }
    yaml_parser_delete(&ps.p);
    for (size_t i = 0; i < ps.nanchors; i++)
        free(ps.anchors[i].name);
    free(ps.anchors);
    return root;
}

const stack_node *stack_node_get(const stack_node *map, const char *key)
{
    if (!map || map->kind != STACK_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->vals[i]->kind == STACK_NODE_NULL ? NULL : map->vals[i];
    return NULL;
}

const char *stack_node_kind_name(const stack_node *n)
{
    switch (n->kind) {
    case STACK_NODE_MAP: return "a mapping";
    case STACK_NODE_SEQ: return "a list";
    case STACK_NODE_SCALAR: return "a single value";
    default: return "empty";
    }
}
