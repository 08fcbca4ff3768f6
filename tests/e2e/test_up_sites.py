#!/usr/bin/python3
"""Sites, bucket CORS and the CI identity against the fake, read back through botocore:

1. `up` of a stack with two sites on one bucket (each its distribution and origin access
   control; the bucket policy grants s3:GetObject of each site's path to its distribution
   only, next to the bucket's own statements), CORS on the bucket, and `ci:` (the GitHub
   OIDC provider created, the CI role trusting it for the repository's branch and
   environment, its permissions in managed policies); a second `up` finds nothing to do.
2. Changes in place, shown field by field by `plan`: the CORS rule, a site's spa and price
   class, one more environment in the role's trust.
3. A site, the CORS and `ci:` taken out of the file: the distribution (disabled, then
   deleted), its origin access control, its statement of the bucket policy, the bucket's
   CORS, the role, its policies and the provider the stack created are gone.
4. `down`: nothing of the stack is left but the kept bucket, with no site statement.
5. An OIDC provider the account already has is used, never changed nor deleted.
6. A failed first `up` (the second distribution refused) is rolled back: no distribution,
   origin access control, role, policy or provider is left.
7. Lost answers of CreateDistributionWithTags, CreateOriginAccessControl,
   CreateOpenIDConnectProvider, CreatePolicy and CreateRole: one of each, no duplicate.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

R = sw.Report()
GITHUB = "token.actions.githubusercontent.com"
PROVIDER_ARN = "arn:aws:iam::000000000000:oidc-provider/" + GITHUB

STACK = """\
stack: {name}
buckets:
  web:
    name: {name}-web
{cors}
sites:
  app: {{ bucket: web, path: /latest, spa: {spa}{price} }}
{staging}{ci}services:
  api: {{ image: nginx:1.27, port: 80 }}
outputs:
  site: ${{sites.app.url}}
"""
CORS = ("    cors:\n"
        "      - {{ origins: [\"https://app.example.com\"], methods: [GET, HEAD], headers: \"*\",\n"
        "          max_age: {max_age} }}\n")
STAGING = "  staging: { bucket: web, path: /next }\n"
CI = "ci:\n  github: {{ repository: acme/shop, branches: [main], environments: [{envs}] }}\n  publish: [app]\n"


def stack(name, max_age=600, spa="true", price="", staging=True, ci="prod"):
    return STACK.format(name=name, cors=CORS.format(max_age=max_age) if max_age else "    keep: true",
                        spa=spa, price=price, staging=STAGING if staging else "",
                        ci=CI.format(envs=ci) if ci else "")


def write(d, name, text):
    path = os.path.join(d, name + ".yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def mine(doc, stack_name):
    """The stack's CloudFront, IAM (role, policies, provider) resources in the fake."""
    cf = doc.get("cloudfront", {})
    iam = doc.get("iam", {})
    return {
        "distributions": sorted(d["tags"].get("ecsdeploy:id", "?") for d in cf.get("distributions", [])
                                if d.get("tags", {}).get("ecsdeploy:stack") == stack_name),
        "oacs": sorted(o["name"] for o in cf.get("origin_access_controls", [])
                       if o["name"].startswith(stack_name + "-")),
        "roles": sorted(r["name"] for r in iam.get("roles", []) if r["name"].startswith(stack_name + "-")),
        "policies": sorted(p.get("name", p.get("id")) for p in iam.get("policies", [])
                           if f"/ecsdeploy/{stack_name}/" in json.dumps(p)),
        "providers": len(iam.get("oidc_providers", [])),
    }


def bucket_policy(s3, bucket):
    try:
        return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except s3.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "NoSuchBucketPolicy":
            return {"Statement": []}
        raise


def cors_of(s3, bucket):
    try:
        return s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    except s3.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "NoSuchCORSConfiguration":
            return None
        raise


