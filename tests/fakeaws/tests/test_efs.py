#!/usr/bin/python3
"""EFS of the fake, driven through its handlers (no server; a manual clock): file
system, mount target and access point lifecycles, idempotency tokens, every refusal,
policies, tags, pagination, the network interfaces mount targets make, and the mount
check ECS makes at task start (mount_failure)."""

import json
import sys

from test_net_common import Net, expect, run_tests

SERVICES = ("ec2", "efs", "kms", "iam")


def setup():
    n = Net(services=SERVICES)
    vid, _ = n.vpc()
    subs = [n.subnet(vid, f"10.0.{i}.0/24", f"us-east-1{z}") for i, z in enumerate("ab")]
    return n, vid, subs


def make_fs(n, token="tok-1", **kw):
    fs = n.call("efs", "CreateFileSystem", CreationToken=token, **kw)
    n.wait(10)
    return fs["FileSystemId"]


def fs_state(n, fid):
    return n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["LifeCycleState"]


def mt_state(n, mid):
    return n.call("efs", "DescribeMountTargets", MountTargetId=mid)["MountTargets"][0]["LifeCycleState"]


def test_file_system_lifecycle_and_token():
    n, _, _ = setup()
    fs = n.call("efs", "CreateFileSystem", CreationToken="tok-1", Encrypted=True,
                ThroughputMode="elastic", Tags=[{"Key": "Name", "Value": "data"}])
    fid = fs["FileSystemId"]
    expect(fs["LifeCycleState"] == "creating" and fs["Name"] == "data" and fs["NumberOfMountTargets"] == 0)
    expect(fs["FileSystemArn"].endswith(":file-system/" + fid) and fs["PerformanceMode"] == "generalPurpose")
    key = n.kms.DescribeKey({"KeyId": "alias/aws/elasticfilesystem"}, _ctx(n))["KeyMetadata"]
    expect(fs["KmsKeyId"] == key["Arn"] and key["KeyManager"] == "AWS", "the AWS managed key by default")
    e = n.fails("FileSystemAlreadyExists", "efs", "CreateFileSystem", CreationToken="tok-1")
    expect(e.extra == {"FileSystemId": fid}, "the existing id comes with the refusal")
    n.wait(9.9)
    expect(fs_state(n, fid) == "creating")
    n.wait(0.2)
    expect(fs_state(n, fid) == "available")
    by_token = n.call("efs", "DescribeFileSystems", CreationToken="tok-1")["FileSystems"]
    expect([f["FileSystemId"] for f in by_token] == [fid])
    n.fails("FileSystemNotFound", "efs", "DescribeFileSystems", CreationToken="other")
    n.call("efs", "DeleteFileSystem", FileSystemId=fid)
    expect(fs_state(n, fid) == "deleting")
    n.fails("FileSystemAlreadyExists", "efs", "CreateFileSystem", CreationToken="tok-1")
    n.wait(10)
    n.fails("FileSystemNotFound", "efs", "DescribeFileSystems", FileSystemId=fid)
    again = n.call("efs", "CreateFileSystem", CreationToken="tok-1")["FileSystemId"]
    expect(again != fid, "a token is free again once its file system is gone")


