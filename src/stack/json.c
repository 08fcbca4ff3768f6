/* The resolved model as JSON (validate --output json). Holds no secret value: the model
 * never has one (generated values stay in AWS, files and environment are read at creation). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static void str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
}

static void strs(cJSON *o, const char *k, char *const *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

/* A new object at the end of the list a, to fill. */
static cJSON *new_item(cJSON *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(a, o);
    return o;
}

static void num(cJSON *o, const char *k, double v)
{
    cJSON_AddNumberToObject(o, k, v);
}

static void boolean(cJSON *o, const char *k, int v)
{
    cJSON_AddBoolToObject(o, k, v);
}

static void env_map(cJSON *o, const char *k, const stack_env *e, size_t n)
{
    cJSON *m = cJSON_AddObjectToObject(o, k);
    for (size_t i = 0; i < n; i++)
        cJSON_AddStringToObject(m, e[i].name, e[i].value);
}

static cJSON *auth_json(const stack_auth *a)
{
    if (a->kind == STACK_AUTH_NONE)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    str(o, "type", a->kind == STACK_AUTH_OIDC ? "oidc" : "cognito");
    str(o, "issuer", a->issuer);
    str(o, "authorization_endpoint", a->authorization_endpoint);
    str(o, "token_endpoint", a->token_endpoint);
    str(o, "user_info_endpoint", a->user_info_endpoint);
    str(o, "client_id", a->kind == STACK_AUTH_OIDC ? a->client_id : a->user_pool_client_id);
    str(o, "client_secret_from", a->client_secret);
    str(o, "user_pool_arn", a->user_pool_arn);
    str(o, "domain", a->user_pool_domain);
    str(o, "scope", a->scope);
    num(o, "session_timeout", a->session_timeout);
    str(o, "on_unauthenticated", a->on_unauthenticated);
    return o;
}

static cJSON *network_json(const stack_network *n)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "vpc", n->mode == STACK_VPC_NEW ? "new" : n->mode == STACK_VPC_EXISTING ? "existing" : "default");
    if (n->mode == STACK_VPC_NEW) {
        str(o, "cidr", n->cidr);
        num(o, "zones", n->zones);
        str(o, "nat", stack_nat_name(n->nat));
        num(o, "subnet_size", n->subnet_prefix);
        boolean(o, "ipv6", n->ipv6);
        cJSON *a = cJSON_AddArrayToObject(o, "subnets");
        for (size_t i = 0; i < n->nsubnets; i++) {
            cJSON *sn = new_item(a);
            str(sn, "tier", stack_tier_name(n->subnets[i].tier));
            num(sn, "zone", n->subnets[i].zone);
            str(sn, "cidr", n->subnets[i].cidr);
        }
    } else if (n->mode == STACK_VPC_EXISTING) {
        str(o, "id", n->vpc_id);
        strs(o, "public_subnets", n->public_subnet_ids, n->npublic_subnet_ids);
        strs(o, "private_subnets", n->private_subnet_ids, n->nprivate_subnet_ids);
    }
    return o;
}

static cJSON *secret_json(const stack_secret *x)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "source", stack_secret_source_name(x->source));
    if (x->source == STACK_SECRET_GENERATE || x->or_generate) {
        num(o, "length", x->length);
        boolean(o, "lowercase", x->lowercase);
        boolean(o, "uppercase", x->uppercase);
        boolean(o, "digits", x->digits);
        boolean(o, "symbols", x->symbols);
        str(o, "exclude", x->exclude);
    }
    str(o, "from_file", x->path);
    str(o, "from_env", x->env);
    str(o, "existing", x->existing);
    if (x->or_generate)
        str(o, "else", "generate");
    str(o, "description", x->description);
    boolean(o, "keep", x->keep);
    return o;
}

