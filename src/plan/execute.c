/*
 * The executor: every node's action on a thread of its own, each node as soon as what
 * it needs is done, at most `parallel` of them working at once while waiting for AWS
 * does not count (slots.h); a journal of what was done, and the rollback that undoes it
 * in reverse order.
 *
 * When a node may start:
 *   create, update, replace, and a wait for a node an earlier run left changing (see
 *   plan_needs_settle): all its dependencies are done;
 *   delete: every create/update/replace of the run is done, no pending deletion depends
 *   on it, and no pending deletion is of a kind its kind is deleted after (the teardown
 *   order of the registry, src/resources/registry.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "plan.h"
#include "slots.h"
#include "xalloc.h"

typedef enum { JOB_WAITING, JOB_RUNNING, JOB_DONE, JOB_FAILED } job_state;

typedef struct {
    res_node *node;
    res_action action;
    cJSON *previous; /* update: the actual properties before */
} journal_entry;

typedef struct executor executor;

typedef struct {
    executor *x;
    size_t index;     /* of the node in the graph */
    pthread_t thread;
    int thread_live;  /* started and not joined yet */
} job;

struct executor {
    res_ctx *ctx;
    res_graph *g;
    job_state *state;
    job *jobs;        /* one per node */
    util_slots slots; /* `parallel` of them: a job holds one except while it sleeps */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int stop;
    size_t running;
    journal_entry *journal;
    size_t njournal;
    char *failure;
};

static int pending(const executor *x, size_t i)
{
    return x->state[i] == JOB_WAITING || x->state[i] == JOB_RUNNING;
}

static int depends_on(const res_node *n, const res_node *dep)
{
    for (size_t i = 0; i < n->ndeps; i++)
        if (n->deps[i] == dep)
            return 1;
    return 0;
}

static int ready(const executor *x, size_t i)
{
    const res_node *n = x->g->nodes[i];
    if (n->action != RES_DELETE) {
        for (size_t d = 0; d < n->ndeps; d++) {
            const res_node *dep = n->deps[d];
            for (size_t j = 0; j < x->g->n; j++)
                if (x->g->nodes[j] == dep && x->state[j] != JOB_DONE)
                    return 0;
        }
        return 1;
    }
    for (size_t j = 0; j < x->g->n; j++) {
        if (j == i || !pending(x, j))
            continue;
        const res_node *o = x->g->nodes[j];
        if (o->action != RES_DELETE)
            return 0;
        if (depends_on(o, n) || res_registry_deleted_after(x->g->registry, n->kind, o->kind))
            return 0;
    }
    return 1;
}

/* The first reference in props, as "ID.ATTR", or NULL. */
static char *first_ref(const cJSON *props)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(props, "ref");
    const cJSON *attr = cJSON_GetObjectItemCaseSensitive(props, "attr");
    if (cJSON_IsString(ref) && cJSON_IsString(attr) && cJSON_GetArraySize(props) == 2)
        return xasprintf("%s.%s", ref->valuestring, attr->valuestring);
    for (const cJSON *c = props ? props->child : NULL; c; c = c->next) {
        char *found = first_ref(c);
        if (found)
            return found;
    }
    return NULL;
}

/* Resolve n->desired for an action; a reference still unknown now is a fault in the
 * graph (its target is missing), reported instead of sent to AWS. */
static int resolve_desired(executor *x, res_node *n, cJSON **original, aws_error *err)
{
    *original = n->desired;
    n->desired = res_resolve(x->ctx, *original);
    char *missing = first_ref(n->desired);
    if (!missing)
        return 0;
    aws_error_set(err, AWS_ERR_INPUT, "UnresolvedReference",
                  "%s needs %s, which is not known (the resource it names does not exist)",
                  n->id, missing);
    free(missing);
    cJSON_Delete(n->desired);
    n->desired = *original;
    return -1;
}

/* Whether n's resolved desired properties still differ from what it has. */
static int differs(const res_node *n)
{
    res_changes ch;
    res_diff(n->kind, n->desired, n->actual, &ch);
    int any = ch.n > 0;
    res_changes_free(&ch);
    return any;
}

static int run_create(executor *x, res_node *n, aws_error *err)
{
    cJSON *original;
    if (resolve_desired(x, n, &original, err) != 0)
        return -1;
    int rc = n->kind->create(x->ctx, n, err);
    cJSON_Delete(n->desired);
    n->desired = original;
    return rc;
}

