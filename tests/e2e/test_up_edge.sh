#!/bin/sh
# A stack with a load balancer (HTTP redirected to HTTPS), a service behind it and one in
# Cloud Map, through the binary against the fake: up, up again ("No changes", reads
# only), status (load balancer state and DNS name, target health), down --yes (nothing of
# the stack left in elbv2 or servicediscovery).
. tests/e2e/fake.sh
start_fake

fake_work
cat >"$stack" <<'YML'
stack: edgee2e
network: { vpc: { cidr: 10.90.0.0/16 }, zones: 2, nat: none }
discovery: { namespace: edgee2e.internal }
load_balancers:
  web:
    idle_timeout: 90
    listeners:
      - { port: 80, redirect_to: 443 }
      - { port: 443, certificates: [ "arn:aws:acm:us-east-1:123456789012:certificate/e2e-1" ] }
services:
  web:
    image: nginx:1.27
    port: 8080
    load_balancer: { name: web, health_check: { path: /healthz }, deregistration_delay: 5 }
  api:
    image: nginx:1.27
    port: 9000
    discovery: { name: api }
YML

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "Stack edgee2e is up" "up summary"
expect_in "$out" "alb/web" "up shows the load balancer"
expect_in "$out" "listener_rule/web-443" "up shows the rule"
expect_in "$out" "discovery/api" "up shows the Cloud Map service"

expect_stack_run 0 up
expect_in "$out" "No changes" "second up"
fake_no_writes "$seq" "a no-change up made write calls"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status --output json
printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
text = json.dumps(d)
assert "elb.amazonaws.com" in text, "no DNS name"
assert "\"active\"" in text, "no active state"
assert "healthy" in text, "no target health"' && pass || fail "status --output json: $out"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" status
printf '%s\n' "$out" | grep -q "^  load balancer  *web: active, .*elb.amazonaws.com" && pass \
    || fail "status lists the load balancer with its state and DNS name: $out"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
expect_in "$out" "is down" "down summary"
fake_get /_fake/resources | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
left = [x for x in d.get("elbv2", {}).get("load_balancers", []) + d.get("elbv2", {}).get("target_groups", [])
        if x["name"].startswith("edgee2e-")]
left += d.get("elbv2", {}).get("listeners", []) + d.get("elbv2", {}).get("rules", [])
left += [n for n in d.get("servicediscovery", {}).get("namespaces", []) if n["name"] == "edgee2e.internal"]
left += d.get("servicediscovery", {}).get("services", [])
print(left) if left else None
sys.exit(1 if left else 0)' && pass || fail "down left load balancing or discovery resources"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
expect_in "$out" "Nothing to delete" "second down"

finish
