#!/usr/bin/python3
"""Route 53 of the fake, driven through its handlers on a manual clock (test_net_common's
World): zones and their caller references, changes PENDING then INSYNC, change batches
(atomic, exact deletes, CNAME rules, values, aliases to load balancers), listing order and
pages, tags, zone deletion, the control endpoint, and what it tells ACM."""

import sys

from test_net_common import Net, expect, run_tests

SERVICES = ("ec2", "elbv2", "route53", "acm")


def rr(name, rtype="A", values=("192.0.2.1",), ttl=60, **extra):
    out = {"Name": name, "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}
    out.update(extra)
    return out


def change(zone_id, *changes):
    return {"HostedZoneId": zone_id, "ChangeBatch": {"Changes": [
        {"Action": a, "ResourceRecordSet": r} for a, r in changes]}}


def zone(n, name="example.com", ref="ref-1"):
    return n.call("route53", "CreateHostedZone", Name=name, CallerReference=ref)


def zid(out):
    return out["HostedZone"]["Id"].split("/")[-1]


def sets(n, z, **req):
    return n.call("route53", "ListResourceRecordSets", HostedZoneId=z, **req)["ResourceRecordSets"]


def test_zone_create_get_and_caller_reference():
    n = Net(services=SERVICES)
    out = zone(n, "Example.COM")
    hz = out["HostedZone"]
    expect(hz["Id"].startswith("/hostedzone/Z") and hz["Name"] == "example.com.", hz)
    expect(hz["Config"] == {"PrivateZone": False} and hz["ResourceRecordSetCount"] == 2, hz)
    expect(out["Location"].endswith("/2013-04-01/hostedzone/" + zid(out)), out["Location"])
    ns = out["DelegationSet"]["NameServers"]
    expect(len(ns) == 4 and all(s.startswith("ns-") and ".awsdns-" in s for s in ns), ns)
    expect(out["ChangeInfo"]["Status"] == "PENDING" and out["ChangeInfo"]["Id"].startswith("/change/C"))
    # the same CallerReference is refused, as AWS does: a retry must look the zone up
    n.fails("HostedZoneAlreadyExists", "route53", "CreateHostedZone", Name="example.com",
            CallerReference="ref-1")
    # another reference makes a second zone of the same name
    twin = zone(n, "example.com", "ref-2")
    expect(zid(twin) != zid(out))
    got = n.call("route53", "GetHostedZone", Id=zid(out))
    expect(got["HostedZone"] == hz and got["DelegationSet"]["NameServers"] == ns, got)
    soa_ns = sets(n, zid(out))
    expect([(s["Name"], s["Type"]) for s in soa_ns] == [("example.com.", "NS"), ("example.com.", "SOA")])
    expect([v["Value"] for v in soa_ns[0]["ResourceRecords"]] == [s + "." for s in ns], soa_ns[0])
    n.fails("NoSuchHostedZone", "route53", "GetHostedZone", Id="Z0000000000000000000")
    for bad in ("com", "exa..mple.com", "x" * 64 + ".com"):
        n.fails("InvalidDomainName", "route53", "CreateHostedZone", Name=bad, CallerReference="r-" + bad[:5])
    # deleting the zone keeps its reference spent
    n.call("route53", "DeleteHostedZone", Id=zid(twin))
    n.fails("HostedZoneAlreadyExists", "route53", "CreateHostedZone", Name="example.com",
            CallerReference="ref-2")


def test_changes_become_insync_on_the_clock():
    n = Net(services=SERVICES)
    out = zone(n)
    cid = out["ChangeInfo"]["Id"].split("/")[-1]
    expect(n.call("route53", "GetChange", Id=cid)["ChangeInfo"]["Status"] == "PENDING")
    n.wait(39)
    expect(n.call("route53", "GetChange", Id=cid)["ChangeInfo"]["Status"] == "PENDING")
    n.wait(2)
    expect(n.call("route53", "GetChange", Id=cid)["ChangeInfo"]["Status"] == "INSYNC")
    c = n.call("route53", "ChangeResourceRecordSets", **change(zid(out), ("CREATE", rr("www.example.com"))))
    expect(c["ChangeInfo"]["Status"] == "PENDING")
    expect([s["Name"] for s in sets(n, zid(out))][-1] == "www.example.com.")   # listed at once
    n.wait(41)
    expect(n.call("route53", "GetChange", Id=c["ChangeInfo"]["Id"].split("/")[-1])["ChangeInfo"]["Status"]
           == "INSYNC")
    n.fails("NoSuchChange", "route53", "GetChange", Id="C0NOSUCHCHANGE")


def test_change_batches_are_atomic_and_exact():
    n = Net(services=SERVICES)
    z = zid(zone(n))
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("CREATE", rr("www.example.com")),
                                                            ("CREATE", rr("api.example.com"))))
    # one bad change refuses the whole batch, each problem named
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", rr("new.example.com")),
                         ("CREATE", rr("www.example.com")),
                         ("DELETE", rr("gone.example.com"))))
    expect(e.message == "[Tried to create resource record set [name='www.example.com.', type='A'] "
           "but it already exists, Tried to delete resource record set [name='gone.example.com.', "
           "type='A'] but it was not found]", e.message)
    expect("new.example.com." not in [s["Name"] for s in sets(n, z)])
    # DELETE must give the current values and TTL
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("DELETE", rr("www.example.com", ttl=300))))
    expect("the values provided do not match the current values" in e.message, e.message)
    n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
            **change(z, ("DELETE", rr("www.example.com", values=("192.0.2.9",)))))
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("DELETE", rr("www.example.com"))))
    # UPSERT makes or replaces
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("UPSERT", rr("api.example.com", values=("192.0.2.7",)))))
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("UPSERT", rr("up.example.com"))))
    by = {(s["Name"], s["Type"]): s for s in sets(n, z)}
    expect(by[("api.example.com.", "A")]["ResourceRecords"] == [{"Value": "192.0.2.7"}])
    expect(("up.example.com.", "A") in by and ("www.example.com.", "A") not in by)
    # a DELETE then CREATE of the same name in one batch is allowed (order counts)
    n.call("route53", "ChangeResourceRecordSets", **change(
        z, ("DELETE", rr("up.example.com")), ("CREATE", rr("up.example.com", "CNAME", ("x.example.net",)))))


