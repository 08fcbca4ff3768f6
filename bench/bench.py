#!/usr/bin/python3
"""make bench: measure ecsdeploy against the local AWS fake (started by bench/run.sh).

Phases, in order, on one fake: plan (the dependency edges), a fresh `up`, a no-change
`up`, `status` (these two again at BENCH_DEPTH_LATENCY_MS per call, for their round-trip
depth), `down --yes --purge`; then the fake is reset and bench/aws-cli.sh builds
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


def scale():
    return float(env("BENCH_TIME_SCALE"))


def run_phase(fake, name, argv, outdir, json_lines=False):
    """Runs one command, returns its measurement with the calls it made."""
    seq = fake.last_seq()
    m = runner.run(argv, os.path.join(outdir, name + ".out"), os.path.join(outdir, name + ".err"))
    calls = fake.calls_since(seq)
    m["name"] = name
    m["argv"] = [os.path.basename(argv[0])] + argv[1:]
    m["calls"] = analyse.call_summary(calls)
    m["round_trip_depth"] = analyse.round_trip_depth(calls)
    m["round_trip_chain"] = analyse.chain_text(analyse.round_trip_chain(calls))
    m["_calls"] = calls
    if json_lines:
        m["events"] = analyse.parse_events(m.pop("lines"))
    else:
        m["waits"] = analyse.cli_waits(m.pop("lines"))
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


def plan_changes(path):
    """What a plan right after the fresh up still wants to do: [{id, action, changes}]."""
    try:
        with open(path) as f:
            doc = json.load(f)
        return [{"id": r["id"], "action": r.get("action"), "changes": r.get("changes")}
                for r in doc.get("resources", []) if r.get("action") not in ("none", None)]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [{"id": "?", "action": "unreadable plan: %s" % e, "changes": None}]


def ecsdeploy_phases(fake, binary, stack, outdir):
    base = [binary, "-f", stack]
    plan, edges = plan_edges(fake, binary, stack, outdir)
    up = run_phase(fake, "up", base + ["up", "--output", "json"], outdir, json_lines=True)
    up["critical_path"] = analyse.critical_path(up["events"], edges, up["t0"])
    up["projected_aws_seconds"] = analyse.project_up(up["wall"], up["critical_path"], scale())
    again = run_phase(fake, "plan_again", base + ["plan", "--output", "json"], outdir)
    again["not_unchanged"] = plan_changes(os.path.join(outdir, "plan_again.out"))
    up2 = run_phase(fake, "up_again", base + ["up", "--output", "json"], outdir, json_lines=True)
    up2["writes"] = analyse.write_calls(up2["_calls"])
    status = run_phase(fake, "status", base + ["status", "--output", "json"], outdir)
    depth = depth_phases(fake, base, outdir)
    down = run_phase(fake, "down", base + ["down", "--yes", "--purge"], outdir)
    left = fake.stack_leftovers()
    down["left"] = left
    return [plan, up, again, up2, status] + depth + [down]


def depth_phases(fake, base, outdir):
    """The no-change up and status again, at BENCH_DEPTH_LATENCY_MS per call (default 150),
    for their round-trip depth. At 25 ms the fake's own processing (about 0.5 ms per call,
    one call at a time under Python's GIL, more on a loaded machine) spreads a round of 30
    calls started together over 10-25 ms, so calls of one round can seem to follow each
    other; at 150 ms only calls that really waited for another one do."""
    ms = float(os.environ.get("BENCH_DEPTH_LATENCY_MS", "150"))
    fake.set_latency(ms)
    try:
        up = run_phase(fake, "up_again_depth", base + ["up", "--output", "json"], outdir, json_lines=True)
        up["writes"] = analyse.write_calls(up["_calls"])
        status = run_phase(fake, "status_depth", base + ["status", "--output", "json"], outdir)
    finally:
        fake.set_latency(float(env("BENCH_LATENCY_MS")))
    for p in (up, status):
        p["latency_ms"] = ms
    return [up, status]


def cli_phases(fake, outdir):
    fake.reset()
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "aws-cli.sh")
    ups = run_phase(fake, "cli_up", ["/bin/sh", script, "up"], outdir)
    downs = run_phase(fake, "cli_down", ["/bin/sh", script, "down"], outdir)
    downs["left"] = fake.stack_leftovers()
    for p in (ups, downs):
        p["projected_aws_seconds"] = round(p["wall"] + p["waits"]["total"] * (1 / scale() - 1), 1)
    return [ups, downs]


def main():
    outdir = env("BENCH_OUT")
    os.makedirs(outdir, exist_ok=True)
    fake = fakectl.Fake(env("AWS_ENDPOINT_URL"))
    binary, stack = env("ECSDEPLOY"), env("BENCH_STACK")
    started, before = time.time(), report.machine()
    phases = ecsdeploy_phases(fake, binary, stack, outdir)
    if os.environ.get("BENCH_SKIP_CLI") != "1":
        phases += cli_phases(fake, outdir)
    res = report.build(phases, {
        "latency_ms": float(env("BENCH_LATENCY_MS")),
        "time_scale": float(env("BENCH_TIME_SCALE")),
        "poll_seconds": os.environ.get("ECSDEPLOY_POLL_SECONDS"),
        "stack": stack,
        "machine": before,
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
