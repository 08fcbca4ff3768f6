/* Lookups in the model, names of enums, and stack_free. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"

#define FIND(arr, n, key)                                  \
    for (size_t i_ = 0; name && i_ < (n); i_++)            \
        if ((arr)[i_].key && strcmp((arr)[i_].key, name) == 0) \
            return &(arr)[i_];                             \
    return NULL

const stack_service *stack_find_service(const stack_model *s, const char *name) { FIND(s->services, s->nservices, name); }
const stack_secret *stack_find_secret(const stack_model *s, const char *name) { FIND(s->secrets, s->nsecrets, name); }
const stack_bucket *stack_find_bucket(const stack_model *s, const char *name) { FIND(s->buckets, s->nbuckets, name); }
const stack_site *stack_find_site(const stack_model *s, const char *name) { FIND(s->sites, s->nsites, name); }
const stack_database *stack_find_database(const stack_model *s, const char *name) { FIND(s->databases, s->ndatabases, name); }
const stack_cache *stack_find_cache(const stack_model *s, const char *name) { FIND(s->caches, s->ncaches, name); }
const stack_load_balancer *stack_find_load_balancer(const stack_model *s, const char *name)
{
    FIND(s->load_balancers, s->nload_balancers, name);
}
const stack_zone *stack_find_zone(const stack_model *s, const char *name) { FIND(s->zones, s->nzones, name); }

double stack_service_healthy_after(const stack_service *sv, double poll_s)
{
    if (!sv || sv->has_load_balancer)
        return 0;
    for (size_t i = 0; i < sv->ncontainers; i++)
        if (sv->containers[i].essential && sv->containers[i].health.set)
            return 0;
    return 40 / 5.0 * poll_s;
}

const stack_zone *stack_zone_holding(const stack_model *s, const char *domain)
{
    const stack_zone *best = NULL;
    size_t dl = strlen(domain);
    for (size_t i = 0; i < s->nzones; i++) {
        const char *z = s->zones[i].domain;
        size_t zl = z ? strlen(z) : 0;
        if (!zl || zl > dl || strcmp(domain + dl - zl, z) != 0 ||
            (zl < dl && domain[dl - zl - 1] != '.'))
            continue;
        if (!best || zl > strlen(best->domain))
            best = &s->zones[i];
    }
    return best;
}

const stack_param *stack_find_param(const stack_model *s, const char *name) { FIND(s->params, s->nparams, name); }
const stack_container *stack_find_container(const stack_service *svc, const char *name)
{
    FIND(svc->containers, svc->ncontainers, name);
}

const stack_bootstrap *stack_find_bootstrap_for(const stack_model *s, const char *secret)
{
    for (size_t i = 0; secret && i < s->nbootstrap; i++)
        if (s->bootstrap[i].secret && strcmp(s->bootstrap[i].secret, secret) == 0)
            return &s->bootstrap[i];
    return NULL;
}

const stack_listener *stack_find_listener(const stack_load_balancer *lb, int port)
{
    for (size_t i = 0; i < lb->nlisteners; i++)
        if (lb->listeners[i].port == port)
            return &lb->listeners[i];
    return NULL;
}

int stack_service_port(const stack_service *svc)
{
    return svc->ncontainers && svc->containers[0].nports ? svc->containers[0].ports[0].port : 0;
}

const char *stack_strategy_name(stack_strategy v)
{
    static const char *const n[] = {"rolling", "blue-green", "canary", "linear"};
    return n[v];
}
const char *stack_nat_name(stack_nat v)
{
    static const char *const n[] = {"none", "single", "per-zone"};
    return n[v];
}
const char *stack_tier_name(stack_tier v)
{
    return v == STACK_TIER_PRIVATE ? "private" : "public";
}
const char *stack_arch_name(stack_arch v)
{
    return v == STACK_ARCH_ARM64 ? "ARM64" : "X86_64";
}
const char *stack_dep_condition_name(stack_dep_condition v)
{
    static const char *const n[] = {"start", "complete", "success", "healthy"};
    return n[v];
}
const char *stack_secret_source_name(stack_secret_source v)
{
    static const char *const n[] = {"generate", "from_file", "from_env", "existing", "bootstrap"};
    return n[v];
}

int stack_valid_retention(int days)
{
    static const int ok[] = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                             1096, 1827, 2192, 2557, 2922, 3288, 3653};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (ok[i] == days)
            return 1;
    return 0;
}

/* ---- freeing: each struct's table of what it owns ------------------------------------- */

