"""SSM for the fake, one service: Parameter Store (here) and Session Manager's port
forwarding sessions (StartSession, TerminateSession: _ssm/sessions.py, whose data channel
is fakeaws/portchannel.py).

Parameter Store: String, StringList and SecureString parameters with versions,
labels, tiers, tags; GetParameter(s) with selectors (name:3, name:label), paths,
DescribeParameters filters (in services/_ssm/query.py); and what ECS needs to put a
parameter in a container's environment.

What AWS refuses, as it refuses it: a name prefixed aws/ssm or with characters outside
a-zA-Z0-9_.-/ or more than 15 levels; PutParameter of an existing name without
Overwrite (ParameterAlreadyExists), Tags together with Overwrite, a new parameter
without Type, a type change (HierarchyTypeMismatchException), a KeyId on a non-secure
type, a KMS key that is missing or disabled (InvalidKeyId), values over 4 KB (Standard)
or 8 KB (Advanced), a downgrade from Advanced to Standard, a 101st version while the
oldest has a label (ParameterMaxVersionLimitExceeded; otherwise the oldest is dropped).
SecureString values are sealed with the fake's KMS (default key alias/aws/ssm, made on
first use); without WithDecryption they come back as that ciphertext, and they never
appear in /_fake/resources or in an error message."""

import base64
import re

from ..core import AwsError, Service
from ..util import untag, utcnow
from ._ssm.query import QueryMixin
from ._ssm.sessions import Sessions

MAX_VERSIONS = 100
MAX_LABELS = 10
MAX_TAGS = 50
MAX_LEVELS = 15
MAX_NAME = 1011
MAX_STANDARD_PARAMETERS = 10000
LIMIT = {"Standard": 4096, "Advanced": 8192}
NAME_RX = re.compile(r"^[A-Za-z0-9_.\-/]+$")
LABEL_RX = re.compile(r"^[A-Za-z0-9_.\-]+$")
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
POLICY_TYPES = ("Expiration", "ExpirationNotification", "NoChangeNotification")
BAD_NAME = ("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed "
            "as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be "
            "formed as a mix of letters, numbers and the following 3 symbols .-_")


def not_found(message=""):
    return AwsError("ParameterNotFound", message)


def validation(message):
    return AwsError("ValidationException", message)


def check_name(name):
    if len(name) > MAX_NAME:
        raise validation(f"Parameter name exceeds the maximum length of {MAX_NAME} characters.")
    if "/" in name and not name.startswith("/"):
        raise validation("Parameter name must be a fully qualified name.")
    first = name.lstrip("/").split("/")[0].lower()
    if not NAME_RX.match(name) or "//" in name or name.endswith("/") and name != "/" \
            or first.startswith(("aws", "ssm")):
        raise validation(BAD_NAME)
    if name.count("/") > MAX_LEVELS:
        raise AwsError("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of "
                       f"{MAX_LEVELS} levels.")


