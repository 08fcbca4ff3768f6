#!/usr/bin/python3
"""The seeds' settings end to end against the fake (issue 14, "IAM and the rest of the
seeds' settings"): `up` creates, `plan` shows changes field by field, `up` updates, and
a second `up` only reads, for

  - Container Insights and FARGATE_SPOT capacity providers (the cluster's default
    strategy, a service's own, a service moving from the launch type to a strategy and
    back);
  - container user, readonly_root, ulimits, a health check on a sidecar, private
    registry credentials (the execution role reads them, the task pulls);
  - log groups the file names (the stack's shared one, a service's own), retention never;
  - bucket permissions by name and prefix with conditions, a stack bucket by prefix, extra
    statements (athena, glue, lakeformation as dekart has them);
  - a secret given, else generated (the plan says which, never the value);
  - the default bucket name unique to the account and region, and a bucket under the old
    default name kept across the upgrade.
"""

import hashlib
import time
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stackworld import Fake, Report, run  # noqa: E402

TOP = os.environ.get("TOP", os.getcwd())
sys.path.insert(0, os.path.join(TOP, "bench"))
import analyse  # noqa: E402

R = Report()
ACCOUNT = "000000000000"
REGION = "us-east-1"

BASE = """\
stack: kset
logs: {{ name: /ecs/kset, retention_days: never }}
{cluster}secrets:
  token: {{ from_env: KSET_TOKEN, generate: {{ length: 24 }} }}
  registry: {{ existing: kset/registry }}
buckets:
  data: {{}}
services:
  web:
    image: registry.example.com/kset/web:1
    port: 8080
    user: "1000:1000"
    readonly_root: {readonly}
    ulimits: {ulimits}
    repository_credentials: registry
    health_check: {{ command: "curl -f http://localhost:8080/ || exit 1" }}
{web_capacity}    logs: {{ name: /custom/kset-web, retention_days: {web_retention} }}
    secrets: {{ TOKEN: token }}
    environment: {{ DATA_BUCKET: "${{buckets.data.name}}" }}
    permissions:
      - {{ bucket: data, access: read-write, prefix: {prefix} }}
      - {{ bucket_name: kset-shared-elsewhere, prefix: app/, access: read-write,
          conditions: {{ StringEquals: {{ "aws:SourceVpce": vpce-0a1b2c3d }} }} }}
      - {{ actions: [ "athena:StartQueryExecution", "athena:Get*", "glue:Get*" ], resources: [ "*" ] }}
      - {{ actions: [ "lakeformation:GetDataAccess" ], resources: [ "*" ] }}
    containers:
      agent:
        image: busybox:1.36
        essential: false
        readonly_root: true
        health_check: {{ command: [ "CMD", "true" ], interval: 10, timeout: 3 }}
  worker:
    image: busybox:1.36
{worker_capacity}"""


def stack(cluster="", readonly="true", ulimits="{ nofile: 65536 }", web_capacity="", web_retention="never",
          prefix="app/", worker_capacity=""):
    return BASE.format(cluster=cluster, readonly=readonly, ulimits=ulimits, web_capacity=web_capacity,
                       web_retention=web_retention, prefix=prefix, worker_capacity=worker_capacity)


WEB_SPOT = "    capacity: [ { provider: FARGATE_SPOT, weight: 1 } ]\n"
CLUSTER = ("cluster:\n  insights: {insights}\n"
           "  capacity: [ {{ provider: FARGATE, base: 1, weight: 1 }}, {{ provider: FARGATE_SPOT, weight: {spot} }} ]\n")


def up(fake, path, what, env=None, want=0):
    rc, out, err = run(fake, path, "up", "--yes", timeout=300, env=env)
    R.check(rc == want, "%s: up exits %d (got %d): %s" % (what, want, rc, (err + out)[-1500:]))
    return out + err


def plan(fake, path, env=None):
    rc, out, err = run(fake, path, "plan", env=env)
    R.check(rc == 0, "plan exits 0 (got %d): %s" % (rc, err[-800:]))
    return out


def write(work, text, name="stack.yml"):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def default_bucket_name(stack_name, bucket):
    """The rule of stack_name_bucket, written again: STACK-BUCKET-HASH10 of the account
    and region."""
    h = hashlib.sha256(("%s:%s:%s:%s" % (ACCOUNT, REGION, stack_name, bucket)).encode()).hexdigest()[:10]
    return "%s-%s-%s" % (stack_name, bucket, h)


def service(ecs, name):
    return ecs.describe_services(cluster="kset", services=[name])["services"][0]


def task_def(ecs, name):
    arn = service(ecs, name)["taskDefinition"]
    return ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]