def first_up(fake, d):
    s3, cf, iam = fake.client("s3"), fake.client("cloudfront"), fake.client("iam")
    base = write(d, "shop", stack("shop"))
    rc, out, err = sw.run(fake, base, "up", "--yes")
    if not R.eq(rc, 0, f"up of sites, CORS and ci ({err.strip()[-800:]})"):
        R.finish()
    have = mine(sw.resources(fake), "shop")
    R.eq(have["distributions"], ["site/app", "site/staging"], "a distribution per site")
    R.eq(have["oacs"], ["shop-app", "shop-staging"], "an origin access control per site")
    R.eq(have["providers"], 1, "the GitHub provider is created")
    R.check("shop-ci" in have["roles"], f"the CI role: {have['roles']}")
    R.check(len(have["policies"]) >= 1, f"the CI role's managed policies: {have['policies']}")

    dists = {}
    for item in cf.list_distributions()["DistributionList"].get("Items", []):
        name = item["Comment"].rsplit(" ", 1)[-1]
        dists[name] = item
    R.eq(sorted(dists), ["app", "staging"], "distributions named by their comment")
    app = cf.get_distribution_config(Id=dists["app"]["Id"])["DistributionConfig"]
    origin = app["Origins"]["Items"][0]
    R.eq(origin["DomainName"], "shop-web.s3.us-east-1.amazonaws.com", "the bucket's regional domain")
    R.eq(origin["OriginPath"], "/latest", "the site's path")
    R.check(origin.get("OriginAccessControlId"), "the origin reads with its access control")
    R.eq(origin.get("S3OriginConfig", {}).get("OriginAccessIdentity"), "", "no legacy identity")
    R.eq(app["DefaultCacheBehavior"]["ViewerProtocolPolicy"], "redirect-to-https", "HTTPS only")
    R.eq(app["DefaultRootObject"], "index.html", "the default root object")
    R.eq(sorted(e["ErrorCode"] for e in app["CustomErrorResponses"].get("Items", [])), [403, 404],
         "a single-page app answers 403 and 404 with its root object")
    staging = cf.get_distribution_config(Id=dists["staging"]["Id"])["DistributionConfig"]
    R.eq(staging["CustomErrorResponses"]["Quantity"], 0, "a site that is not an spa keeps S3's errors")

    grants = {s.get("Sid"): s for s in bucket_policy(s3, "shop-web")["Statement"]}
    for name, path in (("app", "latest"), ("staging", "next")):
        g = grants.get("ecsdeploySite" + name)
        R.check(g is not None, f"the bucket policy grants site {name}: {sorted(grants)}")
        if g:
            R.eq(g["Principal"], {"Service": "cloudfront.amazonaws.com"}, f"{name}: CloudFront's principal")
            R.eq(g["Resource"], f"arn:aws:s3:::shop-web/{path}/*", f"{name}: only its path")
            R.eq(g["Condition"]["StringEquals"]["AWS:SourceArn"], dists[name]["ARN"],
                 f"{name}: only its distribution")
    R.check(len(grants) > 2, f"the bucket's own statements stay next to the grants: {sorted(grants)}")
    R.eq(cors_of(s3, "shop-web"), [{"AllowedOrigins": ["https://app.example.com"],
                                    "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["*"],
                                    "MaxAgeSeconds": 600}], "the bucket's CORS")

    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    R.check("sts.amazonaws.com" in provider["ClientIDList"], "the provider's audience")
    role = iam.get_role(RoleName="shop-ci")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    st = trust["Statement"][0]
    R.eq(st["Principal"], {"Federated": PROVIDER_ARN}, "the role trusts the provider")
    R.eq(st["Action"], "sts:AssumeRoleWithWebIdentity", "by web identity")
    R.eq(sorted(st["Condition"]["StringLike"][GITHUB + ":sub"]),
         ["repo:acme/shop:environment:prod", "repo:acme/shop:ref:refs/heads/main"],
         "only the repository's branch and environment")
    attached = iam.list_attached_role_policies(RoleName="shop-ci")["AttachedPolicies"]
    R.eq(len(attached), len(have["policies"]), "the managed policies are attached")

    rc, out, err = sw.run(fake, base, "plan")
    R.check(rc == 0 and "No changes" in out, f"a second plan finds nothing to do: {out}{err}")
    return dists


