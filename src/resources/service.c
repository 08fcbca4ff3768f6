/*
 * ECS services on the stack's cluster: Fargate, awsvpc in the tier's subnets with the
 * service's group, behind a target group and/or in Cloud Map, EBS volumes managed by the
 * service, ECS Exec, the deployment circuit breaker with rollback always on. create and
 * update wait until the service is steady on its task definition (unless up --no-wait)
 * and report a failed deployment with its reasons. Found again with ListServices +
 * DescribeServices (tags) on the cluster.
 */
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "ci_policy_internal.h"
#include "clock.h"
#include "elb_internal.h"
#include "elbv2.h"
#include "service_internal.h"
#include "stack_names.h"
#include "storage_internal.h"
#include "xalloc.h"

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        const stack_service *svc = &s->services[i];
        char *label = xasprintf("ECS service %s (%d × %s)", svc->name, svc->desired_count,
                                svc->containers[0].image);
        res_node *n = res_graph_add(g, &res_kind_service, svc->name, label, cJSON_CreateObject());
        cJSON_Delete(n->desired);
        n->desired = service_desired(g, n, svc);
        n->model = svc;
        res_storage_service_deps(g, n, svc);
        free(label);
    }
    /* Service Connect clients resolve only the aliases that exist when their tasks start:
     * the services publishing one come first */
    for (size_t i = 0; i < s->nservices; i++) {
        if (!s->services[i].connect.set || !s->services[i].connect.client_only)
            continue;
        char *id = xasprintf("service/%s", s->services[i].name);
        res_node *client = res_graph_find(g, id);
        free(id);
        for (size_t k = 0; k < s->nservices; k++) {
            if (!s->services[k].connect.set || s->services[k].connect.client_only)
                continue;
            res_node_needs(g, client, "service/%s", s->services[k].name);
        }
    }
    return 0;
}

/* The stack's load balancers: their DNS names give the url attribute of the services
 * behind them. The same listing the load balancers' discovery makes, so that it is asked
 * once (aws_client_share_reads). 0, or -1 when there are none to ask for or the call
 * failed (the url is then left out, as when a balancer is missing). */
static int stack_lbs(res_ctx *ctx, elbv2_lbs *lbs)
{
    if (!ctx->stack || ctx->stack->nload_balancers == 0)
        return -1;
    aws_error err;
    return elbres_stack_lbs(ctx, lbs, &err);
}

/* The url attribute of services behind a load balancer, when discovery of the load
 * balancers has not told it yet. */
static void add_lb_urls(res_ctx *ctx, res_found_list *out, size_t from, const elbv2_lbs *lbs)
{
    const stack_model *st = ctx->stack;
    for (size_t f = from; f < out->n; f++) {
        const stack_service *svc = stack_find_service(st, strchr(out->items[f].id, '/') + 1);
        if (!svc || !svc->has_load_balancer || cJSON_GetObjectItem(out->items[f].props, "url"))
            continue;
        char *lb = stack_name_load_balancer(st->name, svc->lb.load_balancer);
        for (size_t k = 0; k < lbs->n; k++)
            if (lbs->items[k].name && lbs->items[k].dns_name && !strcmp(lbs->items[k].name, lb)) {
                char *url = service_lb_url(st, svc, lbs->items[k].dns_name);
                cJSON_AddStringToObject(out->items[f].props, "url", url);
                free(url);
            }
        free(lb);
    }
}

static int find_services(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    char *cluster = stack_name_cluster(ctx->stack_name);
    svc_strings arns = {0};
    int rc = ecs_list_services(ctx->aws, cluster, 0, &arns, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        rc = 0;
    }
    ecs_services found = {0};
    if (rc == 0 && arns.n > 0)
        rc = ecs_describe_services(ctx->aws, cluster, (const char *const *)arns.items, arns.n,
                                   &found, err);
    for (size_t i = 0; rc == 0 && i < found.n; i++) {
        const ecs_service *s = &found.items[i];
        const char *id = res_tags_node(ctx, &s->tags);
        if (id && s->status && !strcmp(s->status, "ACTIVE"))
            res_found_add(out, id, s->arn, service_props(ctx, s));
    }
    ecs_services_free(&found);
    svc_strings_free(&arns);
    free(cluster);
    return rc;
}

