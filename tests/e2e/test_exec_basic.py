"""`ecsdeploy exec` against the fake: output byte-exact (1 MiB too), exit codes through
the wrapper, --no-wrap, faults on the data channel, a timeout, the precondition errors,
and the KMS-encrypted mode."""

import hashlib
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exec_world import Fake, Report, World  # noqa: E402

r = Report()


def ok(p, what, code=0):
    return r.check(p.returncode == code, f"{what}: exit {p.returncode}, wanted {code}; stderr: {p.stderr[-600:]!r}")


def faults(fake, rules):
    status, _ = fake.control("POST", "/_fake/faults", {"seed": 3, "rules": [], "exec": rules})
    r.check(status == 200, "fault rules accepted")


with Fake() as fake:
    w = World(fake)
    w.cluster("ex")
    w.service("ex", "web")
    w.service("ex", "noexec", exec_enabled=False)
    w.service("ex", "norole", task_role=w.bare_role)
    w.service("ex", "old", platform="1.3.0")
    w.service("ex", "roleless", task_role="")
    w.wait_exec_ready("ex", "web")
    w.wait_exec_ready("ex", "norole")
    w.wait_exec_ready("ex", "old")
    w.wait_exec_ready("ex", "roleless")
    work = tempfile.mkdtemp()
    stack = os.path.join(work, "ecsdeploy.yml")
    with open(stack, "w") as f:
        f.write("stack: ex\nservices:\n  web:\n    image: nginx:1.27\n    exec: true\n")

    # a seeded file, through the stack file and through --cluster
    p = w.run("-f", stack, "exec", "web", "--", "cat", "/usr/share/nginx/html/index.html")
    ok(p, "exec cat")
    r.check(p.stdout.startswith(b"<html><body>hello from ") and p.stdout.endswith(b"</body></html>\n"),
            f"exec cat output: {p.stdout!r}")
    r.check(b"\r" not in p.stdout and b"ECSDEPLOY_EXIT" not in p.stdout, "no pty line ends or marker")
    p = w.run("--debug", "exec", "--cluster", "ex", "web", "--", "cat", "/usr/share/nginx/html/index.html")
    ok(p, "exec --debug")
    r.check(b"hello from" in p.stdout and b"hello from" not in p.stderr, "--debug never shows the output")
    r.check(b"tokenValue" in p.stderr and b"REDACTED" in p.stderr, "--debug redacts the session token")
    p = w.run("exec", "--cluster", "ex", "web", "--", "echo", "it's", "a b")
    ok(p, "exec --cluster echo")
    r.check(p.stdout == b"it's a b\n", f"quoted arguments: {p.stdout!r}")

    # exit codes
    ok(w.run("exec", "--cluster", "ex", "web", "--", "false"), "false", 1)
    ok(w.run("exec", "--cluster", "ex", "web", "--", "sh", "-c", "exit 7"), "exit 7", 7)
    p = w.run("exec", "--cluster", "ex", "web", "--no-wrap", "--", "sh -c 'echo hi; exit 7'")
    ok(p, "--no-wrap")
    r.check(p.stdout == b"hi\n", f"--no-wrap output {p.stdout!r}")

    # 1 MiB of random bytes, byte-exact: compare with the sha256sum the container computes
    p = w.run("exec", "--cluster", "ex", "web", "--", "sh -c 'head -c 1048576 /dev/urandom > /tmp/big; "
              "sha256sum /tmp/big'")
    ok(p, "make 1 MiB")
    want = p.stdout.split()[0].decode() if p.stdout else ""
    t0 = time.time()
    p = w.run("exec", "--cluster", "ex", "web", "--", "cat", "/tmp/big")
    ok(p, "cat 1 MiB")
    r.check(len(p.stdout) == 1048576 and hashlib.sha256(p.stdout).hexdigest() == want,
            f"1 MiB byte-exact ({len(p.stdout)} bytes in {time.time() - t0:.1f} s)")

    # faults on the data channel: output still exact, our lost acks make the agent resend
    faults(fake, [{"action": "drop", "rate": 0.2, "direction": "to_client"},
                  {"action": "duplicate", "rate": 0.2, "direction": "to_client"},
                  {"action": "reorder", "rate": 0.2, "direction": "to_client"},
                  {"action": "drop", "rate": 0.2, "direction": "from_client", "message_type": "acknowledge"}])
    p = w.run("--debug", "exec", "--cluster", "ex", "web", "--", "seq", "1", "20000")
    ok(p, "seq under faults")
    r.check(p.stdout == b"".join(b"%d\n" % i for i in range(1, 20001)), "seq output exact under faults")
    r.check(b"duplicates" in p.stderr and b"exec: channel done" in p.stderr, "debug reports the channel")
    # our own input lost twice: resent until acknowledged (an interactive shell fed by a pipe)
    faults(fake, [{"action": "drop", "count": 2, "direction": "from_client", "message_type": "input_stream_data"}])
    p = w.run("--debug", "exec", "--cluster", "ex", "web", "-it", "--", "sh", stdin=b"echo hello\nexit 3\n")
    ok(p, "interactive sh with lost input (its exit status)", 3)
    r.check(b"hello\n" in p.stdout and b"\r" not in p.stdout, f"interactive output {p.stdout!r}")
    r.check(b" 0 resent" not in p.stderr and b"resent" in p.stderr, "our lost input was resent")
    fake.control("POST", "/_fake/faults", {"rules": [], "exec": []})
    # -it with stdin not a terminal: run without one, the end of input is the shell's end
    p = w.run("exec", "--cluster", "ex", "web", "-it", "--", "sh", stdin=b"")
    ok(p, "-it with stdin at its end (sh </dev/null) ends")
    r.check(b"stdin is not a terminal" in p.stderr, f"-it without a terminal says so: {p.stderr!r}")
    p = w.run("exec", "--cluster", "ex", "web", "-it", "--", "sh", stdin=b"echo partial; exit 4")
    ok(p, "-it: a last line without its newline still runs", 4)

    # a timeout ends cleanly
    t0 = time.time()
    p = w.run("exec", "--cluster", "ex", "web", "--timeout", "1s", "--", "sleep", "30")
    ok(p, "timeout", 1)
    r.check(b"did not finish within 1 s" in p.stderr and time.time() - t0 < 10, f"timeout message: {p.stderr!r}")

    # preconditions
    p = w.run("exec", "--cluster", "ex", "noexec", "--", "true")
    ok(p, "exec not enabled", 1)
    r.check(b"ECS Exec is not enabled on service noexec" in p.stderr and b"exec: true" in p.stderr,
            f"not-enabled message: {p.stderr!r}")
    p = w.run("exec", "--cluster", "ex", "norole", "--", "true")
    ok(p, "role without ssmmessages", 1)
    r.check(b"ssmmessages:CreateControlChannel" in p.stderr, f"role message: {p.stderr!r}")
    p = w.run("exec", "--cluster", "ex", "roleless", "--", "true")
    ok(p, "no task role", 1)
    r.check(b"has no task role" in p.stderr and b"exec: true" in p.stderr, f"no-role message: {p.stderr!r}")
    p = w.run("exec", "--cluster", "ex", "old", "--", "true")
    ok(p, "platform too old", 1)
    r.check(b"platform 1.3.0" in p.stderr and b"1.4.0" in p.stderr, f"platform message: {p.stderr!r}")
    p = w.run("exec", "--cluster", "ex", "nosuch", "--", "true")
    ok(p, "no such service", 1)
    r.check(b"no service nosuch" in p.stderr, f"missing service: {p.stderr!r}")
    ok(w.run("-f", stack, "exec", "nosuch", "--", "true"), "service not in the stack file", 2)
    ok(w.run("exec", "--cluster", "ex", "web"), "no command", 2)
    ok(w.run("exec", "--cluster", "ex", "web", "--timeout", "soon", "--", "true"), "bad timeout", 2)
    p = w.run("exec", "--cluster", "ex", "web", "--container", "other", "--", "true")
    ok(p, "no such container", 1)

    # -it on a real terminal: raw mode while it runs, window size changes, restored at the end
    import fcntl, pty, select, signal, struct, subprocess, termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    before = termios.tcgetattr(slave)

    def shell_on_terminal():
        """`exec -it -- sh` with the pty as its terminal."""
        return subprocess.Popen([os.environ.get("ECSDEPLOY", "bin/ecsdeploy"), "exec", "--cluster", "ex", "web",
                                 "-it", "--", "sh"], stdin=slave, stdout=slave, stderr=slave, env=w.env,
                                start_new_session=True)

    def typed_exit(proc, line):
        """Type `line` (an exit) and wait for the session to end (killed after 20 s)."""
        os.write(master, line)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()

    proc = shell_on_terminal()
    seen = b""
    def read_until(needle, secs=15):
        global seen
        end = time.time() + secs
        while needle not in seen and time.time() < end:
            if select.select([master], [], [], 0.2)[0]:
                seen += os.read(master, 65536)
        return needle in seen
    r.check(read_until(b"# "), f"interactive prompt: {seen!r}")
    r.check(not (termios.tcgetattr(slave)[3] & termios.ECHO), "raw mode (no echo) during -it")
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc.send_signal(signal.SIGWINCH)
    os.write(master, b"echo hi-there\r")
    r.check(read_until(b"hi-there\r\n"), f"interactive echo: {seen!r}")
    typed_exit(proc, b"exit\r")
    r.check(proc.returncode == 0, f"-it exit status {proc.returncode}")
    r.check(termios.tcgetattr(slave) == before, "the terminal is restored after -it")
    # the remote exit status on a terminal too, and no marker line shown
    read_until(b"never", 0.5)  # what the first session still wrote
    seen = b""
    proc = shell_on_terminal()
    r.check(read_until(b"container web\n# "), f"interactive prompt: {seen!r}")
    typed_exit(proc, b"exit 3\r")
    read_until(b"never", 0.5)
    r.check(proc.returncode == 3, f"'exit 3' in an -it session exits {proc.returncode}: {seen!r}")
    r.check(b"ECSDEPLOY_EXIT" not in seen, f"no marker on the terminal: {seen!r}")
    os.close(master)
    os.close(slave)

    # the library entry bootstrap steps use: output exact (no marker, no "\r"), exit status
    tools = os.environ.get("TOOLS_DIR")
    if tools and os.path.exists(os.path.join(tools, "exec_capture")):
        import subprocess
        cap = os.path.join(tools, "exec_capture")
        p = subprocess.run([cap, "ex", "web", "sh -c 'printf \"tok-123\\n\"; exit 4'"], capture_output=True,
                           env=w.env, timeout=60)
        r.check(p.returncode == 0 and p.stdout == b"tok-123\n" and b"exit=4" in p.stderr,
                f"exec_capture: {p.returncode} {p.stdout!r} {p.stderr!r}")
        p = subprocess.run([cap, "ex", "noexec", "true"], capture_output=True, env=w.env, timeout=60)
        r.check(p.returncode == 1 and b"ExecNotEnabled" in p.stderr, f"exec_capture refusal: {p.stderr!r}")

    # KMS-encrypted sessions
    key = fake.client("kms").create_key()["KeyMetadata"]["Arn"]
    w.cluster("kx", kms_key=key)
    w.service("kx", "web")
    w.wait_exec_ready("kx", "web")
    p = w.run("exec", "--cluster", "kx", "web", "--", "sh", "-c", "cat /etc/hostname; exit 3")
    ok(p, "KMS exec", 3)
    r.check(p.stdout.startswith(b"ip-") and p.stdout.endswith(b"\n"), f"KMS output {p.stdout!r}")

r.finish()
