"""Fault rules, seeded and reproducible (POST /_fake/faults; see README.md).

API call rules decide per call; data-channel rules are read by the exec part through
exec_decide() (or exec_rules() for the raw list)."""

import random
import threading

CALL_ACTIONS = {"latency", "throttle", "error", "drop", "slow", "hold"}
EXEC_ACTIONS = {"drop", "duplicate", "reorder", "flood", "close"}
_CALL_KEYS = {"service", "operation", "action", "rate", "count", "skip", "latency_ms",
              "status", "code", "message", "slow_ms", "phase", "writes", "after"}
# Operations that only read (the rest change something): what "writes": true leaves out.
READ_PREFIXES = ("Describe", "List", "Get", "Head", "Discover", "Filter", "Lookup", "Search")
_EXEC_KEYS = {"action", "rate", "count", "skip", "direction", "message_type", "message"}


class FaultSpecError(ValueError):
    pass


class _Rule:
    def __init__(self, spec, exec_rule=False):
        keys = _EXEC_KEYS if exec_rule else _CALL_KEYS
        actions = EXEC_ACTIONS if exec_rule else CALL_ACTIONS
        if not isinstance(spec, dict):
            raise FaultSpecError("each rule must be a JSON object")
        bad = set(spec) - keys
        if bad:
            raise FaultSpecError(f"unknown rule field(s) {sorted(bad)}; allowed: {sorted(keys)}")
        self.spec = dict(spec)
        self.action = spec.get("action")
        if self.action not in actions:
            raise FaultSpecError(f"action must be one of {sorted(actions)}, got {self.action!r}")
        self.rate = _num(spec, "rate", 1.0, 0.0, 1.0)
        self.count = _int(spec, "count", None)
        self.skip = _int(spec, "skip", 0)
        self.service = spec.get("service")
        self.operation = spec.get("operation")
        self.latency_ms = _num(spec, "latency_ms", 0.0, 0.0, 600000.0)
        self.slow_ms = _num(spec, "slow_ms", 1000.0, 0.0, 600000.0)
        self.status = _int(spec, "status", 500)
        if not exec_rule and self.action == "error" and self.status not in (500, 502, 503, 504):
            raise FaultSpecError("error status must be 500, 502, 503 or 504")
        self.code = spec.get("code")
        self.message = spec.get("message")
        self.phase = spec.get("phase", "before")
        if self.phase not in ("before", "after"):
            raise FaultSpecError("phase must be 'before' or 'after'")
        self.direction = spec.get("direction", "both")
        if exec_rule and self.direction not in ("to_client", "from_client", "both"):
            raise FaultSpecError("direction must be to_client, from_client or both")
        self.message_type = spec.get("message_type")
        self.writes = spec.get("writes", False)
        if not isinstance(self.writes, bool):
            raise FaultSpecError(f"writes must be true or false, got {self.writes!r}")
        self.after = spec.get("after")
        if self.after is not None and not isinstance(self.after, str):
            raise FaultSpecError(f"after must be an operation name, got {self.after!r}")
        self.armed = self.after is None   # "after": matches only once that operation was seen
        self.seen = 0
        self.applied = 0

    def note_call(self, operation):
        """Every call is shown to every rule first (to arm an "after" rule)."""
        if not self.armed and operation == self.after:
            self.armed = "next"

    def matches_call(self, service, operation):
        if self.armed is not True:
            if self.armed == "next" and operation != self.after:
                self.armed = True
            else:
                return False
        if self.writes and (operation or "").startswith(READ_PREFIXES):
            return False
        return ((self.service in (None, "*", service)) and
                (self.operation in (None, "*", operation)))

    def matches_exec(self, direction, message_type):
        return ((self.direction in ("both", direction)) and
                (self.message_type in (None, "*", message_type)))

    def fire(self, rng):
        """Count this match and decide (seeded) whether the rule applies."""
        self.seen += 1
        if self.seen <= self.skip:
            return False
        if self.count is not None and self.applied >= self.count:
            return False
        if self.rate < 1.0 and rng.random() >= self.rate:
            return False
        self.applied += 1
        return True

    def state(self):
        d = dict(self.spec)
        d["matched"] = self.seen
        d["applied"] = self.applied
        return d


