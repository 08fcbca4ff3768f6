/* Slots that a sleeping thread does not hold (see slots.h). */
#include "slots.h"

static _Thread_local util_slots *thread_slots;

void util_slots_init(util_slots *s, int n)
{
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    s->free = n < 1 ? 1 : n;
    s->next = s->serving = 0;
}

void util_slots_destroy(util_slots *s)
{
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->freed);
}

void util_slots_take(util_slots *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned long mine = s->next++;
    while (s->free == 0 || s->serving != mine)
        pthread_cond_wait(&s->freed, &s->lock);
    s->free--;
    s->serving++;
    pthread_cond_broadcast(&s->freed); /* the next ticket may take a free slot too */
    pthread_mutex_unlock(&s->lock);
}

void util_slots_give(util_slots *s)
{
    pthread_mutex_lock(&s->lock);
    s->free++;
    pthread_cond_broadcast(&s->freed); /* whose turn it is: only that taker goes on */
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
