"""The fake ECS driven through its handlers with stand-ins for the other services:
clusters, task definitions, services reaching steady state, crashloop / unhealthy /
slowstart / nopull images, circuit breaker and rollback, blue/green, canary and linear
stages with listener weights, StopServiceDeployment, teardown refusals."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from ecs_standins import call, expect_error, make_world, run_tests, wait_for  # noqa: E402

NET = {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-1"]}}
CB = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}


def world(scale=0.001):
    w = make_world(scale=scale)
    iam = w.svc("iam")
    w.exec_role = iam.add_role("exec", allows=["logs:*", "secretsmanager:GetSecretValue"])
    w.task_role = iam.add_role("task", allows=["ssmmessages:*"])
    w.infra_role = iam.add_role("infra", policies=["AmazonECSInfrastructureRolePolicyForLoadBalancers"])
    w.svc("logs").groups["/ecs/app"] = {}
    elb = w.svc("elbv2")
    for tg in ("tg-blue", "tg-green", "tg-other"):
        elb.add_tg(tg)
    elb.rules["rule-prod"] = {"RuleArn": "rule-prod", "Actions": [{"Type": "forward"}]}
    elb.rules["rule-test"] = {"RuleArn": "rule-test", "Actions": [{"Type": "forward"}]}
    call(w, "CreateCluster", clusterName="c1", tags=[{"key": "stack", "value": "demo"}])
    return w


def register(w, image, family="app", **extra):
    req = dict(family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
               executionRoleArn=w.exec_role, taskRoleArn=w.task_role,
               containerDefinitions=[{"name": "web", "image": image, "portMappings": [{"containerPort": 8080}],
                                      "logConfiguration": {"logDriver": "awslogs", "options": {
                                          "awslogs-group": "/ecs/app", "awslogs-region": "us-east-1",
                                          "awslogs-stream-prefix": "app"}}}])
    req.update(extra)
    return call(w, "RegisterTaskDefinition", **req)["taskDefinition"]["taskDefinitionArn"]


def create(w, td, name="web", lb=True, desired=2, **extra):
    req = dict(cluster="c1", serviceName=name, taskDefinition=td, desiredCount=desired, launchType="FARGATE",
               networkConfiguration=NET, deploymentConfiguration=CB)
    if lb:
        req["loadBalancers"] = [{"targetGroupArn": "tg-blue", "containerName": "web", "containerPort": 8080}]
    req.update(extra)
    return call(w, "CreateService", **req)["service"]


def desc(w, name="web"):
    return call(w, "DescribeServices", cluster="c1", services=[name])["services"][0]


def settled(w, name="web"):
    def check():
        s = desc(w, name)
        return (len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] in ("COMPLETED", "FAILED")
                and (s["deployments"][0]["rolloutState"] == "FAILED" or s["runningCount"] == s["desiredCount"])) and s
    return wait_for(check)


def sds(w, name="web"):
    arns = [b["serviceDeploymentArn"] for b in
            call(w, "ListServiceDeployments", cluster="c1", service=name)["serviceDeployments"]]
    return call(w, "DescribeServiceDeployments", serviceDeploymentArns=arns)["serviceDeployments"] if arns else []


def stopped_tasks(w, name="web"):
    arns = call(w, "ListTasks", cluster="c1", serviceName=name, desiredStatus="STOPPED")["taskArns"]
    return call(w, "DescribeTasks", cluster="c1", tasks=arns)["tasks"] if arns else []


def messages(s):
    return [e["message"] for e in reversed(s["events"])]


# ---------------------------------------------------------------- clusters and task definitions

def test_clusters():
    w = world()
    again = call(w, "CreateCluster", clusterName="c1")["cluster"]
    assert again["clusterArn"] == "arn:aws:ecs:us-east-1:000000000000:cluster/c1" and again["status"] == "ACTIVE"
    d = call(w, "DescribeClusters", clusters=["c1", "nope"], include=["TAGS"])
    assert d["clusters"][0]["tags"] == [{"key": "stack", "value": "demo"}]
    assert d["failures"] == [{"arn": "arn:aws:ecs:us-east-1:000000000000:cluster/nope", "reason": "MISSING"}]
    assert call(w, "ListClusters")["clusterArns"] == [again["clusterArn"]]
    call(w, "TagResource", resourceArn=again["clusterArn"], tags=[{"key": "k", "value": "v"}])
    assert {"key": "k", "value": "v"} in call(w, "ListTagsForResource", resourceArn=again["clusterArn"])["tags"]
    call(w, "UntagResource", resourceArn=again["clusterArn"], tagKeys=["k"])
    assert call(w, "ListTagsForResource", resourceArn=again["clusterArn"])["tags"] == [{"key": "stack", "value": "demo"}]
    call(w, "UpdateCluster", cluster="c1", configuration={"executeCommandConfiguration": {"kmsKeyId": "k1"}})
    assert call(w, "DescribeClusters", clusters=["c1"])["clusters"][0]["configuration"][
        "executeCommandConfiguration"]["kmsKeyId"] == "k1"
    expect_error("ClusterNotFoundException", call, w, "ListServices", cluster="nope")
    e = expect_error("InvalidParameterException", call, w, "DescribeServices", cluster="c1",
                     services=["s%d" % i for i in range(11)])
    assert "at most 10" in e.message, e.message
    assert call(w, "DescribeServices", cluster="c1", services=["s%d" % i for i in range(10)])["failures"]
    deleted = call(w, "DeleteCluster", cluster="c1")["cluster"]
    assert deleted["status"] == "INACTIVE"
    assert call(w, "DescribeClusters", clusters=["c1"])["clusters"][0]["status"] == "INACTIVE"
    expect_error("ClusterNotFoundException", call, w, "DeleteCluster", cluster="c1")
    expect_error("ClusterNotFoundException", call, w, "DescribeServices", services=["x"])


def test_task_definitions():
    w = world()
    a1 = register(w, "nginx:1")
    a2 = register(w, "nginx:2", tags=[{"key": "t", "value": "1"}])
    assert a1.endswith("task-definition/app:1") and a2.endswith("task-definition/app:2")
    td = call(w, "DescribeTaskDefinition", taskDefinition="app", include=["TAGS"])
    assert td["taskDefinition"]["revision"] == 2 and td["tags"] == [{"key": "t", "value": "1"}]
    assert td["taskDefinition"]["containerDefinitions"][0]["essential"] is True
    assert td["taskDefinition"]["containerDefinitions"][0]["portMappings"][0]["hostPort"] == 8080
    assert td["taskDefinition"]["compatibilities"] == ["EC2", "FARGATE"] and td["taskDefinition"]["status"] == "ACTIVE"
    assert call(w, "DescribeTaskDefinition", taskDefinition="app:1")["taskDefinition"]["taskDefinitionArn"] == a1
    for cpu, mem, ok in (("256", "512", True), ("256", "4096", False), ("512", "3072", True), ("1024", "1024", False),
                         ("4096", "30720", True), ("8192", "20480", True), ("8192", "18432", False),
                         ("16384", "122880", True), ("1 vCPU", "2 GB", True), ("128", "512", False)):
        if ok:
            register(w, "x", family="pairs", cpu=cpu, memory=mem)
        else:
            e = expect_error("ClientException", register, w, "x", family="pairs", cpu=cpu, memory=mem)
            assert "No Fargate configuration exists" in e.message, e.message
    e = expect_error("ClientException", register, w, "x", family="bad", networkMode="bridge")
    assert "awsvpc" in e.message
    e = expect_error("ClientException", call, w, "RegisterTaskDefinition", family="s", networkMode="awsvpc",
                     requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                     containerDefinitions=[{"name": "a", "image": "x", "secrets": [
                         {"name": "T", "valueFrom": "arn:aws:secretsmanager:us-east-1:000000000000:secret:t-AbCdEf"}]}])
    assert "executionRoleArn" in e.message
    expect_error("ClientException", register, w, "x", family="bad", cpu=None)
    expect_error("ClientException", call, w, "DescribeTaskDefinition", taskDefinition="nope")
    call(w, "DeregisterTaskDefinition", taskDefinition="app:1")
    assert call(w, "ListTaskDefinitions", familyPrefix="app")["taskDefinitionArns"] == [a2]
    assert call(w, "ListTaskDefinitions", familyPrefix="app", status="INACTIVE")["taskDefinitionArns"] == [a1]
    assert call(w, "ListTaskDefinitionFamilies")["families"] == ["app", "pairs"]
    expect_error("ClientException", call, w, "DeregisterTaskDefinition", taskDefinition="app:1")
    e = expect_error("ClientException", create, w, a1)
    assert "inactive" in e.message.lower()


# ---------------------------------------------------------------- services

def test_service_validation_refusals():
    w = world()
    td = register(w, "nginx:1")
    w.svc("elbv2").forwarded.discard("tg-other")
    e = expect_error("InvalidParameterException", create, w, td,
                     loadBalancers=[{"targetGroupArn": "tg-other", "containerName": "web", "containerPort": 8080}])
    assert e.message == "The target group with targetGroupArn tg-other does not have an associated load balancer."
    e = expect_error("InvalidParameterException", create, w, td,
                     loadBalancers=[{"targetGroupArn": "tg-blue", "containerName": "web", "containerPort": 80}])
    assert "did not have a container port 80" in e.message
    w.svc("iam").roles[w.exec_role]["assumable"] = False
    e = expect_error("InvalidParameterException", create, w, td)
    assert e.message.startswith(f"ECS was unable to assume the role '{w.exec_role}'"), e.message
    w.svc("iam").roles[w.exec_role]["assumable"] = True
    w.svc("iam").roles[w.task_role]["trust"] = ("lambda.amazonaws.com",)
    e = expect_error("InvalidParameterException", create, w, td)
    assert "proper trust relationship" in e.message and w.task_role in e.message, e.message
    del w.svc("iam").roles[w.task_role]["trust"]
    e = expect_error("InvalidParameterException", create, w, td, networkConfiguration={
        "awsvpcConfiguration": {"subnets": ["subnet-zz"], "securityGroups": ["sg-1"]}})
    assert "subnet-zz" in e.message
    e = expect_error("InvalidParameterException", create, w, td, networkConfiguration={
        "awsvpcConfiguration": {"subnets": ["subnet-a"], "securityGroups": ["sg-2"]}})
    assert "sg-2" in e.message
    expect_error("InvalidParameterException", create, w, td, networkConfiguration=None)
    expect_error("InvalidParameterException", create, w, td, desired=None)
    expect_error("InvalidParameterException", create, w, td, serviceRegistries=[{"registryArn": "arn:sd/none"}])
    expect_error("ClusterNotFoundException", create, w, td, cluster="nope")
    e = expect_error("InvalidParameterException", create, w, td, deploymentConfiguration={"strategy": "BLUE_GREEN",
                                                                                          "bakeTimeInMinutes": 1})
    assert "advancedConfiguration" in e.message
    vol_td = register(w, "nginx:1", family="vol", volumes=[{"name": "data", "configuredAtLaunch": True}])
    e = expect_error("InvalidParameterException", create, w, vol_td, lb=False)
    assert "volumeConfigurations" in e.message
    e = expect_error("InvalidParameterException", create, w, vol_td, lb=False, volumeConfigurations=[
        {"name": "data", "managedEBSVolume": {"roleArn": w.task_role, "sizeInGiB": 10}}])
    assert "ec2:CreateVolume" in e.message
    w.vol_role = w.svc("iam").add_role("vol", policies=["AmazonECSInfrastructureRolePolicyForVolumes"])
    create(w, vol_td, name="withvol", lb=False, volumeConfigurations=[
        {"name": "data", "managedEBSVolume": {"roleArn": w.vol_role, "sizeInGiB": 10}}])
    s = create(w, td, clientToken="tok-1")
    assert create(w, td, clientToken="tok-1")["serviceArn"] == s["serviceArn"]
    e = expect_error("InvalidParameterException", create, w, td)
    assert e.message == "Creation of service was not idempotent."


def test_service_reaches_steady_state_with_tasks_enis_targets_logs_cloudmap():
    w = world()
    w.svc("servicediscovery").services["arn:sd/srv-1"] = {"Id": "srv-1", "Arn": "arn:sd/srv-1"}
    td = register(w, "nginx:1")
    s = create(w, td, serviceRegistries=[{"registryArn": "arn:sd/srv-1"}], enableExecuteCommand=True)
    assert s["status"] == "ACTIVE" and s["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert s["deployments"][0]["id"].startswith("ecs-svc/")
    s = settled(w)
    assert s["deployments"][0]["rolloutState"] == "COMPLETED" and s["runningCount"] == 2
    msgs = messages(s)
    assert msgs[0].startswith("(service web) has started 2 tasks: (task ")
    assert "(service web) registered 1 targets in (target-group tg-blue)" in msgs
    assert msgs[-1] == "(service web) has reached a steady state.", msgs
    arns = call(w, "ListTasks", cluster="c1", serviceName="web")["taskArns"]
    tasks = call(w, "DescribeTasks", cluster="c1", tasks=arns + ["deadbeef"])
    assert tasks["failures"][0]["reason"] == "MISSING"
    t = tasks["tasks"][0]
    assert t["lastStatus"] == "RUNNING" and t["platformVersion"] == "1.4.0" and t["launchType"] == "FARGATE"
    assert t["group"] == "service:web" and t["startedBy"] == s["deployments"][0]["id"]
    details = {d["name"]: d["value"] for d in t["attachments"][0]["details"]}
    assert details["networkInterfaceId"].startswith("eni-") and details["privateIPv4Address"].startswith("10.0.")
    assert t["containers"][0]["managedAgents"][0]["lastStatus"] == "RUNNING"
    assert {e["SubnetId"] for e in w.svc("ec2").live_enis()} == {"subnet-a", "subnet-b"}
    assert len(w.svc("elbv2").targets) == 2 and len(w.svc("servicediscovery").instances) == 2
    streams = w.svc("logs").groups["/ecs/app"]
    assert f"app/web/{t['taskArn'].rsplit('/', 1)[1]}" in streams
    sd = sds(w)
    assert len(sd) == 1 and sd[0]["status"] == "SUCCESSFUL" and sd[0]["targetServiceRevision"]["runningTaskCount"] == 2
    # scaling does not make a deployment
    call(w, "UpdateService", cluster="c1", service="web", desiredCount=3)
    s = wait_for(lambda: (lambda s: s["runningCount"] == 3 and s)(desc(w)))
    assert len(sds(w)) == 1 and len(s["deployments"]) == 1


def test_crashloop_rolls_back_to_previous_revision():
    w = world()
    td1 = register(w, "nginx:1")
    create(w, td1)
    settled(w)
    td2 = register(w, "nginx:crashloop")
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=td2)
    s = settled(w)
    assert s["taskDefinition"] == td1, "the service ends on the previous revision"
    assert s["deployments"][0]["rolloutState"] == "COMPLETED"
    msgs = messages(s)
    assert any(m.endswith("deployment failed: tasks failed to start.") for m in msgs), msgs
    assert msgs[-1] == "(service web) has reached a steady state."
    crashed = [t for t in stopped_tasks(w) if t["taskDefinitionArn"] == td2 and t["stopCode"] == "EssentialContainerExited"]
    assert len(crashed) >= 3
    assert crashed[0]["stoppedReason"] == "Essential container in task exited"
    assert crashed[0]["containers"][0]["exitCode"] == 1
    latest = sds(w)[0]
    assert latest["status"] == "ROLLBACK_SUCCESSFUL", latest["status"]
    assert latest["rollback"]["serviceRevisionArn"] == sds(w)[1]["targetServiceRevision"]["arn"]
    assert latest["deploymentCircuitBreaker"]["failureCount"] >= 3 and latest["deploymentCircuitBreaker"]["threshold"] == 3


def test_circuit_breaker_without_rollback_fails():
    w = world()
    td = register(w, "nginx:crashloop")
    create(w, td, desired=1, lb=False, deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": True, "rollback": False}})
    s = wait_for(lambda: (lambda s: s["deployments"][0]["rolloutState"] == "FAILED" and s)(desc(w)))
    assert s["deployments"][0]["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert s["deployments"][0]["failedTasks"] == 3
    assert sds(w)[0]["status"] == "STOPPED"
    time.sleep(0.2)
    assert len(stopped_tasks(w)) == 3, "a failed deployment launches no more tasks"


def test_unhealthy_targets_replaced_then_rolled_back():
    w = world()
    td1 = register(w, "nginx:1")
    create(w, td1, desired=1, healthCheckGracePeriodSeconds=0)
    settled(w)
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=register(w, "nginx:unhealthy"))
    s = settled(w)
    assert s["taskDefinition"] == td1
    msgs = messages(s)
    assert ("(service web) (port 8080) is unhealthy in (target-group tg-blue) due to (reason Health checks "
            "failed with these codes: [503]).") in msgs, msgs
    reasons = {t["stoppedReason"] for t in stopped_tasks(w)}
    assert "Task failed ELB health checks in (target-group tg-blue)" in reasons, reasons


def test_slowstart_nopull_secrets_logs():
    w = world()
    create(w, register(w, "nginx:1"), name="fast", desired=1)
    settled(w, "fast")
    create(w, register(w, "nginx:slowstart", family="slow"), name="slow", desired=1)
    settled(w, "slow")
    took = {tk["group"]: tk["healthyAt"] - tk["startedAt"] for tk in w.svc("ecs").tasks.values()}
    assert took["service:slow"] >= 9.9 * took["service:fast"], took
    create(w, register(w, "registry.example/app:nopull", family="np"), name="np", desired=1, lb=False)
    t = wait_for(lambda: stopped_tasks(w, "np"))[0]
    assert t["stopCode"] == "TaskFailedToStart" and t["stoppedReason"].startswith("CannotPullContainerError:")
    assert t["containers"][0]["reason"].startswith("CannotPullContainerError:")
    arn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf"
    sec = register(w, "nginx:1", family="sec", containerDefinitions=[{"name": "web", "image": "nginx:1", "secrets": [
        {"name": "TOKEN", "valueFrom": arn}]}])
    create(w, sec, name="sec", desired=1, lb=False)
    t = wait_for(lambda: stopped_tasks(w, "sec"))[0]
    assert t["stoppedReason"].startswith("ResourceInitializationError: unable to pull secrets or registry auth:")
    w.svc("secretsmanager").values[arn] = "s3cr3t"
    call(w, "UpdateService", cluster="c1", service="sec", forceNewDeployment=True)
    settled(w, "sec")
    task = next(tk for tk in w.svc("ecs").tasks.values() if tk["lastStatus"] == "RUNNING" and tk["group"] == "service:sec")
    assert task["env"]["web"]["TOKEN"] == "s3cr3t"
    nolog = register(w, "nginx:1", family="nolog", containerDefinitions=[{"name": "web", "image": "nginx:1",
                     "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/missing",
                                                                             "awslogs-stream-prefix": "x"}}}])
    create(w, nolog, name="nolog", desired=1, lb=False)
    t = wait_for(lambda: stopped_tasks(w, "nolog"))[0]
    assert t["stoppedReason"].startswith("ResourceInitializationError: failed to validate logger args")


def _bg_service(w, strategy="BLUE_GREEN", **cfg):
    adv = {"alternateTargetGroupArn": "tg-green", "productionListenerRule": "rule-prod",
           "testListenerRule": "rule-test", "roleArn": w.infra_role}
    conf = {"strategy": strategy, "bakeTimeInMinutes": 1, **CB, **cfg}
    td1 = register(w, "nginx:1")
    create(w, td1, desired=2, deploymentConfiguration=conf, loadBalancers=[
        {"targetGroupArn": "tg-blue", "containerName": "web", "containerPort": 8080, "advancedConfiguration": adv}])
    settled(w)
    return td1


def _watch_stages(w, until):
    seen = []
    end = time.time() + 15
    while time.time() < end:
        d = sds(w)[0]
        if d.get("lifecycleStage") and (not seen or seen[-1] != d["lifecycleStage"]):
            seen.append(d["lifecycleStage"])
        if until(d):
            return seen, d
        time.sleep(0.001)
    raise AssertionError(f"timed out; stages {seen}")


def test_blue_green_completes_and_flips_target_groups():
    # every stage must be seen while current: at 0.01 the shortest lasts tens of ms of real
    # time, which a loaded machine's sampling does not miss (at 0.001 it could)
    w = world(scale=0.01)
    _bg_service(w)
    elb = w.svc("elbv2")
    assert elb.weights["rule-prod"] == {"tg-green": 0, "tg-blue": 100}
    td2 = register(w, "nginx:2")
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=td2)
    seen, d = _watch_stages(w, lambda d: d["status"] == "SUCCESSFUL")
    assert w.svc("ecs").sds[d["serviceDeploymentArn"]]["history"] == [
        "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]
    assert "SCALE_UP" in seen and "BAKE_TIME" in seen, seen
    assert elb.weights["rule-prod"] == {"tg-blue": 0, "tg-green": 100}
    assert elb.weights["rule-test"] == {"tg-blue": 0, "tg-green": 100}
    assert d["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    s = settled(w)
    assert s["taskDefinition"] == td2
    assert {k[0] for k in elb.targets} == {"tg-green"}
    assert "(service web) has begun draining connections on 1 tasks." in messages(s)
    assert "(service web) deregistered 1 targets in (target-group tg-blue)" in messages(s)
    # the next deployment goes back to the blue group
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=register(w, "nginx:3"))
    _watch_stages(w, lambda d: d["status"] == "SUCCESSFUL")
    assert elb.weights["rule-prod"] == {"tg-green": 0, "tg-blue": 100}


def test_canary_and_linear_shift_in_steps():
    for strategy, config, steps in (
            ("CANARY", {"canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 1}},
             [10, 100]),
            ("LINEAR", {"linearConfiguration": {"stepPercent": 25.0, "stepBakeTimeInMinutes": 1}},
             [25, 50, 75, 100])):
        w = world()
        _bg_service(w, strategy, **config)
        elb = w.svc("elbv2")
        elb.weight_log.clear()
        call(w, "UpdateService", cluster="c1", service="web", taskDefinition=register(w, "nginx:2"))
        _watch_stages(w, lambda d: d["status"] == "SUCCESSFUL")
        prod = [dict(p)["tg-green"] for r, p in elb.weight_log if r == "rule-prod"]
        assert prod == steps, (strategy, prod)


def test_blue_green_failure_rolls_back_and_restores_weights():
    w = world()
    td1 = _bg_service(w)
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=register(w, "nginx:crashloop"))
    _, d = _watch_stages(w, lambda d: d["status"] in ("ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOPPED"))
    assert d["status"] == "ROLLBACK_SUCCESSFUL", d
    s = settled(w)
    assert s["taskDefinition"] == td1
    assert w.svc("elbv2").weights["rule-prod"]["tg-blue"] == 100


def test_stop_service_deployment_rollback_during_bake():
    w = world()
    td1 = _bg_service(w, bakeTimeInMinutes=30)
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=register(w, "nginx:2"))
    _, d = _watch_stages(w, lambda d: d.get("lifecycleStage") == "BAKE_TIME")
    assert w.svc("elbv2").weights["rule-prod"]["tg-green"] == 100
    out = call(w, "StopServiceDeployment", serviceDeploymentArn=d["serviceDeploymentArn"], stopType="ROLLBACK")
    assert out["serviceDeploymentArn"] == d["serviceDeploymentArn"]
    assert sds(w)[0]["status"] in ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")
    _, d = _watch_stages(w, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
    assert settled(w)["taskDefinition"] == td1
    assert w.svc("elbv2").weights["rule-prod"]["tg-blue"] == 100
    e = expect_error("ConflictException", call, w, "StopServiceDeployment",
                     serviceDeploymentArn=d["serviceDeploymentArn"], stopType="ROLLBACK")
    assert "ROLLBACK_SUCCESSFUL" in e.message
    expect_error("ServiceDeploymentNotFoundException", call, w, "StopServiceDeployment",
                 serviceDeploymentArn=d["serviceDeploymentArn"] + "x")


def test_stop_rolling_deployment_rollback():
    w = world()
    td1 = register(w, "nginx:1")
    create(w, td1, desired=1)
    settled(w)
    call(w, "UpdateService", cluster="c1", service="web", taskDefinition=register(w, "nginx:slowstart"))
    d = sds(w)[0]
    assert d["status"] == "IN_PROGRESS" and "lifecycleStage" not in d
    call(w, "StopServiceDeployment", serviceDeploymentArn=d["serviceDeploymentArn"], stopType="ROLLBACK")
    wait_for(lambda: sds(w)[0]["status"] == "ROLLBACK_SUCCESSFUL")
    assert settled(w)["taskDefinition"] == td1


def test_crash_via_control_api_is_replaced():
    w = world()
    create(w, register(w, "nginx:1"), desired=1)
    settled(w)
    tid = call(w, "ListTasks", cluster="c1", serviceName="web")["taskArns"][0].rsplit("/", 1)[1]
    assert w.svc("ecs").stop_task_as_crash(tid) is True
    t = call(w, "DescribeTasks", cluster="c1", tasks=[tid])["tasks"][0]
    assert t["desiredStatus"] == "STOPPED" and t["stopCode"] == "EssentialContainerExited"
    wait_for(lambda: (lambda s: s["runningCount"] == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED")(desc(w)))
    assert w.svc("ecs").stop_task_as_crash("nope") is False


def test_teardown_refusals_and_eni_linger():
    w = world(scale=0.002)
    td = register(w, "nginx:1")
    create(w, td, desired=1, lb=False)
    settled(w)
    e = expect_error("ClusterContainsServicesException", call, w, "DeleteCluster", cluster="c1")
    assert e.message == "The Cluster cannot be deleted while Services are active."
    e = expect_error("InvalidParameterException", call, w, "DeleteService", cluster="c1", service="web")
    assert e.message == "The service cannot be stopped while it is scaled above 0."
    del w.svc("iam").roles[w.exec_role]  # teardown order mistakes must not block scaling to 0
    call(w, "UpdateService", cluster="c1", service="web", desiredCount=0)
    assert call(w, "DeleteService", cluster="c1", service="web")["service"]["status"] == "DRAINING"
    expect_error("InvalidParameterException", create, w, td, desired=1, lb=False)
    expect_error("ServiceNotActiveException", call, w, "UpdateService", cluster="c1", service="web", desiredCount=1)
    wait_for(lambda: desc(w)["status"] == "INACTIVE")
    assert call(w, "ListServices", cluster="c1")["serviceArns"] == []
    assert len(w.svc("ec2").live_enis()) == 1, "the stopped task's ENI lingers"
    e = expect_error("InvalidParameterException", call, w, "RunTask", cluster="c1", taskDefinition=td,
                     launchType="FARGATE", networkConfiguration=NET)
    assert "unable to assume the role" in e.message
    w.svc("iam").add_role("exec", allows=["logs:*"])
    call(w, "RunTask", cluster="c1", taskDefinition=td, launchType="FARGATE", networkConfiguration=NET)
    e = expect_error("ClusterContainsTasksException", call, w, "DeleteCluster", cluster="c1")
    assert e.message == "The Cluster cannot be deleted while Tasks are active."
    tid = call(w, "ListTasks", cluster="c1")["taskArns"][0]
    assert call(w, "StopTask", cluster="c1", task=tid, reason="bye")["task"]["desiredStatus"] == "STOPPED"
    wait_for(lambda: call(w, "DescribeTasks", cluster="c1", tasks=[tid])["tasks"][0]["lastStatus"] == "STOPPED")
    t = call(w, "DescribeTasks", cluster="c1", tasks=[tid])["tasks"][0]
    assert t["stopCode"] == "UserInitiated" and t["stoppedReason"] == "bye"
    call(w, "DeleteCluster", cluster="c1")
    wait_for(lambda: not w.svc("ec2").live_enis(), timeout=5)
    res = w.svc("ecs").resources()
    assert res["clusters"] == [] and res["tasks"] == [] and res["services"] == []


def test_one_writer_deployment_and_container_health_checks():
    w = world()
    hc = {"command": ["CMD-SHELL", "wget -q -O- http://localhost:3000/health || exit 1"], "interval": 10,
          "retries": 2, "startPeriod": 30}
    env = [{"name": "DBWARD_DATA_DIR", "value": "/data"}]
    td1 = register(w, "ghcr.io/example/dbward-server:2.3.0", family="srv", containerDefinitions=[
        {"name": "server", "image": "ghcr.io/example/dbward-server:2.3.0", "healthCheck": hc, "environment": env}])
    create(w, td1, name="server", desired=1, lb=False,
           deploymentConfiguration={"minimumHealthyPercent": 0, "maximumPercent": 100, **CB})
    settled(w, "server")
    ecs = w.svc("ecs")
    first = next(tk for tk in ecs.tasks.values() if tk["lastStatus"] == "RUNNING")
    assert first["health"] == "HEALTHY"
    token = first["fs"].read("/data/agent-token")
    assert token.startswith(b"dwt_") and token == first["fs"].read("/var/lib/dbward/agent-token")
    td2 = register(w, "ghcr.io/example/dbward-server:2.4.0", family="srv", containerDefinitions=[
        {"name": "server", "image": "ghcr.io/example/dbward-server:2.4.0", "healthCheck": hc, "environment": env}])
    call(w, "UpdateService", cluster="c1", service="server", taskDefinition=td2)
    live = [tk for tk in ecs.tasks.values() if tk["desiredStatus"] == "RUNNING"]
    assert len(live) == 1 and live[0]["td"] == td2, "min 0 / max 100: the old task stops before the new starts"
    settled(w, "server")
    td3 = register(w, "x/dbward-server:unhealthy", family="srv", containerDefinitions=[
        {"name": "server", "image": "x/dbward-server:unhealthy", "healthCheck": hc, "environment": env}])
    call(w, "UpdateService", cluster="c1", service="server", taskDefinition=td3)
    s = settled(w, "server")
    assert s["taskDefinition"] == td2
    assert any("failed container health checks" in m for m in messages(s)), messages(s)
    failed = [t for t in stopped_tasks(w, "server") if t["taskDefinitionArn"] == td3]
    assert failed and failed[0]["stoppedReason"] == "Task failed container health checks"
    assert failed[0]["containers"][0]["healthStatus"] == "UNHEALTHY"


def test_periodic_log_lines():
    w = world(scale=0.0005)
    create(w, register(w, "nginx:1"), desired=1, lb=False)
    settled(w)
    time.sleep(0.8)  # periodic lines come at least 0.2 real seconds apart
    call(w, "ListClusters")
    streams = w.svc("logs").groups["/ecs/app"]
    (stream, events), = streams.items()
    lines = [m for _, m in events]
    assert lines[0].startswith("starting nginx:1 in task ") and lines[1] == "web: ready"
    alive = [m for m in lines if m.startswith("web: alive (")]
    assert len(alive) >= 3 and alive[:3] == ["web: alive (1)", "web: alive (2)", "web: alive (3)"], lines[:6]
    stamps = [ts for ts, _ in events]
    assert stamps == sorted(stamps)


def test_one_off_tasks_run_their_command_and_exit_with_its_code():
    w = world(scale=0.001)
    td = register(w, "nginx:1")

    def run(command, **extra):
        o = {"containerOverrides": [{"name": "web", "command": command}]}
        t = call(w, "RunTask", cluster="c1", taskDefinition=td, launchType="FARGATE", networkConfiguration=NET,
                 overrides=o, startedBy="ecsdeploy-run", **extra)["tasks"][0]
        assert t["overrides"]["containerOverrides"] == [{"name": "web", "command": command}], t["overrides"]
        tid = t["taskArn"]
        wait_for(lambda: call(w, "DescribeTasks", cluster="c1", tasks=[tid])["tasks"][0]["lastStatus"] == "STOPPED")
        return call(w, "DescribeTasks", cluster="c1", tasks=[tid])["tasks"][0]

    t = run(["sh", "-c", "echo migrating; echo done; exit 5"])
    assert t["stopCode"] == "EssentialContainerExited", t
    assert t["stoppedReason"] == "Essential container in task exited"
    assert t["containers"][0]["exitCode"] == 5 and t["startedBy"] == "ecsdeploy-run"
    tid = t["taskArn"].rsplit("/", 1)[1]
    events = w.svc("logs").groups["/ecs/app"][f"app/web/{tid}"]
    assert [m for _, m in events][-2:] == ["migrating", "done"], events
    ok = run(["sh", "-c", "printf 'a\\nb'; true"])
    assert ok["containers"][0]["exitCode"] == 0 and ok["stopCode"] == "EssentialContainerExited"
    oid = ok["taskArn"].rsplit("/", 1)[1]
    assert [m for _, m in w.svc("logs").groups["/ecs/app"][f"app/web/{oid}"]][-2:] == ["a", "b"]
    bad = run(["migrate-db", "--now"])
    assert bad["stopCode"] == "TaskFailedToStart" and "CannotStartContainerError" in bad["stoppedReason"], bad
    assert "exitCode" not in bad["containers"][0] and '"migrate-db"' in bad["containers"][0]["reason"]
    # a long command is stopped like any task
    o = {"containerOverrides": [{"name": "web", "command": ["sleep", "3600"]}]}
    long = call(w, "RunTask", cluster="c1", taskDefinition=td, launchType="FARGATE", networkConfiguration=NET,
                overrides=o)["tasks"][0]["taskArn"]
    wait_for(lambda: call(w, "DescribeTasks", cluster="c1", tasks=[long])["tasks"][0]["lastStatus"] == "RUNNING")
    call(w, "StopTask", cluster="c1", task=long, reason="interrupted")
    wait_for(lambda: call(w, "DescribeTasks", cluster="c1", tasks=[long])["tasks"][0]["lastStatus"] == "STOPPED")
    assert call(w, "DescribeTasks", cluster="c1", tasks=[long])["tasks"][0]["stopCode"] == "UserInitiated"
    # refusals as AWS words them
    e = expect_error("InvalidParameterException", call, w, "RunTask", cluster="c1", taskDefinition=td,
                     launchType="FARGATE", networkConfiguration=NET,
                     overrides={"containerOverrides": [{"name": "nosuch", "command": ["true"]}]})
    assert e.message == "Override for container named nosuch is not a container in the TaskDefinition."
    e = expect_error("InvalidParameterException", call, w, "RunTask", cluster="c1", taskDefinition=td,
                     launchType="FARGATE", networkConfiguration=NET,
                     overrides={"containerOverrides": [{"name": "web", "command": ["echo", "x" * 9000]}]})
    assert e.message == "Container Overrides length must be at most 8192"


if __name__ == "__main__":
    run_tests([test_clusters, test_task_definitions, test_service_validation_refusals,
               test_service_reaches_steady_state_with_tasks_enis_targets_logs_cloudmap,
               test_crashloop_rolls_back_to_previous_revision, test_circuit_breaker_without_rollback_fails,
               test_unhealthy_targets_replaced_then_rolled_back, test_slowstart_nopull_secrets_logs,
               test_blue_green_completes_and_flips_target_groups, test_canary_and_linear_shift_in_steps,
               test_blue_green_failure_rolls_back_and_restores_weights, test_stop_service_deployment_rollback_during_bake,
               test_stop_rolling_deployment_rollback, test_crash_via_control_api_is_replaced,
               test_teardown_refusals_and_eni_linger, test_one_writer_deployment_and_container_health_checks,
               test_periodic_log_lines, test_one_off_tasks_run_their_command_and_exit_with_its_code])
