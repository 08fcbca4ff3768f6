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

/* Serverless caches page with NextToken/MaxResults, the others with Marker/MaxRecords. */
static const svc_api marker_api = {.service = "elasticache", .lists = ec_lists,
                                   .in_token = "Marker", .out_token = "Marker",
                                   .page_size = "MaxRecords", .flags = SVC_PREFIX};
static const svc_api token_api = {.service = "elasticache", .lists = ec_lists,
                                  .in_token = "NextToken", .out_token = "NextToken",
                                  .page_size = "MaxResults", .flags = SVC_PREFIX};

/* Every page of action (in: the input, deleted), the elements of `items` read with shape
 * into {*out, *n}. */
static int describe(aws_client *c, const char *action, cJSON *in, const char *items,
                    int next_token, int page_size, const svc_shape *shape, void **out,
                    size_t *n, aws_error *err)
{
    return svc_list(c, next_token ? &token_api : &marker_api, action, in, items,
                          page_size, shape, out, n, err);
}

/* ---- replication groups ------------------------------------------------------------ */

#define NODES(m) "NodeGroups.0." m

static const svc_shape group_shape = SVC_SHAPE(elasticache_replication_group, NULL, NULL,
    SVC_FIELD("ReplicationGroupId", SVC_STR, elasticache_replication_group, id),
    SVC_FIELD("ARN", SVC_STR, elasticache_replication_group, arn),
    SVC_FIELD("Status", SVC_STR, elasticache_replication_group, status),
    SVC_FIELD("Engine", SVC_STR, elasticache_replication_group, engine),
    SVC_FIELD("Description", SVC_STR, elasticache_replication_group, description),
    SVC_FIELD("CacheNodeType", SVC_STR, elasticache_replication_group, node_type),
    SVC_FIELD("ClusterEnabled", SVC_BOOL, elasticache_replication_group, cluster_mode),
    SVC_FIELD("TransitEncryptionEnabled", SVC_BOOL, elasticache_replication_group,
              transit_encryption),
    SVC_FIELD(NODES("PrimaryEndpoint.Address"), SVC_STR, elasticache_replication_group,
              primary_address),
    SVC_FIELD(NODES("PrimaryEndpoint.Port"), SVC_INT, elasticache_replication_group, primary_port),
    SVC_FIELD(NODES("ReaderEndpoint.Address"), SVC_STR, elasticache_replication_group,
              reader_address),
    SVC_FIELD(NODES("ReaderEndpoint.Port"), SVC_INT, elasticache_replication_group, reader_port),
    SVC_FIELD("ConfigurationEndpoint.Address", SVC_STR, elasticache_replication_group,
              config_address),
    SVC_FIELD("ConfigurationEndpoint.Port", SVC_INT, elasticache_replication_group, config_port),
    SVC_FIELD("MemberClusters", SVC_STRINGS, elasticache_replication_group, member_clusters));

SVC_DEFINE_LIST_FREE(elasticache_replication_groups_free, elasticache_replication_groups,
                     group_shape)

int elasticache_describe_replication_groups(aws_client *c, const char *id, int page_size,
                                            elasticache_replication_groups *out,
                                            aws_error *err)
{
    return describe(c, "DescribeReplicationGroups", svc_input(id ? "ReplicationGroupId" : NULL, id),
                    "ReplicationGroups", 0, page_size, &group_shape, (void **)&out->items,
                    &out->n, err);
}

/* ---- cache clusters ---------------------------------------------------------------- */

/* A cluster's endpoint: its configuration endpoint (cluster mode), else its first node's. */
static void read_endpoint(const cJSON *j, void *item)
{
    elasticache_cache_cluster *cl = item;
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(j, "ConfigurationEndpoint");
    if (!ep)
        ep = svc_json_at(j, "CacheNodes.0.Endpoint");
    cl->port = (int)aws_json_int(ep, "Port", 0);
    cl->address = svc_json_dup(ep, "Address");
}

