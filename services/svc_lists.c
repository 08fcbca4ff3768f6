/* The tag lists and string lists every service client returns (see svc.h). */
#include "svc.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void svc_tags_free(svc_tags *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->items[i].key);
        free(t->items[i].value);
    }
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

const char *svc_tags_get(const svc_tags *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->items[i].key, key) == 0)
            return t->items[i].value;
    return NULL;
}

void svc_tags_add(svc_tags *t, const char *key, const char *value)
{
    t->items = xrealloc(t->items, (t->n + 1) * sizeof *t->items);
    t->items[t->n].key = xstrdup(key);
    t->items[t->n].value = xstrdup(value ? value : "");
    t->n++;
}

void svc_strings_free(svc_strings *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->items[i]);
    free(s->items);
    s->items = NULL;
    s->n = 0;
}

void svc_strings_add(svc_strings *s, const char *value)
{
    s->items = xrealloc(s->items, (s->n + 1) * sizeof *s->items);
    s->items[s->n++] = xstrdup(value);
}

int svc_strings_has(const svc_strings *s, const char *value)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i], value) == 0)
            return 1;
    return 0;
}
