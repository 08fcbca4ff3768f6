"""Parameter Store reads over many parameters (a mixin of services/ssm.py):
GetParametersByPath and DescribeParameters with their filters and opaque page tokens.

Filters as AWS documents them: DescribeParameters takes either the old Filters (Name,
Type, KeyId) or ParameterFilters (Name with Equals/BeginsWith/Contains, Type, KeyId,
Tier, DataType, tag:KEY with Equals/BeginsWith, Path with OneLevel/Recursive), not both;
GetParametersByPath takes ParameterFilters on Type, KeyId (Equals/BeginsWith) and Label
(Equals). Anything else: InvalidFilterKey / InvalidFilterOption / InvalidFilterValue."""

import base64

from ...core import AwsError

BY_PATH_KEYS = ("Type", "KeyId", "Label")
DESCRIBE_KEYS = ("Name", "Type", "KeyId", "Path", "Tier", "DataType")


def _token(n):
    return base64.b64encode(f"fakeaws-ssm:{n}".encode()).decode()


def _offset(token):
    try:
        text = base64.b64decode(token, validate=True).decode()
        if text.startswith("fakeaws-ssm:"):
            return int(text.split(":", 1)[1])
    except (ValueError, UnicodeDecodeError):
        pass
    raise AwsError("InvalidNextToken", "The specified token is not valid.")


def _options(key, by_path):
    if key == "Path":
        return ("OneLevel", "Recursive")
    if key == "Name":
        return ("Equals", "BeginsWith", "Contains")
    if key == "Label":
        return ("Equals",)
    return ("Equals", "BeginsWith")


def _check_filters(filters, by_path):
    for f in filters or []:
        key = f["Key"]
        allowed = BY_PATH_KEYS if by_path else DESCRIBE_KEYS
        if key not in allowed and not (key.startswith("tag:") and not by_path):
            raise AwsError("InvalidFilterKey", "")
        opt = f.get("Option")
        if opt is not None and opt not in _options(key, by_path):
            raise AwsError("InvalidFilterOption", f"The filter option '{opt}' is not valid for key "
                           f"'{key}'. Valid options are: {', '.join(_options(key, by_path))}.")
        if not f.get("Values") and not key.startswith("tag:"):
            raise AwsError("InvalidFilterValue", f"The filter '{key}' needs at least one value.")
        if key == "Path" and any(not v.startswith("/") for v in f["Values"]):
            raise AwsError("InvalidFilterValue", "A Path filter value must begin with a slash (/).")


def _under(name, path, recursive):
    base = path.rstrip("/") + "/"
    if not name.startswith(base) or name == base:
        return False
    return recursive or "/" not in name[len(base):]


def _text_matches(have, values, option):
    if have is None:
        return False
    if option == "BeginsWith":
        return any(have.startswith(v) for v in values)
    if option == "Contains":
        return any(v in have for v in values)
    return have in values


class QueryMixin:
    def _paged(self, items, req, max_default, member):
        start = _offset(req["NextToken"]) if req.get("NextToken") else 0
        if start > len(items):
            raise AwsError("InvalidNextToken", "The specified token is not valid.")
        limit = req.get("MaxResults") or max_default
        out = {member: items[start:start + limit]}
        if start + limit < len(items):
            out["NextToken"] = _token(start + limit)
        return out

    def _matches(self, p, f):
        key, values = f["Key"], f.get("Values") or []
        cur = self._cur(p)
        if key == "Path":
            recursive = f.get("Option") == "Recursive"
            return any(_under(p["name"], v, recursive) for v in values)
        if key.startswith("tag:"):
            tag = key[4:]
            return tag in p["tags"] and (not values or _text_matches(p["tags"][tag], values,
                                                                       f.get("Option") or "Equals"))
        have = {"Name": p["name"], "Type": p["type"], "KeyId": cur["key_id"], "Tier": p["tier"],
                "DataType": cur["data_type"]}[key]
        return _text_matches(have, values, f.get("Option") or "Equals")

    def GetParametersByPath(self, req, ctx):
        path = req["Path"]
        if not path.startswith("/"):
            raise AwsError("ValidationException", "The parameter doesn't meet the parameter name "
                           "requirements. The parameter name must begin with a forward slash \"/\".")
        filters = req.get("ParameterFilters") or []
        _check_filters(filters, by_path=True)
        labels = [v for f in filters if f["Key"] == "Label" for v in f["Values"]]
        rest = [f for f in filters if f["Key"] != "Label"]
        items = []
        for p in sorted(self.params.values(), key=lambda p: p["name"]):
            if p["region"] != ctx.region or not _under(p["name"], path, bool(req.get("Recursive"))):
                continue
            if not all(self._matches(p, f) for f in rest):
                continue
            n, v, sel = p["version"], self._cur(p), None
            if labels:
                hit = [(k, x) for k, x in p["versions"].items() if set(x["labels"]) & set(labels)]
                if not hit:
                    continue
                n, v = hit[0]
                sel = sorted(set(v["labels"]) & set(labels))[0]
            items.append((p, n, v, sel))
        page = self._paged(items, req, 10, "Parameters")
        page["Parameters"] = [self._out(ctx, p, n, v, req.get("WithDecryption"), sel)
                              for p, n, v, sel in page["Parameters"]]
        return page

    def DescribeParameters(self, req, ctx):
        if req.get("Filters") and req.get("ParameterFilters"):
            raise AwsError("ValidationException", "You can use either Filters or ParameterFilters in a "
                           "single request, but not both.")
        filters = [dict(f, Option="BeginsWith" if f["Key"] == "Name" else "Equals")
                   for f in req.get("Filters") or []]
        _check_filters(req.get("ParameterFilters"), by_path=False)
        filters += req.get("ParameterFilters") or []
        items = [self._metadata(p) for p in sorted(self.params.values(), key=lambda p: p["name"])
                 if p["region"] == ctx.region and all(self._matches(p, f) for f in filters)]
        return self._paged(items, req, 10, "Parameters")

    def _metadata(self, p):
        v = self._cur(p)
        out = {"Name": p["name"], "ARN": self._arn(p), "Type": p["type"],
               "LastModifiedDate": v["modified"], "LastModifiedUser": v["user"],
               "Version": p["version"], "Tier": p["tier"], "Policies": list(v["policies"]),
               "DataType": v["data_type"]}
        for k, f in (("KeyId", "key_id"), ("Description", "description"), ("AllowedPattern", "pattern")):
            if v[f] is not None:
                out[k] = v[f]
        return out
