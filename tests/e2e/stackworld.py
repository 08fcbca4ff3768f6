"""Helpers for the crash, rollback and interrupt end-to-end tests (tests/e2e/test_up_kill.py,
test_up_rollback.py, test_up_interrupt.py): run the binary against a fake, and take an
inventory of what a stack owns in the fake through GET /_fake/resources."""

import json
import os
import signal
import subprocess
import sys
import time

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
from fakelib import Fake as _Fake, Report  # noqa: E402,F401

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))

# A stack with most kinds: VPC, subnets, internet gateway, route tables, NAT gateway and
# its address, groups and rules, roles, secrets (generated and bootstrapped), a bucket,
# log groups, a Cloud Map namespace and service, an ALB with target group, listener and
# rule, a cluster, task definitions, services (one with an EBS volume, exec, discovery).
STACK_YAML = """\
stack: {name}
network:
  vpc: {{ cidr: 10.61.0.0/16 }}
  zones: 2
  nat: single
logs: {{ retention_days: 30 }}
secrets:
  api-key:     {{ generate: {{ length: 40 }} }}
  quack-token: {{ generate: {{ length: 40 }} }}
buckets:
  data: {{ keep: true }}
discovery: {{ namespace: {name}.internal }}
load_balancers:
  public: {{ listeners: [ {{ port: 80 }} ] }}
services:
  app:
    image: {image}
    cpu: 256
    memory: 512
    port: 8080
    load_balancer: {{ name: public, health_check: {{ path: /healthz }} }}
    environment:
      CATALOG_URL: "https://${{services.catalog.host}}:9494"
      DATA_BUCKET: ${{buckets.data.name}}
    secrets: {{ API_KEY: api-key, QUACK_TOKEN: quack-token }}
    volumes: [ {{ path: /var/lib/app, ebs: {{ size_gib: 20 }} }} ]
    permissions: [ {{ bucket: data, access: read-write }} ]
    exec: true
  catalog:
    image: nginx:1.27
    cpu: 256
    memory: 512
    port: 9494
    discovery: {{ name: catalog }}
    allow_from: [app]
    secrets: {{ QUACK_TOKEN: quack-token }}
{extra}bootstrap:
  agent-token: {{ exec: {{ service: app, command: "cat /usr/share/fakeaws/task-id" }}, secret: agent-token }}
"""


def stack_yaml(name, image="nginx:1.27", extra=""):
    return STACK_YAML.format(name=name, image=image, extra=extra)


class Fake(_Fake):
    """The fake with its stderr in a file (a killed client makes it log broken pipes);
    the last lines are shown when it fails to start."""

    def __enter__(self):
        import tempfile
        self.log = tempfile.TemporaryFile("w+")
        saved = os.dup(2)
        os.dup2(self.log.fileno(), 2)
        try:
            return super().__enter__()
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class Delegator:
    """What a person does by hand while `up` waits for a certificate in a zone the stack
    made (the examples' headers say so): as soon as a zone below `parent` (a zone made
    beforehand) exists, its name servers are written as an NS record in the parent, so the
    internet's DNS (and ACM) reaches it. Through the fake's control endpoint, so that no
    injected fault is spent on it. `with Delegator(fake):` around the runs."""

    def __init__(self, fake, parent="example.com"):
        import threading
        self.fake, self.parent = fake, parent.rstrip(".") + "."
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.done = set()   # zone ids delegated

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)

    def _run(self):
        while not self.stop.wait(0.2):   # a person is not faster; each look renders the whole fake
            try:
                zones = resources(self.fake)["route53"]["hosted_zones"]
            except Exception:   # the fake stopping under it
                continue
            for z in zones:
                if z["private"] or z["id"] in self.done or not z["name"].endswith("." + self.parent):
                    continue
                status, doc = self.fake.control("POST", "/_fake/route53/delegate", {"name": z["name"]})
                if status == 200:
                    self.done.add(z["id"])


PROXY_VARS = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")


