#!/usr/bin/python3
"""The credentials chain, in the AWS CLI's order, with a temporary HOME and config files:
environment, web identity, profiles (static keys, role_arn + source_profile /
credential_source, credential_process, IAM Identity Center), ECS container credentials and
EC2 instance metadata served by a local HTTP server, refresh before expiry, and the
"none found" message. STS calls go to the local fake."""
import datetime
import hashlib
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from urllib.parse import urlsplit, parse_qs

from awscall import last_result, run_tool, tool_env  # noqa: E402 (also: fakelib on the path)
from fakelib import Fake, Report  # noqa: E402

r = Report()
HOME = tempfile.mkdtemp(prefix="aws-creds-")
AWS = os.path.join(HOME, ".aws")
os.makedirs(os.path.join(AWS, "sso", "cache"))


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- a local metadata / container-credentials / SSO portal server ------------------------
seen = []


class Meta(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def creds(self, prefix):
        return json.dumps({"Code": "Success", "AccessKeyId": prefix + "AKID", "SecretAccessKey": "s",
                           "Token": prefix + "-token", "Expiration": iso(3600)})

    def do_POST(self):
        """A stand-in STS for AssumeRoleWithWebIdentity (unsigned, form-encoded)."""
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        seen.append(("POST", self.path, dict(self.headers), body))
        q = parse_qs(body)
        if q.get("Action") != ["AssumeRoleWithWebIdentity"] or "Authorization" in self.headers:
            return self.reply(400, "<ErrorResponse><Error><Code>InvalidAction</Code><Message>unexpected"
                                   "</Message></Error><RequestId>x</RequestId></ErrorResponse>", "text/xml")
        if q.get("WebIdentityToken") != ["header.payload.signature"]:
            return self.reply(400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad token"
                                   "</Message></Error><RequestId>x</RequestId></ErrorResponse>", "text/xml")
        session = q["RoleSessionName"][0]
        self.reply(200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                        "<AccessKeyId>WEBIDAKID</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
                        f"<SessionToken>wt</SessionToken><Expiration>{iso(3600)}</Expiration></Credentials>"
                        f"<AssumedRoleUser><Arn>arn:aws:sts::000000000000:assumed-role/deployer/{session}</Arn>"
                        "</AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>w"
                        "</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>", "text/xml")

    def do_PUT(self):
        seen.append(("PUT", self.path, dict(self.headers)))
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, "imds-session-token", "text/plain")
        self.reply(400, "{}")

    def do_GET(self):
        seen.append(("GET", self.path, dict(self.headers)))
        u = urlsplit(self.path)
        if u.path == "/container-creds":
            if self.headers.get("Authorization") != "container-auth-token":
                return self.reply(401, '{"message":"bad token"}')
            return self.reply(200, self.creds("CONT"))
        if u.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                return self.reply(401, "")
            role = u.path.rsplit("/", 1)[1]
            if not role:
                return self.reply(200, "ec2-role\n", "text/plain")
            return self.reply(200, self.creds("IMDS"))
        if u.path == "/federation/credentials":
            q = parse_qs(u.query)
            if self.headers.get("x-amz-sso_bearer_token") != "sso-access-token":
                return self.reply(401, '{"message":"Session token not found or invalid"}')
            if q.get("account_id") != ["123456789012"] or q.get("role_name") != ["Deployer"]:
                return self.reply(403, '{"message":"No access"}')
            exp_ms = int((time.time() + 3600) * 1000)
            return self.reply(200, json.dumps({"roleCredentials": {
                "accessKeyId": "SSOAKID", "secretAccessKey": "s", "sessionToken": "sso-session",
                "expiration": exp_ms}}))
        self.reply(404, "{}")


meta = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Meta)
threading.Thread(target=meta.serve_forever, daemon=True).start()
META = f"http://127.0.0.1:{meta.server_address[1]}"


def write(path, text, mode=0o600):
    with open(path, "w") as fh:
        fh.write(text)
    os.chmod(path, mode)


def run(*args, env=None, **extra):
    e = tool_env(keys=False, HOME=HOME)
    e.update(env or {})
    e.update(extra)
    lines, stderr = run_tool(args, e)
    return last_result(lines, stderr), lines, stderr


def creds(*args, **env):
    res, _, err = run(*args, "creds", "-", "-", env=env)
    return res, err


