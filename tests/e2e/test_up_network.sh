#!/bin/sh
# `up`, `plan`, `status` and `down` of the network (VPC, subnets, gateways, route tables,
# NAT, security groups and rules) with the real binary against a fake it starts itself.
. tests/e2e/fake.sh
start_fake
fake_work stack.yml

run() { "$ECSDEPLOY" -f "$stack" "$@"; }

write_stack() {
    cat > "$stack" <<YAML
stack: e2e-net
network:
  vpc: { cidr: 10.80.0.0/16 }
  zones: 2
  nat: single
load_balancers:
  web: { listeners: [ { port: 80 } ] }
services:
  app:
    image: nginx
    port: 8080
    load_balancer: { name: web }
  worker:
    image: nginx
    port: 9000
    allow_from: [app, $1]
YAML
}

# How many resources of the stack the fake still holds (tagged ecsdeploy:stack=e2e-net).
left() {
    curl -s "$FAKE_URL/_fake/resources" | /usr/bin/python3 -c '
import json, sys
def walk(v):
    n = 0
    if isinstance(v, dict):
        if (v.get("tags") or {}).get("ecsdeploy:stack") == "e2e-net":
            n += 1
        for x in v.values():
            n += walk(x)
    elif isinstance(v, list):
        for x in v:
            n += walk(x)
    return n
print(walk(json.load(sys.stdin)))'
}

write_stack 10.1.0.0/16
expect_exit 4 -- run plan --detailed-exitcode
expect_in "$out" "create   vpc/main" "plan lists the VPC"
expect_in "$out" "create   nat/0" "plan lists the NAT gateway"

expect_exit 0 -- run up
expect_in "$out" "Stack e2e-net is up" "up summary"
expect_in "$out" "waiting for NAT gateway" "up shows the NAT wait"
[ "$(left)" -gt 0 ] && pass || fail "up made nothing the fake can see"

expect_exit 0 -- run up
expect_in "$out" "No changes" "second up"
expect_exit 0 -- run plan --detailed-exitcode
expect_in "$out" "No changes" "plan after up"

write_stack 10.2.0.0/16
expect_exit 4 -- run plan --detailed-exitcode
expect_in "$out" "update   sg_rules/worker" "plan shows the rules update"
expect_in "$out" "10.2.0.0/16" "plan shows the new CIDR"
expect_exit 0 -- run up
expect_exit 0 -- run plan --detailed-exitcode

expect_exit 0 -- run status
printf '%s\n' "$out" | grep -q "^  VPC  *main" && pass || fail "status lists the VPC: $out"
printf '%s\n' "$out" | grep -q "^  security group  .*worker" && pass || fail "status lists the groups: $out"
expect_in "$out" "available" "status shows the NAT state"

expect_exit 0 -- run down --yes
expect_in "$out" "Stack e2e-net is down" "down summary"
n=$(left)
[ "$n" = 0 ] && pass || fail "down left $n resources: $(curl -s "$FAKE_URL/_fake/resources")"
expect_exit 0 -- run down --yes
expect_exit 4 -- run plan --detailed-exitcode

# Killed in the middle of `up` (while the NAT gateway is pending): after `unlock --yes`
# the next `up` converges with nothing made twice, and `down` leaves nothing.
# `exec` so that $! is ecsdeploy itself: killing only a subshell would leave the real
# process running on, and its rollback would then undo the second `up`.
(exec "$ECSDEPLOY" -f "$stack" up) > "$work/killed.out" 2>&1 &
up_pid=$!
for _ in $(seq 100); do grep -q "waiting for NAT gateway" "$work/killed.out" 2>/dev/null && break; sleep 0.05; done
kill -9 $up_pid 2>/dev/null; wait $up_pid 2>/dev/null
grep -q "waiting for NAT gateway" "$work/killed.out" && pass || fail "up never reached the NAT wait: $(cat "$work/killed.out")"
expect_exit 0 -- run unlock --yes   # the lock the killed run left (README: one run per stack)
expect_exit 0 -- run up
expect_exit 0 -- run plan --detailed-exitcode
count() {
    curl -s "$FAKE_URL/_fake/resources" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)["ec2"]
print(sum(1 for k in ("vpcs", "nat_gateways", "elastic_ips", "internet_gateways") for r in d.get(k, [])
          if (r.get("tags") or {}).get("ecsdeploy:stack") == "e2e-net"))'
}
n=$(count)
[ "$n" = 4 ] && pass || fail "after a killed up and a second one: $n VPCs, NAT gateways, addresses and gateways, wanted 4"
expect_exit 0 -- run down --yes
n=$(left)
[ "$n" = 0 ] && pass || fail "down after the killed up left $n resources"

finish
