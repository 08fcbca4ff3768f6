"""EFS mount targets (a mixin of services/efs.py) and the mount ECS makes at task start.

A mount target is a network interface in one subnet (the fake's EC2 makes it, so it
blocks the subnet, the VPC and its security groups like any interface): one per zone,
all of a file system's in one VPC. What a task needs to mount (mount_failure): an
available mount target in its zone and VPC, a VPC with DNS support and hostnames (the
file system's DNS name resolves to the mount target of the caller's zone, nothing else),
NFS (TCP 2049) allowed out of the task's groups and into the mount target's, the access
point and the file system policy letting it in, and the root directory existing (an
access point's CreationInfo makes it on first use)."""

import ipaddress

from ...core import AwsError

MT_CREATE_S, MT_DELETE_S = 90, 60
MAX_GROUPS = 5
NFS_PORT = 2049

_SETUP = "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: "
RESOLVE_FAILED = (_SETUP + 'Failed to resolve "{dns}" - check that your file system ID is correct, and '
                  "ensure that the VPC has an EFS mount target for this file system ID. See "
                  "https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail. Attempting "
                  "to lookup mount target ip address using botocore. Failed to import necessary "
                  "dependency botocore, please install botocore first. : unsuccessful EFS utils "
                  "command execution; code: 1")
TIMED_OUT = _SETUP + "mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32"
DENIED = (_SETUP + "b'mount.nfs4: access denied by server while mounting 127.0.0.1:/' : unsuccessful "
          "EFS utils command execution; code: 32")
NO_DIR = (_SETUP + "b'mount.nfs4: mounting {dns}:{path} failed, reason given by server: No such file "
          "or directory' : unsuccessful EFS utils command execution; code: 32")


def mt_not_found(mid):
    return AwsError("MountTargetNotFound", f"Mount target '{mid}' does not exist.")


