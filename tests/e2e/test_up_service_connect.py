#!/usr/bin/python3
"""Service Connect end to end against the fake: the stack's namespace and each service's
place in it, beside Cloud Map discovery, through create (the answer of CreateHttpNamespace
lost), update, removal, `down` and a failed first `up` rolled back.

1. A server publishing port 3000 as `server:3000`, an agent that is a client only, and a
   cache found through the stack's private DNS namespace (Cloud Map discovery): exit 0;
   one HTTP namespace, ECS's Cloud Map service for the server in it, the cache's in the
   DNS namespace; the server's deployment publishes the port under its alias, the agent's
   is a client; the agent's tasks resolve `server` (/etc/hosts as Service Connect's
   proxy writes it). `plan` exits 0; `status` shows each service's part.
2. The alias changed to `srv:3001`: `plan` shows it field by field; `up` applies it.
3. Service Connect removed from the file: the services leave the namespace and the HTTP
   namespace goes; discovery of the cache is untouched.
4. `down` leaves nothing; a fresh stack whose first `up` fails at the agent's
   CreateService leaves nothing, its HTTP namespace neither.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

STACK = "e2esc"

BASE = """\
stack: {stack}
network: {{ vpc: {{ cidr: 10.65.0.0/16 }}, zones: 2, nat: none }}
discovery: {{ namespace: {stack}.internal }}
{top}services:
  server:
    image: nginx:1.27
    port: 3000
{server}  agent:
    image: nginx:1.27
{agent}  cache:
    image: nginx:1.27
    port: 6379
    discovery: {{ name: cache }}
    allow_from: [ agent ]
