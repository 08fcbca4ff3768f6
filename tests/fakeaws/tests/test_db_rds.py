#!/usr/bin/python3
"""RDS of the fake, driven through its handlers with a manual clock: subnet groups and
their refusals, the instance lifecycle (creating, backing-up, available, modifying,
deleting) read at exact times, the managed master secret, modifications applied now or
pending, deletion protection, final and automated snapshots, tags, paging, and the EC2
dependencies an instance holds."""

import json
import sys

from test_net_common import Net, expect, run_tests

SERVICES = ("ec2", "secretsmanager", "rds")


def setup(igw=False):
    n = Net(services=SERVICES)
    vid, _ = n.vpc(igw=igw)
    subs = [n.subnet(vid, "10.0.1.0/24", "us-east-1a"), n.subnet(vid, "10.0.2.0/24", "us-east-1b"),
            n.subnet(vid, "10.0.3.0/24", "us-east-1b")]
    sg = n.sg(vid, "db")
    return n, vid, subs, sg


def group(n, subs, name="app-db"):
    return n.call("rds", "CreateDBSubnetGroup", DBSubnetGroupName=name,
                  DBSubnetGroupDescription="app", SubnetIds=subs[:2],
                  Tags=[{"Key": "ecsdeploy:stack", "Value": "demo"}])["DBSubnetGroup"]


def create(n, sg, ident="appdb", **kw):
    req = dict(DBInstanceIdentifier=ident, DBInstanceClass="db.t3.micro", Engine="postgres",
               EngineVersion="16", AllocatedStorage=20, MasterUsername="app",
               ManageMasterUserPassword=True, DBSubnetGroupName="app-db",
               VpcSecurityGroupIds=[sg], StorageEncrypted=True, DBName="app",
               Tags=[{"Key": "ecsdeploy:stack", "Value": "demo"}])
    req.update(kw)
    req = {k: v for k, v in req.items() if v is not None}
    return n.call("rds", "CreateDBInstance", **req)["DBInstance"]


def describe(n, ident="appdb"):
    return n.call("rds", "DescribeDBInstances", DBInstanceIdentifier=ident)["DBInstances"][0]


def status(n, ident="appdb"):
    return describe(n, ident)["DBInstanceStatus"]


def test_subnet_group_rules():
    n, vid, subs, sg = setup()
    n.fails("DBSubnetGroupDoesNotCoverEnoughAZs", "rds", "CreateDBSubnetGroup",
            DBSubnetGroupName="one-zone", DBSubnetGroupDescription="x", SubnetIds=[subs[1], subs[2]])
    other, _ = n.vpc("10.9.0.0/16", igw=False)
    far = n.subnet(other, "10.9.1.0/24", "us-east-1c")
    n.fails("InvalidSubnet", "rds", "CreateDBSubnetGroup", DBSubnetGroupName="two-vpcs",
            DBSubnetGroupDescription="x", SubnetIds=[subs[0], far])
    n.fails("InvalidSubnet", "rds", "CreateDBSubnetGroup", DBSubnetGroupName="nope",
            DBSubnetGroupDescription="x", SubnetIds=[subs[0], "subnet-0123456789abcdef0"])
    n.fails("InvalidParameterValue", "rds", "CreateDBSubnetGroup", DBSubnetGroupName="default",
            DBSubnetGroupDescription="x", SubnetIds=subs[:2])
    n.fails("InvalidParameterValue", "rds", "CreateDBSubnetGroup", DBSubnetGroupName="9lives",
            DBSubnetGroupDescription="x", SubnetIds=subs[:2])
    g = n.call("rds", "CreateDBSubnetGroup", DBSubnetGroupName="App-DB",
               DBSubnetGroupDescription="app", SubnetIds=subs[:2])["DBSubnetGroup"]
    expect(g["DBSubnetGroupName"] == "app-db", g)            # stored in lower case
    expect(g["VpcId"] == vid and g["SubnetGroupStatus"] == "Complete", g)
    expect(sorted(s["SubnetAvailabilityZone"]["Name"] for s in g["Subnets"])
           == ["us-east-1a", "us-east-1b"], g)
    n.fails("DBSubnetGroupAlreadyExists", "rds", "CreateDBSubnetGroup", DBSubnetGroupName="app-db",
            DBSubnetGroupDescription="x", SubnetIds=subs[:2])
    got = n.call("rds", "DescribeDBSubnetGroups", DBSubnetGroupName="APP-db")["DBSubnetGroups"]
    expect([x["DBSubnetGroupName"] for x in got] == ["app-db"], got)
    n.fails("DBSubnetGroupNotFoundFault", "rds", "DescribeDBSubnetGroups", DBSubnetGroupName="other")
    m = n.call("rds", "ModifyDBSubnetGroup", DBSubnetGroupName="app-db",
               DBSubnetGroupDescription="wider", SubnetIds=subs)["DBSubnetGroup"]
    expect(m["DBSubnetGroupDescription"] == "wider" and len(m["Subnets"]) == 3, m)
    n.fails("DBSubnetGroupDoesNotCoverEnoughAZs", "rds", "ModifyDBSubnetGroup",
            DBSubnetGroupName="app-db", SubnetIds=[subs[0]])
    n.fails("DBSubnetGroupNotFoundFault", "rds", "ModifyDBSubnetGroup", DBSubnetGroupName="x",
            SubnetIds=subs)
    n.call("rds", "DeleteDBSubnetGroup", DBSubnetGroupName="app-db")
    n.fails("DBSubnetGroupNotFoundFault", "rds", "DeleteDBSubnetGroup", DBSubnetGroupName="app-db")


