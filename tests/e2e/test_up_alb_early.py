#!/usr/bin/python3
"""`up` does not wait for a new load balancer to be active before its listener, rule and
service: AWS takes them while it provisions. It still waits for it before it reports
success, and falls back to waiting should AWS refuse an early call.

1. The fake keeps every load balancer provisioning (POST /_fake/elbv2/not-ready
   {"hold": true}): the listener, the rule and the service are all created meanwhile
   (seen in the fake's call log); `up` has not finished (the service cannot be steady
   behind a provisioning balancer); let go, `up` succeeds without looking at the
   balancer (DescribeLoadBalancers) once made: no polling while it provisions, and no
   look at the end (its service, steady behind it, showed it active).
2. The same with {"refuse": [OPERATION]} too, once for ModifyLoadBalancerAttributes (the
   balancer's own attributes) and once for CreateListener: the fake answers
   InvalidConfigurationRequest to the early call; `up` waits for the balancer, makes the
   call again once it is let go, and succeeds (no failed `up`, no rollback).
No step depends on timing: the holds end when the test says so."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = """\
stack: {name}
load_balancers:
  public: {{ listeners: [ {{ port: 80 }} ] }}
services:
  web:
    image: nginx:1.27
    port: 8080
    load_balancer: {{ name: public, health_check: {{ path: /healthz }} }}
"""


def wait_for(fake, proc, done, deadline_s=120):
    """Look at the call log until done(calls) (the deadline only bounds a failure)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end and proc.poll() is None:
        log = fake.calls()
        if done(log):
            return log
        time.sleep(0.2)
    return fake.calls()


def ok(log, op):
    return [c for c in log if c["operation"] == op and not c["error"]]


def run_held(rep, fake, work, name, refuse):
    path = os.path.join(work, name + ".yml")
    with open(path, "w") as f:
        f.write(STACK.format(name=name))
    since = fake.last_seq()
    status, _ = fake.control("POST", "/_fake/elbv2/not-ready", {"hold": True, "refuse": refuse or False})
    rep.eq(status, 200, f"{name}: the fake holds load balancers provisioning")
    proc = sw.start(fake, path, "up", "--yes")
    if refuse:
        def done(log):
            log = [c for c in log if c["seq"] > since]
            return any(c["operation"] == refuse[0] and c["error"] for c in log)
    else:
        def done(log):
            log = [c for c in log if c["seq"] > since]
            return all(ok(log, op) for op in ("CreateListener", "CreateRule", "CreateService"))
    log = [c for c in wait_for(fake, proc, done) if c["seq"] > since]
    if refuse:
        refused = [c["error"] for c in log if c["error"] and c["operation"] in
                   ("CreateListener", "ModifyLoadBalancerAttributes")]
        rep.eq(refused, ["InvalidConfigurationRequest"], f"{name}: the early {refuse[0]} was refused")
        rep.eq(ok(log, refuse[0]), [], f"{name}: no {refuse[0]} went through while the balancer is held")
    else:
        for op in ("CreateListener", "CreateRule", "CreateService"):
            rep.eq(len(ok(log, op)), 1, f"{name}: {op} while the load balancer provisions")
    rep.eq(proc.poll(), None, f"{name}: up has not reported success while the balancer provisions")
    fake.control("POST", "/_fake/elbv2/not-ready", {"hold": False})
    try:
        out, err = proc.communicate(timeout=180)
    except Exception:
        sw.kill9(proc)
        out, err = proc.communicate()
    rep.eq(proc.returncode, 0, f"{name}: up succeeds: " + err[-600:])
    log = fake.calls(since)
    rep.eq(len(ok(log, "CreateListener")), 1, f"{name}: one listener in the end")
    if not refuse:
        # no poll of the balancer while it provisions, and no look at the end: the
        # service behind it, steady, showed it active (a wait on it would have polled
        # all the while it was held)
        made = min(c["seq"] for c in ok(log, "CreateLoadBalancer"))
        looks = [c for c in log if c["operation"] == "DescribeLoadBalancers" and c["seq"] > made]
        rep.eq(len(looks), 0, f"{name}: DescribeLoadBalancers once the balancer is made")
    if refuse:
        rep.eq(len(ok(log, refuse[0])), 1, f"{name}: {refuse[0]} made again once the balancer is active")
    rep.eq([c for c in log if c["operation"] in ("DeleteListener", "DeleteLoadBalancer")], [],
           f"{name}: nothing rolled back")
    fake.control("POST", "/_fake/elbv2/not-ready", {"refuse": False})
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge", timeout=240)
    rep.eq(rc, 0, f"{name}: down: " + err[-400:])


def main():
    rep = sw.Report()
    with sw.Fake() as fake, tempfile.TemporaryDirectory() as work:
        run_held(rep, fake, work, "early", refuse=None)
        run_held(rep, fake, work, "attrs", refuse=["ModifyLoadBalancerAttributes"])
        run_held(rep, fake, work, "listener", refuse=["CreateListener"])
    rep.finish()


if __name__ == "__main__":
    main()
