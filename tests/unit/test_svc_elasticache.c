/* ElastiCache client against the fake: caches made beforehand through the fake's fixture
 * API (nothing in ecsdeploy creates one), read by the three describes and found by
 * identifier with the endpoint and security groups a stack needs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "elasticache.h"
#include "fakeaws_fixture.h"

static fake_net net;
static char *sg, *sg2;

static void setup(void)
{
    aws_error err;
    fake_reset_setup();
    const char *zones[] = {"us-east-1a", "us-east-1b", NULL};
    fake_net_make(fake_cl, 63, 0, zones, &net);
    OK(ec2_create_security_group(fake_cl, net.vpc, "cache-a", "cache", NULL, &sg, &err));
    OK(ec2_create_security_group(fake_cl, net.vpc, "cache-b", "cache", NULL, &sg2, &err));
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"replication_groups\": ["
             "{\"id\": \"news-rg\", \"security_groups\": [\"%s\"], \"subnets\": [\"%s\", \"%s\"]},"
             "{\"id\": \"news-big\", \"security_groups\": [\"%s\", \"%s\"], \"cluster_mode\": true,"
             " \"tls\": true, \"replicas\": 0}],"
             " \"cache_clusters\": [{\"id\": \"news-api-cache\", \"security_groups\": [\"%s\"]},"
             " {\"id\": \"news-mc\", \"engine\": \"memcached\", \"nodes\": 2,"
             "  \"security_groups\": [\"%s\"]}],"
             " \"serverless_caches\": [{\"name\": \"news-sessions\", \"security_groups\": [\"%s\"],"
             "  \"subnets\": [\"%s\", \"%s\"]}]}",
             sg, net.subnets[0], net.subnets[1], sg, sg2, sg2, sg, sg, net.subnets[0], net.subnets[1]);
    ck_assert_int_eq(fake_control("/_fake/elasticache/caches", doc), 0);
}

static void teardown(void)
{
    fake_client_teardown();
    fake_net_free(&net);
    free(sg);
    free(sg2);
}

START_TEST(describes)
{
    aws_error err;
    elasticache_replication_groups g;
    OK(elasticache_describe_replication_groups(fake_cl, "news-rg", 0, &g, &err));
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.items[0].status, "available");
    ck_assert_int_eq(g.items[0].cluster_mode, 0);
    ck_assert_ptr_nonnull(strstr(g.items[0].primary_address, "news-rg."));
    ck_assert_int_eq(g.items[0].primary_port, 6379);
    ck_assert_ptr_nonnull(strstr(g.items[0].reader_address, "news-rg-ro."));
    ck_assert_str_eq(g.items[0].config_address, "");
    ck_assert_uint_eq(g.items[0].member_clusters.n, 2);
    elasticache_replication_groups_free(&g);
    OK(elasticache_describe_replication_groups(fake_cl, NULL, 0, &g, &err));
    ck_assert_uint_eq(g.n, 2);
    elasticache_replication_groups_free(&g);
    FAILS_AS(elasticache_describe_replication_groups(fake_cl, "nope", 0, &g, &err),
             "ReplicationGroupNotFoundFault", AWS_IS_NOT_FOUND);

    elasticache_cache_clusters c;
    OK(elasticache_describe_cache_clusters(fake_cl, "news-api-cache", 1, 0, &c, &err));
    ck_assert_uint_eq(c.n, 1);
    ck_assert_ptr_nonnull(strstr(c.items[0].address, "news-api-cache."));
    ck_assert_ptr_nonnull(strstr(c.items[0].address, ".0001.use1.cache.amazonaws.com"));
    ck_assert_int_eq(c.items[0].port, 6379);
    ck_assert_str_eq(c.items[0].replication_group_id, "");
    ck_assert_str_eq(c.items[0].security_groups.items[0], sg2);
    elasticache_cache_clusters_free(&c);
    OK(elasticache_describe_cache_clusters(fake_cl, "news-api-cache", 0, 0, &c, &err));
    ck_assert_str_eq(c.items[0].address, ""); /* no node information asked for */
    elasticache_cache_clusters_free(&c);
    FAILS_AS(elasticache_describe_cache_clusters(fake_cl, "nope", 1, 0, &c, &err),
             "CacheClusterNotFound", AWS_IS_NOT_FOUND);

    elasticache_serverless_caches s;
    OK(elasticache_describe_serverless_caches(fake_cl, "news-sessions", 0, &s, &err));
    ck_assert_uint_eq(s.n, 1);
    ck_assert_str_eq(s.items[0].engine, "valkey");
    ck_assert_int_eq(s.items[0].port, 6379);
    ck_assert_int_eq(s.items[0].reader_port, 6380);
    ck_assert_uint_eq(s.items[0].subnet_ids.n, 2);
    ck_assert_str_eq(s.items[0].security_groups.items[0], sg);
    elasticache_serverless_caches_free(&s);
    FAILS_AS(elasticache_describe_serverless_caches(fake_cl, "nope", 0, &s, &err),
             "ServerlessCacheNotFoundFault", AWS_IS_NOT_FOUND);
}
END_TEST

