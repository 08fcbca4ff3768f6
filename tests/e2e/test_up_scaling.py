#!/usr/bin/python3
"""`scaling:` end to end against the fake (Application Auto Scaling): the service's
scalable target, its target tracking policies (CPU, ALB requests per task, memory) and its
scheduled actions, through create, a count changed behind ecsdeploy's back (as autoscaling
does), update, a failed update rolled back, removal from the file, `down`, and a failed
first `up` rolled back.

1. A first `up` whose RegisterScalableTarget, PutScalingPolicy and PutScheduledAction
   answers are lost once each (the call happened, the answer dropped): exit 0, one target
   with the file's range, exactly the file's policies and actions.
2. The service's desired count changed behind ecsdeploy's back: `plan --detailed-exitcode`
   exits 0, `up` has no changes and leaves the count alone; `status` shows the range and
   the current count.
3. A changed range, policy and schedule: `plan` shows them field by field; `up` applies
   them; `plan` then has nothing to do.
4. A change whose PutScalingPolicy is refused: exit 3, rolled back to step 3's state.
5. `scaling:` removed from the file: the target (with its policies and actions) goes.
6. `down` leaves no target; a fresh stack whose first `up` fails at PutScheduledAction
   leaves nothing at all (no target, no policy, nothing of the stack).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2escale"
ONE_TRY = {"AWS_MAX_ATTEMPTS": "1"}
RID = f"service/{STACK}/web"

BASE = """\
stack: {stack}
network: {{ vpc: {{ cidr: 10.63.0.0/16 }}, zones: 2, nat: none }}
load_balancers:
  public: {{ listeners: [ {{ port: 80 }} ] }}
services:
  web:
    image: nginx:1.27
    port: 8080
    desired_count: 2
    load_balancer: {{ name: public }}
{scaling}"""

SCALING = """\
    scaling:
      min: 2
      max: 6
      cpu: 60
      requests: 800
      scale_in_cooldown: 120
      schedule:
        - { name: business-hours, cron: "0 8 ? * MON-FRI *", min: 3, timezone: Europe/Paris }
        - { name: nights, cron: "cron(0 20 ? * MON-FRI *)", min: 2, max: 3, timezone: Europe/Paris }
"""

CHANGED = """\
    scaling:
      min: 2
      max: 8
      cpu: 50
      memory: 70
      scale_in_cooldown: 120
      schedule:
        - { name: business-hours, cron: "0 7 ? * MON-FRI *", min: 4 }
