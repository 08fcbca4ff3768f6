"""EC2: IPv6 — Amazon-provided /56 blocks of VPCs, /64 blocks of subnets, egress-only
internet gateways, and the IPv6 side of routes (part of the EC2 class).

As AWS: CreateVpc with AmazonProvidedIpv6CidrBlock, or AssociateVpcCidrBlock later, gives
the VPC a /56 from Amazon's pool, "associating" for a few seconds and then "associated"
(at most 5 IPv6 blocks per VPC); every route table of the VPC gets a local route for it.
A subnet's block is a /64 inside one of its VPC's associated blocks, one per subnet, not
overlapping another subnet's; AssignIpv6AddressOnCreation needs one. A block cannot leave
a VPC while subnets use it. An egress-only internet gateway belongs to one VPC (ClientToken
makes a retried create return the first one); routes to it must be IPv6 routes, and an
internet gateway route for an IPv6 destination needs the VPC to have IPv6."""

import ipaddress

from fakeaws.core import AwsError
from fakeaws.util import must_get
from fakeaws.services._net.common import match_filters, paginate, tag_list, tags_from_specs

IPV6_ASSOCIATE_SECONDS = 5
MAX_VPC_IPV6_BLOCKS = 5


def parse_cidr6(text, param="ipv6CidrBlock"):
    try:
        net = ipaddress.IPv6Network(text, strict=True)
    except ValueError:
        raise AwsError("InvalidParameterValue",
                       f"Value ({text}) for parameter {param} is invalid. This is not a valid IPv6 CIDR block.")
    return net


