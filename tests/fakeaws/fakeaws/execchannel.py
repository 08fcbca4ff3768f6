"""The agent side of an ECS Exec data channel (../shared/docs/ecs-exec-protocol.md),
served over a plain RFC 6455 WebSocket on the fake's port.

The server reads the request head of GET /_fake/exec/<session-id> and hands the raw
socket to serve(); this module answers the WebSocket handshake, checks the token in the
first (text) frame, sends a start_publication (which clients ignore), then plays the
agent: binary messages with the 116-byte header and
SHA-256 digest, sequence numbers, acknowledgements, resending its own unacknowledged
output every 200 ms, in-order delivery of the client's input with buffering and
duplicate suppression, an optional SessionType handshake, the KMSEncryption handshake
when the cluster sets a KMS key (AES-256-GCM, nonce || ciphertext+tag; the client
encrypts with the second half of the data key, the agent with the first), the command on
a pseudo-terminal ("\\n" -> "\\r\\n"), and channel_closed at the end.

Faults for data-channel messages (drop, duplicate, reorder) come from the fault rules
(see FaultSource) and apply in both directions, reproducibly (seeded).
"""

import base64
import hashlib
import hmac
import json
import os
import random
import select
import struct
import threading
import time
import uuid

from fakeaws.ecs_shell import Shell

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
RESEND_S = 0.2
TICK_S = 0.05
WINDOW = 256
CHUNK = 1024
HANDSHAKE_WAIT_S = 15.0
CLOSE_ACK_WAIT_S = 2.0
AGENT_VERSION = "3.3.1142.0"

PT_OUTPUT, PT_SIZE, PT_HS_REQ, PT_HS_RESP, PT_HS_DONE = 1, 3, 5, 6, 7
PT_ENC_REQ, PT_ENC_RESP, PT_FLAG = 8, 9, 10
FLAG_DISCONNECT, FLAG_TERMINATE = 1, 2


# ---------------------------------------------------------------- message framing

def encode_message(mtype, seq, flags, payload_type, payload, msg_id=None, created_ms=None):
    msg_id = msg_id or uuid.uuid4()
    b = msg_id.bytes
    head = struct.pack(">I32sIQqQ16s32sI", 116, mtype.ljust(32).encode(), 1,
                       created_ms or int(time.time() * 1000), seq, flags, b[8:] + b[:8],
                       hashlib.sha256(payload).digest(), payload_type)
    return head + struct.pack(">I", len(payload)) + payload


def decode_message(data):
    """-> dict or None when malformed."""
    if len(data) < 120:
        return None
    hl, mtype, schema, created, seq, flags, mid, digest, ptype = struct.unpack(">I32sIQqQ16s32sI", data[:116])
    (plen,) = struct.unpack(">I", data[116:120])
    if hl != 116 or len(data) < 120 + plen:
        return None
    payload = data[120:120 + plen]
    return {"type": mtype.decode(errors="replace").strip(" \x00"), "seq": seq, "flags": flags,
            "id": uuid.UUID(bytes=mid[8:] + mid[:8]), "ptype": ptype, "payload": payload,
            "digest_ok": hashlib.sha256(payload).digest() == digest, "created": created}


# ---------------------------------------------------------------- websocket (server side)

