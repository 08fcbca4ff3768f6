"""Route 53 record sets: one change batch checked against the zone and applied whole or
not at all, and the listing order of ListResourceRecordSets.

Refusals, worded as Route 53 words them (InvalidChangeBatch carries every problem of the
batch, "[first, second]"; a change whose shape is wrong is InvalidInput):
- CREATE of a name and type that exists: "Tried to create resource record set
  [name='x.', type='A'] but it already exists";
- DELETE of one that does not, or with other values: "... but it was not found" / "...
  but the values provided do not match the current values";
- a name outside the zone; CNAME at the apex or beside other types at one name; values
  that are not an IPv4 (A) or IPv6 (AAAA) address, unquoted TXT, duplicates;
- deleting the apex SOA or NS;
- an alias whose target is not a load balancer of the fake with that canonical hosted
  zone id ("... but the alias target name does not lie within the target zone", "...
  but that target was not found"), nor a distribution of the account under CloudFront's
  zone Z2FDTNDATAQYW2 that has the record's name as an alternate domain name, nor a
  record of a zone of the fake that is there.
"""

import ipaddress

from fakeaws.core import AwsError
from fakeaws.services._dns import names
from fakeaws.services._net.elb_lb import HOSTED_ZONES as ELB_ZONES

ELB_ZONE_REGION = {z: r for r, z in ELB_ZONES.items()}
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"   # every CloudFront distribution's alias zone
MAX_ITEMS = 300


def key_of(rr):
    return (names.canonical(rr["Name"]), rr["Type"], rr.get("SetIdentifier"))


def describe(key):
    name, rtype, sid = key
    extra = f", set-identifier='{sid}'" if sid else ""
    return f"[name='{names.wire(name)}', type='{rtype}'{extra}]"


def stored(rr):
    """A record set as kept: canonical names, values in the order given."""
    out = {k: v for k, v in rr.items() if v is not None}
    out["Name"] = names.canonical(rr["Name"])
    if rr.get("AliasTarget"):
        a = dict(rr["AliasTarget"])
        a["DNSName"] = names.canonical(a["DNSName"])
        out["AliasTarget"] = a
    return out


def answered(rr):
    """A stored record set as ListResourceRecordSets gives it."""
    out = dict(rr)
    out["Name"] = names.wire(rr["Name"])
    if rr.get("AliasTarget"):
        out["AliasTarget"] = dict(rr["AliasTarget"], DNSName=names.wire(rr["AliasTarget"]["DNSName"]))
    return out


def same_values(a, b):
    """DELETE must name the record set exactly: TTL, values (in any order), alias."""
    if a.get("TTL") != b.get("TTL"):
        return False
    va = sorted(r["Value"] for r in a.get("ResourceRecords") or [])
    vb = sorted(r["Value"] for r in b.get("ResourceRecords") or [])
    if va != vb:
        return False
    aa, ab = a.get("AliasTarget"), b.get("AliasTarget")
    if bool(aa) != bool(ab):
        return False
    return not aa or (aa["HostedZoneId"] == ab["HostedZoneId"] and aa["DNSName"] == ab["DNSName"]
                      and bool(aa["EvaluateTargetHealth"]) == bool(ab["EvaluateTargetHealth"]))


def check_shape(change):
    """Exactly one of an alias or TTL with values, as Route 53 requires (InvalidInput)."""
    rr = change["ResourceRecordSet"]
    ttl, values = rr.get("TTL") is not None, rr.get("ResourceRecords") is not None
    alias = rr.get("AliasTarget") is not None
    if not ((alias and not ttl and not values) or (not alias and ttl and values)):
        found = "more than one" if alias and (ttl or values) else "none"
        raise AwsError("InvalidInput",
                       "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and "
                       f"ResourceRecords], or TrafficPolicyInstanceId], but found {found} in Change "
                       f"with [Action={change['Action']}, Name={rr['Name']}, Type={rr['Type']}, "
                       f"SetIdentifier={rr.get('SetIdentifier') or 'null'}]")


ROUTING = ("Weight", "Region", "Failover", "GeoLocation", "MultiValueAnswer", "CidrRoutingConfig",
           "GeoProximityLocation")


