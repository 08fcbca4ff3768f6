"""Application Auto Scaling (awsJson1.1) for ECS services: scalable targets, scaling
policies (target tracking with its two CloudWatch alarms named as AWS names them, step,
predictive), scheduled actions, scaling activities, tags.

As AWS: registering needs an ACTIVE ECS service (ValidationException "ECS service doesn't
exist"), creates the service-linked role AWSServiceRoleForApplicationAutoScaling_ECSService
when it is missing, and moves the service's desired count into [min, max] at once (a
scaling activity); a policy or scheduled action needs a registered target
(ObjectNotFoundException); deregistering deletes the target's policies and scheduled
actions. Scheduled actions are kept and listed but never run. Input checks live in
_scaling_checks.py.

Control request (never signed): POST /_fake/application-autoscaling/scale with
{"ResourceId": "service/CLUSTER/SERVICE", "DesiredCount": N, "Region": "us-east-1"} does
what a policy's alarm would: it clamps N into the target's range, sets the ECS service's
desired count and records a scaling activity (404 without a registered target, 409 when
dynamic scaling in that direction is suspended)."""

from ..core import AwsError, RequestContext, Service
from ..util import paginate, untag, utcnow
from . import _scaling_checks as check

SLR_NAME = "AWSServiceRoleForApplicationAutoScaling_ECSService"
SLR_PATH = "/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
POLICIES_PER_TARGET = 50
SCHEDULED_PER_TARGET = 200


def _not_registered(ns, rid, dim):
    return AwsError("ObjectNotFoundException", f"No scalable target registered for service namespace: {ns}, "
                    f"resource ID: {rid}, scalable dimension: {dim}", 400)


