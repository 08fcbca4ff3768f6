"""CloudFront distribution configurations: the checks CloudFront makes on a
DistributionConfig (quantities, origins and their origin access control, cache behaviors,
cache policies, certificates, error responses) and the defaults it fills in, so that
GetDistributionConfig answers what AWS answers rather than what was sent."""

import copy
import re

from ..core import AwsError

# The managed cache policies (ids as CloudFront's documentation lists them).
MANAGED_CACHE_POLICIES = {
    "658327ea-f89d-4fab-a63d-7e88639e58f6",     # CachingOptimized
    "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",     # CachingOptimizedForUncompressedObjects
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",     # CachingDisabled
    "2e54312d-136d-493c-8eb9-b001f22f67d2",     # Amplify
    "08627262-05a9-4f76-9ded-b50ca2e3a84f",     # Elemental-MediaPackage
    "83da9c7e-98b4-4e11-a168-04f0df8e2c65",     # UseOriginCacheControlHeaders
    "4cc15a8a-d715-48a4-82b8-cc0b614638fe",     # UseOriginCacheControlHeaders-QueryStrings
}
ERROR_CODES = {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504}
S3_REST_RX = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?")


def _err(code, msg, status=400):
    return AwsError(code, msg, status)


def _quantities(v, path="DistributionConfig"):
    """Every {Quantity, Items} pair must agree (InconsistentQuantities)."""
    if isinstance(v, dict):
        if "Quantity" in v and len(v.get("Items") or []) != v["Quantity"]:
            raise _err("InconsistentQuantities", f"The value of Quantity and the size of Items don't match "
                                                 f"in {path}.")
        for k, x in v.items():
            _quantities(x, f"{path}.{k}")
    elif isinstance(v, list):
        for x in v:
            _quantities(x, path)


def _origin(o, oacs):
    kinds = [k for k in ("S3OriginConfig", "CustomOriginConfig", "VpcOriginConfig") if o.get(k) is not None]
    if len(kinds) != 1:
        raise _err("InvalidArgument", f"The origin {o['Id']} must have exactly one of S3OriginConfig, "
                                      "CustomOriginConfig and VpcOriginConfig.")
    if o.get("OriginPath") and (not o["OriginPath"].startswith("/") or o["OriginPath"].endswith("/")):
        raise _err("InvalidArgument", f"The parameter OriginPath of origin {o['Id']} must begin with a slash "
                                      "and must not end with one.")
    oac_id = o.get("OriginAccessControlId")
    if not oac_id:
        return
    oac = oacs.get(oac_id)
    if oac is None:
        raise _err("InvalidOriginAccessControl", f"The origin access control {oac_id} does not exist.")
    if (o.get("S3OriginConfig") or {}).get("OriginAccessIdentity"):
        raise _err("IllegalOriginAccessConfiguration", "An origin cannot contain both an origin access control "
                                                       "(OAC) and an origin access identity (OAI).")
    if oac["config"]["OriginAccessControlOriginType"] == "s3" and not S3_REST_RX.fullmatch(o["DomainName"]):
        raise _err("InvalidDomainNameForOriginAccessControl", f"The origin access control {oac_id} is for S3 "
                   f"origins; {o['DomainName']} is not an S3 bucket's REST endpoint (BUCKET.s3.REGION.amazonaws.com).")


def _behavior(b, origin_ids, what):
    if b["TargetOriginId"] not in origin_ids:
        raise _err("NoSuchOrigin", "One or more of your origins or origin groups do not exist.", 404)
    if b.get("CachePolicyId"):
        if b["CachePolicyId"] not in MANAGED_CACHE_POLICIES:
            raise _err("NoSuchCachePolicy", f"The cache policy {b['CachePolicyId']} does not exist.", 404)
        if b.get("ForwardedValues") is not None:
            raise _err("InvalidArgument", f"The parameter ForwardedValues cannot be used when a cache policy is "
                                          f"associated to the cache behavior ({what}).")
    else:
        for k in ("ForwardedValues", "MinTTL"):
            if b.get(k) is None:
                raise _err("InvalidArgument", f"The parameter {k} is required ({what} has no CachePolicyId).")
        ttl = [b.get(k) for k in ("MinTTL", "DefaultTTL", "MaxTTL") if b.get(k) is not None]
        if ttl != sorted(ttl):
            raise _err("InvalidTTLOrder", "Your minimum TTL must be less than or equal to the default TTL, which "
                                          "must be less than or equal to the maximum TTL.")


def _certificate(cfg):
    vc = cfg.get("ViewerCertificate") or {}
    aliases = (cfg.get("Aliases") or {}).get("Items") or []
    arn = vc.get("ACMCertificateArn")
    if arn:
        if not arn.startswith("arn:aws:acm:us-east-1:") or vc.get("CloudFrontDefaultCertificate"):
            raise _err("InvalidViewerCertificate", "The specified SSL certificate doesn't exist, isn't in us-east-1 "
                                                   "region, isn't valid, or doesn't include a valid certificate chain.")
        if vc.get("SSLSupportMethod") not in ("sni-only", "vip", "static-ip"):
            raise _err("InvalidViewerCertificate", "SSLSupportMethod must be given with an ACM certificate.")
    elif aliases and not vc.get("IAMCertificateId"):
        raise _err("InvalidViewerCertificate", "To add an alternate domain name (CNAME) to a CloudFront distribution, "
                                               "you must attach a trusted certificate that validates your "
                                               "authorization to use the domain name.")


