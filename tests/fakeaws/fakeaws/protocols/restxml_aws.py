"""rest-xml as the services other than S3 speak it (Route 53, CloudFront): routing by
method and URI template as S3 (restxml.py), but

- the request body is the whole input structure: the root element the operation names
  (<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">) holds
  every member that is not a label, query parameter or header; an operation with a
  payload member (CloudFront's DistributionConfig) has that element as its body, as S3's;
- answers are <OperationResponse xmlns="..."> with the output's members (headers such as
  Location apart), or the payload member's element (CloudFront's <Distribution>, with the
  ETag header), with the operation's own HTTP status (201 for CreateHostedZone);
- errors are the query protocol's <ErrorResponse><Error><Type/><Code/><Message/></Error>
  <RequestId/></ErrorResponse> with x-amzn-RequestId, and signatures follow plain SigV4.
"""

from ..core import AwsError
from ..validate import coral_message
from . import rest, restxml
from .common import DecodeError, Response, xml_struct_body, xml_text
from .query import QueryProtocol, scalar_in

CODES = dict(QueryProtocol.CODES)
CODES.update({
    "unknown_operation": ("InvalidAction", 400, None),
    "serialization": ("InvalidInput", 400, "Could not parse the request body as XML"),
})


def _xmlns(info, op=None):
    """The operation's input namespace; else the one the model gives anywhere (CloudFront's
    is http://cloudfront.amazonaws.com/doc/2020-05-31/); else the usual spelling."""
    if op is not None:
        ns = (op._operation_model.get("input") or {}).get("xmlNamespace") or {}
        if ns.get("uri"):
            return ns["uri"]
    ns = getattr(info, "_restxml_ns", None)
    if ns is None:
        ns = next((ref["xmlNamespace"]["uri"]
                   for shape in info.model._service_description["shapes"].values()
                   for ref in shape.get("members", {}).values()
                   if (ref.get("xmlNamespace") or {}).get("uri")), None)
        ns = ns or f"https://{info.model.endpoint_prefix}.amazonaws.com/doc/{info.api_version}/"
        info._restxml_ns = ns
    return ns


def operation_name(req, info):
    # Some URIs end with '/' (ChangeResourceRecordSets: .../rrset/): S3's router keeps
    # no empty last segment, so the slash goes before matching.
    path, q, query = req.path.partition("?")
    if path.endswith("/") and path.count("/") > 1:
        req = _Path(req, path.rstrip("/") + q + query)
    try:
        return restxml.operation_name(req, info)
    except AwsError:
        raise AwsError("InvalidAction", f"No operation of {info.name} answers "
                       f"{req.method} {req.path.split('?', 1)[0]}", 400)


class _Path:
    """The request seen with another path (labels found are written back to it)."""

    def __init__(self, req, path):
        self.__dict__["_req"] = req
        self.__dict__["path"] = path

    def __getattr__(self, name):
        return getattr(self._req, name)

    def __setattr__(self, name, value):
        setattr(self._req, name, value)


def unknown_operation(action, info):
    return AwsError("InvalidAction", f"fakeaws does not implement {info.name} {action}", 400)


def decode(req, info, op):
    """Labels, query string and headers as S3's; the body is the input structure."""
    shape = op.input_shape
    try:
        out = restxml.decode(req, info, op)
        if shape is not None and not shape.serialization.get("payload") and req.body.strip():
            body = restxml._parse_xml_payload(req.body, shape)
            out.update({n: body[n] for n, ref in shape.members.items()
                        if not ref.serialization.get("location") and n in body})
    except AwsError as e:           # S3's codes (MalformedXML, InvalidArgument)
        raise AwsError(info.validation_code, e.message, 400)
    for name, ref in (shape.members.items() if shape is not None else ()):
        if ref.serialization.get("location") == "uri" and ref.type_name != "string" \
                and isinstance(out.get(name), str):        # labels of other types
            try:
                out[name] = scalar_in(out[name], ref, ref.serialization.get("name", name))
            except DecodeError as e:
                raise AwsError(info.validation_code, str(e), 400)
    return out


def encode(result, info, op, request_id):
    result = result or {}
    shape = op.output_shape
    if shape is not None and shape.serialization.get("payload"):
        # the answer is the payload member's element (CloudFront's <Distribution>), as S3's
        return restxml.encode(result, info, op, request_id, xmlns=_xmlns(info, op),
                              id_headers=[("x-amzn-RequestId", request_id)])
    status = op.http.get("responseCode", 200)
    headers = [("x-amzn-RequestId", request_id)]
    body = b""
    if shape is not None:
        for name, ref in shape.members.items():
            v = result.get(name)
            if v is not None and ref.serialization.get("location") == "header":
                headers.append((ref.serialization.get("name", name), rest.header_out(v, ref)))
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
               f'<{op.name}Response xmlns="{_xmlns(info, op)}">']
        xml_struct_body(out, result, shape)
        out.append(f"</{op.name}Response>")
        body = "".join(out).encode()
        headers.append(("Content-Type", "text/xml"))
    return Response(status, headers, body)


def error(err, info, request_id, op=None):
    kind = "Sender" if err.sender_fault and err.status < 500 else "Receiver"
    body = (f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{_xmlns(info)}"><Error>'
            f"<Type>{kind}</Type><Code>{xml_text(err.code)}</Code>"
            f"<Message>{xml_text(err.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return Response(err.status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
                    body.encode())


def validation_error(problems, info, op=None):
    """The service's validation code; MissingBody when the payload itself is missing
    (CloudFront)."""
    p = problems[0]
    payload = op.input_shape.serialization.get("payload") if op and op.input_shape else None
    if payload and p.kind == "missing" and p.path == payload[:1].lower() + payload[1:]:
        return AwsError("MissingBody", "This operation requires a body. Ensure that the body is "
                        "present and the Content-Type header is set.", 400)
    return AwsError(info.validation_code, coral_message(problems), 400)
