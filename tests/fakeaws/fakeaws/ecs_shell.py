"""The small shell a fake container runs for ECS Exec: a POSIX-ish subset over the task's
in-memory filesystem (fakeaws/containers.py): cat, echo, printf, ls, true, false,
exit N, sleep, head (files, stdin, /dev/zero, /dev/urandom), seq, yes, wc, sha256sum,
base64, printenv/env, pwd, cd, hostname, whoami, id, uname, mkdir, touch, rm, test/[,
and sh -c with ';', '&&', '||', '|' (lazy pipelines), '( ... )', '>' and '>>'
redirection, $?, $NAME, $0..$9, $#, "$@".

Commands are generators: they yield ("out", bytes), ("sleep", seconds) or ("read",)
(the interactive shell waiting for input; the driver sends the bytes back) and return
the exit status.
"""

import hashlib
import os
import random
import re
import shlex


class Pipe:
    """The read end of a pipeline stage: pulls the upstream command's output lazily.
    read() is a generator (use `yield from`): it passes the upstream's sleeps on."""

    def __init__(self, gen):
        self.gen = gen
        self.buf = b""
        self.eof = False
        self.status = 0

    def read(self, n=None):
        while not self.eof and (n is None or len(self.buf) < n):
            try:
                ev = next(self.gen)
            except StopIteration as stop:
                self.eof, self.status = True, stop.value or 0
                break
            except ShellExit as e:
                self.eof, self.status = True, e.status
                break
            if ev[0] == "out":
                self.buf += ev[1]
            elif ev[0] == "sleep":
                yield ev
            else:
                self.eof = True  # an upstream reading the terminal gets nothing in a pipe
        if n is None:
            data, self.buf = self.buf, b""
        else:
            data, self.buf = self.buf[:n], self.buf[n:]
        return data


