#!/usr/bin/python3
"""Round-trip depth of the read-only commands (issue 5: "no-change `up` and `status` within
5 round-trip depths", i.e. all reads in parallel).

A representative stack (examples/canardstack.yml without its bootstrap step: VPC, subnets,
gateway, route table, groups and rules, secrets, a bucket, log groups, roles, Cloud Map
namespace and service, ALB, target group, listener, rule, cluster, task definitions, two
services; plus a CloudFront site of its bucket and the CI identity) is deployed with no
latency; then every call costs 200 ms and a no-change `up` and `status` run. From the fake's call log, the depth is the longest chain of calls each
of which started after the previous one ended (bench/analyse.py, as `make bench`). Calls
that run side by side start within a few milliseconds of each other, far less than
200 ms, so a loaded machine does not add levels; a read made after another one that it
does not need does.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
sys.path.insert(0, os.path.join(TOP, "bench"))
from fakelib import Fake, Report  # noqa: E402
from stackworld import env_for  # noqa: E402
import analyse  # noqa: E402
import fakectl  # noqa: E402

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))
MAX_DEPTH = 5
LATENCY_MS = 200
R = Report()


def stack_file(work):
    """canardstack.yml without the `bootstrap:` section (the fake's stand-in image may not
    write the file it reads; bootstrap is not what this test measures)."""
    with open(os.path.join(TOP, "examples", "canardstack.yml")) as f:
        text = f.read()
    text = re.sub(r"(?ms)^bootstrap:.*?(?=^\S)", "", text)
    # and a site of its bucket, with the CI identity (their discovery joins the same levels)
    text += ("sites:\n  www: { bucket: data, path: /www }\n"
             "ci: { github: { repository: acme/canard, branches: [main] }, publish: [www] }\n")
    path = os.path.join(work, "canardstack.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def run(env, stack, *args):
    p = subprocess.run([ECSDEPLOY, "-f", stack] + list(args), env=env, capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def measured(calls, env, stack, what, *args):
    """Run a command at LATENCY_MS per call (calls: the fake's control client, bench's
    fakectl); its exit code, output and call log."""
    seq = calls.last_seq()
    rc, out, err = run(env, stack, *args)
    got = calls.calls_since(seq)
    chain = analyse.round_trip_chain(got)
    print("%s: exit %d, %d calls, depth %d: %s" % (what, rc, len(got), len(chain),
                                                  analyse.chain_text(chain)), flush=True)
    R.check(rc == 0, "%s exits 0 (got %d): %s" % (what, rc, err.strip()[-400:]))
    R.check(len(chain) <= MAX_DEPTH,
            "%s makes its reads side by side: round-trip depth %d > %d along %s"
            % (what, len(chain), MAX_DEPTH, analyse.chain_text(chain)))
    return out, got


def main():
    work = tempfile.mkdtemp()
    stack = stack_file(work)
    with Fake("--latency-ms", "0", time_scale=0.01) as fake:
        env = env_for(fake, direct=True)
        calls = fakectl.Fake(fake.url)
        rc, out, err = run(env, stack, "up")
        if not R.check(rc == 0, "the first up deploys the stack (exit %d): %s" % (rc, err.strip()[-600:])):
            print("%d passed, %d failed" % (R.passed, R.failed))
            return 1

        calls.set_latency(LATENCY_MS)
        out, got = measured(calls, env, stack, "no-change up", "up")
        R.check("No changes" in out, "the second up has no changes: " + out[-300:])
        writes = analyse.write_calls(got)
        R.check(not writes, "a no-change up only reads, made: %s" % ", ".join(writes))

        out, got = measured(calls, env, stack, "status", "status", "--output", "json")
        try:
            doc = json.loads(out)
        except ValueError:
            doc = {}
        services = [r for r in doc.get("resources", []) if r.get("kind") == "service"]
        R.check(len(services) == 2 and all(s.get("running") == 1 for s in services),
                "status shows both services running: %s" % json.dumps(services)[:400])
        R.check(all(s.get("images") and s.get("stopped_reasons") is not None for s in services),
                "status still reads the images and stopped tasks of each service")
        R.check(doc.get("healthy") is True, "status says the stack is healthy")
    print("%d passed, %d failed" % (R.passed, R.failed))
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
