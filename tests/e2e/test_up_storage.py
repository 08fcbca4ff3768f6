#!/usr/bin/python3
"""EFS file systems and Parameter Store through the binary, against the fake: a stack like
dbward's (its state on EFS through an access point, its configuration a SecureString
parameter from a file, a String parameter in its environment, a generated one, one under a
customer KMS key, an existing parameter and an existing path).

1. `up` creates it: one encrypted file system with its TLS-only policy, a mount target in
   each private subnet behind the file system's group, the access point, the parameters
   tagged as the stack's; the file system's group admits NFS from the server's group only;
   the service starts only once the mount targets are available (progress lines say so;
   its first task mounts: none stopped); the task role and the execution role hold exactly
   the statements the README names.
2. A second `up` only reads and changes nothing.
3. An update: the configuration file's content and the String's value change, an access
   point is added and mounted read-only by a second volume, the throughput mode changes and
   the server's access point gets a new mode (a replacement, allowed: its files stay):
   `plan` shows each field, `up` writes new versions, updates the file system in place and
   rolls the service onto a revision with them, then no change. A performance mode change
   (replacing the kept file system) is refused before anything changes.
4. No SecureString value (from the file, the file's `value:`, the generator, the existing
   path) appears in any output of validate, plan, up --debug, status, in text or JSON.
5. `down` keeps the file system, its access points and the parameters; `down --purge`
   leaves nothing of the stack, and the existing parameters untouched.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "dbw"
CONFIG = 'state_dir = "/data"\n[auth]\nmode = "token"  # secret-config-7f3a91\n'
PASSWORD = "pw-VALUE-9c1e-never-shown"
TEAM_KEY = "team-key-VALUE-4d2b"
LEGACY_URL = "https://legacy.example.com/api"

STACK_YAML = """\
stack: {name}
network:
  vpc: {{ cidr: {cidr} }}
  zones: 2
  nat: single
file_systems:
  state:
{fs_settings}    access_points:
      server: {{ path: /server, uid: 10001, gid: 10001, permissions: "{mode}" }}
{more_aps}parameter_store:
  config: {{ from_file: {config} }}
  port: {{ type: String, value: "{port}" }}
  token: {{ generate: {{ length: 24 }} }}
  db-password: {{ value: "${{env:DBW_TEST_PASSWORD}}", kms_key: {key} }}
  legacy: {{ name: /shared/legacy-url, existing: true }}
  team: {{ path: /shared/team/, existing: true }}
services:
  server:
    image: example/dbward-server:2
    port: 3000
    subnets: private
    environment:
      PORT: "${{parameter_store.port.value}}"
      LEGACY_URL: "${{parameter_store.legacy.value}}"
    secrets:
      DBWARD_CONFIG: {{ parameter: config }}
      DBWARD_TOKEN: {{ parameter: token }}
      DB_PASSWORD: {{ parameter: db-password }}
      TEAM_KEY: {{ parameter: team/key }}
    volumes:
      - {{ path: /data, efs: {{ file_system: state, access_point: server }} }}
{more_volumes}    deployment: {{ min_healthy_percent: 0, max_percent: 100 }}
"""

BACKUP_AP = "      backup: { path: /backup, uid: 0, gid: 0 }\n"
BACKUP_VOLUME = "      - { path: /backup, efs: { file_system: state, access_point: backup, read_only: true } }\n"


def stack_text(name, config, key, port="3000", backup=False, cidr="10.70.0.0/16", fs_settings="", mode="750"):
    return STACK_YAML.format(name=name, cidr=cidr, config=config, key=key, port=port,
                             fs_settings=fs_settings, mode=mode,
                             more_aps=BACKUP_AP if backup else "",
                             more_volumes=BACKUP_VOLUME if backup else "")


def seed_account(fake):
    """What exists before the stack: a customer KMS key, an existing String parameter and
    a SecureString under an existing path. Returns the key's id."""
    kms, ssm = fake.client("kms"), fake.client("ssm")
    key = kms.create_key(Description="dbw test key")["KeyMetadata"]["KeyId"]
    ssm.put_parameter(Name="/shared/legacy-url", Value=LEGACY_URL, Type="String")
    ssm.put_parameter(Name="/shared/team/key", Value=TEAM_KEY, Type="SecureString")
    return key