def test_file_system_refusals():
    n, _, _ = setup()
    n.fails("BadRequest", "efs", "CreateFileSystem", CreationToken="a", ThroughputMode="provisioned")
    n.fails("BadRequest", "efs", "CreateFileSystem", CreationToken="a", ProvisionedThroughputInMibps=10.0)
    n.fails("BadRequest", "efs", "CreateFileSystem", CreationToken="a", PerformanceMode="maxIO",
            ThroughputMode="elastic")
    n.fails("BadRequest", "efs", "CreateFileSystem", CreationToken="a", KmsKeyId="alias/mine")
    n.fails("BadRequest", "efs", "CreateFileSystem", CreationToken="a", Encrypted=True,
            KmsKeyId="alias/missing")
    n.fails("UnsupportedAvailabilityZone", "efs", "CreateFileSystem", CreationToken="a",
            AvailabilityZoneName="eu-west-1a")
    kid = n.kms.CreateKey({}, _ctx(n))["KeyMetadata"]["Arn"]
    fs = n.call("efs", "CreateFileSystem", CreationToken="b", Encrypted=True, KmsKeyId=kid,
                ThroughputMode="provisioned", ProvisionedThroughputInMibps=64.0)
    expect(fs["KmsKeyId"] == kid and fs["ProvisionedThroughputInMibps"] == 64.0)
    n.fails("FileSystemNotFound", "efs", "DescribeFileSystems", FileSystemId="fs-0123456789abcdef0")
    n.fails("BadRequest", "efs", "DescribeFileSystems", FileSystemId=fs["FileSystemId"], CreationToken="b")
    n.fails("IncorrectFileSystemLifeCycleState", "efs", "PutFileSystemPolicy",
            FileSystemId=fs["FileSystemId"], Policy="{}")


def test_update_throughput():
    n, _, _ = setup()
    fid = make_fs(n, ThroughputMode="bursting")
    out = n.call("efs", "UpdateFileSystem", FileSystemId=fid, ThroughputMode="elastic")
    expect(out["ThroughputMode"] == "elastic" and out["LifeCycleState"] == "updating")
    n.fails("IncorrectFileSystemLifeCycleState", "efs", "UpdateFileSystem", FileSystemId=fid,
            ThroughputMode="bursting")
    n.wait(5)
    expect(fs_state(n, fid) == "available")
    n.fails("TooManyRequests", "efs", "UpdateFileSystem", FileSystemId=fid, ThroughputMode="bursting")
    n.fails("BadRequest", "efs", "UpdateFileSystem", FileSystemId=fid, ThroughputMode="elastic")
    n.fails("BadRequest", "efs", "UpdateFileSystem", FileSystemId=fid, ProvisionedThroughputInMibps=8.0)
    n.wait(24 * 3600)
    n.fails("BadRequest", "efs", "UpdateFileSystem", FileSystemId=fid, ThroughputMode="provisioned")
    out = n.call("efs", "UpdateFileSystem", FileSystemId=fid, ThroughputMode="provisioned",
                 ProvisionedThroughputInMibps=64.0)
    expect(out["ProvisionedThroughputInMibps"] == 64.0)
    n.wait(5)
    expect(n.call("efs", "UpdateFileSystem", FileSystemId=fid, ProvisionedThroughputInMibps=128.0)
           ["ProvisionedThroughputInMibps"] == 128.0, "an increase any time")
    n.wait(5)
    n.fails("TooManyRequests", "efs", "UpdateFileSystem", FileSystemId=fid, ProvisionedThroughputInMibps=32.0)
    io = make_fs(n, token="io", PerformanceMode="maxIO")
    n.fails("BadRequest", "efs", "UpdateFileSystem", FileSystemId=io, ThroughputMode="elastic")


def test_describe_pages():
    n, _, _ = setup()
    ids = [n.call("efs", "CreateFileSystem", CreationToken=f"t{i}")["FileSystemId"] for i in range(5)]
    seen = [f["FileSystemId"] for f in n.pages("efs", "DescribeFileSystems", "FileSystems", "Marker",
                                                "NextMarker", MaxItems=2)]
    expect(sorted(seen) == sorted(ids), seen)
    n.fails("BadRequest", "efs", "DescribeFileSystems", Marker="not-a-marker")


