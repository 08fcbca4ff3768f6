#!/usr/bin/python3
"""The stack's record (lock.h, lock_record_kinds): discovery looks only for the kinds of
resource the stack file names and those the stack's mark (STACK.last-run in the lock
bucket) says the stack may have.

1. A first `up` (no lock bucket in the account and region yet) looks for none of the kinds
   the file does not name (no OIDC provider, database, distribution, file system, NAT gateway
   listing), and makes the lock bucket before its lock's first write (which would only be
   refused); its mark lists the kinds it has. A second `up` reads no more and has nothing to
   change.
2. The bucket leaves the file: the next `up` still finds it (the mark names buckets) and
   deletes it; its mark no longer names buckets, and from then on they are not listed.
3. What the record cannot vouch for makes discovery look for every kind: a mark without a
   list (an older version's, or another command's), and a lock beside the mark (a run
   under way, or killed). A resource of a kind the file no longer names, made by such a
   run, is found and deleted.
4. A `down` that finishes but keeps a secret leaves a mark naming secrets (and the lock
   bucket); `down --purge` leaves neither.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2erec"
BASE = """\
stack: e2erec
secrets:
  api-key: { generate: { length: 20 } }
services:
  web: { image: "nginx:1.27", cpu: 256, memory: 512 }
"""
BUCKET = """\
buckets:
  data: { keep: false }
"""
# operations only the discovery of a kind canardstack-like files lack makes
ABSENT = ["iam:ListOpenIDConnectProviders", "rds:DescribeDBInstances", "cloudfront:ListDistributions",
          "efs:DescribeFileSystems", "ec2:DescribeNatGateways", "acm:ListCertificates"]


def ops(fake, seq):
    return ["%s:%s" % (c["service"], c["operation"]) for c in fake.calls(seq)]


def lock_bucket(fake):
    return [b for b in sw.resources(fake)["s3"]["buckets"] if b["id"].startswith("ecsdeploy-locks-")]


def mark(fake):
    """The mark's JSON, or None when there is none."""
    for b in lock_bucket(fake):
        if f"{STACK}.last-run" in b["keys"]:
            body = fake.client("s3").get_object(Bucket=b["id"], Key=f"{STACK}.last-run")["Body"].read()
            return json.loads(body)
    return None


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def first_up_looks_only_for_its_kinds(rep, fake, path):
    write(path, BASE + BUCKET)
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"a first up ({err.strip()[-400:]})")
    names = ops(fake, seq)
    rep.eq([op for op in ABSENT if op in names], [], "it looks for no kind the file does not name")
    rep.check("s3:ListBuckets" in names and "secretsmanager:ListSecrets" in names,
              "it looks for the kinds the file names")
    refused = [c["error"] for c in fake.calls(seq) if c["operation"] == "PutObject" and c["error"]]
    rep.eq(refused, [], "the lock bucket it found missing is made before the lock's first write")
    m = mark(fake) or {}
    rep.check({"bucket", "secret", "service", "role"} <= set(m.get("kinds") or []),
              f"its mark lists the stack's kinds: {m.get('kinds')}")
    rep.check("nat" not in (m.get("kinds") or []), "and not the others")
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "up")
    rep.check(rc == 0 and "No changes" in out, f"a second up has nothing to change ({(out + err)[-300:]})")
    rep.eq([op for op in ABSENT if op in ops(fake, seq)], [], "nor looks for more")


def bucket_leaves_the_file(rep, fake, path):
    write(path, BASE)
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"up without the bucket ({err.strip()[-400:]})")
    rep.check("bucket/data" not in sw.inventory(sw.resources(fake), STACK),
              "the bucket the file dropped is found and deleted")
    rep.check("bucket" not in (mark(fake) or {}).get("kinds", ["bucket"]),
              "the mark no longer names buckets: the one there was is gone")
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "plan")
    rep.eq(rc, 0, "plan")
    rep.check("s3:ListBuckets" not in ops(fake, seq), "from then on buckets are not listed")


