"""CloudFront (rest-xml, global: one state whatever the signing region, us-east-1 as AWS
signs it): origin access controls, response headers policies (_cloudfront_headers.py) and
distributions with ETag / If-Match versions, tags.

As AWS: a distribution is InProgress after every create or update and Deployed
DEPLOY_SECONDS (AWS time, scaled by the clock) later; a change needs the current ETag
(InvalidIfMatchVersion without one, PreconditionFailed for a stale one); DeleteDistribution
is refused (DistributionNotDisabled) unless the distribution is disabled and Deployed;
a CallerReference used before is DistributionAlreadyExists; an ACM certificate of the
account must be ISSUED in us-east-1 and cover every alias (ACM's viewer_certificate_refusal,
InvalidViewerCertificate), and an alias is one distribution's only (CNAMEAlreadyExists); an
origin access control
used by a distribution cannot be deleted (OriginAccessControlInUse) and names are unique
(OriginAccessControlAlreadyExists). Configurations are checked and completed with
CloudFront's defaults in _cloudfront_config.py.

Control request (never signed), so that tests need no race with the clock:
POST /_fake/cloudfront/deployment {"Id": "E…", "action": "hold"} keeps the distribution
InProgress (whatever its clock says) until {"action": "finish"} deploys it at once."""

from ..core import AwsError, Service
from ..util import untag, utcnow
from . import _cloudfront_config as config
from ._cloudfront_headers import HeadersPolicyMixin

DEPLOY_SECONDS = 180
API = "https://cloudfront.amazonaws.com/2020-05-31"
_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _no_distribution():
    return AwsError("NoSuchDistribution", "The specified distribution does not exist.", 404)


def _no_oac():
    return AwsError("NoSuchOriginAccessControl", "The specified origin access control does not exist.", 404)


