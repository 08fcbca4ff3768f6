/*
 * Comparing desired and actual properties. Only members present in `desired` count, so
 * whatever AWS adds on its own never shows as a change; kinds give actual properties in
 * the same normalised shape as desired ones.
 */
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "xalloc.h"

#define KNOWN_AFTER "(known after create)"

static int listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

/* A printable value: strings as they are, everything else as compact JSON. */
static char *printable(const cJSON *v)
{
    if (!v)
        return NULL;
    if (res_has_refs(v))
        return xstrdup(KNOWN_AFTER);
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    char *s = cJSON_PrintUnformatted(v);
    return s ? s : xstrdup("?");
}

static void add_change(res_changes *out, const char *path, const cJSON *from, const cJSON *to,
                       int replaces)
{
    out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
    res_change *c = &out->items[out->n++];
    c->path = xstrdup(path);
    c->from = printable(from);
    c->to = printable(to);
    c->replaces = replaces;
}

/* Numbers compare by value, so 30 and 30.0 are equal. */
static int same(const cJSON *a, const cJSON *b)
{
    if (!a || !b)
        return a == b;
    return cJSON_Compare(a, b, 1);
}

static void diff_object(const cJSON *desired, const cJSON *actual, const char *prefix,
                        int replaces, res_changes *out)
{
    for (const cJSON *d = desired->child; d; d = d->next) {
        char *path = prefix ? xasprintf("%s.%s", prefix, d->string) : xstrdup(d->string);
        const cJSON *a = actual ? cJSON_GetObjectItemCaseSensitive(actual, d->string) : NULL;
        if (res_has_refs(d)) {
            add_change(out, path, a, d, replaces);
        } else if (cJSON_IsObject(d) && cJSON_IsObject(a)) {
            diff_object(d, a, path, replaces, out);
        } else if (!same(d, a)) {
            add_change(out, path, a, d, replaces);
        }
        free(path);
    }
}

static int by_text(const void *a, const void *b)
{
    return strcmp((*(cJSON *const *)a)->valuestring, (*(cJSON *const *)b)->valuestring);
}

/* A sorted copy of a list of strings (anything else: a plain copy). */
static cJSON *sorted_copy(const cJSON *v)
{
    cJSON *c = cJSON_Duplicate(v, 1);
    int n = cJSON_IsArray(c) ? cJSON_GetArraySize(c) : 0;
    for (const cJSON *e = n ? c->child : NULL; e; e = e->next)
        if (!cJSON_IsString(e))
            return c;
    if (n < 2)
        return c;
    cJSON **items = xcalloc((size_t)n, sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = cJSON_DetachItemFromArray(c, 0);
    qsort(items, (size_t)n, sizeof *items, by_text);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(c, items[i]);
    free(items);
    return c;
}

void res_diff(const res_kind *kind, const cJSON *desired, const cJSON *actual, res_changes *out)
{
    memset(out, 0, sizeof *out);
    if (!desired)
        return;
    for (const cJSON *d = desired->child; d; d = d->next) {
        if (listed(kind->create_only, d->string))
            continue;
        cJSON *one = cJSON_CreateObject();
        int replaces = listed(kind->replace_on, d->string);
        const cJSON *a = actual ? cJSON_GetObjectItemCaseSensitive(actual, d->string) : NULL;
        if (listed(kind->unordered, d->string) && !res_has_refs(d)) {
            cJSON *have = cJSON_CreateObject();
            cJSON_AddItemToObject(one, d->string, sorted_copy(d));
            if (a)
                cJSON_AddItemToObject(have, d->string, sorted_copy(a));
            diff_object(one, have, NULL, replaces, out);
            cJSON_Delete(have);
        } else {
            cJSON_AddItemReferenceToObject(one, d->string, (cJSON *)d);
            diff_object(one, actual, NULL, replaces, out);
        }
        cJSON_Delete(one);
    }
}

void res_changes_free(res_changes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].path);
        free(c->items[i].from);
        free(c->items[i].to);
    }
    free(c->items);
    c->items = NULL;
    c->n = 0;
}
