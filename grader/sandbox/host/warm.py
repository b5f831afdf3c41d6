"""Warm sandboxes: one zygote per grading worker, started once, forking a fresh sandbox per submission.

A cold sandbox pays for a new interpreter and ``import torch`` (about a second) on every submission.  The zygote
pays it once: it is started exactly like a cold sandbox (same bubblewrap walls, same clean environment, no
secret) and then only forks.  Each fork walls itself off again in new namespaces with its own limits before
any student code runs (see ``zygote.py``, the sandbox side).

If a fork cannot be walled off (a kernel without nested user namespaces, say) the zygote is given up for good
and sandboxes start cold: slower, never weaker.  If the zygote itself dies, the next fork starts a new one.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from grader.config import Limits
from grader.sandbox.host import isolation
from grader.sandbox.host.limits import die_with_parent, tree_pids
from grader.sandbox.host.process import SandboxError, prepare_lib_dir, sandbox_command, sandbox_env

MAX_RESTARTS = 3


class Zygote:
    """The grader's handle on one zygote process."""

    def __init__(self, limits: Limits, device: str = "cpu", python: str | None = None,
                 iso: isolation.Isolation | None = None):
        import sys

        self.limits = limits
        self.device = device
        self.python = python or sys.executable
        self.iso = iso or isolation.detect()
        self.namespaced = self.iso.level == isolation.NAMESPACES
        self.why_not = ""  # set when forking was given up: sandboxes then start cold
        self.last_failure = ""
        self.forks = 0
        self.restarts = 0
        self._popen: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._lib_dir: Path | None = None
        self._output = bytearray()
        self.ready_seconds = 0.0
        self._began = 0.0

    @property
    def usable(self) -> bool:
        return not self.why_not

    def give_up(self, why: str) -> None:
        """Forks cannot be walled off here: every later sandbox starts cold."""
        self.why_not = why or "the zygote failed"
        self.close()

    def restart_later(self, why: str) -> None:
        """A fork failed for a passing reason: start a fresh zygote at the next fork (up to MAX_RESTARTS)."""
        self.last_failure = why
        self.close()
        if self.restarts >= MAX_RESTARTS:
            self.give_up(f"the zygote failed {self.restarts + 1} times; last: {why}")

    # ------------------------------------------------------------------------------------------ lifecycle
    def start(self) -> "Zygote":
        return self.launch().wait_ready()

    def launch(self) -> "Zygote":
        """Start the zygote's process without waiting for it: its ``import torch`` can overlap the caller's."""
        self._began = time.perf_counter()
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        out_r, out_w = os.pipe()
        env = sandbox_env(self.limits, self.device, self.python)
        self._lib_dir = prepare_lib_dir()
        cwd = None
        if not self.namespaced:
            cwd = str(self._lib_dir)
            env["HOME"] = cwd
        argv = sandbox_command(self.iso, self.python, self._lib_dir, self.limits, self.device, env,
                               ["--zygote", str(child.fileno())])
        try:
            self._popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w,
                                           pass_fds=(child.fileno(),), env=env, cwd=cwd,
                                           start_new_session=True, close_fds=True,
                                           preexec_fn=None if self.namespaced else die_with_parent)
        except OSError as exc:
            raise SandboxError(f"could not start the zygote: {exc}") from exc
        finally:
            child.close()
            os.close(out_w)
        self._sock = parent
        threading.Thread(target=self._drain, args=(out_r,), daemon=True).start()
        return self

    def wait_ready(self) -> "Zygote":
        """Block until the launched zygote has imported torch and can fork."""
        ready = self._receive(max(60.0, self.limits.timeout))
        if ready.get("event") != "ready":
            raise SandboxError(f"the zygote did not start: {self.output[-500:]}", "protocol")
        self.ready_seconds = time.perf_counter() - self._began
        return self

    def alive(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def rss_mb(self) -> float:
        """Memory of the zygote itself (its PSS: pages it shares with its forks count once)."""
        from grader.sandbox.host.limits import tree_rss_kb

        return tree_rss_kb(self._popen.pid) / 1024 if self.alive() else 0.0

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._popen is not None:
            try:
                os.killpg(self._popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self._popen.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass
            self._popen = None
        if self._lib_dir is not None:
            shutil.rmtree(self._lib_dir, ignore_errors=True)
            self._lib_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------------------------------ forking
    def fork(self, fds: list[int], request: dict) -> int:
        """Hand the zygote a new sandbox's pipes; the PID of the forked process (as the zygote sees it)."""
        if not self.alive():
            if self.restarts >= MAX_RESTARTS:
                raise SandboxError(f"the zygote died {self.restarts} times")
            if self._popen is not None or self.forks:
                self.restarts += 1
            self.close()
            self.start()
        landlock = (request.get("walls") or {}).get("landlock")
        if landlock is not None and not self.namespaced:  # outside namespaces the sandbox reads our lib folder
            landlock["read"] = [*landlock["read"], str(self._lib_dir)]
        try:
            socket.send_fds(self._sock, [json.dumps(request).encode()], fds)
            reply = self._receive(20.0)
        except OSError as exc:
            raise SandboxError(f"the zygote stopped answering: {exc}") from None
        if "ok" not in reply:
            raise SandboxError(f"the zygote refused to fork: {reply.get('error')}")
        self.forks += 1
        return int(reply["ok"])

    def host_pid(self, zygote_pid: int) -> int | None:
        """The machine-wide PID of a descendant known by its PID inside the zygote's namespace."""
        if self._popen is None:
            return None
        if not self.namespaced:
            # The zygote shares our PID namespace, so its numbers are ours.  (Its forks' reporters exit at once,
            # orphaning the sandbox's reaper to init: walking the zygote's tree would miss it.)
            return zygote_pid if os.path.exists(f"/proc/{zygote_pid}") else None
        for pid in tree_pids(self._popen.pid)[1:]:  # descendants only
            try:
                with open(f"/proc/{pid}/status", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"NSpid:"):
                            ids = [int(v) for v in line.split()[1:]]
                            if (ids[1] if len(ids) > 1 else ids[0]) == zygote_pid:
                                return pid
            except (OSError, ValueError):
                continue
        return None

    # ------------------------------------------------------------------------------------------ plumbing
    def _receive(self, timeout: float) -> dict:
        if not select.select([self._sock], [], [], timeout)[0]:
            raise SandboxError("the zygote did not answer in time", "timeout")
        data = self._sock.recv(65536)
        if not data:
            raise SandboxError(f"the zygote ended: {self.output[-500:]}", "died")
        try:
            reply = json.loads(data)
        except ValueError:
            raise SandboxError("the zygote sent nonsense", "protocol") from None
        return reply if isinstance(reply, dict) else {}

    def _drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb", buffering=0) as stream:
            while True:
                try:
                    chunk = stream.read(65536)
                except OSError:
                    break
                if not chunk:
                    break
                self._output = (self._output + chunk)[-65536:]

    @property
    def output(self) -> str:
        return bytes(self._output).decode("utf-8", errors="replace")
