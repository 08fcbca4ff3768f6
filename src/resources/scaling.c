/*
 * scaling/SERVICE: the service's desired count in Application Auto Scaling — its scalable
 * target (min, max), target tracking policies (CPU, memory, the ALB's requests per task)
 * and scheduled actions, one node: deregistering the target takes the rest with it, so
 * create, update, rollback and delete stay whole. The target is named by its resource id
 * service/CLUSTER/SERVICE (the physical id), and the stack owns everything on it.
 *
 * Properties: resource_id, min, max, policies [{name, metric, target, scale_in_cooldown,
 * scale_out_cooldown, load_balancer, target_group}] (the last two for requests only: the
 * ALB and target group whose ResourceLabel the policy names), schedule [{name, schedule,
 * timezone, min, max}] (members left out when not set).
 *
 * Discovery is one round trip: every ECS target of the region (DescribeScalableTargets,
 * kept when in the stack's cluster) beside the policies and scheduled actions of each
 * service the file scales. The service's desired count is not a property of this node:
 * the service kind leaves it alone once the file scales it (service_props.c).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ci_policy_internal.h"
#include "ecs.h"
#include "scaling_internal.h"
#include "stack_names.h"
#include "xalloc.h"

/* ---- build ------------------------------------------------------------------------ */

/* Policies and actions are kept sorted by name on both sides: AWS lists them in its own
 * order, which must not show as a change. */
static int by_name(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(x, "name"));
    const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(y, "name"));
    return strcmp(m ? m : "", n ? n : "");
}

static void sort_by_name(cJSON *list)
{
    size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
    if (n < 2)
        return;
    cJSON **items = xcalloc(n, sizeof *items);
    while (list->child)
        items[i++] = cJSON_DetachItemViaPointer(list, list->child);
    qsort(items, n, sizeof *items, by_name);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(list, items[i]);
    free(items);
}

static const struct {
    const char *metric, *aws;
} metrics[] = {{"cpu", AAS_METRIC_CPU}, {"memory", AAS_METRIC_MEMORY}, {"requests", AAS_METRIC_ALB_REQUESTS}};

const char *scaling_aws_metric(const char *metric)
{
    for (size_t i = 0; metric && i < sizeof metrics / sizeof metrics[0]; i++)
        if (!strcmp(metrics[i].metric, metric))
            return metrics[i].aws;
    return NULL;
}

/* An AWS metric name as a policy's "metric" member names it (the AWS name itself when it
 * is none of ours). */
static const char *scaling_metric_of(const char *aws_metric)
{
    for (size_t i = 0; aws_metric && i < sizeof metrics / sizeof metrics[0]; i++)
        if (!strcmp(metrics[i].aws, aws_metric))
            return metrics[i].metric;
    return aws_metric && *aws_metric ? aws_metric : "custom";
}

static cJSON *policy(const char *metric, double target, const stack_scaling *sc)
{
    cJSON *p = cJSON_CreateObject();
    char *name = xasprintf(SCALING_POLICY_PREFIX "%s", metric);
    cJSON_AddStringToObject(p, "name", name);
    free(name);
    cJSON_AddStringToObject(p, "metric", metric);
    cJSON_AddNumberToObject(p, "target", target);
    cJSON_AddNumberToObject(p, "scale_in_cooldown", sc->scale_in_cooldown);
    cJSON_AddNumberToObject(p, "scale_out_cooldown", sc->scale_out_cooldown);
    return p;
}

static cJSON *schedule_item(const stack_schedule *a)
{
    cJSON *j = res_props("name", a->name, "schedule", a->schedule, NULL);
    if (a->timezone)
        cJSON_AddStringToObject(j, "timezone", a->timezone);
    if (a->min >= 0)
        cJSON_AddNumberToObject(j, "min", a->min);
    if (a->max >= 0)
        cJSON_AddNumberToObject(j, "max", a->max);
    return j;
}

