"""rest-xml (S3): routes by method and URI template, labels, query string and header
members, XML or raw payloads. Path-style addressing only (http://127.0.0.1:PORT/bucket/key)."""

import base64
import xml.etree.ElementTree as ET

from ..core import AwsError
from . import rest
from .common import DecodeError, Response, parse_timestamp, xml_member_name, xml_struct_body, xml_text
from .query import scalar_in

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"

CODES = {
    "bad_signature": ("SignatureDoesNotMatch", 403,
                      "The request signature we calculated does not match the signature you provided. "
                      "Check your key and signing method."),
    "unknown_key": ("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
    "missing_auth": ("AccessDenied", 403, "Access Denied"),
    "skew": ("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."),
    "expired_token": ("ExpiredToken", 400, "The provided token has expired."),
    "throttle": ("SlowDown", 503, "Please reduce your request rate."),
    "internal": ("InternalError", 500, "We encountered an internal error. Please try again."),
    "unavailable": ("ServiceUnavailable", 503, "Service is unable to handle request."),
    "unknown_operation": ("NotImplemented", 501, None),
    "serialization": ("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"),
}


def operation_name(req, info):
    """The operation whose method and URI template match; of two, the one with fewer greedy
    labels ({Key+}) wins. A key's trailing "/" is part of it."""
    op = rest.route(req, info, lambda parts: -sum(1 for p in parts if p.endswith("+}")),
                    keep_trailing=True)
    if op is None:
        raise AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    return op


def unknown_operation(action, info):
    return AwsError("NotImplemented", f"fakeaws does not implement S3 {action}", 501)


def decode(req, info, op):
    shape = op.input_shape
    if shape is None:
        return {}
    try:
        return rest.decode_members(req, shape, lambda v, ref, wire: v, _header_in, _parse_xml_payload,
                                   keep_empty=True)[0]
    except DecodeError as e:
        raise AwsError("InvalidArgument", f"{e.wire}: {e.value!r} is not {e.expected}", 400)


def _header_in(v, ref, wire):
    t = ref.type_name
    if t == "timestamp":
        try:
            return parse_timestamp(v)
        except (ValueError, TypeError):
            raise DecodeError(wire, v, "a date")
    if t == "string" and ref.serialization.get("jsonvalue"):
        return base64.b64decode(v).decode()
    if t == "list":
        return [x.strip() for x in v.split(",")]
    return scalar_in(v, ref, wire)


def _strip(tag):
    return tag.rpartition("}")[2]


def _parse_xml_payload(body, ref):
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise AwsError(*_code3("serialization"))
    return _xml_in(root, ref)


def _code3(what):
    code, status, msg = CODES[what]
    return code, msg, status


def _xml_in(el, shape):
    t = shape.type_name
    if t == "structure":
        out = {}
        kids = list(el)
        for name, ref in shape.members.items():
            ename = xml_member_name(ref, name)
            if ref.serialization.get("xmlAttribute"):
                for k, v in el.attrib.items():
                    if _strip(k) == ename.rpartition(":")[2]:
                        out[name] = v
                continue
            matches = [k for k in kids if _strip(k.tag) == ename]
            if not matches:
                continue
            if ref.type_name == "list" and ref.serialization.get("flattened"):
                out[name] = [_xml_in(m, ref.member) for m in matches]
            else:
                out[name] = _xml_in(matches[0], ref)
        known = {xml_member_name(r, n) for n, r in shape.members.items()}
        for k in kids:
            if _strip(k.tag) not in known:
                raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                               f"validate against our published schema (unexpected <{_strip(k.tag)}> "
                               f"in <{_strip(el.tag)}>)", 400)
        return out
    if t == "list":
        iname = shape.member.serialization.get("name", "member")
        return [_xml_in(k, shape.member) for k in el if _strip(k.tag) == iname]
    if t == "map":
        out = {}
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        for entry in el:
            k = next((x.text or "" for x in entry if _strip(x.tag) == kname), "")
            v = next((x for x in entry if _strip(x.tag) == vname), None)
            out[k] = _xml_in(v, shape.value) if v is not None else None
        return out
    text = el.text or ""
    if t == "timestamp":
        try:
            return parse_timestamp(text)
        except (ValueError, TypeError):
            raise AwsError("MalformedXML", f"{text!r} is not a date", 400)
    try:
        return scalar_in(text.strip() if t != "string" else text, shape, _strip(el.tag))
    except DecodeError as e:
        raise AwsError("MalformedXML", f"{e.wire}: {e.value!r} is not {e.expected}", 400)


def encode(result, info, op, request_id, xmlns=S3_XMLNS, id_headers=None):
    """S3's answers; the other rest-xml services (restxml_aws.py) give their namespace and
    request id headers."""
    result = result or {}
    if id_headers is None:
        id_headers = _id_headers(request_id)
    if "__raw__" in result:
        status, headers, body = result["__raw__"]
        return Response(status, list(headers) + id_headers, body)
    shape = op.output_shape
    status = result.get("__status__") or op.http.get("responseCode", 200)     # 206 for ranges
    headers = list(id_headers)
    body = b""
    if shape is not None:
        payload = shape.serialization.get("payload")
        status = rest.members_out(result, shape, headers, status)[0]
        if payload:
            ref = shape.members[payload]
            v = result.get(payload)
            if v is not None:
                if ref.type_name in ("blob", "string"):
                    body = v if isinstance(v, bytes) else v.encode()
                else:
                    ename = ref.serialization.get("name", payload)
                    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<{ename} xmlns="{xmlns}">']
                    xml_struct_body(out, v, ref)
                    out.append(f"</{ename}>")
                    body = "".join(out).encode()
                    headers.append(("Content-Type", "application/xml"))
        else:
            body_members = [n for n, r in shape.members.items()
                            if not r.serialization.get("location") and result.get(n) is not None]
            if body_members:
                root = shape.serialization.get("name") or op.name + "Result"
                out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<{root} xmlns="{xmlns}">']
                xml_struct_body(out, result, shape)
                out.append(f"</{root}>")
                body = "".join(out).encode()
                headers.append(("Content-Type", "application/xml"))
    return Response(status, headers, body)


def _id_headers(request_id):
    return [("x-amz-request-id", request_id), ("x-amz-id-2", base64.b64encode(request_id.encode()).decode())]


def error(err, info, request_id, op=None):
    extra = getattr(err, "extra", None) or {}
    parts = [f"<Code>{xml_text(err.code)}</Code><Message>{xml_text(err.message)}</Message>"]
    for k, v in extra.items():
        parts.append(f"<{k}>{xml_text(str(v))}</{k}>")
    parts.append(f"<RequestId>{request_id}</RequestId><HostId>{base64.b64encode(request_id.encode()).decode()}</HostId>")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>").encode()
    return Response(err.status, [("Content-Type", "application/xml")] + _id_headers(request_id), body)


def validation_error(problems, info, op=None):
    """S3 answers MalformedXML for anything wrong inside an XML body, InvalidArgument or
    InvalidRequest for headers and query parameters."""
    p = problems[0]
    in_body = False
    if op is not None and op.input_shape is not None:
        payload = op.input_shape.serialization.get("payload")
        in_body = bool(payload) and p.path.split(".")[0] == payload[:1].lower() + payload[1:]
    if in_body or p.kind == "unknown":
        return AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                        "against our published schema", 400)
    if p.kind == "missing":
        return AwsError("InvalidRequest", f"Missing required header or parameter {p.wire}", 400)
    return AwsError("InvalidArgument", f"{p.wire}: {p.constraint}", 400, extra={"ArgumentName": p.wire})