def test_subnet_group_paging():
    n, vid, subs, sg = setup()
    for k in range(23):
        n.call("rds", "CreateDBSubnetGroup", DBSubnetGroupName=f"g{k:02d}",
               DBSubnetGroupDescription="x", SubnetIds=subs[:2])
    n.fails("InvalidParameterValue", "rds", "DescribeDBSubnetGroups", MaxRecords=5)
    first = n.call("rds", "DescribeDBSubnetGroups", MaxRecords=20)
    expect(len(first["DBSubnetGroups"]) == 20 and first.get("Marker"), first.keys())
    rest = n.call("rds", "DescribeDBSubnetGroups", MaxRecords=20, Marker=first["Marker"])
    expect(len(rest["DBSubnetGroups"]) == 3 and "Marker" not in rest, rest.keys())
    n.fails("InvalidParameterValue", "rds", "DescribeDBSubnetGroups", Marker="garbage")


def test_instance_lifecycle_and_endpoint():
    n, vid, subs, sg = setup()
    group(n, subs)
    d = create(n, sg)
    expect(d["DBInstanceStatus"] == "creating" and "Endpoint" not in d, d)
    expect(d["DBInstanceIdentifier"] == "appdb" and d["EngineVersion"] == "16.8", d)
    expect(d["DBSubnetGroup"]["DBSubnetGroupName"] == "app-db", d)
    expect(d["VpcSecurityGroups"] == [{"VpcSecurityGroupId": sg, "Status": "active"}], d)
    expect(d["StorageEncrypted"] and d["KmsKeyId"].startswith("arn:aws:kms:"), d)
    expect(d["DBInstanceArn"] == "arn:aws:rds:us-east-1:000000000000:db:appdb", d)
    expect(d["TagList"] == [{"Key": "ecsdeploy:stack", "Value": "demo"}], d)
    expect(d["MasterUserSecret"]["SecretStatus"] == "creating", d)
    n.wait(299)
    expect(status(n) == "creating")
    n.wait(2)
    d = describe(n)
    expect(d["DBInstanceStatus"] == "backing-up", d)
    ep = d["Endpoint"]
    expect(ep["Port"] == 5432 and ep["HostedZoneId"] == "Z2R2ITUGPM61AM", ep)
    expect(ep["Address"].startswith("appdb.") and ep["Address"].endswith(".us-east-1.rds.amazonaws.com"), ep)
    snaps = n.call("rds", "DescribeDBSnapshots", DBInstanceIdentifier="appdb")["DBSnapshots"]
    expect(len(snaps) == 1 and snaps[0]["SnapshotType"] == "automated"
           and snaps[0]["Status"] == "creating" and snaps[0]["DBSnapshotIdentifier"].startswith("rds:appdb-"), snaps)
    n.wait(90)
    d = describe(n)
    expect(d["DBInstanceStatus"] == "available" and d["MasterUserSecret"]["SecretStatus"] == "active", d)
    snap = n.call("rds", "DescribeDBSnapshots", SnapshotType="automated")["DBSnapshots"][0]
    expect(snap["Status"] == "available", snap)
    n.fails("InvalidDBSnapshotState", "rds", "DeleteDBSnapshot",
            DBSnapshotIdentifier=snap["DBSnapshotIdentifier"])


