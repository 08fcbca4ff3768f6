"""Projections to AWS's own durations (model.py) of ecsdeploy's run, a CloudFormation-
ordering model of the same stack, and the lower bound AWS's own constraints allow.

Each projection gives {"seconds", "bars": [{id, start, end, wait_from, critical}],
"path": [ids of the critical path]} in AWS seconds. The AWS CLI script's projection lives
in cli_model.py.
"""

from model import Aws, POLL, kind, name, wait_done

# What each tool waits for by itself after creating (CloudFormation: its resources are
# complete when the ALB is active, the namespace operation succeeded, the NAT gateway is
# available and the service is stable).
CFN_WAITS = ("alb", "namespace", "nat", "service")


class Semantics:
    """What one resource's action does on AWS's side, for any tool: `finish` returns when
    the action is complete given when it started, its own calls (`pre` before it starts
    waiting, `cost` in all when it does not wait), whether the tool waits for AWS, and
    how often it looks."""

    def __init__(self, topo, aws, phase, poll):
        self.topo, self.aws, self.phase, self.poll = topo, aws, phase, poll
        self.ns_ready, self.nats = {}, {}
        self.cause = None   # the resource whose AWS work the last wait was for, if any
        self.last_cause = None

    def finish(self, rid, start, pre, cost, waits, action="create", unknown_wait=None):
        """(end, wait_from): wait_from is when it began waiting on AWS (None if it did not).
        last_cause names the resource whose AWS work decided the end, when one did."""
        fn = self._up if self.phase == "up" else self._down
        created = start + pre
        self.cause = self.last_cause = None
        ready, gated = fn(rid, start, created, cost, action, unknown_wait)
        if ready is None or (not waits and not gated):
            return start + cost, None
        end = wait_done(created, ready, self.poll)
        self.last_cause = self.cause if end > created else None
        return end, (created if end > created else None)

    def _up(self, rid, start, created, cost, action, unknown_wait):
        """(ready, gated): gated when AWS itself refuses to go on before ready."""
        k, n, aws, topo = kind(rid), name(rid), self.aws, self.topo
        if action not in ("create", "replace", "update"):
            return None, False
        if k == "alb":
            return (aws.create_alb(n, created), False) if action != "update" else (None, False)
        if k == "namespace":
            if action == "update":
                return None, False
            self.ns_ready[n] = created + aws.d["namespace"]
            return self.ns_ready[n], False
        if k == "nat":
            if action == "update":
                return None, False
            self.nats[n] = created + aws.d["nat_available"]
            return self.nats[n], False
        if k in ("listener", "listener_rule"):
            for svc in topo.forwarded_services(rid):
                aws.forward(svc, start + cost)
            return None, False
        if k == "discovery":
            ns = next((name(d) for d in topo.deps(rid) if kind(d) == "namespace"), None)
            self.cause = "namespace/%s" % ns
            return (self.ns_ready.get(ns, 0.0) + cost, True) if ns in self.ns_ready else (None, False)
        if k == "role" and action != "update":
            aws.create_role(rid, start)
            return None, False
        if k == "service":
            if action == "update":
                return aws.roll(n, created), False
            egress = self.nat_ready() if (aws.s.get(n) or {}).get("private") else 0.0
            created = max(created, aws.roles_usable(topo.roles_of(rid)))
            ready = aws.create_service(n, created, egress)
            self.cause = aws.health_cause(n)
            return ready, False
        if k == "bootstrap":
            svc = topo.service_of(rid)
            self.cause = "service/%s" % svc
            return (aws.agent_ready(svc) + cost, True) if svc in aws.running else (None, False)
        if unknown_wait is not None:
            return created + unknown_wait, False
        return None, False

    def nat_ready(self):
        return max([0.0] + list(self.nats.values()))

    def _down(self, rid, start, created, cost, action, unknown_wait):
        k, n, aws, topo = kind(rid), name(rid), self.aws, self.topo
        if action != "delete":
            return None, False
        if k == "service":
            return aws.delete_service(n, created), False
        if k == "alb":
            aws.delete_alb(n, start + cost)
            return None, False
        if k in ("listener", "listener_rule"):
            for svc in topo.forwarded_services(rid):
                aws.unforward(svc, start + cost)
            return None, False
        if k == "namespace":
            return created + aws.d["namespace"], False
        if k == "nat":
            return created + aws.d["nat_deleted"], False
        if k in ("sg", "subnet"):
            users = topo.eni_users(rid) if k == "sg" else [r for r in topo.nodes if kind(r) in ("alb", "service")]
            last = max([(aws.enis_gone([u]), u) for u in users] or [(0.0, None)])
            self.cause = last[1]
            return last[0], True
        if k == "cluster":
            last = max([(t, "service/" + s) for s, t in aws.stopped.items()] or [(0.0, None)])
            self.cause = last[1]
            return last[0], True
        if unknown_wait is not None:
            return created + unknown_wait, False
        return None, False