void stack_free_owned(void *p, const stack_owned *owned)
{
    for (const stack_owned *o = owned; o->kind != STACK_OWN_END; o++) {
        char **at = (char **)((char *)p + o->off);
        if (o->kind == STACK_OWN_LIST)
            stack_strlist_free(*(char ***)at, *(size_t *)((char *)p + o->count));
        else
            free(*at);
    }
}

void stack_free_items(void *items, size_t n, size_t size, const stack_owned *owned)
{
    for (size_t i = 0; i < n; i++)
        stack_free_owned((char *)items + i * size, owned);
    free(items);
}

static const stack_owned env_owned[] = {STACK_OWNS(stack_env, name), STACK_OWNS(stack_env, value),
                                        STACK_OWNS_END};

static const stack_owned auth_owned[] = {
    STACK_OWNS(stack_auth, issuer),
    STACK_OWNS(stack_auth, authorization_endpoint),
    STACK_OWNS(stack_auth, token_endpoint),
    STACK_OWNS(stack_auth, user_info_endpoint),
    STACK_OWNS(stack_auth, client_id),
    STACK_OWNS(stack_auth, client_secret),
    STACK_OWNS(stack_auth, user_pool_arn),
    STACK_OWNS(stack_auth, user_pool_client_id),
    STACK_OWNS(stack_auth, user_pool_domain),
    STACK_OWNS(stack_auth, scope),
    STACK_OWNS(stack_auth, on_unauthenticated),
    STACK_OWNS_END};

static const stack_owned container_owned[] = {
    STACK_OWNS(stack_container, name),
    STACK_OWNS(stack_container, image),
    STACK_OWNS_LIST(stack_container, command, ncommand),
    STACK_OWNS_LIST(stack_container, entry_point, nentry_point),
    STACK_OWNS(stack_container, working_dir),
    STACK_OWNS(stack_container, user),
    STACK_OWNS_LIST(stack_container, health.command, health.ncommand),
    STACK_OWNS(stack_container, repository_credentials),
    STACK_OWNS_END};
static const stack_owned port_owned[] = {STACK_OWNS(stack_port, protocol), STACK_OWNS_END};
static const stack_owned secret_env_owned[] = {
    STACK_OWNS(stack_secret_env, env),
    STACK_OWNS(stack_secret_env, secret),
    STACK_OWNS(stack_secret_env, json_key),
    STACK_OWNS(stack_secret_env, parameter),
    STACK_OWNS(stack_secret_env, parameter_sub),
    STACK_OWNS_END};
static const stack_owned dependency_owned[] = {STACK_OWNS(stack_dependency, container), STACK_OWNS_END};
static const stack_owned ulimit_owned[] = {STACK_OWNS(stack_ulimit, name), STACK_OWNS_END};

static void container_free(stack_container *k)
{
    stack_free_owned(k, container_owned);
    stack_free_items(k->ports, k->nports, sizeof *k->ports, port_owned);
    stack_free_items(k->environment, k->nenvironment, sizeof *k->environment, env_owned);
    stack_free_items(k->secrets, k->nsecrets, sizeof *k->secrets, secret_env_owned);
    stack_free_items(k->depends_on, k->ndepends_on, sizeof *k->depends_on, dependency_owned);
    stack_free_items(k->ulimits, k->nulimits, sizeof *k->ulimits, ulimit_owned);
}

static const stack_owned service_owned[] = {
    STACK_OWNS(stack_service, name),
    STACK_OWNS(stack_service, lb.load_balancer),
    STACK_OWNS(stack_service, lb.container),
    STACK_OWNS_LIST(stack_service, lb.paths, lb.npaths),
    STACK_OWNS_LIST(stack_service, lb.hosts, lb.nhosts),
    STACK_OWNS(stack_service, lb.health.path),
    STACK_OWNS(stack_service, lb.health.matcher),
    STACK_OWNS(stack_service, discovery_name),
    STACK_OWNS(stack_service, connect.port_name),
    STACK_OWNS(stack_service, connect.discovery_name),
    STACK_OWNS(stack_service, connect.alias),
    STACK_OWNS(stack_service, task_definition_json),
    STACK_OWNS(stack_service, log_group),
    STACK_OWNS_END};
static const stack_owned volume_owned[] = {
    STACK_OWNS(stack_volume, name),
    STACK_OWNS(stack_volume, path),
    STACK_OWNS(stack_volume, container),
    STACK_OWNS(stack_volume, type),
    STACK_OWNS(stack_volume, kms_key),
    STACK_OWNS(stack_volume, filesystem),
    STACK_OWNS(stack_volume, file_system_id),
    STACK_OWNS(stack_volume, root_directory),
    STACK_OWNS(stack_volume, access_point),
    STACK_OWNS(stack_volume, file_system),
    STACK_OWNS(stack_volume, fs_access_point),
    STACK_OWNS_END};
