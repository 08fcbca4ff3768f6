#!/usr/bin/python3
"""Checks of the bench's arithmetic (by hand: /usr/bin/python3 bench/test_analyse.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyse  # noqa: E402

failed = passed = 0


def check(name, got, want):
    global failed, passed
    if got == want:
        passed += 1
    else:
        failed += 1
        print("FAIL %s: got %r, want %r" % (name, got, want))


def call(start, end):
    return {"start": start, "end": end, "service": "ec2", "operation": "DescribeVpcs"}


# Round-trip depth: overlapping calls count once, a call starting after another ended adds one.
check("depth empty", analyse.round_trip_depth([]), 0)
check("depth parallel", analyse.round_trip_depth([call(0, 1), call(0.1, 1.1), call(0.2, 0.9)]), 1)
check("depth chain", analyse.round_trip_depth([call(0, 1), call(1, 2), call(2.5, 3)]), 3)
check("depth mixed", analyse.round_trip_depth(
    [call(0, 1), call(0, 3), call(1.1, 2), call(2.1, 2.5), call(3.1, 4)]), 4)

chain = analyse.round_trip_chain([call(0, 1), call(0, 3), call(1.1, 2), call(2.1, 2.5), call(3.1, 4)])
check("chain", [(c["start"], c["end"]) for c in chain], [(0, 1), (1.1, 2), (2.1, 2.5), (3.1, 4)])
check("chain text", analyse.chain_text(chain), "DescribeVpcs x4")

# Critical path: the heaviest chain along depends_on, rollback events left out.
ev = [(0.0, {"event": "start", "id": "vpc"}), (1.0, {"event": "done", "id": "vpc"}),
      (0.0, {"event": "start", "id": "role"}), (3.0, {"event": "done", "id": "role"}),
      (1.0, {"event": "start", "id": "sub"}), (1.5, {"event": "done", "id": "sub"}),
      (3.0, {"event": "start", "id": "svc"}), (5.0, {"event": "done", "id": "svc"}),
      (5.1, {"event": "start", "id": "svc", "message": "rollback: delete"}),
      (9.0, {"event": "done", "id": "svc", "message": "rolled back"}),
      (5.2, {"event": "summary", "result": "ok"})]
edges = {"vpc": [], "sub": ["vpc"], "role": [], "svc": ["sub", "role"]}
cp = analyse.critical_path(ev, edges, 0)
check("bound", cp["bound"], 5.0)
check("path", [x["id"] for x in cp["path"]], ["role", "svc"])
check("done", cp["resources_done"], 4)
check("result", cp["result"], "ok")
edges["sub"] = ["vpc", "role"]
check("bound via sub", analyse.critical_path(ev, edges, 0)["bound"], 5.5)
check("writes", analyse.write_calls([call(0, 1), {"service": "ec2", "operation": "CreateVpc"}]),
      ["ec2:CreateVpc"])
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
