/* Slots that a sleeping thread does not hold (see slots.h). */
#include "slots.h"

static _Thread_local util_slots *thread_slots;

void util_slots_init(util_slots *s, int n)
{
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    s->free = n < 1 ? 1 : n;
}

void util_slots_destroy(util_slots *s)
{
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->freed);
}

void util_slots_take(util_slots *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->free == 0)
        pthread_cond_wait(&s->freed, &s->lock);
    s->free--;
    pthread_mutex_unlock(&s->lock);
}

void util_slots_give(util_slots *s)
{
    pthread_mutex_lock(&s->lock);
    s->free++;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

void util_slots_held(util_slots *s)
{
    thread_slots = s;
}

util_slots *util_slots_of_thread(void)
{
    return thread_slots;
}
