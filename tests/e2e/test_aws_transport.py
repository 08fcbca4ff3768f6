#!/usr/bin/python3
"""HTTP transport: TLS peers are always verified (a self-signed endpoint is refused, and
accepted once AWS_CA_BUNDLE names its certificate), proxies from the environment are
used as libcurl reads them, and every request carries User-Agent: ecsdeploy/VERSION."""
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request

from awscall import TOP, last_result, run_tool, tool_env  # noqa: E402 (also: fakelib on the path)

if not shutil.which("openssl"):
    print("skip: the openssl command is needed to make a test certificate")
    sys.exit(77)

from fakelib import Fake, Report  # noqa: E402

r = Report()
work = tempfile.mkdtemp(prefix="aws-transport-")
VERSION = open(os.path.join(TOP, "VERSION")).read().strip()
seen = []

IDENTITY = ("<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/tls"
            "</Arn><UserId>U</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>tls-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>")


class Canned(http.server.BaseHTTPRequestHandler):
    """An HTTPS stand-in for STS: answers GetCallerIdentity (signature not checked)."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen.append(("tls", self.headers.get("User-Agent")))
        body = IDENTITY.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Proxy(http.server.BaseHTTPRequestHandler):
    """A forward proxy for plain http: records and relays absolute-URI requests."""

    def log_message(self, *a):
        pass

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen.append(("proxy", self.path))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        req = urllib.request.Request(self.path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, rh, body = resp.status, resp.getheaders(), resp.read()
        except urllib.error.HTTPError as e:
            status, rh, body = e.code, e.headers.items(), e.read()
        self.send_response(status)
        for k, v in rh:
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(handler, tls_ctx=None):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls_ctx:
        srv.socket = tls_ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def run(env_extra, *args):
    env = tool_env(AWS_MAX_ATTEMPTS="1")
    env.update(env_extra)
    return last_result(*run_tool(args, env))


# ---- TLS ------------------------------------------------------------------------------
cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
gen = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                      "-keyout", key, "-out", cert], capture_output=True, text=True)
r.check(gen.returncode == 0, f"test certificate: {gen.stderr}")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
tls = serve(Canned, ctx)
tls_url = f"https://127.0.0.1:{tls.server_address[1]}"

res = run({"AWS_ENDPOINT_URL_STS": tls_url}, "query", "sts", "GetCallerIdentity")
r.check(not res.get("ok"), "a self-signed endpoint is refused")
r.eq(res.get("error", {}).get("kind"), "network", "TLS failure is a network error")
msg = res.get("error", {}).get("message", "").lower()
r.check("certificate" in msg or "ssl" in msg, f"the message names the certificate problem: {msg}")
res = run({"AWS_ENDPOINT_URL_STS": tls_url, "AWS_CA_BUNDLE": cert}, "query", "sts", "GetCallerIdentity")
r.eq(res.get("output", {}).get("Account"), "123456789012", "AWS_CA_BUNDLE makes the endpoint trusted")
r.eq(seen[-1] if seen else None, ("tls", f"ecsdeploy/{VERSION}"), "User-Agent: ecsdeploy/VERSION")
res = run({"AWS_ENDPOINT_URL_STS": tls_url, "AWS_CA_BUNDLE": "/nonexistent/ca.pem"},
          "query", "sts", "GetCallerIdentity")
r.check(not res.get("ok"), "a missing CA bundle does not turn verification off")

# ---- proxy ------------------------------------------------------------------------------
with Fake() as f:
    proxy = serve(Proxy)
    purl = f"http://127.0.0.1:{proxy.server_address[1]}"
    before = len([s for s in seen if s[0] == "proxy"])
    res = run({"AWS_ENDPOINT_URL": f.url, "http_proxy": purl}, "query", "sts", "GetCallerIdentity")
    r.check(res.get("ok"), f"a call through http_proxy: {res}")
    r.eq(len([s for s in seen if s[0] == "proxy"]) - before, 1, "the proxy relayed the call")
    res = run({"AWS_ENDPOINT_URL": f.url, "http_proxy": purl, "NO_PROXY": "127.0.0.1"},
              "query", "sts", "GetCallerIdentity")
    r.check(res.get("ok"), "NO_PROXY bypasses the proxy")
    r.eq(len([s for s in seen if s[0] == "proxy"]) - before, 1, "no proxy use with NO_PROXY")
    proxy.shutdown()

tls.shutdown()
shutil.rmtree(work, ignore_errors=True)
r.finish()
