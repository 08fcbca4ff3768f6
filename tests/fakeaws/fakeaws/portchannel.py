"""The ECS Exec agent's port plugin for the fake (Session Manager port forwarding, see
fakeaws/services/_ssm/sessions.py), on the exec data channel of fakeaws/execchannel.py.

As the agent (amazon-ssm-agent, plugins/port) serves it:
  - the handshake is required: HandshakeRequest with SessionType "Port" and the
    document's properties; the client must answer with ActionStatus 1;
  - the client's ClientVersion (from its HandshakeResponse) picks the protocol: from
    1.1.70 on, connections are multiplexed (smux) over the channel, which this fake does
    not speak, so such a session ends with an error; before it, the plain stream of one
    connection (this module);
  - once the handshake is complete the agent dials the destination (the task itself for
    AWS-StartPortForwardingSession, `host` for ...ToRemoteHost: a task's private IP,
    hostname or Cloud Map name); a failed dial ends the session with the agent's words
    ("Unable to connect to specified port: dial tcp ...");
  - data is an Output payload (1) both ways; input arriving before the connection is up
    is not acknowledged (the client resends it); Flag DisconnectToPort closes the
    connection (the next data dials again), Flag TerminateSession or TerminateSession
    (SSM) ends the session; other payload types are ignored;
  - when the destination closes its side, the agent does not tell the client (it dials
    again on the next data), as the plain protocol has no way to.

What answers at the destination: the ports a task's containers map (portMappings). An
HTTP request gets "HTTP/1.1 200 OK" with a body naming the task, the image, the port and
the request line, then the server closes (Connection: close); any other bytes are echoed.
"""

import re

from fakeaws.execchannel import CHUNK, PT_OUTPUT, TICK_S, WINDOW, _do_handshake, _pump, _task_gone

MUX_CLIENT = (1, 1, 70)
HTTP_METHOD = re.compile(rb"^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) ")


def _version(text):
    try:
        return tuple(int(x) for x in str(text).split(".")[:3])
    except ValueError:
        return None


class Destination:
    """One TCP connection to a port a task answers on."""

    def __init__(self, task, port):
        self.task, self.port = task, port
        self.buf = b""
        self.http = None
        self.closed = False

    def feed(self, data):
        """Bytes from the client; returns the destination's answer (may be b"")."""
        self.buf += data
        if self.http is None:
            if len(self.buf) < 4 and not self.buf.endswith(b" "):
                return b""
            self.http = bool(HTTP_METHOD.match(self.buf))
        if not self.http:
            out, self.buf = self.buf, b""
            return out
        if b"\r\n\r\n" not in self.buf:
            return b""
        line = self.buf.split(b"\r\n", 1)[0].decode("latin-1")
        img = self.task["containers"][0]["image"]
        body = (f"hello from task {self.task['id']} ({img}) port {self.port}: {line}\n").encode()
        self.closed = True  # Connection: close
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n" +
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def _listens(ecs, task, port):
    td = ecs.taskdefs_by_arn.get(task["td"]) or {}
    return any(m.get("containerPort") == port for c in td.get("containerDefinitions", [])
               for m in c.get("portMappings") or [])


def _resolve(world, session):
    """(task, error) for the session's destination."""
    ecs = world.services["ecs"]
    me = ecs.tasks.get(session["task_id"])
    host = session.get("host")
    port = session["port"]
    if host in (None, "", "localhost", "127.0.0.1"):
        dest, addr = me, f"127.0.0.1:{port}"
    else:
        dest = None
        live = [tk for tk in ecs.tasks.values() if tk["lastStatus"] == "RUNNING" and tk["region"] == me["region"]]
        for tk in live:
            if host in ((tk.get("eni") or {}).get("PrivateIpAddress"), ecs._hostname(tk)):
                dest = tk
        sd = world.services.get("servicediscovery")
        for s in (getattr(sd, "services", {}) or {}).values() if dest is None else ():
            ns = (getattr(sd, "namespaces", {}) or {}).get(s.get("namespace_id")) or {}
            if f"{s.get('name')}.{ns.get('name')}" == host:
                dest = next((tk for tk in live if tk["id"] in (s.get("instances") or {})), None)
        if dest is None:
            return None, (f"Unable to connect to specified port: dial tcp: lookup {host} on 10.0.0.2:53: "
                          "no such host")
        addr = f"{(dest.get('eni') or {}).get('PrivateIpAddress', host)}:{port}"
    if not _listens(ecs, dest, port):
        return None, f"Unable to connect to specified port: dial tcp {addr}: connect: connection refused"
    return dest, None


def run(world, session, agent):
    """Serve a port session; returns the error for channel_closed, or None."""
    props = {"portNumber": str(session["port"]), "type": "LocalPortForwarding"}
    if session.get("host"):
        props["host"] = session["host"]
    agent.accept_output = False  # not before the connection is up: not acknowledged
    err = _do_handshake(world, session, agent, session_type="Port", properties=props)
    if err:
        return err
    version = _version(getattr(agent, "client_version", None))
    if version is None:
        return "Handshake failed: the client sent no usable ClientVersion."
    if version >= MUX_CLIENT:
        return (f"client version {agent.client_version} asks for multiplexed (smux) port forwarding, "
                "which this fake's agent does not serve; clients before 1.1.70 get the plain stream")
    with world.lock:
        dest_task, err = _resolve(world, session)
    if err:
        return err
    conn = Destination(dest_task, session["port"])
    agent.accept_output = True
    pending = b""
    while True:
        with world.lock:
            gone = _task_gone(world, session) or session.get("status") != "Connected"
        if gone or agent.terminate:
            return None if not _task_gone(world, session) else "The session was terminated because the task stopped."
        if getattr(agent, "disconnect", False):
            agent.disconnect = False
            conn.closed = True
        while agent.stdin:
            data = agent.stdin.pop(0)
            if conn.closed:  # the next data dials again
                conn = Destination(dest_task, session["port"])
            pending += conn.feed(data)
        while pending and len(agent.unacked) < WINDOW:
            chunk, pending = pending[:CHUNK], pending[CHUNK:]
            agent.send_data(PT_OUTPUT, chunk)
        _pump(agent, TICK_S)
