"""IAM: roles, trust and inline policies, managed policy attachment, customer managed
policies, service-linked roles, tags, OpenID Connect providers (_iam_oidc.py);
DeleteConflict and eventual consistency."""

import json
from urllib.parse import quote

from ..authz import policy as iam_policy
from ..core import AwsError, Service
from ..util import action_matches, as_list, must_get, paginate, policy_statements, rand_chars, tags_to_map, utcnow
from ._iam_oidc import OidcProviders, tag_entity, untag_entity
from .iam_policies import MANAGED, MANAGED_BY_ARN, SERVICE_LINKED, managed_arn

ASSUME_DELAY = 8.0          # AWS seconds during which a new role is not yet assumable
MAX_MANAGED_PER_ROLE = 10
MAX_INLINE_CHARS = 10240    # all of a role's inline policies, white space not counted
MAX_MANAGED_CHARS = 6144    # one managed policy version, white space not counted
MAX_POLICY_VERSIONS = 5


def _no_role(name):
    return AwsError("NoSuchEntity", f"The role with name {name} cannot be found.", 404)


def _encode_doc(doc):
    return quote(doc, safe="")


def _size(doc):
    """A policy's size as IAM counts it: its characters without white space."""
    return sum(1 for ch in doc if not ch.isspace())


CONDITION_OPERATORS = {
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
    "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
    "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"}


def _malformed(msg):
    return AwsError("MalformedPolicyDocument", msg, 400)


def _check_condition(cond):
    """A Condition block as IAM reads it: operator -> {key: value or list of values}, the
    operator known (optionally ...IfExists, ForAllValues:/ForAnyValue:), keys SERVICE:NAME."""
    if not isinstance(cond, dict) or not cond:
        raise _malformed("Syntax errors in policy.")
    for op, keys in cond.items():
        base = op.split(":", 1)[1] if op.startswith(("ForAllValues:", "ForAnyValue:")) else op
        if base.endswith("IfExists") and base != "NullIfExists":
            base = base[:-len("IfExists")]
        if base not in CONDITION_OPERATORS:
            raise _malformed(f"Invalid Condition type : {op}")
        if not isinstance(keys, dict) or not keys:
            raise _malformed("Syntax errors in policy.")
        for key, value in keys.items():
            # a tag key after "/" may hold colons itself (aws:ResourceTag/ecsdeploy:stack)
            if key.split("/", 1)[0].count(":") > 1:
                raise _malformed("Actions/Condition can contain only one colon.")
            if ":" not in key or key.startswith(":") or key.endswith(":"):
                raise _malformed("Syntax errors in policy.")
            values = value if isinstance(value, list) else [value]
            if not values or any(isinstance(v, (dict, list)) or v is None for v in values):
                raise _malformed("Syntax errors in policy.")