def test_names_values_and_cname_rules():
    n = Net(services=SERVICES)
    z = zid(zone(n))
    bad = [
        (rr("www.example.org"), "RRSet with DNS name www.example.org. is not permitted in zone example.com."),
        (rr("example.com", "CNAME", ("x.example.net",)), "is not permitted at apex"),
        (rr("v4.example.com", values=("300.1.1.1",)), "ARRDATAIllegalIPv4Address"),
        (rr("v6.example.com", "AAAA", ("192.0.2.1",)), "AAAARRDATAIllegalIPv6Address"),
        (rr("t.example.com", "TXT", ("unquoted",)), "Value should be enclosed in quotation marks"),
        (rr("d.example.com", values=("192.0.2.1", "192.0.2.1")), "Duplicate Resource Record: '192.0.2.1'"),
        (rr("c.example.com", "CNAME", ("a.example.net", "b.example.net")), "more than one value"),
    ]
    for record, words in bad:
        e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets", **change(z, ("CREATE", record)))
        expect(words in e.message, f"{record['Name']}: {e.message}")
    # neither TTL+values nor an alias, or both: InvalidInput
    e = n.fails("InvalidInput", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", {"Name": "x.example.com", "Type": "A", "TTL": 60})))
    expect("Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]" in e.message, e.message)
    # a CNAME beside another type, either way round
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("CREATE", rr("both.example.com"))))
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", rr("both.example.com", "CNAME", ("x.example.net",)))))
    expect("conflicts with other records" in e.message, e.message)
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("CREATE", rr("cn.example.com", "CNAME", ("x.example.net",)))))
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", rr("cn.example.com", "TXT", ('"v"',)))))
    expect("a conflicting RRSet of type CNAME with the same DNS name already exists" in e.message, e.message)
    # the apex SOA and NS stay
    soa = sets(n, z)[1]
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets", **change(z, ("DELETE", soa)))
    expect("exactly one SOA" in e.message, e.message)
    # names: lower case, escapes in and out
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("CREATE", rr("*.Example.com", "TXT", ('"w"',)))))
    names = [s["Name"] for s in sets(n, z)]
    expect("\\052.example.com." in names, names)
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("DELETE", rr("\\052.example.com", "TXT", ('"w"',)))))


