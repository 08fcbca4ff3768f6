#!/usr/bin/python3
"""EFS (rest-json) and SSM Parameter Store through the server with botocore clients:
HTTP statuses, labels with ARNs, query lists, error bodies and codes botocore reads
(FileSystemAlreadyExists carries the id), signatures and throttling on rest-json; and
ECS with both: a task mounting a file system fails to start as AWS says until its zone
has an available mount target it can reach, and Parameter Store secrets reach the
container (a missing one, or a role without ssm:GetParameters, fails the task)."""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fakelib import ECS_TASKS_TRUST, Fake, Report, client_error, sign_and_send  # noqa: E402

SECRET = "pg-S3CR3T-value"


def policy(*actions, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(actions), "Resource": resource}]})



def efs_wire(r, fake):
    efs = fake.client("efs")
    fs = efs.create_file_system(CreationToken="wire-1", Encrypted=True, Tags=[{"Key": "Name", "Value": "w"}])
    r.eq(fs["ResponseMetadata"]["HTTPStatusCode"], 201, "CreateFileSystem answers 201")
    fid = fs["FileSystemId"]
    err = client_error(lambda: efs.create_file_system(CreationToken="wire-1"))
    r.eq(err and err["Error"]["Code"], "FileSystemAlreadyExists", "same token")
    r.eq(err and err.get("FileSystemId"), fid, "the error body names the existing file system")
    r.eq(err and err["ResponseMetadata"]["HTTPStatusCode"], 409, "409 as the model says")
    err = client_error(lambda: efs.describe_file_systems(FileSystemId="fs-0123456789abcdef0"))
    r.eq(err and (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]), ("FileSystemNotFound", 404),
         "not found")
    err = client_error(lambda: efs.create_access_point(ClientToken="x", FileSystemId=fid,
                                                  RootDirectory={"Path": "/a/b/c/d/e"}))
    r.eq(err and err["Error"]["Code"], "ValidationException", "the model's path pattern")
    r.check(err and "rootDirectory.path" in err["Error"]["Message"], f"coral path: {err and err['Error']}")
    r.wait(lambda: efs.describe_file_systems(FileSystemId=fid)["FileSystems"][0]["LifeCycleState"] == "available",
         "file system available")
    arn = efs.describe_file_systems(FileSystemId=fid)["FileSystems"][0]["FileSystemArn"]
    efs.tag_resource(ResourceId=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    efs.untag_resource(ResourceId=arn, TagKeys=["a", "Name"])
    r.eq(efs.list_tags_for_resource(ResourceId=arn)["Tags"], [{"Key": "b", "Value": "2"}],
         "an ARN label and a tagKeys query list")
    deleted = efs.delete_access_point(AccessPointId=efs.create_access_point(
        ClientToken="y", FileSystemId=fid)["AccessPointId"])
    r.eq(deleted["ResponseMetadata"]["HTTPStatusCode"], 204, "DeleteAccessPoint answers 204")
    ids = [efs.create_file_system(CreationToken=f"page-{i}")["FileSystemId"] for i in range(3)]
    got = [f["FileSystemId"] for p in efs.get_paginator("describe_file_systems").paginate(
        PaginationConfig={"PageSize": 2}) for f in p["FileSystems"]]
    r.eq(sorted(got), sorted(ids + [fid]), "botocore's paginator follows NextMarker")
    # signatures and faults on rest-json
    status, hdrs, body = sign_and_send(fake.url, "elasticfilesystem", method="GET",
                                       path="/2015-02-01/file-systems", secret="wrong")
    r.eq((status, hdrs.get("x-amzn-errortype")), (403, "InvalidSignatureException"), "bad signature")
    status, _, body = sign_and_send(fake.url, "elasticfilesystem", method="GET", path="/2015-02-01/nothing-here")
    r.eq(status, 404, f"an unknown route: {body[:120]!r}")
    fake.control("POST", "/_fake/faults", {"rules": [{"service": "efs", "action": "throttle", "count": 1}]})
    err = client_error(lambda: efs.describe_file_systems())
    r.eq(err and (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]), ("ThrottlingException", 429),
         "throttling as EFS's model spells it")
    fake.control("POST", "/_fake/faults", {"rules": []})
    return fid


