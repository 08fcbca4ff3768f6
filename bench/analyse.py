"""What the bench computes from `up --output json` events, `plan --output json` edges and
the fake's call log."""
import bisect
import json
from collections import Counter

READ_PREFIXES = ("Describe", "List", "Get", "Head", "Discover")


def parse_events(lines):
    """[(t, line)] -> [(t, event dict)] for the lines that are JSON objects."""
    out = []
    for t, text in lines:
        try:
            ev = json.loads(text)
        except ValueError:
            continue
        if isinstance(ev, dict):
            out.append((t, ev))
    return out


def _is_rollback(ev):
    msg = ev.get("message") or ""
    return msg.startswith("rollback") or msg.startswith("rolled back")


def resource_spans(events):
    """{id: {start, end, state, action, wait_from}} from each resource's first start to its
    done/failed, in seconds after the process started; wait_from is its first "waiting
    for ..." progress event (None when it never waited on AWS); rollback events are left
    out."""
    spans = {}
    for t, ev in events:
        rid, kind = ev.get("id"), ev.get("event")
        if rid is None or _is_rollback(ev):
            continue
        if kind == "start" and rid not in spans:
            spans[rid] = {"start": t, "end": None, "state": "running", "action": ev.get("action"),
                          "wait_from": None}
        elif rid not in spans or spans[rid]["end"] is not None:
            continue
        elif kind in ("done", "failed"):
            spans[rid]["end"] = t
            spans[rid]["state"] = kind
        elif kind == "progress" and spans[rid]["wait_from"] is None and \
                str(ev.get("message") or "").startswith("waiting for"):
            spans[rid]["wait_from"] = t
    return spans


def triggers(spans, edges=None, eps=0.005):
    """Which resource's end each resource waited for before it started: of the resources
    that ended before its start, the last one (one of its depends_on when several ended
    within eps of each other). None for those that started before anything ended. This
    is the order ecsdeploy really ran in: dependencies, and workers freed when the pool
    was full."""
    ends = sorted((s["end"], rid) for rid, s in spans.items() if s["end"] is not None)
    out = {}
    for rid, s in spans.items():
        before = [(e, x) for e, x in ends if e <= s["start"] + eps and x != rid]
        if not before:
            out[rid] = None
            continue
        latest = before[-1][0]
        near = [x for e, x in before if e >= latest - eps]
        deps = set((edges or {}).get(rid, []))
        mine = [x for x in near if x in deps]
        out[rid] = (mine or near)[-1]
    return out


def _longest(edges, weight):
    best, memo, on_stack = None, {}, set()

    def visit(rid):
        if rid in memo:
            return memo[rid]
        if rid in on_stack:  # a cycle would be a plan bug; do not loop on it
            return (0.0, [])
        on_stack.add(rid)
        sub = max((visit(d) for d in edges.get(rid, [])), key=lambda x: x[0], default=(0.0, []))
        on_stack.discard(rid)
        memo[rid] = (sub[0] + weight.get(rid, 0.0), sub[1] + [rid])
        return memo[rid]

    for rid in set(edges) | set(weight):
        cand = visit(rid)
        if best is None or cand[0] > best[0]:
            best = cand
    return best or (0.0, [])


def critical_path(events, edges, t0):
    """Longest dependency chain weighted by each resource's own start->done time."""
    del t0  # times are already relative to the process start
    spans = resource_spans(events)
    weight = {rid: s["end"] - s["start"] for rid, s in spans.items() if s["end"] is not None}
    bound, path = _longest(edges, weight)
    summary = next((ev for _, ev in events if ev.get("event") == "summary"), {})
    starts = [s["start"] for s in spans.values()]
    ends = [s["end"] for s in spans.values() if s["end"] is not None]
    return {
        "bound": round(bound, 3),
        "path": [{"id": r, "seconds": round(weight.get(r, 0.0), 3)} for r in path],
        "resources_planned": len(edges),
        "resources_done": sum(1 for s in spans.values() if s["state"] == "done"),
        "resources_failed": [r for r, s in sorted(spans.items()) if s["state"] == "failed"],
        "resources_unfinished": [r for r, s in sorted(spans.items()) if s["state"] == "running"],
        "before_first_start": round(min(starts), 3) if starts else None,
        "after_last_done": round(max(ends), 3) if ends else None,
        "result": summary.get("result"),
        "failure": summary.get("failure"),
    }


def round_trip_depth(calls):
    """Length of the longest chain of calls each starting after the previous one ended,
    i.e. calls that could not have overlapped."""
    return len(round_trip_chain(calls))


def round_trip_chain(calls):
    """The longest such chain itself, as the calls in order."""
    spans = sorted((c for c in calls if "start" in c and "end" in c), key=lambda c: c["end"])
    ends, best_upto, depth, prev = [], [], [], []
    for i, c in enumerate(spans):
        k = bisect.bisect_right(ends, c["start"])
        j = best_upto[k - 1] if k else None
        depth.append(1 + (depth[j] if j is not None else 0))
        prev.append(j)
        ends.append(c["end"])
        best_upto.append(i if not best_upto or depth[i] > depth[best_upto[-1]] else best_upto[-1])
    chain, i = [], (best_upto[-1] if best_upto else None)
    while i is not None:
        chain.append(spans[i])
        i = prev[i]
    return chain[::-1]


def chain_text(calls, limit=40):
    """'DescribeVpcs > DescribeSubnets x3 > ...' for a chain of calls."""
    out = []
    for c in calls:
        op = c.get("operation")
        if out and out[-1][0] == op:
            out[-1][1] += 1
        else:
            out.append([op, 1])
    parts = ["%s x%d" % (op, n) if n > 1 else op for op, n in out]
    return " > ".join(parts[:limit]) + (" > ..." if len(parts) > limit else "")


def call_summary(calls):
    by_op = Counter("%s:%s" % (c.get("service"), c.get("operation")) for c in calls)
    errors = Counter("%s:%s %s" % (c.get("service"), c.get("operation"), c.get("error"))
                     for c in calls if c.get("error"))
    return {"total": len(calls), "by_operation": dict(sorted(by_op.items())),
            "errors": dict(sorted(errors.items()))}


def write_calls(calls):
    return sorted({"%s:%s" % (c.get("service"), c.get("operation")) for c in calls
                   if not str(c.get("operation", "")).startswith(READ_PREFIXES)})


def cli_waits(lines):
    """'aws-cli.sh: waited NAME X s' lines -> {total, by_name, intervals: [[start, end, name]]}
    (start and end in seconds after the script started)."""
    by, intervals = {}, []
    for t, text in lines:
        parts = text.split()
        if len(parts) == 5 and parts[:2] == ["aws-cli.sh:", "waited"]:
            try:
                secs = float(parts[3])
            except ValueError:
                continue
            by[parts[2]] = round(by.get(parts[2], 0.0) + secs, 3)
            intervals.append([round(t - secs, 3), round(t, 3), parts[2]])
    return {"total": round(sum(by.values()), 3), "by_name": by, "intervals": intervals}
