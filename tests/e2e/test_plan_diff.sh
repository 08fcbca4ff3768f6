#!/bin/sh
# `plan` shows a task definition change field by field, through the real binary against
# the fake: after one image tag and one environment variable change in a rich service
# (sidecar, init container, secrets, health check, ports), the task definition's part of
# the plan is exactly those two lines, and `--output json` carries the same two changes
# (path, from, to). A removed variable, a variable added and a secret pointed elsewhere
# show as one line each; ephemeral storage taken out of the file is a change too; after
# `up`, a plan of the same file has no changes (no default or normalisation shows).
. tests/e2e/fake.sh

fake_work app.yml
# write_stack IMAGE LOG_LEVEL [EXTRA_ENV] [SECRET] [STORAGE_LINE]
write_stack() {
    cat >"$stack" <<YML
stack: e2epd
secrets:
  api-key: { generate: true }
  other-key: { generate: true }
services:
  web:
    image: $1
    port: 8080
    cpu: 512
    memory: 1024
    command: [nginx, -g, "daemon off;"]
    environment: { LOG_LEVEL: $2, MODE: one$3 }
    secrets: { API_KEY: ${4:-api-key} }
    health_check: { command: "curl -f localhost:8080/ || exit 1", interval: 30, timeout: 5, retries: 3 }
$5
    containers:
      migrate: { init: true, image: "busybox:1.36", command: [sh, -c, "exit 0"] }
      metrics: { image: "otel/collector:0.1", essential: false, port: 4317, environment: { OTEL: "on" } }
YML
}
storage="    ephemeral_storage_gib: 30"
write_stack nginx:1.27 info "" "" "$storage"

start_fake

# changes_of ID: the change lines of one resource in a text plan (from stdin).
changes_of() {
    awk -v id="$1" '/^[^ ]/ { on = index($0, " " id " ") > 0 || $0 ~ (" " id "$"); next }
                    on && /^        / { sub(/^        /, ""); print }'
}
# json_changes ID: "path|from|to" per change of one resource in a JSON plan (stdin).
json_changes() {
    /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["resources"]:
    if r["id"] == sys.argv[1]:
        for c in r["changes"]:
            print("%s|%s|%s" % (c["path"], c.get("from", "<none>"), c.get("to", "<none>")))' "$1"
}

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
expect_in "$out" "No changes" "plan right after up"

# 1. One image tag and one environment variable: exactly two lines.
write_stack nginx:1.28 debug "" "" "$storage"
expect_exit 4 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
got=$(printf '%s\n' "$out" | changes_of task_def/web)
want="containerDefinitions[web].image: nginx:1.27 -> nginx:1.28
containerDefinitions[web].environment.LOG_LEVEL: info -> debug"
[ "$got" = "$want" ] && pass || fail "the task definition's changes are not the two lines:
$got"
case "$out" in *'"containerDefinitions"'*|*'[{'*) fail "a whole document is printed: $out" ;; *) pass ;; esac
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" plan --output json
got=$(printf '%s\n' "$out" | json_changes task_def/web)
want="containerDefinitions[web].image|nginx:1.27|nginx:1.28
containerDefinitions[web].environment.LOG_LEVEL|info|debug"
[ "$got" = "$want" ] && pass || fail "the JSON plan's changes are not the two changes:
$got"

# 2. Added and removed variables, a secret pointed at another one, storage left out.
write_stack nginx:1.27 info ", NEW_VAR: x" other-key ""
sed -i 's/MODE: one, //' "$stack"
expect_exit 4 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
got=$(printf '%s\n' "$out" | changes_of task_def/web)
expect_in "$got" "- containerDefinitions[web].environment.MODE: one" "a removed variable"
expect_in "$got" "+ containerDefinitions[web].environment.NEW_VAR: x" "an added variable"
expect_in "$got" "containerDefinitions[web].secrets.API_KEY: arn:aws:secretsmanager:" "the secret's reference"
expect_in "$got" "e2epd/api-key" "the old secret's ARN"
expect_in "$got" "e2epd/other-key" "the new secret's ARN"
expect_in "$got" "- ephemeralStorage: {\"sizeInGiB\":30}" "storage taken out of the file"
n=$(printf '%s\n' "$got" | grep -c .)
[ "$n" = 4 ] && pass || fail "wanted 4 change lines, got $n:
$got"

# 3. Applied, then nothing left to show.
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
expect_in "$out" "No changes" "plan after up of the changed file"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes --purge
finish
