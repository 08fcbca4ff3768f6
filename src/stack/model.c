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

/* ---- freeing -------------------------------------------------------------------- */

static void stack_auth_free(stack_auth *a)
{
    char *f[] = {a->issuer, a->authorization_endpoint, a->token_endpoint, a->user_info_endpoint,
                 a->client_id, a->client_secret, a->user_pool_arn, a->user_pool_client_id,
                 a->user_pool_domain, a->scope, a->on_unauthenticated};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(f[i]);
}

static void stack_container_free(stack_container *k)
{
    free(k->name);
    free(k->image);
    stack_strlist_free(k->command, k->ncommand);
    stack_strlist_free(k->entry_point, k->nentry_point);
    free(k->working_dir);
    free(k->user);
    for (size_t i = 0; i < k->nports; i++)
        free(k->ports[i].protocol);
    free(k->ports);
    for (size_t i = 0; i < k->nenvironment; i++) {
        free(k->environment[i].name);
        free(k->environment[i].value);
    }
    free(k->environment);
    for (size_t i = 0; i < k->nsecrets; i++) {
        free(k->secrets[i].env);
        free(k->secrets[i].secret);
        free(k->secrets[i].json_key);
        free(k->secrets[i].parameter);
        free(k->secrets[i].parameter_sub);
    }
    free(k->secrets);
    stack_strlist_free(k->health.command, k->health.ncommand);
    for (size_t i = 0; i < k->ndepends_on; i++)
        free(k->depends_on[i].container);
    free(k->depends_on);
    for (size_t i = 0; i < k->nulimits; i++)
        free(k->ulimits[i].name);
    free(k->ulimits);
    free(k->repository_credentials);
}

static void service_free(stack_service *v)
{
    free(v->name);
    for (size_t i = 0; i < v->ncontainers; i++)
        stack_container_free(&v->containers[i]);
    free(v->containers);
    stack_lb_attach *a = &v->lb;
    free(a->load_balancer);
    free(a->container);
    stack_strlist_free(a->paths, a->npaths);
    stack_strlist_free(a->hosts, a->nhosts);
    free(a->listeners);
    free(a->health.path);
    free(a->health.matcher);
    stack_auth_free(&a->auth);
    free(v->discovery_name);
    for (size_t i = 0; i < v->nvolumes; i++) {
        stack_volume *x = &v->volumes[i];
        char *f[] = {x->name, x->path, x->container, x->type, x->kms_key, x->filesystem,
                     x->file_system_id, x->root_directory, x->access_point, x->file_system,
                     x->fs_access_point};
        for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
            free(f[j]);
    }
    free(v->volumes);
    for (size_t i = 0; i < v->npermissions; i++) {
        free(v->permissions[i].bucket);
        free(v->permissions[i].bucket_name);
        free(v->permissions[i].conditions_json);
        free(v->permissions[i].prefix);
        free(v->permissions[i].secret);
        free(v->permissions[i].statement_json);
    }
    free(v->permissions);
    for (size_t i = 0; i < v->nallow_from; i++)
        free(v->allow_from[i].peer);
    free(v->allow_from);
    for (size_t i = 0; i < v->nreach; i++) {
        free(v->reach[i].group);
        free(v->reach[i].protocol);
    }
    free(v->reach);
    stack_store_uses_free(v);
    for (size_t i = 0; i < v->negress; i++) {
        free(v->egress[i].to);
        free(v->egress[i].written);
        free(v->egress[i].protocol);
    }
    free(v->egress);
    for (size_t i = 0; i < v->scaling.nschedule; i++) {
        free(v->scaling.schedule[i].name);
        free(v->scaling.schedule[i].schedule);
        free(v->scaling.schedule[i].timezone);
    }
    free(v->scaling.schedule);
    free(v->connect.port_name);
    free(v->connect.discovery_name);
    free(v->connect.alias);
    free(v->task_definition_json);
    free(v->log_group);
    stack_capacity_free(v->capacity, v->ncapacity);
}

static void network_free(stack_network *n)
{
    free(n->cidr);
    for (size_t i = 0; i < n->nsubnets; i++)
        free(n->subnets[i].cidr);
    free(n->subnets);
    free(n->vpc_id);
    stack_strlist_free(n->public_subnet_ids, n->npublic_subnet_ids);
    stack_strlist_free(n->private_subnet_ids, n->nprivate_subnet_ids);
}

