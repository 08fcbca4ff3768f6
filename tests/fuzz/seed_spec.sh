#!/bin/sh
# Seeds for fuzz_spec: every example stack file and every bad-file fixture.
cp examples/*.yml tests/spec/*.yml "$1/" 2>/dev/null || true
