/*
 * One-off tasks (`ecsdeploy run SERVICE -- CMD`, e.g. a migration): a task of the
 * service's task definition, in the service's network (its subnets, security groups and
 * public IP setting, its launch type or capacity providers, its platform version), with
 * one container's command overridden. Its log stream (the container's awslogs group and
 * prefix) is followed while it runs and read to the end once it stopped; the result is
 * the container's exit code. A Ctrl-C or the bound stops the task (StopTask) and waits
 * for it to stop, so nothing is left running behind the user's back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_wait.h"
#include "clock.h"
#include "deploy_internal.h"
#include "logs.h"
#include "xalloc.h"

/* How long a task being stopped is waited for, and how many empty reads of the log stream
 * after the stop end the reading (CloudWatch Logs takes a moment to deliver the last
 * lines). */
#define ONEOFF_STOP_WAIT_S 300
#define ONEOFF_TAIL_READS 2

void deploy_oneoff_result_free(deploy_oneoff_result *r)
{
    free(r->task_arn);
    free(r->task_id);
    free(r->container);
    free(r->message);
    memset(r, 0, sizeof *r);
}

static int fail(deploy_oneoff_result *r, const char *what, const aws_error *err)
{
    char line[1400];
    r->error = *err;
    free(r->message);
    r->message = xasprintf("%s: %s", what, aws_error_format(err, line, sizeof line));
    return -1;
}

/* A note for people (phase "run"). */
#define note(q, ...) deploy_say_((q)->progress, (q)->ud, (q)->service, "run", __VA_ARGS__)

/* What the task is started with, read from the service and its task definition. */
typedef struct {
    ecs_service svc;
    int have_svc;
    ecs_task_definition td;
    int have_td;
    svc_strings subnets, groups;
    int public_ip;
    const char *container;     /* in td.doc */
    const char *log_group;     /* awslogs, or NULL */
    const char *log_prefix;
} plan;

static void plan_free(plan *p)
{
    if (p->have_svc)
        ecs_service_free(&p->svc);
    if (p->have_td)
        ecs_task_definition_free(&p->td);
    svc_strings_free(&p->subnets);
    svc_strings_free(&p->groups);
}

static void strings_of(const cJSON *a, svc_strings *out)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a) if (cJSON_IsString(e)) svc_strings_add(out, e->valuestring);
}

static int make_plan(aws_client *c, const deploy_oneoff_request *q, plan *p,
                     deploy_oneoff_result *r)
{
    aws_error err;
    int found = 0;
    if (ecs_describe_service(c, q->cluster, q->service, &p->svc, &found, &err) != 0)
        return fail(r, "reading the service", &err);
    p->have_svc = found;
    if (!found || !p->svc.status || strcmp(p->svc.status, "ACTIVE") != 0) {
        aws_error_set(&r->error, AWS_ERR_INPUT, "ServiceNotFound",
                      "service %s is not an active service of cluster %s", q->service, q->cluster);
        r->message = xstrdup(r->error.message);
        return -1;
    }
    if (ecs_describe_task_definition(c, p->svc.task_definition, &p->td, &err) != 0)
        return fail(r, "reading the service's task definition", &err);
    p->have_td = 1;
    const cJSON *k = q->container ? ecs_taskdef_container(p->td.doc, q->container)
                                  : ecs_taskdef_container(p->td.doc, q->service);
    if (!k && !q->container)
        k = ecs_taskdef_container(p->td.doc, NULL);
    if (!k) {
        aws_error_set(&r->error, AWS_ERR_INPUT, "ContainerNotFound",
                      "the task definition %s has no container named %s",
                      deploy_short_td_(p->td.arn), q->container);
        r->message = xstrdup(r->error.message);
        return -1;
    }
    p->container = aws_json_str(k, "name");
    const cJSON *cfg = cJSON_GetObjectItem(k, "logConfiguration");
    const char *driver = aws_json_str(cfg, "logDriver");
    if (driver && !strcmp(driver, "awslogs")) {
        const cJSON *o = cJSON_GetObjectItem(cfg, "options");
        p->log_group = aws_json_str(o, "awslogs-group");
        p->log_prefix = aws_json_str(o, "awslogs-stream-prefix");
    }
    const cJSON *vpc = cJSON_GetObjectItem(cJSON_GetObjectItem(p->svc.raw, "networkConfiguration"),
                                           "awsvpcConfiguration");
    strings_of(cJSON_GetObjectItem(vpc, "subnets"), &p->subnets);
    strings_of(cJSON_GetObjectItem(vpc, "securityGroups"), &p->groups);
    const char *pub = aws_json_str(vpc, "assignPublicIp");
    p->public_ip = pub && !strcmp(pub, "ENABLED");
    return 0;
}

