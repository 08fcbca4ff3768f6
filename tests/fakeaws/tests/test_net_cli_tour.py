#!/usr/bin/python3
"""A tour of the fake's network services with Debian's AWS CLI v2: build a VPC with
subnets, gateways, NAT, security groups, an ALB with a target group, listener and rule,
and a Cloud Map namespace with a service; check the dependency refusals AWS gives
(DependencyViolation, ResourceInUse, AuthFailure, ...); tear everything down. Every
command must succeed or fail exactly as AWS would, and the CLI must parse every answer.

Most commands run the CLI's own entry point (the code /usr/bin/aws runs) inside this
process, one driver for the tour, because starting /usr/bin/aws costs half a second a
command; a few run the real /usr/bin/aws executable as a check of the whole path."""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AWS = "/usr/bin/aws"
SCALE = 0.01             # 150 s of ALB provisioning take 1.5 s


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


if not os.access(AWS, os.X_OK):
    skip("/usr/bin/aws (Debian's AWS CLI v2) is not installed")
if not os.path.exists(os.path.join(os.path.dirname(HERE), "run")):
    skip("the fake's server (tests/fakeaws/run) is not there yet")

sys.path.insert(0, HERE)
from fakelib import Fake  # noqa: E402


class Tour:
    def __init__(self, url):
        self.url = url
        self.home = tempfile.mkdtemp(prefix="fakenet-cli-")
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "AWS_ACCESS_KEY_ID": "test",
                    "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1", "LC_ALL": "C.UTF-8"}
        self.passed = self.failed = 0
        os.environ.update(self.env)
        import awscli.clidriver
        self.cli = awscli.clidriver
        # One fresh driver per command (commands register handlers on their session), all
        # sharing one model loader so that each service model is read once.
        self.loader = awscli.clidriver.create_clidriver().session.get_component("data_loader")
        self.binary = False

    def _driver(self):
        driver = self.cli.create_clidriver()
        driver.session.register_component("data_loader", self.loader)
        return driver

    def _run(self, args):
        args = ["--endpoint-url", self.url, "--output", "json"] + list(args)
        if self.binary:
            return subprocess.run([AWS] + args, env=self.env, capture_output=True, text=True,
                                  timeout=60)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = self.cli.AWSCLIEntryPoint(self._driver()).main(args)
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 255
        return subprocess.CompletedProcess(args, rc, out.getvalue(), err.getvalue())

    @contextlib.contextmanager
    def real_binary(self):
        """Run the commands inside the block with the /usr/bin/aws executable."""
        self.binary = True
        try:
            yield
        finally:
            self.binary = False

    def ok(self, *args):
        """Run a command that must succeed; returns its parsed JSON output (or {})."""
        p = self._run(args)
        what = " ".join(args[:2])
        if p.returncode != 0:
            self.fail(f"{what}: exit {p.returncode}: {p.stderr.strip()[-400:]}")
            return {}
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else {}
        except ValueError:
            self.fail(f"{what}: output is not JSON: {p.stdout[:200]!r}")
            return {}
        self.passed += 1
        return out

    def err(self, code, *args):
        """Run a command that must fail with AWS error `code` (the CLI exits 254)."""
        p = self._run(args)
        what = " ".join(args[:2])
        if p.returncode == 254 and f"({code})" in p.stderr:
            self.passed += 1
        else:
            self.fail(f"{what}: want error {code}, got exit {p.returncode}: "
                      f"{(p.stderr or p.stdout).strip()[-400:]}")

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.fail(what)

    def fail(self, what):
        self.failed += 1
        print(f"FAIL: {what}", flush=True)

    def wait(self, aws_seconds):
        time.sleep(aws_seconds * SCALE + 0.05)


