#!/usr/bin/python3
"""Robustness of the network handlers: every EC2, ELBv2 and Cloud Map operation the fake
implements is called with many model-valid but arbitrary requests (seeded, reproducible),
mixing in ids and ARNs of resources that exist. A handler may refuse with an AWS error;
anything else (a KeyError, a TypeError...) would reach the client as an InternalError
AWS never sends, so it fails the test. Answers must fit the model's output shapes."""

import os
import random
import sys

from test_net_common import MODELS, Net, check_output, run_tests

from fakeaws.core import AwsError, RequestContext

SEED = int(os.environ.get("FAKENET_FUZZ_SEED", "20261124"))
ROUNDS = 40
DESTRUCTIVE = ("Delete", "Deregister", "Release", "Detach", "Disassociate", "Remove",
               "Revoke", "Untag", "Set", "Modify")


class Gen:
    """Random values for botocore shapes, preferring ids and ARNs that exist."""

    def __init__(self, rnd, pool):
        self.rnd = rnd
        self.pool = pool

    def value(self, shape, name, depth=0):
        t = shape.type_name
        if t == "structure":
            out = {}
            for m, sub in shape.members.items():
                if m in shape.required_members or (depth < 3 and self.rnd.random() < 0.3):
                    out[m] = self.value(sub, m, depth + 1)
            return out
        if t == "list":
            lo = shape.metadata.get("min", 0)
            return [self.value(shape.member, name, depth + 1)
                    for _ in range(max(lo, self.rnd.randrange(0, 3)))]
        if t == "map":
            return {f"k{i}": f"v{i}" for i in range(self.rnd.randrange(0, 3))}
        if t in ("integer", "long"):
            lo = int(shape.metadata.get("min", 0))
            hi = int(shape.metadata.get("max", max(lo, 300)))
            return self.rnd.randint(lo, min(hi, lo + 70000))
        if t == "boolean":
            return self.rnd.random() < 0.5
        if t in ("double", "float"):
            return self.rnd.random() * 100
        if t == "timestamp":
            return 1700000000
        if t == "blob":
            return b"x"
        return self.string(shape, name)

    def string(self, shape, name):
        if shape.enum:
            return self.rnd.choice(shape.enum)
        key = name.lower()
        exact = {"loadbalancerarn": "lb", "loadbalancerarns": "lb", "targetgrouparn": "tg",
                 "targetgrouparns": "tg", "listenerarn": "li", "listenerarns": "li",
                 "rulearn": "rule", "rulearns": "rule", "resourcearns": "arn",
                 "resourcearn": "arn", "serviceid": "srv", "id": "any",
                 "instanceid": "inst", "groupid": "sg", "groupids": "sg",
                 "securitygroups": "sg", "subnets": "subnet", "subnetids": "subnet",
                 "ipprotocol": "proto", "associationid": "assoc", "namespacename": "nsname",
                 "servicename": "srvname", "name": "name", "names": "name"}
        kind = exact.get(key)
        if kind and self.pool.get(kind) and self.rnd.random() < 0.85:
            return self.rnd.choice(self.pool[kind])
        for hint, kind in (("vpc", "vpc"), ("subnet", "subnet"), ("group", "sg"),
                           ("gateway", "igw"), ("routetable", "rtb"), ("allocation", "alloc"),
                           ("natgateway", "nat"), ("networkinterface", "eni"), ("arn", "arn"),
                           ("namespace", "ns"), ("service", "srv"), ("operation", "op"),
                           ("resource", "any"), ("cidr", "cidr"), ("id", "any")):
            if hint in key and self.pool.get(kind) and self.rnd.random() < 0.8:
                return self.rnd.choice(self.pool[kind])
        lo = int(shape.metadata.get("min", 1))
        hi = int(shape.metadata.get("max", 12))
        n = max(lo, min(hi, self.rnd.randint(1, 12)))
        return "".join(self.rnd.choice("abcdefghij0123-") for _ in range(n)).strip("-") or "a"