static cJSON *bucket_json(const stack_bucket *b)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "name", b->bucket_name);
    str(o, "encryption", b->encryption == STACK_ENC_SSE_KMS ? "sse-kms" : "sse-s3");
    str(o, "kms_key", b->kms_key);
    boolean(o, "block_public_access", b->block_public_access);
    boolean(o, "tls_only", b->tls_only);
    boolean(o, "versioning", b->versioning);
    cJSON *a = cJSON_AddArrayToObject(o, "lifecycle");
    for (size_t i = 0; i < b->nlifecycle; i++) {
        cJSON *r = new_item(a);
        str(r, "prefix", b->lifecycle[i].prefix);
        if (b->lifecycle[i].expire_days)
            num(r, "expire_days", b->lifecycle[i].expire_days);
        if (b->lifecycle[i].noncurrent_expire_days)
            num(r, "noncurrent_expire_days", b->lifecycle[i].noncurrent_expire_days);
    }
    a = cJSON_AddArrayToObject(o, "cors");
    for (size_t i = 0; i < b->ncors; i++) {
        const stack_cors_rule *c = &b->cors[i];
        cJSON *r = new_item(a);
        strs(r, "origins", c->origins, c->norigins);
        strs(r, "methods", c->methods, c->nmethods);
        strs(r, "headers", c->headers, c->nheaders);
        strs(r, "expose_headers", c->expose_headers, c->nexpose_headers);
        if (c->max_age >= 0)
            num(r, "max_age", c->max_age);
    }
    boolean(o, "keep", b->keep);
    return o;
}

static cJSON *site_json(const stack_site *x)
{
    static const char *const prices[] = {"all", "200", "100"};
    cJSON *o = cJSON_CreateObject();
    str(o, "bucket", x->bucket);
    str(o, "path", x->path);
    str(o, "domain", x->domain);
    str(o, "certificate", x->certificate_auto ? "auto" : x->certificate_arn);
    str(o, "default_root_object", x->default_root_object);
    boolean(o, "spa", x->spa);
    str(o, "price_class", prices[x->price_class]);
    env_map(o, "headers", x->headers, x->nheaders);
    return o;
}

static cJSON *ci_json(const stack_ci *ci)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *g = cJSON_AddObjectToObject(o, "github");
    str(g, "repository", ci->repository);
    strs(g, "branches", ci->branches, ci->nbranches);
    strs(g, "environments", ci->environments, ci->nenvironments);
    strs(o, "publish", ci->publish, ci->npublish);
    return o;
}

static cJSON *lb_json(const stack_load_balancer *lb)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "scheme", lb->internal ? "internal" : "internet-facing");
    str(o, "subnets", stack_tier_name(lb->tier));
    num(o, "idle_timeout", lb->idle_timeout);
    strs(o, "allow_from", lb->allow_cidrs, lb->nallow_cidrs);
    strs(o, "domains", lb->domains, lb->ndomains);
    cJSON *a = cJSON_AddArrayToObject(o, "listeners");
    for (size_t i = 0; i < lb->nlisteners; i++) {
        const stack_listener *l = &lb->listeners[i];
        cJSON *x = new_item(a);
        num(x, "port", l->port);
        str(x, "protocol", l->protocol == STACK_PROTO_HTTPS ? "HTTPS" : "HTTP");
        if (l->protocol == STACK_PROTO_HTTPS) {
            if (l->nmanaged_names) {
                cJSON *m = cJSON_AddObjectToObject(x, "certificate");
                boolean(m, "auto", l->certificate_auto);
                strs(m, "names", l->managed_names, l->nmanaged_names);
            }
            strs(x, "certificates", l->certificates, l->ncertificates);
            str(x, "tls_policy", l->tls_policy);
        }
        if (l->redirect_port)
            num(x, "redirect_to", l->redirect_port);
        cJSON_AddItemToObject(x, "authenticate", auth_json(&l->auth));
    }
    return o;
}

