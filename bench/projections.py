"""The bench's projections to AWS's durations for each phase (model.py, project.py,
cli_model.py) and the timeline pictures (svg.py) it writes for every phase."""
import os
import re

import analyse
import cli_model
import model
import project
import svg

# What AWS's minimums allow (CreateTargetGroup: interval 5-300 s, healthy threshold 2-10;
# deregistration delay 0-3600 s): the floor any choice of defaults can reach.
FASTEST = {"hc_interval": 5, "hc_healthy": 2, "dereg": 0}
# The script sets only the deregistration delay (30 s); the rest is AWS's default.
CLI_SETS = {"app": {"load_balancer": {"deregistration_delay": 30}}}


class Context:
    """What every projection of one bench run shares."""

    def __init__(self, resolved, raw, scale, poll_s, latency_s, edges):
        self.scale, self.latency = scale, latency_s
        self.poll = poll_s / scale            # ecsdeploy's poll interval in AWS seconds
        self.topo = model.Topology(edges)
        self.edges = edges
        self.run = model.service_settings(resolved)
        self.aws_defaults = model.service_settings(resolved, raw, aws_defaults=True)
        self.cli = model.service_settings(resolved, {"services": CLI_SETS}, aws_defaults=True)
        self.fastest = {s: dict(v, **FASTEST) for s, v in self.run.items()}

    def d(self, variant="typical", **extra):
        d = model.durations(variant)
        d.update(extra)
        return d


def _summary(p):
    if "seconds" not in p:
        return p
    out = {"seconds": p["seconds"], "path": p["path"]}
    if "command_seconds" in p:
        out["command_seconds"] = p["command_seconds"]
    return out


def _pre(spans):
    """Each resource's own calls before it waits on AWS (all of it when it does not)."""
    return {r: ((s["wait_from"] if s["wait_from"] is not None else s["end"]) - s["start"])
            for r, s in spans.items() if s["end"] is not None}


def resources(ctx, phase, m, observed=None):
    """up or down: ecsdeploy replayed, CloudFormation's order (AWS's defaults where the
    file sets nothing, and the run's own settings), the lower bound; typical durations
    and both ends of the ranges; for `up` also the bound at the fake's own scale with
    the durations it drew (for wall / bound) and the replay of the run at that scale."""
    spans = analyse.resource_spans(m["events"])
    edges = ctx.edges if phase == "up" else {r: ctx.topo.dependents(r) for r in ctx.topo.nodes}
    trig = analyse.triggers(spans, edges)
    costs = _pre(spans)
    actions = {r: s.get("action") for r, s in spans.items()}

    def mine(d):
        return project.ecsdeploy(spans, trig, ctx.topo, ctx.run, d, phase, ctx.scale, m["wall"], ctx.poll)

    def cfn(settings, d):
        return project.cloudformation(ctx.topo, settings, d, phase, costs, actions)

    def bound(settings, d):
        if phase == "up":
            return project.bound_up(ctx.topo, settings, d, ctx.latency,
                                    {r: c for r, c in costs.items() if model.kind(r) == "bootstrap"})
        return project.bound_down(ctx.topo, settings, d, ctx.latency)
    d = ctx.d()
    out = {"ecsdeploy": mine(d), "cloudformation_aws_defaults": cfn(ctx.aws_defaults, d),
           "cloudformation_same_settings": cfn(ctx.run, d), "bound": bound(ctx.run, d)}
    res = {k: _summary(v) for k, v in out.items()}
    res["range"] = {v: {"ecsdeploy": mine(ctx.d(v))["seconds"], "bound": bound(ctx.run, ctx.d(v))["seconds"],
                        "cloudformation_aws_defaults": cfn(ctx.aws_defaults, ctx.d(v))["seconds"]}
                    for v in ("low", "high")}
    res["bound_fastest_settings"] = bound(ctx.fastest, d)["seconds"]
    if phase == "up":
        one = ctx.d(new_target_checks=1)
        res["one_health_check"] = {"ecsdeploy": mine(one)["seconds"], "bound": bound(ctx.run, one)["seconds"],
                                   "cloudformation_aws_defaults": cfn(ctx.aws_defaults, one)["seconds"]}
        fake = model.durations("typical", ctx.scale, drawn(observed or {}, ctx.run, ctx.scale))
        res["fake_scale"] = {
            "observed": observed or {},
            "bound": round(bound(ctx.run, fake)["exact"], 3),   # seconds at this scale: 0.1 is 2 s of AWS's
            "replay": round(project.ecsdeploy(spans, trig, ctx.topo, ctx.run, fake, phase, ctx.scale, m["wall"],
                                              ctx.poll * ctx.scale)["exact"], 3),
            "wall": m["wall"]}
    return res, out, spans, trig


