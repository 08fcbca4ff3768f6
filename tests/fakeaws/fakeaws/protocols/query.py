"""The query protocol (IAM, STS, ELBv2) and its EC2 dialect: form-encoded requests,
XML responses."""

import base64
from urllib.parse import parse_qsl

from ..core import AwsError
from ..validate import coral_message, wire_name
from .common import (DecodeError, Response, parse_timestamp, xml_struct_body, xml_text)

AUTH_PARAMS = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
               "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
               "Action", "Version"}


class _Params:
    """Flat form parameters with a prefix index for fast structure walking."""

    def __init__(self, pairs):
        self.values = {}
        self.children = {}
        for k, v in pairs:
            self.values[k] = v
            parts = k.split(".")
            for i in range(len(parts)):
                parent = ".".join(parts[:i])
                self.children.setdefault(parent, set()).add(parts[i])
        self.used = set()

    def has(self, key):
        if key in self.values:
            return True
        parent, _, last = key.rpartition(".")
        return last in self.children.get(parent, ())

    def indexes(self, prefix):
        out = []
        for c in self.children.get(prefix, ()):
            if c.isdigit():
                out.append(int(c))
        return sorted(out)


class QueryProtocol:
    ec2 = False
    CODES = {
        "bad_signature": ("SignatureDoesNotMatch", 403,
                          "The request signature we calculated does not match the signature you provided. "
                          "Check your AWS Secret Access Key and signing method. "
                          "Consult the service documentation for details."),
        "unknown_key": ("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
        "missing_auth": ("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
        "skew": ("SignatureDoesNotMatch", 403, None),
        "expired_token": ("ExpiredToken", 403, "The security token included in the request is expired"),
        "throttle": ("Throttling", 400, "Rate exceeded"),
        "internal": ("InternalFailure", 500, "The request processing has failed because of an unknown error, exception or failure."),
        "unavailable": ("ServiceUnavailable", 503, "Service is unavailable. Please try again later."),
        "unknown_operation": ("InvalidAction", 400, None),
        "serialization": ("MalformedQueryString", 400, None),
    }

    # -- requests ---------------------------------------------------------------------
    def params(self, req):
        pairs = list(req.query_pairs)
        ctype = (req.header("content-type") or "").lower()
        if req.body and ("x-www-form-urlencoded" in ctype or not ctype):
            try:
                pairs += parse_qsl(req.body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                raise AwsError(*self._code("serialization", "The request body is not UTF-8"))
        return pairs

    def _code(self, what, message=None):
        code, status, msg = self.CODES[what]
        return code, message or msg, status

    def operation_name(self, req, info):
        action = dict(req.form).get("Action")
        if not action:
            if self.ec2:
                raise AwsError("MissingAction", "The request must contain the parameter Action", 400)
            raise AwsError("MissingAction", "Missing Action", 400)
        return action

    def unknown_operation(self, action, info):
        if self.ec2:
            return AwsError("InvalidAction", f"The action {action} is not valid for this web service.", 400)
        return AwsError("InvalidAction", f"Could not find operation {action} for version {info.api_version}", 400)

    def decode(self, req, info, op):
        p = _Params(req.form)
        shape = op.input_shape
        if shape is None:
            return {}
        try:
            out = self._struct(p, shape, "")
        except DecodeError as e:
            if self.ec2:
                raise AwsError("InvalidParameterValue",
                               f"Value ({e.value}) for parameter {e.wire} is invalid. Expected {e.expected}.", 400)
            raise AwsError(info.validation_code,
                           f"1 validation error detected: Value '{e.value}' at '{e.wire}' failed to satisfy constraint: Member must be {e.expected}", 400)
        left = [k for k in p.values if k not in p.used and k not in AUTH_PARAMS]
        if left and self.ec2:
            raise AwsError("UnknownParameter", f"The parameter {sorted(left)[0]} is not recognized", 400)
        if left:
            # IAM, STS and ELBv2 pass over parameters they do not know; say so for the developer.
            import sys
            sys.stderr.write(f"fakeaws: {info.name}:{op.name} ignored unknown parameter(s) "
                             f"{', '.join(sorted(left)[:5])}\n")
        return out

    def _struct(self, p, shape, prefix):
        out = {}
        for name, ref in shape.members.items():
            key = wire_name(ref, name, "ec2" if self.ec2 else "query")
            full = f"{prefix}.{key}" if prefix else key
            if ref.type_name == "list" and not self.ec2 and ref.serialization.get("flattened"):
                mname = ref.member.serialization.get("name")
                if mname:
                    full = f"{prefix}.{mname}" if prefix else mname
            if p.has(full):
                out[name] = self._value(p, ref, full)
        return out

    def _value(self, p, shape, key):
        t = shape.type_name
        if t == "structure":
            if key in p.values:
                p.used.add(key)
            return self._struct(p, shape, key)
        if t == "list":
            if key in p.values:          # "Name=" is how query sends an empty list
                p.used.add(key)
                if p.values[key] == "":
                    return []
            if self.ec2 or shape.serialization.get("flattened"):
                base = key
            else:
                base = f"{key}.{shape.member.serialization.get('name', 'member')}"
            return [self._value(p, shape.member, f"{base}.{i}") for i in p.indexes(base)]
        if t == "map":
            base = key if shape.serialization.get("flattened") else f"{key}.entry"
            kname = shape.key.serialization.get("name", "key")
            vname = shape.value.serialization.get("name", "value")
            out = {}
            for i in p.indexes(base):
                k = self._value(p, shape.key, f"{base}.{i}.{kname}")
                out[k] = self._value(p, shape.value, f"{base}.{i}.{vname}") if p.has(f"{base}.{i}.{vname}") else None
            return out
        if key not in p.values:
            if p.has(key):
                raise DecodeError(key, "(structure)", "a " + t)
            return None
        p.used.add(key)
        v = p.values[key]
        return scalar_in(v, shape, key)

    # -- responses --------------------------------------------------------------------
    def encode(self, result, info, op, request_id):
        name = op.name
        shape = op.output_shape
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        xmlns = info.xmlns or f"https://{info.model.endpoint_prefix}.amazonaws.com/doc/{info.api_version}/"
        if self.ec2:
            xmlns = f"http://ec2.amazonaws.com/doc/{info.api_version}/"
            out.append(f'<{name}Response xmlns="{xmlns}"><requestId>{request_id}</requestId>')
            if shape is not None:
                xml_struct_body(out, result or {}, shape)
            out.append(f"</{name}Response>")
        else:
            out.append(f'<{name}Response xmlns="{xmlns}">')
            if shape is not None:
                wrapper = op._operation_model.get("output", {}).get("resultWrapper", f"{name}Result")
                out.append(f"<{wrapper}>")
                xml_struct_body(out, result or {}, shape)
                out.append(f"</{wrapper}>")
            out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{name}Response>")
        return Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
                        "".join(out).encode())

    def error(self, err, info, request_id, op=None):
        code, msg = xml_text(err.code), xml_text(err.message)
        if self.ec2:
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                    f"<Message>{msg}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        else:
            kind = "Sender" if err.sender_fault and err.status < 500 else "Receiver"
            xmlns = (info.xmlns if info and info.xmlns else "https://iam.amazonaws.com/doc/2010-05-08/")
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="{xmlns}"><Error><Type>{kind}</Type>'
                    f"<Code>{code}</Code><Message>{msg}</Message></Error>"
                    f"<RequestId>{request_id}</RequestId></ErrorResponse>")
        return Response(err.status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
                        body.encode())

    def validation_error(self, problems, info):
        if self.ec2:
            p = problems[0]
            if p.kind == "missing":
                return AwsError("MissingParameter", f"The request must contain the parameter {p.wire}", 400)
            if p.kind == "enum":
                return AwsError("InvalidParameterValue",
                                f"Value ({p.value}) for parameter {p.wire} is invalid. {p.constraint}", 400)
            return AwsError("InvalidParameterValue",
                            f"Value ({p.value}) for parameter {p.wire} is invalid. {p.constraint}", 400)
        return AwsError(info.validation_code, coral_message(problems), 400)


def scalar_in(v, shape, key):
    t = shape.type_name
    if t == "string":
        return v
    if t in ("integer", "long"):
        try:
            return int(v)
        except ValueError:
            raise DecodeError(key, v, "an integer")
    if t in ("float", "double"):
        try:
            return float(v)
        except ValueError:
            raise DecodeError(key, v, "a number")
    if t == "boolean":
        if v.lower() in ("true", "false"):
            return v.lower() == "true"
        raise DecodeError(key, v, "a boolean (true or false)")
    if t == "timestamp":
        try:
            return parse_timestamp(v)
        except (ValueError, TypeError, OverflowError):
            raise DecodeError(key, v, "a timestamp")
    if t == "blob":
        try:
            return base64.b64decode(v, validate=True)
        except ValueError:
            raise DecodeError(key, v, "base64")
    return v


class Ec2Protocol(QueryProtocol):
    ec2 = True
    CODES = dict(QueryProtocol.CODES)
    CODES.update({
        "bad_signature": ("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
        "unknown_key": ("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
        "missing_auth": ("MissingAuthenticationToken", 401, "The request must contain either a valid (registered) AWS access key ID or X.509 certificate."),
        "skew": ("RequestExpired", 400, None),
        "expired_token": ("RequestExpired", 400, "Request has expired."),
        "throttle": ("RequestLimitExceeded", 503, "Request limit exceeded."),
        "internal": ("InternalError", 500, "An internal error has occurred"),
        "unavailable": ("Unavailable", 503, "The service is unavailable. Please try again shortly."),
        "serialization": ("InvalidParameterValue", 400, None),
    })


QUERY = QueryProtocol()
EC2 = Ec2Protocol()
