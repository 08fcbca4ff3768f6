/* The resolved model as JSON (validate --output json), every section of it, written with the
 * field tables of json_fields.h. Holds no secret value: the model never has one (generated
 * values stay in AWS, files and environment are read at creation) but a parameter_store
 * SecureString's value, which stays out. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "json_fields.h"
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

static const util_json_field oidc_fields[] = {
    UTIL_JF("issuer", STR, stack_auth, issuer),
    UTIL_JF("authorization_endpoint", STR, stack_auth, authorization_endpoint),
    UTIL_JF("token_endpoint", STR, stack_auth, token_endpoint),
    UTIL_JF("user_info_endpoint", STR, stack_auth, user_info_endpoint),
    UTIL_JF_END};
static const util_json_field auth_fields[] = {
    UTIL_JF("client_secret_from", STR, stack_auth, client_secret),
    UTIL_JF("user_pool_arn", STR, stack_auth, user_pool_arn),
    UTIL_JF("domain", STR, stack_auth, user_pool_domain),
    UTIL_JF("scope", STR, stack_auth, scope),
    UTIL_JF("session_timeout", INT, stack_auth, session_timeout),
    UTIL_JF("on_unauthenticated", STR, stack_auth, on_unauthenticated),
    UTIL_JF_END};

static cJSON *auth_json(const stack_auth *a)
{
    if (a->kind == STACK_AUTH_NONE)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    str(o, "type", a->kind == STACK_AUTH_OIDC ? "oidc" : "cognito");
    util_json_write(o, oidc_fields, a);
    str(o, "client_id", a->kind == STACK_AUTH_OIDC ? a->client_id : a->user_pool_client_id);
    util_json_write(o, auth_fields, a);
    return o;
}

static const util_json_field existing_vpc_fields[] = {
    UTIL_JF("id", STR, stack_network, vpc_id),
    UTIL_JF_STRS("public_subnets", stack_network, public_subnet_ids, npublic_subnet_ids),
    UTIL_JF_STRS("private_subnets", stack_network, private_subnet_ids, nprivate_subnet_ids),
    UTIL_JF_END};

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
        util_json_write(o, existing_vpc_fields, n);
    }
    return o;
}

static const util_json_field generate_fields[] = {
    UTIL_JF("length", INT, stack_secret, length),
    UTIL_JF("lowercase", BOOL, stack_secret, lowercase),
    UTIL_JF("uppercase", BOOL, stack_secret, uppercase),
    UTIL_JF("digits", BOOL, stack_secret, digits),
    UTIL_JF("symbols", BOOL, stack_secret, symbols),
    UTIL_JF("exclude", STR, stack_secret, exclude),
    UTIL_JF_END};
static const util_json_field secret_from_fields[] = {
    UTIL_JF("from_file", STR, stack_secret, path),
    UTIL_JF("from_env", STR, stack_secret, env),
    UTIL_JF("existing", STR, stack_secret, existing),
    UTIL_JF_END};

static cJSON *secret_json(const stack_secret *x)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "source", stack_secret_source_name(x->source));
    if (x->source == STACK_SECRET_GENERATE || x->or_generate)
        util_json_write(o, generate_fields, x);
    util_json_write(o, secret_from_fields, x);
    if (x->or_generate)
        str(o, "else", "generate");
    str(o, "description", x->description);
    boolean(o, "keep", x->keep);
    return o;
}

static const util_json_field bucket_fields[] = {
    UTIL_JF("kms_key", STR, stack_bucket, kms_key),
    UTIL_JF("block_public_access", BOOL, stack_bucket, block_public_access),
    UTIL_JF("tls_only", BOOL, stack_bucket, tls_only),
    UTIL_JF("versioning", BOOL, stack_bucket, versioning),
    UTIL_JF_END};
static const util_json_field lifecycle_fields[] = {
    UTIL_JF("prefix", STR, stack_lifecycle_rule, prefix),
    UTIL_JF("expire_days", INT_SET, stack_lifecycle_rule, expire_days),
    UTIL_JF("noncurrent_expire_days", INT_SET, stack_lifecycle_rule, noncurrent_expire_days),
    UTIL_JF_END};
static const util_json_field cors_fields[] = {
    UTIL_JF_STRS("origins", stack_cors_rule, origins, norigins),
    UTIL_JF_STRS("methods", stack_cors_rule, methods, nmethods),
    UTIL_JF_STRS("headers", stack_cors_rule, headers, nheaders),
    UTIL_JF_STRS("expose_headers", stack_cors_rule, expose_headers, nexpose_headers),
    UTIL_JF("max_age", INT_OPT, stack_cors_rule, max_age),
    UTIL_JF_END};

static cJSON *bucket_json(const stack_bucket *b)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "name", b->bucket_name);
    str(o, "encryption", b->encryption == STACK_ENC_SSE_KMS ? "sse-kms" : "sse-s3");
    util_json_write(o, bucket_fields, b);
    util_json_array(o, "lifecycle", lifecycle_fields, b->lifecycle, sizeof *b->lifecycle, b->nlifecycle);
    util_json_array(o, "cors", cors_fields, b->cors, sizeof *b->cors, b->ncors);
    boolean(o, "keep", b->keep);
    return o;
}

static const util_json_field site_fields[] = {
    UTIL_JF("bucket", STR, stack_site, bucket),
    UTIL_JF("path", STR, stack_site, path),
    UTIL_JF("domain", STR, stack_site, domain),
    UTIL_JF_END};

static cJSON *site_json(const stack_site *x)
{
    static const char *const prices[] = {"all", "200", "100"};
    cJSON *o = cJSON_CreateObject();
    util_json_write(o, site_fields, x);
    str(o, "certificate", x->certificate_auto ? "auto" : x->certificate_arn);
    str(o, "default_root_object", x->default_root_object);
    boolean(o, "spa", x->spa);
    str(o, "price_class", prices[x->price_class]);
    env_map(o, "headers", x->headers, x->nheaders);
    return o;
}

static const util_json_field github_fields[] = {
    UTIL_JF("repository", STR, stack_ci, repository),
    UTIL_JF_STRS("branches", stack_ci, branches, nbranches),
    UTIL_JF_STRS("environments", stack_ci, environments, nenvironments),
    UTIL_JF_END};

static cJSON *ci_json(const stack_ci *ci)
{
    cJSON *o = cJSON_CreateObject();
    util_json_object(o, "github", github_fields, ci);
    strs(o, "publish", ci->publish, ci->npublish);
    return o;
}

static const util_json_field lb_fields[] = {
    UTIL_JF("idle_timeout", INT, stack_load_balancer, idle_timeout),
    UTIL_JF_STRS("allow_from", stack_load_balancer, allow_cidrs, nallow_cidrs),
    UTIL_JF_STRS("domains", stack_load_balancer, domains, ndomains),
    UTIL_JF_END};

static cJSON *lb_json(const stack_load_balancer *lb)
{
    cJSON *o = cJSON_CreateObject();
    str(o, "scheme", lb->internal ? "internal" : "internet-facing");
    str(o, "subnets", stack_tier_name(lb->tier));
    util_json_write(o, lb_fields, lb);
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

static const util_json_field container_fields[] = {
    UTIL_JF("name", STR, stack_container, name),
    UTIL_JF("image", STR, stack_container, image),
    UTIL_JF_STRS("command", stack_container, command, ncommand),
    UTIL_JF_STRS("entry_point", stack_container, entry_point, nentry_point),
    UTIL_JF("cpu", INT_SET, stack_container, cpu),
    UTIL_JF("memory", INT_SET, stack_container, memory),
    UTIL_JF("essential", BOOL, stack_container, essential),
    UTIL_JF("init", BOOL, stack_container, init),
    UTIL_JF("working_dir", STR, stack_container, working_dir),
    UTIL_JF("user", STR, stack_container, user),
    UTIL_JF_END};
static const util_json_field port_fields[] = {
    UTIL_JF("port", INT, stack_port, port),
    UTIL_JF("protocol", STR, stack_port, protocol),
    UTIL_JF_END};
static const util_json_field health_fields[] = {
    UTIL_JF_STRS("command", stack_health_check, command, ncommand),
    UTIL_JF("interval", INT, stack_health_check, interval),
    UTIL_JF("timeout", INT, stack_health_check, timeout),
    UTIL_JF("retries", INT, stack_health_check, retries),
    UTIL_JF("start_period", INT, stack_health_check, start_period),
    UTIL_JF_END};
static const util_json_field ulimit_fields[] = {
    UTIL_JF("soft", INT, stack_ulimit, soft),
    UTIL_JF("hard", INT, stack_ulimit, hard),
    UTIL_JF_END};

static cJSON *container_json(const stack_container *k)
{
    cJSON *o = cJSON_CreateObject();
    util_json_write(o, container_fields, k);
    util_json_array(o, "ports", port_fields, k->ports, sizeof *k->ports, k->nports);
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
    if (k->health.set)
        util_json_object(o, "health_check", health_fields, &k->health);
    cJSON *d = cJSON_AddObjectToObject(o, "depends_on");
    for (size_t i = 0; i < k->ndepends_on; i++)
        cJSON_AddStringToObject(d, k->depends_on[i].container, stack_dep_condition_name(k->depends_on[i].condition));
    boolean(o, "readonly_root", k->readonly_root);
    cJSON *u = cJSON_AddObjectToObject(o, "ulimits");
    for (size_t i = 0; i < k->nulimits; i++)
        util_json_object(u, k->ulimits[i].name, ulimit_fields, &k->ulimits[i]);
    str(o, "repository_credentials", k->repository_credentials);
    return o;
}

static const util_json_field capacity_fields[] = {
    UTIL_JF("provider", STR, stack_capacity, provider),
    UTIL_JF("weight", INT, stack_capacity, weight),
    UTIL_JF("base", INT, stack_capacity, base),
    UTIL_JF_END};

cJSON *stack_capacity_json(const stack_capacity *cap, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    util_json_items(a, capacity_fields, cap, sizeof *cap, n);
    return a;
}

static const util_json_field attach_fields[] = {
    UTIL_JF("name", STR, stack_lb_attach, load_balancer),
    UTIL_JF("container", STR, stack_lb_attach, container),
    UTIL_JF("port", INT, stack_lb_attach, port),
    UTIL_JF_STRS("paths", stack_lb_attach, paths, npaths),
    UTIL_JF_STRS("hosts", stack_lb_attach, hosts, nhosts),
    UTIL_JF("priority", INT_SET, stack_lb_attach, priority),
    UTIL_JF_END};
static const util_json_field attach_health_fields[] = {
    UTIL_JF("path", STR, stack_lb_health, path),
    UTIL_JF("port", INT_SET, stack_lb_health, port),
    UTIL_JF("matcher", STR, stack_lb_health, matcher),
    UTIL_JF("interval", INT, stack_lb_health, interval),
    UTIL_JF("timeout", INT, stack_lb_health, timeout),
    UTIL_JF("healthy_threshold", INT, stack_lb_health, healthy_threshold),
    UTIL_JF("unhealthy_threshold", INT, stack_lb_health, unhealthy_threshold),
    UTIL_JF_END};
static const util_json_field attach_after_fields[] = {
    UTIL_JF("deregistration_delay", INT, stack_lb_attach, deregistration_delay),
    UTIL_JF("grace_period", INT, stack_lb_attach, grace_period),
    UTIL_JF_END};

static cJSON *attach_json(const stack_lb_attach *a)
{
    cJSON *o = cJSON_CreateObject();
    util_json_write(o, attach_fields, a);
    cJSON *l = cJSON_AddArrayToObject(o, "listeners");
    for (size_t i = 0; i < a->nlisteners; i++)
        cJSON_AddItemToArray(l, cJSON_CreateNumber(a->listeners[i]));
    if (a->test_listener)
        num(o, "test_listener", a->test_listener);
    util_json_object(o, "health_check", attach_health_fields, &a->health);
    util_json_write(o, attach_after_fields, a);
    cJSON_AddItemToObject(o, "authenticate", auth_json(&a->auth));
    return o;
}

static const util_json_field volume_fields[] = {
    UTIL_JF("name", STR, stack_volume, name),
    UTIL_JF("path", STR, stack_volume, path),
    UTIL_JF("container", STR, stack_volume, container),
    UTIL_JF("read_only", BOOL, stack_volume, read_only),
    UTIL_JF_END};
static const util_json_field ebs_fields[] = {
    UTIL_JF("size_gib", INT, stack_volume, size_gib),
    UTIL_JF("type", STR, stack_volume, type),
    UTIL_JF("iops", INT_SET, stack_volume, iops),
    UTIL_JF("throughput", INT_SET, stack_volume, throughput),
    UTIL_JF("encrypted", BOOL, stack_volume, encrypted),
    UTIL_JF("kms_key", STR, stack_volume, kms_key),
    UTIL_JF("filesystem", STR, stack_volume, filesystem),
    UTIL_JF_END};
static const util_json_field efs_of_stack_fields[] = {
    UTIL_JF("file_system", STR, stack_volume, file_system),
    UTIL_JF("access_point", STR, stack_volume, fs_access_point),
    UTIL_JF("root_access", BOOL, stack_volume, root_access),
    UTIL_JF_END};
static const util_json_field efs_by_id_fields[] = {
    UTIL_JF("file_system_id", STR, stack_volume, file_system_id),
    UTIL_JF("root_directory", STR, stack_volume, root_directory),
    UTIL_JF("access_point", STR, stack_volume, access_point),
    UTIL_JF("transit_encryption", BOOL, stack_volume, transit_encryption),
    UTIL_JF_END};

static cJSON *volume_json(const stack_volume *v)
{
    cJSON *o = cJSON_CreateObject();
    util_json_write(o, volume_fields, v);
    const util_json_field *f = v->kind == STACK_VOL_EBS ? ebs_fields
                               : v->file_system       ? efs_of_stack_fields
                                                      : efs_by_id_fields;
    util_json_object(o, v->kind == STACK_VOL_EBS ? "ebs" : "efs", f, v);
    return o;
}

static const util_json_field reach_fields[] = {
    UTIL_JF("group", STR, stack_reach, group),
    UTIL_JF("port", INT, stack_reach, port),
    UTIL_JF("protocol", STR, stack_reach, protocol),
    UTIL_JF_END};

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
    util_json_array(o, "reach", reach_fields, v->reach, sizeof *v->reach, v->nreach);
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

static const util_json_field scaling_fields[] = {
    UTIL_JF("min", INT, stack_scaling, min),
    UTIL_JF("max", INT, stack_scaling, max),
    UTIL_JF("cpu", DOUBLE_SET, stack_scaling, cpu),
    UTIL_JF("memory", DOUBLE_SET, stack_scaling, memory),
    UTIL_JF("requests", DOUBLE_SET, stack_scaling, requests),
    UTIL_JF("scale_in_cooldown", INT, stack_scaling, scale_in_cooldown),
    UTIL_JF("scale_out_cooldown", INT, stack_scaling, scale_out_cooldown),
    UTIL_JF_END};
static const util_json_field schedule_fields[] = {
    UTIL_JF("name", STR, stack_schedule, name),
    UTIL_JF("schedule", STR, stack_schedule, schedule),
    UTIL_JF("timezone", STR, stack_schedule, timezone),
    UTIL_JF("min", INT_OPT, stack_schedule, min),
    UTIL_JF("max", INT_OPT, stack_schedule, max),
    UTIL_JF_END};

static void scaling_json(cJSON *o, const stack_scaling *sc)
{
    if (!sc->set)
        return;
    cJSON *x = util_json_object(o, "scaling", scaling_fields, sc);
    util_json_array(x, "schedule", schedule_fields, sc->schedule, sizeof *sc->schedule, sc->nschedule);
}

static const util_json_field connect_fields[] = {
    UTIL_JF("port", INT, stack_connect, port),
    UTIL_JF("port_name", STR, stack_connect, port_name),
    UTIL_JF("discovery_name", STR, stack_connect, discovery_name),
    UTIL_JF_END};

static void connect_json(cJSON *o, const stack_connect *k)
{
    if (!k->set)
        return;
    cJSON *x = cJSON_AddObjectToObject(o, "service_connect");
    boolean(x, "client_only", k->client_only);
    if (k->client_only)
        return;
    util_json_write(x, connect_fields, k);
    char *alias = xasprintf("%s:%d", k->alias ? k->alias : "", k->alias_port);
    str(x, "alias", alias);
    free(alias);
}

static const util_json_field deployment_fields[] = {
    UTIL_JF("min_healthy_percent", INT, stack_deployment, min_healthy_percent),
    UTIL_JF("max_percent", INT, stack_deployment, max_percent),
    UTIL_JF_END};
static const util_json_field canary_fields[] = {
    UTIL_JF("canary_percent", DOUBLE, stack_deployment, canary_percent),
    UTIL_JF("canary_bake_minutes", INT, stack_deployment, canary_bake_minutes),
    UTIL_JF_END};
static const util_json_field linear_fields[] = {
    UTIL_JF("step_percent", DOUBLE, stack_deployment, step_percent),
    UTIL_JF("step_bake_minutes", INT, stack_deployment, step_bake_minutes),
    UTIL_JF_END};

static void deployment_json(cJSON *o, const stack_deployment *dp)
{
    cJSON *d = cJSON_AddObjectToObject(o, "deployment");
    str(d, "strategy", stack_strategy_name(dp->strategy));
    util_json_write(d, deployment_fields, dp);
    if (dp->strategy != STACK_DEPLOY_ROLLING)
        num(d, "bake_minutes", dp->bake_minutes);
    if (dp->strategy == STACK_DEPLOY_CANARY)
        util_json_write(d, canary_fields, dp);
    if (dp->strategy == STACK_DEPLOY_LINEAR)
        util_json_write(d, linear_fields, dp);
}

static void use_json(cJSON *o, const char *section, const stack_store_use *u, size_t n,
                     size_t container)
{
    size_t mine = 0;
    for (size_t i = 0; i < n; i++)
        mine += u[i].container == container;
    if (container > 0 && mine == 0)
        return; /* a sidecar shows the section only when it uses one */
    cJSON *m = cJSON_AddObjectToObject(o, section);
    for (size_t i = 0; i < n; i++) {
        if (u[i].container != container)
            continue;
        cJSON *x = cJSON_AddObjectToObject(m, u[i].name);
        const char *keys[] = {"host", "port", "name", "user", "password"};
        const char *vals[] = {u[i].host, u[i].port, u[i].db_name, u[i].user, u[i].password};
        for (size_t k = 0; k < 5; k++)
            if (vals[k])
                cJSON_AddStringToObject(x, keys[k], vals[k]);
    }
}

