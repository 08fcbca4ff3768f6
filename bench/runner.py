"""Runs one command: wall time, peak memory (getrusage of the child via wait4), and each
stdout line with the moment it arrived (ecsdeploy flushes every JSON event)."""
import os
import subprocess
import time


def run(argv, out_path, err_path):
    """Returns {t0, wall, rc, maxrss_kb, lines: [(seconds since t0, text)]}."""
    lines = []
    with open(out_path, "w") as out, open(err_path, "w") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
        for raw in p.stdout:
            now = time.monotonic() - t0
            text = raw.decode("utf-8", "replace")
            out.write(text)
            lines.append((now, text.rstrip("\n")))
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    return {"t0": t0, "wall": round(wall, 3), "rc": p.returncode,
            "maxrss_kb": ru.ru_maxrss, "lines": lines}