def efs_of(doc, stack):
    """The stack's file systems (not being deleted), their mount targets and access points."""
    efs = doc.get("efs", {})
    fss = [f for f in efs.get("file_systems", []) if (f.get("tags") or {}).get("ecsdeploy:stack") == stack
           and f.get("state") not in ("deleting", "deleted")]
    ids = {f["id"] for f in fss}
    mts = [m for m in efs.get("mount_targets", []) if m["file_system"] in ids and m["state"] != "deleting"]
    aps = [a for a in efs.get("access_points", []) if (a.get("tags") or {}).get("ecsdeploy:stack") == stack
           and a.get("state") not in ("deleting", "deleted")]
    return fss, mts, aps


def params_of(doc, stack):
    return {p["name"]: p for p in doc.get("ssm", {}).get("parameters", [])
            if (p.get("tags") or {}).get("ecsdeploy:stack") == stack}


def role_policy(fake, role):
    doc = fake.client("iam").get_role_policy(RoleName=role, PolicyName="ecsdeploy")["PolicyDocument"]
    return json.loads(doc) if isinstance(doc, str) else doc


def events_of(out):
    evs = []
    for line in out.splitlines():
        try:
            evs.append(json.loads(line))
        except ValueError:
            pass
    return evs


def first_index(evs, pred):
    return next((i for i, e in enumerate(evs) if isinstance(e, dict) and pred(e)), None)


class Outputs:
    """Every output of every command, for the secrecy check."""

    def __init__(self):
        self.text = []

    def run(self, fake, path, *args, env=None):
        rc, out, err = sw.run(fake, path, *args, env=env, timeout=240)
        self.text.append(out + err)
        return rc, out, err


def check_created(rep, fake, outs, path, key):
    rc, out, err = outs.run(fake, path, "up", "--output", "json", env=ENV)
    if not rep.eq(rc, 0, f"the first up ({err.strip()[-800:]})"):
        return False
    evs = events_of(out)
    mounted = first_index(evs, lambda e: e.get("id") == "mount_target/state" and e.get("event") == "done")
    started = first_index(evs, lambda e: e.get("id") == "service/server" and e.get("event") == "start")
    rep.check(mounted is not None and started is not None and mounted < started,
              f"the service starts after its mount targets are available (events {mounted} < {started})")
    waits = [e.get("message", "") for e in evs if e.get("id") == "mount_target/state" and e.get("event") == "progress"]
    rep.check(any("mount targets to be available" in m for m in waits),
              f"progress lines say what the wait is for: {waits}")
    doc = sw.resources(fake)
    fss, mts, aps = efs_of(doc, STACK)
    rep.eq(len(fss), 1, "one file system")
    fs = fss[0] if fss else {}
    rep.check(fs.get("encrypted") and fs.get("policy"), f"encrypted, with a policy: {fs}")
    rep.eq(sorted(m["state"] for m in mts), ["available", "available"], "a mount target per zone, available")
    groups = {g for m in mts for g in m["security_groups"]}
    sgs = {g["id"]: g for g in doc["ec2"]["security_groups"]}
    rep.check(len(groups) == 1 and (sgs.get(next(iter(groups)), {}).get("tags") or {}).get("ecsdeploy:id") == "sg/efs-state",
              f"the mount targets are behind sg/efs-state: {groups}")
    server_sg = [g["id"] for g in doc["ec2"]["security_groups"]
                 if (g.get("tags") or {}).get("ecsdeploy:stack") == STACK
                 and (g.get("tags") or {}).get("ecsdeploy:id") == "sg/server"]
    ec2 = fake.client("ec2")
    perms = ec2.describe_security_groups(GroupIds=sorted(groups))["SecurityGroups"][0]["IpPermissions"] if groups else []
    rep.eq([(p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), [u["GroupId"] for u in p.get("UserIdGroupPairs", [])],
             p.get("IpRanges", []), p.get("Ipv6Ranges", [])) for p in perms],
           [("tcp", 2049, 2049, server_sg, [], [])], "the file system's group admits NFS from the server only")
    rep.eq([(a["root_directory"]["Path"], a["posix_user"]) for a in aps],
           [("/server", {"Uid": 10001, "Gid": 10001})], "the access point")
    params = params_of(doc, STACK)
    rep.eq(sorted(params), ["/dbw/config", "/dbw/db-password", "/dbw/port", "/dbw/token"],
           "the stack's parameters, tagged")
    rep.eq({n: (p["type"], p["version"]) for n, p in params.items()},
           {"/dbw/config": ("SecureString", 1), "/dbw/db-password": ("SecureString", 1),
            "/dbw/port": ("String", 1), "/dbw/token": ("SecureString", 1)}, "types, first versions")
    tasks = [t for t in doc["ecs"]["tasks"] if t.get("cluster") == STACK]
    rep.check(tasks and all(t.get("lastStatus") == "RUNNING" for t in tasks),
              f"the task mounted its file system and got its secrets: "
              f"{[(t.get('lastStatus'), t.get('stoppedReason')) for t in tasks]}")
    check_policies(rep, fake, doc, key, backup=False)
    return True