static const stack_owned permission_owned[] = {
    STACK_OWNS(stack_permission, bucket),
    STACK_OWNS(stack_permission, bucket_name),
    STACK_OWNS(stack_permission, conditions_json),
    STACK_OWNS(stack_permission, prefix),
    STACK_OWNS(stack_permission, secret),
    STACK_OWNS(stack_permission, statement_json),
    STACK_OWNS_END};
static const stack_owned ingress_owned[] = {STACK_OWNS(stack_ingress, peer), STACK_OWNS_END};
static const stack_owned reach_owned[] = {STACK_OWNS(stack_reach, group), STACK_OWNS(stack_reach, protocol),
                                          STACK_OWNS_END};
static const stack_owned egress_owned[] = {
    STACK_OWNS(stack_egress, to),
    STACK_OWNS(stack_egress, written),
    STACK_OWNS(stack_egress, protocol),
    STACK_OWNS_END};
static const stack_owned schedule_owned[] = {
    STACK_OWNS(stack_schedule, name),
    STACK_OWNS(stack_schedule, schedule),
    STACK_OWNS(stack_schedule, timezone),
    STACK_OWNS_END};

static void service_free(stack_service *v)
{
    stack_free_owned(v, service_owned);
    for (size_t i = 0; i < v->ncontainers; i++)
        container_free(&v->containers[i]);
    free(v->containers);
    free(v->lb.listeners);
    stack_free_owned(&v->lb.auth, auth_owned);
    stack_free_items(v->volumes, v->nvolumes, sizeof *v->volumes, volume_owned);
    stack_free_items(v->permissions, v->npermissions, sizeof *v->permissions, permission_owned);
    stack_free_items(v->allow_from, v->nallow_from, sizeof *v->allow_from, ingress_owned);
    stack_free_items(v->reach, v->nreach, sizeof *v->reach, reach_owned);
    stack_store_uses_free(v);
    stack_free_items(v->egress, v->negress, sizeof *v->egress, egress_owned);
    stack_free_items(v->scaling.schedule, v->scaling.nschedule, sizeof *v->scaling.schedule,
                     schedule_owned);
    stack_capacity_free(v->capacity, v->ncapacity);
}

static const stack_owned secret_owned[] = {
    STACK_OWNS(stack_secret, name),
    STACK_OWNS(stack_secret, exclude),
    STACK_OWNS(stack_secret, path),
    STACK_OWNS(stack_secret, env),
    STACK_OWNS(stack_secret, existing),
    STACK_OWNS(stack_secret, description),
    STACK_OWNS_END};
static const stack_owned bucket_owned[] = {
    STACK_OWNS(stack_bucket, name),
    STACK_OWNS(stack_bucket, bucket_name),
    STACK_OWNS(stack_bucket, kms_key),
    STACK_OWNS_END};
static const stack_owned lifecycle_owned[] = {STACK_OWNS(stack_lifecycle_rule, prefix), STACK_OWNS_END};
static const stack_owned cors_owned[] = {
    STACK_OWNS_LIST(stack_cors_rule, origins, norigins),
    STACK_OWNS_LIST(stack_cors_rule, methods, nmethods),
    STACK_OWNS_LIST(stack_cors_rule, headers, nheaders),
    STACK_OWNS_LIST(stack_cors_rule, expose_headers, nexpose_headers),
    STACK_OWNS_END};
static const stack_owned site_owned[] = {
    STACK_OWNS(stack_site, name),
    STACK_OWNS(stack_site, bucket),
    STACK_OWNS(stack_site, path),
    STACK_OWNS(stack_site, domain),
    STACK_OWNS(stack_site, certificate_arn),
    STACK_OWNS(stack_site, default_root_object),
    STACK_OWNS_END};
static const stack_owned lb_owned[] = {
    STACK_OWNS(stack_load_balancer, name),
    STACK_OWNS_LIST(stack_load_balancer, allow_cidrs, nallow_cidrs),
    STACK_OWNS_LIST(stack_load_balancer, domains, ndomains),
    STACK_OWNS_END};
static const stack_owned listener_owned[] = {
    STACK_OWNS_LIST(stack_listener, certificates, ncertificates),
    STACK_OWNS_LIST(stack_listener, managed_names, nmanaged_names),
    STACK_OWNS(stack_listener, tls_policy),
    STACK_OWNS_END};
static const stack_owned zone_owned[] = {STACK_OWNS(stack_zone, name), STACK_OWNS(stack_zone, domain),
                                         STACK_OWNS_END};

