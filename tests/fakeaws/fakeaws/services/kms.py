"""KMS: symmetric keys, aliases, GenerateDataKey / Encrypt / Decrypt with encryption
context, key states (disabled, pending deletion)."""

import hashlib
import hmac
import json

from ..core import AwsError, Service
from ..util import paginate, utcnow

MAGIC = b"FAKEKMS1"
DAY = 86400


def _stream(key, nonce, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(key + nonce + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:n]


def _ctx_bytes(ctx):
    return json.dumps(ctx or {}, sort_keys=True, separators=(",", ":")).encode()


class Kms(Service):
    name = "kms"

    def reset(self):
        self.keys = {}          # key id -> record
        self.aliases = {}       # (region, alias name) -> key id

    def resources(self):
        return {"keys": [{"id": k["Arn"], "state": self._state(k), "description": k["Description"],
                          "aliases": [a for (r, a), kid in self.aliases.items() if kid == k["KeyId"]]}
                         for k in self.keys.values()]}

    def _state(self, k):
        if k["delete_at"] is not None:
            if self.world.clock.reached(k["delete_at"]):
                return "Deleted"
            return "PendingDeletion"
        return "Enabled" if k["enabled"] else "Disabled"

    def _find(self, ctx, key_ref):
        kid = None
        if key_ref.startswith("alias/"):
            kid = self.aliases.get((ctx.region, key_ref))
        elif key_ref.startswith("arn:") and ":alias/" in key_ref:
            kid = self.aliases.get((ctx.region, "alias/" + key_ref.split(":alias/", 1)[1]))
        elif key_ref.startswith("arn:"):
            kid = key_ref.rpartition("key/")[2]
        else:
            kid = key_ref
        k = self.keys.get(kid)
        if k is None or (k["region"] != ctx.region) or self._state(k) == "Deleted":
            if key_ref.startswith("alias/") or ":alias/" in key_ref:
                raise AwsError("NotFoundException", f"Alias {key_ref} is not found.", 400)
            raise AwsError("NotFoundException", f"Key '{self.world.arn('kms', ctx.region, 'key/' + kid, ctx.account)}' "
                           "does not exist", 400)
        return k

    def _usable(self, k):
        st = self._state(k)
        if st == "Disabled":
            raise AwsError("DisabledException", f"{k['Arn']} is disabled.", 400)
        if st != "Enabled":
            raise AwsError("KMSInvalidStateException", f"{k['Arn']} is pending deletion.", 400)

    def _meta(self, k):
        st = self._state(k)
        return {"AWSAccountId": k["account"], "KeyId": k["KeyId"], "Arn": k["Arn"],
                "CreationDate": k["created"], "Enabled": st == "Enabled", "Description": k["Description"],
                "KeyUsage": k["KeyUsage"], "KeyState": st, "Origin": "AWS_KMS",
                "KeyManager": k.get("manager", "CUSTOMER"),
                "CustomerMasterKeySpec": k["KeySpec"], "KeySpec": k["KeySpec"],
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False,
                "DeletionDate": k.get("DeletionDate")}

    def CreateKey(self, req, ctx):
        spec = req.get("KeySpec") or req.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
        usage = req.get("KeyUsage") or "ENCRYPT_DECRYPT"
        if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
            raise AwsError("UnsupportedOperationException", "fakeaws KMS supports only SYMMETRIC_DEFAULT "
                           "ENCRYPT_DECRYPT keys.", 400)
        if req.get("Policy"):
            try:
                json.loads(req["Policy"])
            except ValueError:
                raise AwsError("MalformedPolicyDocumentException", "The key policy is not valid JSON.", 400)
        kid = self.world.new_uuid()
        k = {"KeyId": kid, "Arn": self.world.arn("kms", ctx.region, f"key/{kid}", ctx.account),
             "region": ctx.region, "account": ctx.account, "created": utcnow(self.world),
             "Description": req.get("Description") or "", "KeyUsage": usage, "KeySpec": spec,
             "enabled": True, "delete_at": None, "material": bytes(self.world.random.getrandbits(8) for _ in range(32)),
             "Tags": list(req.get("Tags") or []), "Policy": req.get("Policy")}
        self.keys[kid] = k
        return {"KeyMetadata": self._meta(k)}

    def DescribeKey(self, req, ctx):
        return {"KeyMetadata": self._meta(self._find(ctx, req["KeyId"]))}

    def ListKeys(self, req, ctx):
        items = [{"KeyId": k["KeyId"], "KeyArn": k["Arn"]} for k in self.keys.values()
                 if k["region"] == ctx.region and self._state(k) != "Deleted"]
        page, nxt = paginate(items, req.get("Marker"), req.get("Limit"))
        return {"Keys": page or [], "NextMarker": nxt, "Truncated": nxt is not None}

    def EnableKey(self, req, ctx):
        return self._set_enabled(ctx, req["KeyId"], True)

    def DisableKey(self, req, ctx):
        return self._set_enabled(ctx, req["KeyId"], False)

    def _set_enabled(self, ctx, key_id, on):
        """EnableKey and DisableKey: refused while the key is pending deletion."""
        k = self._find(ctx, key_id)
        if self._state(k) == "PendingDeletion":
            raise AwsError("KMSInvalidStateException", f"{k['Arn']} is pending deletion.", 400)
        k["enabled"] = on
        return {}

    def ScheduleKeyDeletion(self, req, ctx):
        k = self._find(ctx, req["KeyId"])
        days = req.get("PendingWindowInDays", 30)
        if not 7 <= days <= 30:
            raise AwsError("ValidationException", "PendingWindowInDays must be between 7 and 30.", 400)
        if self._state(k) == "PendingDeletion":
            raise AwsError("KMSInvalidStateException", f"{k['Arn']} is pending deletion.", 400)
        import datetime
        k["delete_at"] = self.world.clock.after(days * DAY)
        k["DeletionDate"] = utcnow(self.world) + datetime.timedelta(days=days)
        return {"KeyId": k["Arn"], "DeletionDate": k["DeletionDate"], "KeyState": "PendingDeletion",
                "PendingWindowInDays": days}

    def CancelKeyDeletion(self, req, ctx):
        k = self._find(ctx, req["KeyId"])
        if self._state(k) != "PendingDeletion":
            raise AwsError("KMSInvalidStateException", f"{k['Arn']} is not pending deletion.", 400)
        k["delete_at"] = None
        k["DeletionDate"] = None
        k["enabled"] = False
        return {"KeyId": k["Arn"]}

    def CreateAlias(self, req, ctx):
        name = req["AliasName"]
        if not name.startswith("alias/") or name.startswith("alias/aws/"):
            raise AwsError("ValidationException", f"Alias must start with the prefix \"alias/\" and may not "
                           f"start with \"alias/aws/\": {name}", 400)
        if (ctx.region, name) in self.aliases:
            raise AwsError("AlreadyExistsException", f"An alias with the name {self.world.arn('kms', ctx.region, name, ctx.account)} "
                           "already exists", 400)
        k = self._find(ctx, req["TargetKeyId"])
        self.aliases[(ctx.region, name)] = k["KeyId"]
        return {}

    def DeleteAlias(self, req, ctx):
        if (ctx.region, req["AliasName"]) not in self.aliases:
            raise AwsError("NotFoundException", f"Alias {req['AliasName']} is not found.", 400)
        del self.aliases[(ctx.region, req["AliasName"])]
        return {}

    def ListAliases(self, req, ctx):
        want = self._find(ctx, req["KeyId"])["KeyId"] if req.get("KeyId") else None
        items = [{"AliasName": a, "AliasArn": self.world.arn("kms", r, a, ctx.account), "TargetKeyId": kid}
                 for (r, a), kid in sorted(self.aliases.items()) if r == ctx.region and (want is None or kid == want)]
        page, nxt = paginate(items, req.get("Marker"), req.get("Limit"))
        return {"Aliases": page or [], "NextMarker": nxt, "Truncated": nxt is not None}

    def TagResource(self, req, ctx):
        k = self._find(ctx, req["KeyId"])
        m = {t["TagKey"]: t["TagValue"] for t in k["Tags"]}
        m.update({t["TagKey"]: t["TagValue"] for t in req["Tags"]})
        k["Tags"] = [{"TagKey": a, "TagValue": b} for a, b in m.items()]
        return {}

    def ListResourceTags(self, req, ctx):
        return {"Tags": list(self._find(ctx, req["KeyId"])["Tags"]), "Truncated": False}

    # -- crypto --------------------------------------------------------------------------
    def _seal(self, k, plaintext, ec):
        nonce = bytes(self.world.random.getrandbits(8) for _ in range(16))
        body = bytes(a ^ b for a, b in zip(plaintext, _stream(k["material"], nonce, len(plaintext))))
        kid = k["KeyId"].encode()
        tag = hmac.new(k["material"], nonce + body + _ctx_bytes(ec), hashlib.sha256).digest()
        return MAGIC + bytes([len(kid)]) + kid + nonce + tag + body

    def _open(self, blob, ec, check_ctx=True):
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
            return None, None
        n = blob[len(MAGIC)]
        p = len(MAGIC) + 1
        kid = blob[p:p + n].decode("ascii", "replace")
        p += n
        nonce, tag, body = blob[p:p + 16], blob[p + 16:p + 48], blob[p + 48:]
        k = self.keys.get(kid)
        if k is None or len(nonce) != 16 or len(tag) != 32:
            return None, None
        if check_ctx:
            want = hmac.new(k["material"], nonce + body + _ctx_bytes(ec), hashlib.sha256).digest()
            if not hmac.compare_digest(want, tag):
                return k, None
        return k, bytes(a ^ b for a, b in zip(body, _stream(k["material"], nonce, len(body))))

    def _data_key(self, req, ctx):
        k = self._find(ctx, req["KeyId"])
        self._usable(k)
        spec, n = req.get("KeySpec"), req.get("NumberOfBytes")
        if spec and n:
            raise AwsError("ValidationException", "Please specify either number of bytes or key spec.", 400)
        if not spec and not n:
            raise AwsError("ValidationException", "Please specify either number of bytes or key spec.", 400)
        n = n or (32 if spec == "AES_256" else 16)
        plain = bytes(self.world.random.getrandbits(8) for _ in range(n))
        return k, plain, self._seal(k, plain, req.get("EncryptionContext"))

    def GenerateDataKey(self, req, ctx):
        k, plain, blob = self._data_key(req, ctx)
        return {"CiphertextBlob": blob, "Plaintext": plain, "KeyId": k["Arn"]}

    def GenerateDataKeyWithoutPlaintext(self, req, ctx):
        k, _, blob = self._data_key(req, ctx)
        return {"CiphertextBlob": blob, "KeyId": k["Arn"]}

    def Encrypt(self, req, ctx):
        k = self._find(ctx, req["KeyId"])
        self._usable(k)
        return {"CiphertextBlob": self._seal(k, req["Plaintext"], req.get("EncryptionContext")),
                "KeyId": k["Arn"], "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def Decrypt(self, req, ctx):
        k, plain = self._open(req["CiphertextBlob"], req.get("EncryptionContext"))
        if k is None or plain is None:
            raise AwsError("InvalidCiphertextException", "The ciphertext is invalid, or was encrypted "
                           "under a different encryption context.", 400)
        if k["region"] != ctx.region:
            raise AwsError("InvalidCiphertextException", "The ciphertext refers to a key in another region.", 400)
        if req.get("KeyId"):
            want = self._find(ctx, req["KeyId"])
            if want["KeyId"] != k["KeyId"]:
                raise AwsError("IncorrectKeyException", "The key ID in the request does not identify a "
                               "KMS key that can perform this operation.", 400)
        self._usable(k)
        return {"KeyId": k["Arn"], "Plaintext": plain, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    # -- cross-service -------------------------------------------------------------------
    def managed_key(self, region, account, alias):
        """The AWS managed key behind `alias` ("alias/aws/ssm", "alias/aws/elasticfilesystem"),
        made on first use as AWS makes it (KeyManager AWS)."""
        kid = self.aliases.get((region, alias))
        if kid is None:
            kid = self.world.new_uuid()
            self.keys[kid] = {
                "KeyId": kid, "Arn": self.world.arn("kms", region, f"key/{kid}", account),
                "region": region, "account": account, "created": utcnow(self.world),
                "Description": f"Default key that protects my {alias[10:].upper()} data when no "
                               "other key is defined", "KeyUsage": "ENCRYPT_DECRYPT",
                "KeySpec": "SYMMETRIC_DEFAULT", "enabled": True, "delete_at": None, "manager": "AWS",
                "material": bytes(self.world.random.getrandbits(8) for _ in range(32)),
                "Tags": [], "Policy": None}
            self.aliases[(region, alias)] = kid
        return self.keys[kid]

    def usable_key(self, region, account, key_ref):
        """The record of an enabled key named by id, ARN or alias (alias/aws/* makes the
        managed key); AwsError NotFoundException, DisabledException or
        KMSInvalidStateException otherwise, as KMS answers them."""
        if key_ref.startswith("alias/aws/"):
            return self.managed_key(region, account, key_ref)
        import types
        k = self._find(types.SimpleNamespace(region=region, account=account), key_ref)
        self._usable(k)
        return k

    def seal(self, k, plaintext, context=None):
        """A ciphertext blob of plaintext (bytes) under key record k."""
        return self._seal(k, plaintext, context)

    def decrypt_blob(self, ciphertext_blob):
        """The plaintext behind a blob GenerateDataKey/Encrypt returned, ignoring the
        encryption context; None when it is not one of ours."""
        k, plain = self._open(bytes(ciphertext_blob), None, check_ctx=False)
        return plain if k is not None else None


SERVICE = Kms