static cJSON *container_json(const stack_container *k)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "name", k->name);
    str(o, "image", k->image);
    strs(o, "command", k->command, k->ncommand);
    strs(o, "entry_point", k->entry_point, k->nentry_point);
    if (k->cpu)
        num(o, "cpu", k->cpu);
    if (k->memory)
        num(o, "memory", k->memory);
    boolean(o, "essential", k->essential);
    boolean(o, "init", k->init);
    str(o, "working_dir", k->working_dir);
    str(o, "user", k->user);
    cJSON *p = cJSON_AddArrayToObject(o, "ports");
    for (size_t i = 0; i < k->nports; i++) {
        cJSON *x = new_item(p);
        num(x, "port", k->ports[i].port);
        str(x, "protocol", k->ports[i].protocol);
    }
    env_map(o, "environment", k->environment, k->nenvironment);
    cJSON *s = cJSON_AddObjectToObject(o, "secrets");
    for (size_t i = 0; i < k->nsecrets; i++) {
        cJSON *x = cJSON_AddObjectToObject(s, k->secrets[i].env);
        str(x, "secret", k->secrets[i].secret);
        str(x, "key", k->secrets[i].json_key);
        if (k->secrets[i].parameter && k->secrets[i].parameter_sub) {
            char *p = xasprintf("%s/%s", k->secrets[i].parameter, k->secrets[i].parameter_sub);
            str(x, "parameter", p);
            free(p);
        } else {
            str(x, "parameter", k->secrets[i].parameter);
        }
    }
    if (k->health.set) {
        cJSON *h = cJSON_AddObjectToObject(o, "health_check");
        strs(h, "command", k->health.command, k->health.ncommand);
        num(h, "interval", k->health.interval);
        num(h, "timeout", k->health.timeout);
        num(h, "retries", k->health.retries);
        num(h, "start_period", k->health.start_period);
    }
    cJSON *d = cJSON_AddObjectToObject(o, "depends_on");
    for (size_t i = 0; i < k->ndepends_on; i++)
        cJSON_AddStringToObject(d, k->depends_on[i].container, stack_dep_condition_name(k->depends_on[i].condition));
    boolean(o, "readonly_root", k->readonly_root);
    cJSON *u = cJSON_AddObjectToObject(o, "ulimits");
    for (size_t i = 0; i < k->nulimits; i++) {
        cJSON *x = cJSON_AddObjectToObject(u, k->ulimits[i].name);
        num(x, "soft", k->ulimits[i].soft);
        num(x, "hard", k->ulimits[i].hard);
    }
    str(o, "repository_credentials", k->repository_credentials);
    return o;
}

cJSON *stack_capacity_json(const stack_capacity *cap, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *x = new_item(a);
        str(x, "provider", cap[i].provider);
        num(x, "weight", cap[i].weight);
        num(x, "base", cap[i].base);
    }
    return a;
}

static cJSON *attach_json(const stack_lb_attach *a)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "name", a->load_balancer);
    str(o, "container", a->container);
    num(o, "port", a->port);
    strs(o, "paths", a->paths, a->npaths);
    strs(o, "hosts", a->hosts, a->nhosts);
    if (a->priority)
        num(o, "priority", a->priority);
    cJSON *l = cJSON_AddArrayToObject(o, "listeners");
    for (size_t i = 0; i < a->nlisteners; i++)
        cJSON_AddItemToArray(l, cJSON_CreateNumber(a->listeners[i]));
    if (a->test_listener)
        num(o, "test_listener", a->test_listener);
    cJSON *h = cJSON_AddObjectToObject(o, "health_check");
    str(h, "path", a->health.path);
    if (a->health.port)
        num(h, "port", a->health.port);
    str(h, "matcher", a->health.matcher);
    num(h, "interval", a->health.interval);
    num(h, "timeout", a->health.timeout);
    num(h, "healthy_threshold", a->health.healthy_threshold);
    num(h, "unhealthy_threshold", a->health.unhealthy_threshold);
    num(o, "deregistration_delay", a->deregistration_delay);
    num(o, "grace_period", a->grace_period);
    cJSON_AddItemToObject(o, "authenticate", auth_json(&a->auth));
    return o;
}

