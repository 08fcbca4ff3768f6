#!/usr/bin/python3
"""Model checks: requests missing required members, with bad enums, wrong types, bad
lengths or unknown operations fail as AWS fails, in each protocol's error format."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model
from fakelib import Fake, Report, error_code_in, sign_and_send  # noqa: E402

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def js(target):
    return {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}


# (what, signing name, headers, body, method, path, status, code, body check regex)
CASES = [
    # awsJson
    ("secretsmanager: missing Name", "secretsmanager", js("secretsmanager.CreateSecret"), b'{"SecretString":"x"}',
     "POST", "/", 400, "ValidationException", r"Value null at 'name' failed to satisfy constraint: Member must not be null"),
    ("secretsmanager: name too long", "secretsmanager", js("secretsmanager.CreateSecret"),
     json.dumps({"Name": "n" * 600}).encode(), "POST", "/", 400, "ValidationException",
     r"Member must have length less than or equal to 512"),
    ("logs: missing retentionInDays", "logs", js("Logs_20140328.PutRetentionPolicy"), b'{"logGroupName":"g"}',
     "POST", "/", 400, "InvalidParameterException", r"'retentionInDays'"),
    ("logs: bad enum orderBy", "logs", js("Logs_20140328.DescribeLogStreams"),
     b'{"logGroupName":"g","orderBy":"Sideways"}', "POST", "/", 400, "InvalidParameterException",
     r"Member must satisfy enum value set: \[LogStreamName, LastEventTime\]"),
    ("kms: bad enum KeyUsage", "kms", js("TrentService.CreateKey"), b'{"KeyUsage":"HASHING"}',
     "POST", "/", 400, "ValidationException", r"enum value set"),
    ("json: wrong type", "logs", js("Logs_20140328.PutRetentionPolicy"),
     b'{"logGroupName":"g","retentionInDays":"seven"}', "POST", "/", 400, "SerializationException", r""),
    ("json: unknown member", "logs", js("Logs_20140328.CreateLogGroup"), b'{"logGroupName":"g","colour":"red"}',
     "POST", "/", 400, "SerializationException", r"colour"),
    ("json: not JSON", "logs", js("Logs_20140328.CreateLogGroup"), b'{"logGroupName":',
     "POST", "/", 400, "SerializationException", r""),
    ("json: unknown operation", "logs", js("Logs_20140328.MakeCoffee"), b"{}",
     "POST", "/", 400, "UnknownOperationException", r""),
    ("json: target of another service", "logs", js("secretsmanager.ListSecrets"), b"{}",
     "POST", "/", 400, "UnknownOperationException", r""),
    # query
    ("iam: missing RoleName", "iam", {"Content-Type": FORM},
     b"Action=CreateRole&Version=2010-05-08&AssumeRolePolicyDocument=%7B%7D", "POST", "/", 400, "ValidationError",
     r"<Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error detected: Value null at 'roleName'"),
    ("iam: bad enum Scope", "iam", {"Content-Type": FORM}, b"Action=ListPolicies&Version=2010-05-08&Scope=Everything",
     "POST", "/", 400, "ValidationError", r"Member must satisfy enum value set"),
    ("iam: role name too long", "iam", {"Content-Type": FORM},
     b"Action=GetRole&Version=2010-05-08&RoleName=" + b"r" * 65, "POST", "/", 400, "ValidationError",
     r"length less than or equal to 64"),
    ("iam: integer that is not", "iam", {"Content-Type": FORM}, b"Action=ListRoles&Version=2010-05-08&MaxItems=ten",
     "POST", "/", 400, "ValidationError", r""),
    ("sts: missing RoleSessionName", "sts", {"Content-Type": FORM},
     b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fxxxxxxxx",
     "POST", "/", 400, "ValidationError", r"roleSessionName"),
    ("query: unknown action", "iam", {"Content-Type": FORM}, b"Action=MakeCoffee&Version=2010-05-08",
     "POST", "/", 400, "InvalidAction", r"<ErrorResponse"),
    # ec2 (validated by core whatever the network part implements)
    ("ec2: missing VpcId", "ec2", {"Content-Type": FORM}, b"Action=CreateSubnet&Version=2016-11-15&CidrBlock=10.0.0.0%2F24",
     "POST", "/", 400, "MissingParameter",
     r"<Response><Errors><Error><Code>MissingParameter</Code><Message>The request must contain the parameter VpcId</Message></Error></Errors><RequestID>"),
    ("ec2: bad enum", "ec2", {"Content-Type": FORM},
     b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&InstanceTenancy=shared", "POST", "/", 400,
     "InvalidParameterValue", r"Value \(shared\) for parameter InstanceTenancy is invalid"),
    ("ec2: unknown parameter", "ec2", {"Content-Type": FORM},
     b"Action=DescribeVpcs&Version=2016-11-15&VpcIdd.1=vpc-1", "POST", "/", 400, "UnknownParameter", r"VpcIdd.1"),
    ("ec2: bad boolean", "ec2", {"Content-Type": FORM},
     b"Action=DescribeVpcs&Version=2016-11-15&DryRun=yes", "POST", "/", 400, "InvalidParameterValue", r""),
    ("ec2: unknown action", "ec2", {"Content-Type": FORM}, b"Action=MakeCoffee&Version=2016-11-15",
     "POST", "/", 400, "InvalidAction", r"The action MakeCoffee is not valid for this web service"),
    # rest-xml
    ("s3: bad enum in XML body", "s3", {}, b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
     b"<Status>Sometimes</Status></VersioningConfiguration>", "PUT", "/model-bucket?versioning", 400, "MalformedXML",
     r"<Error><Code>MalformedXML</Code>"),
    ("s3: unknown element", "s3", {}, b'<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value><Colour>x</Colour></Tag>'
     b"</TagSet></Tagging>", "PUT", "/model-bucket?tagging", 400, "MalformedXML", r""),
    ("s3: XML not well-formed", "s3", {}, b"<Tagging><TagSet>", "PUT", "/model-bucket?tagging", 400, "MalformedXML", r""),
    ("s3: missing Content-MD5", "s3", {}, b'<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>',
     "PUT", "/model-bucket?tagging", 400, "InvalidRequest", r"Content-MD5"),
]


def main():
    r = Report()
    with Fake() as f:
        st, _, b = sign_and_send(f.url, "s3", method="PUT", path="/model-bucket", s3=True)
        r.eq(st, 200, "s3: bucket for the model checks")
        for what, sn, hdrs, body, method, path, status, code, rx in CASES:
            st, h, b = sign_and_send(f.url, sn, method=method, path=path, headers=hdrs, body=body, s3=(sn == "s3"))
            r.eq((st, error_code_in(b)), (status, code), what)
            if rx:
                r.check(re.search(rx, b.decode("utf-8", "replace")) is not None, f"{what}: body {b[:400]!r} lacks /{rx}/")
            if sn in ("logs", "secretsmanager", "kms"):
                r.eq(h.get("x-amzn-errortype", "").split(":")[0], code, f"{what}: x-amzn-ErrorType header")
                r.check(bool(h.get("x-amzn-requestid")), f"{what}: x-amzn-RequestId header")
            elif sn == "s3":
                r.check(bool(h.get("x-amz-request-id")), f"{what}: x-amz-request-id header")

        # The same through botocore with its own validation off: the parsed error codes.
        from botocore.config import Config
        import botocore.session
        c = botocore.session.get_session().create_client(
            "secretsmanager", region_name="us-east-1", endpoint_url=f.url, aws_access_key_id="test",
            aws_secret_access_key="test", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
        r.error_code(lambda: c.create_secret(SecretString="x"), "ValidationException", "botocore: missing Name")
        r.error_code(lambda: c.get_random_password(PasswordLength=0), "ValidationException",
                     "botocore: PasswordLength below the model's minimum")

    # Without ../shared: Debian botocore's models plus the ECS overlay.
    ecs_cases = [
        ("overlay: ListServiceDeployments without service", "ListServiceDeployments", {},
         "InvalidParameterException", r"Value null at 'service'"),
        ("overlay: bad deployment strategy", "CreateService",
         {"serviceName": "s", "deploymentConfiguration": {"strategy": "SIDEWAYS"}},
         "InvalidParameterException", r"enum value set: \[ROLLING, BLUE_GREEN, LINEAR, CANARY\]"),
        ("overlay: volumeConfigurations without name", "CreateService",
         {"serviceName": "s", "volumeConfigurations": [{"managedEBSVolume": {"roleArn": "arn:aws:iam::000000000000:role/x"}}]},
         "InvalidParameterException", r"volumeConfigurations.1.member.name"),
    ]
    with Fake(env={"FAKEAWS_MODELS": "none"}) as f:
        for what, op, body, code, rx in ecs_cases:
            st, h, b = sign_and_send(f.url, "ecs", headers=js("AmazonEC2ContainerServiceV20141113." + op),
                                     body=json.dumps(body).encode())
            r.eq((st, error_code_in(b)), (400, code), what)
            r.check(re.search(rx, b.decode()) is not None, f"{what}: body {b[:300]!r} lacks /{rx}/")
    r.finish()


if __name__ == "__main__":
    main()
