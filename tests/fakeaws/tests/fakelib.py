"""Helpers for the fake's scripted tests: start a fake on a free port, make botocore
clients for it, a tiny check/report harness, the AWS CLI in process, a clock that moves
when told. Usable by every part's tests."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_DIR = os.path.dirname(HERE)
RUN = os.path.join(FAKE_DIR, "run")
if FAKE_DIR not in sys.path:
    sys.path.insert(0, FAKE_DIR)

from fakeaws.core import Clock  # noqa: E402


class Fake:
    """A running fake: `with Fake() as f: f.client("sts")`."""

    def __init__(self, *args, time_scale=0.01, env=None):
        self.args = ["--time-scale", str(time_scale)] + list(args)
        self.env = env
        self.proc = None
        self.url = None

    def __enter__(self):
        self.proc = subprocess.Popen(["/usr/bin/python3", RUN, "--port", "0"] + self.args,
                                     stdout=subprocess.PIPE, stderr=sys.stderr, text=True,
                                     env=dict(os.environ, **self.env) if self.env else None)
        line = self.proc.stdout.readline()
        if not line.startswith("fakeaws listening on "):
            self.proc.kill()
            raise RuntimeError(f"fake did not start: {line!r}")
        self.url = line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def client(self, service, key="test", secret="test", token=None, region="us-east-1", retries=0):
        import botocore.session
        from botocore.config import Config
        s = botocore.session.get_session()
        return s.create_client(service, region_name=region, endpoint_url=self.url,
                               aws_access_key_id=key, aws_secret_access_key=secret,
                               aws_session_token=token,
                               config=Config(retries={"total_max_attempts": retries + 1, "mode": "standard"},
                                             s3={"addressing_style": "path"}))

    def control(self, method, path, doc=None):
        data = json.dumps(doc).encode() if doc is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def calls(self, since=0):
        """The calls the fake answered after call number `since` (GET /_fake/calls), in
        order."""
        _, doc = self.control("GET", "/_fake/calls?since=%d" % since)
        return sorted((c for c in doc["calls"] if c.get("seq", 0) > since), key=lambda c: c["seq"])

    def last_seq(self):
        """The number of the last call the fake answered (0: none yet)."""
        return max((c.get("seq", 0) for c in self.calls()), default=0)


# The trust policy of a role that ECS tasks assume, and the permissions ECS Exec needs in
# the task role (the channels of the Session Manager agent), as JSON documents.
ECS_TASKS_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})
EXEC_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                                   "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
     "Resource": "*"}]})

def poll(pred, timeout=30, every=0.05):
    """Call pred() every `every` seconds until it gives a true value, and return that; None
    after `timeout` seconds (a bound, not a timing)."""
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(every)
    return None


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}", flush=True)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, f"{what}: got {got!r}, want {want!r}")

    def error_code(self, fn, want, what):
        """fn() must raise a botocore ClientError with code `want`."""
        from botocore.exceptions import ClientError
        try:
            fn()
        except ClientError as e:
            return self.eq(e.response["Error"]["Code"], want, what)
        return self.check(False, f"{what}: no error, want {want}")

    def wait(self, pred, what, timeout=30, every=0.05):
        """poll(pred), recording a failure when it times out."""
        v = poll(pred, timeout, every)
        if not v:
            self.check(False, f"timed out waiting for {what}")
        return v

    def cli_ok(self, p, what):
        """An AWS CLI run (a CompletedProcess) that must succeed: its JSON output ({} for none)."""
        self.check(p.returncode == 0, f"{what}: rc {p.returncode}: {p.stderr.strip()[:300]}")
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def cli_refused(self, p, code, what):
        """An AWS CLI run that must fail with the AWS error `code`: its stderr."""
        self.check(p.returncode != 0 and f"({code})" in p.stderr,
                   f"{what}: want {code}, got rc {p.returncode}: {p.stderr.strip()[:300]}")
        return p.stderr

    def cli_step(self, p, want, what, check=None):
        """One step of a CLI tour (p: its CompletedProcess). want "ok": the command succeeds
        with JSON output, and check(output), when given, holds; returns the output. Else want
        is the AWS error code the CLI must report, parsed (no traceback); returns None, as
        for an "ok" step that failed."""
        if want != "ok":
            m = re.search(r"An error occurred \(([^)]+)\)", p.stderr)
            self.eq(m.group(1) if m else f"exit {p.returncode}: {p.stderr.strip()!r}", want, what)
            self.check("Traceback" not in p.stderr and "Unable to parse" not in p.stderr,
                       f"{what}: the CLI parsed the error: {p.stderr!r}")
            return None
        if not self.check(p.returncode == 0, f"{what}: exit {p.returncode}, stderr {p.stderr.strip()!r}"):
            return None
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else {}
        except ValueError:
            self.check(False, f"{what}: output is not JSON: {p.stdout!r}")
            return None
        if check is not None:
            try:
                ok, shown = check(out), out
            except (KeyError, IndexError, TypeError) as e:
                ok, shown = False, f"{out} ({e!r})"
            self.check(ok, f"{what}: unexpected output {shown}")
        return out

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed else 0)


def client_error(fn):
    """The error response of fn() (a botocore call), or None when it succeeds."""
    from botocore.exceptions import ClientError
    try:
        fn()
    except ClientError as e:
        return e.response
    return None


def error_code_in(body):
    """The AWS error code in a raw answer (bytes): a JSON __type or an XML <Code>."""
    text = body.decode("utf-8", "replace")
    if text.startswith("{"):
        return json.loads(text).get("__type")
    m = re.search(r"<Code>([^<]*)</Code>", text)
    return m.group(1) if m else None


class ManualClock(Clock):
    """The fake's clock with time that moves only when a test says so (advance, or set
    .t): lifecycles and delays are checked exactly, however slow the machine is."""

    def __init__(self, scale):
        super().__init__(scale)
        self.t = 1.8e9

    def now(self):
        return self.t

    def after(self, seconds):
        return self.t + seconds * self.scale

    def reached(self, deadline):
        return deadline is not None and self.t >= deadline

    def advance(self, real_seconds):
        self.t += real_seconds


def alb_network(fake, n, lb_name, sg_name):
    """A VPC 10.n.0.0/16 with a subnet in us-east-1a and one in us-east-1b, a security group
    and an internal application load balancer in them: (vpc, subnets, sg, lb arn)."""
    ec2, elb = fake.client("ec2"), fake.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    sg = ec2.create_security_group(GroupName=sg_name, Description=sg_name, VpcId=vpc)["GroupId"]
    lb = elb.create_load_balancer(Name=lb_name, Scheme="internal", Type="application", Subnets=subnets,
                                  SecurityGroups=[sg])["LoadBalancers"][0]["LoadBalancerArn"]
    return vpc, subnets, sg, lb


def sign_and_send(url, service, method="POST", path="/", headers=None, body=b"", key="test", secret="test",
                  token=None, region="us-east-1", when=None, s3=False, tamper=None):
    """Sign a raw request with botocore's SigV4 signer (at time `when`, epoch seconds, or
    now), optionally tamper with it after signing (tamper(headers_dict, body) -> body),
    send it, return (status, headers dict lower-case, body bytes)."""
    import datetime
    import http.client
    from urllib.parse import urlsplit
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    base = SigV4Auth if not s3 else S3SigV4Auth
    ts = datetime.datetime.utcfromtimestamp(when if when is not None else time.time()).strftime("%Y%m%dT%H%M%SZ")

    class Fixed(base):
        def add_auth(self, request):
            request.context["timestamp"] = ts
            self._modify_request_before_signing(request)
            cr = self.canonical_request(request)
            sig = self.signature(self.string_to_sign(request, cr), request)
            self._inject_signature_to_request(request, sig)

    u = urlsplit(url)
    req = AWSRequest(method=method, url=url + path, headers=dict(headers or {}), data=body)
    req.headers["Host"] = u.netloc
    Fixed(Credentials(key, secret, token), service, region).add_auth(req)
    hdrs = {k: v for k, v in req.headers.items()}
    if tamper is not None:
        body = tamper(hdrs, body)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    data = r.read()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    conn.close()
    return out


class Cli:
    """Debian's AWS CLI v2 against a fake. run(args) executes `aws --endpoint-url URL
    --output json --region R ARGS` either as /usr/bin/aws in a subprocess or, much faster
    (about 0.03 s a command instead of 1 s), with the same CLI code (the awscli package
    /usr/bin/aws imports) in this process, one driver for all commands. Returns an object
    with returncode, stdout, stderr. Credentials test/test, no config files."""

    def __init__(self, fake, home):
        self.url = fake.url
        self.env = {"PATH": "/usr/bin:/bin", "HOME": home, "AWS_ACCESS_KEY_ID": "test",
                    "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
                    "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}
        self.driver = None

    def run(self, args, subprocess_=False, region="us-east-1"):
        argv = ["--endpoint-url", self.url, "--output", "json"] + list(args)
        if "--region" not in argv:       # every command names its region: nothing carries over
            argv = ["--region", region] + argv
        if subprocess_:
            return subprocess.run(["/usr/bin/aws"] + argv, env=self.env, capture_output=True, text=True,
                                  timeout=120)
        return self._in_process(argv)

    def _in_process(self, argv):
        import contextlib
        import io
        from awscli.clidriver import create_clidriver
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        if "AWS_DATA_PATH" in saved:      # set by awscli/__init__.py when imported
            os.environ["AWS_DATA_PATH"] = saved["AWS_DATA_PATH"]
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                if self.driver is None:
                    self.driver = create_clidriver()
                rc = self.driver.main(argv)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return subprocess.CompletedProcess(["aws"] + argv, rc, out.getvalue(), err.getvalue())
