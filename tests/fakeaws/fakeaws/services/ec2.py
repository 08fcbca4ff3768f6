"""EC2 for the fake: the network pieces a Fargate deployment stands on.

VPCs (with a default VPC and default subnets per region), subnets, zones, internet
gateways, route tables, Elastic IPs, NAT gateways, security groups and their rules,
network interfaces and tags. The operations live in mixins under services/_net/;
this module joins them and adds tags, DryRun, resources() and the cross-service
methods listed in CONTRACTS.md."""

from fakeaws.core import ACCOUNT_ID, AwsError, Service
from fakeaws.services._net.common import (
    MALFORMED, check_id, check_tag, match_filters, paginate)
from fakeaws.services._net.ec2_ipv6 import Ipv6Mixin
from fakeaws.services._net.ec2_nat import NatMixin
from fakeaws.services._net.ec2_sg import SecurityGroupMixin
from fakeaws.services._net.ec2_unseen import UnseenMixin
from fakeaws.services._net.ec2_vpc import VpcMixin

# id prefix -> (store attribute, resource type for DescribeTags, not-found code, kind)
ID_KINDS = {
    "vpc": ("vpcs", "vpc", "InvalidVpcID.NotFound", "vpc"),
    "subnet": ("subnets", "subnet", "InvalidSubnetID.NotFound", "subnet"),
    "igw": ("igws", "internet-gateway", "InvalidInternetGatewayID.NotFound", "internetGateway"),
    "rtb": ("rtbs", "route-table", "InvalidRouteTableID.NotFound", "routeTable"),
    "sg": ("sgs", "security-group", "InvalidGroup.NotFound", "security group"),
    "eni": ("enis", "network-interface", "InvalidNetworkInterfaceID.NotFound",
            "networkInterface"),
    "nat": ("nats", "natgateway", "NatGatewayNotFound", "Nat Gateway"),
    "eipalloc": ("eips", "elastic-ip", "InvalidAllocationID.NotFound", "allocation"),
    "eigw": ("eigws", "egress-only-internet-gateway", "InvalidGatewayID.NotFound", "gateway"),
}


