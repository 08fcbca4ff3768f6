/* Shared by deploy, rollback and history: the cluster, the client, progress and results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "deploy_output_internal.h"
#include "json_fields.h"
#include "session_internal.h"
#include "stack_names.h"
#include "xalloc.h"
#include "text.h"

int deploy_cli_open(const cli_globals *g, const char *cluster_flag, deploy_cli_target *t)
{
    memset(t, 0, sizeof *t);
    t->poll_s = cli_poll_seconds(5);
    int want_stack = g->stack_file || (!cluster_flag && access("ecsdeploy.yml", F_OK) == 0);
    if (!cluster_flag && !want_stack)
        return cli_usage_error("no cluster: name it with --cluster NAME, or give the stack "
                               "file with -f FILE");
    if (g->environment_flag && !want_stack)
        return cli_usage_error("--env %s selects an environment of the stack file, and there is "
                               "none (--cluster); to set a container variable write --env NAME=VALUE",
                               g->environment);
    if (want_stack) {
        int rc = cli_load_stack(g, &t->stack);
        if (rc != EXIT_OK)
            return rc;
    }
    t->cluster = cluster_flag ? xstrdup(cluster_flag) : stack_name_cluster(t->stack->name);
    return cli_aws_connect(g, t->stack, 1, &t->aws);
}

static void release_locks(deploy_cli_target *t)
{
    for (size_t i = 0; i < t->nlocks; i++)
        cli_lock_release(t->locks[i], 0);
    free(t->locks);
    t->locks = NULL;
    t->nlocks = 0;
}

int deploy_cli_lock(deploy_cli_target *t, const char *command, char *const *services,
                    size_t n)
{
    t->locks = xcalloc(n ? n : 1, sizeof *t->locks);
    for (size_t i = 0; i < n; i++) {
        if (cli_lock_take(t->aws, t->stack ? t->stack->name : t->cluster, services[i], command,
                          &t->locks[t->nlocks]) != EXIT_OK) {
            release_locks(t);
            return EXIT_AWS;
        }
        t->nlocks++;
    }
    return EXIT_OK;
}

void deploy_cli_close(deploy_cli_target *t)
{
    release_locks(t);
    if (t->aws)
        aws_client_free(t->aws);
    stack_free(t->stack);
    free(t->cluster);
    memset(t, 0, sizeof *t);
}

void deploy_cli_printer_init(deploy_cli_printer *p, const cli_globals *g)
{
    memset(p, 0, sizeof *p);
    p->g = g;
    p->t0 = util_now();
    const char *term = getenv("TERM");
    p->live = g->output == OUTPUT_TEXT && isatty(STDOUT_FILENO) && term &&
              strcmp(term, "dumb") != 0;
    pthread_mutex_init(&p->lock, NULL);
}

void deploy_cli_printer_destroy(deploy_cli_printer *p)
{
    for (size_t i = 0; i < p->nrows; i++) {
        free(p->names[i]);
        free(p->rows[i]);
    }
    free(p->names);
    free(p->rows);
    pthread_mutex_destroy(&p->lock);
}

/* Live view: set the service's row and redraw every row in place. Lock held. */
static void live_update(deploy_cli_printer *p, const char *service, const char *msg)
{
    size_t i = 0;
    while (i < p->nrows && strcmp(p->names[i], service) != 0)
        i++;
    if (i == p->nrows) {
        p->names = xrealloc(p->names, (p->nrows + 1) * sizeof *p->names);
        p->rows = xrealloc(p->rows, (p->nrows + 1) * sizeof *p->rows);
        p->names[i] = xstrdup(service);
        p->rows[i] = NULL;
        p->nrows++;
    }
    free(p->rows[i]);
    char *safe = text_escape(msg, 0);
    p->rows[i] = xasprintf("%.120s", safe);
    free(safe);
    for (int k = 0; k < p->drawn; k++)
        fputs("\033[1A\033[2K", stdout);
    printf("\r\033[2Kecsdeploy deploy — %.0f s\n", util_now() - p->t0);
    for (size_t k = 0; k < p->nrows; k++)
        printf("\033[2K  %-20s %s\n", p->names[k], p->rows[k]);
    p->drawn = (int)p->nrows + 1;
    fflush(stdout);
}

