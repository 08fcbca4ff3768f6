"""rest-json (EFS): routes by method and URI template (the model's `http` traits), labels,
query-string and header members, a JSON body for the rest; answers with the operation's
responseCode, header members and a JSON body; errors as the model's error shapes spell
them (EFS: {"ErrorCode", "Message", ...}) with the code in x-amzn-ErrorType."""

import base64
import json
from urllib.parse import unquote

from ..core import AwsError
from . import jsonproto
from .common import DecodeError, Response, format_timestamp, parse_timestamp, scalar_text
from .query import scalar_in
from .restxml import best_route

CODES = dict(jsonproto.CODES)
CODES.update({
    "unknown_operation": ("UnknownOperationException", 404, None),
})
CONTENT_TYPE = "application/json"


def operation_name(req, info):
    """The operation whose method and URI template match; the most literal one wins
    (`/file-systems/replication-configurations` over `/file-systems/{FileSystemId}`)."""
    raw = req.path.split("?", 1)[0]
    segs = [unquote(s) for s in raw.strip("/").split("/")] if raw.strip("/") else []
    found = best_route(req, info, segs, lambda route: (
        len(route[2]) + len(route[5]), sum(1 for p in route[1] if not p.startswith("{")),
        len(route[1]), not route[4]))
    if found is None:
        raise AwsError("UnknownOperationException",
                       f"No operation of {info.name} answers {req.method} {raw}", 404)
    req.labels = found[1]
    return found[0]


def unknown_operation(action, info):
    return AwsError("UnknownOperationException", f"{action} is not an operation of {info.name}", 404)


def decode(req, info, op):
    shape = op.input_shape
    if shape is None:
        return {}
    out = {}
    query = {}
    for k, v in req.query_pairs:
        query.setdefault(k, []).append(v)
    payload = shape.serialization.get("payload")
    body_members = {}
    try:
        for name, ref in shape.members.items():
            loc = ref.serialization.get("location")
            wire = ref.serialization.get("name", name)
            if loc == "uri":
                if wire in req.labels:
                    out[name] = scalar_in(req.labels[wire], ref, wire)
            elif loc == "querystring":
                if ref.type_name == "map":
                    known = {r.serialization.get("name", n) for n, r in shape.members.items()
                             if r.serialization.get("location") == "querystring"}
                    m = {k: v[0] for k, v in query.items() if k not in known}
                    if m:
                        out[name] = m
                elif wire in query:
                    if ref.type_name == "list":
                        out[name] = [_text_in(v, ref.member, wire) for v in query[wire]]
                    else:
                        out[name] = _text_in(query[wire][0], ref, wire)
            elif loc == "header":
                v = req.header(wire)
                if v is not None:
                    out[name] = _header_in(v, ref, wire)
            elif loc == "headers":
                pre = wire.lower()
                m = {k[len(pre):]: v for k, v in req.headers.items() if k.startswith(pre)}
                if m:
                    out[name] = m
            elif name == payload:
                if ref.type_name in ("blob", "string"):
                    if req.body:
                        out[name] = req.body if ref.type_name == "blob" else req.body.decode("utf-8", "replace")
                elif req.body:
                    out[name] = _json_in(req.body, ref)
            elif not payload:
                body_members[ref.serialization.get("name", name)] = name
    except DecodeError as e:
        raise AwsError("SerializationException", f"{e.value!r} at '{e.wire}' cannot be read as {e.expected}", 400)
    if body_members and req.body:
        data = _json_in(req.body, shape)
        for k, v in data.items():
            # unknown members are kept (the validator reports them), location members
            # sent in the body are not theirs
            if k in body_members.values() or k not in shape.members:
                out[k] = v
    return out


def _json_in(body, shape):
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError) as e:
        raise AwsError("SerializationException", f"Could not read the request body as JSON: {e}", 400)
    if not isinstance(data, dict):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.", 400)
    try:
        return jsonproto._in(data, shape, "")
    except DecodeError as e:
        raise AwsError("SerializationException", f"{e.value!r} at '{e.wire}' cannot be read as {e.expected}", 400)


def _text_in(v, ref, wire):
    if ref.type_name == "timestamp":
        try:
            return parse_timestamp(v)
        except (ValueError, TypeError, OverflowError):
            raise DecodeError(wire, v, "a timestamp")
    return scalar_in(v, ref, wire)


def _header_in(v, ref, wire):
    if ref.type_name == "list":
        return [scalar_in(x.strip(), ref.member, wire) for x in v.split(",")]
    if ref.type_name == "string" and ref.serialization.get("jsonvalue"):
        return base64.b64decode(v).decode()
    return _text_in(v, ref, wire)


def encode(result, info, op, request_id):
    result = result or {}
    shape = op.output_shape
    status = op.http.get("responseCode", 200)
    headers = [("x-amzn-RequestId", request_id)]
    body = b""
    if shape is not None:
        payload = shape.serialization.get("payload")
        data = {}
        for name, ref in shape.members.items():
            v = result.get(name)
            if v is None:
                continue
            loc = ref.serialization.get("location")
            wire = ref.serialization.get("name", name)
            if loc == "header":
                headers.append((wire, _header_out(v, ref)))
            elif loc == "headers":
                headers.extend((wire + k, str(x)) for k, x in v.items())
            elif loc == "statusCode":
                status = int(v)
            elif name == payload:
                if ref.type_name in ("blob", "string"):
                    body = v if isinstance(v, bytes) else v.encode()
                else:
                    body = json.dumps(jsonproto._out(v, ref), separators=(",", ":")).encode()
            elif not payload:
                data[wire] = jsonproto._out(v, ref)
        if not payload and (data or status != 204):
            body = json.dumps(data, separators=(",", ":")).encode()
    if body:
        headers.append(("Content-Type", CONTENT_TYPE))
    return Response(status, headers, body)


def _header_out(v, ref):
    if ref.type_name == "timestamp":
        return format_timestamp(v, ref, "rfc822")
    if ref.type_name == "list":
        return ",".join(str(x) for x in v)
    if ref.type_name == "string" and ref.serialization.get("jsonvalue"):
        return base64.b64encode(v.encode()).decode()
    return scalar_text(v, ref, "rfc822")


def _error_shape(info, code):
    try:
        shape = info.model.shape_for(code)
    except Exception:
        return None
    return shape if shape.metadata.get("exception") else None


def error(err, info, request_id, op=None):
    """The body is the model's error shape: its own spelling of the code (EFS's required
    ErrorCode) and of the message member; the HTTP status is the shape's when the handler
    left AwsError's default."""
    shape = _error_shape(info, err.code) if info is not None else None
    status = err.status
    body = {}
    msg_name = "message"
    if shape is not None:
        modeled = shape.metadata.get("error", {}).get("httpStatusCode")
        if modeled and status == 400:
            status = modeled
        if "ErrorCode" in shape.members:
            body["ErrorCode"] = err.code
        for cand in ("Message", "message"):
            if cand in shape.members:
                msg_name = cand
                break
    body[msg_name] = err.message
    if err.extra:
        body.update(err.extra)
    headers = [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id),
               ("x-amzn-ErrorType", err.code)]
    return Response(status, headers, json.dumps(body).encode())


# the same refusals as awsJson: unknown or mistyped members, then the Coral message
validation_error = jsonproto.validation_error