typedef struct {
    res_ctx *ctx;
    res_found_list *out;
    elbv2_lbs lbs;
    int have_lbs;
} discovery;

/* Job 0 finds the services; job 1 meanwhile reads the load balancers for their urls. */
static int discover_part(void *ud, size_t i, aws_error *err)
{
    discovery *d = ud;
    if (i == 0)
        return find_services(d->ctx, d->out, err);
    d->have_lbs = stack_lbs(d->ctx, &d->lbs) == 0;
    return 0;
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    size_t from = out->n;
    discovery d = {.ctx = ctx, .out = out};
    int rcs[2];
    aws_error errs[2];
    size_t jobs = ctx->stack && ctx->stack->nload_balancers > 0 ? 2 : 1;
    int rc = res_parallel_all(jobs, 2, discover_part, &d, rcs, errs);
    if (rc != 0)
        *err = errs[0];
    if (rc == 0 && out->n > from && d.have_lbs)
        add_lb_urls(ctx, out, from, &d.lbs);
    elbv2_lbs_free(&d.lbs);
    return rc;
}

/* ---- the request ------------------------------------------------------------------- */

typedef struct {
    ecs_service_input in;
    ecs_capacity *capacity;
    svc_strings subnets, groups;
    ecs_load_balancer lb;
    ecs_service_registry reg;
    ecs_volume_config *vols;
    ecs_deployment_config dep;
    ecs_service_connect sc;
    cJSON *extra;                  /* empty lists that remove a load balancer or registry */
} request;


static void strings_of(const cJSON *a, svc_strings *out)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a) if (cJSON_IsString(e)) svc_strings_add(out, e->valuestring);
}

static void fill_deployment(request *r, const cJSON *d)
{
    r->dep = (ecs_deployment_config)ECS_DEPLOYMENT_CONFIG_INIT;
    r->dep.circuit_breaker = 1;
    r->dep.rollback = 1;
    r->dep.min_healthy_percent = res_prop_int(d, "min_healthy", ECS_UNSET);
    r->dep.max_percent = res_prop_int(d, "max_percent", ECS_UNSET);
    r->dep.strategy = res_prop_string(d, "strategy");
    r->dep.bake_time_minutes = res_prop_int(d, "bake_minutes", ECS_UNSET);
    const cJSON *cp = cJSON_GetObjectItem(d, "canary_percent");
    r->dep.canary_percent = cJSON_IsNumber(cp) ? cp->valuedouble : 0;
    r->dep.canary_bake_minutes = res_prop_int(d, "canary_bake_minutes", 0);
    const cJSON *sp = cJSON_GetObjectItem(d, "step_percent");
    r->dep.linear_step_percent = cJSON_IsNumber(sp) ? sp->valuedouble : 0;
    r->dep.linear_step_bake_minutes = res_prop_int(d, "step_bake_minutes", 0);
    r->in.deployment = &r->dep;
}

static void fill_volumes(request *r, const cJSON *vols)
{
    int n = cJSON_GetArraySize(vols);
    if (n <= 0)
        return;
    r->vols = xcalloc((size_t)n, sizeof *r->vols);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, vols) {
        ecs_volume_config *c = &r->vols[i++];
        c->name = res_prop_string(v, "name");
        c->role_arn = res_prop_string(v, "role");
        c->size_gib = res_prop_int(v, "size_gib", 0);
        c->volume_type = res_prop_string(v, "type");
        c->iops = res_prop_int(v, "iops", 0);
        c->throughput = res_prop_int(v, "throughput", 0);
        c->encrypted = cJSON_IsTrue(cJSON_GetObjectItem(v, "encrypted"));
        c->kms_key_id = res_prop_string(v, "kms_key");
        c->filesystem_type = res_prop_string(v, "filesystem");
    }
    r->in.volumes = r->vols;
    r->in.n_volumes = i;
}

static int same(const cJSON *p, const cJSON *q, const char *member);