/* The task followed, between checks. */
typedef struct {
    aws_client *c;
    const deploy_oneoff_request *q;
    const plan *p;
    deploy_oneoff_result *r;
    char *stream;
    char *token;                /* GetLogEvents forward token */
    int stream_seen;
    char status[64];            /* the task's last status shown */
    int stopped;
    int tail_reads;             /* empty reads since it stopped */
} follow;

/* Read the log stream from where it was left; 1 when it gave nothing new. */
static int read_logs(follow *f)
{
    if (!f->p->log_group || !f->q->output)
        return 1;
    logs_events ev = {0};
    aws_error err;
    if (logs_get_log_events(f->c, f->p->log_group, f->stream, 0, f->token, 0, &ev, &err) != 0) {
        logs_events_free(&ev);
        return 1; /* not there yet (the container has not written), or a passing failure */
    }
    f->stream_seen = 1;
    for (size_t i = 0; i < ev.n; i++)
        f->q->output(f->q->ud, ev.items[i].message);
    if (ev.next_token) {
        free(f->token);
        f->token = ev.next_token;
        ev.next_token = NULL;
    }
    int empty = ev.n == 0;
    logs_events_free(&ev);
    return empty;
}

static void read_end(follow *f, const ecs_task *t)
{
    const ecs_container *k = NULL;
    for (size_t i = 0; i < t->n_containers; i++)
        if (t->containers[i].name && !strcmp(t->containers[i].name, f->p->container))
            k = &t->containers[i];
    f->r->has_exit_code = k && k->has_exit_code;
    f->r->exit_code = k && k->has_exit_code ? k->exit_code : 0;
    char *why = f->r->has_exit_code ? ecs_task_stop_reason(t)
                                     : xstrdup(t->stopped_reason ? t->stopped_reason : "stopped");
    free(f->r->message);
    f->r->message = f->r->has_exit_code
                        ? xasprintf("task %s stopped: %s; %s exited with code %d", t->id, why,
                                    f->p->container, f->r->exit_code)
                        : xasprintf("task %s stopped before %s ran: %s", t->id, f->p->container,
                                    why);
    free(why);
}

/* One check for aws_wait: 1 once the task has stopped and its log stream is read out. */
static int check(void *ud, char *seen, size_t size, aws_error *err)
{
    follow *f = ud;
    if (!f->stopped) {
        ecs_tasks t = {0};
        const char *arn = f->r->task_arn;
        if (ecs_describe_tasks(f->c, f->q->cluster, &arn, 1, &t, err) != 0)
            return -1;
        if (t.n == 0) {
            ecs_tasks_free(&t);
            aws_error_set(err, AWS_ERR_SERVICE, "TaskMissing", "task %s is gone", f->r->task_id);
            return -1;
        }
        const ecs_task *x = &t.items[0];
        const char *st = x->last_status ? x->last_status : "?";
        if (strcmp(st, f->status) != 0) {
            snprintf(f->status, sizeof f->status, "%s", st);
            note(f->q, "task %s %s", f->r->task_id, st);
        }
        if (!strcmp(st, "STOPPED")) {
            f->stopped = 1;
            read_end(f, x);
        }
        ecs_tasks_free(&t);
    }
    int empty = read_logs(f);
    snprintf(seen, size, "task %s %s", f->r->task_id, f->status);
    if (!f->stopped)
        return 0;
    /* stopped: the stream is read until it gives nothing a few times (or never existed) */
    if (!f->p->log_group)
        return 1;
    f->tail_reads = empty ? f->tail_reads + 1 : 0;
    return f->tail_reads >= ONEOFF_TAIL_READS;
}

