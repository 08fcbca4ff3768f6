"""What rest-json (restjson.py) and rest-xml (restxml.py, restxml_aws.py) share: the router
(method and URI template to operation), and the members an operation's HTTP binding places
in the URI, the query string and headers, read from a request and written to an answer. Each protocol keeps its own body, its own refusals and
its own way of reading a label or a header."""

import base64
from urllib.parse import unquote

from .common import format_timestamp, scalar_text
from .query import scalar_in


def _match(route, method, segs, query, headers):
    rmethod, parts, req_q, op_name, _, req_h = route
    if rmethod != method:
        return None
    if any(h not in headers for h in req_h):
        return None
    for k, v in req_q.items():
        if k not in query or (v is not None and query[k] != v):
            return None
    labels = {}
    i = 0
    for j, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            rest = segs[i:]
            if not rest or rest == [""]:
                return None
            labels[part[1:-2]] = "/".join(rest)
            i = len(segs)
            break
        if i >= len(segs):
            return None
        if part.startswith("{"):
            if segs[i] == "":
                return None
            labels[part[1:-1]] = segs[i]
        elif part != segs[i]:
            return None
        i += 1
    if i != len(segs):
        return None
    return labels


def _segments(req, keep_trailing):
    """The request path's segments, unquoted, without the query string ("/" has none). With
    keep_trailing a trailing "/" stays, as an empty last segment (an S3 key may end in one)."""
    raw = req.path.split("?", 1)[0]
    if not raw.strip("/"):
        return []
    return [unquote(s) for s in (raw.lstrip("/") if keep_trailing else raw.strip("/")).split("/")]


def route(req, info, prefer, keep_trailing=False):
    """The name of the operation whose route (method, URI template, required query
    parameters and headers) matches the request's path; its labels go in req.labels. None
    when no route matches. Of several, the most specific wins: the most required query
    parameters and headers, then the highest prefer(parts of the URI template) (the
    protocol's own tie-break), then the most parts, then one not deprecated."""
    segs = _segments(req, keep_trailing)

    def score(r):
        return len(r[2]) + len(r[5]), prefer(r[1]), len(r[1]), not r[4]

    query = {}
    for k, v in req.query_pairs:
        query.setdefault(k, v)
    best = None
    for candidate in info.rest_routes():
        labels = _match(candidate, req.method, segs, query, req.headers)
        if labels is None:
            continue
        s = score(candidate)
        if best is None or s > best[0]:
            best = (s, candidate[3], labels)
    if best is None:
        return None
    req.labels = best[2]
    return best[1]


def members_in(req, shape, label_in, header_in, body_in, query_map=False):
    """The input members of `shape` found in req's URI labels, query string and headers, in
    the model's order: a label read by label_in(value, ref, wire), a query parameter by
    scalar_in (a list's items each), a header by header_in(value, ref, wire), a prefix of
    headers as a map; a map of query parameters (the ones no other member names) only when
    `query_map`. Every other member is body_in(name, ref, out)'s to place in `out`.
    DecodeError when a value is not of its type."""
    out = {}
    query = {}
    for k, v in req.query_pairs:
        query.setdefault(k, []).append(v)
    for name, ref in shape.members.items():
        loc = ref.serialization.get("location")
        wire = ref.serialization.get("name", name)
        if loc == "uri":
            if wire in req.labels:
                out[name] = label_in(req.labels[wire], ref, wire)
        elif loc == "querystring":
            if ref.type_name == "map":
                if query_map:
                    known = {r.serialization.get("name", n) for n, r in shape.members.items()
                             if r.serialization.get("location") == "querystring"}
                    m = {k: v[0] for k, v in query.items() if k not in known}
                    if m:
                        out[name] = m
            elif wire in query:
                if ref.type_name == "list":
                    out[name] = [scalar_in(v, ref.member, wire) for v in query[wire]]
                else:
                    out[name] = scalar_in(query[wire][0], ref, wire)
        elif loc == "header":
            v = req.header(wire)
            if v is not None:
                out[name] = header_in(v, ref, wire)
        elif loc == "headers":
            pre = wire.lower()
            m = {k[len(pre):]: v for k, v in req.headers.items() if k.startswith(pre)}
            if m:
                out[name] = m
        else:
            body_in(name, ref, out)
    return out


def decode_members(req, shape, label_in, header_in, parse, keep_empty=False, query_map=False):
    """members_in for a rest protocol's request: (the members found in the URI, query
    string and headers, with the payload member when the shape has one; with no payload
    member, the members left for the body as {wire name: member name}). The payload is the
    whole body: a blob as its bytes, a string as text, any other shape parse(body, ref) when
    there is a body. An empty body gives a blob or string payload only when `keep_empty`
    (S3 passes it on; EFS leaves the member out). DecodeError as members_in."""
    payload = shape.serialization.get("payload")
    body_members = {}

    def body_in(name, ref, out):
        if name == payload:
            if ref.type_name in ("blob", "string"):
                if req.body or keep_empty:
                    out[name] = req.body if ref.type_name == "blob" else req.body.decode("utf-8", "replace")
            elif req.body:
                out[name] = parse(req.body, ref)
        elif not payload:
            body_members[ref.serialization.get("name", name)] = name

    return members_in(req, shape, label_in, header_in, body_in, query_map), body_members


def members_out(result, shape, headers, status):
    """Write the output members of `shape` in `result` that go in headers (appended to
    `headers`, in the model's order) or in the HTTP status; (the status, the (name, ref,
    value) of each other member with a value, for the body)."""
    rest = []
    for name, ref in shape.members.items():
        v = result.get(name)
        if v is None:
            continue
        loc = ref.serialization.get("location")
        wire = ref.serialization.get("name", name)
        if loc == "header":
            headers.append((wire, header_out(v, ref)))
        elif loc == "headers":
            headers.extend((wire + k, str(x)) for k, x in v.items())
        elif loc == "statusCode":
            status = int(v)
        else:
            rest.append((name, ref, v))
    return status, rest


def header_out(v, ref):
    """A header member's value: dates as RFC 822, lists joined by commas, a JSON value in
    base64."""
    if ref.type_name == "timestamp":
        return format_timestamp(v, ref, "rfc822")
    if ref.type_name == "list":
        return ",".join(str(x) for x in v)
    if ref.type_name == "string" and ref.serialization.get("jsonvalue"):
        return base64.b64encode(v.encode()).decode()
    return scalar_text(v, ref, "rfc822")
