#!/usr/bin/python3
"""`up` and `down` converge under fault injection, with no duplicates.

For each of several seeds, against its own fake: every service answers 20% of calls with
its throttling error, 5% with HTTP 500, and drops some connections both before the call
happens and after it happened (the answer is lost: the case where a retried create makes a
duplicate); a few calls also happen and then answer HTTP 500. Under those faults `up` of a stack of many kinds exits 0; then, faults off,
the fake holds exactly one of each resource of the stack and no untagged orphan; faults
on again, a second `up` reports no changes; `down --yes --purge` exits 0 and leaves
nothing of the stack. ECSDEPLOY_FAULT_SEEDS="1 2 3" picks the seeds."""
import json
import os
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
from fakelib import Fake, Report  # noqa: E402

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))
STACK = "flaky"
SEEDS = [int(s) for s in os.environ.get("ECSDEPLOY_FAULT_SEEDS", "11 22 33").split()]

# Every kind `up` makes: VPC, subnets, internet gateway, route tables, NAT and its Elastic
# IP, security groups and rules between them, generated secrets, a bucket, log groups,
# roles, a Cloud Map namespace and service, an ALB with target group, listener and rule,
# the cluster, task definitions and services.
STACK_YML = """\
stack: flaky
network:
  vpc: { cidr: 10.60.0.0/16 }
  zones: 2
  nat: single
logs: { retention_days: 7 }
secrets:
  api-key: { generate: { length: 32 } }
buckets:
  data: { keep: true }
discovery: { namespace: flaky.internal }
load_balancers:
  public: { listeners: [ { port: 80 } ] }
services:
  web:
    image: example/web:1
    port: 8080
    load_balancer: { name: public, health_check: { path: /healthz } }
    environment: { DATA: "${buckets.data.name}" }
    secrets: { API_KEY: api-key }
    permissions: [ { bucket: data, access: read-write } ]
  api:
    image: example/api:1
    port: 9000
    discovery: { name: api }
    allow_from: [web]
"""

FAULTS = [
    {"action": "throttle", "rate": 0.2},
    {"action": "error", "status": 500, "rate": 0.05},
    {"action": "drop", "phase": "before", "rate": 0.03},
    {"action": "drop", "phase": "after", "rate": 0.03},
    {"action": "error", "status": 500, "phase": "after", "rate": 0.01},
]

# What the stack must hold after `up`: (service, kind) -> how many of the stack's own.
EXPECTED = {
    ("ec2", "vpcs"): 1, ("ec2", "subnets"): 4, ("ec2", "internet_gateways"): 1,
    ("ec2", "route_tables"): 2, ("ec2", "elastic_ips"): 1, ("ec2", "nat_gateways"): 1,
    ("ec2", "security_groups"): 3, ("secretsmanager", "secrets"): 1, ("s3", "buckets"): 1,
    ("logs", "log_groups"): 2, ("servicediscovery", "namespaces"): 1,
    ("servicediscovery", "services"): 1, ("elbv2", "load_balancers"): 1,
    ("elbv2", "target_groups"): 1, ("elbv2", "listeners"): 1, ("elbv2", "rules"): 1,
    ("ecs", "clusters"): 1, ("ecs", "services"): 2,
}

R = Report()


def env_for(f):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=f.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
               ECSDEPLOY_POLL_SECONDS="0.05", ECSDEPLOY_RETRY_BACKOFF_SCALE="0.02")
    return env


def run(f, stack, *args):
    t0 = time.time()
    p = subprocess.run([ECSDEPLOY, "-f", stack] + list(args), env=env_for(f),
                       capture_output=True, text=True, timeout=240)
    return p.returncode, p.stdout, p.stderr, time.time() - t0


def faults(f, seed, on):
    st, body = f.control("POST", "/_fake/faults", {"seed": seed, "rules": FAULTS if on else []})
    if st != 200:
        raise RuntimeError(f"fault rules refused: {st} {body}")


def applied(f):
    """How many faults fired since the rules were set."""
    return sum(r.get("applied", 0) for r in f.control("GET", "/_fake/faults")[1]["rules"])


def snapshot(f):
    return f.control("GET", "/_fake/resources")[1]


def items(snap):
    for svc, kinds in snap.items():
        for kind, lst in kinds.items():
            for it in lst:
                yield svc, kind, it


def key(svc, kind, it):
    return svc, kind, it.get("id") or it.get("arn") or it.get("name")


def tags(it):
    t = it.get("tags")
    return t if isinstance(t, dict) else {}


def name_of(svc, kind, it):
    """The name a resource without tags in the fake's view is known by."""
    if (svc, kind) == ("ecs", "services"):
        return f"{it.get('cluster')}/{it.get('id')}"
    if (svc, kind) == ("ecs", "taskDefinitions"):
        return (it.get("id") or "").rsplit(":", 1)[0]
    if (svc, kind) == ("elbv2", "listeners"):
        return it["arn"].rsplit("/", 1)[0] + f":{it.get('port')}"
    if (svc, kind) == ("elbv2", "rules"):
        return it["arn"].rsplit("/", 2)[0] + f":{it.get('priority')}"
    if (svc, kind) == ("servicediscovery", "services"):
        return f"{it.get('namespace')}/{it.get('name')}"
    return it.get("name") or it.get("id")


def untagged_allowed(svc, kind, it):
    """New resources that nobody tags: made by AWS itself, or kinds the fake lists
    without tags (checked by name instead)."""
    if svc == "ec2":
        return (kind == "network_interfaces" or (kind == "route_tables" and it.get("main"))
                or (kind == "security_groups" and it.get("name") == "default"))
    if svc == "iam" and kind == "roles":
        return "/aws-service-role/" in (it.get("id") or "")
    if svc == "s3" and kind == "buckets":  # the account's stack-lock bucket (lock.h), by name
        return (it.get("id") or "").startswith("ecsdeploy-locks-")
    return svc in ("ecs", "elbv2", "servicediscovery")


