"""A hostile HTTP endpoint for the hardening tests, on 127.0.0.1 (never beyond). What it
does depends on the first path segment of the request:
  /endless   200 with a chunked body that never ends
  /huge      200 declaring a 10 GB Content-Length, then bytes until the client leaves
  /headers   200 with header lines that never end
  /silent    reads the request and never answers (until the server stops)
  /creds     a container-credentials endpoint: records the Authorization header
  /escapes   an awsJson endpoint whose answers carry terminal escape sequences: a
             DescribeSecret with such an ARN (an error with them for a SecretId
             ending in /bad)
  anything else: 404
Every request is recorded in `seen` as (path, headers dict)."""

import http.server
import json
import socket
import threading
import time


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _serve(self):
        body = self._body()
        try:
            doc = json.loads(body) if body.startswith(b"{") else None
        except ValueError:
            doc = None
        srv = self.server
        srv.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                         doc if isinstance(doc, dict) else None))
        mode = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        try:
            getattr(self, "mode_" + mode, self.mode_missing)()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def mode_missing(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def mode_endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<a>" + b"x" * 65536 + b"</a>"
        frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        while not self.server.stopping:
            self.wfile.write(frame)
            self.server.sent += len(chunk)

    def mode_huge(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(10 ** 10))
        self.end_headers()
        chunk = b"y" * 65536
        while not self.server.stopping:
            self.wfile.write(chunk)
            self.server.sent += len(chunk)

    def mode_headers(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        i = 0
        while not self.server.stopping:
            self.wfile.write(b"X-Flood-%d: %s\r\n" % (i, b"z" * 200))
            self.server.sent += 220
            i += 1

    def mode_silent(self):
        while not self.server.stopping:
            time.sleep(0.05)
        self.close_connection = True

    def mode_creds(self):
        body = json.dumps({"AccessKeyId": "ASIAHOSTILE", "SecretAccessKey": "s", "Token": "t",
                           "Expiration": "2099-01-01T00:00:00Z"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# Sets the window title, clears the screen, moves the cursor, rings: what a hostile answer
# would do to a terminal that prints it raw.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[H\r\u009b31m\u202e"


def _escapes_answer(handler):
    target = handler.headers.get("X-Amz-Target", "")
    secret = handler.server.seen[-1][2].get("SecretId", "") if handler.server.seen[-1][2] else ""
    if target.endswith(".DescribeSecret") and not secret.endswith("/bad"):
        status, doc = 200, {"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x" + ESCAPES,
                            "Name": "x", "CreatedDate": 1700000000}
    else:
        status, doc = 400, {"__type": "AccessDeniedException" + ESCAPES, "message": "denied" + ESCAPES}
    body = json.dumps(doc).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/x-amz-json-1.1")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


_Handler.mode_escapes = _escapes_answer


class Hostile:
    """`with Hostile() as h: h.url + "/endless"`."""

    def __enter__(self):
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.srv.daemon_threads = True
        self.srv.seen = []
        self.srv.sent = 0
        self.srv.stopping = False
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}"
        return self

    @property
    def seen(self):
        return self.srv.seen

    @property
    def sent(self):
        return self.srv.sent

    def __exit__(self, *exc):
        self.srv.stopping = True
        self.srv.shutdown()
        self.srv.server_close()


def watch(proc, limit_kb):
    """Wait for proc; poll its peak resident memory (VmHWM) and kill it past limit_kb.
    Returns (peak kB, seconds taken, killed for memory)."""
    t0 = time.time()
    peak, killed = 0, False
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        if peak > limit_kb:
            proc.kill()
            killed = True
        time.sleep(0.02)
    return peak, time.time() - t0, killed