def test_mount_targets_per_zone_and_in_use():
    n, vid, (a, b) = setup()
    fid = make_fs(n)
    mt = n.call("efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a)
    mid = mt["MountTargetId"]
    expect(mt["LifeCycleState"] == "creating" and mt["AvailabilityZoneName"] == "us-east-1a"
           and mt["VpcId"] == vid)
    eni = n.call("ec2", "DescribeNetworkInterfaces",
                 NetworkInterfaceIds=[mt["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    expect(eni["PrivateIpAddress"] == mt["IpAddress"] and fid in eni["Description"])
    default_sg = eni["Groups"][0]["GroupId"]
    expect(n.call("efs", "DescribeMountTargetSecurityGroups", MountTargetId=mid)["SecurityGroups"]
           == [default_sg], "no groups given: the VPC's default group")
    n.fails("MountTargetConflict", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a)
    other, _ = n.vpc("10.9.0.0/16")
    c = n.subnet(other, "10.9.1.0/24", "us-east-1c")
    n.fails("MountTargetConflict", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=c)
    n.fails("SubnetNotFound", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId="subnet-0123456789abcdef0")
    foreign = n.sg(other, "foreign")
    n.fails("SecurityGroupNotFound", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=b,
            SecurityGroups=[foreign])
    n.fails("SecurityGroupNotFound", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=b,
            SecurityGroups=["sg-0123456789abcdef0"])
    n.fails("BadRequest", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=b, IpAddress="10.0.0.9")
    n.fails("IpAddressInUse", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=b,
            IpAddress=_ip_in_use(n, b))
    nfs = n.sg(vid, "nfs")
    mt_b = n.call("efs", "CreateMountTarget", FileSystemId=fid, SubnetId=b, SecurityGroups=[nfs],
                  IpAddress="10.0.1.50")
    expect(mt_b["IpAddress"] == "10.0.1.50")
    expect(n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["NumberOfMountTargets"] == 2)
    n.fails("IncorrectMountTargetState", "efs", "ModifyMountTargetSecurityGroups", MountTargetId=mid,
            SecurityGroups=[nfs])
    n.wait(89)
    expect(mt_state(n, mid) == "creating")
    n.wait(1)
    expect(mt_state(n, mid) == "available")
    n.call("efs", "ModifyMountTargetSecurityGroups", MountTargetId=mid, SecurityGroups=[nfs])
    expect(n.call("efs", "DescribeMountTargetSecurityGroups", MountTargetId=mid)["SecurityGroups"] == [nfs])
    eni = n.call("ec2", "DescribeNetworkInterfaces",
                 NetworkInterfaceIds=[mt["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    expect([g["GroupId"] for g in eni["Groups"]] == [nfs], "the interface carries the new groups")
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=nfs)
    n.fails("FileSystemInUse", "efs", "DeleteFileSystem", FileSystemId=fid)
    for m in (mid, mt_b["MountTargetId"]):
        n.call("efs", "DeleteMountTarget", MountTargetId=m)
    expect(mt_state(n, mid) == "deleting")
    n.fails("IncorrectMountTargetState", "efs", "DescribeMountTargetSecurityGroups", MountTargetId=mid)
    n.fails("FileSystemInUse", "efs", "DeleteFileSystem", FileSystemId=fid)
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=a)
    n.wait(60)
    n.fails("MountTargetNotFound", "efs", "DescribeMountTargets", MountTargetId=mid)
    n.call("ec2", "DeleteSecurityGroup", GroupId=nfs)
    n.call("ec2", "DeleteSubnet", SubnetId=a)
    n.call("efs", "DeleteFileSystem", FileSystemId=fid)


def _ip_in_use(n, subnet):
    eni = n.call("ec2", "DescribeNetworkInterfaces",
                 Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]
    if eni:
        return eni[0]["PrivateIpAddress"]
    made = n.world.svc("ec2").create_network_interface(subnet, [], "probe", "test")
    return made["PrivateIpAddress"]


def test_mount_target_needs_available_fs_and_describe_rules():
    n, _, (a, _) = setup()
    fid = n.call("efs", "CreateFileSystem", CreationToken="x")["FileSystemId"]
    n.fails("IncorrectFileSystemLifeCycleState", "efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a)
    n.wait(10)
    n.call("efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a)
    n.fails("BadRequest", "efs", "DescribeMountTargets")
    n.fails("FileSystemNotFound", "efs", "DescribeMountTargets", FileSystemId="fs-0123456789abcdef0")
    one = n.call("efs", "CreateFileSystem", CreationToken="one", AvailabilityZoneName="us-east-1b")
    expect(one["AvailabilityZoneName"] == "us-east-1b" and one["AvailabilityZoneId"] == "use1-az2")
    n.wait(10)
    n.fails("AvailabilityZonesMismatch", "efs", "CreateMountTarget", FileSystemId=one["FileSystemId"],
            SubnetId=a)


def test_access_points():
    n, _, _ = setup()
    fid = make_fs(n)
    ap = n.call("efs", "CreateAccessPoint", ClientToken="c-1", FileSystemId=fid,
                PosixUser={"Uid": 1000, "Gid": 1000, "SecondaryGids": [4]},
                RootDirectory={"Path": "/state", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000,
                                                                  "Permissions": "750"}},
                Tags=[{"Key": "Name", "Value": "state"}])
    aid = ap["AccessPointId"]
    expect(ap["LifeCycleState"] == "creating" and ap["Name"] == "state" and ap["ClientToken"] == "c-1")
    e = n.fails("AccessPointAlreadyExists", "efs", "CreateAccessPoint", ClientToken="c-1", FileSystemId=fid)
    expect(e.extra == {"AccessPointId": aid})
    plain = n.call("efs", "CreateAccessPoint", ClientToken="c-2", FileSystemId=fid)
    expect(plain["RootDirectory"] == {"Path": "/"} and "PosixUser" not in plain)
    n.wait(5)
    got = n.call("efs", "DescribeAccessPoints", AccessPointId=aid)["AccessPoints"][0]
    expect(got["LifeCycleState"] == "available" and got["PosixUser"]["SecondaryGids"] == [4])
    listed = n.call("efs", "DescribeAccessPoints", FileSystemId=fid, MaxResults=1)
    expect(len(listed["AccessPoints"]) == 1 and listed["NextToken"])
    rest = n.call("efs", "DescribeAccessPoints", FileSystemId=fid, NextToken=listed["NextToken"])
    expect(len(rest["AccessPoints"]) == 1 and "NextToken" not in rest)
    n.fails("BadRequest", "efs", "DescribeAccessPoints", FileSystemId=fid, AccessPointId=aid)
    n.fails("AccessPointNotFound", "efs", "DescribeAccessPoints", AccessPointId="fsap-0123456789abcdef0")
    expect(n.call("efs", "DescribeMountTargets", AccessPointId=aid)["MountTargets"] == [])
    n.call("efs", "DeleteAccessPoint", AccessPointId=plain["AccessPointId"])
    n.wait(2)
    n.fails("AccessPointNotFound", "efs", "DeleteAccessPoint", AccessPointId=plain["AccessPointId"])
    n.call("efs", "DeleteFileSystem", FileSystemId=fid)
    n.wait(10)
    n.fails("AccessPointNotFound", "efs", "DescribeAccessPoints", AccessPointId=aid)


def test_policies_lifecycle_backup():
    n, _, _ = setup()
    fid = make_fs(n)
    arn = n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["FileSystemArn"]
    n.fails("PolicyNotFound", "efs", "DescribeFileSystemPolicy", FileSystemId=fid)
    for bad in ("{not json", json.dumps({"Statement": []}),
                json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Principal": "*"}]}),
                json.dumps({"Statement": [{"Effect": "Allow", "Action": "elasticfilesystem:ClientMount"}]}),
                json.dumps({"Statement": [{"Effect": "Allow", "Action": "elasticfilesystem:ClientMount",
                                           "Principal": "*", "Resource": arn + "x"}]})):
        n.fails("InvalidPolicyException", "efs", "PutFileSystemPolicy", FileSystemId=fid, Policy=bad)
    pol = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount"],
        "Resource": arn, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})
    out = n.call("efs", "PutFileSystemPolicy", FileSystemId=fid, Policy=pol)
    expect(out == {"FileSystemId": fid, "Policy": pol})
    expect(n.call("efs", "DescribeFileSystemPolicy", FileSystemId=fid)["Policy"] == pol)
    n.call("efs", "DeleteFileSystemPolicy", FileSystemId=fid)
    n.fails("PolicyNotFound", "efs", "DescribeFileSystemPolicy", FileSystemId=fid)

    expect(n.call("efs", "DescribeLifecycleConfiguration", FileSystemId=fid)["LifecyclePolicies"] == [])
    n.fails("BadRequest", "efs", "PutLifecycleConfiguration", FileSystemId=fid,
            LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS", "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}])
    n.fails("BadRequest", "efs", "PutLifecycleConfiguration", FileSystemId=fid,
            LifecyclePolicies=[{"TransitionToArchive": "AFTER_90_DAYS"}])
    rules = [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
    n.call("efs", "PutLifecycleConfiguration", FileSystemId=fid, LifecyclePolicies=rules)
    expect(n.call("efs", "DescribeLifecycleConfiguration", FileSystemId=fid)["LifecyclePolicies"] == rules)

    n.fails("PolicyNotFound", "efs", "DescribeBackupPolicy", FileSystemId=fid)
    n.fails("ValidationException", "efs", "PutBackupPolicy", FileSystemId=fid, BackupPolicy={"Status": "ENABLING"})
    out = n.call("efs", "PutBackupPolicy", FileSystemId=fid, BackupPolicy={"Status": "ENABLED"})
    expect(out["BackupPolicy"]["Status"] == "ENABLING")
    n.wait(5)
    expect(n.call("efs", "DescribeBackupPolicy", FileSystemId=fid)["BackupPolicy"]["Status"] == "ENABLED")
    backed = n.call("efs", "CreateFileSystem", CreationToken="b", Backup=True)["FileSystemId"]
    expect(n.call("efs", "DescribeBackupPolicy", FileSystemId=backed)["BackupPolicy"]["Status"] == "ENABLED")


def test_tags():
    n, _, _ = setup()
    fid = make_fs(n, Tags=[{"Key": "a", "Value": "1"}])
    arn = n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["FileSystemArn"]
    n.call("efs", "TagResource", ResourceId=arn, Tags=[{"Key": "b", "Value": "2"}, {"Key": "Name", "Value": "n"}])
    tags = n.call("efs", "ListTagsForResource", ResourceId=fid)["Tags"]
    expect({t["Key"]: t["Value"] for t in tags} == {"a": "1", "b": "2", "Name": "n"})
    expect(n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["Name"] == "n")
    n.call("efs", "UntagResource", ResourceId=fid, TagKeys=["a", "missing"])
    expect(len(n.call("efs", "ListTagsForResource", ResourceId=fid)["Tags"]) == 2)
    n.fails("BadRequest", "efs", "TagResource", ResourceId=fid,
            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)])
    n.fails("FileSystemNotFound", "efs", "TagResource", ResourceId="fs-0123456789abcdef0", Tags=[])
    n.fails("AccessPointNotFound", "efs", "ListTagsForResource", ResourceId="fsap-0123456789abcdef0")
    n.fails("BadRequest", "efs", "CreateFileSystem", CreationToken="dup",
            Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])