class MountTargetMixin:
    def _mt_state(self, m):
        clock = self.world.clock
        if m["delete_at"] is not None:
            return "deleted" if clock.reached(m["delete_at"]) else "deleting"
        return "available" if clock.reached(m["ready_at"]) else "creating"

    def _mt(self, ctx, mid):
        return self._in_region(ctx, self.mount_targets, mid, mt_not_found)

    def _mt_out(self, m):
        return {"OwnerId": m["account"], "MountTargetId": m["id"], "FileSystemId": m["fs_id"],
                "SubnetId": m["subnet_id"], "LifeCycleState": self._mt_state(m), "IpAddress": m["ip"],
                "NetworkInterfaceId": m["eni_id"], "AvailabilityZoneId": m["zone_id"],
                "AvailabilityZoneName": m["zone"], "VpcId": m["vpc_id"]}

    def _groups_in_vpc(self, ec2, groups, vpc_id):
        if len(groups) > MAX_GROUPS:
            raise AwsError("SecurityGroupLimitExceeded", f"A mount target can have at most {MAX_GROUPS} "
                           "security groups.")
        for gid in groups:
            g = ec2.security_group(gid)
            if g is None or g["VpcId"] != vpc_id:
                raise AwsError("SecurityGroupNotFound", f"The security group '{gid}' does not exist "
                               f"in VPC '{vpc_id}'.")

    def CreateMountTarget(self, req, ctx):
        f = self._fs_available(ctx, req["FileSystemId"])
        ec2 = self.world.svc("ec2")
        sub = ec2.subnet(req["SubnetId"])
        if sub is None:
            raise AwsError("SubnetNotFound", f"The subnet ID '{req['SubnetId']}' does not exist.")
        if req.get("IpAddressType") in ("IPV6_ONLY", "DUAL_STACK") or req.get("Ipv6Address"):
            raise AwsError("BadRequest", f"Subnet '{sub['SubnetId']}' has no IPv6 CIDR block.")
        if f["zone"] and sub["AvailabilityZone"] != f["zone"]:
            raise AwsError("AvailabilityZonesMismatch", f"The One Zone file system '{f['id']}' is in "
                           f"{f['zone']}; subnet '{sub['SubnetId']}' is in {sub['AvailabilityZone']}.")
        for m in self.mount_targets.values():
            if m["fs_id"] != f["id"]:
                continue
            if m["vpc_id"] != sub["VpcId"]:
                raise AwsError("MountTargetConflict", f"File system '{f['id']}' has mount targets in "
                               f"VPC '{m['vpc_id']}'; all of them must be in one VPC.")
            if m["zone"] == sub["AvailabilityZone"]:
                raise AwsError("MountTargetConflict", f"File system '{f['id']}' already has mount "
                               f"target '{m['id']}' in {m['zone']}.")
        groups = list(req.get("SecurityGroups") or [])
        self._groups_in_vpc(ec2, groups, sub["VpcId"])
        mid = self.world.new_id("fsmt")
        try:
            eni = ec2.create_network_interface(sub["SubnetId"], groups,
                                               f"EFS mount target for {f['id']} ({mid})",
                                               f"efs:mount-target/{mid}", ip=req.get("IpAddress"))
        except AwsError as e:
            code = {"InsufficientFreeAddressesInSubnet": "NoFreeAddressesInSubnet",
                    "InvalidIPAddress.InUse": "IpAddressInUse"}.get(e.code, "BadRequest")
            raise AwsError(code, e.message)
        m = {"id": mid, "fs_id": f["id"], "region": ctx.region, "account": ctx.account,
             "subnet_id": sub["SubnetId"], "vpc_id": sub["VpcId"], "zone": sub["AvailabilityZone"],
             "zone_id": sub["AvailabilityZoneId"], "ip": eni["PrivateIpAddress"],
             "eni_id": eni["NetworkInterfaceId"], "groups": [g["GroupId"] for g in eni["Groups"]],
             "ready_at": self.world.clock.after(MT_CREATE_S), "delete_at": None}
        self.mount_targets[mid] = m
        return self._mt_out(m)

    def DescribeMountTargets(self, req, ctx):
        given = [k for k in ("FileSystemId", "MountTargetId", "AccessPointId") if req.get(k)]
        if len(given) != 1:
            raise AwsError("BadRequest", "Specify exactly one of FileSystemId, MountTargetId or "
                           "AccessPointId.")
        if req.get("MountTargetId"):
            items = [self._mt(ctx, req["MountTargetId"])]
        else:
            fid = (self._fs(ctx, req["FileSystemId"])["id"] if req.get("FileSystemId")
                   else self._ap(ctx, req["AccessPointId"])["fs_id"])
            items = [m for m in self.mount_targets.values() if m["fs_id"] == fid]
        from ..efs import _marker_page
        return _marker_page(items, req, "MountTargets", self._mt_out)

    def DescribeMountTargetSecurityGroups(self, req, ctx):
        m = self._mt(ctx, req["MountTargetId"])
        if self._mt_state(m) == "deleting":
            raise AwsError("IncorrectMountTargetState", f"Mount target '{m['id']}' is being deleted.")
        return {"SecurityGroups": list(m["groups"])}

    def ModifyMountTargetSecurityGroups(self, req, ctx):
        m = self._mt(ctx, req["MountTargetId"])
        if self._mt_state(m) != "available":
            raise AwsError("IncorrectMountTargetState", f"Mount target '{m['id']}' is "
                           f"{self._mt_state(m)}; it must be available.")
        groups = list(req.get("SecurityGroups") or [])
        if not groups:
            raise AwsError("BadRequest", "A mount target needs at least one security group.")
        ec2 = self.world.svc("ec2")
        self._groups_in_vpc(ec2, groups, m["vpc_id"])
        ec2.set_network_interface_groups(m["eni_id"], groups)
        m["groups"] = groups
        return {}

    def DeleteMountTarget(self, req, ctx):
        m = self._mt(ctx, req["MountTargetId"])
        if m["delete_at"] is None:
            m["delete_at"] = self.world.clock.after(MT_DELETE_S)
            # the interface goes when the mount target does
            self.world.svc("ec2").release_network_interface(m["eni_id"], MT_DELETE_S)
        return {}

    # -- for ECS -------------------------------------------------------------------------
    def mount_failure(self, region, cfg, eni, task_role):
        """Why a task cannot mount cfg (a task definition's efsVolumeConfiguration) through
        its network interface eni (EC2's rendering), running as task_role (an ARN or None):
        the stoppedReason ECS gives, or None when the mount works."""
        from ..efs import bare_id
        self._expire()
        fid = bare_id(cfg["fileSystemId"])
        dns = f"{fid}.efs.{region}.amazonaws.com"
        f = self.file_systems.get(fid)
        if f is None or f["region"] != region or self._fs_state(f) != "available" or eni is None:
            return RESOLVE_FAILED.format(dns=dns)
        ec2 = self.world.services.get("ec2")
        vpc = ec2.vpc(eni["VpcId"]) if ec2 is not None else None
        mt = next((m for m in self.mount_targets.values() if m["fs_id"] == fid
                   and m["zone"] == eni["AvailabilityZone"] and m["vpc_id"] == eni["VpcId"]
                   and self._mt_state(m) == "available"), None)
        if mt is None or (vpc is not None and not (vpc["EnableDnsSupport"] and vpc["EnableDnsHostnames"])):
            return RESOLVE_FAILED.format(dns=dns)
        if ec2 is not None and not _nfs_open(ec2, eni, mt):
            return TIMED_OUT
        auth = cfg.get("authorizationConfig") or {}
        iam = auth.get("iam") == "ENABLED"
        transit = cfg.get("transitEncryption") == "ENABLED"
        if iam and not task_role:
            return DENIED
        path = cfg.get("rootDirectory") or "/"
        ap = None
        if auth.get("accessPointId"):
            ap = self.access_points.get(bare_id(auth["accessPointId"]))
            if ap is None or ap["fs_id"] != fid or self._ap_state(ap) != "available":
                return DENIED
            path = ap["root"]["Path"]
        if not self._client_allowed(f, iam and task_role, transit, ap and ap["arn"]):
            return DENIED
        if ap is not None and ap["root"].get("CreationInfo") and path not in f["dirs"]:
            f["dirs"].update(_parents(path))
        if path.rstrip("/") and path.rstrip("/") not in f["dirs"]:
            return NO_DIR.format(dns=dns, path=path)
        return None

    def _client_allowed(self, f, role, transit, ap_arn=None):
        """ClientMount as EFS authorizes it. No file system policy: AWS's default, every
        client that reaches a mount target. With one: its Deny statements that match stop
        anyone; its Allow statements let in the principals they name (anyone for "*"),
        while one naming the account (or its root) only hands the decision to the
        client's identity policies, as IAM does; an IAM client (role) is let in too by its
        role's identity policies, judged on the file system's ARN with the request's
        condition keys (aws:SecureTransport, elasticfilesystem:AccessPointArn when mounting
        through an access point)."""
        if f["policy"] is None:
            return True
        from ...util import action_matches, as_list, policy_statements
        allowed = False
        for st in policy_statements(f["policy"]):
            acts = as_list(st.get("Action"))
            if not any(action_matches(a, "elasticfilesystem:ClientMount") for a in acts):
                continue
            who = _principal_matches(st.get("Principal"), role, f["account"])
            if not who or not _conditions_hold(st.get("Condition"), transit, ap_arn):
                continue
            if st.get("Effect") == "Deny":
                return False
            allowed |= who == "direct"
        if not allowed and role:
            iam = self.world.services.get("iam")
            context = {"aws:SecureTransport": "true" if transit else "false",
                       "elasticfilesystem:AccessedViaMountTarget": "true"}
            if ap_arn:
                context["elasticfilesystem:AccessPointArn"] = ap_arn
            allowed = iam is not None and iam.role_allows(role, "elasticfilesystem:ClientMount",
                                                          f["arn"], context)
        return allowed