def inline(iam, role):
    doc = iam.get_role_policy(RoleName=role, PolicyName="ecsdeploy")["PolicyDocument"]
    return doc if isinstance(doc, dict) else json.loads(doc)


def no_change_up(fake, path, what, env=None):
    seq = fake.last_seq()
    out = up(fake, path, what, env=env)
    R.check("No changes" in out, "%s: a second up has no changes: %s" % (what, out[-800:]))
    writes = analyse.write_calls(fake.calls(seq))
    R.check(not writes, "%s: a second up only reads, made: %s" % (what, ", ".join(writes)))


def shared_logs(fake, path):
    """`logs worker` reads the stack's shared group, only the streams under worker/;
    `logs web` reads web's own group."""
    logs = fake.client("logs")
    now = int(time.time() * 1000)
    for group, stream, text in (("/ecs/kset", "worker/worker/t1", "from-the-worker"),
                                ("/ecs/kset", "other/other/t2", "from-another-service"),
                                ("/custom/kset-web", "web/web/t3", "from-web")):
        try:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=[{"timestamp": now, "message": text}])
    rc, out, err = run(fake, path, "logs", "worker")
    R.check(rc == 0 and "from-the-worker" in out and "from-another-service" not in out,
            "logs worker: its streams of the shared group only: %d %s %s" % (rc, out[-800:], err[-400:]))
    rc, out, err = run(fake, path, "logs", "web")
    R.check(rc == 0 and "from-web" in out, "logs web: its own group: %d %s %s" % (rc, out[-800:], err[-400:]))


def create_and_check(fake, work):
    ecs, iam, logs, sm = fake.client("ecs"), fake.client("iam"), fake.client("logs"), fake.client("secretsmanager")
    reg = sm.create_secret(Name="kset/registry", SecretString=json.dumps({"username": "u", "password": "p"}))["ARN"]
    path = write(work, stack(web_capacity=WEB_SPOT))
    out = plan(fake, path)
    R.check("else generate: KSET_TOKEN is not set, a value is generated" in out,
            "the plan says the token is generated: " + out[:1500])
    out = up(fake, path, "create")
    R.check("a generated value: KSET_TOKEN is not set" in out, "up says the value was generated")

    # capacity: web on its own FARGATE_SPOT strategy, worker on the launch type
    web, worker = service(ecs, "web"), service(ecs, "worker")
    R.eq(web.get("capacityProviderStrategy"), [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}],
         "web runs on FARGATE_SPOT")
    R.check("launchType" not in web, "web sends no launch type beside its strategy")
    R.eq((worker.get("launchType"), worker.get("capacityProviderStrategy")), ("FARGATE", None),
         "worker keeps the FARGATE launch type")
    cl = ecs.describe_clusters(clusters=["kset"], include=["SETTINGS"])["clusters"][0]
    R.eq(sorted(cl["capacityProviders"]), ["FARGATE", "FARGATE_SPOT"], "the cluster has both Fargate providers")

    # containers
    td = task_def(ecs, "web")
    main, agent = td["containerDefinitions"]
    R.eq((main.get("user"), main.get("readonlyRootFilesystem"), main.get("ulimits")),
         ("1000:1000", True, [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}]), "web's container settings")
    R.eq(main.get("repositoryCredentials"), {"credentialsParameter": reg}, "the registry credentials' ARN")
    R.eq((agent.get("readonlyRootFilesystem"), agent.get("healthCheck", {}).get("command")), (True, ["CMD", "true"]),
         "the sidecar's read-only root and health check")
    R.eq(main["logConfiguration"]["options"]["awslogs-group"], "/custom/kset-web", "web logs to its own group")
    wtd = task_def(ecs, "worker")
    R.eq(wtd["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"], "/ecs/kset",
         "worker logs to the stack's group")
    env = {e["name"]: e["value"] for e in main["environment"]}
    bucket = default_bucket_name("kset", "data")
    R.eq(env.get("DATA_BUCKET"), bucket, "the default bucket name, unique to the account and region")
    running = ecs.list_tasks(cluster="kset", serviceName="web")["taskArns"]
    R.check(len(running) == 1, "web's task runs (its image pulled with the registry credentials)")

    # roles
    exec_doc = inline(iam, "kset-web-exec")
    reads = [st for st in exec_doc["Statement"] if "secretsmanager:GetSecretValue" in st["Action"]]
    R.check(reads and reg in reads[0]["Resource"], "the execution role reads the registry credentials: %s" % exec_doc)
    task = inline(iam, "kset-web-task")["Statement"]
    arn = "arn:aws:s3:::" + bucket
    want = [
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [arn],
         "Condition": {"StringLike": {"s3:prefix": ["app/*"]}}},
        {"Effect": "Allow", "Action": ["s3:GetBucketLocation"], "Resource": [arn]},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [arn + "/app/*"]},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
         "Resource": [arn + "/app/*"]},
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::kset-shared-elsewhere"],
         "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-0a1b2c3d"]},
                       "StringLike": {"s3:prefix": ["app/*"]}}},
    ]
    for i, st in enumerate(want):
        R.eq(task[i] if i < len(task) else None, st, "task role statement %d" % i)
    shared = [st for st in task if st["Resource"] == ["arn:aws:s3:::kset-shared-elsewhere/app/*"]]
    R.eq(len(shared), 2, "GetObject and PutObject/DeleteObject on kset-shared-elsewhere/app/*")
    R.check(all(st.get("Condition", {}).get("StringEquals") for st in shared), "every statement keeps the condition")
    actions = [a for st in task for a in st["Action"]]
    R.check(all(a in actions for a in ("athena:StartQueryExecution", "glue:Get*", "lakeformation:GetDataAccess")),
            "the extra statements are kept")

    # logs and the secret
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    R.check("/custom/kset-web" in groups and "/ecs/kset" in groups, "both chosen log groups: %s" % sorted(groups))
    R.check(all("retentionInDays" not in groups[g] for g in ("/custom/kset-web", "/ecs/kset")),
            "retention never: no retention policy")
    R.check(not any(g.startswith("/ecsdeploy/kset/") for g in groups), "no default groups beside the chosen ones")
    shared_logs(fake, path)
    value = sm.get_secret_value(SecretId="kset/token")["SecretString"]
    R.eq(len(value), 24, "the generated token has the generator's length")
    R.check(value not in out, "the value is never printed")

    no_change_up(fake, path, "after create")
    return path


