#!/usr/bin/python3
"""ElastiCache of the fake, driven through its handlers: caches made by the fixture
(replication groups with and without cluster mode or TLS, standalone clusters,
serverless caches), the three describes, their not-found codes and paging, the fixture's
refusals, and the network interfaces that keep a cache's security group in use."""

import sys

from test_net_common import Net, expect, run_tests


def setup():
    n = Net(services=("ec2", "elasticache"))
    vid, _ = n.vpc(igw=False)
    subs = [n.subnet(vid, "10.0.1.0/24", "us-east-1a"), n.subnet(vid, "10.0.2.0/24", "us-east-1b")]
    sg = n.sg(vid, "cache")
    return n, vid, subs, sg


def fixture(n, doc):
    with n.world.lock:
        return n.world.svc("elasticache").fixture(doc)


def test_replication_groups():
    n, vid, subs, sg = setup()
    made = fixture(n, {"replication_groups": [
        {"id": "news-rg", "security_groups": [sg], "subnets": subs, "replicas": 1},
        {"id": "big", "security_groups": [sg], "cluster_mode": True, "tls": True, "replicas": 0},
        {"id": "secure", "security_groups": [sg], "tls": True, "port": 6380}]})
    expect(made["replication_groups"] == ["news-rg", "big", "secure"], made)
    g = n.call("elasticache", "DescribeReplicationGroups", ReplicationGroupId="news-rg")["ReplicationGroups"][0]
    ng = g["NodeGroups"][0]
    expect(g["Status"] == "available" and g["ClusterEnabled"] is False and "ConfigurationEndpoint" not in g, g)
    expect(ng["PrimaryEndpoint"]["Address"].startswith("news-rg.") and ng["PrimaryEndpoint"]["Port"] == 6379, ng)
    expect(ng["PrimaryEndpoint"]["Address"].endswith(".ng.0001.use1.cache.amazonaws.com"), ng)
    expect(ng["ReaderEndpoint"]["Address"].startswith("news-rg-ro."), ng)
    expect(g["MemberClusters"] == ["news-rg-001", "news-rg-002"], g)
    expect([m["CurrentRole"] for m in ng["NodeGroupMembers"]] == ["primary", "replica"], ng)
    big = n.call("elasticache", "DescribeReplicationGroups", ReplicationGroupId="BIG")["ReplicationGroups"][0]
    expect(big["ClusterEnabled"] and big["ConfigurationEndpoint"]["Address"].startswith("clustercfg.big."), big)
    expect("PrimaryEndpoint" not in big["NodeGroups"][0], big)
    sec = n.call("elasticache", "DescribeReplicationGroups", ReplicationGroupId="secure")["ReplicationGroups"][0]
    expect(sec["NodeGroups"][0]["PrimaryEndpoint"] == {
        "Address": sec["NodeGroups"][0]["PrimaryEndpoint"]["Address"], "Port": 6380}, sec)
    expect(sec["NodeGroups"][0]["PrimaryEndpoint"]["Address"].startswith("master.secure."), sec)
    expect(sec["TransitEncryptionEnabled"] is True, sec)
    all_groups = n.call("elasticache", "DescribeReplicationGroups")["ReplicationGroups"]
    expect(sorted(x["ReplicationGroupId"] for x in all_groups) == ["big", "news-rg", "secure"], all_groups)
    n.fails("ReplicationGroupNotFoundFault", "elasticache", "DescribeReplicationGroups",
            ReplicationGroupId="nope")
    # The members carry the security groups (what `reach` opens).
    m = n.call("elasticache", "DescribeCacheClusters", CacheClusterId="news-rg-002")["CacheClusters"][0]
    expect(m["ReplicationGroupId"] == "news-rg" and "CacheNodes" not in m, m)
    expect(m["SecurityGroups"] == [{"SecurityGroupId": sg, "Status": "active"}], m)
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=sg)


