"""ELBv2: listeners, rules, and the actions and conditions they carry."""

import re

from fakeaws.core import AwsError
from fakeaws.util import must_get
from fakeaws.services._net.common import paginate

TERMINAL = ("forward", "redirect", "fixed-response")
AUTH = ("authenticate-oidc", "authenticate-cognito", "jwt-validation")
CONFIG_OF = {"redirect": "RedirectConfig", "fixed-response": "FixedResponseConfig",
             "authenticate-oidc": "AuthenticateOidcConfig",
             "authenticate-cognito": "AuthenticateCognitoConfig",
             "jwt-validation": "JwtValidationConfig"}
CONDITION_CONFIG = {"path-pattern": "PathPatternConfig", "host-header": "HostHeaderConfig",
                    "http-header": "HttpHeaderConfig",
                    "http-request-method": "HttpRequestMethodConfig",
                    "query-string": "QueryStringConfig", "source-ip": "SourceIpConfig"}
CONTENT_TYPES = ("text/plain", "text/css", "text/html", "application/javascript",
                 "application/json")
CERTS_PER_LISTENER = 25  # AWS's default quota of certificates per ALB (default excepted)
CERT_ARN = re.compile(r"arn:aws[a-z-]*:(acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+"
                      r"|iam::\d{12}:server-certificate/.+)")


