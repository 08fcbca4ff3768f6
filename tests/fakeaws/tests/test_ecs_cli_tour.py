"""An AWS CLI v2 tour of the fake's ECS through the real server: network and roles,
cluster, task definitions (with Fargate refusals), a service behind an ALB reaching a
steady state, a crashloop deployment that the circuit breaker rolls back, ECS Exec over
the server's port, a crash through the control API, and a teardown with the refusals
AWS gives. Polling loops use botocore (the CLI takes a second per call)."""

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))


def skip(why):
    print(f"skip: {why}")
    sys.exit(77)


if not os.path.exists("/usr/bin/aws"):
    skip("/usr/bin/aws (AWS CLI v2) is not installed")
from fakelib import ECS_TASKS_TRUST, EXEC_POLICY, Fake, Report, alb_network  # the core's helpers



class Tour:
    def __init__(self, fake, report):
        self.fake, self.r = fake, report
        self.home = tempfile.mkdtemp(prefix="ecs-tour-home-")
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "AWS_ACCESS_KEY_ID": "test",
                    "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}
        self.ecs = fake.client("ecs")

    def aws(self, *args, want_error=None):
        """Run the CLI; returns parsed JSON output (or the stderr text for an expected error)."""
        p = subprocess.run(["/usr/bin/aws", "--endpoint-url", self.fake.url, "--output", "json"] + list(args),
                           env=self.env, capture_output=True, text=True, timeout=60)
        what = "aws " + " ".join(args[:2])
        if want_error:
            return self.r.cli_refused(p, want_error, what)
        return self.r.cli_ok(p, what)

    def wait(self, pred, what, timeout=30):
        return self.r.wait(pred, what, timeout, every=0.1)

    def json_call(self, op, body):
        """An ECS operation newer than Debian's CLI and botocore (ListServiceDeployments ...):
        signed by hand, awsJson1.1."""
        from fakelib import sign_and_send
        status, _, data = sign_and_send(self.fake.url, "ecs", headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{op}"}, body=json.dumps(body).encode())
        self.r.eq(status, 200, f"{op} status ({data[:200]!r})")
        return json.loads(data)

    def service(self):
        return self.ecs.describe_services(cluster="tour", services=["web"])["services"][0]


def network(t):
    """The network around the service (botocore: the CLI tour is about ECS)."""
    elb = t.fake.client("elbv2")
    vpc, subnets, sg, lb = alb_network(t.fake, 0, "tour", "web")
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip",
                                 HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2,
                                 HealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
    lonely = elb.create_target_group(Name="lonely", Protocol="HTTP", Port=8080, VpcId=vpc,
                                     TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elb.modify_target_group_attributes(
        TargetGroupArn=tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "10"}])
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    return vpc, subnets, sg, tg, lonely


