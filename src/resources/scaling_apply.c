/*
 * scaling/SERVICE: create, update and remove (see scaling.c for the properties).
 *
 * Registering and putting are upserts in Application Auto Scaling, so a call retried after
 * its answer was lost does no harm and a rollback is an update back to the earlier
 * properties. Create registers the target first and records it at once (a later failure
 * then deregisters it in the rollback), then puts the policies and scheduled actions side
 * by side. Update registers the range when it changed, puts what differs and deletes what
 * the file no longer has; a scheduled action that loses its time zone or a capacity is
 * deleted and put again, since a put keeps what it leaves out. Remove deregisters the
 * target, which deletes its policies and actions with it.
 */
#include <stdlib.h>
#include <string.h>

#include "scaling_internal.h"
#include "xalloc.h"


static long num(const cJSON *o, const char *name, long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

static const cJSON *by_name(const cJSON *list, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const char *n = res_prop_string(e, "name");
        if (n && name && !strcmp(n, name))
            return e;
    }
    return NULL;
}

/* ---- one policy, one action --------------------------------------------------------- */

static int put_policy(res_ctx *ctx, const char *rid, const cJSON *p, aws_error *err)
{
    const char *metric = scaling_aws_metric(res_prop_string(p, "metric"));
    if (!metric) {
        aws_error_set(err, AWS_ERR_INPUT, "BadPolicy", "scaling policy %s: unknown metric %s", res_prop_string(p, "name"),
                      res_prop_string(p, "metric") ? res_prop_string(p, "metric") : "(none)");
        return -1;
    }
    char *label = NULL;
    if (res_prop_string(p, "load_balancer") || res_prop_string(p, "target_group")) {
        label = aas_alb_resource_label(res_prop_string(p, "load_balancer"), res_prop_string(p, "target_group"));
        if (!label) {
            aws_error_set(err, AWS_ERR_INPUT, "Unresolved", "scaling policy %s: the load balancer or target "
                          "group is not known yet", res_prop_string(p, "name"));
            return -1;
        }
    }
    aas_tracking_in in = {.resource_id = rid,
                          .name = res_prop_string(p, "name"),
                          .metric = metric,
                          .resource_label = label,
                          .target_value = cJSON_GetNumberValue(cJSON_GetObjectItem(p, "target")),
                          .scale_in_cooldown = num(p, "scale_in_cooldown", AAS_DEFAULT_COOLDOWN),
                          .scale_out_cooldown = num(p, "scale_out_cooldown", AAS_DEFAULT_COOLDOWN)};
    int rc = aas_put_tracking_policy(ctx->aws, &in, NULL, err);
    free(label);
    return rc;
}

static int put_action(res_ctx *ctx, const char *rid, const cJSON *a, aws_error *err)
{
    aas_scheduled_in in = {.resource_id = rid,
                           .name = res_prop_string(a, "name"),
                           .schedule = res_prop_string(a, "schedule"),
                           .timezone = res_prop_string(a, "timezone"),
                           .min_capacity = num(a, "min", AAS_UNSET),
                           .max_capacity = num(a, "max", AAS_UNSET)};
    return aas_put_scheduled_action(ctx->aws, &in, err);
}

static int gone_ok(int rc, aws_error *err)
{
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        return 0;
    }
    return rc;
}

/* ---- the jobs of a create or update, run side by side ------------------------------- */

typedef enum { PUT_POLICY, DELETE_POLICY, PUT_ACTION, DELETE_ACTION, REPUT_ACTION } job_kind;

typedef struct {
    job_kind kind;
    const cJSON *item; /* the desired policy or action (the actual one for deletes) */
} job;

typedef struct {
    res_ctx *ctx;
    const char *rid;
    job *jobs;
    size_t n;
} jobs;

static void add_job(jobs *j, job_kind kind, const cJSON *item)
{
    j->jobs = xrealloc(j->jobs, (j->n + 1) * sizeof *j->jobs);
    j->jobs[j->n++] = (job){kind, item};
}

static int run_job(void *ud, size_t i, aws_error *err)
{
    jobs *j = ud;
    const job *b = &j->jobs[i];
    const char *name = res_prop_string(b->item, "name");
    switch (b->kind) {
    case PUT_POLICY:
        return put_policy(j->ctx, j->rid, b->item, err);
    case DELETE_POLICY:
        return gone_ok(aas_delete_scaling_policy(j->ctx->aws, j->rid, name, err), err);
    case PUT_ACTION:
        return put_action(j->ctx, j->rid, b->item, err);
    case DELETE_ACTION:
        return gone_ok(aas_delete_scheduled_action(j->ctx->aws, j->rid, name, err), err);
    case REPUT_ACTION:
        if (gone_ok(aas_delete_scheduled_action(j->ctx->aws, j->rid, name, err), err) != 0)
            return -1;
        return put_action(j->ctx, j->rid, b->item, err);
    }
    return 0;
}