class ListenerMixin:
    """Listeners and rules (part of the ELBv2 class)."""

    # ---- actions -------------------------------------------------------------

    @staticmethod
    def _action_tgs(actions):
        out = []
        for a in actions:
            if a["Type"] == "forward":
                for t in a["ForwardConfig"]["TargetGroups"]:
                    out.append(t["TargetGroupArn"])
        return out

    def _forward(self, a, lb):
        arn = a.get("TargetGroupArn")
        cfg = a.get("ForwardConfig") or {}
        groups = [dict(g) for g in cfg.get("TargetGroups") or []]
        if arn and groups and (len(groups) != 1 or groups[0].get("TargetGroupArn") != arn):
            raise AwsError("ValidationError",
                           "You cannot specify a target group ARN and a forward config with "
                           "different target groups")
        if not arn and not groups:
            raise AwsError("ValidationError",
                           "A target group ARN must be specified for a forward action")
        if not groups:
            groups = [{"TargetGroupArn": arn}]
        if len(groups) > 5:
            raise AwsError("TooManyTargetGroups",
                           "A forward action can have at most 5 target groups")
        seen = set()
        for g in groups:
            tg = self.tgs.get(g.get("TargetGroupArn"))
            if tg is None:
                raise AwsError("TargetGroupNotFound",
                               f"Target groups '{g.get('TargetGroupArn')}' not found")
            if tg["arn"] in seen:
                raise AwsError("ValidationError",
                               "A target group can appear only once in a forward action")
            seen.add(tg["arn"])
            g.setdefault("Weight", 1)
            if not 0 <= g["Weight"] <= 999:
                raise AwsError("ValidationError", "Target group weights must be between 0 and 999")
            if tg["protocol"] not in ("HTTP", "HTTPS") and tg["type"] != "lambda":
                raise AwsError("IncompatibleProtocols",
                               f"The protocol of target group '{tg['arn']}' is not compatible "
                               "with an application load balancer listener")
            if tg["vpc_id"] and tg["vpc_id"] != lb["vpc_id"]:
                raise AwsError("InvalidConfigurationRequest",
                               f"The target group '{tg['arn']}' is in VPC '{tg['vpc_id']}', "
                               f"not in the load balancer's VPC '{lb['vpc_id']}'")
            others = [x for x in self._tg_lbs(tg) if x != lb["arn"]]
            if others:
                raise AwsError("TargetGroupAssociationLimit",
                               "The following target groups cannot be associated with more "
                               f"than one load balancer: {tg['arn']}")
        stick = cfg.get("TargetGroupStickinessConfig") or {"Enabled": False}
        out = {"Type": "forward",
               "ForwardConfig": {"TargetGroups": groups, "TargetGroupStickinessConfig": stick}}
        if len(groups) == 1:
            out["TargetGroupArn"] = groups[0]["TargetGroupArn"]
        return out

    def _redirect(self, a):
        cfg = dict(a.get("RedirectConfig") or {})
        if not cfg:
            raise AwsError("ValidationError", "A redirect action requires a RedirectConfig")
        full = {"Protocol": "#{protocol}", "Port": "#{port}", "Host": "#{host}",
                "Path": "/#{path}", "Query": "#{query}"}
        unchanged = all(cfg.get(k) in (None, v) for k, v in full.items())
        if unchanged:
            raise AwsError("InvalidLoadBalancerAction",
                           "The redirect must change at least one of the following components: "
                           "protocol, port, host, path, query")
        if cfg.get("Protocol") not in (None, "HTTP", "HTTPS", "#{protocol}"):
            raise AwsError("ValidationError", "Redirect protocol must be HTTP, HTTPS or #{protocol}")
        full.update({k: v for k, v in cfg.items() if v is not None})
        return {"Type": "redirect", "RedirectConfig": full}

    def _fixed(self, a):
        cfg = dict(a.get("FixedResponseConfig") or {})
        code = cfg.get("StatusCode", "")
        if not re.fullmatch(r"[245]\d\d", code):
            raise AwsError("ValidationError",
                           f"Fixed-response status code '{code}' must be 2XX, 4XX or 5XX")
        if cfg.get("ContentType") and cfg["ContentType"] not in CONTENT_TYPES:
            raise AwsError("ValidationError",
                           f"Content type '{cfg['ContentType']}' must be one of "
                           + ", ".join(CONTENT_TYPES))
        if len(cfg.get("MessageBody") or "") > 1024:
            raise AwsError("ValidationError", "Fixed-response message body is limited to 1024 bytes")
        return {"Type": "fixed-response", "FixedResponseConfig": cfg}

    def _auth(self, a, protocol):
        if protocol != "HTTPS":
            raise AwsError("InvalidLoadBalancerAction",
                           f"Action type '{a['Type']}' is supported only on HTTPS listeners")
        key = CONFIG_OF[a["Type"]]
        cfg = dict(a.get(key) or {})
        if not cfg:
            raise AwsError("ValidationError", f"An {a['Type']} action requires {key}")
        if a["Type"] == "authenticate-oidc":
            if not cfg.get("ClientSecret") and not cfg.get("UseExistingClientSecret"):
                raise AwsError("ValidationError",
                               "A client secret must be specified for an OIDC action")
            for k in ("Issuer", "AuthorizationEndpoint", "TokenEndpoint", "UserInfoEndpoint"):
                if not str(cfg.get(k, "")).startswith("https://"):
                    raise AwsError("ValidationError", f"The OIDC {k} must be an HTTPS URL")
            cfg.pop("ClientSecret", None)          # never echoed back, as AWS does
            cfg.pop("UseExistingClientSecret", None)
        cfg.setdefault("SessionCookieName", "AWSELBAuthSessionCookie")
        cfg.setdefault("Scope", "openid")
        cfg.setdefault("SessionTimeout", 604800)
        cfg.setdefault("OnUnauthenticatedRequest", "authenticate")
        return {"Type": a["Type"], key: cfg}

    def _actions(self, actions, protocol, lb, old=None):
        """Validate and normalise a list of actions; returns what Describe* shows."""
        if not actions:
            raise AwsError("ValidationError", "At least one action must be specified")
        orders = [a.get("Order") for a in actions]
        if len(actions) > 1 and None in orders:
            raise AwsError("ValidationError",
                           "Each action must have an order when a rule has several actions")
        if None not in orders and len(set(orders)) != len(orders):
            raise AwsError("ValidationError", "Action orders must be unique")
        ranked = sorted(enumerate(actions), key=lambda p: (p[1].get("Order") or 0, p[0]))
        kinds = [a["Type"] for _, a in ranked]
        terminal = [k for k in kinds if k in TERMINAL]
        if len(terminal) != 1 or kinds[-1] not in TERMINAL:
            raise AwsError("InvalidLoadBalancerAction",
                           "A rule or listener must have exactly one action of type forward, "
                           "redirect or fixed-response, and it must be the last action; "
                           f"got: {', '.join(kinds)}")
        out = []
        for i, (_, a) in enumerate(ranked):
            t = a["Type"]
            if t == "forward":
                n = self._forward(a, lb)
            elif t == "redirect":
                n = self._redirect(a)
            elif t == "fixed-response":
                n = self._fixed(a)
            else:
                n = self._auth(a, protocol)
            n["Order"] = a.get("Order") or i + 1
            out.append(n)
        return out

    def _refresh_attachments(self):
        now = self.world.clock.now()
        for tg in self.tgs.values():
            used = bool(self._tg_lbs(tg))
            if used and tg["attached_at"] is None:
                tg["attached_at"] = now
            elif not used:
                tg["attached_at"] = None

    # ---- listeners --------------------------------------------------------

    def _listener(self, arn):
        return must_get(self.listeners, arn,
                        lambda: AwsError("ListenerNotFound", f"Listener '{arn}' not found"))

    def _render_listener(self, li):
        out = {"ListenerArn": li["arn"], "LoadBalancerArn": li["lb_arn"], "Port": li["port"],
               "Protocol": li["protocol"], "DefaultActions": li["actions"]}
        if li["protocol"] == "HTTPS":
            out["Certificates"] = li["certs"]
            out["SslPolicy"] = li["ssl_policy"]
        return out

    def _acm_allows(self, arn, lb):
        """An ACM certificate of the ALB's own account must be ISSUED in its region (ACM
        of the fake decides, when loaded: CertificateNotFound / UnsupportedCertificate)."""
        acm = self.world.services.get("acm")
        refusal = acm.listener_refusal(arn, lb["arn"].split(":")[4], lb["region"]) if acm else None
        if refusal is not None:
            raise refusal

    def _certs(self, req, protocol, lb):
        certs = req.get("Certificates") or []
        if protocol != "HTTPS":
            if certs:
                raise AwsError("ValidationError",
                               "A certificate cannot be specified for HTTP listeners")
            if req.get("SslPolicy"):
                raise AwsError("ValidationError",
                               "An SSL policy cannot be specified for HTTP listeners")
            return []
        if not certs:
            raise AwsError("ValidationError", "A certificate must be specified for HTTPS listeners")
        for c in certs:
            if not CERT_ARN.fullmatch(c.get("CertificateArn") or ""):
                raise AwsError("CertificateNotFound",
                               f"Certificate '{c.get('CertificateArn')}' not found")
            self._acm_allows(c["CertificateArn"], lb)
        policy = req.get("SslPolicy") or "ELBSecurityPolicy-2016-08"
        if not policy.startswith("ELBSecurityPolicy-"):
            raise AwsError("SSLPolicyNotFound", f"SSL policy '{policy}' not found")
        return [{"CertificateArn": certs[0]["CertificateArn"]}], policy

    def CreateListener(self, req, ctx):
        lb = self._lb(req["LoadBalancerArn"])
        self._refuse_if_not_ready(lb, "CreateListener")
        protocol, port = req.get("Protocol"), req.get("Port")
        if protocol is None or port is None:
            raise AwsError("ValidationError",
                           "A listener protocol and port must be specified")
        if protocol not in ("HTTP", "HTTPS"):
            raise AwsError("UnsupportedProtocol",
                           f"Protocol '{protocol}' is not supported by application load balancers")
        if not 1 <= port <= 65535:
            raise AwsError("ValidationError", "Listener port must be between 1 and 65535")
        for li in self.listeners.values():
            if li["lb_arn"] == lb["arn"] and li["port"] == port:
                raise AwsError("DuplicateListener",
                               "A listener already exists on this port for this load balancer "
                               f"'{lb['arn']}'")
        certs = self._certs(req, protocol, lb)
        actions = self._actions(req["DefaultActions"], protocol, lb)
        hexid = "".join(self.world.random.choice("0123456789abcdef") for _ in range(16))
        arn = lb["arn"].replace(":loadbalancer/", ":listener/") + "/" + hexid
        li = {"arn": arn, "lb_arn": lb["arn"], "port": port, "protocol": protocol,
              "certs": certs[0] if certs else [], "ssl_policy": certs[1] if certs else None,
              "actions": actions}
        self.listeners[arn] = li
        li["default_rule"] = self._new_rule(arn, "default", [], [], True)["arn"]
        self.tags[arn] = self._tags_in(req)
        self._refresh_attachments()
        return {"Listeners": [self._render_listener(li)]}

    def ModifyListener(self, req, ctx):
        li = self._listener(req["ListenerArn"])
        lb = self.lbs[li["lb_arn"]]
        protocol = req.get("Protocol") or li["protocol"]
        port = req.get("Port") or li["port"]
        if protocol not in ("HTTP", "HTTPS"):
            raise AwsError("UnsupportedProtocol",
                           f"Protocol '{protocol}' is not supported by application load balancers")
        for other in self.listeners.values():
            if other is not li and other["lb_arn"] == lb["arn"] and other["port"] == port:
                raise AwsError("DuplicateListener",
                               "A listener already exists on this port for this load balancer "
                               f"'{lb['arn']}'")
        if protocol == "HTTPS":
            merged = {"Certificates": req.get("Certificates") or li["certs"],
                      "SslPolicy": req.get("SslPolicy") or li["ssl_policy"]}
            certs, policy = self._certs(merged, protocol, lb)
        else:
            self._certs(req, protocol, lb)
            certs, policy = [], None
        actions = self._actions(req["DefaultActions"], protocol, lb) \
            if req.get("DefaultActions") else li["actions"]
        li.update(protocol=protocol, port=port, certs=certs, ssl_policy=policy, actions=actions)
        if protocol != "HTTPS":
            li["cert_list"] = []
        self._refresh_attachments()
        return {"Listeners": [self._render_listener(li)]}

    def _described(self, req, parent_member, find_parent, parent_field, arns, table, find, neither):
        """What DescribeListeners and DescribeRules describe: the children in `table` of the
        parent req[parent_member] names (only those of `arns`, when given), else the ones
        `arns` names (each must exist); ValidationError `neither` when neither is given."""
        if req.get(parent_member):
            parent = find_parent(req[parent_member])
            items = [x for x in table.values() if x[parent_field] == parent["arn"]]
            if arns:
                items = [x for x in items if x["arn"] in arns]
            return items
        if arns:
            return [find(a) for a in dict.fromkeys(arns)]
        raise AwsError("ValidationError", neither)

    def DescribeListeners(self, req, ctx):
        items = self._described(req, "LoadBalancerArn", self._lb, "lb_arn", req.get("ListenerArns"),
                                self.listeners, self._listener,
                                "You must specify either listener ARNs or a load balancer ARN")
        return paginate([self._render_listener(li) for li in items], req, "Listeners",
                        "Marker", "PageSize", out_field="NextMarker")

    # ---- the certificate list of an HTTPS listener (SNI) ---------------------

    def _cert_list_arg(self, req, li):
        if li["protocol"] != "HTTPS":
            raise AwsError("ValidationError",
                           "Certificates can be specified for HTTPS listeners only")
        certs = req["Certificates"]
        if len(certs) != 1:
            raise AwsError("ValidationError", "You can specify one certificate per call")
        if "IsDefault" in certs[0]:
            raise AwsError("ValidationError", "IsDefault cannot be specified as an input")
        arn = certs[0].get("CertificateArn") or ""
        if not CERT_ARN.fullmatch(arn):
            raise AwsError("CertificateNotFound", f"Certificate '{arn}' not found")
        self._acm_allows(arn, self.lbs[li["lb_arn"]])
        return arn

    def AddListenerCertificates(self, req, ctx):
        li = self._listener(req["ListenerArn"])
        arn = self._cert_list_arg(req, li)
        extra = li.setdefault("cert_list", [])
        if arn not in extra:
            if len(extra) >= CERTS_PER_LISTENER:
                raise AwsError("TooManyCertificates",
                               "You've reached the limit on the number of certificates per "
                               "load balancer")
            extra.append(arn)
        return {"Certificates": [{"CertificateArn": a, "IsDefault": False} for a in extra]}

    def RemoveListenerCertificates(self, req, ctx):
        li = self._listener(req["ListenerArn"])
        arn = self._cert_list_arg(req, li)
        extra = li.setdefault("cert_list", [])
        if arn in extra:
            extra.remove(arn)
        elif li["certs"] and li["certs"][0]["CertificateArn"] == arn:
            raise AwsError("OperationNotPermitted",
                           "The default certificate cannot be removed from a listener; "
                           "set another default with ModifyListener first")
        return {}

    def DescribeListenerCertificates(self, req, ctx):
        li = self._listener(req["ListenerArn"])
        items = [{"CertificateArn": c["CertificateArn"], "IsDefault": True} for c in li["certs"]]
        items += [{"CertificateArn": a, "IsDefault": False} for a in li.get("cert_list", [])]
        return paginate(items, req, "Certificates", "Marker", "PageSize",
                        out_field="NextMarker")

    def _drop_listener(self, arn):
        for rarn in [a for a, r in self.rules.items() if r["listener_arn"] == arn]:
            del self.rules[rarn]
            self.tags.pop(rarn, None)
        del self.listeners[arn]
        self.tags.pop(arn, None)
        self._refresh_attachments()

    def DeleteListener(self, req, ctx):
        self._listener(req["ListenerArn"])
        self._drop_listener(req["ListenerArn"])
        return {}

    # ---- rules -------------------------------------------------------------

    def _rule(self, arn):
        return must_get(self.rules, arn, lambda: AwsError("RuleNotFound", f"Rule '{arn}' not found"))

    def _conditions(self, conditions):
        if not conditions:
            raise AwsError("ValidationError", "A rule must have at least one condition")
        out, fields, count = [], [], 0
        for c in conditions:
            field = c.get("Field")
            if field not in CONDITION_CONFIG:
                raise AwsError("ValidationError",
                               f"Condition field '{field}' must be one of "
                               f"'[{', '.join(sorted(CONDITION_CONFIG))}]'")
            if field in ("path-pattern", "host-header") and field in fields:
                raise AwsError("ValidationError",
                               f"A rule can have at most one '{field}' condition")
            fields.append(field)
            cfg = dict(c.get(CONDITION_CONFIG[field]) or {})
            values = c.get("Values") or cfg.get("Values") or []
            if c.get("Values") and cfg.get("Values") and c["Values"] != cfg["Values"]:
                raise AwsError("ValidationError",
                               "Condition values and condition config values cannot differ")
            if not values:
                raise AwsError("ValidationError",
                               f"The '{field}' condition must have at least one value")
            for v in values:
                if isinstance(v, str) and len(v) > 128:
                    raise AwsError("ValidationError",
                                   f"Condition value '{v[:20]}...' exceeds 128 characters")
            count += len(values)
            cfg["Values"] = values
            item = {"Field": field, CONDITION_CONFIG[field]: cfg}
            if field in ("path-pattern", "host-header"):
                item["Values"] = values
            out.append(item)
        if count > 5:
            raise AwsError("ValidationError", "A rule can only have '5' condition values")
        return out

    def _render_rule(self, r):
        if r["default"]:
            li = self.listeners[r["listener_arn"]]
            return {"RuleArn": r["arn"], "Priority": "default", "Conditions": [],
                    "Actions": li["actions"], "IsDefault": True}
        return {"RuleArn": r["arn"], "Priority": str(r["priority"]),
                "Conditions": r["conditions"], "Actions": r["actions"], "IsDefault": False}

    def _check_priority(self, listener_arn, priority, skip=None):
        if not 1 <= priority <= 50000:
            raise AwsError("ValidationError", "Rule priority must be between 1 and 50000")
        for r in self.rules.values():
            if r["listener_arn"] == listener_arn and r["priority"] == priority and r is not skip:
                raise AwsError("PriorityInUse", f"Priority '{priority}' is currently in use")

    def _new_rule(self, listener_arn, priority, conditions, actions, default):
        """A rule of the listener (its default rule when `default`), stored under a new ARN:
        the listener's made into a listener-rule's, with 16 random hex digits after it."""
        hexid = "".join(self.world.random.choice("0123456789abcdef") for _ in range(16))
        arn = listener_arn.replace(":listener/", ":listener-rule/") + "/" + hexid
        r = {"arn": arn, "listener_arn": listener_arn, "priority": priority,
             "conditions": conditions, "actions": actions, "default": default}
        self.rules[arn] = r
        return r

    def CreateRule(self, req, ctx):
        li = self._listener(req["ListenerArn"])
        lb = self.lbs[li["lb_arn"]]
        self._check_priority(li["arn"], req["Priority"])
        if sum(1 for r in self.rules.values() if r["listener_arn"] == li["arn"]) > 100:
            raise AwsError("TooManyRules", "A listener can have at most 100 rules")
        conditions = self._conditions(req["Conditions"])
        actions = self._actions(req["Actions"], li["protocol"], lb)
        r = self._new_rule(li["arn"], req["Priority"], conditions, actions, False)
        self.tags[r["arn"]] = self._tags_in(req)
        self._refresh_attachments()
        return {"Rules": [self._render_rule(r)]}

    def ModifyRule(self, req, ctx):
        r = self._rule(req["RuleArn"])
        li = self.listeners[r["listener_arn"]]
        lb = self.lbs[li["lb_arn"]]
        if r["default"]:
            if req.get("Conditions"):
                raise AwsError("OperationNotPermitted",
                               "The conditions of a default rule cannot be modified")
            if req.get("Actions"):
                li["actions"] = self._actions(req["Actions"], li["protocol"], lb)
        else:
            if req.get("Conditions"):
                r["conditions"] = self._conditions(req["Conditions"])
            if req.get("Actions"):
                r["actions"] = self._actions(req["Actions"], li["protocol"], lb)
        self._refresh_attachments()
        return {"Rules": [self._render_rule(r)]}

    def SetRulePriorities(self, req, ctx):
        changes = []
        for p in req["RulePriorities"]:
            r = self._rule(p.get("RuleArn"))
            if r["default"]:
                raise AwsError("OperationNotPermitted",
                               "The priority of a default rule cannot be changed")
            changes.append((r, p.get("Priority")))
        moving = {id(r) for r, _ in changes}
        targets = {}
        for r, prio in changes:
            if not 1 <= (prio or 0) <= 50000:
                raise AwsError("ValidationError", "Rule priority must be between 1 and 50000")
            key = (r["listener_arn"], prio)
            if key in targets:
                raise AwsError("PriorityInUse", f"Priority '{prio}' is currently in use")
            targets[key] = r
            for other in self.rules.values():
                if other["listener_arn"] == r["listener_arn"] and other["priority"] == prio \
                        and id(other) not in moving:
                    raise AwsError("PriorityInUse", f"Priority '{prio}' is currently in use")
        for r, prio in changes:
            r["priority"] = prio
        return {"Rules": [self._render_rule(r) for r, _ in changes]}

    def DescribeRules(self, req, ctx):
        items = self._described(req, "ListenerArn", self._listener, "listener_arn", req.get("RuleArns"),
                                self.rules, self._rule, "You must specify either listener ARN or rule ARNs")
        items.sort(key=lambda r: (r["default"], r["priority"] if not r["default"] else 0))
        return paginate([self._render_rule(r) for r in items], req, "Rules",
                        "Marker", "PageSize", out_field="NextMarker")

    def DeleteRule(self, req, ctx):
        r = self._rule(req["RuleArn"])
        if r["default"]:
            raise AwsError("OperationNotPermitted", "The default rule cannot be deleted")
        del self.rules[r["arn"]]
        self.tags.pop(r["arn"], None)
        self._refresh_attachments()
        return {}
