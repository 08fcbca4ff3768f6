"""The input checks of Application Auto Scaling that need more than the model: resource
ids, schedule expressions and time zones, target tracking configurations (with the ALB
resource label that must name a real load balancer and target group of the service).
Each raises AwsError as the service answers; messages follow AWS where it is known."""

import datetime
import re

from ..core import AwsError

DIMENSION = "ecs:service:DesiredCount"
ECS_METRICS = ("ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization",
               "ECSServiceAverageCPUUtilizationHighResolution",
               "ECSServiceAverageMemoryUtilizationHighResolution", "ALBRequestCountPerTarget")
_LABEL_RX = re.compile(r"(app/[^/]+/[0-9a-f]+)/(targetgroup/[^/]+/[0-9a-f]+)")
_AT_RX = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_RATE_RX = re.compile(r"rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)")
_CRON_RX = re.compile(r"cron\(([^)]*)\)")
_CRON_FIELD_RX = re.compile(r"[0-9A-Za-z*?,/#-]+")
_ZONES = None


def invalid(msg):
    return AwsError("ValidationException", msg, 400)


def ecs_resource(ns, rid, dim):
    """(cluster, service) of an ECS scalable target id; the fake models ECS only."""
    if ns != "ecs":
        raise invalid(f"fakeaws models ECS services only; service namespace {ns} is not supported here")
    parts = rid.split("/")
    if dim != DIMENSION or len(parts) != 3 or parts[0] != "service" or not parts[1] or not parts[2]:
        raise invalid("Unsupported service namespace, resource type or scalable dimension")
    return parts[1], parts[2]


def capacities(mn, mx):
    for v, what in ((mn, "MinCapacity"), (mx, "MaxCapacity")):
        if v is not None and v < 0:
            raise invalid(f"{what} must be greater than or equal to 0")
    if mn is not None and mx is not None and mn > mx:
        raise invalid("Minimum capacity cannot be greater than maximum capacity")


def _timezones():
    global _ZONES
    if _ZONES is None:
        try:
            import zoneinfo
            _ZONES = set(zoneinfo.available_timezones()) | {"UTC"}
        except Exception:      # no zone data: nothing to check against
            _ZONES = set()
    return _ZONES


def schedule(expr, tz):
    """An at(), rate() or cron() expression as Application Auto Scaling reads them."""
    bad = invalid(f"Invalid schedule expression: {expr}. Use at(yyyy-mm-ddThh:mm:ss), "
                  "rate(value unit) or cron(minutes hours day-of-month month day-of-week year)")
    m = _AT_RX.fullmatch(expr)
    if m:
        try:
            datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            raise bad
    elif _RATE_RX.fullmatch(expr):
        if int(_RATE_RX.fullmatch(expr).group(1)) < 1:
            raise bad
    elif _CRON_RX.fullmatch(expr):
        fields = _CRON_RX.fullmatch(expr).group(1).split()
        if len(fields) != 6 or not all(_CRON_FIELD_RX.fullmatch(f) for f in fields):
            raise bad
        # as in every AWS cron: one of day-of-month and day-of-week must be '?'
        if (fields[2] == "?") == (fields[4] == "?"):
            raise invalid(f"Invalid schedule expression: {expr}. Specify '?' for exactly one of "
                          "day-of-month and day-of-week")
    else:
        raise bad
    if tz is not None and _timezones() and tz not in _timezones():
        raise invalid(f"Invalid time zone: {tz}. Use a canonical IANA time zone name such as "
                      "Europe/Paris or Etc/GMT+9")