def update_and_check(fake, work):
    ecs, logs = fake.client("ecs"), fake.client("logs")
    # the cluster gets Insights and a default strategy: worker moves from the launch type
    # to it, web from its own strategy to it; settings change in place
    path = write(work, stack(cluster=CLUSTER.format(insights="true", spot=3), readonly="false",
                             ulimits="{ nofile: 4096, nproc: { soft: 512, hard: 1024 } }", web_retention=14,
                             prefix="data/"))
    out = plan(fake, path)
    for line in ("insights: disabled -> enabled", "- launch_type: FARGATE", "+ capacity[FARGATE]: ",
                 "capacity[FARGATE_SPOT].weight: 1 -> 3",
                 "retention_days: 0 -> 14", "readonlyRootFilesystem", "ulimits[nproc]", "data/*"):
        R.check(line in out, "the plan shows %r: %s" % (line, out[-3000:]))
    R.check(" replace " not in out, "nothing is replaced: " + out[-2000:])
    up(fake, path, "update")
    cl = ecs.describe_clusters(clusters=["kset"], include=["SETTINGS"])["clusters"][0]
    R.eq(cl["settings"], [{"name": "containerInsights", "value": "enabled"}], "Container Insights enabled")
    dflt = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}]
    R.eq(cl["defaultCapacityProviderStrategy"], dflt, "the cluster's default strategy")
    for name in ("web", "worker"):
        s = service(ecs, name)
        R.eq((s.get("capacityProviderStrategy"), s.get("launchType")), (dflt, None),
             "%s runs on the cluster's strategy" % name)
    main = task_def(ecs, "web")["containerDefinitions"][0]
    R.check("readonlyRootFilesystem" not in main and len(main.get("ulimits", [])) == 2,
            "web's settings updated: %s" % main)
    g = logs.describe_log_groups(logGroupNamePrefix="/custom/kset-web")["logGroups"][0]
    R.eq(g.get("retentionInDays"), 14, "web's group keeps events 14 days now")
    no_change_up(fake, path, "after update")

    # Insights enhanced, a heavier Spot weight; then no strategy anywhere: back to FARGATE
    path = write(work, stack(cluster=CLUSTER.format(insights="enhanced", spot=5)))
    out = plan(fake, path)
    R.check("insights: enabled -> enhanced" in out and "capacity[FARGATE_SPOT].weight: 3 -> 5" in out,
            "the plan shows Insights and the weight: " + out[-2000:])
    up(fake, path, "heavier spot")
    path = write(work, stack())
    up(fake, path, "no strategy")
    for name in ("web", "worker"):
        s = service(ecs, name)
        R.eq((s.get("launchType"), s.get("capacityProviderStrategy")), ("FARGATE", None),
             "%s is back on the FARGATE launch type" % name)
    cl = ecs.describe_clusters(clusters=["kset"])["clusters"][0]
    R.eq(cl["defaultCapacityProviderStrategy"], [], "the cluster has no default strategy left")
    no_change_up(fake, path, "back on the launch type")
    rc, out, err = run(fake, path, "down", "--purge", "--yes", timeout=300)
    R.check(rc == 0, "down --purge: %s" % err[-800:])
    left = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"] if "kset" in g["logGroupName"]]
    R.eq(left, [], "down removes the chosen log groups")


