#!/usr/bin/python3
"""ecsdeploy deploy / rollback / history against the fake: bad flags (exit 2, one line, no
AWS call), --cluster without a stack file, a stack file naming the cluster, two services
at once, --all, --env, --no-wait, rollback during and after a deployment, history."""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
import deploy_setup as D  # noqa: E402
from fakelib import Fake, Report  # noqa: E402

R = Report()
C = ["--cluster", D.CLUSTER]


def bad_flags(f, cwd):
    before = f.last_seq()
    cases = [
        (["deploy", "web"] + C, "exactly one of --image"),
        (["deploy", "web", "--image", "a:1", "--tag", "2"] + C, "exactly one of --image"),
        (["deploy", "web", "--tag", "bad tag!"] + C, "not a valid image tag"),
        (["deploy", "web", "--tag", "1", "--strategy", "big-bang"] + C, "--strategy must be"),
        (["deploy", "web", "--tag", "1", "--timeout", "soon"] + C, "--timeout wants a duration"),
        (["deploy", "web", "--tag", "1", "--env", "NOEQUALS"] + C, "write --env NAME=VALUE"),
        (["deploy", "web", "--tag", "1", "--env", "=x"] + C, "--env wants NAME"),
        (["rollback", "web", "--env", "A=1"] + C, "only deploy does"),
        (["deploy", "web", "--count", "-1"] + C, "--count wants"),
        (["deploy", "web", "--count", "1.5"] + C, "whole number"),
        (["deploy", "web", "--env", "A=1"] + C, "--image REF or --tag TAG"),
        (["deploy", "--tag", "1"] + C, "at least one SERVICE"),
        (["deploy", "web", "--all", "--image", "a:1"] + C, "name no SERVICE"),
        (["deploy", "--all", "--tag", "1"] + C, "--all needs --image"),
        (["deploy", "web", "web", "--tag", "1"] + C, "named twice"),
        (["deploy", "web", "--tag", "1", "--bake-minutes", "-3"] + C, "--bake-minutes wants"),
        (["deploy", "web", "--tag", "1", "--frobnicate"] + C, "unknown flag"),
        (["deploy", "web", "--tag", "1"], "name it with --cluster"),
        (["rollback"] + C, "exactly one SERVICE"),
        (["rollback", "web", "--timeout", "x"] + C, "--timeout wants"),
        (["rollback", "web", "--to", "a b"] + C, "--to wants a revision"),
        (["history"] + C, "exactly one SERVICE"),
        (["history", "web", "--limit", "0"] + C, "--limit wants"),
    ]
    for args, want in cases:
        rc, out, err = D.run(f, *args, cwd=cwd)
        R.check(rc == 2 and want in err and err.count("\n") == 1 and not out,
                f"{args}: exit 2 with one line naming '{want}', got {rc}: {out!r} {err!r}")
    R.eq(f.last_seq(), before, "bad flags make no AWS call")


def parallel_and_env(f, w, cwd):
    t0 = time.time()
    rc, out, err = D.run(f, "deploy", "web", "api", "--tag", "2", "--env", "MODE=two", "--env", "EXTRA=x=y",
                         *C, cwd=cwd)
    took = time.time() - t0
    R.check(rc == 0, f"two services: exit 0, got {rc}: {out}{err}")
    R.check("web: ok" in out and "api: ok" in out, f"both services reported: {out}")
    for name in ("web", "api"):
        k = w.image_of(name)
        envs = {e["name"]: e["value"] for e in k.get("environment", [])}
        R.eq(k["image"], "example/app:2", f"{name}: the tag changed, the repository kept")
        R.eq(envs, {"MODE": "two", "EXTRA": "x=y"}, f"{name}: environment set")
        R.check(name == "api" or D.serving(w, name, w.service(name)["taskDefinition"]),
                f"{name}: the new revision serves")
    # the two progress streams interleave: both started before either finished
    lines = out.splitlines()
    first_ok = min(i for i, l in enumerate(lines) if ": ok:" in l)
    R.check(any("api: registered" in l for l in lines[:first_ok]) and
            any("web: registered" in l for l in lines[:first_ok]), f"deploys ran in parallel: {out}")
    R.check(took < 60, "two deploys in reasonable time")


