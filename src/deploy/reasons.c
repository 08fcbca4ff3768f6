/*
 * Why a deployment failed, told once and short, from this deployment only: a headline
 * (which revision, AWS's reason, what ECS did about it), then the stopped tasks of this
 * deployment with their exit codes (grouped), its unhealthy targets, the service events
 * since it began that add something, and the last lines the failed container wrote to its
 * CloudWatch Logs stream.
 *
 * "This deployment" is the ECS deployment (ecs-svc/...) that ran the revision: its tasks
 * carry its id as startedBy, and its createdAt is on AWS's clock, the clock of the
 * service's events. Nothing an earlier deployment left (events, stopped tasks, targets of
 * old tasks) is quoted. The log lines are the container's own output; ecsdeploy reads no
 * secret to tell the story, and a value the app printed after one of its secret
 * variables' names is redacted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deploy_internal.h"
#include "elbv2.h"
#include "logs.h"
#include "xalloc.h"

/* At most this many of each, so the story stays short. */
#define STORY_TASK_REASONS 3
#define STORY_EVENTS 3
#define STORY_LOG_LINES 5
#define STORY_LINE_MAX 200
#define STORY_LOG_LINE_MAX 160

void deploy_seen_free_(deploy_seen *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->lines[i]);
        free(s->targets[i]);
    }
    free(s->lines);
    free(s->targets);
    memset(s, 0, sizeof *s);
}

static void seen_add(deploy_seen *s, const char *target, char *line)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->lines[i], line) == 0 && strcmp(s->targets[i], target) == 0) {
            free(line);
            return;
        }
    s->lines = xrealloc(s->lines, (s->n + 1) * sizeof *s->lines);
    s->targets = xrealloc(s->targets, (s->n + 1) * sizeof *s->targets);
    s->targets[s->n] = xstrdup(target);
    s->lines[s->n++] = line;
}

static const char *tg_name(const char *arn)
{
    const char *p = strstr(arn, "targetgroup/");
    return p ? p + strlen("targetgroup/") : arn;
}

static int seen_group(aws_client *c, const char *arn, deploy_seen *seen)
{
    elbv2_target_healths h = {0};
    aws_error err;
    if (!arn || elbv2_describe_target_health(c, arn, NULL, 0, &h, &err) != 0)
        return 0;
    int checking = 0;
    for (size_t i = 0; i < h.n; i++) {
        const elbv2_target_health *t = &h.items[i];
        if (strcmp(t->state, "initial") != 0 ||
            !(t->reason && strcmp(t->reason, "Elb.RegistrationInProgress") == 0))
            checking = 1;
        if (strcmp(t->state, "unhealthy") != 0 || !t->id)
            continue;
        int nl = (int)strcspn(tg_name(arn), "/");
        seen_add(seen, t->id,
                 xasprintf("target %s unhealthy in target group %.*s (%s: %s)", t->id, nl,
                           tg_name(arn), t->reason ? t->reason : "?",
                           t->description ? t->description : "no description"));
    }
    elbv2_target_healths_free(&h);
    return checking;
}

int deploy_seen_targets_(aws_client *c, const ecs_service *s, deploy_seen *seen)
{
    const cJSON *lbs = cJSON_GetObjectItem(s->raw, "loadBalancers"), *lb;
    if (cJSON_GetArraySize(lbs) == 0)
        return 1; /* no target group: no health check to wait for */
    int checking = 0;
    cJSON_ArrayForEach(lb, lbs)
    {
        checking |= seen_group(c, aws_json_str(lb, "targetGroupArn"), seen);
        const cJSON *adv = cJSON_GetObjectItem(lb, "advancedConfiguration");
        checking |= seen_group(c, aws_json_str(adv, "alternateTargetGroupArn"), seen);
    }
    return checking;
}

const char *deploy_short_td_(const char *td)
{
    const char *slash = td ? strrchr(td, '/') : NULL;
    return slash ? slash + 1 : td ? td : "?";
}

/* A copy of s on one line: control characters turned to spaces, trailing spaces and a
 * final '.' dropped, cut at max bytes (at a character boundary) with "…". */
