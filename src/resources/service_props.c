/*
 * A service's properties: the desired ones from the stack model and the actual ones read
 * back from DescribeServices, in the same shape so that the generic diff compares them
 * and a rollback can hand the previous actual properties back to update().
 *
 * name, cluster, task_definition, desired_count (initial_count, used at creation only, for
 * a service that autoscaling resizes), launch_type ("FARGATE", null with a capacity
 * provider strategy), capacity [{provider, weight, base}], platform_version, subnets,
 * security_groups, public_ip, load_balancer {target_group, container, port,
 * alternate_target_group, production_rule, test_rule, role}, grace_period, registry,
 * exec, service_connect {namespace, port_name, discovery_name, alias, alias_port} (or
 * null), deployment {strategy, min_healthy, max_percent, circuit_breaker, bake_minutes,
 * canary_percent, canary_bake_minutes, step_percent, step_bake_minutes},
 * volumes [{name, role, size_gib, type, iops, throughput, encrypted, kms_key, filesystem}].
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "service_internal.h"
#include "xalloc.h"

static cJSON *dep_ref_fmt(res_graph *g, res_node *n, const char *attr, const char *fmt,
                          const char *a, const char *b)
{
    char *id = xasprintf(fmt, a, b);
    cJSON *r = res_ref_needed(g, n, id, attr);
    free(id);
    return r;
}

/* The service's listener rules: the production one, and the test one when asked for. */
static void listener_rules(res_graph *g, res_node *n, const stack_service *svc, cJSON *lb)
{
    char *prefix = xasprintf("listener_rule/%s-", svc->name);
    char *test = svc->lb.test_listener ? xasprintf("%s%d", prefix, svc->lb.test_listener) : NULL;
    for (size_t i = 0; i < g->n; i++) {
        const char *id = g->nodes[i]->id;
        if (strncmp(id, prefix, strlen(prefix)) != 0)
            continue;
        res_node_depend(n, g->nodes[i]);
        if (svc->deployment.strategy == STACK_DEPLOY_ROLLING)
            continue;
        if (test && strcmp(id, test) == 0)
            cJSON_AddItemToObject(lb, "test_rule", res_ref(id, "arn"));
        else if (!cJSON_GetObjectItem(lb, "production_rule"))
            cJSON_AddItemToObject(lb, "production_rule", res_ref(id, "arn"));
    }
    free(test);
    free(prefix);
}

static cJSON *load_balancer(res_graph *g, res_node *n, const stack_service *svc)
{
    cJSON *lb = cJSON_CreateObject();
    cJSON_AddItemToObject(lb, "target_group", dep_ref_fmt(g, n, "arn", "target_group/%s%s", svc->name, ""));
    cJSON_AddStringToObject(lb, "container", svc->lb.container ? svc->lb.container : svc->containers[0].name);
    cJSON_AddNumberToObject(lb, "port", svc->lb.port ? svc->lb.port : stack_service_port(svc));
    if (svc->deployment.strategy != STACK_DEPLOY_ROLLING) {
        cJSON_AddItemToObject(lb, "alternate_target_group",
                              dep_ref_fmt(g, n, "arn", "target_group/%s%s", svc->name, "-alt"));
        cJSON_AddItemToObject(lb, "role", res_ref_needed(g, n, "role/infra", "arn"));
    }
    listener_rules(g, n, svc, lb);
    return lb;
}

static const char *strategy_name(stack_strategy s)
{
    switch (s) {
    case STACK_DEPLOY_BLUE_GREEN: return "BLUE_GREEN";
    case STACK_DEPLOY_CANARY: return "CANARY";
    case STACK_DEPLOY_LINEAR: return "LINEAR";
    default: return "ROLLING";
    }
}

static cJSON *deployment(const stack_deployment *d)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "strategy", strategy_name(d->strategy));
    cJSON_AddNumberToObject(j, "min_healthy", d->min_healthy_percent);
    cJSON_AddNumberToObject(j, "max_percent", d->max_percent);
    cJSON_AddBoolToObject(j, "circuit_breaker", 1);
    if (d->strategy != STACK_DEPLOY_ROLLING)
        cJSON_AddNumberToObject(j, "bake_minutes", d->bake_minutes);
    if (d->strategy == STACK_DEPLOY_CANARY) {
        cJSON_AddNumberToObject(j, "canary_percent", d->canary_percent);
        cJSON_AddNumberToObject(j, "canary_bake_minutes", d->canary_bake_minutes);
    }
    if (d->strategy == STACK_DEPLOY_LINEAR) {
        cJSON_AddNumberToObject(j, "step_percent", d->step_percent);
        cJSON_AddNumberToObject(j, "step_bake_minutes", d->step_bake_minutes);
    }
    return j;
}

