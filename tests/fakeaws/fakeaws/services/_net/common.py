"""Helpers shared by the network services of the fake (EC2, ELBv2, Cloud Map):
tags, Describe* filters, pagination tokens, CIDR arithmetic, zones."""

import base64
import datetime
import fnmatch
import ipaddress
import json
import re

from fakeaws.core import AwsError


def utc(epoch):
    """An epoch float as the aware UTC datetime the server serialises."""
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


# ---- tags -----------------------------------------------------------------

def tags_from_specs(req, resource_type):
    """The tags of TagSpecifications entries for `resource_type` as a dict.
    EC2 refuses specifications for another resource type."""
    tags = {}
    for spec in req.get("TagSpecifications") or []:
        rtype = spec.get("ResourceType")
        if rtype and rtype != resource_type:
            raise AwsError("InvalidParameterValue",
                           f"'{rtype}' is not a valid taggable resource type for this operation.")
        for t in spec.get("Tags") or []:
            check_tag(t.get("Key"), t.get("Value", ""))
            tags[t["Key"]] = t.get("Value", "")
    return tags


def check_tag(key, value):
    if key is None or key == "":
        raise AwsError("InvalidParameterValue", "Tag key must not be empty.")
    if len(key) > 128:
        raise AwsError("InvalidParameterValue",
                       f"Tag key exceeds the maximum length of 128 characters: {key[:20]}...")
    if key.lower().startswith("aws:"):
        raise AwsError("InvalidParameterValue",
                       "Tag keys starting with 'aws:' are reserved for internal use")
    if value is not None and len(value) > 256:
        raise AwsError("InvalidParameterValue",
                       "Tag value exceeds the maximum length of 256 characters")


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


# ---- filters --------------------------------------------------------------

def _as_strings(v):
    if v is None:
        return []
    if isinstance(v, (list, tuple, set)):
        out = []
        for x in v:
            out.extend(_as_strings(x))
        return out
    if isinstance(v, bool):
        return ["true" if v else "false"]
    return [str(v)]


def match_filters(filters, resource, fields, tags):
    """True when `resource` matches every EC2 filter. `fields` maps a filter name to a
    function(resource) giving a value or a list of values; tag:K, tag-key and tag-value
    are handled for every kind. Values take * and ? wildcards, as EC2 does."""
    for f in filters or []:
        name = f.get("Name") or ""
        wanted = f.get("Values") or []
        if name.startswith("tag:"):
            key = name[4:]
            have = [tags[key]] if key in tags else []
        elif name == "tag-key":
            have = list(tags.keys())
        elif name == "tag-value":
            have = list(tags.values())
        elif name in fields:
            have = _as_strings(fields[name](resource))
        else:
            raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")
        if not any(fnmatch.fnmatchcase(h, w) for h in have for w in wanted):
            return False
    return True


# ---- pagination -----------------------------------------------------------

def paginate(items, req, key, token_field="NextToken", limit_field="MaxResults",
             default_limit=None, out_field=None, bad_token_code=None):
    """Slice `items` per MaxResults/NextToken (or PageSize/Marker with out_field
    NextMarker); returns {key: page[, NextToken]}."""
    start = 0
    token = req.get(token_field)
    if token:
        try:
            start = int(json.loads(base64.b64decode(token.encode()).decode())["o"])
        except Exception:
            raise AwsError(bad_token_code or ("InvalidParameterValue" if token_field ==
                                              "NextToken" else "ValidationError"),
                           f"The token '{token}' is invalid.") from None
    limit = req.get(limit_field) or default_limit
    out = {}
    if limit:
        page = items[start:start + limit]
        if start + limit < len(items):
            nxt = base64.b64encode(json.dumps({"o": start + limit}).encode()).decode()
            out[out_field or token_field] = nxt
    else:
        page = items[start:]
    out[key] = page
    return out


# ---- CIDR -----------------------------------------------------------------

def parse_cidr(text, param="cidrBlock"):
    """An IPv4Network from strict CIDR text, else EC2's InvalidParameterValue."""
    return _cidr(text, lambda t: ipaddress.IPv4Network(t, strict=True),
                 f"Value ({text}) for parameter {param} is invalid. This is not a valid CIDR block.")


def parse_cidr_loose(text, param="cidrIp"):
    """A security group CIDR: host bits may be set (EC2 keeps the text as given)."""
    return _cidr(text, lambda t: ipaddress.ip_network(t, strict=False), f"CIDR block {text} is malformed")


def _cidr(text, parse, message):
    """parse(text) of CIDR text, which must have a prefix length; else InvalidParameterValue
    with `message`."""
    try:
        if "/" not in text:
            raise ValueError
        return parse(text)
    except (ValueError, TypeError):
        raise AwsError("InvalidParameterValue", message) from None


# ---- EC2 ids -----------------------------------------------------------------

MALFORMED = {"vpc": "InvalidVpcID.Malformed", "subnet": "InvalidSubnetID.Malformed",
             "sg": "InvalidGroupId.Malformed"}


def check_id(rid, prefix):
    """EC2 answers a `.Malformed` code for an id that cannot be one (not its prefix and
    hex digits) before it looks anything up; a well-formed unknown id is `.NotFound`."""
    if not re.fullmatch(prefix + r"-[0-9a-f]{1,32}", rid or ""):
        raise AwsError(MALFORMED[prefix], f'Invalid id: "{rid}" (expecting "{prefix}-...")')


# ---- regions and zones ----------------------------------------------------

# The commercial regions every account has, and some that must be opted into.
ENABLED_REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1",
                   "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
                   "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2",
                   "eu-west-3", "eu-north-1", "sa-east-1")
OPT_IN_REGIONS = ("af-south-1", "ap-east-1", "eu-south-1", "me-south-1")

ZONE_COUNT = {"us-east-1": 6, "us-west-2": 4, "us-west-1": 2, "ap-northeast-1": 3}


def region_code(region):
    """us-east-1 -> use1 (the prefix of zone ids such as use1-az1)."""
    parts = region.split("-")
    if len(parts) < 3:
        return region.replace("-", "")
    return parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]


def zones(region):
    """[(zone name, zone id), ...] for a region: us-east-1a, use1-az1, ..."""
    n = ZONE_COUNT.get(region, 3)
    code = region_code(region)
    return [(region + "abcdef"[i], f"{code}-az{i + 1}") for i in range(n)]
