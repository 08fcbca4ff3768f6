/*
 * Comparing desired and actual properties. Only members present in `desired` count, so
 * whatever AWS adds on its own never shows as a change; kinds give actual properties in
 * the same normalised shape as desired ones. Each differing field is one change with its
 * path (diff_walk.c), so a document shows only what changed in it.
 */
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "res.h"
#include "xalloc.h"

static int listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
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

/* An unordered list: one change of the whole list, both sides shown sorted. */
static void diff_unordered(const char *name, const cJSON *d, const cJSON *a, int replaces,
                           res_changes *out)
{
    if (res_has_refs(d)) {
        res_diff_add(out, name, a, d, replaces);
        return;
    }
    cJSON *want = sorted_copy(d), *have = a ? sorted_copy(a) : NULL;
    if (!have || !cJSON_Compare(want, have, 1))
        res_diff_add(out, name, have, want, replaces);
    cJSON_Delete(want);
    cJSON_Delete(have);
}

void res_diff(const res_kind *kind, const cJSON *desired, const cJSON *actual, res_changes *out)
{
    memset(out, 0, sizeof *out);
    if (!desired)
        return;
    for (const cJSON *d = desired->child; d; d = d->next) {
        if (listed(kind->create_only, d->string))
            continue;
        int replaces = listed(kind->replace_on, d->string);
        const cJSON *a = actual ? cJSON_GetObjectItemCaseSensitive(actual, d->string) : NULL;
        if (listed(kind->unordered, d->string))
            diff_unordered(d->string, d, a, replaces, out);
        else if (listed(kind->documents, d->string) && cJSON_IsObject(d) && cJSON_IsObject(a))
            res_diff_walk(out, NULL, d, a, 1, replaces);
        else
            res_diff_walk(out, d->string, d, a, 0, replaces);
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
