"""Amazon ECS for the fake (awsJson1.1): clusters, task definitions, services with
rolling and blue/green deployments, Fargate tasks, ECS Exec sessions.

The behaviour lives in fakeaws/ecs_tasks.py (task lifecycle), fakeaws/ecs_deploy.py
(scheduler, circuit breaker, rollback, blue/green stages), fakeaws/ecs_shapes.py
(outputs) and fakeaws/ecs_taskdefs.py (RegisterTaskDefinition rules); this module holds
the state and the operation handlers.
"""

import base64
import copy
import re

from fakeaws import containers
from fakeaws.core import AwsError, Service
from fakeaws.ecs_capacity import Capacity, normalised
from fakeaws.ecs_connect import ServiceConnect
from fakeaws.ecs_deploy import Deployments, platform_version
from fakeaws.ecs_oneoff import OneOff, check_overrides
from fakeaws.ecs_shapes import (cluster_shape, revision_shape, sd_brief, sd_shape, service_shape,
                                task_shape)
from fakeaws.ecs_taskdefs import build as build_taskdef
from fakeaws.ecs_tasks import TaskLifecycle, new_seq
from fakeaws.ecs_validate import Validation


def invalid(msg):
    return AwsError("InvalidParameterException", msg)


def _page(items, req, default=100):
    start = int(req.get("nextToken") or 0) if str(req.get("nextToken") or "0").isdigit() else 0
    n = req.get("maxResults") or default
    out = items[start:start + n]
    token = str(start + n) if start + n < len(items) else None
    return out, token


def _found_or_missing(refs, find, shape, arn_of=lambda ref: ref):
    """A Describe call of several things (clusters, services, tasks, ...): (the shape of
    each ref found, a MISSING failure naming arn_of(ref) for each ref not found)."""
    out, failures = [], []
    for ref in refs:
        item = find(ref)
        if item is None:
            failures.append({"arn": arn_of(ref), "reason": "MISSING"})
        else:
            out.append(shape(item))
    return out, failures


def _arn_in(cluster, kind, ref):
    """The ARN a service or task ref names: the ref itself, or the cluster's ARN made into the
    `kind`'s with the ref as the last part."""
    return ref if ref.startswith("arn:") else cluster["arn"].replace(":cluster/", f":{kind}/") + "/" + ref


