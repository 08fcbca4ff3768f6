#!/usr/bin/python3
"""The calls of a fresh `up` (issue 17: "API calls of a fresh up <= 120"): a create records
what AWS accepted, from its answer and what was asked for, and does not read it back.

1. The e2e tests' stack with most kinds (stackworld.STACK_YAML: new VPC with public and
   private subnets and a NAT gateway, secrets, a bucket, a namespace, a load balancer with
   its target group, listener and rule, two services with their roles and log groups, a
   bootstrap step) is deployed from nothing; the fake's call log, counted by operation,
   must hold none of the
   read-backs that used to follow the creates: a role's GetRole, ListRolePolicies,
   ListAttachedRolePolicies, GetRolePolicy; a bucket's GetBucket* (its policy before the
   first statement too) and a DeleteBucketLifecycle on a bucket just made; a
   DescribeLogGroups after CreateLogGroup, DescribeTargetGroups after CreateTargetGroup,
   DescribeRules at all, DescribeLoadBalancers between CreateLoadBalancer and
   CreateListener; DescribeVpcs after CreateVpc, DescribeSubnets after a public subnet's
   create (their own first calls show them visible); DescribeAvailabilityZones after
   discovery read the zones. What has no call of its own to show it visible keeps one
   Describe, as AWS advises (InvalidGroup.NotFound right after CreateSecurityGroup): one
   DescribeSecurityGroups per group, one DescribeSubnets per private subnet, not more.
   Nor what AWS gives a new resource already: a bucket's (and the lock bucket's) public
   access block and SSE-S3 encryption, a VPC's DNS support; the bucket is still private.
   A second `up` has nothing to change.
2. The same stack under another name while EC2 does not see new VPCs, subnets and groups
   for their first two calls (POST /_fake/ec2/unseen, EC2's documented eventual
   consistency): `up` still succeeds without a rollback; the VPC's and the subnets' first
   calls answered NotFound, were waited out with a Describe and made again.
"""
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

# operations that must not appear at all in a fresh up
NEVER = ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
         "iam:GetRolePolicy", "s3:GetBucketTagging", "s3:GetBucketEncryption",
         "s3:GetPublicAccessBlock", "s3:GetBucketCors", "s3:GetBucketPolicy",
         "s3:GetBucketVersioning", "s3:GetBucketLifecycleConfiguration",
         "s3:DeleteBucketLifecycle", "s3:DeleteBucketCors", "elbv2:DescribeRules",
         "ecs:DescribeTaskDefinition",  # the bootstrap's exec reads it only to explain a failure
         "secretsmanager:GetRandomPassword"]  # generated values are made here
# (read, the create after which it must not come)
NOT_AFTER = [("logs:DescribeLogGroups", "logs:CreateLogGroup"),
             ("elbv2:DescribeTargetGroups", "elbv2:CreateTargetGroup"),
             ("ec2:DescribeVpcs", "ec2:CreateVpc"),
             ("ec2:DescribeAvailabilityZones", "ec2:CreateVpc")]


def name_of(c):
    return "%s:%s" % (c["service"], c["operation"])


def deploy(fake, work, name):
    path = os.path.join(work, name + ".yml")
    with open(path, "w") as f:
        f.write(sw.stack_yaml(name))
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "up", timeout=300)
    return path, rc, out, err, fake.calls(seq)


def after(log, op):
    """The calls after the first one of op (none when op was not made)."""
    names = [name_of(c) for c in log]
    return log[names.index(op) + 1:] if op in names else []


