#!/usr/bin/python3
"""Application Auto Scaling, CloudFront, IAM OIDC providers and S3 CORS through the server
(botocore clients; raw signed awsJson1.1 for the members Debian's botocore predates, such
as scalable target tags): every refusal the fake models, the ALB resource label checked
against a real load balancer, target group and ECS service, the scaling control request,
pagination, and a distribution's InProgress -> Deployed on the scaled clock."""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")
from fakelib import Fake, Report, alb_network, sign_and_send  # noqa: E402

DIM = "ecs:service:DesiredCount"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


def aas_raw(fake, op, body):
    status, _, data = sign_and_send(fake.url, "application-autoscaling", headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AnyScaleFrontendService.{op}"},
        body=json.dumps(body).encode())
    return status, json.loads(data or b"{}")


def network(fake):
    """A VPC with two subnets, an internal ALB whose listener forwards to an ip target group,
    a cluster and a Fargate service behind the group. -> (lb arn, tg arn, subnets)"""
    elb, ecs = fake.client("elbv2"), fake.client("ecs")
    vpc, subnets, sg, lb = alb_network(fake, 20, "web", "web")
    tgs = [elb.create_target_group(Name=n, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")
           ["TargetGroups"][0]["TargetGroupArn"] for n in ("web", "spare")]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs[0]}])
    ecs.create_cluster(clusterName="app")
    ecs.register_task_definition(family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512", containerDefinitions=[
                                     {"name": "web", "image": "nginx", "portMappings": [{"containerPort": 8080}]}])
    for name, lbs in (("web", [{"targetGroupArn": tgs[0], "containerName": "web", "containerPort": 8080}]),
                      ("worker", [])):
        ecs.create_service(cluster="app", serviceName=name, taskDefinition="web", desiredCount=1,
                           launchType="FARGATE", loadBalancers=lbs, networkConfiguration={
                               "awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg]}})
    return lb, tgs


def label(lb, tg):
    return lb.split(":loadbalancer/")[1] + "/" + tg.split(":")[-1]


def scaling(r, fake):
    aas, ecs, iam = fake.client("application-autoscaling"), fake.client("ecs"), fake.client("iam")
    lb, tgs = network(fake)
    tgt = dict(ServiceNamespace="ecs", ScalableDimension=DIM)
    web, worker = dict(tgt, ResourceId="service/app/web"), dict(tgt, ResourceId="service/app/worker")
    r.error_code(lambda: aas.register_scalable_target(**dict(tgt, ResourceId="service/app/nope"), MinCapacity=1,
                                                      MaxCapacity=2), "ValidationException", "no such service")
    r.error_code(lambda: aas.register_scalable_target(**dict(web, ScalableDimension="ecs:service:Other"),
                                                      MinCapacity=1, MaxCapacity=2), "ValidationException",
                 "wrong dimension (model enum)")
    r.error_code(lambda: aas.register_scalable_target(**dict(tgt, ResourceId="app/web"), MinCapacity=1,
                                                      MaxCapacity=2), "ValidationException", "resource id form")
    r.error_code(lambda: aas.register_scalable_target(**web, MinCapacity=1), "ValidationException",
                 "a new target needs both capacities")
    r.error_code(lambda: aas.register_scalable_target(**web, MinCapacity=3, MaxCapacity=2), "ValidationException",
                 "min > max")
    r.error_code(lambda: aas.put_scaling_policy(**web, PolicyName="cpu", PolicyType="TargetTrackingScaling",
                                                TargetTrackingScalingPolicyConfiguration={"TargetValue": 50.0}),
                 "ObjectNotFoundException", "a policy needs a registered target")
    st, out = aas_raw(fake, "RegisterScalableTarget", dict(web, MinCapacity=2, MaxCapacity=6,
                                                           Tags={"ecsdeploy:stack": "demo"}))
    r.eq(st, 200, "register with tags (raw)")
    arn = out.get("ScalableTargetARN", "")
    r.check(arn.startswith("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/"), "target ARN")
    svc = ecs.describe_services(cluster="app", services=["web"])["services"][0]
    r.eq(svc["desiredCount"], 2, "registering with min 2 raised the desired count")
    slr = iam.get_role(RoleName="AWSServiceRoleForApplicationAutoScaling_ECSService")["Role"]
    got = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/app/web"])["ScalableTargets"]
    r.eq([(t["MinCapacity"], t["MaxCapacity"], t["RoleARN"]) for t in got], [(2, 6, slr["Arn"])],
         "described with the service-linked role")
    r.eq(aas_raw(fake, "RegisterScalableTarget", dict(web, MaxCapacity=8))[1].get("ScalableTargetARN"), arn,
         "an update keeps the ARN")
    r.eq(aas_raw(fake, "ListTagsForResource", {"ResourceARN": arn})[1], {"Tags": {"ecsdeploy:stack": "demo"}}, "tags")
    r.eq(aas_raw(fake, "TagResource", {"ResourceARN": arn, "Tags": {"aws:x": "y"}})[0], 400, "aws: tag keys refused")
    r.eq(aas_raw(fake, "ListTagsForResource", {"ResourceARN": arn + "0"})[1].get("__type"),
         "ResourceNotFoundException", "tags of an unknown ARN")
    # policies
    cpu = {"TargetValue": 60.0, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
           "ScaleInCooldown": 300, "ScaleOutCooldown": 60}
    p = aas.put_scaling_policy(**web, PolicyName="cpu", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration=cpu)
    r.eq([a["AlarmName"].split("-")[2] for a in p["Alarms"]], ["AlarmHigh", "AlarmLow"], "two alarms")
    r.eq(aas.put_scaling_policy(**web, PolicyName="cpu", PolicyType="TargetTrackingScaling",
                                TargetTrackingScalingPolicyConfiguration=dict(cpu, TargetValue=70.0))["PolicyARN"],
         p["PolicyARN"], "a put of the same name updates")
    req = {"TargetValue": 100.0, "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget"}}

    def alb(spec, what, want="ValidationException", on=web):
        c = dict(req, PredefinedMetricSpecification=dict(req["PredefinedMetricSpecification"], **spec))
        call = lambda: aas.put_scaling_policy(**on, PolicyName="req", PolicyType="TargetTrackingScaling",  # noqa
                                              TargetTrackingScalingPolicyConfiguration=c)
        if want:
            r.error_code(call, want, what)
        else:
            r.check(call()["PolicyARN"], what)
    alb({}, "ALBRequestCountPerTarget without a resource label")
    alb({"ResourceLabel": "app/web/123"}, "a malformed label")
    alb({"ResourceLabel": label(lb, tgs[0]).replace("targetgroup/web/", "targetgroup/web/0")}, "an unknown group")
    alb({"ResourceLabel": label(lb, tgs[1])}, "a group the load balancer does not use")
    aas.register_scalable_target(**worker, MinCapacity=1, MaxCapacity=2)
    alb({"ResourceLabel": label(lb, tgs[0])}, "a group not attached to that service", on=worker)
    alb({"ResourceLabel": label(lb, tgs[0])}, "the service's own group", want=None)
    r.error_code(lambda: aas.put_scaling_policy(**web, PolicyName="mem", PolicyType="TargetTrackingScaling",
                                                TargetTrackingScalingPolicyConfiguration={
                                                    "TargetValue": 0.0, "PredefinedMetricSpecification": {
                                                        "PredefinedMetricType": "ECSServiceAverageMemoryUtilization"}}),
                 "ValidationException", "a target value of 0")
    r.error_code(lambda: aas.put_scaling_policy(**web, PolicyName="mem", PolicyType="TargetTrackingScaling",
                                                TargetTrackingScalingPolicyConfiguration={
                                                    "TargetValue": 50.0, "PredefinedMetricSpecification": {
                                                        "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}}),
                 "ValidationException", "a metric of another namespace")
    pages = aas.get_paginator("describe_scaling_policies").paginate(ServiceNamespace="ecs",
                                                                    PaginationConfig={"PageSize": 1})
    r.eq(sorted(p["PolicyName"] for pg in pages for p in pg["ScalingPolicies"]), ["cpu", "req"], "policies by pages")
    # scheduled actions
    for bad, what in (("cron(0 22 * * * *)", "cron with both day fields"), ("rate(0 minutes)", "rate 0"),
                      ("at(2026-13-01T00:00:00)", "a date that is not one"), ("every day", "no expression")):
        r.error_code(lambda: aas.put_scheduled_action(**web, ScheduledActionName="x", Schedule=bad),
                     "ValidationException", what)
    r.error_code(lambda: aas.put_scheduled_action(**web, ScheduledActionName="x", Schedule="cron(0 8 ? * MON-FRI *)",
                                                  Timezone="Mars/Olympus"), "ValidationException", "a time zone")
    aas.put_scheduled_action(**web, ScheduledActionName="day", Schedule="cron(0 8 ? * MON-FRI *)",
                             Timezone="Europe/Paris", ScalableTargetAction={"MinCapacity": 3, "MaxCapacity": 8})
    aas.put_scheduled_action(**web, ScheduledActionName="day", ScalableTargetAction={"MinCapacity": 4})
    got = aas.describe_scheduled_actions(ServiceNamespace="ecs", ScheduledActionNames=["day"])["ScheduledActions"]
    r.eq([(a["Schedule"], a["Timezone"], a["ScalableTargetAction"]) for a in got],
         [("cron(0 8 ? * MON-FRI *)", "Europe/Paris", {"MinCapacity": 4})], "an update keeps the schedule")
    r.error_code(lambda: aas.delete_scheduled_action(**web, ScheduledActionName="nope"), "ObjectNotFoundException",
                 "delete an unknown action")
    # a scaling activity from outside, as an alarm would
    st, out = fake.control("POST", "/_fake/application-autoscaling/scale", {"ResourceId": "service/app/web",
                                                                            "DesiredCount": 20})
    r.eq((st, out.get("desiredCount")), (200, 8), "scaled, clamped to the maximum")
    r.eq(ecs.describe_services(cluster="app", services=["web"])["services"][0]["desiredCount"], 8, "ECS follows")
    acts = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId="service/app/web")["ScalingActivities"]
    r.eq(acts[0]["Description"], "Setting desired count to 8.", "newest activity first")
    r.check("triggered policy cpu" in acts[0]["Cause"], f"the cause names the policy: {acts[0]['Cause']}")
    r.eq(fake.control("POST", "/_fake/application-autoscaling/scale", {"ResourceId": "service/app/none",
                                                                       "DesiredCount": 1})[0], 404, "no target")
    aas.register_scalable_target(**web, SuspendedState={"DynamicScalingInSuspended": True})
    r.eq(fake.control("POST", "/_fake/application-autoscaling/scale", {"ResourceId": "service/app/web",
                                                                       "DesiredCount": 4})[0], 409, "scale-in suspended")
    res = fake.control("GET", "/_fake/resources")[1]["application-autoscaling"]
    r.eq((len(res["scalable_targets"]), len(res["scaling_policies"]), len(res["scheduled_actions"])), (2, 2, 1),
         "listed by /_fake/resources")
    # deregistering takes the policies and actions with it
    aas.deregister_scalable_target(**web)
    r.eq(aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId="service/app/web")["ScalingPolicies"], [],
         "policies gone with the target")
    r.eq(aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"], [], "actions gone too")
    r.error_code(lambda: aas.deregister_scalable_target(**web), "ObjectNotFoundException", "deregister twice")
    r.error_code(lambda: aas.delete_scaling_policy(**worker, PolicyName="cpu"), "ObjectNotFoundException",
                 "delete an unknown policy")


def distribution_config(ref, oac, **over):
    cfg = {"CallerReference": ref, "Comment": "site", "Enabled": True, "DefaultRootObject": "index.html",
           "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "site-1.s3.us-east-1.amazonaws.com",
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""},
                                                  "OriginAccessControlId": oac}]},
           "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                    "CachePolicyId": CACHING_OPTIMIZED}}
    cfg.update(over)
    return cfg


