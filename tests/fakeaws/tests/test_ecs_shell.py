"""The fake container's shell (fakeaws/ecs_shell.py) and filesystem seeding
(fakeaws/containers.py), driven directly: the commands ECS Exec sessions run."""

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from ecs_standins import run_tests  # noqa: E402

from fakeaws import containers  # noqa: E402
from fakeaws.ecs_shell import Shell, printf_format, run_to_completion  # noqa: E402


def run(cmd, fs=None, env=None, inputs=()):
    fs = fs or containers.Filesystem()
    return run_to_completion(Shell(fs, env or {"A": "1"}).run_exec_command(cmd), inputs)


def test_direct_commands():
    fs = containers.Filesystem()
    fs.write("/var/lib/x/tok", "abc\n")
    assert run("cat /var/lib/x/tok", fs) == (b"abc\n", 0)
    assert run("cat /nope", fs) == (b"cat: /nope: No such file or directory\n", 1)
    assert run("ls /var/lib", fs) == (b"x\n", 0)
    assert run("ls /none", fs)[1] == 2
    assert run("echo  a   'b  c'") == (b"a b  c\n", 0)
    assert run("echo -n x") == (b"x", 0)
    assert run("true") == (b"", 0) and run("false") == (b"", 1)
    assert run("exit 7") == (b"", 7) and run("exit 300") == (b"", 44)
    assert run("printenv A") == (b"1\n", 0) and run("printenv B") == (b"", 1)
    out, rc = run("nosuch arg")
    assert rc == 127 and out.startswith(b"Unable to start command: Failed to start pty: fork/exec nosuch")
    assert run("echo $A") == (b"$A\n", 0), "the agent does not expand: no shell unless sh -c"
    assert run("head -c 5 /dev/zero") == (b"\0" * 5, 0)
    assert len(run("head -c 1M /dev/urandom")[0]) == 1 << 20
    assert run("seq 3") == (b"1\n2\n3\n", 0) and run("seq 2 2 6") == (b"2\n4\n6\n", 0)
    assert run("head -n 1 /var/lib/x/tok", fs) == (b"abc\n", 0)
    assert run("wc -c /var/lib/x/tok", fs) == (b"4 /var/lib/x/tok\n", 0)
    assert run("sha256sum /var/lib/x/tok", fs)[0].startswith(b"edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb")
    assert run("sleep 0.1") == (b"", 0) and run("sleep x")[1] == 1


def test_printf():
    assert printf_format("%s-%d\\n", ["a", "1", "b", "2"]) == "a-1\nb-2\n"
    assert printf_format("%5s|%-3d|%03d|%x|%%\\n", ["ab", "7", "5", "255"]) == "   ab|7  |005|ff|%\n"
    assert printf_format("\\n<M>%d\\n", ["3"]) == "\n<M>3\n"
    assert printf_format("%b", ["a\\tb"]) == "a\tb"


def test_sh_c():
    cases = [
        ("sh -c 'false; echo $?; true && echo ok; exit 7'", b"1\nok\n", 7),
        ("sh -c 'false || echo alt; false && echo no; echo end'", b"alt\nend\n", 0),
        ("sh -c 'cat /nope; printf \"\\n__X__%d\\n\" $?'", b"cat: /nope: No such file or directory\n\n__X__1\n", 0),
        ("sh -c '(exit 7); printf \"\\n__M__%d\\n\" $?'", b"\n__M__7\n", 0),
        ("sh -c '\"$@\"; printf \"\\n__M__%d\\n\" $?' sh false", b"\n__M__1\n", 0),
        ("sh -c '\"$@\"; echo \"[$?]\"' sh printf '%s|' a 'b c'", b"a|b c|[0]\n", 0),
        ("sh -c 'echo $0 $# $1' zz one two", b"zz 2 one\n", 0),
        ("sh -c 'echo hi > /f; echo more >> /f; cat /f'", b"hi\nmore\n", 0),
        ("sh -c 'nosuch; echo $?'", b"sh: 1: nosuch: not found\n127\n", 0),
        ("sh -c \"echo it\\\\'s\"", b"it's\n", 0),
        ("sh -c \"echo it's\"", b"sh: 1: Syntax error: Unterminated quoted string\n", 2),
        ("sh -c 'echo \"$A-${A}\" '\"'\"'$A'\"'\"", b"1-1 $A\n", 0),
        ("sh -c 'test -f /etc/hostname && echo yes; [ 1 -lt 2 ] && echo lt'", b"lt\n", 0),
        ("sh -c 'echo unterminated \"x'", b"sh: 1: Syntax error: Unterminated quoted string\n", 2),
    ]
    for cmd, out, rc in cases:
        got = run(cmd)
        assert got == (out, rc), (cmd, got)