def check_routing(change):
    """A set identifier goes with exactly one routing policy, and a policy with one."""
    rr = change["ResourceRecordSet"]
    policies = [k for k in ROUTING if rr.get(k) is not None]
    if bool(rr.get("SetIdentifier")) != bool(policies) or len(policies) > 1:
        found = "none" if not policies else "more than one" if len(policies) > 1 else \
            f"{policies[0]} without a SetIdentifier"
        raise AwsError("InvalidInput",
                       "Invalid request: Expected exactly one of [Weight, Region, Failover, "
                       "GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig] "
                       f"with a SetIdentifier, but found {found} in Change with "
                       f"[Action={change['Action']}, Name={rr['Name']}, Type={rr['Type']}, "
                       f"SetIdentifier={rr.get('SetIdentifier') or 'null'}]")


def _fatal(problem, text, value):
    return (f"Invalid Resource Record: 'FATAL problem: {problem} ({text}) encountered with "
            f"'{value}''")


def value_problems(rr):
    values = [r["Value"] for r in rr.get("ResourceRecords") or []]
    out = []
    for v in values:
        if rr["Type"] == "A":
            try:
                ipaddress.IPv4Address(v)
            except ValueError:
                out.append(_fatal("ARRDATAIllegalIPv4Address", "Value is not a valid IPv4 address", v))
        elif rr["Type"] == "AAAA":
            try:
                ipaddress.IPv6Address(v)
            except ValueError:
                out.append(_fatal("AAAARRDATAIllegalIPv6Address", "Value is not a valid IPv6 address", v))
        elif rr["Type"] in ("TXT", "SPF") and not (len(v) >= 2 and v.startswith('"') and v.endswith('"')):
            out.append(_fatal("InvalidCharacterString", "Value should be enclosed in quotation marks", v))
    for v in sorted({v for v in values if values.count(v) > 1}):
        out.append(f"Duplicate Resource Record: '{v}'")
    if rr["Type"] == "CNAME" and len(values) > 1:
        out.append(f"RRSet of type CNAME with DNS name {names.wire(names.canonical(rr['Name']))} "
                   "is not permitted because it has more than one value")
    return out