class Ssm(QueryMixin, Sessions, Service):
    name = "ssm"

    def reset(self):
        self.params = {}            # (region, name) -> record
        self._reset_sessions()

    def resources(self):
        return {"parameters": [dict({"name": p["name"], "region": p["region"], "type": p["type"],
                                     "version": p["version"], "tier": p["tier"], "key_id": p["key_id"],
                                     "tags": dict(p["tags"])},
                                    **({} if p["type"] == "SecureString" else {"value": self._cur(p)["value"][:256]}))
                               for p in sorted(self.params.values(), key=lambda p: p["name"])],
                "sessions": self.sessions_resources()}

    # -- lookups ---------------------------------------------------------------------------
    @staticmethod
    def _cur(p):
        return p["versions"][p["version"]]

    def _arn(self, p):
        return self.world.arn("ssm", p["region"], "parameter" + ("" if p["name"].startswith("/") else "/")
                              + p["name"], p["account"])

    def _find(self, ctx, ref):
        """(record or None, selector or None) for a name or ARN with an optional
        :version or :label selector."""
        name = ref
        if ref.startswith("arn:"):
            parts = ref.split(":", 5)
            if len(parts) < 6 or parts[2] != "ssm" or not parts[5].startswith("parameter/"):
                raise validation(BAD_NAME)
            if parts[3] != ctx.region:
                return None, None
            name = parts[5][len("parameter"):]
        name, _, selector = name.partition(":")
        p = self.params.get((ctx.region, name))
        if p is None and ref.startswith("arn:") and name.count("/") == 1:
            p = self.params.get((ctx.region, name[1:]))     # ...:parameter/plain
        return p, selector or None

    def _version(self, p, selector):
        """The version record a selector names (none: the current one)."""
        if selector is None:
            return p["version"], self._cur(p)
        if selector.isdigit():
            v = p["versions"].get(int(selector))
            if v is None:
                raise AwsError("ParameterVersionNotFound", f"Systems Manager could not find version "
                               f"{selector} of {p['name']}. Verify the version and try again.")
            return int(selector), v
        for n, v in p["versions"].items():
            if selector in v["labels"]:
                return n, v
        raise AwsError("ParameterVersionNotFound", f"Systems Manager could not find label {selector} "
                       f"of {p['name']}. Verify the label and try again.")

    # -- values --------------------------------------------------------------------------
    def _key(self, ctx, key_ref):
        """The KMS key record for a SecureString (InvalidKeyId when unusable)."""
        kms = self.world.services.get("kms")
        if kms is None:
            return None
        try:
            return kms.usable_key(ctx.region, ctx.account, key_ref)
        except AwsError as e:
            raise AwsError("InvalidKeyId", e.message if e.code != "NotFoundException"
                           else f"Invalid KeyId: {key_ref}")

    def _shown(self, ctx, p, v, decrypt):
        """A version's value as GetParameter answers it."""
        if p["type"] != "SecureString":
            return v["value"]
        if not decrypt:
            return v["sealed"]
        self._key(ctx, v["key_id"])         # a key disabled since: InvalidKeyId
        return v["value"]

    def _out(self, ctx, p, n, v, decrypt, selector=None):
        out = {"Name": p["name"], "Type": v["type"], "Value": self._shown(ctx, p, v, decrypt),
               "Version": n, "LastModifiedDate": v["modified"], "ARN": self._arn(p),
               "DataType": v["data_type"]}
        if selector:
            out["Selector"] = ":" + selector
        return out

    # -- PutParameter ----------------------------------------------------------------------
    def PutParameter(self, req, ctx):
        name, value = req["Name"], req["Value"]
        check_name(name)
        p = self.params.get((ctx.region, name))
        overwrite = bool(req.get("Overwrite"))
        if req.get("Tags") and overwrite:
            raise validation("Invalid request: tags and overwrite can't be used together. To create a "
                             "parameter with tags, please remove overwrite flag. To update tags for an "
                             "existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
        if p is not None and not overwrite:
            raise AwsError("ParameterAlreadyExists", "The parameter already exists. To overwrite this "
                           "value, set the overwrite option in the request to true.")
        ptype = req.get("Type") or (p["type"] if p else None)
        if ptype is None:
            raise validation("A parameter type is required when you create a parameter.")
        if p is not None and ptype != p["type"]:
            raise AwsError("HierarchyTypeMismatchException", f"The parameter type ({ptype}) does not "
                           f"match the type of the existing parameter ({p['type']}). Parameter Store "
                           "does not support changing a parameter type; create a new, unique parameter.")
        if req.get("KeyId") and ptype != "SecureString":
            raise validation("KeyId is only supported for SecureString parameters.")
        if not value:
            raise validation("1 validation error detected: Value at 'value' failed to satisfy "
                             "constraint: Member must have length greater than or equal to 1")
        tier = self._tier(req, p, value)
        prev = self._cur(p) if p else {}
        data_type = req.get("DataType") or prev.get("data_type") or "text"
        if data_type not in DATA_TYPES:
            raise validation(f"The following data type is not supported: {data_type} (Data type names "
                             "are all lowercase.)")
        if data_type == "aws:ec2:image" and not re.match(r"^ami-[0-9a-f]{8,17}$", value):
            raise validation("The value of an aws:ec2:image parameter must be an AMI id (ami-...).")
        pattern = req.get("AllowedPattern") if req.get("AllowedPattern") is not None else prev.get("pattern")
        if pattern:
            try:
                ok = re.fullmatch(pattern, value) is not None
            except re.error:
                raise AwsError("InvalidAllowedPatternException", "The allowed pattern is not a valid "
                               "regular expression.")
            if not ok:      # never the value: it may be secret
                raise AwsError("ParameterPatternMismatchException", "Parameter value, cannot be "
                               f"validated against allowedPattern: {pattern}")
        policies = self._policies(req.get("Policies"), tier) if req.get("Policies") else prev.get("policies", [])
        key_id = sealed = None
        if ptype == "SecureString":
            key_id = req.get("KeyId") or prev.get("key_id") or "alias/aws/ssm"
            k = self._key(ctx, key_id)
            sealed = base64.b64encode(self.world.svc("kms").seal(k, value.encode(), {
                "PARAMETER_ARN": self._arn({"name": name, "region": ctx.region, "account": ctx.account})})
            ).decode() if k is not None else "AQICAH" + base64.b64encode(value.encode()[::-1]).decode()
        if p is None:
            if sum(1 for q in self.params.values() if q["region"] == ctx.region) >= MAX_STANDARD_PARAMETERS \
                    and tier == "Standard":
                raise AwsError("ParameterLimitExceeded", "You have exceeded the number of parameters "
                               "for this AWS account. Delete unused parameters and try again.")
            p = {"name": name, "region": ctx.region, "account": ctx.account, "type": ptype,
                 "versions": {}, "version": 0, "tags": _tags_in(req.get("Tags")), "tier": tier,
                 "key_id": None}
            self.params[(ctx.region, name)] = p
        self._drop_oldest(p)
        p["version"] += 1
        p["tier"], p["key_id"] = tier, key_id
        p["versions"][p["version"]] = {
            "value": value, "sealed": sealed, "type": ptype, "key_id": key_id, "labels": [],
            "modified": utcnow(self.world), "user": getattr(ctx, "caller_arn", None)
            or f"arn:aws:iam::{ctx.account}:root",
            "description": req.get("Description") if req.get("Description") is not None
            else prev.get("description"), "pattern": pattern, "tier": tier, "policies": policies,
            "data_type": data_type}
        return {"Version": p["version"], "Tier": tier}

    def _tier(self, req, p, value):
        size = len(value.encode())
        want = req.get("Tier")
        if want == "Intelligent-Tiering":
            want = "Advanced" if size > LIMIT["Standard"] or req.get("Policies") else None
        if p is not None and p["tier"] == "Advanced":
            if want == "Standard":
                raise validation("This parameter uses the advanced-parameter tier. You can't downgrade "
                                 "a parameter from the advanced-parameter tier to the standard-parameter "
                                 "tier. If necessary, you can delete the advanced parameter and recreate "
                                 "it as a standard parameter.")
            want = "Advanced"
        tier = want or (p["tier"] if p else "Standard")
        if size > LIMIT[tier]:
            if tier == "Standard":
                raise validation("Standard tier parameters support a maximum parameter value of 4096 "
                                 "characters. To create a larger parameter value, upgrade the parameter "
                                 "to use the advanced-parameter tier. For more information, see "
                                 "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                                 "parameter-store-advanced-parameters.html")
            raise validation("1 validation error detected: Value at 'value' failed to satisfy "
                             "constraint: Member must have length less than or equal to 8192")
        return tier

    def _policies(self, text, tier):
        import json
        if tier != "Advanced":
            raise AwsError("IncompatiblePolicyException", "Parameter policies are supported only for "
                           "advanced-tier parameters.")
        try:
            doc = json.loads(text)
        except ValueError:
            raise AwsError("InvalidPolicyAttributeException", "The parameter policies are not valid JSON.")
        out = []
        for pol in doc if isinstance(doc, list) else [doc]:
            if not isinstance(pol, dict) or pol.get("Type") not in POLICY_TYPES:
                raise AwsError("InvalidPolicyTypeException", "A parameter policy Type must be one of "
                               + ", ".join(POLICY_TYPES) + ".")
            out.append({"PolicyText": json.dumps(pol), "PolicyType": pol["Type"], "PolicyStatus": "Pending"})
        if len(out) > 10:
            raise AwsError("PoliciesLimitExceededException", "A parameter can have at most 10 policies.")
        return out

    def _drop_oldest(self, p):
        if len(p["versions"]) < MAX_VERSIONS:
            return
        oldest = min(p["versions"])
        if p["versions"][oldest]["labels"]:
            raise AwsError("ParameterMaxVersionLimitExceeded", f"You attempted to create a new version of "
                           f"{p['name']} by calling the PutParameter API with the overwrite flag. Version "
                           f"{oldest}, the oldest version, can't be deleted because it has a label "
                           "associated with it. Move the label to another version of the parameter, and "
                           "try again.")
        del p["versions"][oldest]

    # -- reads -----------------------------------------------------------------------------
    def GetParameter(self, req, ctx):
        p, sel = self._find(ctx, req["Name"])
        if p is None:
            raise not_found()
        n, v = self._version(p, sel)
        return {"Parameter": self._out(ctx, p, n, v, req.get("WithDecryption"), sel)}

    def GetParameters(self, req, ctx):
        found, invalid = [], []
        for ref in req["Names"]:
            p, sel = self._find(ctx, ref)
            try:
                n, v = self._version(p, sel) if p else (None, None)
            except AwsError:
                p = None
            if p is None:
                invalid.append(ref)
                continue
            found.append(self._out(ctx, p, n, v, req.get("WithDecryption"), sel))
        return {"Parameters": found, "InvalidParameters": invalid}

    def GetParameterHistory(self, req, ctx):
        p, _ = self._find(ctx, req["Name"])
        if p is None:
            raise not_found()
        items = []
        for n in sorted(p["versions"]):
            v = p["versions"][n]
            h = {"Name": p["name"], "Type": v["type"], "LastModifiedDate": v["modified"],
                 "LastModifiedUser": v["user"], "Value": self._shown(ctx, p, v, req.get("WithDecryption")),
                 "Version": n, "Labels": list(v["labels"]), "Tier": v["tier"],
                 "Policies": list(v["policies"]), "DataType": v["data_type"]}
            for k, f in (("KeyId", "key_id"), ("Description", "description"), ("AllowedPattern", "pattern")):
                if v[f] is not None:
                    h[k] = v[f]
            items.append(h)
        return self._paged(items, req, 50, "Parameters")

    # -- deletes -----------------------------------------------------------------------------
    def DeleteParameter(self, req, ctx):
        p, _ = self._find(ctx, req["Name"])
        if p is None or ":" in req["Name"] and not req["Name"].startswith("arn:"):
            raise not_found(f"Parameter {req['Name']} not found.")
        del self.params[(p["region"], p["name"])]
        return {}

    def DeleteParameters(self, req, ctx):
        deleted, invalid = [], []
        for name in req["Names"]:
            p = self.params.pop((ctx.region, name), None)
            (deleted if p else invalid).append(name)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    # -- labels ----------------------------------------------------------------------------
    def LabelParameterVersion(self, req, ctx):
        p, _ = self._find(ctx, req["Name"])
        if p is None:
            raise not_found()
        n = req.get("ParameterVersion") or p["version"]
        if n not in p["versions"]:
            raise AwsError("ParameterVersionNotFound", f"Systems Manager could not find version {n} of "
                           f"{p['name']}. Verify the version and try again.")
        good, bad = [], []
        for label in req["Labels"]:
            if (LABEL_RX.match(label) and not label[0].isdigit()
                    and not label.lower().startswith(("aws", "ssm"))):
                good.append(label)
            else:
                bad.append(label)
        target = p["versions"][n]["labels"]
        if len(set(target) | set(good)) > MAX_LABELS:
            raise AwsError("ParameterVersionLabelLimitExceeded", "A parameter version can have at most "
                           f"{MAX_LABELS} labels.")
        for label in good:
            for v in p["versions"].values():     # a label names one version at a time
                if label in v["labels"]:
                    v["labels"].remove(label)
            target.append(label)
        return {"InvalidLabels": bad, "ParameterVersion": n}

    # -- tags ---------------------------------------------------------------------------------
    def _tagged(self, req, ctx):
        if req["ResourceType"] != "Parameter":
            raise AwsError("InvalidResourceType", "")
        p, sel = self._find(ctx, req["ResourceId"])
        if p is None or sel:
            raise AwsError("InvalidResourceId", "")
        return p

    def AddTagsToResource(self, req, ctx):
        p = self._tagged(req, ctx)
        merged = dict(p["tags"])
        merged.update(_tags_in(req["Tags"]))
        if len(merged) > MAX_TAGS:
            raise AwsError("TooManyTagsError", "")
        p["tags"] = merged
        return {}

    def ListTagsForResource(self, req, ctx):
        return {"TagList": [{"Key": k, "Value": v} for k, v in self._tagged(req, ctx)["tags"].items()]}

    def RemoveTagsFromResource(self, req, ctx):
        p = self._tagged(req, ctx)
        untag(p["tags"], req["TagKeys"])
        return {}

    # -- for ECS -------------------------------------------------------------------------
    def parameter_for_task(self, region, account, value_from):
        """The parameter a container secret names (ARN or name, with an optional selector),
        decrypted as ECS does: {"arn", "value", "customer_key"} (customer_key: the KMS key
        ARN of a SecureString under a customer managed key, else None). Raises AwsError
        ParameterNotFound, or InvalidKeyId when its key cannot decrypt."""
        import types
        ctx = types.SimpleNamespace(region=region, account=account)
        p, sel = self._find(ctx, value_from)
        if p is None:
            raise not_found(value_from)
        _, v = self._version(p, sel)
        customer = None
        if v["type"] == "SecureString":
            k = self._key(ctx, v["key_id"])
            if k is not None and k.get("manager") != "AWS":
                customer = k["Arn"]
        return {"arn": self._arn(p), "value": v["value"], "customer_key": customer}


def _tags_in(tags):
    out = {}
    for t in tags or []:
        out[t["Key"]] = t["Value"]
    if len(out) > MAX_TAGS:
        raise AwsError("TooManyTagsError", "")
    return out


SERVICE = Ssm
