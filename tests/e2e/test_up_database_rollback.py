#!/usr/bin/python3
"""A database in a first `up` that fails, and a database the file does not keep:

1. A first `up` whose service never starts (its image crashes): the run rolls back and
   exits 3; the database it made goes (deletion protection, on by default, is turned off
   first; no final snapshot: this run made it and nothing is in it), with its subnet group
   and security group: nothing of the stack is left, not even a snapshot.
2. Ctrl-C while the database is still "creating" (deletion protection off): the rollback
   deletes it while it is being created, and nothing is left.
3. keep: false, final_snapshot: false: `down` without --purge deletes the database and
   leaves no snapshot.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from db_world import ECSDEPLOY, Fake, Report, world  # noqa: E402

R = Report()

STACK = """\
stack: {name}
network:
  vpc: {{ cidr: 10.71.0.0/16 }}
  zones: 2
databases:
  main: {{ engine: mysql, version: "8.0"{extra} }}
services:
  web:
    image: {image}
    port: 8080
    databases:
      main: {{ host: DB_HOST, password: DB_PASSWORD }}
"""


def stack_text(name, image="nginx:1.27", extra=""):
    return STACK.format(name=name, image=image, extra=extra)


def left_of(w, name):
    """What the stack still owns in the fake, by kind (deregistered task definitions and
    deleted NAT gateways, which AWS keeps listing for a while, are not counted)."""
    left = {}
    for service, kinds in w.resources().items():
        if not isinstance(kinds, dict):
            continue
        for kind, items in kinds.items():
            if not isinstance(items, list):
                continue
            for x in items:
                if not isinstance(x, dict) or x.get("status") in ("INACTIVE", "deleted"):
                    continue
                tags = x.get("tags") or {}
                if isinstance(tags, dict) and tags.get("ecsdeploy:stack") == name:
                    left.setdefault(f"{service}.{kind}", []).append(x.get("id") or x.get("arn"))
    return left


def rds_empty(w, what):
    rds = w.rds()
    R.eq((rds["db_instances"], rds["db_subnet_groups"], rds["db_snapshots"]), ([], [], []),
         "%s: no instance, subnet group or snapshot left" % what)


def failed_first_up(w):
    stack = w.stack("bad", stack_text("bad", image="nginx:crashloop"))
    rc, out, err = w.run(stack, "up", "--yes", "--timeout", "2m")
    R.eq(rc, 3, "a first up whose service crashes rolls back (%s)" % err[-600:])
    rds_empty(w, "rolled back")
    R.eq(left_of(w, "bad"), {}, "nothing of the stack is left")


def interrupted_while_creating(w):
    stack = w.stack("int", stack_text("int", extra=", deletion_protection: false"))
    proc = subprocess.Popen([ECSDEPLOY, "-f", stack, "up", "--yes", "--output", "json"], env=w.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    creating = False
    for _ in range(600):
        inst = w.rds()["db_instances"]
        if inst and inst[0]["status"] == "creating":
            creating = True
            break
        time.sleep(0.01)
    R.check(creating, "the database was seen creating")
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    w.outputs.append(("up (interrupted)", out + err))
    R.eq(proc.returncode, 3, "interrupted while the database is created: rolled back (%s)" % err[-400:])
    deleted_while_creating = any(json.loads(line).get("id") == "database/main" and
                                 json.loads(line).get("action") == "delete"
                                 for line in out.splitlines() if line.startswith("{"))
    R.check(deleted_while_creating, "the rollback deleted the database: " + out[-800:])
    rds_empty(w, "interrupted")
    R.eq(left_of(w, "int"), {}, "nothing of the interrupted stack is left")


def not_kept(w):
    stack = w.stack("tmp", stack_text("tmp", extra=", keep: false, final_snapshot: false, "
                                                   "deletion_protection: false"))
    rc, out, err = w.run(stack, "up", "--yes")
    R.check(rc == 0, "up of a database not kept: " + err[-400:])
    R.eq(len(w.rds()["db_instances"]), 1, "its database exists")
    rc, out, err = w.run(stack, "down", "--yes")
    R.check(rc == 0 and "Kept" not in out, "down deletes a database with keep: false: " + out[-400:])
    rds_empty(w, "keep: false, final_snapshot: false")
    R.eq(left_of(w, "tmp"), {}, "nothing of that stack is left")


def main():
    work = tempfile.mkdtemp()
    with Fake("--latency-ms", "0", time_scale=0.01) as fake:
        w = world(fake, work)
        failed_first_up(w)
        interrupted_while_creating(w)
        not_kept(w)
    R.finish()


if __name__ == "__main__":
    main()
