"""Differential test of our SigV4 signer against Debian's python3-botocore.

Generates random requests (methods, unicode and reserved characters in paths, dot
segments and duplicate slashes, odd query strings with repeated names and empty values,
headers with folded whitespace, session tokens, S3 and non-S3 services, header and query
signing, signed and unsigned payloads), signs each with botocore (SigV4Auth, S3SigV4Auth,
SigV4QueryAuth, S3SigV4QueryAuth, clock frozen by patching botocore.auth.datetime as
botocore's own tests do) and with ours ($TOOLS_DIR/sigv4_sign, one subprocess over
stdin/stdout), and demands identical canonical requests, strings to sign, signatures,
added headers and presigned query strings.

SEED=<n> replays a run; COUNT=<n> changes the number of requests (default 3000).

What is NOT generated, because botocore departs from the AWS specification there (or
because the request could not be sent at all):
  * Paths whose last segment is "." or "..": botocore drops the trailing slash
    ("/a/b/.." -> "/a"); RFC 3986 section 5.2.4, which AWS cites, keeps it ("/a/").
  * Paths not starting with "/", and an empty S3 path: botocore then signs "" or a
    relative path; a request line always has an absolute path.
  * S3 paths with raw characters that need encoding: botocore signs S3 paths verbatim,
    so they are generated already percent-encoded (uppercase hex), as a client sends them.
  * '?', '#' and control characters in paths (they end the path, or urlsplit strips them).
  * Header mode: query strings that are not already in canonical form (botocore sorts
    the raw text without re-encoding) and empty "&&" pieces (botocore signs them as "=").
  * Query mode: repeated names and empty names (botocore parses the query into a dict,
    keeping one value per name), and request bodies (botocore moves a body into the query).
  * Header values with non-ASCII text or the ASCII separators 0x1c-0x1f: Python's
    str.split() folds those as whitespace, which AWS does not.
  * Date, Expect, X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-SHA256 and
    Authorization headers in the request: botocore rewrites them, and our interface
    says the caller does not send its own copies. The Content-Type
    "application/x-www-form-urlencoded; charset=utf-8" in query mode (botocore drops it).
"""
import datetime
import json
import os
import random
import subprocess
import sys
from unittest import mock
from urllib.parse import quote, urlsplit

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError as exc:
    print(f"skipped: python3-botocore is not installed ({exc})")
    sys.exit(77)

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
RESERVED = "!$&'()*+,;=:@[]"
ODD = " %\"<>\\^`{|}"
UNICODE = ["é", "ß", "ሴ", "日本", "😀", "\u00a0", "\u2028", "Ω"]
SERVICES = ["ec2", "ecs", "iam", "sts", "logs", "elasticloadbalancing",
            "servicediscovery", "secretsmanager", "execute-api", "service"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-gov-west-1"]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]
HEADER_NAMES = ["X-Custom", "x-amz-meta-Foo", "Content-Type", "My-Header1", "X-Amz-Target",
                "Accept", "Content-MD5", "Cache-Control", "x-b", "X-A", "User-Agent",
                "X-Amzn-Trace-Id"]


def rand_text(rng, alphabet_parts, max_len):
    out = []
    for _ in range(rng.randint(0, max_len)):
        part = rng.choice(alphabet_parts)
        out.append(rng.choice(part) if isinstance(part, str) else rng.choice(part))
    return "".join(out)


def enc(s):
    """RFC 3986 encoding, as both signers expect of canonical query text."""
    return quote(s, safe="-_.~")


def gen_path(rng, s3):
    if s3:
        segs = []
        for _ in range(rng.randint(0, 5)):
            raw = rand_text(rng, [UNRESERVED, RESERVED, ODD, UNICODE], 8)
            segs.append(quote(raw, safe="-_.~"))
        return "/" + "/".join(segs) + ("/" if rng.random() < 0.3 else "")
    parts = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.12:
            parts.append(".")
        elif r < 0.24:
            parts.append("..")
        elif r < 0.34:
            parts.append("")
        else:
            raw = rand_text(rng, [UNRESERVED, UNRESERVED, RESERVED, ODD, UNICODE], 8)
            if rng.random() < 0.2:
                raw += "%" + rng.choice(["20", "2F", "41", "e1", "zz"])
            parts.append(raw)
    path = "/" + "/".join(parts)
    if rng.random() < 0.3:
        path += "/"
    if rng.random() < 0.1:
        path = "/" + path  # a leading double slash
    last = path.rstrip("/").rsplit("/", 1)[-1] if not path.endswith("/") else ""
    if last in (".", ".."):
        path += "x"  # excluded: see the module docstring
    return path


def gen_query(rng, presign):
    pairs = []
    names = []
    for _ in range(rng.randint(0, 6)):
        if names and not presign and rng.random() < 0.3:
            name = rng.choice(names)  # repeated name
        else:
            name = rand_text(rng, [UNRESERVED, RESERVED, ODD, UNICODE], 6)
            if presign and (not name or name.lower().startswith("x-amz-")):
                name = "p" + name
            if presign and enc(name) in names:
                continue
        names.append(enc(name))
        r = rng.random()
        if r < 0.15 and name:
            pairs.append(enc(name))  # no '=' at all (an empty name would make "&&")
        elif r < 0.3:
            pairs.append(enc(name) + "=")  # empty value
        else:
            value = rand_text(rng, [UNRESERVED, RESERVED, ODD, UNICODE], 10)
            pairs.append(enc(name) + "=" + enc(value))
    rng.shuffle(pairs)
    return "&".join(pairs)


def gen_value(rng):
    words = [rand_text(rng, [UNRESERVED, "!#$%&'*+,;=:@()<>?/[]{}\"\\"], 6)
             for _ in range(rng.randint(0, 4))]
    seps = [" ", "  ", "\t", " \t ", "\n  ", "\r\n\t", "\n     "]
    value = ""
    for i, w in enumerate(words):
        value += (rng.choice(seps) if i else "") + w
    return rng.choice(["", " ", "  ", "\t"]) + value + rng.choice(["", " ", "\t  "])


def random_case(rng, name):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def gen_request(rng, i):
    s3 = rng.random() < 0.35
    presign = rng.random() < 0.4
    host = rng.choice(["example.amazonaws.com", "ecs.eu-west-1.amazonaws.com",
                       "127.0.0.1:4566", "bucket.s3.amazonaws.com"])
    headers = [[random_case(rng, "host"), host]]
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(HEADER_NAMES)
        if rng.random() < 0.3:
            name = random_case(rng, name)
        value = gen_value(rng)
        if presign and name.lower() == "content-type":
            value += "x"  # keep clear of the content type botocore drops
        headers.append([name, value])
    rng.shuffle(headers)
    body = b""
    if not presign and rng.random() < 0.5:
        body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
    token = None
    if rng.random() < 0.4:
        token = "".join(rng.choice(UNRESERVED[:62] + "+/=") for _ in range(rng.randint(20, 300)))
    return {
        "id": i,
        "mode": "query" if presign else "header",
        "method": rng.choice(METHODS),
        "path": gen_path(rng, s3),
        "query": gen_query(rng, presign),
        "headers": headers,
        "body_hex": body.hex(),
        "access_key": "AKIA" + "".join(rng.choice(UNRESERVED[:36]) for _ in range(16)),
        "secret_key": "".join(rng.choice(UNRESERVED[:62] + "+/") for _ in range(40)),
        "token": token,
        "region": rng.choice(REGIONS),
        "service": "s3" if s3 else rng.choice(SERVICES),
        "when": rng.randint(946684800, 1924991999),  # 2000 .. 2030
        "s3": s3,
        "content_sha256": s3,
        "unsigned_payload": rng.random() < 0.2,
        "expires": rng.randint(1, 604800),
    }


def botocore_sign(r):
    """Sign r with botocore; return what our tool returns, for comparison."""
    creds = Credentials(r["access_key"], r["secret_key"], r["token"])
    if r["mode"] == "query":
        cls = botocore.auth.S3SigV4QueryAuth if r["s3"] else botocore.auth.SigV4QueryAuth
        signer = cls(creds, r["service"], r["region"], expires=r["expires"])
    else:
        cls = botocore.auth.S3SigV4Auth if r["s3"] else botocore.auth.SigV4Auth
        signer = cls(creds, r["service"], r["region"])
    # Payload signing is only ever switched off over https.
    scheme = "https" if r["unsigned_payload"] else "http"
    url = f"{scheme}://example.amazonaws.com{r['path']}"
    if r["query"]:
        url += "?" + r["query"]
    req = AWSRequest(method=r["method"], url=url, data=bytes.fromhex(r["body_hex"]))
    for name, value in r["headers"]:
        req.headers[name] = value  # appends: repeated names are kept
    if r["unsigned_payload"]:
        if r["s3"]:
            req.context["client_config"] = Config(s3={"payload_signing_enabled": False})
        else:
            req.context["payload_signing_enabled"] = False
    seen = {}
    real_sts = signer.string_to_sign

    def capture(request, canonical_request):
        seen["canonical_request"] = canonical_request
        seen["string_to_sign"] = real_sts(request, canonical_request)
        return seen["string_to_sign"]

    signer.string_to_sign = capture
    with mock.patch("botocore.auth.datetime") as fake:
        fake.datetime.utcnow.return_value = datetime.datetime.utcfromtimestamp(r["when"])
        signer.add_auth(req)
    out = dict(seen)
    if r["mode"] == "query":
        query = urlsplit(req.url).query
        out["query"] = pieces(query)
        out["signature"] = dict(p.split("=", 1) for p in query.split("&"))["X-Amz-Signature"]
        out["headers"] = {}
    else:
        auth = req.headers["Authorization"]
        out["signature"] = auth.rsplit("Signature=", 1)[1]
        out["headers"] = {n.lower(): req.headers[n] for n in
                          ("X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256",
                           "Authorization") if n in req.headers}
        out["query"] = None
    return out


def pieces(query):
    """The query's parameters, order-free. Ours keeps the request's own parameters as
    given ("a" stays "a"), botocore rewrites them ("a" becomes "a="): the same thing."""
    return sorted(p if "=" in p else p + "=" for p in query.split("&"))


def ours_normalised(answer):
    out = {k: answer[k] for k in ("canonical_request", "string_to_sign", "signature")}
    out["headers"] = {n.lower(): v for n, v in answer["headers"]}
    out["query"] = pieces(answer["query"]) if answer["query"] is not None else None
    return out


def redact(r):
    shown = dict(r)
    shown["secret_key"] = "(redacted)"
    if shown["token"]:
        shown["token"] = f"(redacted, {len(r['token'])} chars)"
    return shown


def hide(text, r):
    """The text with the request's session token (either spelling) redacted."""
    if text and r["token"]:
        text = text.replace(r["token"], "(token)").replace(enc(r["token"]), "(token)")
    return text


def run_ours(tool, requests):
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    proc = subprocess.run([tool], input=payload.encode("utf-8"), capture_output=True,
                          timeout=300)
    if proc.returncode != 0:
        print(proc.stderr.decode("utf-8", "replace")[-3000:])
        raise SystemExit(f"FAIL: {tool} exited {proc.returncode}")
    lines = proc.stdout.decode("utf-8").splitlines()
    if len(lines) != len(requests):
        raise SystemExit(f"FAIL: {tool} answered {len(lines)} of {len(requests)} requests")
    return [json.loads(line) for line in lines]


def main():
    tools = os.environ.get("TOOLS_DIR", "build/san/tools")
    tool = os.path.join(tools, "sigv4_sign")
    if not os.access(tool, os.X_OK):
        print(f"FAIL: {tool} not built (run through `make check`)")
        return 1
    seed = int(os.environ.get("SEED", random.SystemRandom().randrange(1 << 32)))
    count = int(os.environ.get("COUNT", "3000"))
    print(f"sigv4 differential: seed {seed} (replay with SEED={seed}), {count} requests")
    rng = random.Random(seed)
    requests = [gen_request(rng, i) for i in range(count)]
    answers = run_ours(tool, requests)
    passed = failed = 0
    kinds = {}
    for r, a in zip(requests, answers):
        kind = f"{'s3' if r['s3'] else 'other'}/{r['mode']}"
        kinds[kind] = kinds.get(kind, 0) + 1
        want = botocore_sign(r)
        got = ours_normalised(a) if a.get("ok") else {"error": a.get("error")}
        diffs = [k for k in ("canonical_request", "string_to_sign", "signature", "headers",
                             "query") if got.get(k) != want.get(k)]
        if not diffs:
            passed += 1
            continue
        failed += 1
        if failed <= 5:
            print(f"FAIL: request {r['id']} differs in {', '.join(diffs)}")
            print("  request:", json.dumps(redact(r), ensure_ascii=False))
            for k in diffs[:2]:
                if k in ("canonical_request", "string_to_sign"):
                    print(f"  ours {k}:\n{hide(got.get(k), r)}\n"
                          f"  botocore {k}:\n{hide(want.get(k), r)}")
            if "error" in got:
                print("  ours failed:", got["error"])
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if failed:
        print(f"replay with SEED={seed}")
    print(f"{passed} passed, {failed} failed (seed {seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