def test_no_backups_multi_az_and_mysql():
    n, vid, subs, sg = setup()
    group(n, subs)
    create(n, sg, "nobackup", BackupRetentionPeriod=0)
    m = create(n, sg, "multi", MultiAZ=True, Engine="mysql", EngineVersion="8.0", DBName=None)
    expect(m["EngineVersion"] == "8.0.41" and m["MultiAZ"], m)
    n.wait(301)
    expect(status(n, "nobackup") == "available")                   # no backing-up
    expect(n.call("rds", "DescribeDBSnapshots", DBInstanceIdentifier="nobackup")["DBSnapshots"] == [])
    expect(status(n, "multi") == "creating")                       # a standby takes longer
    n.wait(120)
    d = describe(n, "multi")
    expect(d["DBInstanceStatus"] == "backing-up" and d["Endpoint"]["Port"] == 3306, d)
    expect(d["SecondaryAvailabilityZone"] != d["AvailabilityZone"], d)
    enis = [e for e in n.call("ec2", "DescribeNetworkInterfaces")["NetworkInterfaces"]
            if e["Description"] == "RDSNetworkInterface"]
    expect(len(enis) == 3, enis)                                   # one, and two for Multi-AZ


def test_create_refusals():
    n, vid, subs, sg = setup()
    group(n, subs)
    other, _ = n.vpc("10.9.0.0/16", igw=False)
    far_sg = n.sg(other, "far")
    bad = [
        ("InvalidParameterValue", dict(DBInstanceIdentifier="1db")),
        ("InvalidParameterValue", dict(DBInstanceIdentifier="a--b")),
        ("InvalidParameterValue", dict(Engine="oracle-se2")),
        ("InvalidParameterCombination", dict(EngineVersion="14.1")),
        ("InvalidParameterCombination", dict(DBInstanceClass="db.x9.huge")),
        ("InvalidParameterValue", dict(AllocatedStorage=10)),
        ("InvalidParameterValue", dict(AllocatedStorage=None)),
        ("InvalidParameterCombination", dict(MasterUserPassword="s3cret-password")),
        ("InvalidParameterValue", dict(ManageMasterUserPassword=None)),
        ("InvalidParameterValue", dict(ManageMasterUserPassword=None, MasterUserPassword="short")),
        ("InvalidParameterValue", dict(ManageMasterUserPassword=None, MasterUserPassword="has@at-sign")),
        ("InvalidParameterValue", dict(MasterUsername="rdsadmin")),
        ("InvalidParameterValue", dict(MasterUsername=None)),
        ("InvalidParameterValue", dict(VpcSecurityGroupIds=["sg-0123456789abcdef0"])),
        ("InvalidParameterCombination", dict(VpcSecurityGroupIds=[far_sg])),
        ("DBSubnetGroupNotFoundFault", dict(DBSubnetGroupName="missing")),
        ("InvalidParameterValue", dict(BackupRetentionPeriod=36)),
        ("InvalidParameterCombination", dict(MultiAZ=True, AvailabilityZone="us-east-1a")),
        ("InvalidVPCNetworkStateFault", dict(PubliclyAccessible=True)),      # no gateway
        ("InvalidParameterCombination", dict(StorageEncrypted=None, KmsKeyId="alias/x")),
        ("DBParameterGroupNotFound", dict(DBParameterGroupName="custom")),
        ("InvalidParameterValue", dict(StorageThroughput=500)),              # not modelled
    ]
    base = dict(DBInstanceIdentifier="appdb", DBInstanceClass="db.t3.micro", Engine="postgres",
                AllocatedStorage=20, MasterUsername="app", ManageMasterUserPassword=True,
                DBSubnetGroupName="app-db", VpcSecurityGroupIds=[sg], StorageEncrypted=True)
    for code, kw in bad:
        req = {k: v for k, v in {**base, **kw}.items() if v is not None}
        e = n.fails(code, "rds", "CreateDBInstance", **req)
        expect(e.message, kw)
    expect(n.call("rds", "DescribeDBInstances")["DBInstances"] == [])     # nothing half-made
    create(n, sg)
    n.fails("DBInstanceAlreadyExists", "rds", "CreateDBInstance", DBInstanceIdentifier="AppDB",
            DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
            MasterUsername="app", ManageMasterUserPassword=True)
    n.fails("DBInstanceNotFound", "rds", "DescribeDBInstances", DBInstanceIdentifier="nope")


