/* The stack's lock for the commands that change it (see lock.h): taking it, saying who
 * holds it, stopping the run when it is lost, releasing it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "session_internal.h"
#include "lock.h"
#include "text.h"

/* The lock this process holds (one at a time), for the second Ctrl-C to give back. */
static _Atomic(lock_handle *) live;

/* From the renewal thread: say so, and stop the run as a first Ctrl-C would. */
static void on_lost(void *ud, const char *why)
{
    text_printf(stderr, "\necsdeploy: the lock on stack %s was lost: %s. Stopping: nothing new "
                        "starts (another run may be changing the stack now).\n",
                (const char *)ud, why);
    cli_interrupts_request();
}

int cli_lock_take(aws_client *aws, const char *stack, const char *service, const char *command,
                  lock_handle **out)
{
    lock_info held;
    int took_over = 0;
    aws_error err;
    char who[1024];
    int rc = lock_take(aws, stack, service, command, on_lost, (void *)stack, out, &held,
                       &took_over, &err);
    if (rc < 0) {
        cli_print_aws_error("taking the stack's lock", &err);
        return EXIT_AWS;
    }
    lock_describe(&held, who, sizeof who);
    if (rc > 0) {
        const char *svc = strstr(held.key ? held.key : "", "/services/");
        if (svc) /* a deploy's */
            text_printf(stderr, "ecsdeploy: stack %s is locked: service %.*s is being deployed "
                                "by %s.\n", stack, (int)(strlen(svc + 10) - 5), svc + 10, who);
        else
            text_printf(stderr, "ecsdeploy: stack %s is locked by %s.\n", stack, who);
        fprintf(stderr, "ecsdeploy: another run is changing it; wait for it to end. If that run "
                        "is gone (killed), `ecsdeploy unlock` removes the lock, or it expires "
                        "%d s after its last renewal.\n", held.ttl_s);
        lock_info_free(&held);
        return EXIT_AWS;
    }
    if (!service) /* the run's own: the second Ctrl-C gives it back */
        atomic_store(&live, *out);
    if (took_over)
        text_printf(stderr, "ecsdeploy: took over the lock of stack %s, which %s had left "
                            "(not renewed for %d s or more: that run is gone).\n",
                    stack, who, held.ttl_s);
    lock_info_free(&held);
    return EXIT_OK;
}

int cli_lock_check(lock_handle *h, const char *stack)
{
    if (!lock_lost(h))
        return EXIT_OK;
    fprintf(stderr, "ecsdeploy: nothing was changed: the lock on stack %s was lost before the "
                    "run began\n", stack);
    return EXIT_AWS;
}

void cli_lock_release(lock_handle *h, int remove_bucket)
{
    aws_error err;
    lock_handle *mine = h;
    if (!h)
        return;
    if (atomic_load(&live) == h && !atomic_compare_exchange_strong(&live, &mine, NULL))
        return; /* the second Ctrl-C gave it back already */
    if (lock_release(h, remove_bucket, &err) != 0)
        cli_print_aws_error("releasing the stack's lock (it expires by itself)", &err);
}

static void *give_back(void *h)
{
    aws_error err;
    lock_release(h, 0, &err);
    return NULL;
}

void cli_lock_abandon(double seconds)
{
    lock_handle *h = atomic_exchange(&live, NULL);
    pthread_t t;
    if (!h || pthread_create(&t, NULL, give_back, h) != 0)
        return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)seconds;
    until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    if (pthread_timedjoin_np(t, NULL, &until) != 0)
        fprintf(stderr, "\necsdeploy: the stack's lock could not be given back in time; it "
                        "expires by itself, or `ecsdeploy unlock` removes it.");
}
