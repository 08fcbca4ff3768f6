# Start and stop the local AWS fake from an end-to-end shell test. The prelude of a test
# that uses the fake (it sources lib.sh):
#   . tests/e2e/fake.sh; start_fake [extra run flags]; fake_work [FILE]; ...
# (the fake stopped and $work removed on exit). Exports AWS_ENDPOINT_URL and test
# credentials; FAKE_URL is the base URL.
. tests/e2e/lib.sh

start_fake() {
    fake_dir=$(mktemp -d)
    /usr/bin/python3 tests/fakeaws/run --port 0 --time-scale "${FAKE_TIME_SCALE:-0.01}" "$@" \
        >"$fake_dir/out" 2>"$fake_dir/err" &
    fake_pid=$!
    trap stop_fake EXIT INT TERM
    i=0
    while [ $i -lt 100 ]; do
        FAKE_URL=$(sed -n 's/^fakeaws listening on //p' "$fake_dir/out")
        [ -n "$FAKE_URL" ] && break
        sleep 0.05
        i=$((i + 1))
    done
    if [ -z "$FAKE_URL" ]; then
        echo "the fake did not start:"; cat "$fake_dir/err"
        exit 1
    fi
    export AWS_ENDPOINT_URL="$FAKE_URL" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
    export AWS_EC2_METADATA_DISABLED=true ECSDEPLOY_POLL_SECONDS=0.05
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION
}

stop_fake() {
    [ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
    fake_pid=
    [ -n "${fake_dir:-}" ] && rm -rf "$fake_dir"
    [ -n "${work:-}" ] && rm -rf "$work"
}

# fake_work [FILE]: $work, a new folder (removed on exit with the fake), and $stack, the
# path of the stack file FILE in it (ecsdeploy.yml when not given), not written yet.
fake_work() {
    work=$(mktemp -d)
    stack=$work/${1:-ecsdeploy.yml}
}

# web_stack NAME [PORT]: fake_work, and in $stack a stack file for stack NAME with one
# service, web, running nginx:1.27 (on PORT when given).
web_stack() {
    fake_work
    printf 'stack: %s\nservices:\n  web:\n    image: nginx:1.27\n' "$1" >"$stack"
    if [ -n "${2:-}" ]; then
        printf '    port: %s\n' "$2" >>"$stack"
    fi
}

# fake_get PATH: GET a control path (e.g. /_fake/resources) and print the body.
fake_get() { curl -s "$FAKE_URL$1"; }
fake_post() { curl -s -X POST -H 'Content-Type: application/json' -d "${2:-{\}}" "$FAKE_URL$1"; }

# How many API calls the fake has seen.
fake_call_count() {
    fake_get /_fake/calls | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["calls"] if isinstance(d, dict) else d))'
}

# fake_last_seq: the sequence number of the newest call the fake has seen (0: none yet).
fake_last_seq() {
    fake_get /_fake/calls | /usr/bin/python3 -c '
import json, sys
print(max([c["seq"] for c in json.load(sys.stdin)["calls"]] or [0]))'
}

# expect_stack_run CODE ARGS...: $seq the newest call the fake has seen, then the binary run
# on $stack with ARGS (expect_exit CODE: $out and $err hold what it printed); the calls it
# made are those after $seq (fake_count_since, fake_no_writes).
expect_stack_run() {
    code=$1; shift
    seq=$(fake_last_seq)
    expect_exit "$code" -- "$ECSDEPLOY" -f "$stack" "$@"
}

# fake_count_since SEQ OPERATION: how many calls of OPERATION came after SEQ.
fake_count_since() {
    fake_get "/_fake/calls?since=$1" | /usr/bin/python3 -c '
import json, sys
print(sum(1 for x in json.load(sys.stdin)["calls"] if x["operation"] == sys.argv[1]))' "$2"
}

# fake_no_writes SEQ MESSAGE: a pass when every call after SEQ only read (Describe, List,
# Get); else the writes are printed and MESSAGE is the failure.
fake_no_writes() {
    fake_get "/_fake/calls?since=$1" | /usr/bin/python3 -c '
import json, sys
writes = [c["operation"] for c in json.load(sys.stdin)["calls"]
          if not c["operation"].startswith(("Describe", "List", "Get"))]
print(writes) if writes else None
sys.exit(1 if writes else 0)' && pass || fail "$2"
}
