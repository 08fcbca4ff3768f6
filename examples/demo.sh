#!/bin/sh
# make demo: a newcomer's first five minutes, entirely on this machine. It starts the
# local AWS fake (tests/fakeaws), deploys examples/canardstack.yml with `up`, shows
# `status`, rolls out a new image tag with `deploy`, reads a file inside a running
# container with `exec`, and tears everything down with `down --purge`, then stops the fake.
# Durations of AWS's asynchronous steps are scaled down (DEMO_TIME_SCALE, default 0.02:
# a load balancer that takes 90 s on AWS takes about 2 s here).
set -eu
cd "$(dirname "$0")/.."
B=bin/ecsdeploy
STACK=examples/canardstack.yml
scale=${DEMO_TIME_SCALE:-0.02}

out=$(mktemp -d)
/usr/bin/python3 tests/fakeaws/run --port 0 --time-scale "$scale" >"$out/fake.out" 2>"$out/fake.err" &
fake=$!
cleanup() { kill "$fake" 2>/dev/null || true; wait "$fake" 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT INT TERM
url=
for _ in $(seq 100); do
    url=$(sed -n 's/^fakeaws listening on //p' "$out/fake.out")
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || { echo "demo: the local AWS fake did not start:"; cat "$out/fake.err"; exit 1; }

# Everything below talks to the fake only.
export AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true ECSDEPLOY_POLL_SECONDS=${ECSDEPLOY_POLL_SECONDS:-0.2}
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION

if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); else bold=; plain=; fi
step() { printf '\n%s== %s%s\n$ %s\n' "$bold" "$1" "$plain" "$2"; }

echo "demo: the local AWS fake listens on $url (time scale $scale)"
step "Who am I (on the fake)" "ecsdeploy whoami"
$B whoami
step "Check the stack file" "ecsdeploy -f $STACK validate"
$B -f "$STACK" validate
step "What up would do" "ecsdeploy -f $STACK plan"
$B -f "$STACK" plan
step "Deploy it" "ecsdeploy -f $STACK up"
$B -f "$STACK" up
step "Deploy again: nothing to do" "ecsdeploy -f $STACK up"
$B -f "$STACK" up
step "What is running" "ecsdeploy -f $STACK status"
$B -f "$STACK" status
step "Roll out a new image tag" "ecsdeploy -f $STACK deploy app --tag 1.4.3"
$B -f "$STACK" deploy app --tag 1.4.3
step "Its recent deployments" "ecsdeploy -f $STACK history app"
$B -f "$STACK" history app
step "Read a file inside the running container (ECS Exec, no plugin)" \
    "ecsdeploy -f $STACK exec app -- cat /usr/share/fakeaws/image"
$B -f "$STACK" exec app -- cat /usr/share/fakeaws/image
step "Tear it all down, kept data too" "ecsdeploy -f $STACK down --yes --purge"
$B -f "$STACK" down --yes --purge
echo
echo "demo: done; the fake is stopped and nothing left this machine."
