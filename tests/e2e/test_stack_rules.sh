#!/bin/sh
# Every validation rule: each tests/stack/NAME.yml is a bad stack file; `validate` must exit 2,
# print nothing on stdout, and print on stderr exactly tests/stack/NAME.expect (every
# problem as FILE:LINE:COLUMN: message, then the closing line). NAME.args adds options.
. tests/e2e/lib.sh
unset ECSDEPLOY_TEST_UNSET_VAR

for f in tests/stack/*.yml; do
    b=${f%.yml}
    args=""
    [ -f "$b.args" ] && args=$(cat "$b.args")
    if [ ! -f "$b.expect" ]; then
        fail "$f has no $b.expect"
        continue
    fi
    # shellcheck disable=SC2086
    expect_exit 2 -- "$ECSDEPLOY" validate -f "$f" $args
    [ -z "$out" ] && pass || fail "$f: validate printed on stdout: $out"
    want=$(cat "$b.expect")
    if [ "$err" = "$want" ]; then
        pass
    else
        fail "$f: stderr differs from $b.expect"
        printf '%s\n' "$err" > /tmp/stack-rules-got.$$
        diff "$b.expect" /tmp/stack-rules-got.$$ | head -20
        rm -f /tmp/stack-rules-got.$$
    fi
    case "$want" in
        *"nothing was sent to AWS") pass ;;
        *) fail "$b.expect does not end with the closing line" ;;
    esac
done

# The cap: 50 problems shown, then a count of the rest.
expect_exit 2 -- "$ECSDEPLOY" validate -f tests/stack/many-problems.yml
n=$(printf '%s\n' "$err" | grep -c '^tests/stack/many-problems.yml:[0-9]*:[0-9]*: ')
[ "$n" -eq 50 ] && pass || fail "many-problems: $n located problems shown, wanted 50"
expect_in "$err" "tests/stack/many-problems.yml: and 5 more problems" "cap line"

finish
