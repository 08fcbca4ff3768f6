"""EFS (rest-json): file systems, mount targets, access points, file system policies,
lifecycle and backup policies, tags; and what ECS needs to mount a file system in a task.

Lifecycles (AWS seconds, scaled by the clock; EFS publishes no waiter, these follow what
SDK users report and AWS's advice to wait 90 s after creating a mount target):
  file system   creating -> available after 10 s; deleting -> gone after 10 s
  mount target  creating -> available after 90 s; deleting -> gone after 60 s (its network
                interface keeps blocking the subnet and groups until then)
  access point  creating -> available after 5 s; deleting -> gone after 2 s
  backup policy ENABLING / DISABLING for 5 s after PutBackupPolicy
  throughput    UpdateFileSystem: updating -> available after 5 s
Refusals as AWS documents them: the same CreationToken or ClientToken again is
FileSystemAlreadyExists / AccessPointAlreadyExists with the existing id; one mount target
per zone and one VPC per file system (MountTargetConflict); DeleteFileSystem while mount
targets remain is FileSystemInUse; changes to a file system that is not available are
IncorrectFileSystemLifeCycleState; the throughput mode changes, and provisioned throughput
decreases, at most once in 24 hours (TooManyRequests). Mount targets are in
services/_efs/mounts.py."""

import json

from ..core import AwsError, Service
from ..util import as_list, paginate, policy_statements, untag, utcnow
from ._efs.mounts import MountTargetMixin

FS_CREATE_S, FS_DELETE_S = 10, 10
AP_CREATE_S, AP_DELETE_S = 5, 2
BACKUP_SWITCH_S = 5
UPDATE_S = 5
THROUGHPUT_COOLDOWN_S = 24 * 3600
MAX_ACCESS_POINTS = 10000
MAX_TAGS = 50
TRANSITIONS = ("TransitionToIA", "TransitionToArchive", "TransitionToPrimaryStorageClass")


def fs_not_found(fid):
    return AwsError("FileSystemNotFound", f"File system '{fid}' does not exist.")


def ap_not_found(aid):
    return AwsError("AccessPointNotFound", f"Access point '{aid}' does not exist.")


def bare_id(ref):
    """fs-… or fsap-… from an id or an ARN (…:file-system/fs-…)."""
    return ref.rpartition("/")[2] if ref.startswith("arn:") else ref


def _days(rule):
    return int(rule.split("_")[1]) if rule.startswith("AFTER_") and rule.split("_")[1].isdigit() else 0