def source(res):
    return res.get("output", {}).get("Source", "")


# credential_process is split into words as botocore splits it, never given to a shell:
# the ';', '$(...)', '|' and '>' below would run commands under /bin/sh -c.
ARGS_OUT = os.path.join(HOME, "argproc.args")
PWNED = os.path.join(HOME, "pwned")
ARGPROC_CMD = (f"'{HOME}/arg proc.sh' \"two words\" 'single $HOME' a\\ b \"\\\"q\\\"\" "
               f"; touch {PWNED} $(touch {PWNED}) | tee {PWNED} > {PWNED}")

# ---- environment and static profiles --------------------------------------------------
write(os.path.join(AWS, "credentials"),
      "[default]\naws_access_key_id = DEFAULTAKID\naws_secret_access_key = s\n"
      "[static]\naws_access_key_id = STATICAKID\naws_secret_access_key = s\naws_session_token = t\n"
      "[base]\naws_access_key_id = test\naws_secret_access_key = test\n"
      "[half]\naws_access_key_id = HALF\n")
write(os.path.join(AWS, "config"),
      "[default]\nregion = eu-west-1\n"
      "[profile cfgkeys]\naws_access_key_id = CFGAKID\naws_secret_access_key = s\n"
      f"[profile proc]\ncredential_process = /bin/sh {HOME}/proc.sh\n"
      f"[profile badproc]\ncredential_process = /bin/sh -c 'echo oops; exit 3'\n"
      f"[profile oldproc]\ncredential_process = /bin/sh {HOME}/oldproc.sh\n"
      f"[profile argproc]\ncredential_process = {ARGPROC_CMD}\n"
      "[profile openproc]\ncredential_process = /bin/echo \"unclosed\n"
      "[profile assumer]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = base\n"
      "role_session_name = ci-run\nexternal_id = ext-1\n"
      "[profile chained]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = assumer\n"
      "[profile fromenv]\nrole_arn = arn:aws:iam::000000000000:role/deployer\ncredential_source = Environment\n"
      "[profile mfa]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = base\n"
      "mfa_serial = arn:aws:iam::000000000000:mfa/me\n"
      "[profile both]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = base\n"
      "credential_source = Environment\n"
      "[profile loop1]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = loop2\n"
      "[profile loop2]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = loop1\n"
      "[profile webid]\nrole_arn = arn:aws:iam::000000000000:role/deployer\n"
      f"web_identity_token_file = {HOME}/token.jwt\n"
      "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Deployer\n"
      "[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n"
      "[profile ssolegacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = eu-west-1\n"
      "sso_account_id = 123456789012\nsso_role_name = Deployer\n"
      "[profile ssonosession]\nsso_session = missing\nsso_account_id = 1\nsso_role_name = R\n")

res, _ = creds(AWS_ACCESS_KEY_ID="ENVAKID", AWS_SECRET_ACCESS_KEY="s", AWS_SESSION_TOKEN="t")
r.eq(res.get("output", {}).get("AccessKeyId"), "ENVAKID", "environment first")
r.check(res.get("output", {}).get("HasSessionToken") is True, "session token from the environment")
res, _ = creds(AWS_ACCESS_KEY_ID="ENVAKID", AWS_SECRET_ACCESS_KEY="s", AWS_PROFILE="static")
r.eq(res.get("output", {}).get("AccessKeyId"), "ENVAKID", "environment keys beat AWS_PROFILE")
res, _ = creds("--profile", "static", AWS_ACCESS_KEY_ID="ENVAKID", AWS_SECRET_ACCESS_KEY="s")
r.eq(res.get("output", {}).get("AccessKeyId"), "STATICAKID", "--profile beats environment keys")
r.eq(source(res), "profile static (shared credentials file)", "static source")
res, _ = creds()
r.eq(res.get("output", {}).get("AccessKeyId"), "DEFAULTAKID", "default profile")
res, _ = creds("--profile", "cfgkeys")
r.eq(source(res), "profile cfgkeys (config file)", "keys in the config file")
res, _ = creds("--profile", "half")
r.eq(res.get("error", {}).get("code"), "PartialCredentials", "half a key pair refused")

