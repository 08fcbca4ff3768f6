#!/usr/bin/python3
"""ACM of the fake, driven through its handlers on a manual clock: DNS validation through
Route 53 of the fake (the record shown after a few seconds, the CNAME INSYNC in the zone
that holds the name, then ISSUED), idempotency tokens, wildcards and alternative names,
time-outs, the listener checks ELBv2 makes, deletion while in use, lists, tags."""

import sys

from test_net_common import Net, expect, run_tests

SERVICES = ("ec2", "elbv2", "route53", "acm")


def setup():
    n = Net(services=SERVICES)
    return n, registered(n, "example.com")


def registered(n, name):
    """A zone made beforehand, a registered domain's (the internet's DNS asks it)."""
    status, doc = n.world.svc("route53").control("POST", ["hosted-zones"], {"name": name})
    expect(status == 200, doc)
    return doc["id"].split("/")[-1]


def request(n, domain="app.example.com", **extra):
    return n.call("acm", "RequestCertificate", DomainName=domain, ValidationMethod="DNS",
                  **extra)["CertificateArn"]


def describe(n, arn):
    return n.call("acm", "DescribeCertificate", CertificateArn=arn)["Certificate"]


def write_records(n, zone, arn, action="UPSERT"):
    changes, seen = [], set()
    for v in describe(n, arn)["DomainValidationOptions"]:
        r = v["ResourceRecord"]
        if r["Name"] not in seen:
            seen.add(r["Name"])
            changes.append({"Action": action, "ResourceRecordSet": {
                "Name": r["Name"], "Type": r["Type"], "TTL": 300, "ResourceRecords": [{"Value": r["Value"]}]}})
    return n.call("route53", "ChangeResourceRecordSets", HostedZoneId=zone,
                  ChangeBatch={"Changes": changes})


def test_dns_validation_issues_the_certificate():
    n, z = setup()
    arn = request(n, Tags=[{"Key": "ecsdeploy:stack", "Value": "demo"}])
    expect(arn.startswith("arn:aws:acm:us-east-1:000000000000:certificate/"), arn)
    c = describe(n, arn)
    expect(c["Status"] == "PENDING_VALIDATION" and c["Type"] == "AMAZON_ISSUED", c)
    expect(c["SubjectAlternativeNames"] == ["app.example.com"] and c["InUseBy"] == [], c)
    dvo = c["DomainValidationOptions"]
    expect(len(dvo) == 1 and dvo[0]["ValidationStatus"] == "PENDING_VALIDATION", dvo)
    expect("ResourceRecord" not in dvo[0], "the record shows a few seconds after the request")
    n.wait(5)
    rec = describe(n, arn)["DomainValidationOptions"][0]["ResourceRecord"]
    expect(rec["Type"] == "CNAME" and rec["Name"].startswith("_") and rec["Name"].endswith(".app.example.com."), rec)
    expect(rec["Value"].endswith(".acm-validations.aws."), rec)
    # no record: nothing happens
    n.wait(600)
    expect(describe(n, arn)["Status"] == "PENDING_VALIDATION")
    write_records(n, z, arn)
    n.wait(39)                      # the change is not INSYNC yet
    expect(describe(n, arn)["Status"] == "PENDING_VALIDATION")
    n.wait(60)                      # INSYNC at 40 s, validated 60 s later
    expect(describe(n, arn)["Status"] == "PENDING_VALIDATION")
    n.wait(2)
    c = describe(n, arn)
    expect(c["Status"] == "ISSUED" and c["DomainValidationOptions"][0]["ValidationStatus"] == "SUCCESS", c)
    expect(c["Issuer"] == "Amazon" and c["NotAfter"] > c["NotBefore"] and c["IssuedAt"], c)
    # an issued certificate stays issued when its record goes
    write_records(n, z, arn, "DELETE")
    n.wait(3600)
    expect(describe(n, arn)["Status"] == "ISSUED")


def test_a_deleted_record_undoes_nothing_already_due():
    n, z = setup()
    arn = request(n)
    n.wait(5)
    write_records(n, z, arn)
    n.wait(101)                     # validated by now, but nobody has read it yet
    write_records(n, z, arn, "DELETE")
    expect(describe(n, arn)["Status"] == "ISSUED")
    # and a record deleted before its time validates nothing
    other = request(n, "other.example.com")
    n.wait(5)
    write_records(n, z, other)
    n.wait(50)
    write_records(n, z, other, "DELETE")
    n.wait(600)
    expect(describe(n, other)["Status"] == "PENDING_VALIDATION")