def _alb(n):
    vid, _ = n.vpc()
    a = n.subnet(vid, "10.0.0.0/24", "us-east-1a")
    b = n.subnet(vid, "10.0.1.0/24", "us-east-1b")
    return n.call("elbv2", "CreateLoadBalancer", Name="web", Subnets=[a, b],
                  SecurityGroups=[n.sg(vid)])["LoadBalancers"][0]


def test_alias_targets_must_be_real_load_balancers():
    n = Net(services=SERVICES)
    z = zid(zone(n))
    lb = _alb(n)

    def alias(name, dns, zone_id, rtype="A"):
        return {"Name": name, "Type": rtype, "AliasTarget": {
            "HostedZoneId": zone_id, "DNSName": dns, "EvaluateTargetHealth": True}}

    # the ALB's own DNS name and canonical zone id, as DescribeLoadBalancers gives them
    ok = alias("app.example.com", "dualstack." + lb["DNSName"].upper(), lb["CanonicalHostedZoneId"])
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("CREATE", ok)))
    got = [s for s in sets(n, z) if s["Name"] == "app.example.com."][0]
    expect(got["AliasTarget"] == {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "dualstack." +
                                  lb["DNSName"].lower() + ".", "EvaluateTargetHealth": True}, got)
    n.call("route53", "ChangeResourceRecordSets",
           **change(z, ("CREATE", alias("app.example.com", lb["DNSName"], lb["CanonicalHostedZoneId"], "AAAA"))))
    # another region's zone id: outside the target zone, and no such target there
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", alias("w.example.com", lb["DNSName"], "Z32O12XQLNTSW2"))))
    expect(e.message == f"[Tried to create an alias that targets {lb['DNSName'].lower()}., type A in zone "
           "Z32O12XQLNTSW2, but the alias target name does not lie within the target zone, Tried to "
           f"create an alias that targets {lb['DNSName'].lower()}., type A in zone Z32O12XQLNTSW2, but "
           "that target was not found]", e.message)
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", alias("w.example.com", "nope-1.us-east-1.elb.amazonaws.com",
                                             "Z35SXDOTRQ7X7K"))))
    expect(e.message.endswith("but that target was not found]"), e.message)
    # an alias to a record of the zone itself must find that record
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("CREATE", alias("w.example.com", "none.example.com", z))))
    expect("that target was not found" in e.message, e.message)
    n.call("route53", "ChangeResourceRecordSets",
           **change(z, ("CREATE", alias("w.example.com", "app.example.com", z))))
    # an alias with a TTL is refused before anything else
    bad = alias("t.example.com", lb["DNSName"], lb["CanonicalHostedZoneId"])
    bad["TTL"] = 60
    n.fails("InvalidInput", "route53", "ChangeResourceRecordSets", **change(z, ("CREATE", bad)))
    # deleting an alias needs the exact target
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets",
                **change(z, ("DELETE", dict(ok, AliasTarget=dict(ok["AliasTarget"], EvaluateTargetHealth=False)))))
    expect("do not match" in e.message, e.message)
    n.call("route53", "ChangeResourceRecordSets", **change(z, ("DELETE", ok)))


