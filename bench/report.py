"""results.json and the table run.sh prints. The targets are issue 17's; they are reported,
never asserted."""
import json
import os
import platform

TARGETS = {
    "up_wall_over_bound": 1.1,                    # fresh up wall / bound from AWS's constraints
    "up_projected_aws_seconds": 210,
    "deploy_projected_aws_seconds": 90,
    "up_calls": 120,
    "peak_rss_mb": 24.0,                          # any ecsdeploy command
    "scale_20_over_1": 1.15,
    "up_versus_cloudformation_aws_defaults": 0.6,
    "up_again_round_trip_depth": 5,
    "status_round_trip_depth": 5,
}
MODELS = (("ecsdeploy", "ecsdeploy"), ("aws_cli", "AWS CLI script"),
          ("cloudformation_aws_defaults", "CloudFormation order, AWS's defaults"),
          ("cloudformation_same_settings", "CloudFormation order, same settings"),
          ("bound", "lower bound from AWS's constraints"))


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as f:
            load = f.read().split()
    except OSError:
        load = ["?"] * 4
    return {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "loadavg_1_5_15": load[:3], "runnable_total": load[3]}


def _clean(p):
    return {k: v for k, v in p.items() if not k.startswith("_") and k not in ("t0", "events")}


def _target(t, key, value, **extra):
    goal = TARGETS[key]
    t[key] = dict({"value": value, "target": goal, "met": value is not None and value <= goal}, **extra)


def _ratio(a, b, digits=2):
    return round(a / b, digits) if a is not None and b else None


def build(phases, setup):
    by = {p["name"]: _clean(p) for p in phases}
    res = {"setup": setup, "phases": by, "targets": {}}
    setup["machine_after"] = machine()
    t = res["targets"]
    up = by.get("up")
    if up and "projection" in up:
        pr = up["projection"]
        fs = pr.get("fake_scale", {})
        _target(t, "up_wall_over_bound", _ratio(up["wall"], fs.get("bound")),
                complete=up["critical_path"]["result"] == "ok",
                wall=up["wall"], bound=fs.get("bound"),
                projected=_ratio(pr["ecsdeploy"]["seconds"], pr["bound"]["seconds"]))
        _target(t, "up_projected_aws_seconds", pr["ecsdeploy"]["seconds"])
        _target(t, "up_calls", up["calls"]["total"])
        _target(t, "up_versus_cloudformation_aws_defaults",
                _ratio(pr["ecsdeploy"]["seconds"], pr["cloudformation_aws_defaults"]["seconds"]))
        t["up_versus_cloudformation_same_settings"] = {
            "value": _ratio(pr["ecsdeploy"]["seconds"], pr["cloudformation_same_settings"]["seconds"]),
            "target": None, "met": None}
    dep = by.get("deploy")
    if dep and "projection" in dep:
        _target(t, "deploy_projected_aws_seconds", dep["projection"]["ecsdeploy"]["seconds"])
    rss = [(p["maxrss_kb"] / 1024.0, n) for n, p in by.items() if not n.startswith("cli_")]
    if rss:
        mb, where = max(rss)
        _target(t, "peak_rss_mb", round(mb, 1), phase=where)
    s1, s20 = by.get("scale_1"), by.get("scale_20")
    if s1 and s20:
        _target(t, "scale_20_over_1", scale_ratio(s1, s20, setup["time_scale"]), raw=_ratio(s20["wall"], s1["wall"]),
                projected=_ratio(s20.get("projected_aws_seconds"), s1.get("projected_aws_seconds")))
    for name in ("up_again", "status"):
        measured = name + "_depth" if name + "_depth" in by else name
        if measured in by:
            _target(t, name + "_round_trip_depth", by[measured]["round_trip_depth"], phase=measured)
    for mine, cli in (("up", "cli_up"), ("deploy", "cli_deploy"), ("down", "cli_down")):
        if mine in by and cli in by and by[cli]["wall"] > 0:
            res["versus_cli_" + mine] = {
                "ecsdeploy_wall": by[mine]["wall"], "cli_wall": by[cli]["wall"],
                "wall_ratio": round(by[mine]["wall"] / by[cli]["wall"], 3),
                "ecsdeploy_calls": by[mine]["calls"]["total"], "cli_calls": by[cli]["calls"]["total"],
                "cli_rc": by[cli]["rc"], "cli_waits": by[cli]["waits"]["total"],
                "ecsdeploy_projected_aws_seconds": by[mine].get("projected_aws_seconds"),
                "cli_projected_aws_seconds": by[cli].get("projected_aws_seconds")}
    return res


