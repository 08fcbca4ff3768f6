"""Output shapes of the fake ECS: stored state -> the dicts boto3 returns."""

import copy
import datetime


def dt(epoch):
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


def _clean(d):
    return {k: v for k, v in d.items() if v is not None}


def cluster_shape(ecs, c, include=()):
    tasks = [tk for tk in ecs.tasks.values() if tk["cluster_arn"] == c["arn"] and tk["lastStatus"] != "STOPPED"]
    services = [s for s in ecs.services_by_arn.values() if s["clusterArn"] == c["arn"] and s["status"] == "ACTIVE"]
    out = {
        "clusterArn": c["arn"], "clusterName": c["name"], "status": c["status"],
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": sum(1 for tk in tasks if tk["lastStatus"] == "RUNNING"),
        "pendingTasksCount": sum(1 for tk in tasks if tk["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING")),
        "activeServicesCount": len(services),
        "statistics": [], "capacityProviders": list(c.get("capacityProviders") or []),
        "defaultCapacityProviderStrategy": copy.deepcopy(c.get("defaultCapacityProviderStrategy") or []),
    }
    if c.get("configuration"):
        out["configuration"] = copy.deepcopy(c["configuration"])
    if "TAGS" in include:
        out["tags"] = copy.deepcopy(c.get("tags") or [])
    if "SETTINGS" in include:
        out["settings"] = copy.deepcopy(c.get("settings") or [{"name": "containerInsights", "value": "disabled"}])
    if c.get("serviceConnectDefaults"):
        out["serviceConnectDefaults"] = copy.deepcopy(c["serviceConnectDefaults"])
    return out


def deployment_shape(ecs, svc, d):
    live = ecs._live(svc, d["id"])
    running = sum(1 for tk in live if tk["lastStatus"] == "RUNNING")
    pending = sum(1 for tk in live if tk["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING"))
    desired = d["desiredCount"] if d["status"] == "PRIMARY" else len(live)
    out = {
        "id": d["id"], "status": d["status"], "taskDefinition": d["taskDefinition"],
        "desiredCount": svc["desiredCount"] if d["status"] == "PRIMARY" else desired,
        "pendingCount": pending, "runningCount": running, "failedTasks": d["failedTasks"],
        "createdAt": dt(d["createdAt"]), "updatedAt": dt(d["updatedAt"]),
        "launchType": d["launchType"], "platformVersion": d["platformVersion"],
        "platformFamily": d["platformFamily"],
        "rolloutState": d["rolloutState"], "rolloutStateReason": d["rolloutStateReason"],
    }
    if d.get("networkConfiguration"):
        out["networkConfiguration"] = copy.deepcopy(d["networkConfiguration"])
    if d.get("volumeConfigurations"):
        out["volumeConfigurations"] = copy.deepcopy(d["volumeConfigurations"])
    if d.get("serviceConnectConfiguration"):
        out["serviceConnectConfiguration"] = copy.deepcopy(d["serviceConnectConfiguration"])
        out["serviceConnectResources"] = copy.deepcopy(d.get("serviceConnectResources") or [])
    return out


def service_shape(ecs, svc, include=()):
    live = ecs._live(svc)
    prim = svc["deployments"][0] if svc["deployments"] else None
    out = {
        "serviceArn": svc["arn"], "serviceName": svc["name"], "clusterArn": svc["clusterArn"],
        "loadBalancers": copy.deepcopy(svc.get("loadBalancers") or []),
        "serviceRegistries": copy.deepcopy(svc.get("serviceRegistries") or []),
        "status": svc["status"], "desiredCount": svc["desiredCount"],
        "runningCount": sum(1 for tk in live if tk["lastStatus"] == "RUNNING"),
        "pendingCount": sum(1 for tk in live if tk["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING")),
        "launchType": svc.get("launchType", "FARGATE"),
        "platformVersion": svc.get("platformVersion") or "LATEST", "platformFamily": "Linux",
        "taskDefinition": svc["taskDefinition"],
        "deploymentConfiguration": copy.deepcopy(svc.get("deploymentConfiguration") or {}),
        "deployments": [deployment_shape(ecs, svc, d) for d in svc["deployments"]],
        "events": [{"id": e["id"], "createdAt": dt(e["createdAt"]), "message": e["message"]} for e in svc["events"]],
        "createdAt": dt(svc["createdAt"]), "placementConstraints": [], "placementStrategy": [],
        "schedulingStrategy": svc.get("schedulingStrategy", "REPLICA"),
        "deploymentController": copy.deepcopy(svc.get("deploymentController") or {"type": "ECS"}),
        "createdBy": svc["createdBy"], "enableECSManagedTags": bool(svc.get("enableECSManagedTags")),
        "propagateTags": svc.get("propagateTags") or "NONE",
        "enableExecuteCommand": bool(svc.get("enableExecuteCommand")),
        "availabilityZoneRebalancing": svc.get("availabilityZoneRebalancing") or "DISABLED",
    }
    if svc.get("capacityProviderStrategy"):
        out["capacityProviderStrategy"] = copy.deepcopy(svc["capacityProviderStrategy"])
        out.pop("launchType")
    if svc.get("networkConfiguration"):
        out["networkConfiguration"] = copy.deepcopy(svc["networkConfiguration"])
    if svc.get("healthCheckGracePeriodSeconds") is not None:
        out["healthCheckGracePeriodSeconds"] = svc["healthCheckGracePeriodSeconds"]
    if svc.get("roleArn"):
        out["roleArn"] = svc["roleArn"]
    if "TAGS" in include:
        out["tags"] = copy.deepcopy(svc.get("tags") or [])
    if prim is not None:
        out["currentServiceDeployment"] = prim["sd"]
        revs = []
        for d in svc["deployments"]:
            dl = ecs._live(svc, d["id"])
            revs.append({"arn": d["rev"], "requestedTaskCount": svc["desiredCount"] if d is prim else len(dl),
                         "runningTaskCount": sum(1 for tk in dl if tk["lastStatus"] == "RUNNING"),
                         "pendingTaskCount": sum(1 for tk in dl if tk["lastStatus"] in ("PROVISIONING", "PENDING"))})
        out["currentServiceRevisions"] = revs
    return out