def test_wildcards_alternative_names_and_shared_records():
    n, z = setup()
    arn = request(n, "example.com", SubjectAlternativeNames=["*.example.com", "www.example.com", "example.com"])
    n.wait(5)
    c = describe(n, arn)
    expect(c["SubjectAlternativeNames"] == ["example.com", "*.example.com", "www.example.com"], c)
    recs = {v["DomainName"]: v["ResourceRecord"] for v in c["DomainValidationOptions"]}
    expect(recs["*.example.com"] == recs["example.com"], recs)        # a wildcard validates as its base
    expect(recs["www.example.com"] != recs["example.com"])
    # the same name in the same account always has the same record
    again = request(n, "www.example.com")
    n.wait(5)
    expect(describe(n, again)["DomainValidationOptions"][0]["ResourceRecord"] == recs["www.example.com"])
    write_records(n, z, arn)
    n.wait(101)
    expect(describe(n, arn)["Status"] == "ISSUED" and describe(n, again)["Status"] == "ISSUED")
    names = ["n%d.example.com" % i for i in range(10)]
    n.fails("LimitExceededException", "acm", "RequestCertificate", DomainName="example.com",
            SubjectAlternativeNames=names)
    n.fails("InvalidDomainValidationOptionsException", "acm", "RequestCertificate", DomainName="a.example.com",
            DomainValidationOptions=[{"DomainName": "a.example.com", "ValidationDomain": "example.org"}])


def test_validation_needs_the_zone_that_holds_the_name():
    n, z = setup()
    arn = request(n, "shop.example.net")
    n.wait(5)
    rec = describe(n, arn)["DomainValidationOptions"][0]["ResourceRecord"]
    # a zone that does not hold the name cannot even take the record
    n.fails("InvalidChangeBatch", "route53", "ChangeResourceRecordSets", HostedZoneId=z, ChangeBatch={
        "Changes": [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": rec["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": rec["Value"]}]}}]})
    # a wrong value does not validate
    net = registered(n, "example.net")
    n.call("route53", "ChangeResourceRecordSets", HostedZoneId=net, ChangeBatch={
        "Changes": [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": rec["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "_wrong.acm-validations.aws."}]}}]})
    n.wait(200)
    expect(describe(n, arn)["Status"] == "PENDING_VALIDATION")
    n.wait(72 * 3600)
    c = describe(n, arn)
    expect(c["Status"] == "VALIDATION_TIMED_OUT" and c["DomainValidationOptions"][0]["ValidationStatus"] == "FAILED", c)


def test_idempotency_token():
    n, _ = setup()
    a = request(n, IdempotencyToken="deploy1")
    b = request(n, IdempotencyToken="deploy1")
    expect(a == b, "the same token within the hour answers the same certificate")
    expect(request(n, IdempotencyToken="deploy2") != a)
    expect(request(n) != request(n), "no token: a certificate each time")
    n.wait(3601)
    expect(request(n, IdempotencyToken="deploy1") != a, "tokens last an hour")
    certs = n.call("acm", "ListCertificates")["CertificateSummaryList"]
    expect(len(certs) == 5, certs)


