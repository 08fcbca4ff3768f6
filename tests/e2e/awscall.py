"""The aws_call tool (tests/tools/aws_call.c: one signed call, its result as JSON lines)
for the scripts of the AWS runtime: where it is (importing this fails the script when it
is not built), the environment it runs in, a run. Also puts the fake's test helpers
(fakelib) on the path."""
import json
import os
import subprocess
import sys

TOP = os.environ.get("TOP", os.getcwd())
TOOL = os.path.join(os.environ.get("TOOLS_DIR", os.path.join(TOP, "build", "san", "tools")), "aws_call")
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))

if not os.path.exists(TOOL):
    print(f"FAIL: {TOOL} not built (run through `make check`)")
    sys.exit(1)


def tool_env(keys=True, **extra):
    """A clean environment: PATH, HOME=/nonexistent, region eu-west-1, no instance
    metadata, the keys test/test (unless keys=False), the sanitizers' options; then extra."""
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent",
         "AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_DISABLED": "true"}
    if keys:
        e.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            e[k] = os.environ[k]
    e.update(extra)
    return e


def run_tool(args, env):
    """Run aws_call ARGS: (the JSON lines it printed, its stderr)."""
    p = subprocess.run([TOOL] + list(args), env=env, capture_output=True, text=True, timeout=60)
    return [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")], p.stderr


def last_result(lines, stderr):
    """The call's result: the last line, or a failure that carries stderr."""
    return lines[-1] if lines else {"ok": False, "error": {"message": stderr}}
