"""STS: who am I, and temporary credentials that the server then accepts.

AssumeRoleWithWebIdentity checks the token as AWS does: a JWT signed by its issuer, not
expired, whose issuer is an OpenID Connect provider of the account (InvalidIdentityToken
otherwise), whose audience is one of that provider's client ids, and that the role's trust
policy lets in: a statement allowing sts:AssumeRoleWithWebIdentity to that provider
(Federated) whose conditions hold for the token's claims as ISSUER-HOST:aud, :sub and any
other claim (AccessDenied otherwise). The fake is the issuer of every provider: a test
asks it for a token with the control request (never signed)
POST /_fake/sts/web-identity-token {"iss": "https://token.actions.githubusercontent.com",
"sub": "repo:acme/shop:ref:refs/heads/main", "aud": "sts.amazonaws.com", "ttl": 300, ...}
-> {"token": "eyJ..."}; a token it did not sign is refused."""

import base64
import datetime
import hashlib
import hmac
import json

from ..authz import policy as iam_policy
from ..core import AwsError, Service
from ..util import UTC, as_list, policy_statements, rand_chars


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _bad_token(why):
    return AwsError("InvalidIdentityToken", why, 400)


class Sts(Service):
    name = "sts"

    def reset(self):
        self.issued = []
        self.signing_key = rand_chars(self.world, 32).encode()

    def control(self, method, segs, doc):
        if method != "POST" or segs != ["web-identity-token"] or not isinstance(doc, dict) \
                or not doc.get("iss") or not doc.get("sub"):
            return 404, {"error": 'sts control: POST /_fake/sts/web-identity-token {"iss": "https://...", '
                                  '"sub": "...", "aud": "...", "ttl": SECONDS}'}
        now = int(self.world.clock.now())
        claims = {k: v for k, v in doc.items() if k != "ttl"}
        claims.setdefault("iat", now)
        claims.setdefault("exp", now + int(doc.get("ttl") or 300))
        head = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "fakeaws"}).encode())
        body = _b64(json.dumps(claims).encode())
        sig = _b64(hmac.new(self.signing_key, f"{head}.{body}".encode(), hashlib.sha256).digest())
        return 200, {"token": f"{head}.{body}.{sig}"}

    def _claims(self, token):
        """The claims of a token the fake signed, or InvalidIdentityToken."""
        parts = token.split(".")
        if len(parts) != 3:
            raise _bad_token("Couldn't parse the web identity token: it is not a JWT (header.payload.signature).")
        try:
            claims = json.loads(_unb64(parts[1]))
            json.loads(_unb64(parts[0]))
        except (ValueError, TypeError):
            raise _bad_token("Couldn't parse the web identity token: its header or payload is not base64url JSON.")
        want = _b64(hmac.new(self.signing_key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not isinstance(claims, dict) or not hmac.compare_digest(want, parts[2]):
            raise _bad_token("The web identity token's signature could not be verified with the keys of its "
                             "issuer.")
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= self.world.clock.now():
            raise AwsError("ExpiredTokenException", "Token expired: the web identity token's exp is in the past.",
                           400)
        return claims

    def _web_identity_trusted(self, iam, role, provider_arn, host, claims):
        context = {}
        for k, v in claims.items():
            if isinstance(v, (str, int, float)) or (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                context[f"{host}:{k}"] = [str(x) for x in as_list(v)]
        for st in policy_statements(role["AssumeRolePolicyDocument"]):
            if not isinstance(st, dict) or st.get("Effect") != "Allow":
                continue
            pr = st.get("Principal")
            if not isinstance(pr, dict) or provider_arn not in as_list(pr.get("Federated")):
                continue
            if not any(iam_policy._action(a, "sts:AssumeRoleWithWebIdentity") for a in as_list(st.get("Action"))):
                continue
            if iam_policy._conditions(st.get("Condition"), context):
                return True
        return False

    def resources(self):
        now = self.world.clock.now()
        return {"sessions": [{"id": s["AccessKeyId"], "arn": s["Arn"], "expires": s["Expiration"]}
                             for s in self.issued if s["expires_epoch"] > now]}

    def _identity(self, ctx):
        arn = getattr(ctx, "caller_arn", None)
        if arn:
            rec = next((s for s in self.issued if s["AccessKeyId"] == ctx.access_key), None)
            return {"UserId": rec["AssumedRoleId"] if rec else ctx.access_key,
                    "Account": ctx.account, "Arn": arn}
        return {"UserId": ctx.account, "Account": ctx.account,
                "Arn": f"arn:aws:iam::{ctx.account}:root"}

    def GetCallerIdentity(self, req, ctx):
        return self._identity(ctx)

    def _role(self, arn):
        iam = self.world.services.get("iam")
        role = iam.role_by_arn(arn) if iam else None
        return iam, role

    def _issue(self, ctx, role, session_name, duration, kind):
        now = self.world.clock.now()
        max_dur = role.get("MaxSessionDuration", 3600)
        if duration is None:
            duration = 3600
        if duration > max_dur:
            raise AwsError("ValidationError", "The requested DurationSeconds exceeds the "
                           "MaxSessionDuration set for this role.", 400)
        ak = "ASIA" + rand_chars(self.world, 16)
        secret = rand_chars(self.world, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        token = "FwoGZXIvYXdzE" + rand_chars(self.world, 300, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        expires = now + duration
        assumed_arn = f"arn:aws:sts::{ctx.account}:assumed-role/{role['RoleName']}/{session_name}"
        role_id = f"{role['RoleId']}:{session_name}"
        self.world.keyring.add(ak, secret, ctx.account, token=token, expires=expires, arn=assumed_arn)
        exp_dt = datetime.datetime.fromtimestamp(expires, UTC).replace(microsecond=0)
        self.issued.append({"AccessKeyId": ak, "Arn": assumed_arn, "AssumedRoleId": role_id,
                            "Expiration": exp_dt.isoformat(), "expires_epoch": expires, "kind": kind})
        return {"Credentials": {"AccessKeyId": ak, "SecretAccessKey": secret, "SessionToken": token,
                                "Expiration": exp_dt},
                "AssumedRoleUser": {"AssumedRoleId": role_id, "Arn": assumed_arn}}

    def AssumeRole(self, req, ctx):
        iam, role = self._role(req["RoleArn"])
        caller = self._identity(ctx)["Arn"]
        if role is None or not iam.trusts(role, "AWS", [ctx.account, caller,
                                                          f"arn:aws:iam::{ctx.account}:root"]) \
                or not iam.role_assumable(role["Arn"]):
            raise AwsError("AccessDenied", f"User: {caller} is not authorized to perform: "
                           f"sts:AssumeRole on resource: {req['RoleArn']}", 403)
        out = self._issue(ctx, role, req["RoleSessionName"], req.get("DurationSeconds"), "AssumeRole")
        out["PackedPolicySize"] = 0 if req.get("Policy") else None
        return out

    def AssumeRoleWithWebIdentity(self, req, ctx):
        claims = self._claims(req["WebIdentityToken"])
        iam, role = self._role(req["RoleArn"])
        iss = str(claims.get("iss") or "")
        host = iss.split("://", 1)[-1].rstrip("/")
        account = req["RoleArn"].split(":")[4] if req["RoleArn"].count(":") >= 5 else ctx.account
        provider_arn = f"arn:aws:iam::{account}:oidc-provider/{host}"
        provider = iam.oidc.get(provider_arn) if iam else None
        if not iss.startswith("https://") or provider is None:
            raise _bad_token(f"No OpenIDConnect provider found in your account for {iss}")
        audiences = [str(a) for a in as_list(claims.get("aud"))]
        if not any(a in provider["ClientIDList"] for a in audiences):
            raise _bad_token("Incorrect token audience")
        if role is None or not iam.role_assumable(role["Arn"]) or \
                not self._web_identity_trusted(iam, role, provider_arn, host, claims):
            raise AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        out = self._issue(ctx, role, req["RoleSessionName"], req.get("DurationSeconds"),
                          "AssumeRoleWithWebIdentity")
        out["SubjectFromWebIdentityToken"] = str(claims.get("sub"))
        out["Audience"] = audiences[0]
        out["Provider"] = provider_arn
        return out


SERVICE = Sts
