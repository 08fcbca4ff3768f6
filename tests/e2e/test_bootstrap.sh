#!/bin/sh
# Bootstrap steps (examples/dbward.yml): `up` starts the server, reads the token it wrote
# through ECS Exec into a secret, and only then starts the agents that need it. The token
# shows in no output or debug log; `secret get` is the one place that prints it.
. tests/e2e/fake.sh
start_fake

fake_work
arn=$(/usr/bin/aws --endpoint-url "$FAKE_URL" secretsmanager create-secret --name dbward/database-url \
      --secret-string "postgres://meta" --query ARN --output text)
[ -n "$arn" ] && pass || fail "could not make the existing database-url secret"
run() { "$ECSDEPLOY" -f examples/dbward.yml "$@"; }

expect_exit 0 -- run up --debug
printf '%s\n%s\n' "$out" "$err" >"$work/up.log"
expect_in "$out" "create  bootstrap/agent-token: ok" "the step ran"
# The agents were created after the step stored the token.
step_line=$(grep -n "bootstrap/agent-token: ok" "$work/up.log" | head -1 | cut -d: -f1)
agent_line=$(grep -n "create  service/agent: ECS service" "$work/up.log" | head -1 | cut -d: -f1)
[ -n "$step_line" ] && [ -n "$agent_line" ] && [ "$agent_line" -gt "$step_line" ] && pass \
    || fail "the agents started before the token was stored (step $step_line, agents $agent_line)"

expect_exit 0 -- run secret get agent-token
token=$out
expect_in "$token" "dwt_" "secret get prints the stored token"
expect_exit 0 -- run exec server -- cat /data/agent-token
[ "$out" = "$token" ] && pass || fail "the secret ($token) is not what the server wrote ($out)"
grep -q "$token" "$work/up.log" && fail "the token appears in up's output or debug log" || pass

seq=$(fake_last_seq)
expect_exit 0 -- run up
expect_in "$out" "No changes" "a second up skips the step whose secret has a value"
# the stack's secrets as listed say the step's secret has a value: it is not read
n=$(fake_count_since "$seq" GetSecretValue)
[ "$n" = 0 ] && pass || fail "a second up read secret values ($n GetSecretValue) to judge the step"
expect_exit 0 -- run up --rebootstrap
expect_in "$out" "bootstrap/agent-token: ok" "--rebootstrap runs the step again"
grep -q "$token" "$work/up.log" && fail "token leaked" || pass

expect_exit 0 -- run down --yes --purge
finish
