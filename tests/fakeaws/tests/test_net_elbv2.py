#!/usr/bin/python3
"""ELBv2 of the fake, driven through its handlers: load balancer lifecycle and ENIs,
target groups, listeners, rules, actions, target health, tags, and the cross-service
methods ECS uses."""

import sys

from fakelib import ECS_TASKS_TRUST
from test_net_common import Net, expect, run_tests

CERT = "arn:aws:acm:us-east-1:000000000000:certificate/0a1b2c3d-1111-2222-3333-444455556666"


def setup(igw=True):
    n = Net(services=("ec2", "elbv2"))
    vid, gid = n.vpc(igw=igw)
    a = n.subnet(vid, "10.0.0.0/24", "us-east-1a")
    b = n.subnet(vid, "10.0.1.0/24", "us-east-1b")
    sg = n.sg(vid, "alb")
    return n, vid, gid, a, b, sg


def make_lb(n, subnets, sg, name="web", scheme="internet-facing"):
    return n.call("elbv2", "CreateLoadBalancer", Name=name, Subnets=subnets,
                  SecurityGroups=[sg], Scheme=scheme, Type="application",
                  Tags=[{"Key": "app", "Value": "demo"}])["LoadBalancers"][0]


def make_tg(n, vid, name="web-tg", **extra):
    return n.call("elbv2", "CreateTargetGroup", Name=name, Protocol="HTTP", Port=8080,
                  VpcId=vid, TargetType="ip", **extra)["TargetGroups"][0]["TargetGroupArn"]


def forward(tg):
    return [{"Type": "forward", "TargetGroupArn": tg}]


def test_load_balancer_lifecycle_and_enis():
    n, vid, gid, a, b, sg = setup()
    n.fails("ValidationError", "elbv2", "CreateLoadBalancer", Name="web", Subnets=[a])
    c = n.subnet(vid, "10.0.2.0/24", "us-east-1a")
    n.fails("InvalidConfigurationRequest", "elbv2", "CreateLoadBalancer", Name="web",
            Subnets=[a, c])
    n.fails("SubnetNotFound", "elbv2", "CreateLoadBalancer", Name="web",
            Subnets=[a, "subnet-0000"])
    n.fails("InvalidSecurityGroup", "elbv2", "CreateLoadBalancer", Name="web", Subnets=[a, b],
            SecurityGroups=["sg-00000000"])
    for bad in ("-web", "web-", "internal-web", "w" * 33, "web_1"):
        n.fails("ValidationError", "elbv2", "CreateLoadBalancer", Name=bad, Subnets=[a, b])
    tiny = n.subnet(vid, "10.0.9.0/28", "us-east-1c")
    for i in range(4):
        n.ec2.create_network_interface(tiny, [sg], f"filler {i}", "test")
    n.fails("InvalidSubnet", "elbv2", "CreateLoadBalancer", Name="web", Subnets=[a, tiny])
    lb = make_lb(n, [a, b], sg)
    expect(lb["State"]["Code"] == "provisioning", lb)
    expect(lb["DNSName"].startswith("web-") and lb["DNSName"].endswith(".us-east-1.elb.amazonaws.com"))
    expect(lb["LoadBalancerArn"].startswith(
        "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/"))
    same = make_lb(n, [a, b], sg)
    expect(same["LoadBalancerArn"] == lb["LoadBalancerArn"])     # same settings: same ALB
    n.fails("DuplicateLoadBalancerName", "elbv2", "CreateLoadBalancer", Name="web",
            Subnets=[a, b], Scheme="internal")
    enis = n.call("ec2", "DescribeNetworkInterfaces", Filters=[
        {"Name": "group-id", "Values": [sg]},
        {"Name": "requester-id", "Values": ["amazon-elb"]}])["NetworkInterfaces"]
    expect(sorted(e["SubnetId"] for e in enis) == sorted([a, b]))
    expect(all(e["Description"].startswith("ELB app/web/") for e in enis))
    other = n.sg(vid, "alb-2")
    n.fails("InvalidSecurityGroup", "elbv2", "SetSecurityGroups",
            LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=["sg-00000000"])
    out = n.call("elbv2", "SetSecurityGroups", LoadBalancerArn=lb["LoadBalancerArn"],
                 SecurityGroups=[other])
    expect(out["SecurityGroupIds"] == [other])
    moved = n.call("ec2", "DescribeNetworkInterfaces", Filters=[
        {"Name": "requester-id", "Values": ["amazon-elb"]}])["NetworkInterfaces"]
    expect(all(e["Groups"][0]["GroupId"] == other for e in moved), moved)
    zones = n.call("elbv2", "SetSubnets", LoadBalancerArn=lb["LoadBalancerArn"],
                   Subnets=[a, n.subnet(vid, "10.0.4.0/24", "us-east-1d")]
                   )["AvailabilityZones"]
    expect(sorted(z["ZoneName"] for z in zones) == ["us-east-1a", "us-east-1d"], zones)
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=b)   # b's ENI lingers
    n.wait(151)
    got = n.call("elbv2", "DescribeLoadBalancers", Names=["web"])["LoadBalancers"][0]
    expect(got["State"]["Code"] == "active", got)
    n.fails("LoadBalancerNotFound", "elbv2", "DescribeLoadBalancers", Names=["nope"])
    n.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=lb["LoadBalancerArn"])
    n.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=lb["LoadBalancerArn"])  # idempotent
    n.fails("LoadBalancerNotFound", "elbv2", "DescribeLoadBalancers",
            LoadBalancerArns=[lb["LoadBalancerArn"]])
    # its interfaces linger and block the security group and subnets for a while
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=other)
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=a)
    n.wait(241)
    n.call("ec2", "DeleteSecurityGroup", GroupId=other)
    n.call("ec2", "DeleteSubnet", SubnetId=b)
    for e in n.call("ec2", "DescribeNetworkInterfaces", Filters=[
            {"Name": "requester-id", "Values": ["test"]}])["NetworkInterfaces"]:
        n.ec2.release_network_interface(e["NetworkInterfaceId"], 0)
    n.call("ec2", "DeleteSecurityGroup", GroupId=sg)
    n.call("ec2", "DeleteSubnet", SubnetId=a)


