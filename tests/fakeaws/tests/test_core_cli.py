#!/usr/bin/python3
"""A tour with Debian's AWS CLI v2 through the core services (STS, IAM, Secrets Manager,
CloudWatch Logs, KMS, S3): create, describe, the refusals AWS gives, teardown. Each
command must succeed or fail exactly as listed, and the CLI must parse every answer.

The first command of each protocol (query, json, rest-xml) runs as /usr/bin/aws in a subprocess; the rest run the
same CLI code (the awscli package /usr/bin/aws imports) in this process with one CLI
driver, which takes a tenth of the time. FAKEAWS_CLI_SUBPROCESS=1 runs every command as /usr/bin/aws."""

import base64
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model
from fakelib import Cli, ECS_TASKS_TRUST, Fake, Report  # noqa: E402

PROTOCOL = {"sts": "query", "iam": "query", "secretsmanager": "json", "logs": "json", "kms": "json",
            "s3api": "rest-xml"}
INLINE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
                                                             "Action": ["ssmmessages:CreateDataChannel"]}]})
EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
BUCKET = "tour-bucket-000000000000"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
LIFECYCLE = json.dumps({"Rules": [{"ID": "expire-logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                                   "Expiration": {"Days": 30},
                                   "NoncurrentVersionExpiration": {"NoncurrentDays": 7}}]})