def check_after_up(seed, base, snap):
    """One of each: every tagged resource of the stack unique by its ecsdeploy:id, no
    untagged orphan, names unique, the expected count of each kind."""
    old = {key(*x) for x in items(base)}
    ids, names, count = {}, {}, {}
    for svc, kind, it in items(snap):
        if key(svc, kind, it) in old:
            continue
        t = tags(it)
        if t.get("ecsdeploy:stack") == STACK:
            ids.setdefault((svc, kind, t.get("ecsdeploy:id")), []).append(it.get("id"))
            count[(svc, kind)] = count.get((svc, kind), 0) + 1
        elif t:
            R.check(False, f"seed {seed}: {svc} {kind} {it.get('id')} tagged for another stack: {t}")
        elif not untagged_allowed(svc, kind, it):
            R.check(False, f"seed {seed}: untagged {svc} {kind} {it.get('id')}: an orphan "
                           f"(a create whose answer was lost, made again?)")
        else:
            if svc in ("ecs", "elbv2", "servicediscovery") and kind not in ("tasks",):
                if kind == "taskDefinitions" and it.get("status") != "ACTIVE":
                    continue
                names.setdefault((svc, kind, name_of(svc, kind, it)), []).append(it.get("id"))
                count[(svc, kind)] = count.get((svc, kind), 0) + 1
    dups = {k: v for k, v in ids.items() if len(v) > 1}
    dups.update({k: v for k, v in names.items() if len(v) > 1})
    R.check(not dups, f"seed {seed}: duplicates after up: {dups}")
    for k, want in EXPECTED.items():
        R.eq(count.get(k, 0), want, f"seed {seed}: {k[0]} {k[1]} of the stack after up")


def leftovers(base, snap):
    old = {key(*x) for x in items(base)}
    left = []
    for svc, kind, it in items(snap):
        if key(svc, kind, it) in old:
            continue
        if svc == "iam" and "/aws-service-role/" in (it.get("id") or ""):
            continue
        if svc == "ec2" and kind == "network_interfaces" and it.get("status") == "available":
            continue  # released interfaces linger a while in AWS too; they block nothing of ours
        if svc == "ecs" and kind == "tasks" and it.get("lastStatus") == "STOPPED":
            continue
        if svc == "ecs" and kind in ("clusters", "services", "taskDefinitions") and \
                it.get("status") in ("INACTIVE", "DRAINING", "DELETE_IN_PROGRESS"):
            continue
        if svc == "ec2" and kind == "nat_gateways" and it.get("state") in ("deleted", "deleting"):
            continue
        left.append((svc, kind, it.get("id") or it.get("arn") or it.get("name")))
    return left


def keep_calls(f, seed, what):
    """With ECSDEPLOY_FAULT_KEEP=DIR, keep the fake's call log (to see which fault did what)."""
    d = os.environ.get("ECSDEPLOY_FAULT_KEEP")
    if d:
        with open(os.path.join(d, f"calls-{seed}-{what}.json"), "w") as fh:
            json.dump(f.control("GET", "/_fake/calls")[1], fh, indent=0)


def one_seed(seed, work):
    stack = os.path.join(work, "flaky.yml")
    with open(stack, "w") as fh:
        fh.write(STACK_YML)
    with Fake("--seed", str(seed)) as f:
        f.client("ec2").describe_vpcs()  # the fake makes the region's default VPC on first use
        base = snapshot(f)
        faults(f, seed, True)
        rc, out, err, took = run(f, stack, "up")
        fired = applied(f)
        lost = f.control("GET", "/_fake/faults")[1]["rules"][3].get("applied", 0)
        ok = R.check(rc == 0, f"seed {seed}: up under faults exits 0, got {rc}:\n{out[-1500:]}\n{err[-1500:]}")
        R.check(fired >= 20, f"seed {seed}: the faults fired ({fired} times)")
        R.check(lost >= 1, f"seed {seed}: some answers were lost after the call happened ({lost})")
        print(f"seed {seed}: up {took:.1f} s, {fired} faults", flush=True)
        faults(f, seed, False)
        if not ok:
            return
        check_after_up(seed, base, snapshot(f))
        keep_calls(f, seed, "up")

        faults(f, seed + 1, True)
        rc, out, err, took = run(f, stack, "up")
        R.check(rc == 0 and "No changes" in out,
                f"seed {seed}: second up under faults: no changes, got {rc}:\n{out[-1500:]}\n{err[-1500:]}")
        print(f"seed {seed}: second up {took:.1f} s, {applied(f)} faults", flush=True)

        faults(f, seed + 2, True)
        rc, out, err, took = run(f, stack, "down", "--yes", "--purge")
        R.check(rc == 0, f"seed {seed}: down under faults exits 0, got {rc}:\n{out[-1500:]}\n{err[-1500:]}")
        print(f"seed {seed}: down {took:.1f} s, {applied(f)} faults", flush=True)
        faults(f, seed, False)
        keep_calls(f, seed, "down")
        left = leftovers(base, snapshot(f))
        R.check(not left, f"seed {seed}: down leaves nothing of the stack: {left}")


def main():
    if not os.access(ECSDEPLOY, os.X_OK):
        print(f"skipped: no binary at {ECSDEPLOY}")
        sys.exit(77)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as work:
        for seed in SEEDS:
            one_seed(seed, work)
    print(f"{len(SEEDS)} seeds in {time.time() - t0:.1f} s", flush=True)
    R.finish()


main()
