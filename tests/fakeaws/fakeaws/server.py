"""The HTTP server: one loopback port, routing by SigV4 scope and X-Amz-Target, signature
checks, faults, model validation, the handler call under the world lock, and the
control API under /_fake/."""

import importlib
import json
import os
import pkgutil
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from . import authz, control, protocols
from .core import ACCOUNT_ID, AwsError, RequestContext, World
from .faults import Faults
from .models import Models
from .protocols.common import Response
from .signing import AuthError, Keyring, parse_auth, verify
from .validate import validate

CHECK_OUTPUT = os.environ.get("FAKEAWS_CHECK_OUTPUT", "")
_SCOPE_RX = re.compile(r"Credential=[^/,\s]*/\d{8}/[^/]*/([^/]+)/")


def _log(msg):
    if os.environ.get("FAKEAWS_LOG"):
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()


class Request:
    """One HTTP request as the app sees it."""

    def __init__(self, method, path, headers, body, peer=None):
        self.method = method
        self.path = path                       # raw, with the query string
        raw_q = path.split("?", 1)[1] if "?" in path else ""
        self.query = raw_q
        self.query_pairs = []
        for part in raw_q.split("&") if raw_q else []:
            k, _, v = part.partition("=")
            self.query_pairs.append((unquote(k), unquote(v)))
        self.headers = headers                 # lower-case name -> value
        self.body = body or b""
        self.form = None                       # query/ec2: decoded parameters
        self.labels = {}                       # rest-xml: URI labels
        self.peer = peer

    def header(self, name):
        return self.headers.get(name.lower())


class Outcome:
    """What the transport does: send `response` (maybe slowly), or drop the connection."""

    def __init__(self, response=None, drop=False, slow_ms=0.0):
        self.response = response
        self.drop = drop
        self.slow_ms = slow_ms


def load_services(world):
    """Register every fakeaws/services/*.py exposing SERVICE. A module that fails to
    import is reported on stderr and skipped (its service then answers as unknown)."""
    from . import services as pkg
    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        try:
            module = importlib.import_module(f"{pkg.__name__}.{mod}")
        except Exception:
            sys.stderr.write(f"fakeaws: services/{mod}.py failed to import, skipped:\n"
                             + traceback.format_exc())
            continue
        cls = getattr(module, "SERVICE", None)
        if cls is not None:
            world.add(cls)


class _Call:
    """An admitted call: its operation, handler and caller."""

    def __init__(self, op_name, op, svc, fn, key, region, access_key):
        self.op_name, self.op, self.svc, self.fn = op_name, op, svc, fn
        self.key, self.region, self.access_key = key, region, access_key


