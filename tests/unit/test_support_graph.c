/* test_graph_open, test_graph_close (see graph_fixture.h). */
#include <check.h>
#include <pthread.h>
#include <string.h>

#include "graph_fixture.h"
#include "xalloc.h"

res_graph *test_graph_open(res_ctx *ctx, res_registry **registry, const res_kind_row *rows)
{
    memset(ctx, 0, sizeof *ctx);
    res_graph *graph = xcalloc(1, sizeof *graph);
    if (!*registry) {
        char msg[256];
        *registry = res_registry_new(rows, msg, sizeof msg);
        ck_assert_msg(*registry != NULL, "%s", msg);
    }
    graph->registry = *registry;
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->graph = graph;
    ctx->stack_name = "t";
    return graph;
}

void test_graph_close(res_ctx *ctx)
{
    res_graph_free(ctx->graph);
    ctx->graph = NULL;
    pthread_mutex_destroy(&ctx->lock);
}
