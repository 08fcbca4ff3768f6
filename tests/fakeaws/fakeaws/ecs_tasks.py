"""ECS task lifecycle for the fake: PROVISIONING -> PENDING -> RUNNING -> health -> stop.

A mixin of the ECS service (fakeaws/services/ecs.py). Time is simulated lazily: every
transition is an event on a heap, due at a clock deadline; `advance()` replays every due
event in time order (at the event's own time, so a client polling slowly sees the same
history as one polling fast). No threads.

Durations are realistic AWS seconds, scaled by the world clock.
"""

import heapq
import itertools
import math
import sys
import traceback

from fakeaws import containers
from fakeaws.core import AwsError
from fakeaws.ecs_taskdefs import secret_base_arn


def _from_secrets_manager(value_from):
    """A container secret names a Secrets Manager secret by its ARN; anything else (an
    ssm ARN, or a bare name in the task's region) is a Parameter Store parameter."""
    return value_from.startswith("arn:") and value_from.split(":")[2:3] == ["secretsmanager"]

PROVISION_S = 8        # ENI attach
PULL_S = 15            # image pull
START_S = 3            # container start
CRASH_AFTER_S = 8      # a crashloop container exits this long after it started
STOPPING_S = 5         # SIGTERM to exit
DEPROVISION_S = 10     # ENI detach
ENI_LINGER_S = 180     # the released ENI stays "available" (and blocks SG deletion)
NO_HC_GRACE_S = 40     # no health check at all: counted healthy 40 s after RUNNING
DEFAULT_DEREG_S = 300  # target group deregistration delay when unknown
STOPPED_KEEP_S = 3600
HEALTH_REACT_S = 20    # ECS replaces a task this long after its target turned unhealthy
AGENT_START_S = 5      # the ECS Exec agent comes up this long after the task is RUNNING  # stopped tasks stay visible to DescribeTasks


