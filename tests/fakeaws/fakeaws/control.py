"""The control API under /_fake/ (never signed); see README.md."""

import json
import traceback
from urllib.parse import parse_qs, urlsplit

from .core import AwsError
from .faults import FaultSpecError


def _json(status, doc):
    return status, "application/json", (json.dumps(doc, default=_default, indent=1) + "\n").encode()


def _default(o):
    import datetime
    if isinstance(o, datetime.datetime):
        return o.isoformat()
    if isinstance(o, (bytes, bytearray)):
        return f"<{len(o)} bytes>"
    if isinstance(o, set):
        return sorted(o)
    return str(o)


def handle(app, method, path, body):
    """(status, content type, body bytes) for one control request."""
    parts = urlsplit(path)
    segs = [s for s in parts.path.split("/") if s][1:]      # after "_fake"
    query = parse_qs(parts.query)
    try:
        if method == "GET" and segs == ["health"]:
            return _json(200, {"ok": True, "models": app.models.source})
        if method == "GET" and segs == ["resources"]:
            out = {}
            with app.world.lock:
                for name, svc in sorted(app.world.services.items()):
                    out[name] = svc.resources()
            return _json(200, out)
        if method == "GET" and segs == ["calls"]:
            since = int(query.get("since", ["0"])[0])
            with app.calls_lock:
                calls = [c for c in app.calls if c["seq"] > since]
            return _json(200, {"calls": calls})
        if method == "POST" and segs == ["iam", "simulate"]:
            from . import authz
            doc = json.loads(body.decode("utf-8") or "{}")
            since = int(doc.get("since") or 0)
            with app.calls_lock:
                calls = [c for c in app.calls if c["seq"] > since]
            with app.world.lock:
                return _json(*authz.simulate(app.world, calls, doc.get("role") or ""))
        if method == "POST" and segs == ["reset"]:
            app.reset()
            return _json(200, {"reset": True})
        if segs == ["faults"]:
            if method == "GET":
                return _json(200, app.faults.state())
            if method == "POST":
                try:
                    doc = json.loads(body.decode("utf-8") or "{}")
                    app.faults.set(doc)
                except (ValueError, FaultSpecError) as e:
                    return _json(400, {"error": f"bad fault document: {e}"})
                return _json(200, app.faults.state())
        if method == "POST" and len(segs) == 3 and segs[0] == "tasks" and segs[2] == "stop":
            ecs = app.world.services.get("ecs")
            if ecs is None or not hasattr(ecs, "stop_task_as_crash"):
                return _json(404, {"error": "the ecs part of the fake is not loaded"})
            with app.world.lock:
                try:
                    r = ecs.stop_task_as_crash(segs[1])
                except AwsError as e:
                    return _json(404 if "NotFound" in e.code else 400, {"error": e.code, "message": e.message})
            if r is False:
                return _json(404, {"error": "TaskNotFound", "message": f"no running task {segs[1]}"})
            return _json(200, {"stopped": segs[1], "result": r})
        svc = app.world.services.get(segs[0]) if segs else None
        if svc is not None and hasattr(svc, "control"):
            # a service's own control requests: /_fake/<service>/<what> (see its control())
            try:
                doc = json.loads(body.decode("utf-8") or "null")
            except ValueError as e:
                return _json(400, {"error": f"the body is not JSON: {e}"})
            with app.world.lock:
                return _json(*svc.control(method, segs[1:], doc))
    except Exception:
        return _json(500, {"error": traceback.format_exc()})
    return _json(404, {"error": f"no control endpoint {method} {parts.path}",
                       "endpoints": ["GET /_fake/health", "GET /_fake/resources", "GET /_fake/calls?since=N",
                                     "POST /_fake/reset", "GET|POST /_fake/faults",
                                     "POST /_fake/tasks/<id>/stop", "GET /_fake/exec/<session> (WebSocket)",
                                     "POST /_fake/ecs/pulls", "POST /_fake/ec2/unseen", "POST /_fake/elbv2/not-ready", "POST /_fake/route53/hosted-zones", "POST /_fake/elasticache/caches",
                                     "POST /_fake/application-autoscaling/scale",
                                     "POST /_fake/cloudfront/deployment",
                                     "POST /_fake/iam/simulate", "POST /_fake/sts/web-identity-token"]})


def exec_handover(app, handler):
    """Hand the raw socket of /_fake/exec/<session-id> to the exec part."""
    path = handler.path
    sid = urlsplit(path).path[len("/_fake/exec/"):].strip("/")
    headers = {k.lower(): v for k, v in handler.headers.items()}
    handler.close_connection = True
    try:
        from . import execchannel
    except ImportError:
        handler.send_error(404, "the exec part of the fake (fakeaws/execchannel.py) is not loaded")
        return
    handler.wfile.flush()
    execchannel.serve(app.world, sid, handler.connection, path, headers)