def _path(bars, why):
    """The critical path: from the bar that ends last back through what each waited for."""
    if not bars:
        return []
    last = max(bars, key=lambda b: b["end"])["id"]
    path, seen = [], set()
    while last is not None and last not in seen:
        seen.add(last)
        path.append(last)
        last = why.get(last)
    return path[::-1]


def _result(bars, why, tail=0.0):
    path = _path(bars, why)
    on = set(path)
    for b in bars:
        b["critical"] = b["id"] in on
    end = max([b["end"] for b in bars] + [0.0])
    return {"seconds": round(end + tail, 1), "exact": end + tail, "bars": bars, "path": path}


# ---------------------------------------------------------------- ecsdeploy, replayed

def ecsdeploy(spans, trig, topo, settings, d, phase, scale, wall, poll=POLL["ecsdeploy"]):
    """ecsdeploy's run with AWS's durations: every resource starts when what it really
    waited for in the run (its trigger: a dependency, or a worker another resource freed)
    ends in the projection, plus the same gap as measured; its calls keep their measured
    time; its waits on AWS take the model's time. Discovery before the first start and
    the summary after the last end keep their measured time too."""
    aws = Aws(d, settings)
    sem = Semantics(topo, aws, phase, poll)
    bars, why, pend = [], {}, {}
    done = {r: s for r, s in spans.items() if s["end"] is not None}
    for rid in sorted(done, key=lambda r: (done[r]["start"], r)):
        s = done[rid]
        t = trig.get(rid)
        start = s["start"] if t is None or t not in pend else pend[t] + (s["start"] - done[t]["end"])
        waited = s["wait_from"] is not None
        pre = (s["wait_from"] - s["start"]) if waited else (s["end"] - s["start"])
        unknown = (s["end"] - s["wait_from"]) / scale if waited else None
        end, wait_from = sem.finish(rid, start, pre, s["end"] - s["start"], waited,
                                    s.get("action") or phase_action(phase), unknown)
        pend[rid] = end
        why[rid] = sem.last_cause or t
        bars.append({"id": rid, "start": round(start, 2), "end": round(end, 2),
                     "wait_from": wait_from and round(wait_from, 2)})
    tail = max(0.0, wall - max([s["end"] for s in done.values()] + [0.0]))
    return _result(bars, why, tail)


def phase_action(phase):
    return "delete" if phase == "down" else "create"


# ---------------------------------------------------------------- CloudFormation ordering

def _order(topo, reverse):
    """Resources in an order where each comes after what it must follow."""
    before = {r: (topo.dependents(r) if reverse else topo.deps(r)) for r in topo.nodes}
    out, seen = [], set()

    def visit(r, stack=()):
        if r in seen or r in stack:
            return
        for x in before.get(r, []):
            visit(x, stack + (r,))
        seen.add(r)
        out.append(r)
    for r in topo.nodes:
        visit(r)
    return out, before


def cloudformation(topo, settings, d, phase, costs, actions=None):
    """The same stack in CloudFormation's order: every resource starts once all it depends
    on is complete (`down`: once all that depends on it is deleted), with no bound on how
    many run at once; the ALB is complete when active, the namespace when its operation
    succeeded, the service when stable. Each resource's calls cost what ecsdeploy's took
    (costs: {id: seconds}); CloudFormation's own overhead is not counted."""
    aws = Aws(d, settings)
    sem = Semantics(topo, aws, phase, POLL["cloudformation"])
    order, before = _order(topo, phase == "down")
    end, bars, why = {}, [], {}
    for rid in order:
        act = (actions or {}).get(rid, phase_action(phase))
        if act in (None, "none"):
            end[rid] = 0.0
            continue
        prev = [(end.get(x, 0.0), x) for x in before[rid]]
        start, t = max(prev) if prev else (0.0, None)
        c = costs.get(rid, 0.0)
        end[rid], wait_from = sem.finish(rid, start, c, c, kind(rid) in CFN_WAITS or phase == "down", act)
        why[rid] = sem.last_cause or t
        bars.append({"id": rid, "start": round(start, 2), "end": round(end[rid], 2),
                     "wait_from": wait_from and round(wait_from, 2)})
    return _result(bars, why)