def test_internet_facing_needs_gateway():
    n, vid, gid, a, b, sg = setup(igw=False)
    e = n.fails("InvalidSubnet", "elbv2", "CreateLoadBalancer", Name="web", Subnets=[a, b])
    expect(vid in e.message)
    lb = make_lb(n, [a, b], sg, name="inner", scheme="internal")
    expect(lb["DNSName"].startswith("internal-inner-"))
    # the gateway of a VPC with an internet-facing ALB cannot be detached (public addresses)
    gw = n.call("ec2", "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    n.call("ec2", "AttachInternetGateway", InternetGatewayId=gw, VpcId=vid)
    pub = make_lb(n, [a, b], sg, name="outer")
    expect(pub["Scheme"] == "internet-facing")
    n.fails("DependencyViolation", "ec2", "DetachInternetGateway", InternetGatewayId=gw,
            VpcId=vid)
    n.wait(151)
    states = {x["LoadBalancerName"]: x["State"]["Code"]
              for x in n.call("elbv2", "DescribeLoadBalancers")["LoadBalancers"]}
    expect(states == {"inner": "active", "outer": "active"}, states)
    n.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=pub["LoadBalancerArn"])
    n.call("ec2", "DetachInternetGateway", InternetGatewayId=gw, VpcId=vid)