def templates(p):
    """Requests that succeed in the fuzz world, for the mutation rounds."""
    fwd = [{"Type": "forward", "TargetGroupArn": p["tg"][0]}]
    perm = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 81,
             "IpRanges": [{"CidrIp": "10.1.0.0/16", "Description": "x"}],
             "UserIdGroupPairs": [{"GroupId": p["sg"][0]}]}]
    return {
        ("ec2", "AuthorizeSecurityGroupIngress"): {"GroupId": p["sg"][0], "IpPermissions": perm},
        ("ec2", "AuthorizeSecurityGroupEgress"): {"GroupId": p["sg"][0], "IpPermissions": perm},
        ("ec2", "RevokeSecurityGroupIngress"): {"GroupId": p["sg"][0], "IpPermissions": perm},
        ("ec2", "CreateRoute"): {"RouteTableId": p["rtb"][0], "DestinationCidrBlock": "1.0.0.0/8",
                                 "GatewayId": p["igw"][0]},
        ("ec2", "CreateSubnet"): {"VpcId": p["vpc"][0], "CidrBlock": "10.0.9.0/24",
                                  "AvailabilityZone": "us-east-1c"},
        ("ec2", "CreateSecurityGroup"): {"VpcId": p["vpc"][0], "GroupName": "g",
                                         "Description": "d"},
        ("ec2", "CreateNatGateway"): {"SubnetId": p["subnet"][0],
                                      "AllocationId": p["alloc"][0], "ClientToken": "t"},
        ("ec2", "DescribeSecurityGroups"): {"Filters": [{"Name": "vpc-id",
                                                         "Values": p["vpc"]}]},
        ("elbv2", "CreateLoadBalancer"): {"Name": "fz2", "Subnets": p["subnet"],
                                          "SecurityGroups": p["sg"]},
        ("elbv2", "CreateTargetGroup"): {"Name": "fz2", "Protocol": "HTTP", "Port": 81,
                                         "VpcId": p["vpc"][0], "TargetType": "ip"},
        ("elbv2", "CreateListener"): {"LoadBalancerArn": p["lb"][0], "Protocol": "HTTP",
                                      "Port": 8080, "DefaultActions": fwd},
        ("elbv2", "CreateRule"): {"ListenerArn": p["li"][0], "Priority": 7, "Actions": fwd,
                                  "Conditions": [{"Field": "host-header",
                                                  "Values": ["a.example.com"]}]},
        ("elbv2", "ModifyRule"): {"RuleArn": p["rule"][0], "Actions": fwd},
        ("elbv2", "ModifyListener"): {"ListenerArn": p["li"][0], "DefaultActions": fwd},
        ("elbv2", "ModifyTargetGroup"): {"TargetGroupArn": p["tg"][0],
                                         "HealthCheckIntervalSeconds": 10},
        ("elbv2", "ModifyTargetGroupAttributes"): {"TargetGroupArn": p["tg"][0], "Attributes": [
            {"Key": "deregistration_delay.timeout_seconds", "Value": "10"}]},
        ("elbv2", "RegisterTargets"): {"TargetGroupArn": p["tg"][0],
                                       "Targets": [{"Id": "10.0.0.9", "Port": 80}]},
        ("servicediscovery", "CreateService"): {"Name": "s2", "NamespaceId": p["ns"][0],
                                                "DnsConfig": {"DnsRecords": [
                                                    {"Type": "A", "TTL": 5}]}},
        ("servicediscovery", "RegisterInstance"): {"ServiceId": p["srv"][0],
                                                   "InstanceId": "i-9", "Attributes": {
                                                       "AWS_INSTANCE_IPV4": "10.0.0.9"}},
        ("servicediscovery", "ListOperations"): {"Filters": [
            {"Name": "STATUS", "Values": ["SUCCESS"], "Condition": "EQ"}]},
    }


def mutate(gen, req, shape, depth=0):
    """A copy of `req` with one member dropped, regenerated or mutated further down."""
    import copy
    req = copy.deepcopy(req)
    if shape.type_name != "structure" or not req:
        return gen.value(shape, "x", depth)
    key = gen.rnd.choice(sorted(req))
    sub = shape.members[key]
    roll = gen.rnd.random()
    if roll < 0.2 and key not in shape.required_members:
        del req[key]
    elif roll < 0.5 or sub.type_name not in ("structure", "list"):
        req[key] = gen.value(sub, key, depth + 1)
    elif sub.type_name == "list" and req[key]:
        i = gen.rnd.randrange(len(req[key]))
        req[key][i] = mutate(gen, req[key][i], sub.member, depth + 1)
        if gen.rnd.random() < 0.3:
            req[key].append(copy.deepcopy(req[key][i]))
    elif sub.type_name == "structure":
        req[key] = mutate(gen, req[key], sub, depth + 1)
    return req