def env_for(fake, extra=None, direct=False):
    """The binary's environment against the fake: none of the caller's AWS settings, the
    test keys, us-east-1, quick polls; then `extra`. direct: no proxy either (NO_PROXY for
    127.0.0.1, the proxy variables gone), for scripts that count the fake's calls."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("ECSDEPLOY_PROFILE",)}
    env.update(AWS_ENDPOINT_URL=fake.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
               ECSDEPLOY_POLL_SECONDS="0.05")
    if direct:
        for k in PROXY_VARS:
            env.pop(k, None)
        env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    env.update(extra or {})
    return env


def run(fake, stack_file, *args, timeout=120, env=None):
    """Run ecsdeploy to completion: (exit status, stdout, stderr). env: more variables."""
    p = subprocess.run([ECSDEPLOY, "-f", stack_file] + list(args), env=env_for(fake, env),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def start(fake, stack_file, *args, env=None):
    """Start ecsdeploy (the process itself, no shell in between) with stdout piped."""
    return subprocess.Popen([ECSDEPLOY, "-f", stack_file] + list(args), env=env_for(fake, env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_events(proc, stop, timeout=60):
    """Read JSON event lines from proc's stdout until stop(events) is true or the output
    ends; returns the events read (dicts; lines that are not JSON are kept as strings)."""
    events = []
    end = time.time() + timeout
    while time.time() < end:
        line = proc.stdout.readline()
        if not line:
            break
        try:
            events.append(json.loads(line))
        except ValueError:
            events.append(line.rstrip("\n"))
        if stop(events):
            break
    return events


def kill9(proc):
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def unlock(fake, stack_file):
    """What a user does after killing a run: remove the lock it left (`unlock --yes`).
    Raises when that fails."""
    rc, out, err = run(fake, stack_file, "unlock", "--yes")
    if rc != 0:
        raise RuntimeError(f"unlock --yes: exit {rc}: {err.strip()[-400:]}")
    return out


def resources(fake):
    status, doc = fake.control("GET", "/_fake/resources")
    if status != 200:
        raise RuntimeError(f"GET /_fake/resources answered {status}")
    return doc


def _tag_id(r, stack):
    tags = r.get("tags") or {}
    if tags.get("ecsdeploy:stack") == stack:
        return tags.get("ecsdeploy:id") or r.get("id")
    return None


def inventory(doc, stack):
    """What the fake holds of `stack`: {kind: sorted list of stable names}. Names are the
    resources' ecsdeploy:id tags or their deterministic AWS names, so two inventories of
    the same stack made at different times compare equal when nothing is duplicated or
    missing. Network interfaces and tasks are counted per owner instead (ids vary)."""
    inv = {}

    def add(kind, name):
        inv.setdefault(kind, []).append(name)

    ec2 = doc.get("ec2", {})
    vpcs = set()
    for kind in ("vpcs", "subnets", "internet_gateways", "route_tables", "elastic_ips",
                 "nat_gateways", "security_groups"):
        for r in ec2.get(kind, []):
            if kind == "nat_gateways" and r.get("state") not in ("pending", "available"):
                continue
            name = _tag_id(r, stack)
            if name:
                add("ec2." + kind, name)
                if kind == "vpcs":
                    vpcs.add(r["id"])
    subnets = {s["id"] for s in ec2.get("subnets", []) if s.get("vpc") in vpcs}
    # Interfaces in use (tasks, load balancers, NAT); released ones linger a while in AWS
    # ("available") and go by themselves, and those of tasks on their way out (a finished
    # deployment's old tasks draining) too, so they are not counted.
    stopping = {"ecs:task/" + t["id"] for t in doc.get("ecs", {}).get("tasks", [])
                if t.get("desiredStatus") != "RUNNING"}
    for r in ec2.get("network_interfaces", []):
        if r.get("subnet") in subnets and r.get("status") == "in-use" and r.get("owner") not in stopping:
            add("ec2.network_interfaces", "eni in use")

    ecs = doc.get("ecs", {})
    for r in ecs.get("clusters", []):
        if r.get("id") == stack and r.get("status") == "ACTIVE":
            add("ecs.clusters", r["id"])
    # Revisions are numbered on from deregistered ones: compare families, and whether a
    # service runs its family's newest active revision.
    newest = {}
    for r in ecs.get("taskDefinitions", []):
        if r.get("id", "").startswith(stack + "-") and r.get("status") == "ACTIVE":
            family, rev = r["id"].rsplit(":", 1)
            add("ecs.taskDefinitions", family)
            newest[family] = max(newest.get(family, 0), int(rev))

    def family_of(arn):
        family, rev = arn.rsplit("/", 1)[-1].rsplit(":", 1)
        return family + ("" if newest.get(family) == int(rev) else f" (revision {rev}, not the newest)")

    for r in ecs.get("services", []):
        if r.get("cluster") == stack and r.get("status") == "ACTIVE":
            add("ecs.services", r["id"] + " on " + family_of(r.get("taskDefinition", "x:0")))
    for r in ecs.get("tasks", []):
        if r.get("cluster") == stack and r.get("desiredStatus") == "RUNNING":
            add("ecs.tasks", family_of(r.get("taskDefinition", "x:0")))

    elb = doc.get("elbv2", {})
    for r in elb.get("load_balancers", []):
        if r.get("name", "").startswith(stack + "-"):
            add("elbv2.load_balancers", r["name"])
    for r in elb.get("target_groups", []):
        if r.get("name", "").startswith(stack + "-"):
            add("elbv2.target_groups", r["name"])
    for r in elb.get("listeners", []):
        if f"/{stack}-" in r.get("arn", ""):
            add("elbv2.listeners", f"{r.get('protocol')}:{r.get('port')}")
    for r in elb.get("rules", []):
        if f"/{stack}-" in r.get("arn", ""):
            add("elbv2.rules", str(r.get("priority")))

    for r in doc.get("iam", {}).get("roles", []):
        if _tag_id(r, stack) or f"/ecsdeploy/{stack}/" in r.get("id", ""):
            add("iam.roles", r["name"])
    for r in doc.get("logs", {}).get("log_groups", []):
        if r.get("name", "").startswith(f"/ecsdeploy/{stack}/"):
            add("logs.log_groups", r["name"])
    for r in doc.get("s3", {}).get("buckets", []):
        if r.get("id", "").startswith(stack + "-"):
            add("s3.buckets", r["id"])
    for r in doc.get("secretsmanager", {}).get("secrets", []):
        if r.get("name", "").startswith(stack + "/"):
            add("secretsmanager.secrets",
                r["name"] + (" (scheduled for deletion)" if r.get("scheduled_for_deletion") else ""))

    sd = doc.get("servicediscovery", {})
    namespaces = set()
    for r in sd.get("namespaces", []):
        if r.get("name") == f"{stack}.internal":
            namespaces.add(r["id"])
            add("servicediscovery.namespaces", r["name"])
    for r in sd.get("services", []):
        if r.get("namespace") in namespaces:
            add("servicediscovery.services", r["name"])

    return {k: sorted(v) for k, v in sorted(inv.items())}


def converge_and_down(rep, fake, stack_file, stack, tag):
    """After a failed or stopped `up`: the next `up` converges, a plan after it finds
    nothing to do, and `down --yes --purge` leaves nothing of the stack (four checks).
    Returns what down left (by inventory)."""
    rc, out, err = run(fake, stack_file, "up")
    rep.eq(rc, 0, f"{tag}: the next up converges ({err.strip()[-600:]})")
    rc, out, err = run(fake, stack_file, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"{tag}: then plan finds nothing to do ({out.strip()[-1500:]})")
    rc, out, err = run(fake, stack_file, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"{tag}: down ({err.strip()[-600:]})")
    left = inventory(resources(fake), stack)
    rep.eq(left, {}, f"{tag}: what down left")
    return left


def first_up_refused(rep, fake, stack_file, stack, skip=0):
    """A first `up` whose CreateService AWS refuses (after `skip` that succeed), with one
    try a call: it exits 3 and leaves nothing of the stack but the task definitions it
    deregistered (AWS keeps them listed, INACTIVE). Two checks."""
    rule = {"service": "ecs", "operation": "CreateService", "action": "error",
            "code": "AccessDeniedException", "message": "refused by the test"}
    set_faults(fake, [dict(rule, skip=skip)] if skip else [rule])
    rc, out, err = run(fake, stack_file, "up", env={"AWS_MAX_ATTEMPTS": "1"})
    set_faults(fake, [])
    rep.eq(rc, 3, f"a first up failing at CreateService exits 3 ({err.strip()[-600:]})")
    left = inventory(resources(fake), stack)
    left.pop("ecs.taskDefinitions", None)
    rep.eq(left, {}, "nothing of the stack is left")


def diff(got, want):
    """A readable difference of two inventories, or '' when they are equal."""
    lines = []
    for kind in sorted(set(got) | set(want)):
        g, w = got.get(kind, []), want.get(kind, [])
        if g != w:
            extra = list(g)
            for x in w:
                if x in extra:
                    extra.remove(x)
            missing = list(w)
            for x in g:
                if x in missing:
                    missing.remove(x)
            lines.append(f"  {kind}: extra {extra}, missing {missing}")
    return "\n".join(lines)


def services_of(doc, stack):
    """{service name: task definition ARN} of the stack's active services."""
    return {r["id"]: r.get("taskDefinition") for r in doc.get("ecs", {}).get("services", [])
            if r.get("cluster") == stack and r.get("status") == "ACTIVE"}