def _task_eni(n, subnet, groups):
    return n.world.svc("ec2").create_network_interface(subnet, groups, "task", "ecs:task/t")


def test_mount_check_for_ecs():
    n, vid, (a, b) = setup()
    efs = n.world.svc("efs")
    fid = make_fs(n)
    cfg = {"fileSystemId": fid, "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}}
    role = _role(n, "task", ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"])
    app = n.sg(vid, "app")
    nfs = n.sg(vid, "nfs")
    task = _task_eni(n, a, [app])
    why = efs.mount_failure("us-east-1", cfg, task, role)
    expect("Failed to resolve" in why and f"{fid}.efs.us-east-1.amazonaws.com" in why, why)
    mid = n.call("efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a, SecurityGroups=[nfs])["MountTargetId"]
    expect("Failed to resolve" in efs.mount_failure("us-east-1", cfg, task, role), "creating: no DNS yet")
    n.wait(90)
    expect("Failed to resolve" in efs.mount_failure("us-east-1", cfg, _task_eni(n, b, [app]), role),
           "no mount target in zone b")
    n.call("ec2", "ModifyVpcAttribute", VpcId=vid, EnableDnsHostnames={"Value": False})
    expect("Failed to resolve" in efs.mount_failure("us-east-1", cfg, task, role), "DNS hostnames off")
    n.call("ec2", "ModifyVpcAttribute", VpcId=vid, EnableDnsHostnames={"Value": True})
    expect("Connection timed out" in efs.mount_failure("us-east-1", cfg, task, role),
           "the mount target's group admits nothing")
    n.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=nfs, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": app}]}])
    expect(efs.mount_failure("us-east-1", cfg, task, role) is None)
    # restricted egress: only 443 out of the task's group
    n.call("ec2", "RevokeSecurityGroupEgress", GroupId=app, IpPermissions=[{
        "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    n.call("ec2", "AuthorizeSecurityGroupEgress", GroupId=app, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    expect("Connection timed out" in efs.mount_failure("us-east-1", cfg, task, role))
    n.call("ec2", "AuthorizeSecurityGroupEgress", GroupId=app, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": nfs}]}])
    expect(efs.mount_failure("us-east-1", cfg, task, role) is None)
    expect("access denied" in efs.mount_failure("us-east-1", cfg, task, None), "IAM without a task role")
    # a file system policy: the role's own policy still lets it in, another role not
    arn = n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["FileSystemArn"]
    n.call("efs", "PutFileSystemPolicy", FileSystemId=fid, Policy=json.dumps({"Statement": [{
        "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:*", "Resource": arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    expect(efs.mount_failure("us-east-1", cfg, task, role) is None)
    other = _role(n, "other", ["s3:GetObject"])
    expect("access denied" in efs.mount_failure("us-east-1", cfg, task, other))
    plain = {"fileSystemId": fid}
    expect("access denied" in efs.mount_failure("us-east-1", plain, task, role),
           "no TLS: the policy's SecureTransport deny")
    # access points: the root directory exists once an access point with CreationInfo made it
    raw = {"fileSystemId": fid, "transitEncryption": "ENABLED", "rootDirectory": "/state"}
    n.call("efs", "DeleteFileSystemPolicy", FileSystemId=fid)
    expect("No such file or directory" in efs.mount_failure("us-east-1", raw, task, None))
    ap = n.call("efs", "CreateAccessPoint", ClientToken="ap", FileSystemId=fid,
                RootDirectory={"Path": "/state", "CreationInfo": {"OwnerUid": 1, "OwnerGid": 1,
                                                                  "Permissions": "755"}})["AccessPointId"]
    via_ap = dict(cfg, authorizationConfig={"iam": "ENABLED", "accessPointId": ap})
    expect("access denied" in efs.mount_failure("us-east-1", via_ap, task, role), "access point creating")
    n.wait(5)
    expect(efs.mount_failure("us-east-1", via_ap, task, role) is None)
    expect(efs.mount_failure("us-east-1", raw, task, None) is None, "the access point made /state")
    expect(mid and efs.mount_failure("eu-west-1", cfg, task, role).startswith("ResourceInitializationError"))


def test_mount_iam_judged_on_the_file_system_and_access_point():
    """With a file system policy in place, an IAM client gets in through its role's own
    policy only when it names this file system (and, with a condition, the access point
    it mounts through); a policy statement naming the account only hands the decision to
    the identity policies, as IAM does."""
    n, vid, (a, _) = setup()
    efs = n.world.svc("efs")
    fid = make_fs(n)
    other = make_fs(n, token="tok-2")
    arn = n.call("efs", "DescribeFileSystems", FileSystemId=fid)["FileSystems"][0]["FileSystemArn"]
    other_arn = n.call("efs", "DescribeFileSystems", FileSystemId=other)["FileSystems"][0]["FileSystemArn"]
    app, nfs = n.sg(vid, "app"), n.sg(vid, "nfs")
    n.call("efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a, SecurityGroups=[nfs])
    n.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=nfs, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": app}]}])
    ap = n.call("efs", "CreateAccessPoint", ClientToken="ap", FileSystemId=fid,
                RootDirectory={"Path": "/s", "CreationInfo": {"OwnerUid": 1, "OwnerGid": 1, "Permissions": "750"}})
    ap2 = n.call("efs", "CreateAccessPoint", ClientToken="ap2", FileSystemId=fid)
    n.wait(90)
    n.call("ec2", "ModifyVpcAttribute", VpcId=vid, EnableDnsHostnames={"Value": True})
    task = _task_eni(n, a, [app])
    via = {"fileSystemId": fid, "transitEncryption": "ENABLED",
           "authorizationConfig": {"iam": "ENABLED", "accessPointId": ap["AccessPointId"]}}
    n.call("efs", "PutFileSystemPolicy", FileSystemId=fid, Policy=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
         "Action": "elasticfilesystem:ClientMount", "Resource": arn},
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": arn,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    nothing = _role(n, "nothing", ["s3:GetObject"])
    expect("access denied" in efs.mount_failure("us-east-1", via, task, nothing),
           "the account as principal lets in no role by itself")
    elsewhere = _role_statement(n, "elsewhere", {"Effect": "Allow", "Action": "elasticfilesystem:ClientMount",
                                                  "Resource": other_arn})
    expect("access denied" in efs.mount_failure("us-east-1", via, task, elsewhere), "another file system's grant")
    cond = {"StringEquals": {"elasticfilesystem:AccessPointArn": ap["AccessPointArn"]}}
    exact = _role_statement(n, "exact", {"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount"],
                                         "Resource": arn, "Condition": cond})
    expect(efs.mount_failure("us-east-1", via, task, exact) is None, "the file system and its access point")
    by_other_ap = dict(via, authorizationConfig={"iam": "ENABLED", "accessPointId": ap2["AccessPointId"]})
    expect("access denied" in efs.mount_failure("us-east-1", by_other_ap, task, exact),
           "another access point of the same file system")
    plain = {"fileSystemId": fid, "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}}
    expect("access denied" in efs.mount_failure("us-east-1", plain, task, exact), "no access point: no key")
    iam = n.world.svc("iam")
    expect(not iam.role_allows(exact, "elasticfilesystem:ClientWrite", arn, {}), "ClientWrite was not granted")
    expect(iam.role_allows(exact, "elasticfilesystem:ClientMount"), "asked about the action alone, as before")


def _role_statement(n, name, statement):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    arn = n.call("iam", "CreateRole", RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    n.call("iam", "PutRolePolicy", RoleName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [statement]}))
    return arn


def test_resources_listing():
    n, _, (a, _) = setup()
    fid = make_fs(n)
    n.call("efs", "CreateMountTarget", FileSystemId=fid, SubnetId=a)
    n.call("efs", "CreateAccessPoint", ClientToken="t", FileSystemId=fid, PosixUser={"Uid": 1, "Gid": 2})
    res = n.world.svc("efs").resources()
    expect([f["id"] for f in res["file_systems"]] == [fid])
    expect(res["mount_targets"][0]["file_system"] == fid and res["mount_targets"][0]["state"] == "creating")
    expect(res["access_points"][0]["posix_user"] == {"Uid": 1, "Gid": 2})


def _role(n, name, actions):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    arn = n.call("iam", "CreateRole", RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    n.call("iam", "PutRolePolicy", RoleName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
    return arn


def _ctx(n):
    from fakeaws.core import RequestContext
    return RequestContext(n.world, "kms", "x", "us-east-1", "test", "r", "127.0.0.1:1")


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