def _container_overrides(tk):
    """Each container's override as RunTask gave it (its name alone when none)."""
    given = {o.get("name"): o for o in ((tk.get("overrides") or {}).get("containerOverrides") or [])}
    return [copy.deepcopy(given.get(c["name"]) or {"name": c["name"]}) for c in tk["containers"]]


def task_shape(ecs, tk, include=()):
    td = ecs.taskdefs_by_arn.get(tk["td"]) or {}
    eni = tk.get("eni") or {}
    exec_agent = tk["enableExecuteCommand"]
    conts = []
    for c in tk["containers"]:
        co = {
            "containerArn": c["arn"], "taskArn": tk["arn"], "name": c["name"], "image": c["image"],
            "lastStatus": c["lastStatus"], "runtimeId": c["runtimeId"], "healthStatus": c["healthStatus"],
            "networkInterfaces": ([{"attachmentId": tk["attachment_id"], "privateIpv4Address": eni["PrivateIpAddress"]}]
                                  if eni.get("PrivateIpAddress") else []),
            "networkBindings": [], "cpu": "0",
        }
        if c["lastStatus"] != "PENDING":
            co["imageDigest"] = "sha256:" + format(abs(hash(c["image"])), "x").rjust(64, "0")[:64]
        if c.get("exitCode") is not None:
            co["exitCode"] = c["exitCode"]
        if c.get("reason"):
            co["reason"] = c["reason"]
        if exec_agent:
            running = tk["agentRunning"] and tk["lastStatus"] == "RUNNING" and c["lastStatus"] == "RUNNING"
            agent = {"name": "ExecuteCommandAgent",
                     "lastStatus": "RUNNING" if running else ("STOPPED" if c["lastStatus"] == "STOPPED" else "PENDING")}
            if tk.get("agentStartedAt") is not None:
                agent["lastStartedAt"] = dt(tk["agentStartedAt"])
            co["managedAgents"] = [agent]
        conts.append(co)
    att_status = {"PROVISIONING": "PRECREATED", "STOPPED": "DELETED", "DEPROVISIONING": "DETACHING"}.get(
        tk["lastStatus"], "ATTACHED")
    attachments = []
    if eni:
        details = [{"name": "subnetId", "value": eni.get("SubnetId", "")},
                   {"name": "networkInterfaceId", "value": eni.get("NetworkInterfaceId", "")},
                   {"name": "macAddress", "value": eni.get("MacAddress", "0e:00:00:00:00:01")},
                   {"name": "privateDnsName", "value": eni.get("PrivateDnsName", ecs._hostname(tk))},
                   {"name": "privateIPv4Address", "value": eni.get("PrivateIpAddress", "")}]
        attachments.append({"id": tk["attachment_id"], "type": "ElasticNetworkInterface",
                            "status": att_status, "details": details})
    out = {
        "attachments": attachments,
        "attributes": [{"name": "ecs.cpu-architecture",
                        "value": ((td.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64").lower()}],
        "availabilityZone": eni.get("AvailabilityZone"), "clusterArn": tk["cluster_arn"],
        "connectivity": "CONNECTED" if tk.get("connectivityAt") else None,
        "connectivityAt": dt(tk.get("connectivityAt")),
        "containers": conts, "cpu": tk.get("cpu"), "memory": tk.get("memory"),
        "createdAt": dt(tk["createdAt"]), "desiredStatus": tk["desiredStatus"],
        "enableExecuteCommand": tk["enableExecuteCommand"],
        "executionStoppedAt": dt(tk.get("executionStoppedAt")), "group": tk["group"],
        "healthStatus": tk["health"], "lastStatus": tk["lastStatus"], "launchType": "FARGATE",
        "overrides": {"containerOverrides": _container_overrides(tk),
                      "inferenceAcceleratorOverrides": []},
        "platformVersion": tk["platformVersion"], "platformFamily": "Linux",
        "pullStartedAt": dt(tk.get("pullStartedAt")), "pullStoppedAt": dt(tk.get("pullStoppedAt")),
        "startedAt": dt(tk.get("startedAt")), "startedBy": tk.get("startedBy"),
        "stopCode": tk.get("stopCode"), "stoppedAt": dt(tk.get("stoppedAt")),
        "stoppedReason": tk.get("stoppedReason"), "stoppingAt": dt(tk.get("stoppingAt")),
        "taskArn": tk["arn"], "taskDefinitionArn": tk["td"], "version": tk["version"],
        "ephemeralStorage": {"sizeInGiB": 20}, "fargateEphemeralStorage": {"sizeInGiB": 20},
    }
    if "TAGS" in include:
        out["tags"] = copy.deepcopy(tk.get("tags") or [])
    return _clean(out)


def revision_summary(ecs, sd, rev_arn, target):
    svc = ecs.services_by_arn.get(sd["serviceArn"])
    tasks = [tk for tk in ecs._live(svc)] if svc else []
    deps = [d["id"] for d in (svc or {}).get("deployments", []) if d["rev"] == rev_arn]
    mine = [tk for tk in tasks if tk["dep"] in deps]
    out = {"arn": rev_arn,
           "requestedTaskCount": (svc["desiredCount"] if svc and target and sd["status"] in ("IN_PROGRESS", "SUCCESSFUL")
                                  else len(mine)),
           "runningTaskCount": sum(1 for tk in mine if tk["lastStatus"] == "RUNNING"),
           "pendingTaskCount": sum(1 for tk in mine if tk["lastStatus"] in ("PROVISIONING", "PENDING"))}
    if sd["bg"]:
        w = sd["weight"] if target else 100.0 - sd["weight"]
        tw = sd["testWeight"] if target else 100.0 - sd["testWeight"]
        if sd["status"] in ("SUCCESSFUL",):
            w, tw = (100.0, 100.0) if target else (0.0, 0.0)
        out["requestedProductionTrafficWeight"] = float(w)
        out["requestedTestTrafficWeight"] = float(tw)
    return out


def sd_shape(ecs, sd):
    cfg = copy.deepcopy(sd["deploymentConfiguration"])
    out = {
        "serviceDeploymentArn": sd["serviceDeploymentArn"], "serviceArn": sd["serviceArn"],
        "clusterArn": sd["clusterArn"], "createdAt": dt(sd["createdAt"]), "startedAt": dt(sd["startedAt"]),
        "finishedAt": dt(sd.get("finishedAt")), "stoppedAt": dt(sd.get("stoppedAt")),
        "updatedAt": dt(sd["updatedAt"]),
        "sourceServiceRevisions": [revision_summary(ecs, sd, r, False) for r in sd["sourceRevs"]],
        "targetServiceRevision": revision_summary(ecs, sd, sd["targetRev"], True),
        "status": sd["status"], "statusReason": sd.get("statusReason"),
        "lifecycleStage": sd.get("stage"), "deploymentConfiguration": cfg,
        "deploymentCircuitBreaker": dict(sd["cb"]),
        "alarms": {"status": "ENABLED" if (cfg.get("alarms") or {}).get("enable") else "DISABLED",
                   "alarmNames": list((cfg.get("alarms") or {}).get("alarmNames") or []), "triggeredAlarmNames": []},
    }
    if sd.get("rollback"):
        out["rollback"] = {"reason": sd["rollback"]["reason"], "startedAt": dt(sd["rollback"]["startedAt"]),
                           "serviceRevisionArn": sd["rollback"]["serviceRevisionArn"]}
    return _clean(out)


def sd_brief(sd):
    return _clean({
        "serviceDeploymentArn": sd["serviceDeploymentArn"], "serviceArn": sd["serviceArn"],
        "clusterArn": sd["clusterArn"], "startedAt": dt(sd["startedAt"]), "createdAt": dt(sd["createdAt"]),
        "finishedAt": dt(sd.get("finishedAt")), "targetServiceRevisionArn": sd["targetRev"],
        "status": sd["status"], "statusReason": sd.get("statusReason"),
    })


def revision_shape(rev):
    out = {k: copy.deepcopy(v) for k, v in rev.items() if k != "enableExecuteCommand"}
    out["createdAt"] = dt(rev["createdAt"])
    return out