static int run_action(executor *x, res_node *n, cJSON **previous, aws_error *err)
{
    switch (n->action) {
    case RES_CREATE:
        return run_create(x, n, err);
    case RES_UPDATE: {
        cJSON *original;
        if (resolve_desired(x, n, &original, err) != 0)
            return -1;
        if (!differs(n)) {
            /* planned only for values unknown then (a log group made again under the
             * same name): equal once known, so nothing to send and nothing to undo */
            res_event(x->ctx, n, RES_UPDATE, RES_EV_PROGRESS,
                      "the same as before once the new values are known");
            cJSON_Delete(n->desired);
            n->desired = original;
            return 0;
        }
        *previous = n->actual ? cJSON_Duplicate(n->actual, 1) : NULL;
        int rc = n->kind->update(x->ctx, n, err);
        cJSON_Delete(n->desired);
        n->desired = original;
        return rc;
    }
    case RES_REPLACE:
        if (n->kind->remove(x->ctx, n, err) != 0)
            return -1;
        res_node_set(x->ctx, n, NULL, NULL);
        return run_create(x, n, err);
    case RES_DELETE:
        if (n->kind->remove(x->ctx, n, err) != 0)
            return -1;
        res_node_set(x->ctx, n, NULL, NULL);
        return 0;
    case RES_NONE: /* only nodes that need settling run */
        return n->kind->settle(x->ctx, n, err);
    }
    return 0;
}

static void finish_job(executor *x, size_t i, int rc, cJSON *previous, const aws_error *err)
{
    res_node *n = x->g->nodes[i];
    pthread_mutex_lock(&x->lock);
    x->running--;
    /* made or changed, then failed (a service that never became steady): undo it too */
    int partial = rc != 0 && ((n->action == RES_CREATE && n->physical_id) ||
                              (n->action == RES_UPDATE && previous));
    if (rc == 0 || partial) {
        x->journal = xrealloc(x->journal, (x->njournal + 1) * sizeof *x->journal);
        x->journal[x->njournal++] = (journal_entry){n, n->action, previous};
    } else {
        cJSON_Delete(previous);
    }
    /* a wait cut short by Ctrl-C: the run's failure is the interrupt, not this */
    int interrupted = rc != 0 && cancel_requested(x->ctx->cancel) &&
                      aws_error_is(err, AWS_IS_CANCELLED);
    if (rc == 0) {
        x->state[i] = JOB_DONE;
    } else {
        x->state[i] = JOB_FAILED;
        x->stop = 1;
        if (!x->failure && !interrupted) {
            char msg[1400];
            x->failure = xasprintf("%s: %s: %s", n->id,
                                   n->action == RES_NONE ? "wait" : plan_action_name(n->action),
                                   aws_error_format(err, msg, sizeof msg));
        }
    }
    pthread_cond_broadcast(&x->changed);
    pthread_mutex_unlock(&x->lock);
}

/* Under the lock: a node that may start now, NO_JOB_YET when one may once a running job
 * ends, or RUN_OVER when nothing more will start (stopped, all done, or stuck). */
#define NO_JOB_YET ((size_t)-1)
#define RUN_OVER ((size_t)-2)

static size_t pick_job(executor *x)
{
    if (cancel_requested(x->ctx->cancel))
        x->stop = 1;
    int waiting = 0;
    for (size_t i = 0; !x->stop && i < x->g->n; i++) {
        if (x->state[i] != JOB_WAITING)
            continue;
        waiting = 1;
        if (ready(x, i))
            return i;
    }
    if (waiting && x->running == 0 && !x->stop && !x->failure) {
        /* Nothing runs and nothing can start: a dependency that never completes.
         * Never report that as success. */
        x->stop = 1;
        buf b = BUF_INIT;
        for (size_t i = 0; i < x->g->n; i++)
            if (x->state[i] == JOB_WAITING)
                buf_printf(&b, "%s%s", b.len ? ", " : "", x->g->nodes[i]->id);
        x->failure = xasprintf("these actions could never start (their dependencies did "
                               "not complete): %s", buf_str(&b));
        buf_free(&b);
    }
    return x->stop || !waiting || x->running == 0 ? RUN_OVER : NO_JOB_YET;
}

/* One node's action, on its own thread, holding one of the run's slots (given back
 * while it sleeps: slots.h). */
