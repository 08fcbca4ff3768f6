"""Ctrl-C during `up` (SIGINT sent to the process itself), as the README documents it:
- once: nothing new starts, what is in flight finishes, the run rolls back and exits 3
  ("up failed: interrupted"); the account is as before (a fresh stack: nothing left; a
  change: what it added is gone, the service back on its task definition). With
  --no-rollback it stops there and exits 1. At seeded points; each round prints its seed.
- twice: it exits at once (130), naming what was in flight.
After each, `up` converges and `down --yes --purge` leaves nothing."""

import json
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2eint"
SEEDS = [int(s) for s in os.environ.get("INT_SEEDS", "5,17,29").split(",") if s]


def summary_of(out):
    for line in reversed(out.splitlines()):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("event") == "summary":
            return d
    return {}


def interrupt_at(fake, stack_file, point, *args, times=1, gap=0.0, env=None):
    """Start `up --output json`, send SIGINT `times` times (gap seconds apart) after the
    point-th event; wait for the end. (exit status, stdout, stderr, seconds from the last
    SIGINT to the exit, the event it was sent after)."""
    proc = sw.start(fake, stack_file, "up", "--output", "json", *args, env=env)
    seen = sw.read_events(proc, lambda ev: len(ev) >= point, timeout=60)
    for i in range(times):
        if i:
            time.sleep(gap)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGINT)
    t0 = time.time()
    out, err = proc.communicate(timeout=120)
    lines = [json.dumps(e) if isinstance(e, dict) else e for e in seen]
    at = seen[-1] if seen and isinstance(seen[-1], dict) else {}
    return proc.returncode, "\n".join(lines) + "\n" + out, err, time.time() - t0, \
        f"{at.get('event')} {at.get('id')}"


def converge_and_down(rep, fake, stack_file, tag):
    rc, out, err = sw.run(fake, stack_file, "up")
    rep.eq(rc, 0, f"{tag}: the next up converges ({err.strip()[-600:]})")
    rc, out, err = sw.run(fake, stack_file, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"{tag}: then plan finds nothing to do ({out.strip()[-800:]})")
    rc, out, err = sw.run(fake, stack_file, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"{tag}: down ({err.strip()[-600:]})")
    left = sw.inventory(sw.resources(fake), STACK)
    rep.eq(left, {}, f"{tag}: what down left")
    if left:
        fake.control("POST", "/_fake/reset")