static int build(res_graph *g, const stack_model *s)
{
    char *cluster = stack_name_cluster(s->name);
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        const stack_scaling *sc = &svc->scaling;
        if (!sc->set)
            continue;
        cJSON *d = cJSON_CreateObject();
        char *rid = aas_resource_id(cluster, svc->name);
        cJSON_AddStringToObject(d, "resource_id", rid);
        free(rid);
        cJSON_AddNumberToObject(d, "min", sc->min);
        cJSON_AddNumberToObject(d, "max", sc->max);
        res_node *n = res_graph_addf(g, &res_kind_scaling, svc->name, d,
                                     "autoscaling of service %s (%d to %d tasks)", svc->name,
                                     sc->min, sc->max);
        n->model = svc;
        /* registering needs the service ACTIVE; `down` deregisters before it goes */
        res_node_needs(g, n, "service/%s", svc->name);
        cJSON *pols = cJSON_AddArrayToObject(d, "policies");
        if (sc->cpu)
            cJSON_AddItemToArray(pols, policy("cpu", sc->cpu, sc));
        if (sc->memory)
            cJSON_AddItemToArray(pols, policy("memory", sc->memory, sc));
        if (sc->requests) {
            cJSON *p = policy("requests", sc->requests, sc);
            char *alb = xasprintf("alb/%s", svc->lb.load_balancer);
            cJSON_AddItemToObject(p, "load_balancer", res_ref_needed(g, n, alb, "arn"));
            free(alb);
            res_node *tg = res_node_needs(g, n, "target_group/%s", svc->name);
            cJSON_AddItemToObject(p, "target_group", res_ref(tg ? tg->id : "target_group/?", "arn"));
            cJSON_AddItemToArray(pols, p);
        }
        cJSON *sched = cJSON_AddArrayToObject(d, "schedule");
        for (size_t k = 0; k < sc->nschedule; k++)
            cJSON_AddItemToArray(sched, schedule_item(&sc->schedule[k]));
        sort_by_name(pols);
        sort_by_name(sched);
    }
    free(cluster);
    return 0;
}

/* ---- reading back ----------------------------------------------------------------- */

/* "arn:PART:elasticloadbalancing:REGION:ACCOUNT:" from a policy's ARN
 * (arn:PART:autoscaling:REGION:ACCOUNT:scalingPolicy:…), or NULL. */
static char *elb_arn_prefix(const char *policy_arn)
{
    char part[32], region[32], account[32];
    if (!policy_arn || sscanf(policy_arn, "arn:%31[^:]:autoscaling:%31[^:]:%31[^:]:", part, region, account) != 3)
        return NULL;
    return xasprintf("arn:%s:elasticloadbalancing:%s:%s:", part, region, account);
}

/* One policy / scheduled action as the properties hold it (new objects). */
static cJSON *scaling_policy_props(res_ctx *ctx, const aas_policy *p)
{
    (void)ctx;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", p->name);
    const char *metric = strcmp(p->type, "TargetTrackingScaling") ? p->type : scaling_metric_of(p->metric);
    cJSON_AddStringToObject(j, "metric", metric);
    cJSON_AddNumberToObject(j, "target", p->target_value);
    if (p->scale_in_cooldown != AAS_UNSET)
        cJSON_AddNumberToObject(j, "scale_in_cooldown", (double)p->scale_in_cooldown);
    if (p->scale_out_cooldown != AAS_UNSET)
        cJSON_AddNumberToObject(j, "scale_out_cooldown", (double)p->scale_out_cooldown);
    /* the label app/LB/ID/targetgroup/TG/ID back into the two ARNs the file's nodes have */
    const char *tg = p->resource_label[0] ? strstr(p->resource_label, "/targetgroup/") : NULL;
    char *prefix = tg ? elb_arn_prefix(p->arn) : NULL;
    if (prefix) {
        char *lb = xasprintf("%sloadbalancer/%.*s", prefix, (int)(tg - p->resource_label), p->resource_label);
        char *tga = xasprintf("%s%s", prefix, tg + 1);
        cJSON_AddStringToObject(j, "load_balancer", lb);
        cJSON_AddStringToObject(j, "target_group", tga);
        free(lb);
        free(tga);
    }
    free(prefix);
    return j;
}

static cJSON *scaling_action_props(const aas_scheduled_action *a)
{
    cJSON *j = res_props("name", a->name, "schedule", a->schedule, NULL);
    if (a->timezone[0])
        cJSON_AddStringToObject(j, "timezone", a->timezone);
    if (a->min_capacity != AAS_UNSET)
        cJSON_AddNumberToObject(j, "min", (double)a->min_capacity);
    if (a->max_capacity != AAS_UNSET)
        cJSON_AddNumberToObject(j, "max", (double)a->max_capacity);
    return j;
}

