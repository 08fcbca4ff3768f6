# Shared helpers for the end-to-end shell tests. Source it: . tests/e2e/lib.sh
# ECSDEPLOY is the binary under test (the sanitizer build from `make check`).
set -u
ECSDEPLOY=${ECSDEPLOY:-bin/ecsdeploy}
failures=0
passes=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }

# expect_exit CODE -- CMD...: run CMD, keep stdout/stderr in $out/$err, check its exit code.
expect_exit() {
    want=$1; shift; [ "$1" = "--" ] && shift
    out=$("$@" 2>/tmp/e2e-err.$$); got=$?
    err=$(cat /tmp/e2e-err.$$); rm -f /tmp/e2e-err.$$
    if [ "$got" -ne "$want" ]; then
        fail "'$*' exited $got, wanted $want; stderr: $err"
    else
        pass
    fi
}

# expect_in TEXT NEEDLE LABEL
expect_in() {
    case "$1" in
        *"$2"*) pass ;;
        *) fail "$3: '$2' not found in: $1" ;;
    esac
}

# The closing line; exit status for the runner.
finish() {
    echo "$passes passed, $failures failed"
    [ "$failures" -eq 0 ]
}
