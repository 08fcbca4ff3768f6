"""Secrets Manager: secrets with versions and stages, scheduled deletion and restore,
ClientRequestToken idempotency, GetRandomPassword."""

import re

from ..core import AwsError, Service
from ..util import map_to_tags, paginate, rand_chars, tags_to_map, utcnow

PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
NAME_RX = re.compile(r"[A-Za-z0-9/_+=.@!-]+")
DAY = 86400


def _nf():
    return AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400)


class SecretsManager(Service):
    name = "secretsmanager"

    def reset(self):
        self.secrets = {}           # (region, name) -> record

    def resources(self):
        self._expire()
        return {"secrets": [{"id": s["ARN"], "name": s["Name"], "region": s["region"],
                             "scheduled_for_deletion": s["DeletedDate"] is not None,
                             "versions": len(s["versions"]), "tags": tags_to_map(s["Tags"])}
                            for s in self.secrets.values()]}

    # -- helpers -------------------------------------------------------------------------
    def _expire(self):
        now = self.world.clock.now()
        for k in [k for k, s in self.secrets.items() if s["purge_at"] and now >= s["purge_at"]]:
            del self.secrets[k]

    def _find(self, secret_id, region=None):
        self._expire()
        for (r, name), s in self.secrets.items():
            if region is not None and r != region:
                continue
            if secret_id in (name, s["ARN"]):
                return s
            # partial ARN (without the 6-character suffix)
            if secret_id.startswith("arn:") and s["ARN"].startswith(secret_id + "-") and \
                    len(s["ARN"]) == len(secret_id) + 7:
                return s
        return None

    def _get(self, ctx, secret_id):
        s = self._find(secret_id, ctx.region)
        if s is None:
            raise _nf()
        return s

    def _not_deleted(self, s):
        if s["DeletedDate"] is not None:
            raise AwsError("InvalidRequestException", "You can't perform this operation on the secret "
                           "because it was marked for deletion.", 400)

    def _value_args(self, req):
        has_s, has_b = req.get("SecretString") is not None, req.get("SecretBinary") is not None
        if has_s and has_b:
            raise AwsError("InvalidParameterException", "You can't specify both a binary secret value "
                           "and a string secret value in the same secret.", 400)
        return has_s or has_b

    def _add_version(self, s, req, token):
        vid = token or self.world.new_uuid()
        for v in s["versions"].values():
            if "AWSPREVIOUS" in v["stages"]:
                v["stages"].remove("AWSPREVIOUS")
        for v in s["versions"].values():
            if "AWSCURRENT" in v["stages"]:
                v["stages"].remove("AWSCURRENT")
                v["stages"].append("AWSPREVIOUS")
        s["versions"][vid] = {"SecretString": req.get("SecretString"),
                              "SecretBinary": req.get("SecretBinary"),
                              "stages": ["AWSCURRENT"], "created": utcnow(self.world)}
        for k in [k for k, v in s["versions"].items() if not v["stages"]]:
            del s["versions"][k]
        s["LastChangedDate"] = utcnow(self.world)
        return vid

    def _same_version(self, s, token, req):
        v = s["versions"].get(token)
        if v is None:
            return None
        if v["SecretString"] == req.get("SecretString") and v["SecretBinary"] == req.get("SecretBinary"):
            return True
        raise AwsError("ResourceExistsException", f"You can't modify an existing version "
                       f"({token}) of the secret; use a new ClientRequestToken.", 400)

    # -- operations ----------------------------------------------------------------------
    def CreateSecret(self, req, ctx):
        name = req["Name"]
        if not NAME_RX.fullmatch(name):
            raise AwsError("ValidationException", "Invalid name. Must be a valid name containing "
                           "alphanumeric characters, or any of the following: -/_+=.@!", 400)
        has_value = self._value_args(req)
        token = req.get("ClientRequestToken")
        existing = self._find(name, ctx.region)
        if existing is not None:
            if existing["DeletedDate"] is not None:
                raise AwsError("InvalidRequestException", "You can't create this secret because a secret "
                               "with this name is already scheduled for deletion.", 400)
            if token and self._same_version(existing, token, req):
                return {"ARN": existing["ARN"], "Name": name, "VersionId": token}
            raise AwsError("ResourceExistsException", f"The operation failed because the secret {name} "
                           "already exists.", 400)
        arn = self.world.arn("secretsmanager", ctx.region,
                             f"secret:{name}-" + rand_chars(self.world, 6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                             ctx.account)
        now = utcnow(self.world)
        s = {"ARN": arn, "Name": name, "region": ctx.region, "Description": req.get("Description"),
             "KmsKeyId": req.get("KmsKeyId"), "Tags": list(req.get("Tags") or []), "versions": {},
             "CreatedDate": now, "LastChangedDate": now, "LastAccessedDate": None,
             "DeletedDate": None, "purge_at": None}
        self.secrets[(ctx.region, name)] = s
        out = {"ARN": arn, "Name": name}
        if has_value:
            out["VersionId"] = self._add_version(s, req, token)
        return out

    def _describe(self, s):
        out = {k: s[k] for k in ("ARN", "Name", "Description", "KmsKeyId", "CreatedDate",
                                  "LastChangedDate", "LastAccessedDate", "DeletedDate")}
        out["Tags"] = s["Tags"] or None
        if s.get("OwningService"):
            out.update(OwningService=s["OwningService"], RotationEnabled=True,
                       RotationRules={"AutomaticallyAfterDays": 7})
        out["VersionIdsToStages"] = {k: list(v["stages"]) for k, v in s["versions"].items()} or None
        return out

    def DescribeSecret(self, req, ctx):
        return self._describe(self._get(ctx, req["SecretId"]))

    def ListSecrets(self, req, ctx):
        self._expire()
        items = [s for (r, _), s in sorted(self.secrets.items()) if r == ctx.region and
                 (s["DeletedDate"] is None or req.get("IncludePlannedDeletion"))]
        for f in req.get("Filters") or []:
            vals = f.get("Values") or []
            if f.get("Key") == "name":
                items = [s for s in items if any(s["Name"].startswith(v) for v in vals)]
            elif f.get("Key") == "tag-key":
                items = [s for s in items if any(v in tags_to_map(s["Tags"]) for v in vals)]
            elif f.get("Key") == "tag-value":
                items = [s for s in items if any(v in tags_to_map(s["Tags"]).values() for v in vals)]
        page, nxt = paginate(items, req.get("NextToken"), req.get("MaxResults"))
        if page is None:
            raise AwsError("InvalidNextTokenException", "The NextToken value is invalid.", 400)
        out = []
        for s in page:
            d = self._describe(s)
            d["SecretVersionsToStages"] = d.pop("VersionIdsToStages")    # its name in a list entry
            out.append(d)
        return {"SecretList": out, "NextToken": nxt}

    def GetSecretValue(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        self._not_deleted(s)
        vid, stage = req.get("VersionId"), req.get("VersionStage")
        if vid is None and stage is None:
            stage = "AWSCURRENT"
        found = None
        for k, v in s["versions"].items():
            if (vid is None or k == vid) and (stage is None or stage in v["stages"]):
                found = (k, v)
        if found is None:
            if not s["versions"]:
                raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified "
                               "secret value for staging label: AWSCURRENT", 400)
            raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified "
                           f"secret value for VersionId: {vid}" if vid else
                           f"Secrets Manager can't find the specified secret value for staging label: {stage}", 400)
        s["LastAccessedDate"] = utcnow(self.world).replace(hour=0, minute=0, second=0, microsecond=0)
        k, v = found
        return {"ARN": s["ARN"], "Name": s["Name"], "VersionId": k, "SecretString": v["SecretString"],
                "SecretBinary": v["SecretBinary"], "VersionStages": list(v["stages"]),
                "CreatedDate": v["created"]}

    def PutSecretValue(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        self._not_deleted(s)
        if not self._value_args(req):
            raise AwsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.", 400)
        token = req.get("ClientRequestToken")
        if token and self._same_version(s, token, req):
            v = s["versions"][token]
            return {"ARN": s["ARN"], "Name": s["Name"], "VersionId": token, "VersionStages": list(v["stages"])}
        vid = self._add_version(s, req, token)
        return {"ARN": s["ARN"], "Name": s["Name"], "VersionId": vid, "VersionStages": ["AWSCURRENT"]}

    def UpdateSecret(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        self._not_deleted(s)
        has_value = self._value_args(req)
        if req.get("Description") is not None:
            s["Description"] = req["Description"]
        if req.get("KmsKeyId") is not None:
            s["KmsKeyId"] = req["KmsKeyId"]
        s["LastChangedDate"] = utcnow(self.world)
        out = {"ARN": s["ARN"], "Name": s["Name"]}
        if has_value:
            token = req.get("ClientRequestToken")
            if token and self._same_version(s, token, req):
                out["VersionId"] = token
            else:
                out["VersionId"] = self._add_version(s, req, token)
        return out

    def DeleteSecret(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        force = req.get("ForceDeleteWithoutRecovery")
        window = req.get("RecoveryWindowInDays")
        if force and window is not None:
            raise AwsError("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in "
                           "conjunction with RecoveryWindowInDays.", 400)
        if window is not None and not 7 <= window <= 30:
            raise AwsError("InvalidParameterException", "The RecoveryWindowInDays value must be between "
                           "7 and 30 days (inclusive).", 400)
        if force:
            del self.secrets[(s["region"], s["Name"])]
            return {"ARN": s["ARN"], "Name": s["Name"], "DeletionDate": utcnow(self.world)}
        if s["DeletedDate"] is not None:
            raise AwsError("InvalidRequestException", "You can't perform this operation on the secret "
                           "because it was already scheduled for deletion.", 400)
        days = window or 30
        s["DeletedDate"] = utcnow(self.world)
        s["purge_at"] = self.world.clock.after(days * DAY)
        import datetime
        return {"ARN": s["ARN"], "Name": s["Name"],
                "DeletionDate": s["DeletedDate"] + datetime.timedelta(days=days)}

    def RestoreSecret(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        s["DeletedDate"] = None
        s["purge_at"] = None
        return {"ARN": s["ARN"], "Name": s["Name"]}

    def TagResource(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        self._not_deleted(s)
        m = tags_to_map(s["Tags"])
        m.update(tags_to_map(req["Tags"]))
        s["Tags"] = map_to_tags(m)
        return {}

    def UntagResource(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        self._not_deleted(s)
        drop = set(req["TagKeys"])
        s["Tags"] = [t for t in s["Tags"] if t["Key"] not in drop]
        return {}

    def ListSecretVersionIds(self, req, ctx):
        s = self._get(ctx, req["SecretId"])
        return {"ARN": s["ARN"], "Name": s["Name"],
                "Versions": [{"VersionId": k, "VersionStages": list(v["stages"]), "CreatedDate": v["created"]}
                             for k, v in s["versions"].items()]}

    def GetRandomPassword(self, req, ctx):
        length = req.get("PasswordLength", 32)
        if not 1 <= length <= 4096:
            raise AwsError("InvalidParameterException", "PasswordLength must be between 1 and 4096.", 400)
        exclude = set(req.get("ExcludeCharacters") or "")
        groups = []
        if not req.get("ExcludeLowercase"):
            groups.append("abcdefghijklmnopqrstuvwxyz")
        if not req.get("ExcludeUppercase"):
            groups.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        if not req.get("ExcludeNumbers"):
            groups.append("0123456789")
        if not req.get("ExcludePunctuation"):
            groups.append(PUNCT)
        if req.get("IncludeSpace"):
            groups.append(" ")
        groups = ["".join(c for c in g if c not in exclude) for g in groups]
        groups = [g for g in groups if g]
        if not groups:
            raise AwsError("InvalidParameterException", "The password can't be generated: every "
                           "character type is excluded.", 400)
        require = req.get("RequireEachIncludedType", True)
        if require and length < len(groups):
            raise AwsError("InvalidParameterException", "The password length is too short to include "
                           "every required character type.", 400)
        rnd = self.world.random
        alphabet = "".join(groups)
        chars = [rnd.choice(g) for g in groups] if require else []
        chars += [rnd.choice(alphabet) for _ in range(length - len(chars))]
        rnd.shuffle(chars)
        return {"RandomPassword": "".join(chars)}

    # -- cross-service -------------------------------------------------------------------
    def _lookup_any(self, arn_or_name):
        ref = arn_or_name
        if ref.startswith("arn:") and ref.count(":") > 6:
            ref = ":".join(ref.split(":")[:7])     # drop :json-key:version-stage:version-id
        return self._find(ref)

    def create_service_secret(self, region, account, name, value, description, kms_key_id,
                              tags, owner):
        """A secret another service owns (RDS's managed master password): OwningService
        set, rotation on. Returns its ARN."""
        arn = self.world.arn("secretsmanager", region, f"secret:{name}-" + rand_chars(
            self.world, 6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), account)
        now = utcnow(self.world)
        s = {"ARN": arn, "Name": name, "region": region, "Description": description,
             "KmsKeyId": kms_key_id, "Tags": map_to_tags(tags), "versions": {},
             "CreatedDate": now, "LastChangedDate": now, "LastAccessedDate": None,
             "DeletedDate": None, "purge_at": None, "OwningService": owner}
        self.secrets[(region, name)] = s
        self._add_version(s, {"SecretString": value}, None)
        return arn

    def put_service_secret_value(self, arn, value):
        s = self._find(arn)
        if s is not None:
            self._add_version(s, {"SecretString": value}, None)

    def delete_service_secret(self, arn):
        """The owning service deletes its secret: gone at once, no recovery window."""
        s = self._find(arn)
        if s is not None:
            del self.secrets[(s["region"], s["Name"])]

    def secret_exists(self, arn_or_name):
        return self._lookup_any(arn_or_name) is not None

    def secret_value_for_task(self, arn_or_name):
        s = self._lookup_any(arn_or_name)
        if s is None or s["DeletedDate"] is not None:
            return None
        for v in s["versions"].values():
            if "AWSCURRENT" in v["stages"]:
                return v["SecretString"] if v["SecretString"] is not None else (v["SecretBinary"] or b"").decode("latin-1")
        return None


SERVICE = SecretsManager