static cJSON *volumes(res_graph *g, res_node *n, const stack_service *svc)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < svc->nvolumes; i++) {
        const stack_volume *v = &svc->volumes[i];
        if (v->kind != STACK_VOL_EBS)
            continue;
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", v->name);
        cJSON_AddItemToObject(j, "role", res_ref_needed(g, n, "role/infra", "arn"));
        cJSON_AddNumberToObject(j, "size_gib", v->size_gib);
        cJSON_AddStringToObject(j, "type", v->type ? v->type : "gp3");
        if (v->iops)
            cJSON_AddNumberToObject(j, "iops", v->iops);
        if (v->throughput)
            cJSON_AddNumberToObject(j, "throughput", v->throughput);
        cJSON_AddBoolToObject(j, "encrypted", v->encrypted);
        if (v->kms_key)
            cJSON_AddStringToObject(j, "kms_key", v->kms_key);
        cJSON_AddStringToObject(j, "filesystem", v->filesystem ? v->filesystem : "ext4");
        cJSON_AddItemToArray(a, j);
    }
    return a;
}

/* Service Connect: the namespace (the private DNS one when it has that name), the port
 * it publishes and how clients call it; null when the service is not in a namespace. */
static cJSON *service_connect(res_graph *g, res_node *n, const stack_service *svc)
{
    const stack_connect *k = &svc->connect;
    const stack_model *s = g->stack;
    if (!k->set || !s || !s->connect_namespace)
        return cJSON_CreateNull();
    cJSON *j = cJSON_CreateObject();
    int shared = s->namespace_name && !strcmp(s->namespace_name, s->connect_namespace);
    cJSON_AddItemToObject(j, "namespace", res_ref_needed(g, n, shared ? "namespace/main" : "namespace/connect", "arn"));
    if (!k->client_only) {
        cJSON_AddStringToObject(j, "port_name", k->port_name);
        cJSON_AddStringToObject(j, "discovery_name", k->discovery_name);
        cJSON_AddStringToObject(j, "alias", k->alias);
        cJSON_AddNumberToObject(j, "alias_port", k->alias_port);
    }
    return j;
}

cJSON *service_desired(res_graph *g, res_node *n, const stack_service *svc)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", svc->name);
    cJSON_AddItemToObject(d, "cluster", res_ref_needed(g, n, "cluster/main", "name"));
    cJSON_AddItemToObject(d, "task_definition", dep_ref_fmt(g, n, "id", "task_def/%s%s", svc->name, ""));
    /* autoscaling owns the count of a scaled service: the file's is only the first one */
    cJSON_AddNumberToObject(d, svc->scaling.set ? "initial_count" : "desired_count", svc->desired_count);
    /* the service's strategy, else the cluster's, sent as the service's own: the plan
     * compares it, and a later change of the cluster's reaches the service too */
    size_t ncap = 0;
    const stack_capacity *cap = stack_service_capacity(g->stack, svc, &ncap);
    if (ncap)
        cJSON_AddNullToObject(d, "launch_type");
    else
        cJSON_AddStringToObject(d, "launch_type", "FARGATE");
    cJSON_AddItemToObject(d, "capacity", stack_capacity_json(cap, ncap));
    cJSON_AddStringToObject(d, "platform_version", "LATEST");
    cJSON_AddItemToObject(d, "subnets", resnet_tier_subnets(g, n, svc->subnets));
    cJSON *groups = cJSON_AddArrayToObject(d, "security_groups");
    cJSON_AddItemToArray(groups, dep_ref_fmt(g, n, "id", "sg/%s%s", svc->name, ""));
    /* the group's rules too: tasks must be reachable once they start */
    res_node_depend(n, res_graph_find(g, cJSON_GetObjectItem(groups->child, "ref")->valuestring));
    res_node_needs(g, n, "sg_rules/%s", svc->name);
    /* and its egress: tasks never run with more than the file allows */
    res_node_needs(g, n, "sg_egress/%s", svc->name);
    cJSON_AddBoolToObject(d, "public_ip", svc->public_ip);
    /* null, not left out: a load balancer or registry removed from the file is a change */
    if (svc->has_load_balancer) {
        cJSON_AddItemToObject(d, "load_balancer", load_balancer(g, n, svc));
        cJSON_AddNumberToObject(d, "grace_period", svc->lb.grace_period);
    } else {
        cJSON_AddNullToObject(d, "load_balancer");
    }
    if (svc->has_discovery)
        cJSON_AddItemToObject(d, "registry", dep_ref_fmt(g, n, "arn", "discovery/%s%s", svc->name, ""));
    else
        cJSON_AddNullToObject(d, "registry");
    cJSON_AddBoolToObject(d, "exec", svc->exec);
    cJSON_AddItemToObject(d, "service_connect", service_connect(g, n, svc));
    cJSON_AddItemToObject(d, "deployment", deployment(&svc->deployment));
    cJSON_AddItemToObject(d, "volumes", volumes(g, n, svc));
    return d;
}