static double elapsed(const deploy_cli_printer *p)
{
    return (double)(long)((util_now() - p->t0) * 10) / 10;
}

static void print_json(cJSON *o)
{
    cli_print_json(o, 0);
    fflush(stdout);
}

void deploy_cli_progress(void *ud, const char *service, const char *phase, const char *msg)
{
    deploy_cli_printer *p = ud;
    pthread_mutex_lock(&p->lock);
    if (p->g->output == OUTPUT_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "event", "progress");
        cJSON_AddStringToObject(o, "service", service);
        cJSON_AddStringToObject(o, "phase", phase);
        cJSON_AddStringToObject(o, "message", msg);
        cJSON_AddNumberToObject(o, "elapsed", elapsed(p));
        print_json(o);
    } else if (p->live) {
        live_update(p, service, msg);
    } else {
        text_printf(stdout, "[%6.1fs] %s: %s\n", elapsed(p), service, msg);
        fflush(stdout);
    }
    pthread_mutex_unlock(&p->lock);
}

static const char *outcome_name(deploy_outcome o)
{
    switch (o) {
    case DEPLOY_OK: return "ok";
    case DEPLOY_ROLLED_BACK: return "rolled_back";
    case DEPLOY_TIMEOUT: return "timeout";
    case DEPLOY_FAILED: return "failed";
    case DEPLOY_STARTED: return "started";
    case DEPLOY_INTERRUPTED: return "interrupted";
    }
    return "?";
}

/* The members of a result event after its outcome. */
static const util_json_field result_fields[] = {
    UTIL_JF("task_definition", STR_NULL, deploy_result, task_definition),
    UTIL_JF("previous_task_definition", STR_NULL, deploy_result, previous_task_definition),
    UTIL_JF("image", STR_NULL, deploy_result, image),
    UTIL_JF("strategy", STR_NULL, deploy_result, strategy),
    UTIL_JF("service_deployment", STR_NULL, deploy_result, service_deployment),
    UTIL_JF("message", STR_NULL, deploy_result, message),
    UTIL_JF_STRS("reasons", deploy_result, reasons, nreasons),
    UTIL_JF_END};
static const util_json_field log_fields[] = {
    UTIL_JF_STRS("lines", deploy_result, log_lines, nlog_lines),
    UTIL_JF_END};

void deploy_cli_print_result(deploy_cli_printer *p, const char *service, const deploy_result *r)
{
    pthread_mutex_lock(&p->lock);
    if (p->g->output == OUTPUT_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "event", "result");
        cJSON_AddStringToObject(o, "service", service);
        cJSON_AddStringToObject(o, "outcome", outcome_name(r->outcome));
        util_json_write(o, result_fields, r);
        if (r->nlog_lines) {
            cJSON *lg = cJSON_AddObjectToObject(o, "logs");
            cJSON_AddStringToObject(lg, "source", r->log_source ? r->log_source : "");
            util_json_write(lg, log_fields, r);
        }
        print_json(o);
    } else {
        static const char *const mark[] = {"ok", "ROLLED BACK", "TIMEOUT", "FAILED", "started",
                                           "INTERRUPTED"};
        FILE *f = r->outcome == DEPLOY_OK || r->outcome == DEPLOY_STARTED ? stdout : stderr;
        fflush(stdout);
        char *story = deploy_result_story(r, 0);
        text_printf(f, "%s: %s: %s\n", service, mark[r->outcome], story);
        free(story);
        fflush(f);
    }
    pthread_mutex_unlock(&p->lock);
}

int deploy_cli_exit_code(deploy_outcome o)
{
    switch (o) {
    case DEPLOY_OK:
    case DEPLOY_STARTED: return EXIT_OK;
    case DEPLOY_ROLLED_BACK: return EXIT_ROLLED_BACK;
    default: return EXIT_AWS;
    }
}