class Batch:
    """One ChangeResourceRecordSets call against a zone: `apply()` returns the new record
    map (the zone's is not touched) and the keys written, or raises InvalidChangeBatch."""

    def __init__(self, route53, zone, changes):
        self.r53 = route53
        self.zone = zone
        self.changes = changes
        self.records = dict(zone["records"])
        self.problems = []
        self.written = set()

    def apply(self):
        for ch in self.changes:
            check_shape(ch)
            check_routing(ch)
        for ch in self.changes:
            self._one(ch["Action"], ch["ResourceRecordSet"])
        self._conflicts()
        if self.problems:
            raise AwsError("InvalidChangeBatch", "[" + ", ".join(self.problems) + "]")
        return self.records, self.written

    def _one(self, action, rr):
        key = key_of(rr)
        name, rtype, _ = key
        zname = self.zone["name"]
        if not names.within(name, zname):
            self.problems.append(f"RRSet with DNS name {names.wire(name)} is not permitted in zone "
                                 f"{names.wire(zname)}")
            return
        have = self.records.get(key)
        if action == "DELETE":
            if have is None:
                self.problems.append(f"Tried to delete resource record set {describe(key)} but "
                                     "it was not found")
            elif not same_values(have, stored(rr)):
                self.problems.append(f"Tried to delete resource record set {describe(key)} but "
                                     "the values provided do not match the current values")
            elif name == zname and rtype == "SOA":
                self.problems.append("A HostedZone must contain exactly one SOA record.")
            elif name == zname and rtype == "NS":
                self.problems.append("A HostedZone must contain at least one NS record for the "
                                     "zone itself.")
            else:
                del self.records[key]
                self.written.add(key)
            return
        if action == "CREATE" and have is not None:
            self.problems.append(f"Tried to create resource record set {describe(key)} but it "
                                 "already exists")
            return
        if rtype == "CNAME" and name == zname:
            self.problems.append(f"RRSet of type CNAME with DNS name {names.wire(name)} is not "
                                 f"permitted at apex in zone {names.wire(zname)}")
            return
        found = value_problems(rr)
        if rr.get("AliasTarget"):
            found += self._alias_problems(rr)
        if found:
            self.problems.extend(found)
            return
        self.records[key] = stored(rr)
        self.written.add(key)

    def _alias_problems(self, rr):
        a = rr["AliasTarget"]
        target, tz, rtype = names.canonical(a["DNSName"]), a["HostedZoneId"], rr["Type"]
        head = f"Tried to create an alias that targets {names.wire(target)}, type {rtype} in zone {tz}"
        not_within = f"{head}, but the alias target name does not lie within the target zone"
        not_found = f"{head}, but that target was not found"
        if tz in ELB_ZONE_REGION:
            region = ELB_ZONE_REGION[tz]
            out = []
            if not target.endswith(f".{region}.elb.amazonaws.com."):
                out.append(not_within)
            elbv2 = self.r53.world.services.get("elbv2")
            lb = elbv2.load_balancer_by_dns_name(target) if elbv2 is not None else None
            if lb is None or lb["region"] != region:
                out.append(not_found)
            return out
        if tz == CLOUDFRONT_ZONE:
            return self._cloudfront_alias_problems(rr, target, head, not_within, not_found)
        zone = self.zone if tz == self.zone["id"] else self.r53.zones.get(tz)
        if zone is None or not names.within(target, zone["name"]):
            return [not_within]
        records = self.records if zone is self.zone else zone["records"]
        if not any(k[0] == target and k[1] == rtype for k in records):
            return [not_found]
        return []

    def _cloudfront_alias_problems(self, rr, target, head, not_within, not_found):
        """A distribution of the zone's account with that domain name, which must have an
        alternate domain name that is the record's name or a wildcard over it (Route 53's
        documented rule)."""
        if not target.endswith(".cloudfront.net."):
            return [not_within]
        cloudfront = self.r53.world.services.get("cloudfront")
        d = cloudfront.distribution_by_domain(self.zone["account"], target) if cloudfront is not None else None
        if d is None:
            return [not_found]
        aliases = {names.canonical(a) for a in (d["config"].get("Aliases") or {}).get("Items") or []}
        name = names.canonical(rr["Name"])
        if name not in aliases and "*." + name.split(".", 1)[-1] not in aliases:
            return [f"{head}, but the distribution has no alternate domain name {names.wire(name)}"]
        return []

    def _conflicts(self):
        """A CNAME may not share its name with another type (an alias included)."""
        by_name = {}
        for name, rtype, _ in self.records:
            by_name.setdefault(name, set()).add(rtype)
        zname = names.wire(self.zone["name"])
        for key in sorted(self.written, key=lambda k: (k[0], k[1], k[2] or "")):
            if key not in self.records:          # deleted
                continue
            name, rtype, _ = key
            if "CNAME" not in by_name[name] or len(by_name[name]) == 1:
                continue
            if rtype == "CNAME":
                self.problems.append(f"RRSet of type CNAME with DNS name {names.wire(name)} is not "
                                     "permitted as it conflicts with other records with the same "
                                     f"DNS name in zone {zname}")
            else:
                self.problems.append(f"RRSet of type {rtype} with DNS name {names.wire(name)} is not "
                                     "permitted because a conflicting RRSet of type CNAME with the "
                                     f"same DNS name already exists in zone {zname}")


def listing(zone, req):
    """ListResourceRecordSets: labels reversed, then type, then set identifier; starting
    at name/type (and identifier); at most MaxItems (300)."""
    start_name, start_type = req.get("StartRecordName"), req.get("StartRecordType")
    start_id = req.get("StartRecordIdentifier")
    if start_type and not start_name:
        raise AwsError("InvalidInput", "The input is not valid: a type can be given only "
                       "together with a name")
    if start_id and not start_type:
        raise AwsError("InvalidInput", "The input is not valid: an identifier can be given "
                       "only together with a name and a type")
    limit = page_size(req.get("MaxItems"), MAX_ITEMS)

    def order(k):
        return (names.sort_key(k[0]), k[1], k[2] or "")

    keys = sorted(zone["records"], key=order)
    if start_name:
        first = (names.sort_key(names.canonical(start_name)), start_type or "", start_id or "")
        keys = [k for k in keys if order(k) >= first]
    out = {"ResourceRecordSets": [answered(zone["records"][k]) for k in keys[:limit]],
           "IsTruncated": len(keys) > limit, "MaxItems": str(limit)}
    if len(keys) > limit:
        name, rtype, sid = keys[limit]
        out["NextRecordName"] = names.wire(name)
        out["NextRecordType"] = rtype
        if sid:
            out["NextRecordIdentifier"] = sid
    return out


def page_size(text, most):
    """MaxItems as Route 53 reads it: a number (a string on the wire); more than the most
    it answers gives the most."""
    if text is None:
        return most
    try:
        n = int(text)
    except ValueError:
        raise AwsError("InvalidInput", f"The input is not valid: maxitems '{text}' is not a number")
    if n < 1:
        raise AwsError("InvalidInput", "The input is not valid: maxitems must be at least 1")
    return min(n, most)