def ssm_wire(r, fake):
    ssm = fake.client("ssm")
    ssm.put_parameter(Name="/wire/db", Value=SECRET, Type="SecureString", Tags=[{"Key": "k", "Value": "v"}])
    ssm.put_parameter(Name="/wire/port", Value="8080", Type="String")
    err = client_error(lambda: ssm.put_parameter(Name="/wire/port", Value="1", Type="String"))
    r.eq(err and err["Error"]["Code"], "ParameterAlreadyExists", "exists")
    err = client_error(lambda: ssm.get_parameter(Name="/wire/none"))
    r.eq(err and err["Error"]["Code"], "ParameterNotFound", "not found")
    got = ssm.get_parameters(Names=["/wire/db", "/wire/none"], WithDecryption=True)
    r.eq([p["Value"] for p in got["Parameters"]], [SECRET], "decrypted")
    r.eq(got["InvalidParameters"], ["/wire/none"], "invalid names listed")
    names = [p["Name"] for page in ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/wire", PaginationConfig={"PageSize": 1}) for p in page["Parameters"]]
    r.eq(names, ["/wire/db", "/wire/port"], "paths through botocore's paginator")
    status, res = fake.control("GET", "/_fake/resources")
    r.check(status == 200 and SECRET not in json.dumps(res), "resources never show a SecureString value")
    r.eq([p["name"] for p in res["ssm"]["parameters"]], ["/wire/db", "/wire/port"], "parameters listed")


def ecs_with_storage(r, fake, fid):
    ec2, ecs, efs, iam, ssm = (fake.client(s) for s in ("ec2", "ecs", "efs", "iam", "ssm"))
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    for attr in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attr: {"Value": True}})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    nfs = ec2.create_security_group(GroupName="nfs", Description="nfs", VpcId=vpc)["GroupId"]
    ex = iam.create_role(RoleName="st-exec", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
    task_role = iam.create_role(RoleName="st-task", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
    iam.put_role_policy(RoleName="st-task", PolicyName="p", PolicyDocument=policy(
        "elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "ssmmessages:*"))
    ecs.create_cluster(clusterName="st")
    time.sleep(0.1)     # IAM propagation at this time scale
    ap = efs.create_access_point(ClientToken="st-ap", FileSystemId=fid, PosixUser={"Uid": 1000, "Gid": 1000},
                                 RootDirectory={"Path": "/state", "CreationInfo": {
                                     "OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"}})["AccessPointId"]
    net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [app]}}

    def td(family, volumes=(), secrets=()):
        return ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            executionRoleArn=ex, taskRoleArn=task_role, volumes=list(volumes),
            containerDefinitions=[{"name": "app", "image": "nginx:1", "secrets": list(secrets),
                                   "mountPoints": [{"sourceVolume": v["name"], "containerPath": "/data"}
                                                   for v in volumes]}])["taskDefinition"]

    def run(tdef):
        t = ecs.run_task(cluster="st", taskDefinition=tdef["taskDefinitionArn"], launchType="FARGATE",
                         networkConfiguration=net, enableExecuteCommand=True)["tasks"][0]["taskArn"]
        return r.wait(lambda: (lambda x: x["lastStatus"] in ("RUNNING", "STOPPED") and x)(
            ecs.describe_tasks(cluster="st", tasks=[t])["tasks"][0]), "task settled")

    def stops(tdef, reason, what):
        """A task of tdef stops at start, its stoppedReason saying `reason`."""
        stopped = run(tdef)
        r.check(stopped and reason in stopped.get("stoppedReason", ""),
                f"{what}: {stopped and stopped.get('stoppedReason')}")

    vol = {"name": "state", "efsVolumeConfiguration": {
        "fileSystemId": fid, "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": ap, "iam": "ENABLED"}}}
    for bad, what in (({"transitEncryption": "DISABLED"}, "IAM without TLS"),
                      ({"rootDirectory": "/x"}, "a root directory with an access point")):
        v = {"name": "state", "efsVolumeConfiguration": dict(vol["efsVolumeConfiguration"], **bad)}
        err = client_error(lambda: td("bad", [v]))
        r.eq(err and err["Error"]["Code"], "ClientException", f"RegisterTaskDefinition refuses {what}")
    tdef = td("efs", [vol])
    r.eq(tdef["volumes"][0]["efsVolumeConfiguration"]["rootDirectory"], "/", "ECS fills in the root directory")
    stopped = run(tdef)
    r.check(stopped and stopped["lastStatus"] == "STOPPED" and "Failed to resolve" in stopped["stoppedReason"]
            and stopped["stopCode"] == "TaskFailedToStart", f"no mount target: {stopped and stopped.get('stoppedReason')}")
    mt = efs.create_mount_target(FileSystemId=fid, SubnetId=subnet, SecurityGroups=[nfs])["MountTargetId"]
    r.wait(lambda: efs.describe_mount_targets(MountTargetId=mt)["MountTargets"][0]["LifeCycleState"] == "available",
         "mount target available")
    stops(tdef, "Connection timed out", "NFS not admitted")
    ec2.authorize_security_group_ingress(GroupId=nfs, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": app}]}])
    running = run(tdef)
    r.eq(running and running["lastStatus"], "RUNNING", "the task mounts its file system")
    # Parameter Store secrets
    ssm.put_parameter(Name="/st/db", Value=SECRET, Type="SecureString")
    from_ssm = [{"name": "DB_URL", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/st/db"}]
    missing = [{"name": "DB_URL", "valueFrom": "/st/none"}]
    stops(td("nossm", secrets=missing), "invalid ssm parameters: /st/none", "missing parameter")
    stops(td("denied", secrets=from_ssm), "not authorized to perform: ssm:GetParameters", "no ssm:GetParameters")
    iam.put_role_policy(RoleName="st-exec", PolicyName="ssm", PolicyDocument=policy(
        "ssm:GetParameters", resource="arn:aws:ssm:us-east-1:000000000000:parameter/st/other"))
    stops(td("elsewhere", secrets=from_ssm), "not authorized to perform: ssm:GetParameters",
          "a grant on another parameter")
    iam.put_role_policy(RoleName="st-exec", PolicyName="ssm", PolicyDocument=policy(
        "ssm:GetParameters", resource="arn:aws:ssm:us-east-1:000000000000:parameter/st/*"))
    running = run(td("ssm", secrets=from_ssm))
    r.eq(running and running["lastStatus"], "RUNNING", "a Parameter Store secret")
    if running:
        import test_ecs_exec as X
        r.wait(lambda: X.agent_running(ecs, "st", running["taskArn"]), "exec agent")
        s = ecs.execute_command(cluster="st", task=running["taskArn"], command="printenv DB_URL",
                                interactive=True)["session"]
        c = X.session_client(fake.port, s)
        r.eq(c.run(timeout=20).strip().decode(), SECRET, "the container sees the decrypted value")


def main():
    r = Report()
    with Fake(time_scale=0.005, env={"FAKEAWS_CHECK_OUTPUT": "strict"}) as fake:
        fid = efs_wire(r, fake)
        ssm_wire(r, fake)
        ecs_with_storage(r, fake, fid)
    r.finish()


if __name__ == "__main__":
    main()
