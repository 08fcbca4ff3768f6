/*
 * The field-by-field comparison behind res_diff (see diff_internal.h): a JSON-aware walk
 * that names each differing field by a path, so a task definition, a role's policies or a
 * listener rule's conditions show what changed rather than two whole documents.
 * Equality is cJSON_Compare (numbers by value) — the walk only says where it fails.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diff_internal.h"
#include "xalloc.h"

#define KNOWN_AFTER "(known after create)"

typedef struct {
    res_changes *out;
    int replaces;
} walk;

/* Members that identify an element of a list of objects, tried in this order. */
static const char *const natural_keys[] = {"name", "containerName", "sourceVolume", "containerPort",
                                           "field", "prefix", "Sid", "namespace", "hostname",
                                           "key", "Key", "provider", NULL};

/* Name/value lists shown as "list.NAME: value". */
static const struct {
    const char *key, *value;
} pair_shapes[] = {{"name", "value"}, {"name", "valueFrom"}, {"key", "value"}, {"Key", "Value"}};

/* A printable value: strings as they are, everything else as compact JSON. */
static char *printable(const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (res_has_refs(v))
        return xstrdup(KNOWN_AFTER);
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    char *s = cJSON_PrintUnformatted(v);
    return s ? s : xstrdup("?");
}

static void add_text(res_changes *out, const char *path, char *from, char *to, int replaces)
{
    out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
    res_change *c = &out->items[out->n++];
    c->path = xstrdup(path);
    c->from = from;
    c->to = to;
    c->replaces = replaces;
}

void res_diff_add(res_changes *out, const char *path, const cJSON *from, const cJSON *to,
                  int replaces)
{
    add_text(out, path, printable(from), printable(to), replaces);
}

static void change(walk *w, const char *path, const cJSON *from, const cJSON *to)
{
    res_diff_add(w->out, path, from, to, w->replaces);
}

/* Numbers compare by value, so 30 and 30.0 are equal. */
static int same(const cJSON *a, const cJSON *b)
{
    if (!a || !b)
        return a == b;
    return cJSON_Compare(a, b, 1);
}

/* A reference itself ({"ref", "attr"} or {"concat": […]}), not something holding one. */
static int is_ref_leaf(const cJSON *v)
{
    if (!cJSON_IsObject(v))
        return 0;
    int n = cJSON_GetArraySize(v);
    if (n == 2)
        return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "ref")) &&
               cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "attr"));
    return n == 1 && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(v, "concat"));
}

/* A name is shown bare when it cannot be mistaken for path syntax, else JSON-quoted. */
static int bare(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || strchr(".[]\"", *s))
            return 0;
    return 1;
}

/* "prefix.name", "name" (no prefix) or "prefix[\"odd name\"]". Caller frees. */
static char *member_path(const char *prefix, const char *name)
{
    if (bare(name))
        return prefix ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
    cJSON *q = cJSON_CreateString(name);
    char *quoted = cJSON_PrintUnformatted(q);
    cJSON_Delete(q);
    char *p = xasprintf("%s[%s]", prefix ? prefix : "", quoted);
    free(quoted);
    return p;
}

/* The text of an element's key: "web", "8080". Caller frees. */
static char *key_text(const cJSON *k)
{
    if (cJSON_IsString(k))
        return xstrdup(k->valuestring);
    char *s = cJSON_PrintUnformatted(k);
    return s ? s : xstrdup("?");
}

static char *element_path(const char *prefix, const cJSON *k)
{
    char *text = key_text(k);
    char *p;
    if (bare(text)) {
        p = xasprintf("%s[%s]", prefix ? prefix : "", text);
    } else {
        char *quoted = cJSON_PrintUnformatted(k);
        p = xasprintf("%s[%s]", prefix ? prefix : "", quoted);
        free(quoted);
    }
    free(text);
    return p;
}

static void walk_value(walk *w, const char *path, const cJSON *d, const cJSON *a, int exact);

static void walk_members(walk *w, const char *prefix, const cJSON *d, const cJSON *a, int exact)
{
    for (const cJSON *m = d->child; m; m = m->next) {
        char *p = member_path(prefix, m->string);
        walk_value(w, p, m, cJSON_GetObjectItemCaseSensitive(a, m->string), exact);
        free(p);
    }
    for (const cJSON *m = exact ? a->child : NULL; m; m = m->next) {
        if (cJSON_GetObjectItemCaseSensitive(d, m->string))
            continue;
        char *p = member_path(prefix, m->string);
        change(w, p, m, NULL);
        free(p);
    }
}

