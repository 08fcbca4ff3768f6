#!/usr/bin/python3
"""Route 53 (rest-xml without S3's dialect) and ACM (JSON 1.1) on the wire of a running
fake, with botocore: plain SigV4 on Route 53 (a tampered request is SignatureDoesNotMatch
in an <ErrorResponse>), model validation answered as each service does (InvalidInput,
ValidationException), status codes (201 for CreateHostedZone, 404 NoSuchHostedZone, 409
HostedZoneAlreadyExists), and every answer checked against the model on the server side
(FAKEAWS_CHECK_OUTPUT=strict)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fakelib import Fake, Report, sign_and_send  # noqa: E402

R = Report()


def main():
    with Fake(env={"FAKEAWS_CHECK_OUTPUT": "strict"}) as f:
        r53, acm = f.client("route53"), f.client("acm")
        made = r53.create_hosted_zone(Name="example.com", CallerReference="wire-1")
        R.eq(made["ResponseMetadata"]["HTTPStatusCode"], 201, "CreateHostedZone answers 201")
        R.check(made["ResponseMetadata"]["HTTPHeaders"].get("location", "").endswith(made["HostedZone"]["Id"][12:]),
                "the Location header names the zone")
        zone = made["HostedZone"]["Id"].split("/")[-1]

        def status_of(fn):
            from botocore.exceptions import ClientError
            try:
                fn()
            except ClientError as e:
                return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
            return 200, None

        R.eq(status_of(lambda: r53.create_hosted_zone(Name="example.com", CallerReference="wire-1")),
             (409, "HostedZoneAlreadyExists"), "a caller reference twice")
        R.eq(status_of(lambda: r53.get_hosted_zone(Id="Z0NOSUCHZONE")), (404, "NoSuchHostedZone"), "unknown zone")
        R.eq(status_of(lambda: r53.list_resource_record_sets(HostedZoneId=zone, StartRecordType="BOGUS",
                                                             StartRecordName="x.example.com")),
             (400, "InvalidInput"), "an enum the model does not know")
        R.error_code(lambda: acm.request_certificate(DomainName="not a name"), "ValidationException",
                     "a domain name outside the model's pattern")
        R.error_code(lambda: acm.describe_certificate(
            CertificateArn="arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000"),
            "ResourceNotFoundException", "an unknown certificate")

        # plain SigV4 (not S3's rules) on Route 53's rest-xml
        path = f"/2013-04-01/hostedzone/{zone}"
        st, hdrs, body = sign_and_send(f.url, "route53", method="GET", path=path)
        R.eq(st, 200, "a signed GetHostedZone by hand")
        st, hdrs, body = sign_and_send(f.url, "route53", method="GET", path=path,
                                       tamper=lambda h, b: (h.update({"X-Amz-Date": "20200101T000000Z"}), b)[1])
        R.eq(st, 403, "a tampered request is refused")
        R.check(b"<ErrorResponse" in body and b"<Code>SignatureDoesNotMatch</Code>" in body
                and b"<Type>Sender</Type>" in body, f"Route 53's error body: {body[:200]!r}")
        R.check("x-amzn-requestid" in hdrs, "the request id header")
        st, hdrs, body = sign_and_send(f.url, "route53", method="POST", path="/2013-04-01/hostedzone",
                                       body=b"<CreateHostedZoneRequest><Name>x", headers={"Content-Type": "text/xml"})
        R.eq(st, 400, "an unreadable body")
        R.check(b"<Code>InvalidInput</Code>" in body, f"unreadable XML is InvalidInput: {body[:200]!r}")
    R.finish()


if __name__ == "__main__":
    main()