static cJSON *volume_json(const stack_volume *v)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "name", v->name);
    str(o, "path", v->path);
    str(o, "container", v->container);
    boolean(o, "read_only", v->read_only);
    cJSON *x = cJSON_AddObjectToObject(o, v->kind == STACK_VOL_EBS ? "ebs" : "efs");
    if (v->kind == STACK_VOL_EBS) {
        num(x, "size_gib", v->size_gib);
        str(x, "type", v->type);
        if (v->iops)
            num(x, "iops", v->iops);
        if (v->throughput)
            num(x, "throughput", v->throughput);
        boolean(x, "encrypted", v->encrypted);
        str(x, "kms_key", v->kms_key);
        str(x, "filesystem", v->filesystem);
    } else if (v->file_system) {
        str(x, "file_system", v->file_system);
        str(x, "access_point", v->fs_access_point);
        boolean(x, "root_access", v->root_access);
    } else {
        str(x, "file_system_id", v->file_system_id);
        str(x, "root_directory", v->root_directory);
        str(x, "access_point", v->access_point);
        boolean(x, "transit_encryption", v->transit_encryption);
    }
    return o;
}

static void service_lists(cJSON *o, const stack_service *v)
{
    static const char *const access[] = {"read", "write", "read-write"};
    static const char *const peer[] = {"service", "group", "cidr"};
    cJSON *a = cJSON_AddArrayToObject(o, "permissions");
    for (size_t i = 0; i < v->npermissions; i++) {
        const stack_permission *p = &v->permissions[i];
        cJSON *x = new_item(a);
        if (p->kind == STACK_PERM_BUCKET) {
            str(x, "bucket", p->bucket);
            str(x, "bucket_name", p->bucket_name);
            str(x, "access", access[p->access]);
            str(x, "prefix", p->prefix);
            if (p->conditions_json)
                cJSON_AddItemToObject(x, "conditions", cJSON_Parse(p->conditions_json));
        } else if (p->kind == STACK_PERM_SECRET) {
            str(x, "secret", p->secret);
        } else {
            cJSON_AddItemToObject(x, "statement", cJSON_Parse(p->statement_json));
        }
    }
    a = cJSON_AddArrayToObject(o, "allow_from");
    for (size_t i = 0; i < v->nallow_from; i++) {
        cJSON *x = new_item(a);
        str(x, peer[v->allow_from[i].kind], v->allow_from[i].peer);
        if (v->allow_from[i].port)
            num(x, "port", v->allow_from[i].port);
    }
    a = cJSON_AddArrayToObject(o, "reach");
    for (size_t i = 0; i < v->nreach; i++) {
        cJSON *x = new_item(a);
        str(x, "group", v->reach[i].group);
        num(x, "port", v->reach[i].port);
        str(x, "protocol", v->reach[i].protocol);
    }
}

static void egress_json(cJSON *o, const stack_service *v)
{
    if (!v->negress)
        return;
    cJSON *a = cJSON_AddArrayToObject(o, "egress");
    for (size_t i = 0; i < v->negress; i++) {
        const stack_egress *e = &v->egress[i];
        cJSON *x = new_item(a);
        str(x, "to", e->written);
        str(x, "protocol", e->protocol);
        if (strcmp(e->protocol, "all") != 0) {
            num(x, "port", e->port);
            if (e->to_port != e->port)
                num(x, "to_port", e->to_port);
        }
    }
}

static void scaling_json(cJSON *o, const stack_scaling *sc)
{
    if (!sc->set)
        return;
    cJSON *x = cJSON_AddObjectToObject(o, "scaling");
    num(x, "min", sc->min);
    num(x, "max", sc->max);
    if (sc->cpu)
        num(x, "cpu", sc->cpu);
    if (sc->memory)
        num(x, "memory", sc->memory);
    if (sc->requests)
        num(x, "requests", sc->requests);
    num(x, "scale_in_cooldown", sc->scale_in_cooldown);
    num(x, "scale_out_cooldown", sc->scale_out_cooldown);
    cJSON *a = cJSON_AddArrayToObject(x, "schedule");
    for (size_t i = 0; i < sc->nschedule; i++) {
        const stack_schedule *e = &sc->schedule[i];
        cJSON *y = new_item(a);
        str(y, "name", e->name);
        str(y, "schedule", e->schedule);
        str(y, "timezone", e->timezone);
        if (e->min >= 0)
            num(y, "min", e->min);
        if (e->max >= 0)
            num(y, "max", e->max);
    }
}