def arns(fake):
    efs, ssm, kms = fake.client("efs"), fake.client("ssm"), fake.client("kms")
    fs = [f for f in efs.describe_file_systems()["FileSystems"]
          if {t["Key"]: t["Value"] for t in f["Tags"]}.get("ecsdeploy:stack") == STACK][0]
    aps = {a["Name"].rsplit(".", 1)[-1]: a["AccessPointArn"]
           for a in efs.describe_access_points(FileSystemId=fs["FileSystemId"])["AccessPoints"]}
    p = lambda n: ssm.get_parameter(Name=n)["Parameter"]["ARN"]  # noqa: E731
    return fs["FileSystemArn"], aps, p


def check_policies(rep, fake, doc, key, backup):
    fs_arn, aps, p = arns(fake)
    statements = [{"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                   "Resource": fs_arn,
                   "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": aps["server"]}}}]
    if backup:
        statements.append({"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount"], "Resource": fs_arn,
                           "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": aps["backup"]}}})
    rep.eq(role_policy(fake, "dbw-server-task"), {"Version": "2012-10-17", "Statement": statements},
           "the task role: the client actions on this file system through its access points, nothing more")
    key_arn = fake.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    team = p("/shared/team/key").rsplit("/", 1)[0] + "/*"
    rep.eq(role_policy(fake, "dbw-server-exec"), {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ssm:GetParameters"],
         "Resource": [p("/dbw/config"), p("/dbw/token"), p("/dbw/db-password"), team]},
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [key_arn]}]},
        "the execution role: exactly those parameters (a path with /*) and the customer key")


def check_no_change(rep, fake, outs, path):
    seq = fake.last_seq()
    rc, out, err = outs.run(fake, path, "up", env=ENV)
    rep.eq(rc, 0, f"the second up ({err.strip()[-400:]})")
    rep.check("No changes" in out, f"the second up has nothing to do: {out[-400:]}")
    writes = sorted({c["operation"] for c in fake.calls(seq)
                     if not c["operation"].startswith(("Describe", "Get", "List"))})
    rep.eq(writes, [], "the second up only reads")


