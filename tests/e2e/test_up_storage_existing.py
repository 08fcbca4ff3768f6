#!/usr/bin/python3
"""A file system the stack does not own (`file_systems.X.existing: fs-…`), against the fake.

The account already has a VPC with two private subnets, a file system with a mount target
in each behind a group of its own. The stack runs in that VPC, adds an access point on the
file system and mounts through it; the service reaches the mount targets' group with a
`reach` rule on 2049.

1. `up` makes no file system, mount target or file-system security group: only the access
   point; the task mounts (RUNNING); the task role holds the client actions on that file
   system through that access point, nothing more.
2. A second `up` only reads.
3. `down` (without --purge) deletes the access point the stack made and leaves the file
   system and its mount targets as they were.
4. A file system id that does not exist stops `up` before any change, naming it.
"""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402
import test_up_storage as st  # noqa: E402

STACK = "shr"

STACK_YAML = """\
stack: {name}
network:
  vpc: {{ id: {vpc}, private_subnets: [{s1}, {s2}] }}
file_systems:
  shared:
    existing: {fs}
    access_points:
      app: {{ path: /app, uid: 1000, gid: 1000 }}
services:
  app:
    image: example/app:1
    port: 8080
    subnets: private
    reach: [ {{ group: {nfs}, port: 2049 }} ]
    volumes:
      - {{ path: /data, efs: {{ file_system: shared, access_point: app }} }}
    deployment: {{ min_healthy_percent: 0, max_percent: 100 }}
"""


def seed_account(fake):
    """A VPC with DNS on, two private subnets, a file system with a mount target in each
    behind the group `nfs`. Returns (vpc, subnets, nfs group, file system id)."""
    ec2, efs = fake.client("ec2"), fake.client("efs")
    vpc = ec2.create_vpc(CidrBlock="10.73.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.73.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in ((1, "us-east-1a"), (2, "us-east-1b"))]
    nfs = ec2.create_security_group(GroupName="nfs", Description="mount targets", VpcId=vpc)["GroupId"]
    fs = efs.create_file_system(CreationToken="shared-data", Encrypted=True)["FileSystemId"]
    for _ in range(600):  # creating -> available (polled, bounded)
        if efs.describe_file_systems(FileSystemId=fs)["FileSystems"][0]["LifeCycleState"] == "available":
            break
        time.sleep(0.1)
    for subnet in subnets:
        efs.create_mount_target(FileSystemId=fs, SubnetId=subnet, SecurityGroups=[nfs])
    return vpc, subnets, nfs, fs


def wait_available(fake, fs):
    """The account's mount targets are ready before the stack comes (polled, bounded)."""
    efs = fake.client("efs")
    for _ in range(600):
        states = [m["LifeCycleState"] for m in efs.describe_mount_targets(FileSystemId=fs)["MountTargets"]]
        if states and all(s == "available" for s in states):
            return True
        time.sleep(0.1)
    return False


def writes_since(fake, seq):
    return sorted({c["operation"] for c in fake.calls(seq)
                   if not c["operation"].startswith(("Describe", "Get", "List"))})


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    with sw.Fake() as fake:
        vpc, subnets, nfs, fs = seed_account(fake)
        path = os.path.join(work, "shr.yml")
        with open(path, "w") as f:
            f.write(STACK_YAML.format(name=STACK, vpc=vpc, s1=subnets[0], s2=subnets[1], nfs=nfs, fs=fs))
        efs = fake.client("efs")
        rep.check(wait_available(fake, fs), "the account's mount targets are available")
        mts_before = sorted(m["MountTargetId"] for m in efs.describe_mount_targets(FileSystemId=fs)["MountTargets"])

        seq = fake.last_seq()
        rc, out, err = sw.run(fake, path, "up", timeout=240)
        rep.eq(rc, 0, f"up ({err.strip()[-800:]})")
        writes = writes_since(fake, seq)
        rep.check("CreateAccessPoint" in writes and "CreateFileSystem" not in writes
                  and "CreateMountTarget" not in writes and "PutFileSystemPolicy" not in writes,
                  f"only an access point is made on the file system: {writes}")
        doc = sw.resources(fake)
        groups = [(g.get("tags") or {}).get("ecsdeploy:id") for g in doc["ec2"]["security_groups"]
                  if (g.get("tags") or {}).get("ecsdeploy:stack") == STACK]
        rep.eq(sorted(groups), ["sg/app"], "no security group for the file system's mount targets")
        _, _, aps = st.efs_of(doc, STACK)
        rep.eq([(a["file_system"], a["root_directory"]["Path"]) for a in aps], [(fs, "/app")],
               "the access point, on the existing file system")
        tasks = [t for t in doc["ecs"]["tasks"] if t.get("cluster") == STACK]
        rep.check(tasks and all(t.get("lastStatus") == "RUNNING" for t in tasks),
                  f"the task mounted the file system: {[(t.get('lastStatus'), t.get('stoppedReason')) for t in tasks]}")
        fs_arn = efs.describe_file_systems(FileSystemId=fs)["FileSystems"][0]["FileSystemArn"]
        ap_arn = efs.describe_access_points(FileSystemId=fs)["AccessPoints"][0]["AccessPointArn"]
        doc_policy = fake.client("iam").get_role_policy(RoleName="shr-app-task", PolicyName="ecsdeploy")["PolicyDocument"]
        policy = json.loads(doc_policy) if isinstance(doc_policy, str) else doc_policy
        rep.eq(policy["Statement"], [{"Effect": "Allow",
                                      "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                                      "Resource": fs_arn,
                                      "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": ap_arn}}}],
               "the task role: the client actions on the existing file system through the access point")

        seq = fake.last_seq()
        rc, out, err = sw.run(fake, path, "up")
        rep.check(rc == 0 and "No changes" in out, f"a second up has nothing to do: {out[-300:]} {err[-300:]}")
        rep.eq(writes_since(fake, seq), [], "the second up only reads")

        rc, out, err = sw.run(fake, path, "down", "--yes", timeout=240)
        rep.eq(rc, 0, f"down ({err.strip()[-400:]})")
        rep.eq(efs.describe_access_points(FileSystemId=fs)["AccessPoints"], [],
               "down deletes the access point the stack made on the existing file system")
        left = efs.describe_file_systems(FileSystemId=fs)["FileSystems"]
        rep.eq([f["LifeCycleState"] for f in left], ["available"], "the existing file system stays")
        rep.eq(sorted(m["MountTargetId"] for m in efs.describe_mount_targets(FileSystemId=fs)["MountTargets"]),
               mts_before, "and its mount targets")
        rep.eq(sw.inventory(sw.resources(fake), STACK), {}, "nothing else of the stack is left")

        missing = os.path.join(work, "missing.yml")
        with open(missing, "w") as f:
            f.write(STACK_YAML.format(name=STACK, vpc=vpc, s1=subnets[0], s2=subnets[1], nfs=nfs,
                                      fs="fs-0000000000000000f"))
        seq = fake.last_seq()
        rc, out, err = sw.run(fake, missing, "up", "--yes")
        rep.check(rc != 0 and "fs-0000000000000000f" in err and "existing" in err,
                  f"a missing file system stops up, named ({rc}): {err.strip()[-400:]}")
        rep.eq(writes_since(fake, seq), [], "before any change")
    rep.finish()


if __name__ == "__main__":
    main()
