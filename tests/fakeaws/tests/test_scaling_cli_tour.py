#!/usr/bin/python3
"""A tour with Debian's AWS CLI v2 through what the scaling part added: Application Auto
Scaling on an ECS service, CloudFront (an origin access control, a distribution served
from S3, its ETags, disabling and deleting it), an IAM OIDC provider with a role that
GitHub Actions could assume, and bucket CORS with a CloudFront-only bucket policy. Each
command must succeed or fail exactly as listed and the CLI must parse every answer.

The first command of each service runs as /usr/bin/aws in a subprocess, the rest in this
process (see fakelib.Cli); FAKEAWS_CLI_SUBPROCESS=1 runs them all as /usr/bin/aws."""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")
from fakelib import Cli, Fake, Report  # noqa: E402

DIM = ["--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount",
       "--resource-id", "service/tour/web"]
BUCKET = "tour-site-000000000000"
GITHUB = "token.actions.githubusercontent.com"


def setup_ecs(cli):
    """A cluster and a Fargate service to scale, made with the CLI too (botocore imported
    here would shadow the one the in-process CLI brings)."""
    subnet = json.loads(cli.run(["ec2", "describe-subnets"]).stdout)["Subnets"][0]["SubnetId"]
    cli.run(["ecs", "create-cluster", "--cluster-name", "tour"])
    cli.run(["ecs", "register-task-definition", "--family", "web", "--network-mode", "awsvpc",
             "--requires-compatibilities", "FARGATE", "--cpu", "256", "--memory", "512",
             "--container-definitions", '[{"name":"web","image":"nginx"}]'])
    p = cli.run(["ecs", "create-service", "--cluster", "tour", "--service-name", "web", "--task-definition", "web",
                 "--desired-count", "1", "--launch-type", "FARGATE", "--network-configuration",
                 f"awsvpcConfiguration={{subnets=[{subnet}]}}"])
    if p.returncode != 0:
        raise RuntimeError(f"setting up the ECS service failed: {p.stderr}")


def dist_config(s, enabled=True):
    return json.dumps({
        "CallerReference": "tour-1", "Comment": "tour site", "Enabled": enabled, "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": f"{BUCKET}.s3.us-east-1.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""},
                                              "OriginAccessControlId": s.get("oac", "")}]},
        "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        "CustomErrorResponses": {"Quantity": 1, "Items": [{"ErrorCode": 404, "ResponsePagePath": "/index.html",
                                                           "ResponseCode": "200"}]}})


def bucket_policy(s):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": s.get("dist_arn", "")}}}]})


def trust(s):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": s.get("oidc", "")}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                      "StringLike": {f"{GITHUB}:sub": "repo:example/site:ref:refs/heads/main"}}}]})


