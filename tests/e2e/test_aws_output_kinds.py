#!/usr/bin/python3
"""src/aws/output_kinds.c is what tests/tools/gen_output_kinds.py makes of AWS's service
models (../shared/aws-models): which operations have no output members and which answer
with a payload. A model that changed, or a hand edit, shows here."""
import os
import subprocess
import sys

TOP = os.environ.get("TOP", os.getcwd())
MODELS = os.path.join(TOP, "..", "shared", "aws-models")
if not os.path.isdir(MODELS):
    print(f"skip: no service models at {MODELS}")
    sys.exit(77)
gen = subprocess.run([sys.executable, os.path.join(TOP, "tests", "tools", "gen_output_kinds.py"), MODELS],
                     capture_output=True, text=True)
if gen.returncode != 0:
    print(f"FAIL: the generator failed: {gen.stderr}")
    sys.exit(1)
have = open(os.path.join(TOP, "src", "aws", "output_kinds.c")).read()
if gen.stdout != have:
    print("FAIL: src/aws/output_kinds.c differs from what the models give; run\n"
          "  python3 tests/tools/gen_output_kinds.py > src/aws/output_kinds.c")
    sys.exit(1)
n = gen.stdout.count('{"')
print(f"1 passed, 0 failed ({n} service models)")
