"""The AWS CLI script (bench/aws-cli*.sh) projected to AWS's durations with the same model
as ecsdeploy (model.py): the script runs one command after the other, so its commands
keep the time they took (the CLI's start-up is real), and each of its waits is replaced by
the model's time for what it waits for, counted from the moment (in the projection) the
call that started it was made. Those calls are found in the fake's call log, in the order
the script makes them (SCRIPT_ORDER below, which follows aws-cli-up/deploy/down.sh).
"""
import math

from model import Aws, POLL, wait_done

# Which service each of these calls is about, in the order the script makes them.
SCRIPT_ORDER = {
    "up": {"CreateService": ["catalog", "app"]},
    "deploy": {"UpdateService": ["app"]},
    "down": {"UpdateService": ["app", "catalog"], "DeleteService": ["app", "catalog"]},
}

# How often the script looks while waiting: the CLI's waiters, or its own loops.
WAIT_POLL = {"load-balancer": "cli_waiter", "services": "cli_waiter", "target-healthy": "cli_waiter"}


class _Run:
    def __init__(self, phase, calls, t0_epoch, d, settings, lb):
        self.phase, self.d, self.lb = phase, d, lb
        self.aws = Aws(d, settings)
        self.segments = []   # (measured start, projected start, rate) of the script's commands
        self.calls = {}
        for c in sorted(calls, key=lambda c: c.get("end", 0.0)):
            self.calls.setdefault(c.get("operation"), []).append(c["end"] - t0_epoch)

    def P(self, t):
        """A moment of the measured run (while commands ran), in the projection."""
        m0, p0, rate = max((s for s in self.segments if s[0] <= t + 1e-6), default=(0.0, 0.0, 1.0))
        return p0 + (t - m0) * rate

    def at(self, op, svc=None):
        """When (projected) the script's call op (about svc) was answered."""
        times = self.calls.get(op) or []
        order = SCRIPT_ORDER[self.phase].get(op)
        i = order.index(svc) if (order and svc in order) else 0
        if i >= len(times):
            raise KeyError("the call log has no %s%s" % (op, " for " + svc if svc else ""))
        return self.P(times[i])

    def ready(self, wait):
        aws, d, lb = self.aws, self.d, self.lb
        if self.phase == "up":
            if wait == "namespace":
                return self.at("CreatePrivateDnsNamespace") + d["namespace"]
            if wait == "load-balancer":
                return aws.create_alb(lb, self.at("CreateLoadBalancer"))
            if wait == "services":
                for svc in SCRIPT_ORDER["up"]["CreateService"]:
                    aws.create_service(svc, self.at("CreateService", svc))
                return max(aws.running.values())
            if wait == "target-healthy":
                aws.forward("app", self.at("CreateRule"))
                aws.create_alb(lb, self.at("CreateLoadBalancer"))
                return aws.create_service("app", self.at("CreateService", "app"))
        if self.phase == "deploy" and wait == "services":
            aws.alb_active[lb] = 0.0
            return aws.roll("app", self.at("UpdateService", "app"))
        if self.phase == "down":
            if wait == "services":
                return max(aws.delete_service(s, self.at("UpdateService", s))
                           for s in SCRIPT_ORDER["down"]["UpdateService"])
            if wait == "cloudmap-service":
                return self.at("UpdateService", "catalog")
            if wait == "namespace":
                return self.at("DeleteNamespace") + d["namespace"]
            if wait == "load-balancer":
                aws.delete_alb(lb, self.at("DeleteLoadBalancer"))
                return self.at("DeleteLoadBalancer")
            if wait.startswith("security-group-"):
                who = wait[len("security-group-"):]
                return aws.enis_gone(["alb/" + lb] if who == "lb" else ["service/" + who])
            if wait == "subnet":
                return aws.all_enis_gone()
        raise KeyError("no model for the %s wait '%s'" % (self.phase, wait))


def _processes(intervals, calls, t0_epoch):
    """(calls made outside the waits, `aws` processes the script started): one per call
    outside the waits and per look of its own polling loops, one per CLI waiter."""
    def wait_of(c):
        return next((w for ws, we, w in intervals if ws <= c["start"] - t0_epoch <= we), None)
    inside = [wait_of(c) for c in calls]
    outside = inside.count(None)
    looks = sum(1 for w in inside if w is not None and w not in WAIT_POLL)
    return outside, outside + looks + sum(1 for _, _, w in intervals if w in WAIT_POLL)


def command_rate(intervals, calls, t0_epoch, wall, cpu):
    """How much of the wall time of the script's commands counts: their CPU time (each
    `aws` is a Python start-up, about 0.5 s of CPU) over the wall time they took, which
    on a loaded machine is several times that; at most 1. Returns (rate, seconds per
    command counted)."""
    outside, processes = _processes(intervals, calls, t0_epoch)
    waits = sum(we - ws for ws, we, _ in intervals)
    per_wall = max(0.0, wall - waits) / max(1, outside)
    per_cpu = cpu / max(1, processes)
    rate = min(1.0, per_cpu / per_wall) if per_wall > 0 else 1.0
    return rate, per_wall * rate


def project(phase, intervals, calls, t0_epoch, wall, d, settings, cpu=None, lb="public"):
    """{"seconds", "bars", "path", "command_seconds"} for one phase of the script (up,
    deploy, down) from its waits ([[start, end, name]] in seconds after it started), the
    fake's call log for the phase, the epoch time it started at and the CPU it used (None:
    its commands count at their wall time); {"error": why} when the run cannot be read."""
    run = _Run(phase, calls, t0_epoch, d, settings, lb)
    rate, one = command_rate(intervals, calls, t0_epoch, wall, math.inf if cpu is None else cpu)
    bars, m, p = [], 0.0, 0.0
    try:
        for ws, we, wait in sorted(intervals):
            run.segments.append((m, p, rate))
            ps = run.P(ws)
            if ps > p:
                bars.append({"id": "commands", "start": round(p, 2), "end": round(ps, 2), "wait_from": None})
            ready = run.ready(wait)
            poll = WAIT_POLL.get(wait)
            pe = max(ps + min(one, we - ws),
                     wait_done(ps, ready, POLL[poll] if poll else POLL["cli_poll"] + one))
            bars.append({"id": "wait " + wait, "start": round(ps, 2), "end": round(pe, 2),
                         "wait_from": round(ps, 2)})
            m, p = we, pe
    except KeyError as e:
        return {"error": str(e.args[0])}
    run.segments.append((m, p, rate))
    end = run.P(wall)
    if end > p:
        bars.append({"id": "commands", "start": round(p, 2), "end": round(end, 2), "wait_from": None})
    for i, b in enumerate(bars):
        b["id"] = "%02d %s" % (i + 1, b["id"])
        b["critical"] = True
    return {"seconds": round(end, 1), "bars": bars, "path": [b["id"] for b in bars],
            "command_seconds": round(one, 3)}