static void store_uses_json(cJSON *o, const stack_service *v, size_t container)
{
    use_json(o, "databases", v->databases, v->ndatabases, container);
    use_json(o, "caches", v->caches, v->ncaches, container);
}

static const util_json_field db_fields[] = {
    UTIL_JF("version", STR, stack_database, version),
    UTIL_JF("instance_class", STR, stack_database, instance_class),
    UTIL_JF("storage_gib", INT, stack_database, storage_gib),
    UTIL_JF("storage_type", STR, stack_database, storage_type),
    UTIL_JF("multi_az", BOOL, stack_database, multi_az),
    UTIL_JF("db_name", STR, stack_database, db_name),
    UTIL_JF("user", STR, stack_database, user),
    UTIL_JF("port", INT, stack_database, port),
    UTIL_JF("backup_retention_days", INT, stack_database, backup_retention_days),
    UTIL_JF("deletion_protection", BOOL, stack_database, deletion_protection),
    UTIL_JF("keep", BOOL, stack_database, keep),
    UTIL_JF("final_snapshot", BOOL, stack_database, final_snapshot),
    UTIL_JF_END};
static const util_json_field db_subnet_fields[] = {
    UTIL_JF_STRS("subnets", stack_database, subnet_ids, nsubnet_ids),
    UTIL_JF_END};