def test_alias_to_a_load_balancer_of_another_region():
    """A load balancer in ap-southeast-2 has that region's canonical zone (not us-east-1's),
    and an alias naming it is accepted; naming us-east-1's zone is refused."""
    n = Net(services=SERVICES, region="ap-southeast-2")
    z = zid(zone(n))
    vid, _ = n.vpc()
    a = n.subnet(vid, "10.0.0.0/24", "ap-southeast-2a")
    b = n.subnet(vid, "10.0.1.0/24", "ap-southeast-2b")
    lb = n.call("elbv2", "CreateLoadBalancer", Name="web", Subnets=[a, b],
                SecurityGroups=[n.sg(vid)])["LoadBalancers"][0]
    expect(lb["CanonicalHostedZoneId"] == "Z1GM3OXH4ZPM65", lb)
    target = {"HostedZoneId": lb["CanonicalHostedZoneId"], "DNSName": "dualstack." + lb["DNSName"],
              "EvaluateTargetHealth": True}
    n.call("route53", "ChangeResourceRecordSets",
           **change(z, ("CREATE", {"Name": "app.example.com", "Type": "A", "AliasTarget": target})))
    e = n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets", **change(z, ("CREATE", {
        "Name": "w.example.com", "Type": "A", "AliasTarget": dict(target, HostedZoneId="Z35SXDOTRQ7X7K")})))
    expect("does not lie within the target zone" in e.message, e.message)


def test_listing_order_and_pages():
    n = Net(services=SERVICES)
    z = zid(zone(n))
    n.call("route53", "ChangeResourceRecordSets", **change(
        z, ("CREATE", rr("b.example.com")), ("CREATE", rr("a.b.example.com")),
        ("CREATE", rr("a.example.com", "TXT", ('"t"',))), ("CREATE", rr("a.example.com", "AAAA", ("2001:db8::1",))),
        ("CREATE", rr("z.example.com"))))
    order = [(s["Name"], s["Type"]) for s in sets(n, z)]
    expect(order == [("example.com.", "NS"), ("example.com.", "SOA"), ("a.example.com.", "AAAA"),
                     ("a.example.com.", "TXT"), ("b.example.com.", "A"), ("a.b.example.com.", "A"),
                     ("z.example.com.", "A")], order)
    page = n.call("route53", "ListResourceRecordSets", HostedZoneId=z, MaxItems="3")
    expect(page["IsTruncated"] and page["MaxItems"] == "3" and len(page["ResourceRecordSets"]) == 3, page)
    expect((page["NextRecordName"], page["NextRecordType"]) == ("a.example.com.", "TXT"), page)
    rest = n.call("route53", "ListResourceRecordSets", HostedZoneId=z, StartRecordName=page["NextRecordName"],
                  StartRecordType=page["NextRecordType"])
    expect([(s["Name"], s["Type"]) for s in rest["ResourceRecordSets"]] == order[3:] and not rest["IsTruncated"])
    one = n.call("route53", "ListResourceRecordSets", HostedZoneId=z, StartRecordName="b.example.com",
                 StartRecordType="A", MaxItems="1")["ResourceRecordSets"]
    expect([(s["Name"], s["Type"]) for s in one] == [("b.example.com.", "A")], one)
    # weighted records: one name and type, told apart by their set identifiers
    n.call("route53", "ChangeResourceRecordSets", **change(
        z, ("CREATE", rr("w.example.com", SetIdentifier="b", Weight=1)),
        ("CREATE", rr("w.example.com", SetIdentifier="a", Weight=2))))
    page = n.call("route53", "ListResourceRecordSets", HostedZoneId=z, StartRecordName="w.example.com",
                  StartRecordType="A", MaxItems="1")
    expect(page["ResourceRecordSets"][0]["SetIdentifier"] == "a" and page["NextRecordIdentifier"] == "b", page)
    last = n.call("route53", "ListResourceRecordSets", HostedZoneId=z, StartRecordName="w.example.com",
                  StartRecordType="A", StartRecordIdentifier="b")["ResourceRecordSets"]
    expect([s.get("SetIdentifier") for s in last] == ["b", None], last)      # then z.example.com
    n.fails("InvalidInput", "route53", "ChangeResourceRecordSets",
            **change(z, ("CREATE", rr("v.example.com", SetIdentifier="x"))))
    n.fails("InvalidInput", "route53", "ChangeResourceRecordSets",
            **change(z, ("CREATE", rr("v.example.com", Weight=3))))
    n.fails("InvalidInput", "route53", "ListResourceRecordSets", HostedZoneId=z, StartRecordType="A")
    n.fails("NoSuchHostedZone", "route53", "ListResourceRecordSets", HostedZoneId="Z0NOPE")


