"""`up` that deletes asks first on a terminal (a pseudo-terminal here): the changes are
shown, 'n' changes nothing, 'y' goes ahead; --yes does not ask; without a terminal (CI) it
goes ahead as before."""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exec_world import ECSDEPLOY, Fake, Report  # noqa: E402
from ptyrun import run_on_pty  # noqa: E402

r = Report()
TWO = "stack: askt\nservices:\n  web: { image: nginx:1.27 }\n  worker: { image: nginx:1.27 }\n"
ONE = "stack: askt\nservices:\n  web: { image: nginx:1.27 }\n"


def on_pty(env, args, answer=None):
    """Run ecsdeploy on a pseudo-terminal; type `answer` at the question. (code, output)."""
    typed = []

    def react(out, proc, master, slave):
        if answer is not None and not typed and b"[y/N] " in out:
            os.write(master, answer + b"\r")
            typed.append(1)

    code, out = run_on_pty([ECSDEPLOY] + args, env, react=react, timeout=120)
    return code, out.decode("utf-8", "replace")


def run(env, args):
    p = subprocess.run([ECSDEPLOY] + args, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode() + p.stderr.decode()


with Fake() as fake:
    env = dict(os.environ, AWS_ENDPOINT_URL=fake.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_EC2_METADATA_DISABLED="true", ECSDEPLOY_POLL_SECONDS="0.05", TERM="xterm")
    stack = os.path.join(tempfile.mkdtemp(), "ecsdeploy.yml")
    with open(stack, "w") as f:
        f.write(TWO)
    code, out = run(env, ["-f", stack, "up"])
    r.check(code == 0, f"first up: {code} {out[-500:]}")
    with open(stack, "w") as f:
        f.write(ONE)

    code, out = on_pty(env, ["-f", stack, "up"], answer=b"n")
    r.check("delete   service/worker" in out, f"the deletions are shown before the question: {out[-1500:]}")
    r.check("Go ahead? [y/N]" in out, "up asks on a terminal")
    r.check(code == 2 and "nothing was changed" in out, f"'n': exit {code}, {out[-300:]}")
    code, out = run(env, ["-f", stack, "plan", "--detailed-exitcode"])
    r.check(code == 4 and "service/worker" in out, f"after 'n' the worker is still there: {code}")

    code, out = on_pty(env, ["-f", stack, "up"], answer=b"")
    r.check(code == 2, f"Enter alone is no: exit {code}")

    code, out = on_pty(env, ["-f", stack, "up"], answer=b"y")
    r.check(code == 0 and "is up" in out, f"'y' goes ahead: exit {code}, {out[-500:]}")
    code, out = run(env, ["-f", stack, "plan", "--detailed-exitcode"])
    r.check(code == 0, f"after 'y' the worker is gone: {code} {out[-300:]}")

    # --yes on a terminal does not ask; without a terminal it goes ahead as before
    with open(stack, "w") as f:
        f.write(TWO)
    r.check(run(env, ["-f", stack, "up"])[0] == 0, "the worker back")
    with open(stack, "w") as f:
        f.write(ONE)
    code, out = on_pty(env, ["-f", stack, "up", "--yes"])
    r.check(code == 0 and "[y/N]" not in out, f"up --yes on a terminal: exit {code}, {out[-300:]}")
    with open(stack, "w") as f:
        f.write(TWO)
    r.check(run(env, ["-f", stack, "up"])[0] == 0, "the worker back again")
    with open(stack, "w") as f:
        f.write(ONE)
    code, out = run(env, ["-f", stack, "up"])
    r.check(code == 0 and "[y/N]" not in out, f"without a terminal up goes ahead: exit {code}")

r.finish()
