#!/usr/bin/python3
"""IAM as the fake enforces it (fakeaws/authz/, services/sts.py, services/iam.py):
- the evaluation of identity policies (actions and resources with wildcards, conditions
  with their operators, IfExists, ForAllValues, negated operators, explicit Deny);
- a role session's calls judged before they run, refused with each protocol's code
  (UnauthorizedOperation, AccessDeniedException, AccessDenied), naming action and resource;
  iam:PassRole implied by a task definition's roles; the calls' requests in the call log and
  POST /_fake/iam/simulate judging them for another role;
- AssumeRoleWithWebIdentity: a token the fake signed (control request), unexpired, of a
  provider of the account, for one of its audiences, let in by the trust policy's
  conditions on the token's claims; the unsigned call routed by its Action;
- IAM's limits: 10,240 characters of inline policy per role, 6,144 per managed policy,
  5 versions (ListPolicyVersions newest first), policy names unique in the account,
  ListPolicies under a path."""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")
from fakelib import Fake, Report  # noqa: E402
from fakeaws.authz import policy  # noqa: E402

GITHUB = "token.actions.githubusercontent.com"
ACCOUNT = "000000000000"


def evaluation(r):
    def doc(*sts):
        return {"Version": "2012-10-17", "Statement": list(sts)}
    allow_s3 = {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::site-?/*"}
    r.eq(policy.decide([doc(allow_s3)], "s3:GetObject", "arn:aws:s3:::site-a/x/y", {}), "allow", "wildcards")
    r.eq(policy.decide([doc(allow_s3)], "S3:getobject", "arn:aws:s3:::site-a/x", {}), "allow",
         "actions without case")
    r.eq(policy.decide([doc(allow_s3)], "s3:GetObject", "arn:aws:s3:::site-ab/x", {}), "implicit",
         "? is one character")
    r.eq(policy.decide([doc(allow_s3)], "s3:PutObject", "arn:aws:s3:::site-a/x", {}), "implicit",
         "another action")
    deny = {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::site-a/secret/*"}
    r.eq(policy.decide([doc(allow_s3), doc(deny)], "s3:GetObject", "arn:aws:s3:::site-a/secret/k", {}), "deny",
         "an explicit Deny wins")
    tagged = {"Effect": "Allow", "Action": "ec2:DeleteVpc", "Resource": "*",
              "Condition": {"StringEquals": {"aws:ResourceTag/ecsdeploy:stack": "shop"}}}
    r.eq(policy.decide([doc(tagged)], "ec2:DeleteVpc", "arn:aws:ec2:us-east-1:1:vpc/vpc-1",
                       {"aws:resourcetag/ecsdeploy:stack": ["shop"]}), "allow", "condition keys without case")
    r.eq(policy.decide([doc(tagged)], "ec2:DeleteVpc", "x", {"aws:ResourceTag/ecsdeploy:stack": ["Shop"]}),
         "implicit", "condition values with case")
    r.eq(policy.decide([doc(tagged)], "ec2:DeleteVpc", "x", {}), "implicit", "a missing key fails")
    exists = {"Effect": "Allow", "Action": "*", "Resource": "*",
              "Condition": {"StringEqualsIfExists": {"aws:RequestTag/team": "web"}}}
    r.eq(policy.decide([doc(exists)], "a:b", "x", {}), "allow", "IfExists holds without the key")
    negated = {"Effect": "Allow", "Action": "*", "Resource": "*",
               "Condition": {"StringNotEquals": {"aws:RequestTag/team": "ops"}}}
    r.eq(policy.decide([doc(negated)], "a:b", "x", {}), "allow", "a negated operator holds without the key")
    r.eq(policy.decide([doc(negated)], "a:b", "x", {"aws:RequestTag/team": ["ops"]}), "implicit", "negated")
    keys = {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}}
    r.eq(policy.decide([doc(keys)], "a:b", "x", {"aws:TagKeys": ["a"]}), "allow", "ForAllValues: a subset")
    r.eq(policy.decide([doc(keys)], "a:b", "x", {"aws:TagKeys": ["a", "c"]}), "implicit", "ForAllValues: not")
    like = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*",
            "Condition": {"StringLike": {f"{GITHUB}:sub": ["repo:acme/shop:ref:refs/heads/release/*"]}}}
    r.eq(policy.decide([doc(like)], "sts:AssumeRoleWithWebIdentity", "x",
                       {f"{GITHUB}:sub": ["repo:acme/shop:ref:refs/heads/release/1.2"]}), "allow", "StringLike")
    arn = {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*",
           "Condition": {"ArnLike": {"iam:PolicyARN": "arn:aws:iam::aws:policy/service-role/*"}}}
    r.eq(policy.decide([doc(arn)], "iam:AttachRolePolicy", "x",
                       {"iam:PolicyARN": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]}),
         "allow", "ArnLike")
    r.eq(policy.decide([doc(arn)], "iam:AttachRolePolicy", "x",
                       {"iam:PolicyARN": ["arn:aws:iam::aws:policy/AdministratorAccess"]}), "implicit", "ArnLike, not")
    var = {"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"StringEquals": {"aws:username": "${aws:username}"}}}
    r.eq(policy.decide([doc(var)], "a:b", "x", {"aws:username": ["${aws:username}"]}), "implicit",
         "policy variables are not modelled: never applies")
    r.eq(policy.decide([doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})], "iam:CreateRole", "x", {}),
         "implicit", "NotAction")


def role_with(iam, name, statements, trust=None):
    trust = trust or {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))


def assume(fake, arn, session="tt"):
    sts = fake.client("sts")
    deadline = time.time() + 10
    while True:
        try:
            c = sts.assume_role(RoleArn=arn, RoleSessionName=session)["Credentials"]
            return c
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.05)


def enforcement(r, fake):
    iam, ec2, s3 = fake.client("iam"), fake.client("ec2"), fake.client("s3")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "ecsdeploy:stack", "Value": "shop"}]}])["Vpc"]["VpcId"]
    other = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    s3.create_bucket(Bucket="shop-data")
    s3.create_bucket(Bucket="other-data")
    role_with(iam, "deployer", [
        {"Effect": "Allow", "Action": ["ec2:DescribeVpcs"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ec2:ModifyVpcAttribute"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/ecsdeploy:stack": "shop"}}},
        {"Effect": "Allow", "Action": ["ec2:CreateVpc"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/ecsdeploy:stack": "shop"}}},
        {"Effect": "Allow", "Action": ["ec2:CreateTags"], "Resource": "*",
         "Condition": {"StringEquals": {"ec2:CreateAction": "CreateVpc"}}},
        {"Effect": "Allow", "Action": ["s3:GetBucketPolicy", "s3:ListBucket"], "Resource": "arn:aws:s3:::shop-*"},
        {"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition", "logs:DescribeLogGroups"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/app-*",
         "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}])
    role_with(iam, "app-task", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
              trust={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
                  "Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    role_with(iam, "other-task", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
              trust={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
                  "Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    c = assume(fake, f"arn:aws:iam::{ACCOUNT}:role/deployer")
    as_role = {"key": c["AccessKeyId"], "secret": c["SecretAccessKey"], "token": c["SessionToken"]}
    rec2, rs3, recs, rlogs = (fake.client(s, **as_role) for s in ("ec2", "s3", "ecs", "logs"))
    r.check(rec2.describe_vpcs()["Vpcs"], "an allowed read")
    rec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    r.check(True, "a change of a resource tagged as the condition asks")
    r.error_code(lambda: rec2.modify_vpc_attribute(VpcId=other, EnableDnsHostnames={"Value": True}),
                 "UnauthorizedOperation", "EC2 refuses another resource")
    try:
        rec2.modify_vpc_attribute(VpcId=other, EnableDnsHostnames={"Value": True})
    except Exception as e:
        r.check(f"ec2:ModifyVpcAttribute on resource: arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/{other}" in str(e)
                and "assumed-role/deployer/tt" in str(e), f"the refusal names action, resource, caller: {e}")
    r.error_code(lambda: rec2.create_vpc(CidrBlock="10.7.0.0/16"), "UnauthorizedOperation",
                 "a create without the request tag")
    made = rec2.create_vpc(CidrBlock="10.7.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "ecsdeploy:stack", "Value": "shop"}]}])
    r.check(made["Vpc"]["VpcId"].startswith("vpc-"), "a create with the tag and ec2:CreateTags for CreateVpc")
    r.error_code(lambda: rs3.get_bucket_policy(Bucket="shop-data"), "NoSuchBucketPolicy",
                 "allowed, then S3's own answer")
    r.error_code(lambda: rs3.get_bucket_policy(Bucket="other-data"), "AccessDenied", "S3 refuses another bucket")
    r.error_code(lambda: rs3.put_bucket_policy(Bucket="shop-data", Policy="{}"), "AccessDenied",
                 "S3 refuses an action not granted")
    r.error_code(lambda: rlogs.create_log_group(logGroupName="/x"), "AccessDeniedException",
                 "a JSON service's code")
    td = dict(family="app", containerDefinitions=[{"name": "app", "image": "nginx"}])
    recs.register_task_definition(taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/app-task", **td)
    r.check(True, "iam:PassRole of the task role to ecs-tasks")
    r.error_code(lambda: recs.register_task_definition(taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/other-task", **td),
                 "AccessDeniedException", "iam:PassRole of another role refused")
    r.check(fake.client("sts", **as_role).get_caller_identity()["Arn"].endswith("assumed-role/deployer/tt"),
            "GetCallerIdentity needs no permission")
    # every call is in the log with what IAM judged; simulate judges them for a role
    calls = fake.control("GET", "/_fake/calls")[1]["calls"]
    mod = [c for c in calls if c.get("operation") == "ModifyVpcAttribute"][-1]
    r.eq(mod["authz"]["requests"][0][:2], ["ec2:ModifyVpcAttribute", f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/{other}"],
         "the call log holds the request IAM judged")
    seq = calls[-1]["seq"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=other, EnableDnsSupport={"Value": True})
    s3.get_bucket_location(Bucket="other-data")
    st, out = fake.control("POST", "/_fake/iam/simulate", {"role": "deployer", "since": seq})
    r.eq((st, out["calls"], [d["call"] for d in out["denied"]]),
         (200, 3, ["ec2:ModifyVpcAttribute", "s3:GetBucketLocation"]), f"simulate: {out}")
    r.eq(fake.control("POST", "/_fake/iam/simulate", {"role": "nobody"})[0], 404, "simulate an unknown role")


def web_identity(r, fake):
    iam = fake.client("iam")
    # ThumbprintList: optional for IAM today, required by older models of botocore
    provider = iam.create_open_id_connect_provider(Url=f"https://{GITHUB}", ClientIDList=["sts.amazonaws.com"],
                                                   ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                      "StringLike": {f"{GITHUB}:sub": ["repo:acme/shop:ref:refs/heads/main",
                                                         "repo:acme/shop:environment:production"]}}}]}
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument=json.dumps(trust))
    import botocore.session
    from botocore import UNSIGNED
    from botocore.config import Config
    sts = botocore.session.get_session().create_client(
        "sts", region_name="us-east-1", endpoint_url=fake.url, config=Config(signature_version=UNSIGNED))

    def token(**claims):
        base = {"iss": f"https://{GITHUB}", "sub": "repo:acme/shop:ref:refs/heads/main", "aud": "sts.amazonaws.com"}
        base.update(claims)
        return fake.control("POST", "/_fake/sts/web-identity-token", base)[1]["token"]

    def call(tok):
        return sts.assume_role_with_web_identity(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/ci", RoleSessionName="gha",
                                                 WebIdentityToken=tok)
    deadline = time.time() + 10
    while True:         # a new role is assumable after a moment (eventual consistency)
        try:
            out = call(token())
            break
        except Exception as e:
            if time.time() > deadline or "AccessDenied" not in str(e):
                raise
            time.sleep(0.05)
    r.eq((out["AssumedRoleUser"]["Arn"], out["SubjectFromWebIdentityToken"], out["Provider"]),
         (f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/gha", "repo:acme/shop:ref:refs/heads/main", provider),
         "the main branch's workflow assumes the role (unsigned call routed by its Action)")
    r.check(call(token(sub="repo:acme/shop:environment:production"))["Credentials"], "an environment's job too")
    r.error_code(lambda: call(token(sub="repo:acme/shop:ref:refs/heads/feature")), "AccessDenied",
                 "another branch")
    r.error_code(lambda: call(token(sub="repo:evil/shop:ref:refs/heads/main")), "AccessDenied",
                 "another repository")
    r.error_code(lambda: call(token(aud="https://github.com/acme")), "InvalidIdentityToken", "another audience")
    r.error_code(lambda: call(token(iss="https://gitlab.example.com")), "InvalidIdentityToken",
                 "an issuer without a provider")
    r.error_code(lambda: call(token(ttl=-5)), "ExpiredTokenException", "an expired token")
    good = token()
    forged = good.rsplit(".", 1)[0] + "." + "A" * 43
    r.error_code(lambda: call(forged), "InvalidIdentityToken", "a token the issuer did not sign")
    r.error_code(lambda: call("not-a-jwt-at-all-but-long-enough"), "InvalidIdentityToken", "not a JWT")
    r.eq(fake.control("POST", "/_fake/sts/web-identity-token", {"sub": "x"})[0], 404, "a token needs an issuer")


def limits(r, fake):
    iam = fake.client("iam")
    iam.create_role(RoleName="big", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))

    def doc(n):
        actions = [f"s3:Get{i:05d}" for i in range(n)]
        return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions,
                                                                  "Resource": "*"}]}, indent=2)
    iam.put_role_policy(RoleName="big", PolicyName="a", PolicyDocument=doc(400))    # about 5,700 characters
    r.error_code(lambda: iam.put_role_policy(RoleName="big", PolicyName="b", PolicyDocument=doc(400)),
                 "LimitExceeded", "10,240 characters of inline policy per role")
    iam.put_role_policy(RoleName="big", PolicyName="a", PolicyDocument=doc(10))
    iam.put_role_policy(RoleName="big", PolicyName="b", PolicyDocument=doc(400))
    r.check(True, "white space does not count, and a replaced policy frees its size")
    r.error_code(lambda: iam.create_policy(PolicyName="huge", PolicyDocument=doc(450)), "LimitExceeded",
                 "6,144 characters per managed policy")
    arn = iam.create_policy(PolicyName="ci-1", Path="/ecsdeploy/shop/", PolicyDocument=doc(10))["Policy"]["Arn"]
    r.error_code(lambda: iam.create_policy(PolicyName="CI-1", Path="/other/", PolicyDocument=doc(10)),
                 "EntityAlreadyExists", "a policy name is the account's, whatever the path")
    for n in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(11 + n), SetAsDefault=True)
    r.error_code(lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(20)), "LimitExceeded",
                 "5 versions")
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    r.eq([(v["VersionId"], v["IsDefaultVersion"]) for v in versions],
         [("v5", True), ("v4", False), ("v3", False), ("v2", False), ("v1", False)], "versions, newest first")
    r.error_code(lambda: iam.list_policy_versions(PolicyArn=arn + "x"), "NoSuchEntity", "versions of nothing")
    iam.create_policy(PolicyName="elsewhere", Path="/other/", PolicyDocument=doc(1))
    r.eq([p["PolicyName"] for p in iam.list_policies(Scope="Local", PathPrefix="/ecsdeploy/shop/")["Policies"]],
         ["ci-1"], "ListPolicies under a path")


def main():
    r = Report()
    evaluation(r)
    with Fake() as fake:
        enforcement(r, fake)
        web_identity(r, fake)
        limits(r, fake)
    r.finish()


if __name__ == "__main__":
    main()