def changes(fake, d, dists):
    s3, cf, iam = fake.client("s3"), fake.client("cloudfront"), fake.client("iam")
    changed = write(d, "shop2", stack("shop", max_age=300, spa="false", price=", price_class: 100",
                                     ci="prod, staging"))
    rc, out, err = sw.run(fake, changed, "plan")
    for want in ("cors[0].max_age: 600 -> 300", "spa: true -> false",
                 "price_class: PriceClass_All -> PriceClass_100", "repo:acme/shop:environment:staging"):
        R.check(want in out, f"plan shows {want!r}: {out}")
    R.check("0 to create" in out and "0 to replace" in out and "0 to delete" in out,
            f"changes in place: {out}")
    rc, out, err = sw.run(fake, changed, "up", "--yes")
    R.eq(rc, 0, f"up of the changes ({err.strip()[-500:]})")
    R.eq(cors_of(s3, "shop-web")[0]["MaxAgeSeconds"], 300, "CORS updated")
    app = cf.get_distribution_config(Id=dists["app"]["Id"])["DistributionConfig"]
    R.eq(app["PriceClass"], "PriceClass_100", "price class updated")
    R.eq(app["CustomErrorResponses"]["Quantity"], 0, "spa off")
    trust = iam.get_role(RoleName="shop-ci")["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    R.eq(len(trust["Statement"][0]["Condition"]["StringLike"][GITHUB + ":sub"]), 3, "one more environment")
    rc, out, err = sw.run(fake, changed, "plan")
    R.check(rc == 0 and "No changes" in out, f"then nothing to do: {out}{err}")

    # a site, the CORS and ci: taken out
    fewer = write(d, "shop3", stack("shop", max_age=0, staging=False, ci=""))
    rc, out, err = sw.run(fake, fewer, "up", "--yes")
    R.eq(rc, 0, f"up without staging, CORS and ci ({err.strip()[-500:]})")
    have = mine(sw.resources(fake), "shop")
    R.eq(have["distributions"], ["site/app"], "the staging distribution is deleted")
    R.eq(have["oacs"], ["shop-app"], "and its origin access control")
    R.eq(have["providers"], 0, "the provider the stack created is deleted with its role")
    R.check("shop-ci" not in have["roles"] and not have["policies"], f"the CI role and policies: {have}")
    sids = [s.get("Sid") for s in bucket_policy(s3, "shop-web")["Statement"]]
    R.check("ecsdeploySitestaging" not in sids and "ecsdeploySiteapp" in sids,
            f"the staging grant is out of the bucket policy, app's stays: {sids}")
    R.eq(cors_of(s3, "shop-web"), None, "the bucket's CORS is deleted")
    rc, out, err = sw.run(fake, fewer, "plan")
    R.check(rc == 0 and "No changes" in out, f"then nothing to do: {out}{err}")

    rc, out, err = sw.run(fake, fewer, "down", "--yes")
    R.eq(rc, 0, f"down ({err.strip()[-500:]})")
    have = mine(sw.resources(fake), "shop")
    R.eq(have["distributions"] + have["oacs"] + have["roles"], [], f"down leaves no site: {have}")
    sids = [s.get("Sid") for s in bucket_policy(s3, "shop-web")["Statement"]]
    R.check(not any(s and s.startswith("ecsdeploySite") for s in sids),
            f"the kept bucket's policy grants no deleted distribution: {sids}")


def existing_provider(fake, d):
    iam = fake.client("iam")
    iam.create_open_id_connect_provider(Url="https://" + GITHUB, ClientIDList=["sts.amazonaws.com"],
                                        ThumbprintList=["1" * 40])
    path = write(d, "other", "stack: other\nci: { github: { repository: acme/other, branches: [main] } }\n"
                             "services:\n  api: { image: nginx:1.27, port: 80 }\n")
    rc, out, err = sw.run(fake, path, "up", "--yes")
    R.eq(rc, 0, f"up with the account's provider ({err.strip()[-500:]})")
    rc, out, err = sw.run(fake, path, "status")
    R.check("github: the account's" in out or "not created by this stack" in out or "existing" in out,
            f"status says the provider is the account's: {out}")
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
    R.eq(provider["ThumbprintList"], ["1" * 40], "the account's provider is not changed")
    R.eq(provider.get("Tags", []), [], "nor tagged")
    rc, out, err = sw.run(fake, path, "down", "--yes")
    R.eq(rc, 0, f"down ({err.strip()[-300:]})")
    R.eq(mine(sw.resources(fake), "other")["providers"], 1, "the account's provider stays after down")
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)