/* ---- lists ------------------------------------------------------------------------- */

static int plain(const cJSON *v)
{
    return !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

static int key_usable(const cJSON *k)
{
    return cJSON_IsString(k) || cJSON_IsNumber(k);
}

static const cJSON *find_by_key(const cJSON *list, const char *key, const cJSON *k)
{
    for (const cJSON *e = list->child; e; e = e->next)
        if (same(cJSON_GetObjectItemCaseSensitive(e, key), k))
            return e;
    return NULL;
}

/* 1 when every element of list is an object with a usable, unique `key`. */
static int keyed_by(const cJSON *list, const char *key)
{
    for (const cJSON *e = list->child; e; e = e->next) {
        const cJSON *k = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, key) : NULL;
        if (!key_usable(k) || find_by_key(list, key, k) != e)
            return 0;
    }
    return 1;
}

static const char *natural_key(const cJSON *d, const cJSON *a)
{
    for (size_t i = 0; natural_keys[i]; i++)
        if (keyed_by(d, natural_keys[i]) && keyed_by(a, natural_keys[i]))
            return natural_keys[i];
    return NULL;
}

/* The value member's name when every element of d and a is {key, VALUE} of one shape. */
static const char *pair_value(const cJSON *d, const cJSON *a, const char *key)
{
    for (size_t s = 0; s < sizeof pair_shapes / sizeof pair_shapes[0]; s++) {
        if (strcmp(pair_shapes[s].key, key) != 0)
            continue;
        int ok = 1;
        for (const cJSON *l = d; ok && l; l = l == d ? a : NULL)
            for (const cJSON *e = l->child; ok && e; e = e->next)
                ok = cJSON_GetArraySize(e) == 2 &&
                     cJSON_GetObjectItemCaseSensitive(e, pair_shapes[s].value) != NULL;
        if (ok)
            return pair_shapes[s].value;
    }
    return NULL;
}

/* The keys of a list in order, as compact JSON: ["web","sidecar"]. Caller frees. */
static char *key_order(const cJSON *list, const char *key)
{
    cJSON *keys = cJSON_CreateArray();
    for (const cJSON *e = list->child; e; e = e->next)
        cJSON_AddItemToArray(keys, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, key), 1));
    char *s = cJSON_PrintUnformatted(keys);
    cJSON_Delete(keys);
    return s;
}

/* Elements matched by key: changed, added (desired only), removed (actual only). */
static void walk_keyed(walk *w, const char *path, const cJSON *d, const cJSON *a, const char *key)
{
    size_t before = w->out->n;
    const char *value = pair_value(d, a, key);
    for (int side = 0; side < 2; side++) {
        const cJSON *from = side ? a : d, *other = side ? d : a;
        for (const cJSON *e = from->child; e; e = e->next) {
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, key);
            const cJSON *match = find_by_key(other, key, k);
            if (side && match)
                continue; /* seen from the desired side */
            char *p = value && cJSON_IsString(k) ? member_path(path, k->valuestring)
                                                 : element_path(path, k);
            const cJSON *ev = value ? cJSON_GetObjectItemCaseSensitive(e, value) : e;
            const cJSON *mv = match && value ? cJSON_GetObjectItemCaseSensitive(match, value) : match;
            if (side)
                change(w, p, ev, NULL);
            else
                walk_value(w, p, ev, mv, 1);
            free(p);
        }
    }
    if (w->out->n == before) { /* the same elements in another order */
        char *p = xasprintf("%s[*].%s", path ? path : "", key);
        add_text(w->out, p, key_order(a, key), key_order(d, key), w->replaces);
        free(p);
    }
}

