"""S3 (path-style): buckets with their configurations, objects with versions."""

import base64
import hashlib
import ipaddress
import json
import re
import zlib
from urllib.parse import quote

from ..core import AwsError, Service
from ..util import utcnow
from ._s3_rules import check_cors, public_statement as _public_statement

XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
CHECKSUM_REQUIRED = {"PutBucketLifecycleConfiguration", "DeleteObjects", "PutBucketPolicy",
                     "PutBucketTagging", "PutPublicAccessBlock", "PutBucketEncryption",
                     "PutBucketVersioning", "PutBucketCors"}
# Since April 2023 every new bucket starts with all four public access blocks on (and
# since January 2023 with SSE-S3 default encryption: GetBucketEncryption's answer below).
NEW_BUCKET_PAB = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                  "RestrictPublicBuckets": True}
NAME_RX = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _no_bucket(name):
    return AwsError("NoSuchBucket", "The specified bucket does not exist", 404, extra={"BucketName": name})


def _bad_digest():
    return AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)


def check_bucket_name(name):
    ok = bool(NAME_RX.fullmatch(name)) and ".." not in name and ".-" not in name and "-." not in name
    ok = ok and not name.startswith(("xn--", "sthree-")) and not name.endswith(("-s3alias", "--ol-s3"))
    try:
        ipaddress.IPv4Address(name)
        ok = False
    except ValueError:
        pass
    if not ok:
        raise AwsError("InvalidBucketName", "The specified bucket is not valid.", 400, extra={"BucketName": name})


