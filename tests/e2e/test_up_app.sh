#!/bin/sh
# A stack with a secret, a bucket and a service through the real binary against the fake:
# up, a second up with no changes, status, a crash-looping image (exit 3 with the reason,
# the previous revision restored), down --yes (kept things stay), down --purge (nothing).
. tests/e2e/fake.sh

fake_work app.yml
write_stack() {
    cat >"$stack" <<YML
stack: e2eapp
secrets:
  db-password: { generate: { length: 24 } }
buckets:
  data: { versioning: true }
services:
  web:
    image: $1
    port: 8080
    secrets: { DB_PASSWORD: db-password }
    environment: { BUCKET: "\${buckets.data.name}" }
YML
}
write_stack nginx:1.27

start_fake

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "Stack e2eapp is up" "up summary"
expect_in "$out" "service/web" "up lists the service"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "No changes" "second up"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status
# services first, one aligned line each, in words; then the infrastructure; no raw JSON
printf '%s\n' "$out" | /usr/bin/python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
head = [i for i, l in enumerate(lines) if l.startswith("SERVICE ")]
assert head, "no service table"
h = lines[head[0]]
row = lines[head[0] + 1]
assert row.startswith("web "), row
for col in ("TASKS", "REV", "IMAGE", "HEALTH", "LAST EVENT"):
    assert col in h, col
assert row[h.index("TASKS"):].startswith("1/1"), row
assert row[h.index("IMAGE"):].startswith("nginx:1.27"), row
assert row[h.index("HEALTH"):].startswith("healthy"), row
assert "steady state" in row[h.index("LAST EVENT"):], row
infra = [i for i, l in enumerate(lines) if l.startswith("Infrastructure:")]
assert infra and infra[0] > head[0], "infrastructure is not after the services"
assert not any(re.search(r"[{}\[\]]", l) for l in lines[:infra[0] + 30] if not l.startswith("  url")), "raw JSON"
assert not any(a.endswith(":") and (b == "" or not b.startswith(" ")) for a, b in zip(lines, lines[1:] + [""])), "an empty header"
' && pass || fail "status is not services first, aligned, in words: $out"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status web
expect_in "$out" "Service web" "status web shows the service"
expect_in "$out" "rollout    COMPLETED" "status web shows the rollout"
expect_in "$out" "image      nginx:1.27" "status web shows the image"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status web --output json
printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [r["id"] for r in d["resources"]] == ["service/web"], d
assert d["resources"][0]["images"] == ["nginx:1.27"] and d["healthy"], d' \
    && pass || fail "status web --output json: $out"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" status wbe
expect_in "$err" "has no service 'wbe' (did you mean 'web'?)" "status suggests the service"
expect_exit 0 -- "$ECSDEPLOY" status --cluster e2eapp
expect_in "$out" "Cluster e2eapp" "status --cluster without a stack file"
expect_in "$out" "nginx:1.27" "status --cluster shows the image"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status --check

# The generated password appears nowhere.
value=$(aws_value=$(AWS_PAGER= /usr/bin/aws --endpoint-url "$FAKE_URL" secretsmanager get-secret-value \
    --secret-id e2eapp/db-password --query SecretString --output text 2>/dev/null); echo "$aws_value")
if [ -n "$value" ]; then
    case "$out$err" in *"$value"*) fail "the generated password was printed" ;; *) pass ;; esac
fi

# A crash-looping image: exit 3, the stopped task's reason, back on revision 1.
write_stack crashloop
expect_exit 3 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$err" "Essential container in task exited" "the failure names the stopped task's reason"
expect_in "$err" "exit code 1" "the failure names the exit code"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status --output json
printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
svc = [r for r in d["resources"] if r["id"] == "service/web"][0]
assert svc["revision"] == 1 and svc["running"] == 1 and svc["healthy"], svc
assert any("Essential container in task exited" in r for r in svc["stopped_reasons"]), svc
' && pass || fail "after the rollback the service does not run revision 1: $out"

# down keeps the kept secret and bucket; --purge removes everything.
write_stack nginx:1.27
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
expect_in "$out" "Kept" "down lists kept resources"
expect_in "$out" "bucket/data" "the bucket is kept"
expect_in "$out" "secret/db-password" "the secret is kept"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes --purge
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
expect_in "$out" "Nothing to delete" "nothing left after --purge"
fake_get /_fake/resources | /usr/bin/python3 -c '
import json, sys
text = json.dumps(json.load(sys.stdin))
left = [w for w in ("e2eapp/db-password", "e2eapp-data", "service/e2eapp/web") if w in text]
sys.exit(1 if left else 0)' && pass || fail "resources left after down --purge: $(fake_get /_fake/resources | head -c 2000)"

finish
