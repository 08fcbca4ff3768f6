#!/usr/bin/python3
"""The AWS runtime against the local fake: each protocol's calls with signatures the fake
verifies, the uniform error struct, and the standard retry mode under fault injection
(throttling storms, 5xx, dropped connections): attempts, backoff and the retry quota."""
import json
import subprocess

from awscall import TOOL, last_result, run_tool, tool_env  # noqa: E402 (also: fakelib on the path)
from fakelib import Fake, Report  # noqa: E402

r = Report()


def env_for(fake, **extra):
    return tool_env(AWS_ENDPOINT_URL=fake.url, **extra)


def call(fake, *args, env=None, inp=None):
    argv = ["--no-sleep"] + list(args)
    if inp is not None:
        argv.append(json.dumps(inp))
    lines, stderr = run_tool(argv, env or env_for(fake))
    if not lines:
        r.check(False, f"no output from {args}: {stderr}")
        return [{"ok": False, "error": {}, "attempts": 0, "sleeps": [], "quota": -1}]
    return lines


def one(fake, *args, **kw):
    return call(fake, *args, **kw)[-1]


def faults(fake, rules, seed=1):
    st, body = fake.control("POST", "/_fake/faults", {"seed": seed, "rules": rules})
    r.eq(st, 200, f"fault rules accepted: {body}")


def ncalls(fake, op):
    st, body = fake.control("GET", "/_fake/calls")
    return sum(1 for c in body["calls"] if c["operation"] == op)