class Ipv6Mixin:
    """IPv6 blocks, egress-only gateways (part of the EC2 class)."""

    # ---- VPC blocks -------------------------------------------------------------

    def _amazon_block(self):
        """A /56 of Amazon's pool that no VPC holds."""
        used = {b["cidr"] for v in self.vpcs.values() for b in v.get("ipv6", [])}
        while True:
            n = self.world.random.getrandbits(24)
            text = "2600:1f%02x:%04x:%02x00::/56" % (n >> 16 & 0xff, n & 0xffff, self.world.random.getrandbits(8))
            cidr = str(ipaddress.IPv6Network(text))  # as AWS writes it: RFC 5952, "300" not "0300"
            if cidr not in used:
                return cidr

    def _vpc_ipv6_associate(self, vpc):
        live = [b for b in vpc.setdefault("ipv6", []) if b["state"] != "disassociated"]
        if len(live) >= MAX_VPC_IPV6_BLOCKS:
            raise AwsError("CidrLimitExceeded",
                           f"This network '{vpc['id']}' has met its maximum number of allowed CIDRs: "
                           f"{MAX_VPC_IPV6_BLOCKS}")
        block = {"assoc_id": self.world.new_id("vpc-cidr-assoc"), "cidr": self._amazon_block(),
                 "state": "associating", "ready_at": self.world.clock.after(IPV6_ASSOCIATE_SECONDS)}
        vpc["ipv6"].append(block)
        for rtb in self.rtbs.values():
            if rtb["vpc_id"] == vpc["id"]:
                rtb["routes"].append({"DestinationIpv6CidrBlock": block["cidr"], "GatewayId": "local",
                                      "Origin": "CreateRouteTable", "State": "active"})
        return block

    def _block_state(self, b):
        if b["state"] == "associating" and self.world.clock.reached(b["ready_at"]):
            b["state"] = "associated"
        return b["state"]

    def vpc_ipv6_blocks(self, vpc, states=("associated",)):
        return [b for b in vpc.get("ipv6", []) if self._block_state(b) in states]

    def _render_vpc_ipv6(self, vpc, block):
        return {"AssociationId": block["assoc_id"], "Ipv6CidrBlock": block["cidr"],
                "Ipv6CidrBlockState": {"State": self._block_state(block)},
                "NetworkBorderGroup": vpc["region"], "Ipv6Pool": "Amazon"}

    def render_vpc_ipv6(self, vpc):
        return [self._render_vpc_ipv6(vpc, b) for b in vpc.get("ipv6", [])
                if self._block_state(b) != "disassociated"]

    def AssociateVpcCidrBlock(self, req, ctx):
        self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        if req.get("CidrBlock") or req.get("Ipv4IpamPoolId") or req.get("Ipv6IpamPoolId") or \
                req.get("Ipv6Pool") or req.get("Ipv6CidrBlock"):
            raise AwsError("InvalidParameterCombination",
                           "fakeaws models Amazon-provided IPv6 blocks only (AmazonProvidedIpv6CidrBlock)")
        if not req.get("AmazonProvidedIpv6CidrBlock"):
            raise AwsError("MissingParameter", "Either 'cidrBlock', 'ipv4IpamPoolId', "
                           "'amazonProvidedIpv6CidrBlock' or 'ipv6IpamPoolId' should be provided.")
        block = self._vpc_ipv6_associate(vpc)
        return {"VpcId": vpc["id"], "Ipv6CidrBlockAssociation": self._render_vpc_ipv6(vpc, block)}

    def DisassociateVpcCidrBlock(self, req, ctx):
        self._region(ctx)
        aid = req["AssociationId"]
        for vpc in self.vpcs.values():
            if aid == vpc["assoc_id"]:
                raise AwsError("OperationNotPermitted",
                               f"The vpc CIDR block with association ID {aid} may not be disassociated. "
                               "It is the primary IPv4 CIDR block of the VPC.")
            for b in vpc.get("ipv6", []):
                if b["assoc_id"] != aid or b["state"] == "disassociated":
                    continue
                net = ipaddress.IPv6Network(b["cidr"])
                if any(s.get("ipv6") and ipaddress.IPv6Network(s["ipv6"]["cidr"]).subnet_of(net)
                       for s in self.subnets.values() if s["vpc_id"] == vpc["id"]):
                    raise AwsError("DependencyViolation",
                                   f"The IPv6 CIDR block {b['cidr']} of {vpc['id']} is used by subnets; "
                                   "disassociate their IPv6 blocks first")
                b["state"] = "disassociated"
                for rtb in self.rtbs.values():
                    if rtb["vpc_id"] == vpc["id"]:
                        rtb["routes"] = [r for r in rtb["routes"]
                                         if r.get("DestinationIpv6CidrBlock") != b["cidr"]]
                out = self._render_vpc_ipv6(vpc, b)
                out["Ipv6CidrBlockState"] = {"State": "disassociating"}
                return {"VpcId": vpc["id"], "Ipv6CidrBlockAssociation": out}
        raise AwsError("InvalidVpcCidrBlockAssociationID.NotFound",
                       f"The vpc CIDR block association ID '{aid}' does not exist")

    # ---- subnet blocks ------------------------------------------------------------

    def _subnet_ipv6_check(self, sub_or_vpc_id, text, exclude=None):
        vpc = self._vpc(sub_or_vpc_id)
        net = parse_cidr6(text)
        if net.prefixlen != 64:
            raise AwsError("InvalidSubnet.Range", f"The IPv6 CIDR '{text}' is invalid: a subnet's IPv6 "
                                                  "block is a /64.")
        if not any(net.subnet_of(ipaddress.IPv6Network(b["cidr"])) for b in self.vpc_ipv6_blocks(vpc)):
            raise AwsError("InvalidSubnet.Range",
                           f"The IPv6 CIDR '{text}' is not within an associated IPv6 CIDR block of "
                           f"{vpc['id']}.")
        for other in self.subnets.values():
            if other["id"] != exclude and other["vpc_id"] == vpc["id"] and other.get("ipv6") and \
                    ipaddress.IPv6Network(other["ipv6"]["cidr"]).overlaps(net):
                raise AwsError("InvalidSubnet.Conflict", f"The CIDR '{text}' conflicts with another subnet")
        return str(net)

    def subnet_ipv6(self, vpc_id, text):
        """The subnet block for CreateSubnet (checked), as stored."""
        return {"assoc_id": self.world.new_id("subnet-cidr-assoc"),
                "cidr": self._subnet_ipv6_check(vpc_id, text)}

    def render_subnet_ipv6(self, s):
        if not s.get("ipv6"):
            return []
        return [{"AssociationId": s["ipv6"]["assoc_id"], "Ipv6CidrBlock": s["ipv6"]["cidr"],
                 "Ipv6CidrBlockState": {"State": "associated"}}]

    def AssociateSubnetCidrBlock(self, req, ctx):
        self._region(ctx)
        sub = self._subnet(req["SubnetId"])
        if not req.get("Ipv6CidrBlock"):
            raise AwsError("MissingParameter", "The request must contain the parameter ipv6CidrBlock")
        if sub.get("ipv6"):
            raise AwsError("InvalidParameterValue",
                           f"The subnet '{sub['id']}' already has an IPv6 CIDR block {sub['ipv6']['cidr']}")
        sub["ipv6"] = {"assoc_id": self.world.new_id("subnet-cidr-assoc"),
                       "cidr": self._subnet_ipv6_check(sub["vpc_id"], req["Ipv6CidrBlock"], exclude=sub["id"])}
        return {"SubnetId": sub["id"],
                "Ipv6CidrBlockAssociation": dict(self.render_subnet_ipv6(sub)[0],
                                                 Ipv6CidrBlockState={"State": "associating"})}

    def DisassociateSubnetCidrBlock(self, req, ctx):
        self._region(ctx)
        for sub in self.subnets.values():
            if sub.get("ipv6") and sub["ipv6"]["assoc_id"] == req["AssociationId"]:
                out = dict(self.render_subnet_ipv6(sub)[0], Ipv6CidrBlockState={"State": "disassociating"})
                sub["ipv6"] = None
                sub["assign_ipv6"] = False
                return {"SubnetId": sub["id"], "Ipv6CidrBlockAssociation": out}
        raise AwsError("InvalidSubnetCidrBlockAssociationID.NotFound",
                       f"The subnet CIDR block with association ID '{req['AssociationId']}' does not exist")

    def set_assign_ipv6(self, sub, value):
        if value and not sub.get("ipv6"):
            raise AwsError("InvalidParameterValue",
                           f"The subnet '{sub['id']}' has no IPv6 CIDR block: IPv6 addresses cannot be "
                           "assigned on creation")
        sub["assign_ipv6"] = bool(value)

    # ---- egress-only internet gateways ------------------------------------------------

    def _eigw(self, gid):
        return must_get(self.eigws, gid,
                        lambda: AwsError("InvalidGatewayID.NotFound", f"The gateway ID '{gid}' does not exist"))

    def _render_eigw(self, g):
        return {"EgressOnlyInternetGatewayId": g["id"],
                "Attachments": [{"State": "attached", "VpcId": g["vpc_id"]}], "Tags": tag_list(g["tags"])}

    def CreateEgressOnlyInternetGateway(self, req, ctx):
        region = self._region(ctx)
        vpc = self._vpc(req["VpcId"])
        token = req.get("ClientToken")
        for g in self.eigws.values():
            if token and g["token"] == token and g["region"] == region:
                if g["vpc_id"] != vpc["id"]:
                    raise AwsError("IdempotentParameterMismatch",
                                   "The client token has been used with different parameters.")
                return {"EgressOnlyInternetGateway": self._render_eigw(g), "ClientToken": token}
        gid = self.world.new_id("eigw")
        g = {"id": gid, "region": region, "vpc_id": vpc["id"], "token": token,
             "tags": tags_from_specs(req, "egress-only-internet-gateway")}
        self.eigws[gid] = g
        out = {"EgressOnlyInternetGateway": self._render_eigw(g)}
        if token:
            out["ClientToken"] = token
        return out

    EIGW_FILTERS = {"egress-only-internet-gateway-id": lambda g: g["id"]}

    def DescribeEgressOnlyInternetGateways(self, req, ctx):
        region = self._region(ctx)
        ids = req.get("EgressOnlyInternetGatewayIds") or []
        for gid in ids:
            self._eigw(gid)
        items = [g for g in self.eigws.values() if g["region"] == region and (not ids or g["id"] in ids)]
        items = [g for g in items if match_filters(req.get("Filters"), g, self.EIGW_FILTERS, g["tags"])]
        return paginate([self._render_eigw(g) for g in items], req, "EgressOnlyInternetGateways")

    def DeleteEgressOnlyInternetGateway(self, req, ctx):
        self._region(ctx)
        g = self._eigw(req["EgressOnlyInternetGatewayId"])
        del self.eigws[g["id"]]
        return {"ReturnCode": True}

    # ---- routes ------------------------------------------------------------------

    def ipv6_route_target(self, targets, rtb, dest6):
        """Checks of an IPv6 route (or of an egress-only gateway for an IPv4 one)."""
        if "EgressOnlyInternetGatewayId" in targets:
            g = self._eigw(targets["EgressOnlyInternetGatewayId"])
            if not dest6:
                raise AwsError("InvalidParameterValue", "An egress-only internet gateway route must have "
                                                        "an IPv6 destination (destinationIpv6CidrBlock)")
            if g["vpc_id"] != rtb["vpc_id"]:
                raise AwsError("InvalidParameterValue",
                               f"route table {rtb['id']} and egress-only internet gateway {g['id']} belong to "
                               "different networks")
        if dest6 and "NatGatewayId" in targets:
            raise AwsError("InvalidParameterValue", "A NAT gateway routes IPv4 traffic (or NAT64 "
                                                    "64:ff9b::/96), not " + dest6)
        if dest6 and not self.vpc_ipv6_blocks(self.vpcs[rtb["vpc_id"]], ("associating", "associated")):
            raise AwsError("InvalidParameterValue",
                           f"The network {rtb['vpc_id']} has no IPv6 CIDR block: it cannot route {dest6}")
