#!/bin/sh
# A bad stack file stops every stack command before any network call: exit 2, the
# problems as FILE:LINE:COLUMN, and not one connection to the endpoint (a listener on
# 127.0.0.1 counts them).
. tests/e2e/lib.sh
TMP=$(mktemp -d)
PY=/usr/bin/python3
$PY - "$TMP" <<'PYEOF' &
import socket, sys, os
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
d = sys.argv[1]
open(os.path.join(d, "port.tmp"), "w").write(str(s.getsockname()[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
n = 0
s.settimeout(0.2)
while not os.path.exists(os.path.join(d, "stop")):
    try:
        c, _ = s.accept(); c.close(); n += 1
        open(os.path.join(d, "count"), "w").write(str(n))
    except socket.timeout:
        pass
PYEOF
listener=$!
trap 'touch "$TMP/stop"; wait $listener 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
while [ ! -f "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$TMP/port")
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example AWS_REGION=eu-west-1
export AWS_EC2_METADATA_DISABLED=true

for cmd in validate plan up status down; do
    extra=""
    [ "$cmd" = down ] && extra="--yes"
    if ! "$ECSDEPLOY" --help | grep -q "^  $cmd "; then
        echo "note: no '$cmd' command in this build"
        continue
    fi
    # shellcheck disable=SC2086
    expect_exit 2 -- "$ECSDEPLOY" $cmd -f tests/stack/fargate-cpu.yml --endpoint-url "http://127.0.0.1:$port" $extra
    expect_in "$err" "tests/stack/fargate-cpu.yml:3:29: services.web.cpu: 300 is not a Fargate cpu size" "$cmd reports the problem"
    expect_in "$err" "nothing was sent to AWS" "$cmd says nothing was sent"
done
sleep 0.3
if [ -f "$TMP/count" ]; then
    fail "the endpoint got $(cat "$TMP/count") connection(s) although the stack file is invalid"
else
    pass
fi
# Control: a command that does call AWS is seen by the listener, so the check above can fail.
if "$ECSDEPLOY" --help | grep -q "^  whoami "; then
    AWS_MAX_ATTEMPTS=1 timeout 30 "$ECSDEPLOY" whoami --endpoint-url "http://127.0.0.1:$port" >/dev/null 2>&1
    sleep 0.5
    [ -f "$TMP/count" ] && pass || fail "the listener saw no connection from whoami: the check cannot work"
fi
finish
