#!/bin/sh
# make bench: ecsdeploy against the local AWS fake, and the same topology by hand with the
# AWS CLI v2; every run projected to AWS's own durations (bench/README.md). Starts its own
# fake on a free loopback port, stops it by its PID.
#   BENCH_LATENCY_MS   latency the fake adds to every call (default 25)
#   BENCH_TIME_SCALE   factor on AWS's asynchronous durations (default 0.05: an ALB that
#                      takes 90 s on AWS is active after 4.5 s)
#   BENCH_POLL_SECONDS ecsdeploy's poll interval on the fake (default 0.25)
#   BENCH_SKIP_CLI=1   leave the AWS CLI comparison out
#   BENCH_SKIP_SCALE=1 leave the scale phase (a stack of 1 and of 20 services) out
#   BENCH_PHASE_TIMEOUT a command still running after this many seconds is stopped (180;
#                      BENCH_CLI_TIMEOUT, 900, for the AWS CLI script's phases)
#   BENCH_DEPTH_LATENCY_MS latency while the no-change up and status run a second time for
#                      their round-trip depth (default 150)
# Results: a table on stdout, bench/out/results.json, logs of every command and a timeline
# picture of every phase (PHASE.svg, and PHASE.MODEL.svg for the projections) in bench/out/.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
export BENCH_LATENCY_MS=${BENCH_LATENCY_MS:-25}
export BENCH_TIME_SCALE=${BENCH_TIME_SCALE:-0.05}
export BENCH_OUT="$TOP/bench/out"
export ECSDEPLOY="$TOP/bin/ecsdeploy" BENCH_STACK=bench/canardstack.yml
[ -x "$ECSDEPLOY" ] || { echo "bench: $ECSDEPLOY is missing; run \`make bench\` (it builds it)"; exit 1; }
mkdir -p "$BENCH_OUT"
rm -f "$BENCH_OUT"/*.out "$BENCH_OUT"/*.err "$BENCH_OUT"/*.svg "$BENCH_OUT"/*.yml "$BENCH_OUT"/results.json

/usr/bin/python3 tests/fakeaws/run --port 0 --latency-ms "$BENCH_LATENCY_MS" \
    --time-scale "$BENCH_TIME_SCALE" --seed 5 >"$BENCH_OUT/fake.stdout" 2>"$BENCH_OUT/fake.stderr" &
fake=$!
cleanup() { kill "$fake" 2>/dev/null || true; wait "$fake" 2>/dev/null || true; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
url=
for _ in $(seq 200); do
    url=$(sed -n 's/^fakeaws listening on //p' "$BENCH_OUT/fake.stdout")
    [ -n "$url" ] && break
    kill -0 "$fake" 2>/dev/null || break
    sleep 0.05
done
[ -n "$url" ] || { echo "bench: the local AWS fake did not start:"; cat "$BENCH_OUT/fake.stderr"; exit 1; }

# Everything below talks to the fake on 127.0.0.1 only: no profile, no proxy, no metadata.
export AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER= AWS_CLI_AUTO_PROMPT=off
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
unset AWS_PROFILE AWS_SESSION_TOKEN http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export ECSDEPLOY_POLL_SECONDS=${BENCH_POLL_SECONDS:-0.25}

echo "bench: fake at $url (pid $fake), latency $BENCH_LATENCY_MS ms, time scale $BENCH_TIME_SCALE"
/usr/bin/python3 bench/bench.py