def test_default_vpc_placement():
    n = Net(services=SERVICES)
    d = n.call("rds", "CreateDBInstance", DBInstanceIdentifier="plain", DBInstanceClass="db.t3.micro",
               Engine="postgres", AllocatedStorage=20, MasterUsername="app",
               MasterUserPassword="correct-horse-9")["DBInstance"]
    expect(d["DBSubnetGroup"]["DBSubnetGroupName"] == "default" and d["PubliclyAccessible"], d)
    expect("MasterUserSecret" not in d and "KmsKeyId" not in d, d)
    vpc = n.call("ec2", "DescribeVpcs", Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    expect(d["DBSubnetGroup"]["VpcId"] == vpc["VpcId"], d)
    default_sg = n.call("ec2", "DescribeSecurityGroups", Filters=[
        {"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}])
    expect(d["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
           == default_sg["SecurityGroups"][0]["GroupId"], d)


def test_managed_secret_follows_the_instance():
    n, vid, subs, sg = setup()
    group(n, subs)
    d = create(n, sg, MasterUserSecretKmsKeyId="alias/db-secrets")
    arn = d["MasterUserSecret"]["SecretArn"]
    expect(d["MasterUserSecret"]["KmsKeyId"].endswith(":alias/db-secrets"), d)
    sec = n.call("secretsmanager", "DescribeSecret", SecretId=arn)
    expect(sec["Name"].startswith("rds!db-") and sec["OwningService"] == "rds", sec)
    tags = {t["Key"]: t["Value"] for t in sec["Tags"]}
    expect(tags["aws:rds:primaryDBInstanceArn"] == d["DBInstanceArn"], tags)
    value = json.loads(n.call("secretsmanager", "GetSecretValue", SecretId=arn)["SecretString"])
    expect(value["username"] == "app" and len(value["password"]) >= 20
           and not set(value["password"]) & set("/@\" "), value)
    n.wait(400)
    old = value["password"]
    n.fails("InvalidParameterCombination", "rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
            RotateMasterUserPassword=True)
    n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", RotateMasterUserPassword=True,
           ApplyImmediately=True)
    new = json.loads(n.call("secretsmanager", "GetSecretValue", SecretId=arn)["SecretString"])
    expect(new["password"] != old, "rotated")
    n.wait(61)
    # Turning management off needs a password and deletes the secret.
    n.fails("InvalidParameterCombination", "rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
            ManageMasterUserPassword=False)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
               ManageMasterUserPassword=False, MasterUserPassword="correct-horse-9")["DBInstance"]
    expect("MasterUserSecret" not in m and m["PendingModifiedValues"].get("MasterUserPassword") == "****", m)
    n.fails("ResourceNotFoundException", "secretsmanager", "DescribeSecret", SecretId=arn)
    n.wait(61)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
               ManageMasterUserPassword=True)["DBInstance"]
    arn2 = m["MasterUserSecret"]["SecretArn"]
    expect(arn2 != arn, m)
    n.wait(61)
    n.call("rds", "DeleteDBInstance", DBInstanceIdentifier="appdb", SkipFinalSnapshot=True)
    n.fails("ResourceNotFoundException", "secretsmanager", "GetSecretValue", SecretId=arn2)


def test_modify_now_later_and_refusals():
    n, vid, subs, sg = setup()
    group(n, subs)
    create(n, sg)
    n.fails("InvalidDBInstanceState", "rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
            DeletionProtection=True)
    n.wait(391)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
               DeletionProtection=True)["DBInstance"]
    expect(m["DBInstanceStatus"] == "available" and m["DeletionProtection"], m)   # at once
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
               DBInstanceClass="db.t3.small", AllocatedStorage=21)["DBInstance"]
    expect(m["DBInstanceStatus"] == "available" and m["DBInstanceClass"] == "db.t3.micro", m)
    expect(m["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.small", "AllocatedStorage": 22}, m)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", MultiAZ=True,
               ApplyImmediately=True)["DBInstance"]
    expect(m["DBInstanceStatus"] == "modifying", m)
    expect(m["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.small", "AllocatedStorage": 22,
                                          "MultiAZ": True}, m)
    n.fails("InvalidDBInstanceState", "rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
            DeletionProtection=False)
    n.wait(241)
    d = describe(n)       # a storage change is optimised for a long while after
    expect(d["DBInstanceStatus"] == "storage-optimization" and d["DBInstanceClass"] == "db.t3.small"
           and d["AllocatedStorage"] == 22 and d["MultiAZ"] and d["PendingModifiedValues"] == {}, d)
    other = n.sg(vid, "db2")
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", VpcSecurityGroupIds=[other])["DBInstance"]
    expect(m["DBInstanceStatus"] == "modifying", m)                 # without ApplyImmediately
    expect(m["VpcSecurityGroups"][0]["VpcSecurityGroupId"] == other, m)
    n.call("ec2", "DeleteSecurityGroup", GroupId=sg)                 # no longer in use
    n.wait(61)
    for code, kw in [("InvalidParameterCombination", dict(AllocatedStorage=10)),
                     ("InvalidParameterCombination", dict(EngineVersion="15")),
                     ("InvalidParameterCombination", dict(EngineVersion="17")),
                     ("InvalidParameterValue", dict(VpcSecurityGroupIds=["sg-0123456789abcdef0"])),
                     ("InvalidParameterCombination", dict(MasterUserPassword="other-pass-1")),
                     ("InvalidParameterValue", dict(NewDBInstanceIdentifier="renamed"))]:
        n.fails(code, "rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", **kw)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", EngineVersion="17",
               AllowMajorVersionUpgrade=True, ApplyImmediately=True)["DBInstance"]
    expect(m["PendingModifiedValues"] == {"EngineVersion": "17.4"}, m)
    n.fails("DBInstanceNotFound", "rds", "ModifyDBInstance", DBInstanceIdentifier="nope",
            DeletionProtection=False)


