#!/usr/bin/python3
"""Existing databases and caches named by identifier, end to end against the fake (the
news-api case: an RDS instance and a Redis replication group made beforehand):

- `up` reads their endpoints, ports and security groups, adds one rule to each group from
  the service's group (on 5432 and 6379, described ecsdeploy:STACK:SERVICE), and gives
  the service their host, port, name, user as environment values and the password, kept
  by RDS, as a secret it may read; a second `up` changes nothing;
- `down` removes exactly its rules and leaves the database, the cache and their groups;
- an identifier that names nothing (database or cache) is refused before any write;
- the password of an existing database whose password RDS does not keep is refused
  before any write.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from db_world import Fake, Report, sha256, world  # noqa: E402
import analyse  # noqa: E402

R = Report()

STACK = """\
stack: news
network: {{ vpc: default }}
databases:
  db: {{ existing: {db} }}
caches:
  cache: {{ existing: {cache} }}
services:
  api:
    image: nginx:1.27
    port: 8000
    exec: true
    databases:
      db: {{ host: DB_HOST, port: DB_PORT, name: DB_NAME, user: DB_USER{password} }}
    caches:
      cache: {{ host: REDIS_HOST, port: REDIS_PORT }}
    environment:
      REDIS_URL: "redis://${{caches.cache.host}}:${{caches.cache.port}}/0"
"""


def stack_text(db="news-db", cache="news-cache", password=True):
    return STACK.format(db=db, cache=cache, password=", password: DB_PASSWORD" if password else "")


def existing(w):
    """The database and the cache the stack names, each behind its own group in the default
    VPC; and a database whose password RDS does not keep."""
    ec2, rds = w.client("ec2"), w.client("rds")
    vpc = [v for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
    db_sg = ec2.create_security_group(GroupName="news-db", Description="db", VpcId=vpc)["GroupId"]
    cache_sg = ec2.create_security_group(GroupName="news-cache", Description="cache", VpcId=vpc)["GroupId"]
    common = dict(DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
                  MasterUsername="newsadmin", DBName="news", VpcSecurityGroupIds=[db_sg],
                  PubliclyAccessible=False)
    rds.create_db_instance(DBInstanceIdentifier="news-db", ManageMasterUserPassword=True, **common)
    rds.create_db_instance(DBInstanceIdentifier="plain-db", MasterUserPassword="not-kept-by-rds-1",
                           **common)
    w.post("/_fake/elasticache/caches", {"replication_groups": [
        {"id": "news-cache", "security_groups": [cache_sg], "replicas": 1}]})
    for _ in range(400):
        if w.instance("news-db").get("Endpoint"):
            break
        time.sleep(0.05)
    return db_sg, cache_sg


def ingress(w, group_id):
    return sorted((p["FromPort"], g["GroupId"], g.get("Description", ""))
                  for p in w.group(group_id)["IpPermissions"] for g in p["UserIdGroupPairs"])


def refused_before_writing(w, text, want_rc, want, what):
    stack = w.stack("news", text)
    seq = w.last_seq()
    rc, out, err = w.run(stack, "up", "--yes")
    R.check(rc == want_rc and want in err, "%s: %d %s" % (what, rc, err[-500:]))
    R.eq(analyse.write_calls(w.calls_since(seq)), [], "%s: no write" % what)


def main():
    work = tempfile.mkdtemp()
    with Fake("--latency-ms", "0", time_scale=0.01) as fake:
        w = world(fake, work)
        db_sg, cache_sg = existing(w)
        refused_before_writing(w, stack_text(db="nope-db"), 1, "nope-db",
                               "an existing database that does not exist")
        refused_before_writing(w, stack_text(cache="nope-cache"), 1, "nope-cache",
                               "an existing cache that does not exist")
        refused_before_writing(w, stack_text(db="plain-db"), 2, "is not kept by RDS in Secrets Manager",
                               "the password of a database RDS does not keep it for")
        stack = w.stack("news", stack_text())
        rc, out, err = w.run(stack, "up", "--yes")
        if not R.check(rc == 0, "up with an existing database and cache: " + err[-800:]):
            return R.finish()
        api = [g for g in w.client("ec2").describe_security_groups()["SecurityGroups"]
               if g["GroupName"] == "news-api"][0]["GroupId"]
        R.eq(ingress(w, db_sg), [(5432, api, "ecsdeploy:news:api")], "the database's group admits the service")
        R.eq(ingress(w, cache_sg), [(6379, api, "ecsdeploy:news:api")], "the cache's group admits the service")
        d = w.instance("news-db")
        cache = w.client("elasticache").describe_replication_groups(
            ReplicationGroupId="news-cache")["ReplicationGroups"][0]
        primary = cache["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
        arn, value = w.password("news-db")
        rc, out, err = w.run(stack, "exec", "api", "--", "sh", "-c",
                             "printenv DB_PASSWORD | sha256sum; printenv DB_HOST DB_PORT DB_NAME DB_USER "
                             "REDIS_HOST REDIS_PORT REDIS_URL")
        lines = out.split("\n")
        R.check(rc == 0 and lines[0].split()[0] == sha256(value["password"] + "\n"),
                "the task gets the password RDS keeps (%d %s)" % (rc, err[-300:]))
        R.eq(lines[1:8], [d["Endpoint"]["Address"], "5432", "news", "newsadmin", primary, "6379",
                          "redis://%s:6379/0" % primary], "the values read from the database and the cache")
        doc = w.client("iam").get_role_policy(RoleName="news-api-exec", PolicyName="ecsdeploy")["PolicyDocument"]
        R.eq([s["Resource"] for s in doc["Statement"] if "secretsmanager:GetSecretValue" in s["Action"]],
             [[arn]], "the execution role reads exactly the database's secret")
        rc, out, err = w.run(stack, "up", "--yes")
        R.check(rc == 0 and "No changes" in out, "a second up changes nothing: " + out[-300:] + err[-300:])
        rc, out, err = w.run(stack, "status")
        R.check(rc == 0 and d["Endpoint"]["Address"] in out and primary in out,
                "status shows the database's and the cache's endpoints: " + out[-800:])
        rc, out, err = w.run(stack, "down", "--yes")
        R.check(rc == 0, "down: " + err[-400:])
        R.eq(ingress(w, db_sg), [], "down removed its rule from the database's group")
        R.eq(ingress(w, cache_sg), [], "down removed its rule from the cache's group")
        R.eq(sorted(i["id"] for i in w.rds()["db_instances"]), ["news-db", "plain-db"],
             "the existing databases stay")
        R.eq([g["id"] for g in w.resources()["elasticache"]["replication_groups"]], ["news-cache"],
             "the existing cache stays")
        R.eq(w.leaked(value["password"]), [], "no command's output held the password")
    R.finish()


if __name__ == "__main__":
    main()
