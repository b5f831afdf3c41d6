"""A batch's next sandbox, started while the current submission is graded.

Starting a warm sandbox costs about 45 ms, nearly all of it waiting: on the zygote's fork, on the child walling
itself off, and on the kernel moving its processes into their pids cgroup.  Removing that cgroup after the
sandbox has ended costs a few more milliseconds of waiting for the processes to be reaped.  A grading worker
grades one submission after another, so both can happen on a helper thread, next to the grading, instead of
on the submission's clock.

A spare is an ordinary warm sandbox, walled off and limited exactly as a sandbox started on demand: a fresh
fork of the zygote that has run nothing but its own set-up.  No student code reaches it before a session takes
it, and each one serves a single submission (later restarts of that session start their own).
"""
from __future__ import annotations

import threading

from grader.config import Limits
from grader.sandbox.process import SandboxProcess


class Spare:
    """Keeps one sandbox started ahead for the next session that asks with the same settings."""

    def __init__(self, limits: Limits, device: str, python: str | None, zygote):
        self._key = (limits, device, python)
        self._zygote = zygote
        self._lock = threading.Lock()
        self._ready: SandboxProcess | None = None
        self._cgroups: list = []  # of ended sandboxes, removed on the helper thread
        self._thread: threading.Thread | None = None
        self._closed = False
        self.taken = 0
        self._prepare()

    def take(self, limits: Limits, device: str, python: str | None) -> SandboxProcess | None:
        """The started spare, or None (other settings, or it could not start: the caller starts one itself).
        Taking one starts the next."""
        if self._closed or (limits, device, python) != self._key:
            return None
        self._thread.join()
        with self._lock:
            proc, self._ready = self._ready, None
        self._prepare()
        if proc is not None:
            self.taken += 1
        return proc

    def discard_cgroup(self, cgroup) -> None:
        """Remove an ended sandbox's pids cgroup later, on the helper thread (see ``SandboxProcess.close``)."""
        with self._lock:
            if not self._closed:
                self._cgroups.append(cgroup)
                return
        cgroup.remove()

    def close(self) -> None:
        """Stop the unused spare and remove every cgroup still waiting; the spare is of no use after this."""
        self._closed = True
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            proc, self._ready = self._ready, None
            cgroups, self._cgroups = self._cgroups, []
        if proc is not None:
            proc.cgroup_sink = None
            proc.close()
        for cgroup in cgroups:
            cgroup.remove()

    # ------------------------------------------------------------------------------------------ helper thread
    def _prepare(self) -> None:
        self._thread = threading.Thread(target=self._start_one, name="spare-sandbox", daemon=True)
        self._thread.start()

    def _start_one(self) -> None:
        with self._lock:
            cgroups, self._cgroups = self._cgroups, []
        for cgroup in cgroups:
            cgroup.remove()
        limits, device, python = self._key
        proc = SandboxProcess(limits, device, python, zygote=self._zygote)
        proc.cgroup_sink = self.discard_cgroup
        try:
            proc.start()
        except Exception:  # noqa: BLE001 - the session then starts its own and reports what goes wrong
            proc.close()
            return
        with self._lock:
            self._ready = proc
