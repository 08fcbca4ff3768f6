#!/bin/sh
# The command line itself: version, help, and clear one-line errors with exit 2.
. tests/e2e/lib.sh

expect_exit 0 -- "$ECSDEPLOY" --version
expect_in "$out" "ecsdeploy $(cat VERSION)" "--version"

expect_exit 0 -- "$ECSDEPLOY" --help
expect_in "$out" "Usage: ecsdeploy" "--help"
expect_in "$out" "--endpoint-url" "--help lists global options"

expect_exit 2 -- "$ECSDEPLOY" frobnicate
expect_in "$err" "unknown command 'frobnicate'" "unknown command"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "unknown command error is not one line: $err"

expect_exit 2 -- "$ECSDEPLOY" --frobnicate
expect_in "$err" "unknown flag '--frobnicate'" "unknown flag"

expect_exit 2 -- "$ECSDEPLOY" -q
expect_in "$err" "unknown flag '-q'" "unknown short flag"

expect_exit 2 -- "$ECSDEPLOY" --output yaml --version
expect_in "$err" "--output must be text or json" "bad --output"

expect_exit 2 -- "$ECSDEPLOY" --set novalue --version
expect_in "$err" "--set wants NAME=VALUE" "bad --set"

expect_exit 2 -- "$ECSDEPLOY" --region
expect_in "$err" "needs a value" "missing option value"

expect_exit 2 -- "$ECSDEPLOY"
expect_in "$err" "Usage: ecsdeploy" "no command shows usage on stderr"

# help: the commands; each command's own flags with an example, two ways
expect_exit 0 -- "$ECSDEPLOY" help
expect_in "$out" "Commands:" "help lists the commands"
listing=$out
for c in init validate plan up status down deploy rollback history whoami exec logs secret completion help; do
    printf '%s\n' "$listing" | grep -q "^  $c " && pass || fail "help does not list $c"
    expect_exit 0 -- "$ECSDEPLOY" help "$c"
    by_help=$out
    expect_exit 0 -- "$ECSDEPLOY" "$c" --help
    [ "$by_help" = "$out" ] && pass || fail "'help $c' and '$c --help' differ"
    expect_in "$out" "Examples:" "$c --help shows an example"
    expect_in "$out" "  ecsdeploy $c" "$c's example"
done
expect_exit 0 -- "$ECSDEPLOY" deploy --help
for f in --image --tag --env --strategy --timeout --no-wait --all --cluster; do
    expect_in "$out" "      $f " "deploy --help describes $f"
done
expect_exit 0 -- "$ECSDEPLOY" logs -h
expect_in "$out" "--filter PATTERN" "logs -h describes --filter"

# did you mean: commands, flags (not the next word taken for a command), missing values
expect_exit 2 -- "$ECSDEPLOY" deplyo web
expect_in "$err" "unknown command 'deplyo' (did you mean 'deploy'?)" "a command suggestion"
expect_exit 2 -- "$ECSDEPLOY" help deplyo
expect_in "$err" "did you mean 'deploy'?" "help suggests too"
expect_exit 2 -- "$ECSDEPLOY" --outptu json status
expect_in "$err" "unknown flag '--outptu' (did you mean '--output'?)" "a flag before the command"
case "$err" in *"command 'json'"*) fail "--outptu json taken for the command json" ;; *) pass ;; esac
expect_exit 2 -- "$ECSDEPLOY" status --outptu json
expect_in "$err" "did you mean '--output'?" "a flag after the command"
expect_exit 2 -- "$ECSDEPLOY" logs web --since --follow
expect_in "$err" "--since needs a value" "a missing value is named"
expect_exit 2 -- "$ECSDEPLOY" status --tag 1.5
expect_in "$err" "it is a flag of 'deploy'" "another command's flag"

# An endpoint that refuses connections: plan and status fail (exit 1, no hang) saying AWS
# could not be reached and what to check. (timeout is only a guard against a hang.)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for cmd in plan status; do
    expect_exit 1 -- env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
        AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
        timeout 120 "$ECSDEPLOY" -f examples/canardstack.yml $cmd --endpoint-url "http://127.0.0.1:$port"
    expect_in "$err" "ConnectFailed" "$cmd names the failure"
    expect_in "$err" "AWS could not be reached at all (nothing was sent): check --endpoint-url" "$cmd says what to check"
done

finish
