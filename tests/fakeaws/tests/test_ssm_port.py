"""Session Manager port forwarding in the fake (fakeaws/services/_ssm/sessions.py and
portchannel.py): StartSession's refusals, then scripted client exchanges over a real
socket: the required SessionType Port handshake, data not acknowledged before it is
complete, an HTTP answer and an echo through the plain stream, DisconnectToPort and a
second connection, TerminateSession (flag and API), a client version that asks for smux,
a port nothing listens on, a host reached by its private IP."""

import json
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
sys.path.insert(0, HERE)
from ecs_standins import call, expect_error, make_world, run_tests, wait_for  # noqa: E402
from test_ecs_exec import Client, ExecServer  # noqa: E402

from fakeaws.core import RequestContext  # noqa: E402
from fakeaws.services import ssm as ssm_module  # noqa: E402

OLD_CLIENT = "1.1.61.0"


def ssm(w, op, **req):
    with w.lock:
        return w.svc("ssm").handler(op)(req, RequestContext(w, "ssm", op, "us-east-1", "test", "r", host="127.0.0.1:4566"))


def setup(ports=(8080,)):
    w = make_world(scale=0.001)
    w.add(ssm_module.SERVICE)
    role = w.svc("iam").add_role("task", allows=("ssmmessages:*",))
    call(w, "CreateCluster", clusterName="c")
    td = call(w, "RegisterTaskDefinition", family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
              cpu="256", memory="512", taskRoleArn=role,
              containerDefinitions=[{"name": "app", "image": "example/web:1",
                                     "portMappings": [{"containerPort": p} for p in ports]}])["taskDefinition"]
    call(w, "CreateService", cluster="c", serviceName="s", taskDefinition=td["taskDefinitionArn"], desiredCount=2,
         launchType="FARGATE", enableExecuteCommand=True,
         networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"], "securityGroups": ["sg-1"]}})

    def running():
        arns = call(w, "ListTasks", cluster="c", serviceName="s")["taskArns"]
        tasks = call(w, "DescribeTasks", cluster="c", tasks=arns)["tasks"] if arns else []
        ok = [t for t in tasks if t["lastStatus"] == "RUNNING" and
              t["containers"][0]["managedAgents"][0]["lastStatus"] == "RUNNING"]
        return ok if len(ok) == 2 else None
    return w, wait_for(running)


def target(task):
    return "ecs:c_%s_%s" % (task["taskArn"].rsplit("/", 1)[1], task["containers"][0]["runtimeId"])


def start(w, task, server, doc="AWS-StartPortForwardingSession", version=OLD_CLIENT, **params):
    r = ssm(w, "StartSession", Target=target(task), DocumentName=doc,
            Parameters={k: [str(v)] for k, v in params.items()})
    assert r["StreamUrl"].startswith("ws://127.0.0.1:4566/_fake/exec/" + r["SessionId"] + "?"), r
    c = Client(server.port, r["StreamUrl"].split("4566", 1)[1], r["TokenValue"])
    c.open()
    c.session_id = r["SessionId"]
    c.hs = None
    c.version = version
    return c


def read_until(c, pred, timeout=10):
    """Read frames (acking output, answering the handshake) until pred(c)."""
    c.sock.settimeout(timeout)
    end = time.time() + timeout
    while not pred(c) and time.time() < end:
        try:
            op, data = c.read_frame()
        except TimeoutError:
            return
        if op is None or op == 8:
            c.ws_closed = True
            return
        m = c.take(data)
        if m["type"] == "channel_closed":
            return
        if m["type"] == "output_stream_data":
            c.ack(m)
            for got in c.in_order(m):
                if got["ptype"] == 1:
                    c.output += got["payload"]
                elif got["ptype"] == 5:
                    c.hs = json.loads(got["payload"])
                    c.send_input(6, json.dumps({"ClientVersion": c.version, "ProcessedClientActions": [
                        {"ActionType": "SessionType", "ActionStatus": 1}], "Errors": []}).encode())
                elif got["ptype"] == 7:
                    c.complete = True


def test_start_session_refusals():
    w, (task, _) = setup()
    t = target(task)
    for req, code in [({"Target": "i-0123456789abcdef0"}, "TargetNotConnected"),
                      ({"Target": t.replace(task["containers"][0]["runtimeId"], "x")}, "TargetNotConnected"),
                      ({"Target": t, "DocumentName": "AWS-StartSSHSession"}, "InvalidDocument"),
                      ({"Target": t, "DocumentName": "AWS-StartPortForwardingSessionToRemoteHost",
                        "Parameters": {"portNumber": ["5432"]}}, "InvalidParameters"),
                      ({"Target": t, "DocumentName": "AWS-StartPortForwardingSession",
                        "Parameters": {"portNumber": ["99999"]}}, "InvalidParameters"),
                      ({"Target": t, "DocumentName": "AWS-StartPortForwardingSession",
                        "Parameters": {"portnumber": ["80"]}}, "InvalidParameters")]:
        expect_error(code, ssm, w, "StartSession", **req)
    e = expect_error("TargetNotConnected", ssm, w, "StartSession", Target="ecs:c_" + "0" * 32 + "_r")
    assert e.message.endswith("is not connected."), e.message


def test_port_session_plain_stream():
    w, (task, _) = setup()
    server = ExecServer(w)
    # data before the handshake is complete is not taken: it is not acknowledged, and the
    # handshake answer behind it in the stream waits for it (the session would time out)
    early = start(w, task, server, portNumber=8080)
    early.send_input(1, b"early")
    read_until(early, lambda c: c.hs is not None)
    read_until(early, lambda c: getattr(c, "complete", False), timeout=1.0)
    assert 0 in early.unacked and not getattr(early, "complete", False), "early data was taken"
    early.sock.close()
    c = start(w, task, server, portNumber=8080)
    read_until(c, lambda c: getattr(c, "complete", False))
    assert c.hs["RequestedClientActions"] == [{"ActionType": "SessionType", "ActionParameters": {
        "SessionType": "Port", "Properties": {"portNumber": "8080", "type": "LocalPortForwarding"}}}], c.hs
    c.send_input(1, b"echo me")
    read_until(c, lambda c: c.output == b"echo me" and not c.unacked)
    assert c.output == b"echo me", c.output
    c.output = bytearray()
    c.send_input(10, struct.pack(">I", 1))  # DisconnectToPort: the next data dials again
    c.send_input(1, b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
    read_until(c, lambda c: b"\n" in c.output.split(b"\r\n\r\n", 1)[-1])
    tid = task["taskArn"].rsplit("/", 1)[1]
    assert c.output.startswith(b"HTTP/1.1 200 OK\r\n") and (
        f"hello from task {tid} (example/web:1) port 8080: GET /x HTTP/1.1\n").encode() in c.output, c.output
    c.send_input(10, struct.pack(">I", 2))  # TerminateSession
    read_until(c, lambda c: c.closed_msg is not None)
    assert c.closed_msg and c.closed_msg["Output"] == "", c.closed_msg


def test_terminate_session_api_and_remote_host():
    w, (task, other) = setup()
    server = ExecServer(w)
    ip = other["attachments"][0]["details"][4]["value"]
    c = start(w, task, server, doc="AWS-StartPortForwardingSessionToRemoteHost", host=ip, portNumber=8080)
    read_until(c, lambda c: getattr(c, "complete", False))
    assert c.hs["RequestedClientActions"][0]["ActionParameters"]["Properties"]["host"] == ip
    c.send_input(1, b"\x00\x01\x02binary")
    read_until(c, lambda c: len(c.output) >= 9)
    assert c.output == b"\x00\x01\x02binary", c.output
    ssm(w, "TerminateSession", SessionId=c.session_id)
    read_until(c, lambda c: c.closed_msg is not None)
    assert c.closed_msg is not None and c.closed_msg["Output"] == ""


def test_failures_end_the_session_with_the_agents_words():
    w, (task, _) = setup()
    server = ExecServer(w)
    for params, version, want in [
            ({"portNumber": 9999}, OLD_CLIENT, "dial tcp 127.0.0.1:9999: connect: connection refused"),
            ({"portNumber": 8080}, "1.2.0.0", "asks for multiplexed (smux) port forwarding")]:
        c = start(w, task, server, version=version, **params)
        read_until(c, lambda c: c.closed_msg is not None)
        assert c.closed_msg and want in c.closed_msg["Output"], (want, c.closed_msg)
    c = start(w, task, server, doc="AWS-StartPortForwardingSessionToRemoteHost", host="db.internal", portNumber=5432)
    read_until(c, lambda c: c.closed_msg is not None)
    assert "lookup db.internal" in c.closed_msg["Output"] and "no such host" in c.closed_msg["Output"], c.closed_msg


if __name__ == "__main__":
    run_tests([test_start_session_refusals, test_port_session_plain_stream,
               test_terminate_session_api_and_remote_host, test_failures_end_the_session_with_the_agents_words])
