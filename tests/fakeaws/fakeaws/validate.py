"""Checks a decoded request against its input shape: required members, types, enums,
lengths, ranges and patterns, as AWS's front ends do before any handler runs.

validate() returns a list of Problem; the protocol turns the first one(s) into the error
that service answers (see protocols/*.py and models.VALIDATION_CODES)."""

import datetime
import re

_PATTERNS = {}


def _pattern(p):
    if p not in _PATTERNS:
        try:
            _PATTERNS[p] = re.compile(p, re.S)
        except re.error:
            _PATTERNS[p] = None     # Java-only syntax (\p{L} ...): not checked
    return _PATTERNS[p]


class Problem:
    """kind: missing, type, enum, min_len, max_len, min_val, max_val, pattern, unknown."""

    def __init__(self, kind, path, wire, value, constraint):
        self.kind = kind
        self.path = path            # Coral style path: 'tags.1.member.key'
        self.wire = wire            # the name as the client sent it (query/ec2 names)
        self.value = value
        self.constraint = constraint

    def coral(self):
        return f"Value {_show(self.value)} at '{self.path}' failed to satisfy constraint: {self.constraint}"


def _show(v):
    if v is None:
        return "null"
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if isinstance(v, bytes):
        return "java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]" % (len(v), len(v))
    return str(v)


def coral_message(problems):
    n = len(problems)
    head = f"{n} validation error{'s' if n != 1 else ''} detected: "
    return head + "; ".join(p.coral() for p in problems)


def _lc(name):
    return name[:1].lower() + name[1:]


def wire_name(shape_ref, name, protocol):
    """A member's name on the wire: for EC2 its queryName, else its name capitalised;
    for the other protocols its name, if the model gives one."""
    ser = shape_ref.serialization
    if protocol == "ec2":
        if "queryName" in ser:
            return ser["queryName"]
        if "name" in ser:
            return ser["name"][:1].upper() + ser["name"][1:]
        return name
    return ser.get("name", name)


def validate(value, shape, protocol, limit=10):
    problems = []
    if shape is None:
        return problems
    _check_struct(value or {}, shape, "", "", protocol, problems, limit)
    return problems


def _join(a, b):
    return f"{a}.{b}" if a else b


def _check_struct(value, shape, path, wire, protocol, problems, limit):
    if not isinstance(value, dict):
        problems.append(Problem("type", path, wire, value, "Member must be a structure"))
        return
    members = shape.members
    for req in shape.required_members:
        if value.get(req) is None and req in members:
            ref = members[req]
            problems.append(Problem("missing", _join(path, _lc(req)),
                                    _join(wire, wire_name(ref, req, protocol)), None,
                                    "Member must not be null"))
    for name, v in value.items():
        if len(problems) >= limit:
            return
        ref = members.get(name)
        if ref is None:
            problems.append(Problem("unknown", _join(path, _lc(name)), _join(wire, name), v,
                                    "Unknown member"))
            continue
        if v is None:
            continue
        _check(v, ref, _join(path, _lc(name)), _join(wire, wire_name(ref, name, protocol)),
               protocol, problems, limit)


def _check(v, shape, path, wire, protocol, problems, limit):
    t = shape.type_name
    md = shape.metadata
    if t == "structure":
        if shape.metadata.get("document"):
            return
        _check_struct(v, shape, path, wire, protocol, problems, limit)
        return
    if t == "list":
        if not _collection(v, list, md, path, wire, problems):
            return
        for i, item in enumerate(v, 1):
            if item is None:
                continue
            _check(item, shape.member, f"{path}.{i}.member", f"{wire}.{i}", protocol, problems, limit)
        return
    if t == "map":
        if not _collection(v, dict, md, path, wire, problems):
            return
        for k, item in v.items():
            _check(k, shape.key, f"{path}.{k}.key", wire, protocol, problems, limit)
            if item is not None:
                _check(item, shape.value, f"{path}.{k}.member", wire, protocol, problems, limit)
        return
    if t == "string":
        if not isinstance(v, str):
            problems.append(Problem("type", path, wire, v, "Member must be a string"))
            return
        enum = shape.enum
        if enum and v not in enum:
            problems.append(Problem("enum", path, wire, v,
                                    "Member must satisfy enum value set: [" + ", ".join(enum) + "]"))
            return
        _range(len(v), md, path, wire, v, problems, "length")
        pat = md.get("pattern")
        if pat:
            rx = _pattern(pat)
            if rx is not None and not rx.fullmatch(v):
                problems.append(Problem("pattern", path, wire, v,
                                        "Member must satisfy regular expression pattern: " + pat))
        return
    if t in ("integer", "long"):
        if isinstance(v, bool) or not isinstance(v, int):
            problems.append(Problem("type", path, wire, v, "Member must be a number"))
            return
        _range(v, md, path, wire, v, problems, "value")
        return
    if t in ("float", "double"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(Problem("type", path, wire, v, "Member must be a number"))
            return
        _range(v, md, path, wire, v, problems, "value")
        return
    if t == "boolean":
        if not isinstance(v, bool):
            problems.append(Problem("type", path, wire, v, "Member must be a boolean"))
        return
    if t == "timestamp":
        if not isinstance(v, datetime.datetime):
            problems.append(Problem("type", path, wire, v, "Member must be a timestamp"))
        return
    if t == "blob":
        if not isinstance(v, (bytes, bytearray)) and not hasattr(v, "read"):
            problems.append(Problem("type", path, wire, v, "Member must be a blob"))
            return
        if isinstance(v, (bytes, bytearray)):
            _range(len(v), md, path, wire, v, problems, "length")
        return


def _collection(v, kind, md, path, wire, problems):
    """A list or map member (kind: list or dict): a problem when v is not one, else its
    length checked against the shape's min and max; False when its items cannot be read."""
    if not isinstance(v, kind):
        problems.append(Problem("type", path, wire, v,
                                "Member must be a " + ("list" if kind is list else "map")))
        return False
    _range(len(v), md, path, wire, v, problems, "length")
    return True


def _range(n, md, path, wire, v, problems, what):
    lo, hi = md.get("min"), md.get("max")
    if lo is not None and n < lo:
        problems.append(Problem("min_" + ("len" if what == "length" else "val"), path, wire, v,
                                f"Member must have {what} greater than or equal to {_num(lo)}"))
    elif hi is not None and n > hi:
        problems.append(Problem("max_" + ("len" if what == "length" else "val"), path, wire, v,
                                f"Member must have {what} less than or equal to {_num(hi)}"))


def _num(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x
