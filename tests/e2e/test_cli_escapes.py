"""Text from outside is shown with its control characters escaped (issue 16): terminal
escape sequences in an AWS answer (a secret's ARN in `secret list`, an error message) and
in the exec agent's close message reach the terminal as visible \\e, \\x07, \\u{009B}...,
never as the bytes that would clear the screen or retitle the window."""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exec_world import ECSDEPLOY, Fake, Report, World  # noqa: E402
from hostile import ESCAPES, Hostile  # noqa: E402

r = Report()
RAW = ("\x1b", "\x07", "\r", "\u009b", "\u202e")


def raw_in(text):
    return [c for c in RAW if c in text]


with Fake() as fake:
    w = World(fake)
    w.cluster("ex")
    w.service("ex", "web")
    w.wait_exec_ready("ex", "web")

    # the exec agent's close message
    fake.control("POST", "/_fake/faults", {"rules": [], "exec": [{"action": "close", "message": "bye" + ESCAPES}]})
    p = w.run("exec", "--cluster", "ex", "web", "--", "echo", "hi")
    err = p.stderr.decode("utf-8", "replace")
    r.check(p.returncode != 0 and "bye" in err, f"the agent's close message is shown: {err!r}")
    r.check(not raw_in(err), f"exec: no raw control character reaches the terminal: {raw_in(err)} in {err!r}")
    r.check("\\e]0;pwned\\x07\\e[2J" in err, f"exec: they are shown escaped: {err!r}")
    fake.control("POST", "/_fake/faults", {"rules": [], "exec": []})

with Hostile() as h:
    work = tempfile.mkdtemp()
    stack = os.path.join(work, "ecsdeploy.yml")
    with open(stack, "w") as f:
        f.write("stack: esc\nsecrets:\n  k: { generate: true }\n  bad: { generate: true }\n"
                "services:\n  web: { image: nginx }\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "eu-west-1", "AWS_CONFIG_FILE": "/dev/null",
           "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_MAX_ATTEMPTS": "1", "AWS_ENDPOINT_URL_SECRETS_MANAGER": f"{h.url}/escapes",
           "AWS_ENDPOINT_URL_STS": f"{h.url}/escapes"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]

    # an ARN in `secret list`
    p = subprocess.run([ECSDEPLOY, "-f", stack, "secret", "list"], env=env, capture_output=True, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    r.check("secret:x" in out, f"secret list shows the secret: {p.returncode} {out!r} {err!r}")
    r.check(not raw_in(out), f"secret list: no raw control character: {raw_in(out)} in {out!r}")
    r.check("\\e[2J\\e[H\\r\\u{009B}31m\\u{202E}" in out, f"secret list: they are shown escaped: {out!r}")

    # an AWS error message (the second secret)
    r.check(p.returncode != 0 and "denied" in err, f"the error is shown: {err!r}")
    r.check(not raw_in(err), f"error: no raw control character: {raw_in(err)} in {err!r}")
r.finish()
