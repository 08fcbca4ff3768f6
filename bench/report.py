"""results.json and the table run.sh prints."""
import json
import os
import platform

TARGET_UP_RATIO = 1.2
TARGET_DEPTH = 5
TARGET_RSS_MB = 32.0


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
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


def build(phases, setup):
    by = {p["name"]: _clean(p) for p in phases}
    res = {"setup": setup, "phases": by, "targets": {}}
    setup["machine_after"] = machine()
    up, t = by.get("up"), res["targets"]
    if up:
        cp = up["critical_path"]
        ratio = up["wall"] / cp["bound"] if cp["bound"] > 0 else None
        t["up_wall_over_bound"] = {"value": ratio and round(ratio, 2), "target": TARGET_UP_RATIO,
                                   "met": ratio is not None and ratio <= TARGET_UP_RATIO,
                                   "complete": cp["result"] == "ok"}
        mb = up["maxrss_kb"] / 1024.0
        t["up_peak_rss_mb"] = {"value": round(mb, 1), "target": TARGET_RSS_MB, "met": mb < TARGET_RSS_MB}
    for name in ("up_again", "status"):
        measured = name + "_depth" if name + "_depth" in by else name
        if measured in by:
            d = by[measured]["round_trip_depth"]
            t[name + "_round_trip_depth"] = {"value": d, "target": TARGET_DEPTH, "met": d <= TARGET_DEPTH,
                                             "phase": measured}
    for mine, cli in (("up", "cli_up"), ("down", "cli_down")):
        if mine in by and cli in by and by[cli]["wall"] > 0:
            res["versus_cli_" + mine] = {
                "ecsdeploy_wall": by[mine]["wall"], "cli_wall": by[cli]["wall"],
                "wall_ratio": round(by[mine]["wall"] / by[cli]["wall"], 3),
                "ecsdeploy_calls": by[mine]["calls"]["total"], "cli_calls": by[cli]["calls"]["total"],
                "cli_rc": by[cli]["rc"], "cli_waits": by[cli]["waits"]["total"],
                "ecsdeploy_projected_aws_seconds": by[mine].get("projected_aws_seconds"),
                "cli_projected_aws_seconds": by[cli]["projected_aws_seconds"]}
    return res


def _row(cols, widths):
    return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                     for i, (c, w) in enumerate(zip(cols, widths)))


def _top_ops(p, n=4):
    ops = sorted(p["calls"]["by_operation"].items(), key=lambda kv: -kv[1])[:n]
    return ", ".join("%s %d" % (k.split(":", 1)[1], v) for k, v in ops)


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
        out.append("  critical-path bound %.2f s along %s" % (
            cp["bound"], " -> ".join("%s (%.2f)" % (x["id"], x["seconds"]) for x in cp["path"]) or "-"))
        out.append("  before the first resource starts (discovery, plan): %s s" % cp["before_first_start"])
    if "plan_again" in ph:
        items = ph["plan_again"]["not_unchanged"]
        out.append("plan right after the fresh up: %s" % (", ".join(
            "%s %s %s" % (x["action"], x["id"], json.dumps(x["changes"])[:200]) for x in items) or "no changes"))
    if "up_again" in ph:
        out.append("no-change up: write calls: %s" % (", ".join(ph["up_again"]["writes"]) or "none"))
    for name in ("up_again", "status", "up_again_depth", "status_depth"):
        if name in ph:
            at = " (at %g ms per call)" % ph[name]["latency_ms"] if "latency_ms" in ph[name] else ""
            out.append("%s%s: longest chain of calls that could not overlap: %s"
                       % (name, at, ph[name]["round_trip_chain"]))
    if "down" in ph:
        out.append("left after down --purge: %s" % (", ".join(ph["down"]["left"]) or "nothing"))
    if "cli_down" in ph:
        out.append("left after the CLI teardown: %s" % (", ".join(ph["cli_down"]["left"]) or "nothing"))
    out.append("")
    for k, t in res["targets"].items():
        extra = "" if t.get("complete", True) else "  (up did not complete: not yet meaningful)"
        if "latency_ms" in ph.get(t.get("phase"), {}):
            extra = "  (%s, at %g ms per call)" % (t["phase"], ph[t["phase"]]["latency_ms"])
        out.append("target %-30s %8s  (target %s)  %s%s" % (
            k, t["value"], t["target"], "met" if t["met"] else "NOT met", extra))
    for k in ("versus_cli_up", "versus_cli_down"):
        if k in res:
            v = res[k]
            out.append("%-37s ecsdeploy %.2f s / CLI %.2f s = %.2f   calls %d vs %d%s" % (
                k, v["ecsdeploy_wall"], v["cli_wall"], v["wall_ratio"], v["ecsdeploy_calls"],
                v["cli_calls"], "" if v["cli_rc"] == 0 else "  (CLI script exit %s)" % v["cli_rc"]))
            out.append("%-37s CLI: %.1f s waiting on AWS, %.1f s running its commands" % (
                "", v["cli_waits"], v["cli_wall"] - v["cli_waits"]))
    up, cu = ph.get("up"), ph.get("cli_up")
    if up and cu:
        out.append("rough projection to AWS's real durations (waits / time scale): up %.0f s, CLI %.0f s"
                   % (up["projected_aws_seconds"], cu["projected_aws_seconds"]))
    return "\n".join(out)