/* ---- actual ------------------------------------------------------------------------ */

static void copy_str(cJSON *to, const char *name, const cJSON *from, const char *member)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, member);
    if (cJSON_IsString(v))
        cJSON_AddStringToObject(to, name, v->valuestring);
}

static void copy_num(cJSON *to, const char *name, const cJSON *from, const char *member)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, member);
    if (cJSON_IsNumber(v))
        cJSON_AddNumberToObject(to, name, v->valuedouble);
}

static cJSON *actual_lb(const cJSON *raw)
{
    const cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItem(raw, "loadBalancers"), 0);
    if (!l)
        return NULL;
    cJSON *lb = cJSON_CreateObject();
    copy_str(lb, "target_group", l, "targetGroupArn");
    copy_str(lb, "container", l, "containerName");
    copy_num(lb, "port", l, "containerPort");
    const cJSON *adv = cJSON_GetObjectItem(l, "advancedConfiguration");
    copy_str(lb, "alternate_target_group", adv, "alternateTargetGroupArn");
    copy_str(lb, "role", adv, "roleArn");
    copy_str(lb, "production_rule", adv, "productionListenerRule");
    copy_str(lb, "test_rule", adv, "testListenerRule");
    return lb;
}

static cJSON *actual_deployment(const cJSON *raw)
{
    const cJSON *c = cJSON_GetObjectItem(raw, "deploymentConfiguration");
    cJSON *j = cJSON_CreateObject();
    const cJSON *st = cJSON_GetObjectItem(c, "strategy");
    cJSON_AddStringToObject(j, "strategy", cJSON_IsString(st) ? st->valuestring : "ROLLING");
    copy_num(j, "min_healthy", c, "minimumHealthyPercent");
    copy_num(j, "max_percent", c, "maximumPercent");
    const cJSON *cb = cJSON_GetObjectItem(c, "deploymentCircuitBreaker");
    cJSON_AddBoolToObject(j, "circuit_breaker", cJSON_IsTrue(cJSON_GetObjectItem(cb, "enable")) &&
                                                    cJSON_IsTrue(cJSON_GetObjectItem(cb, "rollback")));
    copy_num(j, "bake_minutes", c, "bakeTimeInMinutes");
    const cJSON *canary = cJSON_GetObjectItem(c, "canaryConfiguration");
    copy_num(j, "canary_percent", canary, "canaryPercent");
    copy_num(j, "canary_bake_minutes", canary, "canaryBakeTimeInMinutes");
    const cJSON *linear = cJSON_GetObjectItem(c, "linearConfiguration");
    copy_num(j, "step_percent", linear, "stepPercent");
    copy_num(j, "step_bake_minutes", linear, "stepBakeTimeInMinutes");
    return j;
}

/* ECS reports volume configurations on the deployments: the PRIMARY one's. */
static const cJSON *volume_configs(const cJSON *raw)
{
    const cJSON *v = cJSON_GetObjectItem(raw, "volumeConfigurations");
    if (v)
        return v;
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(raw, "deployments")) {
        const cJSON *st = cJSON_GetObjectItem(d, "status");
        if (cJSON_IsString(st) && !strcmp(st->valuestring, "PRIMARY"))
            return cJSON_GetObjectItem(d, "volumeConfigurations");
    }
    return NULL;
}

