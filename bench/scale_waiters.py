#!/usr/bin/python3
"""Writes the AWS CLI's waiter definitions for ec2, ecs and elbv2 with their delays scaled
by the fake's time scale (and as many more attempts), under OUTDIR/<service>/<version>/
for AWS_DATA_PATH; and, when ../shared/aws-models has it, the newer ECS model (CLI 2.9 does
not know service-managed EBS volumes). Usage: scale_waiters.py SCALE OUTDIR [ECS_MODEL]"""
import glob
import json
import os
import shutil
import sys

SRC = "/usr/lib/python3/dist-packages/awscli/botocore/data"


def main():
    scale, out = float(sys.argv[1]), sys.argv[2]
    for svc in ("ec2", "ecs", "elbv2"):
        for path in glob.glob(os.path.join(SRC, svc, "*", "waiters-2.json")):
            with open(path) as f:
                doc = json.load(f)
            for w in doc["waiters"].values():
                w["delay"] = max(0.05, w["delay"] * scale)
                w["maxAttempts"] = int(w["maxAttempts"] / scale) + 1
            dest = os.path.join(out, svc, os.path.basename(os.path.dirname(path)))
            os.makedirs(dest, exist_ok=True)
            with open(os.path.join(dest, "waiters-2.json"), "w") as f:
                json.dump(doc, f)
    model = sys.argv[3] if len(sys.argv) > 3 else ""
    dest = os.path.join(out, "ecs", "2014-11-13", "service-2.json")
    if model and os.path.isfile(model):
        shutil.copyfile(model, dest)
    elif os.path.exists(dest):
        os.remove(dest)


if __name__ == "__main__":
    main()