# ---------------------------------------------------------------- the lower bound

# For `up`: what a resource needs of each dependency before AWS accepts its create call.
# "created": the dependency exists (its id or ARN is in the request); "ready": AWS refuses
# or cannot use it before it finished; None: AWS does not need it at all. Pairs not listed
# are "created". Sources: bench/README.md, "The lower bound".
UP_NEEDS = {
    ("discovery", "namespace"): "ready",     # the namespace id exists only once its operation succeeded
    ("alb", "route_table"): None,            # CreateLoadBalancer needs subnets, groups, an attached gateway
    ("alb", "sg_rules"): None,
    ("listener", "alb"): "created",          # a listener can be added to a provisioning ALB
    ("service", "listener_rule"): "created", # ECS needs the target group forwarded to, not the ALB active
    ("service", "listener"): "created",
    ("bootstrap", "service"): "running",     # ECS Exec needs the task RUNNING and its agent up
}


def bound_up(topo, settings, d, call_s, costs=None):
    """The least time AWS allows for a fresh `up`: each resource is one call (call_s)
    after what AWS needs of its dependencies (UP_NEEDS), the ALB active after its draw,
    the services' tasks running and healthy as the model says, the bootstrap step (its
    measured calls) once the exec agent is up. Everything the stack has must be complete:
    services steady, ALB active."""
    aws = Aws(d, settings)
    order, _ = _order(topo, False)
    created, ready, why, bars = {}, {}, {}, []
    nat_ready = 0.0
    for rid in order:
        k, n = kind(rid), name(rid)
        needs = []
        for dep in topo.deps(rid):
            need = UP_NEEDS.get((k, kind(dep)), "created")
            if need == "created":
                needs.append((created.get(dep, 0.0), dep))
            elif need == "ready":
                needs.append((ready.get(dep, 0.0), dep))
            elif need == "running":
                svc = name(dep)
                needs.append((aws.agent_ready(svc) if svc in aws.running else ready.get(dep, 0.0), dep))
        if k == "service":   # ECS refuses a role IAM has not spread yet
            needs += [(aws.roles_usable([r]), r) for r in topo.roles_of(rid)]
        start, why[rid] = max(needs) if needs else (0.0, None)
        if k == "bootstrap":
            created[rid] = start + (costs or {}).get(rid, call_s)
        else:
            created[rid] = start + call_s
        if k == "alb":
            ready[rid] = aws.create_alb(n, created[rid])
        elif k == "role":
            aws.create_role(rid, created[rid])
            ready[rid] = created[rid]
        elif k == "namespace":
            ready[rid] = created[rid] + d["namespace"]
        elif k == "nat":
            ready[rid] = created[rid] + d["nat_available"]
            nat_ready = max(nat_ready, ready[rid])
        elif k in ("listener", "listener_rule"):
            for svc in topo.forwarded_services(rid):
                aws.forward(svc, created[rid])
            ready[rid] = created[rid]
        elif k == "service":
            egress = nat_ready if (settings.get(n) or {}).get("private") else 0.0
            ready[rid] = aws.create_service(n, created[rid], egress)
            why[rid] = aws.health_cause(n) or why[rid]
        else:
            ready[rid] = created[rid]
        bars.append({"id": rid, "start": round(start, 2), "end": round(ready[rid], 2),
                     "wait_from": round(created[rid], 2) if ready[rid] > created[rid] + 1e-9 else None})
    return _result(bars, why)