# ---- credential_process -----------------------------------------------------------------
counter = os.path.join(HOME, "proc.count")
write(os.path.join(HOME, "proc.sh"),
      f"echo x >> {counter}\n"
      f"cat <<EOF\n{{\"Version\": 1, \"AccessKeyId\": \"PROCAKID\", \"SecretAccessKey\": \"s\","
      f" \"SessionToken\": \"pt\", \"Expiration\": \"$(cat {HOME}/proc.exp)\"}}\nEOF\n", 0o700)
write(os.path.join(HOME, "proc.exp"), iso(3600))
_, lines, _ = run("--profile", "proc", "--repeat", "3", "creds", "-", "-")
r.eq([l.get("output", {}).get("AccessKeyId") for l in lines], ["PROCAKID"] * 3, "credential_process")
r.eq(source(lines[0]), "profile proc (credential_process)", "process source")
r.eq(open(counter).read().count("x"), 1, "long-lived credentials are resolved once per run")
os.unlink(counter)
write(os.path.join(HOME, "proc.exp"), iso(120))  # inside the 5-minute refresh window
_, lines, _ = run("--profile", "proc", "--repeat", "3", "creds", "-", "-")
r.eq(open(counter).read().count("x"), 3, "credentials about to expire are refreshed")
res, _ = creds("--profile", "badproc")
r.check("failed (exit status 3)" in res.get("error", {}).get("message", ""), f"failing process: {res}")
write(os.path.join(HOME, "oldproc.sh"), "echo '{\"Version\": 2, \"AccessKeyId\": \"A\"}'\n")
res, _ = creds("--profile", "oldproc")
r.check("Version" in res.get("error", {}).get("message", ""), f"process Version must be 1: {res}")
write(os.path.join(HOME, "arg proc.sh"),
      "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > " + ARGS_OUT + "\n"
      "echo '{\"Version\": 1, \"AccessKeyId\": \"ARGAKID\", \"SecretAccessKey\": \"s\"}'\n", 0o700)
res, _ = creds("--profile", "argproc")
r.eq(res.get("output", {}).get("AccessKeyId"), "ARGAKID", f"credential_process with quoted words: {res}")
r.check(not os.path.exists(PWNED), "no shell ran the command line (';', '$(...)', '|', '>' are words)")
got = open(ARGS_OUT).read().split("\0")[:-1] if os.path.exists(ARGS_OUT) else None
try:  # the split of Debian's botocore itself, when it is installed
    sys.path.insert(0, "/usr/lib/python3/dist-packages")
    from botocore.compat import compat_shell_split as split
except ImportError:
    import shlex
    split = shlex.split
r.eq(got, split(ARGPROC_CMD)[1:], "the program's arguments are botocore's split of the line")
res, _ = creds("--profile", "openproc")
r.check("quotation is not closed" in res.get("error", {}).get("message", ""), f"an open quote is refused: {res}")

# ---- container credentials and instance metadata ---------------------------------------
write(os.path.join(HOME, "ctoken"), "container-auth-token\n")
res, _ = creds(AWS_CONTAINER_CREDENTIALS_FULL_URI=META + "/container-creds",
               AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=os.path.join(HOME, "ctoken"), HOME="/nonexistent")
r.eq(res.get("output", {}).get("AccessKeyId"), "CONTAKID", "container credentials (token file)")
r.check(res.get("output", {}).get("Expiration", 0) > time.time(), "container credentials expire")
res, _ = creds(AWS_CONTAINER_CREDENTIALS_FULL_URI=META + "/container-creds",
               AWS_CONTAINER_AUTHORIZATION_TOKEN="container-auth-token", HOME="/nonexistent")
r.eq(res.get("output", {}).get("AccessKeyId"), "CONTAKID", "container credentials (token variable)")
res, _ = creds(AWS_CONTAINER_CREDENTIALS_FULL_URI=META + "/container-creds", HOME="/nonexistent")
r.check("HTTP 401" in res.get("error", {}).get("message", ""), f"container endpoint refusal: {res}")
res, _ = creds(AWS_CONTAINER_CREDENTIALS_FULL_URI="http://203.0.113.5/creds", HOME="/nonexistent")
r.check("must be https" in res.get("error", {}).get("message", ""), f"FULL_URI host check: {res}")