static int start(aws_client *c, const deploy_oneoff_request *q, const plan *p,
                 deploy_oneoff_result *r)
{
    const cJSON *cps = cJSON_GetObjectItem(p->svc.raw, "capacityProviderStrategy");
    ecs_run_task_input in = {
        .cluster = q->cluster,
        .task_definition = p->td.arn,
        .launch_type = aws_json_str(p->svc.raw, "launchType"),
        .capacity_provider_strategy = cJSON_GetArraySize(cps) > 0 ? cps : NULL,
        .platform_version = aws_json_str(p->svc.raw, "platformVersion"),
        .subnets = p->subnets.n ? &p->subnets : NULL,
        .security_groups = &p->groups,
        .assign_public_ip = p->public_ip,
        .container = p->container,
        .command = q->command,
        .ncommand = q->ncommand,
        .started_by = "ecsdeploy-run",
        .enable_execute_command = p->svc.enable_execute_command,
        .propagate_tags = "TASK_DEFINITION",
    };
    ecs_tasks t = {0};
    aws_error err;
    if (ecs_run_task(c, &in, &t, &err) != 0)
        return fail(r, "starting the task", &err);
    r->task_arn = xstrdup(t.items[0].arn);
    r->task_id = xstrdup(t.items[0].id);
    r->container = xstrdup(p->container);
    ecs_tasks_free(&t);
    note(q, "started task %s of %s (container %s; %zu subnet%s, public IP %s)", r->task_id,
         deploy_short_td_(p->td.arn), p->container, p->subnets.n, p->subnets.n == 1 ? "" : "s",
         p->public_ip ? "on" : "off");
    return 0;
}

/* Stop the task (a Ctrl-C or the bound) and follow it until it has stopped. */
static void stop_and_follow(follow *f, const char *why)
{
    aws_error err;
    note(f->q, "stopping task %s (%s)", f->r->task_id, why);
    if (ecs_stop_task(f->c, f->q->cluster, f->r->task_arn, why, &err) != 0)
        note(f->q, "could not stop task %s: %s", f->r->task_id, err.message);
    aws_wait_opts o = {.interval_s = f->q->poll_s, .timeout_s = ONEOFF_STOP_WAIT_S};
    if (aws_wait(&o, "the task to stop", check, f, &err) != 0)
        note(f->q, "task %s: %s", f->r->task_id, err.message);
}

int deploy_oneoff(aws_client *c, const deploy_oneoff_request *q, deploy_oneoff_result *r)
{
    memset(r, 0, sizeof *r);
    plan p;
    memset(&p, 0, sizeof p);
    if (make_plan(c, q, &p, r) != 0 || start(c, q, &p, r) != 0) {
        plan_free(&p);
        return -1;
    }
    follow f = {.c = c, .q = q, .p = &p, .r = r};
    if (p.log_group)
        f.stream = p.log_prefix ? xasprintf("%s/%s/%s", p.log_prefix, p.container, r->task_id)
                                : xstrdup(r->task_id);
    aws_wait_opts o = {.interval_s = q->poll_s, .timeout_s = q->timeout_s, .cancel = q->cancel};
    aws_error err;
    int rc = aws_wait(&o, "the task to finish", check, &f, &err);
    if (rc != 0 && aws_error_is(&err, AWS_IS_CANCELLED)) {
        r->interrupted = 1;
        stop_and_follow(&f, "interrupted (ecsdeploy run)");
    } else if (rc != 0 && aws_error_is(&err, AWS_IS_TIMED_OUT)) {
        r->timed_out = 1;
        stop_and_follow(&f, "timed out (ecsdeploy run --timeout)");
    } else if (rc != 0) {
        fail(r, "following the task", &err);
    }
    if (!p.log_group)
        note(q, "the container %s has no awslogs log configuration: its output is not shown",
             p.container);
    free(f.stream);
    free(f.token);
    plan_free(&p);
    return r->has_exit_code && !r->interrupted && !r->timed_out ? 0 : -1;
}