class ECS(Validation, Capacity, ServiceConnect, TaskLifecycle, OneOff, Deployments, Service):
    name = "ecs"

    def reset(self):
        self.clusters = {}            # (region, name) -> cluster
        self.families = {}            # (region, family) -> [task definitions]
        self.taskdefs_by_arn = {}
        self.td_tags = {}             # arn -> tags
        self.services_by_arn = {}
        self.tasks = {}               # task id -> task
        self.sds = {}                 # service deployment arn -> record
        self.revisions = {}
        self.exec_sessions = {}
        self.q = []
        self._seq = new_seq()
        self._subnet_rr = {}
        self.fixture = containers.load_fixture()
        self.exec_handshake = False   # tests: make the agent send a SessionType handshake
        self.pulls_held = None        # tests: ids of tasks whose image pull waits (control API)

    def handler(self, operation):
        fn = super().handler(operation)
        if fn is None:
            return None

        def run(req, ctx):
            self.advance()
            return fn(req, ctx)
        return run

    def now(self):
        return self.world.clock.now()

    # ------------------------------------------------------------ lookups
    def _cluster(self, ctx, ref, must=True):
        name = (ref or "default").rsplit("/", 1)[-1] if (ref or "").startswith("arn:") else (ref or "default")
        c = self.clusters.get((ctx.region, name))
        if c is None or c["status"] != "ACTIVE":
            if must:
                raise AwsError("ClusterNotFoundException", "Cluster not found.")
            return None
        return c

    def _service(self, cluster, ref, must=True):
        name = ref.rsplit("/", 1)[-1] if ref.startswith("arn:") else ref
        arn = f"{cluster['arn'].replace(':cluster/', ':service/')}/{name}"
        svc = self.services_by_arn.get(arn)
        if svc is None and must:
            raise AwsError("ServiceNotFoundException", "Service not found.")
        return svc

    def _resolve_td(self, ctx, ref, must_active=False):
        td = None
        if ref.startswith("arn:"):
            td = self.taskdefs_by_arn.get(ref)
        else:
            family, _, rev = ref.partition(":")
            revs = self.families.get((ctx.region, family)) or []
            if rev:
                td = next((t for t in revs if str(t["revision"]) == rev), None)
            else:
                active = [t for t in revs if t["status"] == "ACTIVE"]
                td = active[-1] if active else None
        if td is None:
            raise AwsError("ClientException", "Unable to describe task definition.")
        if must_active and td["status"] != "ACTIVE":
            raise AwsError("ClientException", f"TaskDefinition is inactive: {td['taskDefinitionArn']}")
        return td

    def _find_task(self, cluster, ref):
        tid = ref.rsplit("/", 1)[-1]
        tk = self.tasks.get(tid)
        if tk is None or tk["cluster_arn"] != cluster["arn"]:
            return None
        return tk

    # ------------------------------------------------------------ clusters
    def CreateCluster(self, req, ctx):
        name = req.get("clusterName") or "default"
        if not re.match(r"^[A-Za-z0-9_-]{1,255}$", name):
            raise invalid("Cluster name must contain only letters, numbers, underscores and hyphens "
                          "and be at most 255 characters long.")
        self._check_cluster_config(req.get("configuration"))
        self.check_settings(req.get("settings"))
        self.check_cluster_capacity(req.get("capacityProviders") or [], req.get("defaultCapacityProviderStrategy"))
        c = self.clusters.get((ctx.region, name))
        if c is not None and c["status"] == "ACTIVE":
            return {"cluster": cluster_shape(self, c, ("TAGS", "SETTINGS"))}
        c = {"arn": f"arn:aws:ecs:{ctx.region}:{ctx.account}:cluster/{name}", "name": name, "status": "ACTIVE",
             "tags": copy.deepcopy(req.get("tags") or []), "settings": copy.deepcopy(req.get("settings") or []),
             "configuration": copy.deepcopy(req.get("configuration")),
             "capacityProviders": list(req.get("capacityProviders") or []),
             "defaultCapacityProviderStrategy": normalised(req.get("defaultCapacityProviderStrategy")),
             "region": ctx.region}
        if not c["settings"]:
            c["settings"] = [{"name": "containerInsights", "value": "disabled"}]
        self.clusters[(ctx.region, name)] = c
        self._ensure_service_linked_role(ctx)
        return {"cluster": cluster_shape(self, c, ("TAGS", "SETTINGS"))}

    def _ensure_service_linked_role(self, ctx):
        """Like AWS, the first cluster creates AWSServiceRoleForECS when it is missing."""
        iam = self._svc_opt("iam")
        roles = getattr(iam, "roles", None)
        if iam is None or roles is None or "AWSServiceRoleForECS" in roles \
                or not hasattr(iam, "CreateServiceLinkedRole"):
            return
        try:
            iam.CreateServiceLinkedRole({"AWSServiceName": "ecs.amazonaws.com"}, ctx)
        except AwsError:
            pass

    def _check_cluster_config(self, cfg):
        ecc = (cfg or {}).get("executeCommandConfiguration") or {}
        key = ecc.get("kmsKeyId")
        kms = self._svc_opt("kms")
        if key and kms is not None and hasattr(kms, "key_exists") and not kms.key_exists(key):
            raise invalid(f"The KMS key {key} does not exist.")
        if ecc.get("logging") == "OVERRIDE" and not ecc.get("logConfiguration"):
            raise invalid("logConfiguration must be specified when logging is OVERRIDE.")

    def UpdateCluster(self, req, ctx):
        c = self._cluster(ctx, req["cluster"])
        if req.get("configuration") is not None:
            self._check_cluster_config(req["configuration"])
            c["configuration"] = copy.deepcopy(req["configuration"])
        if req.get("settings") is not None:
            self.check_settings(req["settings"])
            c["settings"] = copy.deepcopy(req["settings"])
        if req.get("serviceConnectDefaults") is not None:
            c["serviceConnectDefaults"] = copy.deepcopy(req["serviceConnectDefaults"])
        return {"cluster": cluster_shape(self, c, ("TAGS", "SETTINGS"))}

    def UpdateClusterSettings(self, req, ctx):
        c = self._cluster(ctx, req["cluster"])
        self.check_settings(req["settings"])
        c["settings"] = copy.deepcopy(req["settings"])
        return {"cluster": cluster_shape(self, c, ("SETTINGS",))}

    def PutClusterCapacityProviders(self, req, ctx):
        c = self._cluster(ctx, req["cluster"])
        self.check_cluster_capacity(req["capacityProviders"], req["defaultCapacityProviderStrategy"])
        if self.providers_in_use(c) - set(req["capacityProviders"]):
            raise AwsError("ResourceInUseException", "The specified capacity provider is in use and cannot be removed.")
        c["capacityProviders"] = list(req["capacityProviders"])
        c["defaultCapacityProviderStrategy"] = normalised(req["defaultCapacityProviderStrategy"])
        return {"cluster": cluster_shape(self, c)}

    def DescribeClusters(self, req, ctx):
        def name_of(ref):
            return ref.rsplit("/", 1)[-1] if ref.startswith("arn:") else ref

        out, failures = _found_or_missing(
            req.get("clusters") or ["default"], lambda ref: self.clusters.get((ctx.region, name_of(ref))),
            lambda c: cluster_shape(self, c, req.get("include") or ()),
            lambda ref: f"arn:aws:ecs:{ctx.region}:{ctx.account}:cluster/{name_of(ref)}")
        return {"clusters": out, "failures": failures}

    def ListClusters(self, req, ctx):
        arns = [c["arn"] for (r, _), c in sorted(self.clusters.items()) if r == ctx.region and c["status"] == "ACTIVE"]
        page, token = _page(arns, req)
        return {"clusterArns": page, **({"nextToken": token} if token else {})}

    def DeleteCluster(self, req, ctx):
        c = self._cluster(ctx, req["cluster"])
        if any(s["clusterArn"] == c["arn"] and s["status"] in ("ACTIVE", "DRAINING")
               for s in self.services_by_arn.values()):
            raise AwsError("ClusterContainsServicesException",
                           "The Cluster cannot be deleted while Services are active.")
        if any(tk["cluster_arn"] == c["arn"] and tk["lastStatus"] != "STOPPED" for tk in self.tasks.values()):
            raise AwsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        c["status"] = "INACTIVE"
        return {"cluster": cluster_shape(self, c)}

    # ------------------------------------------------------------ task definitions
    def RegisterTaskDefinition(self, req, ctx):
        key = (ctx.region, req["family"])
        revs = self.families.setdefault(key, [])
        revision = (revs[-1]["revision"] + 1) if revs else 1
        arn = f"arn:aws:ecs:{ctx.region}:{ctx.account}:task-definition/{req['family']}:{revision}"
        td = build_taskdef(req, arn, revision, self._dt(self.now()), ctx.account)
        if not revs:
            self.families[key] = revs
        revs.append(td)
        self.taskdefs_by_arn[arn] = td
        self.td_tags[arn] = copy.deepcopy(req.get("tags") or [])
        out = {"taskDefinition": copy.deepcopy(td)}
        if req.get("tags"):
            out["tags"] = copy.deepcopy(req["tags"])
        return out

    @staticmethod
    def _dt(epoch):
        from fakeaws.ecs_shapes import dt
        return dt(epoch)

    def DescribeTaskDefinition(self, req, ctx):
        td = self._resolve_td(ctx, req["taskDefinition"])
        out = {"taskDefinition": copy.deepcopy(td)}
        if "TAGS" in (req.get("include") or []):
            out["tags"] = copy.deepcopy(self.td_tags.get(td["taskDefinitionArn"], []))
        return out

    def DeregisterTaskDefinition(self, req, ctx):
        ref = req["taskDefinition"]
        if not ref.startswith("arn:") and ":" not in ref:
            raise AwsError("ClientException", "Invalid revision number. Number: ")
        td = self._resolve_td(ctx, ref)
        if td["status"] == "INACTIVE":
            raise AwsError("ClientException", "The specified task definition is already inactive.")
        td["status"] = "INACTIVE"
        td["deregisteredAt"] = self._dt(self.now())
        return {"taskDefinition": copy.deepcopy(td)}

    def DeleteTaskDefinitions(self, req, ctx):
        out, failures = [], []
        for ref in req["taskDefinitions"]:
            try:
                td = self._resolve_td(ctx, ref)
            except AwsError:
                failures.append({"arn": ref, "reason": "TASK_DEFINITION_NOT_FOUND"})
                continue
            if td["status"] == "ACTIVE":
                failures.append({"arn": td["taskDefinitionArn"], "reason": "The specified task definition "
                                 "is still in ACTIVE status. Please deregister the target and try again."})
                continue
            td["status"] = "DELETE_IN_PROGRESS"
            td["deleteRequestedAt"] = self._dt(self.now())
            out.append(copy.deepcopy(td))
        return {"taskDefinitions": out, "failures": failures}

    def ListTaskDefinitions(self, req, ctx):
        status = req.get("status") or "ACTIVE"
        arns = []
        for (region, family), revs in sorted(self.families.items()):
            if region != ctx.region or (req.get("familyPrefix") and family != req["familyPrefix"]):
                continue
            arns += [t["taskDefinitionArn"] for t in revs if t["status"] == status]
        if req.get("sort") == "DESC":
            arns.reverse()
        page, token = _page(arns, req)
        return {"taskDefinitionArns": page, **({"nextToken": token} if token else {})}

    def ListTaskDefinitionFamilies(self, req, ctx):
        status = req.get("status") or "ACTIVE"
        fams = []
        for (region, family), revs in sorted(self.families.items()):
            if region != ctx.region or not family.startswith(req.get("familyPrefix") or ""):
                continue
            has_active = any(t["status"] == "ACTIVE" for t in revs)
            if status == "ALL" or (status == "ACTIVE") == has_active:
                fams.append(family)
        page, token = _page(fams, req)
        return {"families": page, **({"nextToken": token} if token else {})}

    # ------------------------------------------------------------ services
    def CreateService(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        name = req["serviceName"]
        if not re.match(r"^[A-Za-z0-9_-]{1,255}$", name):
            raise invalid("Service name must contain only letters, numbers, underscores and hyphens "
                          "and be at most 255 characters long.")
        existing = self._service(c, name, must=False)
        if existing is not None and existing["status"] == "ACTIVE":
            if req.get("clientToken") and req["clientToken"] == existing.get("clientToken"):
                return {"service": service_shape(self, existing)}
            raise invalid("Creation of service was not idempotent.")
        if existing is not None and existing["status"] == "DRAINING":
            raise invalid("Unable to Start a service that is still Draining.")
        if not req.get("taskDefinition"):
            raise invalid("TaskDefinition must be specified for a service that uses the ECS deployment controller.")
        td = self._resolve_td(ctx, req["taskDefinition"], must_active=True)
        if req.get("schedulingStrategy", "REPLICA") == "REPLICA" and req.get("desiredCount") is None:
            raise invalid("desiredCount must be specified for a service using the REPLICA scheduling strategy.")
        svc = {
            "arn": c["arn"].replace(":cluster/", ":service/") + "/" + name, "name": name,
            "cluster": c["name"], "clusterArn": c["arn"], "region": ctx.region, "account": ctx.account,
            "status": "ACTIVE", "desiredCount": req.get("desiredCount") or 0,
            "taskDefinition": td["taskDefinitionArn"], "createdAt": self.now(),
            "createdBy": f"arn:aws:iam::{ctx.account}:root", "deployments": [], "events": [],
            "clientToken": req.get("clientToken"), "bg_slot": 0, "epoch": 0, "steady": False,
        }
        for k in ("launchType", "capacityProviderStrategy", "platformVersion", "networkConfiguration",
                  "loadBalancers", "serviceRegistries", "healthCheckGracePeriodSeconds", "schedulingStrategy",
                  "deploymentController", "tags", "enableECSManagedTags", "propagateTags",
                  "enableExecuteCommand", "volumeConfigurations", "availabilityZoneRebalancing", "role",
                  "serviceConnectConfiguration"):
            if req.get(k) is not None:
                svc[k] = copy.deepcopy(req[k])
        self.new_service_capacity(c, req, svc)
        if svc.get("healthCheckGracePeriodSeconds") is None and svc.get("loadBalancers"):
            svc["healthCheckGracePeriodSeconds"] = 0
        cfg = copy.deepcopy(req.get("deploymentConfiguration") or {})
        cfg.setdefault("maximumPercent", 200)
        cfg.setdefault("minimumHealthyPercent", 100)
        cfg.setdefault("deploymentCircuitBreaker", {"enable": False, "rollback": False})
        cfg.setdefault("strategy", "ROLLING")
        svc["deploymentConfiguration"] = cfg
        self.validate_service(ctx, c, svc, td)
        if req.get("role"):
            svc["roleArn"] = req["role"]
        self.services_by_arn[svc["arn"]] = svc
        t = self.now()
        self._start_deployment(svc, t)
        if not self._placeable(svc):
            self._event(svc, t, f"(service {name}) was unable to place a task because no container instance "
                                "met all of its requirements. Reason: No Container Instances were found in your cluster.")
        else:
            self._reconcile(svc, t)
        return {"service": service_shape(self, svc)}

    def _placeable(self, svc):
        if svc.get("launchType") == "FARGATE":
            return True
        c = self.clusters.get((svc["region"], svc["cluster"])) or {}
        strat = svc.get("capacityProviderStrategy") or c.get("defaultCapacityProviderStrategy") or []
        return any(s.get("capacityProvider") in ("FARGATE", "FARGATE_SPOT") for s in strat)

    def UpdateService(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        svc = self._service(c, req["service"])
        if svc["status"] != "ACTIVE":
            raise AwsError("ServiceNotActiveException", "Service was not ACTIVE.")
        new = {k: copy.deepcopy(v) for k, v in svc.items() if k not in ("deployments", "events")}
        redeploy = bool(req.get("forceNewDeployment"))
        td = self.taskdefs_by_arn[svc["taskDefinition"]]
        if req.get("taskDefinition"):
            td = self._resolve_td(ctx, req["taskDefinition"], must_active=True)
            redeploy |= td["taskDefinitionArn"] != svc["taskDefinition"]
            new["taskDefinition"] = td["taskDefinitionArn"]
        self.update_service_capacity(c, svc, req, new)
        for k in ("networkConfiguration", "loadBalancers", "serviceRegistries", "volumeConfigurations",
                  "platformVersion", "serviceConnectConfiguration"):
            if req.get(k) is not None and req[k] != svc.get(k):
                new[k] = copy.deepcopy(req[k])
                redeploy = True
        for k in ("desiredCount", "healthCheckGracePeriodSeconds", "enableExecuteCommand",
                  "enableECSManagedTags", "propagateTags", "availabilityZoneRebalancing", "deploymentController"):
            if req.get(k) is not None:
                new[k] = copy.deepcopy(req[k])
        if req.get("deploymentConfiguration") is not None:
            cfg = copy.deepcopy(req["deploymentConfiguration"])
            cfg.setdefault("maximumPercent", svc["deploymentConfiguration"].get("maximumPercent", 200))
            cfg.setdefault("minimumHealthyPercent", svc["deploymentConfiguration"].get("minimumHealthyPercent", 100))
            cfg.setdefault("deploymentCircuitBreaker", svc["deploymentConfiguration"].get("deploymentCircuitBreaker"))
            cfg.setdefault("strategy", svc["deploymentConfiguration"].get("strategy", "ROLLING"))
            new["deploymentConfiguration"] = cfg
        if redeploy:  # a new deployment checks everything; scaling or settings alone do not
            self.validate_service(ctx, c, new, td)
        else:
            self.validate_deployment(new)
            if req.get("deploymentConfiguration") is not None:
                self.validate_load_balancers(new, td)
        t = self.now()
        svc.update(new)
        if svc["deployments"]:
            svc["deployments"][0]["desiredCount"] = svc["desiredCount"]
        if redeploy:
            self._start_deployment(svc, t)
        svc["steady"] = svc["steady"] and not redeploy and len(self._live(svc)) == svc["desiredCount"]
        if self._placeable(svc):
            self._reconcile(svc, t)
        return {"service": service_shape(self, svc)}

    def DeleteService(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        svc = self._service(c, req["service"])
        if svc["status"] != "ACTIVE":
            raise AwsError("ServiceNotActiveException", "Service was not ACTIVE.")
        if svc["desiredCount"] > 0 and not req.get("force"):
            raise invalid("The service cannot be stopped while it is scaled above 0.")
        t = self.now()
        svc["status"] = "DRAINING"
        svc["desiredCount"] = 0
        for d in svc["deployments"]:
            sd = self.sds.get(d["sd"])
            if sd and sd["status"] in ("PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"):
                sd["status"] = "STOPPED"
                sd["statusReason"] = "The service was deleted."
                sd["stoppedAt"] = sd["finishedAt"] = sd["updatedAt"] = t
                sd["epoch"] += 1
                sd["stage_active"] = False
        self._reconcile(svc, t)
        return {"service": service_shape(self, svc)}

    def DescribeServices(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        if len(req["services"]) > 10:  # the API's documented limit, AWS's words
            raise invalid("service names can have at most 10 items.")
        out, failures = _found_or_missing(req["services"], lambda ref: self._service(c, ref, must=False),
                                          lambda svc: service_shape(self, svc, req.get("include") or ()),
                                          lambda ref: _arn_in(c, "service", ref))
        return {"services": out, "failures": failures}

    def ListServices(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        arns = sorted(s["arn"] for s in self.services_by_arn.values()
                      if s["clusterArn"] == c["arn"] and s["status"] in ("ACTIVE", "DRAINING")
                      and (not req.get("launchType") or s.get("launchType") == req["launchType"]))
        page, token = _page(arns, req, default=10)
        return {"serviceArns": page, **({"nextToken": token} if token else {})}

    # ------------------------------------------------------------ service deployments
    def _sd_service(self, ctx, req):
        c = self._cluster(ctx, req.get("cluster") or (req["service"].split("/")[1] if req["service"].startswith("arn:")
                                                       and req["service"].count("/") >= 2 else None))
        return self._service(c, req["service"])

    def ListServiceDeployments(self, req, ctx):
        svc = self._sd_service(ctx, req)
        items = sorted((sd for sd in self.sds.values() if sd["serviceArn"] == svc["arn"]),
                       key=lambda sd: -sd["seq"])
        if req.get("status"):
            items = [sd for sd in items if sd["status"] in req["status"]]
        ca = req.get("createdAt") or {}
        if ca.get("before") is not None:
            items = [sd for sd in items if sd["createdAt"] < self._epoch(ca["before"])]
        if ca.get("after") is not None:
            items = [sd for sd in items if sd["createdAt"] > self._epoch(ca["after"])]
        page, token = _page(items, req, default=20)
        return {"serviceDeployments": [sd_brief(sd) for sd in page], **({"nextToken": token} if token else {})}

    @staticmethod
    def _epoch(v):
        return v.timestamp() if hasattr(v, "timestamp") else float(v)

    def DescribeServiceDeployments(self, req, ctx):
        out, failures = _found_or_missing(req["serviceDeploymentArns"], self.sds.get,
                                          lambda sd: sd_shape(self, sd))
        return {"serviceDeployments": out, "failures": failures}

    def DescribeServiceRevisions(self, req, ctx):
        out, failures = _found_or_missing(req["serviceRevisionArns"], self.revisions.get, revision_shape)
        return {"serviceRevisions": out, "failures": failures}

    def StopServiceDeployment(self, req, ctx):
        sd = self.sds.get(req["serviceDeploymentArn"])
        if sd is None:
            raise AwsError("ServiceDeploymentNotFoundException",
                           f"The service deployment {req['serviceDeploymentArn']} does not exist.")
        self.stop_service_deployment(sd, req.get("stopType") or "ROLLBACK", self.now())
        return {"serviceDeploymentArn": sd["serviceDeploymentArn"]}

    # ------------------------------------------------------------ tasks
    def ListTasks(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        svc_arn = None
        if req.get("serviceName"):
            svc_arn = self._service(c, req["serviceName"])["arn"]
        want = req.get("desiredStatus") or "RUNNING"
        out = []
        for tk in sorted(self.tasks.values(), key=lambda tk: tk["createdAt"]):
            if tk["cluster_arn"] != c["arn"] or (svc_arn and tk["svc"] != svc_arn):
                continue
            if want == "STOPPED" and tk["desiredStatus"] != "STOPPED":
                continue
            if want in ("RUNNING", "PENDING") and tk["desiredStatus"] != "RUNNING":
                continue
            if req.get("family") and self.taskdefs_by_arn.get(tk["td"], {}).get("family") != req["family"]:
                continue
            if req.get("startedBy") and tk.get("startedBy") != req["startedBy"]:
                continue
            out.append(tk["arn"])
        page, token = _page(out, req)
        return {"taskArns": page, **({"nextToken": token} if token else {})}

    def DescribeTasks(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        if len(req["tasks"]) > 100:
            raise invalid("Tasks cannot be longer than 100.")
        out, failures = _found_or_missing(req["tasks"], lambda ref: self._find_task(c, ref),
                                          lambda tk: task_shape(self, tk, req.get("include") or ()),
                                          lambda ref: _arn_in(c, "task", ref))
        return {"tasks": out, "failures": failures}

    def StopTask(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        tk = self._find_task(c, req["task"])
        if tk is None:
            raise invalid("The referenced task was not found.")
        t = self.now()
        self._stop_task(tk, t, "UserInitiated", req.get("reason") or "Task stopped by user")
        svc = self.services_by_arn.get(tk["svc"])
        if svc is not None:
            self._reconcile(svc, t)
        return {"task": task_shape(self, tk)}

    def RunTask(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        td = self._resolve_td(ctx, req["taskDefinition"], must_active=True)
        count = req.get("count") or 1
        if not 1 <= count <= 10:
            raise invalid("count must be between 1 and 10.")
        fake = {"networkConfiguration": req.get("networkConfiguration"), "launchType": req.get("launchType"),
                "capacityProviderStrategy": req.get("capacityProviderStrategy"), "region": ctx.region,
                "cluster": c["name"], "desiredCount": count}
        self.validate_platform(req.get("platformVersion"))
        self.validate_network(ctx, fake, td)
        self.validate_task_roles(td)
        check_overrides(td, req.get("overrides"))
        if not self._placeable(fake):
            return {"tasks": [], "failures": [{"arn": c["arn"], "reason": "No Container Instances were found in your cluster."}]}
        t = self.now()
        out = []
        for _ in range(count):
            tk = self._new_task(c, td, t, network=req.get("networkConfiguration"), started_by=req.get("startedBy"),
                                platform=platform_version(req.get("platformVersion")),
                                group=req.get("group"), exec_enabled=req.get("enableExecuteCommand"),
                                tags=req.get("tags"), region=ctx.region, overrides=req.get("overrides"))
            out.append(task_shape(self, tk))
        return {"tasks": out, "failures": []}

    # ------------------------------------------------------------ tags
    def _tag_target(self, ctx, arn):
        m = re.match(r"^arn:aws:ecs:[^:]+:\d{12}:(cluster|service|task-definition|task)/(.+)$", arn or "")
        if not m:
            raise invalid("The ARN provided is not a valid ECS resource ARN.")
        kind = m.group(1)
        if kind == "cluster":
            c = self.clusters.get((ctx.region, m.group(2)))
            if c is None or c["status"] != "ACTIVE":
                raise AwsError("ClusterNotFoundException", "Cluster not found.")
            return c, "tags"
        if kind == "service":
            svc = self.services_by_arn.get(arn)
            if svc is None or svc["status"] == "INACTIVE":
                raise AwsError("ResourceNotFoundException", "The specified resource could not be found.")
            return svc, "tags"
        if kind == "task-definition":
            if arn not in self.taskdefs_by_arn:
                raise AwsError("ResourceNotFoundException", "The specified resource could not be found.")
            return self.td_tags.setdefault(arn, []), None
        tk = self.tasks.get(m.group(2).rsplit("/", 1)[-1])
        if tk is None:
            raise AwsError("ResourceNotFoundException", "The specified resource could not be found.")
        return tk, "tags"

    def _tags_of(self, ctx, arn):
        obj, key = self._tag_target(ctx, arn)
        if key is None:
            return obj
        return obj.setdefault(key, []) if obj.get(key) is not None else obj.setdefault(key, [])

    def TagResource(self, req, ctx):
        tags = self._tags_of(ctx, req["resourceArn"])
        for t in req["tags"]:
            if not t.get("key"):
                raise invalid("Tag keys must not be empty.")
            for old in [o for o in tags if o["key"] == t["key"]]:
                tags.remove(old)
            tags.append({"key": t["key"], "value": t.get("value", "")})
        if len(tags) > 50:
            raise invalid("Too many tags: a resource can have at most 50 tags.")
        return {}

    def UntagResource(self, req, ctx):
        tags = self._tags_of(ctx, req["resourceArn"])
        tags[:] = [t for t in tags if t["key"] not in req["tagKeys"]]
        return {}

    def ListTagsForResource(self, req, ctx):
        return {"tags": copy.deepcopy(self._tags_of(ctx, req["resourceArn"]))}

    # ------------------------------------------------------------ exec
    def ExecuteCommand(self, req, ctx):
        c = self._cluster(ctx, req.get("cluster"))
        tk = self._find_task(c, req["task"])
        if tk is None:
            raise invalid(f"The specified task {req['task']} was not found in cluster {c['name']}.")
        if not req["interactive"]:
            raise invalid("Interactive is the only mode supported currently.")
        if tk["lastStatus"] != "RUNNING" or tk["desiredStatus"] != "RUNNING":
            raise invalid(f"The execute command failed because the task is in the {tk['lastStatus']} state; "
                          "the task must be RUNNING.")
        not_enabled = ("The execute command failed because execute command was not enabled when the task was "
                       "run or the execute command agent isn't running. Wait and try again or run a new task "
                       "with execute command enabled and try again.")
        if not tk["enableExecuteCommand"]:
            raise invalid(not_enabled)
        name = req.get("container")
        if name is None:
            if len(tk["containers"]) > 1:
                raise invalid("The task has more than one container; specify the container name.")
            cont = tk["containers"][0]
        else:
            cont = next((x for x in tk["containers"] if x["name"] == name), None)
            if cont is None:
                raise invalid(f"The container {name} does not exist in the task.")
        if cont["lastStatus"] != "RUNNING" or not tk["agentRunning"]:
            raise invalid(not_enabled)
        if tk["platformVersion"] < "1.4.0":
            raise invalid(f"The execute command failed because execute command is not supported on Fargate "
                          f"platform version {tk['platformVersion']}; it needs 1.4.0 or later.")
        td = self.taskdefs_by_arn[tk["td"]]
        role = td.get("taskRoleArn")
        iam = self._svc_opt("iam")
        actions = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                   "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
        if not role or (iam is not None and not all(iam.role_allows(role, a) for a in actions)):
            raise AwsError("TargetNotConnectedException",
                           "The execute command failed due to an internal error. Try again later.")
        sid = "ecs-execute-command-" + "".join(self.world.random.choice("0123456789abcdef") for _ in range(17))
        token = base64.b64encode(self.world.random.randbytes(120)).decode()
        kms_key = (((c.get("configuration") or {}).get("executeCommandConfiguration") or {}).get("kmsKeyId"))
        self.exec_sessions[sid] = {
            "id": sid, "token": token, "task_id": tk["id"], "container": cont["name"],
            "command": req["command"], "kms_key": kms_key, "created": self.now(), "used": False,
            "target_id": f"ecs:{c['name']}_{tk['id']}_{cont['runtimeId']}",
            "env": dict(tk["env"].get(cont["name"], {})), "hostname": self._hostname(tk),
        }
        host = ctx.host or "127.0.0.1"
        return {
            "clusterArn": c["arn"], "containerArn": cont["arn"], "containerName": cont["name"],
            "interactive": True, "taskArn": tk["arn"],
            "session": {"sessionId": sid, "tokenValue": token,
                        "streamUrl": f"ws://{host}/_fake/exec/{sid}?role=publish_subscribe&cell-number=AAEAAQ"},
        }

    def exec_session(self, session_id):
        """For the exec channel: (session, task filesystem) or (None, None)."""
        s = self.exec_sessions.get(session_id)
        if s is None:
            return None, None
        tk = self.tasks.get(s["task_id"])
        return s, (tk["fs"] if tk else None)

    # ------------------------------------------------------------ control API
    def control(self, method, segs, doc):
        """POST /_fake/ecs/pulls {"hold": true}: from now on every task stays PENDING before
        its image pull (as behind a registry that does not answer), so its service is
        never steady; {"hold": false} lets the held pulls start. Tests use it to keep
        services waiting for as long as they need, without depending on timing."""
        if method != "POST" or segs != ["pulls"] or not isinstance(doc, dict) \
                or not isinstance(doc.get("hold"), bool):
            return 404, {"error": 'ecs control: POST /_fake/ecs/pulls {"hold": true|false}'}
        self.advance()
        if doc["hold"]:
            if self.pulls_held is None:
                self.pulls_held = []
            return 200, {"held": len(self.pulls_held)}
        return 200, {"released": self.release_pulls(self.now())}

    def resources(self):
        with self.world.lock:
            self.advance()
            return {
                "clusters": [{"id": c["name"], "arn": c["arn"], "status": c["status"]}
                             for c in self.clusters.values() if c["status"] == "ACTIVE"],
                "taskDefinitions": [{"id": f"{t['family']}:{t['revision']}", "arn": a, "status": t["status"]}
                                    for a, t in self.taskdefs_by_arn.items() if t["status"] == "ACTIVE"],
                "services": [{"id": s["name"], "arn": a, "cluster": s["cluster"], "status": s["status"],
                              "desiredCount": s["desiredCount"], "runningCount": len(
                                  [tk for tk in self._live(s) if tk["lastStatus"] == "RUNNING"]),
                              "taskDefinition": s["taskDefinition"]}
                             for a, s in self.services_by_arn.items() if s["status"] != "INACTIVE"],
                "tasks": [{"id": tk["id"], "arn": tk["arn"], "cluster": tk["cluster"], "lastStatus": tk["lastStatus"],
                           "desiredStatus": tk["desiredStatus"], "taskDefinition": tk["td"],
                           "eni": (tk.get("eni") or {}).get("NetworkInterfaceId")}
                          for tk in self.tasks.values() if tk["lastStatus"] != "STOPPED"],
            }


SERVICE = ECS