/* Plain values: each one added or removed, under the list's path. */
static void walk_plain(walk *w, const char *path, const cJSON *d, const cJSON *a)
{
    int na = cJSON_GetArraySize(a);
    char *used = xcalloc((size_t)na + 1, 1);
    size_t before = w->out->n;
    for (const cJSON *e = d->child; e; e = e->next) {
        int i = 0, found = 0;
        for (const cJSON *x = a->child; x && !found; x = x->next, i++)
            if (!used[i] && !is_ref_leaf(e) && same(e, x))
                used[i] = 1, found = 1;
        if (!found)
            change(w, path, NULL, e);
    }
    int i = 0;
    for (const cJSON *x = a->child; x; x = x->next, i++)
        if (!used[i])
            change(w, path, x, NULL);
    free(used);
    if (w->out->n == before) /* the same values in another order */
        change(w, path, a, d);
}

/* used[i] = 1 for each element of a equal to an element of d (each matched once); the
 * same for d in dused. Returns how many were matched. */
static int match_equal(const cJSON *d, const cJSON *a, char *dused, char *aused)
{
    int matched = 0, i = 0;
    for (const cJSON *e = d->child; e; e = e->next, i++) {
        int j = 0;
        for (const cJSON *x = a->child; x; x = x->next, j++) {
            if (!aused[j] && !res_has_refs(e) && same(e, x)) {
                aused[j] = dused[i] = 1;
                matched++;
                break;
            }
        }
    }
    return matched;
}

static const cJSON *next_unused(const cJSON *e, const char *used, int *i)
{
    while (e && used[*i])
        e = e->next, (*i)++;
    return e;
}

/* Objects without a key: equal elements are matched wherever they are; when as many are
 * left on each side, they are compared in order ("Statement[1].Resource"), else each is
 * added or removed with its position. Only moved: the whole list. */
static void walk_unkeyed(walk *w, const char *path, const cJSON *d, const cJSON *a)
{
    int nd = cJSON_GetArraySize(d), na = cJSON_GetArraySize(a);
    char *dused = xcalloc((size_t)nd + 1, 1), *aused = xcalloc((size_t)na + 1, 1);
    int matched = match_equal(d, a, dused, aused);
    if (matched == nd && matched == na) {
        change(w, path ? path : "", a, d);
    } else if (nd == na) {
        int i = 0, j = 0;
        const cJSON *x = next_unused(d->child, dused, &i), *y = next_unused(a->child, aused, &j);
        while (x && y) {
            char *p = xasprintf("%s[%d]", path ? path : "", i);
            walk_value(w, p, x, y, 1);
            free(p);
            x = x->next, i++, y = y->next, j++;
            x = next_unused(x, dused, &i);
            y = next_unused(y, aused, &j);
        }
    } else {
        for (int side = 0; side < 2; side++) {
            const cJSON *list = side ? a : d;
            const char *used = side ? aused : dused;
            int i = 0;
            for (const cJSON *e = list->child; e; e = e->next, i++) {
                if (used[i])
                    continue;
                char *p = xasprintf("%s[%d]", path ? path : "", i);
                change(w, p, side ? e : NULL, side ? NULL : e);
                free(p);
            }
        }
    }
    free(dused);
    free(aused);
}

static void walk_list(walk *w, const char *path, const cJSON *d, const cJSON *a)
{
    int all_plain = 1;
    for (const cJSON *l = d; all_plain && l; l = l == d ? a : NULL)
        for (const cJSON *e = l->child; all_plain && e; e = e->next)
            all_plain = plain(e) || is_ref_leaf(e);
    const char *key = all_plain ? NULL : natural_key(d, a);
    if (all_plain && path) {
        walk_plain(w, path, d, a);
    } else if (key) {
        walk_keyed(w, path, d, a, key);
    } else {
        walk_unkeyed(w, path, d, a);
    }
}

static void walk_value(walk *w, const char *path, const cJSON *d, const cJSON *a, int exact)
{
    if (!d || !a || is_ref_leaf(d)) {
        if (d || a)
            change(w, path ? path : "", a, d);
    } else if (cJSON_IsObject(d) && cJSON_IsObject(a)) {
        walk_members(w, path, d, a, exact);
    } else if (!same(d, a)) {
        if (cJSON_IsArray(d) && cJSON_IsArray(a))
            walk_list(w, path, d, a);
        else
            change(w, path ? path : "", a, d);
    }
}

void res_diff_walk(res_changes *out, const char *path, const cJSON *d, const cJSON *a,
                   int exact, int replaces)
{
    walk w = {.out = out, .replaces = replaces};
    walk_value(&w, path, d, a, exact);
}