def all_flag(f, w, cwd):
    rc, out, err = D.run(f, "deploy", "--all", "--image", "example/app:3", *C, "--output", "json", cwd=cwd)
    res = {x["service"]: x for x in map(json.loads, out.splitlines()) if x.get("event") == "result"}
    R.check(rc == 0 and set(res) == {"web", "api"}, f"--all deploys the services of that repository: {rc} {res} {err}")
    R.eq(w.image_of("other")["image"], "other/thing:1", "--all leaves a service of another repository alone")
    rc, out, err = D.run(f, "deploy", "--all", "--image", "nobody/uses:1", *C, cwd=cwd)
    R.check(rc == 1 and "no service of cluster" in err, f"--all with no match: {rc} {err}")


def rollback_after(f, w, cwd):
    """rollback returns to the newest release that succeeded before the one running now,
    skipping a deployment ECS rolled back; says which and why first; --to picks one."""
    before = w.service("web")["taskDefinition"]
    rc, out, err = D.run(f, "deploy", "web", "--tag", "4", *C, cwd=cwd)
    R.check(rc == 0, f"deploy :4: {rc} {err}")
    four = w.service("web")["taskDefinition"]
    rc, out, err = D.run(f, "deploy", "web", "--tag", "crashloop", "--timeout", "60s", *C, cwd=cwd)
    R.check(rc == 3, f"a crash-looping deploy is rolled back by ECS (exit 3): {rc} {err}")
    R.eq(w.service("web")["taskDefinition"], four, "after ECS's rollback the service runs :4 again")
    R.check(not any("ecsdeploy:previous" in t["key"] for t in w.service("web").get("tags", [])),
            "no tag holds a previous revision: ECS's history decides")
    rc, out, err = D.run(f, "rollback", "web", *C, cwd=cwd)
    R.check(rc == 0, f"rollback after a deploy exits 0: {rc} {out}{err}")
    short = lambda td: td.rsplit("/", 1)[1]  # noqa: E731
    said = [l for l in out.splitlines() if "rolling back from" in l]
    R.check(len(said) == 1 and f"from {short(four)} to {short(before)}" in said[0] and
            "example/app:3" in said[0] and "newest release that succeeded before" in said[0] and
            "ROLLBACK_SUCCESSFUL" in said[0],
            f"rollback says which release and why (the rolled-back one skipped) before it starts: {out}")
    R.check(out.index("rolling back from") < out.index("service updated"),
            f"the choice is told before the service changes: {out}")
    R.eq(w.service("web")["taskDefinition"], before, "rollback returns to the release before :4")
    R.check(D.serving(w, "web", before), "the previous revision serves again")
    R.eq(w.image_of("web")["image"], "example/app:3", "the previous image runs again")

    rev4 = short(four).rsplit(":", 1)[1]
    rc, out, err = D.run(f, "rollback", "web", "--to", rev4, *C, cwd=cwd)
    R.check(rc == 0 and "named with --to " + rev4 in out, f"rollback --to N: {rc} {out}{err}")
    R.eq(w.service("web")["taskDefinition"], four, "--to picks the revision named")
    rc, out, err = D.run(f, "rollback", "web", "--to", short(four), *C, cwd=cwd)
    R.check(rc == 0 and "already runs" in out, f"--to the running revision: nothing to do: {rc} {out}{err}")
    rc, out, err = D.run(f, "rollback", "web", "--to", "999", *C, cwd=cwd)
    R.check(rc == 1 and "no task definition" in err and err.count("\n") == 1,
            f"--to a revision that does not exist: exit 1, one line: {rc} {err}")
    R.eq(w.service("web")["taskDefinition"], four, "a refused --to changes nothing")
    rc, out, err = D.run(f, "rollback", "web", "--to", "other:1", *C, cwd=cwd)
    R.check(rc == 1 and "not a revision of the service's family" in err, f"--to another family: {rc} {err}")
    rc, out, err = D.run(f, "rollback", "other", *C, cwd=cwd)
    R.check(rc == 1 and "nothing to roll back to" in err and "--to REVISION" in err,
            f"a service with one release: nothing to roll back to, exit 1: {rc} {out}{err}")
    rc, out, err = D.run(f, "rollback", "web", *C, cwd=cwd)  # back to :3 for the tests below
    R.check(rc == 0 and w.service("web")["taskDefinition"] == before, f"rollback again: {rc} {out}{err}")


