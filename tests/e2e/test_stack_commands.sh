#!/bin/sh
# plan / up / status / down through the binary against the fake: the flow, exit codes,
# JSON output, confirmation, and that bad input makes no AWS call at all.
. tests/e2e/fake.sh
start_fake

web_stack cmdtest 8080

# A broken stack file: exit 2, FILE:LINE:COL, and not a single call reaches AWS.
cat >"$work/bad.yml" <<'YML'
stack: cmdtest
services:
  web:
    image: nginx:1.27
    cpu: 300
YML
before=$(fake_call_count)
for cmd in plan up status "down --yes"; do
    expect_exit 2 -- "$ECSDEPLOY" -f "$work/bad.yml" $cmd
    expect_in "$err" "bad.yml:5:" "$cmd reports the place of the problem"
done
[ "$(fake_call_count)" = "$before" ] && pass || fail "a bad stack file made AWS calls"

# Missing credentials: exit 2 before any call.
expect_exit 2 -- env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$ECSDEPLOY" -f "$stack" plan
[ "$(fake_call_count)" = "$before" ] && pass || fail "missing credentials still made AWS calls"

# plan on an empty account: everything to create; --detailed-exitcode says 4.
expect_exit 4 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
expect_in "$out" "+   create   cluster/main" "plan lists the cluster"
expect_in "$out" "to create" "plan summary"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" plan --output json
printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["summary"]["create"] >= 2' \
    && pass || fail "plan --output json is not the expected JSON: $out"

# up, then a second up makes no changes and only reads.
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "Stack cmdtest is up" "up summary"
expect_stack_run 0 up
expect_in "$out" "No changes" "second up"
fake_no_writes "$seq" "a no-change up made write calls"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode

# up --output json: one JSON object per line, the last a summary.
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up --output json
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
assert lines[-1]["event"] == "summary" and lines[-1]["result"] == "ok", lines' \
    && pass || fail "up --output json: $out"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status
expect_in "$out" "ECS cluster" "status summarises the cluster"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status --output json
printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["stack"] == "cmdtest"' \
    && pass || fail "status --output json: $out"

# down wants --yes when not on a terminal, and deletes nothing without it.
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" down </dev/null
expect_in "$err" "pass --yes" "down asks for --yes"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status --check
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
expect_in "$out" "is down" "down summary"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
expect_in "$out" "Nothing to delete" "second down"
expect_exit 1 -- "$ECSDEPLOY" -f "$stack" status --check

# Flags are checked.
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" up --parallel 0
expect_in "$err" "--parallel wants a number" "--parallel range"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" up --timeout soon
expect_in "$err" "--timeout wants a duration" "--timeout format"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" plan extra
expect_in "$err" "plan takes no arguments" "stray argument"

finish
