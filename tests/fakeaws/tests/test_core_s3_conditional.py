"""S3 conditional writes and deletes in the fake, as S3 has them (the user guide's
"Conditional write behavior", PutObject's and DeleteObject's API reference):
- PutObject If-None-Match: * fails 412 PreconditionFailed when the key exists; any other
  If-None-Match value, or both headers, is 501 NotImplemented;
- PutObject/DeleteObject If-Match: a different ETag fails 412, no object 404 NoSuchKey;
- a delete of the key while a conditional write is in progress: 409
  ConditionalRequestConflict (a "hold" fault keeps the write in progress);
- x-amz-expected-bucket-owner of another account: 403 AccessDenied.
Sent as raw signed requests: Debian's botocore and AWS CLI predate these headers."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakelib import Fake, Report, error_code_in, sign_and_send  # noqa: E402

r = Report()


with Fake() as fake:
    s3 = fake.client("s3")
    s3.create_bucket(Bucket="locks")

    def put(key, body=b"x", **h):
        return sign_and_send(fake.url, "s3", "PUT", f"/locks/{key}", headers=h, body=body, s3=True)

    def delete(key, **h):
        return sign_and_send(fake.url, "s3", "DELETE", f"/locks/{key}", headers=h, s3=True)

    st, hd, body = put("a", b"first", **{"If-None-Match": "*"})
    r.eq(st, 200, "If-None-Match: * on a new key writes it")
    etag = hd.get("etag")
    st, _, body = put("a", b"second", **{"If-None-Match": "*"})
    r.eq((st, error_code_in(body)), (412, "PreconditionFailed"), "If-None-Match: * on an existing key")
    r.eq(s3.get_object(Bucket="locks", Key="a")["Body"].read(), b"first", "the object is unchanged")
    st, _, body = put("a", b"x", **{"If-None-Match": etag})
    r.eq((st, error_code_in(body)), (501, "NotImplemented"), "If-None-Match with an ETag is not implemented")
    st, _, body = put("a", b"x", **{"If-None-Match": "*", "If-Match": etag})
    r.eq((st, error_code_in(body)), (501, "NotImplemented"), "both headers together")
    st, _, body = put("a", b"third", **{"If-Match": '"0123"'})
    r.eq((st, error_code_in(body)), (412, "PreconditionFailed"), "If-Match with another ETag")
    st, hd, _ = put("a", b"third", **{"If-Match": etag})
    r.eq(st, 200, "If-Match with the current ETag writes")
    r.check(hd.get("etag") != etag, "a new ETag")
    etag = hd.get("etag")
    st, _, body = put("missing", b"x", **{"If-Match": etag})
    r.eq((st, error_code_in(body)), (404, "NoSuchKey"), "If-Match on a key that does not exist")
    s3.delete_object(Bucket="locks", Key="gone-before")
    st, _, _ = put("gone-before", b"x", **{"If-None-Match": "*"})
    r.eq(st, 200, "a delete long before a conditional write does not conflict with it")

    st, _, body = put("a", b"x", **{"x-amz-expected-bucket-owner": "999999999999"})
    r.eq((st, error_code_in(body)), (403, "AccessDenied"), "a bucket of another account than expected")

    st, _, body = delete("a", **{"If-Match": '"0123"'})
    r.eq((st, error_code_in(body)), (412, "PreconditionFailed"), "a conditional delete with another ETag")
    st, _, body = delete("nothing", **{"If-Match": etag})
    r.eq((st, error_code_in(body)), (404, "NoSuchKey"), "a conditional delete of a missing key")
    st, _, _ = delete("a", **{"If-Match": etag})
    r.eq(st, 204, "a conditional delete with the current ETag")

    # A conditional write in progress (held by the fake) while the key is deleted.
    st, hd, _ = put("c", b"v1")
    etag = hd.get("etag")
    fake.control("POST", "/_fake/faults", {"rules": [{"service": "s3", "operation": "PutObject",
                                                      "action": "hold", "count": 1}]})
    got = {}
    t = threading.Thread(target=lambda: got.update(res=put("c", b"v2", **{"If-Match": etag})))
    t.start()
    for _ in range(1000):
        if fake.control("GET", "/_fake/faults")[1].get("held") == 1:
            break
        time.sleep(0.01)
    st, _, _ = delete("c")
    r.eq(st, 204, "the key is deleted meanwhile")
    fake.control("POST", "/_fake/faults", {"rules": []})  # lets the write go on
    t.join(10)
    st, _, body = got.get("res", (None, None, b""))
    r.eq((st, error_code_in(body)), (409, "ConditionalRequestConflict"), "the write in progress conflicts")
    fake.control("POST", "/_fake/faults", {"rules": []})
r.finish()
