#!/usr/bin/python3
"""The CI role has what `up` and `deploy` need, and no more: the fake enforces IAM for role
sessions (tests/fakeaws/fakeaws/authz), so every call ecsdeploy makes as the role is judged
against the policies `up` gave it.

1. An administrator runs the first `up` of a stack with most kinds (network with NAT,
   secrets, a kept bucket with CORS and a site, an EFS file system with an access point,
   a Parameter Store value, discovery, a load balancer, services with an EBS volume and
   exec, a bootstrap secret) and `ci:`.
2. As the CI role (GitHub's web identity token for the main branch, no keys): `plan`
   reads everything; `up` of a workflow's daily changes (a new image, one more secret,
   retention, versioning, health check, CORS, a parameter's value) succeeds; `deploy` of
   a new tag and `status` succeed; the fake refuses none of their calls.
3. A file that grows the stack (a second load balancer and service, a second site) or
   changes `ci:` needs new rights for the role: as the role, `up` refuses before changing
   anything and says an administrator applies it; once one has, the role plans and deploys.
4. Tokens of another branch, another repository or another audience cannot assume it.
5. Its session publishes the site (ci.publish: objects under the site's path) and cannot
   write elsewhere in the bucket, change its own rights, make roles, buckets or VPCs
   outside the stack, or delete a kept bucket.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

R = sw.Report()
STACK = "cishop"
ROLE_ARN = f"arn:aws:iam::000000000000:role/ecsdeploy/{STACK}/{STACK}-ci"
GITHUB = "https://token.actions.githubusercontent.com"

SITE = ("file_systems:\n  state:\n    access_points: { server: { path: /server, uid: 1000, gid: 1000 } }\n"
        "parameter_store:\n  flag: { value: \"on\", type: String }\n"
        "sites:\n  www: { bucket: data, path: /www }\n"
        "ci:\n  github: { repository: acme/shop, branches: [main] }\n  publish: [www]\n")
CORS = ("  data:\n    name: " + STACK + "-data\n    keep: true\n    cors: [ { origins: [\"https://shop.example.com\"], methods: [GET], "
        "max_age: {age} } ]\n")


def with_site(text, age):
    for old in ("  data: { keep: true, versioning: true }\n", "  data: { keep: true }\n"):
        if old in text:
            versioning = "    versioning: true\n" if "versioning" in old else ""
            text = text.replace(old, CORS.replace("{age}", str(age)) + versioning, 1)
            break
    else:
        raise ValueError("no data bucket in the stack")
    return text + SITE


def token(fake, sub, aud="sts.amazonaws.com", iss=GITHUB):
    st, doc = fake.control("POST", "/_fake/sts/web-identity-token",
                           {"iss": iss, "sub": sub, "aud": aud, "ttl": 10 ** 7})
    if st != 200:
        raise RuntimeError(f"token: {st} {doc}")
    return doc["token"]


def as_ci(fake, d, tok, stack_file, *args):
    """Run ecsdeploy with the CI role's web identity only (no keys in the environment)."""
    path = os.path.join(d, "token")
    with open(path, "w") as f:
        f.write(tok)
    env = {k: v for k, v in sw.env_for(fake).items()
           if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    env.update(AWS_WEB_IDENTITY_TOKEN_FILE=path, AWS_ROLE_ARN=ROLE_ARN, AWS_ROLE_SESSION_NAME="gha")
    p = subprocess.run([sw.ECSDEPLOY, "-f", stack_file] + list(args), env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=180)
    return p.returncode, p.stdout, p.stderr


def denials(fake, since):
    """The calls since `since` that IAM refused (error codes of the three protocols)."""
    calls = fake.calls(since)
    return [f"{c['service']}:{c['operation']} ({c['error']})" for c in calls
            if c.get("error") in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")]


def small_changes(name):
    """Changes of a daily workflow that leave the CI role's rights as they are: a new image,
    one more secret, log retention, bucket versioning, the health check path, CORS, a
    Parameter Store value."""
    s = sw.stack_yaml(name, image="nginx:1.28")
    for old, new in (("  quack-token:", "  extra: { generate: { length: 20 } }\n  quack-token:"),
                     ("logs: { retention_days: 30 }", "logs: { retention_days: 14 }"),
                     ("  data: { keep: true }", "  data: { keep: true, versioning: true }"),
                     ("health_check: { path: /healthz }", "health_check: { path: /ready }")):
        s = s.replace(old, new, 1)
    return with_site(s, 300).replace('value: "on"', 'value: "off"')


with tempfile.TemporaryDirectory() as d, sw.Fake() as fake:
    files = {"base": with_site(sw.stack_yaml(STACK), 600), "daily": small_changes(STACK)}
    # a second load balancer, a service behind it, a second site: new rights for the role
    grown = with_site(sw.changed_stack_yaml(STACK), 300)
    files["grown"] = grown.replace("sites:\n  www: { bucket: data, path: /www }\n",
                                   "sites:\n  www: { bucket: data, path: /www }\n"
                                   "  beta: { bucket: data, path: /beta, spa: true }\n")
    files["widened"] = files["grown"].replace("branches: [main]", "branches: [main, dev]")
    paths = {}
    for name, text in files.items():
        paths[name] = os.path.join(d, name + ".yml")
        with open(paths[name], "w") as f:
            f.write(text)

    rc, out, err = sw.run(fake, paths["base"], "up", "--yes", timeout=180)
    if not R.eq(rc, 0, f"the administrator's first up ({err.strip()[-800:]})"):
        R.finish()

    main = token(fake, "repo:acme/shop:ref:refs/heads/main")
    start = fake.last_seq()
    rc, out, err = as_ci(fake, d, main, paths["base"], "plan")
    R.check(rc == 0 and "No changes" in out, f"the CI role plans: {out[-300:]}{err[-800:]}")
    R.eq(denials(fake, start), [], "plan as the CI role: nothing denied")

    rc, out, err = sw.run(fake, paths["daily"], "plan")
    R.check("policy/ci" not in out and "role/ci" not in out, f"daily changes keep the role's rights: {out}")
    start = fake.last_seq()
    rc, out, err = as_ci(fake, d, main, paths["daily"], "up", "--yes")
    R.eq(rc, 0, f"the CI role runs up of the daily changes ({err.strip()[-1200:]})")
    R.eq(denials(fake, start), [], "up as the CI role: nothing denied")
    rc, out, err = sw.run(fake, paths["daily"], "plan")
    R.check(rc == 0 and "No changes" in out, f"the CI role's up converged: {out[-600:]}{err[-300:]}")

    start = fake.last_seq()
    rc, out, err = as_ci(fake, d, main, paths["daily"], "deploy", "app", "--tag", "1.29")
    R.eq(rc, 0, f"the CI role deploys ({err.strip()[-1200:]})")
    R.eq(denials(fake, start), [], "deploy as the CI role: nothing denied")
    start = fake.last_seq()
    rc, out, err = as_ci(fake, d, main, paths["daily"], "status")
    R.eq(rc, 0, f"the CI role reads the status ({err.strip()[-600:]})")
    R.eq(denials(fake, start), [], "status as the CI role: nothing denied")

    # growing the stack needs new rights: refused before anything changes, then applied by
    # an administrator, after which the role runs up again
    before = sw.inventory(sw.resources(fake), STACK)
    for name in ("grown", "widened"):
        rc, out, err = as_ci(fake, d, main, paths[name], "up", "--yes")
        R.eq(rc, 1, f"{name}: the CI role does not change its own rights ({err.strip()[-800:]})")
        R.check("policy/ci-" in err or "role/ci" in err, f"{name}: the refusal names the change: {err}")
        R.check("an administrator runs `ecsdeploy up`" in err and "nothing was changed" in err,
                f"{name}: it says what to do: {err}")
        R.eq(sw.diff(sw.inventory(sw.resources(fake), STACK), before), "", f"{name}: nothing changed")
    rc, out, err = sw.run(fake, paths["grown"], "up", "--yes", timeout=180)
    R.eq(rc, 0, f"the administrator applies the grown stack ({err.strip()[-800:]})")
    start = fake.last_seq()
    rc, out, err = as_ci(fake, d, main, paths["grown"], "plan")
    R.check(rc == 0 and "No changes" in out, f"then the CI role plans: {out[-300:]}{err[-800:]}")
    rc, out, err = as_ci(fake, d, main, paths["grown"], "deploy", "admin", "--tag", "1.29")
    R.eq(rc, 0, f"and deploys the new service ({err.strip()[-1200:]})")
    R.eq(denials(fake, start), [], "as the CI role after growth: nothing denied")

    for sub, aud, what in (("repo:acme/shop:ref:refs/heads/feature", "sts.amazonaws.com", "another branch"),
                           ("repo:acme/other:ref:refs/heads/main", "sts.amazonaws.com", "another repository"),
                           ("repo:acme/shop:ref:refs/heads/main", "example.com", "another audience")):
        rc, out, err = as_ci(fake, d, token(fake, sub, aud), paths["base"], "plan")
        R.check(rc != 0 and ("AccessDenied" in err or "InvalidIdentityToken" in err),
                f"a token of {what} cannot assume the role: {rc} {err.strip()[-400:]}")

    # nothing beyond the stack: the role's own session, through botocore
    sts = fake.client("sts")
    c = sts.assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName="probe",
                                          WebIdentityToken=main)["Credentials"]
    keys = dict(key=c["AccessKeyId"], secret=c["SecretAccessKey"], token=c["SessionToken"])
    iam, ec2, s3 = fake.client("iam", **keys), fake.client("ec2", **keys), fake.client("s3", **keys)
    probes = [
        ("its own rights", lambda: iam.put_role_policy(RoleName=f"{STACK}-ci", PolicyName="more",
                                                      PolicyDocument='{"Version":"2012-10-17","Statement":[]}')),
        ("a role outside the stack", lambda: iam.create_role(RoleName="elsewhere", AssumeRolePolicyDocument="{}")),
        ("an untagged VPC", lambda: ec2.create_vpc(CidrBlock="10.9.0.0/16")),
        ("a VPC tagged for another stack", lambda: ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "ecsdeploy:stack", "Value": "other"}]}])),
        ("a kept bucket's deletion", lambda: s3.delete_bucket(Bucket=f"{STACK}-data")),
        ("a bucket outside the stack", lambda: s3.create_bucket(Bucket="not-the-stacks")),
    ]
    # ci.publish: the site's path of the bucket, and only that
    s3.put_object(Bucket=f"{STACK}-data", Key="www/index.html", Body=b"<html></html>")
    listed = s3.list_objects_v2(Bucket=f"{STACK}-data", Prefix="www/")
    R.eq([o["Key"] for o in listed.get("Contents", [])], ["www/index.html"], "the role publishes the site")
    s3.delete_object(Bucket=f"{STACK}-data", Key="www/index.html")
    probes.append(("the bucket outside the site's path",
                   lambda: s3.put_object(Bucket=f"{STACK}-data", Key="state/x", Body=b"x")))
    for what, call in probes:
        try:
            call()
            R.check(False, f"the CI role may not touch {what}")
        except Exception as e:  # botocore's ClientError
            code = getattr(e, "response", {}).get("Error", {}).get("Code")
            R.check(code in ("AccessDenied", "UnauthorizedOperation"), f"{what}: refused by IAM ({code}: {e})")

    rc, out, err = sw.run(fake, paths["grown"], "down", "--yes", "--purge", timeout=180)
    R.eq(rc, 0, f"the administrator's down ({err.strip()[-400:]})")
R.finish()