/* Service Connect: sent when it changed; leaving the namespace is {"enabled": false}. */
static void fill_connect(request *r, const cJSON *p, const cJSON *have)
{
    const cJSON *k = cJSON_GetObjectItem(p, "service_connect");
    const cJSON *was = have ? cJSON_GetObjectItem(have, "service_connect") : NULL;
    if (same(p, have, "service_connect") || (!cJSON_IsObject(k) && !cJSON_IsObject(was)))
        return;
    r->sc = (ecs_service_connect){.enabled = cJSON_IsObject(k)};
    if (r->sc.enabled) {
        r->sc.namespace_ref = res_prop_string(k, "namespace");
        r->sc.port_name = res_prop_string(k, "port_name");
        r->sc.discovery_name = res_prop_string(k, "discovery_name");
        r->sc.alias = res_prop_string(k, "alias");
        r->sc.alias_port = res_prop_int(k, "alias_port", 0);
    }
    r->in.service_connect = &r->sc;
}

static int same(const cJSON *p, const cJSON *q, const char *member)
{
    return q && cJSON_Compare(cJSON_GetObjectItem(p, member), cJSON_GetObjectItem(q, member), 1);
}

/* On update, a load balancer or registry the service has and props want gone (null) is
 * removed by sending an empty list. */
static void remove_lists(request *r, const cJSON *p, const cJSON *have)
{
    static const char *const member[] = {"load_balancer", "registry"};
    static const char *const field[] = {"loadBalancers", "serviceRegistries"};
    for (size_t i = 0; have && i < 2; i++) {
        const cJSON *was = cJSON_GetObjectItem(have, member[i]);
        if (!cJSON_IsNull(cJSON_GetObjectItem(p, member[i])) || !was || cJSON_IsNull(was))
            continue;
        if (!r->extra)
            r->extra = cJSON_CreateObject();
        cJSON_AddArrayToObject(r->extra, field[i]);
    }
    r->in.extra = r->extra;
}

/* The input for props; on update (have = the current actual properties), parts that
 * did not change are left out. */
static void fill(request *r, const cJSON *p, const cJSON *have)
{
    memset(r, 0, sizeof *r);
    r->in = (ecs_service_input)ECS_SERVICE_INPUT_INIT;
    r->in.cluster = res_prop_string(p, "cluster");
    r->in.name = res_prop_string(p, "name");
    r->in.task_definition = res_prop_string(p, "task_definition");
    r->in.desired_count = res_prop_int(p, "desired_count", ECS_UNSET);
    if (!have) {
        if (r->in.desired_count == ECS_UNSET)
            r->in.desired_count = res_prop_int(p, "initial_count", ECS_UNSET);
        r->in.launch_type = res_prop_string(p, "launch_type");
        r->in.propagate_tags = "SERVICE";
        r->in.enable_ecs_managed_tags = 1;
        r->in.deployment_controller = "ECS";
    }
    /* a strategy in place of the launch type, or another one: ECS applies it only with a
     * new deployment (an empty one returns the service to its launch type) */
    const cJSON *cap = cJSON_GetObjectItem(p, "capacity");
    if (cJSON_GetArraySize(cap) > 0 ? !have || !same(p, have, "capacity") : have && !same(p, have, "capacity")) {
        r->capacity = xcalloc((size_t)cJSON_GetArraySize(cap) + 1, sizeof *r->capacity);
        const cJSON *x;
        cJSON_ArrayForEach(x, cap) {
            ecs_capacity *c = &r->capacity[r->in.n_capacity++];
            c->provider = (char *)res_prop_string(x, "provider");
            c->weight = res_prop_int(x, "weight", 0);
            c->base = res_prop_int(x, "base", 0);
        }
        r->in.capacity = r->capacity;
        r->in.send_capacity = 1;
        r->in.force_new_deployment = have != NULL;
    }
    if (!same(p, have, "platform_version"))
        r->in.platform_version = res_prop_string(p, "platform_version");
    if (!same(p, have, "subnets") || !same(p, have, "security_groups") || !same(p, have, "public_ip")) {
        strings_of(cJSON_GetObjectItem(p, "subnets"), &r->subnets);
        strings_of(cJSON_GetObjectItem(p, "security_groups"), &r->groups);
        r->in.subnets = &r->subnets;
        r->in.security_groups = &r->groups;
        r->in.assign_public_ip = cJSON_IsTrue(cJSON_GetObjectItem(p, "public_ip"));
    }
    const cJSON *lb = cJSON_GetObjectItem(p, "load_balancer");
    if (cJSON_IsNull(lb) || cJSON_IsNull(cJSON_GetObjectItem(p, "registry")))
        remove_lists(r, p, have);
    if (cJSON_IsObject(lb) && !same(p, have, "load_balancer")) {
        r->lb = (ecs_load_balancer){.target_group_arn = res_prop_string(lb, "target_group"),
                                    .container_name = res_prop_string(lb, "container"),
                                    .container_port = res_prop_int(lb, "port", 0),
                                    .alternate_target_group_arn = res_prop_string(lb, "alternate_target_group"),
                                    .production_listener_rule = res_prop_string(lb, "production_rule"),
                                    .test_listener_rule = res_prop_string(lb, "test_rule"),
                                    .role_arn = res_prop_string(lb, "role")};
        r->in.load_balancers = &r->lb;
        r->in.n_load_balancers = 1;
    }
    if (cJSON_IsObject(lb) && !same(p, have, "grace_period"))
        r->in.health_check_grace_seconds = res_prop_int(p, "grace_period", ECS_UNSET);
    if (res_prop_string(p, "registry") && !same(p, have, "registry")) {
        r->reg.registry_arn = res_prop_string(p, "registry");
        r->in.registries = &r->reg;
        r->in.n_registries = 1;
    }
    if (!same(p, have, "exec"))
        r->in.enable_execute_command = cJSON_IsTrue(cJSON_GetObjectItem(p, "exec"));
    if (!same(p, have, "deployment"))
        fill_deployment(r, cJSON_GetObjectItem(p, "deployment"));
    if (!same(p, have, "volumes"))
        fill_volumes(r, cJSON_GetObjectItem(p, "volumes"));
    fill_connect(r, p, have);
}

