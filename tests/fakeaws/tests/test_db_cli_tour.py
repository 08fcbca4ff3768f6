#!/usr/bin/python3
"""An AWS CLI v2 tour of the fake's RDS and ElastiCache through the real server: a DB
subnet group (one zone refused), a PostgreSQL instance with an RDS-managed password,
`aws rds wait db-instance-available`, its secret read with the CLI, deletion protection
refusing and lifted, tags, a final snapshot and `aws rds wait db-instance-deleted`;
then the caches news-api names (made by the fixture API) read with
`aws elasticache describe-*`, the seed's own --query included. Every answer must parse
in the CLI, and every refusal must carry AWS's code.

The CLI's waiters sleep 30 s between checks, so each wait is run once the state has
been reached (polled with the in-process CLI): the CLI's own check then succeeds at once,
which proves it reads the fake's answer as AWS's. No botocore client is used: Debian's
awscli brings its own botocore, which an earlier botocore import would displace."""

import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


if not os.access("/usr/bin/aws", os.X_OK):
    skip("/usr/bin/aws (Debian's AWS CLI v2) is not installed")

from fakelib import Cli, Fake, Report  # noqa: E402


class Tour:
    def __init__(self, fake, report):
        self.fake, self.r = fake, report
        self.cli = Cli(fake, tempfile.mkdtemp(prefix="db-tour-"))

    def aws(self, *args, want_error=None, binary=False):
        p = self.cli.run(list(args), subprocess_=binary)
        what = "aws " + " ".join(args[:2])
        if want_error:
            return self.r.cli_refused(p, want_error, what)
        return self.r.cli_ok(p, what)

    def until(self, what, fn, bound=60):
        """Poll fn until it is true; the bound is generous, not a timing."""
        return bool(self.r.wait(fn, what, bound))

    def status(self, ident):
        """The instance's status read with the in-process CLI, or "gone"."""
        p = self.cli.run(["rds", "describe-db-instances", "--db-instance-identifier", ident])
        if p.returncode != 0:
            self.r.check("(DBInstanceNotFound)" in p.stderr, f"describe {ident}: {p.stderr.strip()[:300]}")
            return "gone"
        return json.loads(p.stdout)["DBInstances"][0]["DBInstanceStatus"]


def network(t):
    vpc = t.aws("ec2", "create-vpc", "--cidr-block", "10.70.0.0/16")["Vpc"]["VpcId"]
    subs = [t.aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", f"10.70.{k}.0/24",
                  "--availability-zone", z)["Subnet"]["SubnetId"]
            for k, z in ((1, "us-east-1a"), (2, "us-east-1b"))]
    sg = t.aws("ec2", "create-security-group", "--vpc-id", vpc, "--group-name", "db",
               "--description", "database")["GroupId"]
    return vpc, subs, sg