"""


def write(work, name, stack=STACK, alias="server:3000", connect=True):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(BASE.format(
            stack=stack,
            top=f"service_connect: {{ namespace: {stack}.local }}\n" if connect else "",
            server=f"    service_connect: {{ aliases: [ \"{alias}\" ] }}\n    allow_from: [ agent ]\n"
            if connect else "    allow_from: [ agent ]\n",
            agent="    exec: true\n    service_connect: { client_only: true }\n" if connect else "    exec: true\n"))
    return path


def namespaces(fake, stack):
    doc = sw.resources(fake).get("servicediscovery", {})
    ns = {n["id"]: n for n in doc.get("namespaces", []) if n["name"] in (f"{stack}.local", f"{stack}.internal")}
    svcs = sorted(f"{s['name']} in {ns[s['namespace']]['name']}" for s in doc.get("services", [])
                  if s["namespace"] in ns)
    return sorted(f"{n['name']} ({n['type']})" for n in ns.values()), svcs


def connect_config(fake, stack, service):
    svc = fake.client("ecs").describe_services(cluster=stack, services=[service])["services"][0]
    prim = [d for d in svc["deployments"] if d["status"] == "PRIMARY"][0]
    return prim.get("serviceConnectConfiguration")


def http_namespace_arn(fake, stack):
    sd = fake.client("servicediscovery")
    for ns in sd.list_namespaces()["Namespaces"]:
        if ns["Name"] == f"{stack}.local":
            return ns["Arn"]
    return None


def created(rep, fake, path):
    sw.set_faults(fake, [{"service": "servicediscovery", "operation": "CreateHttpNamespace", "action": "drop",
                          "phase": "after", "count": 1}])
    rc, out, err = sw.run(fake, path, "up")
    _, faults = fake.control("GET", "/_fake/faults")
    sw.set_faults(fake, [])
    if not rep.eq(rc, 0, f"the first up, CreateHttpNamespace's answer lost ({err.strip()[-600:]})"):
        rep.finish()
    rep.check(all(r.get("applied") == 1 for r in (faults or {}).get("rules", [])), f"the answer was lost: {faults}")
    rep.eq(namespaces(fake, STACK),
           ([f"{STACK}.internal (DNS_PRIVATE)", f"{STACK}.local (HTTP)"],
            [f"cache in {STACK}.internal", f"server in {STACK}.local"]),
           "one HTTP namespace with the server's Cloud Map service, discovery's beside it")
    server = connect_config(fake, STACK, "server") or {}
    rep.eq(server.get("namespace"), http_namespace_arn(fake, STACK), "the server is in the HTTP namespace")
    published = (server.get("services") or [{}])[0]
    rep.eq((server.get("enabled"), published.get("discoveryName"), published.get("clientAliases")),
           (True, "server", [{"port": 3000, "dnsName": "server"}]), "the server publishes server:3000")
    agent = connect_config(fake, STACK, "agent") or {}
    rep.eq((agent.get("enabled"), agent.get("services")), (True, None), "the agent is a client only")
    task_defs = fake.client("ecs").describe_task_definition(taskDefinition=f"{STACK}-server")["taskDefinition"]
    ports = task_defs["containerDefinitions"][0]["portMappings"]
    rep.eq(ports[0].get("name"), published.get("portName"), "the published port is named in the task definition")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after up ({out.strip()[-600:]})")
    rc, out, err = sw.run(fake, path, "status", "--output", "json")
    doc = json.loads(out) if rc == 0 else {}
    parts = {r.get("id", "").split("/")[-1]: r.get("service_connect") for r in doc.get("resources", []) if r.get("kind") == "service"}
    rep.eq((parts.get("server"), parts.get("agent")),
           (f"server:3000 (discovery server) in {STACK}.local", f"client in {STACK}.local"),
           "status shows each service's part")


def agent_resolves_server(rep, fake, path):
    """The agent's task has the alias in /etc/hosts, pointing at the Service Connect proxy
    (as the fake models it), read through `exec`."""
    rc, out, err = sw.run(fake, path, "exec", "agent", "--", "cat", "/etc/hosts")
    rep.eq(rc, 0, f"exec into the agent ({err.strip()[-300:]})")
    rep.check(any(line.split()[1:] == ["server"] for line in out.splitlines() if line.strip()),
              f"the agent resolves server: {out!r}")


def updated(rep, fake, path):
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 4, "plan sees the alias change")
    for line in ("update   service/server", "service_connect.alias: server -> srv",
                 "service_connect.alias_port: 3000 -> 3001"):
        rep.check(line in out, f"plan shows {line!r}: {out[-1200:]}")
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"up with the new alias ({err.strip()[-400:]})")
    published = ((connect_config(fake, STACK, "server") or {}).get("services") or [{}])[0]
    rep.eq(published.get("clientAliases"), [{"port": 3001, "dnsName": "srv"}], "the server publishes srv:3001")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after the alias change ({out.strip()[-600:]})")


def removed(rep, fake, path):
    rc, out, err = sw.run(fake, path, "up")
    rep.eq(rc, 0, f"up without Service Connect ({err.strip()[-400:]})")
    for svc in ("server", "agent"):
        cfg = connect_config(fake, STACK, svc)
        rep.check(not cfg or not cfg.get("enabled"), f"{svc} left the namespace: {cfg}")
    rep.eq(namespaces(fake, STACK), ([f"{STACK}.internal (DNS_PRIVATE)"], [f"cache in {STACK}.internal"]),
           "the HTTP namespace is gone, discovery stays")
    rc, out, err = sw.run(fake, path, "plan", "--detailed-exitcode")
    rep.eq(rc, 0, f"plan after removing Service Connect ({out.strip()[-600:]})")


def first_up_rolled_back(rep, fake, work):
    stack = "e2esc2"
    path = write(work, "fresh.yml", stack=stack)
    # the agent's CreateService: the server (published) goes first and is rolled back
    sw.first_up_refused(rep, fake, path, stack, skip=2)
    rep.eq(namespaces(fake, stack), ([], []), "no namespace or Cloud Map service is left")


def main():
    rep = sw.Report()
    work = tempfile.mkdtemp()
    with sw.Fake() as fake:
        created(rep, fake, write(work, "base.yml"))
        agent_resolves_server(rep, fake, os.path.join(work, "base.yml"))
        updated(rep, fake, write(work, "alias.yml", alias="srv:3001"))
        plain = write(work, "plain.yml", connect=False)
        removed(rep, fake, plain)
        rc, out, err = sw.run(fake, plain, "down", "--yes")
        rep.eq(rc, 0, f"down ({err.strip()[-300:]})")
        rep.eq(namespaces(fake, STACK), ([], []), "down leaves no namespace")
        first_up_rolled_back(rep, fake, work)
    rep.finish()


if __name__ == "__main__":
    main()