def rollback_during(f, w, cwd):
    before = w.service("web")["taskDefinition"]
    p = D.start(f, ["deploy", "web", "--tag", "slowstart", "--timeout", "60s"] + C)
    time.sleep(0.6)
    rc, out, err = D.run(f, "rollback", "web", *C, cwd=cwd)
    R.check(rc == 0, f"rollback during a deployment exits 0: {rc} {out}{err}")
    R.check("stopped with ROLLBACK" in out and "ROLLBACK_SUCCESSFUL" in out, f"rollback progress: {out}")
    dout, derr = p.communicate(timeout=60)
    R.check(p.returncode == 3, f"the deploy that was rolled back exits 3: {p.returncode} {dout}{derr}")
    R.check("rolled back" in derr.lower(), f"the deploy says it was rolled back: {derr}")
    R.eq(w.service("web")["taskDefinition"], before, "after the rollback the old revision runs")
    rc, out, err = D.run(f, "rollback", "nosuch", *C, cwd=cwd)
    R.check(rc == 1 and err.count("\n") == 1, f"rollback of an unknown service: {rc} {err}")


def no_wait_and_timeout_rollback(f, w, cwd):
    rc, out, err = D.run(f, "deploy", "api", "--tag", "5", "--no-wait", *C, cwd=cwd)
    R.check(rc == 0 and "not waiting" in out, f"--no-wait: {rc} {out}{err}")
    w.stable(["api"])
    rc, out, err = D.run(f, "deploy", "web", "--tag", "slowstart", "--timeout", "1s", "--rollback-on-timeout",
                         *C, cwd=cwd)
    R.check(rc == 1 and "rollback requested" in err, f"--rollback-on-timeout: {rc} {err}")
    D.wait(lambda: w.service("web")["taskDefinition"].endswith(":2") is False and
           len(w.service("web")["deployments"]) == 1, "the rollback after the timeout")


def image_pull_error(f, w, cwd):
    before = w.service("api")["taskDefinition"]
    rc, out, err = D.run(f, "deploy", "api", "--tag", "nopull", "--timeout", "60s", *C, cwd=cwd)
    R.check(rc == 3 and "CannotPullContainerError" in err, f"an image that cannot be pulled: {rc} {err}")
    R.eq(w.service("api")["taskDefinition"], before, "after the failed pull the old revision runs")


def history(f, w, cwd):
    rc, out, err = D.run(f, "history", "web", *C, cwd=cwd)
    R.check(rc == 0 and "STRATEGY" in out and "ROLLBACK_SUCCESSFUL" in out and "example/app:slowstart" in out,
            f"history text: {rc} {out}{err}")
    rc, out, err = D.run(f, "history", "web", *C, "--output", "json", cwd=cwd)
    d = json.loads(out)
    items = d["deployments"]
    R.check(len(items) >= 5 and items[0]["started"] >= items[-1]["started"], f"history JSON newest first: {items}")
    R.check(all({"started", "task_definition", "image", "strategy", "outcome", "reason"} <= set(x) for x in items),
            "history items carry when, revision, image, strategy, outcome and reason")


def stack_file(f, w):
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "ecsdeploy.yml"), "w") as fh:
        fh.write("stack: %s\nservices:\n  web:\n    image: example/app:1\n    port: 8080\n"
                 "    deployment: { min_healthy_percent: 50, max_percent: 250 }\n" % D.CLUSTER)
    rc, out, err = D.run(f, "deploy", "web", "--tag", "6", "--timeout", "60s", cwd=d)
    R.check(rc == 0, f"deploy with the stack file in the directory: {rc} {out}{err}")
    dc = w.service("web")["deploymentConfiguration"]
    R.check(dc["minimumHealthyPercent"] == 50 and dc["maximumPercent"] == 250 and
            dc["deploymentCircuitBreaker"] == {"enable": True, "rollback": True},
            f"the stack file's settings and the circuit breaker: {dc}")
    rc, out, err = D.run(f, "deploy", "nosuch", "--tag", "6", cwd=d)
    R.check(rc == 2 and "has no service 'nosuch'" in err, f"a service outside the file: {rc} {err}")


def main():
    cwd = tempfile.mkdtemp()
    with Fake(time_scale=0.01) as f:
        w = D.World(f)
        w.rolling("web")
        w.rolling("api", lb=False)
        w.rolling("other", image="other/thing:1", lb=False)
        w.stable(["web", "api", "other"])
        bad_flags(f, cwd)
        parallel_and_env(f, w, cwd)
        all_flag(f, w, cwd)
        rollback_after(f, w, cwd)
        rollback_during(f, w, cwd)
        no_wait_and_timeout_rollback(f, w, cwd)
        image_pull_error(f, w, cwd)
        history(f, w, cwd)
        stack_file(f, w)
    R.finish()


main()
