"""Route 53 for the fake (the dns part): hosted zones, record sets, changes, tags.

Global (one state for every region, zones per account). What it holds to, as AWS does:
- CreateHostedZone makes the zone with its SOA and NS records and four name servers;
  a CallerReference used before (even for a zone since deleted) is
  HostedZoneAlreadyExists, so a retried create finds its zone by listing, not by
  sending again. Names are kept in lower case with a final dot.
- Every change (a new zone, a change batch, a deletion) is PENDING and INSYNC
  INSYNC_AFTER seconds of AWS time later (GetChange). Records are listed at once.
- ChangeResourceRecordSets: see _dns/records.py (atomic batches, exact deletes, aliases
  to load balancers of the fake).
- DeleteHostedZone: HostedZoneNotEmpty while records other than the apex SOA and NS
  remain.
- Tags: ChangeTagsForResource, ListTagsForResource, ListTagsForResources (10 zones at
  most, the model's bound; an unknown zone fails the whole call).
- DNS as the internet sees it (`answering_zone`): a zone made beforehand through the
  control endpoint is a registered domain's; a zone made with CreateHostedZone answers
  only once its parent delegates to it (an NS record set at its name naming one of its
  name servers, INSYNC), as on AWS.
- Cross-service: ACM validates a certificate once its CNAME is INSYNC in the zone that
  answers for the name (`validation_seen_at`), and is told before records change
  (`acm.refresh()`), so an issue already due is not undone by a deletion.
- Control: POST /_fake/route53/hosted-zones {"name": "example.com"} makes a public,
  registered zone the way a test or demo does beforehand (the examples expect example.com);
  POST /_fake/route53/registrar {"name", "name_servers"} registers a zone made with the API
  (its domain's registrar names its servers); POST /_fake/route53/delegate {"name"} writes
  a zone's NS record in the zone above it, as a person does by hand.
"""

import string

from fakeaws.core import ACCOUNT_ID, AwsError, Service
from fakeaws.util import untag
from fakeaws.services._dns import names, records
from fakeaws.services._net.common import utc

INSYNC_AFTER = 40          # AWS seconds from a change's submission to INSYNC
MAX_ZONES = 500            # default quota of hosted zones per account
MAX_TAGS = 50
ZONE_PAGE = 100
_ID_CHARS = string.ascii_uppercase + string.digits


