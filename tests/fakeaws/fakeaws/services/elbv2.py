"""Elastic Load Balancing v2 for the fake: application load balancers (provisioning ->
active, ENIs in their subnets), target groups with health that follows the clock,
listeners, rules, tags, and the cross-service methods ECS uses (CONTRACTS.md).
The operations live in services/_net/elb_lb.py and elb_listen.py."""

from fakeaws.core import AwsError, Service
from fakeaws.util import untag
from fakeaws.services._net.elb_lb import LoadBalancerMixin
from fakeaws.services._net.elb_listen import ListenerMixin


class ELBv2(LoadBalancerMixin, ListenerMixin, Service):
    name = "elbv2"

    def reset(self):
        self.lbs, self.tgs, self.listeners, self.rules = {}, {}, {}, {}
        self.tags = {}        # resource ARN -> {key: value}
        self.refuse_not_ready = set()   # tests: POST /_fake/elbv2/not-ready
        self.hold_provisioning = False
        self.held_since = 0.0

    # ---- control -------------------------------------------------------------

    EARLY_CALLS = ("CreateListener", "ModifyLoadBalancerAttributes")

    def control(self, method, segs, doc):
        """POST /_fake/elbv2/not-ready {"refuse": ..., "hold": BOOL} (either or both):
        refuse (true, false, or a list of some of EARLY_CALLS; true: both): those calls
        on a load balancer still provisioning answer InvalidConfigurationRequest, as AWS
        would if it ever refused them early (it accepts both: this is the switch for the
        caller's way back); hold: every load balancer stays provisioning whatever the
        clock says, until {"hold": false} (tests that calls happen while it provisions
        need no race with the clock)."""
        usage = ('elbv2 control: POST /_fake/elbv2/not-ready {"refuse": true|false|[OPERATION, ...], '
                 '"hold": true|false}, operations among ' + ", ".join(self.EARLY_CALLS))
        if method != "POST" or segs != ["not-ready"] or not isinstance(doc, dict) or not doc \
                or set(doc) - {"refuse", "hold"} or not isinstance(doc.get("hold", False), bool):
            return 404, {"error": usage}
        refuse = doc.get("refuse", None)
        if isinstance(refuse, bool):
            self.refuse_not_ready = set(self.EARLY_CALLS) if refuse else set()
        elif isinstance(refuse, list) and all(op in self.EARLY_CALLS for op in refuse):
            self.refuse_not_ready = set(refuse)
        elif refuse is not None:
            return 404, {"error": usage}
        now = self.world.clock.now()
        if doc.get("hold") is True and not self.hold_provisioning:
            self.held_since = now
        if doc.get("hold") is False and self.hold_provisioning:
            for lb in self.lbs.values():  # one the hold kept provisioning is active from now
                if lb["ready_at"] > self.held_since:
                    lb["ready_at"] = max(lb["ready_at"], now)
        self.hold_provisioning = doc.get("hold", self.hold_provisioning)
        return 200, {"refuse": sorted(self.refuse_not_ready), "hold": self.hold_provisioning}

    def _refuse_if_not_ready(self, lb, operation):
        if operation in self.refuse_not_ready and self._lb_state(lb) == "provisioning":
            raise AwsError("InvalidConfigurationRequest",
                           f"Load balancer '{lb['arn']}' is not active yet")

    # ---- tags --------------------------------------------------------------

    @staticmethod
    def _tags_in(req):
        tags = {}
        for t in req.get("Tags") or []:
            key = t["Key"]
            if key in tags:
                raise AwsError("DuplicateTagKeys", f"Tag key '{key}' is duplicated")
            if key.lower().startswith("aws:"):
                raise AwsError("ValidationError",
                               "Tag keys starting with 'aws:' are reserved for internal use")
            tags[key] = t.get("Value", "")
        if len(tags) > 50:
            raise AwsError("TooManyTags", "The quota for the number of tags per resource is 50")
        return tags

    def _tag_target(self, arn):
        if arn in self.tags:
            return self.tags[arn]
        kind = arn.split(":")[5].split("/")[0] if arn.count(":") >= 5 else ""
        code = {"loadbalancer": "LoadBalancerNotFound", "targetgroup": "TargetGroupNotFound",
                "listener": "ListenerNotFound", "listener-rule": "RuleNotFound"}.get(kind)
        if code is None:
            raise AwsError("ValidationError", f"'{arn}' is not a valid resource ARN")
        raise AwsError(code, f"'{arn}' not found")

    def AddTags(self, req, ctx):
        new = self._tags_in(req)
        targets = [self._tag_target(a) for a in req["ResourceArns"]]
        for tags in targets:
            if len(set(tags) | set(new)) > 50:
                raise AwsError("TooManyTags",
                               "The quota for the number of tags per resource is 50")
        for tags in targets:
            tags.update(new)
        return {}

    def RemoveTags(self, req, ctx):
        targets = [self._tag_target(a) for a in req["ResourceArns"]]
        for tags in targets:
            untag(tags, req["TagKeys"])
        return {}

    def DescribeTags(self, req, ctx):
        if len(req["ResourceArns"]) > 20:
            raise AwsError("ValidationError", "At most 20 resource ARNs may be given")
        return {"TagDescriptions": [
            {"ResourceArn": a, "Tags": [{"Key": k, "Value": v}
                                        for k, v in self._tag_target(a).items()]}
            for a in req["ResourceArns"]]}

    # ---- control API -------------------------------------------------------

    def resources(self):
        return {
            "load_balancers": [{"arn": lb["arn"], "name": lb["name"], "dns": lb["dns"],
                                "state": self._lb_state(lb), "vpc": lb["vpc_id"],
                                "ready_after": round(lb["ready_at"] - lb["created"], 3)}
                               for lb in self.lbs.values()],
            "target_groups": [{"arn": tg["arn"], "name": tg["name"], "port": tg["port"],
                               "targets": [f"{ip}:{port}" for ip, port in tg["targets"]]}
                              for tg in self.tgs.values()],
            "listeners": [{"arn": li["arn"], "port": li["port"], "protocol": li["protocol"]}
                          for li in self.listeners.values()],
            "rules": [{"arn": r["arn"], "priority": r["priority"]}
                      for r in self.rules.values() if not r["default"]],
        }

    # ---- cross-service (see CONTRACTS.md) -------------------------------

    def target_group(self, arn):
        tg = self.tgs.get(arn)
        return self._render_tg(tg) if tg else None

    def target_group_forwarded(self, arn):
        tg = self.tgs.get(arn)
        return bool(tg and self._tg_lbs(tg))

    def register_target(self, tg_arn, ip, port, behaviour, at=None):
        tg = self.tgs.get(tg_arn)
        if tg is None:
            raise AwsError("TargetGroupNotFound", f"Target groups '{tg_arn}' not found")
        if behaviour not in ("healthy", "unhealthy", "slow"):
            raise ValueError(f"unknown target behaviour {behaviour!r}")
        self._register(tg, ip, port, behaviour, at)

    def deregister_target(self, tg_arn, ip, port):
        tg = self.tgs.get(tg_arn)
        if tg is not None:
            self._deregister(tg, ip, port)

    def target_state(self, tg_arn, ip, port, at=None):
        tg = self.tgs.get(tg_arn)
        if tg is None:
            return ("unused", "Target.NotRegistered", "Target group not found")
        return self._health(tg, (ip, port), at)

    def rule(self, arn):
        r = self.rules.get(arn)
        return self._render_rule(r) if r else None

    def set_forward_weights(self, listener_or_rule_arn, weights):
        """Point the forward action of a listener (its default actions) or of a rule at
        these (target group ARN, weight) pairs, as ECS does during blue/green shifts."""
        arn = listener_or_rule_arn
        if arn in self.listeners:
            owner = self.listeners[arn]
        elif arn in self.rules:
            r = self.rules[arn]
            owner = self.listeners[r["listener_arn"]] if r["default"] else r
        else:
            raise AwsError("RuleNotFound" if ":listener-rule/" in arn else "ListenerNotFound",
                           f"'{arn}' not found")
        groups = [{"TargetGroupArn": tg, "Weight": int(w)} for tg, w in weights]
        for g in groups:
            if g["TargetGroupArn"] not in self.tgs:
                raise AwsError("TargetGroupNotFound",
                               f"Target groups '{g['TargetGroupArn']}' not found")
        for a in owner["actions"]:
            if a["Type"] == "forward":
                a["ForwardConfig"]["TargetGroups"] = groups
                if len(groups) == 1:
                    a["TargetGroupArn"] = groups[0]["TargetGroupArn"]
                else:
                    a.pop("TargetGroupArn", None)
                break
        else:
            raise AwsError("InvalidLoadBalancerAction", f"'{arn}' has no forward action")
        self._refresh_attachments()

    def load_balancer_by_dns_name(self, dns_name):
        """(added by dns) The load balancer a Route 53 alias names ("web-1.us-east-1.elb.
        amazonaws.com", with or without "dualstack." and the final dot, any case) as
        {"arn", "region", "dns", "ip_type"}, or None."""
        name = dns_name.lower().rstrip(".")
        name = name[len("dualstack."):] if name.startswith("dualstack.") else name
        for lb in self.lbs.values():
            if lb["dns"].lower() == name:
                return {"arn": lb["arn"], "region": lb["region"], "dns": lb["dns"],
                        "ip_type": lb["ip_type"]}
        return None

    def certificate_users(self, cert_arn):
        """(added by dns) The ARNs of the load balancers whose listeners use the
        certificate (as default or in their certificate list), for ACM's InUseBy."""
        users = []
        for li in self.listeners.values():
            used = [c["CertificateArn"] for c in li["certs"]] + li.get("cert_list", [])
            if cert_arn in used and li["lb_arn"] not in users:
                users.append(li["lb_arn"])
        return users


SERVICE = ELBv2
