#!/usr/bin/python3
"""Waits do not hold a worker: with `up --parallel 2`, six services all get created while
the first ones still wait to be steady.

The fake holds every image pull (POST /_fake/ecs/pulls {"hold": true}), so no task gets
past PENDING and no service can become steady until the test lets go: there is no race
with the clock. Were a waiting service to keep one of the two slots, only two
CreateService calls could ever happen while the pulls are held. The test waits until the
fake's call log holds all six (the deadline only bounds a failure), checks that the
services are waited for meanwhile (DescribeServices calls), lets the pulls go,
and `up` must then succeed. Then, with one service whose pull is held, the pace of its
watch: every second interval while nothing can end."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

SERVICES = 6
STACK = "stack: overlap\nservices:\n" + "".join(
    f"  s{i}:\n    image: nginx:1.27\n    port: 8080\n" for i in range(SERVICES))


def main():
    rep = sw.Report()
    with sw.Fake() as fake, tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "overlap.yml")
        with open(path, "w") as f:
            f.write(STACK)
        status, held = fake.control("POST", "/_fake/ecs/pulls", {"hold": True})
        rep.eq(status, 200, "the fake holds image pulls")
        proc = sw.start(fake, path, "up", "--yes", "--parallel", "2")
        deadline = time.monotonic() + 120
        created = []
        while time.monotonic() < deadline and proc.poll() is None:
            log = fake.calls()
            created = [c for c in log if c["operation"] == "CreateService" and not c["error"]]
            if len(created) >= SERVICES:
                break
            time.sleep(0.2)
        rep.eq(len(created), SERVICES,
               "every service is created while the first ones wait (waits hold no slot)")
        # and they are being waited for, all six at once, while no task can start. (Not
        # necessarily before the last was created: when IAM makes the young task role wait,
        # the six creates retry side by side and may all go before the first look.)
        polled = []
        while time.monotonic() < deadline and proc.poll() is None and not polled:
            polled = [c for c in fake.calls() if c["operation"] == "DescribeServices"]
            time.sleep(0.2)
        rep.check(len(polled) > 0, "services are being waited for while the pulls are held")
        _, res = fake.control("GET", "/_fake/resources")
        running = [t for t in res["ecs"]["tasks"] if t["lastStatus"] == "RUNNING"]
        rep.eq(len(running), 0, "no task ran while the pulls were held")
        status, _ = fake.control("POST", "/_fake/ecs/pulls", {"hold": False})
        rep.eq(status, 200, "the fake lets the pulls go")
        end_and_down(rep, fake, proc, path, "up succeeds once the tasks start")
        paced_while_nothing_runs(rep, fake, work)
        no_look_before_ecs_counts_it(rep, fake, work)
    rep.finish()


POLL = 0.05  # ECSDEPLOY_POLL_SECONDS in stackworld


def end_and_down(rep, fake, proc, path, what):
    """The `up` in proc must end well (it is killed after 3 minutes); then its stack goes."""
    try:
        _, err = proc.communicate(timeout=180)
    except Exception:
        sw.kill9(proc)
        _, err = proc.communicate()
    rep.eq(proc.returncode, 0, what + ": " + err[-600:])
    rc, _, err = sw.run(fake, path, "down", "--yes", "--purge", timeout=180)
    rep.eq(rc, 0, "down: " + err[-400:])


def looks_since(fake, t):
    return [c for c in fake.calls() if c["operation"] == "DescribeServices" and c["start"] >= t]


def no_look_before_ecs_counts_it(rep, fake, work):
    """A service with no load balancer and no container health check: ECS counts its task
    healthy 40 s (8 intervals) after it runs, so once the watch has seen it running it
    looks every second interval, not every one, until that time can have come (then
    every half interval until the end)."""
    path = os.path.join(work, "grace.yml")
    with open(path, "w") as f:
        f.write("stack: grace\nservices:\n  worker:\n    image: nginx:1.27\n")
    proc = sw.start(fake, path, "up", "--yes", "--output", "json")
    seen = [None]

    def running(events):  # the watch's first look that saw the task running
        last = events[-1] if events else None
        if seen[0] is None and isinstance(last, dict) and "running 1/1" in str(last.get("message")):
            seen[0] = time.time()
        return False
    sw.read_events(proc, running, timeout=120)
    end_and_down(rep, fake, proc, path, "up of a service without health checks")
    if not rep.check(seen[0] is not None, "the watch said when it saw the task running"):
        return
    # The look that saw it came just before; the next ones come two intervals apart while
    # ECS cannot count the task yet: at least 8 intervals after the look before, which was
    # at most 3 intervals earlier, so the 2.4 intervals after the sighting are in that time
    # (with room for the event reaching this reader late; a reading so late that the
    # window holds one look only proves nothing, and does not fail).
    looks = [c for c in fake.calls() if c["operation"] == "DescribeServices"
             and seen[0] - 1.2 * POLL <= c["start"] <= seen[0] + 2.4 * POLL]
    gaps = [round(b["start"] - a["start"], 3) for a, b in zip(looks, looks[1:])]
    rep.check(min(gaps or [POLL * 2]) >= 1.6 * POLL,
              "once the task runs, no look every interval while ECS cannot count it healthy "
              "(gaps %s s, interval %s s)" % (gaps, POLL))


def paced_while_nothing_runs(rep, fake, work):
    """While no task of a new service runs nothing can end: from its first look on, the
    watch looks every second poll interval, not every one (deploy/watch.c, spacing)."""
    path = os.path.join(work, "paced.yml")
    with open(path, "w") as f:
        f.write("stack: paced\nservices:\n  web:\n    image: nginx:1.27\n    port: 8080\n")
    seq = max([c["seq"] for c in fake.calls()] or [0])
    fake.control("POST", "/_fake/ecs/pulls", {"hold": True})
    proc = sw.start(fake, path, "up", "--yes")
    deadline = time.monotonic() + 120
    looks = []
    while time.monotonic() < deadline and proc.poll() is None and len(looks) < 5:
        looks = [c for c in fake.calls() if c["seq"] > seq and c["operation"] == "DescribeServices"]
        time.sleep(0.05)
    fake.control("POST", "/_fake/ecs/pulls", {"hold": False})
    gaps = [round(b["start"] - a["start"], 3) for a, b in zip(looks, looks[1:])]
    rep.check(len(gaps) >= 4 and min(gaps) >= 1.6 * POLL,
              "while its task cannot start, the service is looked at every second interval "
              "from its first look on (gaps %s s, interval %s s)" % (gaps, POLL))
    end_and_down(rep, fake, proc, path, "up succeeds once the pull goes")


if __name__ == "__main__":
    main()
