#!/usr/bin/python3
"""Domains, hosted zones and DNS-validated certificates end to end, on a fake holding only
the public zone example.com (made beforehand, as the examples' headers say):

1. refusals before any write: a name no zone holds (the zones seen are listed), a name
   with a record the stack did not write (left as it was);
2. create: a zone of the stack, alias records in it and in example.com, a certificate
   (auto) validated through both zones, the listener on it after ELB first refused the
   just-issued certificate; outputs, status; a second `up` only reads;
3. update: a record whose alias someone deleted is written again; a name added: its
   record, a new certificate for the new names (the listener switched to it, then the old
   one deleted, its validation records kept while the new one needs them); a name removed
   (its record found through the zone's tag, then deleted);
4. `down`: records, certificates and validation records go, the zone stays (kept), the
   foreign record stays; `down --purge` deletes the zone;
5. rollback of a failed first `up`: no record, certificate or validation record left; a
   run stopped before its validation records were written (--no-rollback) is finished by
   the next `up` (an update of the certificate);
6. lost answers of RequestCertificate, CreateHostedZone and ChangeResourceRecordSets: one
   certificate, one zone, the records once.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "bench"))
import analyse  # noqa: E402

R = sw.Report()
WORK = tempfile.mkdtemp()
ONE_TRY = {"AWS_MAX_ATTEMPTS": "1"}


def stack(name, domains, zones="", extra_listener="", port=8080):
    outputs = "  name_servers: ${zones.own.name_servers}\n  zone_id: ${zones.own.id}\n" if zones else ""
    text = f"""\
stack: {name}
{zones}load_balancers:
  web:
    domains: [{", ".join(domains)}]
    listeners:
      - {{ port: 80, redirect_to: 443 }}
      - {{ port: 443, certificate: auto }}
{extra_listener}services:
  web:
    image: nginx:1.27
    port: {port}
    load_balancer: {{ name: web, health_check: {{ path: /healthz }} }}
