"""DB snapshots (part of the RDS class): the automated snapshot an instance takes while
"backing-up" (named rds:<instance>-<time>, deleted with the instance) and the manual
final snapshot DeleteDBInstance takes ("creating" for FINAL_SNAPSHOT_S, then
"available"; it outlives the instance until DeleteDBSnapshot)."""

import datetime

from fakeaws.core import AwsError
from fakeaws.services._rds import rules

UTC = datetime.timezone.utc


def _utc(epoch):
    return datetime.datetime.fromtimestamp(epoch, UTC)


class SnapshotMixin:

    def _new_snapshot(self, i, name, kind, started, ready_at, account):
        cfg = i["cfg"]
        s = {"id": name, "region": i["region"], "type": kind, "instance_id": i["id"],
             "arn": self.world.arn("rds", i["region"], f"snapshot:{name}", account),
             "started": started, "ready_at": ready_at, "engine": i["engine"],
             "version": cfg["EngineVersion"], "storage": cfg["AllocatedStorage"],
             "storage_type": cfg["StorageType"], "port": i["port"], "zone": i["zone"],
             "vpc_id": i["vpc_id"], "username": i["username"], "created": i["created"],
             "encrypted": i["encrypted"], "kms_key_id": i["kms_key_id"],
             "resource_id": i["resource_id"], "retention": cfg["BackupRetentionPeriod"],
             "tags": dict(i["tags"]) if cfg["CopyTagsToSnapshot"] else {}}
        self.snapshots[(i["region"], name)] = s
        return s

    def _automated_snapshot(self, i):
        """The first automated snapshot, taken when "backing-up" starts."""
        name = "rds:" + i["id"] + _utc(i["ready_at"]).strftime("-%Y-%m-%d-%H-%M")
        self._new_snapshot(i, name, "automated", i["ready_at"], i["backup_until"],
                           i["arn"].split(":")[4])

    def _final_snapshot(self, i, name, account):
        self._new_snapshot(i, name, "manual", self.world.clock.now(),
                           self.world.clock.after(rules.FINAL_SNAPSHOT_S), account)

    def _drop_automated_snapshots(self, i):
        for k in [k for k, s in self.snapshots.items()
                  if s["type"] == "automated" and s["instance_id"] == i["id"] and k[0] == i["region"]]:
            del self.snapshots[k]

    def _snapshot_status(self, s):
        return "available" if self.world.clock.reached(s["ready_at"]) else "creating"

    def _render_snapshot(self, s):
        status = self._snapshot_status(s)
        span = max(s["ready_at"] - s["started"], 1e-9)
        done = min(1.0, max(0.0, (self.world.clock.now() - s["started"]) / span))
        out = {"DBSnapshotIdentifier": s["id"], "DBInstanceIdentifier": s["instance_id"],
               "SnapshotCreateTime": _utc(s["started"]), "Engine": s["engine"],
               "AllocatedStorage": s["storage"], "Status": status, "Port": s["port"],
               "AvailabilityZone": s["zone"], "VpcId": s["vpc_id"],
               "InstanceCreateTime": _utc(s["created"]), "MasterUsername": s["username"],
               "EngineVersion": s["version"],
               "LicenseModel": rules.ENGINES[s["engine"]]["license"], "SnapshotType": s["type"],
               "PercentProgress": 100 if status == "available" else int(done * 100),
               "StorageType": s["storage_type"], "Encrypted": s["encrypted"],
               "DBSnapshotArn": s["arn"], "IAMDatabaseAuthenticationEnabled": False,
               "ProcessorFeatures": [], "DbiResourceId": s["resource_id"],
               "TagList": rules.tag_list(s["tags"]), "SnapshotTarget": "region",
               "OriginalSnapshotCreateTime": _utc(s["started"]), "DedicatedLogVolume": False,
               "MultiTenant": False}
        if s["encrypted"]:
            out["KmsKeyId"] = s["kms_key_id"]
        if s["type"] == "automated":
            out["BackupRetentionPeriod"] = s["retention"]
        return out

    def _snapshot(self, region, name):
        self._sweep()
        s = self.snapshots.get((region, (name or "").lower()))
        if s is None and (name or "").startswith("arn:"):
            s = next((x for x in self.snapshots.values() if x["arn"] == name), None)
        if s is None:
            raise AwsError("DBSnapshotNotFound", f"DBSnapshot {name} not found.", 404)
        return s

    def DescribeDBSnapshots(self, req, ctx):
        if req.get("DbiResourceId") or req.get("IncludeShared") or req.get("IncludePublic"):
            raise AwsError("InvalidParameterValue",
                           "fakeaws does not model DbiResourceId, IncludeShared or IncludePublic "
                           "of RDS DescribeDBSnapshots")
        self._sweep()
        if req.get("DBSnapshotIdentifier"):
            items = [self._snapshot(ctx.region, req["DBSnapshotIdentifier"])]
        else:
            items = [s for (r, _), s in sorted(self.snapshots.items()) if r == ctx.region]
        inst = (req.get("DBInstanceIdentifier") or "").lower()
        if inst.startswith("arn:"):
            inst = inst.rsplit(":", 1)[-1]
        kind = req.get("SnapshotType")
        if kind and kind not in ("automated", "manual", "shared", "public", "awsbackup"):
            raise AwsError("InvalidParameterValue", f"Invalid snapshot type: {kind}")
        out = [s for s in items
               if (not inst or s["instance_id"] == inst) and (not kind or s["type"] == kind)
               and rules.match_filters(req.get("Filters"), {
                   "db-instance-id": [s["instance_id"]], "db-snapshot-id": [s["id"]],
                   "snapshot-type": [s["type"]], "engine": [s["engine"]],
                   "dbi-resource-id": [s["resource_id"]]})]
        return rules.page([self._render_snapshot(s) for s in out], req, "DBSnapshots")

    def DeleteDBSnapshot(self, req, ctx):
        s = self._snapshot(ctx.region, req["DBSnapshotIdentifier"])
        if s["type"] == "automated":
            raise AwsError("InvalidDBSnapshotState",
                           "Only manual snapshots may be deleted; automated snapshots are removed "
                           "with their retention period or their DB instance.")
        if self._snapshot_status(s) != "available":
            raise AwsError("InvalidDBSnapshotState",
                           f"Cannot delete the snapshot {s['id']} because it is not in available state.")
        out = self._render_snapshot(s)
        out["Status"] = "deleted"
        del self.snapshots[(s["region"], s["id"])]
        return {"DBSnapshot": out}
