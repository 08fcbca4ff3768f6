/* One DescribeServices for every watcher of a cluster's services (see poller.h). */
#include "poller.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "slots.h"
#include "xalloc.h"

/* How long a waiting watcher sleeps at most before it looks at the cancel flag again. */
#define CANCEL_CHECK_S 0.05

typedef struct poller poller;

struct poller_watch {
    poller *p;
    char *service;
    int waiting;          /* blocked in poller_look */
    double earliest, due; /* what that look asked for */
    unsigned long seen;   /* the last round it was served */
    poller_watch *next;
};

struct poller {
    aws_client *c;
    char *cluster;
    pthread_mutex_t mu;
    pthread_cond_t changed; /* a round answered, or a watcher came to wait */
    poller_watch *watches;
    int fetching;           /* a round is being made (by one of the watchers) */
    unsigned long round;    /* rounds answered */
    double round_start;     /* when the last one started */
    ecs_services last;      /* its answer (when it did not fail) */
    int last_failed;
    aws_error last_err;
    poller *next;
};

/* Every poller of the process, by client and cluster. */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static poller *registry;

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

poller_watch *poller_join(aws_client *c, const char *cluster, const char *service)
{
    poller_watch *w = xcalloc(1, sizeof *w);
    w->service = xstrdup(service);
    pthread_mutex_lock(&registry_mu);
    poller *p = registry;
    while (p && !(p->c == c && same(p->cluster, cluster)))
        p = p->next;
    if (!p) {
        p = xcalloc(1, sizeof *p);
        p->c = c;
        p->cluster = xstrdup(cluster);
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->changed, NULL);
        p->next = registry;
        registry = p;
    }
    w->p = p;
    pthread_mutex_lock(&p->mu);
    w->next = p->watches;
    p->watches = w;
    w->seen = p->round;
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&registry_mu);
    return w;
}

static void poller_free(poller *p)
{
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->changed);
    ecs_services_free(&p->last);
    free(p->cluster);
    free(p);
}

void poller_leave(poller_watch *w)
{
    if (!w)
        return;
    poller *p = w->p;
    pthread_mutex_lock(&registry_mu);
    pthread_mutex_lock(&p->mu);
    for (poller_watch **at = &p->watches; *at; at = &(*at)->next)
        if (*at == w) {
            *at = w->next;
            break;
        }
    int last = p->watches == NULL;
    pthread_mutex_unlock(&p->mu);
    if (last) {
        for (poller **at = &registry; *at; at = &(*at)->next)
            if (*at == p) {
                *at = p->next;
                break;
            }
        poller_free(p);
    }
    pthread_mutex_unlock(&registry_mu);
    free(w->service);
    free(w);
}

unsigned long poller_rounds(const poller_watch *w)
{
    poller *p = w->p;
    pthread_mutex_lock(&p->mu);
    unsigned long n = p->round;
    pthread_mutex_unlock(&p->mu);
    return n;
}

/* 1 when the last round answers w's look (p->mu held). */
static int answered(const poller *p, const poller_watch *w)
{
    return p->round > w->seen && p->round_start >= w->earliest;
}

/* The earliest `due` of the watchers waiting for a round now (p->mu held); one that the
 * last round answers but that has not woken yet waits for none. */
static double next_due(const poller *p)
{
    double due = 0;
    int any = 0;
    for (const poller_watch *w = p->watches; w; w = w->next)
        if (w->waiting && !answered(p, w) && (!any || w->due < due)) {
            due = w->due;
            any = 1;
        }
    return any ? due : util_now() + 3600;
}

/* One round for every service that has joined, one DescribeServices per 10 (ecs.h). Called
 * with p->mu held and p->fetching set; returns with it held. */
