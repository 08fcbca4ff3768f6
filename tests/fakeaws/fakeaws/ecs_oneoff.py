"""One-off tasks for the fake's ECS (RunTask with a container's `command` overridden, as
`ecsdeploy run` and migrations use it). A mixin of the ECS service, beside
fakeaws/ecs_tasks.py.

A container whose command RunTask overrides runs that command once it is RUNNING: the
argv (exec form: no shell unless the command is `sh -c ...`) goes through the container
shell (fakeaws/ecs_shell.py) over the task's filesystem and environment, in simulated time
(`sleep N` takes N AWS seconds). What it prints goes line by line to the container's
awslogs stream as it is printed. When it ends, the container is STOPPED with the
command's exit code and, the container being essential, the task stops as AWS stops it:
stopCode EssentialContainerExited, stoppedReason "Essential container in task exited",
whatever the code. A command the image does not have fails to start the container
(CannotStartContainerError; the task stops with TaskFailedToStart). Containers without an
overridden command run as the image says (servers run until stopped).
"""

import os

from fakeaws.core import AwsError
from fakeaws.ecs_shell import Shell, ShellExit

MAX_OVERRIDES = 8192    # RunTask: the overrides' JSON length AWS accepts


def invalid(message):
    return AwsError("InvalidParameterException", message)


def check_overrides(td, overrides):
    """RunTask's refusals of `overrides`, as AWS words them."""
    import json
    if not overrides:
        return
    if len(json.dumps(overrides, separators=(",", ":"))) > MAX_OVERRIDES:
        raise invalid(f"Container Overrides length must be at most {MAX_OVERRIDES}")
    names = {c["name"] for c in td["containerDefinitions"]}
    for o in overrides.get("containerOverrides") or []:
        if o.get("name") not in names:
            raise invalid(f"Override for container named {o.get('name')} is not a container in the "
                          "TaskDefinition.")


class OneOff:
    """Mixin: needs TaskLifecycle's _task_at, _log, _stop_task, _fail_start, _hostname."""

    def _oneoff_commands(self, task, overrides):
        """Remember each container's overridden command and environment on the task."""
        for o in (overrides or {}).get("containerOverrides") or []:
            for c in task["containers"]:
                if c["name"] == o.get("name"):
                    if o.get("command") is not None:
                        c["command"] = list(o["command"])
                    if o.get("environment"):
                        c["env_override"] = {e["name"]: e.get("value", "") for e in o["environment"]}
        task["overrides"] = overrides

    def _oneoff_start(self, task, t):
        """At RUNNING: start the overridden commands (True when there is one)."""
        started = False
        td = self._td(task["td"])
        for c in task["containers"]:
            if c.get("command") is None:
                continue
            argv = c["command"]
            shell = Shell(task["fs"], dict(task["env"].get(c["name"], {}), **c.get("env_override", {})),
                          seed=self.world.random.getrandbits(32), hostname=self._hostname(task))
            name = os.path.basename(argv[0]) if argv else ""
            if not argv or getattr(shell, "cmd_" + name.replace("-", "_"), None) is None:
                reason = ("CannotStartContainerError: Error response from daemon: failed to create task for "
                          f"container: failed to create shim task: OCI runtime create failed: exec: \"{name}\": "
                          "executable file not found in $PATH: unknown")
                c["lastStatus"] = "STOPPED"
                c["reason"] = reason
                self._stop_task(task, t, "TaskFailedToStart", reason, kind="failure", drain=False)
                return True
            c["run"] = {"gen": shell.run_argv(argv), "send": None, "line": b"",
                        "def": next((d for d in td["containerDefinitions"] if d["name"] == c["name"]), {})}
            self._task_at(task, t, "oneoff_step", 0)
            started = True
        return started

    def _oneoff_out(self, task, t, c, data, final=False):
        run = c["run"]
        run["line"] += data
        *lines, run["line"] = run["line"].split(b"\n")
        if final and run["line"]:
            lines.append(run["line"])
            run["line"] = b""
        if lines:
            try:
                self._log(task, t, run["def"], [ln.decode("utf-8", "replace") for ln in lines])
            except AwsError:
                pass

    def _on_oneoff_step(self, task, t):
        if task["lastStatus"] != "RUNNING" or task["desiredStatus"] != "RUNNING":
            return
        for c in task["containers"]:
            run = c.get("run")
            if not run or c["lastStatus"] != "RUNNING":
                continue
            status = None
            try:
                ev = run["gen"].send(run["send"]) if run["send"] is not None else next(run["gen"])
                run["send"] = None
                while True:
                    if ev[0] == "out":
                        self._oneoff_out(task, t, c, ev[1])
                        ev = next(run["gen"])
                    elif ev[0] == "sleep":
                        self._task_at(task, t, "oneoff_step", max(0.0, float(ev[1])))
                        break
                    else:  # reading stdin: a task has none (end of input)
                        ev = run["gen"].send(None)
            except StopIteration as stop:
                status = stop.value or 0
            except ShellExit as e:
                status = e.status
            if status is not None:
                self._oneoff_out(task, t, c, b"", final=True)
                c["lastStatus"] = "STOPPED"
                c["exitCode"] = int(status) & 0xFF
                c.pop("run", None)
                if c["essential"]:
                    self._stop_task(task, t, "EssentialContainerExited", "Essential container in task exited",
                                    kind="failure", drain=False)
                    return
