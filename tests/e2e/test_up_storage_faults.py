#!/usr/bin/python3
"""EFS and Parameter Store when things go wrong, against the fake (the stack of
test_up_storage.py):

1. A first `up` that fails once the file system, its mount targets, its access point and
   the parameters exist (CreateService refused): it exits 3, rolls back, and leaves nothing
   of the stack, neither file system (kept or not: this run made it) nor parameter; `down`
   then has nothing to delete.
2. Answers lost after the call happened, once each, for CreateFileSystem,
   CreateAccessPoint, CreateMountTarget and PutParameter: `up` converges with exactly one
   file system, one access point, one mount target per zone and every parameter at its
   first version; a second `up` changes nothing.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402
import test_up_storage as st  # noqa: E402

ONE_TRY = dict(st.ENV, AWS_MAX_ATTEMPTS="1")


def write_stack(work, name, key, cidr):
    with open(os.path.join(work, "server.toml"), "w") as f:
        f.write(st.CONFIG)
    path = os.path.join(work, name + ".yml")
    with open(path, "w") as f:
        f.write(st.stack_text(name, os.path.join(work, "server.toml"), key, cidr=cidr))
    return path


def rollback_of_a_first_up(rep, work):
    name = "dbwrb"
    with sw.Fake() as fake:
        key = st.seed_account(fake)
        path = write_stack(work, name, key, "10.71.0.0/16")
        sw.set_faults(fake, [{"service": "ecs", "operation": "CreateService", "action": "error",
                              "code": "AccessDeniedException",
                              "message": "User: arn:aws:iam::000000000000:user/ci is not authorized to "
                                         "perform: ecs:CreateService"}])
        rc, out, err = sw.run(fake, path, "up", env=ONE_TRY, timeout=240)
        rep.eq(rc, 3, f"the failed up exits 3 ({err.strip()[-600:]})")
        rep.check("service/server: create: AccessDeniedException" in err and "rolled back" in err,
                  f"it names the failure and says it rolled back: {err.strip()[-600:]}")
        rep.check("create  mount_target/state: ok" in out and "create  parameter/config: ok" in out,
                  "the mount targets and the parameters were made before the failure")
        sw.set_faults(fake, [])
        doc = sw.resources(fake)
        fss, mts, aps = st.efs_of(doc, name)
        rep.eq((len(fss), len(mts), len(aps)), (0, 0, 0), "no file system, mount target or access point is left")
        rep.eq(sorted(st.params_of(doc, name)), [], "no parameter of the stack is left")
        rep.eq(sw.inventory(doc, name), {}, "nothing else of the stack is left")
        rc, out, err = sw.run(fake, path, "down", "--yes", "--purge", env=st.ENV)
        rep.eq(rc, 0, f"down after the rollback ({err.strip()[-300:]})")
        rep.check("Nothing to delete" in out or "nothing to delete" in out.lower(),
                  f"down has nothing to delete: {out[-300:]}")


def lost_answers(rep, work):
    name = "dbwlost"
    ops = [("efs", "CreateFileSystem"), ("efs", "CreateAccessPoint"), ("efs", "CreateMountTarget"),
           ("ssm", "PutParameter")]
    with sw.Fake() as fake:
        key = st.seed_account(fake)
        path = write_stack(work, name, key, "10.72.0.0/16")
        sw.set_faults(fake, [{"service": s, "operation": op, "action": "drop", "phase": "after", "count": 1}
                             for s, op in ops])
        rc, out, err = sw.run(fake, path, "up", env=st.ENV, timeout=240)
        rep.eq(rc, 0, f"up with lost answers converges ({err.strip()[-600:]})")
        _, faults = fake.control("GET", "/_fake/faults")
        rep.eq([r.get("applied", 0) for r in faults["rules"]], [1, 1, 1, 1], "each answer was lost once")
        sw.set_faults(fake, [])
        doc = sw.resources(fake)
        fss, mts, aps = st.efs_of(doc, name)
        all_fs = [f for f in doc["efs"]["file_systems"] if f.get("state") != "deleted"]
        rep.eq((len(all_fs), len(fss), len(mts), len(aps)), (1, 1, 2, 1),
               "one file system (tagged or not), one mount target per zone, one access point")
        rep.eq(len(doc["efs"]["access_points"]), 1, "no untagged access point either")
        rep.eq({n: p["version"] for n, p in st.params_of(doc, name).items()},
               {f"/{name}/config": 1, f"/{name}/db-password": 1, f"/{name}/port": 1, f"/{name}/token": 1},
               "every parameter once, at its first version")
        rc, out, err = sw.run(fake, path, "up", env=st.ENV)
        rep.check(rc == 0 and "No changes" in out, f"a second up changes nothing: {out[-300:]} {err[-300:]}")


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    rollback_of_a_first_up(rep, work)
    lost_answers(rep, work)
    rep.finish()


if __name__ == "__main__":
    main()
