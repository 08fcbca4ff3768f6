/*
 * Application load balancers: STACK-LB, internet-facing or internal, in the subnets of
 * its tier with its own security group (sg/lb-LB); the idle timeout attribute. Not waited
 * for until active when made (its listeners go ahead while it provisions): `up` waits
 * for that at its end (the kind's ready hook). Found by name prefix and tags.
 *
 * Properties: name, scheme, subnets and security_groups (compared in any order, set in
 * place with SetSubnets / SetSecurityGroups), idle_timeout, ip_address_type (ipv4 or
 * dualstack, SetIpAddressType); actual ones add arn, dns_name, zone_id (its canonical
 * hosted zone), state.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "elb_internal.h"
#include "net_internal.h"
#include "service_internal.h"
#include "stack_names.h"
#include "xalloc.h"

#define IDLE_KEY "idle_timeout.timeout_seconds"

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        char *name = stack_name_load_balancer(s->name, lb->name);
        cJSON *d = res_props("name", name, "scheme", lb->internal ? "internal" : "internet-facing",
                             NULL);
        res_node *n = res_graph_addf(g, &res_kind_alb, lb->name, d, "%s load balancer %s",
                                     lb->internal ? "internal" : "internet-facing", name);
        n->model = lb;
        cJSON_AddItemToObject(d, "subnets", resnet_tier_subnets(g, n, lb->tier));
        char *sg = xasprintf("sg/lb-%s", lb->name);
        cJSON *groups = cJSON_AddArrayToObject(d, "security_groups");
        cJSON_AddItemToArray(groups, res_ref(sg, "id"));
        res_node_depend(n, res_graph_find(g, sg));
        /* when public, the internet gateway AWS wants attached to the VPC before it makes
         * the balancer. Not the public route table nor the rules into its group: AWS asks
         * for neither, and both are in place long before the balancer is active (it
         * provisions for a minute or two; routes and rules take a second). */
        if (!lb->internal)
            res_node_depend(n, res_graph_find(g, "igw/main"));
        cJSON_AddNumberToObject(d, "idle_timeout", lb->idle_timeout);
        /* network.ipv6: internet-facing balancers answer over IPv6 too (AWS keeps internal
         * ones on IPv4) */
        cJSON_AddStringToObject(d, "ip_address_type",
                                s->network.ipv6 && !lb->internal ? "dualstack" : "ipv4");
        free(sg);
        free(name);
    }
    return 0;
}

static cJSON *props_of(const elbv2_lb *lb, const svc_tags *attrs)
{
    cJSON *p = res_props("name", lb->name, "scheme", lb->scheme,
                         "ip_address_type", lb->ip_address_type[0] ? lb->ip_address_type : "ipv4",
                         NULL);
    cJSON *subnets = cJSON_AddArrayToObject(p, "subnets");
    for (size_t i = 0; i < lb->nzones; i++)
        cJSON_AddItemToArray(subnets, cJSON_CreateString(lb->zones[i].subnet_id));
    cJSON *groups = cJSON_AddArrayToObject(p, "security_groups");
    for (size_t i = 0; i < lb->security_groups.n; i++)
        cJSON_AddItemToArray(groups, cJSON_CreateString(lb->security_groups.items[i]));
    const char *idle = attrs ? svc_tags_get(attrs, IDLE_KEY) : NULL;
    if (idle)
        cJSON_AddNumberToObject(p, "idle_timeout", atoi(idle));
    cJSON_AddStringToObject(p, "arn", lb->arn);
    cJSON_AddStringToObject(p, "dns_name", lb->dns_name);
    cJSON_AddStringToObject(p, "zone_id", lb->hosted_zone_id); /* for alias records */
    cJSON_AddStringToObject(p, "ip_address_type", *lb->ip_address_type ? lb->ip_address_type : "ipv4");
    cJSON_AddStringToObject(p, "state", lb->state);
    return p;
}