def task_defs_of(doc, stack):
    """{"FAMILY:REV": status} of the stack's task definitions the fake lists."""
    return {r["id"]: r.get("status") for r in doc.get("ecs", {}).get("taskDefinitions", [])
            if r.get("id", "").startswith(stack + "-")}


def set_faults(fake, rules):
    status, doc = fake.control("POST", "/_fake/faults", {"rules": rules})
    if status != 200:
        raise RuntimeError(f"POST /_fake/faults answered {status}: {doc}")


def held(fake):
    """How many calls the fake holds now (fault action "hold")."""
    return fake.control("GET", "/_fake/faults")[1].get("held", 0)


def wait_held(fake, proc, timeout=60):
    """Until the fake holds a call while proc is alive: True, or False when proc ended
    first (or nothing was held within timeout)."""
    end = time.time() + timeout
    while time.time() < end:
        if held(fake) >= 1:
            return proc.poll() is None
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def release(fake):
    """New (empty) fault rules let every held call go; wait until none is left waiting."""
    set_faults(fake, [])
    for _ in range(500):
        if held(fake) == 0:
            return
        time.sleep(0.01)


def changed_stack_yaml(name):
    """STACK_YAML changed: the app on a new image (a new task definition revision and a
    service update), a second load balancer with a new service behind it, one more secret;
    and updates in place: log retention, bucket versioning, the health check path, the
    catalog's ingress rules."""
    admin = ("  admin:\n    image: nginx:1.27\n    cpu: 256\n    memory: 512\n    port: 8081\n"
             "    load_balancer: { name: admin }\n")
    s = stack_yaml(name, image="nginx:1.28", extra=admin)
    edits = [("  public: { listeners: [ { port: 80 } ] }\n",
              "  public: { listeners: [ { port: 80 } ] }\n  admin: { listeners: [ { port: 80 } ] }\n"),
             ("  quack-token:", "  extra: { generate: { length: 20 } }\n  quack-token:"),
             ("logs: { retention_days: 30 }", "logs: { retention_days: 14 }"),
             ("  data: { keep: true }", "  data: { keep: true, versioning: true }"),
             ("health_check: { path: /healthz }", "health_check: { path: /ready }"),
             ("    allow_from: [app]", "    allow_from: [app, admin]")]
    for old, new in edits:
        if old not in s:
            raise ValueError(f"changed_stack_yaml: {old!r} is not in the stack")
        s = s.replace(old, new, 1)
    return s


def write_stacks(name):
    """The stack file and its changed version in a temporary folder removed at exit;
    returns (base, changed) paths."""
    import atexit
    import shutil
    import tempfile
    work = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, work, True)
    base = os.path.join(work, "base.yml")
    changed = os.path.join(work, "changed.yml")
    with open(base, "w") as f:
        f.write(stack_yaml(name))
    with open(changed, "w") as f:
        f.write(changed_stack_yaml(name))
    return base, changed
