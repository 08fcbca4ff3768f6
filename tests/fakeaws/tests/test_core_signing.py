#!/usr/bin/python3
"""SigV4 checks of the fake: good requests pass, tampered ones fail, per service and
protocol; unknown keys, clock skew, session tokens from its STS, presigned URLs,
--credentials FILE."""

import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FAKEAWS_CHECK_OUTPUT", "strict")     # every answer must fit the model
from fakelib import Fake, Report, error_code_in, sign_and_send  # noqa: E402

FORM = "application/x-www-form-urlencoded; charset=utf-8"

# service: (signing name, headers, good body, code for bad signature, unknown key, skew, status)
CASES = {
    "sts": ("sts", {"Content-Type": FORM}, b"Action=GetCallerIdentity&Version=2011-06-15",
            "SignatureDoesNotMatch", "InvalidClientTokenId", "SignatureDoesNotMatch", 403),
    "iam": ("iam", {"Content-Type": FORM}, b"Action=ListRoles&Version=2010-05-08",
            "SignatureDoesNotMatch", "InvalidClientTokenId", "SignatureDoesNotMatch", 403),
    "secretsmanager": ("secretsmanager", {"Content-Type": "application/x-amz-json-1.1",
                                          "X-Amz-Target": "secretsmanager.ListSecrets"}, b"{}",
                       "InvalidSignatureException", "UnrecognizedClientException", "InvalidSignatureException", 403),
    "logs": ("logs", {"Content-Type": "application/x-amz-json-1.1",
                      "X-Amz-Target": "Logs_20140328.DescribeLogGroups"}, b"{}",
             "InvalidSignatureException", "UnrecognizedClientException", "InvalidSignatureException", 403),
    "kms": ("kms", {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"}, b"{}",
            "InvalidSignatureException", "UnrecognizedClientException", "InvalidSignatureException", 403),
    "ec2": ("ec2", {"Content-Type": FORM}, b"Action=DescribeVpcs&Version=2016-11-15",
            "AuthFailure", "AuthFailure", "RequestExpired", None),
}


def streaming_put(url, path, chunks, tamper=None):
    """PUT an aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), seed signature by
    botocore's signer, chunk signatures chained from it. tamper: index of a chunk whose
    data is changed after signing."""
    import datetime
    import hashlib
    import http.client
    from urllib.parse import urlsplit
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    ts = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")

    class Streaming(S3SigV4Auth):
        def payload(self, request):
            return mode

    u = urlsplit(url)
    sizes = sum(len(c) for c in chunks)
    req = AWSRequest(method="PUT", url=url + path, headers={
        "Host": u.netloc, "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(sizes)})
    signer = Streaming(Credentials("test", "test"), "s3", "us-east-1")
    req.context["timestamp"] = ts
    signer._modify_request_before_signing(req)
    seed = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
    signer._inject_signature_to_request(req, seed)
    empty = hashlib.sha256(b"").hexdigest()
    body, prev = b"", seed
    for i, data in enumerate(chunks + [b""]):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", ts, signer.credential_scope(req), prev, empty,
                         hashlib.sha256(data).hexdigest()])
        prev = signer.signature(sts, req)
        sent = data.upper() if tamper == i else data
        body += f"{len(data):x};chunk-signature={prev}\r\n".encode() + sent + b"\r\n"
    hdrs = dict(req.headers.items())
    hdrs["Content-Length"] = str(len(body))
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("PUT", path, body=body, headers=hdrs)
    resp = conn.getresponse()
    out = (resp.status, resp.read())
    conn.close()
    return out


def main():
    r = Report()
    with Fake() as f:
        for name, (sn, hdrs, body, bad, unknown, skew, status) in CASES.items():
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body)
            if name == "ec2":    # network part may not be there: anything but an auth error
                r.check(error_code_in(b) not in ("AuthFailure", "RequestExpired"), f"{name}: good signature accepted ({b[:200]!r})")
            else:
                r.eq(st, 200, f"{name}: good signature accepted ({b[:200]!r})")
            # body changed after signing
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body,
                                     tamper=lambda hd, bd: bd + (b"&X=1" if bd.startswith(b"Action") else b" "))
            r.eq(error_code_in(b), bad, f"{name}: tampered body")
            if status:
                r.eq(st, status, f"{name}: tampered body status")
            # header changed after signing
            def th(hd, bd):
                hd["X-Amz-Date"] = hd["X-Amz-Date"][:-3] + "00Z" if not hd["X-Amz-Date"].endswith("00Z") else hd["X-Amz-Date"][:-3] + "01Z"
                return bd
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body, tamper=th)
            r.eq(error_code_in(b), bad, f"{name}: tampered date header")
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body, secret="wrong")
            r.eq(error_code_in(b), bad, f"{name}: wrong secret")
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body, key="AKIANOSUCHKEY", secret="x")
            r.eq(error_code_in(b), unknown, f"{name}: unknown access key")
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body, when=time.time() - 600)
            r.eq(error_code_in(b), skew, f"{name}: 10 minutes old")
            if skew != "RequestExpired":
                r.check(b"Signature expired" in b, f"{name}: skew message says 'Signature expired': {b[:300]!r}")
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body, when=time.time() + 600)
            r.eq(error_code_in(b), skew, f"{name}: 10 minutes ahead")
            st, h, b = sign_and_send(f.url, sn, headers=hdrs, body=body, when=time.time() - 200)
            r.check(error_code_in(b) != skew or name == "ec2", f"{name}: 200 s old is within the 5 minutes")

        # S3: payload hash header, good and tampered
        st, h, b = sign_and_send(f.url, "s3", method="PUT", path="/sig-bucket", s3=True)
        r.eq(st, 200, f"s3: create bucket signed ({b[:200]!r})")
        st, h, b = sign_and_send(f.url, "s3", method="PUT", path="/sig-bucket/k%20ey.txt", body=b"hello", s3=True)
        r.eq(st, 200, f"s3: put object signed ({b[:200]!r})")
        st, h, b = sign_and_send(f.url, "s3", method="PUT", path="/sig-bucket/key.txt", body=b"hello", s3=True,
                                 tamper=lambda hd, bd: b"jello")
        r.eq(error_code_in(b), "XAmzContentSHA256Mismatch", "s3: body changed after signing")
        st, h, b = sign_and_send(f.url, "s3", method="GET", path="/sig-bucket", s3=True, secret="nope")
        r.eq((st, error_code_in(b)), (403, "SignatureDoesNotMatch"), "s3: wrong secret")
        st, h, b = sign_and_send(f.url, "s3", method="GET", path="/sig-bucket", s3=True, key="AKIANOSUCHKEY")
        r.eq((st, error_code_in(b)), (403, "InvalidAccessKeyId"), "s3: unknown key")
        st, h, b = sign_and_send(f.url, "s3", method="GET", path="/sig-bucket", s3=True, when=time.time() - 900)
        r.eq((st, error_code_in(b)), (403, "RequestTimeTooSkewed"), "s3: skew")

        # S3 aws-chunked uploads, signed chunk by chunk
        for what, chunks, tamper, want in [
                ("signed chunks", [b"hello ", b"streaming ", b"world"], None, 200),
                ("a chunk changed after signing", [b"hello ", b"streaming ", b"world"], 1, "SignatureDoesNotMatch")]:
            st, b = streaming_put(f.url, "/sig-bucket/streamed.txt", chunks, tamper)
            r.eq(st if want == 200 else error_code_in(b), want, f"s3 aws-chunked: {what} ({b[:200]!r})")
        r.eq(f.client("s3").get_object(Bucket="sig-bucket", Key="streamed.txt")["Body"].read(),
             b"hello streaming world", "s3 aws-chunked: the object holds the decoded payload")

        # unsigned
        req = urllib.request.Request(f.url + "/", data=b"{}", method="POST",
                                     headers={"X-Amz-Target": "secretsmanager.ListSecrets",
                                              "Content-Type": "application/x-amz-json-1.1"})
        try:
            urllib.request.urlopen(req)
            r.check(False, "unsigned json request accepted")
        except urllib.error.HTTPError as e:
            r.eq((e.code, error_code_in(e.read())), (403, "MissingAuthenticationTokenException"), "unsigned json request")

        # presigned S3 URL
        import botocore.session
        from botocore.config import Config
        c = botocore.session.get_session().create_client(
            "s3", region_name="us-east-1", endpoint_url=f.url, aws_access_key_id="test",
            aws_secret_access_key="test", config=Config(signature_version="s3v4"))
        url = c.generate_presigned_url("get_object", Params={"Bucket": "sig-bucket", "Key": "k ey.txt"})
        r.eq(urllib.request.urlopen(url).read(), b"hello", "s3: presigned GET")
        try:
            urllib.request.urlopen(url.replace("X-Amz-Signature=", "X-Amz-Signature=f"))
            r.check(False, "tampered presigned URL accepted")
        except urllib.error.HTTPError as e:
            r.eq(error_code_in(e.read()), "SignatureDoesNotMatch", "s3: tampered presigned URL")
        url = c.generate_presigned_url("get_object", Params={"Bucket": "sig-bucket", "Key": "k ey.txt"}, ExpiresIn=1)
        time.sleep(1.5)
        try:
            urllib.request.urlopen(url)
            r.check(False, "expired presigned URL accepted")
        except urllib.error.HTTPError as e:
            r.eq(error_code_in(e.read()), "AccessDenied", "s3: expired presigned URL")

        # session tokens from the fake's STS
        iam, sts = f.client("iam"), f.client("sts")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"AWS": "arn:aws:iam::000000000000:root"}}]}
        iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust))
        time.sleep(0.15)    # past the 8 fake seconds a new role is not assumable (below)
        cred = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/deployer", RoleSessionName="s1")["Credentials"]
        temp = f.client("sts", key=cred["AccessKeyId"], secret=cred["SecretAccessKey"], token=cred["SessionToken"])
        r.eq(temp.get_caller_identity()["Arn"], "arn:aws:sts::000000000000:assumed-role/deployer/s1",
             "temporary credentials verify and identify the assumed role")
        hdrs = {"Content-Type": FORM}
        st, h, b = sign_and_send(f.url, "sts", headers=hdrs, body=CASES["sts"][2], key=cred["AccessKeyId"],
                                 secret=cred["SecretAccessKey"])
        r.eq(error_code_in(b), "InvalidClientTokenId", "temporary key without its session token")
        st, h, b = sign_and_send(f.url, "sts", headers=hdrs, body=CASES["sts"][2], key=cred["AccessKeyId"],
                                 secret=cred["SecretAccessKey"], token=cred["SessionToken"][:-2] + "xx")
        r.eq(error_code_in(b), "InvalidClientTokenId", "temporary key with a wrong session token")
        r.error_code(lambda: f.client("sts", token="bogus").get_caller_identity(), "InvalidClientTokenId",
                     "long-term key with a session token")

    # A new role is not assumable for a few seconds (IAM's eventual consistency). Checked on
    # a fake whose clock runs at AWS's pace: the window is then 8 real seconds, far more
    # than the two calls take on a loaded machine (at 1/100 it was 80 ms, which they did
    # not always fit in).
    with Fake(time_scale=1) as f:
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"AWS": "arn:aws:iam::000000000000:root"}}]}
        f.client("iam").create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust))
        r.error_code(lambda: f.client("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/deployer",
                                                         RoleSessionName="s1"),
                     "AccessDenied", "AssumeRole right after CreateRole (eventual consistency)")

    # --credentials FILE
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as t:
        t.write("# extra pairs\nAKIAOTHER secretother 111122223333\n")
    try:
        with Fake("--credentials", t.name) as f:
            ident = f.client("sts", key="AKIAOTHER", secret="secretother").get_caller_identity()
            r.eq(ident["Account"], "111122223333", "--credentials pair with its own account")
            r.eq(f.client("sts").get_caller_identity()["Account"], "000000000000", "default pair still works")
            r.error_code(lambda: f.client("sts", key="AKIAOTHER", secret="x").get_caller_identity(),
                         "SignatureDoesNotMatch", "--credentials pair with a wrong secret")
    finally:
        os.unlink(t.name)
    r.finish()


if __name__ == "__main__":
    main()
