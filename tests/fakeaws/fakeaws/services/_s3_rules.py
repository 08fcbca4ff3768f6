"""S3's judgement of two bucket settings: whether a bucket policy statement is public (what
BlockPublicPolicy refuses) and whether CORS rules are valid."""

import copy

from ..core import AwsError
from ..util import as_list

# Condition keys that, with fixed values, make a statement for "*" non-public (S3's
# "meaning of public").
_FIXING_KEYS = {"aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
                "aws:sourceip", "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid",
                "aws:principalorgid", "aws:principalaccount"}
CORS_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_CORS_RULES = 100


def _fixed(values):
    return all(isinstance(v, str) and "*" not in v and "?" not in v and not v.endswith("/0")
               for v in as_list(values))


def public_statement(st):
    """An Allow for every principal ("*") is public unless a condition pins it to fixed values
    of one of the keys above; a fixed principal (account, role, service) is not public."""
    if st.get("Effect") != "Allow":
        return False
    pr = st.get("Principal")
    everyone = pr == "*" or (isinstance(pr, dict) and "*" in as_list(pr.get("AWS")))
    if not everyone:
        return False
    for op in (st.get("Condition") or {}).values():
        if isinstance(op, dict) and any(k.lower() in _FIXING_KEYS and _fixed(v) for k, v in op.items()):
            return False
    return True


def _wildcards(values, what):
    for v in values or []:
        if v.count("*") > 1:
            raise AwsError("InvalidRequest", f'{what} "{v}" can not have more than one wildcard.', 400)


def check_cors(rules):
    """The rules as S3 stores them, or AwsError."""
    if not rules:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                                       "our published schema", 400)
    if len(rules) > MAX_CORS_RULES:
        raise AwsError("InvalidRequest", f"The number of CORS rules should not exceed allowed limit of "
                                         f"{MAX_CORS_RULES} rules.", 400)
    for r in rules:
        if not r.get("AllowedMethods") or not r.get("AllowedOrigins"):
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                                           "our published schema", 400)
        for m in r["AllowedMethods"]:
            if m not in CORS_METHODS:
                raise AwsError("InvalidRequest", f"Found unsupported HTTP method in CORS config. Unsupported "
                                                 f"method is {m}", 400)
        _wildcards(r["AllowedOrigins"], "AllowedOrigin")
        _wildcards(r.get("AllowedHeaders"), "AllowedHeader")
        for h in r.get("ExposeHeaders") or []:
            if "*" in h:
                raise AwsError("InvalidRequest", f'ExposeHeader "{h}" contains wildcard. We currently do not '
                                                 "support wildcard for ExposeHeader.", 400)
        if len(r.get("ID") or "") > 255:
            raise AwsError("InvalidArgument", "The ID of a CORS rule can have at most 255 characters.", 400)
    return copy.deepcopy(rules)