static cJSON *actual_volumes(const cJSON *raw)
{
    cJSON *a = cJSON_CreateArray();
    const cJSON *v;
    cJSON_ArrayForEach(v, volume_configs(raw)) {
        const cJSON *m = cJSON_GetObjectItem(v, "managedEBSVolume");
        cJSON *j = cJSON_CreateObject();
        copy_str(j, "name", v, "name");
        copy_str(j, "role", m, "roleArn");
        copy_num(j, "size_gib", m, "sizeInGiB");
        copy_str(j, "type", m, "volumeType");
        const cJSON *iops = cJSON_GetObjectItem(m, "iops");
        if (cJSON_IsNumber(iops) && iops->valuedouble > 0)
            copy_num(j, "iops", m, "iops");
        const cJSON *tp = cJSON_GetObjectItem(m, "throughput");
        if (cJSON_IsNumber(tp) && tp->valuedouble > 0)
            copy_num(j, "throughput", m, "throughput");
        cJSON_AddBoolToObject(j, "encrypted", cJSON_IsTrue(cJSON_GetObjectItem(m, "encrypted")));
        copy_str(j, "kms_key", m, "kmsKeyId");
        const cJSON *fs = cJSON_GetObjectItem(m, "filesystemType");
        cJSON_AddStringToObject(j, "filesystem", cJSON_IsString(fs) ? fs->valuestring : "ext4");
        cJSON_AddItemToArray(a, j);
    }
    return a;
}

/* The PRIMARY deployment's Service Connect configuration, shaped like service_connect()'s
 * (ECS reports the namespace by its ARN); null when the service is in no namespace. */
static cJSON *actual_connect(const cJSON *raw)
{
    const cJSON *d, *cfg = NULL;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(raw, "deployments")) {
        const cJSON *st = cJSON_GetObjectItem(d, "status");
        if (cJSON_IsString(st) && !strcmp(st->valuestring, "PRIMARY"))
            cfg = cJSON_GetObjectItem(d, "serviceConnectConfiguration");
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItem(cfg, "enabled")))
        return cJSON_CreateNull();
    cJSON *j = cJSON_CreateObject();
    copy_str(j, "namespace", cfg, "namespace");
    const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(cfg, "services"), 0);
    if (s) {
        copy_str(j, "port_name", s, "portName");
        copy_str(j, "discovery_name", s, "discoveryName");
        const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "clientAliases"), 0);
        if (cJSON_GetObjectItem(a, "dnsName"))
            copy_str(j, "alias", a, "dnsName");
        else
            copy_str(j, "alias", s, "discoveryName");
        copy_num(j, "alias_port", a, "port");
    }
    return j;
}

static cJSON *string_array(const cJSON *from)
{
    cJSON *a = cJSON_CreateArray();
    const cJSON *e;
    cJSON_ArrayForEach(e, from) if (cJSON_IsString(e)) cJSON_AddItemToArray(a, cJSON_CreateString(e->valuestring));
    return a;
}

char *service_lb_url(const stack_model *stack, const stack_service *svc, const char *dns)
{
    const stack_load_balancer *lb = stack_find_load_balancer(stack, svc->lb.load_balancer);
    int https = 0;
    for (size_t i = 0; lb && i < lb->nlisteners; i++)
        https |= lb->listeners[i].protocol == STACK_PROTO_HTTPS && !lb->listeners[i].redirect_port;
    char *path = xstrdup(svc->lb.npaths ? svc->lb.paths[0] : "");
    if (strchr(path, '*'))
        *strchr(path, '*') = '\0';
    char *url = xasprintf("%s://%s%s", https ? "https" : "http", dns, path);
    free(path);
    return url;
}

/* http(s)://ALB/path for a service behind a load balancer, else the discovery URL. */
static void add_url(res_ctx *ctx, cJSON *p, const char *name)
{
    const stack_service *svc = ctx->stack ? stack_find_service(ctx->stack, name) : NULL;
    if (!svc)
        return;
    stack_ref ref = {.kind = STACK_REF_SERVICE, .name = (char *)name, .attr = "url"};
    char *url = stack_ref_static_value(ctx->stack, &ref);
    if (!url && svc->has_load_balancer) {
        char *alb = xasprintf("alb/%s", svc->lb.load_balancer);
        char *dns = res_ref_value(ctx, alb, "dns_name");
        if (dns)
            url = service_lb_url(ctx->stack, svc, dns);
        free(dns);
        free(alb);
    }
    res_prop_str(p, "url", url);
    free(url);
}

