#!/usr/bin/python3
"""A tour with Debian's AWS CLI v2 through EFS (rest-json) and SSM Parameter Store: create,
describe, the refusals AWS gives, teardown. Each command must succeed or fail exactly as
listed, and the CLI must parse every answer (the fake answers 500 for any output its
model does not describe). The first command of each service runs as /usr/bin/aws in a
subprocess, the rest in this process (FAKEAWS_CLI_SUBPROCESS=1: all as /usr/bin/aws)."""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")
from fakelib import Cli, Fake, Report  # noqa: E402

SECRET = "tour-S3CR3T"


def tour():
    """(args with @placeholders from earlier answers, "ok" or an error code, check,
    what to remember from the answer: {name: function of the output})."""
    fs = "@fs"
    return [
        (["ec2", "create-vpc", "--cidr-block", "10.20.0.0/16"], "ok", None, {"vpc": lambda o: o["Vpc"]["VpcId"]}),
        (["ec2", "create-subnet", "--vpc-id", "@vpc", "--cidr-block", "10.20.1.0/24",
          "--availability-zone", "us-east-1a"], "ok", None, {"subnet": lambda o: o["Subnet"]["SubnetId"]}),
        (["ec2", "create-security-group", "--vpc-id", "@vpc", "--group-name", "nfs", "--description", "nfs"],
         "ok", None, {"sg": lambda o: o["GroupId"]}),
        # EFS
        (["efs", "create-file-system", "--creation-token", "tour-fs", "--encrypted", "--throughput-mode",
          "elastic", "--tags", "Key=Name,Value=tour"], "ok",
         lambda o: o["LifeCycleState"] == "creating" and o["Name"] == "tour", {"fs": lambda o: o["FileSystemId"]}),
        (["efs", "create-file-system", "--creation-token", "tour-fs"], "FileSystemAlreadyExists", None, None),
        ("until", ["efs", "describe-file-systems", "--file-system-id", fs],
         lambda o: o["FileSystems"][0]["LifeCycleState"] == "available"),
        (["efs", "describe-file-systems", "--file-system-id", fs], "ok",
         lambda o: o["FileSystems"][0]["LifeCycleState"] == "available" and o["FileSystems"][0]["Encrypted"], None),
        (["efs", "describe-file-systems", "--creation-token", "tour-fs"], "ok",
         lambda o: len(o["FileSystems"]) == 1, None),
        (["efs", "create-mount-target", "--file-system-id", fs, "--subnet-id", "@subnet",
          "--security-groups", "@sg"], "ok", lambda o: o["LifeCycleState"] == "creating",
         {"mt": lambda o: o["MountTargetId"]}),
        (["efs", "create-mount-target", "--file-system-id", fs, "--subnet-id", "@subnet"],
         "MountTargetConflict", None, None),
        (["efs", "create-mount-target", "--file-system-id", fs, "--subnet-id", "subnet-0123456789abcdef0"],
         "SubnetNotFound", None, None),
        (["efs", "describe-mount-targets", "--file-system-id", fs], "ok",
         lambda o: [m["SubnetId"] for m in o["MountTargets"]] != [], None),
        (["efs", "describe-mount-target-security-groups", "--mount-target-id", "@mt"], "ok",
         lambda o: len(o["SecurityGroups"]) == 1, None),
        (["efs", "create-access-point", "--file-system-id", fs, "--client-token", "tour-ap",
          "--posix-user", "Uid=1000,Gid=1000", "--root-directory",
          "Path=/state,CreationInfo={OwnerUid=1000,OwnerGid=1000,Permissions=750}"], "ok",
         lambda o: o["RootDirectory"]["Path"] == "/state", {"ap": lambda o: o["AccessPointId"]}),
        (["efs", "create-access-point", "--file-system-id", fs, "--client-token", "tour-ap"],
         "AccessPointAlreadyExists", None, None),
        (["efs", "describe-access-points", "--file-system-id", fs], "ok",
         lambda o: o["AccessPoints"][0]["PosixUser"]["Uid"] == 1000, None),
        (["efs", "put-file-system-policy", "--file-system-id", fs, "--policy", "{not json"],
         "InvalidPolicyException", None, None),
        (["efs", "put-file-system-policy", "--file-system-id", fs, "--policy", json.dumps({"Statement": [{
            "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})], "ok", lambda o: o["FileSystemId"], None),
        (["efs", "describe-file-system-policy", "--file-system-id", fs], "ok",
         lambda o: "SecureTransport" in o["Policy"], None),
        (["efs", "put-lifecycle-configuration", "--file-system-id", fs, "--lifecycle-policies",
          "TransitionToIA=AFTER_30_DAYS", "TransitionToPrimaryStorageClass=AFTER_1_ACCESS"], "ok",
         lambda o: len(o["LifecyclePolicies"]) == 2, None),
        (["efs", "describe-lifecycle-configuration", "--file-system-id", fs], "ok",
         lambda o: o["LifecyclePolicies"][0]["TransitionToIA"] == "AFTER_30_DAYS", None),
        (["efs", "describe-backup-policy", "--file-system-id", fs], "PolicyNotFound", None, None),
        (["efs", "put-backup-policy", "--file-system-id", fs, "--backup-policy", "Status=ENABLED"], "ok",
         lambda o: o["BackupPolicy"]["Status"] in ("ENABLING", "ENABLED"), None),
        (["efs", "tag-resource", "--resource-id", fs, "--tags", "Key=ecsdeploy:stack,Value=tour"], "ok", None, None),
        (["efs", "list-tags-for-resource", "--resource-id", fs], "ok",
         lambda o: {"Key": "ecsdeploy:stack", "Value": "tour"} in o["Tags"], None),
        (["efs", "delete-file-system", "--file-system-id", fs], "FileSystemInUse", None, None),
        (["efs", "delete-access-point", "--access-point-id", "@ap"], "ok", None, None),
        (["efs", "delete-mount-target", "--mount-target-id", "@mt"], "ok", None, None),
        (["ec2", "delete-security-group", "--group-id", "@sg"], "DependencyViolation", None, None),
        ("until", ["efs", "describe-mount-targets", "--file-system-id", fs], lambda o: not o["MountTargets"]),
        (["efs", "delete-file-system", "--file-system-id", fs], "ok", None, None),
        (["efs", "describe-file-systems", "--file-system-id", fs], "ok",
         lambda o: o["FileSystems"][0]["LifeCycleState"] == "deleting", None),
        (["ec2", "delete-security-group", "--group-id", "@sg"], "ok", None, None),
        # Parameter Store
        (["ssm", "put-parameter", "--name", "/tour/db", "--type", "SecureString", "--value", SECRET,
          "--tags", "Key=ecsdeploy:stack,Value=tour"], "ok", lambda o: o["Version"] == 1, None),
        (["ssm", "put-parameter", "--name", "/tour/db", "--type", "SecureString", "--value", "x"],
         "ParameterAlreadyExists", None, None),
        (["ssm", "put-parameter", "--name", "/tour/db", "--value", "x", "--overwrite", "--tags",
          "Key=a,Value=b"], "ValidationException", None, None),
        (["ssm", "put-parameter", "--name", "/tour/db", "--value", SECRET + "2", "--overwrite"], "ok",
         lambda o: o["Version"] == 2 and o["Tier"] == "Standard", None),
        (["ssm", "put-parameter", "--name", "/tour/port", "--type", "String", "--value", "8080"], "ok", None, None),
        (["ssm", "put-parameter", "--name", "/tour/big", "--type", "String", "--value", "x" * 5000],
         "ValidationException", None, None),
        (["ssm", "put-parameter", "--name", "awsy", "--type", "String", "--value", "x"], "ValidationException",
         None, None),
        (["ssm", "get-parameter", "--name", "/tour/db"], "ok",
         lambda o: o["Parameter"]["Value"] not in (SECRET, SECRET + "2"), None),
        (["ssm", "get-parameter", "--name", "/tour/db:1", "--with-decryption"], "ok",
         lambda o: o["Parameter"]["Value"] == SECRET and o["Parameter"]["Selector"] == ":1", None),
        (["ssm", "get-parameters", "--names", "/tour/db", "/tour/none", "--with-decryption"], "ok",
         lambda o: o["InvalidParameters"] == ["/tour/none"] and o["Parameters"][0]["Value"] == SECRET + "2", None),
        (["ssm", "get-parameters-by-path", "--path", "/tour", "--recursive"], "ok",
         lambda o: [p["Name"] for p in o["Parameters"]] == ["/tour/db", "/tour/port"], None),
        (["ssm", "describe-parameters", "--parameter-filters", "Key=tag:ecsdeploy:stack,Values=tour"], "ok",
         lambda o: [p["Name"] for p in o["Parameters"]] == ["/tour/db"]
         and o["Parameters"][0]["KeyId"] == "alias/aws/ssm", None),
        (["ssm", "label-parameter-version", "--name", "/tour/db", "--labels", "prod"], "ok",
         lambda o: o["ParameterVersion"] == 2, None),
        (["ssm", "get-parameter-history", "--name", "/tour/port"], "ok",
         lambda o: o["Parameters"][0]["Value"] == "8080", None),
        (["ssm", "add-tags-to-resource", "--resource-type", "Parameter", "--resource-id", "/tour/port",
          "--tags", "Key=k,Value=v"], "ok", None, None),
        (["ssm", "list-tags-for-resource", "--resource-type", "Parameter", "--resource-id", "/tour/port"], "ok",
         lambda o: o["TagList"] == [{"Key": "k", "Value": "v"}], None),
        (["ssm", "remove-tags-from-resource", "--resource-type", "Parameter", "--resource-id", "/tour/port",
          "--tag-keys", "k"], "ok", None, None),
        (["ssm", "get-parameter", "--name", "/tour/none"], "ParameterNotFound", None, None),
        (["ssm", "delete-parameters", "--names", "/tour/port", "/tour/none"], "ok",
         lambda o: o["InvalidParameters"] == ["/tour/none"], None),
        (["ssm", "delete-parameter", "--name", "/tour/db"], "ok", None, None),
        (["ssm", "delete-parameter", "--name", "/tour/db"], "ParameterNotFound", None, None),
    ]


def main():
    r = Report()
    # 0.05: the windows the tour looks into (a mount target deleting for 3 s) are wide
    with tempfile.TemporaryDirectory() as tmp, Fake(time_scale=0.05) as f:
        cli = Cli(f, tmp)
        state, seen = {}, set()
        for step in tour():
            if step[0] == "until":      # poll: lifecycles take (scaled) time
                args = [state.get(a[1:], a) if a.startswith("@") else a for a in step[1]]
                end = time.time() + 20
                while time.time() < end:
                    p = cli.run(args)
                    if p.returncode == 0 and step[2](json.loads(p.stdout)):
                        break
                    time.sleep(0.05)
                else:
                    r.check(False, f"timed out polling {args}")
                continue
            args, want, check, remember = step
            args = [state.get(a[1:], a) if a.startswith("@") else a for a in args]
            first = args[0] not in seen
            seen.add(args[0])
            p = cli.run(args, subprocess_=first or bool(os.environ.get("FAKEAWS_CLI_SUBPROCESS")))
            what = "aws " + " ".join(args[:4])
            out = r.cli_step(p, want, what, check)
            if want == "ok":
                if out is None:
                    continue
                for k, fn in (remember or {}).items():
                    state[k] = fn(out)
            r.check(SECRET not in p.stderr, f"{what}: no secret in an error")
        st, res = f.control("GET", "/_fake/resources")
        r.check(not res["efs"]["mount_targets"] and not res["efs"]["access_points"]
                and not res["ssm"]["parameters"], f"teardown: {res['efs']} {res['ssm']}")
    r.finish()


if __name__ == "__main__":
    main()