class EC2(VpcMixin, Ipv6Mixin, SecurityGroupMixin, NatMixin, UnseenMixin, Service):
    name = "ec2"
    account = ACCOUNT_ID

    def reset(self):
        self.regions = set()
        self.dhcp = {}
        self.vpcs, self.subnets, self.igws, self.rtbs = {}, {}, {}, {}
        self.sgs, self.enis, self.eips, self.nats = {}, {}, {}, {}
        self.eigws = {}
        self.reset_unseen()

    def handler(self, operation):
        fn = super().handler(operation)
        if fn is None:
            return None

        def call(req, ctx):
            if req.get("DryRun"):
                raise AwsError("DryRunOperation",
                               "Request would have succeeded, but DryRun flag is set.", 412)
            self.refuse_unseen(operation, req)
            return _drop_empty_tags(self.note_unseen(operation, fn(req, ctx)))
        return call

    # ---- tags --------------------------------------------------------------

    def _tagged(self, rid):
        """The stored resource behind an id, for CreateTags/DeleteTags."""
        prefix = rid.split("-", 1)[0]
        kind = ID_KINDS.get(prefix)
        if kind is None:
            rule = self._rule_by_id(rid) if prefix == "sgr" else None
            if rule:
                return rule
            raise AwsError("InvalidID", f"The ID '{rid}' is not valid")
        if prefix in MALFORMED:
            check_id(rid, prefix)
        self._live_enis()
        res = getattr(self, kind[0]).get(rid)
        if res is None:
            if kind[3] == "security group":
                raise AwsError(kind[2], f"The security group '{rid}' does not exist")
            if kind[0] == "nats":
                raise AwsError(kind[2], f"The Nat Gateway {rid} was not found")
            raise AwsError(kind[2], f"The {kind[3]} ID '{rid}' does not exist")
        return res

    def _rule_by_id(self, rid):
        for sg in self.sgs.values():
            for r in sg["rules"]:
                if r["id"] == rid:
                    return r
        return None

    def CreateTags(self, req, ctx):
        self._region(ctx)
        targets = [self._tagged(r) for r in req["Resources"]]
        for t in req["Tags"]:
            check_tag(t.get("Key"), t.get("Value", ""))
        for res in targets:
            for t in req["Tags"]:
                res["tags"][t["Key"]] = t.get("Value", "")
            if len(res["tags"]) > 50:
                raise AwsError("TagLimitExceeded",
                               "The maximum number of tags for a resource is 50.")
        return {}

    def DeleteTags(self, req, ctx):
        self._region(ctx)
        targets = [self._tagged(r) for r in req["Resources"]]
        if any(not t.get("Key") for t in req.get("Tags") or []):
            raise AwsError("InvalidParameterValue", "Tag key must not be empty.")
        for res in targets:
            for t in req.get("Tags") or [{"Key": k} for k in list(res["tags"])]:
                if t["Key"] in res["tags"] and ("Value" not in t or t["Value"] is None
                                                or res["tags"][t["Key"]] == t["Value"]):
                    del res["tags"][t["Key"]]
        return {}

    def DescribeTags(self, req, ctx):
        region = self._region(ctx)
        self._live_enis()
        rows = []
        for prefix, (store, rtype, _, _) in ID_KINDS.items():
            for rid, res in getattr(self, store).items():
                if res["region"] != region:
                    continue
                for k, v in res["tags"].items():
                    rows.append({"ResourceId": rid, "ResourceType": rtype, "Key": k, "Value": v})
        fields = {"resource-id": lambda r: r["ResourceId"],
                  "resource-type": lambda r: r["ResourceType"],
                  "key": lambda r: r["Key"], "value": lambda r: r["Value"]}
        rows = [r for r in rows if match_filters(req.get("Filters"), r, fields, {})]
        return paginate(rows, req, "Tags")

    # ---- control API -------------------------------------------------------

    def resources(self):
        self._live_enis()
        return {
            "vpcs": [{"id": v["id"], "region": v["region"], "cidr": v["cidr"],
                      "ipv6": [b["cidr"] for b in self.vpc_ipv6_blocks(v, ("associating", "associated"))],
                      "default": v["is_default"], "dns_support": v["dns_support"],
                      "dns_hostnames": v["dns_hostnames"], "tags": v["tags"]} for v in self.vpcs.values()],
            "subnets": [{"id": s["id"], "vpc": s["vpc_id"], "zone": s["zone"], "cidr": s["cidr"],
                         "ipv6": s["ipv6"]["cidr"] if s.get("ipv6") else None,
                         "public_ip_on_launch": s["map_public"], "tags": s["tags"]}
                        for s in self.subnets.values()],
            "egress_only_internet_gateways": [{"id": g["id"], "vpc": g["vpc_id"], "tags": g["tags"]}
                                              for g in self.eigws.values()],
            "internet_gateways": [{"id": g["id"], "vpc": g["vpc_id"], "tags": g["tags"]}
                                  for g in self.igws.values()],
            "route_tables": [{"id": r["id"], "vpc": r["vpc_id"], "main": bool(r["main_assoc"]),
                              "subnets": list(r["assocs"].values()), "tags": r["tags"]}
                             for r in self.rtbs.values()],
            "elastic_ips": [{"id": e["id"], "ip": e["ip"], "tags": e["tags"]}
                            for e in self.eips.values()],
            "nat_gateways": [{"id": n["id"], "subnet": n["subnet_id"],
                              "state": self._nat_state(n), "tags": n["tags"]}
                             for n in self.nats.values()
                             if self._nat_state(n) not in ("deleted", "failed")],
            "security_groups": [{"id": g["id"], "vpc": g["vpc_id"], "name": g["name"],
                                 "rules": len(g["rules"]), "tags": g["tags"]}
                                for g in self.sgs.values()],
            "network_interfaces": [{"id": e["id"], "subnet": e["subnet_id"], "status": e["status"],
                                    "groups": list(e["groups"]), "owner": e["owner"],
                                    "description": e["desc"]} for e in self.enis.values()],
        }


def _drop_empty_tags(value):
    """EC2 leaves out the tagSet of an untagged resource rather than sending it empty."""
    if isinstance(value, dict):
        return {k: _drop_empty_tags(v) for k, v in value.items()
                if not (k in ("Tags", "TagSet") and v == [])}
    if isinstance(value, list):
        return [_drop_empty_tags(v) for v in value]
    return value


SERVICE = EC2
