"""ModifyDBInstance (part of the RDS class).

RDS applies some changes at once (deletion protection, tag copying, windows), some
"asynchronously as soon as possible" whatever ApplyImmediately says (security groups, the
master password, a retention change between two non-zero values: "modifying" for a short
while), and the rest (class, storage, engine version, Multi-AZ, turning backups on or off)
only with ApplyImmediately; without it they wait in PendingModifiedValues for the
maintenance window, which never comes in the fake. A storage change is followed by
"storage-optimization", during which the instance takes any change but another storage
one. An instance in any other state than those two refuses any change."""

import json
import math

from fakeaws.core import AwsError
from fakeaws.services._rds import rules
from fakeaws.services._rds.instances import not_modelled

MODIFY_MEMBERS = {
    "DBInstanceIdentifier", "AllocatedStorage", "DBInstanceClass", "VpcSecurityGroupIds",
    "ApplyImmediately", "MasterUserPassword", "BackupRetentionPeriod", "PreferredBackupWindow",
    "PreferredMaintenanceWindow", "MultiAZ", "EngineVersion", "AllowMajorVersionUpgrade",
    "AutoMinorVersionUpgrade", "Iops", "StorageType", "CACertificateIdentifier",
    "CopyTagsToSnapshot", "PubliclyAccessible", "EnableIAMDatabaseAuthentication",
    "DeletionProtection", "MaxAllocatedStorage", "ManageMasterUserPassword",
    "RotateMasterUserPassword", "MasterUserSecretKmsKeyId",
}
# Applied at once, without "modifying".
AT_ONCE = ("DeletionProtection", "CopyTagsToSnapshot", "AutoMinorVersionUpgrade",
           "PreferredBackupWindow", "PreferredMaintenanceWindow", "MaxAllocatedStorage",
           "CACertificateIdentifier")
# Applied only with ApplyImmediately (else pending), with a long "modifying".
HEAVY = ("DBInstanceClass", "AllocatedStorage", "StorageType", "Iops", "EngineVersion", "MultiAZ")


def _version_key(v):
    return [int(x) for x in v.split(".")]


