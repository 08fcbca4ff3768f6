"""SigV4 verification: re-sign the received request with botocore's signer pieces and the
secret of the access key it names, and compare.

Keys: the default pair test/test (account 000000000000), pairs from --credentials FILE,
and the temporary keys this fake's STS issued (valid only with their session token)."""

import calendar
import datetime
import hashlib
import hmac
import threading
import time
from urllib.parse import quote, unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import HTTPHeaders
from botocore.credentials import Credentials

from .core import ACCOUNT_ID

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_SKEW = 300


class AuthError(Exception):
    """kind is one of the protocol CODES keys: bad_signature, unknown_key, missing_auth,
    skew, expired_token; or 'other' with its own code/status."""

    def __init__(self, kind, message=None, code=None, status=None):
        super().__init__(message or kind)
        self.kind = kind
        self.message = message
        self.code = code
        self.status = status


class Keyring:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {}
        self.add("test", "test", ACCOUNT_ID)

    def add(self, access_key, secret, account=ACCOUNT_ID, token=None, expires=None, arn=None):
        with self.lock:
            self.keys[access_key] = {"secret": secret, "account": account, "token": token,
                                     "expires": expires, "arn": arn}

    def get(self, access_key):
        with self.lock:
            return self.keys.get(access_key)

    def drop_temporary(self):
        with self.lock:
            for k in [k for k, v in self.keys.items() if v["token"]]:
                del self.keys[k]

    def load_file(self, path):
        """Lines `ACCESS_KEY SECRET [ACCOUNT]`; blank lines and #-comments ignored."""
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split()
                if len(parts) not in (2, 3):
                    raise ValueError(f"{path}:{n}: expected 'ACCESS_KEY SECRET [ACCOUNT]'")
                account = parts[2] if len(parts) == 3 else ACCOUNT_ID
                if not (account.isdigit() and len(account) == 12):
                    raise ValueError(f"{path}:{n}: account must be 12 digits, got {account!r}")
                self.add(parts[0], parts[1], account)


class Auth:
    """What a request's SigV4 signature claims."""

    def __init__(self, access_key, date, region, service, signed_headers, signature,
                 amz_date, presigned, expires=None, token=None):
        self.access_key = access_key
        self.date = date
        self.region = region
        self.service = service
        self.signed_headers = signed_headers
        self.signature = signature
        self.amz_date = amz_date
        self.presigned = presigned
        self.expires = expires
        self.token = token


def parse_auth(req):
    """Auth from the Authorization header or the X-Amz-* query parameters; None when the
    request carries no SigV4 signature; AuthError when it is malformed."""
    h = req.header("authorization")
    if h:
        if not h.startswith("AWS4-HMAC-SHA256 "):
            raise AuthError("other", "Only AWS4-HMAC-SHA256 signatures are supported by this fake "
                            "(found: " + h.split(" ", 1)[0] + ")", "IncompleteSignature", 400)
        fields = {}
        for part in h[len("AWS4-HMAC-SHA256 "):].split(","):
            k, _, v = part.strip().partition("=")
            fields[k] = v
        for need in ("Credential", "SignedHeaders", "Signature"):
            if need not in fields:
                raise AuthError("other", f"Authorization header requires '{need}' parameter.",
                                "IncompleteSignature", 400)
        amz_date = req.header("x-amz-date") or _from_http_date(req.header("date"))
        return _auth(fields["Credential"], fields["SignedHeaders"], fields["Signature"], amz_date,
                     False, None, req.header("x-amz-security-token"))
    q = dict(req.query_pairs)
    if "X-Amz-Credential" in q:
        if q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            raise AuthError("other", "X-Amz-Algorithm must be AWS4-HMAC-SHA256", "AuthorizationQueryParametersError", 400)
        for need in ("X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date"):
            if need not in q:
                raise AuthError("other", f"Query-string authentication requires the {need} parameter",
                                "AuthorizationQueryParametersError", 400)
        exp = q.get("X-Amz-Expires")
        return _auth(q["X-Amz-Credential"], q["X-Amz-SignedHeaders"], q["X-Amz-Signature"],
                     q["X-Amz-Date"], True, int(exp) if exp and exp.isdigit() else None,
                     q.get("X-Amz-Security-Token"))
    return None


