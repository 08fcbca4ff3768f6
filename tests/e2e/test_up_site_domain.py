#!/usr/bin/python3
"""A site with a domain and response headers of its own end to end (fdk's viewer at
app.DOMAIN, cross-origin isolated), on a fake holding only the public zone example.com
(made beforehand, as the examples say):

1. `up` of a stack zone, a bucket and a site with `domain:` and `certificate: auto`: the
   certificate is requested in us-east-1 (whatever the stack's region), validated through
   the stack's zone and issued before the distribution serves with it; the distribution has
   the domain as its alias; A and AAAA alias records point the domain at it (CloudFront's
   zone Z2FDTNDATAQYW2) with their owner record; the site's url is the domain's; `status`
   shows the certificate and the record; the site's `headers:` are a response headers
   policy (STACK-SITE) that the distribution's default behaviour names; a second `up` only
   reads.
2. The fake refuses what AWS refuses (so the order above is proven, not assumed): a
   distribution whose certificate is not issued or does not cover its alias, an alias
   record to a distribution that lacks the name, a certificate deleted while a
   distribution uses it.
3. Headers changed: the policy is updated in place (the distribution untouched); headers
   removed: the distribution stops naming the policy, which is then deleted.
4. `down --purge`: record, distribution, certificate and its validation record, and the
   zone are gone, in that order of dependence.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

R = sw.Report()
WORK = tempfile.mkdtemp()
NAME = "sitedom"
ZONE = f"{NAME}.example.com"
DOMAIN = f"app.{ZONE}"

HEADERS = ("    headers: {{ Cross-Origin-Embedder-Policy: {coep}, "
           "Cross-Origin-Opener-Policy: same-origin }}\n")
STACK = f"""\
stack: {NAME}
region: eu-west-1
zones:
  own: {{ name: {ZONE} }}
buckets:
  wasm: {{}}
sites:
  app:
    bucket: wasm
    path: /latest
    domain: {DOMAIN}
    certificate: auto
{{headers}}services:
  api: {{ image: nginx:1.27, port: 80 }}
outputs:
  app: ${{sites.app.url}}
