"""What a CUDA sandbox needs from this machine, seen from the grader's side: the driver's device nodes to bind,
the environment that picks one GPU, and the GPU memory each sandbox holds (read from outside, by NVIDIA's own
tool, where student code cannot change the figure).

Nothing here imports torch or loads the CUDA driver: on a machine without NVIDIA's driver every function
returns an empty answer at the cost of a few ``stat`` calls.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import threading
import time

# Character devices of NVIDIA's kernel driver: one per GPU (nvidia0, nvidia1, ...), the control node, unified
# memory (the runtime refuses to start without it), and the MIG capability nodes under /dev/nvidia-caps.
DEVICE_PATTERNS = ("/dev/nvidia[0-9]*", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
                   "/dev/nvidia-modeset", "/dev/nvidia-caps")
# Read only: the driver's version and per-GPU facts the runtime checks at start, and sysfs, where it finds the
# GPU's PCI address and NUMA node.
READ_ONLY = ("/proc/driver/nvidia", "/sys")


def device_nodes() -> list[str]:
    """The NVIDIA device nodes (and the MIG capability folder) present on this machine."""
    found: list[str] = []
    for pattern in DEVICE_PATTERNS:
        found += sorted(glob.glob(pattern))
    return found


def gpu_count() -> int:
    """GPUs the driver exposes, counted from their device nodes (``/dev/nvidia0``, ...)."""
    return sum(1 for node in glob.glob("/dev/nvidia[0-9]*") if os.path.basename(node)[6:].isdigit())


def bwrap_binds() -> list[str]:
    """bubblewrap arguments that make the GPU usable inside a sandbox; they must come before any
    ``--remount-ro``, which would otherwise leave no place to create the device nodes in."""
    args: list[str] = []
    for node in device_nodes():
        args += ["--dev-bind", node, node]
    for path in READ_ONLY:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def library_path(bound: list[str]) -> str:
    """The host's ``LD_LIBRARY_PATH`` entries that a sandbox can see (they lie under a folder it binds): where
    the CUDA driver library lives outside the linker's cache, the runtime finds it only through them."""
    kept = []
    for entry in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep):
        real = os.path.realpath(entry) if entry else ""
        if real and os.path.isdir(real) and any(real == b or real.startswith(b.rstrip("/") + "/") for b in bound):
            kept.append(entry)
    return os.pathsep.join(kept)


def cuda_env(bound: list[str]) -> dict[str, str]:
    """The variables a CUDA sandbox gets: the GPU its grading worker was given (``CUDA_VISIBLE_DEVICES`` of the
    grader's process, see :func:`assign`), else the first, numbered as ``nvidia-smi`` numbers them."""
    env = {"CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES") or "0",
           "CUDA_DEVICE_ORDER": os.environ.get("CUDA_DEVICE_ORDER") or "PCI_BUS_ID"}
    path = library_path(bound)
    if path:
        env["LD_LIBRARY_PATH"] = path
    return env


def assign(worker: int) -> str | None:
    """Give grading worker number *worker* one GPU of several, round robin, for itself and its sandboxes; call
    before anything in that process starts CUDA.  Returns the GPU chosen (None: one GPU, or the instructor
    already chose with ``CUDA_VISIBLE_DEVICES``)."""
    count = gpu_count()
    if count < 2 or os.environ.get("CUDA_VISIBLE_DEVICES"):
        return None
    os.environ["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID"
    os.environ["CUDA_VISIBLE_DEVICES"] = str(worker % count)
    return os.environ["CUDA_VISIBLE_DEVICES"]


class MemoryReader:
    """GPU memory used per process, as the driver reports it through ``nvidia-smi``.

    One reader per grading process, shared by its sandboxes' watchdogs: a query costs tens of milliseconds, so
    it runs at most once per ``every`` seconds whoever asks."""

    _shared: "MemoryReader | None" = None
    _shared_lock = threading.Lock()

    def __init__(self, every: float = 0.5):
        self.every = every
        self.tool = shutil.which("nvidia-smi")
        self._lock = threading.Lock()
        self._taken = 0.0
        self._used: dict[int, float] = {}

    @classmethod
    def shared(cls) -> "MemoryReader":
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    @property
    def available(self) -> bool:
        return self.tool is not None

    def used_mb(self) -> dict[int, float]:
        """MB of GPU memory by host PID, at most ``every`` seconds old; empty where it cannot be read."""
        with self._lock:
            if self.tool and time.monotonic() - self._taken >= self.every:
                self._used = parse_compute_apps(self._query())
                self._taken = time.monotonic()
            return dict(self._used)

    def _query(self) -> str:
        try:
            return subprocess.run([self.tool, "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                                  capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""


def parse_compute_apps(text: str) -> dict[int, float]:
    """``nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits`` as {pid: MB}; a process
    on several GPUs is the sum of its rows."""
    used: dict[int, float] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 2:
            continue
        try:
            pid, mb = int(parts[0]), float(parts[1])
        except ValueError:
            continue
        used[pid] = used.get(pid, 0.0) + mb
    return used