def tour(tmp):
    body = os.path.join(tmp, "body.txt")
    with open(body, "w") as f:
        f.write("hello from the tour\n")
    out = os.path.join(tmp, "out.txt")
    # (args, expected: "ok" or an error code, check on the parsed JSON output or None)
    return [
        (["sts", "get-caller-identity"], "ok", lambda o: o["Account"] == "000000000000"),
        # IAM
        (["iam", "create-role", "--role-name", "tour-exec", "--assume-role-policy-document", ECS_TASKS_TRUST,
          "--tags", "Key=ecsdeploy:stack,Value=tour"], "ok", lambda o: o["Role"]["Arn"].endswith(":role/tour-exec")),
        (["iam", "create-role", "--role-name", "tour-exec", "--assume-role-policy-document", ECS_TASKS_TRUST],
         "EntityAlreadyExists", None),
        (["iam", "create-role", "--role-name", "bad", "--assume-role-policy-document", "{not json"],
         "MalformedPolicyDocument", None),
        (["iam", "get-role", "--role-name", "tour-exec"], "ok",
         lambda o: o["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == "ecs-tasks.amazonaws.com"),
        (["iam", "attach-role-policy", "--role-name", "tour-exec", "--policy-arn", EXEC_POLICY], "ok", None),
        (["iam", "attach-role-policy", "--role-name", "tour-exec", "--policy-arn",
          "arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"], "NoSuchEntity", None),
        (["iam", "put-role-policy", "--role-name", "tour-exec", "--policy-name", "exec", "--policy-document", INLINE],
         "ok", None),
        (["iam", "list-attached-role-policies", "--role-name", "tour-exec"], "ok",
         lambda o: [p["PolicyArn"] for p in o["AttachedPolicies"]] == [EXEC_POLICY]),
        (["iam", "list-role-policies", "--role-name", "tour-exec"], "ok", lambda o: o["PolicyNames"] == ["exec"]),
        (["iam", "get-role-policy", "--role-name", "tour-exec", "--policy-name", "exec"], "ok",
         lambda o: o["PolicyDocument"]["Statement"][0]["Action"] == ["ssmmessages:CreateDataChannel"]),
        (["iam", "list-roles"], "ok", lambda o: [r["RoleName"] for r in o["Roles"]] == ["tour-exec"]),
        (["iam", "create-service-linked-role", "--aws-service-name", "ecs.amazonaws.com"], "ok",
         lambda o: o["Role"]["RoleName"] == "AWSServiceRoleForECS"),
        (["iam", "create-service-linked-role", "--aws-service-name", "ecs.amazonaws.com"], "InvalidInput", None),
        (["iam", "delete-role", "--role-name", "tour-exec"], "DeleteConflict", None),
        (["iam", "detach-role-policy", "--role-name", "tour-exec", "--policy-arn", EXEC_POLICY], "ok", None),
        (["iam", "delete-role", "--role-name", "tour-exec"], "DeleteConflict", None),
        (["iam", "delete-role-policy", "--role-name", "tour-exec", "--policy-name", "exec"], "ok", None),
        (["iam", "delete-role", "--role-name", "tour-exec"], "ok", None),
        (["iam", "get-role", "--role-name", "tour-exec"], "NoSuchEntity", None),
        # Secrets Manager
        (["secretsmanager", "get-random-password", "--password-length", "24", "--exclude-punctuation"], "ok",
         lambda o: len(o["RandomPassword"]) == 24 and o["RandomPassword"].isalnum()),
        (["secretsmanager", "create-secret", "--name", "tour/db", "--secret-string", "s3cr3t",
          "--client-request-token", "11111111-1111-1111-1111-111111111111",
          "--tags", "Key=ecsdeploy:stack,Value=tour"], "ok", lambda o: o["Name"] == "tour/db"),
        (["secretsmanager", "create-secret", "--name", "tour/db", "--secret-string", "s3cr3t",
          "--client-request-token", "11111111-1111-1111-1111-111111111111"], "ok",
         lambda o: o["VersionId"] == "11111111-1111-1111-1111-111111111111"),
        (["secretsmanager", "create-secret", "--name", "tour/db", "--secret-string", "other"],
         "ResourceExistsException", None),
        (["secretsmanager", "describe-secret", "--secret-id", "tour/db"], "ok",
         lambda o: o["Tags"] == [{"Key": "ecsdeploy:stack", "Value": "tour"}]),
        (["secretsmanager", "put-secret-value", "--secret-id", "tour/db", "--secret-string", "v2"], "ok",
         lambda o: o["VersionStages"] == ["AWSCURRENT"]),
        (["secretsmanager", "get-secret-value", "--secret-id", "tour/db"], "ok", lambda o: o["SecretString"] == "v2"),
        (["secretsmanager", "get-secret-value", "--secret-id", "tour/db", "--version-stage", "AWSPREVIOUS"], "ok",
         lambda o: o["SecretString"] == "s3cr3t"),
        (["secretsmanager", "delete-secret", "--secret-id", "tour/db", "--recovery-window-in-days", "3"],
         "InvalidParameterException", None),
        (["secretsmanager", "delete-secret", "--secret-id", "tour/db", "--recovery-window-in-days", "7"], "ok",
         lambda o: "DeletionDate" in o),
        (["secretsmanager", "get-secret-value", "--secret-id", "tour/db"], "InvalidRequestException", None),
        (["secretsmanager", "create-secret", "--name", "tour/db", "--secret-string", "again"],
         "InvalidRequestException", None),
        (["secretsmanager", "restore-secret", "--secret-id", "tour/db"], "ok", None),
        (["secretsmanager", "get-secret-value", "--secret-id", "tour/db"], "ok", lambda o: o["SecretString"] == "v2"),
        (["secretsmanager", "list-secrets"], "ok", lambda o: [s["Name"] for s in o["SecretList"]] == ["tour/db"]),
        (["secretsmanager", "delete-secret", "--secret-id", "tour/db", "--force-delete-without-recovery"], "ok", None),
        (["secretsmanager", "describe-secret", "--secret-id", "tour/db"], "ResourceNotFoundException", None),
        # CloudWatch Logs
        (["logs", "create-log-group", "--log-group-name", "/ecs/tour", "--tags", "ecsdeploy:stack=tour"], "ok", None),
        (["logs", "create-log-group", "--log-group-name", "/ecs/tour"], "ResourceAlreadyExistsException", None),
        (["logs", "put-retention-policy", "--log-group-name", "/ecs/tour", "--retention-in-days", "10"],
         "InvalidParameterException", None),
        (["logs", "put-retention-policy", "--log-group-name", "/ecs/tour", "--retention-in-days", "14"], "ok", None),
        (["logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/"], "ok",
         lambda o: o["logGroups"][0]["retentionInDays"] == 14),
        (["logs", "list-tags-log-group", "--log-group-name", "/ecs/tour"], "ok",
         lambda o: o["tags"] == {"ecsdeploy:stack": "tour"}),
        (["logs", "create-log-stream", "--log-group-name", "/ecs/tour", "--log-stream-name", "web/1"], "ok", None),
        (["logs", "put-log-events", "--log-group-name", "/ecs/tour", "--log-stream-name", "web/1", "--log-events",
          "timestamp=NOW,message=started", "timestamp=NOW1,message=ready to serve"], "ok", None),
        (["logs", "get-log-events", "--log-group-name", "/ecs/tour", "--log-stream-name", "web/1",
          "--start-from-head"], "ok", lambda o: [e["message"] for e in o["events"]] == ["started", "ready to serve"]),
        (["logs", "filter-log-events", "--log-group-name", "/ecs/tour", "--filter-pattern", "ready"], "ok",
         lambda o: [e["message"] for e in o["events"]] == ["ready to serve"]),
        (["logs", "delete-log-group", "--log-group-name", "/ecs/tour"], "ok", None),
        (["logs", "delete-log-group", "--log-group-name", "/ecs/tour"], "ResourceNotFoundException", None),
        # KMS
        (["kms", "create-key", "--description", "tour key"], "ok", lambda o: o["KeyMetadata"]["KeyState"] == "Enabled"),
        (["kms", "create-alias", "--alias-name", "alias/tour", "--target-key-id", "KEYID"], "ok", None),
        (["kms", "describe-key", "--key-id", "alias/tour"], "ok", lambda o: o["KeyMetadata"]["Description"] == "tour key"),
        (["kms", "generate-data-key", "--key-id", "alias/tour", "--key-spec", "AES_256",
          "--encryption-context", "purpose=tour"], "ok", lambda o: len(base64.b64decode(o["Plaintext"])) == 32),
        (["kms", "describe-key", "--key-id", "alias/none"], "NotFoundException", None),
        # S3
        (["s3api", "create-bucket", "--bucket", "Tour_Bucket"], "InvalidBucketName", None),
        (["s3api", "create-bucket", "--bucket", BUCKET], "ok", lambda o: o["Location"] == f"/{BUCKET}"),
        (["s3api", "create-bucket", "--bucket", "tour-eu-bucket", "--region", "eu-west-1"],
         "IllegalLocationConstraintException", None),
        (["s3api", "create-bucket", "--bucket", "tour-eu-bucket", "--region", "eu-west-1",
          "--create-bucket-configuration", "LocationConstraint=eu-west-1"], "ok", None),
        (["s3api", "get-bucket-location", "--bucket", "tour-eu-bucket", "--region", "eu-west-1"], "ok",
         lambda o: o["LocationConstraint"] == "eu-west-1"),
        (["s3api", "get-bucket-location", "--bucket", BUCKET], "ok", lambda o: o.get("LocationConstraint") is None),
        (["s3api", "delete-bucket", "--bucket", "tour-eu-bucket", "--region", "eu-west-1"], "ok", None),
        (["s3api", "head-bucket", "--bucket", BUCKET], "ok", None),
        (["s3api", "head-bucket", "--bucket", "no-such-bucket-tour"], "404", None),
        (["s3api", "put-public-access-block", "--bucket", BUCKET, "--public-access-block-configuration",
          "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"], "ok", None),
        (["s3api", "get-public-access-block", "--bucket", BUCKET], "ok",
         lambda o: all(o["PublicAccessBlockConfiguration"].values())),
        (["s3api", "get-bucket-policy", "--bucket", BUCKET], "NoSuchBucketPolicy", None),
        (["s3api", "put-bucket-encryption", "--bucket", BUCKET, "--server-side-encryption-configuration",
          '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/tour"},'
          '"BucketKeyEnabled":true}]}'], "ok", None),
        (["s3api", "get-bucket-encryption", "--bucket", BUCKET], "ok",
         lambda o: o["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"),
        (["s3api", "put-bucket-policy", "--bucket", BUCKET, "--policy", POLICY], "ok", None),
        (["s3api", "get-bucket-policy", "--bucket", BUCKET], "ok", lambda o: json.loads(o["Policy"]) == json.loads(POLICY)),
        (["s3api", "put-bucket-policy", "--bucket", BUCKET, "--policy", "nope"], "MalformedPolicy", None),
        (["s3api", "put-bucket-lifecycle-configuration", "--bucket", BUCKET, "--lifecycle-configuration", LIFECYCLE],
         "ok", None),
        (["s3api", "get-bucket-lifecycle-configuration", "--bucket", BUCKET], "ok",
         lambda o: o["Rules"][0]["ID"] == "expire-logs"),
        (["s3api", "get-bucket-tagging", "--bucket", BUCKET], "NoSuchTagSet", None),
        (["s3api", "put-bucket-tagging", "--bucket", BUCKET, "--tagging",
          "TagSet=[{Key=ecsdeploy:stack,Value=tour}]"], "ok", None),
        (["s3api", "get-bucket-tagging", "--bucket", BUCKET], "ok",
         lambda o: o["TagSet"] == [{"Key": "ecsdeploy:stack", "Value": "tour"}]),
        (["s3api", "put-bucket-versioning", "--bucket", BUCKET, "--versioning-configuration", "Status=Enabled"],
         "ok", None),
        (["s3api", "get-bucket-versioning", "--bucket", BUCKET], "ok", lambda o: o["Status"] == "Enabled"),
        (["s3api", "put-object", "--bucket", BUCKET, "--key", "logs/app one.txt", "--body", body], "ok",
         lambda o: o["ETag"].startswith('"') and "VersionId" in o),
        (["s3api", "put-object", "--bucket", BUCKET, "--key", "logs/app one.txt", "--body", body], "ok", None),
        (["s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", "logs/"], "ok",
         lambda o: [c["Key"] for c in o["Contents"]] == ["logs/app one.txt"]),
        (["s3api", "get-object", "--bucket", BUCKET, "--key", "logs/app one.txt", out], "ok",
         lambda o: o["ContentLength"] == 20),
        (["s3api", "delete-object", "--bucket", BUCKET, "--key", "logs/app one.txt"], "ok",
         lambda o: o["DeleteMarker"] is True),
        (["s3api", "get-object", "--bucket", BUCKET, "--key", "logs/app one.txt", out], "NoSuchKey", None),
        (["s3api", "delete-bucket", "--bucket", BUCKET], "BucketNotEmpty", None),
        (["s3api", "list-object-versions", "--bucket", BUCKET], "ok",
         lambda o: len(o["Versions"]) == 2 and len(o["DeleteMarkers"]) == 1),
        (["s3api", "delete-objects", "--bucket", BUCKET, "--delete", "VERSIONS"], "ok",
         lambda o: len(o["Deleted"]) == 3),
        (["s3api", "delete-bucket", "--bucket", BUCKET], "ok", None),
        (["s3api", "head-bucket", "--bucket", BUCKET], "404", None),
    ]


def main():
    r = Report()
    with tempfile.TemporaryDirectory() as tmp, Fake() as f:
        cli = Cli(f, tmp)
        state = {}
        seen = set()
        import time
        for args, want, check in tour(tmp):
            args = [a.replace("KEYID", state.get("key", "KEYID")) for a in args]
            now = int(time.time() * 1000)
            args = [a.replace("timestamp=NOW1", f"timestamp={now + 1}").replace("timestamp=NOW", f"timestamp={now}")
                    for a in args]
            if args[-1] == "VERSIONS":
                args[-1] = json.dumps({"Objects": state["versions"], "Quiet": False})
            family = PROTOCOL.get(args[0], args[0])
            first = family not in seen
            seen.add(family)
            p = cli.run(args, subprocess_=first or bool(os.environ.get("FAKEAWS_CLI_SUBPROCESS")))
            out = r.cli_step(p, want, "aws " + " ".join(args[:3]), check)
            if out is None:
                continue
            if args[:2] == ["kms", "create-key"]:
                state["key"] = out["KeyMetadata"]["KeyId"]
            if args[:2] == ["s3api", "list-object-versions"]:
                state["versions"] = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                                     for v in out.get("Versions", []) + out.get("DeleteMarkers", [])]
        st, res = f.control("GET", "/_fake/resources")
        r.check(not res["iam"]["roles"][1:] and not res["s3"]["buckets"] and not res["logs"]["log_groups"]
                and not res["secretsmanager"]["secrets"], f"teardown left only the service-linked role: {res}")
    r.finish()


if __name__ == "__main__":
    main()
