"""One run per stack (issue 16): a lock in S3 (s3://ecsdeploy-locks-ACCOUNT-REGION/STACK.lock,
a conditional PutObject) taken before any write, renewed while the run lives, with an
expiry.
- A second `up` (and `down`, `deploy`, `run`) of a stack while an `up` runs exits 1 naming
  the holder (its ARN, host, pid and command); read-only commands (plan, status, history,
  validate, graph) still work. A deploy locks its service: `down` and a second deploy of that
  service are refused while it runs (an `up` with nothing to change only reads, takes no
  lock, and says "No changes") (deploys of different services go on side by side:
  tests/e2e/test_deploy_strategies.py).
- After `kill -9` of the first, the lock stays: `up` is still refused; `unlock` without
  --yes off a terminal refuses; `unlock --yes` removes it; then `up` converges.
- Renewal: with a 2 s time to live, a run held for 5 s keeps its lock.
- Expiry: with a 3 s time to live, a run killed with -9 blocks the next one for about
  that long; then the next `up` takes the lock over, saying whose it was.
- A `down` that finishes leaves neither the lock nor (no other stack holding one) its bucket.
The first run is frozen mid-way by the fake ("hold" on one of its calls), so nothing
depends on timing."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2elock"


def lock_objects(fake):
    """The lock objects in each lock bucket (not the stacks' marks, STACK.last-run)."""
    doc = sw.resources(fake)
    return {b["id"]: sum(1 for k in b["keys"] if k.endswith(".lock"))
            for b in doc.get("s3", {}).get("buckets", []) if b["id"].startswith("ecsdeploy-locks-")}


def discoveries(fake, seq):
    """How many times the calls since seq read the whole stack (one ListTaskDefinitionFamilies
    each: only the task definitions' discovery asks it)."""
    return sum(1 for c in fake.calls(seq) if c["operation"] == "ListTaskDefinitionFamilies")


def start_held(rep, fake, stack_file, what, env=None):
    """Start `up`, frozen at its VPC's creation (the lock is held by then)."""
    sw.set_faults(fake, [{"action": "hold", "service": "ec2", "operation": "CreateVpc"}])
    proc = sw.start(fake, stack_file, "up", env=env)
    ok = sw.wait_held(fake, proc)
    rep.check(ok, f"{what}: the first up runs, frozen at CreateVpc with the lock held "
                  f"(exit {proc.poll()})")
    return proc


def down_then_held(rep, fake, stack_file, what, ttl):
    """down (which must work), then start_held with a lock time to live of `ttl` seconds."""
    rc, out, err = sw.run(fake, stack_file, "down", "--yes")
    rep.eq(rc, 0, f"down ({err.strip()[-300:]})")
    return start_held(rep, fake, stack_file, what, env={"ECSDEPLOY_LOCK_TTL": str(ttl)})


def released_ends_well(rep, fake, proc, what):
    """The held call let go: the run `proc` ends well and leaves no lock."""
    sw.release(fake)
    proc.communicate(timeout=120)
    rep.eq(proc.returncode, 0, f"{what} ends well")
    rep.eq(list(lock_objects(fake).values()), [0], "and leaves no lock")


def main():
    rep = sw.Report()
    base, _ = sw.write_stacks(STACK)
    with sw.Fake() as fake:
        # ---- a second run of a running stack is refused, naming the holder -------------
        first = start_held(rep, fake, base, "lock")
        rep.eq(list(lock_objects(fake).values()), [1], "the lock object exists while up runs")
        for args in (("up",), ("down", "--yes"), ("deploy", "app", "--tag", "2"),
                     ("run", "app", "--", "true")):
            rc, out, err = sw.run(fake, base, *args)
            rep.eq(rc, 1, f"`{' '.join(args)}` while up runs: exit status ({err.strip()[-300:]})")
            rep.check(f"stack {STACK} is locked by arn:aws:" in err and f"(pid {first.pid}, `ecsdeploy up`)" in err,
                      f"`{' '.join(args)}` names the holder (ARN, pid, command): {err.strip()[-400:]!r}")
        for args, want in ((("plan",), 0), (("status",), None), (("validate",), 0), (("history", "app"), None),
                           (("graph",), 0)):
            rc, out, err = sw.run(fake, base, *args)
            rep.check("is locked" not in err and (want is None or rc == want),
                      f"`{' '.join(args)}` takes no lock: exit {rc}, {err.strip()[-300:]!r}")

        # ---- kill -9: the lock stays until unlock ------------------------------------------
        sw.kill9(first)
        sw.release(fake)
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(rc, 1, f"after kill -9 the lock stays: up refused ({err.strip()[-300:]})")
        rc, out, err = sw.run(fake, base, "unlock")
        rep.eq(rc, 2, f"unlock without --yes off a terminal refuses ({err.strip()[-300:]})")
        rep.check("pass --yes" in err and "locked by" in err, f"it shows the lock and says how: {err!r}")
        rc, out, err = sw.run(fake, base, "unlock", "--yes")
        rep.eq(rc, 0, f"unlock --yes ({err.strip()[-300:]})")
        rep.check(f"Lock of stack {STACK} removed" in out, f"unlock says so: {out!r}")
        rep.eq(list(lock_objects(fake).values()), [0], "the lock object is gone")
        rc, out, err = sw.run(fake, base, "unlock", "--yes")
        rep.check(rc == 0 and "is not locked" in out, f"unlock of an unlocked stack: {rc} {out!r}")
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(rc, 0, f"then up converges ({err.strip()[-600:]})")
        rc, out, err = sw.run(fake, base, "plan", "--detailed-exitcode")
        rep.eq(rc, 0, f"and plan finds nothing to do ({out.strip()[-600:]})")
        rep.eq(list(lock_objects(fake).values()), [0], "a finished run leaves no lock")

        # ---- deploy: a lock per service, exclusive with the stack's ---------------------
        sw.set_faults(fake, [{"action": "hold", "service": "ecs", "operation": "RegisterTaskDefinition"}])
        dep = sw.start(fake, base, "deploy", "app", "--tag", "1.28")
        rep.check(sw.wait_held(fake, dep), f"a deploy of app runs, frozen at its new revision (exit {dep.poll()})")
        rc, out, err = sw.run(fake, base, "down", "--yes")
        rep.eq(rc, 1, f"down while app is being deployed: exit status ({err.strip()[-300:]})")
        rep.check(f"service app is being deployed by arn:aws:" in err and f"(pid {dep.pid}, `ecsdeploy deploy`)" in err,
                  f"down names the deploy: {err.strip()[-400:]!r}")
        rc, out, err = sw.run(fake, base, "up")
        rep.check(rc == 0 and "No changes" in out, f"an up with nothing to change only reads: {rc} {err.strip()[-300:]}")
        rc, out, err = sw.run(fake, base, "deploy", "app", "--tag", "1.29")
        rep.eq(rc, 1, f"a second deploy of app: exit status ({err.strip()[-300:]})")
        released_ends_well(rep, fake, dep, "the deploy")

        # ---- renewal: a run longer than its time to live keeps the lock ------------------
        first = down_then_held(rep, fake, base, "renewal", 2)
        time.sleep(5)
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(rc, 1, f"5 s into a run with a 2 s time to live, its lock is still held ({err.strip()[-300:]})")
        released_ends_well(rep, fake, first, "the long run")

        # ---- expiry: a killed run's lock blocks the next one for its time to live -------
        first = down_then_held(rep, fake, base, "expiry", 3)
        sw.kill9(first)
        killed = time.time()
        sw.release(fake)
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(rc, 1, f"right after kill -9, up is refused ({err.strip()[-300:]})")
        rep.check("expires 3 s after its last renewal" in err, f"and says when the lock expires: {err!r}")
        time.sleep(max(0.0, killed + 3 + 2 - time.time()))  # its TTL, and S3's 1 s clock
        seq = fake.last_seq()
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(discoveries(fake, seq), 2, "a run that takes a lock over reads the stack again "
                                          "under it (the gone run may have changed anything)")
        rep.eq(rc, 0, f"after the time to live, up takes the lock over and converges ({err.strip()[-600:]})")
        rep.check("took over the lock of stack" in err and f"(pid {first.pid}, `ecsdeploy up`)" in err,
                  f"saying whose it was: {err.strip()[-400:]!r}")

        # ---- down --purge: no lock, no lock bucket ---------------------------------------
        rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
        rep.eq(rc, 0, f"down --purge ({err.strip()[-300:]})")
        rep.eq(lock_objects(fake), {}, "down --purge removes the (empty) lock bucket")
        rep.eq(sw.inventory(sw.resources(fake), STACK), {}, "and leaves nothing of the stack")

        # ---- the stack's mark: a first up reads the stack once --------------------------
        seq = fake.last_seq()
        rc, out, err = sw.run(fake, base, "up")
        rep.eq(rc, 0, f"a first up ({err.strip()[-300:]})")
        rep.eq(discoveries(fake, seq), 1, "it found nothing and no run has ended since: what it "
                                          "read before taking the lock stands")
        rep.eq([b["keys"] for b in sw.resources(fake)["s3"]["buckets"]
                if b["id"].startswith("ecsdeploy-locks-")], [[f"{STACK}.last-run"]],
               "it leaves the stack's mark, and no lock")
        rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
        rep.eq(lock_objects(fake), {}, "down --purge removes the mark and the lock bucket")
    rep.finish()


if __name__ == "__main__":
    main()