class Efs(MountTargetMixin, Service):
    name = "efs"

    def reset(self):
        self.file_systems = {}      # id -> record
        self.mount_targets = {}
        self.access_points = {}

    def resources(self):
        self._expire()
        return {
            "file_systems": [{"id": f["id"], "region": f["region"], "state": self._fs_state(f),
                              "creation_token": f["token"], "encrypted": f["encrypted"],
                              "kms_key_id": f["kms_key"], "throughput_mode": f["throughput"],
                              "policy": f["policy"] is not None, "tags": dict(f["tags"])}
                             for f in self.file_systems.values()],
            "mount_targets": [{"id": m["id"], "file_system": m["fs_id"], "subnet": m["subnet_id"],
                               "zone": m["zone"], "ip": m["ip"], "state": self._mt_state(m),
                               "security_groups": list(m["groups"]), "network_interface": m["eni_id"]}
                              for m in self.mount_targets.values()],
            "access_points": [{"id": a["id"], "file_system": a["fs_id"], "state": self._ap_state(a),
                               "posix_user": a["posix"], "root_directory": a["root"],
                               "tags": dict(a["tags"])}
                              for a in self.access_points.values()],
        }

    # -- states (derived from the clock when read) ------------------------------------
    def _fs_state(self, f):
        clock = self.world.clock
        if f["delete_at"] is not None:
            return "deleted" if clock.reached(f["delete_at"]) else "deleting"
        if not clock.reached(f["ready_at"]):
            return "creating"
        return "updating" if f.get("updated_at") and not clock.reached(f["updated_at"]) else "available"

    def _ap_state(self, a):
        clock = self.world.clock
        if a["delete_at"] is not None:
            return "deleted" if clock.reached(a["delete_at"]) else "deleting"
        return "available" if clock.reached(a["ready_at"]) else "creating"

    def _expire(self):
        for store, state in ((self.file_systems, self._fs_state), (self.access_points, self._ap_state),
                             (self.mount_targets, self._mt_state)):
            for k in [k for k, r in store.items() if state(r) == "deleted"]:
                del store[k]

    # -- lookups -------------------------------------------------------------------------
    def _in_region(self, ctx, table, key, not_found):
        """table[key] once the deleted are forgotten, when it is of the caller's region; else
        not_found(key)."""
        self._expire()
        item = table.get(key)
        if item is None or item["region"] != ctx.region:
            raise not_found(key)
        return item

    def _fs(self, ctx, ref):
        return self._in_region(ctx, self.file_systems, bare_id(ref), fs_not_found)

    def _fs_available(self, ctx, ref):
        f = self._fs(ctx, ref)
        st = self._fs_state(f)
        if st != "available":
            raise AwsError("IncorrectFileSystemLifeCycleState",
                           f"File system '{f['id']}' is in the '{st}' state; it must be 'available'.")
        return f

    def _ap(self, ctx, ref):
        return self._in_region(ctx, self.access_points, bare_id(ref), ap_not_found)

    # -- renderings ------------------------------------------------------------------------
    def _fs_out(self, f):
        n = sum(1 for m in self.mount_targets.values() if m["fs_id"] == f["id"]
                and self._mt_state(m) != "deleted")
        out = {"OwnerId": f["account"], "CreationToken": f["token"], "FileSystemId": f["id"],
               "FileSystemArn": f["arn"], "CreationTime": f["created"],
               "LifeCycleState": self._fs_state(f), "NumberOfMountTargets": n,
               "SizeInBytes": {"Value": 6144, "ValueInIA": 0, "ValueInStandard": 6144,
                               "ValueInArchive": 0},
               "PerformanceMode": f["performance"], "Encrypted": f["encrypted"],
               "ThroughputMode": f["throughput"], "Tags": _tag_list(f["tags"]),
               "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"}}
        if f["kms_key"]:
            out["KmsKeyId"] = f["kms_key"]
        if f["provisioned"] is not None:
            out["ProvisionedThroughputInMibps"] = f["provisioned"]
        if f["zone"]:
            out["AvailabilityZoneName"], out["AvailabilityZoneId"] = f["zone"], f["zone_id"]
        if "Name" in f["tags"]:
            out["Name"] = f["tags"]["Name"]
        return out

    def _ap_out(self, a):
        out = {"ClientToken": a["token"], "Tags": _tag_list(a["tags"]), "AccessPointId": a["id"],
               "AccessPointArn": a["arn"], "FileSystemId": a["fs_id"], "RootDirectory": a["root"],
               "OwnerId": a["account"], "LifeCycleState": self._ap_state(a)}
        if a["posix"] is not None:
            out["PosixUser"] = a["posix"]
        if "Name" in a["tags"]:
            out["Name"] = a["tags"]["Name"]
        return out

    # -- file systems ------------------------------------------------------------------------
    def CreateFileSystem(self, req, ctx):
        self._expire()
        token = req["CreationToken"]
        _refuse_token_again(self.file_systems, ctx, token, "FileSystemAlreadyExists",
                            "File system", "creation", "FileSystemId")
        perf = req.get("PerformanceMode") or "generalPurpose"
        mode = req.get("ThroughputMode") or "bursting"
        prov = req.get("ProvisionedThroughputInMibps")
        if mode == "provisioned" and prov is None:
            raise AwsError("BadRequest", "ProvisionedThroughputInMibps is required when "
                           "ThroughputMode is provisioned.")
        if mode != "provisioned" and prov is not None:
            raise AwsError("BadRequest", "ProvisionedThroughputInMibps can only be set when "
                           "ThroughputMode is provisioned.")
        zone = req.get("AvailabilityZoneName")
        if perf == "maxIO" and (mode == "elastic" or zone):
            raise AwsError("BadRequest", "Max I/O performance mode is not supported with "
                           + ("Elastic throughput." if mode == "elastic" else "One Zone file systems."))
        if zone and not (zone.startswith(ctx.region) and len(zone) == len(ctx.region) + 1):
            raise AwsError("UnsupportedAvailabilityZone", f"Availability zone '{zone}' is not "
                           f"supported in {ctx.region}.")
        if req.get("KmsKeyId") and not req.get("Encrypted"):
            raise AwsError("BadRequest", "A KMS key can be specified only for an encrypted file "
                           "system (Encrypted true).")
        kms_key = None
        if req.get("Encrypted"):
            kms_key = self._kms_key(ctx, req.get("KmsKeyId"))
        tags = _tags_in(req.get("Tags"))
        fid = self.world.new_id("fs")
        f = {"id": fid, "region": ctx.region, "account": ctx.account, "token": token,
             "arn": self.world.arn("elasticfilesystem", ctx.region, f"file-system/{fid}", ctx.account),
             "created": utcnow(self.world), "ready_at": self.world.clock.after(FS_CREATE_S),
             "delete_at": None, "performance": perf, "throughput": mode, "provisioned": prov,
             "encrypted": bool(req.get("Encrypted")), "kms_key": kms_key, "tags": tags,
             "zone": zone, "zone_id": _zone_id(zone) if zone else None, "policy": None,
             "lifecycle": [], "backup": None, "dirs": {"/"}}
        if req.get("Backup"):
            f["backup"] = ("ENABLED", None)
        self.file_systems[fid] = f
        return self._fs_out(f)

    def _kms_key(self, ctx, key_ref):
        kms = self.world.services.get("kms")
        if kms is None:
            return None
        if not key_ref:
            return kms.managed_key(ctx.region, ctx.account, "alias/aws/elasticfilesystem")["Arn"]
        try:
            return kms.usable_key(ctx.region, ctx.account, key_ref)["Arn"]
        except AwsError as e:
            raise AwsError("BadRequest", f"The KMS key '{key_ref}' cannot be used: {e.message}")

    def DescribeFileSystems(self, req, ctx):
        self._expire()
        if req.get("FileSystemId") and req.get("CreationToken"):
            raise AwsError("BadRequest", "Specify either FileSystemId or CreationToken, not both.")
        items = sorted((f for f in self.file_systems.values() if f["region"] == ctx.region),
                       key=lambda f: f["created"])
        if req.get("FileSystemId"):
            items = [self._fs(ctx, req["FileSystemId"])]
        elif req.get("CreationToken"):
            items = [f for f in items if f["token"] == req["CreationToken"]]
            if not items:       # as for a deleted file system's token
                raise AwsError("FileSystemNotFound", "File system with creation token "
                               f"'{req['CreationToken']}' does not exist.")
        return _marker_page(items, req, "FileSystems", self._fs_out)

    def UpdateFileSystem(self, req, ctx):
        f = self._fs_available(ctx, req["FileSystemId"])
        mode = req.get("ThroughputMode") or f["throughput"]
        prov = req.get("ProvisionedThroughputInMibps")
        if mode == "provisioned" and prov is None and f["throughput"] != "provisioned":
            raise AwsError("BadRequest", "ProvisionedThroughputInMibps is required when "
                           "ThroughputMode is provisioned.")
        if mode != "provisioned" and prov is not None:
            raise AwsError("BadRequest", "ProvisionedThroughputInMibps can only be set when "
                           "ThroughputMode is provisioned.")
        if mode == "elastic" and f["performance"] == "maxIO":
            raise AwsError("BadRequest", "Max I/O performance mode is not supported with Elastic throughput.")
        new_prov = prov if mode == "provisioned" else None
        if new_prov is None and mode == "provisioned":
            new_prov = f["provisioned"]
        mode_change = mode != f["throughput"]
        decrease = (f["provisioned"] is not None and new_prov is not None and new_prov < f["provisioned"])
        if mode == f["throughput"] and new_prov == f["provisioned"]:
            raise AwsError("BadRequest", "The file system already has this throughput mode and "
                           "provisioned throughput.")
        last = f.get("throughput_changed_at")
        if (mode_change or decrease) and last is not None and not self.world.clock.reached(last):
            raise AwsError("TooManyRequests", "You can change the throughput mode or decrease the "
                           "provisioned throughput only once every 24 hours.")
        if mode_change or decrease:
            f["throughput_changed_at"] = self.world.clock.after(THROUGHPUT_COOLDOWN_S)
        f["throughput"], f["provisioned"] = mode, new_prov
        f["updated_at"] = self.world.clock.after(UPDATE_S)
        return self._fs_out(f)

    def DeleteFileSystem(self, req, ctx):
        f = self._fs(ctx, req["FileSystemId"])
        if any(m["fs_id"] == f["id"] for m in self.mount_targets.values()):
            raise AwsError("FileSystemInUse", f"File system '{f['id']}' has mount targets; delete "
                           "them (and wait until they are gone) first.")
        if f["delete_at"] is None:
            f["delete_at"] = self.world.clock.after(FS_DELETE_S)
            for a in self.access_points.values():
                if a["fs_id"] == f["id"] and a["delete_at"] is None:
                    a["delete_at"] = f["delete_at"]
        return {}

    # -- file system settings ----------------------------------------------------------------
    def PutFileSystemPolicy(self, req, ctx):
        f = self._fs_available(ctx, req["FileSystemId"])
        _check_policy(req["Policy"], f)
        f["policy"] = req["Policy"]
        return {"FileSystemId": f["id"], "Policy": f["policy"]}

    def DescribeFileSystemPolicy(self, req, ctx):
        f = self._fs(ctx, req["FileSystemId"])
        if f["policy"] is None:
            raise AwsError("PolicyNotFound", "No file system policy is set; the default policy "
                           "is in effect.")
        return {"FileSystemId": f["id"], "Policy": f["policy"]}

    def DeleteFileSystemPolicy(self, req, ctx):
        f = self._fs_available(ctx, req["FileSystemId"])
        f["policy"] = None
        return {}

    def PutLifecycleConfiguration(self, req, ctx):
        f = self._fs_available(ctx, req["FileSystemId"])
        seen = {}
        for p in req["LifecyclePolicies"]:
            set_ = [t for t in TRANSITIONS if p.get(t)]
            if len(set_) != 1:
                raise AwsError("BadRequest", "Each LifecyclePolicy object must set exactly one "
                               "transition (TransitionToIA, TransitionToArchive or "
                               "TransitionToPrimaryStorageClass).")
            if set_[0] in seen:
                raise AwsError("BadRequest", f"{set_[0]} appears in more than one LifecyclePolicy.")
            seen[set_[0]] = p[set_[0]]
        if "TransitionToArchive" in seen:
            if f["throughput"] != "elastic" or f["performance"] != "generalPurpose":
                raise AwsError("BadRequest", "Archive storage needs Elastic throughput and General "
                               "Purpose performance mode.")
            if "TransitionToIA" in seen and _days(seen["TransitionToArchive"]) <= _days(seen["TransitionToIA"]):
                raise AwsError("BadRequest", "TransitionToArchive must be later than TransitionToIA.")
        f["lifecycle"] = [dict(p) for p in req["LifecyclePolicies"]]
        return {"LifecyclePolicies": [dict(p) for p in f["lifecycle"]]}

    def DescribeLifecycleConfiguration(self, req, ctx):
        f = self._fs(ctx, req["FileSystemId"])
        return {"LifecyclePolicies": [dict(p) for p in f["lifecycle"]]}

    def PutBackupPolicy(self, req, ctx):
        f = self._fs_available(ctx, req["FileSystemId"])
        want = req["BackupPolicy"]["Status"]
        if want not in ("ENABLED", "DISABLED"):
            raise AwsError("ValidationException", f"Status {want} cannot be requested: use ENABLED "
                           "or DISABLED.")
        if self._backup(f) != want:
            f["backup"] = (want, self.world.clock.after(BACKUP_SWITCH_S))
        return {"BackupPolicy": {"Status": self._backup(f)}}

    def _backup(self, f):
        if f["backup"] is None:
            return None
        status, until = f["backup"]
        if until is not None and not self.world.clock.reached(until):
            return "ENABLING" if status == "ENABLED" else "DISABLING"
        return status

    def DescribeBackupPolicy(self, req, ctx):
        f = self._fs(ctx, req["FileSystemId"])
        if f["backup"] is None:
            raise AwsError("PolicyNotFound", "No backup policy has been set for file system "
                           f"'{f['id']}'.")
        return {"BackupPolicy": {"Status": self._backup(f)}}

    # -- access points ---------------------------------------------------------------------
    def CreateAccessPoint(self, req, ctx):
        self._expire()
        token = req["ClientToken"]
        _refuse_token_again(self.access_points, ctx, token, "AccessPointAlreadyExists",
                            "Access point", "client", "AccessPointId")
        f = self._fs_available(ctx, req["FileSystemId"])
        if sum(1 for a in self.access_points.values() if a["fs_id"] == f["id"]) >= MAX_ACCESS_POINTS:
            raise AwsError("AccessPointLimitExceeded", f"File system '{f['id']}' already has "
                           f"{MAX_ACCESS_POINTS} access points.")
        root = dict(req.get("RootDirectory") or {})
        root.setdefault("Path", "/")
        aid = self.world.new_id("fsap")
        a = {"id": aid, "region": ctx.region, "account": ctx.account, "token": token, "fs_id": f["id"],
             "arn": self.world.arn("elasticfilesystem", ctx.region, f"access-point/{aid}", ctx.account),
             "posix": dict(req["PosixUser"]) if req.get("PosixUser") else None, "root": root,
             "tags": _tags_in(req.get("Tags")), "ready_at": self.world.clock.after(AP_CREATE_S),
             "delete_at": None}
        self.access_points[aid] = a
        return self._ap_out(a)

    def DescribeAccessPoints(self, req, ctx):
        self._expire()
        if req.get("AccessPointId") and req.get("FileSystemId"):
            raise AwsError("BadRequest", "Specify either AccessPointId or FileSystemId, not both.")
        if req.get("AccessPointId"):
            items = [self._ap(ctx, req["AccessPointId"])]
        else:
            fid = self._fs(ctx, req["FileSystemId"])["id"] if req.get("FileSystemId") else None
            items = [a for a in self.access_points.values() if a["region"] == ctx.region
                     and (fid is None or a["fs_id"] == fid)]
        return _token_page(items, req, "AccessPoints", self._ap_out)

    def DeleteAccessPoint(self, req, ctx):
        a = self._ap(ctx, req["AccessPointId"])
        if a["delete_at"] is None:
            a["delete_at"] = self.world.clock.after(AP_DELETE_S)
        return {}

    # -- tags --------------------------------------------------------------------------------
    def _tagged(self, ctx, ref):
        rid = bare_id(ref)
        return self._ap(ctx, rid) if rid.startswith("fsap-") else self._fs(ctx, rid)

    def TagResource(self, req, ctx):
        r = self._tagged(ctx, req["ResourceId"])
        merged = dict(r["tags"])
        merged.update(_tags_in(req["Tags"]))
        if len(merged) > MAX_TAGS:
            raise AwsError("BadRequest", f"A resource can have at most {MAX_TAGS} tags.")
        r["tags"] = merged
        return {}

    def UntagResource(self, req, ctx):
        r = self._tagged(ctx, req["ResourceId"])
        untag(r["tags"], req["TagKeys"])
        return {}

    def ListTagsForResource(self, req, ctx):
        r = self._tagged(ctx, req["ResourceId"])
        return _token_page(_tag_list(r["tags"]), req, "Tags", lambda t: t)


