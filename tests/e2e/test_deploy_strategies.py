#!/usr/bin/python3
"""ecsdeploy deploy against the fake, for each strategy (rolling, blue-green, canary,
linear): a good image completes (exit 0) with the new revision serving; a crashloop image
exits 3 naming the stopped task's reason; an unhealthy image exits 3 naming the target
health reason; a slowstart image with a short --timeout exits 1 saying what it waited
for. The four strategies run side by side, one service each."""
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
import deploy_setup as D  # noqa: E402
from fakelib import Fake, Report  # noqa: E402

R = Report()
lock = threading.Lock()


def check(cond, what):
    with lock:
        R.check(cond, what)


def scenario(f, w, name, strategy):
    flag = ["--strategy", strategy, "--bake-minutes", "0"]
    if strategy == "canary":
        flag += ["--canary-percent", "20"]
    if strategy == "linear":
        flag += ["--step-percent", "50"]
    base = ["deploy", name, "--cluster", D.CLUSTER] + flag
    rc, out, err = D.run(f, *base, "--image", "example/app:2", "--timeout", "60s")
    check(rc == 0, f"{strategy}: good image exits 0, got {rc}: {out}{err}")
    s = w.service(name)
    td = s["taskDefinition"]
    check(td in out and td.endswith(":2"), f"{strategy}: the new revision is reported: {out}")
    check(w.image_of(name)["image"] == "example/app:2", f"{strategy}: the service runs the new image")
    check(D.serving(w, name, td), f"{strategy}: the new revision serves production traffic")
    want = {"rolling": None}.get(strategy, strategy.upper().replace("-", "_"))
    got = s["deploymentConfiguration"].get("strategy")
    check(got == (want or got) and (want or s["deploymentConfiguration"]["deploymentCircuitBreaker"]["rollback"]),
          f"{strategy}: deployment configuration {s['deploymentConfiguration']}")

    rc, out, err = D.run(f, *base, "--tag", "crashloop", "--timeout", "60s")
    check(rc == 3, f"{strategy}: crashloop exits 3, got {rc}: {out}{err}")
    check("Essential container in task exited" in err and "exit code 1" in err,
          f"{strategy}: crashloop names the stopped task's reason: {err}")
    check(w.service(name)["taskDefinition"] == td, f"{strategy}: after the rollback the old revision runs")

    rc, out, err = D.run(f, *base, "--tag", "unhealthy", "--timeout", "60s", "--output", "json")
    lines = [json.loads(x) for x in out.splitlines() if x.strip()]
    res = lines[-1] if lines else {}
    check(rc == 3 and res.get("outcome") == "rolled_back", f"{strategy}: unhealthy exits 3: {rc} {res}")
    reasons = " | ".join(res.get("reasons", []))
    check("Health checks failed with these codes: [503]" in reasons,
          f"{strategy}: unhealthy names the target health reason: {reasons}")
    check(all(x.get("event") in ("progress", "result") for x in lines), f"{strategy}: JSON lines")

    rc, out, err = D.run(f, *base, "--tag", "slowstart", "--timeout", "2s")
    check(rc == 1, f"{strategy}: slowstart with a short timeout exits 1, got {rc}: {out}{err}")
    check("timed out after 2s waiting for the new revision" in err and "left to ECS" in err,
          f"{strategy}: the timeout says what it waited for: {err}")


def main():
    with Fake(time_scale=0.01) as f:
        w = D.World(f)
        w.rolling("roll")
        w.bluegreen("bg")
        w.bluegreen("canary", strategy="CANARY")
        w.bluegreen("linear", strategy="LINEAR")
        w.stable(["roll", "bg", "canary", "linear"])
        jobs = [threading.Thread(target=scenario, args=(f, w, n, s)) for n, s in
                (("roll", "rolling"), ("bg", "blue-green"), ("canary", "canary"), ("linear", "linear"))]
        for j in jobs:
            j.start()
        for j in jobs:
            j.join()
    R.finish()


main()
