"""One sandbox process: start it, bound it, talk to it, kill it.

Limits are applied from outside, where student code cannot undo them: rlimits set before ``exec`` (CPU time,
file size, open files, address-space backstop), a process-count cap (a pids cgroup where this machine lets us
make one, else ``RLIMIT_NPROC``), a resident-memory watchdog thread, a wall-clock deadline on every exchange
(the whole process group is killed, so ``signal.alarm(0)`` in student code changes nothing), and a cap on the
bytes of output kept.
"""
from __future__ import annotations

import enum
import json
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from grader.config import Limits
from grader.sandbox.host import gpu, isolation, student_data
from grader.sandbox.host.handles import ColdStart, ForkedStart, widen_pipe
from grader.sandbox.inside import wire
from grader.sandbox.host.limits import (PidsCgroup, die_with_parent, folder_bytes, rlimits, task_count, tree_pids,
                                  tree_rss_kb)

INSIDE = Path(__file__).resolve().parent.parent / "inside"  # the files that run inside the sandbox
_LEN = struct.Struct(">Q")
REPLY_LIMITS = wire.Limits(max_bytes=64 << 20, max_depth=64, max_items=2_000_000)


class EndKind(str, enum.Enum):
    """How an exchange with a sandbox ended badly."""

    ERROR = "error"  # it could not be started
    TIMEOUT = "timeout"
    MEMORY = "memory"
    DIED = "died"  # it exited or was killed while working
    PROTOCOL = "protocol"  # it said something the grader refuses
    WALLS = "walls"  # a fork could not wall itself off: warm starts are given up
    TRANSIENT = "transient"  # a fork failed for a passing reason: the next one is tried again

    def __str__(self) -> str:
        return self.value


class SandboxError(RuntimeError):
    """The sandbox could not be started or spoke nonsense; ``kind`` (an :class:`EndKind`) says how it ended."""

    def __init__(self, message: str, kind: str = "error", note: str = ""):
        super().__init__(message)
        self.kind = EndKind(kind)
        self.note = note  # what else was seen, for the student (a timeout with the process cap full)