def check_update(rep, fake, outs, work, key):
    with open(os.path.join(work, "server.toml"), "w") as f:
        f.write(CONFIG.replace('"token"', '"oidc"'))
    path = os.path.join(work, "changed.yml")
    with open(path, "w") as f:
        f.write(stack_text(STACK, os.path.join(work, "server.toml"), key, port="3001", backup=True,
                           fs_settings="    throughput_mode: bursting\n", mode="770"))
    before = {a["root_directory"]["Path"]: a["id"] for a in efs_of(sw.resources(fake), STACK)[2]}
    rc, out, err = outs.run(fake, path, "plan", env=ENV)
    rep.eq(rc, 0, f"plan of the change ({err.strip()[-400:]})")
    for want in ("~   update   parameter/config", "content: not as in the stack file -> as in the stack file",
                 "~   update   parameter/port", "value: 3000 -> 3001", "+   create   access_point/state.backup",
                 "containerDefinitions[server].environment.PORT: 3000 -> 3001",
                 "~   update   role/task-server", "+ inline.ecsdeploy.Statement[1]",
                 "~   update   file_system/state", "throughput_mode: elastic -> bursting",
                 "-/+ replace  access_point/state.server", "permissions: 750 -> 770  (forces replacement)"):
        rep.check(want in out, f"plan shows {want!r}: {out[-1500:]}")
    rc, out, err = outs.run(fake, path, "up", "--debug", env=ENV)
    rep.eq(rc, 0, f"up of the change ({err.strip()[-800:]})")
    doc = sw.resources(fake)
    params = params_of(doc, STACK)
    rep.eq({n: p["version"] for n, p in params.items()},
           {"/dbw/config": 2, "/dbw/db-password": 1, "/dbw/port": 2, "/dbw/token": 1},
           "new versions of the changed values only")
    rep.eq(params["/dbw/port"].get("value"), "3001", "the String's new value")
    fss, _, aps = efs_of(doc, STACK)
    rep.eq(sorted(a["root_directory"]["Path"] for a in aps), ["/backup", "/server"], "the new access point")
    server = [a for a in aps if a["root_directory"]["Path"] == "/server"]
    rep.check(server and server[0]["id"] != before.get("/server")
              and server[0]["root_directory"].get("CreationInfo", {}).get("Permissions") == "770",
              f"the server's access point was replaced with the new mode: {server} (was {before})")
    rep.eq([f.get("throughput_mode") for f in fss], ["bursting"], "the throughput mode changed in place")
    td = fake.client("ecs").describe_task_definition(taskDefinition="dbw-server")["taskDefinition"]
    k = td["containerDefinitions"][0]
    rep.eq(td["revision"], 2, "the service runs a new revision")
    rep.eq(k["dockerLabels"].get("ecsdeploy.parameter-versions"), "config:2,token:1,db-password:1",
           "the versions its secrets come from")
    rep.eq({e["name"]: e["value"] for e in k["environment"]}, {"PORT": "3001", "LEGACY_URL": LEGACY_URL},
           "plain values read at deploy time")
    services = sw.services_of(doc, STACK)
    rep.check(services.get("server", "").endswith(":2"), f"the service is on revision 2: {services}")
    check_policies(rep, fake, doc, key, backup=True)
    check_no_change(rep, fake, outs, path)
    check_kept_replacement(rep, fake, outs, work, key)
    return path


def check_kept_replacement(rep, fake, outs, work, key):
    """A performance mode cannot change: replacing the kept file system (its files lost)
    is refused before anything changes."""
    path = os.path.join(work, "maxio.yml")
    with open(path, "w") as f:
        f.write(stack_text(STACK, os.path.join(work, "server.toml"), key, port="3001", backup=True, mode="770",
                           fs_settings="    throughput_mode: bursting\n    performance_mode: maxIO\n"))
    seq = fake.last_seq()
    rc, out, err = outs.run(fake, path, "up", "--yes", env=ENV)
    rep.eq(rc, 2, f"up refuses to replace the kept file system ({err.strip()[-400:]})")
    rep.check("file_system/state" in err and "performance_mode" in err and "--allow-replace" in err,
              f"and says which, and how: {err[-600:]}")
    writes = sorted({c["operation"] for c in fake.calls(seq)
                     if not c["operation"].startswith(("Describe", "Get", "List"))})
    rep.eq(writes, [], "nothing was changed")


