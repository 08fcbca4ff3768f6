#!/bin/sh
# ecsdeploy logs against the fake: a service's events prefixed with task and container,
# filters, --follow showing new lines without repeats, ended cleanly by SIGINT.
. tests/e2e/fake.sh
start_fake

web_stack lg
task=$(/usr/bin/python3 tests/e2e/exec_world.py "$FAKE_URL" service lg web /ecsdeploy/lg/web) \
    || { echo "setup failed"; exit 1; }
short=$(printf '%.12s' "$task")

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web
expect_in "$out" "$short web " "events carry the task id and container"
expect_in "$out" "starting nginx:1.27 in task $task" "the task's start line"
case "$out" in *"["*"m"*) fail "colour codes when stdout is not a terminal" ;; *) pass ;; esac
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --container other
[ -z "$out" ] && pass || fail "--container other still printed: $out"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --task "$task" --since 10m
expect_in "$out" "web: ready" "--task filter keeps the task's lines"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" logs nosuch
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" logs web --since yesterday
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" logs web --since 0x10
expect_in "$err" "--since wants a duration" "hexadecimal is not a duration"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" logs web --since 2024-02-30T00:00:00Z
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" logs wbe
expect_in "$err" "did you mean 'web'?" "logs suggests the service"

# --output json: one event per line with time, stream, task, container and message
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --since 2d --output json
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys, re
lines = [l for l in sys.stdin.read().splitlines() if l]
evs = [json.loads(l) for l in lines]
assert len(evs) >= 2, evs
for e in evs:
    assert set(e) == {"time", "stream", "task", "container", "message"}, e
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"]), e
    assert e["container"] == "web" and e["stream"].endswith(e["task"]), e
assert any(e["message"] == "web: ready" for e in evs), evs' && pass || fail "logs --output json: $out"
# --since as an RFC 3339 time (the fake's clock runs ahead: a time a day back covers it)
when=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --since "$when"
expect_in "$out" "web: ready" "--since an RFC 3339 time"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --since "$when" --limit 1
[ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ] && pass || fail "--limit 1 printed: $out"
# --filter goes to FilterLogEvents as a CloudWatch Logs filter pattern
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --filter '"web: ready"'
[ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ] && pass || fail "--filter printed: $out"
expect_in "$out" "web: ready" "--filter keeps the matching event"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" logs web --filter 'starting -ready'
expect_in "$out" "starting nginx" "--filter with an excluded term"
expect_exit 1 -- "$ECSDEPLOY" -f "$stack" logs web --filter 'a.b'
expect_in "$err" "refused --filter 'a.b'" "a pattern CloudWatch refuses is named"

# --follow: periodic lines appear, none twice; SIGINT ends it with exit 0
# (the fake advances its tasks, and their periodic log lines, on ECS calls: keep polling)
/usr/bin/python3 -c '
import sys, time
sys.path.insert(0, "tests/e2e")
from exec_world import Remote
ecs = Remote(sys.argv[1]).client("ecs")
while True:
    ecs.list_tasks(cluster="lg")
    time.sleep(0.1)' "$FAKE_URL" &
poker=$!
ECSDEPLOY_POLL_SECONDS=0.2 "$ECSDEPLOY" -f "$stack" logs web --follow >"$work/follow.out" 2>"$work/follow.err" &
pid=$!
# wait for the third periodic line (not a fixed time: a loaded machine is slower), at most 120 s
i=0
while [ $i -lt 1200 ] && ! grep -q "alive (3)" "$work/follow.out"; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
kill $poker 2>/dev/null; wait $poker 2>/dev/null
[ $rc -eq 0 ] && pass || fail "logs --follow ended with $rc after SIGINT: $(cat "$work/follow.err")"
grep -q "alive (3)" "$work/follow.out" && pass || fail "follow showed no new lines: $(cat "$work/follow.out")"
dups=$(sort "$work/follow.out" | uniq -d | wc -l)
[ "$dups" -eq 0 ] && pass || fail "follow repeated lines: $(sort "$work/follow.out" | uniq -d)"
starts=$(grep -c "starting nginx" "$work/follow.out")
[ "$starts" -eq 1 ] && pass || fail "the start line appeared $starts times"

finish
