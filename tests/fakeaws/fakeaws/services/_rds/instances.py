"""DB instances (part of the RDS class): create, describe, delete, and the lifecycle read
from the clock.

An instance is "creating" for CREATE_S (more with Multi-AZ), then "backing-up" for
BACKUP_S while its first automated snapshot is taken (only when BackupRetentionPeriod > 0),
then "available"; a ModifyDBInstance that applies changes makes it "modifying" for a
while (then "storage-optimization" for longer after a storage change); DeleteDBInstance makes it "deleting" (after a final snapshot, when asked) until it
is gone. The Endpoint is there once creation is over. Each instance holds network
interfaces in the fake's EC2 (one per zone it runs in), so its subnets and security
groups cannot be deleted under it. A managed master password is a Secrets Manager secret
"rds!db-<uuid>" that RDS owns; it is deleted with the instance."""

import datetime
import json

from fakeaws.core import AwsError
from fakeaws.services._rds import rules

UTC = datetime.timezone.utc

# CreateDBInstance members this fake models; any other member present is refused, so
# a test never believes a setting took effect that the fake ignored.
CREATE_MEMBERS = {
    "DBName", "DBInstanceIdentifier", "AllocatedStorage", "DBInstanceClass", "Engine",
    "MasterUsername", "MasterUserPassword", "VpcSecurityGroupIds", "AvailabilityZone",
    "DBSubnetGroupName", "PreferredMaintenanceWindow", "DBParameterGroupName",
    "BackupRetentionPeriod", "PreferredBackupWindow", "Port", "MultiAZ", "EngineVersion",
    "AutoMinorVersionUpgrade", "LicenseModel", "Iops", "PubliclyAccessible", "Tags",
    "StorageType", "StorageEncrypted", "KmsKeyId", "CopyTagsToSnapshot",
    "EnableIAMDatabaseAuthentication", "EnablePerformanceInsights", "EnableCloudwatchLogsExports",
    "DeletionProtection", "MaxAllocatedStorage", "NetworkType", "CACertificateIdentifier",
    "ManageMasterUserPassword", "MasterUserSecretKmsKeyId",
}

PASSWORD_CHARS = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                  "!#$%&()*+,-.:;<=>?[]^_{|}~")


def utc(epoch):
    return datetime.datetime.fromtimestamp(epoch, UTC)


def not_modelled(req, allowed, op):
    extra = sorted(k for k, v in req.items() if v is not None and k not in allowed)
    if extra:
        raise AwsError("InvalidParameterValue",
                       f"fakeaws does not model {', '.join(extra)} of RDS {op}")


