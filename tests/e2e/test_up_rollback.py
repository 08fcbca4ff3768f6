"""A failure in the middle of `up` (a listener refused by a fault rule of the fake): the run
exits 3 naming the failure, and the account is as before — checked through
GET /_fake/resources against a snapshot, and by `plan` finding nothing to do.

1. An existing stack, then a change that adds a load balancer, a service, a secret and
   more, and moves a service to a new image; CreateListener is refused (after a delay, so
   the service update has happened when it fails). What the run created is gone; the
   service is back on its previous task definition. The revision the run registered
   cannot disappear at once in AWS: it is deregistered (INACTIVE), which is what the test
   accepts.
2. The same with --no-rollback: exit 1 (README: nothing was rolled back), everything left
   in place for inspection; without the fault the next `up` converges.
3. A first `up` of a fresh stack failing at its listener rule: nothing of the stack is left
   (deregistered task definitions and deleted NAT gateways, which AWS keeps listing for a
   while, are not counted), and `down` then has nothing to delete.
4. A rollback that itself fails (log groups that cannot be deleted): exit 1, what is left
   listed; then `up` converges and `down` removes everything.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2erb"
# One attempt per call: the fault is a 500 the runtime would otherwise retry.
ONE_TRY = {"AWS_MAX_ATTEMPTS": "1"}
DENIED = ("User: arn:aws:iam::000000000000:user/ci is not authorized to perform: "
          "elasticloadbalancing:{op}")


def refuse(fake, op, delay_ms=0):
    rules = []
    if delay_ms:
        rules.append({"service": "elbv2", "operation": op, "action": "latency", "latency_ms": delay_ms})
    rules.append({"service": "elbv2", "operation": op, "action": "error", "code": "AccessDenied",
                  "message": DENIED.format(op=op)})
    sw.set_faults(fake, rules)


def existing_stack(rep, fake, base, changed):
    rc, out, err = sw.run(fake, base, "up")
    if not rep.eq(rc, 0, f"the first up ({err.strip()[-500:]})"):
        rep.finish()
    before_doc = sw.resources(fake)
    before = sw.inventory(before_doc, STACK)
    before_services = sw.services_of(before_doc, STACK)

    refuse(fake, "CreateListener", delay_ms=2500)
    rc, out, err = sw.run(fake, changed, "up", env=ONE_TRY)
    rep.eq(rc, 3, f"up with a refused listener exits 3 ({err.strip()[-800:]})")
    rep.check("up failed: listener/admin-80: create: AccessDenied" in err,
              f"the message names the failure: {err.strip()[-800:]}")
    rep.check("not authorized to perform: elasticloadbalancing:CreateListener" in err,
              "the message has AWS's words")
    rep.check("rolled back" in err, f"the message says it rolled back: {err.strip()[-300:]}")
    for node in ("service/app", "task_def/app", "log_group/app", "bucket/data", "target_group/app",
                 "sg_rules/catalog"):
        # finished when the listener failed, so their restore is tested
        rep.check(f"update  {node}: ok" in out and f"update  {node}: ok rolled back" in out,
                  f"{node} was updated, then restored: {out[-3000:]}")
    sw.set_faults(fake, [])

    after_doc = sw.resources(fake)
    d = sw.diff(sw.inventory(after_doc, STACK), before)
    rep.check(not d, f"after the rollback the account differs from before:\n{d}")
    rep.eq(sw.services_of(after_doc, STACK), before_services,
           "every service is back on the task definition it had")
    tds = sw.task_defs_of(after_doc, STACK)
    new_revisions = {k: v for k, v in tds.items() if k.startswith(f"{STACK}-app:") and k != "e2erb-app:1"}
    # AWS keeps a deregistered revision (INACTIVE) for a while; that is all that may remain.
    rep.check(all(v == "INACTIVE" for v in new_revisions.values()),
              f"the revision the run registered is deregistered: {tds}")
    if new_revisions and all(v == "INACTIVE" for v in new_revisions.values()):
        print(f"note: AWS keeps deregistered revisions: {sorted(new_revisions)} are INACTIVE")
    rc, out, err = sw.run(fake, base, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan of the first stack file finds nothing to do after the rollback: {out.strip()[-1500:]}")

    # --no-rollback: exit 1, everything left for inspection.
    refuse(fake, "CreateListener", delay_ms=2500)
    rc, out, err = sw.run(fake, changed, "up", "--no-rollback", env=ONE_TRY)
    rep.eq(rc, 1, f"up --no-rollback with a refused listener exits 1 ({err.strip()[-500:]})")
    rep.check("up failed: listener/admin-80: create: AccessDenied" in err, "--no-rollback names the failure")
    rep.check("nothing was rolled back" in err, f"--no-rollback says nothing was rolled back: {err.strip()[-300:]}")
    sw.set_faults(fake, [])
    left_doc = sw.resources(fake)
    left = sw.inventory(left_doc, STACK)
    for kind, name in (("elbv2.load_balancers", "e2erb-admin"), ("elbv2.target_groups", "e2erb-admin"),
                       ("ec2.security_groups", "sg/admin"), ("secretsmanager.secrets", "e2erb/extra"),
                       ("logs.log_groups", "/ecsdeploy/e2erb/admin")):
        rep.check(name in left.get(kind, []), f"--no-rollback left {kind} {name} in place: {left.get(kind)}")
    rep.check("HTTP:80" in left.get("elbv2.listeners", []) and len(left.get("elbv2.listeners", [])) == 1,
              f"only the first load balancer has a listener: {left.get('elbv2.listeners')}")
    rep.check(sw.services_of(left_doc, STACK).get("app") != before_services.get("app"),
              "--no-rollback left the service on its new revision")
    sw.converge_and_down(rep, fake, changed, STACK, "without the fault, after --no-rollback")


def fresh_stack(rep, fake, base):
    refuse(fake, "CreateRule", delay_ms=500)
    rc, out, err = sw.run(fake, base, "up", env=ONE_TRY)
    sw.set_faults(fake, [])
    rep.eq(rc, 3, f"a first up with a refused rule exits 3 ({err.strip()[-800:]})")
    rep.check("listener_rule/app-80: create: AccessDenied" in err, f"the message names the rule: {err.strip()[-500:]}")
    doc = sw.resources(fake)
    rep.eq(sw.inventory(doc, STACK), {}, "nothing of the fresh stack is left after the rollback")
    tds = sw.task_defs_of(doc, STACK)
    rep.check(all(v == "INACTIVE" for v in tds.values()), f"its task definitions are deregistered: {tds}")
    rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"down after the rolled-back first up ({err.strip()[-300:]})")
    rep.check("Nothing to delete" in out, f"down finds nothing to delete: {out.strip()[-600:]}")
    # A resource made by its first call whose next one is refused (a log group's retention,
    # a role's managed policy, a bucket setting, a target group's attributes) is deleted too.
    for svc, op, node in (("logs", "PutRetentionPolicy", "log_group/"), ("iam", "AttachRolePolicy", "role/"),
                          ("s3", "PutBucketTagging", "bucket/data"),
                          ("elbv2", "ModifyTargetGroupAttributes", "target_group/app")):
        sw.set_faults(fake, [{"service": svc, "operation": op, "action": "error", "code": "AccessDenied",
                              "message": f"not authorized to perform: {op}"}])
        rc, out, err = sw.run(fake, base, "up", env=ONE_TRY)
        sw.set_faults(fake, [])
        rep.eq(rc, 3, f"a first up with {op} refused exits 3 ({err.strip()[-600:]})")
        rep.check(f": create: AccessDenied" in err and node in err, f"the failure names {node}: {err.strip()[-300:]}")
        rep.eq(sw.inventory(sw.resources(fake), STACK), {}, f"nothing is left after {op} was refused")
    rc, out, err = sw.run(fake, base, "up")
    rep.eq(rc, 0, f"without the fault the first up succeeds ({err.strip()[-300:]})")
    rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
    rep.eq(rc, 0, "down")
    rep.eq(sw.inventory(sw.resources(fake), STACK), {}, "nothing left")


def rollback_fails(rep, fake, base):
    """The rollback itself fails (a log group cannot be deleted): exit 1, listing what is left."""
    sw.set_faults(fake, [
        {"service": "elbv2", "operation": "CreateRule", "action": "error", "code": "AccessDenied",
         "message": DENIED.format(op="CreateRule")},
        {"service": "logs", "operation": "DeleteLogGroup", "action": "error", "code": "AccessDeniedException",
         "message": "User: arn:aws:iam::000000000000:user/ci is not authorized to perform: logs:DeleteLogGroup"}])
    rc, out, err = sw.run(fake, base, "up", env=ONE_TRY)
    sw.set_faults(fake, [])
    tag = "a rollback that fails"
    rep.eq(rc, 1, f"{tag}: exit status ({err.strip()[-800:]})")
    rep.check("up failed: listener_rule/app-80: create: AccessDenied" in err, f"{tag}: names the failure")
    rep.check("the rollback failed; left behind:" in err and "/ecsdeploy/e2erb/app" in err
              and "/ecsdeploy/e2erb/catalog" in err, f"{tag}: lists what is left: {err.strip()[-800:]}")
    left = sw.inventory(sw.resources(fake), STACK)
    rep.eq(left, {"logs.log_groups": ["/ecsdeploy/e2erb/app", "/ecsdeploy/e2erb/catalog"]},
           f"{tag}: only the log groups are left")
    rc, out, err = sw.run(fake, base, "up")
    rep.eq(rc, 0, f"{tag}: then up converges ({err.strip()[-300:]})")
    rc, out, err = sw.run(fake, base, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"{tag}: down")
    rep.eq(sw.inventory(sw.resources(fake), STACK), {}, f"{tag}: nothing left after down")


def main():
    rep = sw.Report()
    base, changed = sw.write_stacks(STACK)
    with sw.Fake() as fake:
        existing_stack(rep, fake, base, changed)
        fresh_stack(rep, fake, base)
        rollback_fails(rep, fake, base)
    rep.finish()


if __name__ == "__main__":
    main()
