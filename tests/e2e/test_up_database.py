#!/usr/bin/python3
"""A database the stack creates, end to end against the fake:

- `plan` says what database it creates (engine, version, class, storage); `up` makes a
  PostgreSQL instance in the stack's private subnets (a DB subnet group over
  two zones), encrypted, with backups and deletion protection, its master password kept
  by RDS in Secrets Manager; its security group admits only the service that uses it, on
  5432; the service gets host, port, name and user as environment values and the
  password as a secret (the task's value is the secret's), its execution role may read
  exactly that secret; while RDS creates it, `up` says what it waits for;
  CreateDBInstance and CreateDBSubnetGroup answers lost once make no duplicate;
- a second `up` only reads, at round-trip depth 4 at most;
- instance class and storage change in place (the plan shows them field by field);
  storage made smaller or grown by less than 10%, and an engine change on a kept
  database, are refused before any write;
- `down` keeps the database (and what it stands on) and says so; `up` again uses it;
- `down --purge` says it turns deletion protection off and takes a final snapshot, and
  leaves only that snapshot;
- the password is in no output of any command, `--debug` included.
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
stack: shop
network:
  vpc: {{ cidr: 10.70.0.0/16 }}
  zones: 2
databases:
  main: {{ engine: {engine}, version: "{version}", instance_class: {cls}, storage_gib: {storage} }}
services:
  web:
    image: nginx:1.27
    port: 8080
    exec: true
    databases:
      main: {{ host: DB_HOST, port: DB_PORT, name: DB_NAME, user: DB_USER, password: DB_PASSWORD }}
    environment:
      DATABASE_URL: "postgres://${{databases.main.user}}@${{databases.main.host}}:${{databases.main.port}}/${{databases.main.name}}"
outputs:
  database: "${{databases.main.host}}:${{databases.main.port}}"
  secret: "${{databases.main.secret_arn}}"
"""


def stack_text(engine="postgres", cls="db.t4g.micro", storage=20):
    version = "16" if engine == "postgres" else "8.0"
    return STACK.format(engine=engine, version=version, cls=cls, storage=storage)


def ours(items, stack="shop"):
    return [x for x in items if x.get("tags", {}).get("ecsdeploy:stack") == stack]


def check_created(w, out):
    rds = w.rds()
    inst = rds["db_instances"]
    if not R.eq(len(inst), 1, "one DB instance (no duplicate after a lost CreateDBInstance answer)"):
        return None
    R.eq(len(rds["db_subnet_groups"]), 1, "one DB subnet group (no duplicate)")
    d = w.instance("shop-main")
    R.check(d["StorageEncrypted"] and d["BackupRetentionPeriod"] == 7 and d["DeletionProtection"]
            and not d["PubliclyAccessible"] and d["Engine"] == "postgres"
            and d["EngineVersion"].startswith("16.") and d["DBName"] == "main"
            and d["MasterUsername"] == "postgres", "encrypted, backups, protected, private: %s" % d)
    R.check("MasterUserSecret" in d, "RDS manages the master password")
    # in the private subnets, two zones
    ec2 = w.client("ec2")
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets()["Subnets"]}
    group_subnets = [s["SubnetIdentifier"] for s in d["DBSubnetGroup"]["Subnets"]]
    names = sorted(next((t["Value"] for t in subnets[s].get("Tags", []) if t["Key"] == "ecsdeploy:id"), "")
                   for s in group_subnets)
    R.eq(names, ["subnet/private-0", "subnet/private-1"], "the DB subnet group is the private subnets")
    R.eq(len({subnets[s]["AvailabilityZone"] for s in group_subnets}), 2, "two zones")
    # its group admits only the service's group, on 5432
    sg = w.group(d["VpcSecurityGroups"][0]["VpcSecurityGroupId"])
    web = [g for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] == "shop-web"][0]
    rules = [(p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), [x["GroupId"] for x in p["UserIdGroupPairs"]],
              p["IpRanges"]) for p in sg["IpPermissions"]]
    R.eq(rules, [("tcp", 5432, 5432, [web["GroupId"]], [])], "the database admits the service only, on 5432")
    # the output names the secret, never its value
    arn, value = w.password("shop-main")
    R.eq(sorted(value), ["password", "username"], "RDS's secret holds username and password")
    R.check(arn in out and d["Endpoint"]["Address"] in out, "outputs: endpoint and secret ARN: " + out[-400:])
    # the execution role reads exactly that secret
    iam = w.client("iam")
    doc = iam.get_role_policy(RoleName="shop-web-exec", PolicyName="ecsdeploy")["PolicyDocument"]
    st = [s for s in doc["Statement"] if "secretsmanager:GetSecretValue" in s["Action"]]
    R.eq([s["Resource"] for s in st], [[arn]], "the execution role may read exactly the RDS secret")
    return d