static char *one_line(const char *s, size_t max, int drop_dot)
{
    size_t len = strlen(s);
    size_t cut = len > max ? max : len;
    while (cut > 0 && cut < len && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    char *o = xmalloc(cut + 4);
    size_t n = 0;
    for (size_t i = 0; i < cut; i++)
        o[n++] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? ' ' : s[i];
    while (n > 0 && (o[n - 1] == ' ' || (drop_dot && cut == len && o[n - 1] == '.')))
        n--;
    if (cut < len) {
        memcpy(o + n, "…", 3);
        n += 3;
    }
    o[n] = '\0';
    return o;
}

static void add_reason_line(deploy_result *r, const char *text)
{
    char *line = one_line(text, STORY_LINE_MAX, 0);
    deploy_result_add_reason(r, line);
    free(line);
}

/* ---- the headline ------------------------------------------------------------------ */

/* 1 for a rollout reason that says why, not "... in progress." or "... completed." */
static int is_failure_reason(const char *reason)
{
    return reason && *reason && !strstr(reason, " in progress.") && !strstr(reason, " completed.");
}

static const ecs_deployment *find_deployment(const ecs_service *s, const char *id)
{
    for (size_t i = 0; id && id[0] && i < s->n_deployments; i++)
        if (s->deployments[i].id && strcmp(s->deployments[i].id, id) == 0)
            return &s->deployments[i];
    return NULL;
}

static void headline(const deploy_watch_request *w, const ecs_service *s,
                     const ecs_service_deployment *sd, int final, const deploy_mine *mine,
                     deploy_result *r)
{
    const ecs_deployment *d = find_deployment(s, mine->id);
    const char *why = sd && sd->rollback_reason && *sd->rollback_reason ? sd->rollback_reason
                      : d && d->rollout_state_reason && is_failure_reason(d->rollout_state_reason)
                          ? d->rollout_state_reason
                      : sd && sd->status_reason && *sd->status_reason ? sd->status_reason
                      : mine->reason[0] ? mine->reason
                                        : "its tasks did not come to serve";
    char *why1 = one_line(why, STORY_LINE_MAX, 1);
    const char *st = sd && sd->status ? sd->status : "";
    const char *now = s->task_definition;
    int other = now && !ecs_same_task_definition(now, w->task_definition);
    char *outcome = !strcmp(st, "ROLLBACK_FAILED") ? xstrdup("ECS could not roll it back")
                    : !strcmp(st, "STOPPED")       ? xstrdup("ECS stopped it")
                    : other ? xasprintf("ECS %s to %s", final ? "rolled back" : "is rolling back",
                                        deploy_short_td_(now))
                            : xstrdup(final ? "ECS rolled it back" : "ECS is rolling it back");
    free(r->message);
    r->message = xasprintf("deployment of %s failed: %s; %s",
                           deploy_short_td_(w->task_definition), why1, outcome);
    free(why1);
    free(outcome);
}

/* ---- the tasks of this deployment -------------------------------------------------- */

static int ours(const ecs_task *t, const deploy_watch_request *w, const deploy_mine *mine)
{
    if (mine->id[0])
        return t->started_by && strcmp(t->started_by, mine->id) == 0;
    double since = mine->created_at > 0 ? mine->created_at : w->since_epoch;
    return t->task_definition_arn &&
           ecs_same_task_definition(t->task_definition_arn, w->task_definition) &&
           t->created_at + 1 >= since;
}

/* The service's tasks (running and stopped) that this deployment started. */
static void our_tasks(aws_client *c, const deploy_watch_request *w, const deploy_mine *mine,
                      ecs_tasks *out)
{
    svc_strings arns = {0}, running = {0};
    aws_error err;
    ecs_tasks all = {0};
    if (ecs_list_tasks(c, w->cluster, w->service, "STOPPED", 0, &arns, &err) == 0 &&
        ecs_list_tasks(c, w->cluster, w->service, "RUNNING", 0, &running, &err) == 0) {
        for (size_t i = 0; i < running.n; i++)
            svc_strings_add(&arns, running.items[i]);
        if (arns.n)
            ecs_describe_tasks(c, w->cluster, (const char *const *)arns.items, arns.n, &all, &err);
    }
    svc_strings_free(&running);
    svc_strings_free(&arns);
    out->items = xcalloc(all.n + 1, sizeof *out->items);
    for (size_t i = 0; i < all.n; i++) {
        if (ours(&all.items[i], w, mine)) {
            out->items[out->n++] = all.items[i];
            memset(&all.items[i], 0, sizeof all.items[i]);
        }
    }
    ecs_tasks_free(&all);
}

static int newest_stopped_first(const void *a, const void *b)
{
    const ecs_task *x = a, *y = b;
    double kx = x->stopped_at > 0 ? x->stopped_at : 0, ky = y->stopped_at > 0 ? y->stopped_at : 0;
    if (kx != ky)
        return kx < ky ? 1 : -1;
    return x->created_at < y->created_at ? 1 : x->created_at > y->created_at ? -1 : 0;
}

/* Stopped on purpose by the scheduler (scaling in a failed deployment): not a cause. */
static int on_purpose(const ecs_task *t)
{
    return t->stopped_reason && (!strncmp(t->stopped_reason, "Scaling activity initiated by", 29) ||
                                 !strncmp(t->stopped_reason, "Service is being deleted", 24));
}

static void task_reasons(const ecs_tasks *tasks, deploy_result *r)
{
    char *texts[STORY_TASK_REASONS];
    int counts[STORY_TASK_REASONS];
    const char *first_id[STORY_TASK_REASONS];
    size_t n = 0;
    for (size_t i = 0; i < tasks->n; i++) {
        const ecs_task *t = &tasks->items[i];
        if (!t->desired_status || strcmp(t->desired_status, "STOPPED") != 0 || on_purpose(t))
            continue;
        char *why = ecs_task_stop_reason(t);
        size_t k = 0;
        while (k < n && strcmp(texts[k], why) != 0)
            k++;
        if (k < n) {
            counts[k]++;
            free(why);
        } else if (n < STORY_TASK_REASONS) {
            texts[n] = why;
            counts[n] = 1;
            first_id[n++] = t->id;
        } else {
            free(why);
        }
    }
    for (size_t k = 0; k < n; k++) {
        char *line = counts[k] == 1
                         ? xasprintf("task %.8s stopped: %s", first_id[k] ? first_id[k] : "?",
                                     texts[k])
                         : xasprintf("%d tasks stopped: %s", counts[k], texts[k]);
        add_reason_line(r, line);
        free(line);
        free(texts[k]);
    }
}

static int is_our_target(const ecs_tasks *tasks, const char *target)
{
    for (size_t i = 0; i < tasks->n; i++)
        if (tasks->items[i].private_ip && strcmp(tasks->items[i].private_ip, target) == 0)
            return 1;
    return 0;
}

/* ---- service events ------------------------------------------------------------------ */

/* 1 when the event is about another ECS deployment than ours. */
static int names_other_deployment(const char *msg, const char *mine)
{
    const char *p = strstr(msg, "(deployment ");
    if (!p || !mine[0])
        return 0;
    p += strlen("(deployment ");
    size_t len = strcspn(p, ")");
    return strlen(mine) != len || strncmp(p, mine, len) != 0;
}

static void event_reasons(const ecs_service *s, double since, const char *mine,
                          int have_targets, deploy_result *r)
{
    static const char *const words[] = {"unhealthy", "fail", "unable", "error", "Error", NULL};
    /* what the headline already says */
    static const char *const told[] = {"deployment failed: tasks failed to start",
                                       "rolling back to deployment", NULL};
    size_t added = 0;
    for (size_t i = s->n_events; i-- > 0 && added < STORY_EVENTS;) {
        const ecs_service_event *e = &s->events[i];
        if (!e->message || e->created_at + 0.001 < since || names_other_deployment(e->message, mine))
            continue;
        int pick = 0;
        for (size_t k = 0; words[k]; k++)
            pick |= strstr(e->message, words[k]) != NULL;
        for (size_t k = 0; told[k]; k++)
            pick &= strstr(e->message, told[k]) == NULL;
        if (have_targets && strstr(e->message, "is unhealthy in (target-group"))
            pick = 0;
        if (pick) {
            char *line = xasprintf("service event: %s", e->message);
            size_t before = r->nreasons;
            add_reason_line(r, line);
            added += r->nreasons > before;
            free(line);
        }
    }
}

/* ---- the failed container's last log lines ------------------------------------------ */

/* The task to read logs of: the newest that stopped with a reason of its own, else the
 * newest one. */
static const ecs_task *log_task(const ecs_tasks *tasks)
{
    for (size_t i = 0; i < tasks->n; i++)
        if (tasks->items[i].desired_status &&
            !strcmp(tasks->items[i].desired_status, "STOPPED") && !on_purpose(&tasks->items[i]))
            return &tasks->items[i];
    return tasks->n ? &tasks->items[0] : NULL;
}

/* The container that failed: the first that exited non-zero, else the first. */
static const ecs_container *failed_container(const ecs_task *t)
{
    for (size_t i = 0; i < t->n_containers; i++)
        if (t->containers[i].has_exit_code && t->containers[i].exit_code != 0)
            return &t->containers[i];
    return t->n_containers ? &t->containers[0] : NULL;
}

/* A log line with the value after each of the container's secret variable names
 * ("NAME=value", "NAME: value") redacted: the story never repeats a secret the app
 * printed about itself. */
char *deploy_redact_secrets_(const char *line, const cJSON *def)
{
    buf b = BUF_INIT;
    buf_puts(&b, line);
    const cJSON *sec;
    cJSON_ArrayForEach(sec, cJSON_GetObjectItem(def, "secrets")) {
        const char *name = aws_json_str(sec, "name");
        size_t nlen = name ? strlen(name) : 0;
        for (char *p = nlen && b.data ? strstr(b.data, name) : NULL; p; p = strstr(p + 1, name)) {
            char *v = p + nlen;
            if (*v != '=' && *v != ':')
                continue;
            v += 1 + (v[0] == ':' && v[1] == ' ');
            char quote = *v == '\'' || *v == '"' ? *v : 0;
            v += quote != 0;
            char stop[2] = {quote, 0};
            size_t vlen = strcspn(v, quote ? stop : " \t\"',;&");
            if (!vlen)
                continue;
            size_t at = (size_t)(v - b.data);
            buf out = BUF_INIT;
            buf_printf(&out, "%.*s**REDACTED**%s", (int)at, b.data, v + vlen);
            buf_free(&b);
            b = out;
            p = b.data + at;
        }
    }
    return buf_detach(&b);
}

static void log_lines(aws_client *c, const ecs_task *t, deploy_result *r)
{
    const ecs_container *k = failed_container(t);
    ecs_task_definition td;
    aws_error err;
    if (!k || !k->name || !t->task_definition_arn ||
        ecs_describe_task_definition(c, t->task_definition_arn, &td, &err) != 0)
        return;
    const cJSON *def = ecs_taskdef_container(td.doc, k->name);
    const cJSON *cfg = cJSON_GetObjectItem(def, "logConfiguration");
    const cJSON *opts = cJSON_GetObjectItem(cfg, "options");
    const char *driver = aws_json_str(cfg, "logDriver");
    const char *group = aws_json_str(opts, "awslogs-group");
    const char *prefix = aws_json_str(opts, "awslogs-stream-prefix");
    if (driver && !strcmp(driver, "awslogs") && group && t->id) {
        char *stream = prefix ? xasprintf("%s/%s/%s", prefix, k->name, t->id) : xstrdup(t->id);
        logs_events ev = {0};
        if (logs_tail_log_events(c, group, stream, STORY_LOG_LINES, &ev, &err) == 0 && ev.n) {
            r->log_lines = xcalloc(ev.n + 1, sizeof *r->log_lines);
            for (size_t i = 0; i < ev.n; i++) {
                char *safe = deploy_redact_secrets_(ev.items[i].message, def);
                r->log_lines[r->nlog_lines++] = one_line(safe, STORY_LOG_LINE_MAX, 0);
                free(safe);
            }
            r->log_source = xasprintf("%s (task %.8s, %s)", k->name, t->id, group);
        }
        logs_events_free(&ev);
        free(stream);
    }
    ecs_task_definition_free(&td);
}

void deploy_tell_failure_(aws_client *c, const deploy_watch_request *w, const ecs_service *s,
                          const ecs_service_deployment *sd, int final, const deploy_seen *seen,
                          const deploy_mine *mine, deploy_result *r)
{
    r->outcome = DEPLOY_ROLLED_BACK;
    headline(w, s, sd, final, mine, r);
    ecs_tasks tasks = {0};
    our_tasks(c, w, mine, &tasks);
    if (tasks.n > 1)
        qsort(tasks.items, tasks.n, sizeof *tasks.items, newest_stopped_first);
    task_reasons(&tasks, r);
    int have_targets = 0;
    for (size_t i = 0; seen && i < seen->n; i++)
        if (is_our_target(&tasks, seen->targets[i])) {
            add_reason_line(r, seen->lines[i]);
            have_targets = 1;
        }
    double since = mine->created_at > 0 ? mine->created_at : w->since_epoch;
    event_reasons(s, since, mine->id, have_targets, r);
    const ecs_task *t = log_task(&tasks);
    if (t)
        log_lines(c, t, r);
    ecs_tasks_free(&tasks);
}

/* ---- the story as text ------------------------------------------------------------- */

char *deploy_result_story(const deploy_result *r, size_t max)
{
    size_t nreasons = r->nreasons, nlog = r->nlog_lines, first_log = 0;
    for (;;) {
        buf b = BUF_INIT;
        buf_puts(&b, r->message ? r->message : "");
        for (size_t i = 0; i < nreasons; i++)
            buf_printf(&b, "\n  %s", r->reasons[i]);
        if (nlog > first_log) {
            buf_printf(&b, "\n  last log lines of %s:", r->log_source ? r->log_source : "the container");
            for (size_t i = first_log; i < nlog; i++)
                buf_printf(&b, "\n    %s", r->log_lines[i]);
        }
        if (!max || b.len < max || (nreasons == 0 && nlog <= first_log)) {
            char *s = buf_detach(&b);
            if (max && strlen(s) >= max) { /* the headline alone is too long */
                char *cut = one_line(s, max > 4 ? max - 4 : 0, 0);
                free(s);
                s = cut;
            }
            return s;
        }
        buf_free(&b);
        if (nlog > first_log)
            first_log++; /* the oldest log lines go first */
        else
            nreasons--;
    }
}
