/* ElastiCache: the describes of replication groups, cache clusters and serverless caches,
 * and finding an existing cache by identifier (see elasticache.h). */
#include "elasticache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_paginate.h"
#include "svc_json_internal.h"
#include "xalloc.h"

/* Lists in ElastiCache answers, most named after their elements. */
static const char *const ec_lists[] = {
    "ReplicationGroups/ReplicationGroup", "CacheClusters/CacheCluster", "ServerlessCaches",
    "MemberClusters/ClusterId", "NodeGroups/NodeGroup", "NodeGroupMembers/NodeGroupMember",
    "MemberClustersOutpostArns/ReplicationGroupOutpostArn", "UserGroupIds",
    "LogDeliveryConfigurations/LogDeliveryConfiguration", "CacheNodes/CacheNode",
    "CacheSecurityGroups/CacheSecurityGroup", "CacheNodeIdsToReboot/CacheNodeId",
    "CacheNodeIdsToRemove/CacheNodeId", "SecurityGroups", "SecurityGroupIds/SecurityGroupId",
    "SubnetIds/SubnetId", NULL};

/* Every page of action (in: the input, deleted), the elements of `items` into *all.
 * Serverless caches page with NextToken/MaxResults, the others with Marker/MaxRecords. */
static int describe(aws_client *c, const char *action, cJSON *in, const char *items,
                    int next_token, int page_size, cJSON **all, aws_error *err)
{
    aws_page_spec ps = {.in_token = next_token ? "NextToken" : "Marker",
                        .out_token = next_token ? "NextToken" : "Marker", .items = items};
    if (page_size > 0)
        cJSON_AddNumberToObject(in, next_token ? "MaxResults" : "MaxRecords", page_size);
    int rc = aws_query_paginate(c, "elasticache", action, in, ec_lists, &ps, all, err);
    cJSON_Delete(in);
    if (rc != 0)
        aws_error_prefix(err, "%s: ", action);
    return rc;
}

/* Endpoint {Address, Port} member `name` of obj. */
static char *endpoint(const cJSON *obj, const char *name, int *port)
{
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(obj, name);
    *port = (int)aws_json_int(ep, "Port", 0);
    return svc_json_dup(ep, "Address");
}

/* ---- replication groups ------------------------------------------------------------ */

static void read_group(const cJSON *j, elasticache_replication_group *g)
{
    g->id = svc_json_dup(j, "ReplicationGroupId");
    g->arn = svc_json_dup(j, "ARN");
    g->status = svc_json_dup(j, "Status");
    g->engine = svc_json_dup(j, "Engine");
    g->description = svc_json_dup(j, "Description");
    g->node_type = svc_json_dup(j, "CacheNodeType");
    g->cluster_mode = aws_json_bool(j, "ClusterEnabled", 0);
    g->transit_encryption = aws_json_bool(j, "TransitEncryptionEnabled", 0);
    const cJSON *ng = cJSON_GetArrayItem(aws_json_array(j, "NodeGroups"), 0);
    g->primary_address = endpoint(ng, "PrimaryEndpoint", &g->primary_port);
    g->reader_address = endpoint(ng, "ReaderEndpoint", &g->reader_port);
    g->config_address = endpoint(j, "ConfigurationEndpoint", &g->config_port);
    svc_json_strings(j, "MemberClusters", NULL, &g->member_clusters);
}