res, _ = creds(AWS_EC2_METADATA_DISABLED="false", AWS_EC2_METADATA_SERVICE_ENDPOINT=META, HOME="/nonexistent")
r.eq(res.get("output", {}).get("AccessKeyId"), "IMDSAKID", "instance metadata")
r.eq(source(res), "EC2 instance metadata (role ec2-role)", "IMDS source names the role")
puts = [s for s in seen if s[0] == "PUT"]
r.check(len(puts) >= 1, "IMDSv2: a token PUT first")

# ---- none found --------------------------------------------------------------------------
res, err = creds(HOME="/nonexistent", AWS_EC2_METADATA_DISABLED="false",
                 AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:9")
msg = res.get("error", {}).get("message", "")
r.eq(res.get("error", {}).get("code"), "NoCredentials", "nothing configured")
for part in ("environment", "web identity", "profile 'default'", "ECS container", "EC2 instance metadata"):
    r.check(part in msg, f"'none found' lists {part}: {msg}")

# ---- STS-based: assume role, web identity, against the fake --------------------------------
with Fake() as f:
    iam = f.client("iam")
    # IAM refuses a trust policy naming an OIDC provider that does not exist
    iam.create_open_id_connect_provider(Url="https://ci", ClientIDList=["sts.amazonaws.com"],
                                        ThumbprintList=["0" * 40])
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::000000000000:oidc-provider/ci"},
         "Action": "sts:AssumeRoleWithWebIdentity"}]}
    iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust))
    # A trust policy naming the account (not the role) lets a role session of that account
    # assume the role only when its own policy allows it too (role chaining below).
    iam.put_role_policy(RoleName="deployer", PolicyName="chain", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Resource": "arn:aws:iam::000000000000:role/deployer"}]}))
    time.sleep(0.5)
    fenv = {"AWS_ENDPOINT_URL": f.url}

    res, lines, _ = run("--profile", "assumer", "--repeat", "2", "query", "sts", "GetCallerIdentity", env=fenv)
    r.eq(res.get("output", {}).get("Arn"), "arn:aws:sts::000000000000:assumed-role/deployer/ci-run",
         "role_arn + source_profile assumes the role")
    _, clines, _ = run("--profile", "assumer", "--repeat", "2", "creds", "-", "-", env=fenv)
    r.check(source(clines[0]).startswith("assumed role arn:aws:iam::000000000000:role/deployer via profile assumer"),
            f"assumed-role source: {source(clines[0])}")
    st, calls = f.control("GET", "/_fake/calls")
    r.eq(sum(1 for c in calls["calls"] if c["operation"] == "AssumeRole"), 2,
         "the role is assumed once per run (two runs, two AssumeRole)")

    res, _, _ = run("--profile", "chained", "query", "sts", "GetCallerIdentity", env=fenv)
    r.check("assumed-role/deployer/" in res.get("output", {}).get("Arn", ""), f"role chaining: {res}")
    res, _, _ = run("--profile", "fromenv", "query", "sts", "GetCallerIdentity", env=fenv,
                    AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    r.check("assumed-role/deployer/" in res.get("output", {}).get("Arn", ""), f"credential_source Environment: {res}")

    res, _ = creds("--profile", "mfa")
    r.eq(res.get("error", {}).get("code"), "MfaNotSupported", "mfa_serial refused")
    r.check("does not prompt" in res.get("error", {}).get("message", ""), "mfa message says why")
    res, _ = creds("--profile", "both")
    r.check("exactly one of source_profile or credential_source" in res.get("error", {}).get("message", ""),
            f"source_profile and credential_source together: {res}")
    res, _ = creds("--profile", "loop1", **fenv)
    r.check("loop" in res.get("error", {}).get("message", ""), f"source_profile loop: {res}")

    # Web identity: the fake checks the token (a JWT it signed, of a provider of the
    # account, for one of its audiences) and routes the unsigned call by its Action.
    token = f.control("POST", "/_fake/sts/web-identity-token",
                      {"iss": "https://ci", "sub": "deployer", "aud": "sts.amazonaws.com"})[1]["token"]
    write(os.path.join(HOME, "fake-token.jwt"), token + "\n")
    res, _, _ = run("query", "sts", "GetCallerIdentity", env=fenv, HOME="/nonexistent",
                    AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(HOME, "fake-token.jwt"),
                    AWS_ROLE_ARN="arn:aws:iam::000000000000:role/deployer", AWS_ROLE_SESSION_NAME="gha")
    r.eq(res.get("output", {}).get("Arn"), "arn:aws:sts::000000000000:assumed-role/deployer/gha",
         "web identity against the fake")

# ---- web identity against a local STS stand-in -----------------------------------------------
write(os.path.join(HOME, "token.jwt"), "header.payload.signature\n")
wenv = {"AWS_ENDPOINT_URL_STS": META, "HOME": "/nonexistent",
        "AWS_WEB_IDENTITY_TOKEN_FILE": os.path.join(HOME, "token.jwt"),
        "AWS_ROLE_ARN": "arn:aws:iam::000000000000:role/deployer", "AWS_ROLE_SESSION_NAME": "gha"}
res, _ = creds(**wenv)
r.eq(res.get("output", {}).get("AccessKeyId"), "WEBIDAKID", "web identity from the environment")
r.eq(source(res), "web identity role arn:aws:iam::000000000000:role/deployer", "web identity source")
posts = [s for s in seen if s[0] == "POST"]
r.check(posts and "Authorization" not in posts[-1][2], "AssumeRoleWithWebIdentity is sent unsigned")
r.check(posts and "RoleSessionName=gha" in posts[-1][3], "session name from AWS_ROLE_SESSION_NAME")
res, _ = creds("--profile", "webid", AWS_ENDPOINT_URL_STS=META)
r.eq(res.get("output", {}).get("AccessKeyId"), "WEBIDAKID", "web identity from a profile")
write(os.path.join(HOME, "bad.jwt"), "not-a-jwt")
res, _ = creds(**dict(wenv, AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(HOME, "bad.jwt")))
r.eq(res.get("error", {}).get("code"), "InvalidIdentityToken", "STS refusal passed on")
res, _ = creds(**dict(wenv, AWS_WEB_IDENTITY_TOKEN_FILE="/nonexistent/token"))
r.check("cannot read the web identity token file" in res.get("error", {}).get("message", ""),
        f"missing token file: {res}")
res, _ = creds(HOME="/nonexistent", AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(HOME, "token.jwt"))
r.check("AWS_ROLE_ARN is not" in res.get("error", {}).get("message", ""), f"token without role: {res}")

# ---- IAM Identity Center -----------------------------------------------------------------
def cache(key, token, expires):
    name = hashlib.sha1(key.encode()).hexdigest() + ".json"
    write(os.path.join(AWS, "sso", "cache", name), json.dumps({"accessToken": token, "expiresAt": expires,
                                                               "region": "eu-west-1"}))


res, _ = creds("--profile", "sso", AWS_ENDPOINT_URL_SSO=META)
r.eq(res.get("error", {}).get("code"), "SsoTokenMissing", "no cached login")
r.check("aws sso login --profile sso" in res.get("error", {}).get("message", ""), "tells how to log in")
cache("corp", "sso-access-token", iso(3600))
res, _ = creds("--profile", "sso", AWS_ENDPOINT_URL_SSO=META)
r.eq(res.get("output", {}).get("AccessKeyId"), "SSOAKID", "sso_session profile")
r.check("IAM Identity Center" in source(res), f"sso source: {source(res)}")
r.check(res.get("output", {}).get("Expiration", 0) > time.time() + 3000, "sso expiration from milliseconds")
cache("https://legacy.awsapps.com/start", "sso-access-token", iso(3600))
res, _ = creds("--profile", "ssolegacy", AWS_ENDPOINT_URL_SSO=META)
r.eq(res.get("output", {}).get("AccessKeyId"), "SSOAKID", "legacy sso_start_url profile")
cache("corp", "sso-access-token", iso(-60))
res, _ = creds("--profile", "sso", AWS_ENDPOINT_URL_SSO=META)
r.eq(res.get("error", {}).get("code"), "SsoTokenExpired", "expired login")
cache("corp", "wrong-token", iso(3600))
res, _ = creds("--profile", "sso", AWS_ENDPOINT_URL_SSO=META)
r.check("GetRoleCredentials" in res.get("error", {}).get("message", ""), f"portal refusal: {res}")
res, _ = creds("--profile", "ssonosession")
r.check("[sso-session missing]" in res.get("error", {}).get("message", ""), f"unknown sso-session: {res}")

meta.shutdown()
shutil.rmtree(HOME, ignore_errors=True)
r.finish()
