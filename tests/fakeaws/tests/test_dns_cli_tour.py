#!/usr/bin/python3
"""A tour of Route 53 and ACM of the fake with Debian's AWS CLI v2: a zone (and its caller
reference refused a second time), records and an alias to a load balancer (made by the CLI too), changes waited
for with `aws route53 wait resource-record-sets-changed`, a DNS-validated certificate
waited for with `aws acm wait certificate-validated`, an HTTPS listener holding it (ACM
refuses to delete it meanwhile), tags, pages, the refusals, /_fake/resources, and a full
teardown. The CLI must parse every answer; most commands run its entry point in this
process, a few the /usr/bin/aws executable."""

import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import awscli  # noqa: E402,F401  (first: `botocore` is then the CLI's own, for its commands too)
from fakelib import Cli, Fake, Report  # noqa: E402

if not os.access("/usr/bin/aws", os.X_OK):
    print("SKIP: /usr/bin/aws (Debian's AWS CLI v2) is not installed")
    sys.exit(77)

R = Report()


class Tour:
    def __init__(self, fake):
        self.home = tempfile.mkdtemp(prefix="fakedns-cli-")
        self.cli = Cli(fake, self.home)
        self.fake = fake

    def run(self, *args, binary=False):
        return self.cli.run(list(args), subprocess_=binary)

    def ok(self, *args, binary=False):
        p = self.run(*args, binary=binary)
        R.check(p.returncode == 0, f"aws {' '.join(args[:2])}: exit {p.returncode}: {p.stderr.strip()[:300]}")
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def err(self, code, *args):
        p = self.run(*args)
        R.check(p.returncode != 0 and f"({code})" in p.stderr,
                f"aws {' '.join(args[:2])}: wanted {code}, got exit {p.returncode}: {p.stderr.strip()[:300]}")
        return p.stderr

    def until(self, what, fn, bound=30.0):
        """Poll fn() (truthy ends) every 0.05 s for at most `bound` seconds."""
        end = time.time() + bound
        while time.time() < end:
            v = fn()
            if v:
                return v
            time.sleep(0.05)
        R.check(False, f"gave up waiting for {what}")
        return None

    def file(self, name, doc):
        path = os.path.join(self.home, name)
        with open(path, "w") as f:
            json.dump(doc, f)
        return "file://" + path


def network(t):
    """A VPC with two public subnets, an ALB and a target group."""
    vpc = t.ok("ec2", "create-vpc", "--cidr-block", "10.30.0.0/16")["Vpc"]["VpcId"]
    igw = t.ok("ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
    t.ok("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    subs = [t.ok("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", f"10.30.{i}.0/24",
                 "--availability-zone", z)["Subnet"]["SubnetId"] for i, z in enumerate(["us-east-1a", "us-east-1b"])]
    sg = t.ok("ec2", "create-security-group", "--group-name", "alb", "--description", "alb",
              "--vpc-id", vpc)["GroupId"]
    lb = t.ok("elbv2", "create-load-balancer", "--name", "tour", "--subnets", *subs,
              "--security-groups", sg)["LoadBalancers"][0]
    tg = t.ok("elbv2", "create-target-group", "--name", "tour", "--protocol", "HTTP", "--port", "80",
              "--vpc-id", vpc, "--target-type", "ip")["TargetGroups"][0]["TargetGroupArn"]
    return lb, tg