def build_world():
    n = Net(time_scale=0.0001)
    vid, gid = n.vpc()
    a = n.subnet(vid, "10.0.0.0/24", "us-east-1a")
    b = n.subnet(vid, "10.0.1.0/24", "us-east-1b")
    sg = n.sg(vid)
    alloc = n.call("ec2", "AllocateAddress", Domain="vpc")["AllocationId"]
    nat = n.call("ec2", "CreateNatGateway", SubnetId=a, AllocationId=alloc)["NatGateway"]
    rtb = n.call("ec2", "CreateRouteTable", VpcId=vid)["RouteTable"]["RouteTableId"]
    lb = n.call("elbv2", "CreateLoadBalancer", Name="fz", Subnets=[a, b],
                SecurityGroups=[sg])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = n.call("elbv2", "CreateTargetGroup", Name="fz", Protocol="HTTP", Port=80, VpcId=vid,
                TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    li = n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}]
                )["Listeners"][0]["ListenerArn"]
    rule = n.call("elbv2", "CreateRule", ListenerArn=li, Priority=1, Conditions=[
        {"Field": "path-pattern", "Values": ["/x"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": tg}])["Rules"][0]["RuleArn"]
    op = n.call("servicediscovery", "CreatePrivateDnsNamespace", Name="fz.local",
                Vpc=vid)["OperationId"]
    n.wait(61)
    ns = n.call("servicediscovery", "GetOperation", OperationId=op)["Operation"]["Targets"]
    srv = n.call("servicediscovery", "CreateService", Name="fz", NamespaceId=ns["NAMESPACE"],
                 DnsConfig={"DnsRecords": [{"Type": "A", "TTL": 5}]})["Service"]
    eni = n.ec2.create_network_interface(a, [sg], "fz", "ecs:task/fz")["NetworkInterfaceId"]
    n.call("servicediscovery", "RegisterInstance", ServiceId=srv["Id"], InstanceId="inst-1",
           Attributes={"AWS_INSTANCE_IPV4": "10.0.0.7"})
    n.call("elbv2", "RegisterTargets", TargetGroupArn=tg, Targets=[{"Id": "10.0.0.7"}])
    assoc = n.call("ec2", "AssociateRouteTable", RouteTableId=rtb, SubnetId=b)["AssociationId"]
    pool = {"vpc": [vid], "subnet": [a, b], "sg": [sg], "igw": [gid], "rtb": [rtb],
            "alloc": [alloc], "nat": [nat["NatGatewayId"]], "eni": [eni],
            "arn": [lb, tg, li, rule, srv["Arn"]], "ns": [ns["NAMESPACE"]],
            "srv": [srv["Id"]], "op": [op], "cidr": ["10.0.2.0/24", "0.0.0.0/0", "10.0.0.0/16"],
            "lb": [lb], "tg": [tg], "li": [li], "rule": [rule], "inst": ["inst-1", "10.0.0.7"],
            "proto": ["tcp", "udp", "-1", "icmp"], "assoc": [assoc], "nsname": ["fz.local"],
            "srvname": ["fz"], "name": ["fz", "web", "fz.local"]}
    pool["any"] = sum(pool.values(), [])
    return n, pool


def fuzz_service(service):
    rnd = random.Random(f"{SEED}-{service}")
    problems = []
    n, pool = build_world()
    svc = n.world.svc(service)
    gen = Gen(rnd, pool)
    ops = sorted((o for o in dir(svc) if o[:1].isupper() and callable(getattr(svc, o))),
                 key=lambda o: (o.startswith(DESTRUCTIVE), o))
    tmpl = templates(pool)
    for op in ops:
        opm = MODELS.operation(service, op)
        if opm is None:
            continue
        for i in range(ROUNDS):
            base = tmpl.get((service, op))
            if base is not None and i % 2 == 0:
                req = mutate(gen, base, opm.input_shape) if i else dict(base)
            else:
                req = gen.value(opm.input_shape, op) if opm.input_shape else {}
            req.pop("DryRun", None)
            ctx = RequestContext(n.world, service, op, "us-east-1", "test", "r", "h")
            try:
                with n.world.lock:
                    out = svc.handler(op)(req, ctx)
            except AwsError:
                continue
            except Exception as e:      # what AWS never answers
                problems.append(f"{op}({req!r}): {type(e).__name__}: {e}")
                continue
            problems += check_output(out, opm.output_shape, op)
    return problems


def _test(service):
    def run():
        if MODELS.models is None:
            return
        problems = fuzz_service(service)
        if problems:
            raise AssertionError(f"{len(problems)} problems, first ones:\n  "
                                 + "\n  ".join(problems[:8]))
    return run


test_fuzz_ec2 = _test("ec2")
test_fuzz_elbv2 = _test("elbv2")
test_fuzz_servicediscovery = _test("servicediscovery")


if __name__ == "__main__":
    if MODELS.models is None:
        print("SKIP: the current service models (../shared/aws-models) are not there")
        sys.exit(77)
    sys.exit(run_tests(dict(globals())))
