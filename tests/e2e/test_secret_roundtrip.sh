#!/bin/sh
# ecsdeploy secret list / put / get against the fake: create, new version, by logical name
# and by ARN, bad input, and the value never shown by --debug or any other output.
. tests/e2e/fake.sh
start_fake

fake_work
cat >"$stack" <<'YML'
stack: sectest
secrets:
  api-key: { generate: { length: 20 } }
  db-pass: { generate: { length: 20 } }
services:
  web:
    image: nginx:1.27
    secrets: { API_KEY: api-key, DB_PASS: db-pass }
YML
value='s3cr3t-Value-7Q'

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" secret list
expect_in "$out" "api-key" "list names the secret"
expect_in "$out" "missing" "list says it does not exist yet"
expect_exit 1 -- "$ECSDEPLOY" -f "$stack" secret get api-key
expect_in "$err" "does not exist yet" "get of a missing secret"

# put creates, from stdin; --debug never shows the value
out=$(printf '%s\n' "$value" | "$ECSDEPLOY" --debug -f "$stack" secret put api-key 2>"$work/put.err")
[ $? -eq 0 ] && pass || fail "secret put: $(cat "$work/put.err")"
grep -q "created" "$work/put.err" && pass || fail "put did not say it created the secret"
grep -q "$value" "$work/put.err" && fail "the value appeared in --debug output of put" || pass
grep -q "CreateSecret" "$work/put.err" && pass || fail "--debug showed no CreateSecret call"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" secret get api-key
[ "$out" = "$value" ] && pass || fail "get printed '$out'"
"$ECSDEPLOY" --debug -f "$stack" secret get api-key >"$work/get.out" 2>"$work/get.err"
grep -q "$value" "$work/get.err" && fail "the value appeared in --debug output of get" || pass
[ "$(cat "$work/get.out")" = "$value" ] && pass || fail "get with --debug printed something else on stdout"

# a second put is a new version
printf 'second-%s' "$value" | "$ECSDEPLOY" -f "$stack" secret put api-key 2>"$work/put2.err" \
    && pass || fail "second put: $(cat "$work/put2.err")"
grep -q "new version" "$work/put2.err" && pass || fail "second put did not store a new version"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" secret get api-key
[ "$out" = "second-$value" ] && pass || fail "get after the second put printed '$out'"

# list: present, and JSON; by ARN without a stack file
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" secret list --output json
arn=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
d = {s["name"]: s for s in json.load(sys.stdin)}
assert d["api-key"]["state"] == "present" and d["db-pass"]["state"] == "missing", d
print(d["api-key"]["secret"])') && pass || fail "list --output json: $out"
case "$out" in *"$value"*) fail "list showed the value" ;; *) pass ;; esac
expect_exit 0 -- "$ECSDEPLOY" -f "$work/none.yml" secret get "$arn"
[ "$out" = "second-$value" ] && pass || fail "get by ARN printed '$out'"

# bad input: exit 2, nothing sent
before=$(fake_call_count)
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" secret get nosuch
expect_in "$err" "has no secret 'nosuch'" "unknown secret name"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" secret put api-key "$value"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" secret frobnicate
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" secret put api-key </dev/null
expect_in "$err" "no value for api-key on stdin" "empty stdin"
[ "$(fake_call_count)" = "$before" ] && pass || fail "bad input made AWS calls"

finish
