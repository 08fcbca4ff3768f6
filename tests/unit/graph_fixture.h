/* An in-memory graph for tests of src/plan on kinds the test defines itself. */
#ifndef ECSDEPLOY_TEST_GRAPH_FIXTURE_H
#define ECSDEPLOY_TEST_GRAPH_FIXTURE_H

#include "res.h"

/* A fresh empty graph of the kinds in `rows`, with *ctx zeroed and pointed at it (stack
 * "t", its lock initialised). The registry is made on the first call into *registry (a
 * test file's static, kept for the run) and fails the test when `rows` is refused. Free
 * both with test_graph_close(). */
res_graph *test_graph_open(res_ctx *ctx, res_registry **registry, const res_kind_row *rows);
void test_graph_close(res_ctx *ctx);

#endif