static void connect_json(cJSON *o, const stack_connect *k)
{
    if (!k->set)
        return;
    cJSON *x = cJSON_AddObjectToObject(o, "service_connect");
    boolean(x, "client_only", k->client_only);
    if (k->client_only)
        return;
    num(x, "port", k->port);
    str(x, "port_name", k->port_name);
    str(x, "discovery_name", k->discovery_name);
    char *alias = xasprintf("%s:%d", k->alias ? k->alias : "", k->alias_port);
    str(x, "alias", alias);
    free(alias);
}

static cJSON *service_json(const stack_service *v)
{
    cJSON *o = cJSON_CreateObject();
    num(o, "cpu", v->cpu);
    num(o, "memory", v->memory);
    str(o, "architecture", stack_arch_name(v->arch));
    num(o, "desired_count", v->desired_count);
    str(o, "subnets", stack_tier_name(v->subnets));
    boolean(o, "public_ip", v->public_ip);
    boolean(o, "exec", v->exec);
    num(o, "log_retention_days", v->log_retention_days);
    str(o, "log_group", v->log_group);
    if (v->has_capacity)
        cJSON_AddItemToObject(o, "capacity", stack_capacity_json(v->capacity, v->ncapacity));
    if (v->ephemeral_storage_gib)
        num(o, "ephemeral_storage_gib", v->ephemeral_storage_gib);
    cJSON *a = cJSON_AddArrayToObject(o, "containers");
    for (size_t i = 0; i < v->ncontainers; i++) {
        cJSON *k = container_json(&v->containers[i]);
        if (i > 0) /* the main container's are the service's */
            stack_store_uses_json(k, v, i);
        cJSON_AddItemToArray(a, k);
    }
    if (v->has_load_balancer)
        cJSON_AddItemToObject(o, "load_balancer", attach_json(&v->lb));
    if (v->has_discovery) {
        cJSON *d = cJSON_AddObjectToObject(o, "discovery");
        str(d, "name", v->discovery_name);
        num(d, "port", v->discovery_port);
    }
    a = cJSON_AddArrayToObject(o, "volumes");
    for (size_t i = 0; i < v->nvolumes; i++)
        cJSON_AddItemToArray(a, volume_json(&v->volumes[i]));
    service_lists(o, v);
    stack_store_uses_json(o, v, 0);
    egress_json(o, v);
    scaling_json(o, &v->scaling);
    connect_json(o, &v->connect);
    cJSON *d = cJSON_AddObjectToObject(o, "deployment");
    const stack_deployment *dp = &v->deployment;
    str(d, "strategy", stack_strategy_name(dp->strategy));
    num(d, "min_healthy_percent", dp->min_healthy_percent);
    num(d, "max_percent", dp->max_percent);
    if (dp->strategy != STACK_DEPLOY_ROLLING)
        num(d, "bake_minutes", dp->bake_minutes);
    if (dp->strategy == STACK_DEPLOY_CANARY) {
        num(d, "canary_percent", dp->canary_percent);
        num(d, "canary_bake_minutes", dp->canary_bake_minutes);
    }
    if (dp->strategy == STACK_DEPLOY_LINEAR) {
        num(d, "step_percent", dp->step_percent);
        num(d, "step_bake_minutes", dp->step_bake_minutes);
    }
    if (v->task_definition_json)
        cJSON_AddItemToObject(o, "task_definition", cJSON_Parse(v->task_definition_json));
    return o;
}

