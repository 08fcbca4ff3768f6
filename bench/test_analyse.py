#!/usr/bin/python3
"""Checks of the bench's arithmetic: the call analysis, the AWS model and the projections,
the CLI script's projection, the pictures (by hand: /usr/bin/python3 bench/test_analyse.py;
`make check` runs it through tests/e2e/test_bench_analysis.py)."""
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyse  # noqa: E402
import cli_model  # noqa: E402
import model  # noqa: E402
import observe  # noqa: E402
import project  # noqa: E402
import report  # noqa: E402
import svg  # noqa: E402

failed = passed = 0


def check(name, got, want):
    global failed, passed
    if got == want:
        passed += 1
    else:
        failed += 1
        print("FAIL %s: got %r, want %r" % (name, got, want))


def near(name, got, want, tol=0.01):
    check(name, got if got is None or abs(got - want) > tol else want, want)


def call(start, end, op="DescribeVpcs", seq=0):
    return {"start": start, "end": end, "service": "ec2", "operation": op, "seq": seq}


# ---- round-trip depth: overlapping calls count once, a call after another ended adds one
check("depth empty", analyse.round_trip_depth([]), 0)
check("depth parallel", analyse.round_trip_depth([call(0, 1), call(0.1, 1.1), call(0.2, 0.9)]), 1)
check("depth chain", analyse.round_trip_depth([call(0, 1), call(1, 2), call(2.5, 3)]), 3)
check("depth mixed", analyse.round_trip_depth(
    [call(0, 1), call(0, 3), call(1.1, 2), call(2.1, 2.5), call(3.1, 4)]), 4)
chain = analyse.round_trip_chain([call(0, 1), call(0, 3), call(1.1, 2), call(2.1, 2.5), call(3.1, 4)])
check("chain", [(c["start"], c["end"]) for c in chain], [(0, 1), (1.1, 2), (2.1, 2.5), (3.1, 4)])
check("chain text", analyse.chain_text(chain), "DescribeVpcs x4")