def scale_ratio(s1, s20, time_scale):
    """20 services over 1, measured, with each run's ALB time (the one random duration on
    the path, drawn anew in every run) replaced by the typical one: the runs then differ
    only in what 20 services cost."""
    typical = 105 * time_scale

    def norm(m):
        alb = next((v for k, v in (m.get("observed") or {}).items() if k.startswith("alb/")), None)
        return m["wall"] - alb + typical if alb else m["wall"]
    return _ratio(norm(s20), norm(s1))


def _row(cols, widths):
    return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                     for i, (c, w) in enumerate(zip(cols, widths)))


def _top_ops(p, n=4):
    ops = sorted(p["calls"]["by_operation"].items(), key=lambda kv: -kv[1])[:n]
    return ", ".join("%s %d" % (k.split(":", 1)[1], v) for k, v in ops)


def _seconds(p, key):
    x = ((p or {}).get("projection") or {}).get(key) or {}
    return "%.0f" % x["seconds"] if isinstance(x, dict) and x.get("seconds") is not None else "-"


def projection_table(ph):
    out = ["projected to AWS's durations, seconds (typical durations; bench/README.md)",
           _row(("", "up", "deploy", "down"), (38, 8, 8, 8))]
    for key, label in MODELS:
        out.append(_row((label, _seconds(ph.get("up"), key), _seconds(ph.get("deploy"), key),
                         _seconds(ph.get("down"), key)), (38, 8, 8, 8)))
    out.append(_row(("calls (ecsdeploy / CLI script)",) + tuple(
        "%s/%s" % ((ph.get(n) or {}).get("calls", {}).get("total", "-"),
                   (ph.get("cli_" + n) or {}).get("calls", {}).get("total", "-")) for n in ("up", "deploy", "down")),
        (38, 8, 8, 8)))
    up = ph.get("up") or {}
    pr = up.get("projection") or {}
    if pr:
        r = pr["range"]
        out.append("  up with the ranges' ends (low/high): ecsdeploy %.0f/%.0f, CloudFormation %.0f/%.0f, "
                   "bound %.0f/%.0f" % (r["low"]["ecsdeploy"], r["high"]["ecsdeploy"],
                                        r["low"]["cloudformation_aws_defaults"],
                                        r["high"]["cloudformation_aws_defaults"],
                                        r["low"]["bound"], r["high"]["bound"]))
        o = pr["one_health_check"]
        out.append("  up if a new target needed one health check (ALB guide): ecsdeploy %.0f, "
                   "CloudFormation %.0f, bound %.0f" % (o["ecsdeploy"], o["cloudformation_aws_defaults"], o["bound"]))
        out.append("  bound with AWS's fastest settings (5 s x 2 checks, no drain): up %.0f, deploy %s, down %.0f"
                   % (pr["bound_fastest_settings"],
                      (ph.get("deploy") or {}).get("projection", {}).get("bound_fastest_settings", "-"),
                      ((ph.get("down") or {}).get("projection") or {}).get("bound_fastest_settings", 0)))
        for key in ("ecsdeploy", "bound"):
            out.append("  up critical path (%s): %s" % (key, " -> ".join(pr[key]["path"])))
    dn = (ph.get("down") or {}).get("projection")
    if dn:
        out.append("  down critical path (ecsdeploy): %s" % " -> ".join(dn["ecsdeploy"]["path"]))
    return out


