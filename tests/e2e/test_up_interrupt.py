"""Ctrl-C during `up` (SIGINT sent to the process itself), as the README documents it:
- once: nothing new starts, what is in flight finishes, the run rolls back and exits 3
  ("up failed: interrupted"); the account is as before (a fresh stack: nothing left; a
  change: what it added is gone, the service back on its task definition). With
  --no-rollback it stops there and exits 1. At seeded points; each round prints its seed.
- twice: it exits at once (130), naming what was in flight.
After each, `up` converges and `down --yes --purge` leaves nothing.

How a signal is made to land where it is meant (issue 16, defect 12). The fake answers in
milliseconds (time scale 0.01): a fresh `up` takes about 3 s, and a test that reads its
events on a loaded machine can fall seconds behind, so "send SIGINT after the 10th event"
may reach a process that already finished its run and is exiting (under ASan the exit's
leak check blocks signals: the SIGINT is lost and the run exits 0) -- or no process at
all. So the fake *holds* a call (fault action "hold": the call waits, unanswered): the
N-th call that changes something (those happen only while `up` executes its plan, with
its Ctrl-C handling in place), or the first poll of a service after its update, or the
load balancer's creation. The test waits until the fake reports the call held while the
process is alive, sends SIGINT, and waits until ecsdeploy says "interrupted" on stderr:
the proof that the signal reached the running process. Any step that cannot be done
fails loudly, naming it. Then the held calls go and the run finishes."""

import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2eint"
SEEDS = [int(s) for s in os.environ.get("INT_SEEDS", "5,17,29").split(",") if s]
READS = ("Describe", "List", "Get", "Head", "Discover", "Filter", "Lookup", "Search")
FIRST = "interrupted: starting nothing new"


def summary_of(out):
    for line in reversed(out.splitlines()):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("event") == "summary":
            return d
    return {}


def writes_since(fake, seq):
    """The operations that changed something, from call `seq` on."""
    return [c["operation"] for c in fake.calls(seq)
            if c.get("operation") and not c["operation"].startswith(READS)]


class Run:
    """ecsdeploy running, its stdout and stderr read as they come."""

    def __init__(self, fake, stack_file, *args):
        self.fake = fake
        self.proc = sw.start(fake, stack_file, "up", *args)
        self.out, self.err = [], []
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self.readers:
            t.start()

    @staticmethod
    def _read(stream, into):
        for line in stream:
            into.append(line)

    def stderr(self):
        return "".join(self.err)

    def wait_held(self, timeout=60):
        """Until the fake holds one of our calls; '' then, else why it could not."""
        if sw.wait_held(self.fake, self.proc, timeout):
            return ""
        if self.proc.poll() is not None:
            return (f"the run ended (exit {self.proc.returncode}) before the fake could hold "
                    f"its call, so no SIGINT could be sent to it running; stderr: {self.stderr()[-400:]!r}")
        return f"no call was held within {timeout} s"

    def interrupt(self, wait_for=FIRST, timeout=30):
        """SIGINT, then wait until stderr says `wait_for`: '' then, else why not."""
        if self.proc.poll() is not None:
            return f"the run had ended (exit {self.proc.returncode}): the SIGINT could not be sent"
        os.kill(self.proc.pid, signal.SIGINT)
        end = time.time() + timeout
        while time.time() < end:
            if wait_for in self.stderr():
                return ""
            if self.proc.poll() is not None and not self.readers[1].is_alive():
                break
            time.sleep(0.02)
        return (f"SIGINT was sent to the running ecsdeploy but it never said {wait_for!r} "
                f"(exit {self.proc.poll()}): {self.stderr()[-600:]!r}")

    def finish(self, timeout=120):
        self.proc.wait(timeout=timeout)
        for t in self.readers:
            t.join(10)
        return self.proc.returncode, "".join(self.out), self.stderr()


def interrupt_held(rep, fake, stack_file, rule, tag, *args):
    """Start `up --output json` with `rule` holding a call, interrupt it once there, let
    the calls go, wait for the end: (exit status, stdout, stderr), or None when the
    SIGINT could not be delivered to the running process (reported as a failure)."""
    sw.set_faults(fake, [rule])
    run = Run(fake, stack_file, "--output", "json", *args)
    why = run.wait_held() or run.interrupt()
    sw.release(fake)
    rc, out, err = run.finish()
    if not rep.check(not why, f"{tag}: {why}"):
        return None
    return rc, out, err


def converge_and_down(rep, fake, stack_file, tag):
    if sw.converge_and_down(rep, fake, stack_file, STACK, tag):
        fake.control("POST", "/_fake/reset")


