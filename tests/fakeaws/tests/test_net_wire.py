#!/usr/bin/python3
"""The network services over the real wire: botocore clients against a running fake,
for the answers the CLI tour does not parse (interfaces with attachments, rule lists,
NAT addresses, tags, target group attributes, Cloud Map operations and instances),
checking that values survive the ec2, query and json protocols intact."""

import datetime
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if not os.path.exists(os.path.join(os.path.dirname(HERE), "run")):
    print("SKIP: the fake's server (tests/fakeaws/run) is not there yet")
    sys.exit(77)
sys.path.insert(0, HERE)
from fakelib import Fake, Report  # noqa: E402

SCALE = 0.01


def ec2_part(r, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.0.0/24",
                            AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    a = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
    b = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc,
                                  TagSpecifications=[{"ResourceType": "security-group",
                                                      "Tags": [{"Key": "k", "Value": "v"}]}]
                                  )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=b, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8081,
         "UserIdGroupPairs": [{"GroupId": a, "Description": "from a"}]}])
    g = ec2.describe_security_groups(GroupIds=[b])["SecurityGroups"][0]
    pair = g["IpPermissions"][0]["UserIdGroupPairs"][0]
    r.eq((pair["GroupId"], pair.get("Description")), (a, "from a"), "source group pair")
    r.eq(g["IpPermissions"][0]["ToPort"], 8081, "port range survives the wire")
    r.eq(g["Tags"], [{"Key": "k", "Value": "v"}], "group tags")
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=sub, AllocationId=alloc)["NatGateway"]
    r.check(isinstance(nat["CreateTime"], datetime.datetime), "NAT CreateTime is a timestamp")
    r.eq(nat["NatGatewayAddresses"][0]["AllocationId"], alloc, "NAT address")
    got = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    r.eq([n["NatGatewayId"] for n in got["NatGateways"]], [nat["NatGatewayId"]],
         "DescribeNatGateways with its Filter member")
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub]}])
    r.eq(len(enis["NetworkInterfaces"]), 1, "the NAT gateway's interface")
    r.eq(enis["NetworkInterfaces"][0]["InterfaceType"], "natGateway", "its type")
    ec2.create_tags(Resources=[vpc, sub], Tags=[{"Key": "stack", "Value": "wire"}])
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["stack"]}])["Tags"]
    r.eq(sorted(t["ResourceType"] for t in tags), ["subnet", "vpc"], "DescribeTags")
    pages = ec2.get_paginator("describe_subnets").paginate(PaginationConfig={"PageSize": 5})
    r.eq(sum(len(p["Subnets"]) for p in pages), 7, "paginated subnets (6 default + 1)")
    try:
        ec2.delete_security_group(GroupId=a)
        r.check(False, "group referenced by another group was deleted")
    except ec2.exceptions.ClientError as e:
        r.eq(e.response["Error"]["Code"], "DependencyViolation", "referenced group refusal")
    return vpc, sub, igw, a