def _parents(path):
    parts = [p for p in path.split("/") if p]
    return {"/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _permits(perms, peer_groups, peer_ip):
    for p in perms:
        proto = str(p.get("IpProtocol"))
        if proto not in ("-1", "tcp", "6"):
            continue
        if proto != "-1" and not (p.get("FromPort", -1) <= NFS_PORT <= p.get("ToPort", -1)):
            continue
        if any(g.get("GroupId") in peer_groups for g in p.get("UserIdGroupPairs") or []):
            return True
        for r in p.get("IpRanges") or []:
            if ipaddress.IPv4Address(peer_ip) in ipaddress.IPv4Network(r["CidrIp"], strict=False):
                return True
    return False


def _nfs_open(ec2, eni, mt):
    """TCP 2049 out of the task's groups to the mount target, and into the mount target's
    groups from the task (security groups are stateful: the answers come back)."""
    task_groups = [g["GroupId"] for g in eni.get("Groups") or []]
    out_ok = any(_permits(g["IpPermissionsEgress"], mt["groups"], mt["ip"])
                 for g in (ec2.security_group(x) for x in task_groups) if g)
    in_ok = any(_permits(g["IpPermissions"], task_groups, eni["PrivateIpAddress"])
                for g in (ec2.security_group(x) for x in mt["groups"]) if g)
    return out_ok and in_ok


def _principal_matches(principal, role, account):
    """"direct" when the statement names everyone or the role itself, "account" when it
    names the role's account (which delegates to identity policies), None otherwise."""
    if principal == "*":
        return "direct"
    aws = principal.get("AWS") if isinstance(principal, dict) else None
    for p in ([aws] if isinstance(aws, str) else aws or []):
        if p == "*" or (role and p == role):
            return "direct"
        if role and p in (account, f"arn:aws:iam::{account}:root"):
            return "account"
    return None


def _conditions_hold(cond, transit, ap_arn=None):
    """The conditions EFS policies use: Bool on aws:SecureTransport and
    elasticfilesystem:AccessedViaMountTarget (always true here: tasks mount through one),
    StringEquals/ArnEquals on elasticfilesystem:AccessPointArn. Any other condition is
    taken as not met."""
    for op, kv in (cond or {}).items():
        for key, want in kv.items():
            want = str(want[0] if isinstance(want, list) else want)
            if op in ("StringEquals", "ArnEquals") and key.lower() == "elasticfilesystem:accesspointarn":
                if ap_arn != want:
                    return False
                continue
            have = {"aws:securetransport": "true" if transit else "false",
                    "elasticfilesystem:accessedviamounttarget": "true"}.get(key.lower())
            if op != "Bool" or have is None or have != want.lower():
                return False
    return True
