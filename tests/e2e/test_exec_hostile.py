"""`ecsdeploy exec` against a hostile agent (issue 16): the fake's exec fault "flood" sends
small frames as fast as the socket takes them, forever. The session must end at its
--timeout with a clear error while the data flows, and the process must stay small
(peak resident memory under 100 MB, read from /proc while it runs)."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exec_world import ECSDEPLOY, Fake, Report, World  # noqa: E402
from hostile import watch  # noqa: E402

r = Report()
LIMIT_KB = 100 * 1024

with Fake() as fake:
    w = World(fake)
    w.cluster("ex")
    w.service("ex", "web")
    w.wait_exec_ready("ex", "web")
    status, _ = fake.control("POST", "/_fake/faults", {"rules": [], "exec": [{"action": "flood"}]})
    r.check(status == 200, "the flood fault is accepted")
    # ASan keeps up to 256 MB of freed memory in quarantine, which would count as
    # resident: a small quarantine makes the peak the memory the program holds.
    asan = ":".join(x for x in (os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=16") if x)
    p = subprocess.Popen([ECSDEPLOY, "exec", "--cluster", "ex", "web", "--timeout", "3s", "--", "echo", "hi"],
                         env=dict(w.env, ASAN_OPTIONS=asan), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, secs, killed = watch(p, LIMIT_KB * 4)
    err = p.stderr.read().decode(errors="replace")
    print(f"exec flood: exit {p.returncode} after {secs:.1f} s, peak {peak // 1024} MB: {err.strip()[-300:]}",
          flush=True)
    r.check(not killed, f"the process grew past {LIMIT_KB * 4 // 1024} MB and was killed")
    r.check(peak < LIMIT_KB, f"peak resident memory {peak // 1024} MB (limit 100 MB)")
    r.check(p.returncode == 1, f"exit status {p.returncode}, wanted 1")
    r.check(secs < 3 + 10, f"the session ended {secs:.1f} s after it started (--timeout 3s)")
    r.check("did not finish within 3 s" in err, f"the error names the timeout: {err[-300:]!r}")
    fake.control("POST", "/_fake/faults", {"rules": [], "exec": []})
r.finish()
