/*
 * Which release `rollback` returns to. A release is a task definition revision that a
 * service deployment brought to serve (status SUCCESSFUL). ECS's own history decides
 * (ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions: AWS is
 * the only state): walking it newest first, the release running now is the newest
 * SUCCESSFUL deployment of the revision the service runs; the answer is the next older
 * SUCCESSFUL deployment of another revision. Failed, rolled-back and stopped deployments
 * in between are skipped, and so is a revision that is no longer ACTIVE (ECS cannot
 * deploy it). `--to REVISION` names one instead (N, FAMILY:N or an ARN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "deploy_internal.h"
#include "xalloc.h"

/* How far back the history is read (ECS keeps 90 days of it). */
#define RELEASE_HISTORY 50

void deploy_release_choice_free(deploy_release_choice *c)
{
    free(c->task_definition);
    free(c->image);
    free(c->why);
    memset(c, 0, sizeof *c);
}

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static void when(double t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M:%SZ", &tm);
}

int deploy_pick_release(const deploy_history *h, const char *current,
                        int (*usable)(void *ud, const char *td), void *ud, size_t *index,
                        char **why)
{
    buf skipped = BUF_INIT;
    size_t nskipped = 0, running = h->n;
    for (size_t i = 0; i < h->n && running == h->n; i++)
        if (is(h->items[i].status, "SUCCESSFUL") && h->items[i].task_definition &&
            ecs_same_task_definition(h->items[i].task_definition, current))
            running = i;
    if (running == h->n) {
        *why = xasprintf("ECS's deployment history of the service (the last %d deployments, kept "
                         "for 90 days) has no successful deployment of the revision it runs, %s",
                         RELEASE_HISTORY, deploy_short_td_(current));
        return -1;
    }
    /* what failed after the release running now (ECS rolled it back, or it was stopped) */
    for (size_t i = 0; i < running; i++)
        if (!is(h->items[i].status, "SUCCESSFUL") && nskipped++ < 4)
            buf_printf(&skipped, "%s%s (%s)", nskipped > 1 ? ", " : "",
                       deploy_short_td_(h->items[i].task_definition),
                       h->items[i].status ? h->items[i].status : "unknown status");
    for (size_t i = running + 1; i < h->n; i++) {
        const deploy_history_item *x = &h->items[i];
        const char *td = x->task_definition;
        const char *skip = NULL;
        if (!is(x->status, "SUCCESSFUL"))
            skip = x->status ? x->status : "unknown status";
        else if (!td || ecs_same_task_definition(td, current))
            continue; /* the same release deployed again */
        else if (usable && !usable(ud, td))
            skip = "deregistered";
        if (skip) {
            if (nskipped++ < 4)
                buf_printf(&skipped, "%s%s (%s)", nskipped > 1 ? ", " : "",
                           deploy_short_td_(td), skip);
            continue;
        }
        char at[32];
        when(x->created_at, at, sizeof at);
        buf b = BUF_INIT;
        buf_printf(&b, "the newest release that succeeded before %s (deployed %s)",
                   deploy_short_td_(current), at);
        if (nskipped)
            buf_printf(&b, "; skipped %s%s", buf_str(&skipped), nskipped > 4 ? ", …" : "");
        *why = buf_detach(&b);
        *index = i;
        buf_free(&skipped);
        return 0;
    }
    buf b = BUF_INIT;
    buf_printf(&b, "no release succeeded before %s in ECS's deployment history of the service",
               deploy_short_td_(current));
    if (nskipped)
        buf_printf(&b, " (skipped %s%s)", buf_str(&skipped), nskipped > 4 ? ", …" : "");
    *why = buf_detach(&b);
    buf_free(&skipped);
    return -1;
}

/* "3" -> "FAMILY:3" of the current revision; anything else as given. New string. */
static char *revision_ref(const char *to, const char *current)
{
    if (strspn(to, "0123456789") != strlen(to))
        return xstrdup(to);
    const char *name = deploy_short_td_(current);
    const char *colon = strrchr(name, ':');
    return xasprintf("%.*s:%s", (int)(colon ? colon - name : (long)strlen(name)), name, to);
}

/* The family of "…task-definition/FAMILY:N" or "FAMILY:N". New string. */
static char *family_of(const char *td)
{
    const char *name = deploy_short_td_(td);
    const char *colon = strrchr(name, ':');
    return xstrndup(name, colon ? (size_t)(colon - name) : strlen(name));
}

static int pick_named(aws_client *c, const char *current, const char *to,
                      deploy_release_choice *out, aws_error *err)
{
    char *ref = revision_ref(to, current);
    ecs_task_definition td;
    int rc = ecs_describe_task_definition(c, ref, &td, err);
    if (rc != 0) {
        if (aws_error_is(err, AWS_IS_NOT_FOUND | AWS_IS_INVALID)) {
            char said[sizeof err->message];
            snprintf(said, sizeof said, "%s", err->message);
            aws_error_set(err, AWS_ERR_INPUT, "NoSuchRevision",
                          "--to %s: there is no task definition %s%s%s%s", to, ref,
                          said[0] ? " (" : "", said, said[0] ? ")" : "");
        }
        free(ref);
        return -1;
    }
    char *want = family_of(current), *have = family_of(td.arn);
    if (strcmp(want, have) != 0) {
        aws_error_set(err, AWS_ERR_INPUT, "NotThisService",
                      "--to %s: %s is not a revision of the service's family %s", to,
                      deploy_short_td_(td.arn), want);
        rc = -1;
    } else if (!is(td.status, "ACTIVE")) {
        aws_error_set(err, AWS_ERR_INPUT, "RevisionInactive",
                      "--to %s: %s is %s; ECS deploys only ACTIVE revisions", to,
                      deploy_short_td_(td.arn), td.status ? td.status : "not active");
        rc = -1;
    } else {
        const cJSON *k = ecs_taskdef_container(td.doc, NULL);
        out->task_definition = xstrdup(td.arn);
        out->image = xstrdup_or_null(aws_json_str(k, "image"));
        out->why = xasprintf("named with --to %s", to);
    }
    free(want);
    free(have);
    free(ref);
    ecs_task_definition_free(&td);
    return rc;
}

/* A revision ECS can still deploy (ACTIVE); one that cannot be read counts as usable (the
 * deployment then says why). */
static int usable(void *ud, const char *td)
{
    ecs_task_definition t;
    aws_error err;
    if (ecs_describe_task_definition(ud, td, &t, &err) != 0)
        return 1;
    int ok = is(t.status, "ACTIVE");
    ecs_task_definition_free(&t);
    return ok;
}

int deploy_choose_release(aws_client *c, const char *cluster, const char *service,
                          const char *current, const char *to, deploy_release_choice *out,
                          aws_error *err)
{
    memset(out, 0, sizeof *out);
    if (to)
        return pick_named(c, current, to, out, err);
    deploy_history h;
    if (deploy_history_get(c, cluster, service, RELEASE_HISTORY, &h, err) != 0)
        return -1;
    size_t i = 0;
    char *why = NULL;
    int rc = deploy_pick_release(&h, current, usable, c, &i, &why);
    if (rc == 0) {
        out->task_definition = xstrdup(h.items[i].task_definition);
        out->image = xstrdup_or_null(h.items[i].image);
        out->why = why;
    } else {
        aws_error_set(err, AWS_ERR_INPUT, "NothingToRollBackTo",
                      "nothing to roll back to: %s; name a revision with --to REVISION (see "
                      "'ecsdeploy history %s')", why, service);
        free(why);
    }
    deploy_history_free(&h);
    return rc;
}
