#!/bin/sh
# A Cloud Map name removed from a service in the file: `up` detaches it (UpdateService with
# an empty serviceRegistries list) before deleting the discovery service, and then has
# nothing left to do. (A load balancer removed the same way: test_examples.py, dbward.)
. tests/e2e/fake.sh
start_fake

fake_work
cat >"$work/a.yml" <<'YML'
stack: detach
network: { vpc: { cidr: 10.91.0.0/16 }, zones: 2, nat: none }
discovery: { namespace: detach.internal }
services:
  web:
    image: nginx:1.27
    port: 8080
    subnets: public
    discovery: { name: web }
YML
sed '/discovery: { name: web }/d' "$work/a.yml" >"$work/b.yml"
registries() {
    /usr/bin/aws --endpoint-url "$FAKE_URL" ecs describe-services --cluster detach --services web \
        --query 'length(services[0].serviceRegistries)' --output text
}

expect_exit 0 -- "$ECSDEPLOY" -f "$work/a.yml" up
[ "$(registries)" = 1 ] && pass || fail "the service has no registry after up"
expect_exit 4 -- "$ECSDEPLOY" -f "$work/b.yml" plan --detailed-exitcode
expect_in "$out" "delete   discovery/web" "plan shows the Cloud Map service going"
expect_in "$out" "- registry: arn:aws:servicediscovery" "plan shows it removed (a line marked -)"
expect_exit 0 -- "$ECSDEPLOY" -f "$work/b.yml" up
[ "$(registries)" = 0 ] && pass || fail "the registry is still attached: $(registries)"
expect_exit 0 -- "$ECSDEPLOY" -f "$work/b.yml" plan --detailed-exitcode
expect_exit 0 -- "$ECSDEPLOY" -f "$work/a.yml" up
[ "$(registries)" = 1 ] && pass || fail "the registry was not attached again"
expect_exit 0 -- "$ECSDEPLOY" -f "$work/a.yml" down --yes

finish
