"""`up` killed with SIGKILL at seeded points, then `up` again: it converges (exit 0, then
`plan --detailed-exitcode` finds nothing to do) with nothing made twice — the fake holds
exactly what a clean `up` makes — and `down --yes --purge` leaves nothing of the stack.

Rounds: a fresh stack (KILL_SEEDS), a change to a deployed stack (a new image, a second
load balancer and service, one more secret; KILL_CHANGE_SEEDS), and an `up` killed while
it rolls back a failure. Each round prints its seed and kill point; to replay one, run
with KILL_SEEDS=SEED (a comma-separated list; empty for none). The kill point is "after
the Nth event line of `up --output json`" (N drawn from the seed) plus a seeded delay of
0–150 ms, so the process dies with calls in flight, during waits, between steps. After
each kill the test runs `unlock --yes`, as a user would: a killed run leaves its lock."""

import os
import re
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2ekill"


def seeds(var, default):
    return [int(s) for s in os.environ.get(var, default).split(",") if s]


def clean_run(rep, fake, stack_file, what):
    """A clean `up`: (the inventory it leaves, how many event lines it printed)."""
    proc = sw.start(fake, stack_file, "up", "--output", "json")
    events = sw.read_events(proc, lambda ev: False, timeout=90)
    proc.communicate(timeout=60)
    if not rep.eq(proc.returncode, 0, f"the clean up of {what}: exit status"):
        print(events[-3:])
        rep.finish()
    return sw.inventory(sw.resources(fake), STACK), len(events)


def kill_at(fake, stack_file, point, delay, env=None, match=None):
    """Start `up --output json`, SIGKILL it after its point-th event (counting only events
    for which match(event) is true, when given) and `delay` seconds; what it was at."""
    proc = sw.start(fake, stack_file, "up", "--output", "json", env=env)
    count = match or (lambda ev: True)
    seen = sw.read_events(proc, lambda ev: sum(1 for e in ev if count(e)) >= point, timeout=90)
    if delay:
        time.sleep(delay)
    finished = proc.poll() is not None
    sw.kill9(proc)
    sw.unlock(fake, stack_file)  # the lock a killed run leaves (README: "One run per stack")
    last = seen[-1] if seen and isinstance(seen[-1], dict) else {}
    return (f"{last.get('event')} {last.get('action', '')} {last.get('id')}: {str(last.get('message'))[:70]}"
            f"{' (it had already exited)' if finished else ''}")


def converges(rep, fake, stack_file, want, tag):
    rc, out, err = sw.run(fake, stack_file, "up")
    if not rep.eq(rc, 0, f"{tag}: the next up's exit status"):
        print(err[-2000:])
    rc, out, err = sw.run(fake, stack_file, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"{tag}: plan after the next up finds nothing to do ({out.strip()[-600:]})")
    d = sw.diff(sw.inventory(sw.resources(fake), STACK), want)
    rep.check(not d, f"{tag}: after the next up the fake holds something else than a clean up makes:\n{d}")


def down_clean(rep, fake, stack_file, tag):
    rc, out, err = sw.run(fake, stack_file, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"{tag}: down's exit status ({err.strip()[-600:]})")
    left = sw.inventory(sw.resources(fake), STACK)
    rep.eq(left, {}, f"{tag}: what down left")
    if left:  # the next round needs a clean account
        fake.control("POST", "/_fake/reset")


def round_point(seed, nevents):
    rng = random.Random(seed)
    return rng.randint(1, nevents - 2), rng.randint(0, 150) / 1000.0