class Route53(Service):
    name = "route53"

    def reset(self):
        self.zones = {}        # zone id -> zone
        self.changes = {}      # change id -> {"id", "submitted", "insync_at", "comment"}
        self.refs = {}         # (account, CallerReference) -> zone id, kept after deletion
        self.order = 0

    # ---- helpers -------------------------------------------------------------

    def _new_id(self, prefix):
        return prefix + "0" + "".join(self.world.random.choice(_ID_CHARS) for _ in range(19))

    def _change(self, comment=None):
        now = self.world.clock.now()
        c = {"id": self._new_id("C"), "submitted": now,
             "insync_at": self.world.clock.after(INSYNC_AFTER), "comment": comment}
        self.changes[c["id"]] = c
        return c

    def _change_info(self, c):
        out = {"Id": "/change/" + c["id"], "SubmittedAt": utc(c["submitted"]),
               "Status": "INSYNC" if self.world.clock.reached(c["insync_at"]) else "PENDING"}
        if c["comment"]:
            out["Comment"] = c["comment"]
        return out

    def _zone(self, zone_id, ctx):
        z = self.zones.get(zone_id)
        if z is None or z["account"] != ctx.account:
            raise AwsError("NoSuchHostedZone", f"No hosted zone found with ID: {zone_id}", 404)
        return z

    def _render(self, z):
        config = {"PrivateZone": z["private"]}
        if z["comment"]:
            config["Comment"] = z["comment"]
        return {"Id": "/hostedzone/" + z["id"], "Name": names.wire(z["name"]),
                "CallerReference": z["caller_ref"], "Config": config,
                "ResourceRecordSetCount": len(z["records"])}

    def _name_servers(self):
        n = self.world.random.randrange(0, 2048)
        tlds = ("com", "net", "org", "co.uk")
        return [f"ns-{(n + i * 512) % 2048}.awsdns-{((n + i * 512) % 2048) // 32:02d}.{tld}"
                for i, tld in enumerate(tlds)]

    def create_zone(self, account, name, caller_ref, comment=None, vpc=None):
        """What CreateHostedZone does; also the control endpoint's way in."""
        zname = names.canonical(name)
        names.check(zname)
        if zname.count(".") < 2:
            raise AwsError("InvalidDomainName", f"{names.wire(zname)} is reserved by AWS!")
        if (account, caller_ref) in self.refs:
            raise AwsError("HostedZoneAlreadyExists",
                           "A hosted zone has already been created with the specified caller "
                           f"reference: {caller_ref}", 409)
        if sum(1 for z in self.zones.values() if z["account"] == account) >= MAX_ZONES:
            raise AwsError("TooManyHostedZones", "This operation would exceed the limit of "
                           f"{MAX_ZONES} hosted zones for the account.")
        zid = self._new_id("Z")
        ns = [] if vpc else self._name_servers()
        soa_ns = ns[0] if ns else "ns-1536.awsdns-00.co.uk"
        recs = {
            (zname, "NS", None): {"Name": zname, "Type": "NS", "TTL": 172800,
                                  "ResourceRecords": [{"Value": s + "."} for s in ns or [soa_ns]]},
            (zname, "SOA", None): {"Name": zname, "Type": "SOA", "TTL": 900, "ResourceRecords": [
                {"Value": f"{soa_ns}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}]},
        }
        change = self._change()
        self.order += 1
        z = {"id": zid, "name": zname, "account": account, "caller_ref": caller_ref,
             "comment": comment, "private": bool(vpc), "vpcs": [vpc] if vpc else [],
             "name_servers": ns, "records": recs, "synced": {k: change["insync_at"] for k in recs},
             "tags": {}, "order": self.order}
        self.zones[zid] = z
        self.refs[(account, caller_ref)] = zid
        return z, change

    # ---- hosted zones ----------------------------------------------------------

    def CreateHostedZone(self, req, ctx):
        vpc = req.get("VPC")
        if vpc:
            if not vpc.get("VPCId") or not vpc.get("VPCRegion"):
                raise AwsError("InvalidInput", "The input is not valid: a VPC needs VPCId and VPCRegion")
            ec2 = self.world.services.get("ec2")
            if ec2 is None or ec2.vpc(vpc["VPCId"]) is None:
                raise AwsError("InvalidVPCId", f"The VPC {vpc['VPCId']} does not exist in "
                               f"{vpc['VPCRegion']}.")
            vpc = {"VPCRegion": vpc["VPCRegion"], "VPCId": vpc["VPCId"]}
        if (req.get("HostedZoneConfig") or {}).get("PrivateZone") and not vpc:
            raise AwsError("InvalidInput", "The input is not valid: a private hosted zone needs a VPC")
        if req.get("DelegationSetId"):
            raise AwsError("NoSuchDelegationSet", f"Delegation set {req['DelegationSetId']} "
                           "does not exist (this fake has no reusable delegation sets)")
        z, change = self.create_zone(ctx.account, req["Name"], req["CallerReference"],
                                     (req.get("HostedZoneConfig") or {}).get("Comment"), vpc)
        out = {"HostedZone": self._render(z), "ChangeInfo": self._change_info(change),
               "Location": f"https://route53.amazonaws.com/2013-04-01/hostedzone/{z['id']}"}
        if vpc:
            out["VPC"] = vpc
        else:
            out["DelegationSet"] = {"NameServers": list(z["name_servers"])}
        return out

    def GetHostedZone(self, req, ctx):
        z = self._zone(req["Id"], ctx)
        out = {"HostedZone": self._render(z)}
        if z["private"]:
            out["VPCs"] = list(z["vpcs"])
        else:
            out["DelegationSet"] = {"NameServers": list(z["name_servers"])}
        return out

    def _own(self, ctx):
        return sorted((z for z in self.zones.values() if z["account"] == ctx.account),
                      key=lambda z: z["order"])

    def ListHostedZones(self, req, ctx):
        if req.get("DelegationSetId"):
            raise AwsError("NoSuchDelegationSet", f"Delegation set {req['DelegationSetId']} does not exist")
        zones = self._own(ctx)
        if req.get("HostedZoneType") == "PrivateHostedZone":
            zones = [z for z in zones if z["private"]]
        marker = req.get("Marker")
        if marker:
            ids = [z["id"] for z in zones]
            if marker not in ids:
                raise AwsError("InvalidInput", f"The input is not valid: marker {marker} is not a "
                               "hosted zone of this list")
            zones = zones[ids.index(marker):]
        limit = records.page_size(req.get("MaxItems"), ZONE_PAGE)
        out = {"HostedZones": [self._render(z) for z in zones[:limit]], "Marker": marker or "",
               "IsTruncated": len(zones) > limit, "MaxItems": str(limit)}
        if len(zones) > limit:
            out["NextMarker"] = zones[limit]["id"]
        return out

    def ListHostedZonesByName(self, req, ctx):
        if req.get("HostedZoneId") and not req.get("DNSName"):
            raise AwsError("InvalidInput", "The input is not valid: hostedzoneid can be given only "
                           "together with dnsname")
        zones = sorted(self._own(ctx), key=lambda z: (names.sort_key(z["name"]), z["id"]))
        out = {"IsTruncated": False}
        if req.get("DNSName"):
            first = (names.sort_key(names.canonical(req["DNSName"])), req.get("HostedZoneId") or "")
            zones = [z for z in zones if (names.sort_key(z["name"]), z["id"]) >= first]
            out["DNSName"] = req["DNSName"]
        if req.get("HostedZoneId"):
            out["HostedZoneId"] = req["HostedZoneId"]
        limit = records.page_size(req.get("MaxItems"), ZONE_PAGE)
        out.update(HostedZones=[self._render(z) for z in zones[:limit]], MaxItems=str(limit),
                   IsTruncated=len(zones) > limit)
        if len(zones) > limit:
            out["NextDNSName"] = names.wire(zones[limit]["name"])
            out["NextHostedZoneId"] = zones[limit]["id"]
        return out

    def DeleteHostedZone(self, req, ctx):
        z = self._zone(req["Id"], ctx)
        extra = [k for k in z["records"] if not (k[0] == z["name"] and k[1] in ("SOA", "NS"))]
        if extra:
            raise AwsError("HostedZoneNotEmpty", "The specified hosted zone contains non-required "
                           "resource record sets and so cannot be deleted.")
        self._refresh_acm()
        del self.zones[z["id"]]
        return {"ChangeInfo": self._change_info(self._change())}

    # ---- record sets and changes --------------------------------------------------

    def ChangeResourceRecordSets(self, req, ctx):
        z = self._zone(req["HostedZoneId"], ctx)
        batch = req["ChangeBatch"]
        if len(batch["Changes"]) > 1000:
            raise AwsError("InvalidChangeBatch", "[Number of records limit of 1000 exceeded.]")
        return {"ChangeInfo": self._change_info(self._apply(z, batch["Changes"], batch.get("Comment")))}

    def _apply(self, z, changes, comment=None):
        """One checked batch into zone z, all or nothing; the change it makes."""
        new, written = records.Batch(self, z, changes).apply()
        self._refresh_acm()
        change = self._change(comment)
        z["records"] = new
        for k in written:
            if k in new:
                z["synced"][k] = change["insync_at"]
            else:
                z["synced"].pop(k, None)
        return change

    def GetChange(self, req, ctx):
        c = self.changes.get(req["Id"])
        if c is None:
            raise AwsError("NoSuchChange", "A change with the specified change ID does not exist.", 404)
        return {"ChangeInfo": self._change_info(c)}

    def ListResourceRecordSets(self, req, ctx):
        return records.listing(self._zone(req["HostedZoneId"], ctx), req)

    # ---- tags ---------------------------------------------------------------------

    def _tagged(self, req, ctx):
        if req["ResourceType"] == "healthcheck":
            raise AwsError("NoSuchHealthCheck", f"No health check found with ID: {req['ResourceId']}", 404)
        return self._zone(req["ResourceId"], ctx)

    def ChangeTagsForResource(self, req, ctx):
        z = self._tagged(req, ctx)
        tags = dict(z["tags"])
        untag(tags, req.get("RemoveTagKeys") or [])
        for t in req.get("AddTags") or []:
            if not t.get("Key"):
                raise AwsError("InvalidInput", "The input is not valid: a tag needs a key")
            tags[t["Key"]] = t.get("Value", "")
        if len(tags) > MAX_TAGS:
            raise AwsError("InvalidInput", f"The input is not valid: a resource can have at most "
                           f"{MAX_TAGS} tags")
        z["tags"] = tags
        return {}

    def _tag_set(self, rtype, z):
        out = {"ResourceType": rtype, "ResourceId": z["id"]}
        if z["tags"]:
            out["Tags"] = [{"Key": k, "Value": v} for k, v in z["tags"].items()]
        return out

    def ListTagsForResource(self, req, ctx):
        return {"ResourceTagSet": self._tag_set(req["ResourceType"], self._tagged(req, ctx))}

    def ListTagsForResources(self, req, ctx):
        """Up to 10 at once (the model's bound); one unknown id fails the whole call."""
        sets = [self._tag_set(req["ResourceType"], self._tagged(
            {"ResourceType": req["ResourceType"], "ResourceId": rid}, ctx)) for rid in req["ResourceIds"]]
        return {"ResourceTagSets": sets}

    # ---- cross-service -----------------------------------------------------------

    def _refresh_acm(self):
        acm = self.world.services.get("acm")
        if acm is not None:
            acm.refresh()

    def _delegated_to(self, parent, child_name):
        """The public zone named child_name that parent's NS record set at that name points
        at (one of its name servers among the values), with the time that record became
        INSYNC; (None, None) when parent does not delegate the name or the delegation is
        lame."""
        key = (child_name, "NS", None)
        rr = parent["records"].get(key)
        if rr is None:
            return None, None
        servers = {names.canonical(r["Value"]) for r in rr.get("ResourceRecords") or []}
        for z in self.zones.values():
            if not z["private"] and z["name"] == child_name and \
                    servers & {names.canonical(ns) for ns in z["name_servers"]}:
                return z, parent["synced"].get(key)
        return None, None

    def answering_zone(self, name):
        """The public zone the internet's DNS asks for `name`, with the time the last
        delegation on the way became INSYNC: from the registered zone (made beforehand,
        as a domain's registrar points at it) that holds the name, down through the NS
        records that delegate a child zone by its name servers. A zone nothing delegates
        to answers nothing, as on AWS: a new hosted zone serves the internet only once the
        parent names its servers. (None, None) when no zone answers."""
        name = names.canonical(name)
        roots = [z for z in self.zones.values() if z.get("registered") and names.within(name, z["name"])]
        if not roots:
            return None, None
        zone, since = max(roots, key=lambda z: len(z["name"])), 0.0
        while True:
            labels = name[:-len(zone["name"])].rstrip(".").split(".") if name != zone["name"] else []
            cut = None  # the highest delegation point below the zone's apex on the way to name
            for i in range(len(labels) - 1, -1, -1):
                point = ".".join(labels[i:]) + "." + zone["name"]
                if (point, "NS", None) in zone["records"]:
                    cut = point
                    break
            if cut is None:
                return zone, since
            child, at = self._delegated_to(zone, cut)
            if child is None:
                return None, None
            zone, since = child, max(since, at or 0.0)

    def validation_seen_at(self, name, value):
        """When a CNAME `name` -> `value` could first be read by ACM from public DNS: the
        later of its becoming INSYNC in the zone that answers for the name and that zone's
        delegation (answering_zone; DNS is public, every account's). None when no zone
        answers or it does not hold that record."""
        name, value = names.canonical(name), names.canonical(value)
        zone, since = self.answering_zone(name)
        if zone is None:
            return None
        rr = zone["records"].get((name, "CNAME", None))
        if not rr or [names.canonical(r["Value"]) for r in rr.get("ResourceRecords") or []] != [value]:
            return None
        synced = zone["synced"].get((name, "CNAME", None))
        return None if synced is None else max(synced, since)

    # ---- control API -------------------------------------------------------------

    def _registrar(self, doc):
        """POST /_fake/route53/registrar {"name", "name_servers"}: the domain's registrar
        names these servers (a person did it by hand): the public zone of that name with
        one of them becomes registered."""
        if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or \
                not isinstance(doc.get("name_servers"), list):
            return 400, {"error": 'expected {"name": "example.com", "name_servers": ["ns-1.awsdns-01.org", ...]}'}
        zname = names.canonical(doc["name"])
        servers = {names.canonical(str(x)) for x in doc["name_servers"]}
        for z in self.zones.values():
            if not z["private"] and z["name"] == zname and servers & {names.canonical(x) for x in z["name_servers"]}:
                z["registered"] = True
                return 200, {"id": z["id"], "name": z["name"]}
        return 404, {"error": f"no public zone {zname} has one of those name servers"}

    def _delegate(self, doc):
        """POST /_fake/route53/delegate {"name"}: a person writes the newest public zone of
        that name's name servers as an NS record in the zone that answers for its parent
        name (a change like any other, INSYNC later); not through the API, so a test's
        injected faults are not spent on it."""
        if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
            return 400, {"error": 'expected {"name": "app.example.com"}'}
        zname = names.canonical(doc["name"])
        child = [z for z in self.zones.values() if not z["private"] and z["name"] == zname]
        parent, _ = self.answering_zone(zname.split(".", 1)[1]) if "." in zname.rstrip(".") else (None, None)
        if not child or parent is None:
            return 404, {"error": f"no public zone {zname}, or nothing answers for its parent"}
        child = max(child, key=lambda z: z["order"])
        ns = {"Name": zname, "Type": "NS", "TTL": 300,
              "ResourceRecords": [{"Value": x + "."} for x in child["name_servers"]]}
        try:
            self._apply(parent, [{"Action": "UPSERT", "ResourceRecordSet": ns}], "delegated by hand")
        except AwsError as e:
            return 400, {"error": e.code, "message": e.message}
        return 200, {"id": child["id"], "parent": parent["id"]}

    def control(self, method, path, doc):
        """POST /_fake/route53/hosted-zones {"name", "account"?, "comment"?}: a public zone
        made beforehand (as a test or the demo does), registered (the internet's DNS asks
        it, see answering_zone); answers its id and name servers."""
        if method == "POST" and path == ["registrar"]:
            return self._registrar(doc)
        if method == "POST" and path == ["delegate"]:
            return self._delegate(doc)
        if method != "POST" or path != ["hosted-zones"]:
            return 404, {"error": "route53 control endpoints: POST /_fake/route53/hosted-zones, "
                                  "POST /_fake/route53/registrar, POST /_fake/route53/delegate"}
        if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
            return 400, {"error": 'expected {"name": "example.com"}'}
        ref = f"fakeaws-control-{len(self.refs) + 1}"
        try:
            z, _ = self.create_zone(doc.get("account") or ACCOUNT_ID, doc["name"], ref,
                                    doc.get("comment"))
        except AwsError as e:
            return 400, {"error": e.code, "message": e.message}
        z["registered"] = True  # the domain's registrar names its servers: the internet asks it
        return 200, {"id": z["id"], "name": z["name"], "name_servers": z["name_servers"]}

    def resources(self):
        zones, sets = [], []
        for z in sorted(self.zones.values(), key=lambda z: z["order"]):
            zones.append({"id": z["id"], "name": z["name"], "private": z["private"],
                          "account": z["account"], "caller_reference": z["caller_ref"],
                          "records": len(z["records"]), "tags": dict(z["tags"])})
            for k in sorted(z["records"], key=lambda k: (names.sort_key(k[0]), k[1], k[2] or "")):
                rr = z["records"][k]
                entry = {"id": f"{z['id']}/{names.wire(k[0])}/{k[1]}" + (f"/{k[2]}" if k[2] else ""),
                         "zone": z["id"], "name": names.wire(k[0]), "type": k[1],
                         "insync": self.world.clock.reached(z["synced"].get(k))}
                if rr.get("AliasTarget"):
                    entry["alias"] = {"zone": rr["AliasTarget"]["HostedZoneId"],
                                      "dns_name": rr["AliasTarget"]["DNSName"]}
                else:
                    entry.update(ttl=rr.get("TTL"), values=[r["Value"] for r in rr["ResourceRecords"]])
                sets.append(entry)
        return {"hosted_zones": zones, "record_sets": sets}


SERVICE = Route53
