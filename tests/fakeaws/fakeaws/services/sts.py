"""STS: who am I, and temporary credentials that the server then accepts."""

import datetime

from ..core import AwsError, Service
from ..util import UTC, rand_chars


class Sts(Service):
    name = "sts"

    def reset(self):
        self.issued = []

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
        token = req["WebIdentityToken"]
        if token.count(".") != 2:
            raise AwsError("InvalidIdentityToken", "Couldn't parse the web identity token: "
                           "it is not a JWT (header.payload.signature).", 400)
        iam, role = self._role(req["RoleArn"])
        if role is None or not iam.role_assumable(role["Arn"]):
            raise AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        out = self._issue(ctx, role, req["RoleSessionName"], req.get("DurationSeconds"),
                          "AssumeRoleWithWebIdentity")
        out["SubjectFromWebIdentityToken"] = "fakeaws-subject"
        out["Audience"] = "sts.amazonaws.com"
        out["Provider"] = "fakeaws"
        return out


SERVICE = Sts