def test_delete_protection_final_snapshot_and_dependencies():
    n, vid, subs, sg = setup()
    group(n, subs)
    create(n, sg, DeletionProtection=True, CopyTagsToSnapshot=True)
    n.fails("InvalidParameterCombination", "rds", "DeleteDBInstance", DBInstanceIdentifier="appdb",
            SkipFinalSnapshot=True)
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=sg)
    home = subs[0] if describe(n)["AvailabilityZone"] == "us-east-1a" else subs[1]
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=home)
    n.fails("InvalidDBSubnetGroupStateFault", "rds", "DeleteDBSubnetGroup", DBSubnetGroupName="app-db")
    n.wait(400)
    n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", DeletionProtection=False)
    n.fails("InvalidParameterCombination", "rds", "DeleteDBInstance", DBInstanceIdentifier="appdb")
    n.fails("InvalidParameterCombination", "rds", "DeleteDBInstance", DBInstanceIdentifier="appdb",
            SkipFinalSnapshot=True, FinalDBSnapshotIdentifier="final")
    d = n.call("rds", "DeleteDBInstance", DBInstanceIdentifier="appdb",
               FinalDBSnapshotIdentifier="appdb-final")["DBInstance"]
    expect(d["DBInstanceStatus"] == "deleting", d)
    n.fails("InvalidDBInstanceState", "rds", "DeleteDBInstance", DBInstanceIdentifier="appdb",
            SkipFinalSnapshot=True)
    snaps = n.call("rds", "DescribeDBSnapshots", DBInstanceIdentifier="appdb")["DBSnapshots"]
    expect([(s["DBSnapshotIdentifier"], s["Status"], s["SnapshotType"]) for s in snaps]
           == [("appdb-final", "creating", "manual")], snaps)        # the automated one is gone
    expect(snaps[0]["TagList"] == [{"Key": "ecsdeploy:stack", "Value": "demo"}], snaps)
    n.fails("InvalidDBSnapshotState", "rds", "DeleteDBSnapshot", DBSnapshotIdentifier="appdb-final")
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=sg)
    n.wait(299)
    expect(status(n) == "deleting")
    n.wait(2)
    n.fails("DBInstanceNotFound", "rds", "DescribeDBInstances", DBInstanceIdentifier="appdb")
    n.call("ec2", "DeleteSecurityGroup", GroupId=sg)
    n.call("rds", "DeleteDBSubnetGroup", DBSubnetGroupName="app-db")
    snap = n.call("rds", "DescribeDBSnapshots", DBSnapshotIdentifier="appdb-final")["DBSnapshots"][0]
    expect(snap["Status"] == "available" and snap["PercentProgress"] == 100, snap)
    res = n.world.svc("rds").resources()
    expect([s["id"] for s in res["db_snapshots"]] == ["appdb-final"] and res["db_instances"] == [], res)
    n.call("rds", "DeleteDBSnapshot", DBSnapshotIdentifier="appdb-final")
    n.fails("DBSnapshotNotFound", "rds", "DeleteDBSnapshot", DBSnapshotIdentifier="appdb-final")
    n.fails("DBSnapshotNotFound", "rds", "DescribeDBSnapshots", DBSnapshotIdentifier="appdb-final")


