#!/usr/bin/python3
"""EC2 of the fake, driven through its handlers: VPCs, subnets, gateways, route tables,
NAT, security groups, network interfaces, tags, and the dependency refusals."""

import sys

from test_net_common import Net, expect, run_tests


def net():
    return Net(services=("ec2",))


def test_default_vpc_and_zones():
    n = net()
    vpcs = n.call("ec2", "DescribeVpcs", Filters=[{"Name": "is-default", "Values": ["true"]}])
    expect(len(vpcs["Vpcs"]) == 1 and vpcs["Vpcs"][0]["CidrBlock"] == "172.31.0.0/16")
    vid = vpcs["Vpcs"][0]["VpcId"]
    subs = n.call("ec2", "DescribeSubnets", Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                                    {"Name": "vpc-id", "Values": [vid]}])["Subnets"]
    expect(sorted(s["AvailabilityZone"] for s in subs) ==
           [f"us-east-1{c}" for c in "abcdef"], subs)
    expect(all(s["MapPublicIpOnLaunch"] for s in subs))
    zones = n.call("ec2", "DescribeAvailabilityZones")["AvailabilityZones"]
    expect([z["ZoneName"] for z in zones][:2] == ["us-east-1a", "us-east-1b"])
    expect(zones[0]["ZoneId"] == "use1-az1" and zones[0]["State"] == "available")
    other = n.call("ec2", "DescribeAvailabilityZones", region="eu-west-1")["AvailabilityZones"]
    expect([z["ZoneName"] for z in other] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    regions = [r["RegionName"] for r in n.call("ec2", "DescribeRegions")["Regions"]]
    expect(len(regions) == 17 and "eu-west-1" in regions and "af-south-1" not in regions, regions)
    every = n.call("ec2", "DescribeRegions", AllRegions=True)["Regions"]
    expect({r["RegionName"]: r["OptInStatus"] for r in every}["af-south-1"] == "not-opted-in", every)
    one = n.call("ec2", "DescribeRegions", RegionNames=["eu-west-1"])["Regions"]
    expect(one == [{"RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required",
                    "Endpoint": "ec2.eu-west-1.amazonaws.com"}], one)
    n.fails("InvalidParameterValue", "ec2", "DescribeRegions", RegionNames=["mars-north-1"])
    # each region has its own default VPC; us-east-1 still sees only its own
    n.call("ec2", "DescribeVpcs", region="eu-west-1")
    expect(len(n.call("ec2", "DescribeVpcs")["Vpcs"]) == 1)


def test_vpc_cidr_validation_and_attributes():
    n = net()
    n.fails("InvalidVpc.Range", "ec2", "CreateVpc", CidrBlock="10.0.0.0/8")
    n.fails("InvalidVpc.Range", "ec2", "CreateVpc", CidrBlock="10.0.0.0/29")
    n.fails("InvalidParameterValue", "ec2", "CreateVpc", CidrBlock="10.0.0.1/16")
    n.fails("InvalidParameterValue", "ec2", "CreateVpc", CidrBlock="not-a-cidr")
    vid, _ = n.vpc(igw=False, name="app")
    got = n.call("ec2", "DescribeVpcs", Filters=[{"Name": "tag:Name", "Values": ["app"]}])["Vpcs"]
    expect([v["VpcId"] for v in got] == [vid])
    expect(n.call("ec2", "DescribeVpcAttribute", VpcId=vid, Attribute="enableDnsHostnames")
           ["EnableDnsHostnames"]["Value"] is False)
    n.fails("InvalidParameterCombination", "ec2", "ModifyVpcAttribute", VpcId=vid,
            EnableDnsSupport={"Value": True}, EnableDnsHostnames={"Value": True})
    n.call("ec2", "ModifyVpcAttribute", VpcId=vid, EnableDnsHostnames={"Value": True})
    expect(n.call("ec2", "DescribeVpcAttribute", VpcId=vid, Attribute="enableDnsHostnames")
           ["EnableDnsHostnames"]["Value"] is True)
    expect(n.ec2.vpc(vid)["EnableDnsSupport"] is True)
    n.fails("InvalidVpcID.NotFound", "ec2", "DescribeVpcs", VpcIds=["vpc-0123456789abcdef0"])
    n.fails("InvalidVpcID.NotFound", "ec2", "DeleteVpc", VpcId="vpc-0123456789abcdef0")
    n.fails("InvalidVpcID.Malformed", "ec2", "DescribeVpcs", VpcIds=["vpc-xyz"])
    n.fails("InvalidVpcID.Malformed", "ec2", "CreateSubnet", VpcId="vpc_12",
            CidrBlock="10.0.0.0/24")


def test_subnets_range_conflict_and_zone():
    n = net()
    vid, _ = n.vpc(igw=False)
    n.fails("InvalidSubnet.Range", "ec2", "CreateSubnet", VpcId=vid, CidrBlock="10.1.0.0/24")
    n.fails("InvalidSubnet.Range", "ec2", "CreateSubnet", VpcId=vid, CidrBlock="10.0.0.0/29")
    a = n.subnet(vid, "10.0.0.0/24", "us-east-1a")
    n.fails("InvalidSubnet.Conflict", "ec2", "CreateSubnet", VpcId=vid, CidrBlock="10.0.0.128/25")
    e = n.fails("InvalidParameterValue", "ec2", "CreateSubnet", VpcId=vid,
                CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1z")
    expect("us-east-1a" in e.message)
    b = n.subnet(vid, "10.0.1.0/24", "us-east-1b")
    sub = n.call("ec2", "DescribeSubnets", SubnetIds=[a])["Subnets"][0]
    expect(sub["AvailableIpAddressCount"] == 251 and sub["MapPublicIpOnLaunch"] is False)
    n.call("ec2", "ModifySubnetAttribute", SubnetId=a, MapPublicIpOnLaunch={"Value": True})
    got = n.call("ec2", "DescribeSubnets", Filters=[
        {"Name": "vpc-id", "Values": [vid]},
        {"Name": "map-public-ip-on-launch", "Values": ["true"]}])["Subnets"]
    expect([s["SubnetId"] for s in got] == [a])
    expect(n.ec2.subnet(b)["AvailabilityZone"] == "us-east-1b")
    n.fails("InvalidSubnetID.NotFound", "ec2", "DescribeSubnets", SubnetIds=["subnet-0000000000000000a"])
    n.fails("InvalidSubnetID.Malformed", "ec2", "DescribeSubnets", SubnetIds=["subnet-xy"])
    n.fails("DependencyViolation", "ec2", "DeleteVpc", VpcId=vid)
    n.call("ec2", "DeleteSubnet", SubnetId=a)
    n.call("ec2", "DeleteSubnet", SubnetId=b)
    n.call("ec2", "DeleteVpc", VpcId=vid)
    n.fails("InvalidVpcID.NotFound", "ec2", "DescribeVpcs", VpcIds=[vid])


def test_internet_gateway_lifecycle():
    n = net()
    vid, gid = n.vpc()
    expect(n.ec2.has_internet_gateway(vid))
    other = n.call("ec2", "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    n.fails("Resource.AlreadyAssociated", "ec2", "AttachInternetGateway",
            InternetGatewayId=other, VpcId=vid)
    n.fails("Resource.AlreadyAssociated", "ec2", "AttachInternetGateway",
            InternetGatewayId=gid, VpcId=vid)
    n.fails("DependencyViolation", "ec2", "DeleteInternetGateway", InternetGatewayId=gid)
    n.fails("DependencyViolation", "ec2", "DeleteVpc", VpcId=vid)
    got = n.call("ec2", "DescribeInternetGateways",
                 Filters=[{"Name": "attachment.vpc-id", "Values": [vid]}])["InternetGateways"]
    expect([g["InternetGatewayId"] for g in got] == [gid])
    expect(got[0]["Attachments"] == [{"State": "available", "VpcId": vid}])
    n.fails("Gateway.NotAttached", "ec2", "DetachInternetGateway",
            InternetGatewayId=other, VpcId=vid)
    n.call("ec2", "DetachInternetGateway", InternetGatewayId=gid, VpcId=vid)
    expect(not n.ec2.has_internet_gateway(vid))
    n.call("ec2", "DeleteInternetGateway", InternetGatewayId=gid)
    n.call("ec2", "DeleteInternetGateway", InternetGatewayId=other)
    n.fails("InvalidInternetGatewayID.NotFound", "ec2", "DeleteInternetGateway",
            InternetGatewayId=gid)
    n.call("ec2", "DeleteVpc", VpcId=vid)


def test_route_tables():
    n = net()
    vid, gid = n.vpc()
    sub = n.subnet(vid, "10.0.0.0/24")
    main = n.call("ec2", "DescribeRouteTables", Filters=[
        {"Name": "vpc-id", "Values": [vid]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    expect(len(main) == 1 and main[0]["Routes"][0]["GatewayId"] == "local")
    main_id = main[0]["RouteTableId"]
    n.fails("DependencyViolation", "ec2", "DeleteRouteTable", RouteTableId=main_id)
    main_assoc = main[0]["Associations"][0]["RouteTableAssociationId"]
    n.fails("InvalidParameterValue", "ec2", "DisassociateRouteTable", AssociationId=main_assoc)
    rtb = n.call("ec2", "CreateRouteTable", VpcId=vid)["RouteTable"]["RouteTableId"]
    n.call("ec2", "CreateRoute", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
           GatewayId=gid)
    n.fails("RouteAlreadyExists", "ec2", "CreateRoute", RouteTableId=rtb,
            DestinationCidrBlock="0.0.0.0/0", GatewayId=gid)
    other_vpc, other_gw = n.vpc("10.9.0.0/16")
    n.fails("InvalidParameterValue", "ec2", "CreateRoute", RouteTableId=rtb,
            DestinationCidrBlock="1.0.0.0/8", GatewayId=other_gw)
    assoc = n.call("ec2", "AssociateRouteTable", RouteTableId=rtb, SubnetId=sub)["AssociationId"]
    n.fails("Resource.AlreadyAssociated", "ec2", "AssociateRouteTable",
            RouteTableId=main_id, SubnetId=sub)
    n.fails("DependencyViolation", "ec2", "DeleteRouteTable", RouteTableId=rtb)
    n.fails("DependencyViolation", "ec2", "DeleteVpc", VpcId=vid)
    got = n.call("ec2", "DescribeRouteTables", Filters=[
        {"Name": "association.subnet-id", "Values": [sub]}])["RouteTables"]
    expect([r["RouteTableId"] for r in got] == [rtb])
    expect(got[0]["Routes"][1] == {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": gid,
                                   "Origin": "CreateRoute", "State": "active"})
    n.call("ec2", "DisassociateRouteTable", AssociationId=assoc)
    n.fails("InvalidAssociationID.NotFound", "ec2", "DisassociateRouteTable", AssociationId=assoc)
    n.call("ec2", "ReplaceRoute", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
           GatewayId=gid)
    n.fails("InvalidRoute.NotFound", "ec2", "ReplaceRoute", RouteTableId=rtb,
            DestinationCidrBlock="10.99.0.0/16", GatewayId=gid)
    n.call("ec2", "DeleteRoute", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    n.fails("InvalidRoute.NotFound", "ec2", "DeleteRoute", RouteTableId=rtb,
            DestinationCidrBlock="0.0.0.0/0")
    n.call("ec2", "DeleteRouteTable", RouteTableId=rtb)
    n.fails("InvalidRouteTableID.NotFound", "ec2", "DeleteRouteTable", RouteTableId=rtb)


def test_nat_gateway_lifecycle_and_eip():
    n = net()
    vid, gid = n.vpc()
    pub = n.subnet(vid, "10.0.0.0/24")
    alloc = n.call("ec2", "AllocateAddress", Domain="vpc")["AllocationId"]
    first = n.call("ec2", "CreateNatGateway", SubnetId=pub, AllocationId=alloc,
                   ClientToken="tok-1")
    nat = first["NatGateway"]
    expect(nat["State"] == "pending" and first["ClientToken"] == "tok-1")
    again = n.call("ec2", "CreateNatGateway", SubnetId=pub, AllocationId=alloc,
                   ClientToken="tok-1")
    expect(again["NatGateway"]["NatGatewayId"] == nat["NatGatewayId"])
    n.fails("IdempotentParameterMismatch", "ec2", "CreateNatGateway", SubnetId=pub,
            ClientToken="tok-1")
    expect(len(n.call("ec2", "DescribeNatGateways")["NatGateways"]) == 1)
    n.fails("AuthFailure", "ec2", "ReleaseAddress", AllocationId=alloc)
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=pub)
    n.fails("DependencyViolation", "ec2", "DetachInternetGateway", InternetGatewayId=gid,
            VpcId=vid)
    rtb = n.call("ec2", "CreateRouteTable", VpcId=vid)["RouteTable"]["RouteTableId"]
    n.call("ec2", "CreateRoute", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
           NatGatewayId=nat["NatGatewayId"])
    route = n.call("ec2", "DescribeRouteTables", RouteTableIds=[rtb])["RouteTables"][0]["Routes"][1]
    expect(route["State"] == "blackhole", route)     # NAT still pending
    n.wait(121)
    got = n.call("ec2", "DescribeNatGateways", Filter=[
        {"Name": "state", "Values": ["available"]}])["NatGateways"]
    expect(len(got) == 1 and got[0]["NatGatewayAddresses"][0]["AllocationId"] == alloc, got)
    addr = n.call("ec2", "DescribeAddresses", AllocationIds=[alloc])["Addresses"][0]
    expect(addr["NetworkInterfaceId"] == got[0]["NatGatewayAddresses"][0]["NetworkInterfaceId"])
    n.call("ec2", "DeleteNatGateway", NatGatewayId=nat["NatGatewayId"])
    expect(n.call("ec2", "DescribeNatGateways", NatGatewayIds=[nat["NatGatewayId"]])
           ["NatGateways"][0]["State"] == "deleting")
    n.fails("AuthFailure", "ec2", "ReleaseAddress", AllocationId=alloc)
    n.wait(46)
    expect(n.call("ec2", "DescribeNatGateways", NatGatewayIds=[nat["NatGatewayId"]])
           ["NatGateways"][0]["State"] == "deleted")
    n.wait(6)
    n.call("ec2", "ReleaseAddress", AllocationId=alloc)
    n.fails("InvalidAllocationID.NotFound", "ec2", "ReleaseAddress", AllocationId=alloc)
    n.fails("InvalidParameterValue", "ec2", "ReleaseAddress", PublicIp="1.2.3.4")
    n.call("ec2", "DeleteSubnet", SubnetId=pub)


def test_nat_without_internet_gateway_fails():
    n = net()
    vid, _ = n.vpc(igw=False)
    sub = n.subnet(vid, "10.0.0.0/24")
    alloc = n.call("ec2", "AllocateAddress", Domain="vpc")["AllocationId"]
    nat = n.call("ec2", "CreateNatGateway", SubnetId=sub, AllocationId=alloc)["NatGateway"]
    expect(nat["State"] == "failed" and nat["FailureCode"] == "Gateway.NotAttached", nat)
    n.call("ec2", "ReleaseAddress", AllocationId=alloc)
    n.fails("MissingParameter", "ec2", "CreateNatGateway", SubnetId=sub)
    n.fails("InvalidAllocationID.NotFound", "ec2", "CreateNatGateway", SubnetId=sub,
            AllocationId="eipalloc-0000")
    n.fails("NatGatewayNotFound", "ec2", "DeleteNatGateway", NatGatewayId="nat-0000")
    n.call("ec2", "DeleteSubnet", SubnetId=sub)


def test_security_groups_rules_and_refusals():
    n = net()
    vid, _ = n.vpc()
    n.fails("InvalidParameterValue", "ec2", "CreateSecurityGroup", VpcId=vid,
            GroupName="sg-web", Description="x")
    n.fails("InvalidParameterValue", "ec2", "CreateSecurityGroup", VpcId=vid,
            GroupName="web", Description="l'équipe")
    n.fails("InvalidParameterValue", "ec2", "AuthorizeSecurityGroupIngress",
            GroupId=n.sg(vid, "tmp"), IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2,
                 "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "caf\u00e9"}]}])
    alb = n.call("ec2", "CreateSecurityGroup", VpcId=vid, GroupName="alb", Description="alb",
                 TagSpecifications=[{"ResourceType": "security-group",
                                     "Tags": [{"Key": "app", "Value": "demo"}]}])
    expect(alb["Tags"] == [{"Key": "app", "Value": "demo"}])
    alb = alb["GroupId"]
    n.fails("InvalidGroup.Duplicate", "ec2", "CreateSecurityGroup", VpcId=vid, GroupName="alb",
            Description="again")
    n.fails("InvalidGroup.Duplicate", "ec2", "CreateSecurityGroup", VpcId=vid,
            GroupName="default", Description="again")
    task = n.sg(vid, "task")
    desc = n.call("ec2", "DescribeSecurityGroups", GroupIds=[task])["SecurityGroups"][0]
    expect(desc["IpPermissionsEgress"] == [{"IpProtocol": "-1", "IpRanges": [
        {"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}])
    expect(desc["IpPermissions"] == [])
    out = n.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=alb, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "http"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    expect(out["Return"] and len(out["SecurityGroupRules"]) == 2)
    expect(all(r["SecurityGroupRuleId"].startswith("sgr-") for r in out["SecurityGroupRules"]))
    n.fails("InvalidPermission.Duplicate", "ec2", "AuthorizeSecurityGroupIngress", GroupId=alb,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    n.fails("InvalidParameterValue", "ec2", "AuthorizeSecurityGroupIngress", GroupId=alb,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80,
                            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    n.fails("InvalidGroup.NotFound", "ec2", "AuthorizeSecurityGroupIngress", GroupId=task,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                            "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}]}])
    ref = n.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=task, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "UserIdGroupPairs": [{"GroupId": alb}]}])["SecurityGroupRules"][0]
    expect(ref["ReferencedGroupInfo"]["GroupId"] == alb)
    got = n.call("ec2", "DescribeSecurityGroups", Filters=[
        {"Name": "ip-permission.group-id", "Values": [alb]}])["SecurityGroups"]
    expect([g["GroupId"] for g in got] == [task])
    rules = n.call("ec2", "DescribeSecurityGroupRules", Filters=[
        {"Name": "group-id", "Values": [alb]}])["SecurityGroupRules"]
    expect(len(rules) == 3 and sum(r["IsEgress"] for r in rules) == 1, rules)
    # referenced by another group's rule: refused until the reference is revoked
    e = n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=alb)
    expect(alb in e.message)
    rev = n.call("ec2", "RevokeSecurityGroupIngress", GroupId=task,
                 SecurityGroupRuleIds=[ref["SecurityGroupRuleId"]])
    expect(rev["RevokedSecurityGroupRules"][0]["ReferencedGroupId"] == alb)
    n.fails("InvalidPermission.NotFound", "ec2", "RevokeSecurityGroupIngress", GroupId=task,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                            "UserIdGroupPairs": [{"GroupId": alb}]}])
    n.call("ec2", "RevokeSecurityGroupEgress", GroupId=task, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    expect(n.call("ec2", "DescribeSecurityGroups", GroupIds=[task])
           ["SecurityGroups"][0]["IpPermissionsEgress"] == [])
    out = n.call("ec2", "AuthorizeSecurityGroupEgress", GroupId=task, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    expect(out["SecurityGroupRules"][0]["IsEgress"] is True)
    n.call("ec2", "DeleteSecurityGroup", GroupId=alb)
    n.fails("InvalidGroup.NotFound", "ec2", "DeleteSecurityGroup", GroupId=alb)
    n.fails("InvalidGroupId.Malformed", "ec2", "DeleteSecurityGroup", GroupId="web")
    default = n.call("ec2", "DescribeSecurityGroups", Filters=[
        {"Name": "vpc-id", "Values": [vid]}, {"Name": "group-name", "Values": ["default"]}])
    n.fails("CannotDelete", "ec2", "DeleteSecurityGroup",
            GroupId=default["SecurityGroups"][0]["GroupId"])


def test_enis_block_deletion_and_linger():
    n = net()
    vid, gid = n.vpc()
    sub = n.subnet(vid, "10.0.0.0/28")
    sg = n.sg(vid)
    eni = n.ec2.create_network_interface(sub, [sg], "task eni", "ecs:task/abc")
    for k in ("NetworkInterfaceId", "PrivateIpAddress", "SubnetId", "VpcId",
              "AvailabilityZone", "Status"):
        expect(k in eni, k)
    expect(eni["Status"] == "in-use" and eni["PrivateIpAddress"] == "10.0.0.4")
    got = n.call("ec2", "DescribeNetworkInterfaces", Filters=[
        {"Name": "group-id", "Values": [sg]}])["NetworkInterfaces"]
    expect([e["NetworkInterfaceId"] for e in got] == [eni["NetworkInterfaceId"]])
    expect(got[0]["RequesterId"] == "ecs:task/abc" and got[0]["Description"] == "task eni")
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=sg)
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=sub)
    n.fails("InvalidNetworkInterface.InUse", "ec2", "DeleteNetworkInterface",
            NetworkInterfaceId=eni["NetworkInterfaceId"])
    # a /28 has 11 usable addresses: 16 - 5 reserved
    for i in range(10):
        n.ec2.create_network_interface(sub, [sg], f"more {i}", "ecs:task/x")
    try:
        n.ec2.create_network_interface(sub, [sg], "one too many", "ecs:task/x")
    except Exception as e:
        expect(getattr(e, "code", "") == "InsufficientFreeAddressesInSubnet", e)
    else:
        raise AssertionError("subnet never ran out of addresses")
    for e in list(n.ec2.enis):
        n.ec2.release_network_interface(e, 300)
    got = n.call("ec2", "DescribeNetworkInterfaces", Filters=[
        {"Name": "subnet-id", "Values": [sub]}, {"Name": "status", "Values": ["available"]}])
    expect(len(got["NetworkInterfaces"]) == 11)
    n.fails("DependencyViolation", "ec2", "DeleteSecurityGroup", GroupId=sg)   # lingering
    n.wait(301)
    expect(n.call("ec2", "DescribeNetworkInterfaces",
                  Filters=[{"Name": "vpc-id", "Values": [vid]}])["NetworkInterfaces"] == [])
    n.call("ec2", "DeleteSecurityGroup", GroupId=sg)
    n.call("ec2", "DeleteSubnet", SubnetId=sub)
    n.call("ec2", "DetachInternetGateway", InternetGatewayId=gid, VpcId=vid)
    n.call("ec2", "DeleteInternetGateway", InternetGatewayId=gid)
    n.call("ec2", "DeleteVpc", VpcId=vid)
    expect(n.ec2.vpc(vid) is None)


def test_eni_cross_service_errors_and_delete():
    n = net()
    vid, _ = n.vpc()
    other, _ = n.vpc("10.5.0.0/16", igw=False)
    sub = n.subnet(vid, "10.0.0.0/24")
    foreign = n.sg(other)
    for args, code in (((sub, ["sg-00000000"], "", "x"), "InvalidGroup.NotFound"),
                       (("subnet-00000000", [], "", "x"), "InvalidSubnetID.NotFound"),
                       ((sub, [foreign], "", "x"), "InvalidParameter")):
        try:
            n.ec2.create_network_interface(*args)
        except Exception as e:
            expect(getattr(e, "code", None) == code, (code, e))
        else:
            raise AssertionError(f"expected {code}")
    own = n.call("ec2", "CreateNetworkInterface", SubnetId=sub, Description="mine")
    own = own["NetworkInterface"]
    expect(own["Status"] == "available" and own["Groups"][0]["GroupName"] == "default", own)
    n.fails("DependencyViolation", "ec2", "DeleteSubnet", SubnetId=sub)
    n.call("ec2", "DeleteNetworkInterface", NetworkInterfaceId=own["NetworkInterfaceId"])
    eni = n.ec2.create_network_interface(sub, [], "lb", "amazon-elb")
    n.ec2.release_network_interface(eni["NetworkInterfaceId"], 600)
    n.call("ec2", "DeleteNetworkInterface", NetworkInterfaceId=eni["NetworkInterfaceId"])
    n.call("ec2", "DeleteSubnet", SubnetId=sub)


def test_tags_and_describe_tags():
    n = net()
    vid, gid = n.vpc()
    sub = n.subnet(vid, "10.0.0.0/24")
    n.call("ec2", "CreateTags", Resources=[vid, sub, gid],
           Tags=[{"Key": "stack", "Value": "demo"}, {"Key": "Name", "Value": "x"}])
    rows = n.call("ec2", "DescribeTags", Filters=[{"Name": "key", "Values": ["stack"]}])["Tags"]
    expect(sorted(r["ResourceType"] for r in rows) == ["internet-gateway", "subnet", "vpc"], rows)
    got = n.call("ec2", "DescribeSubnets", Filters=[{"Name": "tag:stack", "Values": ["demo"]}])
    expect([s["SubnetId"] for s in got["Subnets"]] == [sub])
    n.call("ec2", "DeleteTags", Resources=[sub], Tags=[{"Key": "stack"}])
    expect(n.call("ec2", "DescribeSubnets", Filters=[
        {"Name": "tag:stack", "Values": ["demo"]}])["Subnets"] == [])
    n.fails("InvalidVpcID.NotFound", "ec2", "CreateTags", Resources=["vpc-00000000"],
            Tags=[{"Key": "a", "Value": "b"}])
    n.fails("InvalidParameterValue", "ec2", "CreateTags", Resources=[vid],
            Tags=[{"Key": "aws:x", "Value": "b"}])
    n.fails("InvalidParameterValue", "ec2", "CreateVpc", CidrBlock="10.1.0.0/16",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "a", "Value": "b"}]}])
    n.fails("InvalidParameterValue", "ec2", "DescribeVpcs",
            Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    n.fails("DryRunOperation", "ec2", "CreateVpc", CidrBlock="10.1.0.0/16", DryRun=True)


def test_pagination_on_describes():
    n = net()
    for i in range(7):
        n.vpc(f"10.{i}.0.0/16", igw=False)
    seen = [v["VpcId"] for v in n.pages("ec2", "DescribeVpcs", "Vpcs", MaxResults=5)]
    expect(len(seen) == 8 and len(set(seen)) == 8, seen)   # 7 + the default VPC


def test_resources_listing():
    n = net()
    vid, _ = n.vpc()
    res = n.ec2.resources()
    expect(vid in [v["id"] for v in res["vpcs"]])
    expect(len(res["internet_gateways"]) == 2)            # the default VPC's and ours
    expect(any(g["name"] == "default" for g in res["security_groups"]))


def test_regions_are_separate_and_reset_forgets():
    n = net()
    vid, _ = n.vpc()
    n.fails("InvalidVpcID.NotFound", "ec2", "DescribeVpcs", VpcIds=[vid], region="eu-west-1")
    west = n.call("ec2", "DescribeVpcs", region="eu-west-1")["Vpcs"]
    expect(len(west) == 1 and west[0]["IsDefault"], west)
    sub = n.call("ec2", "DescribeSubnets", region="eu-west-1")["Subnets"]
    expect(sorted(s["AvailabilityZone"] for s in sub) == ["eu-west-1a", "eu-west-1b",
                                                           "eu-west-1c"])
    n.world.reset()
    vpcs = n.call("ec2", "DescribeVpcs")["Vpcs"]
    expect([v["IsDefault"] for v in vpcs] == [True], vpcs)


def test_unseen_switch_hides_new_resources_from_their_first_calls():
    """POST /_fake/ec2/unseen: EC2's eventual consistency on request. A VPC, subnet or
    group made after it answers its NotFound to the first N calls naming it (Describes
    count; filters do not see it and do not count), then it is there; kinds not listed,
    and resources made before, are not touched."""
    n = net()
    before, _ = n.vpc(igw=False)
    bad = [None, {}, {"kinds": ["vpc"]}, {"kinds": ["igw"], "calls": 1},
           {"kinds": ["vpc"], "calls": -1}, {"kinds": ["vpc"], "calls": True},
           {"kinds": "vpc", "calls": 1}, {"kinds": ["vpc"], "calls": 1, "other": 1}]
    for doc in bad:
        expect(n.ec2.control("POST", ["unseen"], doc)[0] == 404, doc)
    expect(n.ec2.control("GET", ["unseen"], None)[0] == 404)
    expect(n.ec2.control("POST", ["unseen"], {"kinds": ["vpc", "subnet", "sg"], "calls": 2}) ==
           (200, {"kinds": ["sg", "subnet", "vpc"], "calls": 2}))
    n.call("ec2", "DescribeVpcs", VpcIds=[before])   # made before: seen
    vid = n.call("ec2", "CreateVpc", CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    expect(n.call("ec2", "DescribeVpcs", Filters=[{"Name": "vpc-id", "Values": [vid]}])["Vpcs"] == [])
    n.fails("InvalidVpcID.NotFound", "ec2", "ModifyVpcAttribute", VpcId=vid,
            EnableDnsHostnames={"Value": True})
    n.fails("InvalidVpcID.NotFound", "ec2", "DescribeVpcs", VpcIds=[vid])
    expect([v["VpcId"] for v in n.call("ec2", "DescribeVpcs", VpcIds=[vid])["Vpcs"]] == [vid])
    sid = n.call("ec2", "CreateSubnet", VpcId=vid, CidrBlock="10.9.0.0/24",
                 AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    n.fails("InvalidSubnetID.NotFound", "ec2", "ModifySubnetAttribute", SubnetId=sid,
            MapPublicIpOnLaunch={"Value": True})
    gid = n.call("ec2", "CreateSecurityGroup", VpcId=vid, GroupName="g", Description="g")["GroupId"]
    n.fails("InvalidGroup.NotFound", "ec2", "DescribeSecurityGroups", GroupIds=[gid])
    n.fails("InvalidGroup.NotFound", "ec2", "DescribeSecurityGroups", GroupIds=[gid])
    expect(len(n.call("ec2", "DescribeSecurityGroups", GroupIds=[gid])["SecurityGroups"]) == 1)
    igw = n.call("ec2", "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    n.call("ec2", "DescribeInternetGateways", InternetGatewayIds=[igw])   # not a kind listed
    expect(n.ec2.control("POST", ["unseen"], {"kinds": [], "calls": 0}) ==
           (200, {"kinds": [], "calls": 0}))
    n.call("ec2", "ModifySubnetAttribute", SubnetId=sid, MapPublicIpOnLaunch={"Value": True})


if __name__ == "__main__":
    sys.exit(run_tests(dict(globals())))