def test_load_balancer_attributes():
    n, vid, gid, a, b, sg = setup()
    arn = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    attrs = {x["Key"]: x["Value"] for x in n.call(
        "elbv2", "DescribeLoadBalancerAttributes", LoadBalancerArn=arn)["Attributes"]}
    expect(attrs["idle_timeout.timeout_seconds"] == "60")
    n.call("elbv2", "ModifyLoadBalancerAttributes", LoadBalancerArn=arn, Attributes=[
        {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
        {"Key": "deletion_protection.enabled", "Value": "true"}])
    n.fails("ValidationError", "elbv2", "ModifyLoadBalancerAttributes", LoadBalancerArn=arn,
            Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "5000"}])
    n.fails("ValidationError", "elbv2", "ModifyLoadBalancerAttributes", LoadBalancerArn=arn,
            Attributes=[{"Key": "no.such.key", "Value": "1"}])
    n.fails("OperationNotPermitted", "elbv2", "DeleteLoadBalancer", LoadBalancerArn=arn)
    n.call("elbv2", "ModifyLoadBalancerAttributes", LoadBalancerArn=arn, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "false"}])
    n.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=arn)


def test_target_groups():
    n, vid, gid, a, b, sg = setup()
    for bad in ("internal-x", "-x", "x" * 33):
        n.fails("ValidationError", "elbv2", "CreateTargetGroup", Name=bad, Protocol="HTTP",
                Port=80, VpcId=vid, TargetType="ip")
    n.fails("InvalidConfigurationRequest", "elbv2", "CreateTargetGroup", Name="t",
            Protocol="HTTP", Port=80, VpcId=vid, TargetType="ip",
            HealthCheckIntervalSeconds=10, HealthCheckTimeoutSeconds=10)
    n.fails("ValidationError", "elbv2", "CreateTargetGroup", Name="t", Protocol="HTTP",
            Port=80, VpcId=vid, TargetType="ip", Matcher={"HttpCode": "600"})
    n.fails("ValidationError", "elbv2", "CreateTargetGroup", Name="t", Port=80, VpcId=vid,
            TargetType="ip")
    n.fails("ValidationError", "elbv2", "CreateTargetGroup", Name="t", Protocol="HTTP",
            Port=80, VpcId=vid, TargetType="ip", HealthCheckEnabled=False)
    arn = make_tg(n, vid, HealthCheckPath="/health")
    expect(make_tg(n, vid, HealthCheckPath="/health") == arn)    # same settings: same group
    n.fails("DuplicateTargetGroupName", "elbv2", "CreateTargetGroup", Name="web-tg",
            Protocol="HTTP", Port=9090, VpcId=vid, TargetType="ip")
    tg = n.call("elbv2", "DescribeTargetGroups", Names=["web-tg"])["TargetGroups"][0]
    expect(tg["HealthCheckPath"] == "/health" and tg["HealthyThresholdCount"] == 5)
    expect(tg["Matcher"] == {"HttpCode": "200"} and tg["LoadBalancerArns"] == [])
    attrs = {x["Key"]: x["Value"] for x in n.call(
        "elbv2", "DescribeTargetGroupAttributes", TargetGroupArn=arn)["Attributes"]}
    expect(attrs["deregistration_delay.timeout_seconds"] == "300")
    n.call("elbv2", "ModifyTargetGroupAttributes", TargetGroupArn=arn, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}])
    n.fails("ValidationError", "elbv2", "ModifyTargetGroupAttributes", TargetGroupArn=arn,
            Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "4000"}])
    n.fails("ValidationError", "elbv2", "ModifyTargetGroupAttributes", TargetGroupArn=arn,
            Attributes=[{"Key": "slow_start.duration_seconds", "Value": "10"}])
    e = n.fails("ValidationError", "elbv2", "ModifyTargetGroupAttributes", TargetGroupArn=arn,
                Attributes=[{"Key": "stickiness.type", "Value": "cookie"}])
    expect("lb_cookie" in e.message, e.message)
    mod = n.call("elbv2", "ModifyTargetGroup", TargetGroupArn=arn, HealthyThresholdCount=2,
                 HealthCheckIntervalSeconds=10)["TargetGroups"][0]
    expect(mod["HealthyThresholdCount"] == 2 and mod["HealthCheckIntervalSeconds"] == 10)
    n.call("elbv2", "DeleteTargetGroup", TargetGroupArn=arn)
    n.fails("TargetGroupNotFound", "elbv2", "DescribeTargetGroups", TargetGroupArns=[arn])


