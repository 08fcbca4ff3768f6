"""IAM's evaluation of identity policies for one request: an explicit Deny wins, else an
Allow is needed (no Allow: implicit deny). A statement applies when its Action (or
NotAction) matches the action, its Resource (or NotResource) the resource, and every
condition holds.

Conditions modelled: the String*, Arn*, Bool and Null operators, with the IfExists suffix
and the ForAnyValue:/ForAllValues: prefixes for keys with several values (aws:TagKeys).
Keys compare without case, values with case (except ...IgnoreCase); a condition on a key
the request does not have fails, except with IfExists, ForAllValues: or a negated operator
(StringNotEquals, ...), which then hold. Wildcards are * and ? in actions
(without case), resources and *Like values. Policy variables (${aws:username}) are not
modelled: a statement holding one never applies, so a policy relying on them fails here."""

import re

from ..util import as_list, policy_statements


def _glob(pattern, text, ignore_case=False):
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, text, re.S | (re.I if ignore_case else 0)) is not None


def _arn_like(pattern, arn):
    """ArnLike compares the six ARN parts each as a glob (a '*' does not span a ':' of the
    first five)."""
    p, a = pattern.split(":", 5), arn.split(":", 5)
    if len(p) != 6 or len(a) != 6:
        return False
    return all(_glob(x, y) for x, y in zip(p, a))


_STRING_OPS = {
    "StringEquals": lambda p, v: p == v,
    "StringNotEquals": lambda p, v: p != v,
    "StringEqualsIgnoreCase": lambda p, v: p.lower() == v.lower(),
    "StringNotEqualsIgnoreCase": lambda p, v: p.lower() != v.lower(),
    "StringLike": lambda p, v: _glob(p, v),
    "StringNotLike": lambda p, v: not _glob(p, v),
    "ArnEquals": lambda p, v: p == v,
    "ArnLike": _arn_like,
    "ArnNotEquals": lambda p, v: p != v,
    "ArnNotLike": lambda p, v: not _arn_like(p, v),
    "Bool": lambda p, v: str(p).lower() == str(v).lower(),
}
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def _lookup(context, key):
    for k, v in context.items():
        if k.lower() == key.lower():
            return as_list(v)
    return None


def _holds(op, key, wanted, context):
    if op == "Null":
        present = _lookup(context, key) is not None
        return all((str(w).lower() == "true") != present for w in as_list(wanted))
    prefix, _, base = op.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base[:-8] if if_exists else base
    test = _STRING_OPS.get(base)
    if test is None or any("${" in str(w) for w in as_list(wanted)):
        return False
    values = _lookup(context, key)
    if values is None:
        return if_exists or prefix == "ForAllValues" or base in _NEGATED
    wanted = [str(w) for w in as_list(wanted)]
    if prefix == "ForAllValues":
        return all(any(test(w, v) for w in wanted) for v in values)
    if base in _NEGATED:    # every value differs from every pattern
        return all(all(test(w, v) for w in wanted) for v in values)
    return any(test(w, v) for w in wanted for v in values)


def _conditions(cond, context):
    if not cond:
        return True
    if not isinstance(cond, dict):
        return False
    for op, keys in cond.items():
        if not isinstance(keys, dict):
            return False
        for key, wanted in keys.items():
            if not _holds(op, key, wanted, context):
                return False
    return True


def _matches_any(patterns, value, matcher):
    return any(matcher(p, value) for p in as_list(patterns) if isinstance(p, str))


def _action(p, action):
    return _glob(p, action, ignore_case=True)


def _resource(p, resource):
    return p == "*" or _glob(p, resource)


def applies(st, action, resource, context):
    if not isinstance(st, dict):
        return False
    if "Action" in st and not _matches_any(st["Action"], action, _action):
        return False
    if "NotAction" in st and _matches_any(st["NotAction"], action, _action):
        return False
    if "Resource" in st and not _matches_any(st["Resource"], resource, _resource):
        return False
    if "NotResource" in st and _matches_any(st["NotResource"], resource, _resource):
        return False
    return _conditions(st.get("Condition"), context)


def decide(documents, action, resource, context):
    """"allow", "deny" (an explicit Deny) or "implicit" (no statement allows it)."""
    allowed = False
    for doc in documents:
        for st in policy_statements(doc):
            if applies(st, action, resource, context):
                if st.get("Effect") == "Deny":
                    return "deny"
                allowed = allowed or st.get("Effect") == "Allow"
    return "allow" if allowed else "implicit"