def roles(t):
    iam = t.fake.client("iam")
    ex = iam.create_role(RoleName="tour-exec", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
    iam.attach_role_policy(RoleName="tour-exec",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    task = iam.create_role(RoleName="tour-task", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
    iam.put_role_policy(RoleName="tour-task", PolicyName="exec", PolicyDocument=EXEC_POLICY)
    t.fake.client("logs").create_log_group(logGroupName="/ecs/tour")
    return ex, task


def taskdef(t, image, ex, task, cpu="256", memory="512", want_error=None):
    containers = json.dumps([{"name": "web", "image": image, "essential": True,
                              "portMappings": [{"containerPort": 8080}],
                              "logConfiguration": {"logDriver": "awslogs", "options": {
                                  "awslogs-group": "/ecs/tour", "awslogs-region": "us-east-1",
                                  "awslogs-stream-prefix": "web"}}}])
    out = t.aws("ecs", "register-task-definition", "--family", "tour", "--network-mode", "awsvpc",
                "--requires-compatibilities", "FARGATE", "--cpu", cpu, "--memory", memory,
                "--execution-role-arn", ex, "--task-role-arn", task,
                "--runtime-platform", "cpuArchitecture=ARM64,operatingSystemFamily=LINUX",
                "--container-definitions", containers, want_error=want_error)
    return out if want_error else out["taskDefinition"]["taskDefinitionArn"]


def create_service(t, td, subnets, sg, tg):
    net = json.dumps({"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg]}})
    lbs = json.dumps([{"targetGroupArn": tg, "containerName": "web", "containerPort": 8080}])
    args = ["ecs", "create-service", "--cluster", "tour", "--service-name", "web", "--task-definition", td,
            "--desired-count", "2", "--launch-type", "FARGATE", "--network-configuration", net,
            "--load-balancers", lbs, "--enable-execute-command", "--client-token", "tour-1",
            "--deployment-configuration",
            "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100"]
    for _ in range(30):  # IAM eventual consistency: retry "unable to assume the role"
        p = subprocess.run(["/usr/bin/aws", "--endpoint-url", t.fake.url, "--output", "json"] + args,
                           env=t.env, capture_output=True, text=True, timeout=60)
        if p.returncode == 0:
            return json.loads(p.stdout)["service"]
        if "unable to assume the role" not in p.stderr:
            break
        time.sleep(0.1)
    t.r.check(False, f"create-service: {p.stderr.strip()[:300]}")
    return None


def exec_over_server(t):
    import test_ecs_exec as X
    arn = t.ecs.list_tasks(cluster="tour", serviceName="web")["taskArns"][0]
    s = t.ecs.execute_command(cluster="tour", task=arn, command="sh -c 'cat /etc/hostname; exit 3'",
                              interactive=True)["session"]
    c = X.session_client(t.fake.port, s)
    out = c.run(timeout=20)
    t.r.check(out.startswith(b"ip-10-0-") and out.endswith(b".ec2.internal\n"), f"exec output {out!r}")
    t.r.eq(c.ws_closed, 1000, "exec websocket closed normally")


def main():
    r = Report()
    with Fake(time_scale=0.01) as fake:
        t = Tour(fake, r)
        vpc, subnets, sg, tg, lonely = network(t)
        ex, task = roles(t)
        cl = t.aws("ecs", "create-cluster", "--cluster-name", "tour", "--tags", "key=stack,value=tour")["cluster"]
        r.eq(cl["status"], "ACTIVE", "cluster active")
        err = taskdef(t, "nginx:1", ex, task, cpu="256", memory="4096", want_error="ClientException")
        r.check("No Fargate configuration exists" in err, f"fargate pair refusal: {err.strip()}")
        td1 = taskdef(t, "nginx:1", ex, task)
        r.check(td1.endswith(":task-definition/tour:1"), td1)
        err = t.aws("ecs", "create-service", "--cluster", "tour", "--service-name", "x", "--task-definition", td1,
                    "--desired-count", "1", "--launch-type", "FARGATE", "--network-configuration",
                    json.dumps({"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg]}}),
                    "--load-balancers", json.dumps([{"targetGroupArn": lonely, "containerName": "web",
                                                     "containerPort": 8080}]), want_error="InvalidParameterException")
        r.check("does not have an associated load balancer" in err, err.strip())
        svc = create_service(t, td1, subnets, sg, tg)
        r.check(svc is not None and svc["status"] == "ACTIVE", "service created")
        steady = t.wait(lambda: (lambda s: s["deployments"][0]["rolloutState"] == "COMPLETED"
                                 and s["runningCount"] == 2 and s)(t.service()), "steady state")
        if steady:
            r.eq(steady["events"][0]["message"], "(service web) has reached a steady state.", "steady event")
        health = fake.client("elbv2").describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
        r.eq(sorted(h["TargetHealth"]["State"] for h in health), ["healthy", "healthy"], "targets healthy")
        tasks = t.aws("ecs", "describe-tasks", "--cluster", "tour", "--tasks",
                      *t.ecs.list_tasks(cluster="tour", serviceName="web")["taskArns"])["tasks"]
        r.check(all(x["lastStatus"] == "RUNNING" and x["attachments"][0]["status"] == "ATTACHED" for x in tasks),
                "tasks running with ENIs")
        streams = fake.client("logs").describe_log_streams(logGroupName="/ecs/tour")["logStreams"]
        r.eq(len(streams), 2, "one log stream per task")
        exec_over_server(t)
        # a crashloop deployment: circuit breaker, rollback, a failed deploy although stable
        td2 = taskdef(t, "nginx:crashloop", ex, task)
        t.aws("ecs", "update-service", "--cluster", "tour", "--service", "web", "--task-definition", td2)
        back = t.wait(lambda: (lambda s: len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] ==
                               "COMPLETED" and s["deployments"][0]["taskDefinition"] == td1 and s)(t.service()),
                      "rollback to the first revision", timeout=60)
        if back:
            msgs = [e["message"] for e in back["events"]]
            r.check(any(m.endswith("deployment failed: tasks failed to start.") for m in msgs), "failure event")
        deps = t.json_call("ListServiceDeployments", {"cluster": "tour", "service": "web"})["serviceDeployments"]
        r.eq([d["status"] for d in deps], ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL"], "service deployments")
        full = t.json_call("DescribeServiceDeployments", {"serviceDeploymentArns": [deps[0]["serviceDeploymentArn"]]})
        r.check(full["serviceDeployments"][0]["rollback"]["reason"].startswith("ECS deployment circuit breaker"),
                "rollback reason")
        stopped = t.ecs.list_tasks(cluster="tour", serviceName="web", desiredStatus="STOPPED")["taskArns"]
        reasons = {x["stoppedReason"] for x in t.ecs.describe_tasks(cluster="tour", tasks=stopped)["tasks"]}
        r.check("Essential container in task exited" in reasons, f"stopped reasons {reasons}")
        # a crash through the control API is replaced
        victim = t.ecs.list_tasks(cluster="tour", serviceName="web")["taskArns"][0].rsplit("/", 1)[1]
        status, _ = fake.control("POST", f"/_fake/tasks/{victim}/stop")
        r.eq(status, 200, "control API stops a task")
        t.wait(lambda: (lambda s: s["runningCount"] == 2 and
                        victim not in json.dumps(t.ecs.list_tasks(cluster="tour", serviceName="web")))(t.service()),
               "the crashed task replaced")
        status, res = fake.control("GET", "/_fake/resources")
        r.check(status == 200 and len(res.get("ecs", {}).get("services", [])) == 1, "resources list the service")
        # teardown with the refusals
        t.aws("ecs", "delete-cluster", "--cluster", "tour", want_error="ClusterContainsServicesException")
        t.aws("ecs", "delete-service", "--cluster", "tour", "--service", "web",
              want_error="InvalidParameterException")
        t.aws("ecs", "update-service", "--cluster", "tour", "--service", "web", "--desired-count", "0")
        t.aws("ecs", "delete-service", "--cluster", "tour", "--service", "web")
        t.wait(lambda: t.service()["status"] == "INACTIVE", "service INACTIVE")
        err = t.aws("ec2", "delete-security-group", "--group-id", sg, want_error="DependencyViolation")
        t.aws("ecs", "delete-cluster", "--cluster", "tour")
        for td in (td1, td2):
            t.aws("ecs", "deregister-task-definition", "--task-definition", td)
        r.eq(t.ecs.list_task_definitions(familyPrefix="tour")["taskDefinitionArns"], [], "no active revisions")
    r.finish()


if __name__ == "__main__":
    main()
