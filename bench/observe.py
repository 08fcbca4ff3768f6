"""Watching the fake while a command runs: when each load balancer became active and each
Cloud Map namespace finished, as the fake's control API shows them (GET /_fake/resources,
not an AWS call: it is not in the call log). The bench uses these to bound a run by the
durations the fake really drew in it, not by the model's typical ones."""
import threading
import time

EVERY = 0.1  # seconds between looks (2 AWS seconds at time scale 0.05)


class Observer:
    def __init__(self, fake):
        self.fake = fake
        self.first, self.ready = {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _look(self):
        doc = self.fake.resources()
        now = time.time()
        found = [("alb/" + lb.get("name", "?"), lb.get("state") == "active")
                 for lb in (doc.get("elbv2") or {}).get("load_balancers", [])]
        found += [("namespace/" + ns.get("name", "?"), ns.get("state") == "active")
                  for ns in (doc.get("servicediscovery") or {}).get("namespaces", [])]
        for key, active in found:
            self.first.setdefault(key, now)
            if active:
                self.ready.setdefault(key, now)

    def _run(self):
        while not self._stop.is_set():
            try:
                self._look()
            except (OSError, ValueError):
                pass  # the fake is busy or going away; look again
            self._stop.wait(EVERY)

    def durations(self):
        """{"alb/NAME" or "namespace/NAME": seconds from first seen to active}, for those
        seen being created and then active."""
        return {k: round(self.ready[k] - self.first[k], 3) for k in self.ready
                if self.ready[k] > self.first[k]}
