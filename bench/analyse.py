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
    """{id: {start, end, state}} from each resource's first start to its done/failed,
    in seconds after the process started; rollback events are left out."""
    spans = {}
    for t, ev in events:
        rid, kind = ev.get("id"), ev.get("event")
        if rid is None or _is_rollback(ev):
            continue
        if kind == "start" and rid not in spans:
            spans[rid] = {"start": t, "end": None, "state": "running"}
        elif kind in ("done", "failed") and rid in spans and spans[rid]["end"] is None:
            spans[rid]["end"] = t
            spans[rid]["state"] = kind
    return spans


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
    spans = sorted((c["end"], c["start"]) for c in calls if "start" in c and "end" in c)
    ends, best_upto, depth_max = [], [], 0
    for end, start in spans:
        k = bisect.bisect_right(ends, start)
        d = 1 + (best_upto[k - 1] if k else 0)
        ends.append(end)
        best_upto.append(max(d, best_upto[-1]) if best_upto else d)
        depth_max = max(depth_max, d)
    return depth_max


def call_summary(calls):
    by_op = Counter("%s:%s" % (c.get("service"), c.get("operation")) for c in calls)
    errors = Counter("%s:%s %s" % (c.get("service"), c.get("operation"), c.get("error"))
                     for c in calls if c.get("error"))
    return {"total": len(calls), "by_operation": dict(sorted(by_op.items())),
            "errors": dict(sorted(errors.items()))}


def write_calls(calls):
    return sorted({"%s:%s" % (c.get("service"), c.get("operation")) for c in calls
                   if not str(c.get("operation", "")).startswith(READ_PREFIXES)})
