#!/usr/bin/python3
"""One stack file, several environments (issue 15): --env NAME and ECSDEPLOY_ENV select an
environment's parameters and overrides; the stack name carries it (shop-staging), so
plan, up, deploy, status and down each work on that environment's resources only; bad
environments are refused before any AWS call with FILE:LINE:COL."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

R = sw.Report()
WORK = tempfile.mkdtemp()
FILE = os.path.join(WORK, "shop.yml")
STACK = """\
stack: shop
parameters:
  image: { default: "example/shop:1" }
  count: { default: "1" }
network: { vpc: default }
environments:
  staging:
    parameters: { image: "example/shop:staging" }
  production:
    parameters: { count: "2" }
    overrides:
      services:
        web: { cpu: 512, memory: 1024, environment: { MODE: prod } }
services:
  web:
    image: ${image}
    desired_count: ${count}
    port: 8080
    environment: { MODE: dev }
"""


def run(fake, *args, env=None):
    return sw.run(fake, FILE, *args, env=env)


def web(fake, cluster):
    ecs = fake.client("ecs")
    try:
        svcs = ecs.describe_services(cluster=cluster, services=["web"])["services"]
    except ecs.exceptions.ClusterNotFoundException:
        return None
    if not svcs or svcs[0]["status"] != "ACTIVE":
        return None
    s = svcs[0]
    td = ecs.describe_task_definition(taskDefinition=s["taskDefinition"])["taskDefinition"]
    k = td["containerDefinitions"][0]
    return {"image": k["image"], "count": s["desiredCount"], "cpu": td["cpu"],
            "env": {e["name"]: e["value"] for e in k.get("environment", [])}}


def refusals(fake):
    before = fake.last_seq()
    rc, out, err = run(fake, "plan", "--env", "prod")
    R.check(rc == 2 and "--env prod: no such environment (did you mean 'production'?)" in err,
            f"an unknown environment: exit 2 with a suggestion: {rc} {err}")
    rc, out, err = run(fake, "plan", env={"ECSDEPLOY_ENV": "qa"})
    R.check(rc == 2 and "--env qa: no such environment" in err, f"ECSDEPLOY_ENV is read: {rc} {err}")
    bad = os.path.join(WORK, "bad.yml")
    with open(bad, "w") as f:
        f.write(STACK.replace("cpu: 512", "cpu: 99"))
    rc, out, err = sw.run(fake, bad, "validate")
    R.check(rc == 2 and "bad.yml:13:21: (environment production) services.web.cpu: 99 is not a Fargate cpu size" in err,
            f"every environment is checked, at the override's place: {rc} {err}")
    plain = os.path.join(WORK, "plain.yml")
    with open(plain, "w") as f:
        f.write("stack: plain\nservices: { web: { image: nginx } }\n")
    rc, out, err = sw.run(fake, plain, "plan", "--env", "staging")
    R.check(rc == 2 and "declares no environments" in err, f"--env with a file without environments: {rc} {err}")
    p = sw.subprocess.run([sw.ECSDEPLOY, "deploy", "web", "--tag", "2", "--env", "staging", "--cluster", "x"],
                          env=sw.env_for(fake), cwd=WORK, capture_output=True, text=True, timeout=60)
    R.check(p.returncode == 2 and "selects an environment of the stack file" in p.stderr,
            f"--env with --cluster and no stack file: {p.returncode} {p.stderr}")
    R.eq(fake.last_seq(), before, "refusals make no AWS call")


def main():
    with open(FILE, "w") as f:
        f.write(STACK)
    with sw.Fake(time_scale=0.01) as fake:
        refusals(fake)
        rc, out, err = run(fake, "validate", "--env", "production")
        R.check(rc == 0 and "stack shop-production is valid" in out and "production (this one)" in out,
                f"validate --env: {out}{err}")
        rc, out, err = run(fake, "plan", "--env", "staging")
        R.check(rc == 0 and "cluster/main" in out and "shop-staging" in out, f"plan --env staging: {out[-600:]}{err}")
        rc, out, err = run(fake, "up", "--env", "staging")
        R.eq(rc, 0, f"up --env staging ({err[-600:]})")
        R.eq(web(fake, "shop-staging"), {"image": "example/shop:staging", "count": 1, "cpu": "256",
                                         "env": {"MODE": "dev"}}, "staging: its parameters")
        rc, out, err = run(fake, "up", env={"ECSDEPLOY_ENV": "production"})
        R.eq(rc, 0, f"ECSDEPLOY_ENV=production up ({err[-600:]})")
        R.eq(web(fake, "shop-production"), {"image": "example/shop:1", "count": 2, "cpu": "512",
                                            "env": {"MODE": "prod"}}, "production: its parameters and overrides")
        R.eq(web(fake, "shop"), None, "no stack without an environment was made")

        rc, out, err = run(fake, "deploy", "web", "--env", "staging", "--tag", "9", "--env", "EXTRA=1")
        R.eq(rc, 0, f"deploy --env staging ({err[-600:]})")
        R.eq((web(fake, "shop-staging")["image"], web(fake, "shop-staging")["env"].get("EXTRA")),
             ("example/shop:9", "1"), "deploy changed staging (--env NAME and --env K=V together)")
        R.eq(web(fake, "shop-production")["image"], "example/shop:1", "and not production")
        rc, out, err = run(fake, "plan", "--env", "staging", "--detailed-exitcode")
        R.check(rc == 0 and "example/shop:9 (the file says example/shop:staging)" in out,
                f"plan --env staging keeps the deployed tag: {rc} {out[-600:]}")
        rc, out, err = run(fake, "plan", "--detailed-exitcode", env={"ECSDEPLOY_ENV": "production"})
        R.eq(rc, 0, f"production has nothing to do ({out[-600:]})")
        rc, out, err = run(fake, "status", "--env", "staging", "--output", "json")
        R.check(rc == 0 and "shop-staging" in out and "shop-production" not in out, f"status --env staging: {out[-600:]}")
        rc, out, err = run(fake, "rollback", "web", "--env", "staging")
        R.check(rc == 0 and web(fake, "shop-staging")["image"] == "example/shop:staging",
                f"rollback --env staging: {rc} {out[-400:]}{err[-400:]}")

        rc, out, err = run(fake, "down", "--env", "staging", "--yes")
        R.eq(rc, 0, f"down --env staging ({err[-600:]})")
        R.eq(web(fake, "shop-staging"), None, "staging is gone")
        R.check(web(fake, "shop-production") is not None, "production is left alone")
        rc, out, err = run(fake, "down", "--yes", env={"ECSDEPLOY_ENV": "production"})
        R.check(rc == 0 and web(fake, "shop-production") is None, f"down production: {rc} {err[-400:]}")
    shutil.rmtree(WORK, True)
    R.finish()


main()
