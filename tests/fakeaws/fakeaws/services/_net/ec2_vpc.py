"""EC2: VPCs, subnets, regions and availability zones, internet gateways and route tables."""

import ipaddress

from fakeaws.core import AwsError
from fakeaws.util import must_get
from fakeaws.services._net.ec2_ipv6 import parse_cidr6
from fakeaws.services._net.common import (
    ENABLED_REGIONS, OPT_IN_REGIONS, check_id, match_filters, paginate, parse_cidr, tag_list,
    tags_from_specs, zones)


def _not_found(kind, code, rid):
    if kind == "security group":
        return AwsError(code, f"The security group '{rid}' does not exist")
    return AwsError(code, f"The {kind} ID '{rid}' does not exist")


def _same_network(rtb, gateway, kind):
    """A route to `gateway` (an internet or NAT gateway) from route table rtb: both must be
    of one VPC."""
    if gateway["vpc_id"] != rtb["vpc_id"]:
        raise AwsError("InvalidParameterValue",
                       f"route table {rtb['id']} and {kind} {gateway['id']} belong to different networks")


def _route_to(rtb, member, dest, local):
    """The index of rtb's first route to dest (member: which kind of destination), a local
    route counted only when `local`; InvalidRoute.NotFound when there is none."""
    for i, rt in enumerate(rtb["routes"]):
        if rt.get(member) == dest and (local or rt.get("GatewayId") != "local"):
            return i
    raise AwsError("InvalidRoute.NotFound",
                   f"no route with destination-cidr-block {dest} in route table {rtb['id']}")