static void request_free(request *r)
{
    svc_strings_free(&r->subnets);
    svc_strings_free(&r->groups);
    free(r->vols);
    free(r->capacity);
    cJSON_Delete(r->extra);
}

/* The pause before the next try: a young role becomes usable some seconds after IAM made
 * it, so after one poll interval the tries come every 2/5 of one (2 s at 5 s) for six
 * tries, and less often after that; a service still draining: from 1 s (a poll interval
 * when it is shorter), doubling up to 10 s. */
static double next_pause(const res_ctx *ctx, int young, int tries, double last)
{
    double poll = ctx->poll_s > 0 ? ctx->poll_s : 5;
    if (tries == 1)
        return young || poll < 1 ? poll : 1;
    if (young && tries <= 6)
        return poll * 0.4;
    return last * 2 > 10 ? 10 : last * 2;
}

/* Create or update, retrying while IAM has not made a young role usable yet, or while a
 * service of the same name is still draining. */
static int call(res_ctx *ctx, res_node *n, int creating, request *r, ecs_service *out, aws_error *err)
{
    double waited = 0, delay = 0;
    for (int tries = 1;; tries++) {
        int rc = creating ? ecs_create_service(ctx->aws, &r->in, out, err)
                          : ecs_update_service(ctx->aws, &r->in, out, err);
        if (rc == 0)
            return 0;
        int young = ecs_error_role_not_ready(err);
        int draining = strstr(err->message, "Draining") != NULL;
        if ((!young && !draining) || waited >= (young ? 60 : ctx->timeout_s))
            return -1;
        res_event(ctx, n, creating ? RES_CREATE : RES_UPDATE, RES_EV_PROGRESS, "%s; retrying",
                  young ? "IAM role not usable by ECS yet" : "the previous service is still draining");
        delay = next_pause(ctx, young, tries, delay);
        if (res_sleep(ctx, delay) != 0)
            return -1;
        waited += delay;
    }
}

/* Wait with the deployment watcher until the service runs props' task definition
 * steadily; a failed deployment ends the wait with its reasons. */
