#!/usr/bin/python3
"""`ecsdeploy graph` and `ecsdeploy up --timeline FILE` (issue 17, see where the time goes).

graph: for examples/canardstack.yml the DOT and the Mermaid text hold exactly the nodes and
the depends_on edges `plan --output json` reports, and make no AWS call; a bad --format is
refused (exit 2). up --timeline: the SVG is well-formed XML (xml.etree), holds one bar per
resource the run's JSON events started, each bar's title names its resource and its times
match the events' order, the critical path is a chain of dependencies ending with the
resource that ended last; a path that cannot be written is refused before any call; a
no-change up writes a picture with no bars."""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TOP = os.environ.get("TOP", os.getcwd())
ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
from fakelib import Fake, Report  # noqa: E402

R = Report()
STACK = os.path.join(TOP, "examples", "canardstack.yml")
SVG = "{http://www.w3.org/2000/svg}"


def run(f, *args):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update(AWS_ENDPOINT_URL=f.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
             AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
             AWS_EC2_METADATA_DISABLED="true", ECSDEPLOY_POLL_SECONDS="0.05")
    p = subprocess.run([ECSDEPLOY, "-f", STACK] + list(args), env=e, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def check_graph(f, plan):
    want_nodes = {r["id"] for r in plan["resources"]}
    want_edges = {(d, r["id"]) for r in plan["resources"] for d in r.get("depends_on") or []}
    before = f.last_seq()
    rc, out, err = run(f, "graph")
    R.eq(rc, 0, "graph: exit code (%s)" % err.strip())
    R.check(out.startswith('digraph "canardstack" {') and out.rstrip().endswith("}"), "graph: a DOT digraph")
    nodes = {ln.split('"')[1] for ln in out.splitlines() if "[tooltip=" in ln}
    edges = {(ln.split('"')[1], ln.split('"')[3]) for ln in out.splitlines() if " -> " in ln}
    R.eq(nodes, want_nodes, "graph: DOT nodes are the plan's resources")
    R.eq(edges, want_edges, "graph: DOT edges are the plan's depends_on")
    rc, out, err = run(f, "graph", "--format", "mermaid")
    R.eq(rc, 0, "graph --format mermaid: exit code")
    lines = out.splitlines()
    R.eq(lines[0], "flowchart LR", "mermaid: a flowchart")
    names = {ln.split("[", 1)[0].strip(): ln.split('"')[1] for ln in lines[1:] if '["' in ln}
    medges = {(names[a], names[b]) for a, _, b in (ln.split() for ln in lines[1:] if "-->" in ln)}
    R.eq(set(names.values()), want_nodes, "mermaid: nodes are the plan's resources")
    R.eq(medges, want_edges, "mermaid: edges are the plan's depends_on")
    rc, out, err = run(f, "graph", "--format", "png")
    R.eq(rc, 2, "graph --format png: refused")
    R.check("--format must be dot or mermaid" in err, "graph --format png: says why (%s)" % err.strip())
    R.eq(f.last_seq(), before, "graph: no AWS call")


def bars_of(path):
    root = ET.parse(path).getroot()
    R.eq(root.tag, SVG + "svg", "timeline: an SVG document")
    out = []
    for g in root.iter(SVG + "g"):
        title = g.find(SVG + "title").text
        rid, times = title.split(": ", 1)
        start, end = (float(x) for x in times.split(" s")[0].split("-"))
        out.append({"id": rid, "start": start, "end": end, "critical": "critical" in g.get("class"),
                    "rects": len(g.findall(SVG + "rect"))})
    return out


def check_timeline(f, plan, work):
    bad = os.path.join(work, "missing-dir", "up.svg")
    before = f.last_seq()
    rc, out, err = run(f, "up", "--timeline", bad)
    R.eq(rc, 2, "up --timeline in a missing directory: refused")
    R.check("--timeline" in err and "nothing was changed" in err, "...and says why (%s)" % err.strip())
    R.eq(f.last_seq(), before, "...before any call")
    path = os.path.join(work, "up.svg")
    rc, out, err = run(f, "up", "--output", "json", "--timeline", path)
    R.eq(rc, 0, "up --timeline: exit code (%s)" % err.strip()[-300:])
    events = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    started = [e["id"] for e in events if e.get("event") == "start"]
    order = {}
    for i, e in enumerate(events):
        if e.get("event") in ("start", "done") and e.get("id"):
            order.setdefault((e["id"], e["event"]), i)
    bars = bars_of(path)
    R.eq(sorted(b["id"] for b in bars), sorted(set(started)), "timeline: one bar per resource the run started")
    R.eq(len(bars), len({r["id"] for r in plan["resources"]}), "timeline: every planned resource has a bar")
    byid = {b["id"]: b for b in bars}
    deps = {r["id"]: set(r.get("depends_on") or []) for r in plan["resources"]}
    ok = all(byid[d]["end"] <= byid[r]["start"] + 1e-6 for r in byid for d in deps[r] if d in byid)
    R.check(ok, "timeline: no bar starts before a dependency's bar ends")
    crit = sorted((b for b in bars if b["critical"]), key=lambda b: b["start"])
    R.check(len(crit) >= 2, "timeline: a critical path is marked (%d bars)" % len(crit))
    # services one DescribeServices round sees steady end together: any of the last may close it
    last_end = max(b["end"] for b in bars)
    R.eq(crit[-1]["end"], last_end, "critical path: ends with the last to end (%s, %s at %.2f s)"
         % (crit[-1]["id"], [b["id"] for b in bars if b["end"] == last_end], last_end))
    R.check(all(crit[i]["id"] in deps[crit[i + 1]["id"]] for i in range(len(crit) - 1)),
            "critical path: each step is a dependency of the next (%s)" % [b["id"] for b in crit])
    # the ALB is not waited for (its listener and the services go ahead while it
    # provisions): the path's long wait is a service becoming steady
    R.check(any(b["id"].startswith("service/") and b["rects"] >= 3 for b in crit),
            "critical path: a service, drawn with its wait (%s)" % [(b["id"], b["rects"]) for b in crit])
    again = os.path.join(work, "again.svg")
    rc, out, err = run(f, "up", "--timeline", again)
    R.eq(rc, 0, "no-change up --timeline: exit code")
    R.eq(bars_of(again), [], "no-change up: a picture with no bars")
    os.chmod(again, 0o444)
    if os.access(again, os.W_OK):
        return  # running as root: a read-only file is still writable
    rc, out, err = run(f, "up", "--timeline", again)
    R.eq(rc, 2, "up --timeline on a read-only file: refused")


def main():
    with Fake(time_scale=0.01) as f, tempfile.TemporaryDirectory() as work:
        rc, out, err = run(f, "plan", "--output", "json")
        R.eq(rc, 0, "plan: exit code")
        plan = json.loads(out)
        check_graph(f, plan)
        check_timeline(f, plan, work)
    R.finish()


if __name__ == "__main__":
    main()