class InstanceMixin:

    # ---- lookup and lifecycle ------------------------------------------------------

    def _sweep(self):
        """Apply what the clock says happened: modifications finished, first automated
        snapshots taken, deleted instances gone."""
        now = self.world.clock.now()
        for key, i in list(self.instances.items()):
            if i["gone_at"] is not None and now >= i["gone_at"]:
                del self.instances[key]
                continue
            if i["busy_until"] is not None and now >= i["busy_until"]:
                i["cfg"].update(i["applying"])
                i["applying"], i["busy_until"], i["password_change"] = {}, None, False
            if (i["backup_until"] is not None and now >= i["ready_at"] and not i["auto_snap"]
                    and i["gone_at"] is None):
                i["auto_snap"] = True
                self._automated_snapshot(i)

    def _live_instances(self, region):
        self._sweep()
        return [i for (r, _), i in sorted(self.instances.items()) if r == region]

    def _instance(self, region, ident):
        self._sweep()
        key = (ident or "").lower()
        if key.startswith("arn:"):
            key = key.rsplit(":", 1)[-1]
        i = self.instances.get((region, key))
        if i is None:
            raise AwsError("DBInstanceNotFound", f"DBInstance {ident} not found.", 404)
        return i

    def _status(self, i):
        now = self.world.clock.now()
        if i["gone_at"] is not None:
            return "deleting"
        if now < i["ready_at"]:
            return "creating"
        if i["backup_until"] is not None and now < i["backup_until"]:
            return "backing-up"
        if i["busy_until"] is not None and now < i["busy_until"]:
            return "modifying"
        if i.get("storage_opt_until") is not None and now < i["storage_opt_until"]:
            return "storage-optimization"
        return "available"

    def _created(self, i):
        """Creation is over (the endpoint exists), whatever happened since."""
        return i["ready_at"] <= min(self.world.clock.now(), i["deleting_since"] or float("inf"))

    # ---- rendering ----------------------------------------------------------------

    def _render_instance(self, i):
        cfg, status = i["cfg"], self._status(i)
        eng = rules.ENGINES[i["engine"]]
        maj = rules.major(i["engine"], cfg["EngineVersion"])
        g = self.subnet_groups.get((i["region"], i["subnet_group"])) or i["subnet_group_copy"]
        out = {
            "DBInstanceIdentifier": i["id"], "DBInstanceClass": cfg["DBInstanceClass"],
            "Engine": i["engine"], "DBInstanceStatus": status,
            "MasterUsername": i["username"], "DBName": i["db_name"],
            "AllocatedStorage": cfg["AllocatedStorage"],
            "PreferredBackupWindow": cfg["PreferredBackupWindow"],
            "BackupRetentionPeriod": cfg["BackupRetentionPeriod"], "DBSecurityGroups": [],
            "VpcSecurityGroups": [{"VpcSecurityGroupId": sg, "Status": "active"}
                                  for sg in i["security_groups"]],
            "DBParameterGroups": [{"DBParameterGroupName": i["parameter_group"],
                                   "ParameterApplyStatus": "in-sync"}],
            "AvailabilityZone": i["zone"],
            "DBSubnetGroup": self._render_subnet_group(g),
            "PreferredMaintenanceWindow": cfg["PreferredMaintenanceWindow"],
            "PendingModifiedValues": self._pending(i),
            "MultiAZ": cfg["MultiAZ"], "EngineVersion": cfg["EngineVersion"],
            "AutoMinorVersionUpgrade": cfg["AutoMinorVersionUpgrade"],
            "ReadReplicaDBInstanceIdentifiers": [], "LicenseModel": eng["license"],
            "OptionGroupMemberships": [{"OptionGroupName": eng["option_group"].format(
                major=maj, major_us=maj.replace(".", "-")), "Status": "in-sync"}],
            "PubliclyAccessible": cfg["PubliclyAccessible"], "StorageType": cfg["StorageType"],
            "DbInstancePort": 0, "StorageEncrypted": i["encrypted"],
            "DbiResourceId": i["resource_id"], "CACertificateIdentifier": cfg["CACertificateIdentifier"],
            "DomainMemberships": [], "CopyTagsToSnapshot": cfg["CopyTagsToSnapshot"],
            "MonitoringInterval": 0, "DBInstanceArn": i["arn"],
            "IAMDatabaseAuthenticationEnabled": cfg["IAMDatabaseAuthenticationEnabled"],
            "PerformanceInsightsEnabled": i["performance_insights"],
            "DeletionProtection": cfg["DeletionProtection"], "AssociatedRoles": [],
            "TagList": rules.tag_list(i["tags"]), "CustomerOwnedIpEnabled": False,
            "NetworkType": "IPV4", "BackupTarget": "region", "DedicatedLogVolume": False,
            "MultiTenant": False, "EngineLifecycleSupport": "open-source-rds-extended-support",
        }
        if i["log_exports"]:
            out["EnabledCloudwatchLogsExports"] = list(i["log_exports"])
        if cfg["MaxAllocatedStorage"]:
            out["MaxAllocatedStorage"] = cfg["MaxAllocatedStorage"]
        if cfg["StorageType"] in ("gp3", "io1", "io2"):
            out["Iops"] = cfg["Iops"] or 3000
        if cfg["StorageType"] == "gp3":
            out["StorageThroughput"] = 125
        if i["encrypted"]:
            out["KmsKeyId"] = i["kms_key_id"]
        if cfg["MultiAZ"] and i["secondary_zone"]:
            out["SecondaryAvailabilityZone"] = i["secondary_zone"]
        if self._created(i):
            out["Endpoint"] = {"Address": i["address"], "Port": i["port"],
                               "HostedZoneId": rules.RDS_ZONES.get(i["region"], "Z2FAKERDSZONE1")}
            out["InstanceCreateTime"] = utc(i["created"])
            out["LatestRestorableTime"] = utc(max(i["ready_at"], self.world.clock.now() - 300))
        if i["secret"]:
            out["MasterUserSecret"] = {"SecretArn": i["secret"]["arn"],
                                       "SecretStatus": "creating" if status == "creating" else "active",
                                       "KmsKeyId": i["secret"]["kms_key_id"]}
        return out

    def _pending(self, i):
        out = dict(i["pending"])
        out.update(i["applying"])
        if i["password_change"] and i["busy_until"] is not None:
            out["MasterUserPassword"] = "****"
        return out

    # ---- helpers --------------------------------------------------------------

    def _dns_id(self, region):
        """The account's hash in RDS endpoint names (one per region)."""
        if region not in self.dns_ids:
            self.dns_ids[region] = "".join(self.world.random.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                           for _ in range(12))
        return self.dns_ids[region]

    def _aws_key(self, region, account, alias):
        """The ARN of an AWS managed KMS key (aws/rds, aws/secretsmanager) of the region."""
        k = (region, alias)
        if k not in self.aws_keys:
            self.aws_keys[k] = self.world.arn("kms", region, f"key/{self.world.new_uuid()}", account)
        return self.aws_keys[k]

    def _key_arn(self, region, account, key):
        if key.startswith("arn:"):
            return key
        if key.startswith("alias/"):
            return self.world.arn("kms", region, key, account)
        return self.world.arn("kms", region, f"key/{key}", account)

    def _check_groups(self, group_ids, vpc_id):
        ec2 = self.world.svc("ec2")
        for gid in group_ids:
            sg = ec2.security_group(gid)
            if sg is None:
                raise AwsError("InvalidParameterValue",
                               f"Invalid security group , groupId= {gid}, groupName=.")
            if sg["VpcId"] != vpc_id:
                raise AwsError("InvalidParameterCombination",
                               "The DB instance and EC2 security group are in different VPCs. "
                               f"The DB instance is in {vpc_id} and the EC2 security group is "
                               f"in {sg['VpcId']}")

    def _place(self, i, g, zone, multi_az):
        """Choose the zones (and subnets) the instance runs in."""
        by_zone = {}
        for s in g["subnets"]:
            by_zone.setdefault(s["AvailabilityZone"], s["SubnetId"])
        if zone and zone not in by_zone:
            raise AwsError("InvalidVPCNetworkStateFault",
                           f"The DB subnet group '{g['name']}' does not cover the availability "
                           f"zone {zone}.")
        zones = sorted(by_zone)
        primary = zone or zones[self.world.random.randrange(len(zones))]
        i["zone"] = primary
        i["secondary_zone"] = None
        i["subnet_ids"] = [by_zone[primary]]
        if multi_az:
            i["secondary_zone"] = next(z for z in zones if z != primary)
            i["subnet_ids"].append(by_zone[i["secondary_zone"]])

    def _attach(self, i):
        """Network interfaces in the instance's subnets, with its security groups."""
        ec2 = self.world.svc("ec2")
        self._detach(i, 0)
        for sid in i["subnet_ids"]:
            eni = ec2.create_network_interface(sid, i["security_groups"], "RDSNetworkInterface",
                                               f"rds:db/{i['id']}")
            i["enis"].append(eni["NetworkInterfaceId"])

    def _detach(self, i, linger):
        ec2 = self.world.svc("ec2")
        for eid in i["enis"]:
            ec2.release_network_interface(eid, linger)
        i["enis"] = []

    def _new_secret(self, i, account, kms_key):
        """RDS generates the master password and keeps it in a secret it owns."""
        sm = self.world.svc("secretsmanager")
        password = "".join(self.world.random.choice(PASSWORD_CHARS) for _ in range(28))
        kms = (self._key_arn(i["region"], account, kms_key) if kms_key
               else self._aws_key(i["region"], account, "aws/secretsmanager"))
        arn = sm.create_service_secret(
            i["region"], account, f"rds!db-{self.world.new_uuid()}",
            json.dumps({"username": i["username"], "password": password}),
            f"Secret associated with primary RDS DB instance: {i['arn']}", kms,
            {"aws:rds:primaryDBInstanceArn": i["arn"], "aws:secretsmanager:owningService": "rds"},
            "rds")
        i["secret"] = {"arn": arn, "kms_key_id": kms}

    def _drop_secret(self, i):
        if i["secret"]:
            self.world.svc("secretsmanager").delete_service_secret(i["secret"]["arn"])
            i["secret"] = None

    # ---- operations -----------------------------------------------------------

    def CreateDBInstance(self, req, ctx):
        not_modelled(req, CREATE_MEMBERS, "CreateDBInstance")
        ident = rules.check_identifier(req["DBInstanceIdentifier"])
        engine = req["Engine"].lower()
        rules.check_engine(engine)
        version = rules.engine_version(engine, req.get("EngineVersion"))
        rules.check_class(req["DBInstanceClass"], engine, version)
        live = self._live_instances(ctx.region)
        if (ctx.region, ident) in self.instances:
            raise AwsError("DBInstanceAlreadyExists", "DB instance already exists")
        if len(live) >= rules.INSTANCE_QUOTA:
            raise AwsError("InstanceQuotaExceeded", "DB Instance quota exceeded")
        stype = req.get("StorageType") or "gp3"
        rules.check_storage(engine, stype, req.get("AllocatedStorage"), req.get("Iops"))
        managed = bool(req.get("ManageMasterUserPassword"))
        rules.check_master(engine, req.get("MasterUsername"), req.get("MasterUserPassword"), managed)
        if req.get("MasterUserSecretKmsKeyId") and not managed:
            raise AwsError("InvalidParameterCombination", "A ManageMasterUserPassword value is "
                           "required when MasterUserSecretKmsKeyId is specified.")
        rules.check_db_name(engine, req.get("DBName"))
        rules.check_backup_retention(req.get("BackupRetentionPeriod"))
        rules.check_port(req.get("Port"))
        if req.get("KmsKeyId") and not req.get("StorageEncrypted"):
            raise AwsError("InvalidParameterCombination",
                           "Encryption key was specified but StorageEncrypted is not set to true.")
        if req.get("MultiAZ") and req.get("AvailabilityZone"):
            raise AwsError("InvalidParameterCombination",
                           "Requesting a specific availability zone is not valid for Multi-AZ instances.")
        tags = rules.tags_in(req.get("Tags"))
        family = rules.ENGINES[engine]["family"].format(major=rules.major(engine, version))
        pgroup = req.get("DBParameterGroupName") or f"default.{family}"
        if pgroup != f"default.{family}":
            raise AwsError("DBParameterGroupNotFound",
                           f"DBParameterGroup not found: {pgroup}", 404)
        if req.get("DBSubnetGroupName"):
            g = self._subnet_group(ctx.region, req["DBSubnetGroupName"])
            public_default = False
        else:
            g = self._default_subnet_group(ctx.region, ctx.account)
            public_default = True
        groups = list(dict.fromkeys(req.get("VpcSecurityGroupIds") or []))
        if not groups:      # the VPC's default group, as RDS does
            sg = self.world.svc("ec2").default_security_group(g["vpc_id"])
            groups = [sg] if sg else []
        self._check_groups(groups, g["vpc_id"])
        public = req.get("PubliclyAccessible", public_default)
        if public and not self.world.svc("ec2").has_internet_gateway(g["vpc_id"]):
            raise AwsError("InvalidVPCNetworkStateFault",
                           "Cannot create a publicly accessible DBInstance. The specified VPC has "
                           "no internet gateway attached.Update the VPC and then try again")
        now = self.world.clock.now()
        retention = req.get("BackupRetentionPeriod", 1)
        ready_at = self.world.clock.after(rules.CREATE_S + (rules.MULTI_AZ_EXTRA_S
                                                            if req.get("MultiAZ") else 0))
        arn = self.world.arn("rds", ctx.region, f"db:{ident}", ctx.account)
        i = {
            "id": ident, "region": ctx.region, "arn": arn, "engine": engine,
            "resource_id": "db-" + "".join(self.world.random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                                           for _ in range(26)),
            "username": req["MasterUsername"], "db_name": req.get("DBName"),
            "port": req.get("Port") or rules.ENGINES[engine]["port"],
            "address": f"{ident}.{self._dns_id(ctx.region)}.{ctx.region}.rds.amazonaws.com",
            "encrypted": bool(req.get("StorageEncrypted")),
            "kms_key_id": (self._key_arn(ctx.region, ctx.account, req["KmsKeyId"])
                           if req.get("KmsKeyId") else self._aws_key(ctx.region, ctx.account, "aws/rds")),
            "subnet_group": g["name"], "subnet_group_copy": g, "vpc_id": g["vpc_id"],
            "security_groups": groups, "parameter_group": pgroup, "tags": tags,
            "performance_insights": bool(req.get("EnablePerformanceInsights")),
            "log_exports": req.get("EnableCloudwatchLogsExports") or [],
            "cfg": {
                "DBInstanceClass": req["DBInstanceClass"], "AllocatedStorage": req["AllocatedStorage"],
                "StorageType": stype, "Iops": req.get("Iops"), "EngineVersion": version,
                "MultiAZ": bool(req.get("MultiAZ")), "BackupRetentionPeriod": retention,
                "DeletionProtection": bool(req.get("DeletionProtection")),
                "CopyTagsToSnapshot": bool(req.get("CopyTagsToSnapshot")),
                "PubliclyAccessible": bool(public),
                "AutoMinorVersionUpgrade": req.get("AutoMinorVersionUpgrade", True),
                "PreferredBackupWindow": req.get("PreferredBackupWindow") or "03:00-03:30",
                "PreferredMaintenanceWindow": req.get("PreferredMaintenanceWindow") or "sun:05:00-sun:05:30",
                "MaxAllocatedStorage": req.get("MaxAllocatedStorage"),
                "IAMDatabaseAuthenticationEnabled": bool(req.get("EnableIAMDatabaseAuthentication")),
                "CACertificateIdentifier": req.get("CACertificateIdentifier") or "rds-ca-rsa2048-g1",
            },
            "created": now, "ready_at": ready_at,
            "backup_until": ready_at + rules.BACKUP_S * self.world.clock.scale if retention else None,
            "auto_snap": False, "busy_until": None, "applying": {}, "pending": {},
            "password_change": False, "deleting_since": None, "gone_at": None,
            "storage_opt_until": None,
            "enis": [], "secret": None,
        }
        self._place(i, g, req.get("AvailabilityZone"), req.get("MultiAZ"))
        self._attach(i)
        self.instances[(ctx.region, ident)] = i
        if managed:
            self._new_secret(i, ctx.account, req.get("MasterUserSecretKmsKeyId"))
        return {"DBInstance": self._render_instance(i)}

    DESCRIBE_FILTERS = ("db-instance-id", "dbi-resource-id", "engine", "db-cluster-id", "domain")

    def DescribeDBInstances(self, req, ctx):
        ident = req.get("DBInstanceIdentifier")
        items = [self._instance(ctx.region, ident)] if ident else self._live_instances(ctx.region)
        out = [i for i in items if rules.match_filters(req.get("Filters"), {
            "db-instance-id": [i["id"], i["arn"]], "dbi-resource-id": [i["resource_id"]],
            "engine": [i["engine"]], "db-cluster-id": [], "domain": []})]
        return rules.page([self._render_instance(i) for i in out], req, "DBInstances")

    def DeleteDBInstance(self, req, ctx):
        i = self._instance(ctx.region, req["DBInstanceIdentifier"])
        if i["cfg"]["DeletionProtection"]:
            raise AwsError("InvalidParameterCombination", "Cannot delete protected DB Instance, "
                           "please disable deletion protection and try again.")
        status = self._status(i)
        if status == "deleting":
            raise AwsError("InvalidDBInstanceState", f"Instance {i['id']} is already being deleted.")
        skip, final = req.get("SkipFinalSnapshot", False), req.get("FinalDBSnapshotIdentifier")
        if skip and final:
            raise AwsError("InvalidParameterCombination", "Cannot specify both "
                           "FinalDBSnapshotIdentifier and SkipFinalSnapshot.")
        if not skip and not final:
            raise AwsError("InvalidParameterCombination",
                           "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
        if final:
            final = rules.check_identifier(final, "FinalDBSnapshotIdentifier", 255)
            if status == "creating":
                raise AwsError("InvalidDBInstanceState", f"Instance {i['id']} is currently "
                               "creating - a final snapshot cannot be taken.")
            if (ctx.region, final) in self.snapshots:
                raise AwsError("DBSnapshotAlreadyExists", "Cannot create the snapshot because a "
                               f"snapshot with the identifier {final} already exists.")
        now = self.world.clock.now()
        after = rules.DELETE_S + (rules.FINAL_SNAPSHOT_S if final else 0)
        i["deleting_since"] = now
        i["gone_at"] = self.world.clock.after(after)
        i["busy_until"], i["applying"] = None, {}
        if final:
            self._final_snapshot(i, final, ctx.account)
        self._drop_automated_snapshots(i)
        self._drop_secret(i)
        self._detach(i, after)
        return {"DBInstance": self._render_instance(i)}
