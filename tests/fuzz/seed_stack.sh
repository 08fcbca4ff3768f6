#!/bin/sh
# Seeds for fuzz_stack: every example stack file and every bad-file fixture.
cp examples/*.yml tests/stack/*.yml "$1/" 2>/dev/null || true