"""


def stack_text(coep="require-corp"):
    return STACK.replace("{headers}", HEADERS.format(coep=coep) if coep else "")


def write(text):
    path = os.path.join(WORK, f"{NAME}.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def resources(fake):
    return sw.resources(fake)


def records(doc, zone_name):
    ids = {z["id"] for z in doc["route53"]["hosted_zones"] if z["name"] == zone_name}
    return {(r["name"], r["type"]): r for r in doc["route53"]["record_sets"] if r["zone"] in ids}


def certs_of(doc):
    return [c for c in doc["acm"]["certificates"] if c["tags"].get("ecsdeploy:stack") == NAME]


def dists_of(doc):
    return [d for d in doc["cloudfront"]["distributions"] if d["tags"].get("ecsdeploy:stack") == NAME]


def create(fake, path):
    rc, out, err = sw.run(fake, path, "up", "--yes", timeout=300)
    if not R.eq(rc, 0, f"up of a site with its own domain ({err.strip()[-800:]})"):
        return None
    doc = resources(fake)
    certs = certs_of(doc)
    R.check(len(certs) == 1 and certs[0]["region"] == "us-east-1" and certs[0]["status"] == "ISSUED"
            and certs[0]["names"] == [DOMAIN], f"one certificate, in us-east-1, issued, for the domain: {certs}")
    dists = dists_of(doc)
    R.eq(len(dists), 1, "one distribution")
    if not certs or len(dists) != 1:
        return None
    cf = fake.client("cloudfront")
    cfg = cf.get_distribution_config(Id=dists[0]["id"])["DistributionConfig"]
    R.eq(cfg["Aliases"].get("Items"), [DOMAIN], "the distribution's alias is the domain")
    vc = cfg["ViewerCertificate"]
    R.eq((vc.get("ACMCertificateArn"), vc.get("SSLSupportMethod")), (certs[0]["arn"], "sni-only"),
         "it serves with the certificate, by SNI")
    R.check(dists[0]["arn"] in certs[0]["in_use_by"], f"ACM sees the distribution use it: {certs[0]}")
    inner = records(doc, ZONE + ".")
    for rtype in ("A", "AAAA"):
        r = inner.get((DOMAIN + ".", rtype))
        R.check(r and r["alias"]["zone"] == "Z2FDTNDATAQYW2"
                and r["alias"]["dns_name"] == dists[0]["domain"] + "." and r["insync"],
                f"{rtype} {DOMAIN} is an alias to the distribution: {r}")
    owner = inner.get((f"_ecsdeploy.{DOMAIN}.", "TXT"))
    R.check(owner and owner["values"] == [f'"heritage=ecsdeploy,stack={NAME},id=record/{DOMAIN}"'],
            f"its owner record is beside it: {owner}")
    R.check(any(k[1] == "CNAME" and k[0].startswith("_") for k in inner),
            f"the validation record is in the stack's zone: {sorted(inner)}")
    R.check(f"app = https://{DOMAIN}" in out, f"the site's url is the domain's: {out[-600:]}")
    policies = doc["cloudfront"]["response_headers_policies"]
    R.eq([(p["name"], p["headers"]) for p in policies],
         [(f"{NAME}-app", {"Cross-Origin-Embedder-Policy": "require-corp",
                           "Cross-Origin-Opener-Policy": "same-origin"})], "the site's response headers policy")
    R.eq(cfg["DefaultCacheBehavior"].get("ResponseHeadersPolicyId"), policies[0]["id"] if policies else None,
         "the distribution's default behaviour names it")

    rc, out, err = sw.run(fake, path, "status")
    R.eq(rc, 0, f"status ({err.strip()[-300:]})")
    R.check(f"ISSUED for {DOMAIN}" in out, f"status shows the certificate: {out[-1500:]}")
    R.check(f"{DOMAIN}: -> {dists[0]['domain']}" in out, f"status shows the record: {out[-1500:]}")
    rc, out, err = sw.run(fake, path, "up")
    R.check(rc == 0 and "No changes" in out, f"a second up has nothing to do: {out[-800:]}{err[-400:]}")
    return {"cert": certs[0]["arn"], "dist": dists[0]}


def refusals(fake, made):
    """What CloudFront, Route 53 and ACM refuse, on the stack's own resources."""
    cf, acm = fake.client("cloudfront"), fake.client("acm", region="us-east-1")
    rte = fake.client("route53")
    pending = acm.request_certificate(DomainName=f"other.{ZONE}", ValidationMethod="DNS")["CertificateArn"]
    got = cf.get_distribution_config(Id=made["dist"]["id"])
    cfg, etag = got["DistributionConfig"], got["ETag"]

    def update_with(arn, aliases):
        c = dict(cfg, ViewerCertificate=dict(cfg["ViewerCertificate"], ACMCertificateArn=arn),
                 Aliases={"Quantity": len(aliases), "Items": aliases})
        return lambda: cf.update_distribution(Id=made["dist"]["id"], IfMatch=etag, DistributionConfig=c)

    R.error_code(update_with(pending, [f"other.{ZONE}"]), "InvalidViewerCertificate",
                 "a certificate still pending validation")
    R.error_code(update_with(made["cert"], [DOMAIN, f"www.{ZONE}"]), "InvalidViewerCertificate",
                 "a certificate that does not cover an alias")
    zid = [z["id"] for z in resources(fake)["route53"]["hosted_zones"] if z["name"] == ZONE + "."][0]
    alias = {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": made["dist"]["domain"], "EvaluateTargetHealth": False}
    R.error_code(lambda: rte.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": f"www.{ZONE}", "Type": "A", "AliasTarget": alias}}]}),
        "InvalidChangeBatch", "an alias to a distribution that lacks the name")
    R.error_code(lambda: acm.delete_certificate(CertificateArn=made["cert"]), "ResourceInUseException",
                 "a certificate a distribution uses")
    acm.delete_certificate(CertificateArn=pending)


def policy_of(fake, dist_id):
    cfg = fake.client("cloudfront").get_distribution_config(Id=dist_id)["DistributionConfig"]
    return cfg["DefaultCacheBehavior"].get("ResponseHeadersPolicyId", "")


def headers_changes(fake, made):
    path = write(stack_text(coep="credentialless"))
    rc, out, err = sw.run(fake, path, "plan")
    R.check(rc == 0 and "headers/app" in out and "credentialless" in out and "site/app" not in out,
            f"plan shows the header's new value, the site unchanged: {out[-1200:]}")
    before = policy_of(fake, made["dist"]["id"])
    rc, out, err = sw.run(fake, path, "up", "--yes", timeout=300)
    R.eq(rc, 0, f"up with a header changed ({err.strip()[-400:]})")
    policies = sw.resources(fake)["cloudfront"]["response_headers_policies"]
    R.eq([(p["id"], p["headers"].get("Cross-Origin-Embedder-Policy")) for p in policies],
         [(before, "credentialless")], "the policy is changed in place")
    path = write(stack_text(coep=None))
    rc, out, err = sw.run(fake, path, "up", "--yes", timeout=300)
    R.eq(rc, 0, f"up without headers ({err.strip()[-400:]})")
    R.eq(policy_of(fake, made["dist"]["id"]), "", "the distribution no longer names a policy")
    R.eq(sw.resources(fake)["cloudfront"]["response_headers_policies"], [], "and the policy is deleted")
    rc, out, err = sw.run(fake, path, "up")
    R.check(rc == 0 and "No changes" in out, f"then nothing to do: {out[-800:]}{err[-400:]}")
    return path


def down(fake, path):
    rc, out, err = sw.run(fake, path, "down", "--yes", "--purge", timeout=300)
    R.eq(rc, 0, f"down --purge ({err.strip()[-600:]})")
    doc = resources(fake)
    R.eq(certs_of(doc), [], "the certificate is gone")
    R.eq(dists_of(doc), [], "the distribution is gone")
    R.eq([z["name"] for z in doc["route53"]["hosted_zones"] if z["name"] == ZONE + "."], [], "the zone is gone")
    R.eq(sw.inventory(doc, NAME), {}, "nothing of the stack is left")


def main():
    with sw.Fake("--latency-ms", "0", time_scale=0.01) as fake, sw.Delegator(fake):
        status, doc = fake.control("POST", "/_fake/route53/hosted-zones", {"name": "example.com"})
        if not R.eq(status, 200, f"the zone example.com is made beforehand: {doc}"):
            return R.finish()
        path = write(stack_text())
        made = create(fake, path)
        if made:
            refusals(fake, made)
            path = headers_changes(fake, made)
        down(fake, path)
    R.finish()


if __name__ == "__main__":
    main()
