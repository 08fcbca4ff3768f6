/*
 * Target groups: one per service behind a load balancer (STACK-SERVICE), and for
 * blue/green, canary and linear services the alternate one (STACK-SERVICE-g, node
 * target_group/SERVICE-alt). Type ip, HTTP on the container port, the service's health
 * check, and a deregistration delay the stack controls (never AWS's 300 s default).
 *
 * Properties: name, port, protocol, target_type, vpc, health_check {path, port, matcher,
 * interval, timeout, healthy_threshold, unhealthy_threshold}, deregistration_delay;
 * actual ones add arn.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "elb_internal.h"
#include "stack_names.h"
#include "xalloc.h"

#define DELAY_KEY "deregistration_delay.timeout_seconds"

/* The health check as desired (from the file) and as read (from the group): the same
 * members either way. */
static cJSON *health_props(const char *path, const char *port, const char *matcher, int interval,
                           int timeout, int healthy, int unhealthy)
{
    cJSON *o = res_props("path", path, "port", port, "matcher", matcher, NULL);
    cJSON_AddNumberToObject(o, "interval", interval);
    cJSON_AddNumberToObject(o, "timeout", timeout);
    cJSON_AddNumberToObject(o, "healthy_threshold", healthy);
    cJSON_AddNumberToObject(o, "unhealthy_threshold", unhealthy);
    return o;
}

static cJSON *health_json(const stack_lb_health *h)
{
    char port[16];
    snprintf(port, sizeof port, "%d", h->port);
    return health_props(h->path ? h->path : "/", h->port ? port : "traffic-port",
                        h->matcher ? h->matcher : "200-399", h->interval, h->timeout,
                        h->healthy_threshold, h->unhealthy_threshold);
}

static void add_group(res_graph *g, const stack_service *svc, int alternate)
{
    char *name = stack_name_target_group(g->stack->name, svc->name, alternate);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    cJSON_AddNumberToObject(d, "port", svc->lb.port ? svc->lb.port : stack_service_port(svc));
    cJSON_AddStringToObject(d, "protocol", "HTTP");
    cJSON_AddStringToObject(d, "target_type", "ip");
    cJSON_AddItemToObject(d, "vpc", res_ref("vpc/main", "id"));
    cJSON_AddItemToObject(d, "health_check", health_json(&svc->lb.health));
    cJSON_AddNumberToObject(d, "deregistration_delay",
                            svc->lb.deregistration_delay >= 0 ? svc->lb.deregistration_delay : 15);
    char *node = xasprintf("%s%s", svc->name, alternate ? "-alt" : "");
    res_node *n = res_graph_addf(g, &res_kind_target_group, node, d, "%starget group %s",
                                 alternate ? "alternate (blue/green) " : "", name);
    n->model = svc;
    res_node_depend(n, res_graph_find(g, "vpc/main"));
    free(node);
    free(name);
}

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        if (!svc->has_load_balancer)
            continue;
        add_group(g, svc, 0);
        if (svc->deployment.strategy != STACK_DEPLOY_ROLLING)
            add_group(g, svc, 1);
    }
    return 0;
}

static cJSON *props_of(const elbv2_tg *t, const svc_tags *attrs)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", t->name);
    cJSON_AddNumberToObject(p, "port", t->port);
    cJSON_AddStringToObject(p, "protocol", t->protocol);
    cJSON_AddStringToObject(p, "target_type", t->target_type);
    cJSON_AddStringToObject(p, "vpc", t->vpc_id);
    const elbv2_health_check *h = &t->health;
    cJSON_AddItemToObject(p, "health_check",
                          health_props(h->path, h->port, h->matcher, h->interval, h->timeout,
                                       h->healthy_threshold, h->unhealthy_threshold));
    const char *delay = attrs ? svc_tags_get(attrs, DELAY_KEY) : NULL;
    if (delay)
        cJSON_AddNumberToObject(p, "deregistration_delay", atoi(delay));
    cJSON_AddStringToObject(p, "arn", t->arn);
    return p;
}

