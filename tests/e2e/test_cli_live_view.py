"""The live view of `up` under an 80x24 pseudo-terminal: canardstack against the fake.
Every line fits in 80 columns, the screen never scrolls a frame into the scrollback (one
header in all), the window is bounded with a count of the rest, and a resize (SIGWINCH)
is followed. A small terminal model replays what ecsdeploy wrote (cursor up, erase line,
erase below, carriage return, newline, colours)."""

import os
import re
import signal
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exec_world import Fake, Report  # noqa: E402
from ptyrun import run_on_pty  # noqa: E402

import fcntl  # noqa: E402
import termios  # noqa: E402

r = Report()
ESC = re.compile(rb"\x1b\[([0-9;?]*)([A-Za-z])")


def width(text):
    """Display columns of a line (wide characters count 2)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


class Terminal:
    """Enough of a VT100 for the live view: a screen of rows, a scrollback, a cursor."""

    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.screen = [""] * rows
        self.scrollback = []
        self.row = self.col = 0
        self.widest = 0
        self.wraps = 0  # lines that did not fit and went on to the next row

    def newline(self):
        if self.row == self.rows - 1:
            self.scrollback.append(self.screen.pop(0))
            self.screen.append("")
        else:
            self.row += 1

    def put(self, text):
        for ch in text:
            if self.col >= self.cols:  # autowrap
                self.wraps += 1
                self.col = 0
                self.newline()
            line = self.screen[self.row].ljust(self.col)
            self.screen[self.row] = line[:self.col] + ch + line[self.col + 1:]
            self.col += width(ch)
            self.widest = max(self.widest, self.col)

    def feed(self, data):
        pos = 0
        text = data.decode("utf-8", errors="replace").encode("utf-8")
        for m in ESC.finditer(text):
            self.plain(text[pos:m.start()])
            n = int(m.group(1) or b"1") if m.group(1).isdigit() else 1
            cmd = m.group(2)
            if cmd == b"A":
                self.row = max(0, self.row - n)
            elif cmd == b"K":
                self.screen[self.row] = self.screen[self.row][:self.col] if m.group(1) != b"2" else ""
            elif cmd == b"J":
                self.screen[self.row] = self.screen[self.row][:self.col]
                for i in range(self.row + 1, self.rows):
                    self.screen[i] = ""
            pos = m.end()
        self.plain(text[pos:])

    def plain(self, b):
        for part in re.split(rb"(\r|\n)", b):
            if part == b"\r":
                self.col = 0
            elif part == b"\n":
                self.col = 0  # the pty's onlcr
                self.newline()
            elif part:
                self.put(part.decode("utf-8", errors="replace"))

    def all_lines(self):
        return self.scrollback + self.screen


def widest(out):
    """The widest line written, in display columns (escape sequences take none)."""
    return max(width(ESC.sub(b"", seg).decode("utf-8", "replace")) for piece in out.split(b"\n")
               for seg in piece.split(b"\r"))


def run_up(env, stack, cols=80, rows=24, resize_to=None):
    """`up` on a pty of cols x rows (resized once three frames are drawn); (code, bytes)."""
    done = []

    def react(out, proc, master, slave):
        if resize_to and not done and out.count(b"done,") >= 3:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", resize_to[1], resize_to[0], 0, 0))
            proc.send_signal(signal.SIGWINCH)
            done.append(1)

    return run_on_pty([os.environ.get("ECSDEPLOY", "bin/ecsdeploy"), "-f", stack, "up"], env, cols, rows, react)


with Fake() as fake:
    env = dict(os.environ, AWS_ENDPOINT_URL=fake.url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_EC2_METADATA_DISABLED="true", ECSDEPLOY_POLL_SECONDS="0.05", TERM="xterm")
    env.pop("NO_COLOR", None)
    top = os.environ.get("TOP", ".")
    stack = os.path.join(top, "examples", "canardstack.yml")

    code, out = run_up(env, stack)
    r.check(code == 0, f"up on a pty exits {code}: {out[-1500:]!r}")
    term = Terminal(80, 24)
    term.feed(out)
    lines = term.all_lines()
    r.check(term.wraps == 0, f"{term.wraps} lines wrapped on an 80-column terminal")
    r.check(widest(out) <= 80, f"a written line is {widest(out)} columns wide")
    headers = [ln for ln in lines if ln.startswith("ecsdeploy up canardstack")]
    r.check(len(headers) == 1, f"{len(headers)} live-view headers left on the terminal and in its scrollback")
    r.check(any("more (" in ln for ln in [l for l in out.decode("utf-8", "replace").split("\n")]),
            "33 resources on 24 rows: the rest is counted")
    r.check(any("Stack canardstack is up" in ln for ln in lines), "the summary follows the live view")
    r.check(b"\x1b[" in out, "the live view is drawn in place (escape sequences)")

    # a resize during the run: the frames follow the new size (40 columns, 12 rows)
    with open(stack) as f:
        text = f.read()
    changed = os.path.join(tempfile.mkdtemp(), "canard.yml")
    bigger = text.replace("    cpu: 512\n    memory: 1024\n", "    cpu: 1024\n    memory: 2048\n", 1)
    r.check(bigger != text, "the app's size is found in examples/canardstack.yml to change it")
    with open(changed, "w") as f:
        f.write(bigger)
    code, out = run_up(env, changed, resize_to=(40, 12))
    os.unlink(changed)
    r.check(code == 0, f"the second up exits {code}: {out[-800:]!r}")
    frames = out.split(b"ecsdeploy up canardstack")
    last = frames[-1].split(b"Stack canardstack")[0]  # the final frame, after the resize
    r.check(len(frames) > 4 and widest(last) <= 40, f"after the resize a line is {widest(last)} columns wide")
    term = Terminal(40, 12)
    term.feed(b"ecsdeploy up canardstack" + last)
    r.check(term.wraps == 0 and len([ln for ln in term.all_lines() if ln.strip()]) <= 12,
            f"the last frame fits 40x12: {term.all_lines()!r}")

r.finish()
