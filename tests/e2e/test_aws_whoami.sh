#!/bin/sh
# `ecsdeploy whoami` against the local fake: text and JSON output, the credential source,
# --debug redaction, and every configuration error a user can meet.
. tests/e2e/fake.sh
fake_work
printf 'AKIDWHOAMIEXAMPLE wJalrXUtnFEMIWHOAMISECRETKEY 111122223333\n' > "$work/keys"
start_fake --credentials "$work/keys"

# A clean environment: no user files, no instance metadata, only what each case sets.
clean() {
    env -i PATH="$PATH" HOME="$work/home" AWS_EC2_METADATA_DISABLED=true \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" "$@"
}
mkdir -p "$work/home"
creds="AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"

expect_exit 0 -- clean $creds AWS_REGION=eu-west-1 AWS_ENDPOINT_URL="$FAKE_URL" "$ECSDEPLOY" whoami
expect_in "$out" "Account:     000000000000" "whoami account"
expect_in "$out" "ARN:         arn:aws:iam::000000000000:root" "whoami arn"
expect_in "$out" "Region:      eu-west-1" "whoami region"
expect_in "$out" "Credentials: environment (AWS_ACCESS_KEY_ID)" "whoami source"

expect_exit 0 -- clean $creds "$ECSDEPLOY" whoami --region us-east-2 --endpoint-url "$FAKE_URL" --output json
printf '%s' "$out" > "$work/who.json"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["Account"] == "000000000000", d
assert d["Region"] == "us-east-2", d
assert d["Profile"] == "default", d
assert d["CredentialSource"].startswith("environment"), d
' "$work/who.json" && pass || fail "whoami --output json: $out"

# Another key pair of another account; --debug shows the exchange, never the secrets.
expect_exit 0 -- clean AWS_ACCESS_KEY_ID=AKIDWHOAMIEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIWHOAMISECRETKEY \
    AWS_REGION=eu-west-1 "$ECSDEPLOY" --debug whoami --endpoint-url "$FAKE_URL"
expect_in "$out" "Account:     111122223333" "second account"
expect_in "$err" "[debug] sts request (attempt 1): POST $FAKE_URL/" "debug shows the request"
expect_in "$err" "Action=GetCallerIdentity" "debug shows the body"
expect_in "$err" "Authorization: **REDACTED**" "debug redacts Authorization"
expect_in "$err" "HTTP 200" "debug shows the response"
expect_in "$err" "[debug] credentials from environment (AWS_ACCESS_KEY_ID) (key ****MPLE)" "debug names the credential source"
case "$err" in *wJalrXUtnFEMIWHOAMISECRETKEY*|*Signature=*) fail "debug leaked a secret: $err" ;; *) pass ;; esac

# Profiles from the shared files; AWS_ENDPOINT_URL_STS for this one service.
mkdir -p "$work/home/.aws"
printf '[profile dev]\nregion = ap-south-1\n' > "$work/home/.aws/config"
printf '[dev]\naws_access_key_id = AKIDWHOAMIEXAMPLE\naws_secret_access_key = wJalrXUtnFEMIWHOAMISECRETKEY\n' > "$work/home/.aws/credentials"
expect_exit 0 -- clean AWS_ENDPOINT_URL_STS="$FAKE_URL" "$ECSDEPLOY" whoami --profile dev
expect_in "$out" "Region:      ap-south-1" "profile region"
expect_in "$out" "Credentials: profile dev (shared credentials file)" "profile source"
expect_exit 0 -- clean AWS_PROFILE=dev AWS_ENDPOINT_URL_STS="$FAKE_URL" "$ECSDEPLOY" whoami
expect_in "$out" "Profile:     dev" "AWS_PROFILE"

# Errors: each one line or a clear list, exit 2 when nothing was sent.
expect_exit 2 -- clean $creds AWS_ENDPOINT_URL="$FAKE_URL" "$ECSDEPLOY" whoami
expect_in "$err" "no AWS region: pass --region, set AWS_REGION" "no region"
expect_exit 2 -- clean $creds "$ECSDEPLOY" whoami --profile ghost --region eu-west-1
expect_in "$err" "the profile 'ghost' (from --profile) is in neither" "unknown profile"
expect_exit 2 -- clean AWS_REGION=eu-west-1 AWS_ENDPOINT_URL="$FAKE_URL" "$ECSDEPLOY" whoami
expect_in "$err" "no AWS credentials found; tried, in order:" "no credentials"
expect_in "$err" "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY not set" "no credentials lists env"
expect_in "$err" "profile 'default': no role_arn" "no credentials lists the profile"
expect_in "$err" "EC2 instance metadata" "no credentials lists IMDS"
expect_exit 2 -- clean AWS_ACCESS_KEY_ID=x AWS_REGION=eu-west-1 "$ECSDEPLOY" whoami
expect_in "$err" "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" "partial env keys"
expect_exit 2 -- clean $creds AWS_REGION=eu-west-1 "$ECSDEPLOY" whoami --endpoint-url localhost:4566
expect_in "$err" "is not an endpoint URL" "bad endpoint"
expect_exit 2 -- clean $creds "$ECSDEPLOY" whoami --region 'eu west 1'
expect_in "$err" "is not a region name" "bad region"
expect_exit 2 -- clean $creds AWS_REGION=eu-west-1 AWS_MAX_ATTEMPTS=zero "$ECSDEPLOY" whoami
expect_in "$err" "AWS_MAX_ATTEMPTS is 'zero'" "bad max attempts"
expect_exit 2 -- clean $creds AWS_REGION=eu-west-1 "$ECSDEPLOY" whoami extra
expect_in "$err" "whoami takes no arguments" "extra argument"
printf '[profile dev\n' > "$work/home/.aws/config"
expect_exit 2 -- clean $creds AWS_REGION=eu-west-1 "$ECSDEPLOY" whoami
expect_in "$err" ".aws/config line 1" "broken config file"
rm "$work/home/.aws/config"

# Wrong secret: the fake refuses the signature; exit 1 with AWS's code.
expect_exit 1 -- clean AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=wrong AWS_REGION=eu-west-1 \
    "$ECSDEPLOY" whoami --endpoint-url "$FAKE_URL"
expect_in "$err" "SignatureDoesNotMatch" "bad signature"

# Nothing listening: a connection error after the retries, exit 1.
expect_exit 1 -- clean $creds AWS_REGION=eu-west-1 AWS_MAX_ATTEMPTS=2 "$ECSDEPLOY" whoami --endpoint-url http://127.0.0.1:9
expect_in "$err" "ConnectFailed" "connection refused"

finish
