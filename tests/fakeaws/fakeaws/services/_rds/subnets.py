"""DB subnet groups (part of the RDS class): subnets of the fake's EC2, all in one VPC and
in at least two availability zones; in use while a DB instance is placed in them."""

from fakeaws.core import AwsError
from fakeaws.services._rds import rules


class SubnetGroupMixin:

    def _subnet_group(self, region, name, code="DBSubnetGroupNotFoundFault"):
        g = self.subnet_groups.get((region, (name or "").lower()))
        if g is None:
            raise AwsError(code, f"DB subnet group '{name}' not found.", 404)
        return g

    def _resolve_subnets(self, region, subnet_ids):
        """The EC2 subnets (DescribeSubnets shapes) behind the ids: all must exist in the
        region, share one VPC and cover two zones."""
        ec2 = self.world.svc("ec2")
        subs = []
        for sid in dict.fromkeys(subnet_ids or []):
            s = ec2.subnet(sid)
            if s is None or not s["AvailabilityZone"].startswith(region):
                raise AwsError("InvalidSubnet", f"The subnet {sid} does not exist.")
            subs.append(s)
        if not subs:
            raise AwsError("InvalidParameterValue", "The parameter SubnetIds must be provided.")
        if len({s["VpcId"] for s in subs}) > 1:
            raise AwsError("InvalidSubnet", "The requested subnets are not all in a common VPC: "
                           + ", ".join(s["SubnetId"] for s in subs))
        zones = sorted({s["AvailabilityZone"] for s in subs})
        if len(zones) < 2:
            raise AwsError("DBSubnetGroupDoesNotCoverEnoughAZs",
                           "The DB subnet group doesn't meet Availability Zone (AZ) coverage "
                           f"requirement. Current AZ coverage: {', '.join(zones)}. Add subnets "
                           "to cover at least 2 AZs.")
        return subs

    def _render_subnet_group(self, g):
        return {"DBSubnetGroupName": g["name"], "DBSubnetGroupDescription": g["description"],
                "VpcId": g["vpc_id"], "SubnetGroupStatus": "Complete",
                "Subnets": [{"SubnetIdentifier": s["SubnetId"],
                             "SubnetAvailabilityZone": {"Name": s["AvailabilityZone"]},
                             "SubnetOutpost": {}, "SubnetStatus": "Active"}
                            for s in g["subnets"]],
                "DBSubnetGroupArn": g["arn"], "SupportedNetworkTypes": ["IPV4"]}

    def _default_subnet_group(self, region, account):
        """The "default" group of the default VPC, made when an instance names no group."""
        g = self.subnet_groups.get((region, "default"))
        if g is None:
            vpc = self.world.svc("ec2").default_vpc(region)
            subs = [self.world.svc("ec2").subnet(s) for s in vpc["SubnetIds"]]
            g = {"name": "default", "description": "default", "region": region,
                 "vpc_id": vpc["VpcId"], "subnets": subs, "tags": {},
                 "arn": self.world.arn("rds", region, "subgrp:default", account)}
            self.subnet_groups[(region, "default")] = g
        return g

    def _group_users(self, g):
        return [i["id"] for i in self._live_instances(g["region"]) if i["subnet_group"] == g["name"]]

    def CreateDBSubnetGroup(self, req, ctx):
        name = rules.check_subnet_group_name(req["DBSubnetGroupName"])
        if (ctx.region, name) in self.subnet_groups:
            raise AwsError("DBSubnetGroupAlreadyExists",
                           f"The DB subnet group '{name}' already exists.")
        if sum(1 for r, _ in self.subnet_groups if r == ctx.region) >= rules.SUBNET_GROUP_QUOTA:
            raise AwsError("DBSubnetGroupQuotaExceeded",
                           "The request would result in the user exceeding the allowed number "
                           "of DB subnet groups.")
        tags = rules.tags_in(req.get("Tags"))
        subs = self._resolve_subnets(ctx.region, req["SubnetIds"])
        g = {"name": name, "description": req["DBSubnetGroupDescription"], "region": ctx.region,
             "vpc_id": subs[0]["VpcId"], "subnets": subs, "tags": tags,
             "arn": self.world.arn("rds", ctx.region, f"subgrp:{name}", ctx.account)}
        self.subnet_groups[(ctx.region, name)] = g
        return {"DBSubnetGroup": self._render_subnet_group(g)}

    def DescribeDBSubnetGroups(self, req, ctx):
        name = req.get("DBSubnetGroupName")
        if req.get("Filters"):
            raise AwsError("InvalidParameterValue", "Unrecognized filter name: "
                           f"{req['Filters'][0].get('Name')}.")
        if name:
            items = [self._subnet_group(ctx.region, name)]
        else:
            items = [g for (r, _), g in sorted(self.subnet_groups.items()) if r == ctx.region]
        return rules.page([self._render_subnet_group(g) for g in items], req, "DBSubnetGroups")

    def ModifyDBSubnetGroup(self, req, ctx):
        g = self._subnet_group(ctx.region, req["DBSubnetGroupName"])
        subs = self._resolve_subnets(ctx.region, req["SubnetIds"])
        if subs[0]["VpcId"] != g["vpc_id"] and self._group_users(g):
            raise AwsError("InvalidSubnet", "The new subnets are not in the same VPC as the "
                           f"DB subnet group's ({g['vpc_id']}), which DB instances use.")
        keep = {s["SubnetId"] for s in subs}
        used = sorted({sid for i in self._live_instances(ctx.region)
                       if i["subnet_group"] == g["name"] for sid in i["subnet_ids"]} - keep)
        if used:
            raise AwsError("SubnetAlreadyInUse",
                           f"Some of the subnets to be deleted are currently in use: {', '.join(used)}")
        if req.get("DBSubnetGroupDescription") is not None:
            g["description"] = req["DBSubnetGroupDescription"]
        g["subnets"], g["vpc_id"] = subs, subs[0]["VpcId"]
        return {"DBSubnetGroup": self._render_subnet_group(g)}

    def DeleteDBSubnetGroup(self, req, ctx):
        g = self._subnet_group(ctx.region, req["DBSubnetGroupName"])
        users = self._group_users(g)
        if users:
            raise AwsError("InvalidDBSubnetGroupStateFault",
                           f"Cannot delete the subnet group '{g['name']}' because at least one "
                           f"database instance: {users[0]} is still using it.")
        del self.subnet_groups[(ctx.region, g["name"])]
        return {}
