"""ELBv2: load balancers, target groups, targets and their health, attributes."""

import ipaddress
import re

from fakeaws.core import AwsError
from fakeaws.util import must_get
from fakeaws.services._net.common import paginate, utc

LB_ACTIVE_RANGE = (60, 150)      # provisioning -> active, AWS seconds
LB_ENI_LINGER = 240              # ALB interfaces stay a while after the ALB is gone
# Each region's canonical hosted zone of its Application Load Balancers (AWS General
# Reference, "Elastic Load Balancing endpoints"): what an alias record to one must name.
HOSTED_ZONES = {"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2",
                "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
                "ca-central-1": "ZQSVJUPU6J1EY", "sa-east-1": "Z2P70J7HTTTPLU",
                "eu-west-1": "Z32O12XQLNTSW2", "eu-west-2": "ZHURV8PSTC4K8",
                "eu-west-3": "Z3Q77PNBQS71R4", "eu-central-1": "Z215JYRZR1TBD5",
                "eu-north-1": "Z23TAZ6LKFMNIO", "eu-south-1": "Z3ULH7SSC9OV64",
                "ap-south-1": "ZP97RAFLXTNZK", "ap-east-1": "Z3DQVH9N71FHZ0",
                "ap-northeast-1": "Z14GRHDCWA56QT", "ap-northeast-2": "ZWKZPGTI48KDX",
                "ap-northeast-3": "Z5LXEXXYW11ES", "ap-southeast-1": "Z1LMS91P8CMLE5",
                "ap-southeast-2": "Z1GM3OXH4ZPM65", "me-south-1": "ZS929ML54UICD",
                "af-south-1": "Z268VQBMOI5EKX"}

LB_ATTRS = {
    "access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
    "connection_logs.s3.enabled": "false", "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "", "idle_timeout.timeout_seconds": "60",
    "client_keep_alive.seconds": "3600", "deletion_protection.enabled": "false",
    "routing.http2.enabled": "true", "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "load_balancing.cross_zone.enabled": "true", "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}
TG_ATTRS = {
    "deregistration_delay.timeout_seconds": "300", "stickiness.enabled": "false",
    "stickiness.type": "lb_cookie", "stickiness.lb_cookie.duration_seconds": "86400",
    "stickiness.app_cookie.cookie_name": "", "stickiness.app_cookie.duration_seconds": "86400",
    "slow_start.duration_seconds": "0", "load_balancing.algorithm.type": "round_robin",
    "load_balancing.algorithm.anomaly_mitigation": "off",
    "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
    "target_group_health.dns_failover.minimum_healthy_targets.count": "1",
    "target_group_health.dns_failover.minimum_healthy_targets.percentage": "off",
    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": "1",
    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
}
BOOL_VALUES = ("true", "false")


def _int_between(key, value, lo, hi):
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = None
    if n is None or not lo <= n <= hi:
        raise AwsError("ValidationError",
                       f"The value of '{key}' must be an integer between {lo} and {hi}")


def _one_of(key, value, options):
    if value not in options:
        raise AwsError("ValidationError",
                       f"The value of '{key}' must be one of: {', '.join(options)}")


def check_name(kind, name):
    """ALB and target group names: 1-32 letters, digits, hyphens; no hyphen at either
    end; not starting with internal-."""
    if len(name) > 32:
        raise AwsError("ValidationError",
                       f"{kind} name '{name}' cannot be longer than '32' characters")
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise AwsError("ValidationError",
                       f"{kind} name '{name}' can contain only alphanumeric characters "
                       "and hyphens")
    if name.startswith("-") or name.endswith("-"):
        raise AwsError("ValidationError",
                       f"{kind} name '{name}' cannot begin or end with '-'")
    if name.lower().startswith("internal-"):
        raise AwsError("ValidationError",
                       f"{kind} name '{name}' cannot begin with 'internal-'")


