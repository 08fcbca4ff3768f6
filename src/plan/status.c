/* What `status` shows of a stack: discovery, then each node's state and its kind's own
 * details, each kind's nodes read as soon as that kind is discovered (status does not
 * wait for the slowest kind), side by side. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "xalloc.h"

/* One node as JSON: id, kind, physical id, state, and the kind's own details. Sets
 * *unhealthy when the details say so ("healthy": false). */
static cJSON *node_json(res_ctx *ctx, res_node *n, int *unhealthy)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", n->id);
    cJSON_AddStringToObject(o, "kind", n->kind->name);
    cJSON_AddStringToObject(o, "title", n->kind->title);
    const char *state = n->physical_id ? (n->desired ? "present" : "not in the stack file")
                                       : (n->external ? "external, not found" : "missing");
    cJSON_AddStringToObject(o, "state", state);
    if (n->physical_id)
        cJSON_AddStringToObject(o, "physical_id", n->physical_id);
    if (n->external)
        cJSON_AddBoolToObject(o, "external", 1);
    if (n->physical_id && n->kind->status) {
        aws_error err;
        aws_error_clear(&err);
        if (n->kind->status(ctx, n, o, &err) != 0) {
            char line[1400];
            cJSON_AddStringToObject(o, "error", aws_error_format(&err, line, sizeof line));
        }
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "healthy");
    if (cJSON_IsFalse(h) || (!n->physical_id && n->desired && !n->external))
        *unhealthy = 1;
    return o;
}

/* Every node's JSON, each read as soon as its kind is discovered, side by side. */
typedef struct {
    res_ctx *ctx;
    size_t nbuilt;          /* the file's nodes: the graph does not grow during discovery */
    cJSON **objs;           /* per node */
    int *unhealthy;         /* per node */
    const char **seen_id;   /* per node: the physical id its JSON was made with */
    const size_t *batch;    /* the nodes being read */
    const char *only;       /* the one node to read ("service/web"), or NULL for all */
} status_run;

static int node_one(void *ud, size_t i, aws_error *err)
{
    (void)err;
    status_run *r = ud;
    size_t k = r->batch[i];
    res_node *n = r->ctx->graph->nodes[k];
    r->seen_id[k] = n->physical_id;
    r->objs[k] = node_json(r->ctx, n, &r->unhealthy[k]);
    return 0;
}

static void read_nodes(status_run *r, const size_t *batch, size_t n)
{
    status_run mine = *r; /* each batch has its own list; the arrays are shared */
    mine.batch = batch;
    aws_error err;
    res_parallel(n, RES_READS_AT_ONCE, node_one, &mine, &err);
}

static int wanted(const status_run *r, const res_node *n)
{
    return !r->only || strcmp(n->id, r->only) == 0;
}

/* Called from a kind's discovery thread once the kind's nodes have what was found. */
static void kind_ready(void *ud, const res_kind *kind)
{
    status_run *r = ud;
    size_t *batch = xcalloc(r->nbuilt + 1, sizeof *batch), n = 0;
    for (size_t i = 0; i < r->nbuilt; i++)
        if (r->ctx->graph->nodes[i]->kind == kind && wanted(r, r->ctx->graph->nodes[i]))
            batch[n++] = i;
    read_nodes(r, batch, n);
    free(batch);
}

int plan_status(res_ctx *ctx, const char *only, cJSON **all, int *unhealthy, aws_error *err)
{
    status_run r = {.ctx = ctx, .nbuilt = ctx->graph->n, .only = only};
    size_t cap = r.nbuilt + 1;
    r.objs = xcalloc(cap, sizeof *r.objs);
    r.unhealthy = xcalloc(cap, sizeof *r.unhealthy);
    r.seen_id = xcalloc(cap, sizeof *r.seen_id);
    *all = NULL;
    int rc = plan_discover_each(ctx, 16, kind_ready, &r, err);
    size_t total = ctx->graph->n;
    if (total + 1 > cap) {
        r.objs = xrealloc(r.objs, (total + 1) * sizeof *r.objs);
        r.unhealthy = xrealloc(r.unhealthy, (total + 1) * sizeof *r.unhealthy);
        r.seen_id = xrealloc(r.seen_id, (total + 1) * sizeof *r.seen_id);
        for (size_t i = cap; i < total + 1; i++) {
            r.objs[i] = NULL;
            r.unhealthy[i] = 0;
            r.seen_id[i] = NULL;
        }
    }
    size_t *batch = xcalloc(total + 1, sizeof *batch), n = 0;
    for (size_t i = 0; rc == 0 && i < total; i++)
        if (wanted(&r, ctx->graph->nodes[i]) &&
            (!r.objs[i] || r.seen_id[i] != ctx->graph->nodes[i]->physical_id)) {
            cJSON_Delete(r.objs[i]);
            r.objs[i] = NULL;
            r.unhealthy[i] = 0;
            batch[n++] = i;
        }
    read_nodes(&r, batch, n);
    free(batch);
    *all = cJSON_CreateArray();
    for (size_t i = 0; i < total; i++) {
        if (rc == 0 && r.objs[i]) {
            cJSON_AddItemToArray(*all, r.objs[i]);
            *unhealthy |= r.unhealthy[i];
        } else {
            cJSON_Delete(r.objs[i]);
        }
    }
    free(r.objs);
    free(r.unhealthy);
    free(r.seen_id);
    if (rc != 0) {
        cJSON_Delete(*all);
        *all = NULL;
    }
    return rc;
}