def main():
    with Fake() as fake:
        t = Tour(fake)
        lb, tg = network(t)

        # ---- the zone -------------------------------------------------------------------
        made = t.ok("route53", "create-hosted-zone", "--name", "example.com", "--caller-reference", "tour-1",
                    "--hosted-zone-config", "Comment=tour", binary=True)
        zone = made["HostedZone"]["Id"].split("/")[-1]
        R.eq(made["HostedZone"]["Name"], "example.com.", "zone name")
        R.eq(len(made["DelegationSet"]["NameServers"]), 4, "four name servers")
        status, doc = fake.control("POST", "/_fake/route53/registrar", {   # the registrar, by hand
            "name": "example.com", "name_servers": made["DelegationSet"]["NameServers"]})
        R.eq(status, 200, f"the domain's registrar names the zone's servers: {doc}")
        t.err("HostedZoneAlreadyExists", "route53", "create-hosted-zone", "--name", "example.com",
              "--caller-reference", "tour-1")
        t.err("InvalidDomainName", "route53", "create-hosted-zone", "--name", "com", "--caller-reference", "tour-2")
        got = t.ok("route53", "get-hosted-zone", "--id", made["HostedZone"]["Id"])
        R.eq(got["HostedZone"]["Config"]["Comment"], "tour", "get-hosted-zone (the CLI strips /hostedzone/)")
        byname = t.ok("route53", "list-hosted-zones-by-name", "--dns-name", "example.com")
        R.eq([z["Id"] for z in byname["HostedZones"]], [made["HostedZone"]["Id"]], "list-hosted-zones-by-name")
        t.ok("route53", "change-tags-for-resource", "--resource-type", "hostedzone", "--resource-id", zone,
             "--add-tags", "Key=ecsdeploy:stack,Value=tour")
        tags = t.ok("route53", "list-tags-for-resource", "--resource-type", "hostedzone", "--resource-id", zone)
        R.eq(tags["ResourceTagSet"]["Tags"], [{"Key": "ecsdeploy:stack", "Value": "tour"}], "zone tags")

        # ---- records and an alias to the load balancer ----------------------------------------
        alias = {"Name": "app.example.com", "Type": "A", "AliasTarget": {
            "HostedZoneId": lb["CanonicalHostedZoneId"], "DNSName": "dualstack." + lb["DNSName"],
            "EvaluateTargetHealth": True}}
        batch = {"Comment": "tour", "Changes": [
            {"Action": "CREATE", "ResourceRecordSet": alias},
            {"Action": "CREATE", "ResourceRecordSet": {"Name": "txt.example.com", "Type": "TXT", "TTL": 60,
                                                       "ResourceRecords": [{"Value": '"hello"'}]}}]}
        ch = t.ok("route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch",
                  t.file("batch.json", batch))["ChangeInfo"]
        R.eq(ch["Status"], "PENDING", "a change starts PENDING")
        t.until("the change to be INSYNC", lambda: t.ok("route53", "get-change", "--id", ch["Id"])
                ["ChangeInfo"]["Status"] == "INSYNC")
        t.ok("route53", "wait", "resource-record-sets-changed", "--id", ch["Id"], binary=True)
        err = t.err("InvalidChangeBatch", "route53", "change-resource-record-sets", "--hosted-zone-id", zone,
                    "--change-batch", t.file("again.json", batch))
        R.check("but it already exists" in err, f"CREATE twice: {err.strip()}")
        wrong = dict(alias, Name="bad.example.com",
                     AliasTarget=dict(alias["AliasTarget"], HostedZoneId="Z32O12XQLNTSW2"))
        err = t.err("InvalidChangeBatch", "route53", "change-resource-record-sets", "--hosted-zone-id", zone,
                    "--change-batch", t.file("wrong.json", {"Changes": [{"Action": "CREATE", "ResourceRecordSet": wrong}]}))
        R.check("does not lie within the target zone" in err, f"alias to another region's zone: {err.strip()}")
        listed = t.ok("route53", "list-resource-record-sets", "--hosted-zone-id", zone)["ResourceRecordSets"]
        R.eq([(r["Name"], r["Type"]) for r in listed],
             [("example.com.", "NS"), ("example.com.", "SOA"), ("app.example.com.", "A"), ("txt.example.com.", "TXT")],
             "records in Route 53's order")
        page = t.ok("route53", "list-resource-record-sets", "--hosted-zone-id", zone, "--max-items", "3")
        R.eq(len(page["ResourceRecordSets"]), 3, "a page of 3")
        rest = t.ok("route53", "list-resource-record-sets", "--hosted-zone-id", zone, "--starting-token",
                    page.get("NextToken", ""))
        R.eq([r["Name"] for r in rest["ResourceRecordSets"]], ["txt.example.com."], "the CLI's next page")

        # ---- a certificate validated through the zone -------------------------------------------
        req = ["acm", "request-certificate", "--domain-name", "app.example.com", "--validation-method", "DNS",
               "--subject-alternative-names", "*.app.example.com", "--idempotency-token", "tour1",
               "--tags", "Key=ecsdeploy:stack,Value=tour"]
        arn = t.ok(*req)["CertificateArn"]
        R.eq(t.ok(*req)["CertificateArn"], arn, "the same idempotency token: the same certificate")
        pending = t.err("UnsupportedCertificate", "elbv2", "create-listener", "--load-balancer-arn",
                        lb["LoadBalancerArn"], "--protocol", "HTTPS", "--port", "443", "--certificates",
                        f"CertificateArn={arn}", "--default-actions", f"Type=forward,TargetGroupArn={tg}")

        def records():
            c = t.ok("acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
            opts = c["DomainValidationOptions"]
            return opts if all("ResourceRecord" in o for o in opts) else None
        opts = t.until("the validation records", records)
        names = {o["ResourceRecord"]["Name"] for o in opts or []}
        R.eq(len(names), 1, "a wildcard shares its base name's validation record")
        cname = [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": o["ResourceRecord"]["Name"], "Type": "CNAME", "TTL": 300,
            "ResourceRecords": [{"Value": o["ResourceRecord"]["Value"]}]}} for o in (opts or [])[:1]]
        t.ok("route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch",
             t.file("cname.json", {"Changes": cname}))
        t.until("the certificate to be issued", lambda: t.ok(
            "acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]["Status"] == "ISSUED")
        t.ok("acm", "wait", "certificate-validated", "--certificate-arn", arn, binary=True)
        listener = t.until("the listener to accept the new certificate", lambda: (
            lambda p: json.loads(p.stdout) if p.returncode == 0 else None)(t.run(
                "elbv2", "create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "HTTPS",
                "--port", "443", "--certificates", f"CertificateArn={arn}", "--default-actions",
                f"Type=forward,TargetGroupArn={tg}")))
        li = listener["Listeners"][0]["ListenerArn"] if listener else ""
        c = t.ok("acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
        R.eq(c["InUseBy"], [lb["LoadBalancerArn"]], "InUseBy names the load balancer")
        t.err("ResourceInUseException", "acm", "delete-certificate", "--certificate-arn", arn)
        summary = t.ok("acm", "list-certificates", "--certificate-statuses", "ISSUED")["CertificateSummaryList"]
        R.eq([(s["CertificateArn"], s["InUse"]) for s in summary], [(arn, True)], "list-certificates")
        t.ok("acm", "add-tags-to-certificate", "--certificate-arn", arn, "--tags", "Key=more,Value=1")
        ctags = t.ok("acm", "list-tags-for-certificate", "--certificate-arn", arn)["Tags"]
        R.eq(sorted(x["Key"] for x in ctags), ["ecsdeploy:stack", "more"], "certificate tags")

        # ---- what the fake lists ---------------------------------------------------------
        res = fake.control("GET", "/_fake/resources")[1]
        R.eq([z["name"] for z in res["route53"]["hosted_zones"]], ["example.com."], "resources: zones")
        R.check(any(s["name"] == "app.example.com." and s.get("alias") for s in res["route53"]["record_sets"]),
                "resources: the alias record")
        R.eq([(c["arn"], c["status"], c["in_use_by"]) for c in res["acm"]["certificates"]],
             [(arn, "ISSUED", [lb["LoadBalancerArn"]])], "resources: the certificate")
        status, made2 = fake.control("POST", "/_fake/route53/hosted-zones", {"name": "example.org"})
        R.check(status == 200 and made2["name"] == "example.org.", f"control endpoint: {status} {made2}")

        # ---- teardown ----------------------------------------------------------------------
        t.ok("elbv2", "delete-listener", "--listener-arn", li)
        t.ok("acm", "delete-certificate", "--certificate-arn", arn)
        p = t.run("acm", "wait", "certificate-validated", "--certificate-arn", arn)
        R.check(p.returncode != 0 and "ResourceNotFoundException" in p.stderr,
                f"waiting for a deleted certificate fails at once: {p.returncode} {p.stderr.strip()[:200]}")
        t.err("HostedZoneNotEmpty", "route53", "delete-hosted-zone", "--id", zone)
        everything = [r for r in t.ok("route53", "list-resource-record-sets", "--hosted-zone-id", zone)
                      ["ResourceRecordSets"] if r["Type"] not in ("SOA", "NS")]
        t.ok("route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch",
             t.file("down.json", {"Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in everything]}))
        t.ok("route53", "delete-hosted-zone", "--id", zone, binary=True)
        t.err("NoSuchHostedZone", "route53", "get-hosted-zone", "--id", zone)
        res = fake.control("GET", "/_fake/resources")[1]
        R.eq([z["name"] for z in res["route53"]["hosted_zones"]], ["example.org."], "only the control-made zone left")
        R.eq(res["acm"]["certificates"], [], "no certificate left")
        R.check(bool(pending), "an HTTPS listener was refused the pending certificate")
    R.finish()


if __name__ == "__main__":
    main()
