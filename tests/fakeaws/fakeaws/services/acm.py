"""AWS Certificate Manager for the fake (the dns part): public certificates validated by
DNS, as AWS issues them.

- RequestCertificate: the ARN at once; the certificate is PENDING_VALIDATION with one
  DomainValidationOptions entry per name (DomainName first, then the other
  SubjectAlternativeNames; a wildcard *.x is validated as x). Each entry's ResourceRecord
  (a CNAME _<hash>.x. -> _<hash>.<...>.acm-validations.aws.) appears RECORD_AFTER seconds
  after the request, as on AWS, where DescribeCertificate right after the request lacks
  it. The record is the same for one name in one account, whichever certificate asks.
  The same IdempotencyToken within an hour answers the first certificate's ARN.
- A name's validation succeeds VALIDATE_AFTER seconds after its CNAME is INSYNC in the
  public Route 53 zone of the fake that holds the name (the longest one); the
  certificate is ISSUED when every name has succeeded, and stays so. Not validated within
  72 hours: VALIDATION_TIMED_OUT. EMAIL validation never completes here (no mail).
- ELBv2 asks `listener_refusal` before an HTTPS listener uses a certificate of its own
  account: unknown (or another region's) is CertificateNotFound, and so is one issued
  less than PROPAGATION seconds ago (AWS's eventual consistency, which tools retry);
  not ISSUED is UnsupportedCertificate. Certificates of other accounts are not checked
  (the fake serves one account's ACM per key; tests use placeholder ARNs of others).
- Control: POST /_fake/acm/settings {"propagation_seconds": N} changes PROPAGATION (AWS
  seconds), so a test can make sure a listener meets CertificateNotFound right after the
  issue and must try again.
- CloudFront asks `viewer_certificate_refusal` before a distribution serves with a
  certificate: the account's own must be ISSUED in us-east-1 and cover every alias
  (InvalidViewerCertificate).
- DeleteCertificate: ResourceInUseException while a listener or a distribution uses it
  (InUseBy lists the load balancers and distributions); DescribeCertificate of a deleted one is ResourceNotFoundException.
- ListCertificates: by default only RSA_1024/RSA_2048 keys (Includes.keyTypes for more),
  CertificateStatuses filter, MaxItems/NextToken.
"""

import hashlib
import re
import string

from fakeaws.core import AwsError, Service
from fakeaws.services._net.common import utc

RECORD_AFTER = 5                 # AWS seconds before the validation record is shown
VALIDATE_AFTER = 60              # from the CNAME being INSYNC to the name validated
PROPAGATION = 5                  # ELB does not find a certificate issued this recently
TIMEOUT = 72 * 3600              # PENDING_VALIDATION -> VALIDATION_TIMED_OUT
TOKEN_LIFE = 3600                # an IdempotencyToken names one certificate for an hour
VALIDITY = 395 * 86400
MAX_TAGS = 50
MAX_NAMES = 10                   # default quota of names per certificate
REQUEST_KEYS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")
ARN_RX = re.compile(r"arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate/([0-9a-f-]+)")