def main():
    rep = sw.Report()
    base, changed = sw.write_stacks(STACK)

    with sw.Fake() as fake:
        # Clean runs: what the stack looks like, and how many events an `up` prints.
        want, nevents = clean_run(rep, fake, base, "the stack")
        rep.check(nevents > 40, f"the clean up printed {nevents} events, expected more than 40")
        rep.check(len(want.get("ec2.nat_gateways", [])) == 1 and len(want.get("elbv2.rules", [])) == 1,
                  f"the clean up made the NAT gateway and the listener rule: {want}")
        want_changed, nchange = clean_run(rep, fake, changed, "the change")
        down_clean(rep, fake, changed, "after the clean runs")

        for seed in seeds("KILL_SEEDS", "11,23,37"):
            point, delay = round_point(seed, nevents)
            tag = f"fresh stack, seed {seed} (kill -9 after event {point} of {nevents} + {delay * 1000:.0f} ms)"
            print(f"round {tag}", flush=True)
            print(f"  killed at: {kill_at(fake, base, point, delay)}", flush=True)
            converges(rep, fake, base, want, tag)
            down_clean(rep, fake, base, tag)

        for seed in seeds("KILL_CHANGE_SEEDS", "7,19"):
            point, delay = round_point(seed, nchange)
            tag = f"a change, seed {seed} (kill -9 after event {point} of {nchange} + {delay * 1000:.0f} ms)"
            print(f"round {tag}", flush=True)
            rc, out, err = sw.run(fake, base, "up")
            rep.eq(rc, 0, f"{tag}: up of the first stack")
            print(f"  killed at: {kill_at(fake, changed, point, delay)}", flush=True)
            converges(rep, fake, changed, want_changed, tag)
            down_clean(rep, fake, changed, tag)

        # Killed while the service rolls out its new revision: the next `up` has nothing to
        # change but waits until the deployment the killed run started is over.
        tag = "a change, killed while the service deploys"
        print(f"round {tag}", flush=True)
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(rc, 0, f"{tag}: up of the first stack")
        # (An image the fake's targets take ten times longer to find healthy: a slow rollout.)
        slow = os.path.join(os.path.dirname(base), "slow.yml")
        with open(slow, "w") as f:
            f.write(sw.changed_stack_yaml(STACK).replace("nginx:1.28", "nginx:1.28-slowstart"))
        at = kill_at(fake, slow, 1, 0, match=lambda e: isinstance(e, dict) and e.get("id") == "service/app"
                     and e.get("event") == "progress")
        print(f"  killed at: {at}", flush=True)
        rc, out, err = sw.run(fake, slow, "up", "--timeout", "1m")
        rep.eq(rc, 0, f"{tag}: the next up ({err.strip()[-600:]})")
        # app's rollout for sure; admin's too when the killed run created admin late
        # enough that its first rollout is not over yet (timing: both are right)
        waits = re.search(r"Waiting for (\d+) unchanged resources? an earlier run left changing", out)
        rep.check(waits is not None and int(waits.group(1)) in (1, 2)
                  and "service/app: waiting for the service to be steady" in out,
                  f"{tag}: the next up waits for the deployment: {out[-1500:]}")
        converges(rep, fake, slow, want_changed, tag)
        down_clean(rep, fake, slow, tag)

        # Killed while rolling back a refused listener: the next `up` converges all the same.
        for point in seeds("KILL_ROLLBACK_POINTS", "6"):
            tag = f"killed during a rollback (after its rollback event {point})"
            print(f"round {tag}", flush=True)
            rc, out, err = sw.run(fake, base, "up")
            rep.eq(rc, 0, f"{tag}: up of the first stack")
            sw.set_faults(fake, [{"service": "elbv2", "operation": "CreateListener", "action": "error",
                                  "code": "AccessDenied", "message": "not authorized"}])
            at = kill_at(fake, changed, point, 0.05, env={"AWS_MAX_ATTEMPTS": "1"},
                         match=lambda e: isinstance(e, dict) and "rollback" in str(e.get("message")))
            sw.set_faults(fake, [])
            print(f"  killed at: {at}", flush=True)
            rep.check("rollback" in at, f"{tag}: the kill came during the rollback: {at}")
            converges(rep, fake, changed, want_changed, tag)
            down_clean(rep, fake, changed, tag)
    rep.finish()


if __name__ == "__main__":
    main()