def sandbox_env(limits: Limits, device: str, python: str | None = None) -> dict[str, str]:
    """The whole environment a sandbox gets: nothing is inherited from the grader but, for CUDA, which GPU
    and where its driver library is."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/sandbox/work",
           "OMP_NUM_THREADS": str(limits.threads), "MKL_NUM_THREADS": str(limits.threads),
           "GRADER_THREADS": str(limits.threads), "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "CUDA_VISIBLE_DEVICES": ""}
    if device != "cpu":
        env.update(gpu.cuda_env(["/usr", "/lib", "/lib64", *map(str, isolation.readable_roots(python))]))
    return env


def prepare_lib_dir() -> Path:
    """A private copy of the sandbox-side files (worker, wire, zygote, the data stand-in) for one sandbox."""
    lib_dir = Path(tempfile.mkdtemp(prefix="grader-lib-"))
    for name in ("worker.py", "wire.py", "zygote.py", "walls.py"):
        shutil.copy2(INSIDE / name, lib_dir / name)
    student_data.install(lib_dir)
    os.chmod(lib_dir, 0o755)  # readable by the unprivileged user a sandbox may switch to (never writable)
    return lib_dir


def sandbox_command(iso: isolation.Isolation, python: str, lib_dir: Path, limits: Limits, device: str,
                    env: dict[str, str], worker_args: list[str], walls: dict | None = None) -> list[str]:
    """The argv that starts ``worker.py`` with *worker_args* (and the walls it raises around itself): under
    bubblewrap, or as a plain process that walls itself off (Landlock, seccomp) as far as this machine allows."""
    flags = ["-I", "-X", "faulthandler"]
    if walls is not None:
        worker_args = [*worker_args, "--walls", json.dumps(walls)]
    if iso.level != isolation.NAMESPACES:
        return [python, *flags, str(lib_dir / "worker.py"), *worker_args]
    devices = gpu.bwrap_binds() if device != "cpu" else []
    argv = [iso.bwrap, *isolation.mounts(lib_dir, limits.tmp_mb, python, devices)]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", python, *flags, "/sandbox/lib/worker.py", *worker_args]


def private_work_dir(iso: isolation.Isolation) -> Path:
    """A fresh host folder for a sandbox outside namespaces, owned by the user the sandbox becomes."""
    folder = Path(tempfile.mkdtemp(prefix="grader-work-"))
    if iso.user:
        os.chown(folder, *iso.user)
    return folder


class SandboxProcess:
    """A started sandbox: ``send`` requests, ``receive`` replies, ``kill`` when done or misbehaving.

    With a :class:`~grader.sandbox.host.warm.Zygote` it is forked warm (torch already imported); without one, or
    when the zygote cannot fork, it starts cold.  Either way it gets the same walls and the same limits.
    """

    def __init__(self, limits: Limits, device: str = "cpu", python: str | None = None, zygote=None,
                 iso: isolation.Isolation | None = None):
        self.limits = limits
        self.device = device
        self.iso = iso or (zygote.iso if zygote is not None else isolation.detect())
        self.python = python or sys.executable
        self.zygote = zygote
        self.started = time.perf_counter()
        self._fresh()

    def _fresh(self) -> None:
        """The state of a sandbox not yet started (again, after a warm start that could not set itself up)."""
        self.warm = False
        self._lib_dir: Path | None = None
        self._work_dir: Path | None = None  # a host folder, only where bubblewrap's private tmpfs is unavailable
        self._output = bytearray()
        self.output_dropped = 0
        self.killed_for: str | None = None
        self.proc: ColdStart | ForkedStart | None = None
        self.ready_seconds = 0.0
        self.peak_rss_mb = 0.0
        self.peak_gpu_mb = 0.0
        self._cgroup = None
        self._seq = 0  # of the last request sent; the ready message answers "request" 0

    # ------------------------------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        out_r, out_w = os.pipe()
        for fd in (req_w, rep_r):
            widen_pipe(fd)
        self._cgroup = PidsCgroup.create(self.limits.max_processes)
        try:
            if self.zygote is not None and self.zygote.usable:
                self.proc = self._fork(req_r, rep_w, out_w)
            if self.proc is None:
                self.proc = self._spawn(req_r, rep_w, out_w)
        finally:
            for fd in (req_r, rep_w, out_w):
                os.close(fd)
        self._req, self._rep = req_w, rep_r
        self._drainer = threading.Thread(target=self._drain_output, args=(out_r,), daemon=True)
        self._drainer.start()
        self._watchdog = threading.Thread(target=self._watch_memory, daemon=True)
        self._watchdog.start()
        try:
            ready = self.receive(deadline=time.monotonic() + max(60.0, self.limits.timeout))
        except SandboxError as exc:
            if not self.warm or exc.kind != "died":
                raise
            # A fork that cannot set itself up (it exits before student code, saying why) will fail the same way
            # every time: warm starts are given up and this sandbox starts cold, with the reason recorded.
            self._drainer.join(timeout=2)
            why = (self.output.strip().splitlines() or [str(exc)])[-1][:300]
            self.zygote.give_up(f"a forked sandbox could not set itself up ({why})")
            self.close()
            self._fresh()
            return self.start()
        if ready.get("event") != "ready":
            raise SandboxError("the sandbox did not say it was ready", "protocol")
        if self.warm and self._cgroup is not None:
            for pid in tree_pids(self.proc.pid):  # before any student code: it runs only on an exec request
                self._cgroup.join(pid)
        self.ready_seconds = time.perf_counter() - self.started

    def _spawn(self, req_r: int, rep_w: int, out_w: int) -> ColdStart:
        env = sandbox_env(self.limits, self.device, self.python)
        self._lib_dir = prepare_lib_dir()
        cwd = None
        if self.iso.level != isolation.NAMESPACES:
            self._work_dir = private_work_dir(self.iso)
            env["HOME"] = env["TMPDIR"] = cwd = str(self._work_dir)
        walls = isolation.walls_spec(self.iso, self._lib_dir, self._work_dir, self.device, self.python)
        argv = sandbox_command(self.iso, self.python, self._lib_dir, self.limits, self.device, env,
                               [str(req_r), str(rep_w)], walls)
        try:
            popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w,
                                     pass_fds=(req_r, rep_w), env=env, cwd=cwd, preexec_fn=self._limit_child,
                                     close_fds=True)
        except OSError as exc:
            raise SandboxError(f"could not start the sandbox: {exc}") from exc
        return ColdStart(popen, self.iso.level == isolation.NAMESPACES)

    def _fork(self, req_r: int, rep_w: int, out_w: int) -> ForkedStart | None:
        """A warm start from the zygote; None (and the zygote marked unusable) if it cannot give one."""
        status_r, status_w = os.pipe()
        workdir = None
        if not self.zygote.namespaced:
            self._work_dir = private_work_dir(self.iso)
            workdir = str(self._work_dir)
        walls = isolation.walls_spec(self.iso, None, self._work_dir, self.device, self.python)  # + zygote's lib
        try:
            pid = self.zygote.fork([req_r, rep_w, out_w, status_w], {
                "op": "fork", "isolate": self.zygote.namespaced, "tmp_mb": self.limits.tmp_mb,
                "rlimits": rlimits(self.limits, self._cgroup is not None, self.device), "workdir": workdir,
                "walls": walls, "keep": isolation.covered_roots(self.python) if self.zygote.namespaced else []})
            os.close(status_w)
            status_w = None
            host_pid = self._forked_pid(status_r, pid)
        except SandboxError as exc:
            if status_w is not None:
                os.close(status_w)
            os.close(status_r)
            if exc.kind == "walls":
                self.zygote.give_up(str(exc))  # this machine cannot wall off a fork: cold from now on
            else:
                self.zygote.restart_later(str(exc))  # a hiccup: this sandbox starts cold, the next is forked
            return None
        self.warm = True
        return ForkedStart(host_pid, status_r)

    def _forked_pid(self, status_r: int, parent_pid: int) -> int:
        """Read the sandbox's PID as the zygote sees it, and find the same process as this machine sees it."""
        line, deadline = b"", time.monotonic() + 20
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("the zygote's child did not report", "transient")
            if not select.select([status_r], [], [], min(left, 0.5))[0]:
                continue
            chunk = os.read(status_r, 1)  # one byte at a time: what follows the line is the wait status
            if not chunk:
                raise SandboxError("the zygote's child ended before it reported", "transient")
            line += chunk
        if not line.startswith(b"pid "):
            raise SandboxError(f"the zygote could not wall off a sandbox: {line.decode(errors='replace')[6:]}",
                               "walls")
        zygote_pid, until = int(line.split()[1]), time.monotonic() + 5
        while True:
            # The reporter exits right after it forks, so the sandbox may be between parents for a moment.
            host = self.zygote.host_pid(zygote_pid)
            if host is not None:
                return host
            if time.monotonic() > until:
                raise SandboxError("the forked sandbox could not be found among the zygote's processes",
                                   "transient")
            time.sleep(0.005)

    def _limit_child(self) -> None:
        """Runs in the child between fork and exec: new session, death with the grader, rlimits, cgroup."""
        os.setsid()
        die_with_parent()
        for name, pair in rlimits(self.limits, self._cgroup is not None, self.device).items():
            resource.setrlimit(getattr(resource, name), pair)
        if self._cgroup is not None:
            self._cgroup.join(os.getpid())

    def _crowded(self) -> str:
        """Said of a sandbox that ran out of time with its process cap full: a fork bomb ends as a timeout
        (each fork beyond the cap fails quietly), and the student should know why theirs did."""
        if not self.proc or self.proc.poll() is not None:
            return ""
        running = task_count(self.proc.pid)
        if running < 0.9 * self.limits.max_processes:
            return ""
        return (f"it had {running} processes and threads running, the most a sandbox may have "
                f"({self.limits.max_processes}): does something start processes in a loop?")

    def kill(self, reason: str | None = None) -> None:
        if reason and not self.killed_for:
            self.killed_for = reason
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - a zombie the kernel will reap
                pass
        if self._cgroup is not None:
            self._cgroup.kill_all()

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                self.send({"op": "shutdown"})
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired, SandboxError):
                pass
        self.kill()
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None and watchdog is not threading.current_thread():
            watchdog.join(timeout=5)  # it ends with the process; none may still be reading /proc after close()
        if isinstance(self.proc, ForkedStart):
            self.proc.close()
        for fd in (getattr(self, "_req", None), getattr(self, "_rep", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._req = self._rep = None
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None
        for folder in (self._lib_dir, self._work_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------------------------------------ exchange
    def send(self, request: dict) -> None:
        """Send one request; its sequence number must come back on every reply to it (see :meth:`receive`)."""
        self._seq += 1
        parts = wire.encode_parts({**request, "seq": self._seq})
        try:
            wire.write_parts(self._req, [_LEN.pack(sum(len(p) for p in parts))] + parts)
        except (BrokenPipeError, OSError) as exc:
            raise self._ended(f"the sandbox stopped reading ({exc.__class__.__name__})") from None

    def receive(self, deadline: float) -> dict:
        """One reply, or SandboxError(kind=timeout|memory|died|protocol) — never a student object."""
        header = self._read(_LEN.size, deadline)
        (size,) = _LEN.unpack(header)
        if size > REPLY_LIMITS.max_bytes:
            self.kill("protocol")
            raise SandboxError(f"a reply of {size} bytes (the limit is {REPLY_LIMITS.max_bytes} bytes)", "protocol")
        try:
            reply = wire.decode(self._read(size, deadline), REPLY_LIMITS)
        except wire.WireError as exc:
            raise SandboxError(str(exc), "protocol") from None  # read after "sent something the grader cannot accept: "
        if not isinstance(reply, dict):
            raise SandboxError("a malformed reply", "protocol")
        if reply.get("seq") != self._seq:
            # Student code wrote to the reply channel itself: answers would slip out of step with questions.
            self.kill("protocol")
            raise SandboxError("an answer out of turn (something in the student's code wrote to the grader's reply "
                               "channel)", "protocol")
        return reply

    def _read(self, size: int, deadline: float):
        """Exactly *size* bytes of the reply channel, or SandboxError when the deadline passes or the sandbox
        ends."""
        try:
            return wire.read_exact(self._rep, size, lambda: self._wait_readable(deadline))
        except EOFError:
            raise self._ended("the sandbox process ended") from None

    def _wait_readable(self, deadline: float) -> None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                crowded = self._crowded()
                self.kill("timeout")
                raise SandboxError("timed out", "timeout", crowded)
            if select.select([self._rep], [], [], min(left, 0.5))[0]:
                return
            if self.killed_for:  # the memory watchdog fired
                raise self._ended("killed")

    def _ended(self, what: str) -> SandboxError:
        if self.proc:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.killed_for == "memory":
            return SandboxError(f"used more than {self.limits.memory_mb} MB of memory and was stopped", "memory")
        if self.killed_for == "gpu memory":
            return SandboxError(f"used more than {self.limits.gpu_memory_mb} MB of GPU memory and was stopped",
                                "memory")
        if self.killed_for == "timeout":
            return SandboxError("timed out", "timeout")
        if self.killed_for == "disk":
            return SandboxError(f"wrote more than {self.limits.tmp_mb} MB into its work folder and was stopped",
                                "died")
        code = self.proc.poll() if self.proc else None
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            why = {"SIGXCPU": f"ran out of CPU time ({self.limits.cpu_seconds} s)",
                   "SIGXFSZ": "wrote a file larger than the limit", "SIGKILL": "was killed",
                   "SIGSEGV": "crashed the interpreter (segmentation fault)"}.get(name, f"was stopped by {name}")
            return SandboxError(why, "died")
        if code is not None:
            return SandboxError(f"ended the sandbox process (exit status {code}, as os._exit() does)", "died")
        return SandboxError(what, "died")

    # ------------------------------------------------------------------------------------------ watchers
    def _drain_output(self, fd: int) -> None:
        cap = self.limits.max_output_bytes
        with os.fdopen(fd, "rb", buffering=0) as stream:
            while True:
                try:
                    chunk = stream.read(65536)
                except OSError:
                    break
                if not chunk:
                    break
                room = cap - len(self._output)
                if room > 0:
                    self._output += chunk[:room]
                self.output_dropped += max(0, len(chunk) - max(room, 0))

    @property
    def output(self) -> str:
        text = bytes(self._output).decode("utf-8", errors="replace")
        if self.output_dropped:
            text += f"\n[... {self.output_dropped} more bytes of output were dropped ...]"
        return text

    def _watch_memory(self) -> None:
        """Resident memory of the whole tree, on CUDA its GPU memory, and outside namespaces (no size-capped
        tmpfs) the work folder."""
        limit_kb, disk_limit, rounds = int(self.limits.memory_mb) * 1024, int(self.limits.tmp_mb) << 20, 0
        reader = gpu.MemoryReader.shared() if self.device != "cpu" else None
        while self.proc is not None and self.proc.poll() is None:
            rss = tree_rss_kb(self.proc.pid)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            if rss > limit_kb:
                self.kill("memory")
                return
            if reader is not None and reader.available and rounds % 4 == 0:
                used = reader.used_mb()
                on_gpu = sum(used.get(pid, 0.0) for pid in tree_pids(self.proc.pid)) if used else 0.0
                self.peak_gpu_mb = max(self.peak_gpu_mb, on_gpu)
                if on_gpu > self.limits.gpu_memory_mb:
                    self.kill("gpu memory")
                    return
            rounds += 1
            if self._work_dir is not None and rounds % 4 == 0 and folder_bytes(self._work_dir) > disk_limit:
                self.kill("disk")
                return
            time.sleep(0.05)