def test_zone_lists_tags_and_deletion():
    n = Net(services=SERVICES)
    ids = [zid(zone(n, name, f"ref-{i}")) for i, name in enumerate(["b.example.com", "example.org", "example.com"])]
    page = n.call("route53", "ListHostedZones", MaxItems="2")
    expect([h["Name"] for h in page["HostedZones"]] == ["b.example.com.", "example.org."], page)
    expect(page["IsTruncated"] and page["NextMarker"] == ids[2] and page["Marker"] == "", page)
    last = n.call("route53", "ListHostedZones", Marker=page["NextMarker"])
    expect([h["Name"] for h in last["HostedZones"]] == ["example.com."] and not last["IsTruncated"])
    by = n.call("route53", "ListHostedZonesByName")["HostedZones"]
    expect([h["Name"] for h in by] == ["example.com.", "b.example.com.", "example.org."], by)
    by = n.call("route53", "ListHostedZonesByName", DNSName="example.com", MaxItems="1")
    expect([h["Name"] for h in by["HostedZones"]] == ["example.com."] and by["NextDNSName"] == "b.example.com.", by)
    n.fails("InvalidInput", "route53", "ListHostedZonesByName", HostedZoneId=ids[0])
    n.call("route53", "ChangeTagsForResource", ResourceType="hostedzone", ResourceId=ids[0],
           AddTags=[{"Key": "ecsdeploy:stack", "Value": "demo"}, {"Key": "x", "Value": "1"}])
    n.call("route53", "ChangeTagsForResource", ResourceType="hostedzone", ResourceId=ids[0], RemoveTagKeys=["x"])
    tags = n.call("route53", "ListTagsForResource", ResourceType="hostedzone", ResourceId=ids[0])["ResourceTagSet"]
    expect(tags == {"ResourceType": "hostedzone", "ResourceId": ids[0],
                    "Tags": [{"Key": "ecsdeploy:stack", "Value": "demo"}]}, tags)
    n.fails("NoSuchHostedZone", "route53", "ListTagsForResource", ResourceType="hostedzone", ResourceId="Z0NOPE")
    n.fails("NoSuchHealthCheck", "route53", "ListTagsForResource", ResourceType="healthcheck", ResourceId="abc")
    # several zones' tags in one call, in the order asked; one unknown zone fails it all
    many = n.call("route53", "ListTagsForResources", ResourceType="hostedzone",
                  ResourceIds=[ids[1], ids[0]])["ResourceTagSets"]
    expect(many == [{"ResourceType": "hostedzone", "ResourceId": ids[1]}, tags], many)
    n.fails("NoSuchHostedZone", "route53", "ListTagsForResources", ResourceType="hostedzone",
            ResourceIds=[ids[0], "Z0NOPE"])
    n.call("route53", "ChangeResourceRecordSets", **change(ids[0], ("CREATE", rr("www.b.example.com"))))
    n.fails("HostedZoneNotEmpty", "route53", "DeleteHostedZone", Id=ids[0])
    n.call("route53", "ChangeResourceRecordSets", **change(ids[0], ("DELETE", rr("www.b.example.com"))))
    out = n.call("route53", "DeleteHostedZone", Id=ids[0])
    expect(out["ChangeInfo"]["Status"] == "PENDING", out)
    n.fails("NoSuchHostedZone", "route53", "DeleteHostedZone", Id=ids[0])