class TaskLifecycle:
    """Mixin: needs self.world, self.tasks, self.services_by_arn, self.q, self._seq."""

    # ------------------------------------------------------------ event queue
    def _push(self, t, kind, oid, action, epoch=0):
        heapq.heappush(self.q, (t, next(self._seq), kind, oid, action, epoch))

    def _task_at(self, task, t, action, aws_seconds):
        self._push(t + aws_seconds * self.world.clock.scale, "task", task["id"], action, task["epoch"])

    def advance(self):
        """Replay every event that is due."""
        now = self.world.clock.now()
        guard = 0
        while self.q and self.q[0][0] <= now and guard < 200000:
            guard += 1
            t, _, kind, oid, action, epoch = heapq.heappop(self.q)
            try:
                self._dispatch(t, kind, oid, action, epoch)
            except Exception:  # a bug here must not make every later ECS call fail
                if getattr(self, "raise_errors", False):
                    raise
                sys.stderr.write(f"fakeaws ecs: event {kind} {action} failed:\n{traceback.format_exc()}")
        self._prune_stopped(now)

    def _dispatch(self, t, kind, oid, action, epoch):
        if kind == "task":
            task = self.tasks.get(oid)
            if task is None or task["epoch"] != epoch:
                return
            self._task_event(task, action, t)
            svc = self.services_by_arn.get(task.get("svc"))
            if svc is not None:
                self._reconcile(svc, t)
        elif kind == "svc":
            svc = self.services_by_arn.get(oid)
            if svc is not None:
                self._reconcile(svc, t)
        elif kind == "sd":
            sd = self.sds.get(oid)
            if sd is None or sd["epoch"] != epoch:
                return
            self._sd_timer(sd, t, action)
            svc = self.services_by_arn.get(sd["serviceArn"])
            if svc is not None:
                self._reconcile(svc, t)

    def _prune_stopped(self, now):
        keep = STOPPED_KEEP_S * self.world.clock.scale
        for tid in [tid for tid, tk in self.tasks.items()
                    if tk["lastStatus"] == "STOPPED" and tk.get("stoppedAt", now) + keep < now]:
            del self.tasks[tid]

    # ------------------------------------------------------------ helpers
    def _svc_opt(self, name):
        return self.world.services.get(name)

    def _td(self, arn):
        return self.taskdefs_by_arn.get(arn)

    def _essential_images(self, td):
        return [c["image"] for c in td["containerDefinitions"] if c.get("essential", True)]

    def _tg_settings(self, tg_arn):
        elb = self._svc_opt("elbv2")
        tg = elb.target_group(tg_arn) if elb is not None else None
        tg = tg or {}
        attrs = tg.get("Attributes")
        if attrs is None and elb is not None:
            # not in the contracted target_group() shape: read the network part's store
            attrs = ((getattr(elb, "tgs", None) or {}).get(tg_arn) or {}).get("attrs")
        attrs = attrs or {}
        if isinstance(attrs, list):
            attrs = {a.get("Key"): a.get("Value") for a in attrs}
        try:
            dereg = int(attrs.get("deregistration_delay.timeout_seconds", DEFAULT_DEREG_S))
        except (TypeError, ValueError):
            dereg = DEFAULT_DEREG_S
        if elb is not None and not tg:
            dereg = 0  # the target group is gone: nothing to drain
        return {
            "interval": int(tg.get("HealthCheckIntervalSeconds") or 30),
            "healthy": int(tg.get("HealthyThresholdCount") or 5),
            "unhealthy": int(tg.get("UnhealthyThresholdCount") or 2),
            "dereg": dereg,
        }

    def _log(self, task, t, container, lines):
        """Write lines to the container's awslogs stream. Raises AwsError when the log
        group does not exist."""
        cfg = container.get("logConfiguration") or {}
        if cfg.get("logDriver") != "awslogs":
            return
        opts = cfg.get("options") or {}
        group = opts.get("awslogs-group")
        prefix = opts.get("awslogs-stream-prefix")
        stream = f"{prefix}/{container['name']}/{task['id']}" if prefix else task["id"]
        logs = self._svc_opt("logs")
        if logs is None:
            return
        if not group:
            raise AwsError("ResourceNotFoundException", "The specified log group does not exist.")
        ms = int(t * 1000)
        events = [(ms + i, line) for i, line in enumerate(lines)]
        try:
            logs.append_events(group, stream, events, region=task["region"])
        except TypeError:
            logs.append_events(group, stream, events)

    # ------------------------------------------------------------ launching
    def _new_task(self, cluster, td, t, svc=None, dep=None, network=None, started_by=None,
                  group=None, exec_enabled=False, tags=None, region="us-east-1", platform="1.4.0",
                  overrides=None):
        tid = "".join(self.world.random.choice("0123456789abcdef") for _ in range(32))
        acct = cluster["arn"].split(":")[4]
        arn = f"arn:aws:ecs:{region}:{acct}:task/{cluster['name']}/{tid}"
        images = self._essential_images(td)
        task = {
            "id": tid, "arn": arn, "cluster": cluster["name"], "cluster_arn": cluster["arn"],
            "region": region, "svc": svc["arn"] if svc else None, "dep": dep["id"] if dep else None,
            "td": td["taskDefinitionArn"], "group": group or (f"service:{svc['name']}" if svc else f"family:{td['family']}"),
            "startedBy": started_by or (dep["id"] if dep else None),
            "lastStatus": "PROVISIONING", "desiredStatus": "RUNNING", "createdAt": t,
            "behaviour": containers.worst_behaviour(images), "epoch": 0, "version": 1,
            "healthy": False, "lb_ok": None, "c_ok": None, "health": "UNKNOWN",
            "targets": [], "sd_instances": [], "eni": None, "eni_error": None,
            "enableExecuteCommand": bool(exec_enabled), "tags": list(tags or []),
            "cpu": td.get("cpu"), "memory": td.get("memory"), "fs": containers.Filesystem(),
            "env": {}, "attachment_id": self.world.new_uuid(), "stopKind": None,
            "platformVersion": platform or "1.4.0", "agentRunning": False,
        }
        task["containers"] = [{
            "name": c["name"], "image": c["image"], "essential": c.get("essential", True),
            "lastStatus": "PENDING", "runtimeId": f"{tid}-{self.world.random.getrandbits(32)}",
            "arn": f"arn:aws:ecs:{region}:{acct}:container/{cluster['name']}/{tid}/{self.world.new_uuid()}",
            "behaviour": containers.behaviour(c["image"]), "healthStatus": "UNKNOWN",
            "hasHealthCheck": bool(c.get("healthCheck")),
        } for c in td["containerDefinitions"]]
        self._oneoff_commands(task, overrides)
        self.tasks[tid] = task
        awsvpc = (network or {}).get("awsvpcConfiguration") or {}
        subnets = awsvpc.get("subnets") or []
        if subnets:
            idx = self._subnet_rr.get(task["svc"] or cluster["arn"], 0)
            self._subnet_rr[task["svc"] or cluster["arn"]] = idx + 1
            subnet = subnets[idx % len(subnets)]
            ec2 = self._svc_opt("ec2")
            if ec2 is not None:
                try:
                    task["eni"] = ec2.create_network_interface(
                        subnet, list(awsvpc.get("securityGroups") or []),
                        f"arn:aws:ecs:{region}:{acct}:attachment/{task['attachment_id']}",
                        f"ecs:task/{tid}")
                except AwsError as e:
                    task["eni_error"] = e.message
            else:
                task["eni"] = {"NetworkInterfaceId": self.world.new_id("eni"), "SubnetId": subnet,
                               "PrivateIpAddress": "10.0.%d.%d" % (idx % 250, 10 + idx % 240),
                               "AvailabilityZone": region + "a"}
        self._task_at(task, t, "pending", PROVISION_S)
        return task

    # ------------------------------------------------------------ transitions
    def _task_event(self, task, action, t):
        fn = getattr(self, "_on_" + action)
        fn(task, t)

    def _on_pending(self, task, t):
        if task["desiredStatus"] != "RUNNING":
            return
        task["lastStatus"] = "PENDING"
        if task["eni_error"]:
            return self._fail_start(task, t, "ResourceInitializationError: failed to configure ENI: "
                                    + task["eni_error"])
        td = self._td(task["td"])
        err = self._check_execution(task, td) or self._check_volumes(task, td)
        if err:
            return self._fail_start(task, t, err)
        task["pullStartedAt"] = t
        if self.pulls_held is not None:     # tests: POST /_fake/ecs/pulls {"hold": true}
            self.pulls_held.append(task["id"])
            return
        self._start_pull(task, t)

    def _start_pull(self, task, t):
        self._task_at(task, t, "pull_failed" if task["behaviour"] == "nopull" else "pulled", PULL_S)

    def release_pulls(self, t):
        """End a hold (control API): every held task starts its pull now."""
        held, self.pulls_held = self.pulls_held or [], None
        for tid in held:
            task = self.tasks.get(tid)
            if task is not None and task["desiredStatus"] == "RUNNING":
                self._start_pull(task, t)
        return len(held)

    def _check_execution(self, task, td):
        """Execution role, secrets: what ECS needs before it can pull and start."""
        need_role = any(c.get("secrets") or (c.get("logConfiguration") or {}).get("logDriver") == "awslogs"
                        for c in td["containerDefinitions"])
        iam = self._svc_opt("iam")
        role = td.get("executionRoleArn")
        if need_role and role and iam is not None and not self._role_ok(role):
            return ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                    f"retrieval failed: ECS was unable to assume the role '{role}' that was provided for this task. "
                    "Please verify that the role being passed has the proper trust relationship and permissions "
                    "and that your IAM user has permissions to pass this role.")
        sm = self._svc_opt("secretsmanager")
        for c in td["containerDefinitions"]:
            err = self._registry_auth(c, role, sm, iam)
            if err:
                return err
            env = {e["name"]: e.get("value", "") for e in c.get("environment") or []}
            for s in c.get("secrets") or []:
                vf = s["valueFrom"]
                if not _from_secrets_manager(vf):
                    value, err = self._ssm_secret(task, role, vf)
                    if err:
                        return err
                    env[s["name"]] = value
                    continue
                sid, key = secret_base_arn(vf)
                value = sm.secret_value_for_task(sid) if sm is not None else ""
                if value is None:
                    return ("ResourceInitializationError: unable to pull secrets or registry auth: execution "
                            "resource retrieval failed: unable to retrieve secret from asm: service call has "
                            f"been retried 1 time(s): failed to fetch secret {vf} from secrets manager: "
                            "ResourceNotFoundException: Secrets Manager can't find the specified secret.")
                denied = self._secret_denied(task, role, sm, sid, vf)
                if denied:
                    return denied
                if key:
                    import json
                    try:
                        value = str(json.loads(value)[key])
                    except (ValueError, KeyError, TypeError):
                        return ("ResourceInitializationError: unable to pull secrets or registry auth: "
                                f"execution resource retrieval failed: unable to retrieve secret from asm: "
                                f"retrieved secret from Secrets Manager did not contain json key {key}")
                env[s["name"]] = value
            task["env"][c["name"]] = env
        return None

    def _secret_denied(self, task, role, sm, sid, value_from):
        """The stoppedReason when the execution role may not read the Secrets Manager secret
        (secretsmanager:GetSecretValue on its ARN), else None."""
        iam = self._svc_opt("iam")
        lookup = getattr(sm, "_lookup_any", None)   # the test worlds' stand-in has none
        s = lookup(sid) if lookup else None
        if iam is None or not role or s is None or iam.role_allows(role, "secretsmanager:GetSecretValue", s["ARN"]):
            return None
        acct = task["arn"].split(":")[4]
        who = f"arn:aws:sts::{acct}:assumed-role/{role.rpartition('/')[2]}/{task['id']}"
        return ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                "retrieval failed: unable to retrieve secret from asm: service call has been retried 1 "
                f"time(s): failed to fetch secret {value_from} from secrets manager: AccessDeniedException: "
                f"User: {who} is not authorized to perform: secretsmanager:GetSecretValue on resource: "
                f"{value_from} because no identity-based policy allows the secretsmanager:GetSecretValue action")

    def _registry_auth(self, c, role, sm, iam):
        """A private registry's credentials: a Secrets Manager secret the execution role
        may read, holding {"username", "password"}; the stoppedReason when not."""
        ref = (c.get("repositoryCredentials") or {}).get("credentialsParameter")
        if not ref:
            return None
        head = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource " \
               "retrieval failed: unable to retrieve secret from asm: "
        if not role:
            return head + "no execution role to read the registry credentials with"
        if iam is not None and not iam.role_allows(role, "secretsmanager:GetSecretValue"):
            return head + (f"service call has been retried 1 time(s): AccessDeniedException: User is not authorized "
                           f"to perform: secretsmanager:GetSecretValue on resource: {ref}")
        value = sm.secret_value_for_task(secret_base_arn(ref)[0]) if sm is not None else None
        if sm is not None and value is None:
            return head + (f"service call has been retried 1 time(s): failed to fetch secret {ref} from secrets "
                           "manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.")
        if sm is not None:
            import json
            try:
                doc = json.loads(value)
                ok = isinstance(doc, dict) and doc.get("username") and doc.get("password")
            except ValueError:
                ok = False
            if not ok:
                return ("CannotPullContainerError: the registry credentials in " + ref + " are not a JSON "
                        "object with username and password")
        return None

    def _ssm_secret(self, task, role, value_from):
        """(value, None) of a Parameter Store secret, or (None, the stoppedReason): the
        parameter must exist, and the execution role must allow ssm:GetParameters (and
        kms:Decrypt for a customer managed key)."""
        head = ("ResourceInitializationError: unable to pull secrets or registry auth: execution "
                "resource retrieval failed: unable to retrieve secrets from ssm: service call has been "
                "retried 1 time(s): ")
        ssm, iam = self._svc_opt("ssm"), self._svc_opt("iam")
        if ssm is None:
            return "", None
        acct = task["arn"].split(":")[4]
        try:
            p = ssm.parameter_for_task(task["region"], acct, value_from)
        except AwsError as e:
            if e.code == "ParameterNotFound":
                return None, head + f"invalid ssm parameters: {value_from}"
            return None, head + f"{e.code}: {e.message}"
        who = f"arn:aws:sts::{acct}:assumed-role/{(role or '').rpartition('/')[2]}/{task['id']}"
        for action, resource in (("ssm:GetParameters", p["arn"]), ("kms:Decrypt", p["customer_key"])):
            if resource and iam is not None and role and not iam.role_allows(role, action, resource, {}):
                return None, head + (f"AccessDeniedException: User: {who} is not authorized to perform: "
                                     f"{action} on resource: {resource} because no identity-based policy "
                                     f"allows the {action} action")
        return p["value"], None

    def _check_volumes(self, task, td):
        """ECS mounts every EFS volume of the task definition before the containers start;
        the fake's EFS says why a mount fails (efs.mount_failure)."""
        efs = self._svc_opt("efs")
        for v in td.get("volumes") or []:
            cfg = v.get("efsVolumeConfiguration")
            if cfg and efs is not None:
                err = efs.mount_failure(task["region"], cfg, task.get("eni"), td.get("taskRoleArn"))
                if err:
                    return err
        return None

    def _on_pull_failed(self, task, t):
        img = next(c["image"] for c in task["containers"] if c["behaviour"] == "nopull")
        reason = (f"CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to "
                  f"resolve ref {img}: {img}: not found")
        task["pullStoppedAt"] = t
        for c in task["containers"]:
            if c["image"] == img:
                c["reason"] = reason
        self._fail_start(task, t, reason)

    def _on_pulled(self, task, t):
        task["pullStoppedAt"] = t
        td = self._td(task["td"])
        for c in td["containerDefinitions"]:
            ctx = {"task_id": task["id"], "container": c["name"], "image": c["image"],
                   "hostname": self._hostname(task), "env": task["env"].get(c["name"], {})}
            lines = containers.seed(task["fs"], c["image"], ctx, self.world.random, self.fixture)
            if any(k["name"] == c["name"] and k.get("command") is not None for k in task["containers"]):
                lines = []  # a one-off command runs instead of the image's program: its start lines too
            try:
                self._log(task, t, c, lines)
            except AwsError as e:
                group = ((c.get("logConfiguration") or {}).get("options") or {}).get("awslogs-group")
                return self._fail_start(task, t, (
                    "ResourceInitializationError: failed to validate logger args: create stream has been "
                    "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: "
                    f"The specified log group does not exist. (log group {group}: {e.code}) : exit status 1"))
        self._task_at(task, t, "running", START_S)

    def _hostname(self, task):
        ip = (task.get("eni") or {}).get("PrivateIpAddress", "10.0.0.1")
        return "ip-" + ip.replace(".", "-") + ".ec2.internal"

    def _on_running(self, task, t):
        if task["desiredStatus"] != "RUNNING":
            return
        task["lastStatus"] = "RUNNING"
        task["startedAt"] = t
        task["connectivityAt"] = t
        task["version"] += 1
        for c in task["containers"]:
            c["lastStatus"] = "RUNNING"
        if self._oneoff_start(task, t):  # RunTask with a command: it runs, then the task ends
            if task["enableExecuteCommand"] and task["desiredStatus"] == "RUNNING":
                self._task_at(task, t, "agent_up", AGENT_START_S)
            return
        svc = self.services_by_arn.get(task["svc"])
        dep = self._dep(svc, task["dep"]) if svc else None
        lbs = (dep or {}).get("loadBalancers") or []
        grace = (svc or {}).get("healthCheckGracePeriodSeconds") or 0
        slow = 10 if task["behaviour"] == "slowstart" else 1
        ip = (task.get("eni") or {}).get("PrivateIpAddress")
        elb = self._svc_opt("elbv2")
        lb_b = {"unhealthy": "unhealthy", "slowstart": "slow"}.get(task["behaviour"], "healthy")
        registered = []
        for lb in lbs:
            tg = self._tg_for(lb, dep)
            if not tg:
                continue
            port = lb.get("containerPort")
            if elb is not None and ip:
                try:
                    elb.register_target(tg, ip, port, lb_b, at=t)
                except AwsError:
                    continue  # the target group is gone: nothing to register with
            task["targets"].append((tg, ip, port))
            registered.append(tg)
        if registered and svc:
            for tg in registered:
                self._event(svc, t, f"(service {svc['name']}) registered 1 targets in (target-group {tg})")
        self._register_cloud_map(task, svc, dep)
        self.sc_task_running(task, svc, dep)
        c_hc = any(c["hasHealthCheck"] and c["essential"] for c in task["containers"])
        if task["targets"]:
            st = self._tg_settings(task["targets"][0][0])
            task["lb_ok"] = False
            if task["behaviour"] == "unhealthy":
                delay = max(st["interval"] * st["unhealthy"], grace)
                self._task_at(task, t, "lb_unhealthy", delay)
            elif task["behaviour"] != "crashloop":
                self._task_at(task, t, "lb_healthy", st["interval"] * st["healthy"] * slow)
        if c_hc:
            task["c_ok"] = False
            td = self._td(task["td"])
            hc = next(c["healthCheck"] for c in td["containerDefinitions"]
                      if c.get("healthCheck") and c.get("essential", True))
            if task["behaviour"] == "unhealthy":
                delay = max(hc.get("startPeriod", 0) + hc["interval"] * hc["retries"], grace)
                self._task_at(task, t, "c_unhealthy", delay)
            elif task["behaviour"] != "crashloop":
                self._task_at(task, t, "c_healthy", min(hc["interval"], 10) * slow)
        if not task["targets"] and not c_hc and task["behaviour"] != "crashloop":
            self._task_at(task, t, "no_hc_healthy", NO_HC_GRACE_S * slow)
        if task["behaviour"] == "crashloop" or any(c["behaviour"] == "crashloop" for c in task["containers"]):
            self._task_at(task, t, "crash", CRASH_AFTER_S)
        task["log_n"] = 0
        self._schedule_log_tick(task, t)
        if task["enableExecuteCommand"]:
            self._task_at(task, t, "agent_up", AGENT_START_S)

    def _on_agent_up(self, task, t):
        if task["lastStatus"] == "RUNNING":
            task["agentRunning"] = True
            task["agentStartedAt"] = t

    def _schedule_log_tick(self, task, t):
        td = self._td(task["td"])
        every = None
        for c in td["containerDefinitions"]:
            if (c.get("logConfiguration") or {}).get("logDriver") == "awslogs":
                p = containers.periodic_log(c["image"], {}, 0, self.fixture)
                if p:
                    every = p[0] if every is None else min(every, p[0])
        if every:
            # at least 0.2 real seconds apart, so tiny time scales do not flood the logs
            self._task_at(task, t, "log_tick", max(every, 0.2 / (self.world.clock.scale or 1)))

    def _on_log_tick(self, task, t):
        if task["lastStatus"] != "RUNNING" or task["desiredStatus"] != "RUNNING":
            return
        task["log_n"] += 1
        td = self._td(task["td"])
        for c in td["containerDefinitions"]:
            ctx = {"task_id": task["id"], "container": c["name"], "image": c["image"],
                   "hostname": self._hostname(task), "env": task["env"].get(c["name"], {})}
            p = containers.periodic_log(c["image"], ctx, task["log_n"], self.fixture)
            if p:
                try:
                    self._log(task, t, c, [p[1]])
                except AwsError:
                    pass
        self._schedule_log_tick(task, t)

    def _tg_for(self, lb, dep):
        slot = (dep or {}).get("slot", 0)
        if slot == 1:
            return (lb.get("advancedConfiguration") or {}).get("alternateTargetGroupArn")
        return lb.get("targetGroupArn")

    def _register_cloud_map(self, task, svc, dep):
        sdsvc = self._svc_opt("servicediscovery")
        if not svc or sdsvc is None:
            return
        ip = (task.get("eni") or {}).get("PrivateIpAddress")
        td = self._td(task["td"])
        for reg in (dep or {}).get("serviceRegistries") or []:
            found = sdsvc.service_by_arn(reg["registryArn"]) or {}
            sid = found.get("Id") or reg["registryArn"].rsplit("/", 1)[-1]
            attrs = {"AWS_INSTANCE_IPV4": ip or "", "AVAILABILITY_ZONE": (task.get("eni") or {}).get("AvailabilityZone", ""),
                     "AWS_INIT_HEALTH_STATUS": "HEALTHY", "ECS_CLUSTER_NAME": task["cluster"],
                     "ECS_SERVICE_NAME": svc["name"], "ECS_TASK_DEFINITION_FAMILY": td["family"],
                     "REGION": task["region"]}
            port = reg.get("port") or reg.get("containerPort")
            if port:
                attrs["AWS_INSTANCE_PORT"] = str(port)
            try:
                sdsvc.register_instance(sid, task["id"], attrs)
            except AwsError as e:
                if svc is not None:
                    self._event(svc, task.get("startedAt") or self.world.clock.now(),
                                f"(service {svc['name']}) failed to register (task {task['id']}) in the service "
                                f"registry {reg['registryArn']}: {e.code}: {e.message}")
                continue
            task["sd_instances"].append((sid, task["id"]))

    def _mark_health(self, task, t):
        ok = all(v is not False for v in (task["lb_ok"], task["c_ok"]))
        if task["c_ok"] is not None:
            task["health"] = "HEALTHY" if task["c_ok"] else "UNKNOWN"
            for c in task["containers"]:
                if c["hasHealthCheck"]:
                    c["healthStatus"] = task["health"]
        if ok and not task["healthy"] and task["lastStatus"] == "RUNNING":
            task["healthy"] = True
            task["healthyAt"] = t
            sdsvc = self._svc_opt("servicediscovery")
            for sid, iid in task["sd_instances"]:
                if sdsvc is not None and hasattr(sdsvc, "set_instance_health"):
                    try:
                        sdsvc.set_instance_health(sid, iid, True)
                    except AwsError:
                        pass

    def _elb_agrees(self, task, t, want, action):
        """The load balancer's own view at the event's time must match before ECS acts on
        it (its health checks count from when the load balancer became active, which may
        be after the task started). If it does not agree yet, ECS looks again one health
        check interval later: its looks keep their own times whenever a request replays
        them, so how often a client polls changes nothing."""
        elb = self._svc_opt("elbv2")
        if elb is None:
            return True
        for tg, ip, port in task["targets"]:
            try:
                state = elb.target_state(tg, ip, port, at=t)[0]
            except Exception:
                return True
            if state != want and state in ("initial", "healthy", "unhealthy"):
                st = self._tg_settings(tg)
                later = t + max(1, st["interval"]) * self.world.clock.scale
                self._push(later, "task", task["id"], action, task["epoch"])
                return False
        return True

    def _on_lb_healthy(self, task, t):
        if not self._elb_agrees(task, t, "healthy", "lb_healthy"):
            return
        task["lb_ok"] = True
        self._mark_health(task, t)

    def _on_c_healthy(self, task, t):
        task["c_ok"] = True
        self._mark_health(task, t)

    def _on_no_hc_healthy(self, task, t):
        self._mark_health(task, t)

    def _on_lb_unhealthy(self, task, t):
        """The load balancer reports the target unhealthy; ECS notices on its next look
        (HEALTH_REACT_S later) and replaces the task."""
        if task["desiredStatus"] != "RUNNING" or not self._elb_agrees(task, t, "unhealthy", "lb_unhealthy"):
            return
        self._task_at(task, t, "lb_unhealthy_act", HEALTH_REACT_S)

    def _on_lb_unhealthy_act(self, task, t):
        if task["desiredStatus"] != "RUNNING":
            return
        svc = self.services_by_arn.get(task["svc"])
        tg, ip, port = task["targets"][0]
        elb = self._svc_opt("elbv2")
        desc = "Health checks failed with these codes: [503]"
        if elb is not None and ip:
            try:
                st = elb.target_state(tg, ip, port)
                if st and st[0] == "unhealthy" and st[2]:
                    desc = st[2]
            except Exception:  # the network part's view is only decoration here
                pass
        if svc:
            self._event(svc, t, f"(service {svc['name']}) (port {port}) is unhealthy in (target-group {tg}) "
                                f"due to (reason {desc}).")
        self._stop_task(task, t, "ServiceSchedulerInitiated",
                        f"Task failed ELB health checks in (target-group {tg})", kind="failure")
        if svc:
            self._event(svc, t, f"(service {svc['name']}) has stopped 1 running tasks: (task {task['id']}).")

    def _on_c_unhealthy(self, task, t):
        if task["desiredStatus"] != "RUNNING":
            return
        task["health"] = "UNHEALTHY"
        for c in task["containers"]:
            if c["hasHealthCheck"]:
                c["healthStatus"] = "UNHEALTHY"
        svc = self.services_by_arn.get(task["svc"])
        if svc:
            self._event(svc, t, f"(service {svc['name']}) (task {task['id']}) failed container health checks.")
        self._stop_task(task, t, "ServiceSchedulerInitiated", "Task failed container health checks",
                        kind="failure")

    def _on_crash(self, task, t):
        if task["lastStatus"] != "RUNNING":
            return
        for c in task["containers"]:
            if c["behaviour"] == "crashloop":
                c["lastStatus"] = "STOPPED"
                c["exitCode"] = 1
        td = self._td(task["td"])
        for c in td["containerDefinitions"]:
            if containers.behaviour(c["image"]) == "crashloop":
                try:
                    self._log(task, t, c, ["fatal: cannot start: exiting with status 1"])
                except AwsError:
                    pass
        essential_crash = any(c["behaviour"] == "crashloop" and c["essential"] for c in task["containers"])
        if not essential_crash:
            return
        self._stop_task(task, t, "EssentialContainerExited", "Essential container in task exited",
                        kind="failure", drain=False)

    def _fail_start(self, task, t, reason):
        for c in task["containers"]:
            c.setdefault("reason", reason)
        self._stop_task(task, t, "TaskFailedToStart", reason, kind="failure", drain=False)

    # ------------------------------------------------------------ stopping
    def _stop_task(self, task, t, code, reason, kind="scheduler", drain=True):
        """Begin stopping: desired STOPPED, deregister (draining), then STOPPING,
        DEPROVISIONING, STOPPED."""
        if task["desiredStatus"] == "STOPPED":
            return
        task["epoch"] += 1
        task["desiredStatus"] = "STOPPED"
        task["stopCode"] = code
        task["stoppedReason"] = reason
        task["stoppingAt"] = t
        task["stopKind"] = kind
        task["version"] += 1
        svc = self.services_by_arn.get(task["svc"])
        if kind == "failure" and svc is not None:
            self._count_failure(svc, task, t)
        sdsvc = self._svc_opt("servicediscovery")
        for sid, iid in task["sd_instances"]:
            if sdsvc is not None:
                try:
                    sdsvc.deregister_instance(sid, iid)
                except AwsError:
                    pass
        task["sd_instances"] = []
        elb = self._svc_opt("elbv2")
        delay = 0
        for tg, ip, port in task["targets"]:
            if elb is not None and ip:
                try:
                    elb.deregister_target(tg, ip, port)
                except AwsError:
                    pass
            delay = max(delay, self._tg_settings(tg)["dereg"])
            if svc is not None and drain:
                self._event(svc, t, f"(service {svc['name']}) deregistered 1 targets in (target-group {tg})")
        task["targets"] = []
        if task["lastStatus"] == "RUNNING" and drain and delay:
            if svc is not None:
                self._event(svc, t, f"(service {svc['name']}) has begun draining connections on 1 tasks.")
            task["lastStatus"] = "DEACTIVATING"
            self._task_at(task, t, "drained", delay)
        elif task["lastStatus"] in ("RUNNING", "DEACTIVATING"):
            self._on_drained(task, t)
        else:
            task["lastStatus"] = "STOPPING" if task["lastStatus"] != "PROVISIONING" else "DEPROVISIONING"
            self._task_at(task, t, "stopping_done", 1)

    def _on_drained(self, task, t):
        task["lastStatus"] = "STOPPING"
        task["version"] += 1
        self._task_at(task, t, "stopping_done", STOPPING_S)

    def _on_stopping_done(self, task, t):
        task["lastStatus"] = "DEPROVISIONING"
        task["executionStoppedAt"] = t
        for c in task["containers"]:
            if c["lastStatus"] == "RUNNING":
                c["lastStatus"] = "STOPPED"
                c["exitCode"] = 0 if task["stopCode"] != "EssentialContainerExited" else 137
            elif c["lastStatus"] == "PENDING":
                c["lastStatus"] = "STOPPED"
        self._task_at(task, t, "deprovisioned", DEPROVISION_S)

    def _on_deprovisioned(self, task, t):
        task["lastStatus"] = "STOPPED"
        task["stoppedAt"] = t
        task["version"] += 1
        eni = task.get("eni")
        ec2 = self._svc_opt("ec2")
        if eni and ec2 is not None and not task.get("eni_released"):
            elapsed = (self.world.clock.now() - t) / (self.world.clock.scale or 1)
            try:
                ec2.release_network_interface(eni["NetworkInterfaceId"], max(0.0, ENI_LINGER_S - elapsed))
            except AwsError:
                pass
        task["eni_released"] = True

    def stop_task_as_crash(self, task_id):
        """Control API: the task's essential container dies now (exit code 137)."""
        with self.world.lock:
            self.advance()
            task = self.tasks.get(task_id) or next(
                (tk for tk in self.tasks.values() if tk["arn"] == task_id), None)
            if task is None or task["desiredStatus"] == "STOPPED":
                return False
            t = self.world.clock.now()
            for c in task["containers"]:
                if c["essential"] and c["lastStatus"] == "RUNNING":
                    c["lastStatus"] = "STOPPED"
                    c["exitCode"] = 137
                    break
            self._stop_task(task, t, "EssentialContainerExited", "Essential container in task exited",
                            kind="failure", drain=False)
            svc = self.services_by_arn.get(task["svc"])
            if svc is not None:
                self._reconcile(svc, t)
            return True

    # ------------------------------------------------------------ output
    def _task_out(self, task):
        from fakeaws.ecs_shapes import task_shape
        return task_shape(self, task)


def circuit_breaker_threshold(desired, cb):
    cfg = (cb or {}).get("thresholdConfiguration")
    if cfg and cfg.get("type") == "COUNT":
        return max(1, int(cfg.get("value", 3)))
    if cfg and cfg.get("type") in ("BOUNDED_PERCENT", "UNBOUNDED_PERCENT"):
        v = math.ceil(desired * cfg.get("value", 50) / 100.0)
        return max(3, min(200, v)) if cfg["type"] == "BOUNDED_PERCENT" else max(1, v)
    return max(3, min(200, math.ceil(0.5 * desired)))


def new_seq():
    return itertools.count()
