"""Runs one command: wall time, peak memory (the command's own high-water mark, VmHWM,
sampled while it runs), CPU (getrusage of the child via wait4), and each stdout line with
the moment it arrived (ecsdeploy flushes every JSON event).

Why not ru_maxrss: Linux folds the high-water mark of the memory a process had before
exec into its ru_maxrss, and a child of this Python process starts with Python's, so
wait4's ru_maxrss said how big bench.py had grown (it rose phase after phase, 21.8 to 25.2
MB), not the command. VmHWM in /proc/PID/status is the exec'd program's own peak; read
every 20 ms, it misses at most what the command adds in its last 20 ms."""
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


def _hwm_kb(pid):
    """The process's peak resident memory so far (kB), or 0 once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _watch_hwm(pid, peak, done):
    while not done.is_set():
        peak[0] = max(peak[0], _hwm_kb(pid))
        done.wait(0.02)


def run(argv, out_path, err_path, timeout=None, children=False):
    """Returns {t0, t0_epoch (the same moment in epoch seconds, as the fake's call log has
    them), wall, rc, maxrss_kb, cpu (user+sys s, with reaped children), lines: [(seconds
    since t0, text)], timed_out}; a command still running after `timeout` seconds (default
    BENCH_PHASE_TIMEOUT, 180) is stopped. With children (a script whose commands do the
    work, like the AWS CLI one), maxrss_kb is wait4's, which takes in the reaped children's
    peaks (theirs, each far above this Python's)."""
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
        peak, done = [0], threading.Event()
        sampler = threading.Thread(target=_watch_hwm, args=(p.pid, peak, done), daemon=True)
        sampler.start()
        for raw in p.stdout:
            now = time.monotonic() - t0
            text = raw.decode("utf-8", "replace")
            out.write(text)
            lines.append((now, text.rstrip("\n")))
        peak[0] = max(peak[0], _hwm_kb(p.pid))  # its output closed: about to exit
        done.set()
        sampler.join()
        _, status, ru = os.wait4(p.pid, 0)
        for t in timers:
            t.cancel()
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    return {"t0": t0, "t0_epoch": t0_epoch, "wall": round(wall, 3), "rc": p.returncode,
            "maxrss_kb": ru.ru_maxrss if children or not peak[0] else peak[0], "cpu": round(ru.ru_utime + ru.ru_stime, 2), "lines": lines,
            "timed_out": bool(timed_out)}
