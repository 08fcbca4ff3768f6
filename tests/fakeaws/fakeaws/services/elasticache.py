"""Amazon ElastiCache for the fake, as ecsdeploy meets it: caches that exist beforehand,
read by identifier. DescribeReplicationGroups (primary, reader or configuration endpoint),
DescribeCacheClusters (a standalone cluster or the members of a replication group, with
their security groups and, with ShowCacheNodeInfo, their nodes' endpoints) and
DescribeServerlessCaches (endpoint, security group ids, subnets).

Nothing in ecsdeploy creates caches, so the fake has no Create* operations: tests make
caches with the control API, `POST /_fake/elasticache/caches` (see control()). They
are "available" at once; their security groups (and subnets, when given) must exist in
the fake's EC2, and with subnets each node holds a network interface there, so its
security groups cannot be deleted under it."""

from fakeaws.core import AwsError, Service
from fakeaws.services._net.common import paginate, region_code
from fakeaws.services._rds.rules import page   # Marker/MaxRecords (20-100) as RDS
from fakeaws.util import utcnow

ENGINE_VERSIONS = {"redis": "7.1.0", "valkey": "8.0.1", "memcached": "1.6.22"}
PORTS = {"redis": 6379, "valkey": 6379, "memcached": 11211}


class ElastiCache(Service):
    name = "elasticache"

    def reset(self):
        self.groups = {}        # (region, id) -> replication group
        self.clusters = {}      # (region, id) -> cache cluster (standalone or member)
        self.serverless = {}    # (region, name) -> serverless cache
        self.hashes = {}        # region -> the account's endpoint hash

    # ---- helpers -----------------------------------------------------------

    def _host(self, region, *labels):
        if region not in self.hashes:
            self.hashes[region] = "".join(self.world.random.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                          for _ in range(6))
        return ".".join(labels).replace("{h}", self.hashes[region]) + \
            f".{region_code(region)}.cache.amazonaws.com"

    @staticmethod
    def _ep(address, port):
        return {"Address": address, "Port": port}

    def _render_cluster(self, c, nodes):
        out = {"CacheClusterId": c["id"], "ClientDownloadLandingPage":
               "https://console.aws.amazon.com/elasticache/home#client-download:",
               "CacheNodeType": c["node_type"], "Engine": c["engine"],
               "EngineVersion": ENGINE_VERSIONS[c["engine"]], "CacheClusterStatus": "available",
               "NumCacheNodes": len(c["nodes"]), "PreferredAvailabilityZone": c["zone"],
               "CacheClusterCreateTime": c["created"],
               "PreferredMaintenanceWindow": "sun:05:00-sun:06:00", "PendingModifiedValues": {},
               "CacheSecurityGroups": [],
               "CacheParameterGroup": {"CacheParameterGroupName": c["parameter_group"],
                                       "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []},
               "CacheSubnetGroupName": c["subnet_group"], "AutoMinorVersionUpgrade": True,
               "SecurityGroups": [{"SecurityGroupId": g, "Status": "active"} for g in c["security_groups"]],
               "SnapshotRetentionLimit": 0, "AuthTokenEnabled": False,
               "TransitEncryptionEnabled": c["tls"], "AtRestEncryptionEnabled": c["tls"],
               "ARN": c["arn"], "ReplicationGroupLogDeliveryEnabled": False,
               "LogDeliveryConfigurations": [], "NetworkType": "ipv4", "IpDiscovery": "ipv4"}
        if c["group"]:
            out["ReplicationGroupId"] = c["group"]
        if c["engine"] == "memcached":
            out["ConfigurationEndpoint"] = self._ep(c["config"], c["port"])
        if nodes:
            out["CacheNodes"] = [{"CacheNodeId": n, "CacheNodeStatus": "available",
                                  "CacheNodeCreateTime": c["created"],
                                  "Endpoint": self._ep(addr, c["port"]),
                                  "ParameterGroupStatus": "in-sync",
                                  "CustomerAvailabilityZone": c["zone"]}
                                 for n, addr in c["nodes"]]
        return out

    def _render_group(self, g):
        members = [self.clusters[(g["region"], m)] for m in g["members"]]
        out = {"ReplicationGroupId": g["id"], "Description": g["description"],
               "Status": "available", "PendingModifiedValues": {}, "MemberClusters": list(g["members"]),
               "AutomaticFailover": "enabled" if len(members) > 1 or g["cluster"] else "disabled",
               "MultiAZ": "enabled" if len(members) > 1 else "disabled",
               "SnapshotRetentionLimit": 0, "SnapshotWindow": "03:00-04:00",
               "ClusterEnabled": g["cluster"], "CacheNodeType": g["node_type"],
               "AuthTokenEnabled": False, "TransitEncryptionEnabled": g["tls"],
               "AtRestEncryptionEnabled": g["tls"], "ARN": g["arn"], "LogDeliveryConfigurations": [],
               "ReplicationGroupCreateTime": g["created"], "DataTiering": "disabled",
               "AutoMinorVersionUpgrade": True, "NetworkType": "ipv4", "IpDiscovery": "ipv4",
               "ClusterMode": "enabled" if g["cluster"] else "disabled", "Engine": g["engine"]}
        node_members = [{"CacheClusterId": c["id"], "CacheNodeId": "0001",
                         "PreferredAvailabilityZone": c["zone"],
                         **({} if g["cluster"] else {
                             "ReadEndpoint": self._ep(c["nodes"][0][1], g["port"]),
                             "CurrentRole": "primary" if k == 0 else "replica"})}
                        for k, c in enumerate(members)]
        if g["cluster"]:
            out["ConfigurationEndpoint"] = self._ep(g["config"], g["port"])
            out["NodeGroups"] = [{"NodeGroupId": "0001", "Status": "available",
                                  "Slots": "0-16383", "NodeGroupMembers": node_members}]
        else:
            out["NodeGroups"] = [{"NodeGroupId": "0001", "Status": "available",
                                  "PrimaryEndpoint": self._ep(g["primary"], g["port"]),
                                  "ReaderEndpoint": self._ep(g["reader"], g["port"]),
                                  "NodeGroupMembers": node_members}]
        return out

    def _render_serverless(self, s):
        major = ENGINE_VERSIONS[s["engine"]].split(".")[0]
        return {"ServerlessCacheName": s["name"], "Description": s["description"],
                "CreateTime": s["created"], "Status": "available", "Engine": s["engine"],
                "MajorEngineVersion": major, "FullEngineVersion": ".".join(
                    ENGINE_VERSIONS[s["engine"]].split(".")[:2]),
                "SecurityGroupIds": list(s["security_groups"]),
                "Endpoint": self._ep(s["address"], s["port"]),
                "ReaderEndpoint": self._ep(s["address"], s["port"] + 1),
                "ARN": s["arn"], "SubnetIds": list(s["subnets"]), "SnapshotRetentionLimit": 0,
                "DailySnapshotTime": "04:00"}

    # ---- operations ------------------------------------------------------------

    def DescribeReplicationGroups(self, req, ctx):
        gid = req.get("ReplicationGroupId")
        items = _one_or_all(self.groups, ctx, gid, lambda: AwsError(
            "ReplicationGroupNotFoundFault", f"ReplicationGroup {gid} not found.", 404))
        return page([self._render_group(g) for g in items], req, "ReplicationGroups")

    def DescribeCacheClusters(self, req, ctx):
        cid = req.get("CacheClusterId")
        items = _one_or_all(self.clusters, ctx, cid, lambda: AwsError(
            "CacheClusterNotFound", f"CacheCluster not found: {cid}", 404))
        if not cid and req.get("ShowCacheClustersNotInReplicationGroups"):
            items = [c for c in items if not c["group"]]
        nodes = bool(req.get("ShowCacheNodeInfo"))
        return page([self._render_cluster(c, nodes) for c in items], req, "CacheClusters")

    def DescribeServerlessCaches(self, req, ctx):
        name = req.get("ServerlessCacheName")
        if name:
            s = self.serverless.get((ctx.region, name.lower()))
            if s is None:
                raise AwsError("ServerlessCacheNotFoundFault",
                               f"Serverless cache {name} not found.", 404)
            items = [s]
        else:
            items = [s for (r, _), s in sorted(self.serverless.items()) if r == ctx.region]
        n = req.get("MaxResults")
        if n is not None and not 1 <= n <= 100:
            raise AwsError("InvalidParameterValue", f"Invalid value {n} for MaxResults.")
        return paginate([self._render_serverless(s) for s in items], req, "ServerlessCaches",
                        default_limit=100, bad_token_code="InvalidParameterValue")

    # ---- control API ---------------------------------------------------------------

    def resources(self):
        return {
            "replication_groups": [{"id": g["id"], "region": g["region"], "engine": g["engine"],
                                    "endpoint": f"{g['config'] or g['primary']}:{g['port']}",
                                    "members": list(g["members"])} for g in self.groups.values()],
            "cache_clusters": [{"id": c["id"], "region": c["region"], "group": c["group"],
                                "security_groups": list(c["security_groups"])}
                               for c in self.clusters.values()],
            "serverless_caches": [{"id": s["name"], "region": s["region"], "engine": s["engine"],
                                   "endpoint": f"{s['address']}:{s['port']}",
                                   "security_groups": list(s["security_groups"])}
                                  for s in self.serverless.values()],
        }

    def control(self, method, path, doc):
        """POST /_fake/elasticache/caches: fixture(doc); 400 with the reason for a bad one."""
        if method != "POST" or path != ["caches"]:
            return 404, {"error": "elasticache control endpoints: POST /_fake/elasticache/caches"}
        if not isinstance(doc, dict):
            return 400, {"error": "bad fixture document: expected a JSON object"}
        try:
            return 200, self.fixture(doc)
        except (ValueError, TypeError, AwsError) as e:
            return 400, {"error": f"bad fixture document: {e}"}

    def fixture(self, doc):
        """Make caches that exist before a test (POST /_fake/elasticache/caches):
        {"region": "us-east-1",
         "replication_groups": [{"id", "security_groups": [...], "subnets": [...]?,
                                 "engine": "redis", "replicas": 1, "cluster_mode": false,
                                 "tls": false, "node_type": "cache.t4g.micro", "port": 6379}],
         "cache_clusters": [{"id", "security_groups", "subnets"?, "engine", "nodes": 1, ...}],
         "serverless_caches": [{"name", "security_groups", "subnets", "engine": "valkey"}]}
        Raises ValueError (the control API answers 400) for a bad document."""
        region = doc.get("region", "us-east-1")
        made = {"replication_groups": [], "cache_clusters": [], "serverless_caches": []}
        unknown = set(doc) - {"region", *made}
        if unknown:
            raise ValueError(f"unknown fixture keys: {sorted(unknown)}")
        for spec in doc.get("replication_groups", []):
            made["replication_groups"].append(self._fixture_group(region, spec))
        for spec in doc.get("cache_clusters", []):
            made["cache_clusters"].append(self._fixture_cluster(region, spec, None)["id"])
        for spec in doc.get("serverless_caches", []):
            made["serverless_caches"].append(self._fixture_serverless(region, spec))
        return made

    def _network(self, region, spec, what):
        ec2 = self.world.svc("ec2")
        groups = spec.get("security_groups") or []
        if not groups:
            raise ValueError(f"{what}: security_groups is required")
        vpcs = set()
        for gid in groups:
            sg = ec2.security_group(gid)
            if sg is None:
                raise ValueError(f"{what}: security group {gid} does not exist in the fake's EC2")
            vpcs.add(sg["VpcId"])
        subnets = []
        for sid in spec.get("subnets") or []:
            sub = ec2.subnet(sid)
            if sub is None or not sub["AvailabilityZone"].startswith(region):
                raise ValueError(f"{what}: subnet {sid} does not exist in {region}")
            vpcs.add(sub["VpcId"])
            subnets.append(sub)
        if len(vpcs) > 1:
            raise ValueError(f"{what}: security groups and subnets are in different VPCs")
        return groups, subnets

    def _engine(self, spec, what, default="redis"):
        engine = spec.get("engine", default)
        if engine not in ENGINE_VERSIONS:
            raise ValueError(f"{what}: engine must be one of {sorted(ENGINE_VERSIONS)}")
        return engine

    def _check_id(self, store, region, ident, what):
        if not ident or (region, ident.lower()) in store:
            raise ValueError(f"{what}: a missing or taken identifier {ident!r}")
        return ident.lower()

    def _fixture_cluster(self, region, spec, group, index=0, port=None, tls=False):
        what = f"cache cluster {spec.get('id')}"
        cid = self._check_id(self.clusters, region, spec.get("id"), what)
        engine = self._engine(spec, what)
        groups, subnets = self._network(region, spec, what)
        n = 1 if engine != "memcached" else int(spec.get("nodes", 1))
        port = port or int(spec.get("port", PORTS[engine]))
        zone = subnets[index % len(subnets)]["AvailabilityZone"] if subnets else f"{region}a"
        c = {"id": cid, "region": region, "engine": engine, "group": group, "port": port,
             "node_type": spec.get("node_type", "cache.t4g.micro"), "zone": zone, "tls": tls,
             "security_groups": groups, "subnet_group": spec.get("subnet_group", "default"),
             "parameter_group": "default.redis7" if engine != "memcached" else "default.memcached1.6",
             "arn": self.world.arn("elasticache", region, f"cluster:{cid}"),
             "created": utcnow(self.world),
             "nodes": [(f"{k + 1:04d}", self._host(region, cid, "{h}", f"{k + 1:04d}"))
                       for k in range(n)],
             "config": self._host(region, cid, "{h}", "cfg") if engine == "memcached" else None,
             "enis": []}
        ec2 = self.world.svc("ec2")
        for k in range(n):
            if subnets:
                eni = ec2.create_network_interface(subnets[(index + k) % len(subnets)]["SubnetId"],
                                                   groups, "ElastiCache " + cid,
                                                   f"elasticache:cluster/{cid}")
                c["enis"].append(eni["NetworkInterfaceId"])
        self.clusters[(region, cid)] = c
        return c

    def _fixture_group(self, region, spec):
        what = f"replication group {spec.get('id')}"
        gid = self._check_id(self.groups, region, spec.get("id"), what)
        engine = self._engine(spec, what)
        if engine == "memcached":
            raise ValueError(f"{what}: a replication group runs redis or valkey")
        cluster, tls = bool(spec.get("cluster_mode")), bool(spec.get("tls"))
        port = int(spec.get("port", PORTS[engine]))
        count = 1 + int(spec.get("replicas", 1))
        members = []
        for k in range(count):
            name = f"{gid}-0001-{k + 1:03d}" if cluster else f"{gid}-{k + 1:03d}"
            members.append(self._fixture_cluster(region, {**spec, "id": name}, gid, k, port, tls)["id"])
        g = {"id": gid, "region": region, "engine": engine, "cluster": cluster, "tls": tls,
             "port": port, "members": members, "node_type": spec.get("node_type", "cache.t4g.micro"),
             "description": spec.get("description", gid),
             "arn": self.world.arn("elasticache", region, f"replicationgroup:{gid}"),
             "created": utcnow(self.world),
             "primary": None, "reader": None, "config": None}
        if cluster:
            g["config"] = (self._host(region, "clustercfg", gid, "{h}") if tls
                           else self._host(region, gid, "{h}", "clustercfg"))
        else:
            g["primary"] = (self._host(region, "master", gid, "{h}") if tls
                            else self._host(region, gid, "{h}", "ng", "0001"))
            g["reader"] = (self._host(region, "replica", gid, "{h}") if tls
                           else self._host(region, gid + "-ro", "{h}", "ng", "0001"))
        self.groups[(region, gid)] = g
        return gid

    def _fixture_serverless(self, region, spec):
        what = f"serverless cache {spec.get('name')}"
        name = self._check_id(self.serverless, region, spec.get("name"), what)
        engine = self._engine(spec, what, "valkey")
        groups, subnets = self._network(region, spec, what)
        if len(subnets) < 2:
            raise ValueError(f"{what}: subnets (two or more, in different zones) are required")
        s = {"name": name, "region": region, "engine": engine, "security_groups": groups,
             "subnets": [x["SubnetId"] for x in subnets], "description": spec.get("description", ""),
             "port": PORTS[engine], "address": self._host(region, name + "-{h}", "serverless"),
             "arn": self.world.arn("elasticache", region, f"serverlesscache:{name}"),
             "created": utcnow(self.world)}
        ec2 = self.world.svc("ec2")
        for sub in subnets:
            ec2.create_network_interface(sub["SubnetId"], groups, "ElastiCache Serverless " + name,
                                         f"elasticache:serverlesscache/{name}")
        self.serverless[(region, name)] = s
        return name


def _one_or_all(table, ctx, ident, not_found):
    """A Describe call's items from `table` (keyed by (region, lower-case id)): the one
    named `ident` (raising not_found() when the region has none), or with no `ident` every
    one in the region, in id order."""
    if ident:
        item = table.get((ctx.region, ident.lower()))
        if item is None:
            raise not_found()
        return [item]
    return [v for (r, _), v in sorted(table.items()) if r == ctx.region]


SERVICE = ElastiCache