def rollback(fake, d):
    path = write(d, "rb", stack("rb"))
    # the first distribution is made, the second refused: the rollback deletes the first
    sw.set_faults(fake, [{"service": "cloudfront", "operation": "CreateDistributionWithTags", "skip": 1,
                          "count": 1, "action": "error", "code": "AccessDenied",
                          "message": "User: arn:aws:iam::000000000000:user/ci is not authorized to "
                                     "perform: cloudfront:CreateDistribution"}])
    rc, out, err = sw.run(fake, path, "up", "--yes", env={"AWS_MAX_ATTEMPTS": "1"})
    sw.set_faults(fake, [])
    R.eq(rc, 3, f"a refused distribution fails the first up ({err.strip()[-500:]})")
    R.check("rolled back" in err, f"and it is rolled back: {err.strip()[-300:]}")
    have = mine(sw.resources(fake), "rb")
    R.eq(have, {"distributions": [], "oacs": [], "roles": [], "policies": [], "providers": 0},
         "nothing of the sites or the CI identity is left")
    inv = sw.inventory(sw.resources(fake), "rb")
    R.eq(inv, {}, "nothing of the stack is left")


def lost_answers(fake, d):
    path = write(d, "lost", stack("lost"))
    rules = [{"service": svc, "operation": op, "action": "drop", "phase": "after", "count": 1}
             for svc, op in (("cloudfront", "CreateDistributionWithTags"),
                             ("cloudfront", "CreateOriginAccessControl"),
                             ("iam", "CreateOpenIDConnectProvider"), ("iam", "CreatePolicy"),
                             ("iam", "CreateRole"), ("s3", "PutBucketCors"))]
    sw.set_faults(fake, rules)
    rc, out, err = sw.run(fake, path, "up", "--yes")
    applied = [r.get("applied", 0) for r in fake.control("GET", "/_fake/faults")[1]["rules"]]
    sw.set_faults(fake, [])
    R.eq(rc, 0, f"up converges when answers are lost ({err.strip()[-800:]})")
    R.eq(applied, [1] * len(rules), "each create's answer was lost once")
    have = mine(sw.resources(fake), "lost")
    R.eq(have["distributions"], ["site/app", "site/staging"], "no duplicate distribution")
    R.eq(have["oacs"], ["lost-app", "lost-staging"], "no duplicate origin access control")
    R.eq(have["providers"], 1, "one provider")
    R.eq(have["roles"].count("lost-ci"), 1, "one CI role")
    n = len(have["policies"])
    rc, out, err = sw.run(fake, path, "plan")
    R.check(rc == 0 and "No changes" in out, f"then nothing to do: {out}{err}")
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge")
    R.eq(rc, 0, f"down --purge ({err.strip()[-300:]})")
    R.check(n >= 1, "the policies were there")
    R.eq(sw.inventory(sw.resources(fake), "lost"), {}, "down --purge leaves nothing")


with tempfile.TemporaryDirectory() as d, sw.Fake() as fake:
    dists = first_up(fake, d)
    changes(fake, d, dists)
    existing_provider(fake, d)
    rollback(fake, d)
    lost_answers(fake, d)
R.finish()