class App:
    def __init__(self, time_scale=1.0, seed=None, latency_ms=0.0, credentials_file=None):
        self.world = World(time_scale=time_scale, seed=seed)
        self.seed = seed
        self.models = Models()
        self.keyring = Keyring()
        if credentials_file:
            self.keyring.load_file(credentials_file)
        self.faults = Faults(seed=seed, latency_ms=latency_ms)
        self.world.faults = self.faults
        self.world.keyring = self.keyring
        self.world.models = self.models
        self.calls = []
        self.calls_lock = threading.Lock()
        self.seq = 0
        load_services(self.world)

    def reset(self):
        if self.seed is not None:
            self.world.random.seed(self.seed)     # the same ids again after a reset
        self.world.reset()
        self.faults.clear()
        self.keyring.drop_temporary()
        with self.calls_lock:
            self.calls = []

    _UNJUDGED = object()

    def record(self, service, operation, status, code, start, end, fault=None, access_key=None,
               region=None, request_id=None, judged=_UNJUDGED, bucket=None):
        with self.calls_lock:
            self.seq += 1
            entry = {"seq": self.seq, "service": service, "operation": operation,
                     "status": status, "error": code, "start": round(start, 6),
                     "end": round(end, 6), "region": region, "request_id": request_id}
            if fault:
                entry["fault"] = fault
            if bucket:
                entry["bucket"] = bucket
            if access_key:
                entry["access_key"] = access_key
            if judged is App._UNJUDGED:
                entry["authz_skipped"] = True   # refused before IAM would judge it
            else:
                entry["authz"] = judged
            self.calls.append(entry)
            if len(self.calls) > 200000:
                del self.calls[:100000]

    # -- one AWS call ------------------------------------------------------------------
    def handle(self, req):
        start = time.time()
        rid = str(uuid.uuid4())
        st = {"service": None, "op": None, "fault": None, "key": None, "region": None,
              "authz": App._UNJUDGED}
        outcome = self._handle(req, rid, st)
        end = time.time()
        resp = outcome.response
        code = None
        if resp is not None and resp.status >= 300:
            code = getattr(resp, "error_code", None)
        bucket = None
        if st["service"] == "s3":  # path style: /BUCKET/KEY
            bucket = unquote(req.path.split("?", 1)[0].lstrip("/").split("/", 1)[0]) or None
        self.record(st["service"], st["op"], resp.status if resp else None, code, start, end,
                    st["fault"] or ("dropped" if outcome.drop else None), st["key"], st["region"], rid,
                    st["authz"], bucket)
        return outcome

    def _err(self, proto, info, rid, err, op=None):
        resp = proto.error(err, info, rid, op)
        resp.error_code = err.code
        return resp

    def _coded(self, proto, what, message=None):
        code, status, msg = proto.CODES[what]
        sender = status < 500
        return AwsError(code, message or msg or code, status, sender_fault=sender)

    def _service_for(self, req):
        """(ServiceInfo, Auth or None); raises AwsError when no service can be told."""
        try:
            auth = parse_auth(req)
            auth_err = None
        except AuthError as e:
            auth, auth_err = None, e
        name = None
        if auth is not None:
            name = auth.service
        else:
            m = _SCOPE_RX.search(req.header("authorization") or "")
            if m:
                name = m.group(1)
        info = self.models.by_signing_name(name) if name else None
        authz = req.header("authorization") or ""
        if info is None and (authz.startswith("AWS ") or "AWSAccessKeyId" in dict(req.query_pairs)):
            # Signature Version 2: only S3 still sees it; it answers InvalidRequest.
            info = self.models.get("s3")
            auth, auth_err = None, AuthError("other", "The authorization mechanism you have provided is "
                                             "not supported. Please use AWS4-HMAC-SHA256.", "InvalidRequest", 400)
        target = req.header("x-amz-target")
        if info is None and target:
            info = self.models.by_target(target)
        if info is None and not authz and "x-www-form-urlencoded" in (req.header("content-type") or ""):
            from urllib.parse import parse_qs
            action = parse_qs(req.body.decode("utf-8", "replace")).get("Action", [None])[0]
            info = self.models.by_unsigned_action(action) if action else None
        return info, auth, auth_err, name

    def _handle(self, req, rid, st):
        info, auth, auth_err, scope_name = self._service_for(req)
        if info is None:
            what = (f"the credential scope names '{scope_name}', which this fake does not serve"
                    if scope_name else "the request has no SigV4 credential scope or X-Amz-Target")
            body = json.dumps({"__type": "UnknownService",
                               "message": f"fakeaws cannot route this request: {what}"}).encode()
            r = Response(400, [("Content-Type", "application/json"), ("x-amzn-RequestId", rid)], body)
            r.error_code = "UnknownService"
            return Outcome(r)
        st["service"] = info.name
        proto = protocols.for_service(info)
        try:
            call = self._admit(req, info, proto, auth, auth_err, st)
        except AwsError as e:
            return Outcome(self._err(proto, info, rid, e))
        fired = self.faults.for_call(info.name, call.op_name)
        outcome, after, slow_ms = self._faults_before(fired, proto, info, rid, st)
        if outcome is not None:
            return outcome
        resp = self._call(req, rid, info, proto, call, st)
        for r in after:
            if r.action == "drop":
                st["fault"] = "drop after call"
                return Outcome(resp, drop=True)
            st["fault"] = f"error {r.status} after call"
            return Outcome(self._err(proto, info, rid, self._fault_error(proto, r)))
        if slow_ms:
            st["fault"] = "slow"
        return Outcome(resp, slow_ms=slow_ms)

    def _admit(self, req, info, proto, auth, auth_err, st):
        """Check the signature (AWS refuses a badly signed request before reading it), then
        find the operation. Returns a _Call; raises AwsError."""
        if hasattr(proto, "params"):
            req.form = proto.params(req)
        if auth_err is not None:
            if auth_err.kind == "other":
                raise AwsError(auth_err.code, auth_err.message, auth_err.status)
            raise self._coded(proto, auth_err.kind, auth_err.message)
        if auth is None:
            # Only operations the model marks unsigned (STS AssumeRoleWithWebIdentity).
            op = info.operation(proto.operation_name(req, info))
            if op is None or op.auth_type != "none":
                raise self._coded(proto, "missing_auth")
            key, region = {"account": ACCOUNT_ID, "arn": None}, "us-east-1"
        else:
            try:
                key = verify(req, auth, self.keyring, s3=info.name == "s3")
            except AuthError as e:
                if e.kind == "other":
                    raise AwsError(e.code, e.message, e.status)
                raise self._coded(proto, e.kind, e.message)
            st["key"] = auth.access_key
            region = auth.region
        st["region"] = region
        op_name = proto.operation_name(req, info)
        st["op"] = op_name
        op = info.operation(op_name)
        if op is None:
            raise proto.unknown_operation(op_name, info)
        svc = self.world.services.get(info.name)
        fn = svc.handler(op_name) if svc is not None else None
        return _Call(op_name, op, svc, fn, key, region, auth.access_key if auth else None)

    def _faults_before(self, fired, proto, info, rid, st):
        """Apply latency; answer throttling, errors and drops decided before the call.
        Returns (Outcome or None, rules for after the call, slow_ms)."""
        if any(r.action == "hold" for r in fired):
            st["fault"] = "held"
            self.faults.hold()
        delay = self.faults.base_latency() + sum(r.latency_ms for r in fired if r.action == "latency")
        if delay > 0:
            time.sleep(delay / 1000.0)
        slow_ms = max([r.slow_ms for r in fired if r.action == "slow"] or [0.0])
        after = []
        for r in fired:
            if r.action == "throttle":
                st["fault"] = "throttle"
                return Outcome(self._err(proto, info, rid, self._coded(proto, "throttle", r.message))), [], 0
            if r.action in ("error", "drop") and r.phase == "after":
                after.append(r)
            elif r.action == "error":
                st["fault"] = f"error {r.status}"
                return Outcome(self._err(proto, info, rid, self._fault_error(proto, r))), [], 0
            elif r.action == "drop":
                st["fault"] = "drop"
                return Outcome(drop=True), [], 0
        return None, after, slow_ms

    def _call(self, req, rid, info, proto, call, st):
        """Decode, validate, judge (IAM, authz/), run the handler under the world lock,
        encode. -> Response"""
        op = call.op
        try:
            params = proto.decode(req, info, op)
            problems = validate(params, op.input_shape, info.protocol)
            if problems:
                raise (proto.validation_error(problems, info, op) if info.protocol == "rest-xml"
                       else proto.validation_error(problems, info))
            if call.fn is None:
                err = proto.unknown_operation(call.op_name, info)
                err.message = (f"fakeaws does not implement {info.name}:{call.op_name}"
                               + ("" if call.svc else f" (no fakeaws/services/{info.name}.py)"))
                raise err
            ctx = RequestContext(self.world, info.name, call.op_name, call.region, call.access_key,
                                 rid, req.header("host"))
            ctx.account = call.key["account"]
            ctx.caller_arn = call.key.get("arn")
            ctx.request = req
            with self.world.lock:
                st["authz"], refusal = authz.before_call(self.world, info.name, call.op_name, params, ctx)
                if refusal is not None:
                    raise refusal
                result = call.fn(params, ctx)
            if CHECK_OUTPUT and op.output_shape is not None and isinstance(result, dict) \
                    and "__raw__" not in result:
                self._check_output(info, call.op_name, op, result)
            return proto.encode(result, info, op, rid)
        except AwsError as e:
            return self._err(proto, info, rid, e, op)
        except Exception:
            sys.stderr.write(f"fakeaws: {info.name}:{call.op_name} crashed:\n" + traceback.format_exc())
            return self._err(proto, info, rid, self._coded(proto, "internal"), op)

    def _check_output(self, info, op_name, op, result):
        """FAKEAWS_CHECK_OUTPUT=1: report handler outputs the model does not describe
        (unknown members, wrong types, values outside an enum) on stderr; =strict: also
        answer 500 so a test fails."""
        result = {k: v for k, v in result.items() if not k.startswith("__")}
        problems = [p for p in validate(result, op.output_shape, "json", limit=20)
                    if p.kind in ("unknown", "type", "enum")]
        if not problems:
            return
        text = "; ".join(f"{p.kind} at '{p.path}': {str(p.value)[:60]!r} ({p.constraint})" for p in problems)
        sys.stderr.write(f"fakeaws: {info.name}:{op_name} output does not match the model: {text}\n")
        if CHECK_OUTPUT == "strict":
            raise AwsError("InternalFailure", f"fakeaws: {info.name}:{op_name} output does not match "
                           f"the model: {text}", 500, sender_fault=False)

    def _fault_error(self, proto, rule):
        what = "unavailable" if rule.status == 503 else "internal"
        err = self._coded(proto, what, rule.message)
        if rule.code:
            err.code = rule.code
        err.status = rule.status
        err.sender_fault = False
        return err


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeaws"

    def version_string(self):
        return "fakeaws"

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, fmt, *args):
        _log("fakeaws: " + (fmt % args))

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _headers_dict(self):
        d = {}
        for k, v in self.headers.items():
            k = k.lower()
            d[k] = d[k] + "," + v if k in d else v
        return d

    def _dispatch(self):
        app = self.server.app
        if self.path.startswith("/_fake/exec/"):
            control.exec_handover(app, self)
            return
        try:
            body = self._read_body()
        except (ValueError, OSError) as e:
            self.close_connection = True
            self._send(Response(400, [("Content-Type", "text/plain"), ("Connection", "close")],
                                f"fakeaws: cannot read the request body: {e}\n".encode()), 0.0)
            return
        if self.path.startswith("/_fake/") or self.path == "/_fake":
            status, ctype, payload = control.handle(app, self.command, self.path, body)
            self._send(Response(status, [("Content-Type", ctype)], payload), 0.0)
            return
        req = Request(self.command, self.path, self._headers_dict(), body, self.client_address)
        outcome = app.handle(req)
        if outcome.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(outcome.response, outcome.slow_ms)

    def _send(self, resp, slow_ms):
        self.send_response(resp.status)
        names = set()
        for k, v in resp.headers:
            self.send_header(k, v)
            names.add(k.lower())
        body = resp.body if self.command != "HEAD" else b""
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if not body:
            return
        if slow_ms > 0:
            pieces = 10
            step = max(1, (len(body) + pieces - 1) // pieces)
            for i in range(0, len(body), step):
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
                time.sleep(slow_ms / 1000.0 / pieces)
        else:
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port, app):
        self.app = app
        super().__init__(("127.0.0.1", port), Handler)