def _from_http_date(s):
    if not s:
        return None
    try:
        import email.utils
        d = email.utils.parsedate_to_datetime(s)
        return d.strftime("%Y%m%dT%H%M%SZ")
    except (TypeError, ValueError):
        return None


def _auth(cred, signed, sig, amz_date, presigned, expires, token):
    parts = cred.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise AuthError("other", f"Credential should be scoped to a valid region, not in the form "
                        f"ACCESS_KEY/DATE/REGION/SERVICE/aws4_request: {parts[1:] if parts else ''}",
                        "IncompleteSignature", 400)
    return Auth(parts[0], parts[1], parts[2], parts[3], signed.split(";"), sig, amz_date,
                presigned, expires, token)


def _parse_amz_date(s):
    try:
        d = datetime.datetime.strptime(s, "%Y%m%dT%H%M%SZ")
    except (TypeError, ValueError):
        return None
    return calendar.timegm(d.timetuple())


def _fmt(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def verify(req, auth, keyring, s3=False, now=None, normalize=True):
    """Raise AuthError unless the request is correctly signed. Returns the key record.
    normalize=False keeps a non-S3 path as sent (only AWS's signing test suite needs it)."""
    now = time.time() if now is None else now
    if auth.amz_date is None:
        raise AuthError("other", "Authorization header requires existence of either a 'X-Amz-Date' "
                        "or a 'Date' header.", "IncompleteSignature", 400)
    t = _parse_amz_date(auth.amz_date)
    if t is None:
        raise AuthError("other", f"Unparseable X-Amz-Date {auth.amz_date!r}", "IncompleteSignature", 400)
    if auth.presigned:
        if auth.expires is not None and now > t + auth.expires:
            if s3:
                raise AuthError("other", "Request has expired", "AccessDenied", 403)
            raise AuthError("skew", f"Signature expired: {auth.amz_date} is now earlier than "
                            f"{_fmt(now)} ({_fmt(t)} + {auth.expires} s.)")
        if t > now + MAX_SKEW:
            raise AuthError("skew", f"Signature not yet current: {auth.amz_date} is still later than "
                            f"{_fmt(now + MAX_SKEW)} ({_fmt(now)} + 5 min.)")
    elif abs(now - t) > MAX_SKEW:
        if t < now:
            msg = (f"Signature expired: {auth.amz_date} is now earlier than {_fmt(now - MAX_SKEW)} "
                   f"({_fmt(now)} - 5 min.)")
        else:
            msg = (f"Signature not yet current: {auth.amz_date} is still later than "
                   f"{_fmt(now + MAX_SKEW)} ({_fmt(now)} + 5 min.)")
        raise AuthError("skew", msg)
    if auth.date != auth.amz_date[:8]:
        raise AuthError("bad_signature", f"Date in Credential scope does not match YYYYMMDD from "
                        f"ISO-8601 version of date from HTTP: '{auth.date}' != '{auth.amz_date[:8]}'")
    key = keyring.get(auth.access_key)
    if key is None:
        raise AuthError("unknown_key")
    if key["token"] is not None:
        if auth.token != key["token"]:
            raise AuthError("unknown_key")
        if key["expires"] is not None and now > key["expires"]:
            raise AuthError("expired_token")
    elif auth.token:
        raise AuthError("unknown_key")
    if "host" not in auth.signed_headers:
        raise AuthError("bad_signature", "'Host' must be a signed header")
    expected = signature_for(req, auth, key["secret"], s3, normalize)
    if not hmac.compare_digest(expected, auth.signature):
        raise AuthError("bad_signature")
    if s3 and (req.header("x-amz-content-sha256") or "") in STREAMING:
        req.body = decode_aws_chunked(req, auth, key["secret"])
    return key


STREAMING = {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
             "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"}


def _incomplete(msg):
    return AuthError("other", msg, "IncompleteBody", 400)


def decode_aws_chunked(req, auth, secret):
    """The payload of an aws-chunked S3 upload; each chunk's signature is checked against
    the chain that starts at the request's signature (signed variants). Trailer headers
    (x-amz-checksum-*) become request headers."""
    mode = req.header("x-amz-content-sha256")
    signed = mode.startswith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    signer = SigV4Auth(Credentials(auth.access_key, secret), auth.service, auth.region)
    ctx = _Ctx(auth.amz_date)
    scope = signer.credential_scope(ctx)
    body, pos, prev, out = req.body or b"", 0, auth.signature, []
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise _incomplete("The aws-chunked body ends inside a chunk header.")
        head = body[pos:eol].decode("ascii", "replace")
        size_text, _, ext = head.partition(";")
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _incomplete(f"Bad aws-chunked chunk size {size_text!r}.")
        data = body[eol + 2:eol + 2 + size]
        if len(data) != size:
            raise _incomplete("The aws-chunked body is shorter than its chunk sizes say.")
        if signed:
            sig = ext.partition("chunk-signature=")[2]
            sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", auth.amz_date, scope, prev, EMPTY_SHA256,
                             hashlib.sha256(data).hexdigest()])
            want = signer.signature(sts, ctx)
            if not hmac.compare_digest(want, sig):
                raise AuthError("bad_signature", "The chunk signature of an aws-chunked upload does not match.")
            prev = sig
        pos = eol + 2 + size
        if size == 0:
            break
        out.append(data)
        if body[pos:pos + 2] != b"\r\n":
            raise _incomplete("An aws-chunked chunk is not followed by CRLF.")
        pos += 2
    for line in body[pos:].split(b"\r\n"):          # trailers, then an empty line
        name, sep, value = line.decode("latin-1").partition(":")
        if sep and not name.lower().startswith("x-amz-trailer-signature"):
            req.headers[name.strip().lower()] = value.strip()
    decoded = b"".join(out)
    want_len = req.header("x-amz-decoded-content-length")
    if want_len is not None and want_len.isdigit() and int(want_len) != len(decoded):
        raise _incomplete(f"x-amz-decoded-content-length is {want_len} but the chunks hold {len(decoded)} bytes.")
    return decoded


