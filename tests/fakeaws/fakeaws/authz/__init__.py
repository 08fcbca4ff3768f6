"""IAM authorization, as AWS applies it to the calls of an assumed role: every call signed
with temporary credentials of a role session (AssumeRole, AssumeRoleWithWebIdentity) is
judged against the role's identity policies (inline and attached) before it runs, and
refused as AWS refuses it (UnauthorizedOperation for EC2, AccessDeniedException for JSON
services, AccessDenied otherwise, naming the action and resource). Calls with long-term
keys are the account's own (root): allowed.

What each call asks IAM is in model.py, the evaluation in policy.py. Every call the fake
models gets its request recorded in the call log (GET /_fake/calls: "authz"), so that a
test can ask what a role would have been allowed for calls someone else made:
POST /_fake/iam/simulate {"role": NAME, "since": SEQ} -> {"calls": n, "denied": [...],
"unmodelled": [...]} (control.py)."""

from ..core import AwsError
from . import model, policy


def _role_of(world, caller_arn):
    """The role record of an assumed-role session ARN, or None."""
    if not caller_arn or ":assumed-role/" not in caller_arn:
        return None
    name = caller_arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
    return world.services["iam"].roles.get(name)


def documents(world, role):
    iam = world.services["iam"]
    docs = list(role["inline"].values())
    docs += [d for d in (iam._policy_doc(a) for a in role["attached"]) if d is not None]
    return docs


def judge(docs, call):
    """(decision, action, resource) of the first request not allowed, or ("allow", ...)."""
    for action, resource, keys in call.items:
        context = dict(call.context)
        context.update(keys)
        d = policy.decide(docs, action, resource, context)
        if d != "allow":
            return d, action, resource
    return "allow", None, None


def as_record(call):
    if call is None:
        return None
    return {"requests": [[a, r, k] for a, r, k in call.items], "context": call.context}


def from_record(rec):
    call = model.Call()
    call.items = [(a, r, k) for a, r, k in rec["requests"]]
    call.context = rec["context"]
    return call


_CODES = {"ec2": ("UnauthorizedOperation", 403)}
_JSON_SERVICES = {"ecs", "logs", "secretsmanager", "servicediscovery", "application-autoscaling", "ssm",
                  "kms", "efs", "acm"}


def denied(service, caller, decision, action, resource):
    code, status = _CODES.get(service, ("AccessDeniedException", 400) if service in _JSON_SERVICES
                              else ("AccessDenied", 403))
    why = ("with an explicit deny in an identity-based policy" if decision == "deny"
           else f"because no identity-based policy allows the {action} action")
    return AwsError(code, f"User: {caller} is not authorized to perform: {action} on resource: {resource} "
                          f"{why}", status)


def before_call(world, service, op, params, ctx):
    """Called under the world lock before the handler: (the record of what IAM judges, for
    the call log; the refusal to answer, or None), refusing when the caller is a role
    session that may not make the call."""
    call = model.call_of(world, service, op, params, ctx)
    role = _role_of(world, getattr(ctx, "caller_arn", None))
    refusal = None
    if role is not None and call is None:
        refusal = AwsError("AccessDenied", f"fakeaws models no IAM authorization for {service}:{op}, so it "
                                           f"cannot judge a call of {ctx.caller_arn}", 403)
    elif role is not None:
        decision, action, resource = judge(documents(world, role), call)
        if decision != "allow":
            refusal = denied(service, ctx.caller_arn, decision, action, resource)
    return as_record(call), refusal


def simulate(world, calls, role_name):
    """Judge recorded calls as if role_name had made them."""
    role = world.services["iam"].roles.get(role_name)
    if role is None:
        return 404, {"error": "NoSuchEntity", "message": f"no role {role_name}"}
    docs = documents(world, role)
    out = {"calls": 0, "denied": [], "unmodelled": []}
    for c in calls:
        if not c.get("service") or not c.get("operation") or c.get("status") is None:
            continue
        if c.get("error") in ("MissingAuthenticationToken", "SignatureDoesNotMatch", "InvalidClientTokenId"):
            continue
        out["calls"] += 1
        rec = c.get("authz")
        if rec is None:
            if c.get("authz_skipped"):
                continue
            out["unmodelled"].append(f"{c['service']}:{c['operation']}")
            continue
        decision, action, resource = judge(docs, from_record(rec))
        if decision != "allow":
            out["denied"].append({"seq": c["seq"], "call": f"{c['service']}:{c['operation']}",
                                  "action": action, "resource": resource, "decision": decision})
    out["unmodelled"] = sorted(set(out["unmodelled"]))
    return 200, out