def test_delete_while_creating():
    n, vid, subs, sg = setup()
    group(n, subs)
    create(n, sg)
    n.fails("InvalidDBInstanceState", "rds", "DeleteDBInstance", DBInstanceIdentifier="appdb",
            FinalDBSnapshotIdentifier="never")
    d = n.call("rds", "DeleteDBInstance", DBInstanceIdentifier="appdb", SkipFinalSnapshot=True)["DBInstance"]
    expect(d["DBInstanceStatus"] == "deleting" and "Endpoint" not in d, d)
    n.wait(181)
    expect(n.call("rds", "DescribeDBInstances")["DBInstances"] == [])
    expect(n.call("rds", "DescribeDBSnapshots")["DBSnapshots"] == [])


def test_tags_and_filters():
    n, vid, subs, sg = setup()
    g = group(n, subs)
    d = create(n, sg)
    arn = d["DBInstanceArn"]
    n.call("rds", "AddTagsToResource", ResourceName=arn, Tags=[{"Key": "team", "Value": "core"}])
    tags = n.call("rds", "ListTagsForResource", ResourceName=arn)["TagList"]
    expect(tags == [{"Key": "ecsdeploy:stack", "Value": "demo"}, {"Key": "team", "Value": "core"}], tags)
    n.call("rds", "RemoveTagsFromResource", ResourceName=arn, TagKeys=["team"])
    expect(len(n.call("rds", "ListTagsForResource", ResourceName=arn)["TagList"]) == 1)
    gtags = n.call("rds", "ListTagsForResource", ResourceName=g["DBSubnetGroupArn"])["TagList"]
    expect(gtags == [{"Key": "ecsdeploy:stack", "Value": "demo"}], gtags)
    n.fails("DBInstanceNotFound", "rds", "ListTagsForResource",
            ResourceName="arn:aws:rds:us-east-1:000000000000:db:nope")
    n.fails("DBSubnetGroupNotFoundFault", "rds", "AddTagsToResource",
            ResourceName="arn:aws:rds:us-east-1:000000000000:subgrp:nope", Tags=[{"Key": "a", "Value": "b"}])
    n.fails("InvalidParameterValue", "rds", "AddTagsToResource", ResourceName=arn,
            Tags=[{"Key": "aws:x", "Value": "b"}])
    n.fails("InvalidParameterValue", "rds", "ListTagsForResource", ResourceName="not-an-arn")
    create(n, sg, "second", Engine="mysql", EngineVersion=None, DBName=None)
    by_engine = n.call("rds", "DescribeDBInstances", Filters=[{"Name": "engine", "Values": ["mysql"]}])
    expect([i["DBInstanceIdentifier"] for i in by_engine["DBInstances"]] == ["second"], by_engine)
    by_id = n.call("rds", "DescribeDBInstances", Filters=[{"Name": "db-instance-id", "Values": [arn]}])
    expect([i["DBInstanceIdentifier"] for i in by_id["DBInstances"]] == ["appdb"], by_id)
    n.fails("InvalidParameterValue", "rds", "DescribeDBInstances",
            Filters=[{"Name": "tag:ecsdeploy:stack", "Values": ["demo"]}])


