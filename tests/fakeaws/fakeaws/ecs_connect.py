"""ECS Service Connect for the fake: what CreateService and UpdateService check of a
serviceConnectConfiguration, and what a deployment then does in Cloud Map and in its tasks.

As AWS: the namespace (name or ARN, of any type) must exist in the region, or be the
cluster's serviceConnectDefaults; each entry's portName must name a portMapping of the task
definition; discoveryName (default: the portName) and dnsName follow ECS's patterns; at most
one client alias, whose port is required; a discovery name, and an alias (name and port), is
unique in the namespace (held by another service: "SC service is already used"). A
deployment makes one Cloud Map service per discovery name (type HTTP, tagged
AmazonECSManaged) and lists it in serviceConnectResources; its tasks register there while
they run. A task of a service in the namespace sees, in /etc/hosts, the aliases of the
namespace at the time it started, pointing at the Service Connect proxy (127.255.0.N):
tasks started before an alias existed do not resolve it, as the documentation says. When
the ECS service becomes INACTIVE, the Cloud Map services only it used go.

Client-only services give `services` empty. `enabled: false` leaves the namespace."""

import copy
import re

from fakeaws.core import AwsError

DISCOVERY_RE = re.compile(r"[a-z0-9_][a-z0-9_-]{0,63}")
DNS_RE = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,126}")


def invalid(msg):
    return AwsError("InvalidParameterException", msg)


