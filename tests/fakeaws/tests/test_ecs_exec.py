"""ECS Exec in the fake: ExecuteCommand preconditions, then scripted client exchanges over
a real socket with the agent side of the data channel (execchannel.py): framing, token,
acks, resends, duplicates, reordering, injected faults, the exit-code wrapper, the
optional handshake and the KMS-encrypted handshake.

The client here is written independently of execchannel's encoder (its own header
packing), so the two check each other."""

import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from ecs_standins import call, expect_error, make_world, run_tests, wait_for  # noqa: E402

from fakeaws import execchannel  # noqa: E402

# ---------------------------------------------------------------- a minimal client


def pack(mtype, seq, flags, ptype, payload, mid=None):
    mid = mid or uuid.uuid4()
    raw = mid.bytes
    wire_id = raw[8:16] + raw[0:8]
    head = (struct.pack(">I", 116) + mtype.encode().ljust(32, b" ") + struct.pack(">I", 1)
            + struct.pack(">Q", int(time.time() * 1000)) + struct.pack(">q", seq) + struct.pack(">Q", flags)
            + wire_id + hashlib.sha256(payload).digest() + struct.pack(">I", ptype))
    return head + struct.pack(">I", len(payload)) + payload, mid


def unpack(data):
    assert struct.unpack(">I", data[0:4])[0] == 116
    mtype = data[4:36].decode().strip(" \x00")
    seq = struct.unpack(">q", data[48:56])[0]
    flags = struct.unpack(">Q", data[56:64])[0]
    wire = data[64:80]
    mid = uuid.UUID(bytes=wire[8:] + wire[:8])
    digest = data[80:112]
    ptype = struct.unpack(">I", data[112:116])[0]
    n = struct.unpack(">I", data[116:120])[0]
    payload = data[120:120 + n]
    assert len(payload) == n and hashlib.sha256(payload).digest() == digest, "bad digest"
    return {"type": mtype, "seq": seq, "flags": flags, "id": mid, "ptype": ptype, "payload": payload}