typedef struct {
    res_ctx *ctx;
    char **rids;                 /* the resource ids the file scales */
    size_t n;
    aas_targets targets;
    aas_policies *policies;      /* [n] */
    aas_scheduled_actions *actions; /* [n] */
} discovery;

/* Job 0: every ECS target; then two per scaled service: its policies, its actions. */
static int discover_one(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return aas_describe_scalable_targets(d->ctx->aws, NULL, 0, &d->targets, err);
    size_t k = (i - 1) / 2;
    if ((i - 1) % 2 == 0)
        return aas_describe_scaling_policies(d->ctx->aws, d->rids[k], NULL, 0, &d->policies[k], err);
    return aas_describe_scheduled_actions(d->ctx->aws, d->rids[k], NULL, 0, &d->actions[k], err);
}

static cJSON *target_props(res_ctx *ctx, const aas_target *t, const discovery *d)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "resource_id", t->resource_id);
    cJSON_AddNumberToObject(p, "min", (double)t->min_capacity);
    cJSON_AddNumberToObject(p, "max", (double)t->max_capacity);
    cJSON *pols = cJSON_AddArrayToObject(p, "policies");
    cJSON *sched = cJSON_AddArrayToObject(p, "schedule");
    for (size_t k = 0; k < d->n; k++) {
        if (strcmp(d->rids[k], t->resource_id) != 0)
            continue;
        for (size_t j = 0; j < d->policies[k].n; j++)
            cJSON_AddItemToArray(pols, scaling_policy_props(ctx, &d->policies[k].items[j]));
        for (size_t j = 0; j < d->actions[k].n; j++)
            cJSON_AddItemToArray(sched, scaling_action_props(&d->actions[k].items[j]));
    }
    sort_by_name(pols);
    sort_by_name(sched);
    return p;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *cluster = stack_name_cluster(ctx->stack_name);
    char *prefix = aas_resource_id(cluster, "");
    discovery d = {.ctx = ctx};
    const stack_model *s = ctx->stack;
    d.rids = xcalloc(s ? s->nservices + 1 : 1, sizeof *d.rids);
    for (size_t i = 0; s && i < s->nservices; i++)
        if (s->services[i].scaling.set)
            d.rids[d.n++] = aas_resource_id(cluster, s->services[i].name);
    d.policies = xcalloc(d.n + 1, sizeof *d.policies);
    d.actions = xcalloc(d.n + 1, sizeof *d.actions);
    int rc = res_parallel(1 + 2 * d.n, RES_READS_AT_ONCE, discover_one, &d, err);
    for (size_t i = 0; rc == 0 && i < d.targets.n; i++) {
        const aas_target *t = &d.targets.items[i];
        if (strncmp(t->resource_id, prefix, strlen(prefix)) != 0 || strchr(t->resource_id + strlen(prefix), '/'))
            continue;
        res_found_add_named(out, &res_kind_scaling, t->resource_id + strlen(prefix), t->resource_id,
                            target_props(ctx, t, &d));
    }
    for (size_t k = 0; k < d.n; k++) {
        free(d.rids[k]);
        aas_policies_free(&d.policies[k]);
        aas_scheduled_actions_free(&d.actions[k]);
    }
    free(d.rids);
    free(d.policies);
    free(d.actions);
    aas_targets_free(&d.targets);
    free(prefix);
    free(cluster);
    return rc;
}

/* ---- status ----------------------------------------------------------------------- */

typedef struct {
    res_ctx *ctx;
    const char *rid;
    char *cluster, *service;
    ecs_service svc;
    int found;
    aas_activities acts;
} status_reads;

static int status_one(void *ud, size_t i, aws_error *err)
{
    status_reads *r = ud;
    if (i == 0)
        return ecs_describe_service(r->ctx->aws, r->cluster, r->service, &r->svc, &r->found, err);
    return aas_describe_scaling_activities(r->ctx->aws, r->rid, 1, 1, &r->acts, err);
}

