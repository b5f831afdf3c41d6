"""A student's notebook, run once in a sandbox and then questioned by the hidden suites.

The session hides sandbox deaths from the suites: a cell that hangs, exits the interpreter (``os._exit``) or
blows the memory limit is recorded against that cell, and a fresh sandbox re-runs the notebook without it, so
the exercises in other cells are still graded.  A request that kills the sandbox is reported to the test that
made it (as :class:`StudentTimeout` or :class:`StudentCrash`), and the next request gets a fresh sandbox with
the data that had been put there replayed.
"""
from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field

from grader.config import Limits
from grader.sandbox.host.process import SandboxError, SandboxProcess
from grader.intake.submission import Submission
from grader.judge.backend import StudentCrash, StudentError, StudentTimeout


class CellStatus(str, enum.Enum):
    """What became of one cell: it ran (``ok``, or raised: ``error``), ended its sandbox (``timeout``,
    ``memory``, ``died``, ``protocol``), was left out after ending one (``skipped``), or never ran (``not_run``)."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    DIED = "died"
    PROTOCOL = "protocol"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"

    def __str__(self) -> str:
        return self.value


@dataclass
class CellReport:
    index: int
    exercise: str | None
    status: CellStatus
    error: dict | None = None
    message: str = ""

    def __post_init__(self):
        self.status = CellStatus(self.status)


@dataclass
class Session:
    """A :class:`~grader.judge.backend.Backend` served by sandboxes."""

    stopped = "the sandbox was stopped"
    missing_hint = ""

    submission: Submission
    limits: Limits
    device: str = "cpu"
    max_restarts: int = 3
    python: str | None = None
    zygote: object | None = None  # a warm.Zygote: sandboxes are forked warm instead of started cold
    cells: dict[int, CellReport] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    _proc: SandboxProcess | None = None
    _skip: set[int] = field(default_factory=set)
    _puts: dict = field(default_factory=dict)
    _output: list[str] = field(default_factory=list)
    _starts: int = 0
    _dropped: int = 0
    peak_rss_mb: float = 0.0
    peak_gpu_mb: float = 0.0
    warm: bool = False

    # ------------------------------------------------------------------------------------------ notebook
    def start(self) -> None:
        """Run every cell once, restarting past cells that kill or hang the sandbox."""
        began = time.perf_counter()
        deadline_total = time.monotonic() + self.limits.timeout * max(3, self.max_restarts + 2)
        for _attempt in range(self.max_restarts + 1):
            if self._run_notebook(deadline_total):
                break
        else:
            for cell in self.submission.cells:
                if cell.index not in self.cells:
                    self.cells[cell.index] = CellReport(cell.index, cell.exercise, "not_run",
                                                        message="not run: earlier cells crashed the sandbox "
                                                                "too many times")
        self.timings["notebook"] = time.perf_counter() - began

    def _spawn(self) -> SandboxProcess:
        if self._proc is not None:
            self._retire()
        proc = SandboxProcess(self.limits, self.device, self.python, zygote=self.zygote)
        self._starts += 1
        proc.start()
        self.timings.setdefault("sandbox_start", proc.ready_seconds)
        self.warm = proc.warm
        self._proc = proc
        return proc

    def _run_notebook(self, deadline_total: float) -> bool:
        proc = self._spawn()
        cells = [{"index": c.index, "exercise": c.exercise, "source": c.source}
                 for c in self.submission.cells]
        proc.send({"op": "exec", "cells": cells, "skip": sorted(self._skip)})
        current = None
        while True:
            deadline = min(time.monotonic() + self.limits.timeout, deadline_total)
            try:
                event = proc.receive(deadline)
            except SandboxError as exc:
                if current is None:
                    raise
                cell = self._cell(current)
                self.cells[current] = CellReport(current, cell.exercise, exc.kind,
                                                 message=_death_message(exc, self.limits))
                self._skip.add(current)
                return False
            kind = event.get("event")
            if kind == "cell_start":
                current = event.get("index")
            elif kind == "cell_end":
                index = event.get("index")
                error = event.get("error")
                self.cells[index] = CellReport(index, self._cell(index).exercise, "error" if error else "ok",
                                               error=error)
                current = None
            elif kind == "exec_done":
                for index in self._skip:
                    self.cells.setdefault(index, CellReport(index, self._cell(index).exercise, "skipped"))
                self._replay_puts()
                return True

    def _cell(self, index):
        for cell in self.submission.cells:
            if cell.index == index:
                return cell
        raise KeyError(index)

    # ------------------------------------------------------------------------------------------ requests
    def request(self, payload: dict, timeout: float | None = None):
        """One question to the sandbox; its round trip is added to ``timings["sandbox_wait"]`` (the student's
        code on the suite's inputs, the harness and the transfer: what a report splits from the grader's own
        checking time)."""
        began = time.perf_counter()
        try:
            return self._request(payload, timeout)
        finally:
            self.timings["sandbox_wait"] = self.timings.get("sandbox_wait", 0.0) + time.perf_counter() - began
            self.timings["sandbox_requests"] = self.timings.get("sandbox_requests", 0) + 1

    def _request(self, payload: dict, timeout: float | None = None):
        if self._proc is None or self._proc.proc is None or self._proc.proc.poll() is not None:
            if not self._run_notebook(time.monotonic() + self.limits.timeout * 3):
                raise StudentCrash("the notebook could not be run again after an earlier crash")
        proc = self._proc
        proc.send(payload)
        try:
            reply = proc.receive(time.monotonic() + (timeout or self.limits.timeout))
        except SandboxError as exc:
            self._retire()
            if exc.kind == "timeout":
                raise StudentTimeout(f"took longer than {timeout or self.limits.timeout:g} s"
                                     + (f"; {exc.note}" if exc.note else "")) from None
            raise StudentCrash(_death_message(exc, self.limits)) from None
        if "error" in reply:
            raise StudentError(reply["error"] if isinstance(reply["error"], dict) else {"message": "error"})
        return reply.get("ok")

    def has(self, names) -> dict:
        return self.request({"op": "has", "names": list(names)})

    def call(self, name: str, *args, timeout: float | None = None, device: str | None = None, **kwargs):
        return self.request({"op": "call", "name": name, "args": list(args), "kwargs": kwargs,
                             "device": device}, timeout)

    def get(self, name: str):
        """The value of a variable in the student's namespace, as plain data."""
        return self.request({"op": "get", "name": name})

    def put(self, key: str, value) -> None:
        self._puts[key] = value
        self.request({"op": "put", "key": key, "value": value})

    def harness(self, source: str, function: str, timeout: float | None = None, **params):
        return self.request({"op": "harness", "source": source, "function": function, "params": params},
                            timeout)

    def _replay_puts(self) -> None:
        for key, value in self._puts.items():
            self._proc.send({"op": "put", "key": key, "value": value})
            self._proc.receive(time.monotonic() + self.limits.timeout)

    # ------------------------------------------------------------------------------------------ teardown
    @property
    def output(self) -> str:
        return "".join(self._output + ([self._proc.output] if self._proc else []))

    @property
    def output_dropped(self) -> int:
        return self._dropped + (self._proc.output_dropped if self._proc else 0)

    @property
    def restarts(self) -> int:
        return max(0, self._starts - 1)

    def _retire(self) -> None:
        if self._proc is not None:
            self._proc.close()
            self._output.append(self._proc.output)
            self._dropped += self._proc.output_dropped
            self.peak_rss_mb = max(self.peak_rss_mb, self._proc.peak_rss_mb)
            self.peak_gpu_mb = max(self.peak_gpu_mb, self._proc.peak_gpu_mb)
            self._proc = None

    def close(self) -> None:
        self._retire()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _death_message(exc: SandboxError, limits: Limits) -> str:
    if exc.kind == "timeout":
        return f"ran longer than the {limits.timeout:g} s limit and was stopped" + (f"; {exc.note}" if exc.note else "")
    if exc.kind == "memory":
        return str(exc)  # which memory: the machine's or the GPU's
    if exc.kind == "protocol":
        return f"sent something the grader cannot accept: {exc}"
    return str(exc)