/* A put leaves an omitted time zone or capacity as it was: such a change needs a delete. */
static int loses_member(const cJSON *have, const cJSON *want)
{
    static const char *const members[] = {"timezone", "min", "max"};
    for (size_t i = 0; i < 3; i++)
        if (cJSON_GetObjectItem(have, members[i]) && !cJSON_GetObjectItem(want, members[i]))
            return 1;
    return 0;
}

/* The jobs that take `have` (NULL: nothing yet) to `want`. */
static void plan_jobs(jobs *j, const cJSON *want, const cJSON *have)
{
    const cJSON *wp = cJSON_GetObjectItem(want, "policies"), *hp = cJSON_GetObjectItem(have, "policies");
    const cJSON *wa = cJSON_GetObjectItem(want, "schedule"), *ha = cJSON_GetObjectItem(have, "schedule");
    const cJSON *e;
    cJSON_ArrayForEach(e, wp) {
        const cJSON *h = by_name(hp, res_prop_string(e, "name"));
        if (!h || !cJSON_Compare(h, e, 1))
            add_job(j, PUT_POLICY, e);
    }
    cJSON_ArrayForEach(e, hp) if (!by_name(wp, res_prop_string(e, "name"))) add_job(j, DELETE_POLICY, e);
    cJSON_ArrayForEach(e, wa) {
        const cJSON *h = by_name(ha, res_prop_string(e, "name"));
        if (!h)
            add_job(j, PUT_ACTION, e);
        else if (!cJSON_Compare(h, e, 1))
            add_job(j, loses_member(h, e) ? REPUT_ACTION : PUT_ACTION, e);
    }
    cJSON_ArrayForEach(e, ha) if (!by_name(wa, res_prop_string(e, "name"))) add_job(j, DELETE_ACTION, e);
}

static int run_jobs(res_ctx *ctx, const char *rid, const cJSON *want, const cJSON *have, aws_error *err)
{
    jobs j = {.ctx = ctx, .rid = rid};
    plan_jobs(&j, want, have);
    int rc = j.n ? res_parallel(j.n, RES_READS_AT_ONCE, run_job, &j, err) : 0;
    free(j.jobs);
    return rc;
}

/* ---- the target ---------------------------------------------------------------------- */

typedef struct {
    aas_target_in in;
} register_try;

/* Application Auto Scaling checks the ECS service through ECS: a service just created may
 * not be visible to it for a moment ("ECS service doesn't exist"). */
static int poll_register(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    register_try *t = ud;
    if (aas_register_scalable_target(ctx->aws, &t->in, NULL, err) == 0)
        return 1;
    if (aws_error_is(err, AWS_IS_INVALID) && strstr(err->message, "doesn't exist")) {
        snprintf(status, len, "%s", err->message);
        return 0;
    }
    return -1;
}

static int register_target(res_ctx *ctx, res_node *n, res_action action, const cJSON *want,
                           const svc_tags *tags, aws_error *err)
{
    register_try t = {.in = {.resource_id = res_prop_string(want, "resource_id"),
                             .min_capacity = num(want, "min", AAS_UNSET),
                             .max_capacity = num(want, "max", AAS_UNSET),
                             .tags = tags}};
    return res_wait(ctx, n, action, "the ECS service to be visible to Application Auto Scaling",
                    poll_register, &t, err);
}

static cJSON *range_only(const cJSON *want)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "resource_id", res_prop_string(want, "resource_id"));
    cJSON_AddNumberToObject(p, "min", (double)num(want, "min", 0));
    cJSON_AddNumberToObject(p, "max", (double)num(want, "max", 0));
    cJSON_AddArrayToObject(p, "policies");
    cJSON_AddArrayToObject(p, "schedule");
    return p;
}

int scaling_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *rid = res_prop_string(n->desired, "resource_id");
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    int rc = register_target(ctx, n, RES_CREATE, n->desired, &tags, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    /* registered: should a policy fail, the rollback deregisters it */
    res_node_set(ctx, n, rid, range_only(n->desired));
    if (run_jobs(ctx, rid, n->desired, NULL, err) != 0)
        return -1;
    res_node_set(ctx, n, rid, cJSON_Duplicate(n->desired, 1));
    return 0;
}

int scaling_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    /* Recorded as done before anything is sent: should a call fail half way, the rollback
     * (an update back to the earlier properties) then puts back every policy and action
     * this one may have touched; puts are upserts and deletes of what is gone are fine. */
    char *rid = xstrdup(n->physical_id);
    cJSON *have = n->actual ? cJSON_Duplicate(n->actual, 1) : NULL;
    res_node_set(ctx, n, rid, cJSON_Duplicate(n->desired, 1));
    int rc = 0;
    if (num(n->desired, "min", -1) != num(have, "min", -1) || num(n->desired, "max", -1) != num(have, "max", -1))
        rc = register_target(ctx, n, RES_UPDATE, n->desired, NULL, err);
    if (rc == 0)
        rc = run_jobs(ctx, rid, n->desired, have, err);
    cJSON_Delete(have);
    free(rid);
    return rc;
}

int scaling_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    return gone_ok(aas_deregister_scalable_target(ctx->aws, n->physical_id, err), err);
}
