"""The walls a sandbox raises around itself (seccomp everywhere; Landlock and the privilege drop where namespaces
are unavailable), proven at every level this machine can run, cold and forked warm."""
import os
import struct
import sys

import pytest

from grader.config import REPO_ROOT, Limits
from grader.sandbox.host import isolation
from grader.sandbox.inside import walls
from grader.sandbox.host.session import Session
from grader.judge.backend import StudentCrash, StudentError
from grader.intake.submission import Cell, Submission

PROBES = f"""
import os, socket
def connect(host, port):
    try:
        socket.create_connection((host, port), 2).close()
        return 'connected'
    except OSError as e:
        return type(e).__name__
def unix_socket():
    try:
        socket.socket(socket.AF_UNIX).close()
        return 'created'
    except OSError as e:
        return type(e).__name__
def read(path):
    try:
        with open(path, 'rb') as fh:
            return fh.read(20).decode('latin-1')
    except OSError as e:
        return type(e).__name__
def write(path):
    try:
        with open(path, 'w') as fh:
            fh.write('x')
        return 'wrote'
    except OSError as e:
        return type(e).__name__
def signal_pid(pid):
    try:
        os.kill(pid, 0)
        return 'reached'
    except OSError as e:
        return type(e).__name__
def ptrace():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.ptrace(16, {os.getpid()}, 0, 0), ctypes.get_errno()  # PTRACE_ATTACH to the grader
def capabilities():
    for line in open('/proc/self/status'):
        if line.startswith('CapEff'):
            return int(line.split()[1], 16), os.getuid()
def fill(mb):
    with open('filler', 'wb') as fh:
        for _ in range(mb):
            fh.write(b'x' * (1 << 20))
    return 'filled'
"""


LEVELS = [level for level in isolation.LEVELS if isolation.detect(level).level == level]


@pytest.fixture(params=LEVELS, scope="module")
def level(request):
    """The sandbox at one isolation level (the best this machine has, and each fallback below it)."""
    saved = os.environ.get("GRADER_ISOLATION")
    os.environ["GRADER_ISOLATION"] = request.param  # what grade() and every sandbox started here will use
    yield isolation.detect()
    if saved is None:
        os.environ.pop("GRADER_ISOLATION", None)
    else:
        os.environ["GRADER_ISOLATION"] = saved


@pytest.fixture(params=["cold", "warm"], scope="module")
def open_session(request, level):
    from grader.sandbox.host.warm import Zygote

    zygote = Zygote(Limits()).start() if request.param == "warm" else None

    def make(*sources, **limits) -> Session:
        sub = Submission("t", "t.py", "", "py", cells=[Cell(i, s, f"q{i:02d}") for i, s in enumerate(sources)])
        session = Session(sub, Limits(**{"timeout": 20, "memory_mb": 1024, **limits}), max_restarts=1,
                          zygote=zygote)
        session.start()
        return session
    yield make
    if zygote is not None:
        zygote.close()


@pytest.fixture(scope="module")
def probes(open_session):
    session = open_session(PROBES)
    yield session
    session.close()


def test_the_seccomp_filter_refuses_every_listed_syscall_and_foreign_abis():
    program = walls.seccomp_program("x86_64")
    ops = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    assert ops[1] == (walls.JEQ_K, 1, 0, walls.AUDIT_ARCH["x86_64"]) and ops[2][3] == walls.RET_KILL_PROCESS
    refused = {k for code, _, _, k in ops if code == walls.JEQ_K} - {walls.AUDIT_ARCH["x86_64"]}
    assert refused == set(walls.REFUSED["x86_64"].values())
    assert ops[-1] == (walls.RET_K, 0, 0, walls.RET_ALLOW)
    assert all(ops[i + 1] == (walls.RET_K, 0, 0, walls.RET_ERRNO | walls.EPERM)
               for i, op in enumerate(ops) if op[0] == walls.JEQ_K and op[3] != walls.AUDIT_ARCH["x86_64"])
    assert set(walls.REFUSED["aarch64"]) == set(walls.REFUSED["x86_64"])


def test_no_socket_of_any_kind_opens(probes):
    assert probes.call("connect", "127.0.0.1", 22) == "PermissionError"
    assert probes.call("connect", "1.1.1.1", 80) == "PermissionError"
    assert probes.call("unix_socket") == "PermissionError"


def test_the_grader_process_cannot_be_traced_or_signalled(probes, level):
    assert probes.call("ptrace")[0] == -1
    if level.level == isolation.PROCESS and not level.user:
        pytest.skip("limits only, same uid: a signal can reach the grader (a batch records that worker's loss)")
    # Outside a PID namespace the grader's PID exists for the sandbox; Landlock (or the uid) keeps it unreachable.
    assert probes.call("signal_pid", os.getpid()) in ("PermissionError", "ProcessLookupError")