def test_cache_clusters_and_paging():
    n, vid, subs, sg = setup()
    fixture(n, {"cache_clusters": [{"id": "news-api-cache", "security_groups": [sg]},
                                   {"id": "mc", "engine": "memcached", "nodes": 2, "security_groups": [sg]}]})
    c = n.call("elasticache", "DescribeCacheClusters", CacheClusterId="news-api-cache",
               ShowCacheNodeInfo=True)["CacheClusters"][0]
    ep = c["CacheNodes"][0]["Endpoint"]
    expect(ep["Address"].startswith("news-api-cache.") and ep["Address"].endswith(".0001.use1.cache.amazonaws.com")
           and ep["Port"] == 6379, ep)
    expect("ReplicationGroupId" not in c and c["SecurityGroups"][0]["SecurityGroupId"] == sg, c)
    mc = n.call("elasticache", "DescribeCacheClusters", CacheClusterId="mc")["CacheClusters"][0]
    expect(mc["ConfigurationEndpoint"]["Port"] == 11211 and mc["NumCacheNodes"] == 2, mc)
    n.fails("CacheClusterNotFound", "elasticache", "DescribeCacheClusters", CacheClusterId="nope")
    fixture(n, {"cache_clusters": [{"id": f"c{k:02d}", "security_groups": [sg]} for k in range(20)]})
    first = n.call("elasticache", "DescribeCacheClusters", MaxRecords=20)
    rest = n.call("elasticache", "DescribeCacheClusters", MaxRecords=20, Marker=first["Marker"])
    expect(len(first["CacheClusters"]) + len(rest["CacheClusters"]) == 22 and "Marker" not in rest, rest)
    n.fails("InvalidParameterValue", "elasticache", "DescribeCacheClusters", MaxRecords=10)
    alone = n.call("elasticache", "DescribeCacheClusters", ShowCacheClustersNotInReplicationGroups=True)
    expect(len(alone["CacheClusters"]) == 22, alone)


def test_serverless_caches():
    n, vid, subs, sg = setup()
    fixture(n, {"serverless_caches": [{"name": "sessions", "security_groups": [sg], "subnets": subs}]})
    s = n.call("elasticache", "DescribeServerlessCaches", ServerlessCacheName="sessions")["ServerlessCaches"][0]
    expect(s["Engine"] == "valkey" and s["SecurityGroupIds"] == [sg] and sorted(s["SubnetIds"]) == sorted(subs), s)
    expect(s["Endpoint"]["Address"].startswith("sessions-") and ".serverless.use1." in s["Endpoint"]["Address"]
           and s["Endpoint"]["Port"] == 6379 and s["ReaderEndpoint"]["Port"] == 6380, s)
    n.fails("ServerlessCacheNotFoundFault", "elasticache", "DescribeServerlessCaches",
            ServerlessCacheName="nope")
    expect(len(n.call("elasticache", "DescribeServerlessCaches")["ServerlessCaches"]) == 1)


def test_fixture_refusals():
    n, vid, subs, sg = setup()
    other, _ = n.vpc("10.9.0.0/16", igw=False)
    far = n.subnet(other, "10.9.1.0/24", "us-east-1c")
    for doc in [{"cache_clusters": [{"id": "x", "security_groups": ["sg-0123456789abcdef0"]}]},
                {"cache_clusters": [{"id": "x"}]},
                {"cache_clusters": [{"id": "x", "security_groups": [sg], "subnets": [far]}]},
                {"cache_clusters": [{"id": "x", "security_groups": [sg], "engine": "dynamo"}]},
                {"replication_groups": [{"id": "x", "security_groups": [sg], "engine": "memcached"}]},
                {"serverless_caches": [{"name": "x", "security_groups": [sg], "subnets": subs[:1]}]},
                {"caches": []}]:
        try:
            fixture(n, doc)
        except ValueError as e:
            expect(str(e), doc)
        else:
            raise AssertionError(f"fixture accepted {doc}")
    fixture(n, {"cache_clusters": [{"id": "dup", "security_groups": [sg]}]})
    try:
        fixture(n, {"cache_clusters": [{"id": "dup", "security_groups": [sg]}]})
        raise AssertionError("a taken identifier was accepted")
    except ValueError:
        pass


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