START_TEST(clusters_in_pages)
{
    aws_error err;
    char doc[4096] = "{\"cache_clusters\": [";
    for (int i = 0; i < 20; i++) {
        size_t n = strlen(doc);
        snprintf(doc + n, sizeof doc - n, "%s{\"id\": \"paged-%02d\", \"security_groups\": [\"%s\"]}",
                 i ? "," : "", i, sg);
    }
    strcat(doc, "]}");
    ck_assert_int_eq(fake_control("/_fake/elasticache/caches", doc), 0);
    elasticache_cache_clusters c;
    OK(elasticache_describe_cache_clusters(fake_cl, NULL, 0, 20, &c, &err));
    ck_assert_uint_eq(c.n, 20 + 2 + 3); /* the fixture's, news-api-cache, news-mc, members */
    elasticache_cache_clusters_free(&c);
    FAILS_WITH(elasticache_describe_cache_clusters(fake_cl, NULL, 0, 5, &c, &err),
               "InvalidParameterValue");
}
END_TEST

START_TEST(find_by_identifier)
{
    aws_error err;
    elasticache_cache c;
    OK(elasticache_find_cache(fake_cl, "news-rg", &c, &err));
    ck_assert_str_eq(c.kind, "replication-group");
    ck_assert_ptr_nonnull(strstr(c.address, "news-rg."));
    ck_assert_int_eq(c.port, 6379);
    ck_assert_int_eq(c.tls, 0);
    ck_assert_uint_eq(c.security_groups.n, 1); /* both members share one group */
    ck_assert_str_eq(c.security_groups.items[0], sg);
    elasticache_cache_free(&c);

    OK(elasticache_find_cache(fake_cl, "news-big", &c, &err));
    ck_assert_ptr_nonnull(strstr(c.address, "clustercfg.news-big."));
    ck_assert_int_eq(c.tls, 1);
    ck_assert_uint_eq(c.security_groups.n, 2);
    elasticache_cache_free(&c);

    OK(elasticache_find_cache(fake_cl, "news-sessions", &c, &err));
    ck_assert_str_eq(c.kind, "serverless-cache");
    ck_assert_int_eq(c.tls, 1);
    ck_assert_str_eq(c.security_groups.items[0], sg);
    elasticache_cache_free(&c);

    OK(elasticache_find_cache(fake_cl, "news-api-cache", &c, &err));
    ck_assert_str_eq(c.kind, "cache-cluster");
    ck_assert_str_eq(c.engine, "redis");
    ck_assert_str_eq(c.security_groups.items[0], sg2);
    ck_assert_ptr_nonnull(strstr(c.address, "news-api-cache."));
    elasticache_cache_free(&c);

    OK(elasticache_find_cache(fake_cl, "news-mc", &c, &err));
    ck_assert_int_eq(c.port, 11211);
    ck_assert_ptr_nonnull(strstr(c.address, ".cfg."));
    elasticache_cache_free(&c);

    FAILS_AS(elasticache_find_cache(fake_cl, "nothing-here", &c, &err), "CacheNotFound",
             AWS_IS_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "nothing-here"));
}
END_TEST

FAKE_SUITE(svc_elasticache, setup, teardown, 60, describes, clusters_in_pages, find_by_identifier)