def _listener_setup(n):
    vid, _ = n.vpc()
    a = n.subnet(vid, "10.0.0.0/24", "us-east-1a")
    b = n.subnet(vid, "10.0.1.0/24", "us-east-1b")
    lb = n.call("elbv2", "CreateLoadBalancer", Name="web", Subnets=[a, b],
                SecurityGroups=[n.sg(vid)])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = n.call("elbv2", "CreateTargetGroup", Name="tg", Protocol="HTTP", Port=80, VpcId=vid,
                TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    return lb, tg


def test_listeners_need_an_issued_certificate_and_hold_it():
    n, z = setup()
    lb, tg = _listener_setup(n)
    arn = request(n)

    def listener(cert, port=443):
        return n.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS", Port=port,
                      Certificates=[{"CertificateArn": cert}],
                      DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])

    e = n.fails("UnsupportedCertificate", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS",
                Port=443, Certificates=[{"CertificateArn": arn}],
                DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    expect(arn in e.message, e.message)
    unknown = arn[:-12] + "000000000000"
    n.fails("CertificateNotFound", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS",
            Port=443, Certificates=[{"CertificateArn": unknown}],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    n.wait(5)
    write_records(n, z, arn)
    n.wait(101)
    expect(describe(n, arn)["Status"] == "ISSUED")
    # just issued: ELB does not see it yet for a few seconds (CertificateNotFound)
    n.fails("CertificateNotFound", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS",
            Port=443, Certificates=[{"CertificateArn": arn}],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    n.wait(5)
    li = listener(arn)["Listeners"][0]["ListenerArn"]
    c = describe(n, arn)
    expect(c["InUseBy"] == [lb] and c["RenewalEligibility"] == "ELIGIBLE", c)
    expect(n.call("acm", "ListCertificates")["CertificateSummaryList"][0]["InUse"] is True)
    e = n.fails("ResourceInUseException", "acm", "DeleteCertificate", CertificateArn=arn)
    expect(arn in e.message, e.message)
    # in a listener's certificate list too
    pending = request(n, "api.example.com")
    n.fails("UnsupportedCertificate", "elbv2", "AddListenerCertificates", ListenerArn=li,
            Certificates=[{"CertificateArn": pending}])
    n.fails("UnsupportedCertificate", "elbv2", "ModifyListener", ListenerArn=li,
            Certificates=[{"CertificateArn": pending}])
    # another account's certificates are not the fake's to check (placeholder ARNs in tests)
    foreign = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
    n.call("elbv2", "AddListenerCertificates", ListenerArn=li, Certificates=[{"CertificateArn": foreign}])
    n.call("elbv2", "DeleteListener", ListenerArn=li)
    expect(describe(n, arn)["InUseBy"] == [])
    n.call("acm", "DeleteCertificate", CertificateArn=arn)
    n.fails("ResourceNotFoundException", "acm", "DescribeCertificate", CertificateArn=arn)
    n.fails("ResourceNotFoundException", "acm", "DeleteCertificate", CertificateArn=arn)
    # a certificate of another region is not found by the ALB
    other = n.call("acm", "RequestCertificate", DomainName="app.example.com", ValidationMethod="DNS",
                   region="eu-west-1")["CertificateArn"]
    n.fails("CertificateNotFound", "elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTPS",
            Port=8443, Certificates=[{"CertificateArn": other}],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    n.fails("ResourceNotFoundException", "acm", "DescribeCertificate", CertificateArn=other)


def test_propagation_can_be_set_for_tests():
    n, z = setup()
    lb, tg = _listener_setup(n)
    acm = n.world.svc("acm")
    expect(acm.control("POST", ["settings"], {"propagation_seconds": 30}) == (200, {"propagation_seconds": 30}))
    expect(acm.control("POST", ["settings"], {"propagation_seconds": "x"})[0] == 400)
    expect(acm.control("GET", ["settings"], None)[0] == 404)
    arn = request(n)
    n.wait(5)
    write_records(n, z, arn)
    n.wait(101)

    def listener():
        return dict(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": arn}],
                    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    n.wait(10)
    n.fails("CertificateNotFound", "elbv2", "CreateListener", **listener())
    n.wait(21)
    n.call("elbv2", "CreateListener", **listener())


def test_lists_filters_pages_and_tags():
    n, z = setup()
    arns = [request(n, f"s{i}.example.com") for i in range(3)]
    ec = request(n, "ec.example.com", KeyAlgorithm="EC_prime256v1")
    listed = [c["CertificateArn"] for c in n.call("acm", "ListCertificates")["CertificateSummaryList"]]
    expect(listed == arns, "EC keys are listed only when asked for")
    listed = n.call("acm", "ListCertificates", Includes={"keyTypes": ["EC_prime256v1"]})["CertificateSummaryList"]
    expect([c["CertificateArn"] for c in listed] == [ec], listed)
    page = n.call("acm", "ListCertificates", MaxItems=2)
    expect(len(page["CertificateSummaryList"]) == 2 and page["NextToken"], page)
    rest = n.call("acm", "ListCertificates", MaxItems=2, NextToken=page["NextToken"])
    expect([c["CertificateArn"] for c in rest["CertificateSummaryList"]] == arns[2:] and "NextToken" not in rest)
    expect(n.call("acm", "ListCertificates", CertificateStatuses=["ISSUED"])["CertificateSummaryList"] == [])
    n.call("acm", "AddTagsToCertificate", CertificateArn=arns[0], Tags=[{"Key": "a", "Value": "1"},
                                                                        {"Key": "b", "Value": "2"}])
    n.call("acm", "RemoveTagsFromCertificate", CertificateArn=arns[0], Tags=[{"Key": "b"}])
    tags = n.call("acm", "ListTagsForCertificate", CertificateArn=arns[0])["Tags"]
    expect(tags == [{"Key": "a", "Value": "1"}], tags)
    n.fails("InvalidTagException", "acm", "AddTagsToCertificate", CertificateArn=arns[0],
            Tags=[{"Key": "aws:x", "Value": "1"}])
    n.fails("ResourceNotFoundException", "acm", "ListTagsForCertificate", CertificateArn=arns[0][:-4] + "0000")
    n.fails("InvalidParameterException", "acm", "RequestCertificate", DomainName="x.example.com",
            KeyAlgorithm="RSA_1024")
    res = n.world.svc("acm").resources()["certificates"]
    expect([c["arn"] for c in res] == arns + [ec] and res[0]["tags"] == {"a": "1"}, res)


def test_email_validation_never_completes():
    n, z = setup()
    arn = n.call("acm", "RequestCertificate", DomainName="mail.example.com")["CertificateArn"]
    v = describe(n, arn)["DomainValidationOptions"][0]
    expect(v["ValidationMethod"] == "EMAIL" and "admin@mail.example.com" in v["ValidationEmails"], v)
    n.wait(3600)
    expect(describe(n, arn)["Status"] == "PENDING_VALIDATION")


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
