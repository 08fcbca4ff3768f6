/*
 * cache/NAME: an existing ElastiCache cache the file names by identifier (a replication
 * group, a serverless cache or a cache cluster): external, read for its endpoint, port
 * and security group, never changed. The services that use it get its host and port as
 * environment values and reach it through sg_reach rules into its group (one group is
 * enough: a connection is let in when any group of the cache lets it in).
 *
 * Discovery reads the region's replication groups, serverless caches and cache clusters
 * side by side (three list calls, whatever the number of caches named), and picks each
 * cache from them as elasticache_find_cache would.
 *
 * Properties: identifier; attributes kind, host, port, tls, security_group_id, status,
 * engine.
 */
#include <stdlib.h>
#include <string.h>

#include "ci_policy_internal.h"
#include "elasticache.h"
#include "res.h"
#include "xalloc.h"

extern const res_kind res_kind_cache;

static int build(res_graph *g, const stack_model *s)
{
    for (size_t i = 0; i < s->ncaches; i++) {
        const stack_cache *x = &s->caches[i];
        res_graph_add_existing(g, &res_kind_cache, x->name, x, "identifier",
                               x->existing ? x->existing : "", "ElastiCache cache");
    }
    return 0;
}

static cJSON *props_of(const elasticache_cache *c)
{
    cJSON *p = res_props("identifier", c->id, "kind", c->kind, NULL);
    if (c->address[0]) {
        cJSON_AddStringToObject(p, "host", c->address);
        cJSON_AddNumberToObject(p, "port", c->port);
    }
    cJSON_AddBoolToObject(p, "tls", c->tls);
    if (c->security_groups.n)
        cJSON_AddStringToObject(p, "security_group_id", c->security_groups.items[0]);
    cJSON_AddStringToObject(p, "status", c->status);
    cJSON_AddStringToObject(p, "engine", c->engine);
    return p;
}

typedef struct {
    res_ctx *ctx;
    elasticache_replication_groups groups;
    elasticache_serverless_caches serverless;
    elasticache_cache_clusters clusters;
} region_lists;

static int read_list(void *ud, size_t i, aws_error *err)
{
    region_lists *r = ud;
    if (i == 0)
        return elasticache_describe_replication_groups(r->ctx->aws, NULL, 0, &r->groups, err);
    if (i == 1)
        return elasticache_describe_serverless_caches(r->ctx->aws, NULL, 0, &r->serverless, err);
    return elasticache_describe_cache_clusters(r->ctx->aws, NULL, 1, 0, &r->clusters, err);
}

static int discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    size_t wanted = 0;
    for (size_t i = 0; ctx->graph && i < ctx->graph->n; i++)
        wanted += ctx->graph->nodes[i]->kind == &res_kind_cache && ctx->graph->nodes[i]->model;
    if (wanted == 0)
        return 0;
    region_lists r = {.ctx = ctx};
    int rcs[3];
    aws_error errs[3];
    int rc = res_parallel_all(3, 3, read_list, &r, rcs, errs);
    for (size_t i = 0; rc != 0 && i < 3; i++)
        if (rcs[i] != 0) {
            *err = errs[i];
            break;
        }
    for (size_t i = 0; rc == 0 && i < ctx->graph->n; i++) {
        const res_node *n = ctx->graph->nodes[i];
        const stack_cache *x = n->model;
        if (n->kind != &res_kind_cache || !x || !x->existing)
            continue;
        elasticache_cache c;
        if (elasticache_cache_pick(x->existing, &r.groups, &r.serverless, &r.clusters, &c)) {
            res_found_add(out, n->id, c.id, props_of(&c));
            elasticache_cache_free(&c);
        } else {
            res_event(ctx, n, RES_NONE, RES_EV_NOTE,
                      "no ElastiCache replication group, serverless cache or cache cluster is "
                      "named %s in %s: fix `existing:` of cache %s in the stack file",
                      x->existing, ctx->region ? ctx->region : "this region", x->name);
        }
    }
    elasticache_replication_groups_free(&r.groups);
    elasticache_serverless_caches_free(&r.serverless);
    elasticache_cache_clusters_free(&r.clusters);
    return rc;
}


static int status(res_ctx *ctx, res_node *n, cJSON *out, aws_error *err)
{
    (void)ctx;
    (void)err;
    const cJSON *port = cJSON_GetObjectItemCaseSensitive(n->actual, "port");
    const char *state = res_prop_text(n->actual, "status");
    int healthy = !strcmp(state, "available") || !strcmp(state, "modifying") ||
                  !strcmp(state, "snapshotting");
    res_status_summary(out, healthy, "%s %s, %s:%d%s", res_prop_text(n->actual, "kind"), state,
                       res_prop_text(n->actual, "host"), cJSON_IsNumber(port) ? port->valueint : 0,
                       cJSON_IsTrue(cJSON_GetObjectItem(n->actual, "tls")) ? ", TLS" : "");
    return 0;
}

/* External only: the plan never creates or deletes one. */
static int not_ours(res_ctx *ctx, res_node *n, aws_error *err)
{
    (void)ctx;
    aws_error_set(err, AWS_ERR_INPUT, "ExistingCache",
                  "%s is an existing cache: ecsdeploy never creates or deletes caches", n->id);
    return -1;
}

/* caches are only ever existing ones: read */
static void ci_grant(ci_builder *b, int mine)
{
    (void)mine;
    READS(b, "elasticache:DescribeCacheClusters elasticache:DescribeReplicationGroups "
             "elasticache:DescribeServerlessCaches");
}

const res_kind res_kind_cache = {
    .name = "cache",
    .title = "ElastiCache cache",
    .build = build,
    .discover = discover,
    .create = not_ours,
    .remove = not_ours,
    .status = status,
    .ci_grant = ci_grant,
};