def test_storage_optimization():
    n, vid, subs, sg = setup()
    group(n, subs)
    create(n, sg)
    n.wait(391)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", AllocatedStorage=30,
               ApplyImmediately=True)["DBInstance"]
    expect(m["DBInstanceStatus"] == "modifying", m)
    n.wait(241)
    expect(status(n) == "storage-optimization" and describe(n)["AllocatedStorage"] == 30, describe(n))
    n.fails("InvalidParameterCombination", "rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",
            AllocatedStorage=40, ApplyImmediately=True)
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb",      # other changes: yes
               DBInstanceClass="db.t3.small", DeletionProtection=True, ApplyImmediately=True)["DBInstance"]
    expect(m["DBInstanceStatus"] == "modifying" and m["DeletionProtection"], m)
    n.wait(241)
    expect(status(n) == "storage-optimization" and describe(n)["DBInstanceClass"] == "db.t3.small",
           describe(n))
    n.wait(1800)
    expect(status(n) == "available", describe(n))
    m = n.call("rds", "ModifyDBInstance", DBInstanceIdentifier="appdb", AllocatedStorage=40,
               ApplyImmediately=True)["DBInstance"]
    expect(m["DBInstanceStatus"] == "modifying", m)


def test_modify_subnet_group_in_use():
    n, vid, subs, sg = setup()
    group(n, subs)
    d = create(n, sg, AvailabilityZone="us-east-1a")
    expect(d["AvailabilityZone"] == "us-east-1a", d)
    third = n.subnet(vid, "10.0.4.0/24", "us-east-1c")
    n.fails("SubnetAlreadyInUse", "rds", "ModifyDBSubnetGroup", DBSubnetGroupName="app-db",
            SubnetIds=[subs[1], third])
    m = n.call("rds", "ModifyDBSubnetGroup", DBSubnetGroupName="app-db",
               SubnetIds=[subs[0], third])
    expect(len(m["DBSubnetGroup"]["Subnets"]) == 2, m)


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
