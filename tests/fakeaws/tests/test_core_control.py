#!/usr/bin/python3
"""The control API, the launcher (one ready line, clean stop on SIGTERM and SIGINT, bad
flags refused) and throughput (at least 300 simple calls a second)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model
from fakelib import RUN, Fake, Report  # noqa: E402


def cpu_seconds(pid):
    """User and system CPU time a running process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    r = Report()
    # launcher
    for sig in (signal.SIGTERM, signal.SIGINT):
        t = time.time()
        p = subprocess.Popen(["/usr/bin/python3", RUN, "--port", "0", "--seed", "3", "--latency-ms", "0",
                              "--time-scale", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        if not r.check(line.startswith("fakeaws listening on http://127.0.0.1:") and line.endswith("\n"),
                       f"ready line: {line!r}"):
            p.kill()
            print(f"exit {p.wait()}, stderr: {p.stderr.read()[-3000:]}")
            continue
        # the CPU the launcher spent to be ready, not the wall clock: on a busy machine
        # (other builds on two cores) waiting for a core is not the launcher's doing
        cpu = cpu_seconds(p.pid)
        r.check(cpu < 2.0, f"ready in under 2 s of CPU ({cpu:.2f} s; {time.time() - t:.2f} s wall)")
        url = line.split()[-1]
        r.eq(json.loads(urllib.request.urlopen(url + "/_fake/health").read())["ok"], True, "health")
        p.send_signal(sig)
        try:
            rc = p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = "hung"
        r.eq(rc, 0, f"clean exit on {sig.name}")
        r.eq(p.stdout.read(), "", "nothing more on stdout")
    for bad in (["--time-scale", "0"], ["--port", "70000"], ["--credentials", "/nonexistent/file"], ["--bogus"]):
        p = subprocess.run(["/usr/bin/python3", RUN] + bad, capture_output=True, text=True, timeout=10)
        r.check(p.returncode != 0 and p.stderr.strip() and not p.stdout, f"{bad} refused: {p.returncode} {p.stderr!r}")

    # --seed: the same ids in two runs, and again after a reset
    ids = []
    for _ in range(2):
        with Fake("--seed", "5") as f:
            kms, sm = f.client("kms"), f.client("secretsmanager")
            ids.append((kms.create_key()["KeyMetadata"]["KeyId"], sm.create_secret(Name="x", SecretString="y")["ARN"]))
            f.control("POST", "/_fake/reset")
            ids.append((kms.create_key()["KeyMetadata"]["KeyId"], sm.create_secret(Name="x", SecretString="y")["ARN"]))
    r.check(len(set(ids)) == 1, f"--seed gives the same ids across runs and resets: {ids}")

    with Fake() as f:
        # a port in use is refused clearly
        p = subprocess.run(["/usr/bin/python3", RUN, "--port", str(f.port)], capture_output=True, text=True, timeout=10)
        r.check(p.returncode != 0 and "cannot listen" in p.stderr, f"port in use: {p.stderr!r}")

        sm, iam, logs, s3 = f.client("secretsmanager"), f.client("iam"), f.client("logs"), f.client("s3")
        sm.create_secret(Name="ctl/secret", SecretString="x")
        iam.create_role(RoleName="ctl-role", AssumeRolePolicyDocument=json.dumps(
            {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}))
        logs.create_log_group(logGroupName="/ctl")
        s3.create_bucket(Bucket="ctl-bucket")
        f.client("kms").create_key()
        st, res = f.control("GET", "/_fake/resources")
        r.eq(st, 200, "GET /_fake/resources")
        r.eq([x["name"] for x in res["secretsmanager"]["secrets"]], ["ctl/secret"], "resources: secrets")
        r.eq([x["name"] for x in res["iam"]["roles"]], ["ctl-role"], "resources: roles")
        r.eq([x["name"] for x in res["logs"]["log_groups"]], ["/ctl"], "resources: log groups")
        r.eq([x["id"] for x in res["s3"]["buckets"]], ["ctl-bucket"], "resources: buckets")
        r.eq(len(res["kms"]["keys"]), 1, "resources: keys")
        r.check("secret" not in json.dumps(res["secretsmanager"]).replace("secrets", "").replace("ctl/secret", "")
                .replace("secret:", ""), "resources show no secret values")

        st, calls = f.control("GET", "/_fake/calls")
        calls = calls["calls"]
        r.eq([c["operation"] for c in calls], ["CreateSecret", "CreateRole", "CreateLogGroup", "CreateBucket", "CreateKey"],
             "calls in order")
        c0 = calls[0]
        r.check(c0["service"] == "secretsmanager" and c0["status"] == 200 and c0["error"] is None and
                c0["start"] <= c0["end"], f"call record: {c0}")
        try:
            iam.delete_role(RoleName="nope")
        except Exception:
            pass
        st, new = f.control("GET", f"/_fake/calls?since={calls[-1]['seq']}")
        r.eq([(c["operation"], c["status"], c["error"]) for c in new["calls"]], [("DeleteRole", 404, "NoSuchEntity")],
             "calls since N, with status and error code")

        st, out = f.control("POST", "/_fake/tasks/no-such-task/stop")
        r.check(st in (400, 404), f"stopping an unknown task: {st} {out}")
        st, out = f.control("GET", "/_fake/nothing-here")
        r.eq(st, 404, "unknown control endpoint")

        st, _ = f.control("POST", "/_fake/reset")
        r.eq(st, 200, "reset")
        st, res = f.control("GET", "/_fake/resources")
        r.check(not res["secretsmanager"]["secrets"] and not res["iam"]["roles"] and not res["s3"]["buckets"],
                "reset forgets everything")
        r.eq(f.control("GET", "/_fake/calls")[1]["calls"], [], "reset clears the call log")

        # throughput: raw keep-alive requests from 2 threads (the client side stays cheap)
        import http.client
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        body = b"Action=GetCallerIdentity&Version=2011-06-15"

        def signed():
            req = AWSRequest(method="POST", url=f.url + "/", data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(req)
            return dict(req.headers.items())

        hdrs = [signed() for _ in range(2)]
        n = 300

        def worker(h, ok):
            conn = http.client.HTTPConnection("127.0.0.1", f.port, timeout=10)
            for _ in range(n // 2):
                conn.request("POST", "/", body=body, headers=h)
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    ok[0] += 1
            conn.close()
        rates = []
        for attempt in range(3):        # the best of three: a busy machine can steal one round
            ok = [0]
            t = time.time()
            ths = [threading.Thread(target=worker, args=(h, ok)) for h in hdrs]
            for x in ths:
                x.start()
            for x in ths:
                x.join()
            rates.append(n / (time.time() - t))
            r.eq(ok[0], n, "all throughput calls answered 200 over keep-alive connections")
            if rates[-1] >= 300:
                break
        print(f"throughput: {', '.join(f'{x:.0f}' for x in rates)} calls/s")
        r.check(max(rates) >= 300, f"throughput {max(rates):.0f} calls/s (want >= 300)")
    r.finish()


if __name__ == "__main__":
    main()