def fresh_up_reads_nothing_back(rep, fake, work):
    path, rc, out, err, log = deploy(fake, work, "calls")
    if not rep.check(rc == 0, "a fresh up succeeds (exit %d): %s" % (rc, err.strip()[-600:])):
        return
    counts = collections.Counter(name_of(c) for c in log)
    print("fresh up: %d calls: %s" % (len(log), ", ".join(
        "%s %d" % (op, k) for op, k in sorted(counts.items(), key=lambda x: (-x[1], x[0])))),
        flush=True)
    for op in ("iam:CreateRole", "s3:CreateBucket", "logs:CreateLogGroup", "ec2:CreateVpc",
               "ec2:CreateSubnet", "elbv2:CreateTargetGroup", "elbv2:CreateRule"):
        rep.check(counts[op] > 0, "the stack makes %s (the test sees what it means to)" % op)
    for op in NEVER:
        rep.check(counts[op] == 0, "no %s in a fresh up (got %d)" % (op, counts[op]))
    for op in ("s3:PutPublicAccessBlock", "s3:PutBucketEncryption"):
        rep.check(counts[op] == 0, "no %s: a new bucket has it (got %d)" % (op, counts[op]))
    rep.eq(counts["ec2:ModifyVpcAttribute"], 1, "one ModifyVpcAttribute: DNS hostnames (support is on)")
    vpcs = [v for v in sw.resources(fake)["ec2"]["vpcs"] if v.get("tags", {}).get("ecsdeploy:stack") == "calls"]
    rep.check(len(vpcs) == 1 and vpcs[0].get("dns_support") and vpcs[0].get("dns_hostnames"),
              "the VPC has DNS support and hostnames: %s" % [(v.get("dns_support"), v.get("dns_hostnames")) for v in vpcs])
    buckets = [b for b in sw.resources(fake)["s3"]["buckets"]
               if b["tags"].get("ecsdeploy:stack") == "calls" or b["id"].startswith("ecsdeploy-locks-")]
    rep.check(len(buckets) == 2 and all(b["public_access_block"] for b in buckets),
              "the data and lock buckets block public access: %s"
              % [(b["id"], b["public_access_block"]) for b in buckets])
    for read, create in NOT_AFTER:
        n = sum(1 for c in after(log, create) if name_of(c) == read)
        rep.check(n == 0, "no %s after %s (got %d)" % (read, create, n))
    names = [name_of(c) for c in log]
    if "elbv2:CreateLoadBalancer" in names and "elbv2:CreateListener" in names:
        between = names[names.index("elbv2:CreateLoadBalancer"):names.index("elbv2:CreateListener")]
        rep.check("elbv2:DescribeLoadBalancers" not in between,
                  "no DescribeLoadBalancers between CreateLoadBalancer and CreateListener")
    private = counts["ec2:CreateSubnet"] - counts["ec2:ModifySubnetAttribute"]
    rep.check(private > 0 and counts["ec2:ModifySubnetAttribute"] > 0,
              "the stack has public and private subnets (%d private)" % private)
    for create, look, made in (("ec2:CreateSecurityGroup", "ec2:DescribeSecurityGroups",
                                counts["ec2:CreateSecurityGroup"]),
                               ("ec2:CreateSubnet", "ec2:DescribeSubnets", private)):
        looks = sum(1 for c in after(log, create) if name_of(c) == look)
        rep.check(made > 0 and looks <= made,
                  "one %s at most per resource with no call of its own (%d made, %d looks)"
                  % (look, made, looks))
    rc, out, err = sw.run(fake, path, "up", timeout=300)
    rep.check(rc == 0 and "No changes" in out,
              "a second up has nothing to change (exit %d): %s" % (rc, (out + err)[-600:]))


def unseen_resources_are_waited_for(rep, fake, work):
    status, doc = fake.control("POST", "/_fake/ec2/unseen", {"kinds": ["vpc", "subnet", "sg"], "calls": 2})
    if not rep.check(status == 200, "the fake takes the unseen switch: %s" % doc):
        return
    try:
        _, rc, out, err, log = deploy(fake, work, "unseen")
    finally:
        fake.control("POST", "/_fake/ec2/unseen", {"kinds": [], "calls": 0})
    rep.check(rc == 0, "up succeeds while EC2 does not see new resources at once (exit %d): %s"
              % (rc, err.strip()[-600:]))
    names = [name_of(c) for c in log]
    rep.check("ec2:DeleteVpc" not in names and "rolled back" not in (out + err),
              "no rollback")
    for op, code, wait in (("ec2:ModifyVpcAttribute", "InvalidVpcID.NotFound", "ec2:DescribeVpcs"),
                           ("ec2:ModifySubnetAttribute", "InvalidSubnetID.NotFound", "ec2:DescribeSubnets")):
        refused = [i for i, c in enumerate(log) if name_of(c) == op and c["error"] == code]
        done = [i for i, c in enumerate(log) if name_of(c) == op and not c["error"]]
        looked = [i for i, c in enumerate(log) if name_of(c) == wait and refused and i > refused[0]]
        rep.check(refused and done and looked and looked[0] < done[-1],
                  "%s answered %s, was waited out with %s and made again (%s)"
                  % (op, code, wait, [(name_of(c), c["error"]) for c in log if name_of(c) in (op, wait)]))


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    with sw.Fake("--latency-ms", "0", time_scale=0.01) as fake:
        fresh_up_reads_nothing_back(rep, fake, work)
        unseen_resources_are_waited_for(rep, fake, work)
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
