/* A kind's external nodes read beside the list of the stack's own (res.h: res_externals). */
#include <stdarg.h>
#include <stdlib.h>

#include "res.h"
#include "xalloc.h"

void res_externals_of(const res_ctx *ctx, const res_kind *kind, res_externals *out)
{
    const res_graph *g = ctx->graph;
    out->n = 0;
    out->nodes = xcalloc(g ? g->n + 1 : 1, sizeof *out->nodes);
    for (size_t i = 0; g && i < g->n; i++)
        if (g->nodes[i]->kind == kind && g->nodes[i]->external && g->nodes[i]->model)
            out->nodes[out->n++] = g->nodes[i];
    out->rcs = xcalloc(out->n + 1, sizeof *out->rcs);
    out->errs = xcalloc(out->n + 1, sizeof *out->errs);
}

int res_externals_read(res_externals *x, res_each_fn fn, void *ud, aws_error *err)
{
    res_parallel_all(x->n + 1, RES_READS_AT_ONCE, fn, ud, x->rcs, x->errs);
    if (x->rcs[0] != 0)
        *err = x->errs[0];
    return x->rcs[0];
}

int res_externals_found(res_externals *x, res_external_fn fn, void *ud, aws_error *err)
{
    for (size_t k = 0; k < x->n; k++)
        if (fn(ud, k, x->rcs[1 + k], &x->errs[1 + k]) != 0) {
            *err = x->errs[1 + k];
            return -1;
        }
    return 0;
}

int res_external_missing(res_ctx *ctx, const res_node *n, int rc, aws_error *err,
                         const char *fmt, ...)
{
    if (rc != 0 && !aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    aws_error_clear(err);
    va_list ap;
    va_start(ap, fmt);
    char *note = xvasprintf(fmt, ap);
    va_end(ap);
    res_event(ctx, n, RES_NONE, RES_EV_NOTE, "%s", note);
    free(note);
    return 0;
}

void res_externals_free(res_externals *x)
{
    free(x->nodes);
    free(x->rcs);
    free(x->errs);
}
