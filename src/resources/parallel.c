/* Reads side by side: one call per resource on a few threads (see res_parallel). */
#include <pthread.h>
#include <stdlib.h>

#include "res.h"
#include "xalloc.h"

typedef struct {
    res_each_fn fn;
    void *ud;
    size_t n, next;
    pthread_mutex_t lock;
    int failed;
    aws_error first;
    int *rcs;        /* res_parallel_all: every call's result and error, none stops the rest */
    aws_error *errs;
} each_state;

static void *each_worker(void *arg)
{
    each_state *e = arg;
    for (;;) {
        pthread_mutex_lock(&e->lock);
        size_t i = e->failed ? e->n : e->next++;
        pthread_mutex_unlock(&e->lock);
        if (i >= e->n)
            return NULL;
        aws_error err;
        aws_error_clear(&err);
        if (e->rcs) {
            aws_error_clear(&e->errs[i]);
            e->rcs[i] = e->fn(e->ud, i, &e->errs[i]);
            continue;
        }
        if (e->fn(e->ud, i, &err) != 0) {
            pthread_mutex_lock(&e->lock);
            if (!e->failed) {
                e->failed = 1;
                e->first = err;
            }
            pthread_mutex_unlock(&e->lock);
        }
    }
}

static void run_each(each_state *e, int width)
{
    pthread_mutex_init(&e->lock, NULL);
    size_t threads = width < 1 ? 1 : (size_t)width;
    if (threads > e->n)
        threads = e->n;
    if (threads == 1) { /* one call: no thread to start */
        each_worker(e);
        pthread_mutex_destroy(&e->lock);
        return;
    }
    pthread_t *t = xcalloc(threads ? threads : 1, sizeof *t);
    for (size_t i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, each_worker, e);
    for (size_t i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    free(t);
    pthread_mutex_destroy(&e->lock);
}

int res_parallel(size_t n, int width, res_each_fn fn, void *ud, aws_error *err)
{
    each_state e = {.fn = fn, .ud = ud, .n = n};
    run_each(&e, width);
    if (e.failed)
        *err = e.first;
    return e.failed ? -1 : 0;
}

int res_parallel_all(size_t n, int width, res_each_fn fn, void *ud, int *rcs, aws_error *errs)
{
    each_state e = {.fn = fn, .ud = ud, .n = n, .rcs = rcs, .errs = errs};
    run_each(&e, width);
    for (size_t i = 0; i < n; i++)
        if (rcs[i] != 0)
            return -1;
    return 0;
}

int res_parallel_first_failure(size_t n, const int *rcs, const aws_error *errs, aws_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (rcs[i] != 0) {
            *err = errs[i];
            return -1;
        }
    return 0;
}