def test_pipelines():
    fs = containers.Filesystem()
    fs.write("/a", "hello\nworld\nthree\n")
    cases = [("sh -c 'yes | head -c 10'", b"y\n" * 5, 0),
             ("sh -c 'cat /a | head -n 2'", b"hello\nworld\n", 0),
             ("sh -c 'cat /a | wc -l'", b"3\n", 0),
             ("sh -c 'head -c 3000 /dev/zero | base64 -w0 | wc -c'", b"4000\n", 0),
             ("sh -c 'seq 1 5 | sha256sum'", b"f6b49467f595b1a44e442c198b3df4d221e88efcaabc26254f8e0ad4f79b6242  -\n", 0),
             ("sh -c 'false | true; echo $?'", b"0\n", 0),
             ("sh -c 'echo \"a|b\" | cat'", b"a|b\n", 0),
             ("sh -c 'cat /a | head -c 4 > /o; cat /o'", b"hell", 0),
             ("base64 /a", b"aGVsbG8Kd29ybGQKdGhyZWUK\n", 0),
             ("sh -c 'head -c 1048576 /dev/urandom | wc -c'", b"1048576\n", 0)]
    for cmd, out, rc in cases:
        got = run(cmd, fs)
        assert got == (out, rc), (cmd, got)


def test_interactive_shell_echoes_and_runs_lines():
    out, rc = run("sh", inputs=[b"echo h", b"ix\x7f\r", b"exit 4\r"])
    assert out == b"# echo hix\b \b\nhi\n# exit 4\n", out
    assert rc == 4


def test_seed_from_fixture():
    fs = containers.Filesystem()
    rng = random.Random(1)
    ctx = {"task_id": "t1", "container": "server", "image": "ghcr.io/example/dbward-server:2.3.0",
           "hostname": "ip-10-0-1-5.ec2.internal", "env": {"DBWARD_DATA_DIR": "/data"}}
    lines = containers.seed(fs, ctx["image"], ctx, rng)
    token = fs.read("/data/agent-token")
    assert token.startswith(b"dwt_") and len(token) == 45 and fs.read("/var/lib/dbward/agent-token") == token
    assert fs.read("/etc/hostname") == b"ip-10-0-1-5.ec2.internal\n"
    assert "dbward-server: first start, agent token written to /data/agent-token" in lines
    assert token.decode().strip() not in " ".join(lines), "the token is never logged"
    agent = containers.Filesystem()
    actx = dict(ctx, image="ghcr.io/example/dbward-agent:2.3.0", env={"DBWARD_AGENT_TOKEN": "dwt_x"})
    containers.seed(agent, actx["image"], actx, rng)
    assert agent.read("/run/dbward-agent/token") == b"dwt_x\n" and agent.read("/data/agent-token") is None
    assert containers.behaviour("x/app:crashloop-2") == "crashloop"
    assert containers.worst_behaviour(["a:1", "b:slowstart", "c:nopull"]) == "nopull"
    assert containers.periodic_log("nginx", {"container": "web"}, 3) == (60.0, "web: alive (3)")


if __name__ == "__main__":
    run_tests([test_direct_commands, test_printf, test_sh_c, test_pipelines, test_interactive_shell_echoes_and_runs_lines,
               test_seed_from_fixture])