class WebSocket:
    def __init__(self, sock, initial=b""):
        self.sock = sock
        self.buf = bytearray(initial)
        self.frags = []
        self.frag_op = None
        self.closed = False

    def send_frame(self, opcode, payload):
        n = len(payload)
        if n < 126:
            head = struct.pack(">BB", 0x80 | opcode, n)
        elif n < 65536:
            head = struct.pack(">BBH", 0x80 | opcode, 126, n)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 127, n)
        self.sock.sendall(head + payload)

    def send_close(self, code=1000, reason=b""):
        if not self.closed:
            try:
                self.send_frame(8, struct.pack(">H", code) + reason)
            except OSError:
                pass
            self.closed = True

    def fill(self, timeout):
        """Read what is available within timeout. Returns False on EOF."""
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return True
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        if not data:
            return False
        self.buf += data
        return True

    def messages(self):
        """Complete messages parsed from the buffer: ("text"|"binary"|"close", bytes).
        Answers pings. Raises ValueError on a protocol violation."""
        out = []
        while True:
            if len(self.buf) < 2:
                return out
            b0, b1 = self.buf[0], self.buf[1]
            fin, op, masked, n = b0 & 0x80, b0 & 0x0F, b1 & 0x80, b1 & 0x7F
            pos = 2
            if n == 126:
                if len(self.buf) < 4:
                    return out
                n = struct.unpack(">H", self.buf[2:4])[0]
                pos = 4
            elif n == 127:
                if len(self.buf) < 10:
                    return out
                n = struct.unpack(">Q", self.buf[2:10])[0]
                pos = 10
            if not masked:
                raise ValueError("client frames must be masked")
            if len(self.buf) < pos + 4 + n:
                return out
            key = self.buf[pos:pos + 4]
            data = bytes(self.buf[pos + 4:pos + 4 + n])
            del self.buf[:pos + 4 + n]
            if n:
                mask = (key * (n // 4 + 1))[:n]
                data = (int.from_bytes(data, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")
            if op == 9:
                self.send_frame(10, data)
            elif op == 10:
                pass
            elif op == 8:
                out.append(("close", data))
                return out
            elif op in (1, 2):
                if self.frag_op is not None:
                    raise ValueError("new data frame inside a fragmented message")
                if fin:
                    out.append(("text" if op == 1 else "binary", data))
                else:
                    self.frag_op, self.frags = op, [data]
            elif op == 0:
                if self.frag_op is None:
                    raise ValueError("continuation frame without a message")
                self.frags.append(data)
                if fin:
                    out.append(("text" if self.frag_op == 1 else "binary", b"".join(self.frags)))
                    self.frag_op, self.frags = None, []
            else:
                raise ValueError(f"unknown opcode {op}")


def _handshake(sock, headers):
    h = {k.lower(): v for k, v in (headers or {}).items()}
    key = h.get("sec-websocket-key")
    if "websocket" not in (h.get("upgrade") or "").lower() or not key:
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 36\r\n"
                     b"Connection: close\r\n\r\nexpected a WebSocket upgrade request")
        return False
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
    return True


def _reject(sock, status, text):
    body = text.encode()
    sock.sendall(f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                 "Connection: close\r\n\r\n".encode() + body)


# ---------------------------------------------------------------- faults

class FaultSource:
    """Decides, per data-channel message, "drop", "duplicate", "reorder" or None.

    Uses the core's fault store (world.faults.exec_decide(direction, message_type), set
    with POST /_fake/faults "exec" rules) when there is one; otherwise world.exec_faults,
    a dict of rates {"drop", "duplicate", "reorder"} (unit tests), seeded per session."""

    def __init__(self, world, rng):
        self.rng = rng
        store = getattr(world, "faults", None)
        self.store = store if store is not None and hasattr(store, "exec_decide") else None
        rates = getattr(world, "exec_faults", None) or {}
        self.rates = [(k, float(rates.get(k, 0) or 0)) for k in ("drop", "duplicate", "reorder")]

    def decide(self, direction, message_type):
        if self.store is not None:
            try:
                return self.store.exec_decide(direction, message_type)
            except Exception:
                return None
        for action, rate in self.rates:
            if rate and self.rng.random() < rate:
                return action
        return None


# ---------------------------------------------------------------- the agent

class Agent:
    def __init__(self, world, session, fs, ws, rng):
        self.world, self.s, self.fs, self.ws = world, session, fs, ws
        self.rng = rng
        self.faults = FaultSource(world, random.Random(rng.getrandbits(64)))
        self.out_seq = 0
        self.unacked = {}          # seq -> [raw, last_sent]
        self.expected = 0
        self.inbuf = {}            # seq -> message
        # reorder fault: what one direction ("to_client", "from_client") holds back
        self.held = {"to_client": None, "from_client": None}
        self.stdin = []            # decoded input bytes for the command
        self.hs_responses = []     # handshake payloads from the client (type, payload)
        self.enc_key = self.dec_key = None
        self.eof = False
        self.terminate = False     # the client sent Flag TerminateSession
        self.disconnect = False    # the client sent Flag DisconnectToPort (port sessions)
        self.accept_output = True  # False: Output input is not taken (nor acknowledged) yet
        self.client_version = None # from the client's HandshakeResponse
        self.stats = {"resent": 0, "dropped_out": 0, "dropped_in": 0, "dup_in": 0}

    # -- sending
    def _after_faults(self, direction, message_type, item, dropped, duplicated=None):
        """What to deliver now of one message going `direction` under the fault rules:
        nothing when dropped (counted in stats[dropped]) or held back (reorder: it goes after
        the next one); twice when duplicated (counted in stats[duplicated] when named); then
        what was held back before."""
        action = self.faults.decide(direction, message_type)
        if action == "drop":
            self.stats[dropped] += 1
            return []
        batch = [item]
        if action == "duplicate":
            batch.append(item)
            if duplicated:
                self.stats[duplicated] += 1
        if action == "reorder" and self.held[direction] is None:
            self.held[direction] = batch
            return []
        if self.held[direction] is not None:
            batch, self.held[direction] = batch + self.held[direction], None
        return batch

    def _raw_send(self, frame, message_type):
        for f in self._after_faults("to_client", message_type, frame, "dropped_out"):
            self.ws.send_frame(2, f)

    def flush_held(self):
        held, self.held["to_client"] = self.held["to_client"] or [], None
        for f in held:
            self.ws.send_frame(2, f)

    def send_data(self, payload_type, payload):
        if self.enc_key is not None and payload_type in (PT_OUTPUT, 11, 12):
            payload = self._encrypt(payload)
        frame = encode_message("output_stream_data", self.out_seq, 0,
                               payload_type, payload)
        self.unacked[self.out_seq] = [frame, time.time()]
        self.out_seq += 1
        self._raw_send(frame, "output_stream_data")

    def send_ack(self, msg):
        body = json.dumps({"AcknowledgedMessageType": msg["type"], "AcknowledgedMessageId": str(msg["id"]),
                           "AcknowledgedMessageSequenceNumber": msg["seq"], "IsSequentialMessage": True}).encode()
        self._raw_send(encode_message("acknowledge", 0, 3, 0, body), "acknowledge")

    def resend_due(self):
        now = time.time()
        n = 0
        for seq in sorted(self.unacked):
            ent = self.unacked[seq]
            if now - ent[1] >= RESEND_S:
                ent[1] = now
                self.stats["resent"] += 1
                self._raw_send(ent[0], "output_stream_data")
                n += 1
                if n >= 16:
                    break
        self.flush_held()

    # -- crypto
    def _aead(self, key):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        return AESGCM(key)

    def _encrypt(self, data):
        nonce = os.urandom(12)
        return nonce + self._aead(self.enc_key).encrypt(nonce, data, None)

    def _decrypt(self, data):
        return self._aead(self.dec_key).decrypt(data[:12], data[12:], None)

    # -- receiving
    def receive(self, kind, data):
        if kind == "text":
            return  # only the first frame is text
        msg = decode_message(data)
        if msg is None:
            return
        if msg["type"] in ("start_publication", "pause_publication"):
            return
        if not msg["digest_ok"]:
            return
        for m in self._after_faults("from_client", msg["type"], msg, "dropped_in", "dup_in"):
            self._handle(m)

    def _handle(self, msg):
        if msg["type"] == "acknowledge":
            try:
                ack = json.loads(msg["payload"])
                self.unacked.pop(int(ack["AcknowledgedMessageSequenceNumber"]), None)
            except (ValueError, KeyError, TypeError):
                pass
            return
        if msg["type"] != "input_stream_data":
            return
        seq = msg["seq"]
        if seq < self.expected:
            self.send_ack(msg)  # a duplicate: ack again, drop
            return
        if seq == self.expected and msg["ptype"] == PT_OUTPUT and not self.accept_output:
            return  # the plugin is not ready for data: no ack, the client sends it again
        self.send_ack(msg)
        if seq > self.expected:
            self.inbuf[seq] = msg
            return
        self._deliver(msg)
        self.expected += 1
        while self.expected in self.inbuf:
            self._deliver(self.inbuf.pop(self.expected))
            self.expected += 1

    def _deliver(self, msg):
        pt, payload = msg["ptype"], msg["payload"]
        if pt == PT_OUTPUT:
            if self.dec_key is not None:
                try:
                    payload = self._decrypt(payload)
                except Exception:
                    return
            self.stdin.append(payload)
        elif pt in (PT_HS_RESP, PT_ENC_RESP):
            self.hs_responses.append((pt, payload))
        elif pt == PT_FLAG and len(payload) >= 4 and struct.unpack(">I", payload[:4])[0] == FLAG_TERMINATE:
            self.terminate = True
        elif pt == PT_FLAG and len(payload) >= 4 and struct.unpack(">I", payload[:4])[0] == FLAG_DISCONNECT:
            self.disconnect = True
        # Size (3), Flag (10) and anything else: nothing to do for a fake pty.


def serve(world, session_id, sock, path, headers, initial=b""):
    """Entry point from the server: owns and finally closes `sock`."""
    try:
        _serve(world, session_id, sock, path, headers, initial)
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def _serve(world, session_id, sock, path, headers, initial):
    with world.lock:
        ecs = world.services.get("ecs")
        session, fs = ecs.exec_session(session_id) if ecs is not None else (None, None)
        ssm = world.services.get("ssm")
        if session is None and ssm is not None and hasattr(ssm, "port_session"):
            session, fs = ssm.port_session(session_id)  # Session Manager port forwarding
        if session is not None and (session.get("used") or fs is None):
            session = None
        if session is not None:
            session["used"] = True
        seed = world.random.getrandbits(64)
    if session is None:
        _reject(sock, "404 Not Found", "unknown, used or expired exec session")
        return
    if not _handshake(sock, headers):
        return
    ws = WebSocket(sock, initial)
    first = _wait_first(ws)
    if first is None:
        ws.send_close(1002)
        return
    try:
        opened = json.loads(first)
        token_ok = hmac.compare_digest(str(opened.get("TokenValue", "")), session["token"])
    except (ValueError, AttributeError):
        token_ok = False
    if not token_ok:
        ws.send_close(1008, b"invalid token")
        return
    agent = Agent(world, session, fs, ws, random.Random(seed))
    agent.client_id = opened.get("ClientId", "")
    # the service tells the client it may publish; clients ignore it (protocol doc, 4)
    ws.send_frame(2, encode_message("start_publication", 0, 0, 0, b"{}"))
    faults = getattr(world, "faults", None)  # (stand-in worlds of the part's own tests have none)
    hostile = faults.exec_hostile() if hasattr(faults, "exec_hostile") else None
    if hostile and hostile["action"] == "flood":
        _flood(ws)
        return
    if hostile and hostile["action"] == "close":  # the agent ends at once, saying this
        body = json.dumps({"MessageId": str(uuid.uuid4()), "MessageType": "channel_closed",
                           "SessionId": session["id"], "SchemaVersion": 1,
                           "Output": hostile.get("message", "")}).encode()
        ws.send_frame(2, encode_message("channel_closed", 0, 0, 0, body))
        ws.send_close(1000)
        return
    try:
        _run(world, ecs, session, agent)
    except _Gone:
        pass


def _flood(ws):
    """A hostile agent (exec fault "flood"): small frames as fast as the socket takes
    them, with no flow control and no end, until the client goes away; what the client
    sends is read and dropped so that its writes never block. Each frame holds a valid
    start_publication message, which clients read and ignore."""
    frame = bytes([0x82, 0]) + encode_message("start_publication", 0, 0, 0, b"{}")
    frame = frame[:1] + bytes([len(frame) - 2]) + frame[2:]
    block = frame * ((1 << 20) // len(frame))

    def drain():
        try:
            while ws.sock.recv(65536):
                pass
        except OSError:
            pass

    threading.Thread(target=drain, daemon=True).start()
    try:
        while True:
            ws.sock.sendall(block)
    except OSError:
        pass


class _Gone(Exception):
    """The client closed the connection."""


def _wait_first(ws, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        for kind, data in ws.messages():
            if kind == "text":
                return data.decode(errors="replace")
            return None
        if not ws.fill(min(0.5, end - time.time())):
            return None
    return None


def _pump(agent, timeout):
    """Service the socket for up to `timeout` seconds."""
    if not agent.ws.fill(timeout):
        raise _Gone()
    for kind, data in agent.ws.messages():
        if kind == "close":
            agent.ws.send_close(1000)
            raise _Gone()
        agent.receive(kind, data)
    agent.resend_due()


def _do_handshake(world, session, agent, session_type="InteractiveCommands", properties=None):
    actions = []
    if session.get("kms_key"):
        actions.append({"ActionType": "KMSEncryption", "ActionParameters": {"KMSKeyId": session["kms_key"]}})
    actions.append({"ActionType": "SessionType",
                    "ActionParameters": {"SessionType": session_type, "Properties": properties}})
    started = time.time()
    agent.send_data(PT_HS_REQ, json.dumps({"AgentVersion": AGENT_VERSION, "RequestedClientActions": actions}).encode())
    resp = _await_hs(agent, PT_HS_RESP, started)
    if resp is None:
        return "Handshake timed out. Please ensure that you are using the latest session manager plugin version."
    try:
        body = json.loads(resp)
        processed = {a.get("ActionType"): a for a in body.get("ProcessedClientActions") or []}
        agent.client_version = body.get("ClientVersion")
    except (ValueError, AttributeError):
        return "Handshake failed: the HandshakeResponse could not be parsed."
    for a in actions:
        got = processed.get(a["ActionType"])
        if not got or got.get("ActionStatus") != 1:
            err = (got or {}).get("Error") or "not processed"
            return f"{a['ActionType']} failed on client with status {(got or {}).get('ActionStatus')} error: {err}"
    if session.get("kms_key"):
        err = _kms_setup(world, agent, processed["KMSEncryption"].get("ActionResult") or {}, started)
        if err:
            return err
    agent.send_data(PT_HS_DONE, json.dumps({"HandshakeTimeToComplete": int((time.time() - started) * 1e9),
                                            "CustomerMessage": ""}).encode())
    return None


def _await_hs(agent, ptype, started):
    while time.time() - started < HANDSHAKE_WAIT_S:
        for i, (pt, payload) in enumerate(agent.hs_responses):
            if pt == ptype:
                del agent.hs_responses[i]
                return payload
        _pump(agent, TICK_S)
    return None


def _kms_setup(world, agent, result, started):
    try:
        blob = base64.b64decode(result.get("KMSCipherTextKey") or "")
    except (ValueError, TypeError):
        blob = b""
    with world.lock:
        kms = world.services.get("kms")
        key = kms.decrypt_blob(blob) if (kms is not None and blob) else None
    if not key or len(key) != 64:
        return "KMSEncryption failed: the data key could not be decrypted with KMS."
    try:
        import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401
    except ImportError:
        return "KMSEncryption is not available in this fake: python3-cryptography is missing."
    agent.enc_key, agent.dec_key = key[:32], key[32:]
    challenge = os.urandom(64)
    agent.send_data(PT_ENC_REQ, json.dumps({"Challenge": base64.b64encode(agent._encrypt(challenge)).decode()}).encode())
    resp = _await_hs(agent, PT_ENC_RESP, started)
    try:
        got = agent._decrypt(base64.b64decode(json.loads(resp)["Challenge"])) if resp else None
    except Exception:
        got = None
    if got != challenge:
        return "Encryption challenge failed: the client's response did not match."
    return None


def _run(world, ecs, session, agent):
    err = None
    if session.get("document"):  # a Session Manager port session: fakeaws/portchannel.py
        from fakeaws import portchannel
        err = portchannel.run(world, session, agent)
    elif session.get("kms_key") or getattr(ecs, "exec_handshake", False):
        err = _do_handshake(world, session, agent)
    if err is None and not session.get("document"):
        err = _run_command(world, session, agent)
    # remaining output acknowledged (or 2 s), then channel_closed and the close frame
    end = time.time() + CLOSE_ACK_WAIT_S
    while agent.unacked and time.time() < end:
        _pump(agent, TICK_S)
    agent.flush_held()
    body = json.dumps({"MessageId": str(uuid.uuid4()), "CreatedDate": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                       "DestinationId": getattr(agent, "client_id", ""), "SessionId": session["id"],
                       "MessageType": "channel_closed", "SchemaVersion": 1, "Output": err or ""}).encode()
    agent.ws.send_frame(2, encode_message("channel_closed", 0, 0, 0, body))
    agent.ws.send_close(1000)
    end = time.time() + 1.0
    try:
        while time.time() < end:
            _pump(agent, 0.1)
    except _Gone:
        pass


def _task_gone(world, session):
    ecs = world.services.get("ecs")
    tk = ecs.tasks.get(session["task_id"]) if ecs is not None else None
    return tk is None or tk["desiredStatus"] != "RUNNING"


def _run_command(world, session, agent):
    sh = Shell(agent.fs, session.get("env"), seed=agent.rng.getrandbits(32),
                          hostname=session.get("hostname", "ip-10-0-0-1"))
    gen = sh.run_exec_command(session["command"])
    pending = b""
    wake = 0.0
    waiting_read = False
    send_value = None
    done = False
    while not done or pending:
        if _task_gone(world, session):
            return "The session was terminated because the task stopped."
        if agent.terminate:
            return None
        # send what fits in the window
        while pending and len(agent.unacked) < WINDOW:
            chunk, pending = pending[:CHUNK], pending[CHUNK:]
            agent.send_data(PT_OUTPUT, chunk)
        if done:
            _pump(agent, TICK_S)
            continue
        now = time.time()
        if waiting_read:
            if agent.stdin:
                send_value = b"".join(agent.stdin)
                agent.stdin.clear()
                waiting_read = False
            else:
                _pump(agent, TICK_S)
                continue
        if now < wake:
            _pump(agent, min(TICK_S, wake - now))
            continue
        if len(pending) > WINDOW * CHUNK or len(agent.unacked) >= WINDOW:
            _pump(agent, TICK_S)
            continue
        try:
            with world.lock:
                ev = gen.send(send_value) if send_value is not None else next(gen)
            send_value = None
        except StopIteration:
            done = True
            continue
        if ev[0] == "out":
            pending += ev[1].replace(b"\n", b"\r\n")
        elif ev[0] == "sleep":
            wake = time.time() + ev[1]
        elif ev[0] == "read":
            waiting_read = True
        _pump(agent, 0)
    return None
