"""Native blue/green through the real server and the real network part: an ALB with a
production listener rule and a test listener, two target groups, an infrastructure role;
ECS moves the rule weights (seen with elbv2 DescribeRules), the lifecycle stages show in
DescribeServiceDeployments, the next deployment goes back to the first group, and a
failing green rolls back with the weights restored. The newer ECS members are sent as raw
signed awsJson1.1 (Debian's botocore predates them)."""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fakelib import Fake, Report, alb_network, sign_and_send

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
INFRA_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                       "Principal": {"Service": "ecs.amazonaws.com"}}]}


class Ecs:
    def __init__(self, fake, r):
        self.fake, self.r = fake, r

    def __call__(self, op, body, want_error=None):
        status, _, data = sign_and_send(self.fake.url, "ecs", headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{op}"}, body=json.dumps(body).encode())
        out = json.loads(data or b"{}")
        if want_error:
            self.r.check(status == 400 and out.get("__type", "").endswith(want_error),
                         f"{op}: want {want_error}, got {status} {out}")
        else:
            self.r.check(status == 200, f"{op}: {status} {data[:300]!r}")
        return out


def setup(fake, ecs):
    elb, iam = fake.client("elbv2"), fake.client("iam")
    vpc, subnets, sg, lb = alb_network(fake, 9, "bg", "bg")
    tgs = [elb.create_target_group(Name=n, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip",
                                   HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2)
           ["TargetGroups"][0]["TargetGroupArn"] for n in ("blue", "green")]
    for tg in tgs:
        elb.modify_target_group_attributes(TargetGroupArn=tg, Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": "5"}])
    fwd = [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": tgs[0], "Weight": 100}, {"TargetGroupArn": tgs[1], "Weight": 0}]}}]
    prod_listener = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])["Listeners"][0]["ListenerArn"]
    prod = elb.create_rule(ListenerArn=prod_listener, Priority=1, Actions=fwd, Conditions=[
        {"Field": "path-pattern", "Values": ["/*"]}])["Rules"][0]["RuleArn"]
    test_listener = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=8080, DefaultActions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])["Listeners"][0]["ListenerArn"]
    test = elb.create_rule(ListenerArn=test_listener, Priority=1, Actions=fwd, Conditions=[
        {"Field": "path-pattern", "Values": ["/*"]}])["Rules"][0]["RuleArn"]
    iam.create_role(RoleName="bg-task", AssumeRolePolicyDocument=json.dumps(TRUST))
    infra = iam.create_role(RoleName="bg-infra", AssumeRolePolicyDocument=json.dumps(INFRA_TRUST))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="bg-infra", PolicyArn="arn:aws:iam::aws:policy/service-role/"
                                                         "AmazonECSInfrastructureRolePolicyForLoadBalancers")
    ecs("CreateCluster", {"clusterName": "bg"})
    return subnets, sg, tgs, prod, test, infra


def register(ecs, image):
    return ecs("RegisterTaskDefinition", {
        "family": "bg", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
        "memory": "512", "containerDefinitions": [{"name": "web", "image": image,
                                                   "portMappings": [{"containerPort": 8080}]}]})["taskDefinition"][
        "taskDefinitionArn"]


def weights(fake, rule):
    r = fake.client("elbv2").describe_rules(RuleArns=[rule])["Rules"][0]
    return [g["Weight"] for g in r["Actions"][0]["ForwardConfig"]["TargetGroups"]], \
        [g["TargetGroupArn"] for g in r["Actions"][0]["ForwardConfig"]["TargetGroups"]]


def watch(ecs, r, until, timeout=30):
    seen = []
    end = time.time() + timeout
    while time.time() < end:
        arns = [b["serviceDeploymentArn"] for b in ecs("ListServiceDeployments", {"cluster": "bg", "service": "web"})[
            "serviceDeployments"]]
        d = ecs("DescribeServiceDeployments", {"serviceDeploymentArns": arns[:1]})["serviceDeployments"][0]
        if d.get("lifecycleStage") and (not seen or seen[-1] != d["lifecycleStage"]):
            seen.append(d["lifecycleStage"])
        if until(d):
            return seen, d
        time.sleep(0.05)
    r.check(False, f"timed out; stages {seen}")
    return seen, None


