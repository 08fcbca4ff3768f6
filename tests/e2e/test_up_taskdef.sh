#!/bin/sh
# Task definition revisions through the real binary against the fake: a revision is
# registered only when the stack file really differs from what the service runs.
#   - a failed `up` (crash-looping image) rolled back, then `up` with the original file:
#     "No changes" and no RegisterTaskDefinition;
#   - `ecsdeploy deploy` of a bad tag rolled back by the circuit breaker, then `up`:
#     no RegisterTaskDefinition, no changes;
#   - `ecsdeploy deploy` of a good tag, then `up` with the original file: the deployed tag is
#     kept (plan says so); `up --take-file` goes back to the revision that matches the
#     file, reused rather than registered again.
. tests/e2e/fake.sh

fake_work app.yml
write_stack() {
    cat >"$stack" <<YML
stack: e2etd
services:
  web:
    image: $1
    port: 8080
    environment: { MODE: one }
YML
}
write_stack nginx:1.27

start_fake

# revision_of_service: the revision number the service runs now.
revision_of_service() {
    "$ECSDEPLOY" -f "$stack" status --output json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print([r for r in d["resources"] if r["id"] == "service/web"][0]["revision"])'
}

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "Stack e2etd is up" "first up"

# 1. A failed up, rolled back: the service is back on revision 1 and revision 2 (the
#    crash loop) stays the family's latest ACTIVE one.
write_stack crashloop
expect_stack_run 3 up
expect_in "$err" "Essential container in task exited" "the failed up names the reason"
n=$(fake_count_since "$seq" RegisterTaskDefinition)
[ "$n" = 1 ] && pass || fail "the failed up and its rollback registered $n task definition(s), wanted 1"
[ "$(revision_of_service)" = 1 ] && pass || fail "after the failed up the service does not run revision 1"

write_stack nginx:1.27
expect_stack_run 0 plan --detailed-exitcode
expect_in "$out" "No changes" "plan after the rolled-back up"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "No changes" "up after the rolled-back up"
n=$(fake_count_since "$seq" RegisterTaskDefinition)
[ "$n" = 0 ] && pass || fail "up after a rolled-back up registered $n task definition(s)"
n=$(fake_count_since "$seq" UpdateService)
[ "$n" = 0 ] && pass || fail "up after a rolled-back up updated the service $n time(s)"

# 2. `ecsdeploy deploy` of a bad tag (nginx:crashloop), rolled back by the circuit breaker.
expect_exit 3 -- "$ECSDEPLOY" -f "$stack" deploy web --tag crashloop
[ "$(revision_of_service)" = 1 ] && pass || fail "after the failed deploy the service does not run revision 1"
expect_stack_run 0 up
expect_in "$out" "No changes" "up after a rolled-back deploy"
n=$(fake_count_since "$seq" RegisterTaskDefinition)
[ "$n" = 0 ] && pass || fail "up after a rolled-back deploy registered $n task definition(s)"

# 3. A good deploy of another tag: up keeps it (the file has not changed since), and plan
#    says so; up --take-file web takes the file's image again, reusing revision 1.
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" deploy web --tag 1.28
rev=$(revision_of_service)
[ "$rev" -gt 1 ] && pass || fail "the deploy of 1.28 did not give a new revision ($rev)"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode
expect_in "$out" "No changes" "the plan after the deploy has no change"
expect_in "$out" "Kept as deployed" "the plan says what it keeps"
expect_in "$out" "containerDefinitions[web].image: nginx:1.28 (the file says nginx:1.27)" "and which image, and why"
expect_stack_run 0 up
expect_in "$out" "No changes" "up keeps the deployed image"
n=$(fake_count_since "$seq" UpdateService)
[ "$n" = 0 ] && pass || fail "up after the deploy updated the service $n time(s)"
[ "$(revision_of_service)" = "$rev" ] && pass || fail "up did not keep revision $rev"
expect_exit 4 -- "$ECSDEPLOY" -f "$stack" plan --detailed-exitcode --take-file web
expect_in "$out" "containerDefinitions[web].image: nginx:1.28 -> nginx:1.27" "plan --take-file shows the file's image"
expect_stack_run 0 up --take-file web
n=$(fake_count_since "$seq" RegisterTaskDefinition)
[ "$n" = 0 ] && pass || fail "up --take-file registered $n task definition(s)"
[ "$(revision_of_service)" = 1 ] && pass || fail "up --take-file did not bring the service back to revision 1"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "No changes" "up after going back to revision 1"
expect_exit 2 -- "$ECSDEPLOY" -f "$stack" up --take-file nosuch
expect_in "$err" "has no service 'nosuch'" "--take-file names a service of the file"

# 4. A real change still registers exactly one revision.
cat >"$stack" <<YML
stack: e2etd
services:
  web:
    image: nginx:1.27
    port: 8080
    environment: { MODE: two }
YML
expect_stack_run 0 up
n=$(fake_count_since "$seq" RegisterTaskDefinition)
[ "$n" = 1 ] && pass || fail "a changed environment registered $n task definition(s), wanted 1"
expect_exit 0 -- "$ECSDEPLOY" -f "$stack" up
expect_in "$out" "No changes" "up after the change"

expect_exit 0 -- "$ECSDEPLOY" -f "$stack" down --yes --purge
finish
