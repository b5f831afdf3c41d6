"""Warm sandboxes: forked from a zygote that imported torch once, and walled off again before student code runs."""
import os
import time

import pytest

from grader.config import Limits
from grader.sandbox.host import isolation
from grader.sandbox.host.limits import tree_pids
from grader.sandbox.host.process import SandboxProcess
from grader.sandbox.host.warm import Zygote

namespaced = pytest.mark.skipif(isolation.detect().level != isolation.NAMESPACES,
                                reason="bubblewrap namespaces are not available on this machine")

PROBE = """
import os, random, glob
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
tmp_before = sorted(os.listdir("/tmp"))
open("/tmp/left-behind", "w").write("state from an earlier submission")
def probe():
    return {"pid": os.getpid(), "uid": os.getuid(), "cap_eff": status["CapEff"].strip(),
            "cap_bnd": status["CapBnd"].strip(), "no_new_privs": status["NoNewPrivs"].strip(),
            "tmp_before": tmp_before, "fds": sorted(int(f) for f in os.listdir("/proc/self/fd")),
            "env": sorted(os.environ), "random": random.random(), "cwd": os.getcwd()}
def signal_pid(pid):
    try:
        os.kill(pid, 0)
        return "reached"
    except ProcessLookupError:
        return "no such process"
    except PermissionError:
        return "permission denied"
def read_memory(pid):
    try:
        with open(f"/proc/{pid}/mem", "rb") as fh:
            return "read"
    except OSError as exc:
        return type(exc).__name__
"""


def ns_pids(pid):
    """A process's PID in each namespace, this machine's first."""
    line = next(x for x in open(f"/proc/{pid}/status").read().splitlines() if x.startswith("NSpid:"))
    return [int(v) for v in line.split()[1:]]


@pytest.fixture(scope="module")
def zygote():
    with Zygote(Limits()) as z:
        yield z


def run(zygote, source=PROBE, limits=None):
    proc = SandboxProcess(limits or Limits(timeout=20), zygote=zygote)
    proc.start()
    proc.send({"op": "exec", "cells": [{"index": 0, "exercise": None, "source": source}], "skip": []})
    while proc.receive(time.monotonic() + 20).get("event") != "exec_done":
        pass
    return proc


def mount_points_in_tmp() -> list[str]:
    """What a fresh sandbox /tmp holds: only the folders leading to an interpreter under /tmp (a CI checkout)."""
    from grader.sandbox.host.isolation import covered_roots

    return sorted({root.split("/")[2] for root in covered_roots() if root.startswith("/tmp/")})


def call(proc, name, *args):
    proc.send({"op": "call", "name": name, "args": list(args), "kwargs": {}, "device": None})
    reply = proc.receive(time.monotonic() + 20)
    assert "ok" in reply, reply
    return reply["ok"]


@namespaced
def test_each_fork_is_warm_and_starts_with_nothing_of_the_one_before(zygote):
    first = run(zygote)
    second = run(zygote)
    try:
        assert first.warm and second.warm
        a, b = call(first, "probe"), call(second, "probe")
        assert a["tmp_before"] == b["tmp_before"] == mount_points_in_tmp()  # no file the first one left
        assert a["uid"] == b["uid"] == 65534
        assert a["cap_eff"] == a["cap_bnd"] == "0000000000000000" and a["no_new_privs"] == "1"
        assert a["fds"] == [0, 1, 2, 3, 4] or len(a["fds"]) <= 6  # the two pipes (+ the listing's own fd)
        assert a["env"] == b["env"] and "GRADER_SOLUTIONS" not in a["env"]
        assert a["random"] != b["random"]  # generators are re-seeded, not shared through the fork
        assert a["cwd"] == "/sandbox/work"
    finally:
        first.close()
        second.close()


TORCH_PROBE = """
import threading, torch
def draws():
    return {"seed": torch.initial_seed(), "rand": torch.rand(4).tolist(), "randn": torch.randn(2, 2).tolist(),
            "threads": threading.active_count(), "torch_threads": torch.get_num_threads()}
"""


def test_forks_draw_their_own_torch_numbers_and_start_no_threads_a_fresh_process_would_not(zygote):
    """A fresh process seeds torch from the OS, so two students' unseeded draws differ; forks must too, and
    they inherit no thread a fresh process would not have."""
    first, second, cold = run(zygote, TORCH_PROBE), run(zygote, TORCH_PROBE), run(None, TORCH_PROBE)
    try:
        assert first.warm and second.warm and not cold.warm
        a, b, c = call(first, "draws"), call(second, "draws"), call(cold, "draws")
        assert a["seed"] != b["seed"] and a["rand"] != b["rand"] and a["randn"] != b["randn"]
        assert (a["threads"], a["torch_threads"]) == (b["threads"], b["torch_threads"]) == \
            (c["threads"], c["torch_threads"])
    finally:
        for proc in (first, second, cold):
            proc.close()


