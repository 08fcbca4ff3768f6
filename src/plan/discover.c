/* Discovery: every kind lists what the stack owns, all kinds at once (or those the file
 * and the stack's record name); results meet the graph. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "xalloc.h"

typedef struct {
    res_ctx *ctx;
    pthread_mutex_t lock;
    size_t next;            /* next kind to discover */
    size_t nkinds;
    const res_kind *const *kinds; /* the graph's registry's, in build order */
    res_found_list *found;  /* per kind */
    aws_error *errors;      /* per kind */
    int *failed;            /* per kind */
    plan_kind_fn ready;     /* plan_discover_each's hook, or NULL */
    void *ud;
    plan_record_fn record;  /* plan_discover_recorded's record, or NULL */
    void *record_ud;
    unsigned char *in_file; /* per kind: the file has nodes of it */
    int record_read;        /* the record's reader is done (under lock; record_done) */
    int record_known;
    svc_strings record_kinds;
    pthread_cond_t record_done;
} discovery;

/* Whether kind k is looked for: always when the file has nodes of it or there is no
 * record; else once the record is read, when it names the kind or cannot say. */
static int wanted(discovery *d, size_t k)
{
    if (!d->record || d->in_file[k])
        return 1;
    pthread_mutex_lock(&d->lock);
    while (!d->record_read)
        pthread_cond_wait(&d->record_done, &d->lock);
    int want = !d->record_known || svc_strings_has(&d->record_kinds, d->kinds[k]->name);
    pthread_mutex_unlock(&d->lock);
    return want;
}

