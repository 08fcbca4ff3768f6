"""What runs inside a fake container: behaviour by image, a per-task in-memory
filesystem seeded from tests/fakeaws/fixtures/filesystem.json, and the small command set
ECS Exec sessions run against it.

Behaviour by image reference (the tag or name decides, so tests can script failures):
  nopull     the image cannot be pulled (CannotPullContainerError)
  crashloop  the container exits with code 1 soon after it starts
  unhealthy  it runs but fails load-balancer and container health checks
  slowstart  it takes ten times longer to become healthy
  anything else runs and passes its health checks.

The commands ECS Exec runs are in fakeaws/ecs_shell.py (Shell). Output is pty-style:
the exec channel turns "\\n" into "\\r\\n".
"""

import json
import os
import random
import re

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "fixtures", "filesystem.json")

BEHAVIOURS = ("nopull", "crashloop", "unhealthy", "slowstart")


def behaviour(image):
    """The scripted behaviour of an image reference: one of BEHAVIOURS or "normal"."""
    ref = (image or "").lower()
    for b in BEHAVIOURS:
        if b in ref:
            return b
    return "normal"


def worst_behaviour(images):
    """The behaviour of a task from its essential containers' images."""
    found = [behaviour(i) for i in images]
    for b in BEHAVIOURS:
        if b in found:
            return b
    return "normal"


class Filesystem:
    """Files as {absolute path: bytes}; directories exist where files are below them
    or where they were made explicitly."""

    def __init__(self):
        self.files = {}
        self.dirs = {"/"}

    @staticmethod
    def norm(path, cwd="/"):
        if not path.startswith("/"):
            path = cwd.rstrip("/") + "/" + path
        parts = []
        for p in path.split("/"):
            if p in ("", "."):
                continue
            if p == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(p)
        return "/" + "/".join(parts)

    def mkdirs(self, path):
        path = self.norm(path)
        while path not in self.dirs:
            self.dirs.add(path)
            path = os.path.dirname(path)

    def write(self, path, data, append=False):
        path = self.norm(path)
        if isinstance(data, str):
            data = data.encode()
        self.mkdirs(os.path.dirname(path))
        self.files[path] = (self.files.get(path, b"") + data) if append else data

    def read(self, path):
        return self.files.get(self.norm(path))

    def isdir(self, path):
        return self.norm(path) in self.dirs

    def listdir(self, path):
        path = self.norm(path)
        prefix = path.rstrip("/") + "/"
        names = set()
        for p in list(self.files) + list(self.dirs):
            if p.startswith(prefix) and p != path:
                names.add(p[len(prefix):].split("/")[0])
        return sorted(names)


def load_fixture(path=FIXTURE):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"default": {"files": {}}, "images": []}


def _expand(template, ctx, rng):
    """Placeholders in seeded paths, contents and log lines: {task_id}, {container},
    {image}, {hostname}, {hex:N} (N random hex digits), {token:N} (N random url-safe
    characters), {env:NAME} or {env:NAME|default}, {var:NAME} (a value from the entry's
    "vars", computed once per task)."""
    def sub(m):
        key, _, arg = m.group(1).partition(":")
        if key == "hex":
            return "".join(rng.choice("0123456789abcdef") for _ in range(int(arg)))
        if key == "token":
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            return "".join(rng.choice(alphabet) for _ in range(int(arg)))
        if key == "env":
            name, _, default = arg.partition("|")
            return ctx.get("env", {}).get(name) or default
        if key == "var":
            return ctx.get("vars", {}).get(arg, "")
        return str(ctx.get(key, m.group(0)))
    return re.sub(r"\{([a-z_]+(?::[^{}]+)?)\}", sub, template)


def fixture_entries(image, fixture=None):
    fixture = fixture or load_fixture()
    entries = [fixture.get("default", {})]
    entries += [e for e in fixture.get("images", []) if re.search(e.get("match", "$^"), image or "")]
    return entries


def seed(fs, image, ctx, rng, fixture=None):
    """Create the files the fixture lists for this image (the default set, then every
    entry whose "match" regex is found in the image reference). Returns the log lines
    the container prints at start."""
    lines = []
    ctx = dict(ctx)
    ctx["vars"] = dict(ctx.get("vars") or {})
    for e in fixture_entries(image, fixture):
        for name, template in (e.get("vars") or {}).items():
            ctx["vars"][name] = _expand(template, ctx, rng)
        for d in e.get("dirs", []):
            fs.mkdirs(_expand(d, ctx, rng))
        for path, content in e.get("files", {}).items():
            fs.write(_expand(path, ctx, rng), _expand(content, ctx, rng))
        lines += [_expand(line, ctx, rng) for line in e.get("log", [])]
    return lines


def periodic_log(image, ctx, n, fixture=None):
    """(every_seconds, line) of the periodic log line for this image, or None."""
    found = None
    for e in fixture_entries(image, fixture):
        if e.get("periodic_log"):
            found = e["periodic_log"]
    if not found:
        return None
    c = dict(ctx)
    c["n"] = n
    return float(found.get("every", 60)), _expand(found.get("line", "{container}: alive"), c, random.Random(0))