def test_listeners_and_actions():
    n, vid, gid, a, b, sg = setup()
    lb = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    tg = make_tg(n, vid)
    n.fails("ValidationError", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS",
            Port=443, DefaultActions=forward(tg))
    n.fails("CertificateNotFound", "elbv2", "CreateListener", LoadBalancerArn=lb,
            Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": "not-an-arn"}],
            DefaultActions=forward(tg))
    n.fails("ValidationError", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP",
            Port=80, Certificates=[{"CertificateArn": CERT}], DefaultActions=forward(tg))
    n.fails("UnsupportedProtocol", "elbv2", "CreateListener", LoadBalancerArn=lb,
            Protocol="TCP", Port=80, DefaultActions=forward(tg))
    n.fails("TargetGroupNotFound", "elbv2", "CreateListener", LoadBalancerArn=lb,
            Protocol="HTTP", Port=80, DefaultActions=forward(tg + "x"))
    n.fails("InvalidLoadBalancerAction", "elbv2", "CreateListener", LoadBalancerArn=lb,
            Protocol="HTTP", Port=80, DefaultActions=[
                {"Type": "redirect", "RedirectConfig": {"StatusCode": "HTTP_301"}}])
    n.fails("InvalidLoadBalancerAction", "elbv2", "CreateListener", LoadBalancerArn=lb,
            Protocol="HTTP", Port=80, DefaultActions=[
                {"Type": "authenticate-cognito", "Order": 1, "AuthenticateCognitoConfig": {
                    "UserPoolArn": "arn:aws:cognito-idp:us-east-1:000000000000:userpool/x",
                    "UserPoolClientId": "c", "UserPoolDomain": "d"}},
                {"Type": "forward", "Order": 2, "TargetGroupArn": tg}])
    http = n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                  DefaultActions=[{"Type": "redirect", "RedirectConfig": {
                      "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    red = http["Listeners"][0]["DefaultActions"][0]["RedirectConfig"]
    expect(red["Host"] == "#{host}" and red["Protocol"] == "HTTPS", red)
    n.fails("DuplicateListener", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP",
            Port=80, DefaultActions=forward(tg))
    https = n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS", Port=443,
                   Certificates=[{"CertificateArn": CERT}], DefaultActions=[
                       {"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {
                           "Issuer": "https://idp.example.com",
                           "AuthorizationEndpoint": "https://idp.example.com/auth",
                           "TokenEndpoint": "https://idp.example.com/token",
                           "UserInfoEndpoint": "https://idp.example.com/userinfo",
                           "ClientId": "app", "ClientSecret": "s3cret"}},
                       {"Type": "forward", "Order": 2, "TargetGroupArn": tg}])["Listeners"][0]
    expect(https["SslPolicy"] == "ELBSecurityPolicy-2016-08")
    expect(https["Certificates"] == [{"CertificateArn": CERT}])
    mod = n.call("elbv2", "ModifyListener", ListenerArn=https["ListenerArn"],
                 SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06")["Listeners"][0]
    expect(mod["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06" and
           mod["DefaultActions"] == https["DefaultActions"], mod)
    n.fails("SSLPolicyNotFound", "elbv2", "ModifyListener", ListenerArn=https["ListenerArn"],
            SslPolicy="MyPolicy")
    oidc = https["DefaultActions"][0]["AuthenticateOidcConfig"]
    expect("ClientSecret" not in oidc, "the client secret must never be echoed")
    fwd = https["DefaultActions"][1]
    expect(fwd["TargetGroupArn"] == tg and
           fwd["ForwardConfig"]["TargetGroups"] == [{"TargetGroupArn": tg, "Weight": 1}])
    got = n.call("elbv2", "DescribeTargetGroups", LoadBalancerArn=lb)["TargetGroups"]
    expect([t["TargetGroupArn"] for t in got] == [tg] and got[0]["LoadBalancerArns"] == [lb])
    # a target group serves one load balancer only
    c = n.subnet(vid, "10.0.3.0/24", "us-east-1c")
    lb2 = make_lb(n, [a, c], sg, name="other")["LoadBalancerArn"]
    n.fails("TargetGroupAssociationLimit", "elbv2", "CreateListener", LoadBalancerArn=lb2,
            Protocol="HTTP", Port=80, DefaultActions=forward(tg))
    n.fails("ResourceInUse", "elbv2", "DeleteTargetGroup", TargetGroupArn=tg)
    listeners = n.call("elbv2", "DescribeListeners", LoadBalancerArn=lb)["Listeners"]
    expect(sorted(x["Port"] for x in listeners) == [80, 443])
    n.call("elbv2", "DeleteListener", ListenerArn=https["ListenerArn"])
    n.call("elbv2", "DeleteTargetGroup", TargetGroupArn=tg)
    n.fails("ListenerNotFound", "elbv2", "DeleteListener", ListenerArn=https["ListenerArn"])


def test_listener_certificate_list():
    n, vid, gid, a, b, sg = setup()
    lb = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    tg = make_tg(n, vid)
    other = CERT.replace("0a1b2c3d", "9f8e7d6c")
    third = CERT.replace("0a1b2c3d", "5a5a5a5a")
    li = n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS", Port=443,
                Certificates=[{"CertificateArn": CERT}],
                DefaultActions=forward(tg))["Listeners"][0]["ListenerArn"]
    http = n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                  DefaultActions=forward(tg))["Listeners"][0]["ListenerArn"]

    def listed():
        got = n.call("elbv2", "DescribeListenerCertificates", ListenerArn=li)["Certificates"]
        return [(c["CertificateArn"], c["IsDefault"]) for c in got]

    expect(listed() == [(CERT, True)], listed())
    added = n.call("elbv2", "AddListenerCertificates", ListenerArn=li,
                   Certificates=[{"CertificateArn": other}])["Certificates"]
    expect(added == [{"CertificateArn": other, "IsDefault": False}], added)
    n.call("elbv2", "AddListenerCertificates", ListenerArn=li,
           Certificates=[{"CertificateArn": other}])  # already there: no change
    n.call("elbv2", "AddListenerCertificates", ListenerArn=li,
           Certificates=[{"CertificateArn": third}])
    expect(listed() == [(CERT, True), (other, False), (third, False)], listed())
    page = n.call("elbv2", "DescribeListenerCertificates", ListenerArn=li, PageSize=2)
    expect(len(page["Certificates"]) == 2 and page.get("NextMarker"), page)
    n.fails("ValidationError", "elbv2", "AddListenerCertificates", ListenerArn=li,
            Certificates=[{"CertificateArn": other}, {"CertificateArn": third}])
    n.fails("ValidationError", "elbv2", "AddListenerCertificates", ListenerArn=http,
            Certificates=[{"CertificateArn": other}])
    n.fails("CertificateNotFound", "elbv2", "AddListenerCertificates", ListenerArn=li,
            Certificates=[{"CertificateArn": "not-an-arn"}])
    n.fails("ListenerNotFound", "elbv2", "AddListenerCertificates", ListenerArn=li + "0",
            Certificates=[{"CertificateArn": other}])
    n.fails("OperationNotPermitted", "elbv2", "RemoveListenerCertificates", ListenerArn=li,
            Certificates=[{"CertificateArn": CERT}])
    n.call("elbv2", "RemoveListenerCertificates", ListenerArn=li,
           Certificates=[{"CertificateArn": other}])
    # a new default keeps the list
    n.call("elbv2", "ModifyListener", ListenerArn=li, Certificates=[{"CertificateArn": other}])
    expect(listed() == [(other, True), (third, False)], listed())
    n.call("elbv2", "DeleteListener", ListenerArn=li)
    n.fails("ListenerNotFound", "elbv2", "DescribeListenerCertificates", ListenerArn=li)


def test_rules_priorities_and_mixing():
    n, vid, gid, a, b, sg = setup()
    lb = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    blue, green = make_tg(n, vid, "blue"), make_tg(n, vid, "green")
    li = n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {
                    "StatusCode": "404", "ContentType": "text/plain"}}])["Listeners"][0]
    larn = li["ListenerArn"]
    expect(not n.elbv2.target_group_forwarded(blue))
    r1 = n.call("elbv2", "CreateRule", ListenerArn=larn, Priority=10, Conditions=[
        {"Field": "path-pattern", "Values": ["/api/*"]}], Actions=forward(blue))["Rules"][0]
    expect(r1["Priority"] == "10" and r1["Conditions"][0]["PathPatternConfig"] ==
           {"Values": ["/api/*"]})
    expect(n.elbv2.target_group_forwarded(blue))
    n.fails("PriorityInUse", "elbv2", "CreateRule", ListenerArn=larn, Priority=10,
            Conditions=[{"Field": "host-header", "Values": ["a.example.com"]}],
            Actions=forward(green))
    n.fails("InvalidLoadBalancerAction", "elbv2", "CreateRule", ListenerArn=larn, Priority=20,
            Conditions=[{"Field": "path-pattern", "Values": ["/x"]}],
            Actions=[{"Type": "forward", "Order": 1, "TargetGroupArn": green},
                     {"Type": "fixed-response", "Order": 2,
                      "FixedResponseConfig": {"StatusCode": "200"}}])
    n.fails("ValidationError", "elbv2", "CreateRule", ListenerArn=larn, Priority=20,
            Conditions=[{"Field": "path-pattern", "Values": ["/1", "/2", "/3"]},
                        {"Field": "host-header", "Values": ["a", "b", "c"]}],
            Actions=forward(green))
    n.fails("ValidationError", "elbv2", "CreateRule", ListenerArn=larn, Priority=20,
            Conditions=[{"Field": "cookie", "Values": ["x"]}], Actions=forward(green))
    r2 = n.call("elbv2", "CreateRule", ListenerArn=larn, Priority=20, Conditions=[
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["a.example.com"]}}],
        Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]}}]
    )["Rules"][0]
    expect("TargetGroupArn" not in r2["Actions"][0])
    rules = n.call("elbv2", "DescribeRules", ListenerArn=larn)["Rules"]
    expect([r["Priority"] for r in rules] == ["10", "20", "default"], rules)
    default = rules[-1]
    n.fails("OperationNotPermitted", "elbv2", "DeleteRule", RuleArn=default["RuleArn"])
    n.call("elbv2", "SetRulePriorities", RulePriorities=[
        {"RuleArn": r1["RuleArn"], "Priority": 20}, {"RuleArn": r2["RuleArn"], "Priority": 10}])
    expect(n.elbv2.rule(r1["RuleArn"])["Priority"] == "20")
    # blue/green: ECS shifts the weights of the production rule
    n.elbv2.set_forward_weights(r2["RuleArn"], [(blue, 0), (green, 100)])
    groups = n.elbv2.rule(r2["RuleArn"])["Actions"][0]["ForwardConfig"]["TargetGroups"]
    expect(groups == [{"TargetGroupArn": blue, "Weight": 0},
                      {"TargetGroupArn": green, "Weight": 100}], groups)
    try:
        n.elbv2.set_forward_weights(larn, [(green, 1)])     # default action is fixed-response
    except Exception as e:
        expect(getattr(e, "code", "") == "InvalidLoadBalancerAction", e)
    else:
        raise AssertionError("weights set on a listener without a forward action")
    n.call("elbv2", "ModifyListener", ListenerArn=larn, DefaultActions=forward(blue))
    n.elbv2.set_forward_weights(larn, [(green, 1)])
    expect(n.call("elbv2", "DescribeListeners", ListenerArns=[larn])
           ["Listeners"][0]["DefaultActions"][0]["TargetGroupArn"] == green)
    n.fails("ResourceInUse", "elbv2", "DeleteTargetGroup", TargetGroupArn=green)
    n.call("elbv2", "DeleteRule", RuleArn=r1["RuleArn"])
    n.call("elbv2", "ModifyRule", RuleArn=r2["RuleArn"], Actions=forward(green))
    n.call("elbv2", "DeleteTargetGroup", TargetGroupArn=blue)
    n.fails("RuleNotFound", "elbv2", "DeleteRule", RuleArn=r1["RuleArn"])
    n.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=lb)   # takes listeners and rules
    expect(n.elbv2.rule(r2["RuleArn"]) is None)
    n.call("elbv2", "DeleteTargetGroup", TargetGroupArn=green)