static void make_round(poller *p)
{
    size_t n = 0;
    for (poller_watch *w = p->watches; w; w = w->next)
        n++;
    const char **names = xcalloc(n + 1, sizeof *names);
    size_t k = 0;
    for (poller_watch *w = p->watches; w; w = w->next) {
        size_t i = 0;
        while (i < k && strcmp(names[i], w->service) != 0)
            i++;
        if (i == k)
            names[k++] = xstrdup(w->service); /* a copy: w may leave during the call */
    }
    double start = util_now();
    pthread_mutex_unlock(&p->mu);
    ecs_services got;
    aws_error err;
    aws_error_clear(&err);
    int rc = ecs_describe_services(p->c, p->cluster, names, k, &got, &err);
    for (size_t i = 0; i < k; i++)
        free((char *)names[i]);
    free(names);
    pthread_mutex_lock(&p->mu);
    ecs_services_free(&p->last);
    memset(&p->last, 0, sizeof p->last);
    p->last_failed = rc != 0;
    if (rc == 0)
        p->last = got;
    else
        p->last_err = err;
    p->round_start = start;
    p->round++;
    p->fetching = 0;
    pthread_cond_broadcast(&p->changed);
}

/* Copy what the last round said of w's service (p->mu held). */
static int serve(poller_watch *w, ecs_service *out, int *found, aws_error *err)
{
    poller *p = w->p;
    w->seen = p->round;
    if (p->last_failed) {
        *err = p->last_err;
        return -1;
    }
    for (size_t i = 0; i < p->last.n; i++) {
        const ecs_service *s = &p->last.items[i];
        if (same(s->name, w->service) || same(s->arn, w->service)) {
            ecs_service_copy(s, out);
            *found = 1;
            return 0;
        }
    }
    return 0; /* MISSING */
}

static void wait_until(poller *p, double until)
{
    double now = util_now(), pause = until - now;
    if (pause > CANCEL_CHECK_S)
        pause = CANCEL_CHECK_S;
    if (pause <= 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long ns = (long long)ts.tv_nsec + (long long)(pause * 1e9);
    ts.tv_sec += (time_t)(ns / 1000000000LL);
    ts.tv_nsec = (long)(ns % 1000000000LL);
    /* timed out or woken: the caller looks again either way */
    (void)pthread_cond_timedwait(&p->changed, &p->mu, &ts);
}

int poller_look(poller_watch *w, double earliest, double due, cancel_flag *cancel,
                ecs_service *out, int *found, double *round_at, aws_error *err)
{
    poller *p = w->p;
    memset(out, 0, sizeof *out);
    *found = 0;
    aws_error_clear(err);
    util_slots *slots = util_slots_of_thread();
    if (slots) /* waiting holds no slot; the round's call takes one (below) */
        util_slots_give(slots);
    pthread_mutex_lock(&p->mu);
    w->earliest = earliest;
    w->due = due < earliest ? earliest : due;
    w->waiting = 1;
    pthread_cond_broadcast(&p->changed); /* a leader waiting for a later due: look again */
    int rc = 0;
    for (;;) {
        if (answered(p, w)) {
            rc = serve(w, out, found, err);
            if (round_at)
                *round_at = p->round_start;
            break;
        }
        if (cancel_requested(cancel)) {
            aws_error_set(err, AWS_ERR_TIMEOUT, "Interrupted",
                          "interrupted while waiting for service %s", w->service);
            rc = -1;
            break;
        }
        double at = next_due(p);
        if (!p->fetching && util_now() >= at) {
            p->fetching = 1;
            if (slots) { /* the call holds a slot like any other; never with p->mu held */
                pthread_mutex_unlock(&p->mu);
                util_slots_take(slots);
                pthread_mutex_lock(&p->mu);
            }
            make_round(p);
            if (slots) {
                pthread_mutex_unlock(&p->mu);
                util_slots_give(slots);
                pthread_mutex_lock(&p->mu);
            }
            continue;
        }
        wait_until(p, p->fetching ? util_now() + CANCEL_CHECK_S : at);
    }
    w->waiting = 0;
    pthread_mutex_unlock(&p->mu);
    if (slots)
        util_slots_take(slots);
    return rc;
}