# ---- the heaviest path along depends_on, rollback events left out
ev = [(0.0, {"event": "start", "id": "vpc"}), (1.0, {"event": "done", "id": "vpc"}),
      (0.0, {"event": "start", "id": "role"}), (3.0, {"event": "done", "id": "role"}),
      (1.0, {"event": "start", "id": "sub"}), (1.5, {"event": "done", "id": "sub"}),
      (3.0, {"event": "start", "id": "svc"}),
      (3.2, {"event": "progress", "id": "svc", "message": "waiting for the service to be steady"}),
      (5.0, {"event": "done", "id": "svc"}),
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
spans = analyse.resource_spans(ev)
check("wait_from", spans["svc"]["wait_from"], 3.2)
check("no wait", spans["vpc"]["wait_from"], None)

# ---- triggers: the dependency that ended last; a freed worker when no dependency did
sp = {"a": {"start": 0, "end": 1}, "b": {"start": 0, "end": 1}, "c": {"start": 1.001, "end": 2},
      "d": {"start": 2.0, "end": 3}}
check("trigger prefers a dependency", analyse.triggers(sp, {"c": ["a"]})["c"], "a")
check("trigger other tie", analyse.triggers(sp, {"c": ["b"]})["c"], "b")
check("trigger worker", analyse.triggers(sp, {"d": ["a"]})["d"], "c")
check("trigger none", analyse.triggers(sp)["a"], None)

# ---- the CLI's waits
w = analyse.cli_waits([(10.0, "aws-cli.sh: waited namespace 3.000 s"), (2.0, "aws-cli.sh: network"),
                       (20.0, "aws-cli.sh: waited load-balancer 5.5 s")])
check("cli waits total", w["total"], 8.5)
check("cli intervals", w["intervals"], [[7.0, 10.0, "namespace"], [14.5, 20.0, "load-balancer"]])

# ---- the model
d = model.durations()
check("typical alb", d["alb_active"], 105)
check("low alb", model.durations("low")["alb_active"], 60)
check("scaled", model.durations(scale=0.05)["alb_active"], 105 * 0.05)
check("override", model.durations(overrides={"alb_active_public": 80})["alb_active_public"], 80)
check("task start", model.task_start(d), 26)
check("wait already ready", model.wait_done(10, 5, 5), 10)
check("wait half a poll late", model.wait_done(10, 20, 5), 22.5)
resolved = {"services": {
    "app": {"desired_count": 1, "load_balancer": {"name": "public", "deregistration_delay": 30,
                                                  "health_check": {"interval": 30, "healthy_threshold": 5}},
            "deployment": {"min_healthy_percent": 100, "max_percent": 200}},
    "worker": {"desired_count": 1, "subnets": "private"}}}
run = model.service_settings(resolved)
check("settings", (run["app"]["lb"], run["app"]["dereg"], run["worker"]["lb"], run["worker"]["private"]),
      ("public", 30, None, True))
aws_def = model.service_settings(resolved, {"services": {"app": {"load_balancer": {"name": "public"}}}}, True)
check("aws defaults where the file sets nothing", aws_def["app"]["dereg"], 300)
given = model.service_settings(resolved, {"services": {"app": {"load_balancer": {"deregistration_delay": 30}}}},
                               True)
check("the file's own setting kept", given["app"]["dereg"], 30)
aws = model.Aws(d, run)
aws.create_alb("public", 10)
aws.forward("app", 12)
# healthy by the ALB at 115 + 150 = 265; ECS looks at 39 + 150 = 189, then every 30 s:
# it sees it at 279
check("health waits for the ALB", aws.create_service("app", 13), 189 + 3 * 30)
check("health from running", aws.healthy_at("app", 200), 350)
check("no load balancer", aws.create_service("worker", 0), 26 + 40)
check("roll", model.Aws(d, run).roll("app", 0), 26 + 150 + 30 + 15)
run0 = dict(run, app=dict(run["app"], min_healthy=0))
check("roll min 0", model.Aws(d, run0).roll("app", 0), 26 + 150)
check("delete attached: drains", aws.delete_service("app", 0), 30 + 15)
aws.unforward("app", 1)
check("delete detached: no drain", aws.delete_service("app", 2), 2 + 15)
aws.delete_alb("public", 5)
check("alb enis", aws.enis_gone(["alb/public", "service/app"]), 245)

# ---- projections on a small stack: vpc -> alb -> listener -> rule -> service, tg
topo_edges = {"vpc/main": [], "alb/public": ["vpc/main"], "target_group/app": ["vpc/main"],
              "listener/public-80": ["alb/public"],
              "listener_rule/app-80": ["listener/public-80", "target_group/app"],
              "service/app": ["listener_rule/app-80", "target_group/app"], "sg/app": ["vpc/main"]}
topo_edges["service/app"].append("sg/app")
topo = model.Topology(topo_edges)
check("forwarded", topo.forwarded_services("listener_rule/app-80"), ["app"])
check("eni users", topo.eni_users("sg/app"), ["service/app"])


def span(start, end, wait_from=None, action="create"):
    return {"start": start, "end": end, "wait_from": wait_from, "action": action}


# measured on a fake at scale 0.05: alb waits 5 s, service 9 s
sp = {"vpc/main": span(0.1, 0.2), "target_group/app": span(0.2, 0.25), "sg/app": span(0.2, 0.25),
      "alb/public": span(0.2, 5.3, 0.3), "listener/public-80": span(5.3, 5.4),
      "listener_rule/app-80": span(5.4, 5.5), "service/app": span(5.5, 14.5, 5.6)}
trig = analyse.triggers(sp, topo_edges)
mine = project.ecsdeploy(sp, trig, topo, run, d, "up", 0.05, 14.6, 5.0)
# 0.3 + 105 + 2.5 (poll) + 0.1 + 0.1 + 0.1 + 26 + 150 + 2.5 + 0.1 (tail after the last end)
near("ecsdeploy up", mine["seconds"], 286.7, 0.06)
check("ecsdeploy path", mine["path"], ["vpc/main", "alb/public", "listener/public-80", "listener_rule/app-80",
                                      "service/app"])
costs = {r: (s["wait_from"] or s["end"]) - s["start"] for r, s in sp.items()}
cfn = project.cloudformation(topo, run, d, "up", costs)
near("cloudformation up", cfn["seconds"], 0.1 + 0.1 + 105 + 0.1 + 0.1 + 0.1 + 176, 0.06)
b = project.bound_up(topo, run, d, 0.025)
# vpc, alb created (2 calls), active at +105; the ALB calls the target healthy 150 s
# later (255.05); the service's task runs at 26.1 and ECS looks at 26.1 + 150, then every
# 30 s: it sees it at the third look after the first
near("bound up", b["seconds"], 26.1 + 150 + 3 * 30, 0.06)
check("bound: listener on a provisioning ALB",
      next(x for x in b["bars"] if x["id"] == "listener/public-80")["start"], 0.05)
check("bound path: health waits for the ALB, not the listener", b["path"], ["vpc/main", "alb/public", "service/app"])
fast = {s: dict(v, **{"hc_interval": 5, "hc_healthy": 2}) for s, v in run.items()}
# healthy by the ALB at 105.05 + 10; ECS's looks from 26.1 + 10 every 5 s: 36.1 + 16 * 5
near("bound fastest", project.bound_up(topo, fast, d, 0.025)["seconds"], 36.1 + 16 * 5, 0.06)
# a service whose task definition names a role made in the run: ECS takes it only once IAM
# can assume the role (8 s after CreateRole), so the task runs 8 s later than above and
# ECS's looks at its health move with it
role_edges = dict(topo_edges, **{"role/exec": [], "task_def/app": ["role/exec"]})
role_edges["service/app"] = topo_edges["service/app"] + ["task_def/app"]
role_topo = model.Topology(role_edges)
check("roles of a service", role_topo.roles_of("service/app"), ["role/exec"])
rb = project.bound_up(role_topo, run, d, 0.025)
# CreateRole answered at 0.025, usable at 8.025; CreateService answered 8.05; task runs at
# 34.05; ECS looks at 184.05, then every 30 s: the ALB's 255.05 is seen at 274.05
near("bound up: the role must be usable", rb["seconds"], 34.05 + 150 + 3 * 30, 0.06)
near("bound up: the service waits for its role",
     next(x for x in rb["bars"] if x["id"] == "service/app")["start"], 8.025)
role_sp = dict(sp, **{"role/exec": span(0.1, 0.15), "task_def/app": span(0.15, 0.2)})
role_mine = project.ecsdeploy(role_sp, analyse.triggers(role_sp, role_edges), role_topo, run, d, "up", 0.05,
                              14.6, 5.0)
near("ecsdeploy up: a service made at once still waits for its role", role_mine["seconds"],
     project.ecsdeploy(role_sp, analyse.triggers(role_sp, role_edges), role_topo, run,
                       dict(d, role_assumable=0.0), "up", 0.05, 14.6, 5.0)["seconds"], 0.06)
early = {"role/exec": span(0.0, 0.05), "task_def/app": span(0.05, 0.1), "service/app": span(0.1, 3.0, 0.2)}
em = project.ecsdeploy(early, analyse.triggers(early, role_edges), role_topo, run, d, "up", 0.05, 3.0, 5.0)
# the role made at 0.0 is usable at 8.0: the service's rollout counts from then (its end
# seen half a poll interval late)
near("ecsdeploy up: CreateService before the role is usable counts from then",
     next(x for x in em["bars"] if x["id"] == "service/app")["end"],
     model.Aws(d, run).create_service("app", 8.0) + 2.5, 0.06)

bd = project.bound_down(topo, run, d, 0.025)
near("bound down: sg after the task interfaces", bd["seconds"], 0.025 + 15 + 180 + 0.025 + 0.025, 0.06)
down_sp = {"service/app": span(0, 2.3, 0.1, "delete"), "listener_rule/app-80": span(2.3, 2.4, None, "delete"),
           "alb/public": span(2.4, 2.5, None, "delete"), "sg/app": span(2.5, 11.5, 2.6, "delete")}
down_edges = {r: topo.dependents(r) for r in topo.nodes}
dn = project.ecsdeploy(down_sp, analyse.triggers(down_sp, down_edges), topo, run, d, "down", 0.05, 11.5, 5.0)
# app: 0.1 + drain 30 + stop 15 + poll 2.5; its interfaces gone 180 s after it stopped; sg looks every 5 s
near("ecsdeploy down", dn["seconds"], 0.1 + 45 + 180 + 2.5, 0.06)
check("down path: the group waits for the task's interfaces", dn["path"], ["service/app", "sg/app"])
dep_ev = [(0.0, {"service": "app", "phase": "register"}), (0.1, {"service": "app", "phase": "rolling"}),
          (9.0, {"service": "app", "phase": "rolling"})]
near("deploy", project.deploy_projection(dep_ev, run, "app", d, 0.05, 9.1, 5.0)["seconds"],
     0.1 + 221 + 2.5 + 0.1, 0.06)
near("deploy cloudformation", project.deploy_projection(dep_ev, aws_def, "app", d, 0.05, 9.1, cfn=True)["seconds"],
     0.1 + 26 + 150 + 300 + 15, 0.06)
near("bound deploy", project.bound_deploy(run, "app", d, 0.025)["seconds"], 0.05 + 221, 0.06)

# ---- the CLI script: commands keep their time, waits take the model's
calls = [dict(call(100 + t, 100 + t, op), seq=i) for i, (t, op) in enumerate(
    [(1, "CreatePrivateDnsNamespace"), (4, "CreateLoadBalancer"), (9, "CreateRule"),
     (9.5, "CreateService"), (10, "CreateService")])]
intervals = [[1.5, 3.5, "namespace"], [4.5, 8.5, "load-balancer"], [10.5, 11.5, "services"],
             [11.6, 19.6, "target-healthy"]]
p = cli_model.project("up", intervals, calls, 100.0, 20.0, d, run)
check("cli projection has no error", p.get("error"), None)
# namespace: 1 + 45 -> 46 (+2.5 + one command); ...
check("cli waits replaced", [b["id"] for b in p["bars"] if "wait" in b["id"]],
      ["02 wait namespace", "04 wait load-balancer", "06 wait services", "08 wait target-healthy"])
check("cli longer than measured", p["seconds"] > 20 + 45 + 105, True)
cpu_counted = cli_model.project("up", intervals, calls, 100.0, 20.0, d, run, cpu=1.0)
check("cli commands counted at their CPU time", round(p["seconds"] - cpu_counted["seconds"], 1) > 0, True)
# 5 calls outside the waits, 2 looks of the namespace loop: wall 20 - 15 s of waits = 5 s over
# 5 commands; CPU 1 s over 5 + 0 looks + 3 waiters = 8 processes
check("cli command rate", tuple(round(x, 6) for x in cli_model.command_rate(intervals, calls, 100.0, 20.0, 1.0)),
      (0.125, 0.125))
check("cli missing call", "error" in cli_model.project("up", [[1, 2, "namespace"]], [], 100.0, 3.0, d, run), True)

# ---- pictures: well-formed SVG, one bar per entry, the critical ones marked
bars = [{"id": "a<&>", "start": 0, "end": 1, "wait_from": 0.5, "critical": True},
        {"id": "b", "start": 0.5, "end": 2, "wait_from": None, "critical": False}]
root = ET.fromstring(svg.timeline("t & t", bars).split("\n", 1)[1])
groups = list(root.iter("{http://www.w3.org/2000/svg}g"))
check("svg bars", len(groups), 2)
check("svg critical", sum("critical" in g.get("class") for g in groups), 1)
check("svg calls", len(svg.from_calls([call(1, 2, seq=1), call(1.5, 3, seq=2)], [call(1, 2, seq=1)])), 2)

# ---- the scale ratio: each run's ALB draw replaced by the typical one
s1 = {"wall": 10.0, "observed": {"alb/benchscale-public": 3.0}}
s20 = {"wall": 20.0, "observed": {"alb/benchscale-public": 7.0}}
check("scale ratio", report.scale_ratio(s1, s20, 0.05), round((20 - 7 + 5.25) / (10 - 3 + 5.25), 2))

# ---- what the fake drew: only for what the command created, as the fake gives it


class StubFake:
    def __init__(self):
        self.docs = [{"elbv2": {"load_balancers": [{"name": "old-public", "ready_after": 4.0}]}},
                     {"elbv2": {"load_balancers": [{"name": "old-public", "ready_after": 4.0},
                                                   {"name": "s-public", "ready_after": 5.123}]},
                      "servicediscovery": {"namespaces": [{"name": "s.internal", "ready_after": 1.6}]}}]

    def resources(self):
        return self.docs.pop(0)


with observe.Observer(StubFake()) as obs:
    pass
check("observed draws", obs.durations(), {"alb/s-public": 5.123, "namespace/s.internal": 1.6})

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
