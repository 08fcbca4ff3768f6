"""`up` killed with SIGKILL at seeded points, then `up` again: it converges (exit 0, then
`plan --detailed-exitcode` finds nothing to do) with nothing made twice — the fake holds
exactly what a clean `up` makes — and `down --yes --purge` leaves nothing of the stack.

Each round prints its seed and kill point; to replay one, run with KILL_SEEDS=SEED (a
comma-separated list) and KILL_ROUNDS unset. The kill point is "after the Nth event line
of `up --output json`" (N drawn from the seed), plus a seeded delay of 0–150 ms, so the
process dies with calls in flight, during waits, between steps."""

import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2ekill"
SEEDS = [int(s) for s in os.environ.get("KILL_SEEDS", "11,23,37,41,59").split(",") if s]


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    stack_file = os.path.join(work, "stack.yml")
    with open(stack_file, "w") as f:
        f.write(sw.stack_yaml(STACK))

    with sw.Fake() as fake:
        # A clean run: what the stack looks like, and how many events an `up` prints.
        proc = sw.start(fake, stack_file, "up", "--output", "json")
        events = sw.read_events(proc, lambda ev: False, timeout=90)
        proc.communicate(timeout=60)
        if not rep.eq(proc.returncode, 0, "the clean up's exit status"):
            print(events[-3:])
            rep.finish()
        want = sw.inventory(sw.resources(fake), STACK)
        nevents = len(events)
        rep.check(nevents > 40, f"the clean up printed {nevents} events, expected more than 40")
        rep.check(len(want.get("ec2.nat_gateways", [])) == 1 and len(want.get("elbv2.rules", [])) == 1,
                  f"the clean up made the NAT gateway and the listener rule: {want}")
        rc, out, err = sw.run(fake, stack_file, "down", "--yes", "--purge")
        rep.eq(rc, 0, f"down after the clean up ({err.strip()[-300:]})")
        rep.eq(sw.inventory(sw.resources(fake), STACK), {}, "nothing left after the clean down")

        for seed in SEEDS:
            rng = random.Random(seed)
            point = rng.randint(1, nevents - 2)
            delay = rng.randint(0, 150) / 1000.0
            tag = f"seed {seed} (kill -9 after event {point} of {nevents} + {delay * 1000:.0f} ms)"
            print(f"round {tag}", flush=True)

            proc = sw.start(fake, stack_file, "up", "--output", "json")
            seen = sw.read_events(proc, lambda ev: len(ev) >= point, timeout=60)
            if delay:
                import time
                time.sleep(delay)
            finished = proc.poll() is not None
            sw.kill9(proc)
            last = seen[-1] if seen else None
            print(f"  killed at: {last if isinstance(last, str) else (last or {}).get('event')} "
                  f"{'' if isinstance(last, str) else (last or {}).get('id')}"
                  f"{' (it had already exited)' if finished else ''}", flush=True)

            rc, out, err = sw.run(fake, stack_file, "up")
            if not rep.eq(rc, 0, f"{tag}: the second up's exit status"):
                print(err[-2000:])
            rc, out, err = sw.run(fake, stack_file, "plan", "--detailed-exitcode")
            rep.eq(rc, 0, f"{tag}: plan after the second up finds nothing to do ({out.strip()[-600:]})")
            got = sw.inventory(sw.resources(fake), STACK)
            d = sw.diff(got, want)
            rep.check(not d, f"{tag}: after the second up the fake holds something else than a "
                             f"clean up makes:\n{d}")

            rc, out, err = sw.run(fake, stack_file, "down", "--yes", "--purge")
            rep.eq(rc, 0, f"{tag}: down's exit status ({err.strip()[-600:]})")
            left = sw.inventory(sw.resources(fake), STACK)
            rep.eq(left, {}, f"{tag}: what down left")
            if left:  # the next round needs a clean account
                fake.control("POST", "/_fake/reset")
    rep.finish()


if __name__ == "__main__":
    main()
