"""EC2: Elastic IP addresses and NAT gateways (asynchronous lifecycle)."""

from fakeaws.core import AwsError
from fakeaws.util import must_get
from fakeaws.services._net.common import match_filters, paginate, tag_list, tags_from_specs, utc

NAT_READY_RANGE = (60, 120)     # pending -> available, AWS seconds
NAT_DELETE_SECONDS = 45         # deleting -> deleted
NAT_FORGET_SECONDS = 3600       # deleted/failed gateways stay visible this long
EIP_RELEASE_LAG = 5             # the address stays held a moment after the NAT is gone


class NatMixin:
    """Elastic IPs and NAT gateways (part of the EC2 class)."""

    # ---- Elastic IPs -------------------------------------------------------

    def _eip(self, alloc_id):
        return must_get(self.eips, alloc_id,
                        lambda: AwsError("InvalidAllocationID.NotFound", f"The allocation ID '{alloc_id}' does not exist"))

    def _eip_holder(self, eip):
        """The NAT gateway that still holds this address, or None."""
        for nat in self.nats.values():
            if nat["alloc_id"] != eip["id"] or nat["failed"]:
                continue
            if nat["delete_at"] is None:
                return nat
            if not self.world.clock.reached(nat["delete_at"] + EIP_RELEASE_LAG * self.world.clock.scale):
                return nat
        return None

    def AllocateAddress(self, req, ctx):
        region = self._region(ctx)
        rnd = self.world.random
        ip = f"{rnd.choice([3, 18, 34, 44, 52, 54])}.{rnd.randrange(256)}.{rnd.randrange(256)}." \
             f"{rnd.randrange(1, 255)}"
        eip = {"id": self.world.new_id("eipalloc"), "region": region, "ip": ip,
               "tags": tags_from_specs(req, "elastic-ip"),
               "domain": req.get("Domain") or "vpc"}
        self.eips[eip["id"]] = eip
        return {"AllocationId": eip["id"], "PublicIp": ip, "Domain": "vpc",
                "PublicIpv4Pool": "amazon", "NetworkBorderGroup": region}

    def _render_eip(self, eip):
        out = {"AllocationId": eip["id"], "PublicIp": eip["ip"], "Domain": "vpc",
               "PublicIpv4Pool": "amazon", "NetworkBorderGroup": eip["region"],
               "Tags": tag_list(eip["tags"])}
        nat = self._eip_holder(eip)
        if nat:
            out.update({"AssociationId": "eipassoc-" + nat["id"][4:],
                        "NetworkInterfaceId": nat["eni_id"],
                        "NetworkInterfaceOwnerId": self.account,
                        "PrivateIpAddress": nat["private_ip"], "SubnetId": nat["subnet_id"]})
        return out

    EIP_FILTERS = {
        "allocation-id": lambda e: e["id"], "public-ip": lambda e: e["ip"],
        "domain": lambda e: "vpc",
    }

    def DescribeAddresses(self, req, ctx):
        region = self._region(ctx)
        items = self._describe(self.eips, req.get("AllocationIds"),
                               "InvalidAllocationID.NotFound", "allocation",
                               req.get("Filters"), self.EIP_FILTERS, region)
        ips = req.get("PublicIps")
        if ips:
            known = {e["ip"] for e in items}
            for ip in ips:
                if ip not in known:
                    raise AwsError("InvalidAddress.NotFound",
                                   f"Address '{ip}' not found.")
            items = [e for e in items if e["ip"] in ips]
        return {"Addresses": [self._render_eip(e) for e in items]}

    def ReleaseAddress(self, req, ctx):
        self._region(ctx)
        if not req.get("AllocationId"):
            raise AwsError("InvalidParameterValue",
                           "You must specify an allocation id when releasing a VPC elastic "
                           "IP address")
        eip = self._eip(req["AllocationId"])
        if self._eip_holder(eip):
            # What AWS answers while a NAT gateway (even a deleting one) holds the address.
            raise AwsError("AuthFailure",
                           "You do not have permission to access the specified resource.")
        del self.eips[eip["id"]]
        return {}

    # ---- NAT gateways ------------------------------------------------------

    def _nat(self, nid):
        nat = self.nats.get(nid)
        if nat is None or self._nat_forgotten(nat):
            raise AwsError("NatGatewayNotFound", f"The Nat Gateway {nid} was not found")
        return nat

    def _nat_forgotten(self, nat):
        end = nat["delete_at"] or (nat["created"] if nat["failed"] else None)
        return end is not None and self.world.clock.reached(
            end + NAT_FORGET_SECONDS * self.world.clock.scale)

    def _nat_state(self, nat):
        clock = self.world.clock
        if nat["failed"]:
            return "failed"
        if nat["delete_at"] is not None:
            return "deleted" if clock.reached(nat["delete_at"]) else "deleting"
        return "available" if clock.reached(nat["ready_at"]) else "pending"

    def _live_nats(self):
        """Gateways that still occupy their subnet (pending, available or deleting)."""
        return [n for n in self.nats.values()
                if self._nat_state(n) in ("pending", "available", "deleting")]

    def _render_nat(self, nat):
        state = self._nat_state(nat)
        out = {"NatGatewayId": nat["id"], "VpcId": nat["vpc_id"], "SubnetId": nat["subnet_id"],
               "State": state, "CreateTime": utc(nat["created"]),
               "ConnectivityType": "public" if nat["public"] else "private",
               "AvailabilityMode": "zonal", "Tags": tag_list(nat["tags"])}
        if state in ("deleting", "deleted"):
            out["DeleteTime"] = utc(nat["delete_requested"])
        if nat["failed"]:
            out["FailureCode"], out["FailureMessage"] = nat["failed"]
        addr = {"NetworkInterfaceId": nat["eni_id"], "PrivateIp": nat["private_ip"],
                "IsPrimary": True}
        if nat["alloc_id"]:
            eip = self.eips.get(nat["alloc_id"])
            addr.update({"AllocationId": nat["alloc_id"],
                         "PublicIp": eip["ip"] if eip else None,
                         "AssociationId": "eipassoc-" + nat["id"][4:]})
        addr["Status"] = {"pending": "associating", "available": "succeeded",
                          "deleting": "disassociating", "deleted": "succeeded",
                          "failed": "failed"}[state]
        if state != "failed":
            out["NatGatewayAddresses"] = [{k: v for k, v in addr.items() if v is not None}]
        return out

    def CreateNatGateway(self, req, ctx):
        region = self._region(ctx)
        token = req.get("ClientToken")
        if token:
            for nat in self.nats.values():
                if nat["token"] == token and nat["region"] == region:
                    if nat["request"] != self._nat_request_key(req):
                        raise AwsError("IdempotentParameterMismatch",
                                       "The client token you have provided is associated with "
                                       "a resource that is already deleted or has different "
                                       "parameters. Please use a different client token.")
                    return {"ClientToken": token, "NatGateway": self._render_nat(nat)}
        if not req.get("SubnetId"):
            raise AwsError("MissingParameter", "The request must contain the parameter SubnetId")
        sub = self._subnet(req["SubnetId"])
        public = (req.get("ConnectivityType") or "public") == "public"
        alloc_id = req.get("AllocationId")
        if public and not alloc_id:
            raise AwsError("MissingParameter",
                           "Public NAT gateways require an AllocationId (an Elastic IP address).")
        if not public and alloc_id:
            raise AwsError("InvalidParameterCombination",
                           "A private NAT gateway cannot have an Elastic IP address.")
        eip = self._eip(alloc_id) if alloc_id else None
        clock = self.world.clock
        nat = {"id": self.world.new_id("nat"), "region": region, "vpc_id": sub["vpc_id"],
               "subnet_id": sub["id"], "alloc_id": alloc_id, "public": public,
               "tags": tags_from_specs(req, "natgateway"), "token": token,
               "request": self._nat_request_key(req), "created": clock.now(),
               "ready_at": clock.after(self.world.random.uniform(*NAT_READY_RANGE)),
               "delete_at": None, "delete_requested": None, "failed": None,
               "eni_id": None, "private_ip": None}
        if eip and self._eip_holder(eip):
            nat["failed"] = ("Resource.AlreadyAssociated",
                             f"Elastic IP address [{alloc_id}] is already associated")
        elif public and not self.has_internet_gateway(sub["vpc_id"]):
            nat["failed"] = ("Gateway.NotAttached",
                             f"Network {sub['vpc_id']} has no Internet gateway attached")
        if not nat["failed"]:
            eni = self._new_eni(sub, [], f"Interface for NAT Gateway {nat['id']}",
                                "amazon-vpc-nat", itype="natGateway")
            nat["eni_id"], nat["private_ip"] = eni["id"], eni["ip"]
        self.nats[nat["id"]] = nat
        out = {"NatGateway": self._render_nat(nat)}
        if token:
            out["ClientToken"] = token
        return out

    @staticmethod
    def _nat_request_key(req):
        return (req.get("SubnetId"), req.get("AllocationId"), req.get("ConnectivityType"))

    def DeleteNatGateway(self, req, ctx):
        self._region(ctx)
        nat = self._nat(req["NatGatewayId"])
        if nat["delete_at"] is None and not nat["failed"]:
            clock = self.world.clock
            nat["delete_requested"] = clock.now()
            nat["delete_at"] = clock.after(NAT_DELETE_SECONDS)
            eni = self.enis.get(nat["eni_id"])
            if eni:
                eni["gone_at"] = nat["delete_at"]
        return {"NatGatewayId": nat["id"]}

    NAT_FILTERS = {
        "nat-gateway-id": lambda n: n["id"], "subnet-id": lambda n: n["subnet_id"],
        "vpc-id": lambda n: n["vpc_id"],
    }

    def DescribeNatGateways(self, req, ctx):
        region = self._region(ctx)
        fields = dict(self.NAT_FILTERS, state=self._nat_state)
        ids = req.get("NatGatewayIds")
        live = {k: n for k, n in self.nats.items() if not self._nat_forgotten(n)}
        if ids:
            for nid in ids:
                if nid not in live or live[nid]["region"] != region:
                    raise AwsError("NatGatewayNotFound", f"The Nat Gateway {nid} was not found")
            items = [live[i] for i in dict.fromkeys(ids)]
        else:
            items = [n for n in live.values() if n["region"] == region]
        filters = req.get("Filter") or req.get("Filters")
        items = [n for n in items if match_filters(filters, n, fields, n["tags"])]
        return paginate([self._render_nat(n) for n in items], req, "NatGateways")