CORS = json.dumps({"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "HEAD"],
                                  "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]})
A = "application-autoscaling"


def tour():
    """(args(state), "ok" or an error code, check(out, state) or None, save(out, state) or None)"""
    def put(key, path):
        def save(o, s):
            v = o
            for p in path:
                v = v[p]
            s[key] = v
        return save
    return [
        # Application Auto Scaling
        (lambda s: [A, "register-scalable-target", *DIM, "--min-capacity", "2", "--max-capacity", "6"], "ok", None, None),
        (lambda s: [A, "describe-scalable-targets", "--service-namespace", "ecs"], "ok",
         lambda o, s: [(t["ResourceId"], t["MinCapacity"]) for t in o["ScalableTargets"]] == [("service/tour/web", 2)],
         None),
        (lambda s: [A, "register-scalable-target", "--service-namespace", "ecs", "--scalable-dimension",
                    "ecs:service:DesiredCount", "--resource-id", "service/tour/none", "--min-capacity", "1",
                    "--max-capacity", "2"], "ValidationException", None, None),
        (lambda s: [A, "put-scaling-policy", *DIM, "--policy-name", "cpu", "--policy-type", "TargetTrackingScaling",
                    "--target-tracking-scaling-policy-configuration",
                    '{"TargetValue":60,"PredefinedMetricSpecification":'
                    '{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"},"ScaleInCooldown":300}'], "ok",
         lambda o, s: len(o["Alarms"]) == 2, None),
        (lambda s: [A, "describe-scaling-policies", "--service-namespace", "ecs"], "ok",
         lambda o, s: o["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60, None),
        (lambda s: [A, "put-scheduled-action", *DIM, "--scheduled-action-name", "weekday", "--schedule",
                    "cron(0 8 ? * MON-FRI *)", "--timezone", "Europe/Paris", "--scalable-target-action",
                    "MinCapacity=3,MaxCapacity=6"], "ok", None, None),
        (lambda s: [A, "put-scheduled-action", *DIM, "--scheduled-action-name", "bad", "--schedule",
                    "cron(0 8 * * MON-FRI *)"], "ValidationException", None, None),
        (lambda s: [A, "describe-scheduled-actions", "--service-namespace", "ecs"], "ok",
         lambda o, s: [a["ScheduledActionName"] for a in o["ScheduledActions"]] == ["weekday"], None),
        (lambda s: [A, "describe-scaling-activities", "--service-namespace", "ecs"], "ok",
         lambda o, s: o["ScalingActivities"][0]["Description"] == "Setting desired count to 2.", None),
        (lambda s: [A, "delete-scheduled-action", *DIM, "--scheduled-action-name", "weekday"], "ok", None, None),
        (lambda s: [A, "delete-scaling-policy", *DIM, "--policy-name", "cpu"], "ok", None, None),
        (lambda s: [A, "delete-scaling-policy", *DIM, "--policy-name", "cpu"], "ObjectNotFoundException", None, None),
        (lambda s: [A, "deregister-scalable-target", *DIM], "ok", None, None),
        (lambda s: [A, "deregister-scalable-target", *DIM], "ObjectNotFoundException", None, None),
        # S3 for the site
        (lambda s: ["s3api", "create-bucket", "--bucket", BUCKET], "ok", None, None),
        (lambda s: ["s3api", "get-bucket-cors", "--bucket", BUCKET], "NoSuchCORSConfiguration", None, None),
        (lambda s: ["s3api", "put-bucket-cors", "--bucket", BUCKET, "--cors-configuration", CORS], "ok", None, None),
        (lambda s: ["s3api", "get-bucket-cors", "--bucket", BUCKET], "ok",
         lambda o, s: o["CORSRules"][0]["AllowedMethods"] == ["GET", "HEAD"], None),
        (lambda s: ["s3api", "put-bucket-cors", "--bucket", BUCKET, "--cors-configuration",
                    '{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["PATCH"]}]}'], "InvalidRequest", None, None),
        (lambda s: ["s3api", "put-public-access-block", "--bucket", BUCKET, "--public-access-block-configuration",
                    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"],
         "ok", None, None),
        # CloudFront
        (lambda s: ["cloudfront", "create-origin-access-control", "--origin-access-control-config",
                    "Name=tour,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3"], "ok",
         None, lambda o, s: s.update(oac=o["OriginAccessControl"]["Id"], oac_etag=o["ETag"])),
        (lambda s: ["cloudfront", "create-origin-access-control", "--origin-access-control-config",
                    "Name=tour,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3"],
         "OriginAccessControlAlreadyExists", None, None),
        (lambda s: ["cloudfront", "get-origin-access-control", "--id", s["oac"]], "ok",
         lambda o, s: o["OriginAccessControl"]["OriginAccessControlConfig"]["Name"] == "tour", None),
        (lambda s: ["cloudfront", "list-origin-access-controls"], "ok",
         lambda o, s: o["OriginAccessControlList"]["Quantity"] == 1, None),
        (lambda s: ["cloudfront", "create-distribution", "--distribution-config", dist_config(s)], "ok",
         lambda o, s: o["Distribution"]["Status"] == "InProgress",
         lambda o, s: s.update(dist=o["Distribution"]["Id"], dist_arn=o["Distribution"]["ARN"], etag=o["ETag"])),
        (lambda s: ["cloudfront", "create-distribution", "--distribution-config", dist_config(s)],
         "DistributionAlreadyExists", None, None),
        (lambda s: ["s3api", "put-bucket-policy", "--bucket", BUCKET, "--policy", bucket_policy(s)], "ok", None, None),
        (lambda s: ["cloudfront", "get-distribution-config", "--id", s["dist"]], "ok",
         lambda o, s: o["ETag"] == s["etag"] and o["DistributionConfig"]["PriceClass"] == "PriceClass_All", None),
        (lambda s: ["cloudfront", "tag-resource", "--resource", s["dist_arn"], "--tags",
                    "Items=[{Key=ecsdeploy:stack,Value=tour}]"], "ok", None, None),
        (lambda s: ["cloudfront", "list-tags-for-resource", "--resource", s["dist_arn"]], "ok",
         lambda o, s: o["Tags"]["Items"] == [{"Key": "ecsdeploy:stack", "Value": "tour"}], None),
        (lambda s: ["cloudfront", "list-distributions"], "ok",
         lambda o, s: [d["Id"] for d in o["DistributionList"]["Items"]] == [s["dist"]], None),
        (lambda s: ["cloudfront", "update-distribution", "--id", s["dist"], "--if-match", "ESTALE",
                    "--distribution-config", dist_config(s, enabled=False)], "PreconditionFailed", None, None),
        (lambda s: ["cloudfront", "update-distribution", "--id", s["dist"], "--if-match", s["etag"],
                    "--distribution-config", dist_config(s, enabled=False)], "ok",
         lambda o, s: o["Distribution"]["DistributionConfig"]["Enabled"] is False, put("etag", ["ETag"])),
        ("HOLD", None, None, None),
        (lambda s: ["cloudfront", "delete-distribution", "--id", s["dist"], "--if-match", s["etag"]],
         "DistributionNotDisabled", None, None),
        (lambda s: ["cloudfront", "delete-origin-access-control", "--id", s["oac"], "--if-match", s["oac_etag"]],
         "OriginAccessControlInUse", None, None),
        ("WAIT_DEPLOYED", None, None, None),
        (lambda s: ["cloudfront", "delete-distribution", "--id", s["dist"], "--if-match", s["etag"]], "ok", None, None),
        (lambda s: ["cloudfront", "get-distribution", "--id", s["dist"]], "NoSuchDistribution", None, None),
        (lambda s: ["cloudfront", "delete-origin-access-control", "--id", s["oac"]], "InvalidIfMatchVersion", None, None),
        (lambda s: ["cloudfront", "delete-origin-access-control", "--id", s["oac"], "--if-match", s["oac_etag"]],
         "ok", None, None),
        # IAM OIDC for CI
        (lambda s: ["iam", "create-open-id-connect-provider", "--url", f"https://{GITHUB}", "--client-id-list",
                    "sts.amazonaws.com", "--thumbprint-list", "6938fd4d98bab03faadb97b34396831e3780aea1"], "ok",
         lambda o, s: o["OpenIDConnectProviderArn"].endswith(f":oidc-provider/{GITHUB}"),
         put("oidc", ["OpenIDConnectProviderArn"])),
        (lambda s: ["iam", "create-open-id-connect-provider", "--url", f"https://{GITHUB}", "--thumbprint-list",
                    "6938fd4d98bab03faadb97b34396831e3780aea1"], "EntityAlreadyExists", None, None),
        (lambda s: ["iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", s["oidc"]], "ok",
         lambda o, s: o["Url"] == GITHUB and o["ClientIDList"] == ["sts.amazonaws.com"], None),
        (lambda s: ["iam", "list-open-id-connect-providers"], "ok",
         lambda o, s: o["OpenIDConnectProviderList"] == [{"Arn": s["oidc"]}], None),
        (lambda s: ["iam", "create-role", "--role-name", "tour-ci", "--assume-role-policy-document", trust(s)], "ok",
         None, None),
        (lambda s: ["iam", "delete-role", "--role-name", "tour-ci"], "ok", None, None),
        (lambda s: ["iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", s["oidc"]], "ok",
         None, None),
        (lambda s: ["iam", "create-role", "--role-name", "tour-ci", "--assume-role-policy-document", trust(s)],
         "MalformedPolicyDocument", None, None),
        (lambda s: ["iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", s["oidc"]],
         "NoSuchEntity", None, None),
        (lambda s: ["s3api", "delete-bucket-cors", "--bucket", BUCKET], "ok", None, None),
        (lambda s: ["s3api", "delete-bucket", "--bucket", BUCKET], "ok", None, None),
    ]


def run_step(r, cli, seen, state, step):
    make, want, check, save = step
    args = make(state)
    first = args[0] not in seen
    seen.add(args[0])
    p = cli.run(args, subprocess_=first or bool(os.environ.get("FAKEAWS_CLI_SUBPROCESS")))
    out = r.cli_step(p, want, "aws " + " ".join(args[:2]),
                     check and (lambda o: check(o, state)))
    if out is not None and save is not None:
        save(out, state)


def main():
    r = Report()
    with tempfile.TemporaryDirectory() as tmp, Fake() as f:
        cli, state, seen = Cli(f, tmp), {}, set()
        setup_ecs(cli)
        for step in tour():
            if step[0] == "HOLD":               # still in progress whatever the clock: no race
                f.control("POST", "/_fake/cloudfront/deployment", {"Id": state["dist"], "action": "hold"})
                continue
            if step[0] == "WAIT_DEPLOYED":      # the CLI's waiter polls once a minute: poll here instead
                f.control("POST", "/_fake/cloudfront/deployment", {"Id": state["dist"], "action": "finish"})
                deadline = time.time() + 30
                while time.time() < deadline:
                    out = json.loads(cli.run(["cloudfront", "get-distribution", "--id", state["dist"]]).stdout)
                    if out["Distribution"]["Status"] == "Deployed":
                        break
                    time.sleep(0.1)
                r.eq(out["Distribution"]["Status"], "Deployed", "the distribution deployed")
                continue
            run_step(r, cli, seen, state, step)
        res = f.control("GET", "/_fake/resources")[1]
        r.check(not res["cloudfront"]["distributions"] and not res["cloudfront"]["origin_access_controls"]
                and not res["iam"]["oidc_providers"] and not res["application-autoscaling"]["scalable_targets"]
                and not res["s3"]["buckets"], f"the tour left nothing behind: {res}")
    r.finish()


if __name__ == "__main__":
    main()
