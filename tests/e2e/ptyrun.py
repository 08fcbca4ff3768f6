"""Run ecsdeploy on a pseudo-terminal of a given size and collect what it writes (for the
tests of what a person at a terminal sees: the live view, the questions)."""

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time


def run_on_pty(argv, env, cols=80, rows=24, react=None, timeout=300):
    """Start argv with stdin, stdout and stderr on a new pty of cols x rows; call
    react(out, proc, master, slave) with everything written so far after each read (to
    type an answer or resize); return (exit code, bytes written)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    out, end = b"", time.time() + timeout
    while time.time() < end:
        if select.select([master], [], [], 0.1)[0]:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
        if react:
            react(out, proc, master, slave)
        if proc.poll() is not None and not select.select([master], [], [], 0.2)[0]:
            break
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    os.close(master)
    os.close(slave)
    return proc.returncode, out
