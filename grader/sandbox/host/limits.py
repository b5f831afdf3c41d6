"""Limits a sandbox lives under, applied from outside where student code cannot undo them, and the measurements
that enforce them: rlimits set between fork and exec, death with the grader, a pids cgroup, and the memory and
disk use of a whole process tree read from /proc.
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

from grader.config import Limits


def die_with_parent() -> None:
    """In a child between fork and exec: SIGKILL when the grader dies (bubblewrap's --die-with-parent, for the
    levels without it).  Linux only; elsewhere the sandbox ends when its request pipe closes."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG


def rlimits(limits: Limits, cgroup: bool, device: str = "cpu") -> dict[str, tuple[int, int]]:
    """The resource limits of one sandbox, by ``resource`` name; one definition for cold and forked starts."""
    cpu = int(limits.cpu_seconds)
    size = int(limits.max_file_mb) << 20
    found = {"RLIMIT_CPU": (cpu, cpu + 5), "RLIMIT_FSIZE": (size, size), "RLIMIT_CORE": (0, 0),
             "RLIMIT_NOFILE": (1024, 1024)}
    if device == "cpu":
        # Address space is only a backstop far above the memory limit: torch reserves large virtual ranges.
        # None for CUDA: its driver reserves address space for the whole GPU's memory and the host's, and fails
        # to start under any cap below that (the resident-memory watchdog still holds).
        backstop = max(int(limits.memory_mb) * 4, 16384) << 20
        found["RLIMIT_AS"] = (backstop, backstop)
    if not cgroup and os.getuid() != 0:
        found["RLIMIT_NPROC"] = (limits.max_processes, limits.max_processes)
    return found


def folder_bytes(folder: Path) -> int:
    """Bytes a folder's files occupy on disk (sparse files count what they really use)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def tree_pids(root: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found.append(pid)
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return found


def task_count(root: int) -> int:
    """Processes and threads of a process tree: what a process cap counts."""
    total = 0
    for pid in tree_pids(root):
        try:
            total += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return total


def tree_rss_kb(root: int) -> int:
    """Memory of a process and all its descendants, from /proc.

    Proportional set size (PSS) where the kernel offers it, so pages shared after ``fork`` (torch's libraries)
    are counted once, not once per child; resident set size otherwise.
    """
    total = 0
    for pid in tree_pids(root):
        try:
            total += pss_kb(pid)
        except (OSError, ValueError):
            continue
    return total


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    with open(f"/proc/{pid}/status", "rb") as fh:
        for line in fh:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1])
    return 0


class PidsCgroup:
    """A v1 or v2 pids cgroup capping processes+threads, where this machine lets us create one."""

    ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def create(cls, max_pids: int):
        for root in cls.ROOTS:
            if not (root / "cgroup.procs").exists() or not os.access(root, os.W_OK):
                continue
            if root == Path("/sys/fs/cgroup") and not (root / "cgroup.subtree_control").exists():
                continue
            cls._remove_stale(root)
            path = root / f"mnist-grader-{os.getpid()}-{time.monotonic_ns()}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(max_pids))
                return cls(path)
            except OSError:
                shutil.rmtree(path, ignore_errors=True)
        return None

    @staticmethod
    def _remove_stale(root: Path) -> None:
        """Groups left by a grader that was killed before it could clean up (empty once its sandboxes died)."""
        for group in root.glob("mnist-grader-*"):
            owner = group.name.split("-")[2]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                try:
                    group.rmdir()
                except OSError:
                    pass

    def join(self, pid: int) -> None:
        with open(self.path / "cgroup.procs", "w") as fh:
            fh.write(str(pid))

    def kill_all(self) -> None:
        try:
            for pid in (self.path / "cgroup.procs").read_text().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        except OSError:
            pass

    def remove(self) -> None:
        pause = 0.001
        deadline = time.monotonic() + 1.0
        while True:
            try:
                self.path.rmdir()
                return
            except OSError:
                if time.monotonic() > deadline:
                    break
                self.kill_all()
                time.sleep(pause)  # killed processes leave within a few ms; start short, back off
                pause = min(pause * 2, 0.05)
