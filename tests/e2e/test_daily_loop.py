#!/usr/bin/python3
"""The daily loop on examples/canardstack.yml against the fake (issue 15):

1. deploy app --tag 1.5: plan --detailed-exitcode exits 0 and says it keeps 1.5; a
   crash-looping deploy exits 3 telling its story once (stopped tasks with exit codes, the
   container's last log lines); rollback app returns to the release before 1.5, saying
   which and why first.
2. up keeps what deploy rolled out: after deploy --tag 1.6, an up run to add one
   environment variable keeps 1.6; deploy --count 2 is kept too; a new image in the file
   is taken; up --take-file takes the file's values.
3. A failed up tells the story of its own deployment only: an earlier deployment's
   unhealthy targets and events are not quoted; the story is short and printed once.
4. run app -- CMD: a one-off task from the service's task definition and network, its
   output streamed, its exit code ours.
5. exec app --port-forward LOCAL:REMOTE[@HOST]: local TCP clients reach the task's port,
   or a host the task reaches, through ECS Exec's agent (no plugin), several at once.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stackworld as sw  # noqa: E402

R = sw.Report()
TOP = sw.TOP
EXAMPLE = open(os.path.join(TOP, "examples", "canardstack.yml")).read()
REPO = "ghcr.io/smithclay/canardstack"
# the lines of the app service the test changes (each appears once, in the app)
APP_ENV_LINE = "      CANARDSTACK_BIND: 0.0.0.0:4318\n"
APP_IMAGE_LINES = "image: ${image}\n    command: [canardstack, serve]\n"
assert EXAMPLE.count(APP_ENV_LINE) == 1 and EXAMPLE.count(APP_IMAGE_LINES) == 1, "examples/canardstack.yml changed"
WORK = tempfile.mkdtemp()
FILE = os.path.join(WORK, "canardstack.yml")


def write(text):
    with open(FILE, "w") as f:
        f.write(text)


def run(fake, *args, env=None):
    return sw.run(fake, FILE, *args, env=env)


def app(fake):
    """(revision "canardstack-app:N", image, environment, desired count) of the app service."""
    ecs = fake.client("ecs")
    s = ecs.describe_services(cluster="canardstack", services=["app"])["services"][0]
    k = ecs.describe_task_definition(taskDefinition=s["taskDefinition"])["taskDefinition"]["containerDefinitions"][0]
    return (s["taskDefinition"].rsplit("/", 1)[1], k["image"],
            {e["name"]: e["value"] for e in k.get("environment", [])}, s["desiredCount"])


def deploy_and_rollback(fake):
    rc, out, err = run(fake, "up")
    if not R.eq(rc, 0, f"up ({err[-600:]})"):
        R.finish()
    first = app(fake)[0]
    rc, out, err = run(fake, "deploy", "app", "--tag", "1.5")
    R.eq(rc, 0, f"deploy app --tag 1.5 ({err[-400:]})")
    rc, out, err = run(fake, "plan", "--detailed-exitcode")
    R.eq(rc, 0, f"plan --detailed-exitcode after the deploy exits 0: {out[-1500:]}")
    R.check(f"containerDefinitions[app].image: {REPO}:1.5 (the file says {REPO}:latest)" in out,
            f"plan says which image it keeps and why: {out[-800:]}")
    rc, out, err = run(fake, "plan", "--output", "json")
    kept = json.loads(out).get("kept")
    R.eq(kept, [{"id": "task_def/app", "path": "containerDefinitions[app].image",
                 "deployed": f"{REPO}:1.5", "file": f"{REPO}:latest", "kept": True}], "plan --output json: kept")

    rc, out, err = run(fake, "deploy", "app", "--tag", "crashloop")
    R.eq(rc, 3, f"a crash-looping deploy exits 3 ({err[-600:]})")
    both = out + err
    R.check("Essential container in task exited (app: exit code 1)" in err,
            f"the story names the stopped tasks' exit code: {err}")
    R.check("last log lines of app" in err and "fatal: cannot start: exiting with status 1" in err,
            f"the story has the container's last log lines: {err}")
    R.eq(both.count("fatal: cannot start"), 1, "the log line is printed once")
    R.eq(both.count("exit code 1"), 1, "the stopped tasks are told once")
    R.eq(app(fake)[1], f"{REPO}:1.5", "ECS rolled the crash loop back to 1.5")

    rc, out, err = run(fake, "rollback", "app")
    R.eq(rc, 0, f"rollback app ({out[-600:]}{err[-600:]})")
    said = [line for line in out.splitlines() if "rolling back from" in line]
    R.check(len(said) == 1 and f"to {first} (image {REPO}:latest)" in said[0] and
            "(ROLLBACK_SUCCESSFUL)" in said[0], f"rollback says which release and why: {out}")
    R.eq(app(fake)[:2], (first, f"{REPO}:latest"), "rollback returns to the release before 1.5")
    rc, out, err = run(fake, "plan", "--detailed-exitcode")
    R.check(rc == 0 and "Kept as deployed" not in out, f"back on the file's release, nothing kept: {out[-600:]}")


def up_keeps_deploys(fake):
    rc, out, err = run(fake, "deploy", "app", "--tag", "1.6")
    R.eq(rc, 0, f"deploy app --tag 1.6 ({err[-400:]})")
    with_env = EXAMPLE.replace(APP_ENV_LINE, APP_ENV_LINE + "      LOG_LEVEL: debug\n", 1)
    write(with_env)
    rc, out, err = run(fake, "plan", "--detailed-exitcode")
    R.check(rc == 4 and "+ containerDefinitions[app].environment.LOG_LEVEL: debug" in out and
            "image:" not in out.split("Kept as deployed")[0],
            f"the plan shows the new variable and no image change: {out[-1500:]}")
    rc, out, err = run(fake, "up")
    R.eq(rc, 0, f"up with one more variable ({err[-600:]})")
    rev, image, env, count = app(fake)
    R.eq((image, env.get("LOG_LEVEL")), (f"{REPO}:1.6", "debug"), "up added the variable and kept 1.6")
    rc, out, err = run(fake, "plan", "--detailed-exitcode")
    R.eq(rc, 0, f"plan after that up: {out[-800:]}")

    rc, out, err = run(fake, "deploy", "app", "--count", "2")
    R.check(rc == 0 and app(fake)[0] == rev and app(fake)[3] == 2,
            f"deploy --count 2 scales without a new revision: {rc} {app(fake)} {err[-300:]}")
    rc, out, err = run(fake, "plan", "--detailed-exitcode")
    R.check(rc == 0 and "service/app desired_count: 2 (the file says 1)" in out,
            f"the deployed count is kept: {rc} {out[-800:]}")

    write(with_env.replace(APP_IMAGE_LINES,
                           APP_IMAGE_LINES.replace("${image}", f"{REPO}:2.0"), 1))
    rc, out, err = run(fake, "plan", "--detailed-exitcode")
    R.check(rc == 4 and f"containerDefinitions[app].image: {REPO}:1.6 -> {REPO}:2.0" in out and
            "Taken from the file" in out, f"a new image in the file is taken: {out[-1500:]}")
    rc, out, err = run(fake, "up", "--take-file", "app")
    R.eq(rc, 0, f"up --take-file app ({err[-400:]})")
    R.eq(app(fake)[1:], (f"{REPO}:2.0", {**env}, 1), "--take-file: the file's image and count")
    rc, out, err = run(fake, "up")
    R.check(rc == 0 and "No changes" in out, f"up after that: no changes: {out[-400:]}")


def up_failure_story(fake):
    # an earlier deployment that failed its health checks: its events must not be quoted
    rc, out, err = run(fake, "deploy", "app", "--tag", "unhealthy")
    R.check(rc == 3 and "unhealthy" in err, f"an unhealthy deploy is rolled back: {rc} {err[-600:]}")
    write(EXAMPLE.replace(APP_IMAGE_LINES,
                          APP_IMAGE_LINES.replace("${image}", f"{REPO}:crashloop"), 1))
    rc, out, err = run(fake, "up")
    R.eq(rc, 3, f"a crash-looping up exits 3 ({err[-800:]})")
    both = out + err
    R.check("Essential container in task exited (app: exit code 1)" in err and
            "fatal: cannot start: exiting with status 1" in err, f"the up tells the story: {err}")
    R.eq(both.count("exit code 1"), 1, f"the stopped tasks are told once: {both[-2000:]}")
    R.eq(both.count("fatal: cannot start"), 1, "the log lines are told once")
    R.check("unhealthy" not in both and "target-group" not in both,
            f"nothing of the earlier deployment is quoted: {both[-2000:]}")
    long = [line for line in both.splitlines() if len(line) > 240]
    R.check(not long, f"every line is short: {long}")
    R.check("FAILED DeploymentFailed: deployment of canardstack-app:" in out,
            f"the progress line has the headline: {out[-1200:]}")


def one_off_tasks(fake):
    write(EXAMPLE)
    rc, out, err = run(fake, "run", "app", "--", "sh", "-c", "exit 5")
    R.eq(rc, 5, f"run app -- sh -c 'exit 5' exits 5 ({err[-600:]})")
    R.check("app exited with code 5" in err, f"run says how the task ended: {err}")
    rc, out, err = run(fake, "run", "app", "--", "sh", "-c", "echo migrating; echo done")
    R.eq((rc, out), (0, "migrating\ndone\n"), f"the command's output is streamed, nothing else ({err[-400:]})")
    rc, out, err = run(fake, "run", "app", "--", "echo one; echo two")
    R.eq((rc, out), (0, "one\ntwo\n"), "one argument is a command line run through sh")
    ecs = fake.client("ecs")
    svc = ecs.describe_services(cluster="canardstack", services=["app"])["services"][0]
    arns = ecs.list_tasks(cluster="canardstack", startedBy="ecsdeploy-run", desiredStatus="STOPPED")["taskArns"]
    tasks = ecs.describe_tasks(cluster="canardstack", tasks=arns)["tasks"]
    R.eq(len(tasks), 3, "each run is one task, started by ecsdeploy-run")
    net = svc["networkConfiguration"]["awsvpcConfiguration"]
    for t in tasks:
        subnet = [d["value"] for a in t["attachments"] for d in a["details"] if d["name"] == "subnetId"]
        R.check(t["taskDefinitionArn"] == svc["taskDefinition"] and subnet and subnet[0] in net["subnets"],
                f"the task runs the service's task definition in its subnets: {t['taskDefinitionArn']} {subnet}")
    eni = fake.client("ec2").describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": net["subnets"]}])
    groups = {g["GroupId"] for i in eni["NetworkInterfaces"] for g in i["Groups"]}
    R.check(set(net["securityGroups"]) <= groups, f"the tasks have the service's groups: {groups}")

    rc, out, err = run(fake, "run", "app", "--", "no-such-program")
    R.check(rc == 1 and "CannotStartContainerError" in err and "no-such-program" in err,
            f"a command the image does not have: exit 1 with ECS's reason: {rc} {err[-600:]}")
    for args, want in ((["run", "app"], "needs a command"), (["run", "nosuch", "--", "true"], "no service 'nosuch'"),
                       (["run", "app", "--timeout", "soon", "--", "true"], "--timeout wants")):
        rc, out, err = run(fake, *args)
        R.check(rc == 2 and want in err, f"{args}: exit 2 naming '{want}': {rc} {err}")

    # Ctrl-C stops the task
    p = sw.start(fake, FILE, "run", "app", "--", "sleep", "3600")
    seen = ""
    while "RUNNING" not in seen:
        line = p.stderr.readline()
        if not line:
            break
        seen += line
    p.send_signal(2)
    out, err = p.communicate(timeout=120)
    R.eq(p.returncode, 130, f"Ctrl-C: exit 130 ({seen}{err})")
    arns = ecs.list_tasks(cluster="canardstack", startedBy="ecsdeploy-run", desiredStatus="RUNNING")["taskArns"]
    R.eq(arns, [], "Ctrl-C stopped the task")
    t = [x for x in ecs.describe_tasks(cluster="canardstack", tasks=ecs.list_tasks(
        cluster="canardstack", startedBy="ecsdeploy-run", desiredStatus="STOPPED")["taskArns"])["tasks"]
        if x["overrides"]["containerOverrides"][0].get("command") == ["sleep", "3600"]]
    R.check(t and t[0]["stoppedReason"] == "interrupted (ecsdeploy run)" and t[0]["lastStatus"] == "STOPPED",
            f"the interrupted task was stopped and waited for: {t and t[0].get('stoppedReason')}")


def forward(fake, spec):
    """Start exec app --port-forward SPEC; (process, local port)."""
    import re
    p = sw.start(fake, FILE, "exec", "app", "--port-forward", spec)
    line = p.stderr.readline()
    m = re.search(r"forwarding 127\.0\.0\.1:(\d+) to ", line)
    if not m:
        p.kill()
        raise RuntimeError(f"exec --port-forward did not start: {line}{p.communicate()[1]}")
    return p, int(m.group(1))


def http_get(port, path="/"):
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        data = b""
        while True:
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep and b"Content-Length: " in head:
                n = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                if len(body) >= n:
                    return data
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:  # closed with our request unread: closed all the same
                chunk = b""
            if not chunk:
                return data
            data += chunk


def port_forward(fake):
    import socket
    write(EXAMPLE)
    ecs = fake.client("ecs")

    def task_ids(service):
        return {a.rsplit("/", 1)[1] for a in ecs.list_tasks(cluster="canardstack", serviceName=service)["taskArns"]}

    p, port = forward(fake, "0:4318")
    answer = http_get(port, "/healthz")
    R.check(answer.startswith(b"HTTP/1.1 200 OK") and b"port 4318: GET /healthz HTTP/1.1" in answer and
            any(t.encode() in answer for t in task_ids("app")),
            f"an HTTP request through the forward reaches the app task's port 4318: {answer!r}")
    conns = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(3)]
    for i, c in enumerate(conns):
        c.sendall(bytes([0, i, 255]) + b"raw bytes %d" % i)
    for i, c in enumerate(conns):
        want = bytes([0, i, 255]) + b"raw bytes %d" % i
        got = b""
        while len(got) < len(want):
            chunk = c.recv(100)
            if not chunk:
                break
            got += chunk
        R.eq(got, want, f"connection {i}: bytes come back exactly, three connections at once")
        c.close()
    p.send_signal(2)
    out, err = p.communicate(timeout=60)
    R.check(p.returncode == 0 and "port forwarding stopped" in err, f"Ctrl-C stops forwarding: {p.returncode} {err}")
    sessions = fake.control("GET", "/_fake/resources")[1]["ssm"]["sessions"]
    R.check(len(sessions) == 4 and all(x["status"] == "Terminated" for x in sessions),
            f"one Session Manager session per connection, each terminated: {sessions}")

    p, port = forward(fake, "0:9494@catalog.canardstack.local")
    answer = http_get(port, "/catalog")
    R.check(b"port 9494: GET /catalog" in answer and any(t.encode() in answer for t in task_ids("catalog")),
            f"a host the task reaches (the catalog, by its Cloud Map name): {answer!r}")
    p.send_signal(2)
    p.communicate(timeout=60)

    p, port = forward(fake, "0:9999")
    answer = http_get(port)
    p.send_signal(2)
    out, err = p.communicate(timeout=60)
    R.check(answer == b"" and "connect: connection refused" in err,
            f"a port nothing listens on: the connection closes, and says why: {answer!r} {err}")

    for args, want in ((["--port-forward", "8080"], "--port-forward wants LOCAL:REMOTE"),
                       (["--port-forward", "1:0"], "--port-forward wants"),
                       (["--port-forward", "1:80@bad host"], "is not a host name"),
                       (["--port-forward", "1:80", "--", "ls"], "give no command")):
        rc, out, err = run(fake, "exec", "app", *args)
        R.check(rc == 2 and want in err, f"{args}: exit 2 naming '{want}': {rc} {err}")


def main():
    with sw.Fake(time_scale=0.01) as fake:
        write(EXAMPLE)
        deploy_and_rollback(fake)
        up_keeps_deploys(fake)
        up_failure_story(fake)
        one_off_tasks(fake)
        port_forward(fake)
    shutil.rmtree(WORK, True)
    R.finish()


main()