def check_task_env(w, stack, d):
    arn, value = w.password("shop-main")
    rc, out, err = w.run(stack, "exec", "web", "--", "sh", "-c",
                         "printenv DB_PASSWORD | sha256sum; printenv DB_HOST DB_PORT DB_NAME DB_USER")
    lines = out.split("\n")
    R.check(rc == 0 and lines[0].split()[0] == sha256(value["password"] + "\n"),
            "the task's DB_PASSWORD is the RDS secret's password (%d %s)" % (rc, err[-300:]))
    R.eq(lines[1:5], [d["Endpoint"]["Address"], "5432", "main", "postgres"], "host, port, name, user")


def read_only_up(w, stack):
    w.faults({"latency_ms": 200})
    seq = w.last_seq()
    rc, out, err = w.run(stack, "up", "--yes")
    got = w.calls_since(seq)
    w.faults({"latency_ms": 0})
    R.check(rc == 0 and "No changes" in out, "a second up has no changes: %s %s" % (out[-300:], err[-300:]))
    R.eq(analyse.write_calls(got), [], "a second up only reads")
    chain = analyse.round_trip_chain(got)
    R.check(len(chain) <= 4, "a no-change up with a database is %d round trips deep: %s"
            % (len(chain), analyse.chain_text(chain)))


def refusals(w):
    """Once at 30 GiB on db.t4g.small."""
    for text, want in ((stack_text(cls="db.t4g.small", storage=25), "never makes storage smaller"),
                       (stack_text(cls="db.t4g.small", storage=32), "give 33 GiB or more"),
                       (stack_text(engine="mysql", cls="db.t4g.small", storage=30), "keep data")):
        stack = w.stack("shop", text)
        seq = w.last_seq()
        rc, out, err = w.run(stack, "up", "--yes")
        R.check(rc == 2 and want in err, "refused (%s): %d %s" % (want, rc, err[-400:]))
        R.eq(analyse.write_calls(w.calls_since(seq)), [], "the refused up wrote nothing (%s)" % want)
    return w.stack("shop", stack_text(cls="db.t4g.small", storage=30))


def update(w):
    stack = w.stack("shop", stack_text(cls="db.t4g.small", storage=30))
    rc, out, err = w.run(stack, "plan")
    R.check("instance_class: db.t4g.micro -> db.t4g.small" in out and "storage_gib: 20 -> 30" in out,
            "plan shows the class and storage changes: " + out[-600:])
    rc, out, err = w.run(stack, "up", "--yes")
    R.check(rc == 0, "up changes class and storage: " + err[-400:])
    d = w.instance("shop-main")
    pending = d.get("PendingModifiedValues", {})
    R.check(d["DBInstanceClass"] == "db.t4g.small" or pending.get("DBInstanceClass") == "db.t4g.small",
            "the class changes at once: %s" % d)
    rc, out, err = w.run(stack, "up", "--yes")
    R.check(rc == 0 and "No changes" in out, "no changes while RDS applies them: " + out[-300:])
    for _ in range(200):
        if w.instance("shop-main")["DBInstanceStatus"] in ("available", "storage-optimization"):
            break
        time.sleep(0.05)
    d = w.instance("shop-main")
    R.check(d["DBInstanceClass"] == "db.t4g.small" and d["AllocatedStorage"] == 30, "applied: %s" % d)
    rc, out, err = w.run(stack, "status")
    R.check(rc == 0 and "RDS database" in out and d["Endpoint"]["Address"] in out,
            "status shows the database's state and endpoint: " + out[-800:])
    return stack


