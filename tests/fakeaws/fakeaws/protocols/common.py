"""Shared pieces of the wire codecs: responses, timestamps, XML writing."""

import base64
import calendar
import datetime
import email.utils
from xml.sax.saxutils import escape

UTC = datetime.timezone.utc


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes


class DecodeError(Exception):
    """The request could not be read as the model's types."""

    def __init__(self, wire, value, expected):
        super().__init__(f"{wire}: {value!r} is not {expected}")
        self.wire = wire
        self.value = value
        self.expected = expected


def to_datetime(v):
    if isinstance(v, datetime.datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    return datetime.datetime.fromtimestamp(float(v), UTC)


def parse_timestamp(s):
    """ISO 8601, RFC 822 or epoch seconds -> aware datetime; ValueError when none fits."""
    if isinstance(s, (int, float)) and not isinstance(s, bool):
        return datetime.datetime.fromtimestamp(float(s), UTC)
    s = s.strip()
    try:
        return datetime.datetime.fromtimestamp(float(s), UTC)
    except ValueError:
        pass
    try:
        d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
        return d if d.tzinfo else d.replace(tzinfo=UTC)
    except ValueError:
        pass
    d = email.utils.parsedate_to_datetime(s)   # raises ValueError/TypeError
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def iso8601(v):
    d = to_datetime(v).astimezone(UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def rfc822(v):
    return email.utils.format_datetime(to_datetime(v).astimezone(UTC), usegmt=True)


def epoch(v):
    d = to_datetime(v)
    return round(calendar.timegm(d.utctimetuple()) + d.microsecond / 1e6, 3)


def format_timestamp(v, shape, default):
    fmt = shape.serialization.get("timestampFormat") or shape.metadata.get("timestampFormat") or default
    if fmt == "unixTimestamp":
        e = epoch(v)
        return str(int(e)) if e == int(e) else str(e)
    if fmt == "rfc822":
        return rfc822(v)
    return iso8601(v)


def scalar_text(v, shape, ts_default="iso8601"):
    t = shape.type_name
    if t == "boolean":
        return "true" if v else "false"
    if t == "timestamp":
        return format_timestamp(v, shape, ts_default)
    if t == "blob":
        if isinstance(v, str):
            v = v.encode()
        return base64.b64encode(v).decode()
    if t in ("float", "double"):
        return repr(float(v)) if not isinstance(v, int) else str(v)
    return str(v)


def xml_text(s):
    return escape(s, {'"': "&quot;", "\r": "&#13;"})


def xml_member_name(ref, member_name):
    """The element name of a structure member (flattened lists use their member's name)."""
    if ref.type_name == "list" and ref.serialization.get("flattened"):
        n = ref.member.serialization.get("name")
        if n:
            return n
    return ref.serialization.get("name", member_name)


def xml_struct_body(out, value, shape, ts_default="iso8601"):
    """The members of a structure, without the enclosing element."""
    for name, ref in shape.members.items():
        v = value.get(name)
        if v is None or ref.serialization.get("location") or ref.serialization.get("xmlAttribute"):
            continue
        xml_value(out, xml_member_name(ref, name), v, ref, ts_default)


def xml_value(out, name, v, shape, ts_default="iso8601"):
    t = shape.type_name
    if t == "structure":
        out.append(f"<{name}>")
        xml_struct_body(out, v, shape, ts_default)
        out.append(f"</{name}>")
    elif t == "list":
        m = shape.member
        if shape.serialization.get("flattened"):
            for item in v:
                xml_value(out, name, item, m, ts_default)
        else:
            iname = m.serialization.get("name", "member")
            out.append(f"<{name}>")
            for item in v:
                xml_value(out, iname, item, m, ts_default)
            out.append(f"</{name}>")
    elif t == "map":
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        flat = shape.serialization.get("flattened")
        if not flat:
            out.append(f"<{name}>")
        for k, item in v.items():
            out.append(f"<{name}>" if flat else "<entry>")
            xml_value(out, kname, k, shape.key, ts_default)
            xml_value(out, vname, item, shape.value, ts_default)
            out.append(f"</{name}>" if flat else "</entry>")
        if not flat:
            out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{xml_text(scalar_text(v, shape, ts_default))}</{name}>")