class CloudFront(HeadersPolicyMixin, Service):
    name = "cloudfront"

    def reset(self):
        self.oacs = {}            # id -> {"config", "etag", "account"}
        self.distributions = {}   # id -> record
        self.headers_policies = {}  # id -> {"config", "etag", "account", "modified"}

    def resources(self):
        return {"distributions": [{"id": i, "arn": d["arn"], "domain": d["domain"], "status": self._status(d),
                                   "enabled": d["config"]["Enabled"], "comment": d["config"]["Comment"],
                                   "origins": [o["DomainName"] for o in d["config"]["Origins"]["Items"]],
                                   "tags": dict(d["tags"])} for i, d in self.distributions.items()],
                "response_headers_policies": [{"id": i, "name": p["config"]["Name"],
                                               "comment": p["config"].get("Comment") or "",
                                               "headers": {h["Header"]: h["Value"] for h in
                                                           (p["config"].get("CustomHeadersConfig") or {})
                                                           .get("Items") or []}}
                                              for i, p in self.headers_policies.items()],
                "origin_access_controls": [{"id": i, "name": o["config"]["Name"],
                                            "type": o["config"]["OriginAccessControlOriginType"]}
                                           for i, o in self.oacs.items()]}

    # -- helpers -------------------------------------------------------------------------
    def _new_id(self):
        return "E" + "".join(self.world.random.choice(_ID_CHARS) for _ in range(13))

    def _status(self, d):
        return "Deployed" if not d.get("held") and self.world.clock.reached(d["deployed_at"]) else "InProgress"

    def control(self, method, segs, doc):
        d = self.distributions.get(doc.get("Id")) if isinstance(doc, dict) else None
        action = doc.get("action") if isinstance(doc, dict) else None
        if method != "POST" or segs != ["deployment"] or action not in ("hold", "finish"):
            return 404, {"error": 'cloudfront control: POST /_fake/cloudfront/deployment '
                                  '{"Id": "E...", "action": "hold" | "finish"}'}
        if d is None:
            return 404, {"error": "NoSuchDistribution", "message": f"no distribution {doc.get('Id')}"}
        d["held"] = action == "hold"
        if action == "finish":
            d["deployed_at"] = self.world.clock.now()
        return 200, {"Id": doc["Id"], "Status": self._status(d)}

    @staticmethod
    def _if_match(req, etag):
        if not req.get("IfMatch"):
            raise AwsError("InvalidIfMatchVersion", "The If-Match version is missing or not valid for the "
                                                    "resource.", 400)
        if req["IfMatch"] != etag:
            raise AwsError("PreconditionFailed", "The request failed because it didn't meet the preconditions "
                                                 "in one or more request-header fields.", 412)

    @staticmethod
    def _owned(table, key, ctx, not_found):
        """table[key] when it is the caller's account's; else not_found() (another account's
        distributions, OACs and policies do not exist for the caller)."""
        x = table.get(key)
        if x is None or x["account"] != ctx.account:
            raise not_found()
        return x

    def _distribution(self, ctx, dist_id):
        return self._owned(self.distributions, dist_id, ctx, _no_distribution)

    def _oac(self, ctx, oac_id):
        return self._owned(self.oacs, oac_id, ctx, _no_oac)

    def _mine(self, table, ctx):
        return [(i, x) for i, x in sorted(table.items()) if x["account"] == ctx.account]

    def _out(self, i, d):
        return {"Id": i, "ARN": d["arn"], "Status": self._status(d), "LastModifiedTime": d["modified"],
                "InProgressInvalidationBatches": 0, "DomainName": d["domain"],
                "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
                "ActiveTrustedKeyGroups": {"Enabled": False, "Quantity": 0}, "DistributionConfig": d["config"]}

    @staticmethod
    def _page(items, req, what):
        """CloudFront's Marker/MaxItems over items, (id, summary) pairs: the page lists the
        summaries; the marker is the last id of the page before."""
        try:
            n = int(req.get("MaxItems") or 100)
        except ValueError:
            n = 0
        if not 1 <= n <= 1000:
            raise AwsError("InvalidArgument", f"MaxItems must be a number between 1 and 1000.", 400)
        start = 0
        if req.get("Marker"):
            ids = [i for i, _ in items]
            if req["Marker"] not in ids:
                raise AwsError("InvalidArgument", f"The marker {req['Marker']} is not a {what} id.", 400)
            start = ids.index(req["Marker"]) + 1
        page = items[start:start + n]
        more = start + n < len(items)
        out = {"Marker": req.get("Marker") or "", "MaxItems": n, "IsTruncated": more, "Quantity": len(page)}
        if page:
            out["Items"] = [x for _, x in page]
        if more:
            out["NextMarker"] = page[-1][0]
        return out

    def _check_config(self, ctx, cfg, dist_id=None):
        config.check(cfg, {i: o for i, o in self.oacs.items() if o["account"] == ctx.account})
        acm = self.world.services.get("acm")
        arn = (cfg.get("ViewerCertificate") or {}).get("ACMCertificateArn")
        refusal = acm.viewer_certificate_refusal(arn, ctx.account, (cfg.get("Aliases") or {}).get("Items") or []) \
            if arn and acm is not None else None
        if refusal is not None:
            raise refusal
        behaviors = [cfg["DefaultCacheBehavior"]] + list((cfg.get("CacheBehaviors") or {}).get("Items") or [])
        for b in behaviors:
            if b.get("ResponseHeadersPolicyId"):
                refusal = self.headers_policy_refusal(ctx.account, b["ResponseHeadersPolicyId"])
                if refusal is not None:
                    raise refusal
        mine = set((cfg.get("Aliases") or {}).get("Items") or [])
        for i, d in self.distributions.items():
            if i != dist_id and mine & set(d["config"]["Aliases"].get("Items") or []):
                raise AwsError("CNAMEAlreadyExists", "One or more of the CNAMEs you provided are already "
                                                     "associated with a different resource.", 409)

    def certificate_users(self, cert_arn):
        """The ARNs of the distributions that serve with this ACM certificate (ACM's InUseBy)."""
        return [d["arn"] for d in self.distributions.values()
                if (d["config"].get("ViewerCertificate") or {}).get("ACMCertificateArn") == cert_arn]

    def distribution_by_domain(self, account, domain):
        """The distribution of `account` whose DomainName is `domain` (trailing dot or not)."""
        want = domain.rstrip(".").lower()
        for d in self.distributions.values():
            if d["account"] == account and d["domain"] == want:
                return d
        return None

    # -- origin access controls ----------------------------------------------------------
    def _check_oac(self, ctx, cfg, oac_id=None):
        if len(cfg["Name"]) > 64 or len(cfg.get("Description") or "") > 256:
            raise AwsError("InvalidArgument", "The origin access control name can have at most 64 characters "
                                              "and its description 256.", 400)
        for i, o in self._mine(self.oacs, ctx):
            if i != oac_id and o["config"]["Name"] == cfg["Name"]:
                raise AwsError("OriginAccessControlAlreadyExists", f"An origin access control with the name "
                                                                   f"{cfg['Name']} already exists.", 409)

    def CreateOriginAccessControl(self, req, ctx):
        cfg = dict(req["OriginAccessControlConfig"])
        self._check_oac(ctx, cfg)
        cfg.setdefault("Description", "")
        oac_id = self._new_id()
        self.oacs[oac_id] = {"config": cfg, "etag": self._new_id(), "account": ctx.account}
        return {"OriginAccessControl": {"Id": oac_id, "OriginAccessControlConfig": cfg},
                "Location": f"{API}/origin-access-control/{oac_id}", "ETag": self.oacs[oac_id]["etag"]}

    def GetOriginAccessControl(self, req, ctx):
        o = self._oac(ctx, req["Id"])
        return {"OriginAccessControl": {"Id": req["Id"], "OriginAccessControlConfig": o["config"]},
                "ETag": o["etag"]}

    def GetOriginAccessControlConfig(self, req, ctx):
        o = self._oac(ctx, req["Id"])
        return {"OriginAccessControlConfig": o["config"], "ETag": o["etag"]}

    def UpdateOriginAccessControl(self, req, ctx):
        o = self._oac(ctx, req["Id"])
        self._if_match(req, o["etag"])
        cfg = dict(req["OriginAccessControlConfig"])
        if cfg["OriginAccessControlOriginType"] != o["config"]["OriginAccessControlOriginType"]:
            raise AwsError("IllegalUpdate", "The origin type of an origin access control cannot be changed.", 400)
        self._check_oac(ctx, cfg, req["Id"])
        cfg.setdefault("Description", "")
        o.update(config=cfg, etag=self._new_id())
        return {"OriginAccessControl": {"Id": req["Id"], "OriginAccessControlConfig": cfg}, "ETag": o["etag"]}

    def DeleteOriginAccessControl(self, req, ctx):
        o = self._oac(ctx, req["Id"])
        self._if_match(req, o["etag"])
        for d in self.distributions.values():
            if any(x.get("OriginAccessControlId") == req["Id"] for x in d["config"]["Origins"]["Items"]):
                raise AwsError("OriginAccessControlInUse", "Cannot delete the origin access control because it's "
                                                           "in use by one or more distributions.", 409)
        del self.oacs[req["Id"]]
        return {}

    def ListOriginAccessControls(self, req, ctx):
        items = [(i, {"Id": i, "Description": o["config"]["Description"], "Name": o["config"]["Name"],
                      "SigningProtocol": o["config"]["SigningProtocol"],
                      "SigningBehavior": o["config"]["SigningBehavior"],
                      "OriginAccessControlOriginType": o["config"]["OriginAccessControlOriginType"]})
                 for i, o in self._mine(self.oacs, ctx)]
        out = self._page(items, req, "origin access control")
        return {"OriginAccessControlList": out}

    # -- distributions -------------------------------------------------------------------
    def _create(self, ctx, cfg, tags):
        for d in self.distributions.values():
            if d["account"] == ctx.account and d["config"]["CallerReference"] == cfg["CallerReference"]:
                raise AwsError("DistributionAlreadyExists", "The caller reference that you are using to create a "
                                                            "distribution is associated with another distribution.",
                               409)
        self._check_config(ctx, cfg)
        dist_id = self._new_id()
        d = {"arn": f"arn:aws:cloudfront::{ctx.account}:distribution/{dist_id}", "account": ctx.account,
             "domain": "d" + "".join(self.world.random.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                     for _ in range(13)) + ".cloudfront.net",
             "config": config.with_defaults(cfg), "etag": self._new_id(), "modified": utcnow(self.world),
             "deployed_at": self.world.clock.after(DEPLOY_SECONDS), "tags": tags}
        self.distributions[dist_id] = d
        return {"Distribution": self._out(dist_id, d), "Location": f"{API}/distribution/{dist_id}",
                "ETag": d["etag"]}

    def CreateDistribution(self, req, ctx):
        return self._create(ctx, req["DistributionConfig"], {})

    def CreateDistributionWithTags(self, req, ctx):
        tags = self._tags_in(req["DistributionConfigWithTags"]["Tags"])
        return self._create(ctx, req["DistributionConfigWithTags"]["DistributionConfig"], tags)

    def GetDistribution(self, req, ctx):
        d = self._distribution(ctx, req["Id"])
        return {"Distribution": self._out(req["Id"], d), "ETag": d["etag"]}

    def GetDistributionConfig(self, req, ctx):
        d = self._distribution(ctx, req["Id"])
        return {"DistributionConfig": d["config"], "ETag": d["etag"]}

    def UpdateDistribution(self, req, ctx):
        d = self._distribution(ctx, req["Id"])
        self._if_match(req, d["etag"])
        cfg = req["DistributionConfig"]
        if cfg["CallerReference"] != d["config"]["CallerReference"]:
            raise AwsError("IllegalUpdate", "The CallerReference of a distribution cannot be changed.", 400)
        self._check_config(ctx, cfg, req["Id"])
        d.update(config=config.with_defaults(cfg), etag=self._new_id(), modified=utcnow(self.world),
                 deployed_at=self.world.clock.after(DEPLOY_SECONDS), held=False)
        return {"Distribution": self._out(req["Id"], d), "ETag": d["etag"]}

    def DeleteDistribution(self, req, ctx):
        d = self._distribution(ctx, req["Id"])
        self._if_match(req, d["etag"])
        if d["config"]["Enabled"] or self._status(d) != "Deployed":
            raise AwsError("DistributionNotDisabled", "The distribution you are trying to delete has not been "
                                                      "disabled.", 409)
        del self.distributions[req["Id"]]
        return {}

    def ListDistributions(self, req, ctx):
        items = []
        for i, d in self._mine(self.distributions, ctx):
            c = d["config"]
            s = {k: c.get(k) for k in ("Aliases", "Origins", "OriginGroups", "DefaultCacheBehavior", "CacheBehaviors",
                                       "CustomErrorResponses", "Comment", "PriceClass", "Enabled", "ViewerCertificate",
                                       "Restrictions", "WebACLId", "HttpVersion", "IsIPV6Enabled", "Staging")}
            s.update(Id=i, ARN=d["arn"], Status=self._status(d), LastModifiedTime=d["modified"],
                     DomainName=d["domain"])
            items.append((i, s))
        out = self._page(items, req, "distribution")
        return {"DistributionList": out}

    # -- tags ----------------------------------------------------------------------------
    @staticmethod
    def _tags_in(tags, have=None):
        out = dict(have or {})
        for t in (tags or {}).get("Items") or []:
            if t["Key"].lower().startswith("aws:"):
                raise AwsError("InvalidTagging", f"The tag key {t['Key']} is reserved for AWS use.", 400)
            out[t["Key"]] = t.get("Value", "")
        if len(out) > 50:
            raise AwsError("InvalidTagging", "A resource can have at most 50 tags.", 400)
        return out

    def _tagged(self, ctx, arn):
        for d in self.distributions.values():
            if d["arn"] == arn and d["account"] == ctx.account:
                return d
        raise AwsError("NoSuchResource", f"The resource {arn} does not exist.", 404)

    def TagResource(self, req, ctx):
        d = self._tagged(ctx, req["Resource"])
        d["tags"] = self._tags_in(req["Tags"], d["tags"])
        return {}

    def UntagResource(self, req, ctx):
        d = self._tagged(ctx, req["Resource"])
        untag(d["tags"], (req["TagKeys"] or {}).get("Items") or [])
        return {}

    def ListTagsForResource(self, req, ctx):
        d = self._tagged(ctx, req["Resource"])
        return {"Tags": {"Items": [{"Key": k, "Value": v} for k, v in sorted(d["tags"].items())]}}


SERVICE = CloudFront