def check_status(rep, fake, outs, path):
    rc, out, err = outs.run(fake, path, "status", env=ENV)
    rep.eq(rc, 0, f"status ({err.strip()[-300:]})")
    rep.check("state: available, 2 mount targets (us-east-1a available, us-east-1b available)" in out,
              f"status shows the file system and its mount targets per zone: {out}")
    rep.check("config: SecureString v2, port: String v2" in out, f"status shows parameter versions: {out}")
    rc, out, err = outs.run(fake, path, "status", "--output", "json", env=ENV)
    doc = json.loads(out) if rc == 0 else {}
    byid = {r["id"]: r for r in doc.get("resources", [])}
    rep.eq(byid.get("parameter/config", {}).get("version"), 2, "status --output json: the version")
    rep.eq([m["state"] for m in byid.get("file_system/state", {}).get("mount_targets", [])],
           ["available", "available"], "status --output json: mount targets")


def check_secrets_hidden(rep, fake, outs, path):
    outs.run(fake, path, "validate", "--output", "json", env=ENV)
    outs.run(fake, path, "plan", "--output", "json", env=ENV)
    token = fake.client("ssm").get_parameter(Name="/dbw/token", WithDecryption=True)["Parameter"]["Value"]
    everything = "\n".join(outs.text)
    for name, value in (("the configuration file", "secret-config-7f3a91"), ("value:", PASSWORD),
                        ("the generated value", token), ("the existing path's parameter", TEAM_KEY)):
        rep.check(value not in everything, f"{name}'s SecureString value appears in no output")
    rep.check("PutParameter" in everything and "GetParameters" in everything,
              "the --debug output was among them")


def check_down(rep, fake, outs, path):
    rc, out, err = outs.run(fake, path, "down", "--yes", env=ENV)
    rep.eq(rc, 0, f"down ({err.strip()[-400:]})")
    doc = sw.resources(fake)
    fss, mts, aps = efs_of(doc, STACK)
    rep.eq((len(fss), len(mts), len(aps)), (1, 0, 2), "down keeps the file system and its access points")
    rep.eq(len(params_of(doc, STACK)), 4, "down keeps the parameters")
    rep.check("file_system/state" in out and "down --purge" in out, f"down says what it kept: {out[-600:]}")
    rc, out, err = outs.run(fake, path, "down", "--yes", "--purge", env=ENV)
    rep.eq(rc, 0, f"down --purge ({err.strip()[-400:]})")
    doc = sw.resources(fake)
    fss, mts, aps = efs_of(doc, STACK)
    rep.eq((len(fss), len(mts), len(aps), len(params_of(doc, STACK))), (0, 0, 0, 0),
           "down --purge leaves no file system, mount target, access point or parameter")
    rep.eq(sw.inventory(doc, STACK), {}, "nor anything else of the stack")
    left = sorted(p["name"] for p in doc["ssm"]["parameters"])
    rep.eq(left, ["/shared/legacy-url", "/shared/team/key"], "the existing parameters are untouched")


ENV = {"DBW_TEST_PASSWORD": PASSWORD}


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    with open(os.path.join(work, "server.toml"), "w") as f:
        f.write(CONFIG)
    with sw.Fake() as fake:
        key = seed_account(fake)
        path = os.path.join(work, "dbw.yml")
        with open(path, "w") as f:
            f.write(stack_text(STACK, os.path.join(work, "server.toml"), key))
        outs = Outputs()
        if check_created(rep, fake, outs, path, key):
            check_no_change(rep, fake, outs, path)
            path = check_update(rep, fake, outs, work, key)
            check_status(rep, fake, outs, path)
            check_secrets_hidden(rep, fake, outs, path)
            check_down(rep, fake, outs, path)
    rep.finish()


if __name__ == "__main__":
    main()