static void databases_json(cJSON *o, const stack_model *s)
{
    cJSON *m = cJSON_AddObjectToObject(o, "databases");
    for (size_t i = 0; i < s->ndatabases; i++) {
        const stack_database *db = &s->databases[i];
        cJSON *x = cJSON_AddObjectToObject(m, db->name);
        if (db->existing) {
            cJSON_AddStringToObject(x, "existing", db->existing);
        } else {
            cJSON_AddStringToObject(x, "identifier", db->identifier);
            cJSON_AddStringToObject(x, "engine", stack_db_engine_name(db->engine));
            util_json_write(x, db_fields, db);
            if (db->nsubnet_ids)
                util_json_write(x, db_subnet_fields, db);
            else
                cJSON_AddStringToObject(x, "subnets", stack_tier_name(db->tier));
        }
    }
    m = cJSON_AddObjectToObject(o, "caches");
    for (size_t i = 0; i < s->ncaches; i++) {
        cJSON *x = cJSON_AddObjectToObject(m, s->caches[i].name);
        cJSON_AddStringToObject(x, "existing", s->caches[i].existing ? s->caches[i].existing : "");
    }
}

static const char *const ssm_source_names[] = {"value", "from_file", "generate", "existing", "path"};

static const util_json_field fs_fields[] = {
    UTIL_JF("existing", STR, stack_file_system, existing),
    UTIL_JF("keep", BOOL, stack_file_system, keep),
    UTIL_JF_END};
