"""What ECS checks when a service is created or updated: network, load balancers,
Cloud Map, roles (IAM eventual consistency), blue/green and volume configuration.
A mixin of the ECS service; other services are reached through the cross-service
methods of CONTRACTS.md and skipped when absent (unit tests with stand-ins)."""

from fakeaws.core import AwsError

ASSUME_MSG = ("ECS was unable to assume the role '{arn}' that was provided for this task. Please verify "
              "that the role being passed has the proper trust relationship and permissions and that your "
              "IAM user has permissions to pass this role.")


def invalid(msg):
    return AwsError("InvalidParameterException", msg)


class Validation:

    def _role_ok(self, arn, principal="ecs-tasks.amazonaws.com"):
        """ECS can assume the role: it exists, IAM has propagated it, and its trust policy
        names `principal` (ecs-tasks.amazonaws.com for task and execution roles,
        ecs.amazonaws.com for infrastructure roles)."""
        iam = self._svc_opt("iam")
        if iam is None:
            return True
        if iam.role_by_arn(arn) is None or not iam.role_assumable(arn):
            return False
        trusts = getattr(iam, "role_trusts_service", None)
        return trusts is None or bool(trusts(arn, principal))

    def _role_has_policy(self, arn, policy_name, action):
        iam = self._svc_opt("iam")
        if iam is None:
            return True
        role = iam.role_by_arn(arn) or {}
        for p in role.get("AttachedPolicies") or []:
            name = p.get("PolicyName") or p.get("PolicyArn", "") if isinstance(p, dict) else str(p)
            if policy_name in name:
                return True
        return bool(iam.role_allows(arn, action))

    def validate_task_roles(self, td):
        for key in ("taskRoleArn", "executionRoleArn"):
            arn = td.get(key)
            if arn and not self._role_ok(arn):
                raise invalid(ASSUME_MSG.format(arn=arn))

    def validate_network(self, ctx, svc, td):
        awsvpc = td.get("networkMode") == "awsvpc"
        fargate = svc.get("launchType") == "FARGATE" or any(
            s.get("capacityProvider") in ("FARGATE", "FARGATE_SPOT") for s in svc.get("capacityProviderStrategy") or [])
        if fargate and "FARGATE" not in td.get("compatibilities", []):
            raise invalid("Task definition does not support launch_type FARGATE.")
        net = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration")
        if awsvpc and not net:
            raise invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
        if not awsvpc and net:
            raise invalid("Network Configuration is not valid for the given networkMode of this task definition.")
        if not net:
            return None
        subnets, groups = net.get("subnets") or [], net.get("securityGroups") or []
        if not subnets:
            raise invalid("subnets can not be empty.")
        if len(subnets) > 16:
            raise invalid("subnets can have at most 16 items.")
        if len(groups) > 5:
            raise invalid("securityGroups can have at most 5 items.")
        if fargate and net.get("assignPublicIp") not in (None, "ENABLED", "DISABLED"):
            raise invalid("assignPublicIp must be ENABLED or DISABLED.")
        ec2 = self._svc_opt("ec2")
        if ec2 is None:
            return None
        vpcs = set()
        for s in subnets:
            sub = ec2.subnet(s)
            if sub is None:
                raise invalid(f"Error retrieving subnet information for [{s}]: The subnet ID '{s}' does not "
                              "exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)")
            vpcs.add(sub.get("VpcId"))
        if len(vpcs) > 1:
            raise invalid("The subnets provided must all belong to the same VPC.")
        for g in groups:
            sg = ec2.security_group(g)
            if sg is None:
                raise invalid(f"Error retrieving security group information for [{g}]: The security group "
                              f"'{g}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: "
                              "InvalidGroup.NotFound)")
            if sg.get("VpcId") not in vpcs:
                raise invalid(f"Security group {g} does not belong to the VPC of the subnets ({', '.join(sorted(vpcs))}).")
        return vpcs.pop() if vpcs else None

    def _check_target_group(self, arn, td, lb, awsvpc, must_be_forwarded=True):
        elb = self._svc_opt("elbv2")
        if elb is None:
            return
        tg = elb.target_group(arn)
        if tg is None:
            raise invalid(f"Unable to find target group {arn}: TargetGroupNotFound.")
        if awsvpc and tg.get("TargetType", "ip") != "ip":
            raise invalid(f"The provided target group {arn} has target type {tg.get('TargetType')}, which is "
                          "incompatible with the awsvpc network mode specified in the task definition.")
        if must_be_forwarded and not elb.target_group_forwarded(arn):
            raise invalid(f"The target group with targetGroupArn {arn} does not have an associated load balancer.")

    def validate_load_balancers(self, svc, td):
        lbs = svc.get("loadBalancers") or []
        strategy = (svc.get("deploymentConfiguration") or {}).get("strategy") or "ROLLING"
        awsvpc = td.get("networkMode") == "awsvpc"
        names = {c["name"]: c for c in td["containerDefinitions"]}
        for lb in lbs:
            if not lb.get("targetGroupArn"):
                raise invalid("targetGroupArn must be specified for an Application Load Balancer.")
            cname, port = lb.get("containerName"), lb.get("containerPort")
            if cname not in names:
                raise invalid(f"The container {cname} does not exist in the task definition.")
            ports = [pm.get("containerPort") for pm in names[cname].get("portMappings") or []]
            if port not in ports:
                raise invalid(f"The container {cname} did not have a container port {port} defined.")
            self._check_target_group(lb["targetGroupArn"], td, lb, awsvpc)
            adv = lb.get("advancedConfiguration")
            if strategy in ("BLUE_GREEN", "CANARY", "LINEAR"):
                if not adv:
                    raise invalid(f"advancedConfiguration is required for each load balancer when the deployment "
                                  f"strategy is {strategy}.")
            if adv:
                self._check_advanced(adv, lb, awsvpc, td)
        if svc.get("role") and awsvpc:
            raise invalid("You cannot specify an IAM role for services that require a service linked role.")

    def _check_advanced(self, adv, lb, awsvpc, td):
        for k in ("alternateTargetGroupArn", "productionListenerRule", "roleArn"):
            if not adv.get(k):
                raise invalid(f"advancedConfiguration.{k} must be specified.")
        alt = adv["alternateTargetGroupArn"]
        if alt == lb["targetGroupArn"]:
            raise invalid("alternateTargetGroupArn must differ from targetGroupArn.")
        # the alternate group gets traffic only through ECS's weight shifts
        self._check_target_group(alt, td, lb, awsvpc, must_be_forwarded=False)
        elb = self._svc_opt("elbv2")
        for key in ("productionListenerRule", "testListenerRule"):
            rule_arn = adv.get(key)
            if not rule_arn or elb is None:
                continue
            rule = elb.rule(rule_arn)
            if rule is None:
                raise invalid(f"The listener rule {rule_arn} given as {key} does not exist.")
            actions = rule.get("Actions") or []
            if any(a.get("Type") != "forward" for a in actions):
                raise invalid(f"The listener rule {rule_arn} given as {key} must have a single forward action.")
        role = adv["roleArn"]
        if not self._role_ok(role, "ecs.amazonaws.com"):
            raise invalid(ASSUME_MSG.format(arn=role))
        if not self._role_has_policy(role, "AmazonECSInfrastructureRolePolicyForLoadBalancers",
                                     "elasticloadbalancing:ModifyRule"):
            raise invalid(f"The infrastructure role {role} does not allow Amazon ECS to manage the load balancer "
                          "resources (elasticloadbalancing:ModifyRule).")

    def validate_registries(self, svc):
        regs = svc.get("serviceRegistries") or []
        if len(regs) > 1:
            raise invalid("Only one service registry is supported per service.")
        sdsvc = self._svc_opt("servicediscovery")
        for r in regs:
            if not r.get("registryArn"):
                raise invalid("registryArn must be specified.")
            if sdsvc is not None and sdsvc.service_by_arn(r["registryArn"]) is None:
                raise invalid(f"The service registry {r['registryArn']} was not found.")

    def validate_volumes(self, svc, td):
        at_launch = {v["name"] for v in td.get("volumes") or [] if v.get("configuredAtLaunch")}
        for vc in svc.get("volumeConfigurations") or []:
            if vc["name"] not in at_launch:
                raise invalid(f"The volume {vc['name']} is not configured at launch in the task definition.")
            ebs = vc.get("managedEBSVolume")
            if not ebs:
                raise invalid(f"managedEBSVolume must be specified for volume {vc['name']}.")
            role = ebs.get("roleArn")
            if not self._role_ok(role, "ecs.amazonaws.com"):
                raise invalid(ASSUME_MSG.format(arn=role))
            if not self._role_has_policy(role, "AmazonECSInfrastructureRolePolicyForVolumes", "ec2:CreateVolume"):
                raise invalid(f"The infrastructure role {role} does not allow Amazon ECS to manage EBS volumes "
                              "(ec2:CreateVolume).")
        configured = {vc["name"] for vc in svc.get("volumeConfigurations") or []}
        missing = sorted(at_launch - configured)
        if missing:
            raise invalid(f"The task definition has volumes configured at launch ({', '.join(missing)}) but the "
                          "service has no volumeConfigurations for them.")

    def validate_deployment(self, svc):
        cfg = svc.get("deploymentConfiguration") or {}
        ctrl = (svc.get("deploymentController") or {}).get("type", "ECS")
        mn, mx = cfg.get("minimumHealthyPercent", 100), cfg.get("maximumPercent", 200)
        if mn is not None and not 0 <= mn <= 100:
            raise invalid("minimumHealthyPercent must be between 0 and 100.")
        if mx is not None and mx < 100:
            raise invalid("maximumPercent must be at least 100.")
        strategy = cfg.get("strategy") or "ROLLING"
        if strategy != "ROLLING" and ctrl != "ECS":
            raise invalid(f"The deployment strategy {strategy} requires the ECS deployment controller.")
        if strategy == "CANARY":
            cc = cfg.get("canaryConfiguration") or {}
            if cc.get("canaryPercent") is not None and not 0.1 <= cc["canaryPercent"] <= 100:
                raise invalid("canaryPercent must be between 0.1 and 100.")
        if strategy == "LINEAR":
            lc = cfg.get("linearConfiguration") or {}
            if lc.get("stepPercent") is not None and not 3 <= lc["stepPercent"] <= 100:
                raise invalid("stepPercent must be between 3 and 100.")
        if cfg.get("canaryConfiguration") and strategy != "CANARY":
            raise invalid("canaryConfiguration is only valid with the CANARY deployment strategy.")
        if cfg.get("linearConfiguration") and strategy != "LINEAR":
            raise invalid("linearConfiguration is only valid with the LINEAR deployment strategy.")
        bake = cfg.get("bakeTimeInMinutes")
        if bake is not None and not 0 <= bake <= 1440:
            raise invalid("bakeTimeInMinutes must be between 0 and 1440.")

    def validate_platform(self, requested):
        from fakeaws.ecs_deploy import PLATFORM_VERSIONS
        if requested not in (None, "", "LATEST") + PLATFORM_VERSIONS:
            raise AwsError("PlatformUnknownException", "The specified platform version does not exist.")

    def validate_service(self, ctx, cluster, svc, td):
        self.validate_platform(svc.get("platformVersion"))
        self.validate_deployment(svc)
        self.validate_network(ctx, svc, td)
        self.validate_load_balancers(svc, td)
        self.validate_registries(svc)
        self.validate_volumes(svc, td)
        self.validate_service_connect(ctx, cluster, svc, td)
        self.validate_task_roles(td)
        if svc.get("role") and not self._role_ok(svc["role"], "ecs.amazonaws.com"):
            raise invalid("Unable to assume role and validate the specified targetGroupArn. Please verify that "
                          "the ECS service role being passed has the proper permissions.")
