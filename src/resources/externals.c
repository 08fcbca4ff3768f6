/* A kind's external nodes read beside the list of the stack's own (res.h: res_externals). */
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
    out->found = xcalloc(out->n + 1, sizeof *out->found);
}

int res_externals_read(res_externals *x, res_each_fn fn, void *ud, aws_error *err)
{
    res_parallel_all(x->n + 1, RES_READS_AT_ONCE, fn, ud, x->rcs, x->errs);
    if (x->rcs[0] != 0)
        *err = x->errs[0];
    return x->rcs[0];
}

void res_externals_set(res_externals *x, size_t k, const char *physical_id, cJSON *props)
{
    res_found *f = &x->found[k];
    free(f->physical_id);
    cJSON_Delete(f->props);
    f->physical_id = xstrdup(physical_id);
    f->props = props;
}

int res_externals_found(res_externals *x, res_ctx *ctx, res_found_list *out,
                        res_external_note_fn missing, aws_error *err)
{
    for (size_t k = 0; k < x->n; k++) {
        const res_node *n = x->nodes[k];
        res_found *f = &x->found[k];
        int rc = x->rcs[1 + k];
        if (rc == 0 && f->physical_id) {
            res_found_add(out, n->id, f->physical_id, f->props);
            f->props = NULL;
            continue;
        }
        if (rc != 0 && !aws_error_is(&x->errs[1 + k], AWS_IS_NOT_FOUND)) {
            *err = x->errs[1 + k];
            return -1;
        }
        char *note = missing(ctx, n);
        res_event(ctx, n, RES_NONE, RES_EV_NOTE, "%s", note);
        free(note);
    }
    return 0;
}

void res_externals_free(res_externals *x)
{
    for (size_t k = 0; k < x->n; k++) {
        free(x->found[k].physical_id);
        cJSON_Delete(x->found[k].props);
    }
    free(x->found);
    free(x->nodes);
    free(x->rcs);
    free(x->errs);
}
