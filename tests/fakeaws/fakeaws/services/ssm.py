"""SSM for the fake: Session Manager sessions (StartSession, TerminateSession) for port
forwarding through a task's ECS Exec agent (fakeaws/ssm_sessions.py; the data channel is
fakeaws/portchannel.py)."""

from ..core import Service
from ..ssm_sessions import Sessions


class Ssm(Sessions, Service):
    name = "ssm"

    def reset(self):
        self._reset_sessions()

    def resources(self):
        return {"sessions": self.sessions_resources()}


SERVICE = Ssm