class ServiceConnect:

    def _sc_namespace(self, ctx, cluster, ref):
        sd = self._svc_opt("servicediscovery")
        if not ref:
            ref = ((cluster or {}).get("serviceConnectDefaults") or {}).get("namespace")
            if not ref:
                raise invalid("Service Connect requires a namespace: give serviceConnectConfiguration.namespace "
                              "or set serviceConnectDefaults on the cluster.")
        if sd is None:
            return {"Arn": ref, "Id": ref.rsplit("/", 1)[-1], "Name": ref}
        ns = sd.namespace_ref(ctx.region, ref)
        if ns is None:
            raise invalid(f"The namespace {ref} was not found in Cloud Map in {ctx.region}.")
        return ns

    def _sc_claims(self, svc):
        """(namespace arn, discovery names, aliases) another service holds."""
        cfg = svc.get("serviceConnectConfiguration") or {}
        if not cfg.get("enabled"):
            return None, set(), set()
        names = {s["discoveryName"] for s in cfg.get("services") or []}
        aliases = {(a.get("dnsName") or s["discoveryName"], a["port"])
                   for s in cfg.get("services") or [] for a in s.get("clientAliases") or []}
        return cfg.get("namespace"), names, aliases

    def validate_service_connect(self, ctx, cluster, svc, td):
        """Check and normalise svc["serviceConnectConfiguration"] in place (namespace as its
        ARN, discoveryName filled in)."""
        cfg = svc.get("serviceConnectConfiguration")
        if cfg is None:
            return
        cfg = copy.deepcopy(cfg)
        svc["serviceConnectConfiguration"] = cfg
        if not cfg.get("enabled"):
            if cfg.get("services"):
                raise invalid("serviceConnectConfiguration.services can be given only when Service Connect "
                              "is enabled.")
            return
        if td.get("networkMode") not in ("awsvpc", "bridge"):
            raise invalid("Service Connect requires the awsvpc or bridge network mode.")
        from fakeaws.ecs_deploy import platform_version
        if svc.get("launchType") == "FARGATE" and platform_version(svc.get("platformVersion")) < "1.4.0":
            raise invalid("Service Connect requires Fargate platform version 1.4.0 or later.")
        ns = self._sc_namespace(ctx, cluster, cfg.get("namespace"))
        cfg["namespace"] = ns["Arn"]
        ports = {pm.get("name") for c in td["containerDefinitions"] for pm in c.get("portMappings") or []
                 if pm.get("name")}
        seen_names, seen_aliases = set(), set()
        for s in cfg.get("services") or []:
            pname = s["portName"]
            if pname not in ports:
                raise invalid(f"The portName '{pname}' does not match the name of any portMappings of the "
                              f"containers in task definition {td['taskDefinitionArn']}.")
            dname = s.get("discoveryName") or pname
            if not DISCOVERY_RE.fullmatch(dname):
                raise invalid(f"discoveryName '{dname}' is invalid: up to 64 lowercase letters, numbers, "
                              "underscores and hyphens, not starting with a hyphen.")
            s["discoveryName"] = dname
            if dname in seen_names:
                raise invalid(f"discoveryName '{dname}' is given twice.")
            seen_names.add(dname)
            aliases = s.get("clientAliases") or []
            if len(aliases) > 1:
                raise invalid("clientAliases can have at most 1 alias for each Service Connect service.")
            for a in aliases:
                if a.get("port") is None or not 1 <= a["port"] <= 65535:
                    raise invalid("clientAliases.port must be between 1 and 65535.")
                dns = a.get("dnsName")
                if dns is not None and not DNS_RE.fullmatch(dns):
                    raise invalid(f"clientAliases.dnsName '{dns}' is invalid: up to 127 lowercase letters, "
                                  "numbers, underscores, hyphens and periods, not starting with a hyphen.")
                seen_aliases.add((dns or dname, a["port"]))
            if s.get("ingressPortOverride") is not None and not 1 <= s["ingressPortOverride"] <= 65535:
                raise invalid("ingressPortOverride must be between 1 and 65535.")
        for other in self.services_by_arn.values():
            if other["arn"] == svc.get("arn") or other["status"] == "INACTIVE" or other["region"] != ctx.region:
                continue
            ons, onames, oaliases = self._sc_claims(other)
            if ons != cfg["namespace"]:
                continue
            taken = (seen_names & onames) or {f"{a}:{p}" for a, p in seen_aliases & oaliases}
            if taken:
                raise invalid(f"SC service is already used by {other['arn']} in namespace {cfg['namespace']}: "
                              f"{', '.join(sorted(taken))}.")

    # -- deployments and tasks -------------------------------------------------------------
    def sc_resources(self, svc, region):
        """The Cloud Map services of the service's discovery names (made on first use)."""
        cfg = svc.get("serviceConnectConfiguration") or {}
        sd = self._svc_opt("servicediscovery")
        if not cfg.get("enabled") or sd is None:
            return []
        ns = sd.namespace_ref(region, cfg["namespace"])
        if ns is None:
            return []
        out = []
        for s in cfg.get("services") or []:
            _, arn = sd.managed_service(region, ns["Id"], s["discoveryName"], svc["arn"])
            out.append({"discoveryName": s["discoveryName"], "discoveryArn": arn})
        return out

    def _sc_hosts(self, region, namespace):
        """/etc/hosts lines for every alias of the namespace now."""
        lines, n = [], 0
        for other in sorted(self.services_by_arn.values(), key=lambda s: s["arn"]):
            if other["status"] != "ACTIVE" or other["region"] != region or not other["deployments"]:
                continue
            cfg = other["deployments"][0].get("serviceConnectConfiguration") or {}
            if not cfg.get("enabled") or cfg.get("namespace") != namespace:
                continue
            for s in cfg.get("services") or []:
                for a in s.get("clientAliases") or [{}]:
                    n += 1
                    lines.append(f"127.255.0.{n}\t{a.get('dnsName') or s['discoveryName']}")
        return lines

    def sc_task_running(self, task, svc, dep):
        """A task of a deployment in the namespace starts: its /etc/hosts, its instances."""
        cfg = (dep or {}).get("serviceConnectConfiguration") or {}
        if not cfg.get("enabled"):
            return
        hosts = ["127.0.0.1\tlocalhost"] + self._sc_hosts(task["region"], cfg["namespace"])
        task["fs"].write("/etc/hosts", "\n".join(hosts) + "\n")
        sd = self._svc_opt("servicediscovery")
        ip = (task.get("eni") or {}).get("PrivateIpAddress") or ""
        for res in (dep or {}).get("serviceConnectResources") or []:
            found = sd.service_by_arn(res["discoveryArn"]) if sd else None
            if not found:
                continue
            try:
                sd.register_instance(found["Id"], task["id"], {
                    "AWS_INSTANCE_IPV4": ip, "ECS_CLUSTER_NAME": task["cluster"],
                    "ECS_SERVICE_NAME": svc["name"], "REGION": task["region"]})
            except AwsError:
                continue
            task["sd_instances"].append((found["Id"], task["id"]))

    def sc_release(self, svc):
        sd = self._svc_opt("servicediscovery")
        if sd is not None:
            sd.release_managed_services(svc["arn"])