cJSON *service_props(res_ctx *ctx, const ecs_service *s)
{
    const cJSON *raw = s->raw;
    cJSON *p = res_props("name", s->name, "arn", s->arn, NULL);
    const char *slash = s->cluster_arn ? strrchr(s->cluster_arn, '/') : NULL;
    res_prop_str(p, "cluster", slash ? slash + 1 : s->cluster_arn);
    res_prop_str(p, "task_definition", s->task_definition);
    cJSON_AddNumberToObject(p, "desired_count", s->desired);
    copy_str(p, "launch_type", raw, "launchType");
    if (!cJSON_GetObjectItem(p, "launch_type"))
        cJSON_AddNullToObject(p, "launch_type");
    cJSON *strategy = cJSON_AddArrayToObject(p, "capacity");
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(raw, "capacityProviderStrategy")) {
        cJSON *o = cJSON_CreateObject();
        copy_str(o, "provider", x, "capacityProvider");
        const cJSON *w = cJSON_GetObjectItem(x, "weight"), *b = cJSON_GetObjectItem(x, "base");
        cJSON_AddNumberToObject(o, "weight", cJSON_IsNumber(w) ? w->valuedouble : 0);
        cJSON_AddNumberToObject(o, "base", cJSON_IsNumber(b) ? b->valuedouble : 0);
        cJSON_AddItemToArray(strategy, o);
    }
    copy_str(p, "platform_version", raw, "platformVersion");
    const cJSON *vpc = cJSON_GetObjectItem(cJSON_GetObjectItem(raw, "networkConfiguration"),
                                           "awsvpcConfiguration");
    cJSON_AddItemToObject(p, "subnets", string_array(cJSON_GetObjectItem(vpc, "subnets")));
    cJSON_AddItemToObject(p, "security_groups", string_array(cJSON_GetObjectItem(vpc, "securityGroups")));
    const cJSON *pub = cJSON_GetObjectItem(vpc, "assignPublicIp");
    cJSON_AddBoolToObject(p, "public_ip", cJSON_IsString(pub) && !strcmp(pub->valuestring, "ENABLED"));
    cJSON *lb = actual_lb(raw);
    if (lb) {
        cJSON_AddItemToObject(p, "load_balancer", lb);
        const cJSON *grace = cJSON_GetObjectItem(raw, "healthCheckGracePeriodSeconds");
        cJSON_AddNumberToObject(p, "grace_period", cJSON_IsNumber(grace) ? grace->valuedouble : 0);
    } else {
        cJSON_AddNullToObject(p, "load_balancer");
    }
    const cJSON *reg = cJSON_GetArrayItem(cJSON_GetObjectItem(raw, "serviceRegistries"), 0);
    copy_str(p, "registry", reg, "registryArn");
    if (!cJSON_GetObjectItem(p, "registry"))
        cJSON_AddNullToObject(p, "registry");
    cJSON_AddBoolToObject(p, "exec", s->enable_execute_command);
    cJSON_AddItemToObject(p, "service_connect", actual_connect(raw));
    cJSON_AddItemToObject(p, "deployment", actual_deployment(raw));
    cJSON_AddItemToObject(p, "volumes", actual_volumes(raw));
    add_url(ctx, p, s->name);
    /* not compared: what the file said before `deploy --count` (src/plan/keep.c) */
    char *key = res_file_tag_key(NULL, "desired_count", NULL);
    res_prop_str(p, "file_count_record", svc_tags_get(&s->tags, key));
    free(key);
    /* not compared (desired has no such member): a deployment still under way, which an
     * interrupted `up` may have left, makes the next `up` wait for it (res_kind.unsettled) */
    const ecs_deployment *primary = ecs_service_primary(s);
    cJSON_AddBoolToObject(p, "steady", primary && s->n_deployments == 1 && s->running == s->desired &&
                                           (!primary->rollout_state ||
                                            !strcmp(primary->rollout_state, "COMPLETED")));
    return p;
}
