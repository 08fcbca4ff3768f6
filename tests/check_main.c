/*
 * The one test runner `make check` starts. It runs every unit suite (each
 * tests/unit/test_*.c contributes `Suite *NAME_suite(void)`, listed in the generated
 * suites.h) and every scripted test (tests/fakeaws/tests/test_*.py, tests/e2e/test_*),
 * listed in scripts.h, as one Check suite, so the last lines printed are Check's summary.
 *
 * A script passes with exit 0 and is skipped with exit 77 (its last line says why); its
 * whole output goes to build/test-logs/NAME.log and the tail is shown when it fails.
 *
 * The scripts spend most of their time waiting on a fake, so they do not run one after
 * the other: a pool process starts them all at the beginning, CHECK_JOBS at a time
 * (default 3), while the unit suites run; each one's exit code and duration land in
 * build/test-logs/NAME.status, and the Check test of a script waits for that file.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

static const char *scripts[] = {
#define SCRIPT(path) path,
#include "scripts.h"
#undef SCRIPT
    NULL};

static size_t script_count(void)
{
    size_t n = 0;
    while (scripts[n])
        n++;
    return n;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void log_path(const char *script, char *out, size_t size)
{
    const char *top = getenv("TOP");
    snprintf(out, size, "%s/build/test-logs/%s.log", top ? top : ".", base_name(script));
}

/* Print the last `lines` lines of a file to stderr. */
static void show_tail(const char *path, int lines)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long end = ftell(f), pos = end;
    int seen = 0;
    while (pos > 0 && seen <= lines) {
        fseek(f, --pos, SEEK_SET);
        if (fgetc(f) == '\n')
            seen++;
    }
    fseek(f, pos ? pos + 1 : 0, SEEK_SET);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, stderr);
    fclose(f);
}

static void last_line(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (line[0] != '\n')
            snprintf(out, size, "%s", line);
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

static void status_path(const char *script, char *out, size_t size)
{
    const char *top = getenv("TOP");
    snprintf(out, size, "%s/build/test-logs/%s.status", top ? top : ".", base_name(script));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Start one script with its output in its log; returns the pid, or -1. */
static pid_t spawn_script(const char *script)
{
    const char *top = getenv("TOP");
    char log[4096];
    log_path(script, log, sizeof log);
    const char *ext = strrchr(script, '.');
    const char *interp = (ext && strcmp(ext, ".py") == 0) ? "/usr/bin/python3" : "/bin/sh";
    pid_t pid = fork();
    if (pid == 0) {
        FILE *out = freopen(log, "w", stdout);
        if (!out)
            _exit(127);
        dup2(fileno(stdout), 2);
        if (top && chdir(top) != 0)
            _exit(127);
        execl(interp, interp, script, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Written to a temporary name and renamed, so a reader never sees half a file. */
static void write_status(const char *script, int code, double secs)
{
    char path[4096], tmp[4200];
    status_path(script, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "%d %.3f\n", code, secs);
    fclose(f);
    rename(tmp, path);
}

/* The pool process: every script, `jobs` at a time; never returns. */
static void run_pool(size_t jobs)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* the runner gone (Ctrl-C, timeout): stop too */
    size_t n = script_count(), next = 0, running = 0;
    pid_t *pids = calloc(n, sizeof *pids);
    double *started = calloc(n, sizeof *started);
    while (next < n || running > 0) {
        for (; running < jobs && next < n; next++) {
            started[next] = now();
            pids[next] = spawn_script(scripts[next]);
            if (pids[next] < 0)
                write_status(scripts[next], 127, 0);
            else
                running++;
        }
        int status;
        pid_t done = wait(&status);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        /* Only a script still running: a finished one's pid can come back to a later
         * script (the machine's pids wrap), and matching both counted one exit twice,
         * ended the pool early and left the last script without a status (its test
         * waited for the 900 s timeout though the script had passed). */
        for (size_t i = 0; i < next; i++)
            if (pids[i] == done) {
                int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                write_status(scripts[i], code, now() - started[i]);
                pids[i] = 0;
                running--;
                break;
            }
    }
    _exit(0);
}

static void start_pool(void)
{
    const char *top = getenv("TOP");
    char dir[4096], path[4096];
    snprintf(dir, sizeof dir, "%s/build/test-logs", top ? top : ".");
    mkdir(dir, 0755);
    for (size_t i = 0; scripts[i]; i++) {
        status_path(scripts[i], path, sizeof path);
        unlink(path);
    }
    const char *env = getenv("CHECK_JOBS");
    long jobs = env ? strtol(env, NULL, 10) : 3;
    fflush(NULL);
    if (fork() == 0)
        run_pool(jobs >= 1 ? (size_t)jobs : 1);
}

START_TEST(run_script)
{
    const char *script = scripts[_i];
    char log[4096], path[4096];
    log_path(script, log, sizeof log);
    status_path(script, path, sizeof path);

    int code = -1;
    double secs = 0;
    FILE *f;
    while (!(f = fopen(path, "r")))
        usleep(100 * 1000);
    if (fscanf(f, "%d %lf", &code, &secs) != 2)
        code = -1;
    fclose(f);

    char tail[512];
    last_line(log, tail, sizeof tail);
    if (code == 77) {
        fprintf(stderr, "  skip  %-44s %s\n", script, tail);
        return;
    }
    if (code != 0) {
        fprintf(stderr, "  FAIL  %s (exit %d, %.1f s); last lines of %s:\n", script, code, secs, log);
        show_tail(log, 40);
        ck_abort_msg("%s exited %d", script, code);
    }
    fprintf(stderr, "  ok    %-44s %5.1f s  %s\n", script, secs, tail);
}
END_TEST

static Suite *scripts_suite(void)
{
    Suite *s = suite_create("scripts");
    TCase *tc = tcase_create("scripts");
    tcase_set_timeout(tc, 900);
    tcase_add_loop_test(tc, run_script, 0, (int)script_count());
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    /* Sanitized builds are slow; give unit tests room unless told otherwise. */
    setenv("CK_DEFAULT_TIMEOUT", "120", 0);
    /* `check_runner NAME` runs only the suite called NAME ("scripts" for the scripts). */
    /* CK_RUN_SUITE, Check's own way to pick a suite, counts too: the script pool must not
     * start behind a run of one unit suite (its scripts would outlive the runner). */
    const char *only = argc > 1 ? argv[1] : getenv("CK_RUN_SUITE");

    SRunner *sr = srunner_create(NULL);
#define SUITE(fn) srunner_add_suite(sr, fn());
#include "suites.h"
#undef SUITE
    if (script_count() > 0 && (!only || strcmp(only, "scripts") == 0)) {
        start_pool();
        srunner_add_suite(sr, scripts_suite());
    }
    if (only)
        setenv("CK_RUN_SUITE", only, 1);

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