class LoadBalancerMixin:
    """Load balancers, target groups and targets (part of the ELBv2 class)."""

    # ---- load balancers ---------------------------------------------------

    def _lb(self, arn):
        return must_get(self.lbs, arn,
                        lambda: AwsError("LoadBalancerNotFound", f"Load balancer '{arn}' not found"))

    def _lb_state(self, lb, at=None):
        """The load balancer's state now, or at time `at` (epoch seconds, not after now)."""
        ready = self.world.clock.reached(lb["ready_at"]) if at is None else lb["ready_at"] <= at
        if self.hold_provisioning or not ready:
            return "provisioning"
        if lb["scheme"] == "internet-facing" and \
                not self.world.svc("ec2").has_internet_gateway(lb["vpc_id"]):
            return "provisioning"
        return "active"

    def _render_lb(self, lb):
        ec2 = self.world.svc("ec2")
        zones = []
        for sid in lb["subnets"]:
            sub = ec2.subnet(sid)
            zones.append({"ZoneName": sub["AvailabilityZone"] if sub else lb["zones"][sid],
                          "SubnetId": sid})
        return {"LoadBalancerArn": lb["arn"], "DNSName": lb["dns"],
                "CanonicalHostedZoneId": HOSTED_ZONES.get(lb["region"], "Z35SXDOTRQ7X7K"),
                "CreatedTime": utc(lb["created"]), "LoadBalancerName": lb["name"],
                "Scheme": lb["scheme"], "VpcId": lb["vpc_id"],
                "State": {"Code": self._lb_state(lb)}, "Type": "application",
                "AvailabilityZones": zones, "SecurityGroups": list(lb["sgs"]),
                "IpAddressType": lb["ip_type"]}

    def _lb_subnets(self, req):
        ec2 = self.world.svc("ec2")
        ids = list(req.get("Subnets") or [])
        ids += [m["SubnetId"] for m in req.get("SubnetMappings") or [] if m.get("SubnetId")]
        if not ids:
            raise AwsError("ValidationError",
                           "At least two subnets in two different Availability Zones must "
                           "be specified")
        subs = []
        for sid in ids:
            sub = ec2.subnet(sid)
            if sub is None:
                raise AwsError("SubnetNotFound", f"The subnet ID '{sid}' is not valid")
            subs.append(sub)
        if len({s["VpcId"] for s in subs}) > 1:
            raise AwsError("InvalidConfigurationRequest",
                           "The subnets must all be in the same VPC")
        zones = [s["AvailabilityZone"] for s in subs]
        if len(set(zones)) != len(zones):
            raise AwsError("InvalidConfigurationRequest",
                           "A load balancer cannot be attached to multiple subnets in the "
                           "same Availability Zone")
        if len(zones) < 2:
            raise AwsError("ValidationError",
                           "At least two subnets in two different Availability Zones must "
                           "be specified")
        return subs

    @staticmethod
    def _check_ip_type(ip_type, scheme, subs):
        """dualstack: internet-facing only, every subnet with an IPv6 block (as AWS)."""
        if ip_type not in ("ipv4", "dualstack", "dualstack-without-public-ipv4"):
            raise AwsError("ValidationError", f"IP address type '{ip_type}' is not valid")
        if ip_type == "ipv4":
            return
        if scheme == "internal":
            raise AwsError("InvalidConfigurationRequest", "Internal load balancers must use the ipv4 IP address type")
        bare = [s["SubnetId"] for s in subs if not s.get("Ipv6CidrBlockAssociationSet")]
        if bare:
            raise AwsError("InvalidSubnet", f"The following subnets do not have an IPv6 CIDR block, which a "
                                            f"{ip_type} load balancer needs: {', '.join(bare)}")

    def SetIpAddressType(self, req, ctx):
        lb = self._lb(req["LoadBalancerArn"])
        ec2 = self.world.svc("ec2")
        self._check_ip_type(req["IpAddressType"], lb["scheme"], [ec2.subnet(sid) for sid in lb["subnets"]])
        lb["ip_type"] = req["IpAddressType"]
        return {"IpAddressType": lb["ip_type"]}

    def CreateLoadBalancer(self, req, ctx):
        name = req["Name"]
        check_name("Load balancer", name)
        if (req.get("Type") or "application") != "application":
            raise AwsError("ValidationError",
                           "This fake models application load balancers only")
        scheme = req.get("Scheme") or "internet-facing"
        subs = self._lb_subnets(req)
        vpc_id = subs[0]["VpcId"]
        ec2 = self.world.svc("ec2")
        self._check_ip_type(req.get("IpAddressType") or "ipv4", scheme, subs)
        sgs = self._lb_groups(req.get("SecurityGroups") or [], vpc_id)
        if not sgs:
            sgs = [g["id"] for g in ec2.sgs.values() if g["vpc_id"] == vpc_id and g["is_default"]]
        settings = (scheme, tuple(sorted(s["SubnetId"] for s in subs)), tuple(sorted(sgs)))
        for lb in self.lbs.values():
            if lb["name"] == name and lb["region"] == ctx.region:
                if lb["settings"] == settings:
                    return {"LoadBalancers": [self._render_lb(lb)]}
                raise AwsError("DuplicateLoadBalancerName",
                               f"A load balancer with the same name '{name}' exists, but with "
                               "different settings")
        if scheme == "internet-facing" and not ec2.has_internet_gateway(vpc_id):
            raise AwsError("InvalidSubnet", f"VPC {vpc_id} has no internet gateway")
        for sub in subs:
            if sub["AvailableIpAddressCount"] < 8:
                raise AwsError("InvalidSubnet",
                               f"Not enough IP space available in {sub['SubnetId']}. ELB "
                               "requires at least 8 free IP addresses in each subnet.")
        tags = self._tags_in(req)
        lb_id = "".join(self.world.random.choice("0123456789abcdef") for _ in range(16))
        arn = self.world.arn("elasticloadbalancing", ctx.region,
                             f"loadbalancer/app/{name}/{lb_id}")
        num = self.world.random.randrange(10 ** 9, 10 ** 10)
        prefix = "internal-" if scheme == "internal" else ""
        lb = {"arn": arn, "id": lb_id, "name": name, "region": ctx.region, "scheme": scheme,
              "vpc_id": vpc_id, "subnets": [s["SubnetId"] for s in subs],
              "zones": {s["SubnetId"]: s["AvailabilityZone"] for s in subs}, "sgs": sgs,
              "ip_type": req.get("IpAddressType") or "ipv4", "settings": settings,
              "dns": f"{prefix}{name}-{num}.{ctx.region}.elb.amazonaws.com",
              "created": self.world.clock.now(),
              "ready_at": self.world.clock.after(self.world.random.uniform(*LB_ACTIVE_RANGE)),
              "attrs": dict(LB_ATTRS), "enis": {}}
        for sub in subs:
            self._lb_eni(lb, sub["SubnetId"])
        self.lbs[arn] = lb
        self.tags[arn] = tags
        return {"LoadBalancers": [self._render_lb(lb)]}

    def _lb_eni(self, lb, subnet_id):
        eni = self.world.svc("ec2").create_network_interface(
            subnet_id, lb["sgs"], f"ELB app/{lb['name']}/{lb['id']}", "amazon-elb")
        lb["enis"][subnet_id] = eni["NetworkInterfaceId"]

    def _lb_groups(self, req_groups, vpc_id):
        ec2 = self.world.svc("ec2")
        for gid in req_groups:
            sg = ec2.security_group(gid)
            if sg is None or sg["VpcId"] != vpc_id:
                raise AwsError("InvalidSecurityGroup",
                               f"One or more security groups are invalid: '{gid}'")
        return list(dict.fromkeys(req_groups))

    def SetSecurityGroups(self, req, ctx):
        lb = self._lb(req["LoadBalancerArn"])
        if not req["SecurityGroups"]:
            raise AwsError("InvalidConfigurationRequest",
                           "An application load balancer must have at least one security group")
        lb["sgs"] = self._lb_groups(req["SecurityGroups"], lb["vpc_id"])
        ec2 = self.world.svc("ec2")
        for eni_id in lb["enis"].values():
            if eni_id in ec2.enis:
                ec2.enis[eni_id]["groups"] = list(lb["sgs"])
        lb["settings"] = lb["settings"][:2] + (tuple(sorted(lb["sgs"])),)
        return {"SecurityGroupIds": list(lb["sgs"])}

    def SetSubnets(self, req, ctx):
        lb = self._lb(req["LoadBalancerArn"])
        subs = self._lb_subnets(req)
        if subs[0]["VpcId"] != lb["vpc_id"]:
            raise AwsError("InvalidConfigurationRequest",
                           "The subnets must be in the load balancer's VPC "
                           f"'{lb['vpc_id']}'")
        self._check_ip_type(req.get("IpAddressType") or lb["ip_type"], lb["scheme"], subs)
        lb["ip_type"] = req.get("IpAddressType") or lb["ip_type"]
        ec2 = self.world.svc("ec2")
        wanted = [s["SubnetId"] for s in subs]
        for sid in [x for x in lb["enis"] if x not in wanted]:
            ec2.release_network_interface(lb["enis"].pop(sid), LB_ENI_LINGER)
        for sub in subs:
            if sub["SubnetId"] not in lb["enis"]:
                self._lb_eni(lb, sub["SubnetId"])
        lb["subnets"] = wanted
        lb["zones"] = {s["SubnetId"]: s["AvailabilityZone"] for s in subs}
        lb["settings"] = (lb["settings"][0], tuple(sorted(wanted)), lb["settings"][2])
        return {"AvailabilityZones": self._render_lb(lb)["AvailabilityZones"],
                "IpAddressType": lb["ip_type"]}

    def DescribeLoadBalancers(self, req, ctx):
        arns, names = req.get("LoadBalancerArns"), req.get("Names")
        if arns and names:
            raise AwsError("ValidationError",
                           "Load balancer names and load balancer ARNs cannot be specified "
                           "at the same time")
        mine = [lb for lb in self.lbs.values() if lb["region"] == ctx.region]
        if arns:
            missing = [a for a in arns if a not in self.lbs]
            if missing:
                raise AwsError("LoadBalancerNotFound", "One or more load balancers not found")
            mine = [self.lbs[a] for a in dict.fromkeys(arns)]
        elif names:
            by_name = {lb["name"]: lb for lb in mine}
            missing = [n for n in names if n not in by_name]
            if missing:
                raise AwsError("LoadBalancerNotFound",
                               f"Load balancers '[{', '.join(missing)}]' not found")
            mine = [by_name[n] for n in dict.fromkeys(names)]
        return paginate([self._render_lb(lb) for lb in mine], req, "LoadBalancers",
                        "Marker", "PageSize", out_field="NextMarker")

    def DeleteLoadBalancer(self, req, ctx):
        lb = self.lbs.get(req["LoadBalancerArn"])
        if lb is None:
            return {}      # AWS: deleting a load balancer that is gone succeeds
        if lb["attrs"]["deletion_protection.enabled"] == "true":
            raise AwsError("OperationNotPermitted",
                           f"Load balancer '{lb['arn']}' cannot be deleted because deletion "
                           "protection is enabled")
        for larn in [a for a, li in self.listeners.items() if li["lb_arn"] == lb["arn"]]:
            self._drop_listener(larn)
        ec2 = self.world.svc("ec2")
        for eni in lb["enis"].values():
            ec2.release_network_interface(eni, LB_ENI_LINGER)
        del self.lbs[lb["arn"]]
        self.tags.pop(lb["arn"], None)
        return {}

    def _check_attrs(self, attrs, known, validators, kind):
        for a in attrs:
            key, value = a.get("Key"), a.get("Value", "")
            if key not in known:
                raise AwsError("ValidationError",
                               f"{kind} attribute key '{key}' is not recognized")
            check = validators.get(key)
            if check:
                check(key, value)
            elif known[key] in BOOL_VALUES and value not in BOOL_VALUES:
                raise AwsError("ValidationError",
                               f"{kind} attribute '{key}' must be 'true' or 'false'")

    def DescribeLoadBalancerAttributes(self, req, ctx):
        lb = self._lb(req["LoadBalancerArn"])
        return {"Attributes": [{"Key": k, "Value": v} for k, v in lb["attrs"].items()]}

    def ModifyLoadBalancerAttributes(self, req, ctx):
        lb = self._lb(req["LoadBalancerArn"])
        self._refuse_if_not_ready(lb, "ModifyLoadBalancerAttributes")
        validators = {
            "idle_timeout.timeout_seconds": lambda k, v: _int_between(k, v, 1, 4000),
            "routing.http.xff_header_processing.mode": lambda k, v: _one_of(
                k, v, ("append", "preserve", "remove")),
            "routing.http.desync_mitigation_mode": lambda k, v: _one_of(
                k, v, ("monitor", "defensive", "strictest")),
            "client_keep_alive.seconds": lambda k, v: _int_between(k, v, 60, 604800),
        }
        self._check_attrs(req["Attributes"], LB_ATTRS, validators, "Load balancer")
        for a in req["Attributes"]:
            if a["Key"] == "access_logs.s3.enabled" and a.get("Value") == "true" and not \
                    any(b["Key"] == "access_logs.s3.bucket" and b.get("Value")
                        for b in req["Attributes"]) and not lb["attrs"]["access_logs.s3.bucket"]:
                raise AwsError("InvalidConfigurationRequest",
                               "The value of 'access_logs.s3.bucket' cannot be empty when "
                               "access logs are enabled")
        for a in req["Attributes"]:
            lb["attrs"][a["Key"]] = a.get("Value", "")
        return {"Attributes": [{"Key": k, "Value": v} for k, v in lb["attrs"].items()]}

    # ---- target groups ----------------------------------------------------

    def _tg(self, arn):
        return must_get(self.tgs, arn,
                        lambda: AwsError("TargetGroupNotFound", f"Target groups '{arn}' not found"))

    def _tg_lbs(self, tg):
        """ARNs of the load balancers whose listeners or rules forward to this group."""
        out = []
        for li in self.listeners.values():
            users = [li["actions"]] + [r["actions"] for r in self.rules.values()
                                        if r["listener_arn"] == li["arn"]]
            if any(tg["arn"] in self._action_tgs(acts) for acts in users):
                if li["lb_arn"] not in out:
                    out.append(li["lb_arn"])
        return out

    def _render_tg(self, tg):
        out = {"TargetGroupArn": tg["arn"], "TargetGroupName": tg["name"],
               "Protocol": tg["protocol"], "Port": tg["port"], "VpcId": tg["vpc_id"],
               "TargetType": tg["type"], "LoadBalancerArns": self._tg_lbs(tg),
               "IpAddressType": "ipv4"}
        out.update(tg["hc"])
        if tg["protocol"] in ("HTTP", "HTTPS"):
            out["ProtocolVersion"] = tg["version"]
        return {k: v for k, v in out.items() if v is not None}

    def _health_check(self, req, base, protocol, ttype="ip"):
        if req.get("HealthCheckEnabled") is False and ttype != "lambda":
            raise AwsError("ValidationError",
                           f"Health checks cannot be disabled for target groups with target "
                           f"type '{ttype}'")
        hc = dict(base)
        for k in ("HealthCheckProtocol", "HealthCheckPort", "HealthCheckEnabled",
                  "HealthCheckPath", "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds",
                  "HealthyThresholdCount", "UnhealthyThresholdCount", "Matcher"):
            if req.get(k) is not None:
                hc[k] = req[k]
        checks = (("HealthCheckIntervalSeconds", 5, 300), ("HealthCheckTimeoutSeconds", 2, 120),
                  ("HealthyThresholdCount", 2, 10), ("UnhealthyThresholdCount", 2, 10))
        for k, lo, hi in checks:
            if not lo <= hc[k] <= hi:
                raise AwsError("ValidationError",
                               f"{k} must be between {lo} and {hi}, got {hc[k]}")
        if hc["HealthCheckTimeoutSeconds"] >= hc["HealthCheckIntervalSeconds"]:
            raise AwsError("InvalidConfigurationRequest",
                           "Health check timeout must be smaller than the interval")
        path = hc.get("HealthCheckPath")
        if path is not None and (not path.startswith("/") or len(path) > 1024):
            raise AwsError("ValidationError",
                           "Health check path must begin with '/' and be at most 1024 characters")
        port = hc["HealthCheckPort"]
        if port != "traffic-port" and not (port.isdigit() and 1 <= int(port) <= 65535):
            raise AwsError("ValidationError",
                           f"Health check port '{port}' must be 'traffic-port' or 1-65535")
        code = (hc.get("Matcher") or {}).get("HttpCode", "200")
        for part in code.replace("-", ",").split(","):
            if not part.isdigit() or not 200 <= int(part) <= 499:
                raise AwsError("ValidationError",
                               f"Health check matcher HTTP code '{code}' must be within 200-499")
        if hc["HealthCheckProtocol"] not in ("HTTP", "HTTPS") and protocol in ("HTTP", "HTTPS"):
            raise AwsError("ValidationError",
                           "Health check protocol must be HTTP or HTTPS for this target group")
        return hc

    def CreateTargetGroup(self, req, ctx):
        name = req["Name"]
        check_name("Target group", name)
        ttype = req.get("TargetType") or "instance"
        protocol, port, vpc_id = req.get("Protocol"), req.get("Port"), req.get("VpcId")
        if ttype != "lambda":
            for val, what in ((protocol, "protocol"), (port, "port"), (vpc_id, "VPC ID")):
                if val is None:
                    raise AwsError("ValidationError",
                                   f"A {what} must be specified")
            if self.world.svc("ec2").vpc(vpc_id) is None:
                raise AwsError("ValidationError", f"The VPC ID '{vpc_id}' is not found")
            if not 1 <= port <= 65535:
                raise AwsError("ValidationError", "Port must be between 1 and 65535")
        hproto = req.get("HealthCheckProtocol") or (protocol if protocol in ("HTTP", "HTTPS")
                                                    else "TCP")
        base = {"HealthCheckProtocol": hproto, "HealthCheckPort": "traffic-port",
                "HealthCheckEnabled": True, "HealthCheckIntervalSeconds": 30,
                "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 5,
                "UnhealthyThresholdCount": 2, "HealthCheckPath": None, "Matcher": None}
        if hproto in ("HTTP", "HTTPS"):
            base["HealthCheckPath"], base["Matcher"] = "/", {"HttpCode": "200"}
        hc = self._health_check(req, base, protocol, ttype)
        settings = (protocol, port, vpc_id, ttype, tuple(sorted((k, str(v)) for k, v in hc.items())))
        for tg in self.tgs.values():
            if tg["name"] == name and tg["region"] == ctx.region:
                if tg["settings"] == settings:
                    return {"TargetGroups": [self._render_tg(tg)]}
                raise AwsError("DuplicateTargetGroupName",
                               f"A target group with the same name '{name}' exists, but with "
                               "different settings")
        tg_id = "".join(self.world.random.choice("0123456789abcdef") for _ in range(16))
        arn = self.world.arn("elasticloadbalancing", ctx.region, f"targetgroup/{name}/{tg_id}")
        tg = {"arn": arn, "name": name, "region": ctx.region, "protocol": protocol,
              "port": port, "vpc_id": vpc_id, "type": ttype, "hc": hc, "settings": settings,
              "version": req.get("ProtocolVersion") or "HTTP1", "attrs": dict(TG_ATTRS),
              "targets": {}, "attached_at": None}
        self.tgs[arn] = tg
        self.tags[arn] = self._tags_in(req)
        return {"TargetGroups": [self._render_tg(tg)]}

    def ModifyTargetGroup(self, req, ctx):
        tg = self._tg(req["TargetGroupArn"])
        tg["hc"] = self._health_check(req, tg["hc"], tg["protocol"], tg["type"])
        return {"TargetGroups": [self._render_tg(tg)]}

    def DescribeTargetGroups(self, req, ctx):
        arns, names = req.get("TargetGroupArns"), req.get("Names")
        mine = [tg for tg in self.tgs.values() if tg["region"] == ctx.region]
        if req.get("LoadBalancerArn"):
            lb = self._lb(req["LoadBalancerArn"])
            mine = [tg for tg in mine if lb["arn"] in self._tg_lbs(tg)]
        if arns:
            if any(a not in self.tgs for a in arns):
                raise AwsError("TargetGroupNotFound", "One or more target groups not found")
            mine = [tg for tg in mine if tg["arn"] in arns]
        if names:
            missing = [n for n in names if n not in {tg["name"] for tg in mine}]
            if missing:
                raise AwsError("TargetGroupNotFound",
                               f"Target groups '[{', '.join(missing)}]' not found")
            mine = [tg for tg in mine if tg["name"] in names]
        return paginate([self._render_tg(tg) for tg in mine], req, "TargetGroups",
                        "Marker", "PageSize", out_field="NextMarker")

    def DeleteTargetGroup(self, req, ctx):
        arn = req["TargetGroupArn"]
        tg = self._tg(arn)
        if self._tg_lbs(tg) or self._tg_in_use(arn):
            raise AwsError("ResourceInUse",
                           f"Target group '{arn}' is currently in use by a listener or a rule")
        del self.tgs[arn]
        self.tags.pop(arn, None)
        return {}

    def _tg_in_use(self, arn):
        return any(arn in self._action_tgs(li["actions"]) for li in self.listeners.values()) or \
            any(arn in self._action_tgs(r["actions"]) for r in self.rules.values())

    def DescribeTargetGroupAttributes(self, req, ctx):
        tg = self._tg(req["TargetGroupArn"])
        return {"Attributes": [{"Key": k, "Value": v} for k, v in tg["attrs"].items()]}

    def ModifyTargetGroupAttributes(self, req, ctx):
        tg = self._tg(req["TargetGroupArn"])

        def slow_start(k, v):
            _int_between(k, v, 0, 900)
            if 0 < int(v) < 30:
                raise AwsError("ValidationError",
                               f"The value of '{k}' must be 0 or between 30 and 900")
        validators = {
            "deregistration_delay.timeout_seconds": lambda k, v: _int_between(k, v, 0, 3600),
            "stickiness.lb_cookie.duration_seconds": lambda k, v: _int_between(k, v, 1, 604800),
            "stickiness.app_cookie.duration_seconds": lambda k, v: _int_between(k, v, 1, 604800),
            "slow_start.duration_seconds": slow_start,
            "stickiness.type": lambda k, v: _one_of(k, v, ("lb_cookie", "app_cookie")),
            "stickiness.app_cookie.cookie_name": lambda k, v: None,
            "load_balancing.algorithm.type": lambda k, v: _one_of(
                k, v, ("round_robin", "least_outstanding_requests", "weighted_random")),
            "load_balancing.algorithm.anomaly_mitigation": lambda k, v: _one_of(
                k, v, ("on", "off")),
            "load_balancing.cross_zone.enabled": lambda k, v: _one_of(
                k, v, ("true", "false", "use_load_balancer_configuration")),
        }
        for k in TG_ATTRS:
            if k.startswith("target_group_health."):
                validators[k] = lambda k, v: None
        self._check_attrs(req["Attributes"], TG_ATTRS, validators, "Target group")
        for a in req["Attributes"]:
            tg["attrs"][a["Key"]] = a.get("Value", "")
        return {"Attributes": [{"Key": k, "Value": v} for k, v in tg["attrs"].items()]}

    # ---- targets and health -----------------------------------------------

    def _check_target(self, tg, target):
        tid, port = target["Id"], target.get("Port") or tg["port"]
        if tg["type"] == "ip":
            try:
                ip = ipaddress.IPv4Address(tid)
            except ValueError:
                raise AwsError("ValidationError",
                               f"The IP address '{tid}' is not a valid IPv4 address") from None
            vpc = self.world.svc("ec2").vpc(tg["vpc_id"])
            if vpc and ip not in ipaddress.IPv4Network(vpc["CidrBlock"]) and not ip.is_private:
                raise AwsError("InvalidTarget",
                               f"The IP address '{tid}' is not within the VPC CIDR or a private "
                               "range")
        if port is None or not 1 <= port <= 65535:
            raise AwsError("ValidationError", "A port must be specified for the target")
        return tid, port

    def RegisterTargets(self, req, ctx):
        tg = self._tg(req["TargetGroupArn"])
        for t in req["Targets"]:
            tid, port = self._check_target(tg, t)
            self._register(tg, tid, port, "healthy")
        return {}

    def DeregisterTargets(self, req, ctx):
        tg = self._tg(req["TargetGroupArn"])
        for t in req["Targets"]:
            tid, port = t["Id"], t.get("Port") or tg["port"]
            cur = tg["targets"].get((tid, port))
            if cur is None or cur["drain_until"] is not None and \
                    self.world.clock.reached(cur["drain_until"]):
                raise AwsError("InvalidTarget",
                               f"The target '{tid}:{port}' is not registered with the target "
                               "group")
            self._deregister(tg, tid, port)
        return {}

    def _register(self, tg, ip, port, behaviour, at=None):
        self._purge_targets(tg)
        cur = tg["targets"].get((ip, port))
        if cur and cur["drain_until"] is None:
            return
        tg["targets"][(ip, port)] = {"registered": self.world.clock.now() if at is None else at,
                                      "behaviour": behaviour, "drain_until": None}

    def _deregister(self, tg, ip, port):
        cur = tg["targets"].get((ip, port))
        if cur is None or cur["drain_until"] is not None:
            return
        if not self._tg_lbs(tg):
            del tg["targets"][(ip, port)]      # not in use: no draining
            return
        delay = int(tg["attrs"]["deregistration_delay.timeout_seconds"])
        cur["drain_until"] = self.world.clock.after(delay)

    def _purge_targets(self, tg):
        for key in [k for k, t in tg["targets"].items()
                    if t["drain_until"] is not None and self.world.clock.reached(t["drain_until"])]:
            del tg["targets"][key]

    def _health(self, tg, key, at=None):
        """(state, reason, description) of a target, derived from the clock: now, or at
        time `at` (an event ECS replays late asks how the target was at the event's time)."""
        self._purge_targets(tg)
        when = self.world.clock.now() if at is None else at
        t = tg["targets"].get(key)
        if t is None:
            return ("unused", "Target.NotRegistered", "Target is not registered to the target group")
        if t["drain_until"] is not None:
            return ("draining", "Target.DeregistrationInProgress",
                    "Target deregistration is in progress")
        lbs = [self.lbs[a] for a in self._tg_lbs(tg) if a in self.lbs]
        if not lbs:
            return ("unused", "Target.NotInUse",
                    "Target group is not configured to receive traffic from the load balancer")
        clock = self.world.clock
        start = max([t["registered"], tg["attached_at"] or 0] + [lb["ready_at"] for lb in lbs])
        if not any(self._lb_state(lb, at) == "active" for lb in lbs):
            return ("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
        hc = tg["hc"]
        if t["behaviour"] == "unhealthy":
            due = hc["HealthCheckIntervalSeconds"] * hc["UnhealthyThresholdCount"]
            if when >= start + due * clock.scale:
                return ("unhealthy", "Target.ResponseCodeMismatch",
                        "Health checks failed with these codes: [503]")
            return ("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")
        due = hc["HealthCheckIntervalSeconds"] * hc["HealthyThresholdCount"]
        if t["behaviour"] == "slow":
            due *= 10
        if when >= start + due * clock.scale:
            return ("healthy", None, None)
        return ("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")

    def DescribeTargetHealth(self, req, ctx):
        tg = self._tg(req["TargetGroupArn"])
        self._purge_targets(tg)
        if req.get("Targets"):
            keys = [(t["Id"], t.get("Port") or tg["port"]) for t in req["Targets"]]
        else:
            keys = list(tg["targets"])
        out = []
        for ip, port in keys:
            state, reason, desc = self._health(tg, (ip, port))
            th = {"State": state}
            if reason:
                th["Reason"], th["Description"] = reason, desc
            port_text = str(port) if tg["hc"]["HealthCheckPort"] == "traffic-port" \
                else tg["hc"]["HealthCheckPort"]
            out.append({"Target": {"Id": ip, "Port": port}, "HealthCheckPort": port_text,
                        "TargetHealth": th})
        return {"TargetHealthDescriptions": out}
