"""Handles on a running sandbox process, however it was started: a cold start is our child (bubblewrap or
python); a warm one was forked by a zygote, so its wait status arrives on a status pipe."""
from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import threading
import time


class ColdStart:
    """A sandbox started from scratch: our child (bubblewrap or python), leader of its own process group."""

    def __init__(self, popen: subprocess.Popen, bwrap: bool):
        self.popen = popen
        self.pid = popen.pid
        self.bwrap = bwrap

    @property
    def returncode(self):
        code = self.popen.returncode
        if code is not None and code > 128 and self.bwrap:
            code = -(code - 128)  # bubblewrap reports a child killed by signal N as exit status 128 + N
        return code

    def poll(self):
        self.popen.poll()
        return self.returncode

    def wait(self, timeout: float) -> None:
        self.popen.wait(timeout=timeout)

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def widen_pipe(pipe_fd: int, size: int = 1 << 20) -> None:
    """Give a request or reply pipe a 1 MB buffer (Linux's default is 64 KB), so the training images a suite
    hands the sandbox cross in a few writes instead of one wake-up of each side per 64 KB.  Best effort: the
    default size works, only slower."""
    try:
        fcntl.fcntl(pipe_fd, fcntl.F_SETPIPE_SZ, size)
    except (AttributeError, OSError):
        pass


class ForkedStart:
    """A sandbox forked by a zygote: not our child, so its wait status arrives on a status pipe."""

    def __init__(self, pid: int, status_fd: int):
        self.pid = pid  # as this machine sees it; PID 1 of its own namespace, so killing it ends them all
        self._status = status_fd
        self._buffer = b""
        self.returncode = None
        self._lock = threading.Lock()

    def poll(self):
        with self._lock:
            if self.returncode is None and self._status is not None:
                while select.select([self._status], [], [], 0)[0]:
                    chunk = os.read(self._status, 4096)
                    if not chunk:
                        self._close()
                        if self.returncode is None:
                            self.returncode = -signal.SIGKILL  # its reporter died with it: killed from outside
                        break
                    self._buffer += chunk
                    for line in self._buffer.split(b"\n"):
                        if line.startswith(b"exit "):
                            self.returncode = os.waitstatus_to_exitcode(int(line.split()[1]))
        return self.returncode

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired("sandbox", timeout)
            status = self._status
            if status is None:
                time.sleep(min(left, 0.01))
                continue
            try:  # woken by the status line itself, not by a fixed tick that every submission would wait out
                select.select([status], [], [], min(left, 0.1))
            except (OSError, ValueError):  # closed by a concurrent poll: the next poll says why
                time.sleep(min(left, 0.001))

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _close(self) -> None:
        if self._status is not None:
            os.close(self._status)
            self._status = None

    def close(self) -> None:
        with self._lock:
            self._close()