def elb_part(r, elb, ec2, vpc, sub, sg):
    sub2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24",
                             AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    lb = elb.create_load_balancer(Name="wire", Subnets=[sub, sub2], SecurityGroups=[sg])
    lb = lb["LoadBalancers"][0]
    r.check(isinstance(lb["CreatedTime"], datetime.datetime), "ALB CreatedTime")
    tg = elb.create_target_group(Name="wire", Protocol="HTTP", Port=80, VpcId=vpc,
                                 TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    attrs = elb.describe_target_group_attributes(TargetGroupArn=tg)["Attributes"]
    r.eq({a["Key"]: a["Value"] for a in attrs}["deregistration_delay.timeout_seconds"], "300",
         "default deregistration delay")
    li = elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                             DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {
                                 "StatusCode": "503", "ContentType": "text/plain",
                                 "MessageBody": "no"}}])["Listeners"][0]["ListenerArn"]
    elb.create_rule(ListenerArn=li, Priority=5, Conditions=[
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["a.example.com"]}}],
        Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": tg, "Weight": 7}]}}])
    rules = elb.describe_rules(ListenerArn=li)["Rules"]
    r.eq([x["Priority"] for x in rules], ["5", "default"], "rule priorities")
    r.eq(rules[0]["Actions"][0]["ForwardConfig"]["TargetGroups"][0]["Weight"], 7, "weight")
    r.eq(rules[1]["Actions"][0]["FixedResponseConfig"]["MessageBody"], "no", "fixed response")
    elb.add_tags(ResourceArns=[tg], Tags=[{"Key": "t", "Value": "1"}])
    desc = elb.describe_tags(ResourceArns=[tg])["TagDescriptions"]
    r.eq(desc[0]["Tags"], [{"Key": "t", "Value": "1"}], "ELB tags")
    try:
        elb.delete_target_group(TargetGroupArn=tg)
        r.check(False, "target group in use was deleted")
    except elb.exceptions.ResourceInUseException:
        r.check(True, "ResourceInUseException maps to its modeled exception")
    elb.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    elb.delete_target_group(TargetGroupArn=tg)


def cloud_map_part(r, sd, vpc):
    op = sd.create_private_dns_namespace(Name="wire.local", Vpc=vpc)["OperationId"]
    deadline = time.time() + 5
    while time.time() < deadline:
        o = sd.get_operation(OperationId=op)["Operation"]
        if o["Status"] == "SUCCESS":
            break
        time.sleep(0.05)
    r.eq(o["Status"], "SUCCESS", "namespace operation finishes")
    r.check(isinstance(o["UpdateDate"], datetime.datetime), "operation UpdateDate")
    ns = o["Targets"]["NAMESPACE"]
    svc = sd.create_service(Name="api", NamespaceId=ns, DnsConfig={
        "DnsRecords": [{"Type": "A", "TTL": 10}]}, HealthCheckCustomConfig={})["Service"]
    sd.register_instance(ServiceId=svc["Id"], InstanceId="i-1",
                         Attributes={"AWS_INSTANCE_IPV4": "10.30.0.9", "color": "blue"})
    found = sd.discover_instances(NamespaceName="wire.local", ServiceName="api",
                                  QueryParameters={"color": "blue"})["Instances"]
    r.eq([(i["InstanceId"], i["Attributes"]["AWS_INSTANCE_IPV4"]) for i in found],
         [("i-1", "10.30.0.9")], "DiscoverInstances with a query")
    try:
        sd.delete_namespace(Id=ns)
        r.check(False, "namespace with a service was deleted")
    except sd.exceptions.ResourceInUse:
        r.check(True, "ResourceInUse maps to its modeled exception")
    try:
        sd.create_private_dns_namespace(Name="wire.local", Vpc=vpc)
        r.check(False, "a second namespace of the same name")
    except sd.exceptions.NamespaceAlreadyExists as e:
        r.eq(e.response.get("NamespaceId"), ns, "NamespaceAlreadyExists names the namespace")


def main():
    r = Report()
    with Fake(time_scale=SCALE) as fake:
        ec2, elb = fake.client("ec2"), fake.client("elbv2")
        sd = fake.client("servicediscovery")
        # DiscoverInstances is served at data-servicediscovery...: keep the loopback host
        sd.meta.config.inject_host_prefix = False
        vpc, sub, igw, sg = ec2_part(r, ec2)
        elb_part(r, elb, ec2, vpc, sub, sg)
        cloud_map_part(r, sd, vpc)
        status, calls = fake.control("GET", "/_fake/calls")
        r.check(status == 200 and any(c.get("operation") == "CreateNatGateway"
                                      for c in (calls if isinstance(calls, list) else
                                                (calls or {}).get("calls", []))),
                "the calls log saw the network calls")
    r.finish()


if __name__ == "__main__":
    main()