class S3(Service):
    name = "s3"

    def reset(self):
        self.buckets = {}
        self.deletes = 0   # deletions so far: a conditional write that saw one of its key
        #                    happen while it was in progress answers 409 (see _condition)

    def resources(self):
        out = []
        for b in self.buckets.values():
            out.append({"id": b["Name"], "region": b["region"], "versioning": b["versioning"],
                        "objects": sum(1 for vs in b["objects"].values() if vs and not vs[-1]["marker"]),
                        "versions": sum(len(vs) for vs in b["objects"].values()),
                        "keys": sorted(k for k, vs in b["objects"].items() if vs and not vs[-1]["marker"]),
                        "public_access_block": b["pab"] is not None, "encryption": b["encryption"] is not None,
                        "policy": b["policy"] is not None, "lifecycle": b["lifecycle"] is not None,
                        "cors": b.get("cors") is not None,
                        "tags": {t["Key"]: t["Value"] for t in (b["tags"] or [])}})
        return {"buckets": out}

    # -- helpers -------------------------------------------------------------------------
    def _bucket(self, ctx, name, head=False):
        b = self.buckets.get(name)
        if b is None:
            raise _no_bucket(name)
        if b["owner"] != ctx.account:
            raise AwsError("AccessDenied", "Access Denied", 403)
        if b["region"] != ctx.region:
            if head:
                raise AwsError("PermanentRedirect", "", 301, extra={"Region": b["region"]})
            raise AwsError("AuthorizationHeaderMalformed", f"The authorization header is malformed; the region "
                           f"'{ctx.region}' is wrong; expecting '{b['region']}'", 400,
                           extra={"Region": b["region"]})
        return b

    def _check_checksum(self, ctx):
        req = ctx.request
        body = req.body or b""
        md5 = req.header("content-md5")
        if md5 is not None:
            if md5 != base64.b64encode(hashlib.md5(body).digest()).decode():
                raise _bad_digest()
            return True
        found = False
        for alg, fn in (("crc32", lambda b: zlib.crc32(b).to_bytes(4, "big")),
                        ("sha1", lambda b: hashlib.sha1(b).digest()),
                        ("sha256", lambda b: hashlib.sha256(b).digest()),
                        ("crc32c", None), ("crc64nvme", None)):
            v = req.header("x-amz-checksum-" + alg)
            if v is None:
                continue
            found = True
            if fn is not None and v != base64.b64encode(fn(body)).decode():
                raise AwsError("BadDigest", f"The {alg.upper()} you specified did not match the calculated checksum.", 400)
        return found

    def handler(self, operation):
        """The handler, wrapped: ExpectedBucketOwner is checked for every operation, the
        checksum for those that require one; a conditional write remembers how many
        deletions had happened when it was admitted (before it waits for the world lock,
        i.e. while it is "in progress")."""
        fn = super().handler(operation)
        if fn is None:
            return fn
        admitted = self.deletes

        def wrapped(req, ctx):
            owner = req.get("ExpectedBucketOwner")
            b = self.buckets.get(req.get("Bucket") or "")
            if owner is not None and b is not None and b["owner"] != owner:
                raise AwsError("AccessDenied", "Access Denied", 403)
            if operation in CHECKSUM_REQUIRED and not self._check_checksum(ctx):
                raise AwsError("InvalidRequest", "Missing required header for this request: Content-MD5", 400)
            ctx.admitted_deletes = admitted
            return fn(req, ctx)
        return wrapped

    @staticmethod
    def _same_etag(given, etag):
        return given.strip().strip('"') == (etag or "").strip('"')

    def _condition(self, b, key, req, ctx, write=True):
        """S3's preconditions on a write (PutObject) or a delete (DeleteObject) of `key`:
        If-None-Match only as "*" (writes), If-Match an ETag ("*" on deletes: any). A delete
        of the key while a conditional write was in progress: 409 ConditionalRequestConflict."""
        inm, im = req.get("IfNoneMatch"), req.get("IfMatch")
        if inm is None and im is None:
            return
        if write and inm is not None and (inm != "*" or im is not None):
            raise AwsError("NotImplemented", "A header you provided implies functionality that is not "
                           "implemented", 501, extra={"Header": "If-None-Match"})
        if write and b.get("deleted_at", {}).get(key, -1) > getattr(ctx, "admitted_deletes", self.deletes):
            raise AwsError("ConditionalRequestConflict", "The conditional request cannot succeed due to a "
                           "conflicting operation against this resource.", 409)
        vs = b["objects"].get(key) or []
        current = vs[-1] if vs and not vs[-1]["marker"] else None
        if inm == "*" and current is not None:
            raise AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not "
                           "hold", 412, extra={"Condition": "If-None-Match"})
        if im is not None:
            if current is None:
                raise AwsError("NoSuchKey", "The specified key does not exist.", 404, extra={"Key": key})
            if im != "*" and not self._same_etag(im, current["ETag"]):
                raise AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did "
                               "not hold", 412, extra={"Condition": "If-Match"})

    # -- buckets -------------------------------------------------------------------------
    def CreateBucket(self, req, ctx):
        name = req["Bucket"]
        check_bucket_name(name)
        conf = req.get("CreateBucketConfiguration") or {}
        lc = conf.get("LocationConstraint")
        if lc == "EU":
            lc = "eu-west-1"
        if ctx.region == "us-east-1":
            if lc == "us-east-1":
                raise AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400,
                               extra={"LocationConstraint": lc})
            if lc not in (None, ""):
                raise AwsError("IllegalLocationConstraintException", f"The {lc} location constraint is "
                               "incompatible for the region specific endpoint this request was sent to.", 400)
        elif lc in (None, ""):
            raise AwsError("IllegalLocationConstraintException", "The unspecified location constraint is "
                           "incompatible for the region specific endpoint this request was sent to.", 400)
        elif lc != ctx.region:
            raise AwsError("IllegalLocationConstraintException", f"The {lc} location constraint is "
                           "incompatible for the region specific endpoint this request was sent to.", 400)
        b = self.buckets.get(name)
        if b is not None:
            if b["owner"] != ctx.account:
                raise AwsError("BucketAlreadyExists", "The requested bucket name is not available. The bucket "
                               "namespace is shared by all users of the system. Please select a different name "
                               "and try again.", 409, extra={"BucketName": name})
            if ctx.region == "us-east-1" and b["region"] == "us-east-1":
                return {"Location": f"/{name}"}
            raise AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket "
                           "succeeded and you already own it.", 409, extra={"BucketName": name})
        self.buckets[name] = {"Name": name, "region": ctx.region, "owner": ctx.account,
                              "CreationDate": utcnow(self.world).replace(microsecond=0),
                              "versioning": None, "objects": {}, "pab": dict(NEW_BUCKET_PAB), "encryption": None,
                              "policy": None, "lifecycle": None, "tags": None, "cors": None,
                              "ownership": req.get("ObjectOwnership") or "BucketOwnerEnforced"}
        loc = f"/{name}" if ctx.region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"
        return {"Location": loc}

    def HeadBucket(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"], head=True)
        return {"BucketRegion": b["region"], "AccessPointAlias": False}

    def ListBuckets(self, req, ctx):
        """The caller's buckets of every region, by name; Prefix and BucketRegion filter,
        MaxBuckets pages with a ContinuationToken (the last name of the page)."""
        mine = [b for n, b in sorted(self.buckets.items()) if b["owner"] == ctx.account
                and n.startswith(req.get("Prefix") or "")
                and (not req.get("BucketRegion") or b["region"] == req["BucketRegion"])
                and n > (req.get("ContinuationToken") or "")]
        limit = req.get("MaxBuckets")
        if limit is not None and not 1 <= limit <= 10000:
            raise AwsError("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.", 400)
        page = mine[:limit] if limit else mine
        out = {"Buckets": [{"Name": b["Name"], "CreationDate": b["CreationDate"], "BucketRegion": b["region"]}
                           for b in page],
               "Owner": {"ID": hashlib.sha256(ctx.account.encode()).hexdigest(), "DisplayName": "fakeaws"}}
        if limit and len(mine) > limit:
            out["ContinuationToken"] = page[-1]["Name"]
        if req.get("Prefix"):
            out["Prefix"] = req["Prefix"]
        return out

    def DeleteBucket(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        if any(b["objects"].values()):
            raise AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty" +
                           (". You must delete all versions in the bucket." if b["versioning"] else ""), 409,
                           extra={"BucketName": b["Name"]})
        del self.buckets[b["Name"]]
        return {}

    def GetBucketLocation(self, req, ctx):
        b = self.buckets.get(req["Bucket"])
        if b is None:
            raise _no_bucket(req["Bucket"])
        region = "" if b["region"] == "us-east-1" else b["region"]
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="{XMLNS}">{region}'
                "</LocationConstraint>").encode()
        return {"__raw__": (200, [("Content-Type", "application/xml")], body)}

    # -- bucket configurations -----------------------------------------------------------
    def PutPublicAccessBlock(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        conf = req["PublicAccessBlockConfiguration"]
        b["pab"] = {k: bool(conf.get(k, False)) for k in ("BlockPublicAcls", "IgnorePublicAcls",
                                                           "BlockPublicPolicy", "RestrictPublicBuckets")}
        return {}

    def _setting(self, ctx, req, field, code, message):
        """The bucket's setting `field` (its public access block, CORS rules, policy,
        lifecycle rules, tags); when it has none, a 404 `code` naming the bucket."""
        b = self._bucket(ctx, req["Bucket"])
        if not b.get(field):
            raise AwsError(code, message, 404, extra={"BucketName": b["Name"]})
        return b[field]

    def _drop_setting(self, ctx, req, field):
        self._bucket(ctx, req["Bucket"])[field] = None
        return {}

    def GetPublicAccessBlock(self, req, ctx):
        return {"PublicAccessBlockConfiguration": dict(self._setting(
            ctx, req, "pab", "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found"))}

    def DeletePublicAccessBlock(self, req, ctx):
        return self._drop_setting(ctx, req, "pab")

    def PutBucketEncryption(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        rules = req["ServerSideEncryptionConfiguration"].get("Rules") or []
        if len(rules) != 1:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        d = rules[0].get("ApplyServerSideEncryptionByDefault")
        if d is None:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        if d.get("KMSMasterKeyID") and d.get("SSEAlgorithm") == "AES256":
            raise AwsError("InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm "
                           "is not aws:kms or aws:kms:dsse", 400)
        b["encryption"] = {"Rules": rules}
        return {}

    def GetBucketEncryption(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        conf = b["encryption"] or {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                              "BucketKeyEnabled": False}]}
        return {"ServerSideEncryptionConfiguration": conf}

    def DeleteBucketEncryption(self, req, ctx):
        return self._drop_setting(ctx, req, "encryption")

    def PutBucketPolicy(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        text = req["Policy"]
        try:
            doc = json.loads(text)
        except ValueError:
            raise AwsError("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400)
        if not isinstance(doc, dict) or not doc.get("Statement"):
            raise AwsError("MalformedPolicy", "Missing required field Statement", 400)
        sts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        arn = f"arn:aws:s3:::{b['Name']}"
        public = False
        for st in sts:
            if not isinstance(st, dict) or st.get("Effect") not in ("Allow", "Deny"):
                raise AwsError("MalformedPolicy", "Invalid effect", 400)
            if "Principal" not in st and "NotPrincipal" not in st:
                raise AwsError("MalformedPolicy", "Missing required field Principal", 400)
            if "Action" not in st and "NotAction" not in st:
                raise AwsError("MalformedPolicy", "Missing required field Action", 400)
            res = st.get("Resource", [])
            for r in res if isinstance(res, list) else [res]:
                if not (r == arn or r.startswith(arn + "/")):
                    raise AwsError("MalformedPolicy", "Policy has invalid resource", 400)
            public = public or _public_statement(st)
        if public and b["pab"] and b["pab"]["BlockPublicPolicy"]:
            raise AwsError("AccessDenied", "Access Denied", 403)
        b["policy"] = text
        return {}

    # -- CORS (the rules in _s3_rules.py) ------------------------------------------------
    def PutBucketCors(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        b["cors"] = check_cors(req["CORSConfiguration"].get("CORSRules") or [])
        return {}

    def GetBucketCors(self, req, ctx):
        return {"CORSRules": self._setting(ctx, req, "cors", "NoSuchCORSConfiguration",
                                           "The CORS configuration does not exist")}

    def DeleteBucketCors(self, req, ctx):
        return self._drop_setting(ctx, req, "cors")

    def GetBucketPolicy(self, req, ctx):
        return {"Policy": self._setting(ctx, req, "policy", "NoSuchBucketPolicy",
                                        "The bucket policy does not exist")}

    def DeleteBucketPolicy(self, req, ctx):
        return self._drop_setting(ctx, req, "policy")

    def PutBucketLifecycleConfiguration(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        rules = (req.get("LifecycleConfiguration") or {}).get("Rules") or []
        if not rules:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        ids = set()
        for r in rules:
            rid = r.get("ID")
            if rid in ids and rid:
                raise AwsError("InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule", 400)
            ids.add(rid)
            if not any(r.get(k) for k in ("Expiration", "Transitions", "NoncurrentVersionExpiration",
                                          "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload")):
                raise AwsError("InvalidRequest", "At least one action needs to be specified in a rule", 400)
            if "Filter" not in r and "Prefix" not in r:
                raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                               "against our published schema", 400)
        b["lifecycle"] = rules
        return {}

    def GetBucketLifecycleConfiguration(self, req, ctx):
        return {"Rules": self._setting(ctx, req, "lifecycle", "NoSuchLifecycleConfiguration",
                                       "The lifecycle configuration does not exist")}

    def DeleteBucketLifecycle(self, req, ctx):
        return self._drop_setting(ctx, req, "lifecycle")

    def PutBucketTagging(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        tags = req["Tagging"].get("TagSet") or []
        keys = [t["Key"] for t in tags]
        if len(set(keys)) != len(keys):
            raise AwsError("InvalidTag", "Cannot provide multiple Tags with the same key", 400)
        if len(tags) > 50:
            raise AwsError("InvalidTag", "Bucket tag count cannot be greater than 50", 400)
        for t in tags:
            if t["Key"].lower().startswith("aws:"):
                raise AwsError("InvalidTag", "System tags cannot be added/updated by requester", 400)
        b["tags"] = tags
        return {}

    def GetBucketTagging(self, req, ctx):
        return {"TagSet": self._setting(ctx, req, "tags", "NoSuchTagSet", "The TagSet does not exist")}

    def DeleteBucketTagging(self, req, ctx):
        return self._drop_setting(ctx, req, "tags")

    def PutBucketVersioning(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        status = req["VersioningConfiguration"].get("Status")
        if status is None:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        b["versioning"] = status
        return {}

    def GetBucketVersioning(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        return {"Status": b["versioning"]}

    # -- objects -------------------------------------------------------------------------
    def _new_version_id(self, b):
        if b["versioning"] == "Enabled":
            return "".join(self.world.random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._")
                           for _ in range(32))
        return "null"

    def _store(self, b, key, version):
        vs = b["objects"].setdefault(key, [])
        if version["VersionId"] == "null":
            vs[:] = [v for v in vs if v["VersionId"] != "null"]
        vs.append(version)

    def PutObject(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        body = req.get("Body") or b""
        if isinstance(body, str):
            body = body.encode()
        md5 = req.get("ContentMD5")
        if md5 is not None and md5 != base64.b64encode(hashlib.md5(body).digest()).decode():
            raise _bad_digest()
        self._check_checksum(ctx)        # x-amz-checksum-* headers (or aws-chunked trailers)
        self._condition(b, req["Key"], req, ctx)
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        vid = self._new_version_id(b)
        self._store(b, req["Key"], {"VersionId": vid, "body": body, "ETag": etag, "marker": False,
                                    "LastModified": utcnow(self.world).replace(microsecond=0),
                                    "ContentType": req.get("ContentType") or "binary/octet-stream",
                                    "Metadata": dict(req.get("Metadata") or {})})
        out = {"ETag": etag, "ServerSideEncryption": "AES256"}
        if b["versioning"] == "Enabled":
            out["VersionId"] = vid
        return out

    def _version(self, b, key, vid):
        vs = b["objects"].get(key) or []
        if vid is not None:
            for v in vs:
                if v["VersionId"] == vid:
                    return v
            raise AwsError("NoSuchVersion", "The specified version does not exist.", 404,
                           extra={"Key": key, "VersionId": vid})
        if not vs or vs[-1]["marker"]:
            raise AwsError("NoSuchKey", "The specified key does not exist.", 404, extra={"Key": key})
        return vs[-1]

    def _object_out(self, b, v):
        out = {"ETag": v["ETag"], "LastModified": v["LastModified"], "ContentLength": len(v["body"]),
               "ContentType": v["ContentType"], "Metadata": v["Metadata"] or None,
               "ServerSideEncryption": "AES256", "AcceptRanges": "bytes"}
        if b["versioning"]:
            out["VersionId"] = v["VersionId"]
        return out

    def GetObject(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        v = self._version(b, req["Key"], req.get("VersionId"))
        if v["marker"]:
            raise AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
        out = self._object_out(b, v)
        body = v["body"]
        rng = req.get("Range")
        if rng:
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            n = len(body)
            if m and (m.group(1) or m.group(2)):
                if m.group(1):
                    lo = int(m.group(1))
                    hi = min(int(m.group(2)), n - 1) if m.group(2) else n - 1
                else:
                    lo, hi = max(0, n - int(m.group(2))), n - 1
                if lo >= n or lo > hi:
                    raise AwsError("InvalidRange", "The requested range is not satisfiable", 416)
                body = body[lo:hi + 1]
                out["ContentRange"] = f"bytes {lo}-{hi}/{n}"
                out["__status__"] = 206
        out["ContentLength"] = len(body)
        out["Body"] = body
        return out

    def HeadObject(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        try:
            v = self._version(b, req["Key"], req.get("VersionId"))
        except AwsError as e:
            raise AwsError(e.code, "", 404)
        return self._object_out(b, v)

    def _delete_one(self, b, key, vid):
        """(VersionId deleted, DeleteMarker bool, DeleteMarkerVersionId)"""
        self.deletes += 1
        b.setdefault("deleted_at", {})[key] = self.deletes
        vs = b["objects"].get(key) or []
        if vid is not None:
            for i, v in enumerate(vs):
                if v["VersionId"] == vid:
                    del vs[i]
                    if not vs:
                        b["objects"].pop(key, None)
                    return vid, v["marker"], None
            if vid != "null":
                raise AwsError("NoSuchVersion", "The specified version does not exist.", 404)
            return vid, False, None
        if b["versioning"] is None:
            b["objects"].pop(key, None)
            return None, False, None
        mid = self._new_version_id(b)
        self._store(b, key, {"VersionId": mid, "marker": True, "body": b"", "ETag": None,
                             "LastModified": utcnow(self.world).replace(microsecond=0),
                             "ContentType": None, "Metadata": {}})
        return None, True, mid

    def DeleteObject(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        if req.get("VersionId") is None:
            self._condition(b, req["Key"], req, ctx, write=False)
        vid, marker, mid = self._delete_one(b, req["Key"], req.get("VersionId"))
        out = {}
        if marker:
            out["DeleteMarker"] = True
        if vid is not None:
            out["VersionId"] = vid
        elif mid is not None:
            out["VersionId"] = mid
        return out

    def DeleteObjects(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        objs = req["Delete"].get("Objects") or []
        if len(objs) > 1000:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        deleted, errors = [], []
        for o in objs:
            try:
                vid, marker, mid = self._delete_one(b, o["Key"], o.get("VersionId"))
            except AwsError as e:
                errors.append({"Key": o["Key"], "VersionId": o.get("VersionId"), "Code": e.code, "Message": e.message})
                continue
            d = {"Key": o["Key"]}
            if vid is not None:
                d["VersionId"] = vid
            if marker:
                d["DeleteMarker"] = True
            if mid is not None:
                d["DeleteMarkerVersionId"] = mid
            deleted.append(d)
        return {"Deleted": None if req["Delete"].get("Quiet") else deleted, "Errors": errors or None}

    def _enc(self, req, s):
        if s is None:
            return None
        return quote(s, safe="/") if req.get("EncodingType") == "url" else s

    def _listing(self, b, prefix, delimiter, after):
        """Sorted [(key, latest)] of live objects and the common prefixes, after `after`."""
        keys, prefixes = [], []
        for key in sorted(b["objects"]):
            vs = b["objects"][key]
            if not vs or vs[-1]["marker"] or not key.startswith(prefix) or (after and key <= after):
                continue
            if delimiter:
                i = key.find(delimiter, len(prefix))
                if i >= 0:
                    cp = key[:i + len(delimiter)]
                    if not prefixes or prefixes[-1][0] != cp:
                        prefixes.append((cp, None))
                    continue
            keys.append((key, vs[-1]))
        return sorted(keys + prefixes, key=lambda x: x[0])

    def ListObjectsV2(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        prefix, delim = req.get("Prefix") or "", req.get("Delimiter")
        token = req.get("ContinuationToken")
        after = req.get("StartAfter")
        if token:
            try:
                after = base64.urlsafe_b64decode(token.encode()).decode()
            except ValueError:
                raise AwsError("InvalidArgument", "The continuation token provided is incorrect", 400)
        maxkeys = req.get("MaxKeys", 1000)
        items = self._listing(b, prefix, delim, after)
        page = items[:maxkeys]
        truncated = len(items) > maxkeys
        out = {"Name": b["Name"], "Prefix": self._enc(req, prefix), "MaxKeys": maxkeys, "KeyCount": len(page),
               "IsTruncated": truncated, "Delimiter": self._enc(req, delim), "EncodingType": req.get("EncodingType"),
               "Contents": [{"Key": self._enc(req, k), "LastModified": v["LastModified"], "ETag": v["ETag"],
                             "Size": len(v["body"]), "StorageClass": "STANDARD"} for k, v in page if v] or None,
               "CommonPrefixes": [{"Prefix": self._enc(req, k)} for k, v in page if v is None] or None,
               "ContinuationToken": token, "StartAfter": self._enc(req, req.get("StartAfter"))}
        if truncated and page:
            out["NextContinuationToken"] = base64.urlsafe_b64encode(page[-1][0].encode()).decode()
        return out

    def ListObjects(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        prefix, delim = req.get("Prefix") or "", req.get("Delimiter")
        maxkeys = req.get("MaxKeys", 1000)
        items = self._listing(b, prefix, delim, req.get("Marker"))
        page = items[:maxkeys]
        truncated = len(items) > maxkeys
        out = {"Name": b["Name"], "Prefix": self._enc(req, prefix), "Marker": self._enc(req, req.get("Marker") or ""),
               "MaxKeys": maxkeys, "IsTruncated": truncated, "Delimiter": self._enc(req, delim),
               "EncodingType": req.get("EncodingType"),
               "Contents": [{"Key": self._enc(req, k), "LastModified": v["LastModified"], "ETag": v["ETag"],
                             "Size": len(v["body"]), "StorageClass": "STANDARD"} for k, v in page if v] or None,
               "CommonPrefixes": [{"Prefix": self._enc(req, k)} for k, v in page if v is None] or None}
        if truncated and delim and page:
            out["NextMarker"] = self._enc(req, page[-1][0])
        return out

    def ListObjectVersions(self, req, ctx):
        b = self._bucket(ctx, req["Bucket"])
        prefix = req.get("Prefix") or ""
        maxkeys = req.get("MaxKeys", 1000)
        entries = []
        for key in sorted(b["objects"]):
            if not key.startswith(prefix):
                continue
            vs = b["objects"][key]
            for i, v in enumerate(reversed(vs)):
                entries.append((key, v, i == 0))
        km, vm = req.get("KeyMarker"), req.get("VersionIdMarker")
        if km:
            start = 0
            for i, (k, v, _) in enumerate(entries):
                if k < km or (k == km and vm is None):
                    start = i + 1
                elif k == km and v["VersionId"] == vm:
                    start = i + 1
                    break
            entries = entries[start:]
        page = entries[:maxkeys]
        truncated = len(entries) > maxkeys
        versions = [{"ETag": v["ETag"], "Size": len(v["body"]), "StorageClass": "STANDARD",
                     "Key": self._enc(req, k), "VersionId": v["VersionId"], "IsLatest": latest,
                     "LastModified": v["LastModified"]} for k, v, latest in page if not v["marker"]]
        markers = [{"Key": self._enc(req, k), "VersionId": v["VersionId"], "IsLatest": latest,
                    "LastModified": v["LastModified"]} for k, v, latest in page if v["marker"]]
        out = {"Name": b["Name"], "Prefix": self._enc(req, prefix), "KeyMarker": self._enc(req, km or ""),
               "VersionIdMarker": vm or "", "MaxKeys": maxkeys, "IsTruncated": truncated,
               "Versions": versions or None, "DeleteMarkers": markers or None, "EncodingType": req.get("EncodingType")}
        if truncated and page:
            out["NextKeyMarker"] = self._enc(req, page[-1][0])
            out["NextVersionIdMarker"] = page[-1][1]["VersionId"]
        return out


SERVICE = S3
