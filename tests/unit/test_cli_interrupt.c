/* Ctrl-C handling (src/cli/interrupt.c): a SIGINT is never lost, whichever thread of the
 * process the kernel hands it to -- here sent to the thread that watches for it, which
 * the kernel may pick while it waits in read(). Each test runs in its own process. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../src/cli/session_internal.h"
#include "unit_suite.h"

/* 1 when thread tid is blocked in read(2) now (/proc/self/task/TID/syscall). */
static int in_read(pid_t tid)
{
    char path[64], line[128] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = fgets(line, sizeof line, f) && atol(line) == SYS_read && line[0] != '-';
    fclose(f);
    return ok;
}

/* Send sig to the threads of this process (but the calling one) that wait in read(). */
static int signal_reading_threads(int sig)
{
    DIR *d = opendir("/proc/self/task");
    pid_t me = (pid_t)syscall(SYS_gettid), pid = getpid();
    int sent = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid > 0 && tid != me && in_read(tid) && syscall(SYS_tgkill, pid, tid, sig) == 0)
            sent++;
    }
    if (d)
        closedir(d);
    return sent;
}

static int wait_cancelled(cli_session *s)
{
    for (int i = 0; i < 300; i++) {
        if (cancel_requested(s->ctx.cancel))
            return 1;
        usleep(10000);
    }
    return 0;
}

START_TEST(sigint_to_the_watcher_thread_is_not_lost)
{
    cli_session s;
    memset(&s, 0, sizeof s);
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr)); /* its message */
    cli_interrupts_install(&s);
    ck_assert_ptr_nonnull(s.ctx.cancel);
    ck_assert_int_eq(cancel_requested(s.ctx.cancel), 0);
    usleep(50000); /* the watcher is waiting in read() */
    ck_assert_int_eq(signal_reading_threads(SIGINT), 1);
    ck_assert_msg(wait_cancelled(&s), "the SIGINT was lost");
    cli_interrupts_remove();
}
END_TEST

START_TEST(sigint_to_the_main_thread)
{
    cli_session s;
    memset(&s, 0, sizeof s);
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    cli_interrupts_install(&s);
    ck_assert_int_eq(raise(SIGINT), 0);
    ck_assert_msg(wait_cancelled(&s), "the SIGINT was lost");
    cli_interrupts_remove();
    /* a new run starts with the flag down */
    cli_interrupts_install(&s);
    ck_assert_int_eq(cancel_requested(s.ctx.cancel), 0);
    cli_interrupts_remove();
}
END_TEST

UNIT_SUITE(cli_interrupt, 0, sigint_to_the_watcher_thread_is_not_lost, sigint_to_the_main_thread)
