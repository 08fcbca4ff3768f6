/*
 * Amazon ElastiCache client, read-only: ecsdeploy never creates caches, it reads one that
 * exists (by identifier) for its endpoint, port and security groups. Conventions in
 * svc.h; every output string is owned and never NULL ("" when AWS left it out).
 * Errors arrive with ElastiCache's codes (ReplicationGroupNotFoundFault,
 * CacheClusterNotFound, ServerlessCacheNotFoundFault, InvalidParameterValue, ...): ask
 * aws_error_is().
 */
#ifndef ECSDEPLOY_ELASTICACHE_H
#define ECSDEPLOY_ELASTICACHE_H

#include "aws.h"
#include "svc.h"

typedef struct {
    char *id, *arn, *status, *engine, *description, *node_type;
    int cluster_mode, transit_encryption;
    /* Cluster mode off: the node group's primary and reader endpoints. */
    char *primary_address, *reader_address;
    int primary_port, reader_port;
    /* Cluster mode on: the configuration endpoint. */
    char *config_address;
    int config_port;
    svc_strings member_clusters; /* cache cluster ids (their security groups are theirs) */
} elasticache_replication_group;

SVC_LIST_TYPE(elasticache_replication_group, elasticache_replication_groups);

/* One group (ReplicationGroupNotFoundFault when missing), or every group (NULL) in pages
 * of page_size (20 to 100; 0: AWS's 100). */
int elasticache_describe_replication_groups(aws_client *c, const char *id, int page_size,
                                            elasticache_replication_groups *out,
                                            aws_error *err);

typedef struct {
    char *id, *arn, *status, *engine, *engine_version, *node_type, *replication_group_id;
    int num_nodes, transit_encryption;
    /* Memcached's configuration endpoint, else the first node's (with show_node_info). */
    char *address;
    int port;
    svc_strings security_groups;
} elasticache_cache_cluster;

SVC_LIST_TYPE(elasticache_cache_cluster, elasticache_cache_clusters);

/* One cluster (CacheClusterNotFound when missing), or every cluster (NULL) in pages of
 * page_size (as above); show_node_info asks for the nodes (and so their endpoints). */
int elasticache_describe_cache_clusters(aws_client *c, const char *id, int show_node_info,
                                        int page_size, elasticache_cache_clusters *out,
                                        aws_error *err);

typedef struct {
    char *name, *arn, *status, *engine, *major_engine_version;
    char *address, *reader_address;
    int port, reader_port;
    svc_strings security_groups, subnet_ids;
} elasticache_serverless_cache;

SVC_LIST_TYPE(elasticache_serverless_cache, elasticache_serverless_caches);

/* One cache (ServerlessCacheNotFoundFault when missing), or every cache (NULL) in pages
 * of page_size (0: AWS's). */
int elasticache_describe_serverless_caches(aws_client *c, const char *name, int page_size,
                                           elasticache_serverless_caches *out, aws_error *err);

/*
 * What a stack needs of an existing cache named by identifier: where clients connect and
 * which security groups to open. The identifier is looked for as a replication group, then
 * a serverless cache, then a standalone cache cluster.
 */
typedef struct {
    char *kind;          /* "replication-group", "serverless-cache", "cache-cluster" */
    char *id, *engine, *status;
    char *address;       /* the primary (cluster mode: configuration) endpoint, the
                            serverless endpoint, or the node's (memcached: configuration) */
    int port;
    int tls;             /* transit encryption: clients must use TLS (rediss://) */
    svc_strings security_groups; /* a replication group's: those of all its members */
} elasticache_cache;

void elasticache_cache_free(elasticache_cache *c);

/* -1 with code "CacheNotFound" (a not-found error) when no cache has that identifier.
 * Reads one after another (a replication group and its members, else a serverless cache,
 * else a cache cluster). */
int elasticache_find_cache(aws_client *c, const char *id, elasticache_cache *out,
                           aws_error *err);

/* The cache `id` names (case aside) among lists already read — what elasticache_find_cache
 * decides, for a caller that reads every list of the region side by side (each may be
 * NULL or empty): a replication group first (its security groups those of its member
 * clusters found in `clusters`), else a serverless cache, else a cache cluster (its first
 * node's or configuration endpoint: read `clusters` with show_node_info). 1 found (out
 * filled: elasticache_cache_free), 0 none. */
int elasticache_cache_pick(const char *id, const elasticache_replication_groups *groups,
                           const elasticache_serverless_caches *serverless,
                           const elasticache_cache_clusters *clusters, elasticache_cache *out);

#endif
