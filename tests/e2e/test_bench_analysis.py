#!/usr/bin/python3
"""The bench's own arithmetic in `make check`: bench/test_analyse.py checks the call
analysis, the model of AWS's durations and the projections (ecsdeploy's run replayed, the
CloudFormation order, the lower bound, the AWS CLI script) and the timeline pictures on
small runs whose answers are worked out by hand. No fake, no network."""
import os
import subprocess
import sys

TOP = os.environ.get("TOP", os.getcwd())
sys.exit(subprocess.call(["/usr/bin/python3", os.path.join(TOP, "bench", "test_analyse.py")]))