def test_target_health_and_draining():
    n, vid, gid, a, b, sg = setup()
    lb = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    tg = make_tg(n, vid, HealthCheckIntervalSeconds=10, HealthyThresholdCount=2,
                 UnhealthyThresholdCount=3)
    n.call("elbv2", "ModifyTargetGroupAttributes", TargetGroupArn=tg, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "20"}])
    n.elbv2.register_target(tg, "10.0.0.10", 8080, "healthy")
    expect(n.elbv2.target_state(tg, "10.0.0.10", 8080)[:2] == ("unused", "Target.NotInUse"))
    n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP", Port=80,
           DefaultActions=forward(tg))
    n.elbv2.register_target(tg, "10.0.0.11", 8080, "unhealthy")
    n.elbv2.register_target(tg, "10.0.1.12", 8080, "slow")
    n.call("elbv2", "RegisterTargets", TargetGroupArn=tg, Targets=[{"Id": "10.0.1.13"}])
    n.fails("InvalidTarget", "elbv2", "RegisterTargets", TargetGroupArn=tg,
            Targets=[{"Id": "8.8.8.8"}])
    state = n.elbv2.target_state(tg, "10.0.0.10", 8080)
    expect(state[:2] == ("initial", "Elb.RegistrationInProgress"), state)   # ALB provisioning
    n.wait(150 + 31)
    health = {d["Target"]["Id"]: d["TargetHealth"] for d in n.call(
        "elbv2", "DescribeTargetHealth", TargetGroupArn=tg)["TargetHealthDescriptions"]}
    expect(health["10.0.0.10"]["State"] == "healthy", health)
    expect(health["10.0.1.13"]["State"] == "healthy", health)
    expect(health["10.0.0.11"] == {"State": "unhealthy", "Reason": "Target.ResponseCodeMismatch",
                                   "Description": "Health checks failed with these codes: [503]"})
    expect(health["10.0.1.12"]["State"] == "initial", health)
    n.wait(200)
    expect(n.elbv2.target_state(tg, "10.0.1.12", 8080)[0] == "healthy")
    n.elbv2.deregister_target(tg, "10.0.0.10", 8080)
    expect(n.elbv2.target_state(tg, "10.0.0.10", 8080)[0] == "draining")
    n.wait(21)
    expect(n.elbv2.target_state(tg, "10.0.0.10", 8080)[:2] == ("unused", "Target.NotRegistered"))
    n.call("elbv2", "DeregisterTargets", TargetGroupArn=tg, Targets=[{"Id": "10.0.1.13"}])
    n.fails("InvalidTarget", "elbv2", "DeregisterTargets", TargetGroupArn=tg,
            Targets=[{"Id": "10.0.0.99"}])
    left = [d["Target"]["Id"] for d in n.call(
        "elbv2", "DescribeTargetHealth", TargetGroupArn=tg)["TargetHealthDescriptions"]]
    expect(sorted(left) == ["10.0.0.11", "10.0.1.12", "10.0.1.13"], left)