static void top_sections(cJSON *o, const stack_model *s)
{
    cJSON *m = cJSON_AddObjectToObject(o, "secrets");
    for (size_t i = 0; i < s->nsecrets; i++)
        cJSON_AddItemToObject(m, s->secrets[i].name, secret_json(&s->secrets[i]));
    m = cJSON_AddObjectToObject(o, "buckets");
    for (size_t i = 0; i < s->nbuckets; i++)
        cJSON_AddItemToObject(m, s->buckets[i].name, bucket_json(&s->buckets[i]));
    m = cJSON_AddObjectToObject(o, "sites");
    for (size_t i = 0; i < s->nsites; i++)
        cJSON_AddItemToObject(m, s->sites[i].name, site_json(&s->sites[i]));
    if (s->ci.enabled)
        cJSON_AddItemToObject(o, "ci", ci_json(&s->ci));
    m = cJSON_AddObjectToObject(o, "zones");
    for (size_t i = 0; i < s->nzones; i++) {
        cJSON *z = cJSON_AddObjectToObject(m, s->zones[i].name);
        str(z, "name", s->zones[i].domain);
        boolean(z, "keep", s->zones[i].keep);
    }
    stack_databases_json(o, s);
    stack_storage_json(o, s);
    m = cJSON_AddObjectToObject(o, "load_balancers");
    for (size_t i = 0; i < s->nload_balancers; i++)
        cJSON_AddItemToObject(m, s->load_balancers[i].name, lb_json(&s->load_balancers[i]));
    m = cJSON_AddObjectToObject(o, "services");
    for (size_t i = 0; i < s->nservices; i++)
        cJSON_AddItemToObject(m, s->services[i].name, service_json(&s->services[i]));
    m = cJSON_AddObjectToObject(o, "bootstrap");
    for (size_t i = 0; i < s->nbootstrap; i++) {
        const stack_bootstrap *b = &s->bootstrap[i];
        cJSON *x = cJSON_AddObjectToObject(m, b->name);
        str(x, "service", b->service);
        str(x, "container", b->container);
        str(x, "command", b->command);
        str(x, "secret", b->secret);
        num(x, "timeout", b->timeout);
    }
    m = cJSON_AddObjectToObject(o, "outputs");
    for (size_t i = 0; i < s->noutputs; i++)
        cJSON_AddStringToObject(m, s->outputs[i].name, s->outputs[i].value);
}

char *stack_to_json(const stack_model *s)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "stack", s->name);
    if (s->environment)
        str(o, "environment", s->environment);
    if (s->nenvironments) {
        cJSON *e = cJSON_AddArrayToObject(o, "environments");
        for (size_t i = 0; i < s->nenvironments; i++)
            cJSON_AddItemToArray(e, cJSON_CreateString(s->environments[i]));
    }
    str(o, "region", s->region);
    cJSON *p = cJSON_AddObjectToObject(o, "parameters");
    for (size_t i = 0; i < s->nparams; i++)
        cJSON_AddStringToObject(p, s->params[i].name, s->params[i].value ? s->params[i].value : "");
    env_map(o, "tags", s->tags, s->ntags);
    cJSON_AddItemToObject(o, "network", network_json(&s->network));
    num(o, "log_retention_days", s->log_retention_days);
    str(o, "log_group", s->log_group);
    cJSON *cl = cJSON_AddObjectToObject(o, "cluster");
    str(cl, "insights", s->cluster.insights);
    cJSON_AddItemToObject(cl, "capacity", stack_capacity_json(s->cluster.capacity, s->cluster.ncapacity));
    str(o, "namespace", s->namespace_name);
    str(o, "service_connect_namespace", s->connect_namespace);
    top_sections(o, s);
    cJSON *r = cJSON_AddArrayToObject(o, "references");
    for (size_t i = 0; i < s->nrefs; i++) {
        char *t = xasprintf("%s.%s.%s", stack_ref_kind_name(s->refs[i].kind), s->refs[i].name, s->refs[i].attr);
        cJSON_AddItemToArray(r, cJSON_CreateString(t));
        free(t);
    }
    char *js = cJSON_Print(o);
    char *out = xstrdup(js);
    cJSON_free(js);
    cJSON_Delete(o);
    return out;
}
