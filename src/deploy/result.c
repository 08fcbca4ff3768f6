/* The result of a deploy, a rollback or a watch, and the progress they report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy_internal.h"
#include "xalloc.h"

static void vsay(deploy_progress_fn fn, void *ud, const char *service, const char *phase,
                 const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fn(ud, service, phase, msg);
}

void deploy_say_(deploy_progress_fn fn, void *ud, const char *service, const char *phase,
                 const char *fmt, ...)
{
    if (!fn)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsay(fn, ud, service, phase, fmt, ap);
    va_end(ap);
}

void deploy_note_(const deploy_request *q, const char *phase, const char *fmt, ...)
{
    if (!q->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsay(q->progress, q->ud, q->service, phase, fmt, ap);
    va_end(ap);
}

int deploy_fail_(deploy_result *r, const char *what, const aws_error *err)
{
    char line[1400];
    r->outcome = DEPLOY_FAILED;
    r->error = *err;
    free(r->message);
    r->message = xasprintf("%s: %s", what, aws_error_format(err, line, sizeof line));
    return -1;
}

void deploy_result_add_reason(deploy_result *r, const char *reason)
{
    if (!reason || !*reason)
        return;
    for (size_t i = 0; i < r->nreasons; i++)
        if (strcmp(r->reasons[i], reason) == 0)
            return;
    r->reasons = xrealloc(r->reasons, (r->nreasons + 1) * sizeof *r->reasons);
    r->reasons[r->nreasons++] = xstrdup(reason);
}

void deploy_result_free(deploy_result *r)
{
    if (!r)
        return;
    free(r->previous_task_definition);
    free(r->task_definition);
    free(r->image);
    free(r->service_deployment);
    free(r->strategy);
    free(r->message);
    for (size_t i = 0; i < r->nreasons; i++)
        free(r->reasons[i]);
    free(r->reasons);
    for (size_t i = 0; i < r->nlog_lines; i++)
        free(r->log_lines[i]);
    free(r->log_lines);
    free(r->log_source);
    memset(r, 0, sizeof *r);
}
