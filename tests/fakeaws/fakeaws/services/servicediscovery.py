"""AWS Cloud Map (servicediscovery) for the fake: private DNS namespaces created and
deleted through asynchronous operations (SUBMITTED -> PENDING -> SUCCESS), services with
DNS records and custom health checks, instances, tags, and the cross-service methods ECS
uses to register its tasks (CONTRACTS.md)."""

import re

from fakeaws.core import AwsError, Service
from fakeaws.util import must_get, untag
from fakeaws.services._net.common import paginate, utc

NAMESPACE_OP_RANGE = (30, 60)     # a private DNS namespace makes a Route 53 zone: tens of s
HTTP_NAMESPACE_OP_RANGE = (3, 8)  # an HTTP namespace has no zone: a few seconds
HTTP_NAME = re.compile(r"[!-~]{1,1024}")
INSTANCE_OP_SECONDS = 5
DNS_NAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*"
                      r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?")


def _not_found(code, what, ident):
    return AwsError(code, f"No {what} exists with ID: {ident}")


class ServiceDiscovery(Service):
    name = "servicediscovery"

    def reset(self):
        self.namespaces, self.services, self.operations = {}, {}, {}
        self.tags = {}        # ARN -> {key: value}

    def _id(self, prefix, n=16):
        return prefix + "".join(self.world.random.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                for _ in range(n))

    # ---- operations --------------------------------------------------------

    def _new_op(self, region, op_type, targets, seconds):
        clock = self.world.clock
        oid = self._id("", 32) + "-" + self._id("", 8)
        op = {"id": oid, "region": region, "type": op_type, "targets": targets,
              "created": clock.now(), "pending_at": clock.after(min(2, seconds / 10)),
              "done_at": clock.after(seconds)}
        self.operations[oid] = op
        return op

    def _op_status(self, op):
        clock = self.world.clock
        if clock.reached(op["done_at"]):
            return "SUCCESS", op["done_at"]
        if clock.reached(op["pending_at"]):
            return "PENDING", op["pending_at"]
        return "SUBMITTED", op["created"]

    def _render_op(self, op):
        status, updated = self._op_status(op)
        return {"Id": op["id"], "Type": op["type"], "Status": status,
                "CreateDate": utc(op["created"]), "UpdateDate": utc(updated),
                "Targets": dict(op["targets"]), "OwnerAccount": ctx_account()}

    def GetOperation(self, req, ctx):
        op = self.operations.get(req["OperationId"])
        if op is None:
            raise AwsError("OperationNotFound", f"No operation found with ID: {req['OperationId']}")
        return {"Operation": self._render_op(op)}

    def ListOperations(self, req, ctx):
        ops = [op for op in self.operations.values() if op["region"] == ctx.region]
        for f in req.get("Filters") or []:
            name, values, cond = f["Name"], f["Values"], f.get("Condition") or "EQ"
            if cond == "EQ" and len(values) != 1 or cond == "BETWEEN" and len(values) != 2:
                raise AwsError("InvalidInput",
                               f"Filter {name} with condition {cond} takes "
                               f"{'one value' if cond == 'EQ' else 'two values'}")
            if name == "UPDATE_DATE":
                if cond != "BETWEEN":
                    raise AwsError("InvalidInput", "UPDATE_DATE supports only BETWEEN")
                try:
                    lo, hi = (float(v) for v in values)
                except ValueError:
                    raise AwsError("InvalidInput",
                                   "UPDATE_DATE values must be epoch seconds") from None
                ops = [o for o in ops if lo <= self._op_status(o)[1] <= hi]
                continue
            if cond not in ("EQ", "IN"):
                raise AwsError("InvalidInput", f"Filter {name} supports only EQ and IN")
            key = {"NAMESPACE_ID": lambda o: o["targets"].get("NAMESPACE"),
                   "SERVICE_ID": lambda o: o["targets"].get("SERVICE"),
                   "STATUS": lambda o: self._op_status(o)[0],
                   "TYPE": lambda o: o["type"]}[name]
            ops = [o for o in ops if key(o) in values]
        ops.sort(key=lambda o: o["created"])
        return paginate([{"Id": o["id"], "Status": self._op_status(o)[0]} for o in ops],
                        req, "Operations", bad_token_code="InvalidInput")

    # ---- namespaces --------------------------------------------------------

    def _ns_visible(self, ns):
        clock = self.world.clock
        return clock.reached(ns["ready_at"]) and not clock.reached(ns["gone_at"])

    def _ns(self, ns_id):
        ns = self.namespaces.get(ns_id)
        if ns is None or not self._ns_visible(ns):
            raise _not_found("NamespaceNotFound", "namespace", ns_id)
        return ns

    def _render_ns(self, ns, full=False):
        dns = {"HostedZoneId": ns["zone"], "SOA": {"TTL": ns["ttl"]}} if ns["type"] == "DNS_PRIVATE" else {}
        out = {"Id": ns["id"], "Arn": ns["arn"], "Name": ns["name"], "Type": ns["type"],
               "ServiceCount": sum(1 for s in self.services.values()
                                   if s["namespace_id"] == ns["id"]),
               "Properties": {"DnsProperties": dns, "HttpProperties": {"HttpName": ns["name"]}},
               "CreateDate": utc(ns["created"]), "ResourceOwner": ctx_account()}
        if ns["description"]:
            out["Description"] = ns["description"]
        if full and ns["creator"]:
            out["CreatorRequestId"] = ns["creator"]
        return out

    def _replayed(self, creator, region, same):
        """The answer to a create whose CreatorRequestId an earlier create of the region
        used (same(ns): it asked for the same namespace), or None when none did;
        DuplicateRequest when the id went with another request."""
        for ns in self.namespaces.values():
            if creator and ns["creator"] == creator and ns["region"] == region:
                if same(ns):
                    return {"OperationId": ns["op"]}
                raise AwsError("DuplicateRequest",
                               "The CreatorRequestId was already used for a different request",
                               extra={"DuplicateOperationId": ns["op"]})
        return None

    def _refuse_taken(self, name, taken):
        """A live namespace that takes `name` (taken(ns)): DuplicateRequest while it is being
        made, NamespaceAlreadyExists once it is."""
        for ns in self.namespaces.values():
            if taken(ns) and not self.world.clock.reached(ns["gone_at"]):
                if not self.world.clock.reached(ns["ready_at"]):
                    raise AwsError("DuplicateRequest",
                                   f"An operation creating namespace {name} is in progress",
                                   extra={"DuplicateOperationId": ns["op"]})
                raise AwsError("NamespaceAlreadyExists",
                               f"Namespace with name {name} already exists",
                               extra={"NamespaceId": ns["id"],
                                      "CreatorRequestId": ns["creator"] or ""})

    def _add_namespace(self, req, ctx, name, kind, vpc_id, ttl, op_range):
        """A namespace of `kind` being made (its operation takes a time drawn from op_range);
        a private DNS one gets a hosted zone id."""
        tags = self._tags_in(req)
        ns_id = self._id("ns-")
        op = self._new_op(ctx.region, "CREATE_NAMESPACE", {"NAMESPACE": ns_id},
                          self.world.random.uniform(*op_range))
        zone = None
        if kind == "DNS_PRIVATE":
            zone = "Z" + "".join(self.world.random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                                 for _ in range(20))
        ns = {"id": ns_id, "region": ctx.region, "name": name, "vpc": vpc_id, "type": kind,
              "arn": self.world.arn("servicediscovery", ctx.region, "namespace/" + ns_id),
              "description": req.get("Description") or "", "ttl": ttl, "zone": zone,
              "creator": req.get("CreatorRequestId"), "op": op["id"], "created": self.world.clock.now(),
              "ready_at": op["done_at"], "gone_at": None, "delete_op": None}
        self.namespaces[ns_id] = ns
        self.tags[ns["arn"]] = tags
        return {"OperationId": op["id"]}

    def CreatePrivateDnsNamespace(self, req, ctx):
        name, vpc_id = req["Name"].rstrip("."), req["Vpc"]
        replay = self._replayed(req.get("CreatorRequestId"), ctx.region,
                                lambda ns: (ns["name"], ns["vpc"]) == (name, vpc_id))
        if replay:
            return replay
        if not DNS_NAME.fullmatch(name):
            raise AwsError("InvalidInput", f"Namespace name '{name}' is not a valid DNS name")
        vpc = self.world.svc("ec2").vpc(vpc_id) if "ec2" in self.world.services else None
        if vpc is None:
            raise AwsError("InvalidInput", f"The VPC ID '{vpc_id}' is not valid")
        self._refuse_taken(name, lambda ns: ns["name"] == name and ns["vpc"] == vpc_id)
        ttl = ((req.get("Properties") or {}).get("DnsProperties") or {}).get("SOA", {}).get("TTL", 15)
        return self._add_namespace(req, ctx, name, "DNS_PRIVATE", vpc_id, ttl, NAMESPACE_OP_RANGE)

    def CreateHttpNamespace(self, req, ctx):
        """A namespace found by API calls only (DiscoverInstances): no VPC, no hosted zone.
        Its name is unique among the account's HTTP namespaces of the region."""
        name = req["Name"]
        replay = self._replayed(req.get("CreatorRequestId"), ctx.region,
                                lambda ns: (ns["name"], ns["type"]) == (name, "HTTP"))
        if replay:
            return replay
        if not HTTP_NAME.fullmatch(name):
            raise AwsError("InvalidInput", f"Namespace name '{name}' is not valid: 1 to 1024 printable "
                                           "ASCII characters without spaces")
        self._refuse_taken(name, lambda ns: ns["name"] == name and ns["type"] == "HTTP"
                           and ns["region"] == ctx.region)
        return self._add_namespace(req, ctx, name, "HTTP", None, None, HTTP_NAMESPACE_OP_RANGE)

    def GetNamespace(self, req, ctx):
        return {"Namespace": self._render_ns(self._ns(req["Id"]), full=True)}

    def ListNamespaces(self, req, ctx):
        items = [ns for ns in self.namespaces.values()
                 if ns["region"] == ctx.region and self._ns_visible(ns)]
        for f in req.get("Filters") or []:
            name, values, cond = f["Name"], f["Values"], f.get("Condition") or "EQ"
            if name == "TYPE":
                if cond == "EQ" and len(values) != 1:
                    raise AwsError("InvalidInput", "Filter TYPE with condition EQ takes one value")
                items = [ns for ns in items if ns["type"] in values]
            elif name in ("NAME", "HTTP_NAME"):
                if cond == "BEGINS_WITH":
                    items = [ns for ns in items if any(ns["name"].startswith(v) for v in values)]
                else:
                    items = [ns for ns in items if ns["name"] in values]
            elif name == "RESOURCE_OWNER":
                items = [ns for ns in items if any(v in ("SELF", ctx_account()) for v in values)]
        items.sort(key=lambda ns: ns["created"])
        return paginate([self._render_ns(ns) for ns in items], req, "Namespaces",
                        bad_token_code="InvalidInput")

    def DeleteNamespace(self, req, ctx):
        ns = self._ns(req["Id"])
        if ns["delete_op"]:
            raise AwsError("DuplicateRequest", f"Namespace {ns['id']} is already being deleted",
                           extra={"DuplicateOperationId": ns["delete_op"]})
        if any(s["namespace_id"] == ns["id"] for s in self.services.values()):
            raise AwsError("ResourceInUse",
                           f"Namespace {ns['id']} has associated services, delete them first")
        seconds = self.world.random.uniform(*NAMESPACE_OP_RANGE)
        op = self._new_op(ctx.region, "DELETE_NAMESPACE", {"NAMESPACE": ns["id"]}, seconds)
        ns["delete_op"], ns["gone_at"] = op["id"], op["done_at"]
        return {"OperationId": op["id"]}

    # ---- services ----------------------------------------------------------

    def _svc(self, sid):
        return must_get(self.services, sid, lambda: _not_found("ServiceNotFound", "service", sid))

    def _render_svc(self, s, full=True):
        out = {"Id": s["id"], "Arn": s["arn"], "Name": s["name"], "NamespaceId": s["namespace_id"],
               "Type": s["type"], "InstanceCount": len(s["instances"]),
               "CreateDate": utc(s["created"]), "CreatedByAccount": ctx_account(),
               "ResourceOwner": ctx_account()}
        for key in ("Description", "DnsConfig", "HealthCheckCustomConfig"):
            if s.get(key):
                out[key] = s[key]
        if full and s["creator"]:
            out["CreatorRequestId"] = s["creator"]
        if not full:
            del out["NamespaceId"]        # ListServices' summaries do not carry it
        return out

    def CreateService(self, req, ctx):
        dns = req.get("DnsConfig")
        ns_id = req.get("NamespaceId") or (dns or {}).get("NamespaceId")
        if not ns_id:
            raise AwsError("InvalidInput", "A NamespaceId must be specified")
        ns = self._ns(ns_id)
        creator = req.get("CreatorRequestId")
        name = req["Name"]
        for s in self.services.values():
            if creator and s["creator"] == creator:
                return {"Service": self._render_svc(s)}
            if s["namespace_id"] == ns["id"] and s["name"] == name:
                raise AwsError("ServiceAlreadyExists",
                               f"Service with name {name} already exists",
                               extra={"ServiceId": s["id"], "CreatorRequestId": s["creator"] or "",
                                      "ServiceArn": s["arn"]})
        if req.get("HealthCheckConfig"):
            raise AwsError("InvalidInput",
                           "HealthCheckConfig is supported only in public DNS namespaces; use "
                           "HealthCheckCustomConfig in a private namespace")
        if ns["type"] == "HTTP" and dns:
            raise AwsError("InvalidInput", f"Namespace {ns['id']} is an HTTP namespace: its services "
                                           "cannot have a DnsConfig")
        if req.get("Type") == "HTTP":
            stype = "HTTP"
            if dns:
                raise AwsError("InvalidInput", "An HTTP service cannot have a DnsConfig")
        else:
            stype = "DNS_HTTP" if dns else "HTTP"
        if dns:
            dns = self._dns_config(dns, ns["id"])
        sid = self._id("srv-")
        s = {"id": sid, "region": ctx.region, "name": name, "namespace_id": ns["id"],
             "arn": self.world.arn("servicediscovery", ctx.region, "service/" + sid),
             "type": stype, "Description": req.get("Description"), "DnsConfig": dns,
             "HealthCheckCustomConfig": {"FailureThreshold": 1}
             if req.get("HealthCheckCustomConfig") is not None else None,
             "creator": creator, "created": self.world.clock.now(), "instances": {}}
        self.services[sid] = s
        self.tags[s["arn"]] = self._tags_in(req)
        return {"Service": self._render_svc(s)}

    @staticmethod
    def _dns_config(dns, ns_id):
        records = dns.get("DnsRecords") or []
        if not records:
            raise AwsError("InvalidInput", "DnsConfig must contain at least one DNS record")
        kinds = [r["Type"] for r in records]
        if len(set(kinds)) != len(kinds):
            raise AwsError("InvalidInput", "Each DNS record type may appear only once")
        if "CNAME" in kinds and len(kinds) > 1:
            raise AwsError("InvalidInput", "A CNAME record cannot be combined with other records")
        policy = dns.get("RoutingPolicy") or "MULTIVALUE"
        if "CNAME" in kinds and policy != "WEIGHTED":
            raise AwsError("InvalidInput", "CNAME records require the WEIGHTED routing policy")
        for r in records:
            if not 0 <= r["TTL"] <= 2147483647:
                raise AwsError("InvalidInput", f"DNS record TTL {r['TTL']} is out of range")
        return {"NamespaceId": ns_id, "RoutingPolicy": policy,
                "DnsRecords": [{"Type": r["Type"], "TTL": r["TTL"]} for r in records]}

    def GetService(self, req, ctx):
        return {"Service": self._render_svc(self._svc(req["Id"]))}

    def ListServices(self, req, ctx):
        items = [s for s in self.services.values() if s["region"] == ctx.region]
        for f in req.get("Filters") or []:
            if f["Name"] == "NAMESPACE_ID":
                items = [s for s in items if s["namespace_id"] in f["Values"]]
        items.sort(key=lambda s: s["created"])
        return paginate([self._render_svc(s, full=False) for s in items], req, "Services",
                        bad_token_code="InvalidInput")

    def UpdateService(self, req, ctx):
        s = self._svc(req["Id"])
        change = req["Service"]
        if change.get("HealthCheckConfig"):
            raise AwsError("InvalidInput",
                           "HealthCheckConfig is supported only in public DNS namespaces")
        if change.get("Description") is not None:
            s["Description"] = change["Description"]
        if change.get("DnsConfig"):
            if not s["DnsConfig"]:
                raise AwsError("InvalidInput", "This service has no DnsConfig to update")
            cfg = dict(change["DnsConfig"], RoutingPolicy=s["DnsConfig"]["RoutingPolicy"])
            s["DnsConfig"] = self._dns_config(cfg, s["namespace_id"])
        op = self._new_op(ctx.region, "UPDATE_SERVICE", {"SERVICE": s["id"]}, INSTANCE_OP_SECONDS)
        return {"OperationId": op["id"]}

    def DeleteService(self, req, ctx):
        s = self._svc(req["Id"])
        if s["instances"]:
            raise AwsError("ResourceInUse",
                           f"Service {s['id']} has {len(s['instances'])} registered instances; "
                           "deregister them first")
        del self.services[s["id"]]
        self.tags.pop(s["arn"], None)
        return {}

    # ---- instances -----------------------------------------------------------

    def _check_attributes(self, s, attributes):
        records = [r["Type"] for r in (s["DnsConfig"] or {}).get("DnsRecords", [])]
        if "A" in records and not attributes.get("AWS_INSTANCE_IPV4"):
            raise AwsError("InvalidInput",
                           "AWS_INSTANCE_IPV4 is required for a service with an A record")
        if "SRV" in records and not attributes.get("AWS_INSTANCE_PORT"):
            raise AwsError("InvalidInput",
                           "AWS_INSTANCE_PORT is required for a service with an SRV record")
        if len(attributes) > 30:
            raise AwsError("InvalidInput", "An instance can have at most 30 attributes")

    def _register(self, s, instance_id, attributes, creator=None):
        self._check_attributes(s, attributes)
        s["instances"][instance_id] = {"attributes": dict(attributes), "healthy": True,
                                       "creator": creator}
        return self._new_op(s["region"], "REGISTER_INSTANCE",
                            {"SERVICE": s["id"], "INSTANCE": instance_id}, INSTANCE_OP_SECONDS)

    def RegisterInstance(self, req, ctx):
        s = self._svc(req["ServiceId"])
        return {"OperationId": self._register(s, req["InstanceId"], req["Attributes"] or {},
                                              req.get("CreatorRequestId"))["id"]}

    def DeregisterInstance(self, req, ctx):
        s = self._svc(req["ServiceId"])
        if req["InstanceId"] not in s["instances"]:
            raise AwsError("InstanceNotFound", f"No instance exists with ID: {req['InstanceId']}")
        del s["instances"][req["InstanceId"]]
        op = self._new_op(ctx.region, "DEREGISTER_INSTANCE",
                          {"SERVICE": s["id"], "INSTANCE": req["InstanceId"]}, INSTANCE_OP_SECONDS)
        return {"OperationId": op["id"]}

    def GetInstance(self, req, ctx):
        s = self._svc(req["ServiceId"])
        inst = s["instances"].get(req["InstanceId"])
        if inst is None:
            raise AwsError("InstanceNotFound", f"No instance exists with ID: {req['InstanceId']}")
        out = {"Id": req["InstanceId"], "Attributes": inst["attributes"],
               "CreatedByAccount": ctx_account()}
        if inst["creator"]:
            out["CreatorRequestId"] = inst["creator"]
        return {"ResourceOwner": ctx_account(), "Instance": out}

    def ListInstances(self, req, ctx):
        s = self._svc(req["ServiceId"])
        items = [{"Id": i, "Attributes": v["attributes"], "CreatedByAccount": ctx_account()}
                 for i, v in s["instances"].items()]
        out = paginate(items, req, "Instances", bad_token_code="InvalidInput")
        out["ResourceOwner"] = ctx_account()
        return out

    def UpdateInstanceCustomHealthStatus(self, req, ctx):
        s = self._svc(req["ServiceId"])
        if not s["HealthCheckCustomConfig"]:
            raise AwsError("CustomHealthNotFound",
                           f"Service {s['id']} has no custom health check configuration")
        inst = s["instances"].get(req["InstanceId"])
        if inst is None:
            raise AwsError("InstanceNotFound", f"No instance exists with ID: {req['InstanceId']}")
        inst["healthy"] = req["Status"] == "HEALTHY"
        return {}

    def DiscoverInstances(self, req, ctx):
        ns = [n for n in self.namespaces.values() if n["name"] == req["NamespaceName"].rstrip(".")
              and n["region"] == ctx.region and self._ns_visible(n)]
        if not ns:
            raise AwsError("NamespaceNotFound", f"Namespace {req['NamespaceName']} not found")
        svcs = [s for s in self.services.values() if s["name"] == req["ServiceName"]
                and s["namespace_id"] in {n["id"] for n in ns}]
        if not svcs:
            raise AwsError("ServiceNotFound", f"Service {req['ServiceName']} not found")
        want = req.get("HealthStatus") or "HEALTHY"
        query = req.get("QueryParameters") or {}
        found = []
        for iid, inst in svcs[0]["instances"].items():
            if any(inst["attributes"].get(k) != v for k, v in query.items()):
                continue
            found.append((iid, inst))
        healthy = [p for p in found if p[1]["healthy"]]
        if want == "HEALTHY":
            found = healthy
        elif want == "UNHEALTHY":
            found = [p for p in found if not p[1]["healthy"]]
        elif want == "HEALTHY_OR_ELSE_ALL" and healthy:
            found = healthy
        limit = req.get("MaxResults") or 100
        return {"Instances": [{"InstanceId": iid, "NamespaceName": ns[0]["name"],
                               "ServiceName": svcs[0]["name"], "Attributes": inst["attributes"],
                               "HealthStatus": "HEALTHY" if inst["healthy"] else "UNHEALTHY"}
                              for iid, inst in found[:limit]],
                "InstancesRevision": len(self.operations)}

    # ---- tags --------------------------------------------------------------

    @staticmethod
    def _tags_in(req):
        tags = {t["Key"]: t["Value"] for t in req.get("Tags") or []}
        if len(tags) > 200:
            raise AwsError("TooManyTagsException", "A resource can have at most 200 tags",
                           extra={"ResourceName": ""})
        return tags

    def _tag_target(self, arn):
        return must_get(self.tags, arn,
                        lambda: AwsError("ResourceNotFoundException", f"Resource {arn} not found"))

    def TagResource(self, req, ctx):
        tags = self._tag_target(req["ResourceARN"])
        tags.update(self._tags_in(req))
        return {}

    def UntagResource(self, req, ctx):
        tags = self._tag_target(req["ResourceARN"])
        untag(tags, req["TagKeys"])
        return {}

    def ListTagsForResource(self, req, ctx):
        return {"Tags": [{"Key": k, "Value": v}
                         for k, v in self._tag_target(req["ResourceARN"]).items()]}

    # ---- control API and cross-service (CONTRACTS.md) ------------------------

    def resources(self):
        clock = self.world.clock
        live = [ns for ns in self.namespaces.values() if not clock.reached(ns["gone_at"])]
        return {
            "namespaces": [{"id": ns["id"], "name": ns["name"], "vpc": ns["vpc"], "type": ns["type"],
                            "state": "deleting" if ns["delete_op"] else
                            "active" if clock.reached(ns["ready_at"]) else "creating",
                            "ready_after": round(ns["ready_at"] - ns["created"], 3)}
                           for ns in live],
            "services": [{"id": s["id"], "name": s["name"], "namespace": s["namespace_id"],
                          "instances": sorted(s["instances"])} for s in self.services.values()],
        }

    def service_by_arn(self, arn):
        for s in self.services.values():
            if s["arn"] == arn:
                return self._render_svc(s)
        return None

    def namespace_ref(self, region, ref):
        """A visible namespace by name or ARN in region (ECS Service Connect), or None."""
        for ns in self.namespaces.values():
            if ns["region"] == region and self._ns_visible(ns) and ref in (ns["name"], ns["arn"]):
                return {"Id": ns["id"], "Arn": ns["arn"], "Name": ns["name"], "Type": ns["type"]}
        return None

    def managed_service(self, region, ns_id, name, owner):
        """The Cloud Map service ECS makes for a Service Connect discovery name (HTTP, no
        DNS records), made on first use; owner is the ECS service's ARN. -> (id, arn)"""
        for s in self.services.values():
            if s["namespace_id"] == ns_id and s["name"] == name:
                s.setdefault("owners", set()).add(owner)
                return s["id"], s["arn"]
        sid = self._id("srv-")
        s = {"id": sid, "region": region, "name": name, "namespace_id": ns_id,
             "arn": self.world.arn("servicediscovery", region, "service/" + sid), "type": "HTTP",
             "Description": None, "DnsConfig": None, "HealthCheckCustomConfig": None,
             "creator": None, "created": self.world.clock.now(), "instances": {},
             "owners": {owner}, "managed_by": "ECS"}
        self.services[sid] = s
        self.tags[s["arn"]] = {"AmazonECSManaged": "true"}
        return sid, s["arn"]

    def release_managed_services(self, owner):
        """ECS deleted a service: the Cloud Map services it alone used go, instances too."""
        for sid in [k for k, s in self.services.items() if owner in s.get("owners", ())]:
            s = self.services[sid]
            s["owners"].discard(owner)
            if not s["owners"]:
                del self.services[sid]
                self.tags.pop(s["arn"], None)

    def register_instance(self, service_id, instance_id, attributes):
        self._register(self._svc(service_id), instance_id, attributes or {})

    def deregister_instance(self, service_id, instance_id):
        s = self.services.get(service_id)
        if s is not None:
            s["instances"].pop(instance_id, None)

    def set_instance_health(self, service_id, instance_id, healthy):
        """As UpdateInstanceCustomHealthStatus, for ECS (added by the network part)."""
        s = self.services.get(service_id)
        if s is not None and instance_id in s["instances"]:
            s["instances"][instance_id]["healthy"] = bool(healthy)


def ctx_account():
    from fakeaws.core import ACCOUNT_ID
    return ACCOUNT_ID


SERVICE = ServiceDiscovery
