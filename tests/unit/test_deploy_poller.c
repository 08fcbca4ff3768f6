/* The shared reader of a cluster's services (poller.h) against the local fake: one round
 * serves every watcher waiting in its window, more than 10 services go in batches of 10,
 * a missing service and a failed round reach each watcher as they should, a Ctrl-C ends a
 * wait at once; and the deployment watcher on it, several services at a time. */
#include "test_svc_ecs_env.h"

#include <pthread.h>

#include "poller.h"

typedef struct {
    poller_watch *w;
    double earliest, due;
    cancel_flag *cancel;
    int rc, found;
    double took, round_at;
    char status[16];
    aws_error err;
} looker;

static void *look(void *arg)
{
    looker *l = arg;
    ecs_service s;
    double t0 = util_now();
    l->rc = poller_look(l->w, l->earliest, l->due, l->cancel, &s, &l->found, &l->round_at, &l->err);
    l->took = util_now() - t0;
    if (l->rc == 0 && l->found)
        snprintf(l->status, sizeof l->status, "%s", s.status ? s.status : "?");
    if (l->rc == 0 && l->found)
        ecs_service_free(&s);
    return NULL;
}

/* n lookers on their own threads, all for the window [earliest, due]; joined. */
static void look_all(looker *l, size_t n, double earliest, double due, cancel_flag *cancel)
{
    pthread_t t[16];
    ck_assert_uint_le(n, 16);
    for (size_t i = 0; i < n; i++) {
        l[i].earliest = earliest;
        l[i].due = due;
        l[i].cancel = cancel;
        ck_assert_int_eq(pthread_create(&t[i], NULL, look, &l[i]), 0);
    }
    for (size_t i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

/* A cluster with `n` services named s0.. of a good image (not waited for). */
static void cluster_with(aws_client *c, const char *cluster, const char *tag, int n)
{
    ecs_test_net net;
    ecs_test_network(c, tag, &net);
    ecs_test_cluster(c, cluster);
    char *td = ecs_test_taskdef(c, tag, "nginx:1", NULL);
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        ecs_service_input in = ecs_test_service(cluster, name, td, 1, &net.subnets, &net.groups);
        ecs_test_create_service(c, &in, NULL);
    }
    free(td);
    ecs_test_network_free(&net);
}

START_TEST(one_round_serves_every_watcher_in_its_window)
{
    aws_client *c = fake_client();
    cluster_with(c, "poll-a", "pa", 12);
    looker l[13];
    memset(l, 0, sizeof l);
    for (int i = 0; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        l[i].w = poller_join(c, "poll-a", name);
    }
    l[12].w = poller_join(c, "poll-a", "never-made");
    /* 13 services: two DescribeServices (10 + 3; the fake refuses 11) in one round */
    double t0 = util_now();
    look_all(l, 13, t0, t0 + 0.5, NULL);
    double t_end = util_now();
    ck_assert_uint_eq(poller_rounds(l[0].w), 1);
    for (int i = 0; i < 12; i++) {
        ck_assert_msg(l[i].rc == 0, "%s", l[i].err.message);
        ck_assert_int_eq(l[i].found, 1);
        ck_assert_str_eq(l[i].status, "ACTIVE");
    }
    ck_assert_int_eq(l[12].rc, 0);
    ck_assert_int_eq(l[12].found, 0); /* MISSING: not found, not an error */
    /* every look says when the round that answered began: from its window's start, before
     * the look ended, the same for all */
    for (int i = 0; i < 13; i++) {
        ck_assert(l[i].round_at >= t0 && l[i].round_at <= t_end);
        ck_assert(l[i].round_at == l[0].round_at);
    }
    /* a look whose window the last round does not reach makes a new one; a look that a
     * round made in its window answers does not */
    double t1 = util_now();
    look_all(l, 2, t1, t1 + 0.2, NULL);
    ck_assert_uint_eq(poller_rounds(l[0].w), 2);
    look_all(l + 2, 1, t1, t1 + 0.2, NULL);
    ck_assert_uint_eq(poller_rounds(l[0].w), 2);
    ck_assert(l[2].round_at == l[0].round_at && l[0].round_at >= t1);
    for (int i = 0; i < 13; i++)
        poller_leave(l[i].w);
    aws_client_free(c);
}
END_TEST

START_TEST(a_failed_round_fails_each_look_and_a_ctrl_c_ends_the_wait)
{
    aws_client *c = fake_client();
    looker l[3];
    memset(l, 0, sizeof l);
    for (int i = 0; i < 3; i++)
        l[i].w = poller_join(c, "no-such-cluster", i ? "a" : "b");
    double t0 = util_now();
    look_all(l, 3, t0, t0 + 0.2, NULL);
    ck_assert_uint_eq(poller_rounds(l[0].w), 1);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(l[i].rc, -1);
        ck_assert_str_eq(l[i].err.code, "ClusterNotFoundException");
    }
    /* a look due in a minute, cancelled after 0.2 s: it ends then, with no round made */
    cancel_flag stop = 0;
    looker *waiting = &l[0];
    waiting->earliest = waiting->due = util_now() + 60;
    waiting->cancel = &stop;
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, look, waiting), 0);
    util_sleep(0.2, NULL);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    ck_assert_int_eq(waiting->rc, -1);
    ck_assert_msg(aws_error_is(&waiting->err, AWS_IS_CANCELLED), "%s", waiting->err.code);
    ck_assert_msg(waiting->took < 10, "the cancelled look took %.1f s", waiting->took);
    ck_assert_uint_eq(poller_rounds(l[0].w), 1);
    for (int i = 0; i < 3; i++)
        poller_leave(l[i].w);
    aws_client_free(c);
}
END_TEST