static int wait_steady(res_ctx *ctx, res_node *n, res_action action, const cJSON *props,
                       double since, aws_error *err)
{
    /* settling: an earlier run's deployment may run other containers than the file's */
    const stack_service *file = action == RES_NONE ? NULL : n->model;
    res_rollout r = {.cluster = res_prop_string(props, "cluster"),
                     .service = res_prop_string(props, "name"),
                     .task_definition = res_prop_string(props, "task_definition"),
                     .since_epoch = since,
                     .healthy_after_s = stack_service_healthy_after(
                         file, ctx->poll_s > 0 ? ctx->poll_s : 5)};
    if (!r.cluster || !r.service || !r.task_definition) {
        aws_error_set(err, AWS_ERR_INPUT, "Unresolved",
                      "service %s: cluster or task definition unknown",
                      r.service ? r.service : n->id);
        return -1;
    }
    if (!ctx->watch) {
        aws_error_set(err, AWS_ERR_INPUT, "NoWatcher",
                      "service %s: no deployment watcher to wait with (res_ctx.watch)", n->id);
        return -1;
    }
    return ctx->watch(ctx, n, action, &r, err);
}

static int record(res_ctx *ctx, res_node *n, res_action action, const ecs_service *s,
                  double since, aws_error *err)
{
    cJSON *props = service_props(ctx, s);
    res_node_set(ctx, n, s->arn, props);
    if (!ctx->wait_services)
        return 0;
    return wait_steady(ctx, n, action, n->desired, since, err);
}

static int create(res_ctx *ctx, res_node *n, aws_error *err)
{
    request r;
    fill(&r, n->desired, NULL);
    char token[37];
    res_app_token(ctx->stack_name, n->id, r.in.task_definition, token);
    r.in.client_token = token;
    svc_tags tags;
    res_tags_list(ctx, n, &tags);
    r.in.tags = &tags;
    ecs_service s = {0};
    double since = util_wall();
    int rc = call(ctx, n, 1, &r, &s, err);
    svc_tags_free(&tags);
    request_free(&r);
    if (rc == 0)
        rc = record(ctx, n, RES_CREATE, &s, since, err);
    ecs_service_free(&s);
    return rc;
}

/* The record of what the file said before `deploy --count` follows the count up sets: kept
 * with a kept count, gone once the file's count is taken. */
static int sync_count_record(res_ctx *ctx, res_node *n, const ecs_service *s, aws_error *err)
{
    const char *want = res_prop_string(n->desired, "file_count_record");
    const char *have = n->actual ? res_prop_string(n->actual, "file_count_record") : NULL;
    if ((!want && !have) || (want && have && !strcmp(want, have)))
        return 0;
    char *key = res_file_tag_key(NULL, "desired_count", NULL);
    int rc;
    if (want) {
        svc_tag t = {key, (char *)want};
        svc_tags tags = {&t, 1};
        rc = ecs_tag_resource(ctx->aws, s->arn, &tags, err);
    } else {
        svc_strings keys = {&key, 1};
        rc = ecs_untag_resource(ctx->aws, s->arn, &keys, err);
    }
    free(key);
    return rc;
}

static int update(res_ctx *ctx, res_node *n, aws_error *err)
{
    request r;
    fill(&r, n->desired, n->actual);
    ecs_service s = {0};
    double since = util_wall();
    int rc = call(ctx, n, 0, &r, &s, err);
    request_free(&r);
    if (rc == 0)
        rc = sync_count_record(ctx, n, &s, err);
    if (rc == 0)
        rc = record(ctx, n, RES_UPDATE, &s, since, err);
    ecs_service_free(&s);
    return rc;
}

/* ---- removing ---------------------------------------------------------------------- */

typedef struct {
    const char *cluster, *name;
} gone_wait;