def given_secret(fake, work):
    sm = fake.client("secretsmanager")
    secret_file = os.path.join(work, "pass.txt")
    with open(secret_file, "w") as f:
        f.write("from-the-file")
    text = ("stack: kgiv\nsecrets:\n  t: { from_env: KGIV_T, generate: { length: 16 } }\n"
            "  f: { from_file: %s, generate: { length: 16 } }\n"
            "services:\n  web: { image: nginx:1.27, secrets: { T: t, F: f } }\n" % secret_file)
    path = write(work, text, "given.yml")
    env = {"KGIV_T": "given-value"}
    out = plan(fake, path, env=env)
    R.check("KGIV_T is set, its value is used" in out and "pass.txt exists, its contents are used" in out,
            "the plan says the given values are used: " + out[:1200])
    R.check("given-value" not in out and "from-the-file" not in out, "the plan shows no value")
    out = up(fake, path, "given secrets", env=env)
    R.check("given-value" not in out and "from-the-file" not in out, "up shows no value")
    R.eq(sm.get_secret_value(SecretId="kgiv/t")["SecretString"], "given-value", "the environment's value")
    R.eq(sm.get_secret_value(SecretId="kgiv/f")["SecretString"], "from-the-file", "the file's contents")
    rc, out, err = run(fake, path, "down", "--purge", "--yes", timeout=300)
    R.check(rc == 0, "down --purge of kgiv: %s" % err[-600:])


def bucket_migration(fake, work):
    """A bucket an earlier ecsdeploy made under the old default name STACK-BUCKET, with its
    tags and data: the upgraded `up` finds it by its tags and keeps using it."""
    s3 = fake.client("s3")
    s3.create_bucket(Bucket="kmig-data")
    s3.put_bucket_tagging(Bucket="kmig-data", Tagging={"TagSet": [
        {"Key": "ecsdeploy:stack", "Value": "kmig"}, {"Key": "ecsdeploy:id", "Value": "bucket/data"}]})
    s3.put_object(Bucket="kmig-data", Key="kept.txt", Body=b"data of the old bucket")
    # the same stack name in another region is another stack's bucket
    fake.client("s3", region="eu-west-1").create_bucket(
        Bucket="kmig-other", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    fake.client("s3", region="eu-west-1").put_bucket_tagging(Bucket="kmig-other", Tagging={"TagSet": [
        {"Key": "ecsdeploy:stack", "Value": "kmig"}, {"Key": "ecsdeploy:id", "Value": "bucket/other"}]})
    text = ("stack: kmig\nbuckets:\n  data: {}\n"
            "services:\n  web:\n    image: nginx:1.27\n    environment: { B: \"${buckets.data.name}\" }\n"
            "    permissions: [ { bucket: data, access: read } ]\n")
    path = write(work, text, "mig.yml")
    out = plan(fake, path)
    R.check("bucket/data" not in out or ("create   bucket/data" not in out and "replace  bucket/data" not in out),
            "the old bucket is neither created again nor replaced: " + out[:1500])
    R.check("bucket/other" not in out, "another region's bucket is not this stack's: " + out[:1500])
    up(fake, path, "migration")
    names = sorted(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("kmig-"))
    R.eq(names, ["kmig-data", "kmig-other"], "no bucket under the new default name")
    body = s3.get_object(Bucket="kmig-data", Key="kept.txt")["Body"].read()
    R.eq(body, b"data of the old bucket", "the data stays")
    ecs = fake.client("ecs")
    arn = ecs.describe_services(cluster="kmig", services=["web"])["services"][0]["taskDefinition"]
    env = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]["environment"]
    R.eq(env, [{"name": "B", "value": "kmig-data"}], "the service is given the old name")
    doc = inline(fake.client("iam"), "kmig-web-task")
    R.check("arn:aws:s3:::kmig-data" in json.dumps(doc), "the task role names the old bucket")
    no_change_up(fake, path, "after the migration")
    rc, out, err = run(fake, path, "down", "--purge", "--yes", timeout=300)
    R.check(rc == 0, "down --purge of kmig: %s" % err[-600:])
    names = sorted(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("kmig-"))
    R.eq(names, ["kmig-other"], "down --purge deletes the adopted bucket, not another region's")


def main():
    work = tempfile.mkdtemp()
    with Fake("--latency-ms", "0", time_scale=0.01) as fake:
        create_and_check(fake, work)
        update_and_check(fake, work)
        given_secret(fake, work)
        bucket_migration(fake, work)
    print("%d passed, %d failed" % (R.passed, R.failed))
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