def network(t):
    with t.real_binary():
        vpc = t.ok("ec2", "create-vpc", "--cidr-block", "10.20.0.0/16", "--tag-specifications",
                   "ResourceType=vpc,Tags=[{Key=Name,Value=tour}]").get("Vpc", {}).get("VpcId")
        t.err("InvalidVpc.Range", "ec2", "create-vpc", "--cidr-block", "10.0.0.0/8")
    t.ok("ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames",
         '{"Value": true}')
    attr = t.ok("ec2", "describe-vpc-attribute", "--vpc-id", vpc, "--attribute",
                "enableDnsHostnames")
    t.check(attr.get("EnableDnsHostnames") == {"Value": True}, f"dns hostnames: {attr}")
    vpcs = t.ok("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=tour")["Vpcs"]
    t.check([v["VpcId"] for v in vpcs] == [vpc], f"describe-vpcs by tag: {vpcs}")
    default = t.ok("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"]
    t.check(len(default) == 1 and default[0]["CidrBlock"] == "172.31.0.0/16", "default VPC")
    zones = t.ok("ec2", "describe-availability-zones")["AvailabilityZones"]
    t.check([z["ZoneName"] for z in zones][:2] == ["us-east-1a", "us-east-1b"], "zones")
    sub_a = t.ok("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.20.0.0/24",
                 "--availability-zone", "us-east-1a")["Subnet"]["SubnetId"]
    sub_b = t.ok("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.20.1.0/24",
                 "--availability-zone", "us-east-1b")["Subnet"]["SubnetId"]
    t.err("InvalidSubnet.Conflict", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
          "10.20.1.0/25")
    t.ok("ec2", "modify-subnet-attribute", "--subnet-id", sub_a, "--map-public-ip-on-launch")
    igw = t.ok("ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
    t.ok("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    rtb = t.ok("ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
    t.ok("ec2", "create-route", "--route-table-id", rtb, "--destination-cidr-block",
         "0.0.0.0/0", "--gateway-id", igw)
    assoc = t.ok("ec2", "associate-route-table", "--route-table-id", rtb, "--subnet-id",
                 sub_a).get("AssociationId")
    alloc = t.ok("ec2", "allocate-address", "--domain", "vpc")["AllocationId"]
    nat = t.ok("ec2", "create-nat-gateway", "--subnet-id", sub_a, "--allocation-id", alloc,
               "--client-token", "tour-nat-1")["NatGateway"]
    t.check(nat.get("State") == "pending", f"new NAT gateway state: {nat.get('State')}")
    alb_sg = t.ok("ec2", "create-security-group", "--group-name", "tour-alb", "--description",
                  "tour alb", "--vpc-id", vpc)["GroupId"]
    task_sg = t.ok("ec2", "create-security-group", "--group-name", "tour-task",
                   "--description", "tour tasks", "--vpc-id", vpc)["GroupId"]
    t.err("InvalidGroup.Duplicate", "ec2", "create-security-group", "--group-name", "tour-alb",
          "--description", "again", "--vpc-id", vpc)
    t.err("InvalidParameterValue", "ec2", "create-security-group", "--group-name", "sg-tour",
          "--description", "bad name", "--vpc-id", vpc)
    t.ok("ec2", "authorize-security-group-ingress", "--group-id", alb_sg, "--protocol", "tcp",
         "--port", "80", "--cidr", "0.0.0.0/0")
    ref = t.ok("ec2", "authorize-security-group-ingress", "--group-id", task_sg,
               "--ip-permissions", json.dumps([{"IpProtocol": "tcp", "FromPort": 8080,
                                                "ToPort": 8080,
                                                "UserIdGroupPairs": [{"GroupId": alb_sg}]}]))
    rule_id = (ref.get("SecurityGroupRules") or [{}])[0].get("SecurityGroupRuleId", "")
    t.check(rule_id.startswith("sgr-"), f"rule id returned: {ref}")
    rules = t.ok("ec2", "describe-security-group-rules", "--filters",
                 f"Name=group-id,Values={task_sg}")["SecurityGroupRules"]
    t.check(len(rules) == 2, f"task group rules (egress + ingress): {rules}")
    return dict(vpc=vpc, sub_a=sub_a, sub_b=sub_b, igw=igw, rtb=rtb, assoc=assoc, alloc=alloc,
                nat=nat.get("NatGatewayId"), alb_sg=alb_sg, task_sg=task_sg, rule_id=rule_id)


def load_balancing(t, n):
    lb = t.ok("elbv2", "create-load-balancer", "--name", "tour-alb", "--subnets", n["sub_a"],
              n["sub_b"], "--security-groups", n["alb_sg"], "--tags",
              "Key=app,Value=tour")["LoadBalancers"][0]
    t.check(lb["State"]["Code"] == "provisioning", f"new ALB state: {lb['State']}")
    t.err("ValidationError", "elbv2", "create-load-balancer", "--name", "tour-alb-2",
          "--subnets", n["sub_a"])
    tg = t.ok("elbv2", "create-target-group", "--name", "tour-tg", "--protocol", "HTTP",
              "--port", "8080", "--vpc-id", n["vpc"], "--target-type", "ip",
              "--health-check-path", "/health", "--health-check-interval-seconds", "10",
              "--healthy-threshold-count", "2")["TargetGroups"][0]["TargetGroupArn"]
    t.err("ValidationError", "elbv2", "create-target-group", "--name", "internal-tg",
          "--protocol", "HTTP", "--port", "80", "--vpc-id", n["vpc"], "--target-type", "ip")
    t.ok("elbv2", "modify-target-group-attributes", "--target-group-arn", tg, "--attributes",
         "Key=deregistration_delay.timeout_seconds,Value=30")
    t.err("CertificateNotFound", "elbv2", "create-listener", "--load-balancer-arn",
          lb["LoadBalancerArn"], "--protocol", "HTTPS", "--port", "443", "--certificates",
          "CertificateArn=nonsense", "--default-actions", f"Type=forward,TargetGroupArn={tg}")
    listener = t.ok("elbv2", "create-listener", "--load-balancer-arn", lb["LoadBalancerArn"],
                    "--protocol", "HTTP", "--port", "80", "--default-actions",
                    f"Type=forward,TargetGroupArn={tg}")["Listeners"][0]["ListenerArn"]
    t.err("DuplicateListener", "elbv2", "create-listener", "--load-balancer-arn",
          lb["LoadBalancerArn"], "--protocol", "HTTP", "--port", "80", "--default-actions",
          f"Type=forward,TargetGroupArn={tg}")
    rule = t.ok("elbv2", "create-rule", "--listener-arn", listener, "--priority", "10",
                "--conditions", "Field=path-pattern,Values=/api/*", "--actions",
                f"Type=forward,TargetGroupArn={tg}")["Rules"][0]["RuleArn"]
    t.err("PriorityInUse", "elbv2", "create-rule", "--listener-arn", listener, "--priority",
          "10", "--conditions", "Field=path-pattern,Values=/x", "--actions",
          f"Type=forward,TargetGroupArn={tg}")
    t.ok("elbv2", "register-targets", "--target-group-arn", tg, "--targets",
         "Id=10.20.0.50,Port=8080")
    t.err("ResourceInUse", "elbv2", "delete-target-group", "--target-group-arn", tg)
    return dict(lb=lb["LoadBalancerArn"], tg=tg, listener=listener, rule=rule)


def load_balancer_ready(t, lb, waited):
    t.wait(151 + 10 * 2 - waited)
    tg, listener = lb["tg"], lb["listener"]
    got = t.ok("elbv2", "describe-load-balancers", "--names", "tour-alb")["LoadBalancers"]
    t.check(got and got[0]["State"]["Code"] == "active", f"ALB after provisioning: {got}")
    health = t.ok("elbv2", "describe-target-health", "--target-group-arn",
                  tg)["TargetHealthDescriptions"]
    t.check([h["TargetHealth"]["State"] for h in health] == ["healthy"], f"health: {health}")
    rules = t.ok("elbv2", "describe-rules", "--listener-arn", listener)["Rules"]
    t.check([r["Priority"] for r in rules] == ["10", "default"], f"rules: {rules}")


def cloud_map(t, n):
    op = t.ok("servicediscovery", "create-private-dns-namespace", "--name", "tour.local",
              "--vpc", n["vpc"], "--creator-request-id", "tour-ns-1")["OperationId"]
    status = t.ok("servicediscovery", "get-operation", "--operation-id", op)["Operation"]
    t.check(status["Type"] == "CREATE_NAMESPACE", f"fresh operation: {status}")
    again = t.ok("servicediscovery", "create-private-dns-namespace", "--name", "tour.local",
                 "--vpc", n["vpc"], "--creator-request-id", "tour-ns-1")["OperationId"]
    t.check(again == op, "a retried create with the same CreatorRequestId")
    t.wait(61)
    status = t.ok("servicediscovery", "get-operation", "--operation-id", op)["Operation"]
    t.check(status["Status"] == "SUCCESS", f"operation after a minute: {status}")
    ns = status["Targets"]["NAMESPACE"]
    svc = t.ok("servicediscovery", "create-service", "--name", "api", "--namespace-id", ns,
               "--dns-config", "RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=10}]",
               "--health-check-custom-config", "FailureThreshold=1")["Service"]["Id"]
    t.ok("servicediscovery", "register-instance", "--service-id", svc, "--instance-id",
         "task-1", "--attributes", "AWS_INSTANCE_IPV4=10.20.0.50")
    t.err("ResourceInUse", "servicediscovery", "delete-namespace", "--id", ns)
    t.err("ResourceInUse", "servicediscovery", "delete-service", "--id", svc)
    listed = t.ok("servicediscovery", "list-namespaces")["Namespaces"]
    t.check([x["Name"] for x in listed] == ["tour.local"], f"namespaces: {listed}")
    return dict(ns=ns, svc=svc)


def refusals(t, n):
    with t.real_binary():
        t.err("DependencyViolation", "ec2", "delete-security-group", "--group-id", n["alb_sg"])
    t.err("DependencyViolation", "ec2", "delete-subnet", "--subnet-id", n["sub_a"])
    t.err("DependencyViolation", "ec2", "delete-vpc", "--vpc-id", n["vpc"])
    t.err("DependencyViolation", "ec2", "delete-internet-gateway", "--internet-gateway-id",
          n["igw"])
    t.err("DependencyViolation", "ec2", "delete-route-table", "--route-table-id", n["rtb"])
    t.err("AuthFailure", "ec2", "release-address", "--allocation-id", n["alloc"])


def linger_refusal(t, group, lb_deleted):
    """The ALB's interfaces linger 240 s of AWS time (2.4 s here): a group deletion inside
    that window is refused. On a loaded machine the call may come later than the window, and
    then it must succeed; either answer is checked against the time it was sent. Returns
    whether the group is gone."""
    sent = time.monotonic()
    p = t._run(("ec2", "delete-security-group", "--group-id", group))
    inside = sent - lb_deleted < 240 * SCALE
    if p.returncode == 254 and "(DependencyViolation)" in p.stderr:
        t.passed += 1
        return False
    if p.returncode == 0 and not inside:
        t.passed += 1
        return True
    t.fail(f"delete-security-group {sent - lb_deleted:.2f} s after the ALB's deletion "
           f"(inside the linger: {inside}): exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return p.returncode == 0


def teardown(t, n, lb, cm):
    t.ok("servicediscovery", "deregister-instance", "--service-id", cm["svc"], "--instance-id",
         "task-1")
    t.ok("servicediscovery", "delete-service", "--id", cm["svc"])
    op = t.ok("servicediscovery", "delete-namespace", "--id", cm["ns"])["OperationId"]
    t.ok("elbv2", "delete-rule", "--rule-arn", lb["rule"])
    t.ok("elbv2", "delete-listener", "--listener-arn", lb["listener"])
    t.ok("elbv2", "delete-target-group", "--target-group-arn", lb["tg"])
    lb_deleted = time.monotonic()
    t.ok("elbv2", "delete-load-balancer", "--load-balancer-arn", lb["lb"])
    alb_sg_gone = linger_refusal(t, n["alb_sg"], lb_deleted)
    t.ok("ec2", "revoke-security-group-ingress", "--group-id", n["task_sg"],
         "--security-group-rule-ids", n["rule_id"])
    t.ok("ec2", "delete-nat-gateway", "--nat-gateway-id", n["nat"])
    t.wait(241)
    if not alb_sg_gone:
        t.ok("ec2", "delete-security-group", "--group-id", n["alb_sg"])
    t.ok("ec2", "delete-security-group", "--group-id", n["task_sg"])
    nats = t.ok("ec2", "describe-nat-gateways", "--nat-gateway-ids", n["nat"])["NatGateways"]
    t.check(nats and nats[0]["State"] == "deleted", f"NAT after deletion: {nats}")
    t.ok("ec2", "release-address", "--allocation-id", n["alloc"])
    t.ok("ec2", "disassociate-route-table", "--association-id", n["assoc"])
    t.ok("ec2", "delete-route-table", "--route-table-id", n["rtb"])
    t.ok("ec2", "detach-internet-gateway", "--internet-gateway-id", n["igw"], "--vpc-id",
         n["vpc"])
    t.ok("ec2", "delete-internet-gateway", "--internet-gateway-id", n["igw"])
    t.ok("ec2", "delete-subnet", "--subnet-id", n["sub_a"])
    t.ok("ec2", "delete-subnet", "--subnet-id", n["sub_b"])
    t.ok("ec2", "delete-vpc", "--vpc-id", n["vpc"])
    t.err("InvalidVpcID.NotFound", "ec2", "describe-vpcs", "--vpc-ids", n["vpc"])
    status = t.ok("servicediscovery", "get-operation", "--operation-id", op)["Operation"]
    t.check(status["Status"] == "SUCCESS", f"namespace deletion: {status}")
    t.err("NamespaceNotFound", "servicediscovery", "get-namespace", "--id", cm["ns"])


def main():
    with Fake(time_scale=SCALE) as fake:
        t = Tour(fake.url)
        n = network(t)
        if t.failed:
            print(f"{t.passed} passed, {t.failed} failed")
            return 1
        lb = load_balancing(t, n)
        cm = cloud_map(t, n)
        load_balancer_ready(t, lb, 61)
        refusals(t, n)
        teardown(t, n, lb, cm)
        status, res = fake.control("GET", "/_fake/resources")
        t.check(status == 200, f"GET /_fake/resources: {status}")
        ec2 = (res or {}).get("ec2", {})
        t.check([v["id"] for v in ec2.get("vpcs", []) if not v["default"]] == [],
                f"VPCs left: {ec2.get('vpcs')}")
        left = {k: v for k, v in (res or {}).get("elbv2", {}).items() if v}
        left.update({k: v for k, v in (res or {}).get("servicediscovery", {}).items() if v})
        t.check(left == {}, f"load balancing / Cloud Map left: {left}")
    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
