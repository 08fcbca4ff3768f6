#!/usr/bin/python3
"""The seeds' settings as the fake models them, through the server with botocore
clients: ECS capacity providers (a cluster's providers and default strategy, a service's
strategy never beside a launch type, its change only with a new deployment, an empty one
back to the launch type, a provider in use kept), Container Insights values, task
definition settings (ulimit names from the model, Linux-only settings refused on
Windows, health check ranges), private registry credentials read at task start, IAM
condition blocks, S3 ListBuckets with Prefix and BucketRegion, log group names."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fakelib import ECS_TASKS_TRUST, Fake, Report, client_error, sign_and_send  # noqa: E402



def policy(actions, condition=None):
    st = {"Effect": "Allow", "Action": actions, "Resource": "*"}
    if condition is not None:
        st["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


def error_of(fn):
    return (client_error(fn) or {}).get("Error")



def capacity(r, fake, net, td):
    ecs = fake.client("ecs")
    spot = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    e = error_of(lambda: ecs.create_cluster(clusterName="c0", capacityProviders=["EC2X"]))
    r.check(e and "was not found" in e["Message"], f"an unknown provider: {e}")
    e = error_of(lambda: ecs.create_cluster(clusterName="c0", capacityProviders=["FARGATE"],
                                            defaultCapacityProviderStrategy=spot))
    r.check(e and "not associated with the cluster" in e["Message"], f"a default strategy of another provider: {e}")
    e = error_of(lambda: ecs.create_cluster(clusterName="c0", settings=[{"name": "containerInsights", "value": "on"}]))
    r.eq(e and e["Code"], "InvalidParameterException", "containerInsights 'on'")
    c = ecs.create_cluster(clusterName="cap", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                           defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "base": 1, "weight": 1}],
                           settings=[{"name": "containerInsights", "value": "enhanced"}])["cluster"]
    r.eq(c["capacityProviders"], ["FARGATE", "FARGATE_SPOT"], "the cluster's providers")
    d = ecs.describe_clusters(clusters=["cap"], include=["SETTINGS"])["clusters"][0]
    r.eq(d["settings"], [{"name": "containerInsights", "value": "enhanced"}], "Container Insights enhanced")
    ecs.update_cluster(cluster="cap", settings=[{"name": "containerInsights", "value": "disabled"}])

    base = dict(cluster="cap", taskDefinition=td, desiredCount=1, networkConfiguration=net)
    e = error_of(lambda: ecs.create_service(serviceName="both", launchType="FARGATE", capacityProviderStrategy=spot,
                                            **base))
    r.check(e and e["Code"] == "InvalidParameterException" and "both a launch type and capacity provider" in e["Message"],
            f"a launch type and a strategy together are refused: {e}")
    e = error_of(lambda: ecs.create_service(serviceName="bases", capacityProviderStrategy=[
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1}], **base))
    r.check(e and "base" in e["Message"], f"two bases: {e}")
    e = error_of(lambda: ecs.create_service(serviceName="zero", capacityProviderStrategy=[
        {"capacityProvider": "FARGATE", "weight": 0}, {"capacityProvider": "FARGATE_SPOT", "weight": 0}], **base))
    r.check(e and "weight greater than 0" in e["Message"], f"every weight 0: {e}")
    e = error_of(lambda: ecs.create_service(serviceName="dup", capacityProviderStrategy=spot + spot, **base))
    r.check(e and "duplicate" in e["Message"], f"a provider twice: {e}")

    s = ecs.create_service(serviceName="dflt", **base)["service"]
    r.eq(s.get("capacityProviderStrategy"), [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}],
         "neither launch type nor strategy: the cluster's default, shown on the service")
    r.check("launchType" not in s, "no launch type with a strategy")
    s = ecs.create_service(serviceName="web", launchType="FARGATE", **base)["service"]
    e = error_of(lambda: ecs.update_service(cluster="cap", service="web", capacityProviderStrategy=spot))
    r.check(e and "must force a new deployment" in e["Message"], f"a strategy without a new deployment: {e}")
    s = ecs.update_service(cluster="cap", service="web", capacityProviderStrategy=spot,
                           forceNewDeployment=True)["service"]
    shown = [dict(spot[0], base=0)]  # ECS shows the base it defaulted
    r.eq((s.get("capacityProviderStrategy"), s.get("launchType")), (shown, None), "launch type -> FARGATE_SPOT")
    s = ecs.update_service(cluster="cap", service="web", capacityProviderStrategy=spot)["service"]
    r.eq(s.get("capacityProviderStrategy"), shown, "the same strategy again needs no new deployment")
    e = error_of(lambda: ecs.put_cluster_capacity_providers(cluster="cap", capacityProviders=["FARGATE"],
                                                            defaultCapacityProviderStrategy=[]))
    r.eq(e and e["Code"], "ResourceInUseException", "a provider a service uses is kept")
    s = ecs.update_service(cluster="cap", service="web", capacityProviderStrategy=[],
                           forceNewDeployment=True)["service"]
    r.eq((s.get("capacityProviderStrategy"), s.get("launchType")), (None, "FARGATE"),
         "an empty strategy returns to the launch type")
    ecs.update_service(cluster="cap", service="dflt", capacityProviderStrategy=[], forceNewDeployment=True)
    c = ecs.put_cluster_capacity_providers(cluster="cap", capacityProviders=["FARGATE"],
                                           defaultCapacityProviderStrategy=[])["cluster"]
    r.eq(c["capacityProviders"], ["FARGATE"], "FARGATE_SPOT dropped once no service uses it")


def task_definitions(r, fake, exec_role):
    ecs = fake.client("ecs")
    base = dict(family="s", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="1024", memory="2048",
                executionRoleArn=exec_role)

    def reg(container, **extra):
        req = dict(base, containerDefinitions=[dict({"name": "web", "image": "nginx"}, **container)])
        req.update(extra)
        return lambda: ecs.register_task_definition(**req)
    e = error_of(reg({"ulimits": [{"name": "nofiles", "softLimit": 1, "hardLimit": 1}]}))
    r.eq(e and e["Code"], "InvalidParameterException", "an unknown ulimit name (the model's enum)")
    e = error_of(reg({"ulimits": [{"name": "nofile", "softLimit": 1, "hardLimit": 1}] * 2}))
    r.eq(e and e["Code"], "ClientException", "a ulimit twice")
    windows = {"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "X86_64"}}
    e = error_of(reg({"readonlyRootFilesystem": True}, **windows))
    r.check(e and "not supported for Windows" in e["Message"], f"readonlyRootFilesystem on Windows: {e}")
    e = error_of(reg({"user": "1000"}, **windows))
    r.check(e and "not supported for Windows" in e["Message"], f"user on Windows: {e}")
    e = error_of(reg({"healthCheck": {"command": ["CMD", "true"], "timeout": 61}}))
    r.check(e and "timeout" in e["Message"], f"a health check timeout of 61: {e}")
    e = error_of(reg({"healthCheck": {"command": ["true"]}}))
    r.check(e and "CMD" in e["Message"], f"a health check without CMD: {e}")
    td = reg({"readonlyRootFilesystem": True, "user": "1000:1000",
              "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}],
              "healthCheck": {"command": ["CMD-SHELL", "true"], "timeout": 60},
              "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:000000000000:"
                                                               "secret:x-AbCdEf"}})()["taskDefinition"]
    c = td["containerDefinitions"][0]
    r.eq((c["readonlyRootFilesystem"], c["user"], c["ulimits"][0]["name"], c["repositoryCredentials"] is not None),
         (True, "1000:1000", "nofile", True), "the settings are kept as given")


def registry_credentials(r, fake, net):
    ecs, sm, iam = fake.client("ecs"), fake.client("secretsmanager"), fake.client("iam")
    ok = sm.create_secret(Name="reg/ok", SecretString=json.dumps({"username": "u", "password": "p"}))["ARN"]
    bad = sm.create_secret(Name="reg/bad", SecretString="not json")["ARN"]
    roles = {}
    for name, actions in (("exec-read", ["secretsmanager:GetSecretValue", "logs:*"]), ("exec-none", ["logs:*"])):
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy(actions))
    ecs.create_cluster(clusterName="reg")

    def run(role, secret):
        td = ecs.register_task_definition(
            family="reg", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            executionRoleArn=role, containerDefinitions=[{"name": "web", "image": "registry.example.com/web:1",
                                                          "repositoryCredentials": {"credentialsParameter": secret}}])

        def started():  # a new role is assumable once IAM has propagated it
            try:
                return ecs.run_task(cluster="reg", taskDefinition=td["taskDefinition"]["taskDefinitionArn"],
                                    launchType="FARGATE", networkConfiguration=net)["tasks"][0]["taskArn"]
            except ecs.exceptions.InvalidParameterException as e:
                if "unable to assume the role" not in str(e):
                    raise
                return None
        arn = r.wait(started, "the new execution role to be assumable")

        def settled():
            t = ecs.describe_tasks(cluster="reg", tasks=[arn])["tasks"][0]
            return t["lastStatus"] in ("RUNNING", "STOPPED") and t
        return r.wait(settled, "the task to run or stop") or {}
    t = run(roles["exec-read"], ok)
    r.eq(t.get("lastStatus"), "RUNNING", "credentials the execution role may read: the image is pulled")
    t = run(roles["exec-none"], ok)
    r.check("GetSecretValue" in (t.get("stoppedReason") or ""), f"a role that may not read them: {t.get('stoppedReason')}")
    t = run(roles["exec-read"], bad)
    r.check("username and password" in (t.get("stoppedReason") or ""), f"not a username/password: {t.get('stoppedReason')}")


def iam_conditions(r, fake):
    iam = fake.client("iam")
    iam.create_role(RoleName="cond", AssumeRolePolicyDocument=ECS_TASKS_TRUST)
    good = {"StringLike": {"s3:prefix": ["app/*"]}, "ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}
    iam.put_role_policy(RoleName="cond", PolicyName="ok", PolicyDocument=policy(["s3:ListBucket"], good))
    r.check(True, "a well-formed condition is accepted")
    for cond, want in (({"StringEqual": {"s3:prefix": "a"}}, "Invalid Condition type"),
                       ({"StringLike": {"s3:prefix:x": "a"}}, "only one colon"),
                       ({"StringLike": {"prefix": "a"}}, "Syntax errors"),
                       ({"StringLike": "s3:prefix"}, "Syntax errors"),
                       ({"NullIfExists": {"aws:x": "true"}}, "Invalid Condition type"),
                       ({"StringLike": {"s3:prefix": []}}, "Syntax errors")):
        e = error_of(lambda: iam.put_role_policy(RoleName="cond", PolicyName="bad",
                                                 PolicyDocument=policy(["s3:ListBucket"], cond)))
        r.check(e and e["Code"] == "MalformedPolicyDocument" and want in e["Message"],
                f"condition {cond} refused with '{want}': {e}")


def list_buckets(fake, query):
    """ListBuckets on the wire (the system's botocore predates its parameters): the names
    and the ContinuationToken, or None."""
    import xml.etree.ElementTree as ET
    status, _, body = sign_and_send(fake.url, "s3", "GET", "/?" + query, s3=True)
    if status != 200:
        raise AssertionError("ListBuckets ?%s: %d %s" % (query, status, body[:300]))
    ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    doc = ET.fromstring(body)
    token = doc.find(ns + "ContinuationToken")
    return [b.findtext(ns + "Name") for b in doc.iter(ns + "Bucket")], token.text if token is not None else None


def buckets_and_logs(r, fake):
    s3w, s3e, logs = fake.client("s3"), fake.client("s3", region="eu-west-1"), fake.client("logs")
    s3w.create_bucket(Bucket="app-data-1")
    s3w.create_bucket(Bucket="app-logs-1")
    s3e.create_bucket(Bucket="app-data-2", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3w.create_bucket(Bucket="other-1")
    names, _ = list_buckets(fake, "prefix=app-")
    r.eq(names, ["app-data-1", "app-data-2", "app-logs-1"], "Prefix filters, every region listed")
    names, _ = list_buckets(fake, "bucket-region=eu-west-1&prefix=app-")
    r.eq(names, ["app-data-2"], "BucketRegion filters")
    page, token = list_buckets(fake, "max-buckets=2&prefix=app-")
    rest, last = list_buckets(fake, "continuation-token=%s&max-buckets=2&prefix=app-" % token)
    r.eq(page + rest, ["app-data-1", "app-data-2", "app-logs-1"], "pages follow the ContinuationToken")
    r.check(token and last is None, "a token on the first page only: %r, %r" % (token, last))
    status, _, body = sign_and_send(fake.url, "s3", "GET", "/?max-buckets=0", s3=True)
    r.check(status == 400 and b"InvalidArgument" in body, "max-buckets 0 is refused: %d %s" % (status, body[:200]))
    e = error_of(lambda: logs.create_log_group(logGroupName="aws/mine"))
    r.eq(e and e["Code"], "InvalidParameterException", "a log group name starting with aws/")
    logs.create_log_group(logGroupName="/ecs/news-api")
    logs.delete_retention_policy(logGroupName="/ecs/news-api")
    g = logs.describe_log_groups(logGroupNamePrefix="/ecs/news-api")["logGroups"][0]
    r.check("retentionInDays" not in g, "without a retention policy events never expire")


def main():
    r = Report()
    with Fake(time_scale=0.005) as fake:
        ec2, iam = fake.client("ec2"), fake.client("iam")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="s", Description="s", VpcId=vpc)["GroupId"]
        net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "ENABLED"}}
        exec_role = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
        td = fake.client("ecs").register_task_definition(
            family="cap", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "web", "image": "nginx"}])["taskDefinition"]["taskDefinitionArn"]
        capacity(r, fake, net, td)
        task_definitions(r, fake, exec_role)
        registry_credentials(r, fake, net)
        iam_conditions(r, fake)
        buckets_and_logs(r, fake)
    r.finish()


if __name__ == "__main__":
    main()