/* "2 to 6, now 3; cpu 60%, requests 1000/task; schedule day, night" */
static void summary(const cJSON *a, int current, buf *b)
{
    buf_printf(b, "%d to %d", cJSON_GetObjectItem(a, "min")->valueint, cJSON_GetObjectItem(a, "max")->valueint);
    if (current >= 0)
        buf_printf(b, ", now %d", current);
    const cJSON *e;
    int k = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(a, "policies")) {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(e, "metric"));
        double t = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "target"));
        buf_printf(b, "%s%s %g%s", k++ ? ", " : "; ", m ? m : "?", t,
                   m && !strcmp(m, "requests") ? "/task" : "%");
    }
    k = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(a, "schedule"))
        buf_printf(b, "%s%s", k++ ? ", " : "; schedule ", cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")));
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)err;
    if (!n->actual || !n->physical_id)
        return 0;
    status_reads r = {.ctx = ctx, .rid = n->physical_id};
    const char *svc = n->physical_id + strlen("service/");
    const char *slash = strchr(svc, '/');
    if (!slash)
        return 0;
    r.cluster = xstrndup(svc, (size_t)(slash - svc));
    r.service = xstrdup(slash + 1);
    int rcs[2];
    aws_error errs[2];
    res_parallel_all(2, 2, status_one, &r, rcs, errs);
    int current = rcs[0] == 0 && r.found ? r.svc.desired : -1;
    buf b = BUF_INIT;
    summary(n->actual, current, &b);
    cJSON_AddStringToObject(out, "summary", buf_str(&b));
    cJSON_AddNumberToObject(out, "min", cJSON_GetObjectItem(n->actual, "min")->valuedouble);
    cJSON_AddNumberToObject(out, "max", cJSON_GetObjectItem(n->actual, "max")->valuedouble);
    if (current >= 0)
        cJSON_AddNumberToObject(out, "current", current);
    cJSON_AddItemToObject(out, "policies", cJSON_Duplicate(cJSON_GetObjectItem(n->actual, "policies"), 1));
    cJSON_AddItemToObject(out, "schedule", cJSON_Duplicate(cJSON_GetObjectItem(n->actual, "schedule"), 1));
    if (rcs[1] == 0 && r.acts.n) {
        const aas_activity *a = &r.acts.items[0];
        cJSON_AddStringToObject(out, "last_activity", a->description);
        cJSON_AddStringToObject(out, "last_activity_status", a->status);
        if (strcmp(a->status, "Failed") == 0)
            cJSON_AddBoolToObject(out, "healthy", 0);
    }
    buf_free(&b);
    ecs_service_free(&r.svc);
    aas_activities_free(&r.acts);
    free(r.cluster);
    free(r.service);
    return 0;
}

static const char *const replace_on[] = {"resource_id", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    READS(b, "application-autoscaling:DescribeScalableTargets "
             "application-autoscaling:DescribeScalingPolicies "
             "application-autoscaling:DescribeScheduledActions "
             "application-autoscaling:DescribeScalingActivities");
    if (!mine)
        return;
    /* its resources are the cluster's services: service/STACK/SERVICE */
    ci_allow(b, "application-autoscaling:RegisterScalableTarget "
             "application-autoscaling:DeregisterScalableTarget "
             "application-autoscaling:PutScalingPolicy application-autoscaling:DeleteScalingPolicy "
             "application-autoscaling:PutScheduledAction "
             "application-autoscaling:DeleteScheduledAction application-autoscaling:TagResource",
             ci_one(ci_arn(b, "application-autoscaling", 1, "scalable-target/*")), NULL);
    ci_allow(b, "ecs:DescribeServices ecs:UpdateService",
             ci_one(ci_arn(b, "ecs", 1, "service/%s/*", b->g->stack->name)), NULL);
    ci_allow(b, "cloudwatch:PutMetricAlarm cloudwatch:DescribeAlarms cloudwatch:DeleteAlarms",
             ci_one(ci_arn(b, "cloudwatch", 1, "alarm:TargetTracking-service/%s/*",
                           b->g->stack->name)),
             NULL);
}

const res_kind res_kind_scaling = {
    .name = "scaling",
    .title = "autoscaling",
    .build = build,
    .discover = discover,
    .create = scaling_create,
    .update = scaling_update,
    .remove = scaling_remove,
    .replace_on = replace_on,
    .status = status,
    .ci_grant = ci_grant,
    .linked_role = "ecs.application-autoscaling.amazonaws.com",
};
