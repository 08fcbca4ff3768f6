"""Helpers for the database end-to-end tests (test_up_database*.py): run the binary
against a fake with every command's output kept (so that a test can show no output ever
held the database password), read what RDS, EC2, IAM and the tasks hold, and make the
databases and caches that exist before a stack does."""

import hashlib
import json
import os
import subprocess
import sys
import urllib.request

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "tests", "fakeaws", "tests"))
sys.path.insert(0, os.path.join(TOP, "bench"))
from fakelib import Fake, Report  # noqa: E402,F401
import fakectl  # noqa: E402
from stackworld import env_for  # noqa: E402

ECSDEPLOY = os.environ.get("ECSDEPLOY", os.path.join(TOP, "bin", "ecsdeploy"))
SHARED_MODELS = os.path.normpath(os.path.join(TOP, "..", "shared", "aws-models"))


class World:
    def __init__(self, fake, work):
        self.fake = fake
        self.work = work
        self.outputs = []     # (command, stdout + stderr) of every run
        self.env = env_for(fake, direct=True)
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.ctl = fakectl.Fake(fake.url)

    def stack(self, name, text):
        path = os.path.join(self.work, name + ".yml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(self, stack, *args, timeout=300):
        p = subprocess.run([ECSDEPLOY, "-f", stack] + list(args), env=self.env, capture_output=True,
                           text=True, timeout=timeout)
        self.outputs.append((" ".join(args), p.stdout + p.stderr))
        return p.returncode, p.stdout, p.stderr

    # ---- the fake's state ---------------------------------------------------------------

    def post(self, path, doc):
        req = urllib.request.Request(self.fake.url + path, method="POST", data=json.dumps(doc).encode(),
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as r:
            return json.loads(r.read().decode() or "null")

    def resources(self):
        return self.ctl.resources()

    def rds(self):
        return self.resources()["rds"]

    def last_seq(self):
        return self.ctl.last_seq()

    def calls_since(self, seq):
        return self.ctl.calls_since(seq)

    def faults(self, doc):
        return self.post("/_fake/faults", doc)

    def client(self, service):
        """A botocore client of the fake that knows the current service models
        (../shared/aws-models): the system's botocore may predate RDS's managed master
        password (MasterUserSecret), which it would drop from the answers."""
        import botocore.session
        from botocore.config import Config
        s = botocore.session.get_session()
        if os.path.isdir(SHARED_MODELS):
            s.set_config_variable("data_path", SHARED_MODELS)
        return s.create_client(service, region_name="us-east-1", endpoint_url=self.fake.url,
                               aws_access_key_id="test", aws_secret_access_key="test",
                               config=Config(retries={"total_max_attempts": 1}))

    def instance(self, ident):
        return self.client("rds").describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0]

    def password(self, ident):
        """The master password RDS keeps for an instance (the test reads it to look for it
        in ecsdeploy's output; ecsdeploy itself never reads it)."""
        arn = self.instance(ident)["MasterUserSecret"]["SecretArn"]
        value = self.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
        return arn, json.loads(value)

    def group(self, group_id):
        return self.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]

    def leaked(self, secret):
        """The commands whose output held the secret."""
        return [cmd for cmd, out in self.outputs if secret in out]


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def world(fake, work):
    return World(fake, work)