/* The STACK- load balancers; their tags and attributes side by side. */
static int discover_once(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    elbv2_lbs lbs;
    if (elbres_stack_lbs(ctx, &lbs, err) != 0)
        return -1;
    const char **arns = xcalloc(lbs.n + 1, sizeof *arns);
    for (size_t i = 0; i < lbs.n; i++)
        arns[i] = lbs.items[i].arn;
    char **ids = NULL;
    svc_tags *attrs;
    int rc = elbres_owned_attrs(ctx, arns, lbs.n, elbv2_describe_load_balancer_attributes, &ids,
                                &attrs, err);
    for (size_t i = 0; rc == 0 && i < lbs.n; i++)
        if (ids[i])
            res_found_add(out, ids[i], lbs.items[i].arn, props_of(&lbs.items[i], &attrs[i]));
    elbres_attrs_free(attrs, lbs.n);
    elbres_ids_free(ids, lbs.n);
    free(arns);
    elbv2_lbs_free(&lbs);
    return rc;
}

static int describe_one(res_ctx *ctx, const char *arn, elbv2_lb *out, aws_error *err)
{
    const char *arns[] = {arn, NULL};
    elbv2_lbs l = {0};
    if (elbv2_describe_load_balancers(ctx->aws, arns, NULL, 0, &l, err) != 0)
        return -1;
    if (l.n == 0) {
        elbv2_lbs_free(&l);
        aws_error_set(err, AWS_ERR_SERVICE, "LoadBalancerNotFound", "load balancer %s not found", arn);
        return -1;
    }
    *out = l.items[0];
    for (size_t i = 1; i < l.n; i++)
        elbv2_lb_free(&l.items[i]);
    free(l.items);
    return 0;
}

/* What an update leaves: what the balancer had, with the lists and address type the file
 * wants (each set or already so). */
static cJSON *updated(const res_node *n)
{
    static const char *const set[] = {"subnets", "security_groups", "ip_address_type"};
    cJSON *p = n->actual ? cJSON_Duplicate(n->actual, 1) : cJSON_CreateObject();
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        const cJSON *want = cJSON_GetObjectItem(n->desired, set[i]);
        if (!want)
            continue;
        cJSON_DeleteItemFromObject(p, set[i]);
        cJSON_AddItemToObject(p, set[i], cJSON_Duplicate(want, 1));
    }
    return p;
}

/* Set the attributes, then record the balancer: as CreateLoadBalancer's answer gave it
 * (lb), or, lb NULL, as an update left it (updated); the attributes as the
 * ModifyLoadBalancerAttributes answer lists them. No read-back: those answers say all a
 * Describe would (the state too: a new balancer provisions for a minute or more). */
static int settle(res_ctx *ctx, res_node *n, const elbv2_lb *lb, aws_error *err)
{
    const cJSON *timeout = cJSON_GetObjectItem(n->desired, "idle_timeout");
    svc_tags want = {0}, now = {0};
    int rc = 0;
    if (cJSON_IsNumber(timeout)) {
        char idle[16];
        snprintf(idle, sizeof idle, "%d", timeout->valueint);
        svc_tags_add(&want, IDLE_KEY, idle);
        rc = elbv2_modify_load_balancer_attributes(ctx->aws, n->physical_id, &want, &now, err);
        if (rc != 0 && elbres_refused_before_active(ctx, n, n->action, n->physical_id, err) == 1) {
            svc_tags_free(&now);
            memset(&now, 0, sizeof now);
            rc = elbv2_modify_load_balancer_attributes(ctx->aws, n->physical_id, &want, &now, err);
        }
    } else {
        rc = elbv2_describe_load_balancer_attributes(ctx->aws, n->physical_id, &now, err);
    }
    if (rc == 0 && lb) {
        res_node_set(ctx, n, lb->arn, props_of(lb, &now));
    } else if (rc == 0) {
        cJSON *p = updated(n);
        const char *idle = svc_tags_get(&now, IDLE_KEY);
        cJSON_DeleteItemFromObject(p, "idle_timeout");
        if (idle)
            cJSON_AddNumberToObject(p, "idle_timeout", atoi(idle));
        res_node_set(ctx, n, n->physical_id, p);
    }
    svc_tags_free(&want);
    svc_tags_free(&now);
    return rc;
}

