"""What the fake drew while a command ran: how long each load balancer it created took to
become active and each Cloud Map namespace's creation took, exactly as the fake drew them
(GET /_fake/resources gives `ready_after`, in the fake's seconds; not an AWS call, so not
in the call log). The bench bounds a run by these durations, not by the model's typical
ones."""


class Observer:
    """Notes what exists when the command starts; durations() gives the draws of what it
    created."""

    def __init__(self, fake):
        self.fake = fake
        self.before, self.after = {}, {}

    def _look(self):
        try:
            doc = self.fake.resources()
        except (OSError, ValueError):
            return None  # the fake went away: no draws known, the bound takes typical ones
        found = [("alb/" + lb.get("name", "?"), lb.get("ready_after"))
                 for lb in (doc.get("elbv2") or {}).get("load_balancers", [])]
        found += [("namespace/" + ns.get("name", "?"), ns.get("ready_after"))
                  for ns in (doc.get("servicediscovery") or {}).get("namespaces", [])]
        return dict(found)

    def __enter__(self):
        self.before = self._look()
        return self

    def __exit__(self, *exc):
        self.after = self._look()

    def durations(self):
        """{"alb/NAME" or "namespace/NAME": seconds from creation to ready}, for those the
        command created (and that still exist when it ends); {} when the fake could not
        be read."""
        if self.before is None or self.after is None:
            return {}
        return {k: v for k, v in self.after.items() if k not in self.before and v is not None}