outputs:
  url: ${{load_balancers.web.url}}
{outputs}"""
    path = os.path.join(WORK, f"{name}-{abs(hash(text))}.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def r53(fake):
    return sw.resources(fake)["route53"]


def acm(fake):
    return sw.resources(fake)["acm"]["certificates"]


def records(fake, zone_name):
    doc = r53(fake)
    ids = {z["id"] for z in doc["hosted_zones"] if z["name"] == zone_name}
    return {(r["name"], r["type"]): r for r in doc["record_sets"] if r["zone"] in ids}


def zone_by_name(fake, name):
    return [z for z in r53(fake)["hosted_zones"] if z["name"] == name]


def nothing_of(fake, name):
    """The stack has nothing in the fake (its network included)."""
    inv = sw.inventory(sw.resources(fake), name)
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == name]
    return not inv and not certs, f"left: {inv} {certs}"


def refusals(fake, rte):
    """A name in no zone, and a name someone else has a record for: refused before any write."""
    path = stack("dnsno", ["app.example.org"])
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "up")
    R.eq(rc, 2, f"a name no zone holds is refused ({err.strip()[-600:]})")
    R.check("no public hosted zone of the account holds app.example.org (zones seen: example.com.)" in err,
            f"the message names the zones seen: {err.strip()[-600:]}")
    R.check("nothing was changed" in err, "and says nothing was changed")
    R.eq(analyse.write_calls(fake.calls(seq)), [], "no write was made")

    zid = zone_by_name(fake, "example.com.")[0]["id"]
    rte.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{"Action": "CREATE",
        "ResourceRecordSet": {"Name": "taken.example.com", "Type": "CNAME", "TTL": 60,
                              "ResourceRecords": [{"Value": "elsewhere.example.net"}]}}]})
    path = stack("dnsno", ["free.example.com", "taken.example.com"])
    seq = fake.last_seq()
    rc, out, err = sw.run(fake, path, "up")
    R.eq(rc, 2, f"a name with a foreign record is refused ({err.strip()[-600:]})")
    R.check("taken.example.com already has a CNAME record in zone example.com." in err and
            "never writes over a record it did not write" in err, f"the message says why: {err.strip()[-600:]}")
    R.eq(analyse.write_calls(fake.calls(seq)), [], "no write was made")
    taken = records(fake, "example.com.").get(("taken.example.com.", "CNAME"))
    R.check(taken and taken["values"] == ["elsewhere.example.net"], f"the foreign record is as it was: {taken}")
    ok, why = nothing_of(fake, "dnsno")
    R.check(ok, f"nothing of the refused stack exists: {why}")


def create(fake, path):
    sw.set_faults(fake, [])
    fake.control("POST", "/_fake/acm/settings", {"propagation_seconds": 300})
    rc, out, err = sw.run(fake, path, "up", timeout=300)
    fake.control("POST", "/_fake/acm/settings", {"propagation_seconds": 5})
    if not R.eq(rc, 0, f"up creates the stack ({err.strip()[-800:]})"):
        return None
    R.check("does not see the new certificate yet" in out,
            f"the listener waited while ELB did not see the new certificate: {out[-2500:]}")
    R.check("url = https://app.example.com" in out, f"the url is the domain's: {out[-400:]}")
    R.check("waiting for the certificate to be issued" in out and
            "once the stack's zone is delegated to its name servers" in out,
            f"up says what it waits for while ACM validates: {out[-2500:]}")
    own = zone_by_name(fake, "dnse2e.example.com.")
    R.eq(len(own), 1, "the stack's zone exists once")
    R.check(own and own[0]["tags"].get("ecsdeploy:id") == "zone/own", f"and is tagged: {own}")
    R.check("name servers of dnse2e.example.com: ns-" in out, "up prints the new zone's name servers")
    R.check(own and "name_servers = ns-" in out and ("zone_id = " + own[0]["id"].split("/")[-1]) in out,
            f"and gives them and the zone's id as outputs: {out[-600:]}")
    top = records(fake, "example.com.")
    app = top.get(("app.example.com.", "A"))
    R.check(app and app["alias"]["dns_name"].startswith("dualstack.dnse2e-web-") and app["insync"],
            f"app.example.com is an alias to the load balancer, INSYNC: {app}")
    owner = top.get(("_ecsdeploy.app.example.com.", "TXT"))
    R.check(owner and owner["values"] == ['"heritage=ecsdeploy,stack=dnse2e,id=record/app.example.com"'],
            f"its owner record is beside it: {owner}")
    inner = records(fake, "dnse2e.example.com.")
    R.check(("www.dnse2e.example.com.", "A") in inner, f"www is in the stack's zone: {sorted(inner)}")
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnse2e"]
    R.check(len(certs) == 1 and certs[0]["status"] == "ISSUED" and
            certs[0]["names"] == ["app.example.com", "www.dnse2e.example.com"],
            f"one certificate, issued, for both names: {certs}")
    cnames = [k for k in list(top) + list(inner) if k[1] == "CNAME" and k[0].startswith("_")]
    R.eq(len(cnames), 2, f"its two validation records are in the zones that hold the names: {cnames}")
    R.check(certs and certs[0]["in_use_by"], "the listener uses it")

    rc, out, err = sw.run(fake, path, "status")
    R.eq(rc, 0, f"status ({err.strip()[-300:]})")
    R.check("ISSUED for app.example.com, www.dnse2e.example.com" in out, f"status shows the certificate: {out[-1500:]}")
    R.check("app.example.com: -> dualstack.dnse2e-web-" in out, f"status shows the record: {out[-1500:]}")
    R.check("own: dnse2e.example.com, name servers ns-" in out, f"status shows the zone: {out[-1500:]}")

    # a second up only reads, side by side: every call costs 1 s, the chain stays 4 deep.
    # Not 200 ms: the fake (one Python interpreter) starts sixty calls sent at once over
    # some hundred ms on a loaded machine, which must not look like a level of its own.
    for what, args in (("no-change up", ("up",)), ("status", ("status",))):
        fake.control("POST", "/_fake/faults", {"latency_ms": 1000})
        seq = fake.last_seq()
        rc, out, err = sw.run(fake, path, *args)
        fake.control("POST", "/_fake/faults", {"latency_ms": 0})
        got = fake.calls(seq)
        chain = analyse.round_trip_chain(got)
        print(f"{what}: {len(got)} calls, depth {len(chain)}: {analyse.chain_text(chain)}")
        R.eq(rc, 0, f"{what} ({err.strip()[-400:]})")
        R.check(len(chain) <= 4, f"{what} reads side by side: depth {len(chain)}: {analyse.chain_text(chain)}")
        if what == "no-change up":
            R.check("No changes" in out, f"a second up has nothing to do: {out[-800:]}")
            R.eq(analyse.write_calls(got), [], "a second up only reads")
    return certs[0]["arn"] if certs else None


def update(fake, rte, path, first_arn):
    # someone deleted the alias record, not its owner record: written again
    zid = zone_by_name(fake, "example.com.")[0]["id"]
    a = rte.list_resource_record_sets(HostedZoneId=zid, StartRecordName="app.example.com",
                                      StartRecordType="A", MaxItems="1")["ResourceRecordSets"][0]
    rte.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{"Action": "DELETE",
                                                                                 "ResourceRecordSet": a}]})
    rc, out, err = sw.run(fake, path, "plan")
    R.check("~   update   record/app.example.com" in out and "ip_address_type: none -> ipv4" in out,
            f"plan shows the record's update field by field: {out[-1500:]}")
    rc, out, err = sw.run(fake, path, "up")
    R.eq(rc, 0, f"up writes it again ({err.strip()[-500:]})")
    R.check(("app.example.com.", "A") in records(fake, "example.com."), "the alias is back")

    # a name added: its record, and a certificate for the new names instead of the old one
    added = stack("dnse2e", ["app.example.com", "www.dnse2e.example.com", "api.example.com"],
                  zones=ZONES)
    rc, out, err = sw.run(fake, added, "plan")
    R.check("+   create   record/api.example.com" in out, f"plan adds the record: {out[-2000:]}")
    R.check(out.count("create   certificate/web-443-") == 1 and out.count("delete   certificate/web-443-") == 1,
            f"plan makes a new certificate and deletes the old: {out[-2000:]}")
    R.check("certificate: arn:aws:acm:" in out and "(known after create)" in out,
            f"the listener's certificate changes field by field: {out[-2000:]}")
    rc, out, err = sw.run(fake, added, "up", timeout=300)
    R.eq(rc, 0, f"up with a name added ({err.strip()[-800:]})")
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnse2e"]
    R.check(len(certs) == 1 and certs[0]["arn"] != first_arn and len(certs[0]["names"]) == 3 and
            certs[0]["in_use_by"], f"the new certificate replaced the old one on the listener: {certs}")
    top = records(fake, "example.com.")
    R.check(("api.example.com.", "A") in top, "api.example.com has its record")
    cnames = sorted(k[0] for k in list(top) + list(records(fake, "dnse2e.example.com."))
                    if k[1] == "CNAME" and k[0].startswith("_"))
    R.eq(len(cnames), 3, f"the validation records the new certificate shares with the old stay: {cnames}")

    # a name removed: its record goes (found through the zone's tag: no file name is in it)
    removed = stack("dnse2e", ["app.example.com", "api.example.com"], zones=ZONES,
                    extra_listener="      - { port: 8443, certificate: [api.example.com] }\n")
    rc, out, err = sw.run(fake, removed, "plan")
    R.check("-   delete   record/www.dnse2e.example.com" in out, f"plan deletes the record no longer named: {out[-2000:]}")
    rc, out, err = sw.run(fake, removed, "up", timeout=300)
    R.eq(rc, 0, f"up with a name removed ({err.strip()[-800:]})")
    inner = records(fake, "dnse2e.example.com.")
    R.check(not [k for k in inner if k[0].startswith(("www.", "_ecsdeploy.www."))], f"its record is gone: {sorted(inner)}")
    R.check("ecsdeploy:records:dnse2e" not in zone_by_name(fake, "dnse2e.example.com.")[0]["tags"],
            "the zone no longer says it holds records of the stack")
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnse2e"]
    R.eq(len(certs), 2, f"one certificate per HTTPS listener: {certs}")
    R.check(not [k for k in inner if k[1] == "CNAME"], "www's validation record went with the last certificate naming it")
    return removed


def down(fake, path, rte):
    rc, out, err = sw.run(fake, path, "down", "--yes", timeout=300)
    R.eq(rc, 0, f"down ({err.strip()[-600:]})")
    lines = out.splitlines()
    done = [i for i, line in enumerate(lines) if "delete  listener/web-443" in line and ": ok" in line]
    certs_done = [i for i, line in enumerate(lines) if "delete  certificate/web-443-" in line and ": ok" in line]
    R.check(done and certs_done and max(done) < min(certs_done),
            f"the listener goes before its certificate (ACM refuses one in use): {out[-2500:]}")
    R.check("Kept (remove them with down --purge)" in out and "zone/own" in out, f"down says it kept the zone: {out[-800:]}")
    R.eq([c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnse2e"], [], "no certificate is left")
    top = records(fake, "example.com.")
    R.eq(sorted(k for k in top), [("dnse2e.example.com.", "NS"), ("example.com.", "NS"), ("example.com.", "SOA"),
                                  ("taken.example.com.", "CNAME")],
         "example.com holds its own records, the delegation written by hand and the foreign one only")
    R.check(not zone_by_name(fake, "example.com.")[0]["tags"], "and no tag of the stack")
    own = zone_by_name(fake, "dnse2e.example.com.")
    R.check(len(own) == 1 and own[0]["records"] == 2, f"the stack's zone stays, empty: {own}")
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge")
    R.eq(rc, 0, f"down --purge ({err.strip()[-600:]})")
    R.eq(zone_by_name(fake, "dnse2e.example.com."), [], "down --purge deletes the zone")


def rollback(fake):
    path = stack("dnsrb", ["rb.example.com"], port=8081)
    sw.set_faults(fake, [{"service": "ecs", "operation": "CreateService", "action": "error",
                          "code": "AccessDenied", "message": "not allowed"}])
    rc, out, err = sw.run(fake, path, "up", env=ONE_TRY, timeout=300)
    sw.set_faults(fake, [])
    R.eq(rc, 3, f"a first up failing at its service rolls back ({err.strip()[-600:]})")
    R.check("create  record/rb.example.com: ok" in out and "create  certificate/web-443-" in out,
            f"the record and the certificate were made first: {out[-2500:]}")
    ok, why = nothing_of(fake, "dnsrb")
    R.check(ok, f"nothing of the stack is left: {why}")
    top = records(fake, "example.com.")
    R.check(not [k for k in top if "rb.example.com" in k[0]], f"no record of it either: {sorted(top)}")


def unfinished_validation(fake):
    """A run that stopped before the validation records were written (--no-rollback) leaves
    the certificate PENDING_VALIDATION: the next up writes them and waits (an update)."""
    path = os.path.join(WORK, "dnspv.yml")
    with open(path, "w") as f:
        f.write("stack: dnspv\nload_balancers:\n  web:\n    listeners: [ { port: 443, certificate: "
                "[pv.example.com] } ]\nservices:\n  web: { image: nginx:1.27, port: 8083, "
                "load_balancer: web }\n")
    sw.set_faults(fake, [{"service": "route53", "operation": "ChangeResourceRecordSets", "action": "error",
                          "code": "InternalError", "message": "not now"}])
    rc, out, err = sw.run(fake, path, "up", "--no-rollback", env=ONE_TRY, timeout=300)
    sw.set_faults(fake, [])
    R.eq(rc, 1, f"up stops when the validation records cannot be written ({err.strip()[-500:]})")
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnspv"]
    R.check(len(certs) == 1 and certs[0]["status"] == "PENDING_VALIDATION", f"its certificate waits: {certs}")
    rc, out, err = sw.run(fake, path, "plan")
    R.check("~   update   certificate/web-443-" in out and "status: PENDING_VALIDATION -> ISSUED" in out,
            f"plan finishes it as an update: {out[-1500:]}")
    rc, out, err = sw.run(fake, path, "up", timeout=300)
    R.eq(rc, 0, f"the next up finishes it ({err.strip()[-500:]})")
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnspv"]
    R.check(len(certs) == 1 and certs[0]["status"] == "ISSUED" and certs[0]["in_use_by"],
            f"the same certificate, issued and used: {certs}")
    rc, out, err = sw.run(fake, path, "down", "--yes", timeout=300)
    R.eq(rc, 0, f"down ({err.strip()[-400:]})")
    ok, why = nothing_of(fake, "dnspv")
    R.check(ok, f"nothing is left: {why}")


def lost_answers(fake):
    path = stack("dnslost", ["lost.example.com", "www.dnslost.example.com"], port=8082,
                 zones="zones:\n  own: { name: dnslost.example.com }\n")
    sw.set_faults(fake, [{"service": svc, "operation": op, "action": "drop", "phase": "after", "count": 1}
                         for svc, op in (("acm", "RequestCertificate"), ("route53", "CreateHostedZone"),
                                         ("route53", "ChangeResourceRecordSets"))])
    rc, out, err = sw.run(fake, path, "up", timeout=300)
    sw.set_faults(fake, [])
    R.eq(rc, 0, f"up succeeds although three answers were lost ({err.strip()[-600:]})")
    certs = [c for c in acm(fake) if c["tags"].get("ecsdeploy:stack") == "dnslost"]
    R.eq(len(certs), 1, f"one certificate, not two: {certs}")
    R.eq(len(zone_by_name(fake, "dnslost.example.com.")), 1, "one zone, not two")
    R.check(("lost.example.com.", "A") in records(fake, "example.com."), "the record is there")
    rc, out, err = sw.run(fake, path, "up")
    R.check(rc == 0 and "No changes" in out, f"and the next up has nothing to do: {out[-600:]}")
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge", timeout=300)
    R.eq(rc, 0, f"down --purge ({err.strip()[-400:]})")
    ok, why = nothing_of(fake, "dnslost")
    R.check(ok and not zone_by_name(fake, "dnslost.example.com."), f"nothing is left: {why}")


ZONES = "zones:\n  own: { name: dnse2e.example.com }\n"


def main():
    # the stack's zone is delegated in example.com by hand while up waits, as a person would
    with sw.Fake("--latency-ms", "0", time_scale=0.01) as fake, sw.Delegator(fake):
        status, doc = fake.control("POST", "/_fake/route53/hosted-zones", {"name": "example.com"})
        if not R.eq(status, 200, f"the zone example.com is made beforehand: {doc}"):
            return R.finish() if hasattr(R, "finish") else 1
        rte = fake.client("route53")
        refusals(fake, rte)
        path = stack("dnse2e", ["app.example.com", "www.dnse2e.example.com"], zones=ZONES)
        arn = create(fake, path)
        if arn:
            last = update(fake, rte, path, arn)
            down(fake, last, rte)
        rollback(fake)
        unfinished_validation(fake)
        lost_answers(fake)
    print("%d passed, %d failed" % (R.passed, R.failed))
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
