/* Slots (slots.h): first come, first served, whatever the scheduler does. */
#include <check.h>
#include <pthread.h>
#include <unistd.h>

#include "slots.h"
#include "unit_suite.h"

typedef struct {
    util_slots *s;
    pthread_mutex_t *mu;
    int *order, *n, me;
} taker;

static void *take_one(void *arg)
{
    taker *t = arg;
    util_slots_take(t->s);
    pthread_mutex_lock(t->mu);
    t->order[(*t->n)++] = t->me;
    pthread_mutex_unlock(t->mu);
    util_slots_give(t->s);
    return NULL;
}

/* Wait until `tickets` takers have come to the slots. */
static void until_queued(util_slots *s, unsigned long tickets)
{
    for (;;) {
        pthread_mutex_lock(&s->lock);
        unsigned long n = s->next;
        pthread_mutex_unlock(&s->lock);
        if (n >= tickets)
            return;
        usleep(1000);
    }
}

START_TEST(first_come_first_served)
{
    util_slots s;
    util_slots_init(&s, 1);
    util_slots_take(&s); /* ticket 0: held here */
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    int order[4], n = 0;
    taker t[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) { /* they queue in this order, each before the next starts */
        t[i] = (taker){&s, &mu, order, &n, i};
        ck_assert_int_eq(pthread_create(&th[i], NULL, take_one, &t[i]), 0);
        until_queued(&s, (unsigned long)i + 2);
    }
    util_slots_give(&s);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(n, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(order[i], i);
    ck_assert_int_eq(s.free, 1);
    util_slots_destroy(&s);
}
END_TEST

UNIT_SUITE(util_slots, 30, first_come_first_served)
