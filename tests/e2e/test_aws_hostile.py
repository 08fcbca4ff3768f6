#!/usr/bin/python3
"""A hostile or broken endpoint cannot take the process down (issue 16):
- an answer that never ends, declares 10 GB or floods headers is refused with a clear
  error and the process stays small (peak resident memory checked, under 100 MB even
  with ASan);
- an endpoint that accepts the connection and never answers fails the call within the
  call deadline (ECSDEPLOY_CALL_DEADLINE, set to 3 s here; the default is checked in
  tests/unit/test_aws_client.c), with an error that names it;
- AWS_CONTAINER_CREDENTIALS_FULL_URI is parsed as a URL: http://127.0.0.1@192.0.2.2/ is
  host 192.0.2.2 and the authorization token is not sent there (a local proxy stands in
  for the network and sees nothing);
- the process cannot leave a core dump (RLIMIT_CORE 0, read from /proc/PID/limits of a
  running ecsdeploy; the not-dumpable flag is checked in tests/unit/test_cli_harden.c);
- plain http to an endpoint that is not this machine is refused unless
  ECSDEPLOY_ALLOW_HTTP=1 says so (then it goes, through the local proxy)."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from awscall import TOOL, TOP, tool_env  # noqa: E402 (also: fakelib on the path)
from fakelib import Report  # noqa: E402
from hostile import Hostile, watch  # noqa: E402

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "build", "san", "ecsdeploy"))

LIMIT_KB = 100 * 1024
r = Report()


def env_for(extra):
    return tool_env(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", **extra)


def call(extra, *args, limit_kb=LIMIT_KB * 4):
    """Run aws_call; (last JSON line, peak kB, seconds, killed for memory)."""
    p = subprocess.Popen([TOOL] + list(args), env=env_for(extra), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    peak, secs, killed = watch(p, limit_kb)
    out, err = p.communicate()
    lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    return (lines[-1] if lines else {"ok": False, "error": {"message": err[-400:]}}), peak, secs, killed


with Hostile() as h:
    # ---- defect 1: no limit on a response body ------------------------------------------
    for mode, what in (("endless", "a body that never ends"),
                       ("huge", "a body declared as 10 GB"),
                       ("headers", "header lines that never end")):
        res, peak, secs, killed = call({"AWS_ENDPOINT_URL_STS": f"{h.url}/{mode}", "AWS_MAX_ATTEMPTS": "3"},
                                       "query", "sts", "GetCallerIdentity")
        err = res.get("error", {})
        print(f"{what}: {err.get('code')} after {secs:.1f} s, peak {peak // 1024} MB, "
              f"{res.get('attempts')} attempt(s)", flush=True)
        r.check(not killed, f"{what}: the process grew past {LIMIT_KB * 4 // 1024} MB and was killed")
        r.check(peak < LIMIT_KB, f"{what}: peak resident memory {peak // 1024} MB (limit 100 MB)")
        r.eq(err.get("code"), "ResponseTooLarge", f"{what}: the error ({err.get('message')})")
        r.check("stopped reading" in err.get("message", ""), f"{what}: the message says what happened: {err}")
        r.eq(res.get("attempts"), 1, f"{what}: such an answer is not asked for again")

    # ---- defect 5: a silent endpoint holds one call for ~11 minutes ------------------------
    res, peak, secs, killed = call({"AWS_ENDPOINT_URL_STS": f"{h.url}/silent", "ECSDEPLOY_CALL_DEADLINE": "3s"},
                                   "query", "sts", "GetCallerIdentity")
    err = res.get("error", {})
    print(f"a silent endpoint: {err.get('code')} after {secs:.1f} s, {res.get('attempts')} attempt(s): "
          f"{err.get('message')}", flush=True)
    r.eq(err.get("kind"), "timeout", f"a silent endpoint: the error is a timeout ({err})")
    r.check(secs < 3 + 5, f"a silent endpoint: the call ended {secs:.1f} s after it started (deadline 3 s)")
    r.check(secs >= 2.5, f"a silent endpoint: it waited for its deadline, not less ({secs:.1f} s)")
    r.check("ECSDEPLOY_CALL_DEADLINE" in err.get("message", ""), f"the message names the deadline: {err}")
    res, _, _, _ = call({"AWS_ENDPOINT_URL_STS": f"{h.url}/silent", "ECSDEPLOY_CALL_DEADLINE": "soon"},
                        "query", "sts", "GetCallerIdentity")
    r.check("ECSDEPLOY_CALL_DEADLINE is 'soon'" in res.get("error", {}).get("message", "")
            or res.get("error", {}).get("code") == "InvalidCallDeadline", f"a bad deadline is refused: {res}")

    # ---- defect 4: core dumps on --------------------------------------------------------------
    before = len(h.seen)
    p = subprocess.Popen([ECSDEPLOY, "whoami"], env=env_for({"AWS_ENDPOINT_URL_STS": f"{h.url}/silent",
                                                              "ECSDEPLOY_CALL_DEADLINE": "5s"}),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    limit = None
    for _ in range(200):
        if any(s[0].startswith("/silent") for s in h.seen[before:]):
            break
        time.sleep(0.02)
    try:
        with open(f"/proc/{p.pid}/limits") as f:
            limit = [line.split()[-3:-1] for line in f if line.startswith("Max core file size")]
    except OSError as e:
        limit = str(e)
    running = p.poll() is None
    p.communicate()
    r.check(running, "ecsdeploy was still running when its limits were read")
    r.eq(limit, [["0", "0"]], "a running ecsdeploy has core dumps off (soft and hard limit 0)")

    # ---- defect 3: the container-credentials URI check was a string prefix ---------------
    token = "HOSTILE-TOKEN-1234"
    creds_env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN": token, "http_proxy": h.url, "NO_PROXY": ""}
    before = len(h.seen)
    res, _, _, _ = call(dict(creds_env, AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1@192.0.2.2:45730/creds"),
                        "creds", "sts", "x")
    leaked = [s for s in h.seen[before:] if token in s[1].get("authorization", "")]
    r.eq(leaked, [], "the token is not sent to the host behind a user-info part")
    r.check(not res.get("ok") and "AWS_CONTAINER_CREDENTIALS_FULL_URI" in res.get("error", {}).get("message", ""),
            f"the URI is refused, saying which variable: {res}")
    for uri in ("http://192.0.2.2:45730/creds", "http://127.0.0.1.nip.io/creds", "http://user@localhost/creds",
                "ftp://127.0.0.1/creds"):
        res, _, _, _ = call(dict(creds_env, AWS_CONTAINER_CREDENTIALS_FULL_URI=uri), "creds", "sts", "x")
        r.check(not res.get("ok") and "must be https" in res.get("error", {}).get("message", ""),
                f"{uri} is refused: {res}")
    r.eq([s for s in h.seen[before:] if token in s[1].get("authorization", "")], [], "no request carried the token")
    port = h.url.rsplit(":", 1)[1]
    for uri in (f"http://127.0.0.1:{port}/creds", f"http://localhost:{port}/creds"):
        res, _, _, _ = call(dict(creds_env, AWS_CONTAINER_CREDENTIALS_FULL_URI=uri, http_proxy=""),
                            "creds", "sts", "x")
        r.eq(res.get("output", {}).get("AccessKeyId"), "ASIAHOSTILE", f"{uri} is a loopback agent: allowed ({res})")
    r.eq(h.seen[-1][1].get("authorization"), token, "the loopback agent got the token")

    # ---- defect 11: plain http to a host that is not this machine --------------------------
    before = len(h.seen)
    res, _, _, _ = call({"AWS_ENDPOINT_URL_STS": "http://192.0.2.2:45730", "http_proxy": h.url, "NO_PROXY": ""},
                        "query", "sts", "GetCallerIdentity")
    err = res.get("error", {})
    r.eq(err.get("code"), "InsecureEndpoint", f"plain http to another host is refused ({err})")
    r.check("ECSDEPLOY_ALLOW_HTTP" in err.get("message", ""), f"the message says how to allow it: {err}")
    r.eq(len(h.seen) - before, 0, "nothing was sent")
    res, _, _, _ = call({"AWS_ENDPOINT_URL_STS": "http://192.0.2.2:45730", "http_proxy": h.url, "NO_PROXY": "",
                         "ECSDEPLOY_ALLOW_HTTP": "1", "AWS_MAX_ATTEMPTS": "1"},
                        "query", "sts", "GetCallerIdentity")
    r.check(any(s[0].startswith("http://192.0.2.2:45730") for s in h.seen[before:]),
            f"with ECSDEPLOY_ALLOW_HTTP=1 the request goes (to the local proxy): {h.seen[before:]}")
    res, _, _, _ = call({"AWS_ENDPOINT_URL_STS": f"http://localhost:{port}/endless"}, "query", "sts", "GetCallerIdentity")
    r.eq(res.get("error", {}).get("code"), "ResponseTooLarge", "plain http to localhost needs no opt-in")

r.finish()