class Client:
    def __init__(self, port, path, token, ack_policy=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        head, _, self.buf = head.partition(b"\r\n\r\n")
        self.status = head.split(b"\r\n")[0]
        if b" 101 " in self.status:
            want = base64.b64encode(hashlib.sha1((key + execchannel.GUID).encode()).digest())
            assert b"Sec-WebSocket-Accept: " + want in head, head
        self.token = token
        self.out_seq = 0
        self.expected = 0
        self.pending = {}
        self.output = bytearray()
        self.received = []
        self.closed_msg = None
        self.ws_closed = None
        self.ack_policy = ack_policy or (lambda m: True)
        self.dup_seen = 0
        self.unacked = {}
        self.enc = self.dec = None
        self.handshake_payloads = []

    def send_frame(self, op, payload, fin=True):
        mask = os.urandom(4)
        n = len(payload)
        b0 = (0x80 if fin else 0) | op
        if n < 126:
            head = struct.pack(">BB", b0, 0x80 | n)
        elif n < 65536:
            head = struct.pack(">BBH", b0, 0xFE, n)
        else:
            head = struct.pack(">BBQ", b0, 0xFF, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def open(self, token=None):
        self.send_frame(1, json.dumps({"MessageSchemaVersion": "1.0", "RequestId": str(uuid.uuid4()),
                                       "TokenValue": token or self.token, "ClientId": str(uuid.uuid4()),
                                       "ClientVersion": "1.2.0"}).encode())

    def read_frame(self):
        while True:
            if len(self.buf) >= 2:
                op, n = self.buf[0] & 0x0F, self.buf[1] & 0x7F
                pos = 2
                need = {126: 4, 127: 10}.get(n, 2)
                if len(self.buf) < need:
                    n = None
                elif n == 126:
                    n, pos = struct.unpack(">H", self.buf[2:4])[0], 4
                elif n == 127:
                    n, pos = struct.unpack(">Q", self.buf[2:10])[0], 10
                assert not self.buf[1] & 0x80, "server frames must not be masked"
                if n is not None and len(self.buf) >= pos + n:
                    data, self.buf = self.buf[pos:pos + n], self.buf[pos + n:]
                    return op, data
            chunk = self.sock.recv(65536)
            if not chunk:
                return None, b""
            self.buf += chunk

    def send_input(self, ptype, payload, seq=None, remember=True):
        if self.enc is not None and ptype == 1:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            nonce = os.urandom(12)
            payload = nonce + AESGCM(self.enc).encrypt(nonce, payload, None)
        if seq is None:
            seq = self.out_seq
            self.out_seq += 1
        frame, _ = pack("input_stream_data", seq, 0, ptype, payload)
        if remember:
            self.unacked[seq] = frame
        self.send_frame(2, frame)
        return frame

    def ack(self, m):
        body = json.dumps({"AcknowledgedMessageType": m["type"], "AcknowledgedMessageId": str(m["id"]),
                           "AcknowledgedMessageSequenceNumber": m["seq"], "IsSequentialMessage": True}).encode()
        self.send_frame(2, pack("acknowledge", 0, 3, 0, body)[0])

    def run(self, on_handshake=None, timeout=20):
        """Read until channel_closed; returns the output (pty line ends undone)."""
        self.sock.settimeout(timeout)
        while True:
            op, data = self.read_frame()
            if op is None:
                break
            if op == 8:
                self.ws_closed = struct.unpack(">H", data[:2])[0] if len(data) >= 2 else 1005
                self.send_frame(8, data[:2])
                break
            if op == 9:
                self.send_frame(10, data)
                continue
            m = self.take(data)
            if m["type"] == "output_stream_data":
                if not self.ack_policy(m):
                    continue
                self.ack(m)
                for got in self.in_order(m):
                    self.deliver(got, on_handshake)
        return bytes(self.output).replace(b"\r\n", b"\n")

    def take(self, data):
        """One message the agent sent, kept in `received`: an acknowledgement ends the resends
        of what it acknowledges, channel_closed's payload goes in closed_msg. The message."""
        m = unpack(data)
        self.received.append(m)
        if m["type"] == "acknowledge":
            self.unacked.pop(json.loads(m["payload"])["AcknowledgedMessageSequenceNumber"], None)
        elif m["type"] == "channel_closed":
            self.closed_msg = json.loads(m["payload"])
        return m

    def in_order(self, m):
        """The output messages that m makes ready, in sequence order: none for a duplicate
        (counted in dup_seen) or one ahead of a gap (held until the gap fills)."""
        if m["seq"] < self.expected:
            self.dup_seen += 1
            return []
        self.pending[m["seq"]] = m
        ready = []
        while self.expected in self.pending:
            ready.append(self.pending.pop(self.expected))
            self.expected += 1
        return ready

    def deliver(self, m, on_handshake):
        if m["ptype"] == 1:
            payload = m["payload"]
            if self.dec is not None:
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM
                payload = AESGCM(self.dec).decrypt(payload[:12], payload[12:], None)
            self.output += payload
        elif on_handshake is not None:
            self.handshake_payloads.append(m["ptype"])
            on_handshake(self, m)


def session_client(port, session):
    """A Client opened on the session of an ExecuteCommand answer (botocore's `session`) of
    the fake listening on `port`."""
    c = Client(port, session["streamUrl"].split(str(port), 1)[1], session["tokenValue"])
    c.open()
    return c


def agent_running(ecs, cluster, arn):
    """The ECS Exec agent of the task's first container runs (ecs: a botocore client)."""
    task = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
    return task["containers"][0]["managedAgents"][0]["lastStatus"] == "RUNNING"


# ---------------------------------------------------------------- the harness

class ExecServer:
    """What the core server does for /_fake/exec/: read the head, hand over the socket."""

    def __init__(self, world):
        self.world = world
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(8)
        self.port = self.ls.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                conn, _ = self.ls.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(4096)
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        path = lines[0].split(" ")[1]
        headers = dict(line.split(": ", 1) for line in lines[1:])
        sid = path.split("?")[0].rsplit("/", 1)[-1]
        execchannel.serve(self.world, sid, conn, path, headers, initial=rest)


def setup(kms_key=None, exec_enabled=True, task_allows=("ssmmessages:*",), image="example/dbward-server:1"):
    w = make_world(scale=0.001)
    iam = w.svc("iam")
    task_role = iam.add_role("task", allows=task_allows)
    cfg = {"executeCommandConfiguration": {"kmsKeyId": kms_key, "logging": "DEFAULT"}} if kms_key else None
    call(w, "CreateCluster", clusterName="c", **({"configuration": cfg} if cfg else {}))
    td = call(w, "RegisterTaskDefinition", family="srv", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
              cpu="256", memory="512", taskRoleArn=task_role,
              containerDefinitions=[{"name": "app", "image": image}])["taskDefinition"]["taskDefinitionArn"]
    call(w, "CreateService", cluster="c", serviceName="s", taskDefinition=td, desiredCount=1, launchType="FARGATE",
         enableExecuteCommand=exec_enabled,
         networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"], "securityGroups": ["sg-1"]}})

    def running():
        arns = call(w, "ListTasks", cluster="c", serviceName="s")["taskArns"]
        tasks = call(w, "DescribeTasks", cluster="c", tasks=arns)["tasks"] if arns else []
        return [t for t in tasks if t["lastStatus"] == "RUNNING" and (
            not exec_enabled or t["containers"][0]["managedAgents"][0]["lastStatus"] == "RUNNING")]
    task = wait_for(running)[0]
    return w, task


def open_session(w, task, command):
    r = call(w, "ExecuteCommand", cluster="c", task=task["taskArn"], command=command, interactive=True)
    s = r["session"]
    assert s["streamUrl"].startswith("ws://127.0.0.1:4566/_fake/exec/" + s["sessionId"] + "?"), s["streamUrl"]
    return s


def exchange(w, task, command, server=None, **kw):
    server = server or ExecServer(w)
    s = open_session(w, task, command)
    c = Client(server.port, s["streamUrl"].split("4566", 1)[1], s["tokenValue"], **kw)
    c.open()
    return c


# ---------------------------------------------------------------- tests

def test_uuid_swap_matches_doc_example():
    frame, _ = pack("x", 0, 0, 1, b"a", uuid.UUID("dd01e56b-ff48-483e-a508-b5f073f31b16"))
    assert frame[64:80].hex() == "a508b5f073f31b16dd01e56bff48483e"
    m = execchannel.decode_message(frame)
    assert str(m["id"]) == "dd01e56b-ff48-483e-a508-b5f073f31b16" and m["digest_ok"]
    own = execchannel.encode_message("x", 0, 0, 1, b"a", uuid.UUID("dd01e56b-ff48-483e-a508-b5f073f31b16"))
    assert own[64:80] == frame[64:80] and own[80:] == frame[80:]


def test_execute_command_preconditions():
    w, task = setup(exec_enabled=False)
    e = expect_error("InvalidParameterException", call, w, "ExecuteCommand", cluster="c", task=task["taskArn"],
                     command="ls", interactive=True)
    assert "execute command was not enabled" in e.message
    assert "managedAgents" not in task["containers"][0]
    w, task = setup(task_allows=("s3:GetObject",))
    assert task["containers"][0]["managedAgents"][0] == {**task["containers"][0]["managedAgents"][0],
                                                         "name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}
    expect_error("TargetNotConnectedException", call, w, "ExecuteCommand", cluster="c", task=task["taskArn"],
                 command="ls", interactive=True)
    w, task = setup()
    e = expect_error("InvalidParameterException", call, w, "ExecuteCommand", cluster="c", task=task["taskArn"],
                     command="ls", interactive=False)
    assert "Interactive is the only mode" in e.message
    # the agent comes up a few seconds after the task is RUNNING; an old platform has no exec
    ecs = w.svc("ecs")
    tk = ecs.tasks[task["taskArn"].rsplit("/", 1)[1]]
    tk["agentRunning"] = False
    e = expect_error("InvalidParameterException", call, w, "ExecuteCommand", cluster="c", task=task["taskArn"],
                     command="ls", interactive=True)
    assert "agent isn't running" in e.message
    tk["agentRunning"] = True
    tk["platformVersion"] = "1.3.0"
    e = expect_error("InvalidParameterException", call, w, "ExecuteCommand", cluster="c", task=task["taskArn"],
                     command="ls", interactive=True)
    assert "platform version 1.3.0" in e.message
    tk["platformVersion"] = "1.4.0"
    expect_error("PlatformUnknownException", call, w, "RunTask", cluster="c", taskDefinition="srv",
                 platformVersion="9.9.9", launchType="FARGATE", networkConfiguration={
                     "awsvpcConfiguration": {"subnets": ["subnet-a"]}})
    e = expect_error("InvalidParameterException", call, w, "ExecuteCommand", cluster="c", task=task["taskArn"],
                     command="ls", interactive=False)
    assert "Interactive is the only mode" in e.message
    expect_error("ClusterNotFoundException", call, w, "ExecuteCommand", cluster="nope", task=task["taskArn"],
                 command="ls", interactive=True)


def test_cat_token_written_at_start():
    w, task = setup()
    fs = w.svc("ecs").tasks[task["taskArn"].rsplit("/", 1)[1]]["fs"]
    token = fs.read("/var/lib/dbward/agent-token")
    assert token and token.startswith(b"dwt_") and len(token.strip()) == 44
    c = exchange(w, task, "cat /var/lib/dbward/agent-token")
    out = c.run()
    assert out == token, (out, token)
    assert c.closed_msg and c.closed_msg["MessageType"] == "channel_closed" and c.closed_msg["Output"] == ""
    assert c.ws_closed == 1000
    assert c.received[0]["type"] == "start_publication", "the service's start_publication comes first"
    raw = b"".join(m["payload"] for m in c.received if m["type"] == "output_stream_data")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    # a session is single-use
    s2 = Client(c.sock.getpeername()[1], "/_fake/exec/" + "nope", "x")
    assert b"404" in s2.status


def test_exit_code_wrapper_and_sh():
    w, task = setup()
    server = ExecServer(w)
    cases = [("sh -c 'false; printf \"\\n__RC__%d\\n\" $?'", b"\n__RC__1\n"),
             ("sh -c '(exit 7); printf \"\\n__RC__%d\\n\" $?'", b"\n__RC__7\n"),
             ("sh -c 'echo a; echo b && false; printf \"%s=%d\\n\" rc $?'", b"a\nb\nrc=1\n"),
             ("ls /var/lib/dbward", b"agent-token\n"),
             ("echo  hello   world", b"hello world\n"),
             ("sh -c 'sleep 0.3; echo late'", b"late\n")]
    for cmd, want in cases:
        out = exchange(w, task, cmd, server).run()
        assert out == want, (cmd, out)


def test_resend_until_acked_and_duplicates_acked_again():
    w, task = setup()
    dropped = set()

    def policy(m):  # ignore the first copy of every output message (as if our acks were lost)
        if m["seq"] not in dropped:
            dropped.add(m["seq"])
            return False
        return True
    t0 = time.time()
    c = exchange(w, task, "seq 1 300", ack_policy=policy)
    out = c.run()
    assert out == b"".join(b"%d\n" % i for i in range(1, 301)), out[:100]
    assert len(dropped) >= 2 and time.time() - t0 >= 0.2
    # unacked messages were resent with the same sequence number and message id
    by_seq = {}
    for m in c.received:
        if m["type"] == "output_stream_data":
            by_seq.setdefault(m["seq"], set()).add(m["id"])
    assert all(len(ids) == 1 for ids in by_seq.values())
    assert all(sum(1 for m in c.received if m["type"] == "output_stream_data" and m["seq"] == s) >= 2 for s in by_seq)


def test_input_reordered_and_duplicated_is_delivered_once_in_order():
    w, task = setup()
    c = exchange(w, task, "sh")
    first = c.read_frame()[1]
    prompt = unpack(first)
    c.ack(prompt)
    c.expected = 1
    c.output += prompt["payload"]
    pieces = [b"echo hel", b"lo; exit", b" 3\r"]
    frames = [pack("input_stream_data", i, 0, 1, p)[0] for i, p in enumerate(pieces)]
    for i in (2, 0, 0, 1, 2):
        c.send_frame(2, frames[i])
    out = c.run()
    assert b"echo hello; exit 3\n" in out, out
    assert out.count(b"hello") == 2, out          # the echo of the line, then the output
    acks = [json.loads(m["payload"])["AcknowledgedMessageSequenceNumber"] for m in c.received
            if m["type"] == "acknowledge"]
    assert sorted(set(acks)) == [0, 1, 2] and len(acks) == 5, acks


def test_client_resends_lost_input():
    w, task = setup()
    c = exchange(w, task, "sh")
    prompt = unpack(c.read_frame()[1])
    c.ack(prompt)
    c.expected = 1
    # the agent answers with an ack; we send seq 0 twice (a resend) and then seq 1
    c.send_input(1, b"printf 'x%sx\\n' 1\r")
    c.send_frame(2, c.unacked[0])
    c.send_input(1, b"exit\r")
    out = c.run()
    assert out.count(b"x1x\n") == 1, out
    assert not c.unacked, c.unacked


def test_injected_faults_keep_output_exact():
    w, task = setup()
    w.exec_faults = {"drop": 0.1, "duplicate": 0.1, "reorder": 0.1}
    c = exchange(w, task, "seq 1 20000")
    out = c.run(timeout=30)
    assert out == b"".join(b"%d\n" % i for i in range(1, 20001)), len(out)
    assert c.dup_seen > 0


def test_big_output_exact():
    w, task = setup()
    fs = w.svc("ecs").tasks[task["taskArn"].rsplit("/", 1)[1]]["fs"]
    blob = bytes((i * 7 + 3) % 251 for i in range(1 << 20)).replace(b"\n", b"N").replace(b"\r", b"R")
    fs.write("/data/big.bin", blob)
    c = exchange(w, task, "cat /data/big.bin")
    out = c.run(timeout=30)
    assert out == blob
    assert max(len(m["payload"]) for m in c.received if m["type"] == "output_stream_data") <= 1024


def test_bad_token_closes():
    w, task = setup()
    server = ExecServer(w)
    s = open_session(w, task, "ls")
    c = Client(server.port, s["streamUrl"].split("4566", 1)[1], s["tokenValue"])
    c.open(token="wrong")
    c.run(timeout=5)
    assert c.ws_closed == 1008 and c.closed_msg is None and not c.output


def test_session_type_handshake():
    w, task = setup()
    w.svc("ecs").exec_handshake = True

    def on_hs(client, m):
        if m["ptype"] == 5:
            req = json.loads(m["payload"])
            assert [a["ActionType"] for a in req["RequestedClientActions"]] == ["SessionType"]
            client.send_input(6, json.dumps({"ClientVersion": "1.2.0", "ProcessedClientActions": [
                {"ActionType": "SessionType", "ActionStatus": 1}], "Errors": []}).encode())
    c = exchange(w, task, "echo shaken")
    out = c.run(on_handshake=on_hs)
    assert out == b"shaken\n" and c.handshake_payloads == [5, 7], (out, c.handshake_payloads)


def test_kms_encrypted_session():
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        print("skip: python3-cryptography missing")
        return
    key_arn = "arn:aws:kms:us-east-1:000000000000:key/1234"
    w, task = setup(kms_key=key_arn)
    data_key = os.urandom(64)
    blob = b"blob-" + os.urandom(16)
    w.svc("kms").blobs[blob] = data_key

    def on_hs(client, m):
        if m["ptype"] == 5:
            req = json.loads(m["payload"])
            kinds = {a["ActionType"]: a for a in req["RequestedClientActions"]}
            assert kinds["KMSEncryption"]["ActionParameters"]["KMSKeyId"] == key_arn
            client.dec, client.enc = data_key[:32], data_key[32:]
            client.send_input(6, json.dumps({"ClientVersion": "1.2.0", "ProcessedClientActions": [
                {"ActionType": "KMSEncryption", "ActionStatus": 1,
                 "ActionResult": {"KMSCipherTextKey": base64.b64encode(blob).decode()}},
                {"ActionType": "SessionType", "ActionStatus": 1}], "Errors": []}).encode())
        elif m["ptype"] == 8:
            ch = base64.b64decode(json.loads(m["payload"])["Challenge"])
            plain = AESGCM(client.dec).decrypt(ch[:12], ch[12:], None)
            nonce = os.urandom(12)
            back = nonce + AESGCM(client.enc).encrypt(nonce, plain, None)
            client.send_input(9, json.dumps({"Challenge": base64.b64encode(back).decode()}).encode())
    c = exchange(w, task, "cat /etc/dbward/server.conf")
    out = c.run(on_handshake=on_hs)
    assert out.startswith(b"listen = 0.0.0.0:3000\n"), out
    assert c.handshake_payloads == [5, 8, 7], c.handshake_payloads
    enc = [m for m in c.received if m["type"] == "output_stream_data" and m["ptype"] == 1]
    assert enc and all(b"listen" not in m["payload"] for m in enc)
    # declining encryption ends the session with an error in channel_closed
    w.svc("kms").blobs.clear()
    c = exchange(w, task, "ls")

    def decline(client, m):
        if m["ptype"] == 5:
            client.send_input(6, json.dumps({"ClientVersion": "1", "ProcessedClientActions": [
                {"ActionType": "KMSEncryption", "ActionStatus": 2, "Error": "no"},
                {"ActionType": "SessionType", "ActionStatus": 1}]}).encode())
    out = c.run(on_handshake=decline)
    assert out == b"" and "KMSEncryption failed" in c.closed_msg["Output"], c.closed_msg


def test_session_ends_when_the_task_stops():
    w, task = setup()
    c = exchange(w, task, "sleep 30")
    time.sleep(0.3)
    with w.lock:
        assert w.svc("ecs").stop_task_as_crash(task["taskArn"].rsplit("/", 1)[1])
    t0 = time.time()
    out = c.run(timeout=10)
    assert time.time() - t0 < 5 and out == b""
    assert "task stopped" in c.closed_msg["Output"], c.closed_msg


def test_terminate_flag_ends_the_session():
    w, task = setup()
    c = exchange(w, task, "sleep 30")
    c.send_input(10, struct.pack(">I", 2))
    t0 = time.time()
    out = c.run(timeout=10)
    # without the flag the session would run until run()'s 10 s timeout (the sleep is 30 s):
    # ending before that is the proof, with room for a loaded machine
    assert time.time() - t0 < 9 and out == b"" and c.closed_msg["Output"] == ""


if __name__ == "__main__":
    run_tests([test_uuid_swap_matches_doc_example, test_execute_command_preconditions,
               test_cat_token_written_at_start, test_exit_code_wrapper_and_sh,
               test_resend_until_acked_and_duplicates_acked_again,
               test_input_reordered_and_duplicated_is_delivered_once_in_order, test_client_resends_lost_input,
               test_injected_faults_keep_output_exact, test_big_output_exact, test_bad_token_closes,
               test_session_type_handshake, test_kms_encrypted_session, test_session_ends_when_the_task_stops,
               test_terminate_flag_ends_the_session])