class ACM(Service):
    name = "acm"

    def reset(self):
        self.propagation = PROPAGATION
        self.certs = {}        # ARN -> certificate
        self.tokens = {}       # (account, region, token) -> (ARN, requested at)
        self.order = 0

    # ---- helpers -------------------------------------------------------------

    def _cert(self, arn, ctx):
        m = ARN_RX.fullmatch(arn)
        if m is None:
            raise AwsError("InvalidArnException", f"The certificate ARN {arn} is not valid.")
        c = self.certs.get(arn)
        if c is None or c["region"] != ctx.region or c["account"] != ctx.account:
            raise AwsError("ResourceNotFoundException", f"Could not find certificate {arn}.")
        return c

    @staticmethod
    def _record(account, domain):
        """The validation CNAME of a name in an account: stable, as AWS's is."""
        base = domain[2:] if domain.startswith("*.") else domain
        h = hashlib.sha256(f"{account}:{base}".encode()).hexdigest()
        tail = "".join(string.ascii_lowercase[int(h[40 + i], 16)] for i in range(10))
        return {"Name": f"_{h[:32]}.{base}.", "Type": "CNAME",
                "Value": f"_{h[32:40]}{hashlib.md5(h.encode()).hexdigest()[:24]}.{tail}.acm-validations.aws."}

    def _refresh_one(self, c):
        """Latch what the clock and Route 53 say has happened (validations, issue,
        time out). Reads call it, and Route 53 before records change."""
        if c["status"] != "PENDING_VALIDATION":
            return
        clock = self.world.clock
        r53 = self.world.services.get("route53")
        for v in c["validations"]:
            if v["status"] != "PENDING_VALIDATION" or c["method"] != "DNS" or r53 is None:
                continue
            rr = self._record(c["account"], v["domain"])
            seen = r53.validation_seen_at(rr["Name"], rr["Value"])
            if seen is not None:
                done = seen + VALIDATE_AFTER * clock.scale
                if clock.reached(done):
                    v["status"], v["done"] = "SUCCESS", done
        if all(v["status"] == "SUCCESS" for v in c["validations"]):
            c["status"], c["issued"] = "ISSUED", max(v["done"] for v in c["validations"])
        elif clock.reached(c["created"] + TIMEOUT * clock.scale):
            c["status"] = "VALIDATION_TIMED_OUT"
            for v in c["validations"]:
                if v["status"] == "PENDING_VALIDATION":
                    v["status"] = "FAILED"

    def refresh(self):
        for c in self.certs.values():
            self._refresh_one(c)

    def _in_use(self, c):
        users = []
        for name in ("elbv2", "cloudfront"):
            svc = self.world.services.get(name)
            if svc is not None:
                users += svc.certificate_users(c["arn"])
        return users

    def _validation(self, c, v):
        out = {"DomainName": v["domain"], "ValidationDomain": v["vdomain"],
               "ValidationStatus": v["status"], "ValidationMethod": c["method"]}
        if c["method"] == "DNS":
            if self.world.clock.reached(c["created"] + RECORD_AFTER * self.world.clock.scale):
                out["ResourceRecord"] = self._record(c["account"], v["domain"])
        else:
            base = v["vdomain"][2:] if v["vdomain"].startswith("*.") else v["vdomain"]
            out["ValidationEmails"] = [f"{who}@{base}" for who in
                                       ("admin", "administrator", "hostmaster", "postmaster", "webmaster")]
        return out

    def _detail(self, c):
        self._refresh_one(c)
        users = self._in_use(c)
        out = {"CertificateArn": c["arn"], "DomainName": c["domain"],
               "SubjectAlternativeNames": list(c["names"]),
               "DomainValidationOptions": [self._validation(c, v) for v in c["validations"]],
               "Subject": f"CN={c['domain']}", "CreatedAt": utc(c["created"]),
               "Status": c["status"], "InUseBy": users, "Type": "AMAZON_ISSUED",
               "KeyAlgorithm": c["key"], "RenewalEligibility": "ELIGIBLE" if users and
               c["status"] == "ISSUED" else "INELIGIBLE",
               "Options": {"CertificateTransparencyLoggingPreference": "ENABLED"}}
        if c["status"] == "ISSUED":
            out.update(IssuedAt=utc(c["issued"]), NotBefore=utc(c["issued"]),
                       NotAfter=utc(c["issued"] + VALIDITY), Issuer="Amazon", Serial=c["serial"],
                       SignatureAlgorithm="SHA256WITHRSA" if c["key"].startswith("RSA") else
                       "SHA256WITHECDSA",
                       KeyUsages=[{"Name": "DIGITAL_SIGNATURE"}, {"Name": "KEY_ENCIPHERMENT"}],
                       ExtendedKeyUsages=[{"Name": "TLS_WEB_SERVER_AUTHENTICATION",
                                           "OID": "1.3.6.1.5.5.7.3.1"}])
        if c["status"] == "VALIDATION_TIMED_OUT":
            out["FailureReason"] = "OTHER"
        return out

    @staticmethod
    def _tags_in(tags, have):
        out = dict(have)
        for t in tags or []:
            if t["Key"].lower().startswith("aws:"):
                raise AwsError("InvalidTagException", f"Tag key {t['Key']} uses the reserved "
                               "prefix aws:")
            out[t["Key"]] = t.get("Value", "")
        if len(out) > MAX_TAGS:
            raise AwsError("TooManyTagsException", f"A certificate can have at most {MAX_TAGS} tags.")
        return out

    # ---- operations ------------------------------------------------------------

    def RequestCertificate(self, req, ctx):
        now = self.world.clock.now()
        token = req.get("IdempotencyToken")
        if token:
            seen = self.tokens.get((ctx.account, ctx.region, token))
            if seen and now - seen[1] < TOKEN_LIFE * self.world.clock.scale:
                return {"CertificateArn": seen[0]}
        method = req.get("ValidationMethod") or "EMAIL"
        if method == "HTTP":
            raise AwsError("InvalidParameterException", "HTTP validation is available only for "
                           "certificates that CloudFront uses (not modelled by this fake)")
        if req.get("CertificateAuthorityArn"):
            raise AwsError("InvalidArnException", "Private certificate authorities are not "
                           "modelled by this fake")
        key = req.get("KeyAlgorithm") or "RSA_2048"
        if key not in REQUEST_KEYS:
            raise AwsError("InvalidParameterException", f"Key algorithm {key} cannot be "
                           f"requested; use one of {', '.join(REQUEST_KEYS)}")
        domain = req["DomainName"].lower().rstrip(".")
        names = [domain]
        for n in req.get("SubjectAlternativeNames") or []:
            n = n.lower().rstrip(".")
            if n not in names:
                names.append(n)
        if len(names) > MAX_NAMES:
            raise AwsError("LimitExceededException", "Certificate has too many domains.")
        vdomains = {o["DomainName"].lower(): o["ValidationDomain"].lower()
                    for o in req.get("DomainValidationOptions") or []}
        for d, vd in vdomains.items():
            base = d[2:] if d.startswith("*.") else d
            if d not in names or not (base == vd or base.endswith("." + vd)):
                raise AwsError("InvalidDomainValidationOptionsException",
                               f"DomainValidationOptions: {vd} is not {d} or a domain above it "
                               "among the certificate's names")
        tags = self._tags_in(req.get("Tags"), {})
        arn = self.world.arn("acm", ctx.region, "certificate/" + self.world.new_uuid(), ctx.account)
        self.order += 1
        self.certs[arn] = {
            "arn": arn, "account": ctx.account, "region": ctx.region, "domain": domain,
            "names": names, "method": method, "key": key, "created": now, "status":
            "PENDING_VALIDATION", "issued": None, "tags": tags, "order": self.order,
            "serial": ":".join("%02x" % self.world.random.randrange(256) for _ in range(16)),
            "validations": [{"domain": n, "vdomain": vdomains.get(n, n),
                             "status": "PENDING_VALIDATION", "done": None} for n in names]}
        if token:
            self.tokens[(ctx.account, ctx.region, token)] = (arn, now)
        return {"CertificateArn": arn}

    def DescribeCertificate(self, req, ctx):
        return {"Certificate": self._detail(self._cert(req["CertificateArn"], ctx))}

    def ListCertificates(self, req, ctx):
        wanted = req.get("CertificateStatuses")
        keys = (req.get("Includes") or {}).get("keyTypes") or DEFAULT_KEY_TYPES
        items = []
        for c in sorted(self.certs.values(), key=lambda c: c["order"]):
            if c["account"] != ctx.account or c["region"] != ctx.region:
                continue
            d = self._detail(c)
            if (wanted and d["Status"] not in wanted) or c["key"] not in keys:
                continue
            s = {k: d[k] for k in ("CertificateArn", "DomainName", "Status", "Type", "KeyAlgorithm",
                                   "RenewalEligibility", "CreatedAt") if k in d}
            s["SubjectAlternativeNameSummaries"] = d["SubjectAlternativeNames"]
            s["HasAdditionalSubjectAlternativeNames"] = False
            s["InUse"] = bool(d["InUseBy"])
            for k in ("IssuedAt", "NotBefore", "NotAfter"):
                if k in d:
                    s[k] = d[k]
            items.append(s)
        start = 0
        if req.get("NextToken"):
            try:
                start = int(req["NextToken"])
            except ValueError:
                raise AwsError("InvalidArgsException", "The NextToken is not valid.")
        limit = req.get("MaxItems") or 1000
        out = {"CertificateSummaryList": items[start:start + limit]}
        if start + limit < len(items):
            out["NextToken"] = str(start + limit)
        return out

    def DeleteCertificate(self, req, ctx):
        c = self._cert(req["CertificateArn"], ctx)
        if self._in_use(c):
            raise AwsError("ResourceInUseException", f"Certificate {c['arn']} in account "
                           f"{c['account']} is in use.")
        del self.certs[c["arn"]]
        return {}

    def AddTagsToCertificate(self, req, ctx):
        c = self._cert(req["CertificateArn"], ctx)
        c["tags"] = self._tags_in(req["Tags"], c["tags"])
        return {}

    def RemoveTagsFromCertificate(self, req, ctx):
        c = self._cert(req["CertificateArn"], ctx)
        for t in req["Tags"]:
            if t["Key"] in c["tags"] and (t.get("Value") is None or c["tags"][t["Key"]] == t["Value"]):
                del c["tags"][t["Key"]]
        return {}

    def ListTagsForCertificate(self, req, ctx):
        c = self._cert(req["CertificateArn"], ctx)
        out = {}
        if c["tags"]:
            out["Tags"] = [{"Key": k, "Value": v} for k, v in c["tags"].items()]
        return out

    # ---- cross-service -----------------------------------------------------------

    def listener_refusal(self, arn, account, region):
        """The AwsError ELBv2 answers when a listener of `account` in `region` may not use
        the certificate, else None (see the module's docstring)."""
        m = ARN_RX.fullmatch(arn)
        if m is None or m.group(2) != account:
            return None
        c = self.certs.get(arn)
        if c is not None:
            self._refresh_one(c)
        if c is None or c["region"] != region or (
                c["status"] == "ISSUED" and
                not self.world.clock.reached(c["issued"] + self.propagation * self.world.clock.scale)):
            return AwsError("CertificateNotFound", f"Certificate '{arn}' not found")
        if c["status"] != "ISSUED":
            return AwsError("UnsupportedCertificate", f"The certificate '{arn}' must have a "
                            "fully-qualified domain name, a supported signature, and a supported "
                            "key size.")
        return None

    def viewer_certificate_refusal(self, arn, account, aliases):
        """The AwsError CloudFront answers when a distribution of `account` with these
        aliases may not serve with the certificate, else None: it must be the account's,
        in us-east-1 and ISSUED, and each alias must be one of its names or under one of
        its wildcards (one label deep). Other accounts' certificates are not checked."""
        m = ARN_RX.fullmatch(arn)
        if m is not None and m.group(2) != account:
            return None
        c = self.certs.get(arn) if m is not None else None
        if c is not None:
            self._refresh_one(c)
        if c is None or c["region"] != "us-east-1" or c["status"] != "ISSUED":
            return AwsError("InvalidViewerCertificate", "The specified SSL certificate doesn't exist, isn't in "
                            "us-east-1 region, isn't valid, or doesn't include a valid certificate chain.", 400)
        names = {n.lower() for n in c["names"]}
        for alias in aliases:
            a = alias.lower()
            parent = a.split(".", 1)[1] if "." in a else ""
            if a not in names and f"*.{parent}" not in names:
                return AwsError("InvalidViewerCertificate", "The certificate that is attached to your "
                                "distribution doesn't cover the alternate domain name (CNAME) that you're "
                                f"trying to add: {alias}.", 400)
        return None

    def control(self, method, path, doc):
        """POST /_fake/acm/settings {"propagation_seconds": N}."""
        if method != "POST" or path != ["settings"]:
            return 404, {"error": "acm control endpoints: POST /_fake/acm/settings"}
        seconds = doc.get("propagation_seconds") if isinstance(doc, dict) else None
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= 3600:
            return 400, {"error": 'expected {"propagation_seconds": 0..3600}'}
        self.propagation = seconds
        return 200, {"propagation_seconds": seconds}

    def resources(self):
        out = []
        for c in sorted(self.certs.values(), key=lambda c: c["order"]):
            self._refresh_one(c)
            out.append({"id": c["arn"], "arn": c["arn"], "domain": c["domain"],
                        "names": list(c["names"]), "status": c["status"],
                        "region": c["region"], "in_use_by": self._in_use(c),
                        "tags": dict(c["tags"])})
        return {"certificates": out}


SERVICE = ACM
