/* Problems found in a stack file, and "did you mean" suggestions. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "stack_internal.h"
#include "xalloc.h"

void stack_diag_add(stack_diags *d, stack_loc loc, const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    d->items[d->n].loc = loc;
    d->items[d->n].message = buf_detach(&b);
    d->n++;
}

static int loc_cmp(const stack_diag *a, const stack_diag *b)
{
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    return 0;
}

typedef struct {
    stack_diag g;
    size_t seq;
} ordered;

static int ordered_cmp(const void *a, const void *b)
{
    const ordered *x = a, *y = b;
    int c = loc_cmp(&x->g, &y->g);
    return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

void stack_diags_sort(stack_diags *d)
{
    /* by place, then in the order found (qsort is not stable by itself) */
    ordered *o = xcalloc(d->n + 1, sizeof *o);
    for (size_t i = 0; i < d->n; i++) {
        o[i].g = d->items[i];
        o[i].seq = i;
    }
    qsort(o, d->n, sizeof *o, ordered_cmp);
    for (size_t i = 0; i < d->n; i++)
        d->items[i] = o[i].g;
    free(o);
    /* drop exact repeats (an alias can repeat a problem at one place) */
    size_t w = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (w && loc_cmp(&d->items[w - 1], &d->items[i]) == 0 &&
            strcmp(d->items[w - 1].message, d->items[i].message) == 0) {
            free(d->items[i].message);
            continue;
        }
        d->items[w++] = d->items[i];
    }
    d->n = w;
}

void stack_diags_print(const stack_diags *d, FILE *out, size_t cap)
{
    const char *file = d->file ? d->file : "(stack file)";
    for (size_t i = 0; i < d->n && i < cap; i++) {
        const stack_diag *g = &d->items[i];
        if (g->loc.line > 0)
            fprintf(out, "%s:%d:%d: %s\n", file, g->loc.line, g->loc.col, g->message);
        else
            fprintf(out, "%s: %s\n", file, g->message);
    }
    if (d->n > cap)
        fprintf(out, "%s: and %zu more problem%s\n", file, d->n - cap, d->n - cap == 1 ? "" : "s");
}

void stack_diags_free(stack_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].message);
    free(d->items);
    free(d->file);
    memset(d, 0, sizeof *d);
}