def unvouched_records_read_everything(rep, fake, path):
    s3 = fake.client("s3")
    bucket = lock_bucket(fake)[0]["id"]
    old = json.dumps({"stack": STACK, "command": "up", "run": "0", "ended": "2026-01-01T00:00:00Z"})
    s3.put_object(Bucket=bucket, Key=f"{STACK}.last-run", Body=old.encode())
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "plan")
    rep.eq(rc, 0, "plan with an older mark")
    rep.eq([op for op in ABSENT if op not in ops(fake, seq)], [], "a mark without a list: every kind is looked for")
    # a run under way (or killed) beside a mark naming only the file's kinds: it may have
    # made anything, here a bucket the file does not name
    kinds = ["secret", "service", "role", "log_group", "cluster", "task_def", "sg", "vpc", "subnet"]
    s3.put_object(Bucket=bucket, Key=f"{STACK}.last-run", Body=json.dumps(
        {"stack": STACK, "command": "up", "run": "1", "ended": "2026-01-01T00:00:00Z", "kinds": kinds}).encode())
    write(path + ".with", BASE + BUCKET)
    rc, out, err = sw.run(fake, path + ".with", "up")
    rep.eq(rc, 0, f"the bucket made again by another file ({err.strip()[-300:]})")
    s3.put_object(Bucket=bucket, Key=f"{STACK}.last-run", Body=json.dumps(
        {"stack": STACK, "command": "up", "run": "1", "ended": "2026-01-01T00:00:00Z", "kinds": kinds}).encode())
    s3.put_object(Bucket=bucket, Key=f"{STACK}.lock", Body=b'{"stack": "e2erec", "run": "2"}')
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "plan")
    rep.eq(rc, 0, "plan beside a lock")
    rep.check("s3:ListBuckets" in ops(fake, seq) and "iam:ListOpenIDConnectProviders" in ops(fake, seq),
              "a lock beside the mark: every kind is looked for")
    rep.check("bucket/data" in out and "delete" in out.lower(), f"the bucket is found, to delete: {out[-600:]}")
    s3.delete_object(Bucket=bucket, Key=f"{STACK}.lock")
    s3.put_object(Bucket=bucket, Key=f"{STACK}.last-run", Body=json.dumps(
        {"stack": STACK, "command": "up", "run": "1", "ended": "2026-01-01T00:00:00Z", "kinds": kinds}).encode())
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "plan")
    rep.check(rc == 0 and "s3:ListBuckets" not in ops(fake, seq),
              "without the lock the mark is trusted (the test's check that the lock made the difference)")
    s3.put_object(Bucket=bucket, Key=f"{STACK}.last-run", Body=old.encode())
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"up reads everything and deletes the bucket ({err.strip()[-300:]})")
    rep.check("bucket/data" not in sw.inventory(sw.resources(fake), STACK), "the bucket is gone")


def down_keeps_what_it_kept(rep, fake, path):
    rc, out, err = sw.run(fake, path, "down", "--yes")
    rep.eq(rc, 0, f"down ({err.strip()[-300:]})")
    inv = sw.inventory(sw.resources(fake), STACK)
    rep.check(f"{STACK}/api-key" in inv.get("secretsmanager.secrets", []), f"it keeps the secret: {inv}")
    rep.eq((mark(fake) or {}).get("kinds"), ["secret"], "its mark names what it kept")
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge")
    rep.eq(rc, 0, f"down --purge ({err.strip()[-300:]})")
    rep.eq(sw.inventory(sw.resources(fake), STACK), {}, "nothing of the stack is left")
    rep.eq(lock_bucket(fake), [], "nor the mark, nor the lock bucket")


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    path = os.path.join(work, "stack.yml")
    with sw.Fake("--latency-ms", "0", time_scale=0.01) as fake:
        first_up_looks_only_for_its_kinds(rep, fake, path)
        bucket_leaves_the_file(rep, fake, path)
        unvouched_records_read_everything(rep, fake, path)
        down_keeps_what_it_kept(rep, fake, path)
    rep.finish()


if __name__ == "__main__":
    main()