static void *run_job(void *arg)
{
    executor *x = ((job *)arg)->x;
    size_t i = ((job *)arg)->index;
    res_node *n = x->g->nodes[i];
    util_slots_held(&x->slots);
    aws_error err;
    aws_error_clear(&err);
    cJSON *previous = NULL;
    res_event(x->ctx, n, n->action, RES_EV_START, "%s%s", n->label,
              n->action == RES_NONE ? ": unchanged, but an earlier run left it changing" : "");
    int rc = run_action(x, n, &previous, &err);
    char msg[1400];
    if (rc == 0)
        res_event(x->ctx, n, n->action, RES_EV_DONE, "%s",
                  n->action == RES_DELETE ? "deleted" : n->physical_id ? n->physical_id : "done");
    else /* the first line: a failure's details are told once, in the run's result */
        res_event(x->ctx, n, n->action, RES_EV_FAILED, "%.*s",
                  (int)strcspn(aws_error_format(&err, msg, sizeof msg), "\n"), msg);
    finish_job(x, i, rc, previous, &err);
    util_slots_held(NULL);
    util_slots_give(&x->slots);
    return NULL;
}

/* Join the threads of jobs that have ended (under the lock: an ended job no longer
 * takes it), so that a long run does not keep their stacks. */
static void reap_jobs(executor *x)
{
    for (size_t i = 0; i < x->g->n; i++)
        if (x->jobs[i].thread_live && (x->state[i] == JOB_DONE || x->state[i] == JOB_FAILED)) {
            pthread_join(x->jobs[i].thread, NULL);
            x->jobs[i].thread_live = 0;
        }
}

/*
 * Start every node as soon as it may, each on a thread of its own once a slot is free.
 * A job holds its slot while it calls AWS and gives it back while it sleeps between
 * polls, so `parallel` bounds the work in flight, not the waits: a node waiting for AWS
 * never keeps another from starting.
 */
static void dispatch(executor *x)
{
    for (;;) {
        pthread_mutex_lock(&x->lock);
        size_t i;
        while ((i = pick_job(x)) == NO_JOB_YET) {
            pthread_cond_wait(&x->changed, &x->lock);
            reap_jobs(x);
        }
        pthread_mutex_unlock(&x->lock);
        if (i == RUN_OVER)
            break;
        /* Only this thread starts jobs and a ready node stays ready, so i still may
         * start once a slot is free, unless the run stopped meanwhile. */
        util_slots_take(&x->slots);
        pthread_mutex_lock(&x->lock);
        if (x->stop || (cancel_requested(x->ctx->cancel))) {
            pthread_mutex_unlock(&x->lock);
            util_slots_give(&x->slots);
            continue;
        }
        x->state[i] = JOB_RUNNING;
        x->running++;
        x->jobs[i].thread_live = pthread_create(&x->jobs[i].thread, NULL, run_job, &x->jobs[i]) == 0;
        pthread_mutex_unlock(&x->lock);
        if (!x->jobs[i].thread_live) { /* no thread to be had: run it here */
            run_job(&x->jobs[i]);
            util_slots_held(NULL);
        }
    }
    for (size_t i = 0; i < x->g->n; i++)
        if (x->jobs[i].thread_live)
            pthread_join(x->jobs[i].thread, NULL);
}

/* Once every action is done: the waits kinds left to the end (res_kind.ready) for what
 * this run created. By then they are mostly over (a service steady behind a load
 * balancer needed it active), so one look each, in turn. */
static void await_ready(executor *x)
{
    for (size_t i = 0; i < x->g->n && !x->failure; i++) {
        res_node *n = x->g->nodes[i];
        if (x->state[i] != JOB_DONE || !n->kind->ready ||
            (n->action != RES_CREATE && n->action != RES_REPLACE))
            continue;
        aws_error err;
        aws_error_clear(&err);
        if (n->kind->ready(x->ctx, n, &err) == 0)
            continue;
        char msg[1400];
        res_event(x->ctx, n, n->action, RES_EV_FAILED, "%.*s",
                  (int)strcspn(aws_error_format(&err, msg, sizeof msg), "\n"), msg);
        if (!(cancel_requested(x->ctx->cancel) && aws_error_is(&err, AWS_IS_CANCELLED)))
            x->failure = xasprintf("%s: wait: %s", n->id, aws_error_format(&err, msg, sizeof msg));
        else
            x->stop = 1;
    }
}