static void *read_record(void *arg)
{
    discovery *d = arg;
    svc_strings kinds = {0};
    int known = d->record(d->record_ud, &kinds) == 1;
    pthread_mutex_lock(&d->lock);
    d->record_known = known;
    d->record_kinds = kinds;
    d->record_read = 1;
    pthread_cond_broadcast(&d->record_done);
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

/* Attach a found resource to its node, or add a node for a resource the file dropped. */
static void attach(res_ctx *ctx, const res_kind *kind, res_found *f)
{
    res_node *n = res_graph_find(ctx->graph, f->id);
    if (!n) {
        const char *slash = strchr(f->id, '/');
        n = res_graph_add(ctx->graph, kind, slash ? slash + 1 : f->id, NULL, NULL);
        if (strcmp(n->id, f->id) != 0) { /* an id of another kind's shape: keep it as found */
            free(n->id);
            n->id = xstrdup(f->id);
            free(n->label);
            n->label = xstrdup(f->id);
        }
    }
    if (n->physical_id) /* two resources claim one id: the first one wins */
        return;
    n->physical_id = f->physical_id;
    n->actual = f->props;
    f->physical_id = NULL;
    f->props = NULL;
}

/* For plan_discover_each: attach at once what a kind found for the file's own nodes of
 * that kind (the graph does not grow meanwhile; what needs a new node, or names a node of
 * another kind, waits for the end, in kind order as always). */
static void attach_early(discovery *d, size_t k)
{
    res_ctx *ctx = d->ctx;
    pthread_mutex_lock(&ctx->lock);
    for (size_t i = 0; i < d->found[k].n; i++) {
        res_found *f = &d->found[k].items[i];
        res_node *n = res_graph_find(ctx->graph, f->id);
        if (n && n->kind == d->kinds[k] && n->desired && !n->physical_id)
            attach(ctx, d->kinds[k], f);
    }
    pthread_mutex_unlock(&ctx->lock);
}

static void *discover_worker(void *arg)
{
    discovery *d = arg;
    for (;;) {
        pthread_mutex_lock(&d->lock);
        size_t k = d->next < d->nkinds ? d->next++ : d->nkinds;
        pthread_mutex_unlock(&d->lock);
        if (k >= d->nkinds)
            return NULL;
        const res_kind *kind = d->kinds[k];
        if (kind->discover && wanted(d, k) &&
            kind->discover(d->ctx, &d->found[k], &d->errors[k]) != 0)
            d->failed[k] = 1;
        if (d->ready && !d->failed[k]) {
            attach_early(d, k);
            d->ready(d->ud, kind);
        }
    }
}

static int discover_all(res_ctx *ctx, int parallel, plan_kind_fn ready, void *ud,
                        plan_record_fn record, void *record_ud, aws_error *err)
{
    discovery d = {0};
    d.ctx = ctx;
    d.ready = ready;
    d.ud = ud;
    d.record = record;
    d.record_ud = record_ud;
    pthread_mutex_init(&d.lock, NULL);
    pthread_cond_init(&d.record_done, NULL);
    d.kinds = ctx->graph->registry->kinds;
    d.nkinds = ctx->graph->registry->n;
    d.found = xcalloc(d.nkinds, sizeof *d.found);
    d.errors = xcalloc(d.nkinds, sizeof *d.errors);
    d.failed = xcalloc(d.nkinds, sizeof *d.failed);
    d.in_file = xcalloc(d.nkinds + 1, 1);
    for (size_t i = 0; i < ctx->graph->n; i++)
        for (size_t k = 0; k < d.nkinds; k++)
            d.in_file[k] |= ctx->graph->nodes[i]->kind == d.kinds[k];
    pthread_t reader;
    if (d.record && pthread_create(&reader, NULL, read_record, &d) != 0)
        d.record = NULL; /* no thread for it: every kind is looked for */

    /* every kind at once: they only read, and a kind waiting for a thread would add its
     * round trips to the others' */
    size_t nthreads = parallel < 1 ? 1 : (size_t)parallel;
    if (nthreads < d.nkinds)
        nthreads = d.nkinds;
    if (nthreads > d.nkinds)
        nthreads = d.nkinds ? d.nkinds : 1;
    pthread_t *threads = xcalloc(nthreads, sizeof *threads);
    aws_client_share_reads(ctx->aws, 1); /* kinds list the same things: one call each */
    for (size_t i = 0; i < nthreads; i++)
        pthread_create(&threads[i], NULL, discover_worker, &d);
    for (size_t i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    if (d.record)
        pthread_join(reader, NULL);

    int rc = 0;
    for (size_t k = 0; k < d.nkinds; k++) {
        if (d.failed[k] && rc == 0) {
            *err = d.errors[k];
            aws_error_prefix(err, "discovering %s resources: ", d.kinds[k]->title);
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < d.found[k].n; i++)
            if (d.found[k].items[i].props) /* not attached early */
                attach(ctx, d.kinds[k], &d.found[k].items[i]);
        res_found_list_free(&d.found[k]);
    }
    for (size_t k = 0; rc == 0 && k < d.nkinds; k++)
        if (d.kinds[k]->after_discover && d.kinds[k]->after_discover(ctx, err) != 0) {
            aws_error_prefix(err, "discovering %s resources: ", d.kinds[k]->title);
            rc = -1;
        }
    aws_client_share_reads(ctx->aws, 0);
    free(d.found);
    free(d.errors);
    free(d.failed);
    free(d.in_file);
    svc_strings_free(&d.record_kinds);
    pthread_cond_destroy(&d.record_done);
    pthread_mutex_destroy(&d.lock);
    return rc;
}

int plan_discover_each(res_ctx *ctx, int parallel, plan_kind_fn ready, void *ud, aws_error *err)
{
    return discover_all(ctx, parallel, ready, ud, NULL, NULL, err);
}

int plan_discover(res_ctx *ctx, int parallel, aws_error *err)
{
    return discover_all(ctx, parallel, NULL, NULL, NULL, NULL, err);
}

int plan_discover_recorded(res_ctx *ctx, int parallel, plan_record_fn record, void *ud,
                           aws_error *err)
{
    return discover_all(ctx, parallel, NULL, NULL, record, ud, err);
}