def database(t, subs, sg):
    r = t.r
    t.aws("rds", "create-db-subnet-group", "--db-subnet-group-name", "news-db",
          "--db-subnet-group-description", "news", "--subnet-ids", subs[0],
          want_error="DBSubnetGroupDoesNotCoverEnoughAZs")
    g = t.aws("rds", "create-db-subnet-group", "--db-subnet-group-name", "news-db",
              "--db-subnet-group-description", "news", "--subnet-ids", *subs,
              "--tags", "Key=ecsdeploy:stack,Value=news")["DBSubnetGroup"]
    r.eq(len(g["Subnets"]), 2, "subnet group subnets")
    create = ["rds", "create-db-instance", "--db-instance-identifier", "news-api-db",
              "--db-instance-class", "db.t3.micro", "--engine", "postgres", "--engine-version", "16",
              "--allocated-storage", "20", "--master-username", "newsadmin",
              "--manage-master-user-password", "--db-subnet-group-name", "news-db",
              "--vpc-security-group-ids", sg, "--storage-encrypted", "--deletion-protection",
              "--backup-retention-period", "7", "--db-name", "news",
              "--tags", "Key=ecsdeploy:stack,Value=news"]
    t.aws(*create[:-2], "--master-user-password", "hunter2-hunter2",
          want_error="InvalidParameterCombination")
    d = t.aws(*create)["DBInstance"]
    r.eq((d["DBInstanceStatus"], "Endpoint" in d), ("creating", False), "created, no endpoint yet")
    t.aws(*create, want_error="DBInstanceAlreadyExists")
    t.until("news-api-db available", lambda: t.status("news-api-db") == "available")
    t.aws("rds", "wait", "db-instance-available", "--db-instance-identifier", "news-api-db", binary=True)
    d = t.aws("rds", "describe-db-instances", "--db-instance-identifier", "news-api-db")["DBInstances"][0]
    r.eq(d["Endpoint"]["Port"], 5432, "endpoint port")
    r.check(d["Endpoint"]["Address"].startswith("news-api-db."), f"endpoint {d['Endpoint']}")
    sg_seen = t.aws("rds", "describe-db-instances", "--db-instance-identifier", "news-api-db", "--query",
                    "DBInstances[0].VpcSecurityGroups[0].VpcSecurityGroupId")
    r.eq(sg_seen, sg, "the seed's --query for the database's security group")
    secret = t.aws("secretsmanager", "get-secret-value", "--secret-id", d["MasterUserSecret"]["SecretArn"])
    r.eq(json.loads(secret["SecretString"])["username"], "newsadmin", "managed secret's user")
    snaps = t.aws("rds", "describe-db-snapshots", "--db-instance-identifier", "news-api-db",
                  "--snapshot-type", "automated")["DBSnapshots"]
    r.eq(len(snaps), 1, "first automated snapshot")
    t.aws("rds", "delete-db-instance", "--db-instance-identifier", "news-api-db",
          "--skip-final-snapshot", want_error="InvalidParameterCombination")
    t.aws("rds", "delete-db-subnet-group", "--db-subnet-group-name", "news-db",
          want_error="InvalidDBSubnetGroupStateFault")
    m = t.aws("rds", "modify-db-instance", "--db-instance-identifier", "news-api-db",
              "--no-deletion-protection", "--apply-immediately")["DBInstance"]
    r.eq(m["DeletionProtection"], False, "deletion protection lifted")
    arn = d["DBInstanceArn"]
    t.aws("rds", "add-tags-to-resource", "--resource-name", arn, "--tags", "Key=team,Value=news")
    t.aws("rds", "remove-tags-from-resource", "--resource-name", arn, "--tag-keys", "team")
    tags = t.aws("rds", "list-tags-for-resource", "--resource-name", arn)["TagList"]
    r.eq(tags, [{"Key": "ecsdeploy:stack", "Value": "news"}], "tags after add and remove")
    d = t.aws("rds", "delete-db-instance", "--db-instance-identifier", "news-api-db",
              "--final-db-snapshot-identifier", "news-api-db-final")["DBInstance"]
    r.eq(d["DBInstanceStatus"], "deleting", "deleting")
    t.aws("secretsmanager", "describe-secret", "--secret-id", m["MasterUserSecret"]["SecretArn"],
          want_error="ResourceNotFoundException")
    t.until("news-api-db gone", lambda: t.status("news-api-db") == "gone")
    t.aws("rds", "wait", "db-instance-deleted", "--db-instance-identifier", "news-api-db", binary=True)
    t.aws("rds", "wait", "db-snapshot-available", "--db-snapshot-identifier", "news-api-db-final")
    t.aws("rds", "describe-db-instances", "--db-instance-identifier", "news-api-db",
          want_error="DBInstanceNotFound")
    t.aws("rds", "delete-db-subnet-group", "--db-subnet-group-name", "news-db")
    res = t.fake.control("GET", "/_fake/resources")[1]["rds"]
    r.eq(([s["id"] for s in res["db_snapshots"]], res["db_instances"], res["db_subnet_groups"]),
         (["news-api-db-final"], [], []), "only the final snapshot is left")
    t.aws("rds", "delete-db-snapshot", "--db-snapshot-identifier", "news-api-db-final")
    t.aws("rds", "describe-db-snapshots", "--db-snapshot-identifier", "news-api-db-final",
          want_error="DBSnapshotNotFound")


def caches(t, subs, sg):
    r = t.r
    status, made = t.fake.control("POST", "/_fake/elasticache/caches", {
        "replication_groups": [{"id": "news-rg", "security_groups": [sg], "subnets": subs}],
        "cache_clusters": [{"id": "news-api-cache", "security_groups": [sg], "subnets": subs}],
        "serverless_caches": [{"name": "news-sessions", "security_groups": [sg], "subnets": subs}]})
    r.eq(status, 200, f"fixture: {made}")
    status, bad = t.fake.control("POST", "/_fake/elasticache/caches", {"cache_clusters": [{"id": "x"}]})
    r.eq(status, 400, f"a bad fixture: {bad}")
    seen = t.aws("elasticache", "describe-cache-clusters", "--cache-cluster-id", "news-api-cache",
                 "--show-cache-node-info", "--query", "CacheClusters[0].SecurityGroups[0].SecurityGroupId",
                 binary=True)
    r.eq(seen, sg, "the seed's --query for the cache's security group")
    node = t.aws("elasticache", "describe-cache-clusters", "--cache-cluster-id", "news-api-cache",
                 "--show-cache-node-info")["CacheClusters"][0]["CacheNodes"][0]["Endpoint"]
    r.check(node["Address"].startswith("news-api-cache.") and node["Port"] == 6379, f"node {node}")
    g = t.aws("elasticache", "describe-replication-groups", "--replication-group-id", "news-rg")
    r.eq(g["ReplicationGroups"][0]["NodeGroups"][0]["PrimaryEndpoint"]["Port"], 6379, "primary endpoint")
    # Debian's CLI (2.9) predates serverless caches (no describe-serverless-caches): that
    # operation's wire is checked by test_core_wire.py and the C client's tests.
    t.aws("elasticache", "describe-replication-groups", "--replication-group-id", "nope",
          want_error="ReplicationGroupNotFoundFault")
    res = t.fake.control("GET", "/_fake/resources")[1]["elasticache"]
    r.eq(sorted(c["id"] for c in res["cache_clusters"]),
         ["news-api-cache", "news-rg-001", "news-rg-002"], "caches listed")


def main():
    r = Report()
    with Fake(time_scale=0.005) as f:          # 300 s of "creating" take 1.5 s
        t = Tour(f, r)
        vpc, subs, sg = network(t)
        database(t, subs, sg)
        caches(t, subs, sg)
    r.finish()


if __name__ == "__main__":
    main()