def check(cfg, oacs):
    """Raise what CloudFront raises for this DistributionConfig."""
    _quantities(cfg)
    if not cfg["CallerReference"]:
        raise _err("InvalidArgument", "The parameter CallerReference must not be empty.")
    if len(cfg["Comment"]) > 128:
        raise _err("InvalidArgument", "The parameter Comment is too long.")
    if cfg.get("Staging"):
        raise _err("InvalidArgument", "fakeaws does not model staging distributions.")
    origins = cfg["Origins"]["Items"]
    ids = [o["Id"] for o in origins]
    if len(set(ids)) != len(ids):
        raise _err("InvalidArgument", "The parameter Origin Id must be unique.")
    for o in origins:
        _origin(o, oacs)
    ids += [g["Id"] for g in (cfg.get("OriginGroups") or {}).get("Items") or []]
    _behavior(cfg["DefaultCacheBehavior"], ids, "the default cache behavior")
    for b in (cfg.get("CacheBehaviors") or {}).get("Items") or []:
        _behavior(b, ids, f"the cache behavior for {b.get('PathPattern')}")
    if (cfg.get("DefaultRootObject") or "").startswith("/"):
        raise _err("InvalidDefaultRootObject", "The specified default root object is invalid: it must not begin "
                                               "with a slash.")
    for r in (cfg.get("CustomErrorResponses") or {}).get("Items") or []:
        if r["ErrorCode"] not in ERROR_CODES:
            raise _err("InvalidErrorCode", f"The error code {r['ErrorCode']} cannot have a custom error response.")
        if bool(r.get("ResponsePagePath")) != bool(r.get("ResponseCode")):
            raise _err("InvalidArgument", "A custom error response needs both ResponsePagePath and ResponseCode, "
                                          "or neither.")
        if r.get("ResponsePagePath") and not r["ResponsePagePath"].startswith("/"):
            raise _err("InvalidRelativePath", "The relative path is too big, is not URL-encoded, or does not "
                                              "begin with a slash (/).")
    _certificate(cfg)


_ORIGIN_DEFAULTS = {"OriginPath": "", "CustomHeaders": {"Quantity": 0}, "ConnectionAttempts": 3,
                    "ConnectionTimeout": 10, "OriginShield": {"Enabled": False}, "OriginAccessControlId": ""}
_BEHAVIOR_DEFAULTS = {"TrustedSigners": {"Enabled": False, "Quantity": 0},
                      "TrustedKeyGroups": {"Enabled": False, "Quantity": 0},
                      "AllowedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"],
                                         "CachedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"]}},
                      "SmoothStreaming": False, "Compress": False, "LambdaFunctionAssociations": {"Quantity": 0},
                      "FunctionAssociations": {"Quantity": 0}, "FieldLevelEncryptionId": ""}
_CONFIG_DEFAULTS = {"Aliases": {"Quantity": 0}, "DefaultRootObject": "", "OriginGroups": {"Quantity": 0},
                    "CacheBehaviors": {"Quantity": 0}, "CustomErrorResponses": {"Quantity": 0},
                    "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
                    "PriceClass": "PriceClass_All",
                    "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
                    "WebACLId": "", "HttpVersion": "http2", "IsIPV6Enabled": False, "Staging": False,
                    "ContinuousDeploymentPolicyId": ""}


def _fill(d, defaults):
    for k, v in defaults.items():
        if d.get(k) is None:
            d[k] = copy.deepcopy(v)


def with_defaults(cfg):
    """The configuration as CloudFront stores it: every optional part it fills in."""
    cfg = copy.deepcopy(cfg)
    _fill(cfg, _CONFIG_DEFAULTS)
    for o in cfg["Origins"]["Items"]:
        _fill(o, _ORIGIN_DEFAULTS)
    for b in [cfg["DefaultCacheBehavior"]] + list(cfg["CacheBehaviors"].get("Items") or []):
        _fill(b, _BEHAVIOR_DEFAULTS)
        _fill(b["AllowedMethods"], {"CachedMethods": _BEHAVIOR_DEFAULTS["AllowedMethods"]["CachedMethods"]})
    if not cfg.get("ViewerCertificate"):
        cfg["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True, "SSLSupportMethod": "vip",
                                    "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"}
    elif cfg["ViewerCertificate"].get("ACMCertificateArn"):
        vc = cfg["ViewerCertificate"]
        vc.setdefault("MinimumProtocolVersion", "TLSv1")
        vc.update(CloudFrontDefaultCertificate=False, Certificate=vc["ACMCertificateArn"], CertificateSource="acm")
    return cfg
