#!/usr/bin/python3
"""Behaviour of the core services beyond the CLI tour: pagination (driven by botocore's
paginators), idempotency, KMS contexts, S3 checksums and regions, STS durations, IAM
limits, and the cross-service hooks the other parts of the fake call."""

import base64
import hashlib
import json
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model
from fakelib import ECS_TASKS_TRUST, Fake, ManualClock, Report, sign_and_send  # noqa: E402



def pages(client, op, key, **kw):
    out = []
    n = 0
    for page in client.get_paginator(op).paginate(**kw):
        n += 1
        out += page.get(key, [])
    return out, n


def sm_list_stages(f):
    sm = f.client("secretsmanager")
    sm.create_secret(Name="stages", SecretString="x")
    entry = [e for e in sm.list_secrets()["SecretList"] if e["Name"] == "stages"][0]
    return list(entry.get("SecretVersionsToStages", {}).values()) == [["AWSCURRENT"]]


def main():
    r = Report()
    with Fake() as f:
        logs, s3, iam, sm, kms, sts = (f.client(s) for s in ("logs", "s3", "iam", "secretsmanager", "kms", "sts"))

        # Logs pagination
        for i in range(7):
            logs.create_log_group(logGroupName=f"/page/g{i}")
        groups, n = pages(logs, "describe_log_groups", "logGroups", PaginationConfig={"PageSize": 3})
        r.eq(([g["logGroupName"] for g in groups], n), ([f"/page/g{i}" for i in range(7)], 3),
             "DescribeLogGroups pages of 3")
        logs.create_log_stream(logGroupName="/page/g0", logStreamName="s")
        now = int(time.time() * 1000)
        logs.put_log_events(logGroupName="/page/g0", logStreamName="s",
                            logEvents=[{"timestamp": now + i, "message": f"line {i}"} for i in range(25)])
        evs, n = pages(logs, "filter_log_events", "events", logGroupName="/page/g0", filterPattern="line",
                       PaginationConfig={"PageSize": 10})
        r.eq((len(evs), n), (25, 3), "FilterLogEvents pages of 10")
        # filter patterns as CloudWatch reads them: terms, "phrases", ?any, -none
        def count(pattern):
            return len(logs.filter_log_events(logGroupName="/page/g0", filterPattern=pattern)["events"])
        r.eq(count('"line 1"'), 11, "a quoted phrase (line 1, line 10..19)")
        r.eq(count('?"line 3" ?"line 24"'), 2, "?terms: any of them")
        r.eq(count('line -"line 1"'), 14, "-term: none of them")
        r.eq(count('LINE'), 0, "terms are case-sensitive")
        for bad in ('line.1', '""', '"line', '{ $.level = 1'):
            r.error_code(lambda: count(bad), "InvalidParameterException", f"pattern {bad!r} refused")
        got, token, rounds = [], None, 0
        while rounds < 10:
            kw = {"nextToken": token} if token else {"startFromHead": True}
            out = logs.get_log_events(logGroupName="/page/g0", logStreamName="s", limit=10, **kw)
            got += [e["message"] for e in out["events"]]
            if out["nextForwardToken"] == token:
                break
            token = out["nextForwardToken"]
            rounds += 1
        r.eq(got, [f"line {i}" for i in range(25)], "GetLogEvents forward tokens, same token at the end")
        out = logs.put_log_events(logGroupName="/page/g0", logStreamName="s",
                                  logEvents=[{"timestamp": now - 20 * 86400 * 1000, "message": "old"},
                                             {"timestamp": now - 20 * 86400 * 1000 + 1, "message": "old"}])
        r.eq(out.get("rejectedLogEventsInfo"), {"tooOldLogEventEndIndex": 2}, "too old events are reported")
        r.error_code(lambda: logs.put_log_events(logGroupName="/page/g0", logStreamName="s", logEvents=[
            {"timestamp": now - 25 * 3600 * 1000, "message": "a"}, {"timestamp": now, "message": "b"}]),
            "InvalidParameterException", "a batch spanning more than 24 hours")
        r.error_code(lambda: logs.put_log_events(logGroupName="/page/g0", logStreamName="s", logEvents=[
            {"timestamp": now + 5, "message": "b"}, {"timestamp": now, "message": "a"}]),
            "InvalidParameterException", "events out of order")
        r.error_code(lambda: logs.put_log_events(logGroupName="/page/g0", logStreamName="nope", logEvents=[
            {"timestamp": now, "message": "a"}]), "ResourceNotFoundException", "missing stream")
        arn = logs.describe_log_groups(logGroupNamePrefix="/page/g1")["logGroups"][0]["arn"][:-2]
        logs.tag_resource(resourceArn=arn, tags={"k": "v"})
        r.eq(logs.list_tags_for_resource(resourceArn=arn)["tags"], {"k": "v"}, "tags by ARN")

        # S3 pagination and checksums
        s3.create_bucket(Bucket="page-bucket")
        for i in range(5):
            s3.put_object(Bucket="page-bucket", Key=f"k/{i} x", Body=b"x")
        objs, n = pages(s3, "list_objects_v2", "Contents", Bucket="page-bucket", PaginationConfig={"PageSize": 2})
        r.eq(([o["Key"] for o in objs], n), ([f"k/{i} x" for i in range(5)], 3), "ListObjectsV2 pages of 2")
        body = b"<Delete><Object><Key>k/0 x</Key></Object></Delete>"
        st, _, b = sign_and_send(f.url, "s3", method="POST", path="/page-bucket?delete", body=body, s3=True,
                                 headers={"Content-MD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()})
        r.check(st == 400 and b"<Code>BadDigest</Code>" in b, f"DeleteObjects with a wrong Content-MD5: {st} {b[:200]!r}")
        st, _, b = sign_and_send(f.url, "s3", method="POST", path="/page-bucket?delete", body=body, s3=True,
                                 headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
        r.check(st == 200 and b"<Deleted><Key>k/0 x</Key></Deleted>" in b, f"DeleteObjects: {st} {b[:300]!r}")
        r.error_code(lambda: s3.put_object(Bucket="page-bucket", Key="m", Body=b"abc",
                                           ContentMD5=base64.b64encode(hashlib.md5(b"abd").digest()).decode()),
                     "BadDigest", "PutObject with a wrong Content-MD5")
        crc = base64.b64encode(zlib.crc32(b"data").to_bytes(4, "big")).decode()
        st, _, b = sign_and_send(f.url, "s3", method="PUT", path="/page-bucket/ck", body=b"data", s3=True,
                                 headers={"x-amz-checksum-crc32": crc})
        r.eq(st, 200, "PutObject with a right x-amz-checksum-crc32")
        st, _, b = sign_and_send(f.url, "s3", method="PUT", path="/page-bucket/ck", body=b"data", s3=True,
                                 headers={"x-amz-checksum-crc32": "AAAAAA=="})
        r.check(st == 400 and b"<Code>BadDigest</Code>" in b, f"PutObject with a wrong CRC32: {st} {b[:150]!r}")
        ranged = s3.get_object(Bucket="page-bucket", Key="k/1 x", Range="bytes=0-0")
        r.eq((ranged["ContentRange"], ranged["ResponseMetadata"]["HTTPStatusCode"]), ("bytes 0-0/1", 206),
             "ranged GET is a 206 with Content-Range")
        r.eq(sm_list_stages(f), True, "ListSecrets entries carry SecretVersionsToStages")
        eu = f.client("s3", region="eu-west-1")
        r.error_code(lambda: eu.create_bucket(Bucket="page-bucket", CreateBucketConfiguration={
            "LocationConstraint": "eu-west-1"}), "BucketAlreadyOwnedByYou", "bucket names are global")
        r.eq(s3.create_bucket(Bucket="page-bucket")["Location"], "/page-bucket",
             "us-east-1 answers 200 to re-creating your own bucket")

        # IAM pagination and limits
        for i in range(5):
            iam.create_role(RoleName=f"page-role-{i}", AssumeRolePolicyDocument=ECS_TASKS_TRUST)
        r.error_code(lambda: iam.create_role(RoleName="PAGE-ROLE-1", AssumeRolePolicyDocument=ECS_TASKS_TRUST),
                     "EntityAlreadyExists", "role names are unique regardless of case")
        roles, n = pages(iam, "list_roles", "Roles", PaginationConfig={"PageSize": 2})
        r.eq((len(roles), n), (5, 3), "ListRoles pages of 2")
        from fakeaws_managed import MANAGED_NAMES
        for name in MANAGED_NAMES[:10]:
            iam.attach_role_policy(RoleName="page-role-0", PolicyArn=name)
        r.error_code(lambda: iam.attach_role_policy(RoleName="page-role-0", PolicyArn=MANAGED_NAMES[10]),
                     "LimitExceeded", "more than 10 managed policies")
        r.error_code(lambda: iam.put_role_policy(RoleName="page-role-1", PolicyName="p", PolicyDocument=json.dumps(
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                            "Principal": "*"}]})), "MalformedPolicyDocument", "inline policy with a principal")

        # Secrets Manager: names, idempotency and listing
        r.error_code(lambda: sm.create_secret(Name="bad name?", SecretString="x"), "ValidationException",
                     "secret name with a space")
        a = sm.create_secret(Name="idem", SecretString="v1", ClientRequestToken="a" * 32)
        b = sm.create_secret(Name="idem", SecretString="v1", ClientRequestToken="a" * 32)
        r.eq((a["ARN"], a["VersionId"]), (b["ARN"], b["VersionId"]), "CreateSecret retried with its token")
        r.error_code(lambda: sm.create_secret(Name="idem", SecretString="v2", ClientRequestToken="a" * 32),
                     "ResourceExistsException", "same token, other value")
        p1 = sm.put_secret_value(SecretId="idem", SecretString="v2", ClientRequestToken="b" * 32)
        p2 = sm.put_secret_value(SecretId="idem", SecretString="v2", ClientRequestToken="b" * 32)
        r.eq(p1["VersionId"], p2["VersionId"], "PutSecretValue retried with its token")
        r.eq(len(sm.list_secret_version_ids(SecretId="idem")["Versions"]), 2, "two versions, not three")
        pw = sm.get_random_password(PasswordLength=40, ExcludeCharacters="abc", IncludeSpace=True)["RandomPassword"]
        r.check(len(pw) == 40 and not set("abc") & set(pw), "GetRandomPassword honours ExcludeCharacters")
        r.error_code(lambda: sm.get_random_password(ExcludeLowercase=True, ExcludeUppercase=True, ExcludeNumbers=True,
                                                    ExcludePunctuation=True), "InvalidParameterException",
                     "GetRandomPassword with nothing left")
        r.error_code(lambda: sm.delete_secret(SecretId="idem", ForceDeleteWithoutRecovery=True, RecoveryWindowInDays=7),
                     "InvalidParameterException", "force and window together")

        # KMS
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        dk = kms.generate_data_key(KeyId=key, NumberOfBytes=16, EncryptionContext={"a": "1"})
        r.error_code(lambda: kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"a": "2"}),
                     "InvalidCiphertextException", "Decrypt with another context")
        r.error_code(lambda: kms.generate_data_key(KeyId=key), "ValidationException", "neither KeySpec nor NumberOfBytes")
        kms.disable_key(KeyId=key)
        r.error_code(lambda: kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"a": "1"}),
                     "DisabledException", "Decrypt with a disabled key")

        # STS durations
        iam.create_role(RoleName="short", AssumeRolePolicyDocument=json.dumps({"Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "000000000000"}}]}))
        time.sleep(0.12)
        r.error_code(lambda: sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/short", RoleSessionName="x1",
                                             DurationSeconds=7200), "ValidationError", "DurationSeconds above the role's maximum")
        r.error_code(lambda: sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/page-role-2", RoleSessionName="x1"),
                     "AccessDenied", "a role that trusts only ecs-tasks cannot be assumed by the account")

    # cross-service hooks, in process
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from fakeaws.core import AwsError, RequestContext, World
    from fakeaws.services import iam as iam_mod, logs as logs_mod, secretsmanager as sm_mod, kms as kms_mod

    w = World(time_scale=0.001, seed=1)
    w.clock = ManualClock(0.001)
    for m in (iam_mod, logs_mod, sm_mod, kms_mod):
        w.add(m.SERVICE)
    ctx = RequestContext(w, "iam", "CreateRole", "us-east-1", "test", "rid")
    role = w.svc("iam").CreateRole({"RoleName": "hook", "AssumeRolePolicyDocument": ECS_TASKS_TRUST}, ctx)["Role"]
    w.svc("iam").PutRolePolicy({"RoleName": "hook", "PolicyName": "x", "PolicyDocument": json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"}]})}, ctx)
    r.check(not w.svc("iam").role_assumable(role["Arn"]), "role_assumable: not at once")
    w.clock.t += 0.02   # 20 s of AWS time at this scale: past IAM's propagation delay
    r.check(w.svc("iam").role_assumable(role["Arn"]), "role_assumable: after the (scaled) delay")
    r.check(w.svc("iam").role_allows(role["Arn"], "ssmmessages:CreateDataChannel"), "role_allows with a wildcard")
    r.check(not w.svc("iam").role_allows(role["Arn"], "s3:GetObject"), "role_allows refuses other actions")
    r.check(w.svc("iam").role_trusts_service(role["Arn"], "ecs-tasks.amazonaws.com"), "role_trusts_service")
    r.eq(w.svc("iam").role_by_arn(role["Arn"])["InlinePolicies"].keys() == {"x"}, True, "role_by_arn")
    sctx = RequestContext(w, "secretsmanager", "CreateSecret", "us-east-1", "test", "rid")
    arn = w.svc("secretsmanager").CreateSecret({"Name": "hook/s", "SecretString": "val"}, sctx)["ARN"]
    r.eq(w.svc("secretsmanager").secret_value_for_task(arn + ":password::"), "val", "secret_value_for_task with a JSON key suffix")
    w.svc("secretsmanager").DeleteSecret({"SecretId": arn}, sctx)
    r.eq(w.svc("secretsmanager").secret_value_for_task(arn), None, "no value for a secret scheduled for deletion")
    try:
        w.svc("logs").append_events("/none", "s", [(1, "x")])
        r.check(False, "append_events to a missing group")
    except AwsError as e:
        r.eq(e.code, "ResourceNotFoundException", "append_events to a missing group")
    lctx = RequestContext(w, "logs", "CreateLogGroup", "us-east-1", "test", "rid")
    w.svc("logs").CreateLogGroup({"logGroupName": "/hook"}, lctx)
    w.svc("logs").append_events("/hook", "ecs/web/1", [(1000, "hello")])
    r.eq(w.svc("logs").GetLogEvents({"logGroupName": "/hook", "logStreamName": "ecs/web/1"}, lctx)["events"][0]["message"],
         "hello", "append_events creates the stream")
    kctx = RequestContext(w, "kms", "CreateKey", "us-east-1", "test", "rid")
    k = w.svc("kms").CreateKey({}, kctx)["KeyMetadata"]["KeyId"]
    dk = w.svc("kms").GenerateDataKey({"KeyId": k, "KeySpec": "AES_256", "EncryptionContext": {"a": "b"}}, kctx)
    r.eq(w.svc("kms").decrypt_blob(dk["CiphertextBlob"]), dk["Plaintext"], "decrypt_blob")
    r.eq(w.svc("kms").decrypt_blob(b"junk"), None, "decrypt_blob of junk")
    r.finish()


if __name__ == "__main__":
    main()