def test_tags_and_pagination():
    n, vid, gid, a, b, sg = setup()
    lb = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    tgs = [make_tg(n, vid, f"tg-{i}") for i in range(5)]
    n.call("elbv2", "AddTags", ResourceArns=[lb, tgs[0]], Tags=[{"Key": "env", "Value": "t"}])
    desc = n.call("elbv2", "DescribeTags", ResourceArns=[lb, tgs[0]])["TagDescriptions"]
    expect(sorted(t["Key"] for t in desc[0]["Tags"]) == ["app", "env"], desc)
    n.call("elbv2", "RemoveTags", ResourceArns=[lb], TagKeys=["app"])
    desc = n.call("elbv2", "DescribeTags", ResourceArns=[lb])["TagDescriptions"]
    expect(desc[0]["Tags"] == [{"Key": "env", "Value": "t"}])
    n.fails("LoadBalancerNotFound", "elbv2", "AddTags", ResourceArns=[lb + "0"],
            Tags=[{"Key": "a", "Value": "b"}])
    n.fails("DuplicateTagKeys", "elbv2", "AddTags", ResourceArns=[lb],
            Tags=[{"Key": "a", "Value": "b"}, {"Key": "a", "Value": "c"}])
    seen = [t["TargetGroupArn"] for t in n.pages("elbv2", "DescribeTargetGroups", "TargetGroups", "Marker",
                                                  "NextMarker", PageSize=2)]
    expect(seen == tgs, seen)
    res = n.elbv2.resources()
    expect(len(res["load_balancers"]) == 1 and len(res["target_groups"]) == 5)


