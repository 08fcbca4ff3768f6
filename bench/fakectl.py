"""The fake's control API (never signed), on 127.0.0.1 only and never through a proxy."""
import json
import urllib.parse
import urllib.request


class Fake:
    def __init__(self, url):
        host = urllib.parse.urlparse(url).hostname
        if host != "127.0.0.1":
            raise SystemExit("bench: refusing to talk to %s: the bench only uses the local fake" % url)
        self.url = url.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _get(self, path):
        with self.opener.open(self.url + path, timeout=30) as r:
            return json.loads(r.read().decode())

    def resources(self):
        """Everything the fake holds now (GET /_fake/resources)."""
        return self._get("/_fake/resources")

    def calls_since(self, seq):
        """Every call with a sequence number above seq, in order."""
        calls = self._get("/_fake/calls?since=%d" % seq).get("calls", [])
        return sorted((c for c in calls if c.get("seq", 0) > seq), key=lambda c: c["seq"])

    def last_seq(self):
        calls = self._get("/_fake/calls").get("calls", [])
        return max((c.get("seq", 0) for c in calls), default=0)

    def set_latency(self, ms):
        """Every call from now on costs ms milliseconds (POST /_fake/faults)."""
        req = urllib.request.Request(self.url + "/_fake/faults", method="POST",
                                     data=json.dumps({"latency_ms": ms}).encode(),
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as r:
            r.read()

    def reset(self):
        req = urllib.request.Request(self.url + "/_fake/reset", data=b"", method="POST")
        with self.opener.open(req, timeout=30) as r:
            r.read()

    def stack_leftovers(self, needle="canardstack"):
        """Ids of live resources whose description names the stack (kept ones included)."""
        doc = self.resources()
        left = []
        for service, kinds in sorted(doc.items()):
            if not isinstance(kinds, dict):
                continue
            for kind, items in sorted(kinds.items()):
                for it in items if isinstance(items, list) else []:
                    if needle in json.dumps(it):
                        left.append("%s/%s/%s" % (service, kind, it.get("id", "?")))
        return left