def _resource_label(world, ctx, label, ecs_service, rid):
    m = _LABEL_RX.fullmatch(label)
    if not m:
        raise invalid(f"Invalid resource label {label}: expected app/<load-balancer-name>/<load-balancer-id>"
                      "/targetgroup/<target-group-name>/<target-group-id>")
    base = f"arn:aws:elasticloadbalancing:{ctx.region}:{ctx.account}:"
    lb_arn, tg_arn = base + "loadbalancer/" + m.group(1), base + m.group(2)
    tg = world.svc("elbv2").target_group(tg_arn)
    if tg is None:
        raise invalid(f"Target group {tg_arn} does not exist")
    if lb_arn not in (tg.get("LoadBalancerArns") or []):
        raise invalid(f"Target group {tg_arn} is not associated with load balancer {lb_arn}")
    attached = [lb.get("targetGroupArn") for lb in (ecs_service or {}).get("loadBalancers") or []]
    if tg_arn not in attached:
        raise invalid(f"Target group {tg_arn} is not attached to the ECS service {rid}")


def target_tracking(world, ctx, cfg, ecs_service, rid):
    if cfg is None:
        raise invalid("TargetTrackingScalingPolicyConfiguration is required for policy type TargetTrackingScaling")
    pre, cust = cfg.get("PredefinedMetricSpecification"), cfg.get("CustomizedMetricSpecification")
    if (pre is None) == (cust is None):
        raise invalid("Specify exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification")
    if not 0 < cfg["TargetValue"] < 2.0 ** 360:
        raise invalid(f"TargetValue {cfg['TargetValue']} is out of range: it must be greater than 0")
    for k in ("ScaleInCooldown", "ScaleOutCooldown"):
        if cfg.get(k) is not None and not 0 <= cfg[k] <= 86400:
            raise invalid(f"{k} must be between 0 and 86400 seconds")
    if pre is not None:
        mt, label = pre["PredefinedMetricType"], pre.get("ResourceLabel")
        if mt not in ECS_METRICS:
            raise invalid(f"Predefined metric type {mt} is not supported for service namespace ecs")
        if mt == "ALBRequestCountPerTarget":
            if not label:
                raise invalid("Resource label should be specified for predefined metric type "
                              "ALBRequestCountPerTarget")
            _resource_label(world, ctx, label, ecs_service, rid)
        elif label:
            raise invalid(f"A resource label can be specified only for predefined metric type "
                          f"ALBRequestCountPerTarget, not {mt}")
    elif not cust.get("Metrics") and not (cust.get("MetricName") and cust.get("Namespace")
                                          and cust.get("Statistic")):
        raise invalid("CustomizedMetricSpecification needs MetricName, Namespace and Statistic, or Metrics")


def policy_config(world, ctx, req, ecs_service):
    """The configuration of a PutScalingPolicy for its type: (type, {member: value})."""
    ptype = req.get("PolicyType")
    configs = {"TargetTrackingScaling": "TargetTrackingScalingPolicyConfiguration",
               "StepScaling": "StepScalingPolicyConfiguration",
               "PredictiveScaling": "PredictiveScalingPolicyConfiguration"}
    if ptype is None:
        raise invalid("PolicyType is required when creating a scaling policy")
    given = [m for m in configs.values() if req.get(m) is not None]
    if any(m != configs[ptype] for m in given):
        raise invalid(f"Only {configs[ptype]} may be given for a {ptype} policy")
    member = configs[ptype]
    if ptype == "TargetTrackingScaling":
        target_tracking(world, ctx, req.get(member), ecs_service, req["ResourceId"])
    elif req.get(member) is None:
        raise invalid(f"{member} is required for policy type {ptype}")
    elif ptype == "StepScaling" and not req[member].get("StepAdjustments"):
        raise invalid("StepScalingPolicyConfiguration needs at least one StepAdjustment")
    return ptype, {member: req[member]}


def tags(tag_map, have=None):
    merged = dict(have or {})
    for k, v in (tag_map or {}).items():
        if k.lower().startswith("aws:"):
            raise invalid(f"Tag keys starting with 'aws:' are reserved: {k}")
        merged[k] = v
    if len(merged) > 50:
        raise AwsError("TooManyTagsException", "A scalable target can have at most 50 tags", 400)
    return merged
