/*
 * exec_forward: a local TCP port forwarded through a task's ECS Exec agent to a port of
 * the task or of a host the task can reach (a database), without the session-manager
 * plugin. Each local connection gets its own Session Manager session (SSM StartSession
 * with AWS-StartPortForwardingSession, or ...ToRemoteHost with a host), whose data channel
 * carries that one connection's bytes as Output payloads both ways. When the local side
 * closes, the agent is told (Flag DisconnectToPort, then TerminateSession) and the session
 * is terminated; a Ctrl-C ends every connection the same way.
 *
 * One connection per session keeps to the plain (not multiplexed) stream the agent speaks
 * to clients before 1.1.70; connections still run side by side, each on its own thread.
 * The agent does not tell such a client when the remote end closes: a connection ends
 * when the local client closes it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "session_internal.h"
#include "ssm.h"
#include "xalloc.h"

/* Connections served at once; more wait in the listen queue. */
#define FORWARD_MAX 16
/* A connection's session lasts at most this long (AWS ends idle ones after 20 minutes). */
#define FORWARD_SESSION_S (24 * 3600.0)

typedef struct conn conn;

typedef struct {
    aws_client *aws;
    const exec_forward_opts *o;
    char *target;                 /* "ecs:CLUSTER_TASKID_RUNTIMEID" */
    pthread_mutex_t lock;
    conn *slots[FORWARD_MAX];
    unsigned long served;
} forwarder;

struct conn {
    forwarder *f;
    int fd;
    unsigned long number;
    cancel_flag stop;             /* Ctrl-C, or the local side cannot be written to */
    pthread_t thread;
    int done;
};

static void note(const forwarder *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const forwarder *f, const char *fmt, ...)
{
    if (!f->o->note)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    f->o->note(f->o->ud, msg);
}

/* The agent's bytes to the local connection. */
static void to_local(void *ctx, const unsigned char *p, size_t len)
{
    conn *c = ctx;
    while (len && !atomic_load(&c->stop)) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            atomic_store(&c->stop, 1); /* the local client went away: end the session */
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

static int start_session(forwarder *f, ssm_session *s, aws_error *err)
{
    const exec_forward_opts *o = f->o;
    char port[16];
    snprintf(port, sizeof port, "%d", o->remote_port);
    svc_tag params[2] = {{(char *)"portNumber", port}, {(char *)"host", (char *)o->remote_host}};
    svc_tags list = {params, o->remote_host ? 2 : 1};
    const char *doc = o->remote_host ? "AWS-StartPortForwardingSessionToRemoteHost"
                                     : "AWS-StartPortForwardingSession";
    return ssm_start_session(f->aws, f->target, doc, &list, s, err);
}

static void *serve(void *arg)
{
    conn *c = arg;
    forwarder *f = c->f;
    ssm_session s;
    aws_error err;
    double t0 = util_now();
    if (start_session(f, &s, &err) != 0) {
        note(f, "connection %lu: the session could not start: %s: %s", c->number, err.code,
             err.message);
    } else {
        exec_run_opts ro = {.target = f->o->target, .output = to_local, .ctx = c,
                            .input_fd = c->fd, .cancel = &c->stop, .debug = f->o->debug};
        if (exec_session_run_(f->aws, &ro, s.session_id, s.stream_url, s.token, 1,
                              util_now() + FORWARD_SESSION_S, &err) != 0 &&
            !aws_error_is(&err, AWS_IS_CANCELLED))
            note(f, "connection %lu ended: %s", c->number, err.message);
        else if (f->o->debug)
            note(f, "connection %lu closed after %.1f s", c->number, util_now() - t0);
        aws_error e2;
        ssm_terminate_session(f->aws, s.session_id, &e2); /* already over: no matter */
        ssm_session_free(&s);
    }
    /* what the local client sent and no session took is read away first, so the close is
     * an end of stream (FIN), not a reset */
    char drop[4096];
    shutdown(c->fd, SHUT_WR);
    while (recv(c->fd, drop, sizeof drop, MSG_DONTWAIT) > 0)
        ;
    close(c->fd);
    pthread_mutex_lock(&f->lock);
    c->done = 1;
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* Join the finished connections; the number still running. */
static size_t reap(forwarder *f, int all)
{
    size_t running = 0;
    for (size_t i = 0; i < FORWARD_MAX; i++) {
        pthread_mutex_lock(&f->lock);
        conn *c = f->slots[i];
        int done = c && c->done;
        pthread_mutex_unlock(&f->lock);
        if (!c)
            continue;
        if (!done && !all) {
            running++;
            continue;
        }
        pthread_join(c->thread, NULL);
        free(c);
        f->slots[i] = NULL;
    }
    return running;
}

static int listen_on(int port, int *bound, aws_error *err)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        aws_error_set(err, AWS_ERR_INPUT, "LocalPortUnavailable",
                      "cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

static void accept_one(forwarder *f, int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        return;
    size_t slot = FORWARD_MAX;
    for (size_t i = 0; i < FORWARD_MAX && slot == FORWARD_MAX; i++)
        if (!f->slots[i])
            slot = i;
    if (slot == FORWARD_MAX) {
        note(f, "%d connections are open already: refusing one more", FORWARD_MAX);
        close(fd);
        return;
    }
    conn *c = xcalloc(1, sizeof *c);
    c->f = f;
    c->fd = fd;
    c->number = ++f->served;
    f->slots[slot] = c;
    if (pthread_create(&c->thread, NULL, serve, c) != 0) {
        close(fd);
        free(c);
        f->slots[slot] = NULL;
    }
}

int exec_forward(aws_client *aws, const exec_forward_opts *o, aws_error *err)
{
    aws_error_clear(err);
    int bound = 0;
    int lfd = listen_on(o->local_port, &bound, err);
    if (lfd < 0)
        return -1;
    const exec_target *t = o->target;
    forwarder f = {.aws = aws, .o = o};
    pthread_mutex_init(&f.lock, NULL);
    f.target = xasprintf("ecs:%s_%s_%s", t->cluster_name, t->task_id,
                         t->runtime_id ? t->runtime_id : "");
    if (o->ready)
        o->ready(o->ud, bound);
    while (!cancel_requested(o->cancel)) {
        struct pollfd p = {.fd = lfd, .events = POLLIN};
        int n = poll(&p, 1, 200);
        if (n < 0 && errno != EINTR) {
            aws_error_set(err, AWS_ERR_NETWORK, "ForwardFailed", "poll: %s", strerror(errno));
            break;
        }
        if (n > 0 && (p.revents & POLLIN))
            accept_one(&f, lfd);
        reap(&f, 0);
    }
    close(lfd);
    for (size_t i = 0; i < FORWARD_MAX; i++) { /* every connection ends its session */
        pthread_mutex_lock(&f.lock);
        if (f.slots[i])
            atomic_store(&f.slots[i]->stop, 1);
        pthread_mutex_unlock(&f.lock);
    }
    reap(&f, 1);
    pthread_mutex_destroy(&f.lock);
    free(f.target);
    return err->code[0] ? -1 : 0;
}
