/* The progress view under concurrent events, and the in-flight list a second Ctrl-C
 * prints, read from another thread while workers report and the view is started and
 * stopped (run under ThreadSanitizer by `make tsan`, under ASan in `make check`). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/session_internal.h"
#include "xalloc.h"
#include "unit_suite.h"

#define NODES 64
#define WORKERS 4

static res_kind kind = {.name = "thing", .title = "thing"};
static res_node nodes[NODES];
static res_node *node_ptrs[NODES];

typedef struct {
    cli_session *s;
    int first;
} worker_arg;

static void *worker(void *arg)
{
    worker_arg *w = arg;
    for (int round = 0; round < 20; round++)
        for (int i = w->first; i < NODES; i += WORKERS) {
            res_event(&w->s->ctx, &nodes[i], RES_CREATE, RES_EV_START, "start");
            res_event(&w->s->ctx, &nodes[i], RES_CREATE, RES_EV_DONE, "done");
        }
    return NULL;
}

static volatile int reader_stop;

static void *reader(void *arg)
{
    cli_session *s = arg;
    size_t seen = 0;
    while (!__atomic_load_n(&reader_stop, __ATOMIC_ACQUIRE)) {
        char **ids = cli_session_in_flight(s);
        for (size_t i = 0; ids && ids[i]; i++) {
            seen += strlen(ids[i]) > 0;
            free(ids[i]);
        }
        free(ids);
    }
    return (void *)seen;
}

START_TEST(in_flight_list_read_while_workers_report)
{
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stdout)); /* the event lines */
    stack_model model = {.name = (char *)"t"};
    res_graph graph = {.nodes = node_ptrs, .n = 0}; /* rows appear as events come */
    cli_globals g = {.output = OUTPUT_TEXT};
    cli_session s;
    memset(&s, 0, sizeof s);
    s.g = &g;
    s.stack = &model;
    s.graph = &graph;
    pthread_mutex_init(&s.ctx.lock, NULL);
    for (int i = 0; i < NODES; i++) {
        nodes[i].kind = &kind;
        nodes[i].id = xasprintf("thing/%d", i);
        node_ptrs[i] = &nodes[i];
    }
    pthread_t r;
    reader_stop = 0;
    pthread_create(&r, NULL, reader, &s);
    for (int pass = 0; pass < 3; pass++) { /* the view starts and stops under the reader */
        struct cli_progress *p = cli_progress_start(&s, "up");
        pthread_t w[WORKERS];
        worker_arg args[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            args[i] = (worker_arg){&s, i};
            pthread_create(&w[i], NULL, worker, &args[i]);
        }
        for (int i = 0; i < WORKERS; i++)
            pthread_join(w[i], NULL);
        cli_progress_stop(p);
    }
    __atomic_store_n(&reader_stop, 1, __ATOMIC_RELEASE);
    pthread_join(r, NULL);
    ck_assert_ptr_null(cli_session_in_flight(&s)); /* no view: nothing in flight */
    for (int i = 0; i < NODES; i++)
        free(nodes[i].id);
    pthread_mutex_destroy(&s.ctx.lock);
}
END_TEST

UNIT_SUITE(cli_progress, 0, in_flight_list_read_while_workers_report)
