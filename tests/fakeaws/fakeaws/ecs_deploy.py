"""ECS service deployments for the fake: the rolling scheduler with its circuit breaker and
rollback, and the native blue/green, canary and linear strategies with their lifecycle
stages and listener-rule weights. A mixin of the ECS service (fakeaws/services/ecs.py).
"""

import copy
import math

from fakeaws.core import AwsError
from fakeaws.ecs_tasks import circuit_breaker_threshold

BG_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")
BG_STAGES = ["PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
             "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT",
             "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]
PLATFORM_VERSIONS = ("1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0")
STAGE_S = 5            # the short stages (hooks would run here)
SD_ACTIVE = ("PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED")


def platform_version(requested):
    """Fargate platform version a task gets: LATEST (or none) is 1.4.0."""
    return "1.4.0" if requested in (None, "", "LATEST") else requested


class Deployments:
    """Mixin: needs self.world, self.tasks, self.sds, self.revisions (see services/ecs.py)."""

    # ------------------------------------------------------------ small helpers
    def _dep(self, svc, dep_id):
        for d in svc["deployments"]:
            if d["id"] == dep_id:
                return d
        return None

    def _event(self, svc, t, message):
        svc["events"].insert(0, {"id": self.world.new_uuid(), "createdAt": t, "message": message})
        del svc["events"][100:]

    def _svc_tasks(self, svc):
        return [tk for tk in self.tasks.values() if tk["svc"] == svc["arn"]]

    def _live(self, svc, dep_id=None):
        return [tk for tk in self._svc_tasks(svc) if tk["desiredStatus"] == "RUNNING"
                and (dep_id is None or tk["dep"] == dep_id)]

    def _alive(self, svc, dep_id=None):
        return [tk for tk in self._svc_tasks(svc) if tk["lastStatus"] != "STOPPED"
                and (dep_id is None or tk["dep"] == dep_id)]

    @staticmethod
    def _healthy(tk):
        return tk["healthy"] and tk["lastStatus"] == "RUNNING" and tk["desiredStatus"] == "RUNNING"

    def _strategy(self, svc):
        return (svc.get("deploymentConfiguration") or {}).get("strategy") or "ROLLING"

    def _sd_timer_at(self, sd, t, aws_seconds, action="next"):
        self._push(t + aws_seconds * self.world.clock.scale, "sd", sd["serviceDeploymentArn"], action, sd["epoch"])

    # ------------------------------------------------------------ revisions and deployments
    def _new_revision(self, svc, t):
        n = self._rev_counter = getattr(self, "_rev_counter", 0) + 1
        arn = (f"arn:aws:ecs:{svc['region']}:{svc['account']}:service-revision/{svc['cluster']}/"
               f"{svc['name']}/{4000000000000000000 + n * 7919}")
        td = self.taskdefs_by_arn.get(svc["taskDefinition"]) or {}
        rev = {
            "serviceRevisionArn": arn, "serviceArn": svc["arn"], "clusterArn": svc["clusterArn"],
            "taskDefinition": svc["taskDefinition"], "launchType": svc.get("launchType", "FARGATE"),
            "platformVersion": platform_version(svc.get("platformVersion")), "platformFamily": "Linux",
            "loadBalancers": svc.get("loadBalancers") or [], "serviceRegistries": svc.get("serviceRegistries") or [],
            "networkConfiguration": svc.get("networkConfiguration"),
            "containerImages": [{"containerName": c["name"], "image": c["image"],
                                 "imageDigest": "sha256:" + format(abs(hash(c["image"])), "x").rjust(64, "0")[:64]}
                                for c in td.get("containerDefinitions", [])],
            "guardDutyEnabled": False, "createdAt": t,
            "volumeConfigurations": svc.get("volumeConfigurations") or [],
            "enableExecuteCommand": bool(svc.get("enableExecuteCommand")),
        }
        if (svc.get("serviceConnectConfiguration") or {}).get("enabled"):
            rev["serviceConnectConfiguration"] = copy.deepcopy(svc["serviceConnectConfiguration"])
            rev["serviceConnectResources"] = self.sc_resources(svc, svc["region"])
        self.revisions[arn] = rev
        return rev

    def _make_dep(self, svc, t, rev, sd, slot):
        dep_id = "ecs-svc/" + "".join(self.world.random.choice("0123456789") for _ in range(19))
        dep = {
            "id": dep_id, "status": "PRIMARY", "taskDefinition": rev["taskDefinition"],
            "desiredCount": svc["desiredCount"], "failedTasks": 0, "createdAt": t, "updatedAt": t,
            "launchType": rev["launchType"], "platformVersion": rev["platformVersion"], "platformFamily": "Linux",
            "networkConfiguration": rev["networkConfiguration"], "loadBalancers": rev["loadBalancers"],
            "serviceRegistries": rev["serviceRegistries"], "volumeConfigurations": rev["volumeConfigurations"],
            "enableExecuteCommand": rev["enableExecuteCommand"],
            "serviceConnectConfiguration": rev.get("serviceConnectConfiguration"),
            "serviceConnectResources": rev.get("serviceConnectResources"),
            "rolloutState": "IN_PROGRESS", "rolloutStateReason": "ECS deployment " + dep_id + " in progress.",
            "rev": rev["serviceRevisionArn"], "sd": sd["serviceDeploymentArn"], "slot": slot,
            "failed": False, "next_launch": 0, "is_rollback": False,
        }
        return dep

    def _start_deployment(self, svc, t):
        """A new deployment of the service's current configuration (CreateService,
        UpdateService with changes, forceNewDeployment)."""
        rev = self._new_revision(svc, t)
        prev = svc["deployments"][0] if svc["deployments"] else None
        for d in svc["deployments"]:
            old = self.sds.get(d["sd"])
            if old and old["status"] in SD_ACTIVE:
                old["status"] = "STOPPED"
                old["statusReason"] = "Service deployment was stopped because a newer deployment started."
                old["stoppedAt"] = old["finishedAt"] = old["updatedAt"] = t
                old["epoch"] += 1
        strategy = self._strategy(svc)
        bg = strategy in BG_STRATEGIES and any(lb.get("advancedConfiguration") for lb in svc.get("loadBalancers") or [])
        blue = prev if (bg and prev and self._live(svc, prev["id"])) else None
        slot = (1 - blue["slot"]) if blue else svc.get("bg_slot", 0)
        n = self._sd_counter = getattr(self, "_sd_counter", 0) + 1
        sd_arn = (f"arn:aws:ecs:{svc['region']}:{svc['account']}:service-deployment/{svc['cluster']}/"
                  f"{svc['name']}/{''.join(self.world.random.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(21))}")
        source = [d["rev"] for d in svc["deployments"] if self._alive(svc, d["id"])]
        sd = {
            "serviceDeploymentArn": sd_arn, "serviceArn": svc["arn"], "clusterArn": svc["clusterArn"],
            "createdAt": t, "startedAt": t, "updatedAt": t, "status": "IN_PROGRESS",
            "sourceRevs": source, "targetRev": rev["serviceRevisionArn"],
            "deploymentConfiguration": dict(svc.get("deploymentConfiguration") or {}),
            "strategy": strategy, "bg": bg, "stage": None, "stage_active": False, "epoch": 0,
            "green": None, "blue": blue["id"] if blue else None, "weight": 0.0, "testWeight": 0.0,
            "rollback": None, "seq": n,
        }
        cb = (svc.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
        sd["cb"] = {"status": "ENABLED" if (cb.get("enable") or bg) else "DISABLED", "failureCount": 0,
                    "threshold": circuit_breaker_threshold(svc["desiredCount"], cb)}
        self.sds[sd_arn] = sd
        dep = self._make_dep(svc, t, rev, sd, slot)
        sd["green"] = dep["id"]
        for d in svc["deployments"]:
            d["status"] = "ACTIVE"
        svc["deployments"].insert(0, dep)
        svc["steady"] = False
        if bg:
            sd["stage_active"] = True
            self._bg_enter(svc, sd, "PRE_SCALE_UP", t)
        return dep

    # ------------------------------------------------------------ failures and rollback
    def _count_failure(self, svc, task, t):
        dep = self._dep(svc, task["dep"])
        if dep is None or dep["rolloutState"] != "IN_PROGRESS":
            return
        dep["failedTasks"] += 1
        dep["updatedAt"] = t
        if dep["failedTasks"] >= 3:
            backoff = min(300, 10 * 2 ** (dep["failedTasks"] - 3))
            dep["next_launch"] = t + backoff * self.world.clock.scale
        sd = self.sds.get(dep["sd"])
        cb = (svc.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
        bg = bool(sd and sd.get("stage_active"))
        if sd:
            sd["cb"]["failureCount"] = dep["failedTasks"]
            sd["updatedAt"] = t
        if cb.get("enable") or bg:
            thr = circuit_breaker_threshold(dep["desiredCount"], cb)
            if dep["failedTasks"] >= thr:
                self._fail_deployment(svc, dep, t, rollback=bool(cb.get("rollback")) or bg)

    def _fail_deployment(self, svc, dep, t, rollback, manual=False):
        dep["failed"] = True
        dep["rolloutState"] = "FAILED"
        dep["updatedAt"] = t
        dep["rolloutStateReason"] = ("Service deployment rolled back because a rollback was requested."
                                     if manual else "ECS deployment circuit breaker: tasks failed to start.")
        if not manual:
            self._event(svc, t, f"(service {svc['name']}) (deployment {dep['id']}) deployment failed: "
                                "tasks failed to start.")
        sd = self.sds.get(dep["sd"])
        if sd is None:
            return
        sd["epoch"] += 1
        sd["updatedAt"] = t
        if dep.get("is_rollback"):
            sd["status"] = "ROLLBACK_FAILED"
            sd["statusReason"] = "The rollback failed: " + dep["rolloutStateReason"]
            sd["finishedAt"] = t
            sd["stage_active"] = False
            return
        rev = self.revisions.get(svc.get("last_good"))
        if rollback and rev and rev["serviceRevisionArn"] != dep["rev"]:
            reason = ("Rollback requested by StopServiceDeployment." if manual else
                      "ECS deployment circuit breaker: tasks failed to start.")
            self._start_rollback(svc, sd, dep, rev, t, reason)
        else:
            if sd.get("stage_active"):
                self._bg_restore_weights(svc, sd)
            sd["stage_active"] = False
            sd["status"] = "STOPPED"
            sd["statusReason"] = dep["rolloutStateReason"]
            sd["stoppedAt"] = sd["finishedAt"] = t

    def _start_rollback(self, svc, sd, failed, rev, t, reason):
        blue = self._dep(svc, sd.get("blue")) if sd.get("stage_active") else None
        if sd.get("stage_active"):
            self._bg_restore_weights(svc, sd)
        slot = blue["slot"] if blue else svc.get("bg_slot", 0)
        dep = self._make_dep(svc, t, rev, sd, slot)
        dep["is_rollback"] = True
        dep["rolloutStateReason"] = (f"{reason} Rolling back from deployment {failed['id']} to service "
                                     f"revision {rev['serviceRevisionArn']}.")
        for d in svc["deployments"]:
            d["status"] = "ACTIVE"
        svc["deployments"].insert(0, dep)
        svc["taskDefinition"] = rev["taskDefinition"]
        for tk in self._live(svc):
            if tk["td"] == rev["taskDefinition"] and tk["dep"] != failed["id"]:
                tk["dep"] = dep["id"]
        sd["status"] = "ROLLBACK_IN_PROGRESS"
        sd["stage_active"] = False
        sd["rollback"] = {"reason": reason, "startedAt": t, "serviceRevisionArn": rev["serviceRevisionArn"]}
        self._event(svc, t, f"(service {svc['name']}) (deployment {failed['id']}) rolling back to "
                            f"deployment {dep['id']} with task definition {rev['taskDefinition']}.")

    def stop_service_deployment(self, sd, stop_type, t):
        svc = self.services_by_arn.get(sd["serviceArn"])
        if sd["status"] not in ("PENDING", "IN_PROGRESS") or svc is None:
            raise AwsError("ConflictException", f"The service deployment {sd['serviceDeploymentArn']} "
                           f"cannot be stopped because its status is {sd['status']}.")
        dep = next((d for d in svc["deployments"] if d["sd"] == sd["serviceDeploymentArn"]), None)
        if stop_type == "ROLLBACK":
            rev = self.revisions.get(svc.get("last_good"))
            if rev is None or dep is None or rev["serviceRevisionArn"] == dep["rev"]:
                raise AwsError("InvalidParameterException", "The service deployment cannot be rolled back "
                               "because the service has no previous service revision that completed successfully.")
            sd["status"] = "ROLLBACK_REQUESTED"
            sd["updatedAt"] = t
            sd["epoch"] += 1
            self._sd_timer_at(sd, t, 2, "rollback")
        else:
            sd["status"] = "STOP_REQUESTED"
            sd["updatedAt"] = t
            sd["epoch"] += 1
            self._sd_timer_at(sd, t, 2, "abort")

    # ------------------------------------------------------------ blue/green stages
    def _bg_rules(self, svc):
        out = []
        for lb in svc.get("loadBalancers") or []:
            adv = lb.get("advancedConfiguration") or {}
            if adv:
                out.append((lb, adv.get("productionListenerRule"), adv.get("testListenerRule")))
        return out

    def _bg_set(self, svc, sd, weight, which="prod"):
        elb = self._svc_opt("elbv2")
        green = self._dep(svc, sd["green"])
        for lb, prod, test in self._bg_rules(svc):
            rule = prod if which == "prod" else test
            if not rule:
                continue
            g_tg = self._tg_for(lb, green)
            b_tg = self._tg_for(lb, {"slot": 1 - green["slot"]})
            if elb is not None:
                try:
                    pairs = [(b_tg, int(round(100 - weight))), (g_tg, int(round(weight)))]
                    if green["slot"] == 0:
                        pairs.reverse()  # keep the groups in a stable order: targetGroupArn first
                    elb.set_forward_weights(rule, pairs)
                except AwsError as e:  # the rule or a group was deleted under the deployment
                    self._event(svc, self.world.clock.now(), f"(service {svc['name']}) was unable to shift traffic "
                                f"on {rule}: {e.code}: {e.message}")
        if which == "prod":
            sd["weight"] = float(weight)
        else:
            sd["testWeight"] = float(weight)

    def _bg_restore_weights(self, svc, sd):
        if sd.get("blue"):
            if sd["weight"]:
                self._bg_set(svc, sd, 0, "prod")
            if sd["testWeight"]:
                self._bg_set(svc, sd, 0, "test")

    def _bg_enter(self, svc, sd, stage, t):
        sd.setdefault("history", []).append(stage)  # internal, for tests: stages can be brief
        sd["stage"] = stage
        sd["updatedAt"] = t
        sd["epoch"] += 1
        cfg = sd["deploymentConfiguration"]
        if stage in ("PRE_SCALE_UP", "POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"):
            self._sd_timer_at(sd, t, STAGE_S)
        elif stage == "TEST_TRAFFIC_SHIFT":
            self._bg_set(svc, sd, 100, "test")
            self._sd_timer_at(sd, t, STAGE_S)
        elif stage == "PRODUCTION_TRAFFIC_SHIFT":
            steps = [(100.0, STAGE_S)]
            if sd.get("blue") and sd["strategy"] == "CANARY":
                cc = cfg.get("canaryConfiguration") or {}
                steps = [(float(cc.get("canaryPercent", 5.0)), 60 * int(cc.get("canaryBakeTimeInMinutes", 10))),
                         (100.0, STAGE_S)]
            elif sd.get("blue") and sd["strategy"] == "LINEAR":
                lc = cfg.get("linearConfiguration") or {}
                step = float(lc.get("stepPercent", 10.0)) or 10.0
                hold = 60 * int(lc.get("stepBakeTimeInMinutes", 6))
                steps, w = [], 0.0
                while w + step < 100.0 - 1e-9:
                    w += step
                    steps.append((w, hold))
                steps.append((100.0, STAGE_S))
            sd["steps"] = steps
            self._bg_shift(svc, sd, t)
        elif stage == "BAKE_TIME":
            self._sd_timer_at(sd, t, max(1, 60 * int(cfg.get("bakeTimeInMinutes") or 0)))
        elif stage == "CLEAN_UP":
            blue = self._dep(svc, sd.get("blue"))
            for tk in self._live(svc):
                if blue and tk["dep"] == blue["id"]:
                    self._stop_task(tk, t, "ServiceSchedulerInitiated",
                                    "Scaling activity initiated by (deployment %s)" % sd["green"])

    def _bg_shift(self, svc, sd, t):
        weight, hold = sd["steps"].pop(0)
        self._bg_set(svc, sd, weight, "prod")
        self._sd_timer_at(sd, t, hold, "shift")

    def _sd_timer(self, sd, t, action):
        svc = self.services_by_arn.get(sd["serviceArn"])
        if svc is None:
            return
        if action == "rollback":
            dep = next((d for d in svc["deployments"] if d["sd"] == sd["serviceDeploymentArn"]), None)
            sd["status"] = "IN_PROGRESS"
            if dep is not None:
                self._fail_deployment(svc, dep, t, rollback=True, manual=True)
            return
        if action == "abort":
            dep = next((d for d in svc["deployments"] if d["sd"] == sd["serviceDeploymentArn"]), None)
            if dep is not None:
                dep["failed"] = True
                dep["rolloutState"] = "FAILED"
                dep["rolloutStateReason"] = "Service deployment stopped by StopServiceDeployment."
            if sd.get("stage_active"):
                self._bg_restore_weights(svc, sd)
            sd["stage_active"] = False
            sd["status"] = "STOPPED"
            sd["statusReason"] = "Service deployment stopped by StopServiceDeployment."
            sd["stoppedAt"] = sd["finishedAt"] = sd["updatedAt"] = t
            return
        if not sd.get("stage_active"):
            return
        if action == "shift" and sd.get("steps"):
            return self._bg_shift(svc, sd, t)
        nxt = BG_STAGES.index(sd["stage"]) + 1
        if BG_STAGES[nxt] in ("TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT") and \
                not any(test for _, _, test in self._bg_rules(svc)):
            nxt = BG_STAGES.index("PRODUCTION_TRAFFIC_SHIFT")
        self._bg_enter(svc, sd, BG_STAGES[nxt], t)

    # ------------------------------------------------------------ the scheduler
    def _launch(self, svc, dep, n, t):
        if n <= 0 or dep["failed"]:
            return
        if dep["next_launch"] > t:
            self._push(dep["next_launch"], "svc", svc["arn"], "wake")
            return
        cluster = self.clusters.get((svc["region"], svc["cluster"]))
        td = self.taskdefs_by_arn.get(dep["taskDefinition"])
        if cluster is None or td is None:
            return
        started = []
        for _ in range(n):
            tk = self._new_task(cluster, td, t, svc=svc, dep=dep, network=dep["networkConfiguration"],
                                platform=dep["platformVersion"],
                                exec_enabled=dep["enableExecuteCommand"], region=svc["region"],
                                tags=svc.get("tags") if svc.get("propagateTags") == "SERVICE" else None)
            started.append(tk["id"])
        self._event(svc, t, f"(service {svc['name']}) has started {len(started)} tasks: "
                            + " ".join(f"(task {i})" for i in started) + ".")

    def _scale_in(self, svc, tasks, n, t, reason):
        victims = sorted(tasks, key=lambda tk: (self._healthy(tk), -tk["createdAt"]))[:max(0, n)]
        for tk in victims:
            self._stop_task(tk, t, "ServiceSchedulerInitiated", reason)
        if victims:
            self._event(svc, t, f"(service {svc['name']}) has stopped {len(victims)} running tasks: "
                                + " ".join(f"(task {tk['id']})" for tk in victims) + ".")

    def _reconcile(self, svc, t):
        if svc["status"] != "ACTIVE":
            live = self._live(svc)
            if live:
                self._scale_in(svc, live, len(live), t, "Service is being deleted")
            if svc["status"] == "DRAINING" and not self._alive(svc):
                svc["status"] = "INACTIVE"
                svc["inactiveAt"] = t
                self.sc_release(svc)
            return
        if not svc["deployments"]:
            return
        prim = svc["deployments"][0]
        sd = self.sds.get(prim["sd"])
        if sd is not None and sd.get("stage_active"):
            self._reconcile_bg(svc, sd, prim, t)
        else:
            self._reconcile_rolling(svc, prim, t)
        self._check_complete(svc, t)

    def _reconcile_rolling(self, svc, prim, t):
        D = svc["desiredCount"]
        cfg = svc.get("deploymentConfiguration") or {}
        max_pct = cfg.get("maximumPercent", 200)
        min_pct = cfg.get("minimumHealthyPercent", 100)
        max_total = max(D, (D * max_pct) // 100) if max_pct is not None else 2 * D
        min_healthy = math.ceil(D * min_pct / 100.0)
        live = self._live(svc)
        prim_live = [tk for tk in live if tk["dep"] == prim["id"]]
        if len(prim_live) > D:
            self._scale_in(svc, prim_live, len(prim_live) - D, t,
                           f"Scaling activity initiated by (deployment {prim['id']})")
            live = self._live(svc)
        if not prim["failed"] or prim.get("is_rollback"):
            healthy = sum(1 for tk in live if self._healthy(tk))
            old = sorted([tk for tk in live if tk["dep"] != prim["id"]],
                         key=lambda tk: (self._healthy(tk), tk["createdAt"]))
            stop = []
            for tk in old:
                if not self._healthy(tk):
                    stop.append(tk)
                elif healthy - 1 >= min_healthy:
                    stop.append(tk)
                    healthy -= 1
            if stop:
                self._scale_in(svc, stop, len(stop), t,
                               f"Scaling activity initiated by (deployment {prim['id']})")
                live = self._live(svc)
        room = max_total - len(live)
        need = D - len(prim_live)
        self._launch(svc, prim, min(need, room), t)

    def _reconcile_bg(self, svc, sd, green, t):
        D = svc["desiredCount"]
        stage = BG_STAGES.index(sd["stage"])
        blue = self._dep(svc, sd.get("blue"))
        keep = {green["id"]} | ({blue["id"]} if blue else set())
        others = [tk for tk in self._live(svc) if tk["dep"] not in keep]
        if others:
            self._scale_in(svc, others, len(others), t, "Scaling activity initiated by (deployment %s)" % green["id"])
        if blue is not None and sd["stage"] != "CLEAN_UP":
            self._maintain(svc, blue, D, t)
        if stage >= BG_STAGES.index("SCALE_UP"):
            self._maintain(svc, green, D, t)
        if sd["stage"] == "SCALE_UP" and sum(1 for tk in self._live(svc, green["id"]) if self._healthy(tk)) >= D:
            self._bg_enter(svc, sd, "POST_SCALE_UP", t)

    def _maintain(self, svc, dep, want, t):
        live = self._live(svc, dep["id"])
        if len(live) > want:
            self._scale_in(svc, live, len(live) - want, t, f"Scaling activity initiated by (deployment {dep['id']})")
        elif len(live) < want:
            self._launch(svc, dep, want - len(live), t)

    def _check_complete(self, svc, t):
        prim = svc["deployments"][0]
        sd = self.sds.get(prim["sd"])
        D = svc["desiredCount"]
        if prim["rolloutState"] == "IN_PROGRESS":
            live = self._live(svc, prim["id"])
            others = [tk for tk in self._alive(svc) if tk["dep"] != prim["id"]]
            done = False
            if sd is not None and sd.get("stage_active"):
                done = sd["stage"] == "CLEAN_UP" and not others
            else:
                done = (len(live) == D and sum(1 for tk in live if self._healthy(tk)) == D and not others)
            if done:
                prim["rolloutState"] = "COMPLETED"
                prim["rolloutStateReason"] = f"ECS deployment {prim['id']} completed."
                prim["updatedAt"] = t
                svc["last_good"] = prim["rev"]
                svc["bg_slot"] = prim["slot"]
                self._event(svc, t, f"(service {svc['name']}) (deployment {prim['id']}) deployment completed.")
                if sd is not None:
                    sd["stage_active"] = False
                    if sd["status"] == "ROLLBACK_IN_PROGRESS":
                        sd["status"] = "ROLLBACK_SUCCESSFUL"
                        sd["statusReason"] = "Service deployment rolled back to the previous service revision."
                        sd["finishedAt"] = sd["updatedAt"] = t
                    elif sd["status"] == "IN_PROGRESS":
                        sd["status"] = "SUCCESSFUL"
                        sd["statusReason"] = "Service deployment completed successfully."
                        sd["finishedAt"] = sd["updatedAt"] = t
        svc["deployments"] = [prim] + [d for d in svc["deployments"][1:] if self._alive(svc, d["id"])]
        running = sum(1 for tk in self._live(svc) if tk["lastStatus"] == "RUNNING")
        steady = (prim["rolloutState"] == "COMPLETED" and len(svc["deployments"]) == 1 and running == D
                  and len(self._live(svc)) == D)
        if steady and not svc.get("steady"):
            self._event(svc, t, f"(service {svc['name']}) has reached a steady state.")
        svc["steady"] = steady
