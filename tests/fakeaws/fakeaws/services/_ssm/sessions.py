"""Session Manager sessions for the fake's SSM (StartSession, TerminateSession), as the
ECS Exec agent of a task serves them: port forwarding to the task
(AWS-StartPortForwardingSession) or to a host the task can reach
(AWS-StartPortForwardingSessionToRemoteHost). A mixin of the SSM service (services/ssm.py); the data
channel itself is fakeaws/portchannel.py on the exec channel's WebSocket.

Refusals as AWS gives them: a target that is not `ecs:CLUSTER_TASKID_RUNTIMEID` of a
RUNNING task whose container runs the ExecuteCommandAgent, or whose task role lacks the
ssmmessages channel permissions: TargetNotConnected "<target> is not connected."; a
document other than those two: InvalidDocument; parameters the document does not
declare, a missing host for the remote one, a port that is not 1-65535:
InvalidParameters (what the SSM API answers for a document's parameters).
"""

import base64
import re

from ...core import AwsError

DOCUMENTS = {
    "AWS-StartPortForwardingSession": {"required": (), "allowed": ("portNumber", "localPortNumber")},
    "AWS-StartPortForwardingSessionToRemoteHost": {"required": ("host",),
                                                   "allowed": ("host", "portNumber", "localPortNumber")},
}
TARGET = re.compile(r"^ecs:([A-Za-z0-9_-]+)_([0-9a-f]{32})_(.+)$")


def _invalid_params(message):
    return AwsError("InvalidParameters", message)


class Sessions:
    """Mixin of the SSM service: self.world; self.sessions (reset by the service)."""

    def _reset_sessions(self):
        self.sessions = {}

    def _task_for_target(self, ctx, target):
        not_connected = AwsError("TargetNotConnected", f"{target} is not connected.")
        m = TARGET.match(target or "")
        ecs = self.world.services.get("ecs")
        if not m or ecs is None:
            raise not_connected
        cluster, task_id, runtime = m.groups()
        ecs.advance()
        tk = ecs.tasks.get(task_id)
        if tk is None or tk["cluster"] != cluster or tk["region"] != ctx.region:
            raise not_connected
        cont = next((c for c in tk["containers"] if c["runtimeId"] == runtime), None)
        if (cont is None or tk["lastStatus"] != "RUNNING" or tk["desiredStatus"] != "RUNNING"
                or not tk["enableExecuteCommand"] or not tk["agentRunning"] or cont["lastStatus"] != "RUNNING"):
            raise not_connected
        td = ecs.taskdefs_by_arn[tk["td"]]
        role = td.get("taskRoleArn")
        iam = self.world.services.get("iam")
        actions = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                   "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
        if not role or (iam is not None and not all(iam.role_allows(role, a) for a in actions)):
            raise not_connected
        return ecs, tk, cont

    def StartSession(self, req, ctx):
        ecs, tk, cont = self._task_for_target(ctx, req["Target"])
        doc_name = req.get("DocumentName") or "SSM-SessionManagerRunShell"
        doc = DOCUMENTS.get(doc_name)
        if doc is None:
            raise AwsError("InvalidDocument", f"Document {doc_name} does not exist in your account or "
                           "this fake serves only port forwarding documents.")
        params = req.get("Parameters") or {}
        for name, values in params.items():
            if name not in doc["allowed"]:
                raise _invalid_params(f"Parameter \"{name}\" is not defined in document {doc_name}.")
            if len(values) != 1:
                raise _invalid_params(f"Parameter \"{name}\" takes exactly one value.")
        for name in doc["required"]:
            if name not in params:
                raise _invalid_params(f"Parameter \"{name}\" is required by document {doc_name}.")
        port = (params.get("portNumber") or ["80"])[0]
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise _invalid_params(f"Parameter \"portNumber\" value {port} is not a port number (1-65535).")
        sid = "ecsdeploy-" + "".join(self.world.random.choice("0123456789abcdef") for _ in range(17))
        token = base64.b64encode(self.world.random.randbytes(120)).decode()
        cluster = ecs.clusters.get((ctx.region, tk["cluster"])) or {}
        kms_key = ((cluster.get("configuration") or {}).get("executeCommandConfiguration") or {}).get("kmsKeyId")
        self.sessions[sid] = {
            "id": sid, "token": token, "task_id": tk["id"], "container": cont["name"], "used": False,
            "document": doc_name, "port": int(port), "host": (params.get("host") or [None])[0],
            "kms_key": kms_key, "target_id": req["Target"], "status": "Connected",
            "hostname": ecs._hostname(tk), "env": {},
        }
        host = ctx.host or "127.0.0.1"
        return {"SessionId": sid, "TokenValue": token,
                "StreamUrl": f"ws://{host}/_fake/exec/{sid}?role=publish_subscribe&cell-number=AAEAAQ"}

    def TerminateSession(self, req, ctx):
        s = self.sessions.get(req["SessionId"])
        if s is not None:
            s["status"] = "Terminated"
        return {"SessionId": req["SessionId"]}

    def port_session(self, session_id):
        """For the data channel: (session, task filesystem) or (None, None)."""
        s = self.sessions.get(session_id)
        ecs = self.world.services.get("ecs")
        if s is None or ecs is None or s["status"] != "Connected":
            return None, None
        tk = ecs.tasks.get(s["task_id"])
        return s, (tk["fs"] if tk else None)

    def sessions_resources(self):
        return [{"id": s["id"], "document": s["document"], "target": s["target_id"], "status": s["status"],
                 "port": s["port"], "host": s["host"]} for s in self.sessions.values()]
