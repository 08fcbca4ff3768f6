/*
 * Slots: a bound on how many threads do work at once, where a thread that sleeps does not
 * count. The executor of `up`/`down` gives every action its own thread and makes it hold
 * one of `--parallel` slots while it runs; util_sleep (clock.h) gives the calling thread's
 * slot back for as long as it sleeps and takes one again before it returns. So a
 * resource that waits for AWS (a service to be steady, an ALB, a namespace) sleeps
 * between its polls without a slot, and `--parallel` bounds the calls in flight, not the
 * waits: twenty services wait side by side whatever the bound.
 */
#ifndef ECSDEPLOY_SLOTS_H
#define ECSDEPLOY_SLOTS_H

#include <pthread.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int free;  /* slots nobody holds */
    unsigned long next, serving; /* tickets: slots go to the takers in the order they came */
} util_slots;

/* n slots (at least 1), all free. */
void util_slots_init(util_slots *s, int n);
void util_slots_destroy(util_slots *s);
/* Take a slot, waiting until one is free and every thread that came first has had one
 * (first come, first served: a waiter's next look is not starved by new work). */
void util_slots_take(util_slots *s);
/* Give a slot back. */
void util_slots_give(util_slots *s);
/* Say that the calling thread holds one of s's slots (NULL: none), so that its sleeps give
 * it back meanwhile. Per thread; the thread still gives the slot back itself. */
void util_slots_held(util_slots *s);
/* The slots the calling thread holds one of, or NULL (for util_sleep). */
util_slots *util_slots_of_thread(void);

#endif
