#!/usr/bin/python3
"""Round trips through the core's wire codecs for every operation of every service the
fake answers, with seeded random values: botocore's request serializer -> the fake's
decoder must give back the input; the fake's encoder -> botocore's response parser must
give back the output. Catches naming, list, map, timestamp and blob slips in any protocol."""

import datetime
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from fakelib import Report  # noqa: E402
from fakeaws import protocols  # noqa: E402
from fakeaws.models import SERVICES, Models  # noqa: E402
from fakeaws.server import Request  # noqa: E402

UTC = datetime.timezone.utc
# Operations that share method and URI with another one and lose to it on path-style
# 127.0.0.1 (S3 Express's ListDirectoryBuckets needs its own host; the deprecated
# PutBucketNotification gives way to PutBucketNotificationConfiguration).
SHADOWED = {"s3": {"ListDirectoryBuckets", "PutBucketNotification", "GetBucketNotification",
                   "PutBucketLifecycle", "GetBucketLifecycle"}}


def value(shape, rng, depth, out_side):
    t = shape.type_name
    if t == "structure":
        if depth > 4 or shape.metadata.get("document") or shape.is_tagged_union if hasattr(shape, "is_tagged_union") else False:
            return None
        d = {}
        for name, ref in shape.members.items():
            loc = ref.serialization.get("location")
            if ref.serialization.get("eventstream") or ref.type_name == "structure" and ref.metadata.get("exception"):
                continue
            if loc in ("headers",) or ref.serialization.get("xmlAttribute") or loc == "statusCode":
                continue
            if ref.metadata.get("streaming") or ref.serialization.get("streaming"):
                continue
            if name in shape.required_members or rng.random() < 0.5:
                v = value(ref, rng, depth + 1, out_side)
                if v is not None:
                    d[name] = v
        return d
    if t == "list":
        if depth > 4:
            return None
        items = [value(shape.member, rng, depth + 1, out_side) for _ in range(rng.randint(1, 3))]
        items = [i for i in items if i is not None and i != {}]
        return items or None
    if t == "map":
        if depth > 4:
            return None
        m = {}
        for i in range(rng.randint(1, 2)):
            k = value(shape.key, rng, depth + 1, out_side)
            v = value(shape.value, rng, depth + 1, out_side)
            if k is not None and v is not None and v != {}:
                m[k] = v
        return m or None
    if t == "string":
        if shape.enum:
            return rng.choice(shape.enum)
        return rng.choice(["a", "b-c", "x y", "<&>", "ü/é", "k=v"]) + str(rng.randint(0, 99))
    if t in ("integer", "long"):
        lo = int(shape.metadata.get("min", 0))
        return lo + rng.randint(0, 50)
    if t in ("float", "double"):
        return rng.choice([0.5, 1.25, 3.0])
    if t == "boolean":
        return rng.random() < 0.5
    if t == "timestamp":
        return datetime.datetime(2026, 1, 2, 3, 4, 5, rng.choice([0, 123000]), tzinfo=UTC)
    if t == "blob":
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 8)))
    return None


EMPTY = (None, [], {}, b"")


def norm(v):
    """Comparable form: naive UTC datetimes to the second (botocore sends json and header
    timestamps in whole seconds), empty members dropped."""
    if isinstance(v, datetime.datetime):
        return v.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    if isinstance(v, dict):
        out = {k: norm(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x not in EMPTY}
    if isinstance(v, list):
        return [x for x in (norm(x) for x in v) if x not in EMPTY]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def diff(got, want, path=""):
    """The first place two normalised values differ, for messages."""
    if isinstance(got, dict) and isinstance(want, dict):
        for k in sorted(set(got) | set(want)):
            if got.get(k) != want.get(k):
                return diff(got.get(k), want.get(k), f"{path}.{k}")
        return None
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        for i, (a, b) in enumerate(zip(got, want)):
            if a != b:
                return diff(a, b, f"{path}[{i}]")
        return None
    return f"{path}: got {got!r}, want {want!r}"


def same(r, got, want, what):
    got, want = norm(got), norm(want)
    return r.check(got == want, f"{what}: {diff(got, want)}")


def to_request(d):
    """A botocore serialized request dict -> a fakeaws Request."""
    from urllib.parse import urlencode
    body = d["body"]
    if isinstance(body, dict):
        body = urlencode(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    elif body is None:
        body = b""
    path = d["url_path"]
    qs = d.get("query_string")
    if qs:
        from urllib.parse import quote
        if isinstance(qs, dict):
            parts = []
            for k, v in qs.items():
                for x in v if isinstance(v, list) else [v]:
                    parts.append(quote(k, safe="-_.~") + ("=" + quote(str(x), safe="-_.~") if x is not None else ""))
            qs = "&".join(parts)
        path += ("&" if "?" in path else "?") + qs
    headers = {k.lower(): str(v) for k, v in d["headers"].items()}
    return Request(d["method"], path, headers, body)


def main():
    from botocore.parsers import create_parser
    from botocore.serialize import create_serializer
    r = Report()
    models = Models()
    rng = random.Random(20261124)
    for name in SERVICES * 2:          # twice: other optional members, other values
        info = models.get(name)
        proto = protocols.for_service(info)
        ser = create_serializer(info.protocol, include_validation=False)
        parser = create_parser(info.protocol)
        ops = sorted(info.model.operation_names)
        for op_name in ops:
            op = info.operation(op_name)
            if op.has_event_stream_input or op.has_event_stream_output:
                continue
            if op_name in SHADOWED.get(name, ()):
                continue
            # requests
            if op.input_shape is not None:
                inp = value(op.input_shape, rng, 0, False) or {}
                try:
                    d = ser.serialize_to_request(inp, op)
                except Exception as e:      # botocore cannot express it (e.g. empty labels)
                    d = None
                    r.check(True, f"{name}.{op_name}: skipped ({e})")
                if d is not None:
                    req = to_request(d)
                    if hasattr(proto, "params"):
                        req.form = proto.params(req)
                    try:
                        got_op = proto.operation_name(req, info)
                        got = proto.decode(req, info, op)
                        r.eq(got_op, op_name, f"{name}: request routed")
                        if got_op == op_name:
                            same(r, got, inp, f"{name}.{op_name}: request round trip")
                    except Exception as e:
                        r.check(False, f"{name}.{op_name}: request decode failed: {e!r}")
            # responses
            if op.output_shape is not None:
                out = value(op.output_shape, rng, 0, True) or {}
                payload = op.output_shape.serialization.get("payload")
                if payload and op.output_shape.members[payload].type_name in ("blob", "string"):
                    continue
                resp = proto.encode(out, info, op, "rid-1")
                hdrs = dict(resp.headers)
                parsed = parser.parse({"status_code": resp.status, "headers": hdrs, "body": resp.body}, op.output_shape)
                parsed.pop("ResponseMetadata", None)
                for k in list(parsed):
                    ref = op.output_shape.members.get(k)
                    if ref is not None and ref.serialization.get("location") == "statusCode":
                        parsed.pop(k)
                same(r, parsed, out, f"{name}.{op_name}: response round trip")
    r.finish()


if __name__ == "__main__":
    main()