/* The deployment watcher on the poller: three services watched at once, one of them
 * crashing; its failure is its own, the others serve. */
typedef struct {
    aws_client *c;
    const char *cluster, *service, *td;
    cancel_flag *cancel;
    deploy_result r;
    int rc;
} watcher;

static void *watch_one(void *arg)
{
    watcher *x = arg;
    deploy_watch_request w = {.cluster = x->cluster, .service = x->service,
                              .task_definition = x->td, .timeout_s = 60, .poll_s = 0.05,
                              .cancel = x->cancel, .stop_at_failure = 1};
    x->rc = deploy_watch(x->c, &w, &x->r);
    return NULL;
}

START_TEST(a_failing_service_among_several_is_its_own_failure)
{
    aws_client *c = fake_client();
    ecs_test_net net;
    ecs_test_network(c, "pw", &net);
    ecs_test_cluster(c, "poll-w");
    char *good = ecs_test_taskdef(c, "pw-good", "nginx:1", NULL);
    char *bad = ecs_test_taskdef(c, "pw-bad", "crashloop:1", NULL);
    const char *names[] = {"web", "crashy", "api"};
    watcher x[3];
    memset(x, 0, sizeof x);
    for (int i = 0; i < 3; i++) {
        ecs_deployment_config dc = ECS_DEPLOYMENT_CONFIG_INIT;
        dc.circuit_breaker = 1;
        dc.rollback = 1;
        ecs_service_input in = ecs_test_service("poll-w", names[i], i == 1 ? bad : good, 1,
                                                &net.subnets, &net.groups);
        in.deployment = &dc;
        ecs_test_create_service(c, &in, NULL);
        x[i] = (watcher){.c = c, .cluster = "poll-w", .service = names[i], .td = in.task_definition};
    }
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, watch_one, &x[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    ck_assert_msg(x[0].rc == 0 && x[0].r.outcome == DEPLOY_OK, "web: %s", x[0].r.message);
    ck_assert_msg(x[2].rc == 0 && x[2].r.outcome == DEPLOY_OK, "api: %s", x[2].r.message);
    ck_assert_int_eq(x[1].rc, -1);
    ck_assert_msg(x[1].r.outcome == DEPLOY_ROLLED_BACK, "crashy: outcome %d: %s", x[1].r.outcome,
                  x[1].r.message);
    int named = 0;
    for (size_t i = 0; i < x[1].r.nreasons; i++)
        named |= strstr(x[1].r.reasons[i], "exit code 1") != NULL;
    ck_assert_msg(named, "crashy: no stopped task among %zu reasons: %s", x[1].r.nreasons,
                  x[1].r.message);
    for (int i = 0; i < 3; i++)
        deploy_result_free(&x[i].r);

    /* a Ctrl-C ends every watch of the cluster, each as interrupted */
    char *slow = ecs_test_taskdef(c, "pw-slow", "slowstart:1", NULL);
    cancel_flag stop = 0;
    for (int i = 0; i < 3; i += 2) {
        ecs_test_update_td(c, "poll-w", names[i], slow, NULL);
        x[i] = (watcher){.c = c, .cluster = "poll-w", .service = names[i], .td = slow,
                         .cancel = &stop};
        ck_assert_int_eq(pthread_create(&t[i], NULL, watch_one, &x[i]), 0);
    }
    util_sleep(0.3, NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i += 2) {
        pthread_join(t[i], NULL);
        ck_assert_msg(x[i].r.outcome == DEPLOY_INTERRUPTED, "%s: outcome %d: %s", names[i],
                      x[i].r.outcome, x[i].r.message);
        deploy_result_free(&x[i].r);
    }
    free(good);
    free(bad);
    free(slow);
    ecs_test_network_free(&net);
    aws_client_free(c);
}
END_TEST

Suite *deploy_poller_suite(void)
{
    const TTest *const tests[] = {one_round_serves_every_watcher_in_its_window,
                                  a_failed_round_fails_each_look_and_a_ctrl_c_ends_the_wait,
                                  a_failing_service_among_several_is_its_own_failure, NULL};
    return fake_suite("deploy_poller", NULL, NULL, 0, tests);
}
