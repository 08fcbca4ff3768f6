#!/bin/sh
# Load balancer settings changed in place, through the binary against the fake:
#   - the ALB's subnets and security groups, changed behind ecsdeploy's back (SetSubnets,
#     SetSecurityGroups), show as field updates in `plan` (not a replacement) and `up`
#     puts them back; their order never shows as a change;
#   - an HTTPS listener with several certificates: the first is the default, the others
#     are its certificate list (Add/RemoveListenerCertificates); changing the default and
#     the list is an update, reordering the others is no change.
. tests/e2e/fake.sh
start_fake

fake_work
cert() { echo "arn:aws:acm:us-east-1:123456789012:certificate/lbe2e-$1"; }
write_stack() {
    cat >"$stack" <<YML
stack: lbe2e
network: { vpc: { cidr: 10.91.0.0/16 }, zones: 3, nat: none }
load_balancers:
  web:
    listeners:
      - { port: 80, redirect_to: 443 }
      - { port: 443, certificates: [ $1 ] }
services:
  web:
    image: nginx:1.27
    port: 8080
    load_balancer: { name: web, deregistration_delay: 5 }
YML
}
write_stack "$(cert 1), $(cert 2), $(cert 3)"

awsf() { AWS_PAGER= /usr/bin/aws --endpoint-url "$FAKE_URL" --output json "$@"; }
# certs: "DEFAULT | OTHER OTHER…" (others sorted) of the HTTPS listener.
certs() {
    lb=$(awsf elbv2 describe-load-balancers --names lbe2e-web --query 'LoadBalancers[0].LoadBalancerArn' --output text)
    li=$(awsf elbv2 describe-listeners --load-balancer-arn "$lb" --query 'Listeners[?Port==`443`].ListenerArn' --output text)
    awsf elbv2 describe-listener-certificates --listener-arn "$li" | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)["Certificates"]
d = [x["CertificateArn"].rsplit("-", 1)[1] for x in c if x.get("IsDefault")]
o = sorted(x["CertificateArn"].rsplit("-", 1)[1] for x in c if not x.get("IsDefault"))
print(" ".join(d) + " | " + " ".join(o))'
}

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "Stack lbe2e is up" "up summary"
[ "$(certs)" = "1 | 2 3" ] && pass || fail "after up the listener has certificates '$(certs)', wanted '1 | 2 3'"
expect_stack_run 0 up
expect_in "$out" "No changes" "second up"
fake_no_writes "$seq" "a no-change up: write calls"

# Drift: the balancer in two of its three subnets, with one more group.
lbdesc=$(awsf elbv2 describe-load-balancers --names lbe2e-web)
lb=$(printf '%s' "$lbdesc" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["LoadBalancers"][0]["LoadBalancerArn"])')
subnets=$(printf '%s' "$lbdesc" | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(z["SubnetId"] for z in json.load(sys.stdin)["LoadBalancers"][0]["AvailabilityZones"])))')
groups=$(printf '%s' "$lbdesc" | /usr/bin/python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["LoadBalancers"][0]["SecurityGroups"]))')
vpc=$(printf '%s' "$lbdesc" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["LoadBalancers"][0]["VpcId"])')
default_sg=$(awsf ec2 describe-security-groups --filters Name=vpc-id,Values="$vpc" Name=group-name,Values=default \
    --query 'SecurityGroups[0].GroupId' --output text)
set -- $subnets
[ $# = 3 ] && pass || fail "the balancer is not in three subnets: $subnets"
awsf elbv2 set-subnets --load-balancer-arn "$lb" --subnets "$3" "$1" >/dev/null || fail "set-subnets"
awsf elbv2 set-security-groups --load-balancer-arn "$lb" --security-groups "$default_sg" $groups >/dev/null ||
    fail "set-security-groups"

expect_exit 4 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
expect_in "$out" "update   alb/web" "plan: the balancer is updated in place"
expect_in "$out" "subnets:" "plan shows the subnets"
expect_in "$out" "security_groups:" "plan shows the security groups"
expect_in "$out" "0 to replace" "plan replaces nothing"
expect_stack_run 0 up
expect_in "$out" "setting its subnets" "up sets the subnets"
awsf elbv2 describe-load-balancers --names lbe2e-web | /usr/bin/python3 -c '
import json, sys
lb = json.load(sys.stdin)["LoadBalancers"][0]
got = (" ".join(sorted(z["SubnetId"] for z in lb["AvailabilityZones"])), " ".join(lb["SecurityGroups"]))
sys.exit(0 if got == (sys.argv[1], sys.argv[2]) else 1)' "$subnets" "$groups" && pass ||
    fail "up did not put the subnets and groups back"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "No changes" "up after the balancer was put back"

# Certificates: a new default, one added, one removed.
write_stack "$(cert 2), $(cert 1), $(cert 4)"
expect_exit 4 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
expect_in "$out" "update   listener/web-443" "plan: the HTTPS listener is updated"
expect_in "$out" "certificate: $(cert 1) -> $(cert 2)" "plan shows the new default"
expect_in "$out" "certificates:" "plan shows the certificate list"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
[ "$(certs)" = "2 | 1 4" ] && pass || fail "after the change the listener has '$(certs)', wanted '2 | 1 4'"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "No changes" "up after the certificate change"

# The others in another order: no change.
write_stack "$(cert 2), $(cert 4), $(cert 1)"
expect_stack_run 0 up
expect_in "$out" "No changes" "reordered certificates"
fake_no_writes "$seq" "up with reordered certificates: write calls"

# Back to one certificate: the list empties.
write_stack "$(cert 2)"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
[ "$(certs)" = "2 | " ] && pass || fail "with one certificate the listener has '$(certs)', wanted '2 | '"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes
finish