static void stores_free(stack_model *s)
{
    for (size_t i = 0; i < s->nsecrets; i++) {
        stack_secret *x = &s->secrets[i];
        free(x->name);
        free(x->exclude);
        free(x->path);
        free(x->env);
        free(x->existing);
        free(x->description);
    }
    free(s->secrets);
    for (size_t i = 0; i < s->nbuckets; i++) {
        stack_bucket *b = &s->buckets[i];
        free(b->name);
        free(b->bucket_name);
        free(b->kms_key);
        for (size_t j = 0; j < b->nlifecycle; j++)
            free(b->lifecycle[j].prefix);
        free(b->lifecycle);
        for (size_t j = 0; j < b->ncors; j++) {
            stack_cors_rule *r = &b->cors[j];
            stack_strlist_free(r->origins, r->norigins);
            stack_strlist_free(r->methods, r->nmethods);
            stack_strlist_free(r->headers, r->nheaders);
            stack_strlist_free(r->expose_headers, r->nexpose_headers);
        }
        free(b->cors);
    }
    free(s->buckets);
    for (size_t i = 0; i < s->nsites; i++) {
        stack_site *x = &s->sites[i];
        free(x->name);
        free(x->bucket);
        free(x->path);
        free(x->domain);
        free(x->certificate_arn);
        free(x->default_root_object);
        for (size_t k = 0; k < x->nheaders; k++) {
            free(x->headers[k].name);
            free(x->headers[k].value);
        }
        free(x->headers);
    }
    free(s->sites);
    free(s->ci.repository);
    stack_strlist_free(s->ci.branches, s->ci.nbranches);
    stack_strlist_free(s->ci.environments, s->ci.nenvironments);
    stack_strlist_free(s->ci.publish, s->ci.npublish);
    for (size_t i = 0; i < s->nload_balancers; i++) {
        stack_load_balancer *lb = &s->load_balancers[i];
        free(lb->name);
        stack_strlist_free(lb->allow_cidrs, lb->nallow_cidrs);
        stack_strlist_free(lb->domains, lb->ndomains);
        for (size_t j = 0; j < lb->nlisteners; j++) {
            stack_strlist_free(lb->listeners[j].certificates, lb->listeners[j].ncertificates);
            stack_strlist_free(lb->listeners[j].managed_names, lb->listeners[j].nmanaged_names);
            free(lb->listeners[j].tls_policy);
            stack_auth_free(&lb->listeners[j].auth);
        }
        free(lb->listeners);
    }
    free(s->load_balancers);
    for (size_t i = 0; i < s->nzones; i++) {
        free(s->zones[i].name);
        free(s->zones[i].domain);
    }
    free(s->zones);
}

void stack_free(stack_model *s)
{
    if (!s)
        return;
    free(s->file);
    free(s->name);
    free(s->base_name);
    free(s->environment);
    stack_strlist_free(s->environments, s->nenvironments);
    free(s->region);
    for (size_t i = 0; i < s->nparams; i++) {
        stack_param *p = &s->params[i];
        free(p->name);
        free(p->value);
        free(p->default_value);
        stack_strlist_free(p->allowed, p->nallowed);
        free(p->description);
    }
    free(s->params);
    for (size_t i = 0; i < s->ntags; i++) {
        free(s->tags[i].name);
        free(s->tags[i].value);
    }
    free(s->tags);
    network_free(&s->network);
    free(s->namespace_name);
    free(s->log_group);
    free(s->cluster.insights);
    stack_capacity_free(s->cluster.capacity, s->cluster.ncapacity);
    free(s->connect_namespace);
    stores_free(s);
    stack_databases_free(s);
    stack_storage_free(s);
    for (size_t i = 0; i < s->nservices; i++)
        service_free(&s->services[i]);
    free(s->services);
    for (size_t i = 0; i < s->nbootstrap; i++) {
        stack_bootstrap *b = &s->bootstrap[i];
        free(b->name);
        free(b->service);
        free(b->container);
        free(b->command);
        free(b->secret);
    }
    free(s->bootstrap);
    for (size_t i = 0; i < s->noutputs; i++) {
        free(s->outputs[i].name);
        free(s->outputs[i].value);
    }
    free(s->outputs);
    for (size_t i = 0; i < s->nrefs; i++) {
        free(s->refs[i].name);
        free(s->refs[i].attr);
    }
    free(s->refs);
    free(s);
}