static void add_left(plan_exec_result *r, const char *what)
{
    r->left = xrealloc(r->left, (r->nleft + 1) * sizeof *r->left);
    r->left[r->nleft++] = xstrdup(what);
}

/* Undo the journal, newest first. A Ctrl-C now does not cut the rollback's waits short
 * (the second one exits at once). */
static void rollback(executor *x, plan_exec_result *r)
{
    res_ctx *ctx = x->ctx;
    cancel_flag *cancel = ctx->cancel;
    ctx->cancel = NULL;
    ctx->rolling_back = 1;
    r->rollback_failed = 0;
    for (size_t k = x->njournal; k-- > 0;) {
        journal_entry *e = &x->journal[k];
        res_node *n = e->node;
        aws_error err;
        aws_error_clear(&err);
        int rc = 0;
        char msg[1400];
        res_action undo = e->action == RES_CREATE ? RES_DELETE : e->action;
        if (e->action == RES_CREATE) {
            res_event(ctx, n, RES_DELETE, RES_EV_START, "rollback: delete what this run created");
            rc = n->kind->remove(ctx, n, &err);
            if (rc == 0)
                res_node_set(ctx, n, NULL, NULL);
        } else if (e->action == RES_UPDATE && e->previous) {
            res_event(ctx, n, RES_UPDATE, RES_EV_START, "rollback: restore the previous settings");
            cJSON *desired = n->desired;
            n->desired = e->previous;
            rc = n->kind->update(ctx, n, &err);
            n->desired = desired;
        } else if (e->action == RES_REPLACE || e->action == RES_DELETE) {
            res_event(ctx, n, e->action, RES_EV_NOTE, "rollback: a %s cannot be undone",
                      plan_action_name(e->action));
            continue;
        } else {
            continue;
        }
        if (rc != 0) {
            r->rollback_failed = 1;
            res_event(ctx, n, undo, RES_EV_FAILED, "rollback: %s", aws_error_format(&err, msg, sizeof msg));
            add_left(r, n->physical_id ? n->physical_id : n->id);
        } else {
            res_event(ctx, n, undo, RES_EV_DONE, "rolled back");
        }
    }
    r->rolled_back = !r->rollback_failed;
    ctx->rolling_back = 0;
    ctx->cancel = cancel;
}

int plan_execute(res_ctx *ctx, const plan_exec_options *o, plan_exec_result *r)
{
    memset(r, 0, sizeof *r);
    executor x = {0};
    x.ctx = ctx;
    x.g = ctx->graph;
    x.state = xcalloc(x.g->n ? x.g->n : 1, sizeof *x.state);
    for (size_t i = 0; i < x.g->n; i++)
        x.state[i] = x.g->nodes[i]->action == RES_NONE && !plan_needs_settle(ctx, x.g->nodes[i])
                         ? JOB_DONE : JOB_WAITING;
    pthread_mutex_init(&x.lock, NULL);
    pthread_cond_init(&x.changed, NULL);

    util_slots_init(&x.slots, o->parallel);
    x.jobs = xcalloc(x.g->n ? x.g->n : 1, sizeof *x.jobs);
    for (size_t i = 0; i < x.g->n; i++)
        x.jobs[i] = (job){.x = &x, .index = i};
    dispatch(&x);
    if (!x.failure && !cancel_requested(ctx->cancel))
        await_ready(&x);

    r->done = x.njournal;
    int interrupted = cancel_requested(ctx->cancel);
    if (x.failure || interrupted) {
        r->failed = 1;
        r->failure = x.failure ? x.failure : xstrdup("interrupted");
        x.failure = NULL;
        if (o->rollback)
            rollback(&x, r);
    }
    for (size_t k = 0; k < x.njournal; k++)
        cJSON_Delete(x.journal[k].previous);
    free(x.journal);
    free(x.state);
    free(x.jobs);
    util_slots_destroy(&x.slots);
    pthread_mutex_destroy(&x.lock);
    pthread_cond_destroy(&x.changed);
    return r->failed ? -1 : 0;
}

void plan_exec_result_free(plan_exec_result *r)
{
    free(r->failure);
    for (size_t i = 0; i < r->nleft; i++)
        free(r->left[i]);
    free(r->left);
    memset(r, 0, sizeof *r);
}