def main():
    r = Report()
    with Fake(time_scale=0.005) as fake:
        ecs = Ecs(fake, r)
        subnets, sg, tgs, prod, test, infra = setup(fake, ecs)
        td1 = register(ecs, "nginx:1")
        svc = {"cluster": "bg", "serviceName": "web", "taskDefinition": td1, "desiredCount": 2,
               "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {
                   "subnets": subnets, "securityGroups": [sg]}},
               "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1,
                                           "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
               "loadBalancers": [{"targetGroupArn": tgs[0], "containerName": "web", "containerPort": 8080,
                                  "advancedConfiguration": {"alternateTargetGroupArn": tgs[1],
                                                            "productionListenerRule": prod,
                                                            "testListenerRule": test, "roleArn": infra}}]}
        bad = dict(svc, loadBalancers=[dict(svc["loadBalancers"][0], advancedConfiguration=None)])
        ecs("CreateService", bad, want_error="InvalidParameterException")
        for _ in range(50):  # the infrastructure role is new: IAM eventual consistency
            status, _, data = sign_and_send(fake.url, "ecs", headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateService"}, body=json.dumps(svc).encode())
            if status == 200 or b"unable to assume" not in data:
                break
            time.sleep(0.02)
        r.eq(status, 200, f"CreateService ({data[:200]!r})")
        watch(ecs, r, lambda d: d["status"] == "SUCCESSFUL")
        r.eq(weights(fake, prod), ([100, 0], tgs), "first deployment serves from the first group")
        ecs("UpdateService", {"cluster": "bg", "service": "web", "taskDefinition": register(ecs, "nginx:2")})
        seen, d = watch(ecs, r, lambda d: d["status"] == "SUCCESSFUL")
        for st in ("SCALE_UP", "BAKE_TIME"):  # the long stages; the 5 s ones can pass between two polls
            r.check(st in seen, f"stage {st} seen in {seen}")
        order = ["PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
                 "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]
        r.check(seen == sorted(seen, key=order.index), f"stages in order: {seen}")
        r.eq(weights(fake, prod), ([0, 100], tgs), "production traffic on the second group")
        r.eq(weights(fake, test), ([0, 100], tgs), "test traffic on the second group")
        health = fake.client("elbv2").describe_target_health(TargetGroupArn=tgs[1])["TargetHealthDescriptions"]
        r.eq(sorted(h["TargetHealth"]["State"] for h in health), ["healthy", "healthy"], "green targets healthy")
        # a failing green rolls back: weights stay on the serving group
        ecs("UpdateService", {"cluster": "bg", "service": "web", "taskDefinition": register(ecs, "nginx:unhealthy")})
        unhealthy_seen = []

        def rolled_back(d):
            for h in fake.client("elbv2").describe_target_health(TargetGroupArn=tgs[0])["TargetHealthDescriptions"]:
                if h["TargetHealth"]["State"] == "unhealthy":
                    unhealthy_seen.append(h["TargetHealth"].get("Description"))
            return d["status"].startswith("ROLLBACK_") and d["status"] != "ROLLBACK_IN_PROGRESS"
        seen, d = watch(ecs, r, rolled_back, timeout=60)
        r.eq(d and d["status"], "ROLLBACK_SUCCESSFUL", "unhealthy green rolled back")
        r.check("Health checks failed with these codes: [503]" in unhealthy_seen,
                f"target health shows the reason while ECS reacts: {unhealthy_seen[:3]}")
        events = [e["message"] for e in ecs("DescribeServices", {"cluster": "bg", "services": ["web"]})["services"][0][
            "events"]]
        r.check(any("is unhealthy in (target-group" in m and "[503]" in m for m in events), "unhealthy event")
        r.eq(weights(fake, prod), ([0, 100], tgs), "weights unchanged after the rollback")
        s = ecs("DescribeServices", {"cluster": "bg", "services": ["web"]})["services"][0]
        r.check(s["taskDefinition"].endswith("/bg:2"), f"serving revision 2, got {s['taskDefinition']}")
        # during the bake, a rollback on request
        ecs("UpdateService", {"cluster": "bg", "service": "web", "taskDefinition": register(ecs, "nginx:4"),
                              "deploymentConfiguration": dict(svc["deploymentConfiguration"], bakeTimeInMinutes=60)})
        seen, d = watch(ecs, r, lambda d: d.get("lifecycleStage") == "BAKE_TIME")
        r.eq(weights(fake, prod), ([100, 0], tgs), "the fourth revision takes traffic on the first group")
        ecs("StopServiceDeployment", {"serviceDeploymentArn": d["serviceDeploymentArn"], "stopType": "ROLLBACK"})
        seen, d = watch(ecs, r, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
        r.eq(weights(fake, prod), ([0, 100], tgs), "traffic back on revision 2")
    r.finish()


if __name__ == "__main__":
    main()
