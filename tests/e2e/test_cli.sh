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

finish