static const util_json_field fs_created_fields[] = {
    UTIL_JF("performance_mode", STR, stack_file_system, performance_mode),
    UTIL_JF("throughput_mode", STR, stack_file_system, throughput_mode),
    UTIL_JF("provisioned_mibps", INT_SET, stack_file_system, provisioned_mibps),
    UTIL_JF("kms_key", STR, stack_file_system, kms_key),
    UTIL_JF("backup", BOOL, stack_file_system, backup),
    UTIL_JF_END};
static const util_json_field ssm_tail_fields[] = {
    UTIL_JF("kms_key", STR, stack_ssm_parameter, kms_key),
    UTIL_JF("description", STR, stack_ssm_parameter, description),
    UTIL_JF("keep", BOOL, stack_ssm_parameter, keep),
    UTIL_JF_END};

static void storage_json(cJSON *o, const stack_model *s)
{
    cJSON *m = cJSON_AddObjectToObject(o, "file_systems");
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        cJSON *x = util_json_object(m, fs->name, fs_fields, fs);
        if (!fs->existing)
            util_json_write(x, fs_created_fields, fs);
        cJSON *aps = cJSON_AddObjectToObject(x, "access_points");
        for (size_t j = 0; j < fs->naccess_points; j++) {
            const stack_access_point *ap = &fs->access_points[j];
            cJSON *a = cJSON_AddObjectToObject(aps, ap->name);
            str(a, "path", ap->path);
            if (ap->uid >= 0) {
                num(a, "uid", (double)ap->uid);
                num(a, "gid", (double)ap->gid);
            }
            str(a, "permissions", ap->permissions);
        }
    }
    m = cJSON_AddObjectToObject(o, "parameter_store");
    for (size_t i = 0; i < s->nssm_parameters; i++) {
        const stack_ssm_parameter *p = &s->ssm_parameters[i];
        cJSON *x = cJSON_AddObjectToObject(m, p->name);
        str(x, p->source == STACK_SSM_PATH ? "path" : "name", p->ssm_name);
        str(x, "type", p->type);
        str(x, "source", ssm_source_names[p->source]);
        if (p->source == STACK_SSM_VALUE && p->type && strcmp(p->type, "SecureString") != 0)
            str(x, "value", p->value); /* a SecureString's value stays out */
        str(x, "from_file", p->path);
        if (p->source == STACK_SSM_GENERATE)
            num(x, "length", p->generator.length);
        util_json_write(x, ssm_tail_fields, p);
    }
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
            store_uses_json(k, v, i);
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
    store_uses_json(o, v, 0);
    egress_json(o, v);
    scaling_json(o, &v->scaling);
    connect_json(o, &v->connect);
    deployment_json(o, &v->deployment);
    if (v->task_definition_json)
        cJSON_AddItemToObject(o, "task_definition", cJSON_Parse(v->task_definition_json));
    return o;
}

static const util_json_field bootstrap_fields[] = {
    UTIL_JF("service", STR, stack_bootstrap, service),
    UTIL_JF("container", STR, stack_bootstrap, container),
    UTIL_JF("command", STR, stack_bootstrap, command),
    UTIL_JF("secret", STR, stack_bootstrap, secret),
    UTIL_JF("timeout", INT, stack_bootstrap, timeout),
    UTIL_JF_END};

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
    databases_json(o, s);
    storage_json(o, s);
    m = cJSON_AddObjectToObject(o, "load_balancers");
    for (size_t i = 0; i < s->nload_balancers; i++)
        cJSON_AddItemToObject(m, s->load_balancers[i].name, lb_json(&s->load_balancers[i]));
    m = cJSON_AddObjectToObject(o, "services");
    for (size_t i = 0; i < s->nservices; i++)
        cJSON_AddItemToObject(m, s->services[i].name, service_json(&s->services[i]));
    m = cJSON_AddObjectToObject(o, "bootstrap");
    for (size_t i = 0; i < s->nbootstrap; i++)
        util_json_object(m, s->bootstrap[i].name, bootstrap_fields, &s->bootstrap[i]);
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
