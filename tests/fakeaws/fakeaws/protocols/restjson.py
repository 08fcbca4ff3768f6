"""rest-json (EFS): routes by method and URI template (the model's `http` traits), labels,
query-string and header members, a JSON body for the rest; answers with the operation's
responseCode, header members and a JSON body; errors as the model's error shapes spell
them (EFS: {"ErrorCode", "Message", ...}) with the code in x-amzn-ErrorType."""

import base64
import json

from ..core import AwsError
from . import jsonproto, rest
from .common import DecodeError, Response
from .query import scalar_in

CODES = dict(jsonproto.CODES)
CODES.update({
    "unknown_operation": ("UnknownOperationException", 404, None),
})
CONTENT_TYPE = "application/json"


def operation_name(req, info):
    """The operation whose method and URI template match; the most literal one wins
    (`/file-systems/replication-configurations` over `/file-systems/{FileSystemId}`)."""
    op = rest.route(req, info, lambda parts: sum(1 for p in parts if not p.startswith("{")))
    if op is None:
        raw = req.path.split("?", 1)[0]
        raise AwsError("UnknownOperationException",
                       f"No operation of {info.name} answers {req.method} {raw}", 404)
    return op


def unknown_operation(action, info):
    return AwsError("UnknownOperationException", f"{action} is not an operation of {info.name}", 404)


def decode(req, info, op):
    shape = op.input_shape
    if shape is None:
        return {}
    try:
        out, body_members = rest.decode_members(req, shape, scalar_in, _header_in, _json_in, query_map=True)
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


def _header_in(v, ref, wire):
    if ref.type_name == "list":
        return [scalar_in(x.strip(), ref.member, wire) for x in v.split(",")]
    if ref.type_name == "string" and ref.serialization.get("jsonvalue"):
        return base64.b64decode(v).decode()
    return scalar_in(v, ref, wire)


def encode(result, info, op, request_id):
    result = result or {}
    shape = op.output_shape
    status = op.http.get("responseCode", 200)
    headers = [("x-amzn-RequestId", request_id)]
    body = b""
    if shape is not None:
        payload = shape.serialization.get("payload")
        data = {}
        status, in_body = rest.members_out(result, shape, headers, status)
        for name, ref, v in in_body:
            if name == payload:
                if ref.type_name in ("blob", "string"):
                    body = v if isinstance(v, bytes) else v.encode()
                else:
                    body = json.dumps(jsonproto._out(v, ref), separators=(",", ":")).encode()
            elif not payload:
                data[ref.serialization.get("name", name)] = jsonproto._out(v, ref)
        if not payload and (data or status != 204):
            body = json.dumps(data, separators=(",", ":")).encode()
    if body:
        headers.append(("Content-Type", CONTENT_TYPE))
    return Response(status, headers, body)


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