class Iam(OidcProviders, Service):
    name = "iam"

    def reset(self):
        self.roles = {}             # name -> record
        self.policies = {}          # arn -> customer managed policy
        self.reset_oidc()

    def resources(self):
        return {"roles": [{"id": r["Arn"], "name": n, "attached": list(r["attached"]),
                           "inline": sorted(r["inline"]), "tags": tags_to_map(r["Tags"])}
                          for n, r in self.roles.items()],
                "policies": [{"id": a, "name": p["PolicyName"], "attachments": self._attach_count(a)}
                             for a, p in self.policies.items()],
                "oidc_providers": self.oidc_resources()}

    # -- helpers -------------------------------------------------------------------------
    def _role(self, name):
        return must_get(self.roles, name, lambda: _no_role(name))

    def _check_doc(self, doc, trust):
        try:
            d = json.loads(doc)
        except ValueError:
            raise AwsError("MalformedPolicyDocument", "This policy contains invalid Json", 400)
        if not isinstance(d, dict) or "Statement" not in d:
            raise AwsError("MalformedPolicyDocument", "Syntax errors in policy.", 400)
        if d.get("Version") not in (None, "2012-10-17", "2008-10-17"):
            raise AwsError("MalformedPolicyDocument", "The policy failed legacy parsing", 400)
        for st in policy_statements(d):
            if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
                raise AwsError("MalformedPolicyDocument", "Syntax errors in policy.", 400)
            if "Action" not in st and "NotAction" not in st:
                raise AwsError("MalformedPolicyDocument", "Policy statement must contain actions.", 400)
            if "Condition" in st:
                _check_condition(st["Condition"])
            if trust:
                if "Principal" not in st and "NotPrincipal" not in st:
                    raise AwsError("MalformedPolicyDocument", "AssumeRolepolicy contained an invalid principal: "
                                   "a statement has no Principal.", 400)
                for a in as_list(st.get("Action")):
                    if not (a.lower().startswith("sts:") or a == "*"):
                        raise AwsError("MalformedPolicyDocument", "AssumeRole policy may only specify STS "
                                       "AssumeRole actions.", 400)
            else:
                if "Principal" in st or "NotPrincipal" in st:
                    raise AwsError("MalformedPolicyDocument", "Policy document should not specify a principal.", 400)
                if "Resource" not in st and "NotResource" not in st:
                    raise AwsError("MalformedPolicyDocument", "Policy statement must contain resources.", 400)
        return doc

    def _out_role(self, r):
        out = {k: r[k] for k in ("Path", "RoleName", "RoleId", "Arn", "CreateDate", "Description",
                                  "MaxSessionDuration")}
        out["AssumeRolePolicyDocument"] = _encode_doc(r["AssumeRolePolicyDocument"])
        out["Tags"] = r["Tags"] or None
        out["RoleLastUsed"] = {}
        if r.get("PermissionsBoundary"):
            out["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                          "PermissionsBoundaryArn": r["PermissionsBoundary"]}
        return out

    def _new_role(self, ctx, name, path, trust, desc, max_dur, tags, boundary=None, linked=False):
        if name.lower() in {n.lower() for n in self.roles}:       # IAM names ignore case
            raise AwsError("EntityAlreadyExists", f"Role with name {name} already exists.", 409)
        if len(tags or []) > 50:
            raise AwsError("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", 409)
        r = {"Path": path, "RoleName": name, "RoleId": "AROA" + rand_chars(self.world, 17),
             "Arn": f"arn:aws:iam::{ctx.account}:role{path}{name}", "CreateDate": utcnow(self.world),
             "AssumeRolePolicyDocument": trust, "Description": desc, "MaxSessionDuration": max_dur or 3600,
             "Tags": list(tags or []), "attached": [], "inline": {}, "PermissionsBoundary": boundary,
             "linked": linked, "assumable_at": self.world.clock.after(ASSUME_DELAY)}
        self.roles[name] = r
        return r

    def _policy_doc(self, arn):
        if arn in MANAGED_BY_ARN:
            return MANAGED[MANAGED_BY_ARN[arn]][1]
        p = self.policies.get(arn)
        return json.loads(p["versions"][p["DefaultVersionId"]]["Document"]) if p else None

    def _attach_count(self, arn):
        return sum(1 for r in self.roles.values() if arn in r["attached"])

    # -- roles ---------------------------------------------------------------------------
    def CreateRole(self, req, ctx):
        path = req.get("Path") or "/"
        trust = self._check_doc(req["AssumeRolePolicyDocument"], True)
        self.check_federated(trust, ctx.account)
        dur = req.get("MaxSessionDuration")
        if dur is not None and not 3600 <= dur <= 43200:
            raise AwsError("ValidationError", "1 validation error detected: Value '%d' at 'maxSessionDuration' "
                           "failed to satisfy constraint: Member must have value between 3600 and 43200" % dur, 400)
        r = self._new_role(ctx, req["RoleName"], path, trust, req.get("Description"), dur, req.get("Tags"),
                           req.get("PermissionsBoundary"))
        return {"Role": self._out_role(r)}

    def GetRole(self, req, ctx):
        return {"Role": self._out_role(self._role(req["RoleName"]))}

    def ListRoles(self, req, ctx):
        prefix = req.get("PathPrefix") or "/"
        roles = [self._out_role(r) for _, r in sorted(self.roles.items()) if r["Path"].startswith(prefix)]
        for r in roles:
            r.pop("Tags", None)
        return self._page(roles, req, "Roles")

    def _page(self, items, req, key):
        page, nxt = paginate(items, req.get("Marker"), req.get("MaxItems"))
        if page is None:
            raise AwsError("ValidationError", "Invalid Marker.", 400)
        return {key: page, "IsTruncated": nxt is not None, "Marker": nxt}

    def UpdateRole(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        if req.get("Description") is not None:
            r["Description"] = req["Description"]
        if req.get("MaxSessionDuration") is not None:
            r["MaxSessionDuration"] = req["MaxSessionDuration"]
        return {}

    def UpdateRoleDescription(self, req, ctx):
        r = self._role(req["RoleName"])
        r["Description"] = req["Description"]
        return {"Role": self._out_role(r)}

    def UpdateAssumeRolePolicy(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        doc = self._check_doc(req["PolicyDocument"], True)
        self.check_federated(doc, ctx.account)
        r["AssumeRolePolicyDocument"] = doc
        return {}

    def _modifiable(self, r):
        if r["linked"]:
            raise AwsError("UnmodifiableEntity", f"Cannot perform the operation on the protected role "
                           f"'{r['RoleName']}' - this role is only modifiable by AWS", 400)

    def DeleteRole(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        if r["attached"]:
            raise AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
        if r["inline"]:
            raise AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
        del self.roles[r["RoleName"]]
        return {}

    def CreateServiceLinkedRole(self, req, ctx):
        svc = req["AWSServiceName"]
        if svc not in SERVICE_LINKED:
            raise AwsError("InvalidInput", f"Unknown service name or the service does not support "
                           f"service-linked roles: {svc}", 400)
        name, path, policy = SERVICE_LINKED[svc]
        if req.get("CustomSuffix"):
            name += "_" + req["CustomSuffix"]
        if name in self.roles:
            raise AwsError("InvalidInput", f"Service role name {name} has been taken in this account, "
                           "please try a different suffix.", 400)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                     "Principal": {"Service": svc}}]})
        r = self._new_role(ctx, name, path, trust, req.get("Description"), 3600, [], linked=True)
        r["attached"].append(managed_arn(policy))
        return {"Role": self._out_role(r)}

    def DeleteServiceLinkedRole(self, req, ctx):
        r = self._role(req["RoleName"])
        if not r["linked"]:
            raise AwsError("InvalidInput", f"Role {r['RoleName']} is not a service-linked role.", 400)
        del self.roles[r["RoleName"]]
        task = self.world.new_uuid()
        return {"DeletionTaskId": f"task/aws-service-role/{task}"}

    # -- inline policies -----------------------------------------------------------------
    def PutRolePolicy(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        doc = self._check_doc(req["PolicyDocument"], False)
        total = _size(doc) + sum(_size(d) for n, d in r["inline"].items() if n != req["PolicyName"])
        if total > MAX_INLINE_CHARS:
            raise AwsError("LimitExceeded", f"Maximum policy size of {MAX_INLINE_CHARS} bytes exceeded for role "
                                            f"{r['RoleName']}", 409)
        r["inline"][req["PolicyName"]] = doc
        return {}

    def GetRolePolicy(self, req, ctx):
        r = self._role(req["RoleName"])
        doc = r["inline"].get(req["PolicyName"])
        if doc is None:
            raise AwsError("NoSuchEntity", f"The role policy with name {req['PolicyName']} cannot be found.", 404)
        return {"RoleName": r["RoleName"], "PolicyName": req["PolicyName"], "PolicyDocument": _encode_doc(doc)}

    def DeleteRolePolicy(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        if req["PolicyName"] not in r["inline"]:
            raise AwsError("NoSuchEntity", f"The role policy with name {req['PolicyName']} cannot be found.", 404)
        del r["inline"][req["PolicyName"]]
        return {}

    def ListRolePolicies(self, req, ctx):
        r = self._role(req["RoleName"])
        return self._page(sorted(r["inline"]), req, "PolicyNames")

    # -- managed policies ----------------------------------------------------------------
    def _policy_exists(self, arn):
        if not arn.startswith("arn:aws:iam::") or ":policy/" not in arn:
            raise AwsError("InvalidInput", f"ARN {arn} is not valid.", 400)
        if arn not in MANAGED_BY_ARN and arn not in self.policies:
            raise AwsError("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)

    def AttachRolePolicy(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        arn = req["PolicyArn"]
        self._policy_exists(arn)
        if arn not in r["attached"]:
            if len(r["attached"]) >= MAX_MANAGED_PER_ROLE:
                raise AwsError("LimitExceeded", f"Cannot exceed quota for PoliciesPerRole: {MAX_MANAGED_PER_ROLE}", 409)
            r["attached"].append(arn)
        return {}

    def DetachRolePolicy(self, req, ctx):
        r = self._role(req["RoleName"])
        self._modifiable(r)
        arn = req["PolicyArn"]
        if arn not in r["attached"]:
            raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
        r["attached"].remove(arn)
        return {}

    def ListAttachedRolePolicies(self, req, ctx):
        r = self._role(req["RoleName"])
        items = [{"PolicyName": a.rpartition("/")[2], "PolicyArn": a} for a in r["attached"]]
        return self._page(items, req, "AttachedPolicies")

    @staticmethod
    def _managed_size(doc):
        if _size(doc) > MAX_MANAGED_CHARS:
            raise AwsError("LimitExceeded", f"Cannot exceed quota for PolicySize: {MAX_MANAGED_CHARS}", 409)
        return doc

    def CreatePolicy(self, req, ctx):
        path = req.get("Path") or "/"
        arn = f"arn:aws:iam::{ctx.account}:policy{path}{req['PolicyName']}"
        # a name is the account's, whatever the path (and its case)
        if req["PolicyName"].lower() in {p["PolicyName"].lower() for p in self.policies.values()}:
            raise AwsError("EntityAlreadyExists", f"A policy called {req['PolicyName']} already exists. "
                           "Duplicate names are not allowed.", 409)
        doc = self._managed_size(self._check_doc(req["PolicyDocument"], False))
        now = utcnow(self.world)
        p = {"PolicyName": req["PolicyName"], "PolicyId": "ANPA" + rand_chars(self.world, 17), "Arn": arn,
             "account": ctx.account,
             "Path": path, "DefaultVersionId": "v1", "Description": req.get("Description"),
             "CreateDate": now, "UpdateDate": now, "Tags": list(req.get("Tags") or []),
             "versions": {"v1": {"Document": doc, "CreateDate": now}}, "next_version": 2}
        self.policies[arn] = p
        return {"Policy": self._out_policy(p)}

    def _out_policy(self, p):
        out = {k: p[k] for k in ("PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "Description",
                                  "CreateDate", "UpdateDate")}
        if out["Description"] is None:
            del out["Description"]
        out["AttachmentCount"] = self._attach_count(p["Arn"])
        out["PermissionsBoundaryUsageCount"] = 0
        out["IsAttachable"] = True
        out["Tags"] = p["Tags"] or None
        return out

    def GetPolicy(self, req, ctx):
        arn = req["PolicyArn"]
        self._policy_exists(arn)
        if arn in MANAGED_BY_ARN:
            name = MANAGED_BY_ARN[arn]
            return {"Policy": {"PolicyName": name, "PolicyId": "ANPA" + name.upper()[:17].ljust(17, "X"),
                               "Arn": arn, "Path": MANAGED[name][0], "DefaultVersionId": "v1",
                               "AttachmentCount": self._attach_count(arn), "IsAttachable": True}}
        return {"Policy": self._out_policy(self.policies[arn])}

    def GetPolicyVersion(self, req, ctx):
        arn = req["PolicyArn"]
        self._policy_exists(arn)
        if arn in MANAGED_BY_ARN:
            if req["VersionId"] != "v1":
                raise AwsError("NoSuchEntity", f"Policy {arn} version {req['VersionId']} does not exist.", 404)
            doc = json.dumps(MANAGED[MANAGED_BY_ARN[arn]][1])
            return {"PolicyVersion": {"Document": _encode_doc(doc), "VersionId": "v1", "IsDefaultVersion": True}}
        p = self.policies[arn]
        v = p["versions"].get(req["VersionId"])
        if v is None:
            raise AwsError("NoSuchEntity", f"Policy {arn} version {req['VersionId']} does not exist.", 404)
        return {"PolicyVersion": {"Document": _encode_doc(v["Document"]), "VersionId": req["VersionId"],
                                  "IsDefaultVersion": req["VersionId"] == p["DefaultVersionId"],
                                  "CreateDate": v["CreateDate"]}}

    def CreatePolicyVersion(self, req, ctx):
        arn = req["PolicyArn"]
        p = self.policies.get(arn)
        if p is None:
            raise AwsError("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)
        if len(p["versions"]) >= MAX_POLICY_VERSIONS:
            raise AwsError("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a "
                           "new version, you must delete an existing version.", 409)
        vid = f"v{p['next_version']}"
        p["next_version"] += 1
        p["versions"][vid] = {"Document": self._managed_size(self._check_doc(req["PolicyDocument"], False)),
                              "CreateDate": utcnow(self.world)}
        if req.get("SetAsDefault"):
            p["DefaultVersionId"] = vid
        return {"PolicyVersion": {"VersionId": vid, "IsDefaultVersion": p["DefaultVersionId"] == vid,
                                  "CreateDate": p["versions"][vid]["CreateDate"]}}

    def DeletePolicyVersion(self, req, ctx):
        p = self.policies.get(req["PolicyArn"])
        if p is None or req["VersionId"] not in p["versions"]:
            raise AwsError("NoSuchEntity", "Policy version not found.", 404)
        if req["VersionId"] == p["DefaultVersionId"]:
            raise AwsError("DeleteConflict", "Cannot delete the default version of a policy.", 409)
        del p["versions"][req["VersionId"]]
        return {}

    def ListPolicyVersions(self, req, ctx):
        p = self.policies.get(req["PolicyArn"])
        if p is None:
            self._policy_exists(req["PolicyArn"])
            raise AwsError("NoSuchEntity", f"Policy {req['PolicyArn']} does not exist or is not attachable.", 404)
        # newest first, as IAM lists them
        items = [{"VersionId": vid, "IsDefaultVersion": vid == p["DefaultVersionId"], "CreateDate": v["CreateDate"]}
                 for vid, v in sorted(p["versions"].items(), key=lambda kv: -int(kv[0][1:]))]
        return self._page(items, req, "Versions")

    def DeletePolicy(self, req, ctx):
        arn = req["PolicyArn"]
        if arn in MANAGED_BY_ARN:
            raise AwsError("AccessDenied", "AWS managed policies cannot be deleted.", 403)
        p = self.policies.get(arn)
        if p is None:
            raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
        if self._attach_count(arn):
            raise AwsError("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
        if len(p["versions"]) > 1:
            raise AwsError("DeleteConflict", "This policy has more than one version. Before you delete a "
                           "policy, you must delete the policy's versions. The default version is deleted "
                           "with the policy.", 409)
        del self.policies[arn]
        return {}

    def ListPolicies(self, req, ctx):
        scope = req.get("Scope") or "All"
        items = []
        if scope in ("All", "AWS"):
            items += [{"PolicyName": n, "Arn": managed_arn(n), "Path": MANAGED[n][0], "DefaultVersionId": "v1",
                       "AttachmentCount": self._attach_count(managed_arn(n)), "IsAttachable": True}
                      for n in sorted(MANAGED)]
        if scope in ("All", "Local"):
            items += [self._out_policy(p) for _, p in sorted(self.policies.items())
                      if p["account"] == ctx.account]
        prefix = req.get("PathPrefix") or "/"
        items = [i for i in items if i["Path"].startswith(prefix)]
        if req.get("OnlyAttached"):
            items = [i for i in items if i["AttachmentCount"]]
        return self._page(items, req, "Policies")

    # -- tags ----------------------------------------------------------------------------
    def TagRole(self, req, ctx):
        return tag_entity(self._role(req["RoleName"]), req["Tags"], "Role")

    def UntagRole(self, req, ctx):
        return untag_entity(self._role(req["RoleName"]), req["TagKeys"])

    def ListRoleTags(self, req, ctx):
        r = self._role(req["RoleName"])
        return self._page(list(r["Tags"]), req, "Tags")

    # -- cross-service -------------------------------------------------------------------
    def role_by_arn(self, arn):
        name = arn.rpartition("/")[2] if arn else None
        r = self.roles.get(name)
        if r is None or r["Arn"] != arn:
            return None
        out = dict(r)
        out["AttachedPolicies"] = list(r["attached"])
        out["InlinePolicies"] = dict(r["inline"])
        return out

    def role_assumable(self, arn):
        r = self.role_by_arn(arn)
        return r is not None and self.world.clock.reached(r["assumable_at"])

    def trusts(self, role, kind, principals):
        """Whether the role's trust policy allows sts:AssumeRole for a principal of `kind`
        ("Service", "AWS", "Federated") among `principals`."""
        for st in policy_statements(role["AssumeRolePolicyDocument"]):
            if st.get("Effect") != "Allow":
                continue
            if not any(action_matches(a, "sts:AssumeRole") or action_matches(a, "sts:AssumeRoleWithWebIdentity")
                       for a in as_list(st.get("Action"))):
                continue
            pr = st.get("Principal")
            if pr == "*":
                return True
            if isinstance(pr, dict):
                vals = as_list(pr.get(kind))
                if "*" in vals or any(p in vals for p in principals):
                    return True
        return False

    def role_trusts_service(self, arn, service_principal):
        """True when the role exists and its trust policy lets `service_principal`
        (e.g. "ecs-tasks.amazonaws.com") assume it."""
        r = self.roles.get(arn.rpartition("/")[2]) if arn else None
        return r is not None and r["Arn"] == arn and self.trusts(r, "Service", [service_principal])

    def role_allows(self, arn, action, resource=None, context=None):
        """Whether the role's identity policies allow `action` (an explicit Deny wins).
        With `resource` (an ARN), judged as IAM does, by the one evaluation the fake has
        (authz/policy.py: Resource patterns, conditions on `context`, a dict of condition
        keys). Without it, as the callers that ask only about an action want: any
        resource, conditions not judged."""
        r = self.role_by_arn(arn)
        if r is None:
            return False
        docs = list(r["inline"].values()) + [self._policy_doc(a) for a in r["attached"]]
        if resource is not None:
            return iam_policy.decide(docs, action, resource, context or {}) == "allow"
        allowed = False
        for doc in docs:
            for st in policy_statements(doc):
                acts = as_list(st.get("Action"))
                if any(action_matches(a, action) for a in acts):
                    if st.get("Effect") == "Deny":
                        return False
                    allowed = True
        return allowed


SERVICE = Iam
