/*
 * The progress events of a plan run, kept as "id: message\n" lines for the tests to read
 * (a failure shows them; a test checks what was said, or waits until something is). The
 * threads of plan_execute write it through res_events_on_event, so it has its own lock.
 * Static helpers for the harnesses of tests/unit/test_res_*.c.
 */
#ifndef ECSDEPLOY_TEST_RES_EVENTS_H
#define ECSDEPLOY_TEST_RES_EVENTS_H

#include <pthread.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "res.h"

typedef struct {
    buf text;
    pthread_mutex_t lock;
} res_events;

static inline void res_events_init(res_events *l)
{
    memset(l, 0, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
}

static inline void res_events_free(res_events *l)
{
    buf_free(&l->text);
    pthread_mutex_destroy(&l->lock);
}

/* A res_ctx on_event callback; its event_ud is the res_events. */
static inline void res_events_on_event(void *ud, const res_node *n, res_action a,
                                       res_event_kind k, const char *msg)
{
    (void)a;
    (void)k;
    res_events *l = ud;
    pthread_mutex_lock(&l->lock);
    buf_printf(&l->text, "%s: %s\n", n->id, msg);
    pthread_mutex_unlock(&l->lock);
}

/* What was said so far (read it when no run is going on). */
static inline const char *res_events_text(const res_events *l)
{
    return buf_str(&l->text);
}

/* Wait, while a run goes on in another thread, until an event has said `needle`: 1, or 0
 * after about `seconds`. */
static inline int res_events_wait(res_events *l, const char *needle, double seconds)
{
    for (int i = 0; i < (int)(seconds * 100); i++) {
        pthread_mutex_lock(&l->lock);
        int said = strstr(buf_str(&l->text), needle) != NULL;
        pthread_mutex_unlock(&l->lock);
        if (said)
            return 1;
        util_sleep(0.01, NULL);
    }
    return 0;
}

#endif