def test_control_endpoint_and_resources():
    n = Net(services=SERVICES)
    r53 = n.world.svc("route53")
    status, doc = r53.control("POST", ["hosted-zones"], {"name": "example.com"})
    expect(status == 200 and doc["name"] == "example.com." and len(doc["name_servers"]) == 4, doc)
    expect(n.call("route53", "GetHostedZone", Id=doc["id"])["HostedZone"]["Name"] == "example.com.")
    expect(r53.control("POST", ["hosted-zones"], {"name": "com"})[0] == 400)
    expect(r53.control("POST", ["nothing"], {})[0] == 404)
    n.call("route53", "ChangeResourceRecordSets", **change(doc["id"], ("CREATE", rr("www.example.com"))))
    res = r53.resources()
    expect([z["name"] for z in res["hosted_zones"]] == ["example.com."], res)
    www = [s for s in res["record_sets"] if s["name"] == "www.example.com."][0]
    expect(www["values"] == ["192.0.2.1"] and www["insync"] is False, www)
    n.wait(40)
    expect([s for s in r53.resources()["record_sets"] if s["name"] == "www.example.com."][0]["insync"])


def test_validation_follows_the_delegation():
    """ACM reads DNS as the internet does: from the registered zone down the NS records that
    delegate a child zone by its name servers; a zone nobody delegates to answers nothing."""
    n = Net(services=SERVICES)
    r53 = n.world.svc("route53")
    status, doc = r53.control("POST", ["hosted-zones"], {"name": "example.com"})
    top = doc["id"]
    sub_zone = zone(n, "app.example.com", "r2")
    sub, servers = zid(sub_zone), sub_zone["DelegationSet"]["NameServers"]
    cname = rr("_x.app.example.com", "CNAME", ("_y.acm-validations.aws.",), ttl=300)
    n.call("route53", "ChangeResourceRecordSets", **change(sub, ("CREATE", cname)))
    n.wait(60)
    expect(r53.validation_seen_at("_x.app.example.com.", "_y.acm-validations.aws") is None)  # not delegated
    n.call("route53", "ChangeResourceRecordSets", **change(top, ("CREATE", cname)))
    n.wait(60)
    expect(r53.validation_seen_at("_X.app.example.com", "_y.acm-validations.aws.") is not None)  # the parent answers
    lame = rr("app.example.com", "NS", ("ns-1.example.net.",), ttl=300)
    n.call("route53", "ChangeResourceRecordSets", **change(top, ("CREATE", lame)))
    n.wait(60)
    expect(r53.validation_seen_at("_x.app.example.com", "_y.acm-validations.aws.") is None)  # a lame delegation
    ns = rr("app.example.com", "NS", tuple(s + "." for s in servers), ttl=300)
    c = n.call("route53", "ChangeResourceRecordSets", **change(top, ("DELETE", lame), ("CREATE", ns)))
    seen = r53.validation_seen_at("_x.app.example.com", "_y.acm-validations.aws.")
    expect(seen is not None and seen > n.world.clock.now(), seen)      # once the NS record is INSYNC
    expect(c["ChangeInfo"]["Status"] == "PENDING")
    expect(r53.answering_zone("www.app.example.com")[0]["id"] == sub)
    expect(r53.validation_seen_at("_x.app.example.com", "_other.acm-validations.aws.") is None)
    expect(r53.answering_zone("example.org") == (None, None))
    api = zid(zone(n, "api.example.com", "r3"))                     # the control endpoint, by hand
    expect(r53.answering_zone("www.api.example.com")[0]["id"] == top)
    status, doc = r53.control("POST", ["delegate"], {"name": "api.example.com"})
    expect(status == 200 and doc == {"id": api, "parent": top}, doc)
    expect(r53.answering_zone("www.api.example.com")[0]["id"] == api)
    expect(r53.control("POST", ["delegate"], {"name": "nowhere.example.org"})[0] == 404)


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