def once_fresh(rep, fake, stack_file, nevents):
    for seed in SEEDS:
        point = random.Random(seed).randint(1, nevents * 3 // 4)
        rc, out, err, _, at = interrupt_at(fake, stack_file, point)
        tag = f"SIGINT once, fresh stack, seed {seed} (after event {point} of {nevents}: {at})"
        print(tag, flush=True)
        rep.eq(rc, 3, f"{tag}: exit status ({err.strip()[-800:]})")
        rep.check("interrupted: starting nothing new" in err, f"{tag}: says what the interrupt does: {err[-400:]}")
        s = summary_of(out)
        rep.eq((s.get("result"), s.get("failure")), ("rolled_back", "interrupted"), f"{tag}: the summary")
        left = sw.inventory(sw.resources(fake), STACK)
        rep.eq(left, {}, f"{tag}: after the rollback nothing of the fresh stack is left")
        converge_and_down(rep, fake, stack_file, tag)


def once_change(rep, fake, base, changed):
    rc, out, err = sw.run(fake, base, "up")
    rep.eq(rc, 0, f"up of the first stack ({err.strip()[-300:]})")
    before_doc = sw.resources(fake)
    before = sw.inventory(before_doc, STACK)
    # SIGINT while the app service moves to its new revision (its task definition done).
    # (Text output here: one line per event, the summary on stderr.)
    proc = sw.start(fake, changed, "up")
    seen = sw.read_events(proc, lambda ev: "service/app: waiting for the service" in str(ev[-1]), timeout=60)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    tag = "SIGINT once during a change"
    rep.check(seen and "service/app: waiting" in str(seen[-1]), f"{tag}: the service update was under way: {seen[-3:]}")
    rep.eq(proc.returncode, 3, f"{tag}: exit status ({err.strip()[-800:]})")
    rep.check("ecsdeploy: up failed: interrupted\n" in err and "ecsdeploy: rolled back" in err,
              f"{tag}: says it was interrupted and rolled back: {err.strip()[-600:]}")
    after_doc = sw.resources(fake)
    d = sw.diff(sw.inventory(after_doc, STACK), before)
    rep.check(not d, f"{tag}: after the rollback the account differs from before:\n{d}")
    rep.eq(sw.services_of(after_doc, STACK), sw.services_of(before_doc, STACK),
           f"{tag}: the services are back on their task definitions")
    rc, out, err = sw.run(fake, base, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"{tag}: plan of the first stack file finds nothing to do ({out.strip()[-800:]})")

    # At seeded points of the change: exit 3, the account as before.
    for seed in [int(x) for x in os.environ.get("INT_CHANGE_SEEDS", "3,9").split(",") if x]:
        point = random.Random(seed).randint(1, 40)
        rc, out, err, _, at = interrupt_at(fake, changed, point)
        tag = f"SIGINT once during a change, seed {seed} (after event {point}: {at})"
        print(tag, flush=True)
        rep.eq(rc, 3, f"{tag}: exit status ({err.strip()[-600:]})")
        doc = sw.resources(fake)
        d = sw.diff(sw.inventory(doc, STACK), before)
        rep.check(not d, f"{tag}: after the rollback the account differs from before:\n{d}")
        rep.eq(sw.services_of(doc, STACK), sw.services_of(before_doc, STACK), f"{tag}: the services")
        rc, out, err = sw.run(fake, base, "plan", "--detailed-exitcode")
        rep.eq(rc, 0, f"{tag}: plan of the first stack file finds nothing to do ({out.strip()[-800:]})")

    # --no-rollback: stop, leave what was done, exit 1.
    rc, out, err, _, at = interrupt_at(fake, changed, 12, "--no-rollback")
    tag = f"SIGINT once with --no-rollback (after {at})"
    rep.eq(rc, 1, f"{tag}: exit status ({err.strip()[-600:]})")
    rep.eq((summary_of(out).get("result"), summary_of(out).get("failure")), ("failed", "interrupted"),
           f"{tag}: the summary")
    rep.check(sw.inventory(sw.resources(fake), STACK) != before, f"{tag}: what was done is left in place")
    converge_and_down(rep, fake, changed, tag)


def twice(rep, fake, stack_file):
    # A slow CreateLoadBalancer guarantees a call in flight when the second SIGINT comes.
    sw.set_faults(fake, [{"service": "elbv2", "operation": "CreateLoadBalancer", "action": "latency",
                          "latency_ms": 4000}])
    proc = sw.start(fake, stack_file, "up", "--output", "json")
    sw.read_events(proc, lambda ev: isinstance(ev[-1], dict) and ev[-1].get("id") == "alb/public", timeout=60)
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGINT)
    time.sleep(0.3)
    t0 = time.time()
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    took = time.time() - t0
    sw.set_faults(fake, [])
    tag = "SIGINT twice"
    print(f"{tag}: {err.strip()}", flush=True)
    rep.eq(proc.returncode, 130, f"{tag}: exit status")
    rep.check(took < 1.5, f"{tag}: exits at once, took {took:.1f} s")
    rep.check("interrupted again: exiting now. In flight:" in err and "alb/public" in err,
              f"{tag}: names what is in flight: {err.strip()[-400:]}")
    time.sleep(4)  # the slow call ends in the fake
    converge_and_down(rep, fake, stack_file, tag)


def main():
    rep = sw.Report()
    base, changed = sw.write_stacks(STACK)
    with sw.Fake() as fake:
        proc = sw.start(fake, base, "up", "--output", "json")
        events = sw.read_events(proc, lambda ev: False, timeout=90)
        proc.communicate(timeout=60)
        if not rep.eq(proc.returncode, 0, "a clean up"):
            rep.finish()
        rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
        rep.eq(rc, 0, "down after the clean up")
        once_fresh(rep, fake, base, len(events))
        once_change(rep, fake, base, changed)
        twice(rep, fake, base)
    rep.finish()


if __name__ == "__main__":
    main()
