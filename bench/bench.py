#!/usr/bin/python3
"""make bench: measure ecsdeploy against the local AWS fake (started by bench/run.sh), and
project every run to AWS's own durations (bench/README.md).

Phases, in order, on one fake: plan (the dependency edges), a fresh `up`, a no-change
`up`, `status` (these two again at BENCH_DEPTH_LATENCY_MS per call, for their round-trip
depth), `deploy app --tag` (an image bump to the end), `down --yes --purge`; then, each
after a reset of the fake, a fresh `up` of a generated stack with 1 service and with 20
(the scale phase); then bench/aws-cli.sh builds, bumps and tears down the same topology
with the AWS CLI v2. For each phase: wall time, CPU, peak memory, the API calls it made
(from /_fake/calls), a timeline picture; for up, deploy and down the projections.

Environment (set by run.sh): AWS_ENDPOINT_URL (the fake, 127.0.0.1 only), BENCH_OUT
(directory for results.json, logs and pictures), ECSDEPLOY (the binary), BENCH_STACK
(stack file), BENCH_LATENCY_MS and BENCH_TIME_SCALE (what the fake was started with),
ECSDEPLOY_POLL_SECONDS, BENCH_SKIP_CLI=1 to leave the AWS CLI part out, BENCH_SKIP_SCALE=1
to leave the scale phase out.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyse  # noqa: E402
import fakectl  # noqa: E402
import observe  # noqa: E402
import projections  # noqa: E402
import report  # noqa: E402
import runner  # noqa: E402
import stacks  # noqa: E402
import svg  # noqa: E402

DEPLOY_TAG = "bench-2"


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        sys.exit("bench: %s is not set (run bench/run.sh, or `make bench`)" % name)
    return v


def run_phase(fake, name, argv, outdir, json_lines=False, watch=False, timeout=None, children=False):
    """Runs one command, returns its measurement with the calls it made (and, with watch,
    when the fake's load balancers and namespaces became ready)."""
    seq = fake.last_seq()
    files = (os.path.join(outdir, name + ".out"), os.path.join(outdir, name + ".err"))
    if watch:
        with observe.Observer(fake) as obs:
            m = runner.run(argv, *files, timeout=timeout, children=children)
        m["observed"] = obs.durations()
    else:
        m = runner.run(argv, *files, timeout=timeout, children=children)
    calls = fake.calls_since(seq)
    m["name"] = name
    m["argv"] = [os.path.basename(argv[0])] + argv[1:]
    m["calls"] = analyse.call_summary(calls)
    chain = analyse.round_trip_chain(calls)
    m["round_trip_depth"] = len(chain)
    m["round_trip_chain"] = analyse.chain_text(chain)
    m["_calls"], m["_chain"] = calls, chain
    with open(os.path.join(outdir, name + ".calls.json"), "w") as f:  # for a look by hand
        json.dump([dict(c, at=round(c["start"] - m["t0_epoch"], 4)) for c in calls], f)
    if json_lines:
        m["events"] = analyse.parse_events(m.pop("lines"))
        with open(os.path.join(outdir, name + ".events.json"), "w") as f:
            json.dump(m["events"], f)
    else:
        m["waits"] = analyse.cli_waits(m.pop("lines"))
    return m


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def stack_doc(binary, stack):
    """(the stack as ecsdeploy resolves it, the file as written or None): the settings
    each model runs with."""
    p = subprocess.run([binary, "-f", stack, "validate", "--output", "json"], capture_output=True, text=True)
    resolved = json.loads(p.stdout) if p.returncode == 0 else {}
    try:
        import yaml  # python3-yaml (a dependency of awscli); without it: AWS's defaults
        with open(stack) as f:
            raw = yaml.safe_load(f)
    except (ImportError, OSError, ValueError):
        raw = None
    return resolved, raw


def plan_edges(fake, binary, stack, outdir, name="plan"):
    """plan --output json before the up: {id: [depends_on...]}, plus its measurement."""
    m = run_phase(fake, name, [binary, "-f", stack, "plan", "--output", "json"], outdir)
    doc = read_json(os.path.join(outdir, name + ".out"))
    try:
        edges = {r["id"]: list(r.get("depends_on") or []) for r in doc.get("resources", [])}
        actions = {r["id"]: r.get("action") for r in doc.get("resources", [])}
    except (AttributeError, KeyError, TypeError) as e:
        print("bench: plan --output json did not give a readable plan (%s); see %s"
              % (e, os.path.join(outdir, name + ".err")), file=sys.stderr)
        edges, actions = {}, {}
    m["resources"] = len(edges)
    m["actions"] = actions
    return m, edges


def plan_changes(path):
    """What a plan right after the fresh up still wants to do: [{id, action, changes}]."""
    doc = read_json(path)
    if not isinstance(doc, dict):
        return [{"id": "?", "action": "unreadable plan", "changes": None}]
    return [{"id": r["id"], "action": r.get("action"), "changes": r.get("changes")}
            for r in doc.get("resources", []) if r.get("action") not in ("none", None)]


def up_phase(fake, base, name, outdir, edges):
    m = run_phase(fake, name, base + ["up", "--output", "json", "--timeline",
                                      os.path.join(outdir, name + ".svg")], outdir, json_lines=True, watch=True)
    m["critical_path"] = analyse.critical_path(m["events"], edges, m["t0"])
    return m


def ecsdeploy_phases(fake, binary, stack, outdir):
    base = [binary, "-f", stack]
    plan, edges = plan_edges(fake, binary, stack, outdir)
    up = up_phase(fake, base, "up", outdir, edges)
    again = run_phase(fake, "plan_again", base + ["plan", "--output", "json"], outdir)
    again["not_unchanged"] = plan_changes(os.path.join(outdir, "plan_again.out"))
    up2 = run_phase(fake, "up_again", base + ["up", "--output", "json"], outdir, json_lines=True)
    up2["writes"] = analyse.write_calls(up2["_calls"])
    status = run_phase(fake, "status", base + ["status", "--output", "json"], outdir)
    depth = depth_phases(fake, base, outdir)
    dep = run_phase(fake, "deploy", base + ["deploy", "app", "--tag", DEPLOY_TAG, "--output", "json"], outdir,
                    json_lines=True)
    down = run_phase(fake, "down", base + ["down", "--yes", "--purge", "--output", "json"], outdir,
                     json_lines=True)
    down["left"] = fake.stack_leftovers()
    return [plan, up, again, up2, status] + depth + [dep, down], edges


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


def scale_phases(fake, binary, outdir):
    """A fresh up of N web services behind one ALB, N = 1 and 20, each on a reset fake."""
    out = {}
    for n in (1, 20):
        stack = stacks.scale_stack(n, outdir)
        fake.reset()
        _, edges = plan_edges(fake, binary, stack, outdir, "scale_%d_plan" % n)
        m = up_phase(fake, [binary, "-f", stack], "scale_%d" % n, outdir, edges)
        m["stack_file"] = stack
        out[n] = (m, edges, stack)
    return out


def cli_phases(fake, outdir):
    """The AWS CLI script: each of its 60-80 commands starts a Python process (0.5 s of CPU
    on an idle core, several seconds on a loaded one), so it gets BENCH_CLI_TIMEOUT (900 s)."""
    fake.reset()
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "aws-cli.sh")
    limit = float(os.environ.get("BENCH_CLI_TIMEOUT", "900"))
    cli = dict(timeout=limit, children=True)  # the aws commands' memory, not the shell's
    ups = run_phase(fake, "cli_up", ["/bin/sh", script, "up"], outdir, **cli)
    deps = run_phase(fake, "cli_deploy", ["/bin/sh", script, "deploy", DEPLOY_TAG], outdir, **cli)
    downs = run_phase(fake, "cli_down", ["/bin/sh", script, "down"], outdir, **cli)
    downs["left"] = fake.stack_leftovers()
    return [ups, deps, downs]