def down_keeps(w, stack):
    rc, out, err = w.run(stack, "down", "--yes")
    R.check(rc == 0 and "database/main (shop-main)" in out and "Kept" in out,
            "down keeps the database and says so: " + out[-600:])
    R.eq([i["id"] for i in w.rds()["db_instances"]], ["shop-main"], "the database is still there")
    d = w.instance("shop-main")
    sg = w.group(d["VpcSecurityGroups"][0]["VpcSecurityGroupId"])
    R.eq(sg["IpPermissions"], [], "the gone service's rule left the database's group")
    rc, out, err = w.run(stack, "up", "--yes")
    R.check(rc == 0, "up again uses the kept database: " + err[-400:])
    R.eq(len(w.rds()["db_instances"]), 1, "still one instance")


def purge(w, stack):
    rc, out, err = w.run(stack, "down", "--yes", "--purge")
    R.check(rc == 0 and "deletion_protection: true -> false" in out and "final_snapshot" in out,
            "down --purge says it turns deletion protection off and takes a final snapshot: " + out[:800])
    rds = w.rds()
    R.eq(rds["db_instances"], [], "the database is gone")
    R.eq(rds["db_subnet_groups"], [], "its subnet group is gone")
    R.eq([(s["type"], s["instance"], s["id"].startswith("shop-main-final-")) for s in rds["db_snapshots"]],
         [("manual", "shop-main", True)], "only the final snapshot is left")
    res = w.resources()
    R.eq([v["id"] for v in res["ec2"]["vpcs"] if not v.get("default")], [], "the VPC is gone")
    R.eq(ours(res["secretsmanager"]["secrets"]), [], "no secret of the stack left")


def main():
    work = tempfile.mkdtemp()
    with Fake("--latency-ms", "0", time_scale=0.01) as fake:
        w = world(fake, work)
        stack = w.stack("shop", stack_text())
        rc, out, err = w.run(stack, "plan")
        R.check(rc == 0 and "create   database/main  RDS postgres 16 database shop-main (db.t4g.micro, "
                "20 GiB gp3, encrypted" in out, "the plan says what database it creates: " + out[-1200:])
        # a lost answer of each create: sent once, answered into the void, not repeated
        w.faults({"rules": [{"service": "rds", "operation": "CreateDBInstance", "action": "drop",
                             "phase": "after", "count": 1},
                            {"service": "rds", "operation": "CreateDBSubnetGroup", "action": "drop",
                             "phase": "after", "count": 1}]})
        rc, out, err = w.run(stack, "up", "--yes")
        w.faults({"rules": []})
        if not R.check(rc == 0, "up creates the stack with its database: %s" % err[-800:]):
            return R.finish()
        R.check("create  database/main: waiting for RDS database shop-main to be created (several minutes; "
                "its endpoint comes at the end): creating" in out, "up says what it waits for: " + out[-1500:])
        d = check_created(w, out)
        if d:
            check_task_env(w, stack, d)
        read_only_up(w, stack)
        for args in (("plan", "--debug"), ("status", "--debug"), ("up", "--yes", "--debug"),
                     ("plan", "--output", "json"), ("status", "--output", "json"), ("validate",)):
            w.run(stack, *args)
        stack = update(w)
        stack = refusals(w)
        down_keeps(w, stack)
        _, value = w.password("shop-main")
        purge(w, stack)
        R.eq(w.leaked(value["password"]), [], "no command's output held the password")
        R.check(len(w.outputs) >= 15, "every command's output was looked at (%d)" % len(w.outputs))
    R.finish()


if __name__ == "__main__":
    main()