with Fake() as f:
    # query (STS): a result element unwrapped
    res = one(f, "query", "sts", "GetCallerIdentity")
    r.check(res["ok"], f"GetCallerIdentity: {res}")
    r.eq(res.get("output", {}).get("Account"), "000000000000", "STS account")
    r.eq(res["attempts"], 1, "one attempt")

    # query (IAM): lists of one are arrays, errors are uniform
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    res = one(f, "query", "iam", "CreateRole", inp={"RoleName": "app-role", "AssumeRolePolicyDocument": trust,
                                                      "Tags": [{"Key": "ecsdeploy:stack", "Value": "s"}]})
    r.check(res["ok"], f"CreateRole: {res}")
    r.eq(res.get("output", {}).get("Role", {}).get("RoleName"), "app-role", "CreateRole output")
    res = one(f, "--lists", "Roles", "query", "iam", "ListRoles")
    roles = res.get("output", {}).get("Roles")
    r.check(isinstance(roles, list) and len(roles) == 1, f"ListRoles gives a one-element array: {res}")
    res = one(f, "query", "iam", "ListRoleTags", inp={"RoleName": "app-role"})
    r.eq(res.get("output", {}).get("Tags"), [{"Key": "ecsdeploy:stack", "Value": "s"}], "ListRoleTags")
    res = one(f, "query", "iam", "GetRole", inp={"RoleName": "nope"})
    r.check(not res["ok"], "GetRole of a missing role fails")
    e = res.get("error", {})
    r.eq((e.get("kind"), e.get("code"), e.get("status")), ("service", "NoSuchEntity", 404), "IAM error struct")
    r.check(len(e.get("request_id", "")) > 0 and "nope" in e.get("message", ""), f"error has request id and message: {e}")

    # awsJson1.1 (Secrets Manager)
    res = one(f, "json", "secretsmanager", "CreateSecret", inp={"Name": "db", "SecretString": "pw-123"})
    r.check(res["ok"], f"CreateSecret: {res}")
    res = one(f, "json", "secretsmanager", "GetSecretValue", inp={"SecretId": "db"})
    r.eq(res.get("output", {}).get("SecretString"), "pw-123", "GetSecretValue")
    res = one(f, "json", "secretsmanager", "DescribeSecret", inp={"SecretId": "missing"})
    e = res.get("error", {})
    r.eq((e.get("code"), e.get("status")), ("ResourceNotFoundException", 400), "JSON error struct")
    r.check(len(e.get("request_id", "")) > 0, "JSON error has the request id")

    # --debug against the fake: secrets never printed
    p = subprocess.run([TOOL, "--debug", "json", "secretsmanager", "GetSecretValue", '{"SecretId":"db"}'],
                       env=env_for(f), capture_output=True, text=True, timeout=60)
    r.check("pw-123" not in p.stderr and "**REDACTED**" in p.stderr, "debug log redacts SecretString")
    r.check("pw-123" in p.stdout, "the caller still gets the value")

    # connections are kept alive and reused between calls
    p = subprocess.run([TOOL, "--debug", "--repeat", "3", "query", "sts", "GetCallerIdentity"],
                       env=env_for(f), capture_output=True, text=True, timeout=60)
    r.eq((p.stderr.count("(new connection)"), p.stderr.count("(reused connection)")), (1, 2),
         "one connection for three calls")

    # ---- retries -----------------------------------------------------------------------
    faults(f, [{"service": "sts", "operation": "GetCallerIdentity", "action": "throttle", "count": 2}])
    before = ncalls(f, "GetCallerIdentity")
    res = one(f, "query", "sts", "GetCallerIdentity")
    r.check(res["ok"], f"throttled twice then answered: {res}")
    r.eq(res["attempts"], 3, "three attempts")
    r.eq(len(res["sleeps"]), 2, "two backoffs")
    r.check(0 <= res["sleeps"][0] < 1 and 0 <= res["sleeps"][1] < 2, f"full jitter bounds: {res['sleeps']}")
    r.eq(ncalls(f, "GetCallerIdentity") - before, 3, "the fake saw three requests")
    r.eq(res["quota"], 500, "quota: two retries took 10, the success gave it all back")

    faults(f, [{"service": "secretsmanager", "action": "error", "status": 503, "count": 5}])
    res = one(f, "json", "secretsmanager", "ListSecrets", env=env_for(f, AWS_MAX_ATTEMPTS="3"))
    r.check(not res["ok"], "5xx beyond max attempts fails")
    r.eq(res["attempts"], 3, "AWS_MAX_ATTEMPTS=3 makes 3 attempts")
    r.eq(res.get("error", {}).get("status"), 503, "the last 503 is reported")

    res = one(f, "json", "secretsmanager", "ListSecrets")
    r.check(res["ok"], f"the default 10 attempts outlast the remaining faults: {res}")
    r.eq(res["attempts"], 3, "two more 503s, then the answer")
    r.check(all(s <= 20 for s in res["sleeps"]), "backoff capped at 20 s")

    faults(f, [{"service": "sts", "action": "drop", "count": 1}])
    res = one(f, "query", "sts", "GetCallerIdentity")
    r.check(res["ok"], f"a dropped connection is retried: {res}")
    r.eq(res["attempts"], 2, "dropped once: two attempts")

    # a slow answer: the per-attempt timeout fires, the retry costs 10 quota tokens
    faults(f, [{"service": "sts", "action": "latency", "latency_ms": 3000, "count": 3}])
    res = one(f, "--timeout-ms", "400", "query", "sts", "GetCallerIdentity", env=env_for(f, AWS_MAX_ATTEMPTS="3"))
    r.eq((res.get("error", {}).get("kind"), res["attempts"]), ("timeout", 3), "timeouts retried, then reported")
    r.eq(res["quota"], 500 - 20, "two timeout retries cost 10 each (a fresh client per run)")
    faults(f, [])

    faults(f, [{"service": "iam", "operation": "GetRole", "action": "throttle"}])
    res = one(f, "query", "iam", "GetRole", inp={"RoleName": "app-role"}, env=env_for(f, AWS_MAX_ATTEMPTS="1"))
    r.eq(res["attempts"], 1, "max_attempts 1 means no retry")
    r.eq(res.get("error", {}).get("code"), "Throttling", "IAM throttling code")

    # A storm: every call throttled. The quota (500, 5 per retry) allows 100 retries in all;
    # after that each call is tried once, so traffic does not triple.
    before = ncalls(f, "GetRole")
    out = call(f, "--repeat", "60", "query", "iam", "GetRole", inp={"RoleName": "app-role"})
    sent = ncalls(f, "GetRole") - before
    r.eq(len(out), 60, "60 calls reported")
    r.eq(sent, 60 + 100, "the storm cost 100 retries, not 120")
    r.eq(out[-1]["quota"], 0, "quota exhausted")
    r.eq(out[-1]["attempts"], 1, "no retry once the quota is gone")
    r.check("retry quota" in out[-1].get("error", {}).get("message", ""), "the error says why")
    faults(f, [])
    out = call(f, "--repeat", "3", "query", "iam", "GetRole", inp={"RoleName": "app-role"})
    r.check(all(o["ok"] for o in out), "calls succeed after the storm")

r.finish()