def project_all(by, edges, binary, stack, outdir, scale, scale_runs):
    """Projections of up, deploy, down (and the CLI's, scale's) onto their phases; every
    phase's timeline pictures."""
    latency = float(env("BENCH_LATENCY_MS")) / 1000.0
    poll = float(os.environ.get("ECSDEPLOY_POLL_SECONDS") or 5.0)
    resolved, raw = stack_doc(binary, stack)
    ctx = projections.Context(resolved, raw, scale, poll, latency, edges)
    for phase in ("up", "down"):
        m = by.get(phase)
        if not m:
            continue
        res, full, spans, trig = projections.resources(ctx, phase, m, m.get("observed"))
        m["projection"], m["projected_aws_seconds"] = res, res["ecsdeploy"]["seconds"]
        m["measured_path"] = projections.measured_path(spans, trig)
        measured = None if phase == "up" else svg.from_spans(spans, m["measured_path"])
        m["pictures"] = projections.write_svgs(outdir, phase, "ecsdeploy %s" % phase, measured, full)
    if "deploy" in by:
        m = by["deploy"]
        res, full = projections.deploy(ctx, m)
        m["projection"], m["projected_aws_seconds"] = res, res["ecsdeploy"]["seconds"]
        m["pictures"] = projections.write_svgs(outdir, "deploy", "ecsdeploy deploy app --tag " + DEPLOY_TAG,
                                               projections.deploy_bars(m["events"]), full)
    for phase in ("up", "deploy", "down"):
        m = by.get("cli_" + phase)
        if not m:
            continue
        p = projections.cli(ctx, phase, m, m["_calls"])
        if m["rc"] != 0 and "seconds" in p:
            p = {"error": "the script did not finish (exit %s); its projection would stop short" % m["rc"]}
        m["projected_aws_seconds"] = p.get("seconds")
        m["projection"] = {"aws_cli": projections._summary(p)}
        if phase in by:
            by[phase]["projection"]["aws_cli"] = projections._summary(p)
        bars = [{"id": "%02d wait %s" % (i + 1, w), "start": s, "end": e, "wait_from": s, "critical": True}
                for i, (s, e, w) in enumerate(m["waits"]["intervals"])]
        m["pictures"] = projections.write_svgs(outdir, "cli_" + phase, "bench/aws-cli.sh " + phase,
                                               bars, {"aws": p} if "bars" in p else None)
    for n, (m, sedges, sstack) in sorted(scale_runs.items()):
        sres, sraw = stack_doc(binary, sstack)
        sctx = projections.Context(sres, sraw, scale, poll, latency, sedges)
        res, full, spans, trig = projections.resources(sctx, "up", m, m.get("observed"))
        m["projection"], m["projected_aws_seconds"] = res, res["ecsdeploy"]["seconds"]
        m["pictures"] = projections.write_svgs(outdir, m["name"], "ecsdeploy up, %d services" % n, None,
                                               {"ecsdeploy": full["ecsdeploy"]})
    for name, m in by.items():
        own = os.path.join(outdir, name + ".svg")
        if "--timeline" in m["argv"] and os.path.exists(own):
            m.setdefault("pictures", []).insert(0, own)   # drawn by ecsdeploy itself
        if "pictures" in m:
            continue
        spans = analyse.resource_spans(m.get("events") or [])
        if spans:
            bars = svg.from_spans(spans, projections.measured_path(spans, analyse.triggers(spans)))
        else:
            bars = svg.from_calls(m["_calls"], m["_chain"])
        title = "%s: %s" % (name, " ".join(m["argv"][1:])[:100])
        m["pictures"] = projections.write_svgs(outdir, name, title, bars)


def main():
    outdir = env("BENCH_OUT")
    os.makedirs(outdir, exist_ok=True)
    fake = fakectl.Fake(env("AWS_ENDPOINT_URL"))
    binary, stack = env("ECSDEPLOY"), env("BENCH_STACK")
    scale = float(env("BENCH_TIME_SCALE"))
    started, before = time.time(), report.machine()
    phases, edges = ecsdeploy_phases(fake, binary, stack, outdir)
    scale_runs = {} if os.environ.get("BENCH_SKIP_SCALE") == "1" else scale_phases(fake, binary, outdir)
    phases += [m for m, _, _ in scale_runs.values()]
    if os.environ.get("BENCH_SKIP_CLI") != "1":
        phases += cli_phases(fake, outdir)
    by = {p["name"]: p for p in phases}
    project_all(by, edges, binary, stack, outdir, scale, scale_runs)
    res = report.build(phases, {
        "latency_ms": float(env("BENCH_LATENCY_MS")),
        "time_scale": scale,
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
    print("\nbench: results in %s; timelines in %s/*.svg" % (os.path.join(outdir, "results.json"), outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