void elasticache_replication_groups_free(elasticache_replication_groups *l)
{
    for (size_t k = 0; k < l->n; k++) {
        elasticache_replication_group *g = &l->items[k];
        char *all[] = {g->id, g->arn, g->status, g->engine, g->description, g->node_type,
                       g->primary_address, g->reader_address, g->config_address};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            free(all[i]);
        svc_strings_free(&g->member_clusters);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int elasticache_describe_replication_groups(aws_client *c, const char *id, int page_size,
                                            elasticache_replication_groups *out,
                                            aws_error *err)
{
    cJSON *items, *e;
    memset(out, 0, sizeof *out);
    if (describe(c, "DescribeReplicationGroups", svc_input(id ? "ReplicationGroupId" : NULL, id),
                 "ReplicationGroups", 0, page_size, &items, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_group(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

/* ---- cache clusters ---------------------------------------------------------------- */

static void read_cluster(const cJSON *j, elasticache_cache_cluster *cl)
{
    cl->id = svc_json_dup(j, "CacheClusterId");
    cl->arn = svc_json_dup(j, "ARN");
    cl->status = svc_json_dup(j, "CacheClusterStatus");
    cl->engine = svc_json_dup(j, "Engine");
    cl->engine_version = svc_json_dup(j, "EngineVersion");
    cl->node_type = svc_json_dup(j, "CacheNodeType");
    cl->replication_group_id = svc_json_dup(j, "ReplicationGroupId");
    cl->num_nodes = (int)aws_json_int(j, "NumCacheNodes", 0);
    cl->transit_encryption = aws_json_bool(j, "TransitEncryptionEnabled", 0);
    if (cJSON_GetObjectItemCaseSensitive(j, "ConfigurationEndpoint"))
        cl->address = endpoint(j, "ConfigurationEndpoint", &cl->port);
    else
        cl->address = endpoint(cJSON_GetArrayItem(aws_json_array(j, "CacheNodes"), 0),
                               "Endpoint", &cl->port);
    svc_json_strings(j, "SecurityGroups", "SecurityGroupId", &cl->security_groups);
}

void elasticache_cache_clusters_free(elasticache_cache_clusters *l)
{
    for (size_t k = 0; k < l->n; k++) {
        elasticache_cache_cluster *cl = &l->items[k];
        char *all[] = {cl->id, cl->arn, cl->status, cl->engine, cl->engine_version,
                       cl->node_type, cl->replication_group_id, cl->address};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            free(all[i]);
        svc_strings_free(&cl->security_groups);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int elasticache_describe_cache_clusters(aws_client *c, const char *id, int show_node_info,
                                        int page_size, elasticache_cache_clusters *out,
                                        aws_error *err)
{
    cJSON *items, *e, *in = svc_input(id ? "CacheClusterId" : NULL, id);
    memset(out, 0, sizeof *out);
    if (show_node_info)
        cJSON_AddBoolToObject(in, "ShowCacheNodeInfo", 1);
    if (describe(c, "DescribeCacheClusters", in, "CacheClusters", 0, page_size, &items, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_cluster(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

/* ---- serverless caches --------------------------------------------------------------- */

static void read_serverless(const cJSON *j, elasticache_serverless_cache *s)
{
    s->name = svc_json_dup(j, "ServerlessCacheName");
    s->arn = svc_json_dup(j, "ARN");
    s->status = svc_json_dup(j, "Status");
    s->engine = svc_json_dup(j, "Engine");
    s->major_engine_version = svc_json_dup(j, "MajorEngineVersion");
    s->address = endpoint(j, "Endpoint", &s->port);
    s->reader_address = endpoint(j, "ReaderEndpoint", &s->reader_port);
    svc_json_strings(j, "SecurityGroupIds", NULL, &s->security_groups);
    svc_json_strings(j, "SubnetIds", NULL, &s->subnet_ids);
}

void elasticache_serverless_caches_free(elasticache_serverless_caches *l)
{
    for (size_t k = 0; k < l->n; k++) {
        elasticache_serverless_cache *s = &l->items[k];
        char *all[] = {s->name, s->arn, s->status, s->engine, s->major_engine_version,
                       s->address, s->reader_address};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            free(all[i]);
        svc_strings_free(&s->security_groups);
        svc_strings_free(&s->subnet_ids);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int elasticache_describe_serverless_caches(aws_client *c, const char *name, int page_size,
                                           elasticache_serverless_caches *out, aws_error *err)
{
    cJSON *items, *e;
    memset(out, 0, sizeof *out);
    if (describe(c, "DescribeServerlessCaches", svc_input(name ? "ServerlessCacheName" : NULL, name),
                 "ServerlessCaches", 1, page_size, &items, err) != 0)
        return -1;
    cJSON_ArrayForEach(e, items)
        read_serverless(e, xgrow((void **)&out->items, &out->n, sizeof *out->items));
    cJSON_Delete(items);
    return 0;
}

/* ---- one cache by identifier ------------------------------------------------------- */

void elasticache_cache_free(elasticache_cache *c)
{
    free(c->kind);
    free(c->id);
    free(c->engine);
    free(c->status);
    free(c->address);
    svc_strings_free(&c->security_groups);
    memset(c, 0, sizeof *c);
}

static void add_unique(svc_strings *s, const svc_strings *more)
{
    for (size_t k = 0; k < more->n; k++) {
        size_t j = 0;
        while (j < s->n && strcmp(s->items[j], more->items[k]) != 0)
            j++;
        if (j == s->n)
            svc_strings_add(s, more->items[k]);
    }
}

static void fill(elasticache_cache *out, const char *kind, const char *id, const char *engine,
                 const char *status, const char *address, int port, int tls)
{
    out->kind = xstrdup(kind);
    out->id = xstrdup(id);
    out->engine = xstrdup(engine);
    out->status = xstrdup(status);
    out->address = xstrdup(address);
    out->port = port;
    out->tls = tls;
}

int elasticache_cache_pick(const char *id, const elasticache_replication_groups *groups,
                           const elasticache_serverless_caches *serverless,
                           const elasticache_cache_clusters *clusters, elasticache_cache *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; groups && i < groups->n; i++) {
        const elasticache_replication_group *g = &groups->items[i];
        if (strcasecmp(g->id, id) != 0)
            continue;
        int cfg = g->cluster_mode || !g->primary_address[0];
        fill(out, "replication-group", g->id, g->engine, g->status,
             cfg ? g->config_address : g->primary_address, cfg ? g->config_port : g->primary_port,
             g->transit_encryption);
        /* its security groups are its members' */
        for (size_t k = 0; clusters && k < clusters->n; k++)
            for (size_t m = 0; m < g->member_clusters.n; m++)
                if (strcmp(clusters->items[k].id, g->member_clusters.items[m]) == 0)
                    add_unique(&out->security_groups, &clusters->items[k].security_groups);
        return 1;
    }
    for (size_t i = 0; serverless && i < serverless->n; i++) {
        const elasticache_serverless_cache *x = &serverless->items[i];
        if (strcasecmp(x->name, id) != 0)
            continue;
        /* a serverless cache always encrypts in transit */
        fill(out, "serverless-cache", x->name, x->engine, x->status, x->address, x->port, 1);
        add_unique(&out->security_groups, &x->security_groups);
        return 1;
    }
    for (size_t i = 0; clusters && i < clusters->n; i++) {
        const elasticache_cache_cluster *k = &clusters->items[i];
        if (strcasecmp(k->id, id) != 0)
            continue;
        fill(out, "cache-cluster", k->id, k->engine, k->status, k->address, k->port,
             k->transit_encryption);
        add_unique(&out->security_groups, &k->security_groups);
        return 1;
    }
    return 0;
}

/* A describe by identifier whose "not found" is an empty list. */
static int absent_ok(int rc, aws_error *err)
{
    if (rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND)) {
        aws_error_clear(err);
        return 0;
    }
    return rc;
}

int elasticache_find_cache(aws_client *c, const char *id, elasticache_cache *out,
                           aws_error *err)
{
    elasticache_replication_groups groups = {0};
    elasticache_serverless_caches serverless = {0};
    elasticache_cache_clusters clusters = {0};
    memset(out, 0, sizeof *out);
    aws_error_clear(err);
    int rc = absent_ok(elasticache_describe_replication_groups(c, id, 0, &groups, err), err);
    for (size_t m = 0; rc == 0 && groups.n && m < groups.items[0].member_clusters.n; m++) {
        elasticache_cache_clusters one;
        rc = elasticache_describe_cache_clusters(c, groups.items[0].member_clusters.items[m], 0,
                                                 0, &one, err);
        for (size_t k = 0; rc == 0 && k < one.n; k++) { /* move into clusters */
            *(elasticache_cache_cluster *)xgrow((void **)&clusters.items, &clusters.n,
                                                sizeof *clusters.items) = one.items[k];
        }
        if (rc == 0) {
            free(one.items);
        }
    }
    if (rc == 0 && !groups.n)
        rc = absent_ok(elasticache_describe_serverless_caches(c, id, 0, &serverless, err), err);
    if (rc == 0 && !groups.n && !serverless.n)
        rc = absent_ok(elasticache_describe_cache_clusters(c, id, 1, 0, &clusters, err), err);
    int found = rc == 0 && elasticache_cache_pick(id, &groups, &serverless, &clusters, out);
    elasticache_replication_groups_free(&groups);
    elasticache_serverless_caches_free(&serverless);
    elasticache_cache_clusters_free(&clusters);
    if (rc != 0 || found)
        return rc;
    aws_error_set(err, AWS_ERR_SERVICE, "CacheNotFound",
                  "no ElastiCache replication group, serverless cache or cache cluster is "
                  "named %s in %s", id, aws_client_region(c));
    snprintf(err->service, sizeof err->service, "elasticache");
    return -1;
}