def steady_after(poll_every):
    """An ECS service behind a provisioning ALB, DescribeServices every `poll_every` AWS
    seconds: how long after CreateService ECS reported it steady (its event's time)."""
    n = Net(services=("ec2", "elbv2", "iam", "logs", "ecs"))
    vid, _ = n.vpc()
    a = n.subnet(vid, "10.0.0.0/24", "us-east-1a")
    b = n.subnet(vid, "10.0.1.0/24", "us-east-1b")
    sg = n.sg(vid, "alb")
    lb = make_lb(n, [a, b], sg)["LoadBalancerArn"]
    tg = make_tg(n, vid, HealthCheckIntervalSeconds=10, HealthyThresholdCount=2)
    n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP", Port=80,
           DefaultActions=forward(tg))
    role = n.call("iam", "CreateRole", RoleName="exec",
                  AssumeRolePolicyDocument=ECS_TASKS_TRUST)["Role"]["Arn"]
    n.wait(10)  # the role can be assumed
    n.call("ecs", "CreateCluster", clusterName="c")
    td = n.call("ecs", "RegisterTaskDefinition", family="web", networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"], cpu="256", memory="512", executionRoleArn=role,
                containerDefinitions=[{"name": "web", "image": "nginx:1",
                                       "portMappings": [{"containerPort": 8080}]}]
                )["taskDefinition"]["taskDefinitionArn"]
    n.call("ecs", "CreateService", cluster="c", serviceName="web", taskDefinition=td, desiredCount=1,
           launchType="FARGATE", loadBalancers=[{"targetGroupArn": tg, "containerName": "web",
                                                 "containerPort": 8080}],
           networkConfiguration={"awsvpcConfiguration": {"subnets": [a, b], "securityGroups": [sg]}})
    began = n.world.clock.now()
    for _ in range(int(400 / poll_every)):
        n.wait(poll_every)
        s = n.call("ecs", "DescribeServices", cluster="c", services=["web"])["services"][0]
        steady = [e for e in s["events"] if e["message"].endswith("has reached a steady state.")]
        if steady:
            return (steady[0]["createdAt"].timestamp() - began) / n.world.clock.scale
    raise AssertionError("the service never became steady")


def test_ecs_looks_at_target_health_on_its_own_times():
    """ECS looks at a new target's health on its own schedule: when a client asks changes
    nothing (a fake that replayed ECS's looks from the request's time, not the look's own,
    would make a client that polls less wait longer)."""
    often, seldom = steady_after(1), steady_after(37)
    expect(abs(often - seldom) < 1, (often, seldom))


if __name__ == "__main__":
    sys.exit(run_tests(dict(globals())))
