"""awsJson1.0 / awsJson1.1 (ECS, Logs, Secrets Manager, KMS, Cloud Map)."""

import base64
import json

from ..core import AwsError
from ..validate import coral_message
from .common import DecodeError, Response, epoch, parse_timestamp, to_datetime

# What each situation answers on this protocol: (code, HTTP status, message).
CODES = {
    "bad_signature": ("InvalidSignatureException", 403,
                      "The request signature we calculated does not match the signature you provided. "
                      "Check your AWS Secret Access Key and signing method. "
                      "Consult the service documentation for details."),
    "unknown_key": ("UnrecognizedClientException", 403, "The security token included in the request is invalid."),
    "missing_auth": ("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
    "skew": ("InvalidSignatureException", 403, None),
    "expired_token": ("ExpiredTokenException", 400, "The security token included in the request is expired"),
    "throttle": ("ThrottlingException", 400, "Rate exceeded"),
    "internal": ("InternalFailure", 500, "The request processing has failed because of an unknown error, exception or failure."),
    "unavailable": ("ServiceUnavailable", 503, "The service is unavailable. Please try again later."),
    "unknown_operation": ("UnknownOperationException", 400, None),
    "serialization": ("SerializationException", 400, None),
}


def content_type(info):
    return "application/x-amz-json-" + (info.json_version if info else "1.1")


def operation_name(req, info):
    target = req.header("x-amz-target") or ""
    prefix, _, op = target.rpartition(".")
    if not target or prefix != info.target_prefix:
        raise AwsError("UnknownOperationException", f"Unknown target '{target}' for {info.name}", 400)
    return op


def decode(req, info, op):
    body = req.body or b"{}"
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError) as e:
        raise AwsError("SerializationException", f"Could not read the request body as JSON: {e}", 400)
    shape = op.input_shape
    if shape is None:
        return {}
    if not isinstance(data, dict):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.", 400)
    try:
        return _in(data, shape, "")
    except DecodeError as e:
        raise AwsError("SerializationException",
                       f"{e.value!r} at '{e.wire}' cannot be read as {e.expected}", 400)


def _in(v, shape, path):
    t = shape.type_name
    if v is None:
        return None
    if t == "structure":
        if shape.metadata.get("document"):
            return v
        if not isinstance(v, dict):
            raise DecodeError(path, v, "a structure")
        out = {}
        wire_to_name = {ref.serialization.get("name", n): n for n, ref in shape.members.items()}
        for k, item in v.items():
            name = wire_to_name.get(k)
            if name is None:
                out[k] = item     # unknown: reported by the validator
                continue
            out[name] = _in(item, shape.members[name], f"{path}.{k}" if path else k)
        return out
    if t == "list":
        if not isinstance(v, list):
            raise DecodeError(path, v, "a list")
        return [_in(x, shape.member, f"{path}.{i}") for i, x in enumerate(v, 1)]
    if t == "map":
        if not isinstance(v, dict):
            raise DecodeError(path, v, "a map")
        return {k: _in(x, shape.value, f"{path}.{k}") for k, x in v.items()}
    if t == "timestamp":
        try:
            return parse_timestamp(v)
        except (ValueError, TypeError, OverflowError):
            raise DecodeError(path, v, "a timestamp")
    if t == "blob":
        if not isinstance(v, str):
            raise DecodeError(path, v, "a base64 blob")
        try:
            return base64.b64decode(v, validate=True)
        except ValueError:
            raise DecodeError(path, v, "a base64 blob")
    if t in ("integer", "long"):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            raise DecodeError(path, v, "an integer")
        return int(v)
    if t in ("float", "double"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise DecodeError(path, v, "a number")
        return v
    if t == "boolean":
        if not isinstance(v, bool):
            raise DecodeError(path, v, "a boolean")
        return v
    if t == "string":
        if not isinstance(v, str):
            raise DecodeError(path, v, "a string")
        return v
    return v


def _out(v, shape):
    t = shape.type_name
    if t == "structure":
        if shape.metadata.get("document"):
            return v
        out = {}
        for name, ref in shape.members.items():
            x = v.get(name)
            if x is not None:
                out[ref.serialization.get("name", name)] = _out(x, ref)
        return out
    if t == "list":
        return [_out(x, shape.member) for x in v]
    if t == "map":
        return {k: _out(x, shape.value) for k, x in v.items()}
    if t == "timestamp":
        fmt = shape.serialization.get("timestampFormat") or shape.metadata.get("timestampFormat")
        if fmt == "iso8601":
            from .common import iso8601
            return iso8601(v)
        return epoch(to_datetime(v))
    if t == "blob":
        if isinstance(v, str):
            v = v.encode()
        return base64.b64encode(v).decode()
    return v


def encode(result, info, op, request_id):
    shape = op.output_shape
    data = _out(result or {}, shape) if shape is not None else {}
    body = json.dumps(data, separators=(",", ":")).encode()
    return Response(200, [("Content-Type", content_type(info)), ("x-amzn-RequestId", request_id)], body)


def error(err, info, request_id, op=None):
    body = {"__type": err.code, "message": err.message}
    extra = getattr(err, "extra", None)
    if extra:
        body.update(extra)
    headers = [("Content-Type", content_type(info)), ("x-amzn-RequestId", request_id),
               ("x-amzn-ErrorType", err.code)]
    return Response(err.status, headers, json.dumps(body).encode())


def validation_error(problems, info):
    unknown = [p for p in problems if p.kind == "unknown"]
    if unknown:
        return AwsError("SerializationException",
                        f"Unrecognized field \"{unknown[0].wire.rpartition('.')[2]}\" at '{unknown[0].path}'", 400)
    wrong = [p for p in problems if p.kind == "type"]
    if wrong:
        return AwsError("SerializationException",
                        f"{wrong[0].constraint} at '{wrong[0].path}'", 400)
    return AwsError(info.validation_code, coral_message(problems), 400)


def unknown_operation(action, info):
    return AwsError("UnknownOperationException", f"{info.target_prefix}.{action} is not an operation of {info.name}", 400)