def cloudfront(r, fake):
    cf = fake.client("cloudfront")
    oac_cfg = {"Name": "site", "SigningProtocol": "sigv4", "SigningBehavior": "always",
               "OriginAccessControlOriginType": "s3"}
    o = cf.create_origin_access_control(OriginAccessControlConfig=oac_cfg)
    oac, oac_etag = o["OriginAccessControl"]["Id"], o["ETag"]
    r.error_code(lambda: cf.create_origin_access_control(OriginAccessControlConfig=oac_cfg),
                 "OriginAccessControlAlreadyExists", "an OAC name is unique")
    r.error_code(lambda: cf.get_origin_access_control(Id="ENOSUCH"), "NoSuchOriginAccessControl", "unknown OAC")
    bad = [(dict(Origins={"Quantity": 2, "Items": distribution_config("x", oac)["Origins"]["Items"]}),
            "InconsistentQuantities"),
           (dict(DefaultCacheBehavior={"TargetOriginId": "nope", "ViewerProtocolPolicy": "allow-all",
                                       "CachePolicyId": CACHING_OPTIMIZED}), "NoSuchOrigin"),
           (dict(DefaultCacheBehavior={"TargetOriginId": "s3", "ViewerProtocolPolicy": "allow-all",
                                       "CachePolicyId": "00000000-0000-0000-0000-000000000000"}), "NoSuchCachePolicy"),
           (dict(DefaultCacheBehavior={"TargetOriginId": "s3", "ViewerProtocolPolicy": "allow-all"}),
            "InvalidArgument"),
           (dict(Aliases={"Quantity": 1, "Items": ["www.example.com"]}), "InvalidViewerCertificate"),
           (dict(DefaultRootObject="/index.html"), "InvalidDefaultRootObject"),
           (dict(CustomErrorResponses={"Quantity": 1, "Items": [{"ErrorCode": 302}]}), "InvalidErrorCode")]
    for over, code in bad:
        r.error_code(lambda: cf.create_distribution(DistributionConfig=distribution_config("bad", oac, **over)), code,
                     f"create refused: {code}")
    origin = dict(distribution_config("x", oac)["Origins"]["Items"][0])
    for changes, code in (({"DomainName": "example.com", "S3OriginConfig": None,
                            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                   "OriginProtocolPolicy": "https-only"}},
                           "InvalidDomainNameForOriginAccessControl"),
                          ({"S3OriginConfig": {"OriginAccessIdentity": "origin-access-identity/cloudfront/E1"}},
                           "IllegalOriginAccessConfiguration"),
                          ({"OriginAccessControlId": "ENOSUCH"}, "InvalidOriginAccessControl")):
        o2 = {k: v for k, v in dict(origin, **changes).items() if v is not None}
        r.error_code(lambda: cf.create_distribution(DistributionConfig=distribution_config(
            "bad", oac, Origins={"Quantity": 1, "Items": [o2]})), code, f"origin refused: {code}")
    d = cf.create_distribution(DistributionConfig=distribution_config("ref-1", oac))
    dist, etag = d["Distribution"]["Id"], d["ETag"]
    r.eq(d["Distribution"]["Status"], "InProgress", "a new distribution is in progress")
    r.check(d["Distribution"]["DomainName"].endswith(".cloudfront.net"), "a cloudfront.net name")
    r.eq(d["Location"], f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist}", "Location")
    r.error_code(lambda: cf.create_distribution(DistributionConfig=distribution_config("ref-1", oac)),
                 "DistributionAlreadyExists", "a CallerReference used before")
    got = cf.get_distribution_config(Id=dist)
    r.eq(got["ETag"], etag, "the config carries the same ETag")
    cfg = got["DistributionConfig"]
    r.eq((cfg["PriceClass"], cfg["Origins"]["Items"][0]["ConnectionAttempts"],
          cfg["DefaultCacheBehavior"]["AllowedMethods"]["Items"], cfg["ViewerCertificate"]["CloudFrontDefaultCertificate"]),
         ("PriceClass_All", 3, ["HEAD", "GET"], True), "CloudFront's defaults filled in")
    r.error_code(lambda: cf.delete_origin_access_control(Id=oac, IfMatch=oac_etag), "OriginAccessControlInUse",
                 "an OAC in use")
    cfg["Enabled"] = False
    r.error_code(lambda: cf.update_distribution(Id=dist, DistributionConfig=cfg), "InvalidIfMatchVersion",
                 "update without If-Match")
    r.error_code(lambda: cf.update_distribution(Id=dist, DistributionConfig=cfg, IfMatch="ESTALE"),
                 "PreconditionFailed", "update with a stale ETag")
    r.error_code(lambda: cf.update_distribution(Id=dist, DistributionConfig=dict(cfg, CallerReference="other"),
                                                IfMatch=etag), "IllegalUpdate", "a new CallerReference")
    u = cf.update_distribution(Id=dist, DistributionConfig=cfg, IfMatch=etag)
    r.check(u["ETag"] != etag, "an update changes the ETag")
    # held in progress by the control request: no race with the clock
    r.eq(fake.control("POST", "/_fake/cloudfront/deployment", {"Id": dist, "action": "hold"})[0], 200, "hold")
    r.error_code(lambda: cf.delete_distribution(Id=dist, IfMatch=u["ETag"]), "DistributionNotDisabled",
                 "disabled but not yet deployed")
    r.eq(fake.control("POST", "/_fake/cloudfront/deployment", {"Id": dist, "action": "finish"})[1].get("Status"),
         "Deployed", "finished by the control request")
    r.eq(fake.control("POST", "/_fake/cloudfront/deployment", {"Id": "ENONE", "action": "finish"})[0], 404,
         "control request for no distribution")
    e2 = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": distribution_config("ref-2", oac, Comment="second"),
        "Tags": {"Items": [{"Key": "ecsdeploy:stack", "Value": "demo"}]}})["Distribution"]
    deadline = time.time() + 30
    while cf.get_distribution(Id=e2["Id"])["Distribution"]["Status"] != "Deployed" and time.time() < deadline:
        time.sleep(0.1)
    r.eq(cf.get_distribution(Id=e2["Id"])["Distribution"]["Status"], "Deployed", "deployed after its time")
    r.eq(cf.list_tags_for_resource(Resource=e2["ARN"])["Tags"]["Items"], [{"Key": "ecsdeploy:stack", "Value": "demo"}],
         "created with tags")
    cf.tag_resource(Resource=e2["ARN"], Tags={"Items": [{"Key": "b", "Value": "2"}]})
    cf.untag_resource(Resource=e2["ARN"], TagKeys={"Items": ["ecsdeploy:stack"]})
    r.eq(cf.list_tags_for_resource(Resource=e2["ARN"])["Tags"]["Items"], [{"Key": "b", "Value": "2"}], "tag, untag")
    r.error_code(lambda: cf.list_tags_for_resource(Resource=e2["ARN"] + "X"), "NoSuchResource", "tags of nothing")
    ids = [s["Id"] for pg in cf.get_paginator("list_distributions").paginate(PaginationConfig={"PageSize": 1})
           for s in pg["DistributionList"].get("Items", [])]
    r.eq(sorted(ids), sorted([dist, e2["Id"]]), "listed page by page")
    cf.delete_distribution(Id=dist, IfMatch=u["ETag"])
    r.error_code(lambda: cf.get_distribution(Id=dist), "NoSuchDistribution", "deleted")
    r.eq([x["id"] for x in fake.control("GET", "/_fake/resources")[1]["cloudfront"]["distributions"]], [e2["Id"]],
         "listed by /_fake/resources")


def main():
    r = Report()
    with Fake() as fake:
        scaling(r, fake)
        cloudfront(r, fake)
    r.finish()


if __name__ == "__main__":
    main()
