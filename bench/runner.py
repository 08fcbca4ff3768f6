"""Runs one command: wall time, peak memory (getrusage of the child via wait4), and each
stdout line with the moment it arrived (ecsdeploy flushes every JSON event)."""
import os
import signal
import subprocess
import threading
import time

TIMEOUT = float(os.environ.get("BENCH_PHASE_TIMEOUT", "180"))


def _stop(p, flag, sig=signal.SIGTERM):
    """SIGTERM lets ecsdeploy roll back; SIGKILL a minute later if it is still there."""
    flag.append(sig)
    try:
        os.killpg(p.pid, sig)  # the command's own process group only
    except ProcessLookupError:
        pass


def run(argv, out_path, err_path, timeout=None):
    """Returns {t0, t0_epoch (the same moment in epoch seconds, as the fake's call log has
    them), wall, rc, maxrss_kb, cpu (user+sys s, with reaped children), lines: [(seconds
    since t0, text)], timed_out}; a command still running after `timeout` seconds (default
    BENCH_PHASE_TIMEOUT, 180) is stopped."""
    timeout = timeout or TIMEOUT
    lines = []
    with open(out_path, "w") as out, open(err_path, "w") as err:
        t0, t0_epoch = time.monotonic(), time.time()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        timed_out = []
        timers = [threading.Timer(timeout, _stop, (p, timed_out)),
                  threading.Timer(timeout + 60, _stop, (p, timed_out, signal.SIGKILL))]
        for t in timers:
            t.start()
        for raw in p.stdout:
            now = time.monotonic() - t0
            text = raw.decode("utf-8", "replace")
            out.write(text)
            lines.append((now, text.rstrip("\n")))
        _, status, ru = os.wait4(p.pid, 0)
        for t in timers:
            t.cancel()
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    return {"t0": t0, "t0_epoch": t0_epoch, "wall": round(wall, 3), "rc": p.returncode,
            "maxrss_kb": ru.ru_maxrss, "cpu": round(ru.ru_utime + ru.ru_stime, 2), "lines": lines,
            "timed_out": bool(timed_out)}