static int poll_gone(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    gone_wait *w = ud;
    ecs_service s = {0};
    int found = 0;
    if (ecs_describe_service(ctx->aws, w->cluster, w->name, &s, &found, err) != 0) {
        ecs_service_free(&s);
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 1 : -1;
    }
    int done = !found || (s.status && !strcmp(s.status, "INACTIVE"));
    snprintf(status, len, "%s, %d running, %d pending", found ? s.status : "gone", s.running, s.pending);
    ecs_service_free(&s);
    if (!done)
        return 0;
    /* its tasks, stopping: their network interfaces hold the group and subnets */
    svc_strings arns = {0};
    ecs_tasks tasks = {0};
    /* stopping tasks have desired status STOPPED; any still meant to run count too */
    svc_strings running = {0};
    int rc = ecs_list_tasks(ctx->aws, w->cluster, NULL, "STOPPED", 0, &arns, err);
    if (rc == 0)
        rc = ecs_list_tasks(ctx->aws, w->cluster, NULL, "RUNNING", 0, &running, err);
    for (size_t i = 0; i < running.n; i++)
        svc_strings_add(&arns, running.items[i]);
    svc_strings_free(&running);
    if (rc == 0 && arns.n)
        rc = ecs_describe_tasks(ctx->aws, w->cluster, (const char *const *)arns.items, arns.n, &tasks, err);
    size_t left = 0;
    char *group = xasprintf("service:%s", w->name);
    for (size_t i = 0; rc == 0 && i < tasks.n; i++)
        left += tasks.items[i].group && !strcmp(tasks.items[i].group, group) &&
                tasks.items[i].last_status && strcmp(tasks.items[i].last_status, "STOPPED") != 0;
    free(group);
    ecs_tasks_free(&tasks);
    svc_strings_free(&arns);
    if (rc != 0)
        return aws_error_is(err, AWS_IS_NOT_FOUND) ? 1 : -1;
    snprintf(status, len, "service inactive, %zu task%s still stopping", left, left == 1 ? "" : "s");
    return left == 0;
}

static int remove_service(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *props = n->actual ? n->actual : n->desired;
    char *cluster = stack_name_cluster(ctx->stack_name);
    const char *name = res_prop_string(props, "name");
    ecs_service_input in = ECS_SERVICE_INPUT_INIT;
    in.cluster = cluster;
    in.name = name;
    in.desired_count = 0;
    /* scale to zero first; a service already draining or gone still has its tasks waited
     * for (and a cluster that is gone answers so to the delete and the wait alike) */
    ecs_update_service(ctx->aws, &in, NULL, err);
    int rc = ecs_delete_service(ctx->aws, cluster, name, 1, err);
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        rc = 0;
    }
    gone_wait w = {cluster, name};
    if (rc == 0)
        rc = res_wait(ctx, n, RES_DELETE, "the service and its tasks to stop", poll_gone, &w, err);
    free(cluster);
    return rc;
}

/* A deployment an earlier run started and did not see through (killed, interrupted). */
static int unsettled(const res_node *n)
{
    return n->actual && cJSON_IsFalse(cJSON_GetObjectItem(n->actual, "steady"));
}

static int settle(res_ctx *ctx, res_node *n, aws_error *err)
{
    return wait_steady(ctx, n, RES_NONE, n->actual, 0, err);
}

static const char *const replace_on[] = {"name", "cluster", NULL};
/* a scaled service's count from the file: at creation only, autoscaling moves it after */
static const char *const create_only[] = {"initial_count", "file_count_record", NULL};

static void ci_grant(ci_builder *b, int mine)
{
    ci_reads_writes(b, mine,
                    "ecs:ListServices ecs:DescribeServices ecs:ListTasks ecs:DescribeTasks "
                    "ecs:ListServiceDeployments ecs:DescribeServiceDeployments "
                    "ecs:DescribeServiceRevisions elasticloadbalancing:DescribeTargetHealth",
                    "ecs:CreateService ecs:UpdateService ecs:DeleteService ecs:TagResource "
                    "ecs:StopServiceDeployment",
                    ci_one(ci_arn(b, "ecs", 1, "service/%s/*", b->g->stack->name)), NULL);
}

const res_kind res_kind_service = {
    .name = "service",
    .title = "ECS service",
    .build = build,
    .discover = discover,
    .create = create,
    .update = update,
    .remove = remove_service,
    .replace_on = replace_on,
    .create_only = create_only,
    .status = service_status,
    .unsettled = unsettled,
    .settle = settle,
    .ci_grant = ci_grant,
};
