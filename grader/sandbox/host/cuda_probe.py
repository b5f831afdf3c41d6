"""Does CUDA start inside a real sandbox on this machine?  Asked once before a batch on a GPU, so that a machine
problem is never graded as every student's ``RuntimeError``.

The probe is a real sandbox (the same bubblewrap mounts, limits, seccomp filter and environment a submission
gets) that allocates on the GPU and copies the value back; only that proves that the driver's device nodes,
its library and its address-space needs all made it through the walls.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from grader.config import Limits

PROBE_CELL = ("import torch\n"
              "x = torch.arange(4.0, device='cuda') * 2\n"
              "probe_sum = float(x.sum().item())\n"
              "probe_name = torch.cuda.get_device_name(0)\n")


@dataclass(frozen=True)
class CudaProbe:
    works: bool
    why: str  # what failed, or the GPU's name when it works
    seconds: float = 0.0


def probe(limits: Limits | None = None, python: str | None = None, iso=None, timeout: float = 120.0,
          zygote=None) -> CudaProbe:
    """Start a CUDA sandbox (forked from *zygote*, a CUDA one, when given), allocate on the GPU inside it, and
    say whether that worked and why not."""
    from grader.sandbox.host import gpu
    from grader.sandbox.host.process import SandboxError, SandboxProcess

    if not gpu.device_nodes():
        return CudaProbe(False, "no NVIDIA device nodes on this machine (/dev/nvidiactl, /dev/nvidia0)")
    began = time.perf_counter()
    proc = SandboxProcess(limits or Limits(), device="cuda", python=python, iso=iso, zygote=zygote)
    try:
        proc.start()
        proc.send({"op": "exec", "cells": [{"index": 0, "source": PROBE_CELL}]})
        deadline = time.monotonic() + timeout
        error = None
        while True:
            reply = proc.receive(deadline)
            if reply.get("event") == "cell_end":
                error = reply.get("error")
            if reply.get("event") == "exec_done":
                break
        if not error:
            proc.send({"op": "get", "name": "probe_sum"})
            total = proc.receive(deadline).get("ok")
            proc.send({"op": "get", "name": "probe_name"})
            name = proc.receive(deadline).get("ok")
            if total == 12.0:
                return CudaProbe(True, str(name) + (" (forked warm)" if proc.warm else ""),
                                 time.perf_counter() - began)
            return CudaProbe(False, f"a GPU computation inside the sandbox gave {total!r} instead of 12.0")
        message = f"{error.get('type')}: {error.get('message', '')}".strip()
        return CudaProbe(False, _first_lines(message), time.perf_counter() - began)
    except SandboxError as exc:
        tail = _first_lines(proc.output.strip().splitlines()[-1] if proc.output.strip() else "")
        return CudaProbe(False, f"the CUDA sandbox did not start: {exc}" + (f" ({tail})" if tail else ""),
                         time.perf_counter() - began)
    finally:
        proc.close()


def _first_lines(text: str, limit: int = 400) -> str:
    """The part of a CUDA error a person needs: torch's messages run to many lines of advice."""
    text = " ".join(line.strip() for line in text.splitlines()[:3] if line.strip())
    return text if len(text) <= limit else text[:limit - 3] + "..."