def _num(spec, key, default, lo, hi):
    v = spec.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        raise FaultSpecError(f"{key} must be a number from {lo} to {hi}, got {v!r}")
    return float(v)


def _int(spec, key, default):
    v = spec.get(key, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise FaultSpecError(f"{key} must be a non-negative integer, got {v!r}")
    return v


class Faults:
    def __init__(self, seed=None, latency_ms=0.0):
        self.lock = threading.Lock()
        self.base_seed = seed
        self.default_latency_ms = float(latency_ms)
        self.clear()

    def clear(self):
        with self.lock:
            self.seed = self.base_seed
            self.random = random.Random(self.seed)
            self.latency_ms = self.default_latency_ms
            self.rules = []
            self.exec = []
            self._release_held()

    def _release_held(self):
        """Let every held call go (called with the lock held): new rules, or a reset."""
        old = getattr(self, "release", None)
        self.release = threading.Event()
        self.held = getattr(self, "held", 0)
        if old is not None:
            old.set()

    def hold(self):
        """Block the calling request until the rules are replaced (a "hold" rule fired)."""
        with self.lock:
            ev = self.release
            self.held += 1
        ev.wait()
        with self.lock:
            self.held -= 1

    def set(self, doc):
        """Replace all rules from a JSON document (see README.md). Raises FaultSpecError."""
        if not isinstance(doc, dict):
            raise FaultSpecError("the fault document must be a JSON object")
        bad = set(doc) - {"seed", "latency_ms", "rules", "exec"}
        if bad:
            raise FaultSpecError(f"unknown field(s) {sorted(bad)}; allowed: seed, latency_ms, rules, exec")
        rules = [_Rule(r) for r in doc.get("rules", [])]
        execs = [_Rule(r, True) for r in doc.get("exec", [])]
        latency = _num(doc, "latency_ms", self.default_latency_ms, 0.0, 600000.0)
        seed = doc.get("seed", self.base_seed)
        with self.lock:
            self.seed = seed
            self.random = random.Random(seed)
            self.rules = rules
            self.exec = execs
            self.latency_ms = latency
            self._release_held()

    def state(self):
        with self.lock:
            return {"seed": self.seed, "latency_ms": self.latency_ms, "held": self.held,
                    "rules": [r.state() for r in self.rules],
                    "exec": [r.state() for r in self.exec]}

    def for_call(self, service, operation):
        """The actions for one API call: a list of _Rule that fired, in rule order."""
        with self.lock:
            for r in self.rules:
                r.note_call(operation)
            return [r for r in self.rules if r.matches_call(service, operation) and r.fire(self.random)]

    def base_latency(self):
        return self.latency_ms

    # -- data channel (read by fakeaws/execchannel.py) --------------------------------
    def exec_rules(self):
        """Data-channel fault rates as the exec part reads them: {"drop": r, "duplicate": r,
        "reorder": r}, each the rate of the first rule with that action (0 when none)."""
        with self.lock:
            out = {"drop": 0.0, "duplicate": 0.0, "reorder": 0.0}
            for r in reversed(self.exec):
                if r.action in out:
                    out[r.action] = r.rate
            return out

    def exec_hostile(self):
        """The first hostile-agent rule ("flood" or "close", see execchannel.py) as a
        dict, or None."""
        with self.lock:
            for r in self.exec:
                if r.action in ("flood", "close"):
                    return dict(r.spec)
        return None

    def exec_rule_list(self):
        """The data-channel rules as plain dicts (action, rate, count, skip, direction,
        message_type, matched, applied)."""
        with self.lock:
            return [r.state() for r in self.exec]

    def exec_decide(self, direction, message_type=None):
        """For one data-channel message: "drop", "duplicate", "reorder" or None.
        direction is "to_client" (agent output) or "from_client"; the first rule that
        matches and fires wins. Seeded by the same random source as the call rules."""
        with self.lock:
            for r in self.exec:
                if r.matches_exec(direction, message_type) and r.fire(self.random):
                    return r.action
        return None