class VpcMixin:
    """VPCs, subnets, zones, internet gateways, route tables (part of the EC2 class)."""

    # ---- regions and defaults ---------------------------------------------

    def _region(self, ctx):
        """The request's region, creating its default VPC on first use."""
        region = ctx.region or "us-east-1"
        if region not in self.regions:
            self.regions.add(region)
            self._make_default_vpc(region)
        return region

    def _make_default_vpc(self, region):
        vpc = self._new_vpc(region, "172.31.0.0/16", {}, is_default=True)
        vpc["dns_hostnames"] = True
        for i, (zone, zone_id) in enumerate(zones(region)):
            sub = self._new_subnet(vpc, f"172.31.{16 * i}.0/20", zone, zone_id, {})
            sub["default_for_az"] = True
            sub["map_public"] = True
        igw = self._new_igw(region, {})
        igw["vpc_id"] = vpc["id"]
        self._add_route(self._main_rtb(vpc["id"]), "0.0.0.0/0", {"GatewayId": igw["id"]})

    # ---- VPCs --------------------------------------------------------------

    def _new_vpc(self, region, cidr, tags, is_default=False):
        vid = self.world.new_id("vpc")
        vpc = {"id": vid, "region": region, "cidr": cidr, "tags": tags,
               "is_default": is_default, "dns_support": True, "dns_hostnames": False,
               "nau_metrics": False, "tenancy": "default",
               "assoc_id": self.world.new_id("vpc-cidr-assoc"),
               "dhcp": self.dhcp_for_region(region), "ipv6": []}
        self.vpcs[vid] = vpc
        rtb = self._new_rtb(vpc, {})
        rtb["main_assoc"] = self.world.new_id("rtbassoc")
        sg = self._new_sg(vpc, "default", "default VPC security group", {})
        sg["is_default"] = True
        self._add_rule(sg, False, {"IpProtocol": "-1"}, {"GroupId": sg["id"]})
        return vpc

    def dhcp_for_region(self, region):
        if region not in self.dhcp:
            self.dhcp[region] = self.world.new_id("dopt", 8)
        return self.dhcp[region]

    def _vpc(self, vid):
        check_id(vid, "vpc")
        return must_get(self.vpcs, vid, lambda: _not_found("vpc", "InvalidVpcID.NotFound", vid))

    def _render_vpc(self, v):
        return {"VpcId": v["id"], "CidrBlock": v["cidr"], "State": "available",
                "DhcpOptionsId": v["dhcp"], "InstanceTenancy": v["tenancy"],
                "IsDefault": v["is_default"], "OwnerId": self.account,
                "CidrBlockAssociationSet": [{
                    "AssociationId": v["assoc_id"], "CidrBlock": v["cidr"],
                    "CidrBlockState": {"State": "associated"}}],
                "Ipv6CidrBlockAssociationSet": self.render_vpc_ipv6(v),
                "Tags": tag_list(v["tags"]),
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"}}

    def CreateVpc(self, req, ctx):
        region = self._region(ctx)
        text = req.get("CidrBlock")
        if not text:
            raise AwsError("MissingParameter",
                           "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
        net = parse_cidr(text)
        if not 16 <= net.prefixlen <= 28:
            raise AwsError("InvalidVpc.Range", f"The CIDR '{text}' is invalid.")
        tenancy = req.get("InstanceTenancy") or "default"
        tags = tags_from_specs(req, "vpc")
        vpc = self._new_vpc(region, text, tags)
        vpc["tenancy"] = tenancy
        if req.get("AmazonProvidedIpv6CidrBlock"):
            self._vpc_ipv6_associate(vpc)
        out = self._render_vpc(vpc)
        out["State"] = "pending"     # CreateVpc answers pending; describes see available
        return {"Vpc": out}

    VPC_FILTERS = {
        "vpc-id": lambda v: v["id"], "cidr": lambda v: v["cidr"],
        "cidr-block-association.cidr-block": lambda v: v["cidr"],
        "cidr-block-association.association-id": lambda v: v["assoc_id"],
        "cidr-block-association.state": lambda v: "associated",
        "dhcp-options-id": lambda v: v["dhcp"], "is-default": lambda v: v["is_default"],
        "owner-id": lambda v: "000000000000", "state": lambda v: "available",
        "instance-tenancy": lambda v: v["tenancy"],
        "ipv6-cidr-block-association.ipv6-cidr-block":
            lambda v: [b["Ipv6CidrBlock"] for b in v["_ipv6"]],
        "ipv6-cidr-block-association.association-id":
            lambda v: [b["AssociationId"] for b in v["_ipv6"]],
        "ipv6-cidr-block-association.state":
            lambda v: [b["Ipv6CidrBlockState"]["State"] for b in v["_ipv6"]],
    }

    def _describe(self, store, ids, id_code, kind, filters, fields, region):
        if ids:
            prefix = {"InvalidVpcID.NotFound": "vpc", "InvalidSubnetID.NotFound": "subnet",
                      "InvalidGroup.NotFound": "sg"}.get(id_code)
            for rid in ids:
                if prefix:
                    check_id(rid, prefix)
                r = store.get(rid)
                if r is None or r["region"] != region:
                    raise _not_found(kind, id_code, rid)
            items = [store[i] for i in dict.fromkeys(ids)]
        else:
            items = [r for r in store.values() if r["region"] == region]
        return [r for r in items if match_filters(filters, r, fields, r["tags"])]

    def _describe_page(self, req, ctx, store, ids_member, id_code, kind, fields, render, out_key):
        """A Describe call of one kind: the things of `store` named by req[ids_member] (or all
        in the region), filtered by req's Filters on `fields`, rendered, in pages under
        out_key."""
        items = self._describe(store, req.get(ids_member), id_code, kind, req.get("Filters"), fields,
                               self._region(ctx))
        return paginate([render(x) for x in items], req, out_key)

    def DescribeVpcs(self, req, ctx):
        self._region(ctx)  # the default VPC first, then every VPC's IPv6 blocks
        for v in self.vpcs.values():
            v["_ipv6"] = self.render_vpc_ipv6(v)
        return self._describe_page(req, ctx, self.vpcs, "VpcIds", "InvalidVpcID.NotFound", "vpc",
                                   self.VPC_FILTERS, self._render_vpc, "Vpcs")

    def DeleteVpc(self, req, ctx):
        self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        vid = vpc["id"]
        busy = (any(s["vpc_id"] == vid for s in self.subnets.values())
                or any(i.get("vpc_id") == vid for i in self.igws.values())
                or any(r["vpc_id"] == vid and not r.get("main_assoc")
                       for r in self.rtbs.values())
                or any(g["vpc_id"] == vid and not g.get("is_default")
                       for g in self.sgs.values())
                or any(e["vpc_id"] == vid for e in self._live_enis())
                or any(g["vpc_id"] == vid for g in self.eigws.values())
                or any(n["vpc_id"] == vid for n in self._live_nats()))
        if busy:
            raise AwsError("DependencyViolation",
                           f"The vpc '{vid}' has dependencies and cannot be deleted.")
        for store in (self.rtbs, self.sgs):
            for rid in [k for k, r in store.items() if r["vpc_id"] == vid]:
                del store[rid]
        del self.vpcs[vid]
        return {}

    VPC_ATTRS = {"EnableDnsSupport": "dns_support", "EnableDnsHostnames": "dns_hostnames",
                 "EnableNetworkAddressUsageMetrics": "nau_metrics"}

    def ModifyVpcAttribute(self, req, ctx):
        self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        given = [k for k in self.VPC_ATTRS if req.get(k) is not None]
        if len(given) != 1:
            names = ", ".join(k[0].lower() + k[1:] for k in given) or "none"
            raise AwsError("InvalidParameterCombination",
                           "Exactly one attribute may be modified per request; "
                           f"fields given: {names}")
        key = given[0]
        value = (req[key] or {}).get("Value")
        if value is None:
            raise AwsError("MissingParameter",
                           f"The request must contain the parameter {key}.Value")
        vpc[self.VPC_ATTRS[key]] = bool(value)
        return {}

    def DescribeVpcAttribute(self, req, ctx):
        self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        attr = req["Attribute"]
        key = attr[0].upper() + attr[1:]
        return {"VpcId": vpc["id"], key: {"Value": vpc[self.VPC_ATTRS[key]]}}

    # ---- regions and availability zones -----------------------------------

    def DescribeRegions(self, req, ctx):
        """The regions enabled for the account (AllRegions: the opt-in ones too, as
        not-opted-in), RegionNames to choose; an unknown name is refused as AWS does."""
        known = [(r, "opt-in-not-required") for r in ENABLED_REGIONS] + \
                [(r, "not-opted-in") for r in OPT_IN_REGIONS]
        names = req.get("RegionNames") or []
        for name in names:
            if name not in [r for r, _ in known]:
                raise AwsError("InvalidParameterValue", f"Invalid region: {name}")
        fields = {"region-name": lambda r: r["RegionName"], "opt-in-status": lambda r: r["OptInStatus"],
                  "endpoint": lambda r: r["Endpoint"]}
        out = []
        for name, status in known:
            if status == "not-opted-in" and not req.get("AllRegions") and name not in names:
                continue
            r = {"RegionName": name, "OptInStatus": status, "Endpoint": f"ec2.{name}.amazonaws.com"}
            if (not names or name in names) and match_filters(req.get("Filters"), r, fields, {}):
                out.append(r)
        return {"Regions": out}

    def DescribeAvailabilityZones(self, req, ctx):
        region = self._region(ctx)
        out = []
        fields = {"zone-name": lambda z: z["ZoneName"], "zone-id": lambda z: z["ZoneId"],
                  "region-name": lambda z: z["RegionName"], "state": lambda z: z["State"],
                  "zone-type": lambda z: z["ZoneType"],
                  "opt-in-status": lambda z: z["OptInStatus"],
                  "group-name": lambda z: z["GroupName"]}
        names, ids = req.get("ZoneNames") or [], req.get("ZoneIds") or []
        known = zones(region)
        for n in names:
            if n not in [z for z, _ in known]:
                raise AwsError("InvalidParameterValue",
                               f"The zone '{n}' does not exist.")
        for zid in ids:
            if zid not in [i for _, i in known]:
                raise AwsError("InvalidParameterValue",
                               f"The zone id '{zid}' does not exist.")
        for zone, zone_id in known:
            z = {"ZoneName": zone, "ZoneId": zone_id, "RegionName": region,
                 "State": "available", "OptInStatus": "opt-in-not-required",
                 "Messages": [], "GroupName": region, "NetworkBorderGroup": region,
                 "ZoneType": "availability-zone"}
            if names and zone not in names or ids and zone_id not in ids:
                continue
            if match_filters(req.get("Filters"), z, fields, {}):
                out.append(z)
        return {"AvailabilityZones": out}

    # ---- subnets ----------------------------------------------------------

    def _new_subnet(self, vpc, cidr, zone, zone_id, tags):
        sid = self.world.new_id("subnet")
        sub = {"id": sid, "region": vpc["region"], "vpc_id": vpc["id"], "cidr": cidr,
               "zone": zone, "zone_id": zone_id, "tags": tags, "map_public": False,
               "default_for_az": False, "next_ip": 4, "ipv6": None, "assign_ipv6": False}
        self.subnets[sid] = sub
        return sub

    def _subnet(self, sid):
        check_id(sid, "subnet")
        return must_get(self.subnets, sid, lambda: _not_found("subnet", "InvalidSubnetID.NotFound", sid))

    def _render_subnet(self, s):
        net = ipaddress.IPv4Network(s["cidr"])
        used = sum(1 for e in self._live_enis() if e["subnet_id"] == s["id"])
        return {"SubnetId": s["id"], "VpcId": s["vpc_id"], "CidrBlock": s["cidr"],
                "AvailabilityZone": s["zone"], "AvailabilityZoneId": s["zone_id"],
                "State": "available", "AvailableIpAddressCount": net.num_addresses - 5 - used,
                "DefaultForAz": s["default_for_az"], "MapPublicIpOnLaunch": s["map_public"],
                "MapCustomerOwnedIpOnLaunch": False, "AssignIpv6AddressOnCreation": s["assign_ipv6"],
                "Ipv6CidrBlockAssociationSet": self.render_subnet_ipv6(s), "OwnerId": self.account,
                "SubnetArn": self.world.arn("ec2", s["region"], "subnet/" + s["id"]),
                "EnableDns64": False, "Ipv6Native": False,
                "PrivateDnsNameOptionsOnLaunch": {
                    "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                    "EnableResourceNameDnsAAAARecord": False},
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
                "Tags": tag_list(s["tags"])}

    def CreateSubnet(self, req, ctx):
        region = self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        text = req.get("CidrBlock")
        if not text:
            raise AwsError("MissingParameter", "The request must contain the parameter cidrBlock")
        net = parse_cidr(text)
        if not 16 <= net.prefixlen <= 28 or not net.subnet_of(ipaddress.IPv4Network(vpc["cidr"])):
            raise AwsError("InvalidSubnet.Range", f"The CIDR '{text}' is invalid.")
        for other in self.subnets.values():
            if other["vpc_id"] == vpc["id"] and net.overlaps(ipaddress.IPv4Network(other["cidr"])):
                raise AwsError("InvalidSubnet.Conflict",
                               f"The CIDR '{text}' conflicts with another subnet")
        known = zones(region)
        zone, zone_id = req.get("AvailabilityZone"), req.get("AvailabilityZoneId")
        if zone or zone_id:
            match = [z for z in known if z[0] == zone or z[1] == zone_id]
            if not match:
                raise AwsError("InvalidParameterValue",
                               f"Value ({zone or zone_id}) for parameter availabilityZone is "
                               "invalid. Subnets can currently only be created in the "
                               "following availability zones: "
                               + ", ".join(z for z, _ in known) + ".")
            zone, zone_id = match[0]
        else:
            zone, zone_id = known[self.world.random.randrange(len(known))]
        ipv6 = self.subnet_ipv6(vpc["id"], req["Ipv6CidrBlock"]) if req.get("Ipv6CidrBlock") else None
        sub = self._new_subnet(vpc, text, zone, zone_id, tags_from_specs(req, "subnet"))
        sub["ipv6"] = ipv6
        return {"Subnet": self._render_subnet(sub)}

    SUBNET_FILTERS = {
        "subnet-id": lambda s: s["id"], "vpc-id": lambda s: s["vpc_id"],
        "cidr-block": lambda s: s["cidr"], "cidr": lambda s: s["cidr"],
        "cidrBlock": lambda s: s["cidr"],
        "availability-zone": lambda s: s["zone"], "availabilityZone": lambda s: s["zone"],
        "availability-zone-id": lambda s: s["zone_id"],
        "default-for-az": lambda s: s["default_for_az"],
        "defaultForAz": lambda s: s["default_for_az"],
        "map-public-ip-on-launch": lambda s: s["map_public"],
        "state": lambda s: "available", "owner-id": lambda s: "000000000000",
        "ipv6-cidr-block-association.ipv6-cidr-block": lambda s: [s["ipv6"]["cidr"]] if s.get("ipv6") else [],
        "assign-ipv6-address-on-creation": lambda s: s["assign_ipv6"],
    }

    def DescribeSubnets(self, req, ctx):
        return self._describe_page(req, ctx, self.subnets, "SubnetIds", "InvalidSubnetID.NotFound",
                                   "subnet", self.SUBNET_FILTERS, self._render_subnet, "Subnets")

    def ModifySubnetAttribute(self, req, ctx):
        self._region(ctx)
        sub = self._subnet(req["SubnetId"])
        given = [k for k in req if k not in ("SubnetId", "DryRun")]
        if len(given) != 1:
            raise AwsError("InvalidParameterCombination",
                           "Exactly one attribute may be modified per request.")
        if given[0] == "MapPublicIpOnLaunch":
            sub["map_public"] = bool(req["MapPublicIpOnLaunch"].get("Value"))
        elif given[0] == "AssignIpv6AddressOnCreation":
            self.set_assign_ipv6(sub, (req["AssignIpv6AddressOnCreation"] or {}).get("Value"))
        return {}

    def DeleteSubnet(self, req, ctx):
        self._region(ctx)
        sub = self._subnet(req["SubnetId"])
        if (any(e["subnet_id"] == sub["id"] for e in self._live_enis())
                or any(n["subnet_id"] == sub["id"] for n in self._live_nats())):
            raise AwsError("DependencyViolation",
                           f"The subnet '{sub['id']}' has dependencies and cannot be deleted.")
        for rtb in self.rtbs.values():
            rtb["assocs"] = {a: s for a, s in rtb["assocs"].items() if s != sub["id"]}
        del self.subnets[sub["id"]]
        return {}

    # ---- internet gateways ----------------------------------------------

    def _new_igw(self, region, tags):
        gid = self.world.new_id("igw")
        igw = {"id": gid, "region": region, "vpc_id": None, "tags": tags}
        self.igws[gid] = igw
        return igw

    def _igw(self, gid):
        return must_get(self.igws, gid,
                        lambda: _not_found("internetGateway", "InvalidInternetGatewayID.NotFound", gid))

    def _render_igw(self, g):
        att = [{"State": "available", "VpcId": g["vpc_id"]}] if g["vpc_id"] else []
        return {"InternetGatewayId": g["id"], "OwnerId": self.account, "Attachments": att,
                "Tags": tag_list(g["tags"])}

    def has_internet_gateway(self, vpc_id):
        return any(g["vpc_id"] == vpc_id for g in self.igws.values())

    def CreateInternetGateway(self, req, ctx):
        region = self._region(ctx)
        igw = self._new_igw(region, tags_from_specs(req, "internet-gateway"))
        return {"InternetGateway": self._render_igw(igw)}

    def AttachInternetGateway(self, req, ctx):
        self._region(ctx)
        igw = self._igw(req["InternetGatewayId"])
        vpc = self._vpc(req["VpcId"])
        if igw["vpc_id"]:
            raise AwsError("Resource.AlreadyAssociated",
                           f"resource {igw['id']} is already attached to network {igw['vpc_id']}")
        if self.has_internet_gateway(vpc["id"]):
            raise AwsError("Resource.AlreadyAssociated",
                           f"Network {vpc['id']} already has an internet gateway attached")
        igw["vpc_id"] = vpc["id"]
        return {}

    def DetachInternetGateway(self, req, ctx):
        self._region(ctx)
        igw = self._igw(req["InternetGatewayId"])
        vpc = self._vpc(req["VpcId"])
        if igw["vpc_id"] != vpc["id"]:
            raise AwsError("Gateway.NotAttached",
                           f"resource {igw['id']} is not attached to network {vpc['id']}")
        elb = self.world.services.get("elbv2")
        public_lb = elb is not None and any(
            lb["vpc_id"] == vpc["id"] and lb["scheme"] == "internet-facing"
            for lb in elb.lbs.values())
        if public_lb or any(n["vpc_id"] == vpc["id"] and n["public"] for n in self._live_nats()):
            raise AwsError("DependencyViolation",
                           f"Network {vpc['id']} has some mapped public address(es). "
                           "Please unmap those public address(es) before detaching the gateway.")
        igw["vpc_id"] = None
        return {}

    def DeleteInternetGateway(self, req, ctx):
        self._region(ctx)
        igw = self._igw(req["InternetGatewayId"])
        if igw["vpc_id"]:
            raise AwsError("DependencyViolation",
                           f"The internetGateway '{igw['id']}' has dependencies and "
                           "cannot be deleted.")
        del self.igws[igw["id"]]
        return {}

    IGW_FILTERS = {
        "internet-gateway-id": lambda g: g["id"],
        "attachment.vpc-id": lambda g: g["vpc_id"] or [],
        "attachment.state": lambda g: "available" if g["vpc_id"] else [],
        "owner-id": lambda g: "000000000000",
    }

    def DescribeInternetGateways(self, req, ctx):
        return self._describe_page(req, ctx, self.igws, "InternetGatewayIds",
                                   "InvalidInternetGatewayID.NotFound", "internetGateway",
                                   self.IGW_FILTERS, self._render_igw, "InternetGateways")

    # ---- route tables ----------------------------------------------------

    def _new_rtb(self, vpc, tags):
        rid = self.world.new_id("rtb")
        rtb = {"id": rid, "region": vpc["region"], "vpc_id": vpc["id"], "tags": tags,
               "routes": [{"DestinationCidrBlock": vpc["cidr"], "GatewayId": "local",
                           "Origin": "CreateRouteTable", "State": "active"}]
               + [{"DestinationIpv6CidrBlock": b["cidr"], "GatewayId": "local", "Origin": "CreateRouteTable",
                   "State": "active"} for b in self.vpc_ipv6_blocks(vpc, ("associating", "associated"))],
               "assocs": {}, "main_assoc": None}
        self.rtbs[rid] = rtb
        return rtb

    def _rtb(self, rid):
        return must_get(self.rtbs, rid, lambda: _not_found("routeTable", "InvalidRouteTableID.NotFound", rid))

    def _main_rtb(self, vpc_id):
        for r in self.rtbs.values():
            if r["vpc_id"] == vpc_id and r["main_assoc"]:
                return r
        return None

    def _route_state(self, route):
        nid = route.get("NatGatewayId")
        if nid:
            nat = self.nats.get(nid)
            return "active" if nat and self._nat_state(nat) == "available" else "blackhole"
        eid = route.get("EgressOnlyInternetGatewayId")
        if eid:
            return "active" if eid in self.eigws else "blackhole"
        gid = route.get("GatewayId")
        if gid and gid != "local":
            igw = self.igws.get(gid)
            return "active" if igw and igw["vpc_id"] else "blackhole"
        return "active"

    def _render_rtb(self, r):
        assocs = []
        if r["main_assoc"]:
            assocs.append({"Main": True, "RouteTableAssociationId": r["main_assoc"],
                           "RouteTableId": r["id"],
                           "AssociationState": {"State": "associated"}})
        for aid, sid in r["assocs"].items():
            assocs.append({"Main": False, "RouteTableAssociationId": aid,
                           "RouteTableId": r["id"], "SubnetId": sid,
                           "AssociationState": {"State": "associated"}})
        routes = [dict(rt, State=self._route_state(rt)) for rt in r["routes"]]
        return {"RouteTableId": r["id"], "VpcId": r["vpc_id"], "OwnerId": self.account,
                "Routes": routes, "Associations": assocs, "PropagatingVgws": [],
                "Tags": tag_list(r["tags"])}

    def CreateRouteTable(self, req, ctx):
        self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        rtb = self._new_rtb(vpc, tags_from_specs(req, "route-table"))
        return {"RouteTable": self._render_rtb(rtb)}

    @staticmethod
    def _route_dest(req):
        """(member, destination) of a route request: IPv4 or IPv6, exactly one."""
        d4, d6 = req.get("DestinationCidrBlock"), req.get("DestinationIpv6CidrBlock")
        if d4 and d6:
            raise AwsError("InvalidParameterCombination",
                           "Only one of destinationCidrBlock and destinationIpv6CidrBlock may be given")
        if d6:
            return "DestinationIpv6CidrBlock", str(parse_cidr6(d6, "destinationIpv6CidrBlock"))
        return "DestinationCidrBlock", d4

    def _add_route(self, rtb, dest, target, member="DestinationCidrBlock"):
        for rt in rtb["routes"]:
            if rt.get(member) == dest:
                raise AwsError("RouteAlreadyExists",
                               f"The route identified by {dest} already exists.")
        route = {member: dest, "Origin": "CreateRoute", "State": "active"}
        route.update(target)
        rtb["routes"].append(route)

    def _route_target(self, req, rtb, dest6=None):
        targets = {k: req[k] for k in ("GatewayId", "NatGatewayId", "NetworkInterfaceId",
                                       "VpcPeeringConnectionId", "TransitGatewayId",
                                       "EgressOnlyInternetGatewayId", "InstanceId",
                                       "VpcEndpointId", "LocalGatewayId",
                                       "CarrierGatewayId") if req.get(k)}
        if len(targets) != 1:
            raise AwsError("InvalidParameterCombination" if targets else "MissingParameter",
                           "The request must contain exactly one of gatewayId, natGatewayId, "
                           "networkInterfaceId, vpcPeeringConnectionId, transitGatewayId, "
                           "egressOnlyInternetGatewayId, instanceId")
        if "GatewayId" in targets:
            _same_network(rtb, self._igw(targets["GatewayId"]), "network gateway")
        elif "NatGatewayId" in targets:
            _same_network(rtb, self._nat(targets["NatGatewayId"]), "NAT gateway")
        elif "NetworkInterfaceId" in targets:
            self._eni(targets["NetworkInterfaceId"])
        elif "EgressOnlyInternetGatewayId" in targets:
            pass  # checked with the destination below
        else:
            # kinds of target this fake does not model: none of them can exist
            key, value = next(iter(targets.items()))
            code, kind = {
                "VpcPeeringConnectionId": ("InvalidVpcPeeringConnectionID.NotFound",
                                           "vpcPeeringConnection"),
                "TransitGatewayId": ("InvalidTransitGatewayID.NotFound", "transitGateway"),
                "InstanceId": ("InvalidInstanceID.NotFound", "instance"),
                "VpcEndpointId": ("InvalidVpcEndpointId.NotFound", "vpcEndpoint"),
                "LocalGatewayId": ("InvalidLocalGatewayID.NotFound", "localGateway"),
                "CarrierGatewayId": ("InvalidCarrierGatewayID.NotFound", "carrierGateway"),
            }[key]
            raise AwsError(code, f"The {kind} ID '{value}' does not exist")
        self.ipv6_route_target(targets, rtb, dest6)
        return targets

    def CreateRoute(self, req, ctx):
        self._region(ctx)
        rtb = self._rtb(req["RouteTableId"])
        member, dest = self._route_dest(req)
        if not dest:
            raise AwsError("MissingParameter",
                           "The request must contain the parameter destinationCidrBlock")
        if member == "DestinationCidrBlock":
            parse_cidr(dest, "destinationCidrBlock")
        target = self._route_target(req, rtb, dest if member != "DestinationCidrBlock" else None)
        self._add_route(rtb, dest, target, member)
        return {"Return": True}

    def ReplaceRoute(self, req, ctx):
        self._region(ctx)
        rtb = self._rtb(req["RouteTableId"])
        member, dest = self._route_dest(req)
        target = self._route_target(req, rtb, dest if member != "DestinationCidrBlock" else None)
        i = _route_to(rtb, member, dest, local=False)
        rtb["routes"][i] = dict({member: dest, "Origin": "CreateRoute", "State": "active"}, **target)
        return {}

    def DeleteRoute(self, req, ctx):
        self._region(ctx)
        rtb = self._rtb(req["RouteTableId"])
        member, dest = self._route_dest(req)
        i = _route_to(rtb, member, dest, local=True)
        if rtb["routes"][i].get("GatewayId") == "local":
            raise AwsError("InvalidParameterValue",
                           f"cannot remove local route {dest} in route table {rtb['id']}")
        del rtb["routes"][i]
        return {}

    def AssociateRouteTable(self, req, ctx):
        self._region(ctx)
        rtb = self._rtb(req["RouteTableId"])
        sid = req.get("SubnetId")
        if not sid:
            raise AwsError("MissingParameter", "The request must contain the parameter subnetId")
        sub = self._subnet(sid)
        if sub["vpc_id"] != rtb["vpc_id"]:
            raise AwsError("InvalidParameterValue",
                           f"Route table {rtb['id']} and subnet {sid} belong to different networks")
        for other in self.rtbs.values():
            if sid in other["assocs"].values():
                raise AwsError("Resource.AlreadyAssociated",
                               f"the specified association for route table {other['id']} "
                               "conflicts with an existing association")
        aid = self.world.new_id("rtbassoc")
        rtb["assocs"][aid] = sid
        return {"AssociationId": aid, "AssociationState": {"State": "associated"}}

    def DisassociateRouteTable(self, req, ctx):
        self._region(ctx)
        aid = req["AssociationId"]
        for rtb in self.rtbs.values():
            if rtb["main_assoc"] == aid:
                raise AwsError("InvalidParameterValue",
                               f"cannot disassociate the main route table association {aid}")
            if aid in rtb["assocs"]:
                del rtb["assocs"][aid]
                return {}
        raise AwsError("InvalidAssociationID.NotFound", f"The association ID '{aid}' does not exist")

    def DeleteRouteTable(self, req, ctx):
        self._region(ctx)
        rtb = self._rtb(req["RouteTableId"])
        if rtb["assocs"] or rtb["main_assoc"]:
            raise AwsError("DependencyViolation",
                           f"The routeTable '{rtb['id']}' has dependencies and cannot be deleted.")
        del self.rtbs[rtb["id"]]
        return {}

    RTB_FILTERS = {
        "route-table-id": lambda r: r["id"], "vpc-id": lambda r: r["vpc_id"],
        "association.main": lambda r: [True] if r["main_assoc"] else [],
        "association.subnet-id": lambda r: list(r["assocs"].values()),
        "association.route-table-association-id":
            lambda r: list(r["assocs"]) + ([r["main_assoc"]] if r["main_assoc"] else []),
        "association.route-table-id": lambda r: r["id"] if (r["assocs"] or r["main_assoc"]) else [],
        "route.destination-cidr-block":
            lambda r: [x.get("DestinationCidrBlock") for x in r["routes"]],
        "route.gateway-id": lambda r: [x["GatewayId"] for x in r["routes"] if x.get("GatewayId")],
        "route.nat-gateway-id":
            lambda r: [x["NatGatewayId"] for x in r["routes"] if x.get("NatGatewayId")],
        "route.destination-ipv6-cidr-block":
            lambda r: [x["DestinationIpv6CidrBlock"] for x in r["routes"] if x.get("DestinationIpv6CidrBlock")],
        "route.egress-only-internet-gateway-id":
            lambda r: [x["EgressOnlyInternetGatewayId"] for x in r["routes"]
                       if x.get("EgressOnlyInternetGatewayId")],
        "owner-id": lambda r: "000000000000",
    }

    def DescribeRouteTables(self, req, ctx):
        return self._describe_page(req, ctx, self.rtbs, "RouteTableIds", "InvalidRouteTableID.NotFound",
                                   "routeTable", self.RTB_FILTERS, self._render_rtb, "RouteTables")
