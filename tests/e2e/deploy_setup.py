"""Set up ECS services in the fake for the deploy e2e tests (no `up` needed): the default
VPC, an internet-facing ALB, target groups, listeners, an infrastructure role, a cluster
and services (rolling and blue/green). Used by tests/e2e/test_deploy_*.py."""

import json
import os
import subprocess
import sys
import time

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
from fakelib import Fake, sign_and_send  # noqa: E402

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))
CLUSTER = "deploytest"


def wait(pred, what, limit=60):
    end = time.time() + limit
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise RuntimeError("setup: timed out waiting for " + what)


class World:
    def __init__(self, fake):
        self.f = fake
        self.ec2 = fake.client("ec2")
        self.elb = fake.client("elbv2")
        self.ecs = fake.client("ecs")
        self.iam = fake.client("iam")
        vpc = [v for v in self.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]
        self.vpc = vpc["VpcId"]
        subs = self.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [self.vpc]}])["Subnets"]
        self.subnets = [s["SubnetId"] for s in sorted(subs, key=lambda s: s["AvailabilityZone"])][:2]
        self.sg = self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]["GroupId"]
        lb = self.elb.create_load_balancer(Name="deploytest", Subnets=self.subnets,
                                           SecurityGroups=[self.sg])["LoadBalancers"][0]
        self.lb = lb["LoadBalancerArn"]
        self.ecs.create_cluster(clusterName=CLUSTER)
        self.port = 80
        self.role = None

    def tg(self, name):
        arn = self.elb.create_target_group(
            Name=name, Protocol="HTTP", Port=8080, VpcId=self.vpc, TargetType="ip",
            HealthCheckIntervalSeconds=30, HealthCheckTimeoutSeconds=5, HealthyThresholdCount=2,
        )["TargetGroups"][0]["TargetGroupArn"]
        self.elb.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": "5"}])
        return arn

    def listener(self, tg):
        self.port += 1
        return self.elb.create_listener(LoadBalancerArn=self.lb, Protocol="HTTP", Port=self.port,
                                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}]
                                        )["Listeners"][0]["ListenerArn"]

    def taskdef(self, family, image):
        return self.ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": image, "essential": True,
                                   "portMappings": [{"containerPort": 8080}],
                                   "environment": [{"name": "MODE", "value": "one"}]}],
        )["taskDefinition"]["taskDefinitionArn"]

    def infra_role(self):
        if self.role:
            return self.role
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        r = self.iam.create_role(RoleName="deploytest-infra", AssumeRolePolicyDocument=json.dumps(trust))
        self.iam.attach_role_policy(RoleName="deploytest-infra", PolicyArn=(
            "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForLoadBalancers"))
        self.role = r["Role"]["Arn"]
        return self.role

    def wire(self, op, kw):
        """An ECS call on the wire (Debian's botocore predates the blue/green members and
        drops them from answers): (status, body bytes)."""
        st, _h, body = sign_and_send(self.f.url, "ecs", headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonEC2ContainerServiceV20141113." + op},
            body=json.dumps(kw).encode())
        return st, body

    def create(self, **kw):
        for _ in range(400):
            st, body = self.wire("CreateService", kw)
            if st == 200:
                return json.loads(body)
            if b"unable to assume" not in body:
                raise RuntimeError("CreateService: " + body.decode())
            time.sleep(0.05)
        raise RuntimeError("roles never became assumable")

    def rolling(self, name, image="example/app:1", lb=True):
        td = self.taskdef(name, image)
        kw = dict(cluster=CLUSTER, serviceName=name, taskDefinition=td, desiredCount=1,
                  launchType="FARGATE",
                  networkConfiguration={"awsvpcConfiguration": {
                      "subnets": self.subnets, "securityGroups": [self.sg], "assignPublicIp": "ENABLED"}},
                  deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                           "minimumHealthyPercent": 100, "maximumPercent": 200})
        if lb:
            tg = self.tg(name)
            self.listener(tg)
            kw["loadBalancers"] = [{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}]
            kw["healthCheckGracePeriodSeconds"] = 10
        self.create(**kw)
        return td

    def bluegreen(self, name, image="example/app:1", strategy="BLUE_GREEN"):
        td = self.taskdef(name, image)
        blue, green = self.tg(name), self.tg(name + "-g")
        lis = self.listener(blue)
        rule = self.elb.create_rule(
            ListenerArn=lis, Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
            Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                {"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]}}],
        )["Rules"][0]["RuleArn"]
        self.create(cluster=CLUSTER, serviceName=name, taskDefinition=td, desiredCount=1,
                    launchType="FARGATE",
                    networkConfiguration={"awsvpcConfiguration": {
                        "subnets": self.subnets, "securityGroups": [self.sg], "assignPublicIp": "ENABLED"}},
                    loadBalancers=[{"targetGroupArn": blue, "containerName": "app", "containerPort": 8080,
                                    "advancedConfiguration": {"alternateTargetGroupArn": green,
                                                              "productionListenerRule": rule,
                                                              "roleArn": self.infra_role()}}],
                    deploymentController={"type": "ECS"},
                    deploymentConfiguration={"strategy": strategy, "bakeTimeInMinutes": 0},
                    healthCheckGracePeriodSeconds=10)
        return td

    def stable(self, names):
        def ok():
            svcs = self.ecs.describe_services(cluster=CLUSTER, services=names)["services"]
            return all(len(s["deployments"]) == 1 and s["deployments"][0].get("rolloutState") == "COMPLETED"
                       and s["runningCount"] == s["desiredCount"] for s in svcs)
        wait(ok, "services stable: " + ", ".join(names))

    def service(self, name):
        st, body = self.wire("DescribeServices", {"cluster": CLUSTER, "services": [name], "include": ["TAGS"]})
        return json.loads(body)["services"][0]

    def image_of(self, name):
        td = self.service(name)["taskDefinition"]
        return self.ecs.describe_task_definition(taskDefinition=td)["taskDefinition"]["containerDefinitions"][0]


def env(fake):
    e = dict(os.environ)
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        e.pop(k, None)
    e.update(AWS_ENDPOINT_URL=fake.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
             AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
             AWS_EC2_METADATA_DISABLED="true", ECSDEPLOY_POLL_SECONDS="0.05")
    return e


def run(fake, *args, cwd=None):
    """Run the binary; returns (exit code, stdout, stderr)."""
    p = subprocess.run([ECSDEPLOY] + list(args), env=env(fake), cwd=cwd, capture_output=True,
                       text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def start(fake, args):
    return subprocess.Popen([ECSDEPLOY] + list(args), env=env(fake), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def serving(w, name, td):
    """True when the service runs td alone and the target group taking production traffic
    has healthy targets, all of them tasks of td."""
    s = w.service(name)
    if s["taskDefinition"] != td or len(s["deployments"]) != 1 or s["runningCount"] != s["desiredCount"]:
        return False
    lb = s["loadBalancers"][0]
    tg = lb["targetGroupArn"]
    rule = (lb.get("advancedConfiguration") or {}).get("productionListenerRule")
    if rule:
        r = w.elb.describe_rules(RuleArns=[rule])["Rules"][0]
        groups = r["Actions"][0]["ForwardConfig"]["TargetGroups"]
        tg = max(groups, key=lambda g: g.get("Weight", 0))["TargetGroupArn"]
    healthy = [t["Target"]["Id"] for t in w.elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
               if t["TargetHealth"]["State"] == "healthy"]
    arns = w.ecs.list_tasks(cluster=CLUSTER, serviceName=name)["taskArns"]
    ips = set()
    for t in w.ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"] if arns else []:
        if t["taskDefinitionArn"] == td:
            for a in t.get("attachments", []):
                ips.update(d["value"] for d in a.get("details", []) if d["name"] == "privateIPv4Address")
    return bool(healthy) and all(ip in ips for ip in healthy)
