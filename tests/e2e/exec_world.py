"""Shared setup for the exec/secret/logs end-to-end tests: a fake, and services with and
without ECS Exec made directly with botocore (not through `up`)."""

import os
import subprocess
import sys
import time

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
from fakelib import ECS_TASKS_TRUST, EXEC_POLICY, Fake, Report  # noqa: E402,F401

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))


class World:
    def __init__(self, fake):
        self.fake = fake
        self.ecs = fake.client("ecs")
        self.env = dict(os.environ, AWS_ENDPOINT_URL=fake.url, AWS_ACCESS_KEY_ID="test",
                        AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
                        AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true")
        for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
            self.env.pop(k, None)
        ec2 = fake.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                                          AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]]
        self.sg = ec2.create_security_group(GroupName="ex", Description="ex", VpcId=vpc)["GroupId"]
        iam = fake.client("iam")
        self.exec_role = iam.create_role(RoleName="ex-exec", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
        iam.attach_role_policy(RoleName="ex-exec",
                               PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        self.task_role = iam.create_role(RoleName="ex-task", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
        iam.put_role_policy(RoleName="ex-task", PolicyName="exec", PolicyDocument=EXEC_POLICY)
        self.bare_role = iam.create_role(RoleName="ex-bare", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]

    def cluster(self, name, kms_key=None):
        cfg = {}
        if kms_key:
            cfg = {"configuration": {"executeCommandConfiguration": {"kmsKeyId": kms_key}}}
        self.ecs.create_cluster(clusterName=name, **cfg)

    def service(self, cluster, name, image="nginx:1.27", exec_enabled=True, task_role=None,
                log_group=None, desired=1, platform=None):
        """task_role: the ARN of the task role; None for the world's exec role, "" for none."""
        c = {"name": name, "image": image, "essential": True}
        if log_group:
            c["logConfiguration"] = {"logDriver": "awslogs", "options": {
                "awslogs-group": log_group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": name}}
        td = self.ecs.register_task_definition(
            family=f"{cluster}-{name}", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512", executionRoleArn=self.exec_role, containerDefinitions=[c],
            **({"taskRoleArn": task_role or self.task_role} if task_role != "" else {}))["taskDefinition"]["taskDefinitionArn"]
        for _ in range(100):
            try:
                self.ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=td, desiredCount=desired,
                                        launchType="FARGATE", enableExecuteCommand=exec_enabled,
                                        **({"platformVersion": platform} if platform else {}),
                                        networkConfiguration={"awsvpcConfiguration": {
                                            "subnets": self.subnets, "securityGroups": [self.sg]}})
                break
            except Exception as e:  # IAM eventual consistency
                if "unable to assume" not in str(e):
                    raise
                time.sleep(0.05)

    def wait_exec_ready(self, cluster, name, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            arns = self.ecs.list_tasks(cluster=cluster, serviceName=name)["taskArns"]
            if arns:
                ts = self.ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
                for t in ts:
                    ags = [a for c in t["containers"] for a in c.get("managedAgents", [])]
                    if t["lastStatus"] == "RUNNING" and (not t.get("enableExecuteCommand") or
                                                         all(a["lastStatus"] == "RUNNING" for a in ags)):
                        return t
            time.sleep(0.05)
        raise RuntimeError(f"service {name} never got a running task")

    def run(self, *args, stdin=None, timeout=60, env=None):
        return subprocess.run([ECSDEPLOY] + list(args), input=stdin, capture_output=True, timeout=timeout,
                              env=dict(self.env, **(env or {})))


class Remote:
    """A fake started elsewhere (tests/e2e/fake.sh): the same client() as Fake."""

    def __init__(self, url):
        self.url = url

    def client(self, service):
        import botocore.session
        return botocore.session.get_session().create_client(
            service, region_name="us-east-1", endpoint_url=self.url, aws_access_key_id="test",
            aws_secret_access_key="test")


if __name__ == "__main__":
    # setup for the shell tests: exec_world.py URL service CLUSTER NAME [LOG_GROUP]
    url, what = sys.argv[1], sys.argv[2]
    w = World(Remote(url))
    if what == "service":
        cluster, name = sys.argv[3], sys.argv[4]
        group = sys.argv[5] if len(sys.argv) > 5 else None
        if group:
            Remote(url).client("logs").create_log_group(logGroupName=group)
        w.cluster(cluster)
        w.service(cluster, name, log_group=group)
        print(w.wait_exec_ready(cluster, name)["taskArn"].rsplit("/", 1)[1])
