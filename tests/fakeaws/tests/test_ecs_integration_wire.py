"""ECS with the real parts around it, through the server (botocore): Cloud Map
registration and custom health, Secrets Manager values reaching the container (and a
missing secret failing the task), awslogs streams in CloudWatch Logs (and a missing log
group failing the task), ENIs that linger after tasks stop and block security group
deletion, and the dbward first-run dance: the token the server writes is read through ECS
Exec and stored as a secret the agents get."""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fakelib import ECS_TASKS_TRUST, Fake, Report

EXEC_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"}]})



def main():
    r = Report()
    with Fake(time_scale=0.005) as fake:
        ec2, ecs, sd = fake.client("ec2"), fake.client("ecs"), fake.client("servicediscovery")
        sm, logs, iam = fake.client("secretsmanager"), fake.client("logs"), fake.client("iam")
        vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
        for attr in ("EnableDnsSupport", "EnableDnsHostnames"):
            ec2.modify_vpc_attribute(VpcId=vpc, **{attr: {"Value": True}})
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
        op = sd.create_private_dns_namespace(Name="dbward.internal", Vpc=vpc)["OperationId"]
        ns = r.wait(lambda: (lambda o: o["Status"] == "SUCCESS" and o)(sd.get_operation(OperationId=op)["Operation"]),
                  "namespace")["Targets"]["NAMESPACE"]
        reg = sd.create_service(Name="server", NamespaceId=ns, DnsConfig={"DnsRecords": [{"Type": "A", "TTL": 10}]},
                                HealthCheckCustomConfig={"FailureThreshold": 1})["Service"]
        ex = iam.create_role(RoleName="app-exec", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
        iam.attach_role_policy(RoleName="app-exec",
                               PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        # ECS reads the tasks' secrets with the execution role: it must be allowed to
        iam.put_role_policy(RoleName="app-exec", PolicyName="secrets", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                                    "Resource": "arn:aws:secretsmanager:*:*:secret:dbward/*"}]}))
        task_role = iam.create_role(RoleName="app-task", AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
        iam.put_role_policy(RoleName="app-task", PolicyName="exec", PolicyDocument=EXEC_POLICY)
        logs.create_log_group(logGroupName="/ecs/dbward")
        db = sm.create_secret(Name="dbward/database-url", SecretString="postgres://u:p@db/x")["ARN"]
        ecs.create_cluster(clusterName="app")
        slr = iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]
        r.eq(slr["Path"], "/aws-service-role/ecs.amazonaws.com/", "the first cluster made the service-linked role")
        time.sleep(0.1)  # let IAM propagate (8 s of AWS time at this scale)

        def td(family, image, secrets, env=(), group="/ecs/dbward"):
            return ecs.register_task_definition(
                family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                executionRoleArn=ex, taskRoleArn=task_role,
                containerDefinitions=[{"name": family, "image": image, "environment": list(env), "secrets": secrets,
                                       "logConfiguration": {"logDriver": "awslogs", "options": {
                                           "awslogs-group": group, "awslogs-region": "us-east-1",
                                           "awslogs-stream-prefix": "ecs"}}}])["taskDefinition"]["taskDefinitionArn"]

        net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg]}}
        server_td = td("server", "ghcr.io/example/dbward-server:2.3.0",
                       [{"name": "DBWARD_DATABASE_URL", "valueFrom": db}], [{"name": "DBWARD_DATA_DIR", "value": "/data"}])
        ecs.create_service(cluster="app", serviceName="server", taskDefinition=server_td, desiredCount=1,
                           launchType="FARGATE", networkConfiguration=net, enableExecuteCommand=True,
                           serviceRegistries=[{"registryArn": reg["Arn"]}])
        r.wait(lambda: (lambda s: s["deployments"][0]["rolloutState"] == "COMPLETED" and s)(
            ecs.describe_services(cluster="app", services=["server"])["services"][0]), "server steady")
        inst = sd.list_instances(ServiceId=reg["Id"])["Instances"]
        r.eq(len(inst), 1, "one Cloud Map instance")
        if inst:
            r.check(inst[0]["Attributes"]["AWS_INSTANCE_IPV4"].startswith("10.7.1."), f"instance {inst[0]}")
            r.eq(inst[0]["Attributes"].get("ECS_SERVICE_NAME"), "server", "instance names its service")
            import botocore.session
            from botocore.config import Config
            data_plane = botocore.session.get_session().create_client(
                "servicediscovery", region_name="us-east-1", endpoint_url=fake.url, aws_access_key_id="test",
                aws_secret_access_key="test", config=Config(inject_host_prefix=False))
            found = data_plane.discover_instances(NamespaceName="dbward.internal", ServiceName="server")["Instances"]
            r.eq([i["HealthStatus"] for i in found], ["HEALTHY"], "custom health reported")
        # logs: the start lines, never the secret
        streams = logs.describe_log_streams(logGroupName="/ecs/dbward")["logStreams"]
        r.eq(len(streams), 1, "one stream")
        events = logs.filter_log_events(logGroupName="/ecs/dbward")["events"]
        text = "\n".join(e["message"] for e in events)
        r.check("agent token written to /data/agent-token" in text, f"server start lines: {text[:300]}")
        r.check("postgres://" not in text, "the secret value is not logged")
        # the first-run dance: read the token through exec, store it as a secret
        import test_ecs_exec as X
        arn = ecs.list_tasks(cluster="app", serviceName="server")["taskArns"][0]
        r.wait(lambda: X.agent_running(ecs, "app", arn), "exec agent")
        s = ecs.execute_command(cluster="app", task=arn, command="cat /data/agent-token", interactive=True)["session"]
        c = X.session_client(fake.port, s)
        token = c.run(timeout=20).strip().decode()
        r.check(token.startswith("dwt_") and len(token) == 44, "token read through exec")
        tok = sm.create_secret(Name="dbward/agent-token", SecretString=token)["ARN"]
        agent_td = td("agent", "ghcr.io/example/dbward-agent:2.3.0", [{"name": "DBWARD_AGENT_TOKEN", "valueFrom": tok}],
                      [{"name": "DBWARD_SERVER_URL", "value": "http://server.dbward.internal:3000"}])
        ecs.create_service(cluster="app", serviceName="agent", taskDefinition=agent_td, desiredCount=2,
                           launchType="FARGATE", networkConfiguration=net, enableExecuteCommand=True)
        r.wait(lambda: (lambda s: s["deployments"][0]["rolloutState"] == "COMPLETED" and s)(
            ecs.describe_services(cluster="app", services=["agent"])["services"][0]), "agents steady")
        arn = ecs.list_tasks(cluster="app", serviceName="agent")["taskArns"][0]
        r.wait(lambda: X.agent_running(ecs, "app", arn), "agent exec agent")
        s = ecs.execute_command(cluster="app", task=arn, command="cat /run/dbward-agent/token", interactive=True)["session"]
        c = X.session_client(fake.port, s)
        r.eq(c.run(timeout=20).strip().decode(), token, "the agent got the token")
        # data-channel faults set through the control API: the output still arrives exact
        status, _ = fake.control("POST", "/_fake/faults", {"seed": 5, "exec": [
            {"action": "drop", "rate": 0.05}, {"action": "duplicate", "rate": 0.05},
            {"action": "reorder", "rate": 0.05}]})
        r.eq(status, 200, "exec fault rules set")
        s = ecs.execute_command(cluster="app", task=arn, command="seq 1 5000", interactive=True)["session"]
        c = X.session_client(fake.port, s)
        r.eq(c.run(timeout=30), b"".join(b"%d\n" % i for i in range(1, 5001)), "exact output under faults")
        status, state = fake.control("GET", "/_fake/faults")
        applied = {x["action"]: x["applied"] for x in (state or {}).get("exec", [])}
        r.check(status == 200 and all(applied.get(a, 0) > 0 for a in ("drop", "duplicate", "reorder")),
                f"faults applied: {state}")
        fake.control("POST", "/_fake/faults", {"rules": [], "exec": []})
        # a missing secret, one the execution role may not read and a missing log group
        # fail the task at start
        gone = td("broken", "nginx:1", [{"name": "X", "valueFrom": db.replace("database-url", "nope")}])
        other = sm.create_secret(Name="elsewhere/key", SecretString="k")["ARN"]
        denied = td("denied", "nginx:1", [{"name": "X", "valueFrom": other}])
        nolog = td("nolog", "nginx:1", [], group="/ecs/missing")
        for name, tdef, want in (("broken", gone, "ResourceInitializationError: unable to pull secrets"),
                                 ("denied", denied, "ResourceInitializationError: unable to pull secrets or "
                                  "registry auth: execution resource retrieval failed: unable to retrieve "
                                  "secret from asm"),
                                 ("nolog", nolog, "ResourceInitializationError: failed to validate logger args")):
            t = ecs.run_task(cluster="app", taskDefinition=tdef, launchType="FARGATE", networkConfiguration=net)["tasks"][0]
            stopped = r.wait(lambda: (lambda x: x["lastStatus"] == "STOPPED" and x)(
                ecs.describe_tasks(cluster="app", tasks=[t["taskArn"]])["tasks"][0]), f"{name} stopped")
            if stopped:
                r.check(stopped["stoppedReason"].startswith(want) and
                        (name != "denied" or "AccessDeniedException" in stopped["stoppedReason"]),
                        f"{name}: {stopped['stoppedReason']}")
                r.eq(stopped["stopCode"], "TaskFailedToStart", f"{name} stop code")
        # teardown: Cloud Map service in use, ENIs linger and block the security group
        from botocore.exceptions import ClientError
        try:
            sd.delete_service(Id=reg["Id"])
            r.check(False, "deleting a Cloud Map service with instances must fail")
        except ClientError as e:
            r.eq(e.response["Error"]["Code"], "ResourceInUse", "Cloud Map service in use")
        for svc in ("server", "agent"):
            ecs.update_service(cluster="app", service=svc, desiredCount=0)
            ecs.delete_service(cluster="app", service=svc)
        r.wait(lambda: all(s["status"] == "INACTIVE" for s in
                            ecs.describe_services(cluster="app", services=["server", "agent"])["services"]), "INACTIVE")
        r.eq(sd.list_instances(ServiceId=reg["Id"])["Instances"], [], "instances deregistered")
        sd.delete_service(Id=reg["Id"])
        try:
            ec2.delete_security_group(GroupId=sg)
            r.check(False, "the security group must be blocked by lingering ENIs")
        except ClientError as e:
            r.eq(e.response["Error"]["Code"], "DependencyViolation", "ENIs linger")
        r.wait(lambda: not ec2.describe_network_interfaces(
            Filters=[{"Name": "group-id", "Values": [sg]}])["NetworkInterfaces"], "ENIs gone", timeout=20)
        ec2.delete_security_group(GroupId=sg)
        ecs.delete_cluster(cluster="app")
    r.finish()


if __name__ == "__main__":
    main()