class ShellExit(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


AT = "\x00@\x00"


def _tokenize(script, env, status, params=()):
    """Split a script into words and operators (';', '&&', '||', '\\n', '>', '>>'),
    expanding $NAME, ${NAME}, $?, $0..$9, $#, $@ and $* outside single quotes."""
    toks = []
    params = list(params) or ["sh"]
    i, n = 0, len(script)
    word, have = [], False

    def var(j):
        if j < n and script[j] == "?":
            return str(status), j + 1
        if j < n and script[j].isdigit():
            k = int(script[j])
            return (params[k] if k < len(params) else ""), j + 1
        if j < n and script[j] == "#":
            return str(len(params) - 1), j + 1
        if j < n and script[j] == "@":
            return AT, j + 1
        if j < n and script[j] == "*":
            return " ".join(params[1:]), j + 1
        if j < n and script[j] == "{":
            k = script.find("}", j)
            if k < 0:
                return "$", j
            return env.get(script[j + 1:k], ""), k + 1
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", script[j:])
        if not m:
            return "$", j
        return env.get(m.group(0), ""), j + len(m.group(0))

    def flush():
        nonlocal word, have
        if have:
            w = "".join(word)
            if AT in w:
                pre, _, post = w.partition(AT)
                args = params[1:]
                if args:
                    words = [pre + args[0]] + args[1:-1] + ([args[-1] + post] if len(args) > 1 else [])
                    if len(args) == 1:
                        words = [pre + args[0] + post]
                    toks.extend(("w", x) for x in words)
                elif pre or post:
                    toks.append(("w", pre + post))
            else:
                toks.append(("w", w))
        word, have = [], False

    while i < n:
        c = script[i]
        if c in " \t":
            flush(); i += 1
        elif c == "#" and not have:
            while i < n and script[i] != "\n":
                i += 1
        elif c in ";\n":
            flush(); toks.append(("op", ";")); i += 1
        elif script.startswith("&&", i) or script.startswith("||", i):
            flush(); toks.append(("op", script[i:i + 2])); i += 2
        elif script.startswith(">>", i):
            flush(); toks.append(("op", ">>")); i += 2
        elif c == ">":
            flush(); toks.append(("op", ">")); i += 1
        elif c == "'":
            k = script.find("'", i + 1)
            if k < 0:
                raise SyntaxError("Unterminated quoted string")
            word.append(script[i + 1:k]); have = True; i = k + 1
        elif c == '"':
            i += 1; have = True
            while i < n and script[i] != '"':
                if script[i] == "\\" and i + 1 < n and script[i + 1] in '"\\$`\n':
                    word.append(script[i + 1]); i += 2
                elif script[i] == "$":
                    v, i = var(i + 1); word.append(v)
                else:
                    word.append(script[i]); i += 1
            if i >= n:
                raise SyntaxError("Unterminated quoted string")
            i += 1
        elif c == "\\" and i + 1 < n:
            word.append(script[i + 1]); have = True; i += 2
        elif c == "$":
            v, i = var(i + 1); word.append(v); have = True
        else:
            word.append(c); have = True; i += 1
    flush()
    return toks


def _printf_escapes(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            e = s[i + 1]
            table = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b",
                     "f": "\f", "v": "\v", '"': '"', "'": "'"}
            if e in table:
                out.append(table[e]); i += 2; continue
            if e == "0" or e.isdigit():
                m = re.match(r"0?([0-7]{1,3})", s[i + 1:])
                out.append(chr(int(m.group(1), 8))); i += 1 + len(m.group(0)); continue
            if e == "c":
                break
        out.append(c); i += 1
    return "".join(out)


def printf_format(fmt, args):
    """POSIX printf: the format is reused while arguments remain."""
    out = []
    args = list(args)
    spec = re.compile(r"%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdiuxXcob%])")
    while True:
        used = 0
        pos = 0
        for m in spec.finditer(fmt):
            out.append(_printf_escapes(fmt[pos:m.start()]))
            pos = m.end()
            flags, width, prec, conv = m.groups()
            if conv == "%":
                out.append("%"); continue
            a = args.pop(0) if args else ""
            used += 1
            if conv in "diuxXo":
                try:
                    v = int(a, 0) if a else 0
                except ValueError:
                    v = 0
                pyfmt = "%" + flags + width + ("." + prec if prec else "") + ("d" if conv in "iu" else conv)
                out.append(pyfmt % v)
            elif conv == "c":
                out.append(a[:1])
            elif conv == "b":
                out.append(_printf_escapes(a))
            else:
                s = a if prec is None else a[:int(prec)]
                out.append(("%" + flags + width + "s") % s)
        out.append(_printf_escapes(fmt[pos:]))
        if not args or used == 0:
            break
    return "".join(out)


class Shell:
    """A tiny POSIX-ish shell over a Filesystem."""

    def __init__(self, fs, env=None, seed=0, hostname="ip-10-0-0-1"):
        self.fs = fs
        self.env = dict(env or {})
        self.env.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        self.env.setdefault("HOME", "/root")
        self.cwd = "/"
        self.status = 0
        self.rng = random.Random(seed)
        self.hostname = hostname
        self.params = ["sh"]

    # -- entry points
    def run_exec_command(self, command):
        """What the ECS Exec agent does with ExecuteCommand's `command`: split it
        shell-style (no expansion, no operators) and run it on a pty."""
        try:
            argv = shlex.split(command)
        except ValueError as e:
            yield ("out", f"Unable to start command: {e}\n".encode())
            return 1
        if not argv:
            return 0
        name = os.path.basename(argv[0])
        if name in ("sh", "bash", "dash", "ash") and len(argv) == 1:
            return (yield from self.interactive())
        try:
            return (yield from self.run_argv(argv, toplevel=True))
        except ShellExit as e:
            return e.status

    def run_script(self, script):
        try:
            toks = _tokenize(script, self.env, self.status, self.params)
        except SyntaxError as e:
            yield ("out", f"sh: 1: Syntax error: {e}\n".encode())
            return 2
        return (yield from self._run_tokens(script, toks))

    def interactive(self):
        prompt = b"# "
        yield ("out", prompt)
        line = b""
        while True:
            data = yield ("read",)
            if data is None:
                return self.status
            for ch in data:
                b = bytes([ch])
                if b in (b"\r", b"\n"):
                    yield ("out", b"\n")
                    text = line.decode(errors="replace").strip()
                    line = b""
                    if text:
                        try:
                            self.status = yield from self.run_script(text)
                        except ShellExit as e:
                            return e.status
                    yield ("out", prompt)
                elif b == b"\x04" and not line:
                    yield ("out", b"exit\n")
                    return self.status
                elif b in (b"\x7f", b"\x08"):
                    if line:
                        line = line[:-1]
                        yield ("out", b"\b \b")
                elif b == b"\x03":
                    line = b""
                    yield ("out", b"^C\n" + prompt)
                else:
                    line += b
                    yield ("out", b)

    # -- script execution
    def _run_tokens(self, script, toks):
        # Re-tokenise each simple command just before running it, so that $? sees the
        # status of the command before it.
        pieces = self._split(script)
        status = self.status
        skip_next = False
        for op, text in pieces:
            if skip_next:
                skip_next = False
            elif text is not None:
                stripped = text.strip()
                if stripped.startswith("(") and stripped.endswith(")"):
                    sub = Shell(self.fs, self.env, seed=self.rng.getrandbits(32), hostname=self.hostname)
                    sub.cwd, sub.params, sub.status = self.cwd, self.params, status
                    try:
                        status = yield from sub.run_script(stripped[1:-1])
                    except ShellExit as e:
                        status = e.status
                    self.status = status
                else:
                    stages = self._split_pipe(text)
                    status = yield from self._run_pipeline(stages, status)
                    self.status = status
            if op == "&&" and status != 0:
                skip_next = True
            elif op == "||" and status == 0:
                skip_next = True
        return status

    @staticmethod
    def _split(script):
        """Split a script at top-level ; && || and newlines (outside quotes)."""
        out, cur = [], []
        i, n, q, depth = 0, len(script), None, 0
        while i < n:
            c = script[i]
            if not q and c in "()":
                depth += 1 if c == "(" else -1
                cur.append(c)
            elif depth > 0 and not q and c not in "'\"":
                cur.append(c)
            elif q:
                cur.append(c)
                if c == "\\" and q == '"' and i + 1 < n:
                    cur.append(script[i + 1]); i += 1
                elif c == q:
                    q = None
            elif c in "'\"":
                q = c; cur.append(c)
            elif c == "\\" and i + 1 < n:
                cur.append(c); cur.append(script[i + 1]); i += 1
            elif c in ";\n":
                out.append((";", "".join(cur))); cur = []
            elif script.startswith("&&", i) or script.startswith("||", i):
                out.append((script[i:i + 2], "".join(cur))); cur = []; i += 1
            else:
                cur.append(c)
            i += 1
        if q:
            raise SyntaxError("Unterminated quoted string")
        out.append((None, "".join(cur)))
        return out

    @staticmethod
    def _split_pipe(text):
        """Split a simple command list at top-level single '|' (outside quotes)."""
        out, cur, q, i = [], [], None, 0
        while i < len(text):
            c = text[i]
            if q:
                cur.append(c)
                if c == "\\" and q == '"' and i + 1 < len(text):
                    cur.append(text[i + 1])
                    i += 1
                elif c == q:
                    q = None
            elif c in "'\"":
                q = c
                cur.append(c)
            elif c == "\\" and i + 1 < len(text):
                cur.append(c)
                cur.append(text[i + 1])
                i += 1
            elif c == "|":
                out.append("".join(cur))
                cur = []
            else:
                cur.append(c)
            i += 1
        out.append("".join(cur))
        return out

    def _parse_simple(self, text, status):
        argv, redir = [], None
        it = iter(_tokenize(text, self.env, status, self.params))
        for kind, val in it:
            if kind == "op" and val in (">", ">>"):
                redir = (val, next(it, ("w", ""))[1])
            elif kind == "w":
                argv.append(val)
        return argv, redir

    def _run_pipeline(self, stages, status):
        """cmd1 | cmd2 | ...: each stage reads the previous one's output lazily, so
        `yes | head -c N` ends; the status is the last stage's."""
        stdin = None
        gen = None
        for text in stages:
            argv, redir = self._parse_simple(text, status)
            if not argv:
                if len(stages) > 1:
                    yield ("out", b"sh: 1: Syntax error: \"|\" unexpected\n")
                    return 2
                return status
            gen = self._run_redirected(argv, redir, stdin)
            stdin = Pipe(gen)
        return (yield from gen)

    def _run_redirected(self, argv, redir, stdin=None):
        if not redir:
            return (yield from self.run_argv(argv, stdin=stdin))
        op, target = redir
        buf = []
        gen = self.run_argv(argv, stdin=stdin)
        try:
            ev = next(gen)
            while True:
                if ev[0] == "out":
                    buf.append(ev[1]); ev = next(gen)
                else:
                    ev = gen.send((yield ev))
        except StopIteration as stop:
            status = stop.value or 0
        path = self.fs.norm(target, self.cwd)
        if self.fs.isdir(path):
            yield ("out", f"sh: 1: cannot create {target}: Is a directory\n".encode())
            return 2
        self.fs.write(path, b"".join(buf), append=(op == ">>"))
        return status

    # -- commands
    def run_argv(self, argv, toplevel=False, stdin=None):
        name = argv[0]
        base = os.path.basename(name)
        fn = getattr(self, "cmd_" + base.replace("-", "_").replace("[", "test"), None)
        if fn is not None and "stdin" in fn.__code__.co_varnames[:fn.__code__.co_argcount]:
            return (yield from fn(argv[1:], stdin=stdin))
        if fn is None:
            if toplevel:
                yield ("out", (f"Unable to start command: Failed to start pty: fork/exec {name}: "
                               "no such file or directory\n").encode())
            else:
                yield ("out", f"sh: 1: {name}: not found\n".encode())
            return 127
        return (yield from fn(argv[1:]))

    def cmd_sh(self, args):
        if len(args) >= 2 and args[0] == "-c":
            sub = Shell(self.fs, self.env, seed=self.rng.getrandbits(32), hostname=self.hostname)
            sub.cwd = self.cwd
            sub.params = args[2:] or ["sh"]
            try:
                return (yield from sub.run_script(args[1]))
            except ShellExit as e:
                return e.status
        if not args:
            return (yield from self.interactive())
        yield ("out", f"sh: 0: cannot open {args[0]}: No such file\n".encode())
        return 2
    cmd_bash = cmd_sh
    cmd_dash = cmd_sh

    def cmd_echo(self, args):
        newline = True
        if args and args[0] == "-n":
            newline, args = False, args[1:]
        yield ("out", (" ".join(args) + ("\n" if newline else "")).encode())
        return 0

    def cmd_printf(self, args):
        if not args:
            yield ("out", b"printf: usage: printf format [arguments]\n")
            return 2
        yield ("out", printf_format(args[0], args[1:]).encode())
        return 0

    def cmd_true(self, args):
        return 0
        yield  # pragma: no cover - makes this a generator

    def cmd_false(self, args):
        return 1
        yield  # pragma: no cover

    def cmd_exit(self, args):
        try:
            code = int(args[0]) & 0xFF if args else self.status
        except ValueError:
            yield ("out", f"sh: 1: exit: Illegal number: {args[0]}\n".encode())
            code = 2
        raise ShellExit(code)

    def cmd_sleep(self, args):
        try:
            secs = float(args[0]) if args else 0.0
        except ValueError:
            yield ("out", f"sleep: invalid time interval '{args[0]}'\n".encode())
            return 1
        if secs > 0:
            yield ("sleep", secs)
        return 0

    def cmd_cd(self, args):
        path = self.fs.norm(args[0] if args else self.env.get("HOME", "/"), self.cwd)
        if not self.fs.isdir(path):
            yield ("out", f"sh: 1: cd: can't cd to {args[0] if args else path}\n".encode())
            return 2
        self.cwd = path
        return 0

    def cmd_pwd(self, args):
        yield ("out", (self.cwd + "\n").encode())
        return 0

    def cmd_hostname(self, args):
        yield ("out", (self.hostname + "\n").encode())
        return 0

    def cmd_whoami(self, args):
        yield ("out", b"root\n")
        return 0

    def cmd_printenv(self, args):
        if args:
            status = 0
            for a in args:
                if a in self.env:
                    yield ("out", (self.env[a] + "\n").encode())
                else:
                    status = 1
            return status
        for k in sorted(self.env):
            yield ("out", f"{k}={self.env[k]}\n".encode())
        return 0
    cmd_env = cmd_printenv

    def cmd_cat(self, args, stdin=None):
        status = 0
        if not args or args == ["-"]:
            while stdin is not None:
                data = yield from stdin.read(4096)
                if not data:
                    break
                yield ("out", data)
            return 0
        for a in args:
            data = self._read(a)
            if data is None:
                what = "Is a directory" if self.fs.isdir(self.fs.norm(a, self.cwd)) else "No such file or directory"
                yield ("out", f"cat: {a}: {what}\n".encode())
                status = 1
            else:
                yield from self._chunks(data)
        return status

    def _read(self, path):
        return self.fs.read(self.fs.norm(path, self.cwd))

    @staticmethod
    def _chunks(data, size=4096):
        for i in range(0, len(data), size):
            yield ("out", data[i:i + size])

    def cmd_ls(self, args):
        opts = [a for a in args if a.startswith("-")]
        paths = [a for a in args if not a.startswith("-")] or ["."]
        show_all = any("a" in o for o in opts)
        status = 0
        for p in paths:
            full = self.fs.norm(p, self.cwd)
            if full in self.fs.files:
                yield ("out", (p + "\n").encode())
            elif self.fs.isdir(full):
                if len(paths) > 1:
                    yield ("out", f"{p}:\n".encode())
                names = self.fs.listdir(full)
                if show_all:
                    names = [".", ".."] + names
                for name in names:
                    yield ("out", (name + "\n").encode())
            else:
                yield ("out", f"ls: cannot access '{p}': No such file or directory\n".encode())
                status = 2
        return status

    def cmd_head(self, args, stdin=None):
        count, mode, files = 10, "n", []
        it = iter(args)
        for a in it:
            if a in ("-c", "-n"):
                mode = a[1]
                count = self._size(next(it, "0"))
            elif re.match(r"^-[cn]\d", a):
                mode, count = a[1], self._size(a[2:])
            elif re.match(r"^-\d+$", a):
                mode, count = "n", int(a[1:])
            else:
                files.append(a)
        if count is None:
            yield ("out", b"head: invalid number of bytes\n")
            return 1
        for f in files or ["-"]:
            if f in ("/dev/urandom", "/dev/random", "/dev/zero"):
                if mode == "n":
                    yield ("out", b"head: binary device with -n is not supported here\n")
                    return 1
                left = count
                while left > 0:
                    n = min(left, 4096)
                    yield ("out", bytes(n) if f == "/dev/zero" else self.rng.randbytes(n))
                    left -= n
                continue
            if f == "-":
                data = b""
                if stdin is not None:
                    if mode == "c":
                        data = yield from stdin.read(count)
                    else:
                        while data.count(b"\n") < count:
                            more = yield from stdin.read(4096)
                            if not more:
                                break
                            data += more
                yield from self._chunks(data[:count] if mode == "c" else
                                        b"".join(x + b"\n" for x in data.split(b"\n")[:count])
                                        if data.count(b"\n") >= count else data)
                continue
            data = self._read(f)
            if data is None:
                yield ("out", f"head: cannot open '{f}' for reading: No such file or directory\n".encode())
                return 1
            if mode == "c":
                yield from self._chunks(data[:count])
            else:
                lines = data.split(b"\n")
                keep = b"\n".join(lines[:count])
                if count < len(lines) and (count < len(lines) - 1 or data.endswith(b"\n")):
                    keep += b"\n"
                yield from self._chunks(keep)
        return 0

    @staticmethod
    def _size(text):
        m = re.match(r"^(\d+)([KMG]i?B?|[kmg])?$", text or "")
        if not m:
            return None
        mult = {"": 1, "k": 1024, "K": 1024, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30}
        unit = (m.group(2) or "")[:1]
        return int(m.group(1)) * mult.get(unit, 1)

    def cmd_seq(self, args):
        try:
            nums = [int(a) for a in args]
        except ValueError:
            yield ("out", b"seq: invalid argument\n")
            return 1
        if len(nums) == 1:
            first, step, last = 1, 1, nums[0]
        elif len(nums) == 2:
            first, step, last = nums[0], 1, nums[1]
        elif len(nums) == 3:
            first, step, last = nums
        else:
            yield ("out", b"seq: missing operand\n")
            return 1
        buf = []
        size = 0
        for v in range(first, last + (1 if step > 0 else -1), step or 1):
            s = f"{v}\n"
            buf.append(s)
            size += len(s)
            if size >= 4096:
                yield ("out", "".join(buf).encode()); buf, size = [], 0
        if buf:
            yield ("out", "".join(buf).encode())
        return 0

    def cmd_wc(self, args, stdin=None):
        flag = [a for a in args if a.startswith("-")]
        files = [a for a in args if not a.startswith("-")]
        status = 0
        for f in files or ["-"]:
            data = (yield from stdin.read()) if f == "-" and stdin is not None else (b"" if f == "-" else self._read(f))
            f = "" if f == "-" else f
            if data is None:
                yield ("out", f"wc: {f}: No such file or directory\n".encode())
                status = 1
                continue
            lines = data.count(b"\n")
            if "-c" in flag:
                yield ("out", f"{len(data)} {f}".rstrip().encode() + b"\n")
            elif "-l" in flag:
                yield ("out", f"{lines} {f}".rstrip().encode() + b"\n")
            else:
                yield ("out", f"{lines} {len(data.split())} {len(data)} {f}".rstrip().encode() + b"\n")
        return status

    def cmd_sha256sum(self, args, stdin=None):
        status = 0
        for f in args or ["-"]:
            data = (yield from stdin.read()) if f == "-" and stdin is not None else (b"" if f == "-" else self._read(f))
            if data is None:
                yield ("out", f"sha256sum: {f}: No such file or directory\n".encode())
                status = 1
            else:
                yield ("out", f"{hashlib.sha256(data).hexdigest()}  {f}\n".encode())
        return status

    def cmd_mkdir(self, args):
        for a in args:
            if not a.startswith("-"):
                self.fs.mkdirs(self.fs.norm(a, self.cwd))
        return 0
        yield  # pragma: no cover

    def cmd_touch(self, args):
        for a in args:
            p = self.fs.norm(a, self.cwd)
            if p not in self.fs.files:
                self.fs.write(p, b"")
        return 0
        yield  # pragma: no cover

    def cmd_rm(self, args):
        status = 0
        for a in args:
            if a.startswith("-"):
                continue
            p = self.fs.norm(a, self.cwd)
            if self.fs.files.pop(p, None) is None and "-f" not in args:
                yield ("out", f"rm: cannot remove '{a}': No such file or directory\n".encode())
                status = 1
        return status

    def cmd_test(self, args):
        if args and args[-1] == "]":
            args = args[:-1]
        ok = False
        if len(args) == 2 and args[0] in ("-f", "-e", "-d", "-s", "-n", "-z"):
            p = self.fs.norm(args[1], self.cwd)
            ok = {"-f": p in self.fs.files, "-e": p in self.fs.files or self.fs.isdir(p),
                  "-d": self.fs.isdir(p), "-s": bool(self.fs.files.get(p)),
                  "-n": args[1] != "", "-z": args[1] == ""}[args[0]]
        elif len(args) == 3 and args[1] in ("=", "!="):
            ok = (args[0] == args[2]) == (args[1] == "=")
        elif len(args) == 3 and args[1] in ("-eq", "-ne", "-lt", "-gt", "-le", "-ge"):
            try:
                a, b = int(args[0]), int(args[2])
            except ValueError:
                return 2
            ok = {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-gt": a > b,
                  "-le": a <= b, "-ge": a >= b}[args[1]]
        elif len(args) == 1:
            ok = args[0] != ""
        return 0 if ok else 1
        yield  # pragma: no cover

    def cmd_yes(self, args):
        line = ((" ".join(args) if args else "y") + "\n").encode()
        chunk = line * max(1, 4096 // len(line))
        while True:
            yield ("out", chunk)

    def cmd_base64(self, args, stdin=None):
        import base64 as b64
        wrap = 76
        files = []
        it = iter(args)
        for a in it:
            if a in ("-w", "--wrap"):
                wrap = int(next(it, "76"))
            elif a.startswith("-w"):
                wrap = int(a[2:])
            else:
                files.append(a)
        f = files[0] if files else "-"
        data = (yield from stdin.read()) if f == "-" and stdin is not None else (b"" if f == "-" else self._read(f))
        if data is None:
            yield ("out", f"base64: {f}: No such file or directory\n".encode())
            return 1
        enc = b64.b64encode(data)
        if wrap:
            enc = b"\n".join(enc[i:i + wrap] for i in range(0, len(enc), wrap))
        yield from self._chunks(enc + (b"\n" if enc and wrap else b""))
        return 0

    def cmd_uname(self, args):
        yield ("out", (b"Linux ip-10-0-0-1 5.10.0 #1 SMP x86_64 GNU/Linux\n" if "-a" in args else b"Linux\n"))
        return 0

    def cmd_id(self, args):
        yield ("out", b"uid=0(root) gid=0(root) groups=0(root)\n")
        return 0


def run_to_completion(gen, inputs=()):
    """Drive a command generator without a channel (tests, tools): returns
    (output bytes, status). Sleeps are skipped; reads take from `inputs`."""
    out = []
    inputs = list(inputs)
    try:
        ev = next(gen)
        while True:
            if ev[0] == "out":
                out.append(ev[1]); ev = next(gen)
            elif ev[0] == "sleep":
                ev = next(gen)
            else:
                ev = gen.send(inputs.pop(0) if inputs else None)
    except StopIteration as stop:
        return b"".join(out), (stop.value or 0)