/* The STACK- groups of the region; their tags and attributes side by side. */
static int discover_once(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    elbv2_tgs all = {0};
    if (elbv2_describe_target_groups(ctx->aws, NULL, NULL, NULL, 0, &all, err) != 0)
        return -1;
    char *prefix = xasprintf("%s-", ctx->stack_name);
    size_t n = 0;
    for (size_t i = 0; i < all.n; i++) {
        if (strncmp(all.items[i].name, prefix, strlen(prefix)) == 0)
            all.items[n++] = all.items[i];
        else
            elbv2_tg_free(&all.items[i]);
    }
    all.n = n;
    free(prefix);
    const char **arns = xcalloc(n + 1, sizeof *arns);
    for (size_t i = 0; i < n; i++)
        arns[i] = all.items[i].arn;
    char **ids = NULL;
    svc_tags *attrs;
    int rc = elbres_owned_attrs(ctx, arns, n, elbv2_describe_target_group_attributes, &ids, &attrs,
                                err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (ids[i])
            res_found_add(out, ids[i], all.items[i].arn, props_of(&all.items[i], &attrs[i]));
    elbres_attrs_free(attrs, n);
    elbres_ids_free(ids, n);
    free(arns);
    elbv2_tgs_free(&all);
    return rc;
}

static elbv2_health_check health_in(const cJSON *h)
{
    elbv2_health_check c = {.enabled = 1};
    c.protocol = "HTTP";
    c.port = cJSON_GetObjectItem(h, "port")->valuestring;
    c.path = cJSON_GetObjectItem(h, "path")->valuestring;
    c.matcher = cJSON_GetObjectItem(h, "matcher")->valuestring;
    c.interval = cJSON_GetObjectItem(h, "interval")->valueint;
    c.timeout = cJSON_GetObjectItem(h, "timeout")->valueint;
    c.healthy_threshold = cJSON_GetObjectItem(h, "healthy_threshold")->valueint;
    c.unhealthy_threshold = cJSON_GetObjectItem(h, "unhealthy_threshold")->valueint;
    return c;
}

/* The deregistration delay, then record the group: as the create or modify answer gave it
 * (t), or, t NULL, as it was but for the delay; the attributes are those the
 * ModifyTargetGroupAttributes answer lists. Both answers say all a read-back would. */
static int settle(res_ctx *ctx, res_node *n, const elbv2_tg *t, aws_error *err)
{
    char delay[16];
    snprintf(delay, sizeof delay, "%d", cJSON_GetObjectItem(n->desired, "deregistration_delay")->valueint);
    svc_tags want = {0}, now = {0};
    svc_tags_add(&want, DELAY_KEY, delay);
    int rc = elbv2_modify_target_group_attributes(ctx->aws, n->physical_id, &want, &now, err);
    const char *set = svc_tags_get(&now, DELAY_KEY);
    if (rc == 0 && t) {
        res_node_set(ctx, n, t->arn, props_of(t, &now));
    } else if (rc == 0) {
        cJSON *p = cJSON_Duplicate(n->actual, 1);
        cJSON_DeleteItemFromObjectCaseSensitive(p, "deregistration_delay");
        if (set)
            cJSON_AddNumberToObject(p, "deregistration_delay", atoi(set));
        res_node_set(ctx, n, n->physical_id, p);
    }
    svc_tags_free(&want);
    svc_tags_free(&now);
    return rc;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    return elbres_discover_retry(ctx, discover_once, out, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    elbv2_tg_in in = {.name = cJSON_GetObjectItem(n->desired, "name")->valuestring,
                      .protocol = cJSON_GetObjectItem(n->desired, "protocol")->valuestring,
                      .vpc_id = cJSON_GetObjectItem(n->desired, "vpc")->valuestring,
                      .target_type = cJSON_GetObjectItem(n->desired, "target_type")->valuestring,
                      .port = cJSON_GetObjectItem(n->desired, "port")->valueint,
                      .health = health_in(cJSON_GetObjectItem(n->desired, "health_check")),
                      .tags = &tags};
    elbv2_tg t = {0};
    /* the same name and settings answer with the existing group (a re-run after a crash) */
    int rc = elbv2_create_target_group(ctx->aws, &in, &t, err);
    svc_tags_free(&tags);
    if (rc == 0)
        res_node_set(ctx, n, t.arn, props_of(&t, NULL));
    if (rc == 0)
        rc = settle(ctx, n, &t, err);
    elbv2_tg_free(&t);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *want = cJSON_GetObjectItem(n->desired, "health_check");
    const cJSON *have = n->actual ? cJSON_GetObjectItem(n->actual, "health_check") : NULL;
    elbv2_tg t = {0};
    int modified = !have || !cJSON_Compare(want, have, 1);
    if (modified) {
        elbv2_health_check h = health_in(want);
        if (elbv2_modify_target_group(ctx->aws, n->physical_id, &h, &t, err) != 0)
            return -1;
    }
    int rc = settle(ctx, n, modified ? &t : NULL, err);
    elbv2_tg_free(&t);
    return rc;
}

static int poll_delete(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    int rc = res_delete_tried(elbv2_delete_target_group(ctx->aws, n->physical_id, err), err, 0,
                              status, len);
    return rc >= 0 ? rc : elbres_poll_failed(err, status, len);
}

/* A group being replaced (a new port, ...) is still the target of our rules, which move
 * to the new group right after: until then they answer 503, so the old group can go. */
static int detach_rules(res_ctx *ctx, const res_node *n, aws_error *err)
{
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++) {
        const res_node *r = ctx->graph->nodes[i];
        if (strcmp(r->kind->name, "listener_rule") != 0 || !r->physical_id || !r->actual)
            continue;
        char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(r->actual, "actions"));
        int uses = text && strstr(text, n->physical_id) != NULL;
        free(text);
        if (!uses)
            continue;
        elbv2_action busy = {.type = "fixed-response", .order = 1};
        busy.fixed.status_code = "503";
        busy.fixed.content_type = "text/plain";
        if (elbv2_modify_rule(ctx->aws, r->physical_id, NULL, 0, &busy, 1, NULL, err) != 0 &&
            !aws_error_is(err, AWS_IS_NOT_FOUND))
            return -1;
        res_event(ctx, n, RES_REPLACE, RES_EV_NOTE, "%s answers 503 until the new target group is in place",
                  r->id);
    }
    return 0;
}