def drawn(observed, settings, scale):
    """Duration overrides (AWS seconds) from what the fake drew in a run: each ALB's time
    to active under the stack's name for it (AWS's name is STACK-NAME), the namespace's."""
    lbs = {s["lb"] for s in settings.values() if s.get("lb")}
    over = {}
    for key, secs in observed.items():
        k, n = key.split("/", 1)
        if k == "alb":
            lb = next((x for x in sorted(lbs) if n == x or n.endswith("-" + x)), n)
            over["alb_active_" + lb] = secs / scale
        elif k == "namespace":
            over["namespace"] = secs / scale
    return over


def measured_path(spans, trig):
    """The measured run's critical path: from the resource that ended last back through
    what each one waited for."""
    done = {r: s for r, s in spans.items() if s["end"] is not None}
    if not done:
        return []
    last = max(done, key=lambda r: done[r]["end"])
    path = []
    while last is not None and last not in path:
        path.append(last)
        last = trig.get(last)
    return path[::-1]


def deploy(ctx, m, svc="app"):
    ev = [(t, e) for t, e in m["events"] if e.get("service") == svc]
    d = ctx.d()

    def mine(d):
        return project.deploy_projection(ev, ctx.run, svc, d, ctx.scale, m["wall"], ctx.poll)
    out = {"ecsdeploy": mine(d),
           "cloudformation_aws_defaults": project.deploy_projection(ev, ctx.aws_defaults, svc, d, ctx.scale,
                                                                    m["wall"], cfn=True),
           "cloudformation_same_settings": project.deploy_projection(ev, ctx.run, svc, d, ctx.scale,
                                                                     m["wall"], cfn=True),
           "bound": project.bound_deploy(ctx.run, svc, d, ctx.latency)}
    res = {k: _summary(v) for k, v in out.items()}
    res["bound_fastest_settings"] = project.bound_deploy(ctx.fastest, svc, d, ctx.latency)["seconds"]
    return res, out


ROLL = re.compile(r"new \S+ running (\d+)/(\d+).*old running (\d+) \[(\w+)\]")


def deploy_bars(events):
    """The measured rollout as steps, from `deploy --output json` progress: register and
    update, new tasks starting, health checks (until the old tasks are told to stop), old
    tasks draining and stopping."""
    marks, first_roll = {}, None
    for t, ev in events:
        if ev.get("phase") != "rolling":
            continue
        first_roll = t if first_roll is None else first_roll
        m = ROLL.search(ev.get("message") or "")
        if not m:
            continue
        new, want, old, state = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        if new >= want:
            marks.setdefault("running", t)
        if new >= want and old == 0:
            marks.setdefault("old_stopping", t)
        if state in ("SUCCESSFUL", "COMPLETED"):
            marks.setdefault("done", t)
    end = max([t for t, _ in events] + [0.0])
    steps, prev = [], 0.0
    for label, key in (("register and update", None), ("new tasks starting", "running"),
                       ("health checks", "old_stopping"), ("old tasks draining and stopping", "done")):
        t = first_roll if key is None else marks.get(key)
        if t is None:
            continue
        steps.append({"id": label, "start": prev, "end": t, "wait_from": prev if key else None,
                      "critical": True})
        prev = t
    if prev < end:
        steps.append({"id": "until the end", "start": prev, "end": end, "wait_from": None, "critical": True})
    return steps


def cli(ctx, phase, m, calls):
    d = ctx.d()
    p = cli_model.project(phase, m["waits"]["intervals"], calls, m["t0_epoch"], m["wall"], d, ctx.cli, m["cpu"])
    return p


def write_svgs(outdir, name, title, measured=None, projected=None, unit="s"):
    """PHASE.svg (the measured run, unless ecsdeploy drew it itself) and PHASE.aws.svg (its
    projection to AWS's durations)."""
    written = []
    if measured is not None:
        path = os.path.join(outdir, name + ".svg")
        with open(path, "w") as f:
            f.write(svg.timeline(title, measured, unit))
        written.append(path)
    for key, p in (projected or {}).items():
        if p and p.get("bars"):
            path = os.path.join(outdir, "%s.%s.svg" % (name, key))
            with open(path, "w") as f:
                f.write(svg.timeline("%s: %s, projected to AWS's durations (%.0f s)" % (title, key, p["seconds"]),
                                     p["bars"], "AWS s"))
            written.append(path)
    return written
