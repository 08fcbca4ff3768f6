#!/usr/bin/python3
"""make bench: measure ecsdeploy against the local AWS fake (started by bench/run.sh).

Phases, in order, on one fake: plan (the dependency edges), a fresh `up`, a no-change
`up`, `status`, `down --yes --purge`; then the fake is reset and bench/aws-cli.sh builds
and tears down the same topology with the AWS CLI v2. For each phase: wall time and the
API calls it made (from /_fake/calls); for `up` the critical-path bound; for the
read-only phases the round-trip depth; peak memory of `up`.

Environment (set by run.sh): AWS_ENDPOINT_URL (the fake, 127.0.0.1 only), BENCH_OUT
(directory for results.json and logs), ECSDEPLOY (the binary), BENCH_STACK (stack file),
BENCH_LATENCY_MS and BENCH_TIME_SCALE (what the fake was started with, for the report),
BENCH_SKIP_CLI=1 to leave the AWS CLI part out.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyse  # noqa: E402
import fakectl  # noqa: E402
import runner  # noqa: E402
import report  # noqa: E402


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        sys.exit("bench: %s is not set (run bench/run.sh, or `make bench`)" % name)
    return v


def run_phase(fake, name, argv, outdir, json_lines=False):
    """Runs one command, returns its measurement with the calls it made."""
    seq = fake.last_seq()
    m = runner.run(argv, os.path.join(outdir, name + ".out"), os.path.join(outdir, name + ".err"))
    calls = fake.calls_since(seq)
    m["name"] = name
    m["argv"] = [os.path.basename(argv[0])] + argv[1:]
    m["calls"] = analyse.call_summary(calls)
    m["round_trip_depth"] = analyse.round_trip_depth(calls)
    m["_calls"] = calls
    if json_lines:
        m["events"] = analyse.parse_events(m.pop("lines"))
    else:
        m.pop("lines")
    return m


def plan_edges(fake, binary, stack, outdir):
    """plan --output json before the up: {id: [depends_on...]}, plus its measurement."""
    m = run_phase(fake, "plan", [binary, "-f", stack, "plan", "--output", "json"], outdir)
    try:
        with open(os.path.join(outdir, "plan.out")) as f:
            doc = json.load(f)
        edges = {r["id"]: list(r.get("depends_on") or []) for r in doc.get("resources", [])}
        actions = {r["id"]: r.get("action") for r in doc.get("resources", [])}
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("bench: plan --output json did not give a readable plan (%s); see %s"
              % (e, os.path.join(outdir, "plan.err")), file=sys.stderr)
        edges, actions = {}, {}
    m["resources"] = len(edges)
    m["actions"] = actions
    return m, edges


def ecsdeploy_phases(fake, binary, stack, outdir):
    base = [binary, "-f", stack]
    plan, edges = plan_edges(fake, binary, stack, outdir)
    up = run_phase(fake, "up", base + ["up", "--output", "json"], outdir, json_lines=True)
    up["critical_path"] = analyse.critical_path(up["events"], edges, up["t0"])
    up2 = run_phase(fake, "up_again", base + ["up", "--output", "json"], outdir, json_lines=True)
    up2["writes"] = analyse.write_calls(up2["_calls"])
    status = run_phase(fake, "status", base + ["status", "--output", "json"], outdir)
    down = run_phase(fake, "down", base + ["down", "--yes", "--purge"], outdir)
    left = fake.stack_leftovers()
    down["left"] = left
    return [plan, up, up2, status, down]


def cli_phases(fake, outdir):
    fake.reset()
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "aws-cli.sh")
    ups = run_phase(fake, "cli_up", ["/bin/sh", script, "up"], outdir)
    downs = run_phase(fake, "cli_down", ["/bin/sh", script, "down"], outdir)
    downs["left"] = fake.stack_leftovers()
    return [ups, downs]


def main():
    outdir = env("BENCH_OUT")
    os.makedirs(outdir, exist_ok=True)
    fake = fakectl.Fake(env("AWS_ENDPOINT_URL"))
    binary, stack = env("ECSDEPLOY"), env("BENCH_STACK")
    started = time.time()
    phases = ecsdeploy_phases(fake, binary, stack, outdir)
    if os.environ.get("BENCH_SKIP_CLI") != "1":
        phases += cli_phases(fake, outdir)
    res = report.build(phases, {
        "latency_ms": float(env("BENCH_LATENCY_MS")),
        "time_scale": float(env("BENCH_TIME_SCALE")),
        "poll_seconds": os.environ.get("ECSDEPLOY_POLL_SECONDS"),
        "stack": stack,
        "machine": report.machine(),
        "bench_seconds": None,
    })
    res["setup"]["bench_seconds"] = round(time.time() - started, 1)
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    print(report.table(res))
    print("\nbench: results in %s" % os.path.join(outdir, "results.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