static const char **string_list(const cJSON *a)
{
    int n = cJSON_GetArraySize(a);
    const char **l = xcalloc((size_t)n + 1, sizeof *l);
    for (int i = 0; i < n; i++)
        l[i] = cJSON_GetArrayItem(a, i)->valuestring;
    return l;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    return elbres_discover_retry(ctx, discover_once, out, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const char *scheme = cJSON_GetObjectItem(n->desired, "scheme")->valuestring;
    const char **subnets = string_list(cJSON_GetObjectItem(n->desired, "subnets"));
    const char **groups = string_list(cJSON_GetObjectItem(n->desired, "security_groups"));
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    elbv2_lb_in in = {.name = cJSON_GetObjectItem(n->desired, "name")->valuestring,
                      .subnets = subnets, .security_groups = groups, .scheme = scheme,
                      .ip_address_type = cJSON_GetStringValue(cJSON_GetObjectItem(n->desired, "ip_address_type")),
                      .tags = &tags};
    elbv2_lb lb = {0};
    /* the same name with the same settings answers with the existing balancer */
    int rc = elbv2_create_load_balancer(ctx->aws, &in, &lb, err);
    svc_tags_free(&tags);
    free(subnets);
    free(groups);
    if (rc != 0) {
        if (aws_error_is(err, AWS_IS_BUSY) && strcmp(scheme, "internet-facing") == 0)
            aws_error_prefix(err, "an internet-facing load balancer needs an internet gateway "
                                  "attached to its VPC (or make it `internal: true`): ");
        return -1;
    }
    res_node_set(ctx, n, lb.arn, props_of(&lb, NULL));
    /* Not waited for here: AWS takes its attributes, listeners and rules, and ECS a
     * service behind them, while it provisions, so those go ahead meanwhile; `up` waits
     * for it to be active before it reports success (ready). */
    rc = settle(ctx, n, &lb, err);
    elbv2_lb_free(&lb);
    return rc;
}

/* 1 when n needs dep, directly or through the nodes it needs. */
static int needs(const res_node *n, const res_node *dep)
{
    for (size_t i = 0; i < n->ndeps; i++)
        if (n->deps[i] == dep || needs(n->deps[i], dep))
            return 1;
    return 0;
}

/* 1 when this run created a service with tasks behind a listener of the balancer and
 * watched it until steady: its new targets passed health checks, which a balancer makes
 * only once it is active. */
static int seen_active(const res_ctx *ctx, const res_node *lb)
{
    if (!ctx->wait_services)
        return 0;
    for (size_t i = 0; i < ctx->graph->n; i++) {
        const res_node *s = ctx->graph->nodes[i];
        if (s->kind != &res_kind_service || s->action != RES_CREATE || !s->actual ||
            res_prop_int(s->actual, "desired_count", 0) <= 0 ||
            !cJSON_IsObject(cJSON_GetObjectItem(s->actual, "load_balancer")))
            continue;
        for (size_t k = 0; k < s->ndeps; k++) {
            const res_node *d = s->deps[k];
            if ((d->kind == &res_kind_listener_rule || d->kind == &res_kind_listener) &&
                needs(d, lb))
                return 1;
        }
    }
    return 0;
}

/* The end of `up`: the balancer the run made answers. A service behind it that this run
 * saw steady has shown that already; else it is looked at. */
static int ready(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (seen_active(ctx, n) || elbres_wait_active(ctx, n, n->action, n->physical_id, err) == 0) {
        cJSON *now = n->actual ? cJSON_Duplicate(n->actual, 1) : cJSON_CreateObject();
        cJSON_DeleteItemFromObject(now, "state");
        cJSON_AddStringToObject(now, "state", "active");
        res_node_set(ctx, n, n->physical_id, now);
        return 0;
    }
    const cJSON *scheme = cJSON_GetObjectItem(n->desired, "scheme");
    if (aws_error_is(err, AWS_IS_TIMED_OUT) && cJSON_IsString(scheme) &&
        strcmp(scheme->valuestring, "internet-facing") == 0)
        aws_error_prefix(err, "an internet-facing load balancer never becomes active in a "
                              "VPC without an internet gateway: ");
    return -1;
}

/* 1 when two lists of strings hold the same strings, in any order. */
static int same_set(const cJSON *a, const cJSON *b)
{
    if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
        return 0;
    const cJSON *x, *y;
    cJSON_ArrayForEach(x, a) {
        int found = 0;
        cJSON_ArrayForEach(y, b) found |= cJSON_IsString(x) && cJSON_IsString(y) &&
                                          strcmp(x->valuestring, y->valuestring) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

/* Subnets and security groups that differ from the file are replaced in place. */
static int set_list(res_ctx *ctx, res_node *n, const char *member, aws_error *err)
{
    const cJSON *want = cJSON_GetObjectItem(n->desired, member);
    if (!cJSON_IsArray(want) || same_set(want, n->actual ? cJSON_GetObjectItem(n->actual, member) : NULL))
        return 0;
    const char **list = string_list(want);
    int subnets = strcmp(member, "subnets") == 0;
    res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "setting its %s", subnets ? "subnets" : "security groups");
    int rc = subnets ? elbv2_set_subnets(ctx->aws, n->physical_id, list, err)
                     : elbv2_set_security_groups(ctx->aws, n->physical_id, list, err);
    free(list);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (set_list(ctx, n, "subnets", err) != 0 || set_list(ctx, n, "security_groups", err) != 0)
        return -1;
    const char *want = cJSON_GetStringValue(cJSON_GetObjectItem(n->desired, "ip_address_type"));
    const char *have = n->actual ? cJSON_GetStringValue(cJSON_GetObjectItem(n->actual, "ip_address_type")) : NULL;
    if (want && (!have || strcmp(want, have) != 0)) {
        res_event(ctx, n, RES_UPDATE, RES_EV_PROGRESS, "setting its IP address type to %s", want);
        if (elbv2_set_ip_address_type(ctx->aws, n->physical_id, want, err) != 0)
            return -1;
    }
    return settle(ctx, n, NULL, err);
}

static int poll_gone(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)ud;
    elbv2_lb lb = {0};
    if (describe_one(ctx, n->physical_id, &lb, err) != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 1 : elbres_poll_failed(err, status, len);
    snprintf(status, len, "still %s", lb.state);
    elbv2_lb_free(&lb);
    return 0;
}

static int remove_lb(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (elbv2_delete_load_balancer(ctx->aws, n->physical_id, err) != 0 &&
        !aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    return res_wait(ctx, n, RES_DELETE, "the load balancer to be gone", poll_gone, NULL, err);
}

static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    elbv2_lb lb = {0};
    if (describe_one(ctx, n->physical_id, &lb, err) != 0)
        return -1;
    cJSON_AddStringToObject(out, "lb_state", lb.state); /* "state" is the node's own */
    cJSON_AddStringToObject(out, "dns_name", lb.dns_name);
    if (strcmp(lb.state, "active") != 0)
        cJSON_AddBoolToObject(out, "healthy", 0);
    elbv2_lb_free(&lb);
    return 0;
}

static const char *const replace_on[] = {"name", "scheme", NULL};
static const char *const unordered[] = {"subnets", "security_groups", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_elb_reads(b);
    if (!mine)
        return;
    ci_allow(b, "elasticloadbalancing:CreateLoadBalancer elasticloadbalancing:AddTags "
             "elasticloadbalancing:RemoveTags elasticloadbalancing:ModifyLoadBalancerAttributes "
             "elasticloadbalancing:SetSubnets elasticloadbalancing:SetSecurityGroups "
             "elasticloadbalancing:SetIpAddressType elasticloadbalancing:DeleteLoadBalancer",
             ci_each(b, "alb", "name", ci_lb_arn), NULL);
}

const res_kind res_kind_alb = {
    .name = "alb",
    .title = "load balancer",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_lb,
    .replace_on = replace_on,
    .unordered = unordered,
    .status = status,
    .ready = ready,
    .ci_grant = ci_grant,
    .linked_role = "elasticloadbalancing.amazonaws.com",
};
