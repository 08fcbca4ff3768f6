"""Amazon RDS for the fake: DB subnet groups, PostgreSQL and MySQL DB instances with their
lifecycle (creating, backing-up, available, modifying, deleting), managed master
passwords in Secrets Manager, final and automated snapshots, and tags. The operations
live in mixins under services/_rds/; this module joins them and adds tags and
resources(). Aurora (DB clusters) is not modelled."""

from fakeaws.core import AwsError, Service
from fakeaws.util import untag
from fakeaws.services._rds import rules
from fakeaws.services._rds.instances import InstanceMixin
from fakeaws.services._rds.modify import ModifyMixin
from fakeaws.services._rds.snapshots import SnapshotMixin
from fakeaws.services._rds.subnets import SubnetGroupMixin


class RDS(SubnetGroupMixin, InstanceMixin, ModifyMixin, SnapshotMixin, Service):
    name = "rds"

    def reset(self):
        self.instances = {}        # (region, id) -> record
        self.subnet_groups = {}    # (region, name) -> record
        self.snapshots = {}        # (region, id) -> record
        self.dns_ids = {}          # region -> the account's endpoint hash
        self.aws_keys = {}         # (region, alias) -> AWS managed KMS key ARN

    # ---- tags --------------------------------------------------------------

    def _tagged(self, region, arn):
        """The tag dict of the resource an RDS ARN names."""
        parts = arn.split(":")
        if len(parts) < 7 or parts[:3] != ["arn", "aws", "rds"]:
            raise AwsError("InvalidParameterValue", f"The specified resource name does not match "
                           f"an RDS resource in this region: {arn}")
        kind, name = parts[5], ":".join(parts[6:])
        if parts[3] != region:
            raise AwsError("InvalidParameterValue", f"The specified resource name does not match "
                           f"an RDS resource in this region: {arn}")
        if kind == "db":
            return self._instance(region, name)["tags"]
        if kind == "subgrp":
            return self._subnet_group(region, name)["tags"]
        if kind == "snapshot":
            return self._snapshot(region, name)["tags"]
        raise AwsError("InvalidParameterValue", f"fakeaws does not model tags of RDS {kind} resources")

    def AddTagsToResource(self, req, ctx):
        tags = self._tagged(ctx.region, req["ResourceName"])
        new = rules.tags_in(req["Tags"])
        if len(set(tags) | set(new)) > rules.MAX_TAGS:
            raise AwsError("InvalidParameterValue",
                           f"Cannot have more than {rules.MAX_TAGS} tags on a resource")
        tags.update(new)
        return {}

    def ListTagsForResource(self, req, ctx):
        if req.get("Filters"):
            raise AwsError("InvalidParameterValue", "Unrecognized filter name: "
                           f"{req['Filters'][0].get('Name')}.")
        return {"TagList": rules.tag_list(self._tagged(ctx.region, req["ResourceName"]))}

    def RemoveTagsFromResource(self, req, ctx):
        tags = self._tagged(ctx.region, req["ResourceName"])
        untag(tags, req["TagKeys"])
        return {}

    # ---- control API -------------------------------------------------------

    def resources(self):
        self._sweep()
        return {
            "db_instances": [{"id": i["id"], "region": i["region"], "status": self._status(i),
                              "engine": i["engine"], "version": i["cfg"]["EngineVersion"],
                              "class": i["cfg"]["DBInstanceClass"], "subnet_group": i["subnet_group"],
                              "endpoint": f"{i['address']}:{i['port']}" if self._created(i) else None,
                              "security_groups": list(i["security_groups"]),
                              "deletion_protection": i["cfg"]["DeletionProtection"],
                              "master_secret": i["secret"]["arn"] if i["secret"] else None,
                              "tags": dict(i["tags"])} for i in self.instances.values()],
            "db_subnet_groups": [{"id": g["name"], "region": g["region"], "vpc": g["vpc_id"],
                                  "subnets": [s["SubnetId"] for s in g["subnets"]],
                                  "tags": dict(g["tags"])} for g in self.subnet_groups.values()],
            "db_snapshots": [{"id": s["id"], "region": s["region"], "instance": s["instance_id"],
                              "type": s["type"], "status": self._snapshot_status(s),
                              "tags": dict(s["tags"])} for s in self.snapshots.values()],
        }


SERVICE = RDS
