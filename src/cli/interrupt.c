/*
 * Ctrl-C during a run. The signal handler only writes a byte to a pipe; a watcher thread
 * does the rest: the first interrupt asks the run to stop starting work (calls in flight
 * finish, then the rollback runs), the second exits at once, listing what was in flight.
 *
 * The kernel hands a process-wide signal to any thread that does not block it -- the
 * watcher too, while it waits in read(): that read is then interrupted (EINTR) and must
 * simply be made again, or the byte the handler just wrote is never read and the Ctrl-C
 * is lost. Removal waits for handlers still running on other threads, so that none
 * writes its byte after the watcher was told to stop.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session_internal.h"

static int pipe_fds[2] = {-1, -1};
static pthread_t watcher;
static cli_session *session;
static cancel_flag interrupted;
static struct sigaction old_int, old_term;
static atomic_int in_handler; /* handlers running now, on any thread */

static void on_signal(int sig)
{
    int saved = errno;
    atomic_fetch_add(&in_handler, 1);
    unsigned char b = (unsigned char)sig;
    ssize_t n;
    do
        n = pipe_fds[1] >= 0 ? write(pipe_fds[1], &b, 1) : 1;
    while (n < 0 && errno == EINTR);
    if (n < 0)
        _exit(130);
    atomic_fetch_sub(&in_handler, 1);
    errno = saved;
}

/* The next byte from the pipe: 1, or 0 when it is closed or broken. */
static int next_byte(unsigned char *b)
{
    for (;;) {
        ssize_t n = read(pipe_fds[0], b, 1);
        if (n == 1)
            return 1;
        if (n < 0 && errno == EINTR) /* a signal came to this thread: read again */
            continue;
        return 0;
    }
}

static void *watch(void *arg)
{
    (void)arg;
    int presses = 0;
    unsigned char b;
    while (next_byte(&b)) {
        if (b == 0) /* removal */
            return NULL;
        if (++presses == 1) {
            atomic_store(&interrupted, 1);
            fprintf(stderr, "\necsdeploy: interrupted: starting nothing new, finishing the calls "
                            "in flight (press Ctrl-C again to exit at once)\n");
            continue;
        }
        fprintf(stderr, "\necsdeploy: interrupted again: exiting now.");
        char **ids = session ? cli_session_in_flight(session) : NULL;
        if (ids) {
            fprintf(stderr, " In flight:");
            for (size_t i = 0; ids[i]; i++)
                fprintf(stderr, " %s", ids[i]);
            if (!ids[0])
                fprintf(stderr, " nothing");
        }
        cli_lock_abandon(1.0);
        fprintf(stderr, "\necsdeploy: run the same command again to converge.\n");
        _exit(130);
    }
    return NULL;
}

void cli_interrupts_request(void)
{
    atomic_store(&interrupted, 1);
}

void cli_interrupts_install(cli_session *s)
{
    session = s;
    atomic_store(&interrupted, 0);
    s->ctx.cancel = &interrupted;
    if (pipe(pipe_fds) != 0)
        return;
    pthread_create(&watcher, NULL, watch, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* other threads' reads and writes go on as if nothing came */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
}

void cli_interrupts_remove(void)
{
    if (pipe_fds[0] < 0)
        return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    while (atomic_load(&in_handler) > 0) /* a Ctrl-C being handled on another thread */
        sched_yield();
    unsigned char zero = 0;
    if (write(pipe_fds[1], &zero, 1) == 1)
        pthread_join(watcher, NULL);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    pipe_fds[0] = pipe_fds[1] = -1;
    session = NULL;
}

void cli_catch_interrupts(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* the terminal went away: stop the same way */
    signal(SIGPIPE, SIG_IGN);
}