"""

FURTHER = CHANGED.replace("cpu: 50", "cpu: 40").replace("max: 8", "max: 10")


def write(work, name, stack, scaling):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(BASE.format(stack=stack, scaling=scaling))
    return path


def autoscaling(fake, rid=RID):
    """(target {min, max} or None, {policy name: type}, {action name: schedule}) of rid."""
    doc = sw.resources(fake).get("application-autoscaling", {})
    targets = [t for t in doc.get("scalable_targets", []) if t["id"] == rid]
    policies = {p["id"]: p["type"] for p in doc.get("scaling_policies", []) if p["resource"] == rid}
    actions = {a["id"]: a["schedule"] for a in doc.get("scheduled_actions", []) if a["resource"] == rid}
    return (targets[0] if len(targets) == 1 else (targets or None)), policies, actions


def described(fake, rid=RID):
    """The policies and actions as AWS describes them: {name: description}."""
    aas = fake.client("application-autoscaling")
    pols = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=rid)["ScalingPolicies"]
    acts = aas.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=rid)["ScheduledActions"]
    return ({p["PolicyName"]: p["TargetTrackingScalingPolicyConfiguration"] for p in pols},
            {a["ScheduledActionName"]: a for a in acts})


def desired_count(fake, stack=STACK):
    svc = fake.client("ecs").describe_services(cluster=stack, services=["web"])["services"]
    return svc[0]["desiredCount"] if svc else None


def created_through_lost_answers(rep, fake, base):
    sw.set_faults(fake, [{"service": "application-autoscaling", "operation": op, "action": "drop",
                          "phase": "after", "count": 1}
                         for op in ("RegisterScalableTarget", "PutScalingPolicy", "PutScheduledAction")])
    rc, out, err = sw.run(fake, base, "up")
    _, faults = fake.control("GET", "/_fake/faults")
    sw.set_faults(fake, [])
    if not rep.eq(rc, 0, f"the first up, its answers lost once each ({err.strip()[-600:]})"):
        rep.finish()
    rep.check(all(r.get("applied") == 1 for r in (faults or {}).get("rules", [])),
              f"every lost answer happened: {json.dumps(faults)[:400]}")
    target, policies, actions = autoscaling(fake)
    rep.check(isinstance(target, dict) and target["min"] == 2 and target["max"] == 6,
              f"one scalable target 2 to 6: {target}")
    rep.eq(policies, {"ecsdeploy-cpu": "TargetTrackingScaling", "ecsdeploy-requests": "TargetTrackingScaling"},
           "the policies")
    rep.eq(actions, {"business-hours": "cron(0 8 ? * MON-FRI *)", "nights": "cron(0 20 ? * MON-FRI *)"},
           "the scheduled actions")
    pols, acts = described(fake)
    cpu = pols.get("ecsdeploy-cpu", {})
    rep.eq((cpu.get("TargetValue"), cpu.get("ScaleInCooldown"), cpu.get("ScaleOutCooldown"),
            cpu.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType")),
           (60.0, 120, 300, "ECSServiceAverageCPUUtilization"), "the CPU policy")
    req = pols.get("ecsdeploy-requests", {}).get("PredefinedMetricSpecification", {})
    rep.check(req.get("PredefinedMetricType") == "ALBRequestCountPerTarget" and
              "/targetgroup/e2escale-web" in req.get("ResourceLabel", ""),
              f"the requests policy names the ALB and target group: {req}")
    night = acts.get("nights", {})
    rep.eq((night.get("Timezone"), night.get("ScalableTargetAction")),
           ("Europe/Paris", {"MinCapacity": 2, "MaxCapacity": 3}), "the nights action")
    rep.eq(desired_count(fake), 2, "the service starts at the file's count")


def steady(fake, count, stack=STACK):
    """Wait (at most a minute) until the service runs `count` tasks in one deployment."""
    import time
    end = time.time() + 60
    while time.time() < end:
        svc = fake.client("ecs").describe_services(cluster=stack, services=["web"])["services"][0]
        if svc["runningCount"] == count and len(svc["deployments"]) == 1:
            return True
        time.sleep(0.1)
    return False


def resized_behind_our_back(rep, fake, base):
    fake.client("ecs").update_service(cluster=STACK, service="web", desiredCount=5)
    rep.check(steady(fake, 5), "the resized service runs its 5 tasks")
    rc, out, err = sw.run(fake, base, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after autoscaling resized the service ({out.strip()[-400:]})")
    rc, out, err = sw.run(fake, base, "up")
    rep.check(rc == 0 and "No changes" in out, f"up after the resize has no changes: {out.strip()[-300:]}")
    rep.eq(desired_count(fake), 5, "up leaves autoscaling's count alone")
    rc, out, err = sw.run(fake, base, "status", "--output", "json")
    doc = json.loads(out) if rc == 0 else {}
    node = [r for r in doc.get("resources", []) if r.get("kind") == "scaling"]
    rep.check(len(node) == 1 and node[0].get("min") == 2 and node[0].get("max") == 6 and
              node[0].get("current") == 5, f"status shows the range and the count: {node}")
    rc, out, err = sw.run(fake, base, "status")
    rep.check("2 to 6, now 5; cpu 60%, requests 800/task; schedule business-hours, nights" in out,
              f"status in words: {out[-600:]}")


def updated(rep, fake, changed):
    rc, out, err = sw.run(fake, changed, "plan", "--detailed-exitcode")
    rep.eq(rc, 4, "plan sees the scaling change")
    for line in ("update   scaling/web", "max: 6 -> 8", "+ policies[ecsdeploy-memory]",
                 "- policies[ecsdeploy-requests]", "policies[ecsdeploy-cpu].target: 60 -> 50",
                 "- schedule[nights]", 'schedule[business-hours].schedule: cron(0 8 ? * MON-FRI *) -> '
                 'cron(0 7 ? * MON-FRI *)', "- schedule[business-hours].timezone: Europe/Paris"):
        rep.check(line in out, f"plan shows {line!r}: {out[-1500:]}")
    rc, out, err = sw.run(fake, changed, "up")
    rep.eq(rc, 0, f"up applies the change ({err.strip()[-400:]})")
    target, policies, actions = autoscaling(fake)
    rep.check(isinstance(target, dict) and target["max"] == 8, f"the range is 2 to 8: {target}")
    rep.eq(sorted(policies), ["ecsdeploy-cpu", "ecsdeploy-memory"], "the policies after the change")
    pols, acts = described(fake)
    rep.eq(pols.get("ecsdeploy-cpu", {}).get("TargetValue"), 50.0, "the CPU target")
    bh = acts.get("business-hours", {})
    rep.eq((sorted(acts), bh.get("Schedule"), bh.get("Timezone"), bh.get("ScalableTargetAction")),
           (["business-hours"], "cron(0 7 ? * MON-FRI *)", None, {"MinCapacity": 4}),
           "the schedule after the change (the time zone and the max gone with the file's)")
    rc, out, err = sw.run(fake, changed, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after the update ({out.strip()[-600:]})")


def update_rolled_back(rep, fake, further):
    sw.set_faults(fake, [{"service": "application-autoscaling", "operation": "PutScalingPolicy",
                          "action": "error", "code": "AccessDeniedException", "count": 1,
                          "message": "not authorized to perform: application-autoscaling:PutScalingPolicy"}])
    rc, out, err = sw.run(fake, further, "up", env=ONE_TRY)
    sw.set_faults(fake, [])
    rep.eq(rc, 3, f"an update refused by Application Auto Scaling exits 3 ({err.strip()[-600:]})")
    rep.check("scaling/web" in err and "rolled back" in err, f"the message: {err.strip()[-600:]}")
    target, policies, _ = autoscaling(fake)
    rep.check(isinstance(target, dict) and target["max"] == 8, f"the range is back to 2 to 8: {target}")
    pols, _ = described(fake)
    rep.eq(pols.get("ecsdeploy-cpu", {}).get("TargetValue"), 50.0, "the CPU target is back")


def removed(rep, fake, work):
    plain = write(work, "plain.yml", STACK, "")
    rc, out, err = sw.run(fake, plain, "plan", "--detailed-exitcode")
    rep.check(rc == 4 and "delete   scaling/web" in out, f"plan deletes the scaling: {out[-800:]}")
    rep.check("desired_count: 5 -> 2" in out, f"and the file's count is the service's again: {out[-800:]}")
    rc, out, err = sw.run(fake, plain, "up")
    rep.eq(rc, 0, f"up without scaling ({err.strip()[-400:]})")
    rep.eq(autoscaling(fake), (None, {}, {}), "no target, policy or action left")
    rep.eq(desired_count(fake), 2, "the file's count")


def first_up_rolled_back(rep, fake, work):
    stack = "e2escale2"
    path = write(work, "fresh.yml", stack, SCALING)
    sw.set_faults(fake, [{"service": "application-autoscaling", "operation": "PutScheduledAction",
                          "action": "error", "code": "ValidationException",
                          "message": "refused by the test"}])
    rc, out, err = sw.run(fake, path, "up", env=ONE_TRY)
    sw.set_faults(fake, [])
    rep.eq(rc, 3, f"a first up failing at a scheduled action exits 3 ({err.strip()[-600:]})")
    rep.eq(autoscaling(fake, f"service/{stack}/web"), (None, {}, {}), "the rollback deregistered the target")
    left = sw.inventory(sw.resources(fake), stack)
    left.pop("ecs.taskDefinitions", None)  # deregistered revisions stay listed (INACTIVE) in AWS
    rep.eq(left, {}, "nothing of the stack is left")


def main():
    rep = sw.Report()
    import tempfile
    work = tempfile.mkdtemp()
    base = write(work, "base.yml", STACK, SCALING)
    changed = write(work, "changed.yml", STACK, CHANGED)
    further = write(work, "further.yml", STACK, FURTHER)
    with sw.Fake() as fake:
        created_through_lost_answers(rep, fake, base)
        resized_behind_our_back(rep, fake, base)
        updated(rep, fake, changed)
        update_rolled_back(rep, fake, further)
        removed(rep, fake, work)
        rc, out, err = sw.run(fake, changed, "up")
        rep.eq(rc, 0, f"scaling again ({err.strip()[-300:]})")
        rc, out, err = sw.run(fake, changed, "down", "--yes")
        rep.eq(rc, 0, f"down ({err.strip()[-300:]})")
        rep.eq(autoscaling(fake), (None, {}, {}), "down deregisters the target")
        first_up_rolled_back(rep, fake, work)
    rep.finish()


if __name__ == "__main__":
    main()