def test_the_sandbox_has_no_privileges(probes, level):
    caps, uid = probes.call("capabilities")
    assert caps == 0
    if level.user:
        assert uid == level.user[0]


def test_solutions_hidden_tests_and_the_repository_stay_unread(probes, level):
    if level.level == isolation.PROCESS:
        pytest.skip("limits only: this level promises no filesystem walls (results and the terminal say so)")
    hidden = REPO_ROOT / "solutions" / "q04" / "test_hidden.py"
    assert hidden.is_file()
    assert probes.call("read", str(hidden)) in ("PermissionError", "FileNotFoundError")
    assert probes.call("read", str(REPO_ROOT / "README.md")) in ("PermissionError", "FileNotFoundError")
    assert probes.call("read", f"/proc/{os.getpid()}/environ") in ("PermissionError", "FileNotFoundError")
    assert probes.call("read", "/etc/passwd") in ("PermissionError", "FileNotFoundError") or \
        level.level == isolation.NAMESPACES  # bubblewrap shows no /etc/passwd of the host at all
    # what the interpreter needs stays readable
    assert probes.call("read", os.path.join(os.path.dirname(os.__file__), "os.py")) != "PermissionError"


def test_writes_land_only_in_the_work_folder(probes, level, tmp_path):
    if level.level == isolation.PROCESS:
        pytest.skip("limits only: this level promises no filesystem walls")
    os.chmod(tmp_path, 0o777)
    targets = [tmp_path / "escaped.txt", REPO_ROOT / "escaped.txt"]
    outcomes = [probes.call("write", str(target)) for target in targets]
    assert not any(target.exists() for target in targets)
    if level.level == isolation.LANDLOCK:  # the same paths, refused
        assert outcomes == ["PermissionError", "PermissionError"]
    else:  # bubblewrap's private view: the paths are not the host's at all
        assert outcomes[0] == "FileNotFoundError"
    assert probes.call("write", "inside.txt") == "wrote"


def test_filling_the_work_folder_is_stopped(open_session, level):
    if level.level == isolation.PROCESS:
        pytest.skip("limits only: the file-size rlimit is the only cap")
    session = open_session(PROBES, tmp_mb=64, max_file_mb=8192)
    try:
        with pytest.raises((StudentCrash, StudentError)) as caught:
            session.call("fill", 4000, timeout=30)
    finally:
        session.close()
    if level.level == isolation.NAMESPACES:  # a size-capped tmpfs: the write itself fails
        assert str(caught.value) == "OSError: [Errno 28] No space left on device"
    else:  # a host folder: the watchdog stops the sandbox
        assert str(caught.value) == "wrote more than 64 MB into its work folder and was stopped"


def test_results_record_the_level(level, make_script):
    from grader.config import load_settings
    from grader.grading.grade import grade

    path = make_script("def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n")
    result = grade(path, load_settings(timeout=20), exercise_ids=["q04"])
    assert result.isolation.startswith(level.level)
    assert [c.outcome.value for c in result.exercise("q04").cases if c.name != "written answer"] == \
        ["passed"] * (len(result.exercise("q04").cases) - 1)


def test_the_probe_tells_walls_that_hold_from_walls_that_do_not(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x")
    assert walls.probe({}, str(secret)) == {"raised": [], "read_forbidden": True, "socket": True}
    if walls.landlock_abi() >= 1:  # the real probe, in a fresh interpreter that raises the walls
        assert isolation.probe_landlock(None, seccomp=walls.seccomp_supported() is None) == ""


GRADER_THAT_DIES = """
import os, sys, time
os.environ["GRADER_ISOLATION"] = sys.argv[1]
from grader.config import Limits
from grader.sandbox.host.process import SandboxProcess
from grader.sandbox.host.warm import Zygote
zygote = Zygote(Limits()).start()
sandboxes = [SandboxProcess(Limits(), zygote=zygote), SandboxProcess(Limits())]
for s in sandboxes:
    s.start()
    s.send({"op": "exec", "cells": [{"index": 0, "exercise": None, "source": "while True: pass"}], "skip": []})
print(" ".join(str(s.proc.pid) for s in sandboxes), flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("level", [lvl for lvl in LEVELS if lvl != isolation.NAMESPACES])
def test_sandboxes_outside_namespaces_die_with_the_grader(level):
    """bubblewrap's --die-with-parent, for the levels without bubblewrap: warm and cold sandboxes both end."""
    import signal
    import subprocess
    import time

    grader = subprocess.Popen([sys.executable, "-c", GRADER_THAT_DIES, level], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in grader.stdout.readline().split()]
        assert len(pids) == 2 and all(os.path.exists(f"/proc/{p}") for p in pids)
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