def once_fresh(rep, fake, stack_file, nwrites):
    for seed in SEEDS:
        point = random.Random(seed).randint(1, nwrites * 3 // 4)
        tag = f"SIGINT once, fresh stack, seed {seed} (held at write call {point + 1} of {nwrites})"
        print(tag, flush=True)
        got = interrupt_held(rep, fake, stack_file, {"action": "hold", "writes": True, "skip": point}, tag)
        if got is None:
            fake.control("POST", "/_fake/reset")
            continue
        rc, out, err = got
        rep.eq(rc, 3, f"{tag}: exit status ({err.strip()[-800:]})")
        s = summary_of(out)
        rep.eq((s.get("result"), s.get("failure")), ("rolled_back", "interrupted"), f"{tag}: the summary")
        left = sw.inventory(sw.resources(fake), STACK)
        rep.eq(left, {}, f"{tag}: after the rollback nothing of the fresh stack is left")
        converge_and_down(rep, fake, stack_file, tag)


def once_change(rep, fake, base, changed):
    rc, out, err = sw.run(fake, base, "up")
    rep.eq(rc, 0, f"up of the first stack ({err.strip()[-300:]})")
    # How many calls the change makes that change something: one clean change, undone.
    seq = fake.last_seq()
    rc, _, err = sw.run(fake, changed, "up")
    rep.eq(rc, 0, f"a clean change ({err.strip()[-300:]})")
    nwrites = len(writes_since(fake, seq))
    rc, _, err = sw.run(fake, base, "up")
    rep.eq(rc, 0, f"and back to the first stack ({err.strip()[-300:]})")
    before_doc = sw.resources(fake)
    before = sw.inventory(before_doc, STACK)

    def as_before(tag):
        doc = sw.resources(fake)
        d = sw.diff(sw.inventory(doc, STACK), before)
        rep.check(not d, f"{tag}: after the rollback the account differs from before:\n{d}")
        rep.eq(sw.services_of(doc, STACK), sw.services_of(before_doc, STACK), f"{tag}: the services")
        rc, out, err = sw.run(fake, base, "plan", "--detailed-exitcode")
        rep.eq(rc, 0, f"{tag}: plan of the first stack file finds nothing to do ({out.strip()[-800:]})")

    # SIGINT while the app service moves to its new revision: the first poll of a service
    # after its UpdateService is held.
    tag = "SIGINT once during a change (while the updated service is waited for)"
    print(tag, flush=True)
    got = interrupt_held(rep, fake, changed, {"action": "hold", "service": "ecs", "operation": "DescribeServices",
                                              "after": "UpdateService"}, tag)
    if got:
        rc, out, err = got
        rep.eq(rc, 3, f"{tag}: exit status ({err.strip()[-800:]})")
        rep.check("rolled_back" == summary_of(out).get("result"), f"{tag}: rolled back: {summary_of(out)}")
        as_before(tag)

    # At seeded points of the change: exit 3, the account as before.
    for seed in [int(x) for x in os.environ.get("INT_CHANGE_SEEDS", "3,9").split(",") if x]:
        point = random.Random(seed).randint(1, max(1, nwrites * 3 // 4))
        tag = f"SIGINT once during a change, seed {seed} (held at write call {point + 1} of {nwrites})"
        print(tag, flush=True)
        got = interrupt_held(rep, fake, changed, {"action": "hold", "writes": True, "skip": point}, tag)
        if got:
            rc, out, err = got
            rep.eq(rc, 3, f"{tag}: exit status ({err.strip()[-600:]})")
            as_before(tag)

    # --no-rollback: stop, leave what was done, exit 1.
    tag = f"SIGINT once with --no-rollback (held at write call {nwrites // 2 + 1} of {nwrites})"
    got = interrupt_held(rep, fake, changed, {"action": "hold", "writes": True, "skip": nwrites // 2}, tag,
                         "--no-rollback")
    if got:
        rc, out, err = got
        rep.eq(rc, 1, f"{tag}: exit status ({err.strip()[-600:]})")
        rep.eq((summary_of(out).get("result"), summary_of(out).get("failure")), ("failed", "interrupted"),
               f"{tag}: the summary")
        rep.check(sw.inventory(sw.resources(fake), STACK) != before, f"{tag}: what was done is left in place")
    converge_and_down(rep, fake, changed, tag)


def twice(rep, fake, stack_file):
    # The load balancer's creation is held: a call is surely in flight at the second SIGINT.
    tag = "SIGINT twice"
    sw.set_faults(fake, [{"action": "hold", "service": "elbv2", "operation": "CreateLoadBalancer"}])
    run = Run(fake, stack_file, "--output", "json")
    why = run.wait_held() or run.interrupt()
    if rep.check(not why, f"{tag}: {why}"):
        time.sleep(0.3)
        t0 = time.time()
        why = run.interrupt(wait_for="interrupted again: exiting now.", timeout=10)
        rep.check(not why, f"{tag}: {why}")
        try:
            run.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 (reported below)
            pass
        took = time.time() - t0
    sw.release(fake)  # the held creation completes in the fake
    rc, out, err = run.finish()
    print(f"{tag}: {err.strip()}", flush=True)
    rep.eq(rc, 130, f"{tag}: exit status")
    if not why:
        rep.check(took < 1.5, f"{tag}: exits at once, took {took:.1f} s")
    rep.check("interrupted again: exiting now. In flight:" in err and "alb/public" in err,
              f"{tag}: names what is in flight: {err.strip()[-400:]}")
    converge_and_down(rep, fake, stack_file, tag)


def main():
    rep = sw.Report()
    base, changed = sw.write_stacks(STACK)
    with sw.Fake() as fake:
        seq = fake.last_seq()
        rc, out, err = sw.run(fake, base, "up")
        if not rep.eq(rc, 0, f"a clean up ({err.strip()[-400:]})"):
            rep.finish()
        nwrites = len(writes_since(fake, seq))
        rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
        rep.eq(rc, 0, "down after the clean up")
        once_fresh(rep, fake, base, nwrites)
        once_change(rep, fake, base, changed)
        twice(rep, fake, base)
    rep.finish()


if __name__ == "__main__":
    main()
