"""CloudFront response headers policies (part of the CloudFront class): custom headers
that CloudFront adds to the responses of the cache behaviours that name the policy.

As AWS: names are unique in the account (ResponseHeadersPolicyAlreadyExists) and made of
letters, digits, '-' and '_' (at most 128); the comment at most 128 characters; at most
10 custom headers (TooManyCustomHeadersInResponseHeadersPolicy), Quantity equal to the
items (InconsistentQuantities), each header once, a token as HTTP defines it, with a
value; at most 20 custom policies per account (TooManyResponseHeadersPolicies). Changes
and deletions need the current ETag; a policy a distribution names cannot be deleted
(ResponseHeadersPolicyInUse), and a distribution cannot name one that does not exist
(NoSuchResponseHeadersPolicy). Only custom headers are modelled: a CORS, security-headers
or server-timing configuration is refused as not modelled, so nothing passes unchecked."""

import re

from ..core import AwsError
from ..util import utcnow

MAX_CUSTOM_HEADERS = 10
MAX_POLICIES = 20
NAME_RX = re.compile(r"[A-Za-z0-9_-]{1,128}")
TOKEN_RX = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
API = "https://cloudfront.amazonaws.com/2020-05-31"
# AWS's managed policies, listed with the account's unless Type=custom (their CORS and
# security settings are not modelled: only their names)
MANAGED = [("5cc3b908-e619-4b99-88e5-2cf7f45965bd", "Managed-CORS-With-Preflight"),
           ("60669652-455b-4ae9-85a4-c4c02393f86c", "Managed-SimpleCORS"),
           ("67f7725c-6f97-4210-82d7-5512b31e9d03", "Managed-SecurityHeadersPolicy")]


def _no_policy():
    return AwsError("NoSuchResponseHeadersPolicy", "The response headers policy does not exist.", 404)


def _check(cfg):
    if not NAME_RX.fullmatch(cfg.get("Name") or ""):
        raise AwsError("InvalidArgument", "The response headers policy name must be 1 to 128 letters, digits, "
                                          "hyphens and underscores.", 400)
    if len(cfg.get("Comment") or "") > 128:
        raise AwsError("InvalidArgument", "The parameter Comment is too long.", 400)
    for k in ("CorsConfig", "SecurityHeadersConfig", "ServerTimingHeadersConfig", "RemoveHeadersConfig"):
        if cfg.get(k):
            raise AwsError("InvalidArgument", f"fakeaws does not model {k} of response headers policies.", 400)
    custom = cfg.get("CustomHeadersConfig") or {"Quantity": 0}
    items = custom.get("Items") or []
    if int(custom.get("Quantity", -1)) != len(items):
        raise AwsError("InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400)
    if len(items) > MAX_CUSTOM_HEADERS:
        raise AwsError("TooManyCustomHeadersInResponseHeadersPolicy", "The number of custom headers in the "
                       f"response headers policy exceeds the maximum ({MAX_CUSTOM_HEADERS}).", 400)
    seen = set()
    for h in items:
        name = h.get("Header") or ""
        if not TOKEN_RX.fullmatch(name) or not (h.get("Value") or "") or h.get("Override") is None:
            raise AwsError("InvalidArgument", f"The custom header {name!r} needs a valid name, a value and "
                                              "Override.", 400)
        if name.lower() in seen:
            raise AwsError("InvalidArgument", f"The custom header {name} is given more than once.", 400)
        seen.add(name.lower())


class HeadersPolicyMixin:
    """Response headers policies (self.headers_policies: id -> {config, etag, account, modified})."""

    def _headers_policy(self, ctx, policy_id):
        return self._owned(self.headers_policies, policy_id, ctx, _no_policy)

    def _unique_name(self, ctx, cfg, policy_id=None):
        for i, p in self._mine(self.headers_policies, ctx):
            if i != policy_id and p["config"]["Name"] == cfg["Name"]:
                raise AwsError("ResponseHeadersPolicyAlreadyExists", "A response headers policy with this name "
                                                                     "already exists.", 409)

    def headers_policy_refusal(self, account, policy_id):
        """The AwsError a cache behaviour naming this policy meets, or None."""
        p = self.headers_policies.get(policy_id)
        return _no_policy() if p is None or p["account"] != account else None

    def _policy_out(self, i, p):
        return {"Id": i, "LastModifiedTime": p["modified"], "ResponseHeadersPolicyConfig": p["config"]}

    def CreateResponseHeadersPolicy(self, req, ctx):
        cfg = dict(req["ResponseHeadersPolicyConfig"])
        _check(cfg)
        self._unique_name(ctx, cfg)
        if len(self._mine(self.headers_policies, ctx)) >= MAX_POLICIES:
            raise AwsError("TooManyResponseHeadersPolicies", "You have reached the maximum number of response "
                                                             "headers policies for this account.", 400)
        r = self.world.random
        i = "%08x-%04x-%04x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(16),
                                           r.getrandbits(16), r.getrandbits(48))
        self.headers_policies[i] = {"config": cfg, "etag": self._new_id(), "account": ctx.account,
                                    "modified": utcnow(self.world)}
        p = self.headers_policies[i]
        return {"ResponseHeadersPolicy": self._policy_out(i, p), "Location": f"{API}/response-headers-policy/{i}",
                "ETag": p["etag"]}

    def GetResponseHeadersPolicy(self, req, ctx):
        p = self._headers_policy(ctx, req["Id"])
        return {"ResponseHeadersPolicy": self._policy_out(req["Id"], p), "ETag": p["etag"]}

    def UpdateResponseHeadersPolicy(self, req, ctx):
        p = self._headers_policy(ctx, req["Id"])
        self._if_match(req, p["etag"])
        cfg = dict(req["ResponseHeadersPolicyConfig"])
        _check(cfg)
        self._unique_name(ctx, cfg, req["Id"])
        p.update(config=cfg, etag=self._new_id(), modified=utcnow(self.world))
        return {"ResponseHeadersPolicy": self._policy_out(req["Id"], p), "ETag": p["etag"]}

    def DeleteResponseHeadersPolicy(self, req, ctx):
        p = self._headers_policy(ctx, req["Id"])
        self._if_match(req, p["etag"])
        for d in self.distributions.values():
            behaviors = [d["config"]["DefaultCacheBehavior"]] + (d["config"].get("CacheBehaviors") or {}).get("Items", [])
            if any(b.get("ResponseHeadersPolicyId") == req["Id"] for b in behaviors):
                raise AwsError("ResponseHeadersPolicyInUse", "Cannot delete the response headers policy because it "
                                                             "is attached to one or more cache behaviors.", 409)
        del self.headers_policies[req["Id"]]
        return {}

    def ListResponseHeadersPolicies(self, req, ctx):
        if req.get("Type") not in (None, "", "custom", "managed"):
            raise AwsError("InvalidArgument", "Type must be managed or custom.", 400)
        mine = [] if req.get("Type") == "managed" else self._mine(self.headers_policies, ctx)
        items = [] if req.get("Type") == "custom" else [
            (i, {"Type": "managed", "ResponseHeadersPolicy": {"Id": i, "LastModifiedTime": 1635897600,
                                                              "ResponseHeadersPolicyConfig": {"Name": name}}})
            for i, name in MANAGED]
        items += [(i, {"Type": "custom", "ResponseHeadersPolicy": self._policy_out(i, p)}) for i, p in mine]
        out = self._page(items, req, "response headers policy")
        return {"ResponseHeadersPolicyList": out}