def _page(items, token, limit):
    page, nxt = paginate(items, token, limit)
    if page is None:
        raise AwsError("BadRequest", "The pagination token is not valid.")
    return page, nxt


def _refuse_token_again(table, ctx, token, code, what, token_kind, id_member):
    """A create whose idempotency token an existing file system or access point of the region
    was made with: refused with `code`, naming that one (also as `id_member` in the error)."""
    for x in table.values():
        if x["region"] == ctx.region and x["token"] == token:
            raise AwsError(code, f"{what} '{x['id']}' already exists with {token_kind} token "
                           f"'{token}'", extra={id_member: x["id"]})


def _marker_page(items, req, key, render):
    """The answer of a Marker/MaxItems call (DescribeFileSystems, DescribeMountTargets): the
    page's items rendered under `key`, the Marker asked for, the NextMarker when more follow."""
    page, nxt = _page(items, req.get("Marker"), req.get("MaxItems"))
    out = {key: [render(x) for x in page]}
    if req.get("Marker"):
        out["Marker"] = req["Marker"]
    if nxt:
        out["NextMarker"] = nxt
    return out


def _token_page(items, req, key, render):
    """The answer of a NextToken/MaxResults call: the page's items rendered under `key`, the
    NextToken when more follow."""
    page, nxt = _page(items, req.get("NextToken"), req.get("MaxResults"))
    out = {key: [render(x) for x in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


def _tags_in(tags):
    out = {}
    for t in tags or []:
        if t["Key"] in out:
            raise AwsError("BadRequest", f"Tag key '{t['Key']}' appears more than once.")
        out[t["Key"]] = t["Value"]
    if len(out) > MAX_TAGS:
        raise AwsError("BadRequest", f"A resource can have at most {MAX_TAGS} tags.")
    return out


def _tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _zone_id(zone):
    """use1-az1 for us-east-1a, as AWS names zone ids (the fake's mapping)."""
    region, letter = zone[:-1], zone[-1]
    parts = region.split("-")
    short = parts[0][:2] + parts[1][0] + parts[2]
    return f"{short}-az{ord(letter) - ord('a') + 1}"


def _check_policy(text, f):
    """The JSON and statement checks EFS makes (InvalidPolicyException)."""
    try:
        doc = json.loads(text)
    except ValueError:
        raise AwsError("InvalidPolicyException", "The policy is not valid JSON.")
    sts = policy_statements(doc)
    if not isinstance(doc, dict) or not sts:
        raise AwsError("InvalidPolicyException", "The policy must have at least one Statement.")
    for st in sts:
        if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
            raise AwsError("InvalidPolicyException", "Each statement needs an Effect of Allow or Deny.")
        acts = as_list(st.get("Action"))
        if not acts or not all(isinstance(a, str) and (a == "*" or a.lower().startswith("elasticfilesystem:"))
                               for a in acts):
            raise AwsError("InvalidPolicyException", "Each statement needs Actions of the "
                           "elasticfilesystem service.")
        if "Principal" not in st:
            raise AwsError("InvalidPolicyException", "Each statement of a file system policy needs a "
                           "Principal.")
        for res in as_list(st.get("Resource")):
            if res != "*" and res != f["arn"]:
                raise AwsError("InvalidPolicyException", f"Resource {res} is not this file system "
                               f"({f['arn']}).")


SERVICE = Efs