static void stores_free(stack_model *s)
{
    stack_free_items(s->secrets, s->nsecrets, sizeof *s->secrets, secret_owned);
    for (size_t i = 0; i < s->nbuckets; i++) {
        stack_bucket *b = &s->buckets[i];
        stack_free_owned(b, bucket_owned);
        stack_free_items(b->lifecycle, b->nlifecycle, sizeof *b->lifecycle, lifecycle_owned);
        stack_free_items(b->cors, b->ncors, sizeof *b->cors, cors_owned);
    }
    free(s->buckets);
    for (size_t i = 0; i < s->nsites; i++) {
        stack_site *x = &s->sites[i];
        stack_free_owned(x, site_owned);
        stack_free_items(x->headers, x->nheaders, sizeof *x->headers, env_owned);
    }
    free(s->sites);
    for (size_t i = 0; i < s->nload_balancers; i++) {
        stack_load_balancer *lb = &s->load_balancers[i];
        stack_free_owned(lb, lb_owned);
        for (size_t j = 0; j < lb->nlisteners; j++) {
            stack_free_owned(&lb->listeners[j], listener_owned);
            stack_free_owned(&lb->listeners[j].auth, auth_owned);
        }
        free(lb->listeners);
    }
    free(s->load_balancers);
    stack_free_items(s->zones, s->nzones, sizeof *s->zones, zone_owned);
}

static const stack_owned model_owned[] = {
    STACK_OWNS(stack_model, file),
    STACK_OWNS(stack_model, name),
    STACK_OWNS(stack_model, base_name),
    STACK_OWNS(stack_model, environment),
    STACK_OWNS_LIST(stack_model, environments, nenvironments),
    STACK_OWNS(stack_model, region),
    STACK_OWNS(stack_model, network.cidr),
    STACK_OWNS(stack_model, network.vpc_id),
    STACK_OWNS_LIST(stack_model, network.public_subnet_ids, network.npublic_subnet_ids),
    STACK_OWNS_LIST(stack_model, network.private_subnet_ids, network.nprivate_subnet_ids),
    STACK_OWNS(stack_model, namespace_name),
    STACK_OWNS(stack_model, log_group),
    STACK_OWNS(stack_model, cluster.insights),
    STACK_OWNS(stack_model, connect_namespace),
    STACK_OWNS(stack_model, ci.repository),
    STACK_OWNS_LIST(stack_model, ci.branches, ci.nbranches),
    STACK_OWNS_LIST(stack_model, ci.environments, ci.nenvironments),
    STACK_OWNS_LIST(stack_model, ci.publish, ci.npublish),
    STACK_OWNS_END};
static const stack_owned param_owned[] = {
    STACK_OWNS(stack_param, name),
    STACK_OWNS(stack_param, value),
    STACK_OWNS(stack_param, default_value),
    STACK_OWNS_LIST(stack_param, allowed, nallowed),
    STACK_OWNS(stack_param, description),
    STACK_OWNS_END};
static const stack_owned subnet_owned[] = {STACK_OWNS(stack_subnet, cidr), STACK_OWNS_END};
static const stack_owned bootstrap_owned[] = {
    STACK_OWNS(stack_bootstrap, name),
    STACK_OWNS(stack_bootstrap, service),
    STACK_OWNS(stack_bootstrap, container),
    STACK_OWNS(stack_bootstrap, command),
    STACK_OWNS(stack_bootstrap, secret),
    STACK_OWNS_END};
static const stack_owned output_owned[] = {STACK_OWNS(stack_output, name), STACK_OWNS(stack_output, value),
                                           STACK_OWNS_END};
static const stack_owned ref_owned[] = {STACK_OWNS(stack_ref, name), STACK_OWNS(stack_ref, attr), STACK_OWNS_END};

void stack_free(stack_model *s)
{
    if (!s)
        return;
    stack_free_owned(s, model_owned);
    stack_free_items(s->params, s->nparams, sizeof *s->params, param_owned);
    stack_free_items(s->tags, s->ntags, sizeof *s->tags, env_owned);
    stack_free_items(s->network.subnets, s->network.nsubnets, sizeof *s->network.subnets,
                     subnet_owned);
    stack_capacity_free(s->cluster.capacity, s->cluster.ncapacity);
    stores_free(s);
    stack_databases_free(s);
    stack_storage_free(s);
    for (size_t i = 0; i < s->nservices; i++)
        service_free(&s->services[i]);
    free(s->services);
    stack_free_items(s->bootstrap, s->nbootstrap, sizeof *s->bootstrap, bootstrap_owned);
    stack_free_items(s->outputs, s->noutputs, sizeof *s->outputs, output_owned);
    stack_free_items(s->refs, s->nrefs, sizeof *s->refs, ref_owned);
    free(s);
}