@namespaced
def test_a_sandbox_cannot_signal_or_read_another_or_the_zygote(zygote):
    victim = run(zygote)
    attacker = run(zygote, PROBE + """
import signal
def kill_everyone():
    hit = []
    for pid in range(1, 500):
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
                hit.append(pid)
            except OSError:
                pass
    return hit
""")
    try:
        # PIDs as the zygote's namespace numbers them: what a sandbox finds by listing /proc.
        victim_pid = ns_pids(victim.proc.pid)[1]
        zygote_ns_pid = next(ns_pids(p)[1] for p in tree_pids(zygote._popen.pid)
                             if b"--zygote" in open(f"/proc/{p}/cmdline", "rb").read() and len(ns_pids(p)) == 2)
        assert call(attacker, "read_memory", victim_pid) in ("PermissionError", "FileNotFoundError")
        assert call(attacker, "read_memory", zygote_ns_pid) in ("PermissionError", "FileNotFoundError")
        assert call(attacker, "kill_everyone") == [1]  # only its own namespace's init, which ignores it
        assert call(victim, "probe")["uid"] == 65534  # the victim is unharmed
        after = run(zygote)  # and the zygote still forks
        assert after.warm and call(after, "probe")["tmp_before"] == mount_points_in_tmp()
        after.close()
    finally:
        victim.close()
        attacker.close()


@namespaced
def test_killing_a_forked_sandbox_ends_everything_it_started(zygote):
    proc = run(zygote, "import os, time\nfor _ in range(5):\n    if os.fork() == 0:\n        time.sleep(600)\n")
    pids = tree_pids(proc.proc.pid)
    assert len(pids) >= 6
    proc.kill("timeout")
    time.sleep(0.2)
    assert not [p for p in pids if os.path.exists(f"/proc/{p}") and "Z" not in open(f"/proc/{p}/stat").read()
                .split(")")[1].split()[0]]
    proc.close()


def test_a_zygote_that_cannot_wall_off_a_fork_gives_way_to_a_cold_start():
    zygote = Zygote(Limits()).start()
    try:
        zygote.namespaced = True  # ask for namespaces ...
        original = zygote.fork

        def refuse(fds, request):  # ... from a zygote whose forks fail to unshare
            return original(fds, {**request, "tmp_mb": -1})
        zygote.fork = refuse
        proc = SandboxProcess(Limits(timeout=20), zygote=zygote)
        proc.start()
        try:
            assert not proc.warm and not zygote.usable and zygote.why_not
        finally:
            proc.close()
    finally:
        zygote.close()


def test_a_dead_zygote_is_restarted(zygote):
    z = Zygote(Limits()).start()
    try:
        os.killpg(z._popen.pid, 9)
        z._popen.wait()
        proc = SandboxProcess(Limits(timeout=20), zygote=z)
        proc.start()
        try:
            assert proc.warm and z.restarts == 1
        finally:
            proc.close()
    finally:
        z.close()


def test_a_fork_that_cannot_set_itself_up_gives_way_to_a_cold_start(monkeypatch):
    """Whatever breaks a fork's own setup (here: walls it cannot raise), the sandbox still starts, cold, and says why."""
    from grader.sandbox.host import isolation
    from grader.sandbox.host.warm import Zygote

    real = isolation.walls_spec

    def impossible(iso, lib_dir, *args, **kwargs):
        spec = real(iso, lib_dir, *args, **kwargs)
        if lib_dir is not None:  # a cold start names its lib folder; a fork's spec leaves it to the zygote
            return spec
        spec["landlock"] = {"read": [], "write": [], "devices": ["/no/such/device"]}
        spec["user"] = [-5, -5]  # no such user: setgid fails in the fork, before any student code
        return spec

    with Zygote(Limits()) as zygote:
        monkeypatch.setattr(isolation, "walls_spec", impossible)
        proc = SandboxProcess(Limits(), zygote=zygote)
        try:
            proc.start()
        finally:
            proc.close()
        assert not proc.warm and not zygote.usable
        assert zygote.why_not.startswith("a forked sandbox could not set itself up (sandbox setup failed:")