class ModifyMixin:

    def _check_heavy(self, i, req):
        """Validate class, storage and version changes; returns {member: new value}."""
        cfg, engine, out = i["cfg"], i["engine"], {}
        if req.get("DBInstanceClass") not in (None, cfg["DBInstanceClass"]):
            rules.check_class(req["DBInstanceClass"], engine, cfg["EngineVersion"])
            out["DBInstanceClass"] = req["DBInstanceClass"]
        size, stype = req.get("AllocatedStorage"), req.get("StorageType") or cfg["StorageType"]
        if size is not None and size != cfg["AllocatedStorage"]:
            if size < cfg["AllocatedStorage"]:
                raise AwsError("InvalidParameterCombination", "Invalid storage size: the allocated "
                               f"storage can't be reduced (now {cfg['AllocatedStorage']} GiB).")
            size = max(size, math.ceil(cfg["AllocatedStorage"] * 1.1))
            out["AllocatedStorage"] = size
        if size is not None or stype != cfg["StorageType"] or req.get("Iops"):
            rules.check_storage(engine, stype, size or cfg["AllocatedStorage"], req.get("Iops"))
            if stype != cfg["StorageType"]:
                out["StorageType"] = stype
            if req.get("Iops"):
                out["Iops"] = req["Iops"]
        want = req.get("EngineVersion")
        if want:
            version = rules.engine_version(engine, want)
            cur = cfg["EngineVersion"]
            if _version_key(version) < _version_key(cur):
                raise AwsError("InvalidParameterCombination",
                               f"Cannot upgrade {engine} from {cur} to {version}")
            if rules.major(engine, version) != rules.major(engine, cur) and \
                    not req.get("AllowMajorVersionUpgrade"):
                raise AwsError("InvalidParameterCombination", "The AllowMajorVersionUpgrade flag "
                               "must be present when upgrading to a new major version.")
            if version != cur:
                out["EngineVersion"] = version
        if req.get("MultiAZ") is not None and req["MultiAZ"] != cfg["MultiAZ"]:
            out["MultiAZ"] = req["MultiAZ"]
        return out

    def _password_change(self, i, req, account):
        """Master password settings; True when one changes (a short "modifying")."""
        managed = req.get("ManageMasterUserPassword")
        password = req.get("MasterUserPassword")
        if req.get("MasterUserSecretKmsKeyId") and not (managed or i["secret"]):
            raise AwsError("InvalidParameterCombination", "A ManageMasterUserPassword value is "
                           "required when MasterUserSecretKmsKeyId is specified.")
        if req.get("RotateMasterUserPassword"):
            if not i["secret"]:
                raise AwsError("InvalidParameterCombination", "You can't rotate the master user "
                               "password because it isn't managed by RDS in Secrets Manager.")
            if not req.get("ApplyImmediately"):
                raise AwsError("InvalidParameterCombination", "You must specify ApplyImmediately "
                               "when rotating the master user password.")
        if managed and password is not None:
            raise AwsError("InvalidParameterCombination", "You can't specify MasterUserPassword "
                           "when ManageMasterUserPassword is turned on.")
        if managed is False and i["secret"] and password is None:
            raise AwsError("InvalidParameterCombination", "MasterUserPassword must be provided "
                           "when ManageMasterUserPassword is set to false.")
        if password is not None and i["secret"] and managed is not False:
            raise AwsError("InvalidParameterCombination", "You can't specify MasterUserPassword "
                           "for a DB instance whose master user password is managed by RDS in "
                           "Secrets Manager.")
        if password is not None:
            rules.check_password(i["engine"], password)
        changed = False
        if managed and not i["secret"]:
            self._new_secret(i, account, req.get("MasterUserSecretKmsKeyId"))
            changed = True
        elif managed is False and i["secret"]:
            self._drop_secret(i)
            changed = True
        if req.get("RotateMasterUserPassword"):
            sm = self.world.svc("secretsmanager")
            sm.put_service_secret_value(i["secret"]["arn"], json.dumps(
                {"username": i["username"], "password": "".join(
                    self.world.random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                    for _ in range(28))}))
            changed = True
        if password is not None:
            i["password_change"] = True
            changed = True
        return changed

    def ModifyDBInstance(self, req, ctx):
        not_modelled(req, MODIFY_MEMBERS, "ModifyDBInstance")
        i = self._instance(ctx.region, req["DBInstanceIdentifier"])
        status = self._status(i)
        if status not in ("available", "storage-optimization"):
            raise AwsError("InvalidDBInstanceState", "Database instance is not in available state.")
        cfg, now_ = i["cfg"], req.get("ApplyImmediately", False)
        heavy = self._check_heavy(i, req)
        if status == "storage-optimization" and {"AllocatedStorage", "StorageType", "Iops"} & set(heavy):
            raise AwsError("InvalidParameterCombination", "You can't currently modify the storage of "
                           "this DB instance because the previous storage change is being optimized.")
        rules.check_backup_retention(req.get("BackupRetentionPeriod"))
        groups = None
        if req.get("VpcSecurityGroupIds") is not None:
            groups = list(dict.fromkeys(req["VpcSecurityGroupIds"]))
            self._check_groups(groups, i["vpc_id"])
            if groups == i["security_groups"]:
                groups = None
        if req.get("PubliclyAccessible") and not self.world.svc("ec2").has_internet_gateway(i["vpc_id"]):
            raise AwsError("InvalidVPCNetworkStateFault", "Cannot modify a DB instance to be "
                           "publicly accessible: its VPC has no internet gateway attached.")
        light = self._password_change(i, req, ctx.account)
        for k in AT_ONCE:
            if req.get(k) is not None:
                cfg[k] = req[k]
        if req.get("EnableIAMDatabaseAuthentication") is not None:
            cfg["IAMDatabaseAuthenticationEnabled"] = req["EnableIAMDatabaseAuthentication"]
        if req.get("PubliclyAccessible") is not None and req["PubliclyAccessible"] != cfg["PubliclyAccessible"]:
            cfg["PubliclyAccessible"] = req["PubliclyAccessible"]
            light = True
        retention = req.get("BackupRetentionPeriod")
        if retention is not None and retention != cfg["BackupRetentionPeriod"]:
            if (retention == 0) != (cfg["BackupRetentionPeriod"] == 0):   # backups on or off
                heavy["BackupRetentionPeriod"] = retention
            else:
                cfg["BackupRetentionPeriod"] = retention
                light = True
        if groups is not None:
            i["security_groups"] = groups
            self._attach(i)
            light = True
        if heavy and not now_:
            i["pending"].update(heavy)
            heavy = {}
        elif now_ and i["pending"]:
            heavy = {**i["pending"], **heavy}
            i["pending"] = {}
        if heavy:
            i["applying"] = heavy
            self._apply_placement(i, heavy)
            i["busy_until"] = self.world.clock.after(rules.MODIFY_HEAVY_S)
            if {"AllocatedStorage", "StorageType", "Iops"} & set(heavy):
                i["storage_opt_until"] = self.world.clock.after(rules.MODIFY_HEAVY_S + rules.STORAGE_OPT_S)
        elif light:
            i["busy_until"] = self.world.clock.after(rules.MODIFY_LIGHT_S)
        return {"DBInstance": self._render_instance(i)}

    def _apply_placement(self, i, changes):
        """A Multi-AZ change adds or removes the standby (and its network interface) now."""
        if "MultiAZ" not in changes:
            return
        g = self.subnet_groups.get((i["region"], i["subnet_group"])) or i["subnet_group_copy"]
        if changes["MultiAZ"]:
            self._place(i, g, i["zone"], True)
        else:
            i["secondary_zone"] = None
            i["subnet_ids"] = i["subnet_ids"][:1]
        self._attach(i)