def table(res):
    s, ph = res["setup"], res["phases"]
    m = s["machine"]
    out = ["ecsdeploy bench: %s, fake latency %g ms/call, time scale %g, %s cores (%s), load %s"
           % (os.path.basename(s["stack"]), s["latency_ms"], s["time_scale"], m["cores"],
              m["cpu"], " ".join(m["loadavg_1_5_15"])), ""]
    w = (14, 8, 7, 7, 4, 6, 6, 6)
    out.append(_row(("phase", "wall s", "cpu s", "rss MB", "rc", "calls", "errors", "depth"), w)
               + "  top operations")
    for name, p in ph.items():
        out.append(_row((name, "%.2f" % p["wall"], "%.2f" % p["cpu"], "%.1f" % (p["maxrss_kb"] / 1024.0),
                         p["rc"], p["calls"]["total"],
                         sum(p["calls"]["errors"].values()), p["round_trip_depth"]), w)
                   + "  " + _top_ops(p))
    for name, p in ph.items():
        if p.get("timed_out"):
            out.append("%s: stopped after BENCH_PHASE_TIMEOUT; its numbers are incomplete" % name)
        elif p["rc"] != 0:
            out.append("%s: exit %s; see bench/out/%s.err" % (name, p["rc"], name))
    out.append("")
    up = ph.get("up")
    if up:
        cp = up["critical_path"]
        out.append("fresh up: result %s; %d of %d planned resources done%s"
                   % (cp["result"], cp["resources_done"], cp["resources_planned"],
                      "; failed: " + ", ".join(cp["resources_failed"]) if cp["resources_failed"] else ""))
        if cp["failure"]:
            out.append("  failure: %s" % cp["failure"][:160])
        out.append("  measured critical path: %s" % " -> ".join(up.get("measured_path") or []))
        out.append("  heaviest path along ecsdeploy's own depends_on %.2f s; discovery and plan %s s"
                   % (cp["bound"], cp["before_first_start"]))
        fs = (up.get("projection") or {}).get("fake_scale")
        if fs:
            out.append("  at the fake's scale: wall %.2f s, bound from AWS's constraints %.2f s (ALB and "
                       "namespace as drawn: %s), the model's replay of this run %.2f s"
                       % (fs["wall"], fs["bound"], json.dumps(fs["observed"]), fs["replay"]))
    if "plan_again" in ph:
        items = ph["plan_again"]["not_unchanged"]
        out.append("plan right after the fresh up: %s" % (", ".join(
            "%s %s %s" % (x["action"], x["id"], json.dumps(x["changes"])[:200]) for x in items) or "no changes"))
    if "up_again" in ph:
        out.append("no-change up: write calls: %s" % (", ".join(ph["up_again"]["writes"]) or "none"))
    for name in ("up_again_depth", "status_depth"):
        if name in ph:
            at = " (at %g ms per call)" % ph[name]["latency_ms"] if "latency_ms" in ph[name] else ""
            out.append("%s%s: longest chain of calls that could not overlap: %s"
                       % (name, at, ph[name]["round_trip_chain"]))
    for name in ("down", "cli_down"):
        if name in ph:
            out.append("left after %s: %s" % (name, ", ".join(ph[name].get("left") or []) or "nothing"))
    out.append("")
    out += projection_table(ph)
    out.append("")
    for k, t in res["targets"].items():
        extra = ""
        if t.get("complete") is False:
            extra = "  (up did not complete: not yet meaningful)"
        for key in ("wall", "bound", "raw", "projected", "phase"):
            if key in t:
                extra += "  %s %s" % (key, t[key])
        verdict = "reported" if t["target"] is None else "met" if t["met"] else "NOT met"
        out.append("target %-38s %8s  (target %s)  %s%s" % (k, t["value"], t["target"], verdict, extra))
    for k in ("versus_cli_up", "versus_cli_deploy", "versus_cli_down"):
        if k in res:
            v = res[k]
            out.append("%-25s ecsdeploy %.2f s / CLI %.2f s = %.2f   calls %d vs %d%s" % (
                k, v["ecsdeploy_wall"], v["cli_wall"], v["wall_ratio"], v["ecsdeploy_calls"],
                v["cli_calls"], "" if v["cli_rc"] == 0 else "  (CLI script exit %s)" % v["cli_rc"]))
    return "\n".join(out)