static const svc_shape cluster_shape = SVC_SHAPE(elasticache_cache_cluster, read_endpoint, NULL,
    SVC_FIELD("CacheClusterId", SVC_STR, elasticache_cache_cluster, id),
    SVC_FIELD("ARN", SVC_STR, elasticache_cache_cluster, arn),
    SVC_FIELD("CacheClusterStatus", SVC_STR, elasticache_cache_cluster, status),
    SVC_FIELD("Engine", SVC_STR, elasticache_cache_cluster, engine),
    SVC_FIELD("EngineVersion", SVC_STR, elasticache_cache_cluster, engine_version),
    SVC_FIELD("CacheNodeType", SVC_STR, elasticache_cache_cluster, node_type),
    SVC_FIELD("ReplicationGroupId", SVC_STR, elasticache_cache_cluster, replication_group_id),
    SVC_FIELD("NumCacheNodes", SVC_INT, elasticache_cache_cluster, num_nodes),
    SVC_FIELD("TransitEncryptionEnabled", SVC_BOOL, elasticache_cache_cluster, transit_encryption),
    SVC_FSTRINGS("SecurityGroups", elasticache_cache_cluster, security_groups, "SecurityGroupId"),
    SVC_FIELD("", SVC_KEPT, elasticache_cache_cluster, address));

SVC_DEFINE_LIST_FREE(elasticache_cache_clusters_free, elasticache_cache_clusters, cluster_shape)

int elasticache_describe_cache_clusters(aws_client *c, const char *id, int show_node_info,
                                        int page_size, elasticache_cache_clusters *out,
                                        aws_error *err)
{
    cJSON *in = svc_input(id ? "CacheClusterId" : NULL, id);
    if (show_node_info)
        cJSON_AddBoolToObject(in, "ShowCacheNodeInfo", 1);
    return describe(c, "DescribeCacheClusters", in, "CacheClusters", 0, page_size, &cluster_shape,
                    (void **)&out->items, &out->n, err);
}

/* ---- serverless caches --------------------------------------------------------------- */

static const svc_shape serverless_shape = SVC_SHAPE(elasticache_serverless_cache, NULL, NULL,
    SVC_FIELD("ServerlessCacheName", SVC_STR, elasticache_serverless_cache, name),
    SVC_FIELD("ARN", SVC_STR, elasticache_serverless_cache, arn),
    SVC_FIELD("Status", SVC_STR, elasticache_serverless_cache, status),
    SVC_FIELD("Engine", SVC_STR, elasticache_serverless_cache, engine),
    SVC_FIELD("MajorEngineVersion", SVC_STR, elasticache_serverless_cache, major_engine_version),
    SVC_FIELD("Endpoint.Address", SVC_STR, elasticache_serverless_cache, address),
    SVC_FIELD("Endpoint.Port", SVC_INT, elasticache_serverless_cache, port),
    SVC_FIELD("ReaderEndpoint.Address", SVC_STR, elasticache_serverless_cache, reader_address),
    SVC_FIELD("ReaderEndpoint.Port", SVC_INT, elasticache_serverless_cache, reader_port),
    SVC_FIELD("SecurityGroupIds", SVC_STRINGS, elasticache_serverless_cache, security_groups),
    SVC_FIELD("SubnetIds", SVC_STRINGS, elasticache_serverless_cache, subnet_ids));

SVC_DEFINE_LIST_FREE(elasticache_serverless_caches_free, elasticache_serverless_caches,
                     serverless_shape)

int elasticache_describe_serverless_caches(aws_client *c, const char *name, int page_size,
                                           elasticache_serverless_caches *out, aws_error *err)
{
    return describe(c, "DescribeServerlessCaches",
                    svc_input(name ? "ServerlessCacheName" : NULL, name), "ServerlessCaches", 1,
                    page_size, &serverless_shape, (void **)&out->items, &out->n, err);
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
