#!/bin/sh
# The canardstack topology as people write it by hand with the AWS CLI v2: one command
# after another, with the CLI's waiters where it has them and polling loops elsewhere.
#   sh bench/aws-cli.sh up     build it        sh bench/aws-cli.sh down    tear it down
#   sh bench/aws-cli.sh deploy TAG             an image bump of app
# Talks only to $AWS_ENDPOINT_URL (the local fake; bench/run.sh sets it up). Waits that
# AWS measures in minutes are scaled by BENCH_TIME_SCALE on the fake, so the waiters'
# delays are scaled the same way (scaled waiter definitions through AWS_DATA_PATH) and so
# are the hand-written polling intervals (5 s on AWS).
# Generated secret values stay in shell variables and are never printed.
set -euf
case "${AWS_ENDPOINT_URL:-}" in
    http://127.0.0.1:*) ;;
    *) echo "aws-cli.sh: AWS_ENDPOINT_URL must be the local fake (http://127.0.0.1:PORT)" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
scale=${BENCH_TIME_SCALE:-0.05}
data=${BENCH_OUT:-$here/out}/awsdata
/usr/bin/python3 "$here/scale_waiters.py" "$scale" "$data" "$here/../../shared/aws-models/ecs/2014-11-13/service-2.json"
EBS=0
[ -f "$data/ecs/2014-11-13/service-2.json" ] && EBS=1
export AWS_DATA_PATH="$data"
POLL=$(/usr/bin/python3 -c "print(max(0.05, 5 * $scale))")
S=canardstack R=us-east-1
ACCOUNT=000000000000
aws() { /usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL" --region "$R" --output text "$@"; }
say() { echo "aws-cli.sh: $*"; }
now() { date +%s.%N; }
waited() { # waited NAME START: one line the bench adds up (time spent waiting on AWS)
    /usr/bin/python3 -c "import sys,time; print('aws-cli.sh: waited %s %.3f s' % (sys.argv[1], time.time() - float(sys.argv[2])))" "$1" "$2"
}
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
ECS_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
MP=arn:aws:iam::aws:policy/service-role
. "$here/aws-cli-up.sh"
. "$here/aws-cli-down.sh"
. "$here/aws-cli-deploy.sh"
case "${1:-}" in
    up) up ;;
    down) down ;;
    deploy) deploy "${2:-}" ;;
    *) echo "usage: aws-cli.sh up|deploy TAG|down" >&2; exit 2 ;;
esac
