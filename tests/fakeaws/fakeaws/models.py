"""Service models: where they come from, and the per-service facts the server needs.

Models are read from the repository's ../shared/aws-models/<svc>/<version>/service-2.json
when that folder exists (or from $FAKEAWS_MODELS), else from Debian's botocore data with
the overlay files in fakeaws/overlay/<svc>.json merged in (newer ECS members)."""

import json
import os
import threading

from botocore.model import ServiceModel

HERE = os.path.dirname(os.path.abspath(__file__))          # tests/fakeaws/fakeaws
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SHARED_MODELS = os.path.normpath(os.path.join(REPO, "..", "shared", "aws-models"))
OVERLAY_DIR = os.path.join(HERE, "overlay")

# The services the fake answers (botocore names).
SERVICES = ["ec2", "ecs", "elbv2", "s3", "iam", "secretsmanager", "servicediscovery",
            "logs", "sts", "kms", "route53", "acm", "rds", "elasticache", "efs", "ssm",
            "application-autoscaling", "cloudfront"]

# Error code per protocol/service for model validation failures (see validate.py).
# json services: what each answers for a constraint violation, and for a body it cannot
# read as the model's types.
VALIDATION_CODES = {
    "ecs": "InvalidParameterException",
    "logs": "InvalidParameterException",
    "secretsmanager": "ValidationException",
    "kms": "ValidationException",
    "ssm": "ValidationException",
    "servicediscovery": "InvalidInput",
    "iam": "ValidationError",
    "sts": "ValidationError",
    "elbv2": "ValidationError",
    "ec2": "InvalidParameterValue",     # MissingParameter for a missing required member
    "s3": "InvalidArgument",
    "route53": "InvalidInput",
    "acm": "ValidationException",
    "rds": "InvalidParameterValue",
    "elasticache": "InvalidParameterValue",
    "cloudfront": "InvalidArgument",
}


def models_dir():
    env = os.environ.get("FAKEAWS_MODELS")
    if env:
        return env
    if os.path.isdir(SHARED_MODELS):
        return SHARED_MODELS
    return None


def _load_shared(root, name):
    sdir = os.path.join(root, name)
    if not os.path.isdir(sdir):
        return None
    versions = sorted(os.listdir(sdir))
    for v in reversed(versions):
        p = os.path.join(sdir, v, "service-2.json")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                return json.load(f)
    return None


def _merge_overlay(desc, overlay):
    """Add or replace operations and shapes; for structures listed under "mergeShapes",
    add members (and required names, enum values) to the existing shape."""
    for name, op in overlay.get("operations", {}).items():
        desc["operations"][name] = op
    for name, shape in overlay.get("shapes", {}).items():
        desc["shapes"][name] = shape
    for name, extra in overlay.get("mergeShapes", {}).items():
        shape = desc["shapes"].setdefault(name, {"type": extra.get("type", "structure")})
        if "members" in extra:
            shape.setdefault("members", {}).update(extra["members"])
        if "required" in extra:
            req = shape.setdefault("required", [])
            req.extend(r for r in extra["required"] if r not in req)
        if "enum" in extra:
            en = shape.setdefault("enum", [])
            en.extend(e for e in extra["enum"] if e not in en)
    return desc


def _load_botocore(name):
    from botocore.loaders import Loader
    desc = Loader().load_service_model(name, "service-2")
    ov = os.path.join(OVERLAY_DIR, name + ".json")
    if os.path.exists(ov):
        with open(ov, encoding="utf-8") as f:
            desc = _merge_overlay(desc, json.load(f))
    return desc


class ServiceInfo:
    """One service's model plus the facts routing needs."""

    def __init__(self, name, model):
        self.name = name
        self.model = model
        md = model.metadata
        self.protocol = md["protocol"]              # json, query, ec2, rest-xml, rest-json
        self.signing_name = md.get("signingName") or md.get("endpointPrefix") or name
        self.target_prefix = md.get("targetPrefix")
        self.api_version = md.get("apiVersion")
        self.xmlns = md.get("xmlNamespace")
        self.json_version = md.get("jsonVersion", "1.1")
        self.validation_code = VALIDATION_CODES.get(name, "ValidationException")
        self._ops = {}
        self._rest_routes = None

    def operation(self, name):
        """The OperationModel, or None when the model has no such operation."""
        if name in self._ops:
            return self._ops[name]
        try:
            op = self.model.operation_model(name)
        except Exception:
            op = None
        self._ops[name] = op
        return op

    def rest_routes(self):
        """For rest-xml and rest-json: [(method, path_parts, required_query, op_name, deprecated, required_headers)]."""
        if self._rest_routes is None:
            routes = []
            for op_name in self.model.operation_names:
                http = self.model._service_description["operations"][op_name]["http"]
                uri = http["requestUri"]
                path, _, q = uri.partition("?")
                req_q = {}
                for item in q.split("&") if q else []:
                    k, _, v = item.partition("=")
                    req_q[k] = v if _ else None
                parts = [p for p in path.split("/") if p != ""]
                deprecated = bool(self.model._service_description["operations"][op_name].get("deprecated"))
                # required header members tell apart operations on the same URI
                # (PutObject / CopyObject with x-amz-copy-source)
                shape = self.operation(op_name).input_shape
                req_h = []
                if shape is not None:
                    for m in shape.required_members:
                        ref = shape.members[m]
                        if ref.serialization.get("location") == "header":
                            req_h.append(ref.serialization.get("name", m).lower())
                        elif ref.serialization.get("location") == "querystring":
                            req_q.setdefault(ref.serialization.get("name", m), None)
                routes.append((http["method"], parts, req_q, op_name, deprecated, req_h))
            self._rest_routes = routes
        return self._rest_routes


class Models:
    """Lazily loaded models of every service, keyed by botocore name."""

    def __init__(self):
        self._lock = threading.Lock()
        self._infos = {}
        root = models_dir()
        self.source = root if root and os.path.isdir(root) else "botocore + overlay"

    def get(self, name):
        with self._lock:
            if name in self._infos:
                return self._infos[name]
            root = models_dir()
            desc = _load_shared(root, name) if root else None
            if desc is None:
                try:
                    desc = _load_botocore(name)
                except Exception:
                    desc = None
            info = ServiceInfo(name, ServiceModel(desc, service_name=name)) if desc else None
            self._infos[name] = info
            return info

    def preload(self):
        for n in SERVICES:
            self.get(n)

    def by_signing_name(self, signing_name):
        """The service a SigV4 scope names (elasticloadbalancing -> elbv2, ...)."""
        alias = {"elasticloadbalancing": "elbv2", "elasticfilesystem": "efs", "monitoring": None}
        name = alias.get(signing_name, signing_name)
        if name in SERVICES:
            return self.get(name)
        return None

    def by_unsigned_action(self, action):
        """The query service whose operation `action` is called without a signature (STS's
        AssumeRoleWithWebIdentity): AWS tells it by the host, this one endpoint by the
        Action of the form."""
        for n in SERVICES:
            info = self.get(n)
            if info and info.protocol == "query":
                op = info.operation(action)
                if op is not None and getattr(op, "auth_type", None) == "none":
                    return info
        return None

    def by_target(self, target):
        """The service an X-Amz-Target header names, or None."""
        prefix = target.rpartition(".")[0]
        for n in SERVICES:
            info = self.get(n)
            if info and info.target_prefix == prefix:
                return info
        return None