class AppAutoScaling(Service):
    name = "application-autoscaling"

    def reset(self):
        self.targets = {}       # (region, namespace, resource id, dimension) -> target
        self.policies = {}      # target key + (policy name,) -> policy
        self.scheduled = {}     # target key + (action name,) -> scheduled action
        self.activities = []    # oldest first

    def resources(self):
        return {"scalable_targets": [{"id": t["ResourceId"], "arn": t["ScalableTargetARN"], "region": k[0],
                                      "min": t["MinCapacity"], "max": t["MaxCapacity"], "tags": t["tags"]}
                                     for k, t in self.targets.items()],
                "scaling_policies": [{"id": p["PolicyName"], "arn": p["PolicyARN"], "resource": p["ResourceId"],
                                      "type": p["PolicyType"]} for p in self.policies.values()],
                "scheduled_actions": [{"id": a["ScheduledActionName"], "arn": a["ScheduledActionARN"],
                                       "resource": a["ResourceId"], "schedule": a["Schedule"]}
                                      for a in self.scheduled.values()]}

    # -- helpers -------------------------------------------------------------------------
    def _key(self, ctx, req):
        return (ctx.region, req["ServiceNamespace"], req["ResourceId"], req["ScalableDimension"])

    def _target(self, ctx, req):
        t = self.targets.get(self._key(ctx, req))
        if t is None:
            raise _not_registered(req["ServiceNamespace"], req["ResourceId"], req["ScalableDimension"])
        return t

    def _ecs_service(self, region, account, rid):
        _, cluster, name = rid.split("/")
        svc = self.world.svc("ecs").services_by_arn.get(f"arn:aws:ecs:{region}:{account}:service/{cluster}/{name}")
        return svc if svc is not None and svc["status"] == "ACTIVE" else None

    def _ensure_role(self, ctx):
        iam = self.world.svc("iam")
        r = iam.roles.get(SLR_NAME)
        if r is None:
            iam.CreateServiceLinkedRole({"AWSServiceName": "ecs.application-autoscaling.amazonaws.com"}, ctx)
        return f"arn:aws:iam::{ctx.account}:role{SLR_PATH}{SLR_NAME}"

    def _arn(self, ctx, kind):
        return f"arn:aws:autoscaling:{ctx.region}:{ctx.account}:{kind}:{self.world.new_uuid()}"

    def _set_desired(self, key, account, count, cause):
        """Set the ECS service's desired count through ECS itself, as the service-linked
        role does, and record the activity."""
        region, ns, rid, dim = key
        _, cluster, name = rid.split("/")
        ectx = RequestContext(self.world, "ecs", "UpdateService", region, None, self.world.new_uuid())
        ectx.account = account
        now = utcnow(self.world)
        act = {"ActivityId": self.world.new_uuid(), "ServiceNamespace": ns, "ResourceId": rid,
               "ScalableDimension": dim, "Description": f"Setting desired count to {count}.", "Cause": cause,
               "StartTime": now, "EndTime": now, "region": region}
        try:
            self.world.svc("ecs").handler("UpdateService")(
                {"cluster": cluster, "service": name, "desiredCount": count}, ectx)
            act.update(StatusCode="Successful",
                       StatusMessage=f"Successfully set desired count to {count}. Change successfully "
                                     "fulfilled by ecs.")
        except AwsError as e:
            act.update(StatusCode="Failed", StatusMessage=f"Failed to set desired count to {count}. "
                                                          f"{e.code}: {e.message}")
        self.activities.append(act)
        return act

    def _clamp(self, key, t, account, cause):
        svc = self._ecs_service(key[0], account, key[2])
        if svc is None:
            return
        n = min(max(svc["desiredCount"], t["MinCapacity"]), t["MaxCapacity"])
        if n != svc["desiredCount"]:
            self._set_desired(key, account, n, cause)

    @staticmethod
    def _page(items, req, key, limit):
        n = req.get("MaxResults")
        if n is not None and not 1 <= n <= limit:
            raise check.invalid(f"MaxResults must be between 1 and {limit}")
        page, nxt = paginate(items, req.get("NextToken"), n, default_limit=limit)
        if page is None:
            raise AwsError("InvalidNextTokenException", "Invalid NextToken", 400)
        return {key: page, "NextToken": nxt}

    def _mine(self, table, ctx, req, names_member=None, name_field=None):
        out = []
        for k, v in table.items():
            if k[0] != ctx.region or k[1] != req["ServiceNamespace"]:
                continue
            if req.get("ResourceId") and k[2] != req["ResourceId"]:
                continue
            if req.get("ScalableDimension") and k[3] != req["ScalableDimension"]:
                continue
            if names_member and req.get(names_member) and v[name_field] not in req[names_member]:
                continue
            out.append(v)
        return out

    @staticmethod
    def _public(d):
        return {k: v for k, v in d.items() if k[:1].isupper()}

    # -- scalable targets ----------------------------------------------------------------
    def RegisterScalableTarget(self, req, ctx):
        ns, rid, dim = req["ServiceNamespace"], req["ResourceId"], req["ScalableDimension"]
        check.ecs_resource(ns, rid, dim)
        key = self._key(ctx, req)
        t = self.targets.get(key)
        mn, mx = req.get("MinCapacity"), req.get("MaxCapacity")
        check.capacities(mn, mx)
        if self._ecs_service(ctx.region, ctx.account, rid) is None:
            raise check.invalid(f"ECS service doesn't exist: {rid}")
        if t is None and (mn is None or mx is None):
            raise check.invalid("MinCapacity and MaxCapacity are required to register a new scalable target")
        new_min = mn if mn is not None else t["MinCapacity"]
        new_max = mx if mx is not None else t["MaxCapacity"]
        check.capacities(new_min, new_max)
        if req.get("RoleARN") is not None and not req["RoleARN"].startswith("arn:aws:iam::"):
            raise check.invalid(f"RoleARN {req['RoleARN']} is not an IAM role ARN")
        role = self._ensure_role(ctx)
        if t is None:
            arn = (f"arn:aws:application-autoscaling:{ctx.region}:{ctx.account}:scalable-target/"
                   + "".join(self.world.random.choice("0123456789abcdef") for _ in range(36)))
            t = {"ServiceNamespace": ns, "ResourceId": rid, "ScalableDimension": dim, "RoleARN": role,
                 "CreationTime": utcnow(self.world), "ScalableTargetARN": arn,
                 "SuspendedState": {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False,
                                    "ScheduledScalingSuspended": False},
                 "tags": check.tags(req.get("Tags")), "account": ctx.account}
            self.targets[key] = t
        t["MinCapacity"], t["MaxCapacity"] = new_min, new_max
        for k, v in (req.get("SuspendedState") or {}).items():
            t["SuspendedState"][k] = v
        self._clamp(key, t, ctx.account, f"minimum capacity was set to {new_min} and maximum capacity "
                                         f"was set to {new_max}")
        return {"ScalableTargetARN": t["ScalableTargetARN"]}

    def DescribeScalableTargets(self, req, ctx):
        mine = [t for t in self._mine(self.targets, ctx, req)
                if not req.get("ResourceIds") or t["ResourceId"] in req["ResourceIds"]]
        return self._page([self._public(t) for t in mine], req, "ScalableTargets", 50)

    def DeregisterScalableTarget(self, req, ctx):
        key = self._key(ctx, req)
        if key not in self.targets:
            raise AwsError("ObjectNotFoundException", f"No scalable target found for service namespace: "
                           f"{key[1]}, resource ID: {key[2]}, scalable dimension: {key[3]}", 400)
        del self.targets[key]
        for table in (self.policies, self.scheduled):
            for k in [k for k in table if k[:4] == key]:
                del table[k]
        return {}

    # -- scaling policies ----------------------------------------------------------------
    def PutScalingPolicy(self, req, ctx):
        t = self._target(ctx, req)
        key = self._key(ctx, req) + (req["PolicyName"],)
        svc = self._ecs_service(ctx.region, ctx.account, req["ResourceId"])
        ptype, config = check.policy_config(self.world, ctx, req, svc)
        p = self.policies.get(key)
        if p is None:
            if sum(1 for k in self.policies if k[:4] == key[:4]) >= POLICIES_PER_TARGET:
                raise AwsError("LimitExceededException", f"A scalable target can have at most "
                               f"{POLICIES_PER_TARGET} scaling policies", 400)
            p = {"PolicyARN": self._arn(ctx, "scalingPolicy") + f":resource/{t['ServiceNamespace']}/"
                 f"{t['ResourceId']}:policyName/{req['PolicyName']}", "PolicyName": req["PolicyName"],
                 "ServiceNamespace": t["ServiceNamespace"], "ResourceId": t["ResourceId"],
                 "ScalableDimension": t["ScalableDimension"], "CreationTime": utcnow(self.world)}
            self.policies[key] = p
        for m in ("TargetTrackingScalingPolicyConfiguration", "StepScalingPolicyConfiguration",
                  "PredictiveScalingPolicyConfiguration", "Alarms"):
            p.pop(m, None)
        p["PolicyType"] = ptype
        p.update(config)
        if ptype == "TargetTrackingScaling":
            ends = ["AlarmHigh"] + ([] if config[next(iter(config))].get("DisableScaleIn") else ["AlarmLow"])
            p["Alarms"] = []
            for end in ends:
                name = f"TargetTracking-{t['ResourceId']}-{end}-{self.world.new_uuid()}"
                p["Alarms"].append({"AlarmName": name,
                                    "AlarmARN": f"arn:aws:cloudwatch:{ctx.region}:{ctx.account}:alarm:{name}"})
        return {"PolicyARN": p["PolicyARN"], "Alarms": p.get("Alarms")}

    def DescribeScalingPolicies(self, req, ctx):
        mine = self._mine(self.policies, ctx, req, "PolicyNames", "PolicyName")
        return self._page([dict(p) for p in mine], req, "ScalingPolicies", 10)

    def DeleteScalingPolicy(self, req, ctx):
        key = self._key(ctx, req) + (req["PolicyName"],)
        if key not in self.policies:
            raise AwsError("ObjectNotFoundException", f"No scaling policy found for service namespace: {key[1]}, "
                           f"resource ID: {key[2]}, scalable dimension: {key[3]}, policy name: {key[4]}", 400)
        del self.policies[key]
        return {}

    # -- scheduled actions ---------------------------------------------------------------
    def PutScheduledAction(self, req, ctx):
        t = self._target(ctx, req)
        key = self._key(ctx, req) + (req["ScheduledActionName"],)
        a = self.scheduled.get(key)
        expr = req.get("Schedule") or (a or {}).get("Schedule")
        if expr is None:
            raise check.invalid("Schedule is required when creating a scheduled action")
        tz = req.get("Timezone") if req.get("Timezone") is not None else (a or {}).get("Timezone")
        check.schedule(expr, tz)
        start, end = req.get("StartTime"), req.get("EndTime")
        if start is not None and end is not None and end <= start:
            raise check.invalid("EndTime must be after StartTime")
        action = req.get("ScalableTargetAction") or (a or {}).get("ScalableTargetAction")
        if action is not None:
            check.capacities(action.get("MinCapacity"), action.get("MaxCapacity"))
        if a is None:
            if sum(1 for k in self.scheduled if k[:4] == key[:4]) >= SCHEDULED_PER_TARGET:
                raise AwsError("LimitExceededException", f"A scalable target can have at most "
                               f"{SCHEDULED_PER_TARGET} scheduled actions", 400)
            a = {"ScheduledActionName": req["ScheduledActionName"],
                 "ScheduledActionARN": self._arn(ctx, "scheduledAction") + f":resource/{t['ServiceNamespace']}/"
                 f"{t['ResourceId']}:scheduledActionName/{req['ScheduledActionName']}",
                 "ServiceNamespace": t["ServiceNamespace"], "ResourceId": t["ResourceId"],
                 "ScalableDimension": t["ScalableDimension"], "CreationTime": utcnow(self.world)}
            self.scheduled[key] = a
        # AWS: start and end times not given in an update are removed
        a.update(Schedule=expr, Timezone=tz, StartTime=start, EndTime=end, ScalableTargetAction=action)
        return {}

    def DescribeScheduledActions(self, req, ctx):
        mine = self._mine(self.scheduled, ctx, req, "ScheduledActionNames", "ScheduledActionName")
        return self._page([{k: v for k, v in a.items() if v is not None} for a in mine], req,
                          "ScheduledActions", 50)

    def DeleteScheduledAction(self, req, ctx):
        key = self._key(ctx, req) + (req["ScheduledActionName"],)
        if key not in self.scheduled:
            raise AwsError("ObjectNotFoundException", f"No scheduled action found for service namespace: "
                           f"{key[1]}, resource ID: {key[2]}, scalable dimension: {key[3]}, scheduled action "
                           f"name: {key[4]}", 400)
        del self.scheduled[key]
        return {}

    # -- activities and tags --------------------------------------------------------------
    def DescribeScalingActivities(self, req, ctx):
        mine = [self._public(a) for a in reversed(self.activities)
                if a["region"] == ctx.region and a["ServiceNamespace"] == req["ServiceNamespace"]
                and (not req.get("ResourceId") or a["ResourceId"] == req["ResourceId"])
                and (not req.get("ScalableDimension") or a["ScalableDimension"] == req["ScalableDimension"])]
        return self._page(mine, req, "ScalingActivities", 50)

    def _by_arn(self, arn):
        for t in self.targets.values():
            if t["ScalableTargetARN"] == arn:
                return t
        raise AwsError("ResourceNotFoundException", f"No scalable target found for ARN {arn}", 400,
                       extra={"ResourceName": arn})

    def TagResource(self, req, ctx):
        t = self._by_arn(req["ResourceARN"])
        t["tags"] = check.tags(req["Tags"], t["tags"])
        return {}

    def UntagResource(self, req, ctx):
        t = self._by_arn(req["ResourceARN"])
        untag(t["tags"], req["TagKeys"])
        return {}

    def ListTagsForResource(self, req, ctx):
        return {"Tags": dict(self._by_arn(req["ResourceARN"])["tags"])}

    # -- control API: a scaling activity on demand ----------------------------------------
    def control(self, method, segs, doc):
        if method != "POST" or segs != ["scale"]:
            return 404, {"error": "application-autoscaling control: POST /_fake/application-autoscaling/scale"}
        if not isinstance(doc, dict) or not isinstance(doc.get("ResourceId"), str) \
                or not isinstance(doc.get("DesiredCount"), int) or doc["DesiredCount"] < 0:
            return 400, {"error": 'give {"ResourceId": "service/CLUSTER/SERVICE", "DesiredCount": N}'}
        key = (doc.get("Region") or "us-east-1", "ecs", doc["ResourceId"], check.DIMENSION)
        t = self.targets.get(key)
        if t is None:
            return 404, {"error": "ObjectNotFoundException", "message": str(_not_registered(*key[1:]))}
        svc = self._ecs_service(key[0], t["account"], key[2])
        if svc is None:
            return 404, {"error": "ServiceNotFoundException", "message": f"ECS service doesn't exist: {key[2]}"}
        n = min(max(doc["DesiredCount"], t["MinCapacity"]), t["MaxCapacity"])
        out = n > svc["desiredCount"]
        if n != svc["desiredCount"] and t["SuspendedState"]["DynamicScalingOutSuspended" if out
                                                            else "DynamicScalingInSuspended"]:
            return 409, {"error": "SuspendedState", "message": f"dynamic scaling {'out' if out else 'in'} "
                                                               "is suspended for this target"}
        pol = next((p for k, p in self.policies.items() if k[:4] == key and p.get("Alarms")), None)
        cause = (f"monitor alarm {pol['Alarms'][0 if out else -1]['AlarmName']} in state ALARM triggered policy "
                 f"{pol['PolicyName']}" if pol else "a scaling request through the fakeaws control API")
        act = self._set_desired(key, t["account"], n, cause)
        return 200, {"desiredCount": n, "activity": self._public(act)}


SERVICE = AppAutoScaling