static int remove_tg(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (n->action == RES_REPLACE && detach_rules(ctx, n, err) != 0)
        return -1;
    return res_wait(ctx, n, RES_DELETE, "no listener or rule to use the target group",
                    poll_delete, NULL, err);
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    elbv2_target_healths h = {0};
    if (elbv2_describe_target_health(ctx->aws, n->physical_id, NULL, 0, &h, err) != 0)
        return -1;
    int healthy = 0, unhealthy = 0, other = 0;
    cJSON *reasons = cJSON_CreateArray();
    for (size_t i = 0; i < h.n; i++) {
        const elbv2_target_health *t = &h.items[i];
        if (strcmp(t->state, "healthy") == 0) {
            healthy++;
            continue;
        }
        if (strcmp(t->state, "unhealthy") == 0)
            unhealthy++;
        else
            other++;
        char *line = xasprintf("%s:%d %s%s%s%s%s%s", t->id, t->port, t->state,
                               *t->reason ? " (" : "", t->reason, *t->reason ? ")" : "",
                               *t->description ? ": " : "", t->description);
        cJSON_AddItemToArray(reasons, cJSON_CreateString(line));
        free(line);
    }
    cJSON *targets = cJSON_AddObjectToObject(out, "targets");
    cJSON_AddNumberToObject(targets, "healthy", healthy);
    cJSON_AddNumberToObject(targets, "unhealthy", unhealthy);
    cJSON_AddNumberToObject(targets, "other", other);
    cJSON_AddItemToObject(targets, "reasons", reasons);
    if (unhealthy > 0)
        cJSON_AddBoolToObject(out, "healthy", 0);
    elbv2_target_healths_free(&h);
    return 0;
}

static const char *const replace_on[] = {"name", "port", "protocol", "target_type", "vpc", NULL};

/* a target group per service: told by its tags, so that the policy does not grow with them */
static void ci_grant(ci_builder *b, int mine)
{
    ci_elb_reads(b);
    if (!mine)
        return;
    ci_by_tag(b, "elasticloadbalancing:CreateTargetGroup elasticloadbalancing:AddTags",
              "elasticloadbalancing:ModifyTargetGroup elasticloadbalancing:ModifyTargetGroupAttributes "
              "elasticloadbalancing:DeleteTargetGroup elasticloadbalancing:RemoveTags",
              ci_one(ci_arn(b, "elasticloadbalancing", 1, "targetgroup/*")));
}

const res_kind res_kind_target_group = {
    .name = "target_group",
    .title = "target group",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_tg,
    .replace_on = replace_on,
    .status = status,
    .ci_grant = ci_grant,
};
