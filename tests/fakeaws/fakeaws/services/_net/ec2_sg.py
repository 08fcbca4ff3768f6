"""EC2: security groups, their rules, and network interfaces."""

import ipaddress
import re

from fakeaws.core import AwsError
from fakeaws.util import must_get
from fakeaws.services._net.common import (
    check_id, match_filters, paginate, parse_cidr_loose, tag_list, tags_from_specs, utc)

PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp",
             "-1": "-1", "all": "-1", "icmpv6": "icmpv6", "58": "icmpv6"}
TARGETS = ("CidrIpv4", "CidrIpv6", "PrefixListId", "GroupId")
SG_TEXT = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*")


def _group_not_found(gid):
    return AwsError("InvalidGroup.NotFound", f"The security group '{gid}' does not exist")


class SecurityGroupMixin:
    """Security groups, rules and network interfaces (part of the EC2 class)."""

    # ---- groups -----------------------------------------------------------

    def _new_sg(self, vpc, name, description, tags):
        gid = self.world.new_id("sg")
        sg = {"id": gid, "region": vpc["region"], "vpc_id": vpc["id"], "name": name,
              "description": description, "tags": tags, "rules": [], "is_default": False}
        self.sgs[gid] = sg
        return sg

    def _sg(self, gid):
        check_id(gid, "sg")
        return must_get(self.sgs, gid, lambda: _group_not_found(gid))

    def _sg_by_ref(self, req, region):
        """The group named by GroupId, or by GroupName in the default VPC."""
        if req.get("GroupId"):
            return self._sg(req["GroupId"])
        name = req.get("GroupName")
        if not name:
            raise AwsError("MissingParameter",
                           "The request must contain the parameter groupName or groupId")
        default = self._default_vpc(region)
        for sg in self.sgs.values():
            if default and sg["vpc_id"] == default["id"] and sg["name"] == name:
                return sg
        where = f" in default VPC '{default['id']}'" if default else ""
        raise AwsError("InvalidGroup.NotFound", f"The security group '{name}' does not exist{where}")

    def _default_vpc(self, region):
        for v in self.vpcs.values():
            if v["region"] == region and v["is_default"]:
                return v
        return None

    def CreateSecurityGroup(self, req, ctx):
        region = self._region(ctx)
        name = req["GroupName"]
        if req.get("VpcId"):
            vpc = self._vpc(req["VpcId"])
        else:
            vpc = self._default_vpc(region)
            if vpc is None:
                raise AwsError("VPCIdNotSpecified", "No default VPC for this user")
        if name.lower().startswith("sg-"):
            raise AwsError("InvalidParameterValue",
                           "Group names may not be in the format sg-*.")
        for what, text in (("group name", name), ("group description", req["Description"])):
            if not SG_TEXT.fullmatch(text):
                raise AwsError("InvalidParameterValue",
                               f"Value ({text}) for parameter {what.split()[1]} is invalid. "
                               "Character sets beyond ASCII are not supported; allowed are "
                               "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*")
        if len(name) > 255 or len(req["Description"]) > 255:
            raise AwsError("InvalidParameterValue",
                           "Group name and description are limited to 255 characters.")
        for sg in self.sgs.values():
            if sg["vpc_id"] == vpc["id"] and sg["name"] == name:
                raise AwsError("InvalidGroup.Duplicate",
                               f"The security group '{name}' already exists for VPC '{vpc['id']}'")
        tags = tags_from_specs(req, "security-group")
        sg = self._new_sg(vpc, name, req["Description"], tags)
        self._add_rule(sg, True, {"IpProtocol": "-1"}, {"CidrIpv4": "0.0.0.0/0"})
        if self.vpc_ipv6_blocks(vpc, ("associating", "associated")):
            # as AWS: in a VPC with IPv6, the default egress allows all IPv6 traffic too
            self._add_rule(sg, True, {"IpProtocol": "-1"}, {"CidrIpv6": "::/0"})
        return {"GroupId": sg["id"], "Tags": tag_list(tags),
                "SecurityGroupArn": self._sg_arn(sg)}

    def _sg_arn(self, sg):
        return self.world.arn("ec2", sg["region"], "security-group/" + sg["id"])

    def DeleteSecurityGroup(self, req, ctx):
        region = self._region(ctx)
        sg = self._sg_by_ref(req, region)
        gid = sg["id"]
        if sg["is_default"]:
            raise AwsError("CannotDelete",
                           f'the specified group: "{gid}" name: "default" cannot be deleted '
                           "by a user")
        in_use = any(gid in e["groups"] for e in self._live_enis())
        referenced = any(r.get("GroupId") == gid for other in self.sgs.values()
                         if other["id"] != gid for r in other["rules"])
        if in_use or referenced:
            raise AwsError("DependencyViolation", f"resource {gid} has a dependent object")
        del self.sgs[gid]
        return {"Return": True, "GroupId": gid}

    def _render_perms(self, sg, egress):
        perms = {}
        for r in sg["rules"]:
            if r["egress"] != egress:
                continue
            key = (r["proto"], r["from"], r["to"])
            p = perms.get(key)
            if p is None:
                p = {"IpProtocol": r["proto"], "IpRanges": [], "Ipv6Ranges": [],
                     "PrefixListIds": [], "UserIdGroupPairs": []}
                if r["proto"] != "-1":
                    p["FromPort"], p["ToPort"] = r["from"], r["to"]
                perms[key] = p
            desc = {"Description": r["desc"]} if r.get("desc") else {}
            if r.get("CidrIpv4"):
                p["IpRanges"].append(dict(CidrIp=r["CidrIpv4"], **desc))
            elif r.get("CidrIpv6"):
                p["Ipv6Ranges"].append(dict(CidrIpv6=r["CidrIpv6"], **desc))
            elif r.get("PrefixListId"):
                p["PrefixListIds"].append(dict(PrefixListId=r["PrefixListId"], **desc))
            else:
                p["UserIdGroupPairs"].append(dict(GroupId=r["GroupId"], UserId=self.account,
                                                  **desc))
        return list(perms.values())

    def _render_sg(self, sg):
        return {"GroupId": sg["id"], "GroupName": sg["name"], "Description": sg["description"],
                "VpcId": sg["vpc_id"], "OwnerId": self.account,
                "SecurityGroupArn": self._sg_arn(sg),
                "IpPermissions": self._render_perms(sg, False),
                "IpPermissionsEgress": self._render_perms(sg, True),
                "Tags": tag_list(sg["tags"])}

    @staticmethod
    def _rule_values(sg, egress, attr):
        out = []
        for r in sg["rules"]:
            if r["egress"] == egress:
                if attr == "cidr":
                    out.append(r.get("CidrIpv4") or [])
                elif attr == "group-id":
                    out.append(r.get("GroupId") or [])
                else:
                    out.append(r[attr])
        return out

    SG_FILTERS = {
        "group-id": lambda g: g["id"], "group-name": lambda g: g["name"],
        "vpc-id": lambda g: g["vpc_id"], "description": lambda g: g["description"],
        "owner-id": lambda g: "000000000000",
        "ip-permission.group-id": lambda g: SecurityGroupMixin._rule_values(g, False, "group-id"),
        "ip-permission.cidr": lambda g: SecurityGroupMixin._rule_values(g, False, "cidr"),
        "ip-permission.protocol": lambda g: SecurityGroupMixin._rule_values(g, False, "proto"),
        "ip-permission.from-port": lambda g: SecurityGroupMixin._rule_values(g, False, "from"),
        "ip-permission.to-port": lambda g: SecurityGroupMixin._rule_values(g, False, "to"),
        "egress.ip-permission.group-id":
            lambda g: SecurityGroupMixin._rule_values(g, True, "group-id"),
        "egress.ip-permission.cidr": lambda g: SecurityGroupMixin._rule_values(g, True, "cidr"),
    }

    def DescribeSecurityGroups(self, req, ctx):
        region = self._region(ctx)
        for gid in req.get("GroupIds") or []:
            self._sg(gid)
        items = self._describe(self.sgs, req.get("GroupIds"), "InvalidGroup.NotFound",
                               "security group", req.get("Filters"), self.SG_FILTERS, region)
        if req.get("GroupNames"):
            named = {self._sg_by_ref({"GroupName": n}, region)["id"] for n in req["GroupNames"]}
            items = [g for g in items if g["id"] in named]
        return paginate([self._render_sg(g) for g in items], req, "SecurityGroups")

    # ---- rules -------------------------------------------------------------

    def _perm_specs(self, sg, perm):
        """Flatten one IpPermission into rule specs: (base, target, description)."""
        proto = PROTOCOLS.get(str(perm.get("IpProtocol", "")).lower())
        if proto is None:
            raise AwsError("InvalidParameterValue",
                           f"Invalid value '{perm.get('IpProtocol')}' for IP protocol. "
                           "Unknown protocol.")
        lo, hi = perm.get("FromPort"), perm.get("ToPort")
        if proto in ("tcp", "udp"):
            if lo is None or hi is None:
                raise AwsError("InvalidParameterValue",
                               "Invalid value 'Must specify both from and to ports with "
                               "TCP/UDP.' for portRange.")
            if not (0 <= lo <= 65535 and 0 <= hi <= 65535) or lo > hi:
                raise AwsError("InvalidParameterValue",
                               f"Invalid TCP/UDP port range: from port {lo}, to port {hi}")
        elif proto == "-1":
            lo, hi = -1, -1
        else:
            lo = -1 if lo is None else lo
            hi = -1 if hi is None else hi
        base = {"IpProtocol": proto, "FromPort": lo, "ToPort": hi}
        specs = []
        for kind in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"):
            for r in perm.get(kind) or []:
                desc = r.get("Description")
                if desc is not None and (len(desc) > 255 or not SG_TEXT.fullmatch(desc)):
                    raise AwsError("InvalidParameterValue",
                                   f"Invalid rule description. Valid descriptions are strings "
                                   "less than 256 characters from the following set: "
                                   "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*")
        for r in perm.get("IpRanges") or []:
            parse_cidr_loose(r.get("CidrIp", ""))
            specs.append((base, {"CidrIpv4": r["CidrIp"]}, r.get("Description")))
        for r in perm.get("Ipv6Ranges") or []:
            parse_cidr_loose(r.get("CidrIpv6", ""), "cidrIpv6")
            specs.append((base, {"CidrIpv6": r["CidrIpv6"]}, r.get("Description")))
        for r in perm.get("PrefixListIds") or []:
            if not r.get("PrefixListId"):
                raise AwsError("MissingParameter",
                               "The request must contain the parameter prefixListId")
            specs.append((base, {"PrefixListId": r["PrefixListId"]}, r.get("Description")))
        for r in perm.get("UserIdGroupPairs") or []:
            ref = self._sg_by_ref({"GroupId": r.get("GroupId"),
                                   "GroupName": r.get("GroupName")}, sg["region"])
            if ref["vpc_id"] != sg["vpc_id"]:
                raise AwsError("InvalidGroup.NotFound",
                               f"You have specified two resources that belong to different "
                               f"networks: {ref['id']} and {sg['id']}")
            specs.append((base, {"GroupId": ref["id"]}, r.get("Description")))
        if not specs:
            raise AwsError("MissingParameter",
                           "The request must contain the parameter ipRanges, ipv6Ranges, "
                           "prefixListIds or groups")
        return specs

    def _legacy_perms(self, req):
        if req.get("IpPermissions"):
            return req["IpPermissions"]
        perm = {k: req[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in req}
        if req.get("CidrIp"):
            perm["IpRanges"] = [{"CidrIp": req["CidrIp"]}]
        if req.get("SourceSecurityGroupName"):
            perm["UserIdGroupPairs"] = [{"GroupName": req["SourceSecurityGroupName"]}]
            perm.setdefault("IpProtocol", "-1")
        if not perm.get("IpProtocol"):
            raise AwsError("MissingParameter",
                           "The request must contain the parameter ipPermissions")
        return [perm]

    @staticmethod
    def _same_rule(r, egress, base, target):
        return (r["egress"] == egress and r["proto"] == base["IpProtocol"]
                and r["from"] == base["FromPort"] and r["to"] == base["ToPort"]
                and all(r.get(k) == target.get(k) for k in TARGETS))

    def _add_rule(self, sg, egress, base, target, desc=None, tags=None):
        base = dict({"FromPort": -1, "ToPort": -1}, **base)
        rule = {"id": self.world.new_id("sgr"), "egress": egress, "proto": base["IpProtocol"],
                "from": base["FromPort"], "to": base["ToPort"], "desc": desc,
                "tags": dict(tags or {})}
        rule.update(target)
        sg["rules"].append(rule)
        return rule

    def _render_rule(self, sg, r):
        out = {"SecurityGroupRuleId": r["id"], "GroupId": sg["id"],
               "GroupOwnerId": self.account, "IsEgress": r["egress"],
               "IpProtocol": r["proto"], "FromPort": r["from"], "ToPort": r["to"],
               "Tags": tag_list(r["tags"]),
               "SecurityGroupRuleArn": self.world.arn("ec2", sg["region"],
                                                      "security-group-rule/" + r["id"])}
        for k in ("CidrIpv4", "CidrIpv6", "PrefixListId"):
            if r.get(k):
                out[k] = r[k]
        if r.get("GroupId"):
            out["ReferencedGroupInfo"] = {"GroupId": r["GroupId"], "UserId": self.account}
        if r.get("desc"):
            out["Description"] = r["desc"]
        return out

    def _authorize(self, req, ctx, egress):
        region = self._region(ctx)
        sg = self._sg_by_ref(req, region)
        tags = tags_from_specs(req, "security-group-rule")
        specs = []
        for perm in self._legacy_perms(req):
            specs.extend(self._perm_specs(sg, perm))
        for i, (base, target, _) in enumerate(specs):
            dup = any(self._same_rule(r, egress, base, target) for r in sg["rules"]) or \
                any(b == base and t == target for b, t, _ in specs[:i])
            if dup:
                peer = next(iter(target.values()))
                proto = base["IpProtocol"].upper() if base["IpProtocol"] != "-1" else "ALL"
                raise AwsError("InvalidPermission.Duplicate",
                               f'the specified rule "peer: {peer}, {proto}, from port: '
                               f'{base["FromPort"]}, to port: {base["ToPort"]}, ALLOW" '
                               "already exists")
        added = [self._add_rule(sg, egress, b, t, d, tags) for b, t, d in specs]
        return {"Return": True, "SecurityGroupRules": [self._render_rule(sg, r) for r in added]}

    def AuthorizeSecurityGroupIngress(self, req, ctx):
        return self._authorize(req, ctx, False)

    def AuthorizeSecurityGroupEgress(self, req, ctx):
        return self._authorize(req, ctx, True)

    def _revoke(self, req, ctx, egress):
        region = self._region(ctx)
        sg = self._sg_by_ref(req, region)
        gone, unknown = [], []
        if req.get("SecurityGroupRuleIds"):
            for rid in req["SecurityGroupRuleIds"]:
                match = [r for r in sg["rules"] if r["id"] == rid and r["egress"] == egress]
                if not match:
                    raise AwsError("InvalidSecurityGroupRuleId.NotFound",
                                   f"The security group rule ID '{rid}' does not exist")
                gone.extend(match)
        else:
            for perm in self._legacy_perms(req):
                for base, target, _ in self._perm_specs(sg, perm):
                    match = [r for r in sg["rules"] if self._same_rule(r, egress, base, target)]
                    gone.extend(match)
                    if not match:
                        unknown.append(perm)
            if not gone:
                raise AwsError("InvalidPermission.NotFound",
                               "The specified rule does not exist in this security group.")
        sg["rules"] = [r for r in sg["rules"] if r not in gone]
        out = {"Return": True, "RevokedSecurityGroupRules": []}
        for r in gone:
            item = {k: v for k, v in self._render_rule(sg, r).items()
                    if k in ("SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol",
                             "FromPort", "ToPort", "CidrIpv4", "CidrIpv6", "PrefixListId",
                             "Description")}
            if r.get("GroupId"):
                item["ReferencedGroupId"] = r["GroupId"]
            out["RevokedSecurityGroupRules"].append(item)
        if unknown:
            out["UnknownIpPermissions"] = unknown
        return out

    def RevokeSecurityGroupIngress(self, req, ctx):
        return self._revoke(req, ctx, False)

    def RevokeSecurityGroupEgress(self, req, ctx):
        return self._revoke(req, ctx, True)

    RULE_FILTERS = {
        "group-id": lambda gr: gr[0]["id"], "security-group-rule-id": lambda gr: gr[1]["id"],
        "is-egress": lambda gr: gr[1]["egress"],
    }

    def DescribeSecurityGroupRules(self, req, ctx):
        region = self._region(ctx)
        pairs = [(sg, r) for sg in self.sgs.values() if sg["region"] == region
                 for r in sg["rules"]]
        ids = req.get("SecurityGroupRuleIds")
        if ids:
            known = {r["id"] for _, r in pairs}
            for rid in ids:
                if rid not in known:
                    raise AwsError("InvalidSecurityGroupRuleId.NotFound",
                                   f"The security group rule ID '{rid}' does not exist")
            pairs = [p for p in pairs if p[1]["id"] in ids]
        pairs = [p for p in pairs
                 if match_filters(req.get("Filters"), p, self.RULE_FILTERS, p[1]["tags"])]
        return paginate([self._render_rule(sg, r) for sg, r in pairs], req, "SecurityGroupRules")

    # ---- network interfaces ------------------------------------------------

    def _live_enis(self):
        """Interfaces that still exist, dropping those whose linger time has passed."""
        for eid in [k for k, e in self.enis.items() if self.world.clock.reached(e["gone_at"])]:
            del self.enis[eid]
        return list(self.enis.values())

    def _eni(self, eid):
        self._live_enis()
        return must_get(self.enis, eid,
                        lambda: AwsError("InvalidNetworkInterfaceID.NotFound", f"The networkInterface ID '{eid}' does not exist"))

    def _free_ip(self, sub):
        net = ipaddress.IPv4Network(sub["cidr"])
        used = {e["ip"] for e in self._live_enis() if e["subnet_id"] == sub["id"]}
        for off in range(4, net.num_addresses - 1):
            ip = str(net.network_address + off)
            if ip not in used:
                return ip
        raise AwsError("InsufficientFreeAddressesInSubnet",
                       f"There are not enough free addresses in subnet '{sub['id']}' to "
                       "satisfy the requested number of instances.")

    def _new_eni(self, sub, group_ids, description, owner, itype="interface", tags=None):
        groups = [self._sg(g) for g in group_ids]
        for g in groups:
            if g["vpc_id"] != sub["vpc_id"]:
                raise AwsError("InvalidParameter",
                               f"Security group {g['id']} and subnet {sub['id']} belong to "
                               "different networks.")
        eid = self.world.new_id("eni")
        rnd = self.world.random
        eni = {"id": eid, "region": sub["region"], "subnet_id": sub["id"],
               "vpc_id": sub["vpc_id"], "zone": sub["zone"], "zone_id": sub["zone_id"],
               "ip": self._free_ip(sub), "groups": [g["id"] for g in groups],
               "desc": description or "", "owner": owner, "status": "in-use",
               "gone_at": None, "type": itype, "tags": dict(tags or {}),
               "mac": "0e:" + ":".join(f"{rnd.randrange(256):02x}" for _ in range(5)),
               "created": self.world.clock.now()}
        self.enis[eid] = eni
        return eni

    def _render_eni(self, e):
        groups = [{"GroupId": g, "GroupName": self.sgs[g]["name"] if g in self.sgs else g}
                  for g in e["groups"]]
        ip = e["ip"]
        dns = "ip-" + ip.replace(".", "-") + ".ec2.internal"
        out = {"NetworkInterfaceId": e["id"], "SubnetId": e["subnet_id"], "VpcId": e["vpc_id"],
               "AvailabilityZone": e["zone"], "AvailabilityZoneId": e["zone_id"],
               "Description": e["desc"], "Groups": groups, "InterfaceType": e["type"],
               "MacAddress": e["mac"], "OwnerId": self.account, "PrivateIpAddress": ip,
               "PrivateDnsName": dns,
               "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip,
                                       "PrivateDnsName": dns}],
               "Ipv6Addresses": [], "RequesterManaged": bool(e["owner"]),
               "SourceDestCheck": True, "Status": e["status"], "TagSet": tag_list(e["tags"])}
        if e["owner"]:
            out["RequesterId"] = e["owner"]
        if e["status"] == "in-use":
            out["Attachment"] = {"AttachmentId": "ela-attach-" + e["id"][4:], "DeviceIndex": 1,
                                 "Status": "attached", "AttachTime": utc(e["created"]),
                                 "DeleteOnTermination": False, "NetworkCardIndex": 0}
        return out

    ENI_FILTERS = {
        "network-interface-id": lambda e: e["id"], "subnet-id": lambda e: e["subnet_id"],
        "vpc-id": lambda e: e["vpc_id"], "group-id": lambda e: e["groups"],
        "group-name": lambda e: [],
        "status": lambda e: e["status"], "description": lambda e: e["desc"],
        "availability-zone": lambda e: e["zone"], "private-ip-address": lambda e: e["ip"],
        "addresses.private-ip-address": lambda e: e["ip"],
        "requester-id": lambda e: e["owner"] or [],
        "requester-managed": lambda e: bool(e["owner"]),
        "interface-type": lambda e: e["type"], "owner-id": lambda e: "000000000000",
        "attachment.status": lambda e: "attached" if e["status"] == "in-use" else [],
        "mac-address": lambda e: e["mac"],
    }

    def DescribeNetworkInterfaces(self, req, ctx):
        self._region(ctx)
        self._live_enis()
        fields = dict(self.ENI_FILTERS)
        fields["group-name"] = lambda e: [self.sgs[g]["name"] for g in e["groups"] if g in self.sgs]
        return self._describe_page(req, ctx, self.enis, "NetworkInterfaceIds",
                                   "InvalidNetworkInterfaceID.NotFound", "networkInterface", fields,
                                   self._render_eni, "NetworkInterfaces")

    def CreateNetworkInterface(self, req, ctx):
        self._region(ctx)
        sub = self._subnet(req["SubnetId"])
        groups = req.get("Groups")
        if not groups:
            groups = [g["id"] for g in self.sgs.values()
                      if g["vpc_id"] == sub["vpc_id"] and g["is_default"]]
        eni = self._new_eni(sub, groups, req.get("Description"), None,
                            tags=tags_from_specs(req, "network-interface"))
        eni["status"] = "available"
        return {"NetworkInterface": self._render_eni(eni)}

    def DeleteNetworkInterface(self, req, ctx):
        self._region(ctx)
        eni = self._eni(req["NetworkInterfaceId"])
        if eni["status"] != "available":
            raise AwsError("InvalidNetworkInterface.InUse",
                           f"The network interface {eni['id']} is currently in use.")
        del self.enis[eni["id"]]
        return {}

    # ---- cross-service (see CONTRACTS.md) -------------------------------

    def create_network_interface(self, subnet_id, group_ids, description, owner, ip=None):
        sub = self._subnet(subnet_id)
        groups = list(group_ids or [])
        if not groups:      # as ECS and ELB do: the VPC's default group
            groups = [g["id"] for g in self.sgs.values()
                      if g["vpc_id"] == sub["vpc_id"] and g["is_default"]]
        if ip is not None:  # a chosen address (EFS mount targets' IpAddress)
            net = ipaddress.IPv4Network(sub["cidr"])
            addr = ipaddress.IPv4Address(ip)
            if addr not in net or not 4 <= int(addr) - int(net.network_address) < net.num_addresses - 1:
                raise AwsError("InvalidParameterValue",
                               f"Address {ip} does not fall within the subnet's address range")
            if any(e["ip"] == ip for e in self._live_enis() if e["subnet_id"] == sub["id"]):
                raise AwsError("InvalidIPAddress.InUse", f"Address {ip} is in use.")
        eni = self._new_eni(sub, groups, description, owner or "unknown")
        if ip is not None:
            eni["ip"] = ip
        return self._render_eni(eni)

    def set_network_interface_groups(self, eni_id, group_ids):
        """Replace an interface's security groups (EFS ModifyMountTargetSecurityGroups);
        AwsError for an unknown group or one of another VPC."""
        eni = self._eni(eni_id)
        for g in (self._sg(x) for x in group_ids):
            if g["vpc_id"] != eni["vpc_id"]:
                raise AwsError("InvalidParameter", f"Security group {g['id']} and interface "
                               f"{eni_id} belong to different networks.")
        eni["groups"] = list(group_ids)

    def release_network_interface(self, eni_id, linger_seconds):
        eni = self.enis.get(eni_id)
        if eni is None or eni["gone_at"] is not None:
            return
        eni["status"] = "available"
        eni["gone_at"] = self.world.clock.after(linger_seconds)

    def subnet(self, subnet_id):
        sub = self.subnets.get(subnet_id)
        return self._render_subnet(sub) if sub else None

    def security_group(self, group_id):
        sg = self.sgs.get(group_id)
        return self._render_sg(sg) if sg else None

    def default_vpc(self, region):
        """The region's default VPC (vpc() shape plus "SubnetIds", its default subnets),
        made on first use as any EC2 call in the region would (added for RDS)."""
        if region not in self.regions:
            self.regions.add(region)
            self._make_default_vpc(region)
        v = next(v for v in self.vpcs.values() if v["region"] == region and v["is_default"])
        out = self.vpc(v["id"])
        out["SubnetIds"] = [s["id"] for s in self.subnets.values()
                            if s["vpc_id"] == v["id"] and s.get("default_for_az")]
        return out

    def default_security_group(self, vpc_id):
        """The id of the VPC's default security group, or None (added for RDS)."""
        return next((g["id"] for g in self.sgs.values()
                     if g["vpc_id"] == vpc_id and g.get("is_default")), None)

    def vpc(self, vpc_id):
        v = self.vpcs.get(vpc_id)
        if v is None:
            return None
        out = self._render_vpc(v)
        out["EnableDnsSupport"] = v["dns_support"]
        out["EnableDnsHostnames"] = v["dns_hostnames"]
        return out