class _Ctx:
    def __init__(self, ts):
        self.context = {"timestamp": ts}


def payload_hash(req, auth, s3):
    if auth.presigned and s3:
        return "UNSIGNED-PAYLOAD"
    claimed = req.header("x-amz-content-sha256")
    actual = hashlib.sha256(req.body or b"").hexdigest()
    if claimed is None:
        if s3 and not auth.presigned:
            raise AuthError("other", "Missing required header for this request: x-amz-content-sha256",
                            "InvalidRequest", 400)
        return actual
    if claimed == "UNSIGNED-PAYLOAD":
        return claimed
    if claimed.startswith("STREAMING-"):
        if not s3 or claimed not in STREAMING:
            raise AuthError("other", f"fakeaws does not support {claimed} uploads", "NotImplemented", 501)
        return claimed
    if claimed != actual:
        if s3:
            raise AuthError("other", "The provided 'x-amz-content-sha256' header does not match what "
                            "was computed.", "XAmzContentSHA256Mismatch", 400)
        raise AuthError("bad_signature")
    return claimed


def signature_for(req, auth, secret, s3=False, normalize=True):
    """The hex signature the request should carry when signed with `secret`."""
    signer = SigV4Auth(Credentials(auth.access_key, secret), auth.service, auth.region)
    raw_path = req.path.split("?", 1)[0] or "/"
    if s3:
        path = quote(unquote(raw_path), safe="/~")
    elif normalize:
        path = signer._normalize_url_path(raw_path)      # normalised, then encoded again
    else:
        path = quote(raw_path, safe="/~")
    pairs = [(k, v) for k, v in req.query_pairs if not (auth.presigned and k == "X-Amz-Signature")]
    query = signer._canonical_query_string_params(pairs)
    hmap = HTTPHeaders()
    for name in auth.signed_headers:
        v = req.header(name)
        if v is None:
            raise AuthError("bad_signature", f"Signed header {name} is missing from the request")
        hmap[name] = v
    cr = "\n".join([req.method.upper(), path, query, signer.canonical_headers(hmap) + "\n",
                    ";".join(auth.signed_headers), payload_hash(req, auth, s3)])
    ctx = _Ctx(auth.amz_date)
    return signer.signature(signer.string_to_sign(ctx, cr), ctx)