def bound_down(topo, settings, d, call_s):
    """The least time AWS allows for `down`: everything deleted at once, except what AWS
    refuses before something else is gone (bench/README.md): target groups after their
    listeners and rules (deleted with the ALB), a Cloud Map service after its instances
    (deregistered when the tasks begin to stop), a namespace after its services, the
    cluster after its tasks stopped, a security group after the network interfaces using
    it, subnets after every interface in them and the NAT gateways, the VPC after
    everything in it. The ALBs and the services go first, together, so no target drains."""
    aws = Aws(d, settings)
    nodes = topo.nodes
    for rid in nodes:
        if kind(rid) == "alb":
            aws.delete_alb(name(rid), call_s)
    for rid in nodes:
        if kind(rid) == "service":
            aws.delete_service(name(rid), call_s)
    end, why, bars = {}, {}, []

    def at(rid, start, ready, cause):
        end[rid] = max(start, ready) + call_s
        why[rid] = cause
        bars.append({"id": rid, "start": round(start, 2), "end": round(end[rid], 2),
                     "wait_from": round(start, 2) if ready > start else None})

    def of(k):
        return [r for r in nodes if kind(r) == k]
    albs, services = of("alb"), of("service")
    for rid in albs + of("listener") + of("listener_rule"):
        at(rid, 0.0, 0.0, None)
    for rid in services:
        at(rid, 0.0, aws.stopped[name(rid)] - call_s, None)
    for rid in of("target_group"):
        at(rid, max([end[a] for a in albs] + [0.0]), 0.0, albs[0] if albs else None)
    for rid in of("discovery"):
        svc = next((s for s in topo.dependents(rid) if kind(s) == "service"), None)
        at(rid, 0.0, call_s + d["cloudmap_instance"] if svc else 0.0, svc)
    for rid in of("namespace"):
        last = max([(end[s], s) for s in topo.dependents(rid) if s in end] or [(0.0, None)])
        at(rid, last[0], last[0] + d["namespace"], last[1])
    for rid in of("cluster"):
        last = max([(aws.stopped[name(s)], s) for s in services] or [(0.0, None)])
        at(rid, 0.0, last[0], last[1])
    for rid in of("sg"):
        users = topo.eni_users(rid)
        last = max([(aws.enis_gone([u]), u) for u in users] or [(0.0, None)])
        at(rid, call_s, last[0], last[1])
    for rid in of("nat"):
        at(rid, 0.0, call_s + d["nat_deleted"], None)
    gone = max([(aws.enis_gone([u]), u) for u in albs + services] +
               [(end[n], n) for n in of("nat")] or [(0.0, None)])
    for rid in of("subnet"):
        at(rid, 0.0, gone[0], gone[1])
    for rid in nodes:
        if rid not in end and kind(rid) != "vpc":
            at(rid, 0.0, 0.0, None)
    for rid in of("vpc"):
        last = max([(end[r], r) for r in topo.dependents(rid) if r in end] or [(0.0, None)])
        at(rid, last[0], 0.0, last[1])
    return _result(bars, why)


def bound_deploy(settings, svc, d, call_s):
    """An image bump of svc: RegisterTaskDefinition and UpdateService, then the rollout as
    AWS runs it with the stack's own settings (new task running and healthy, the old
    one drained and stopped)."""
    aws = Aws(d, settings)
    start = 2 * call_s
    aws.alb_active[(settings[svc] or {}).get("lb") or ""] = 0.0
    end = aws.roll(svc, start)
    bars = [{"id": "register+update", "start": 0.0, "end": start, "wait_from": None},
            {"id": "rollout " + svc, "start": start, "end": round(end, 2), "wait_from": start}]
    return _result(bars, {"rollout " + svc: "register+update"})


def deploy_projection(events, settings, svc, d, scale, wall, poll=POLL["ecsdeploy"],
                      cfn=False):
    """ecsdeploy's `deploy` (or, with cfn, CloudFormation's stack update) with AWS's
    durations: its calls up to the UpdateService keep their measured time (the first
    'rolling' event), the rollout takes the model's time and the tool looks every poll."""
    first_roll = next((t for t, ev in events if ev.get("phase") == "rolling"), None)
    pre = first_roll if first_roll is not None else 0.0
    aws = Aws(d, settings)
    aws.alb_active[(settings.get(svc) or {}).get("lb") or ""] = 0.0
    ready = aws.roll(svc, pre)
    end = wait_done(pre, ready, 0.0 if cfn else poll)
    last = max([t for t, _ in events] + [0.0])
    tail = 0.0 if cfn else max(0.0, wall - last)
    bars = [{"id": "register+update", "start": 0.0, "end": round(pre, 2), "wait_from": None},
            {"id": "rollout " + svc, "start": round(pre, 2), "end": round(end, 2), "wait_from": round(pre, 2)}]
    return _result(bars, {"rollout " + svc: "register+update"}, tail)
