"""A student's notebook, run once in a sandbox and then questioned by the hidden suites.

The session hides sandbox deaths from the suites: a cell that hangs, exits the interpreter (``os._exit``) or
blows the memory limit is recorded against that cell, and a fresh sandbox re-runs the notebook without it, so
the exercises in other cells are still graded.  A request that kills the sandbox is reported to the test that
made it (as :class:`StudentTimeout` or :class:`StudentCrash`), and the next request gets a fresh sandbox with
the data that had been put there replayed.

Time is bounded three ways: each cell and request by ``limits.timeout`` (or the request's own limit), each
exercise by ``limits.exercise_budget`` times the longest limit one of its requests asked for, and the whole
submission by ``limits.submission_seconds``.  A request that an exhausted budget stops, or that comes after one,
is a :class:`StudentTimeout` that says which budget it was.

Every reply is checked before use: the sandbox runs student code, which can reach and change the worker that
writes the replies, so a reply of the wrong shape is the student's (a :class:`StudentCrash` that says what was
wrong, or a protocol end for the cell that ran), never an error of the grader's.
"""
from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field

from grader.config import Limits
from grader.sandbox.host.process import SandboxError, SandboxProcess
from grader.intake.submission import Submission
from grader.judge.backend import StudentCrash, StudentError, StudentTimeout

# How much of a student's error description is kept: the worker cuts its own, but a tampered worker might not.
MAX_ERROR_TEXT = 2000
MAX_FRAMES = 20


class _Malformed(ValueError):
    """A reply the grader cannot use; the message says what is wrong with it."""


class _Run(enum.Enum):
    """How one run of the notebook ended."""

    DONE = "done"  # every cell ran (or failed on its own); the sandbox is ready for requests
    RETRY = "retry"  # a cell ended the sandbox: it is skipped and the notebook runs again
    OUT_OF_TIME = "out of time"  # the notebook's total time (or the submission's) ran out


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
    harnesses: list = field(default_factory=list)  # the sources of the harnesses its requests will use
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
    exercise: str | None = None  # whose budget requests count against now (see charge_to)
    _by_index: dict = field(default_factory=dict)
    _spent: dict = field(default_factory=dict)  # exercise id -> seconds of its requests
    _longest: dict = field(default_factory=dict)  # exercise id -> the longest limit one of its requests asked for
    exhausted: dict = field(default_factory=dict)  # exercise id (None: the submission) -> why its budget ran out
    budget_stops: dict = field(default_factory=dict)  # exercise id -> the budget that stopped one of its requests
    _ends: float | None = None  # when the submission's budget runs out (monotonic), once its first sandbox is up
    _rerun_seconds: float = 0.0

    # ------------------------------------------------------------------------------------------ notebook
    def start(self) -> None:
        """Run every cell once, restarting past cells that kill or hang the sandbox."""
        began = time.perf_counter()
        total = self.notebook_seconds
        deadline_total, renewed = self._within_budget(time.monotonic() + total), False
        for _attempt in range(self.max_restarts + 1):
            run = self._run_notebook(deadline_total, total)
            if run is _Run.DONE:
                break
            if run is _Run.OUT_OF_TIME:
                # The cells from the one that was running on are left out; the rest run once more, so that what
                # they define can be graded.  Only once: the same cells took the time the first time.
                if renewed or self._submission_left() <= 0:
                    break
                deadline_total, renewed = self._within_budget(time.monotonic() + total), True
        why = ("not run: the notebook had used up its time" if run is _Run.OUT_OF_TIME else
               "not run: earlier cells crashed the sandbox too many times")
        for cell in self.submission.cells:
            if cell.index not in self.cells:
                self.cells[cell.index] = CellReport(cell.index, cell.exercise, "not_run", message=why)
        self.timings["notebook"] = time.perf_counter() - began

    @property
    def notebook_seconds(self) -> float:
        """How long the notebook may run in all, its cells together (each cell: ``limits.timeout``)."""
        return self.limits.timeout * max(3, self.max_restarts + 2)

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

    def _run_notebook(self, deadline_total: float, total: float, rerun: bool = False) -> _Run:
        """Run the notebook (less the cells in ``_skip``) in a fresh sandbox.

        *rerun* is a run that a request needs after its sandbox ended: the cells' reports from the first run
        stand, and a run that cannot finish ends the request instead."""
        self._by_index = self._by_index or {cell.index: cell for cell in self.submission.cells}
        proc = self._spawn()
        if self._ends is None:  # the submission's time runs from its first sandbox being ready, not its start-up
            self._ends = time.monotonic() + self.limits.submission_seconds
        deadline_total = self._within_budget(deadline_total + proc.ready_seconds)  # start-up is not its time
        cells = [{"index": c.index, "exercise": c.exercise, "source": c.source}
                 for c in self.submission.cells]
        # The harnesses go first, so that what they bind is bound before any of the student's code runs.
        proc.send({"op": "exec", "cells": cells, "skip": sorted(self._skip), "harnesses": list(self.harnesses)})
        current, last, seen = None, None, set()
        while True:
            deadline = min(time.monotonic() + self.limits.timeout, deadline_total)
            try:
                event = proc.receive(deadline)
                kind = event.get("event")
                if kind == "cell_start":
                    current = self._started(event, seen)
                elif kind == "cell_end":
                    error = self._ended(event, current)
                    if not rerun or current not in self.cells:
                        self.cells[current] = CellReport(current, self._cell(current).exercise,
                                                         "error" if error else "ok", error=error)
                    last, current = current, None
                elif kind == "exec_done":
                    break
                else:
                    raise _Malformed(f"an event {_shown(kind)} the grader does not know")
            except (SandboxError, _Malformed) as exc:
                if isinstance(exc, _Malformed):
                    proc.kill("protocol")
                    exc = SandboxError(f"a reply of the wrong shape ({exc})", "protocol")
                blamed = current if current is not None else last
                if exc.kind == "timeout" and deadline >= deadline_total:
                    if not rerun and blamed is not None:  # a re-run that cannot finish ends its request
                        self._out_of_time(blamed, total)
                    return _Run.OUT_OF_TIME
                if blamed is None:
                    raise exc  # before any student code ran: the sandbox's failure, not the student's
                cell = self._cell(blamed)
                message = _death_message(exc, self.limits)
                if current is None:  # it had finished: something it left running ended the sandbox
                    message += " (after this cell had finished, before the next one started)"
                self.cells[blamed] = CellReport(blamed, cell.exercise, exc.kind, message=message)
                self._skip.add(blamed)
                return _Run.RETRY
        for index in self._skip:
            self.cells.setdefault(index, CellReport(index, self._cell(index).exercise, "skipped"))
        for cell in self.submission.cells:
            if cell.index not in seen and cell.index not in self._skip and cell.index not in self.cells:
                self.cells[cell.index] = CellReport(cell.index, cell.exercise, "not_run",
                                                    message="not run: the sandbox said the notebook was done "
                                                            "before this cell ran")
        try:
            self._replay_puts()
        except SandboxError:
            self._retire()
            return _Run.RETRY
        return _Run.DONE

    def _started(self, event: dict, seen: set) -> int:
        index = event.get("index")
        if type(index) is not int or index not in self._by_index:
            raise _Malformed(f"a cell_start for cell {_shown(index)}, which the notebook does not have")
        if index in self._skip or index in seen:
            raise _Malformed(f"a second cell_start for cell {index}" if index in seen else
                             f"a cell_start for cell {index}, which was to be skipped")
        seen.add(index)
        return index

    def _ended(self, event: dict, current: int | None) -> dict | None:
        index = event.get("index")
        if current is None or index != current or type(index) is not int:
            raise _Malformed(f"a cell_end for cell {_shown(index)}, which was not running")
        error = event.get("error")
        return None if error is None else error_info(error)

    def _out_of_time(self, index: int, total: float) -> None:
        """The notebook's time (or the submission's) ran out while cell *index* ran: it and the cells after it are
        left out, each saying why, and the cells before it are not blamed."""
        whole = self._submission_left() <= 0
        limit = (f"the submission's time budget of {self.limits.submission_seconds:g} s" if whole else
                 f"its {total:g} s in all (each cell may take {self.limits.timeout:g} s)")
        self.cells[index] = CellReport(index, self._cell(index).exercise, "timeout",
                                       message=f"was still running when the notebook had used up {limit}: it was "
                                               "stopped there, and the cells after it were not run")
        for cell in self.submission.cells:
            if cell.index > index and cell.index not in self._skip:
                self.cells[cell.index] = CellReport(cell.index, cell.exercise, "not_run",
                                                    message=f"not run: the notebook had used up {limit} before "
                                                            "this cell")
                self._skip.add(cell.index)
        self._skip.add(index)

    def _cell(self, index):
        return self._by_index[index]

    # ------------------------------------------------------------------------------------------ budgets
    def charge_to(self, exercise_id: str | None) -> None:
        """Requests from now on are questions about *exercise_id*: they count against its time budget."""
        self.exercise = exercise_id

    def _submission_left(self) -> float:
        return float("inf") if self._ends is None else self._ends - time.monotonic()

    def _within_budget(self, deadline: float) -> float:
        return deadline if self._ends is None else min(deadline, self._ends)

    def exercise_budget(self, exercise_id: str | None) -> float:
        """Seconds the requests about *exercise_id* may take in all: ``limits.exercise_budget`` times the longest
        limit one of them asked for (a training run asks for its own), so far."""
        return self.limits.exercise_budget * self._longest.get(exercise_id, self.limits.timeout)

    def _budget_words(self, exercise_id: str | None) -> str:
        if exercise_id is None:
            return (f"this submission's time budget ({self.limits.submission_seconds:g} s in all, over every "
                    "exercise)")
        return f"this exercise's time budget ({self.exercise_budget(exercise_id):g} s in all, over every check of it)"

    def _spend(self, exercise_id: str | None, timeout: float) -> tuple[float, bool, str | None]:
        """When the next request about *exercise_id* must end: (the moment, whether a budget sets it rather than the
        request's own limit, that budget's key); StudentTimeout when a budget is spent already."""
        self._longest[exercise_id] = max(self._longest.get(exercise_id, self.limits.timeout), timeout)
        for key in (None, exercise_id):
            if key in self.exhausted:
                raise self._stopped(key)
        now = time.monotonic()
        left = {None: self._submission_left()}
        if exercise_id is not None:
            left[exercise_id] = self.exercise_budget(exercise_id) - self._spent.get(exercise_id, 0.0)
        key = min(left, key=left.get)
        if left[key] <= 0:
            raise self._stopped(key)
        if left[key] < timeout:
            return now + left[key], True, key
        return now + timeout, False, key

    def _stopped(self, key: str | None, ran: bool = False, note: str = "") -> StudentTimeout:
        """The error of a request that budget *key* stops (*ran*: it ran until the budget ran out; else it was
        not made).  The budget stays spent, for every later request it covers."""
        words = self._budget_words(key)
        self.exhausted.setdefault(key, f"was not called: {words} was used up")
        self.budget_stops.setdefault(self.exercise, words)
        text = f"ran past {words}" if ran else self.exhausted[key]
        return StudentTimeout(text + (f"; {note}" if note else ""))

    # ------------------------------------------------------------------------------------------ requests
    def request(self, payload: dict, timeout: float | None = None):
        """One question to the sandbox; its round trip is added to ``timings["sandbox_wait"]`` (the student's
        code on the suite's inputs, the harness and the transfer: what a report splits from the grader's own
        checking time) and to the budget of the exercise being questioned (a notebook re-run only to the
        submission's)."""
        began = time.perf_counter()
        exercise = self.exercise
        self._rerun_seconds = 0.0
        try:
            return self._request(payload, timeout)
        finally:
            spent = time.perf_counter() - began
            self._spent[exercise] = self._spent.get(exercise, 0.0) + spent - self._rerun_seconds
            self.timings["sandbox_wait"] = self.timings.get("sandbox_wait", 0.0) + spent
            self.timings["sandbox_requests"] = self.timings.get("sandbox_requests", 0) + 1

    def _request(self, payload: dict, timeout: float | None = None):
        limit = timeout or self.limits.timeout
        self._spend(self.exercise, limit)  # before a re-run: a spent budget costs no sandbox
        if self._proc is None or self._proc.proc is None or self._proc.proc.poll() is not None:
            began = time.perf_counter()
            total = max(self.limits.timeout * 3, 2 * self.timings.get("notebook", 0.0) + self.limits.timeout)
            run = self._run_notebook(self._within_budget(time.monotonic() + total), total, rerun=True)
            self._rerun_seconds = time.perf_counter() - began
            if run is not _Run.DONE:
                self._retire()
                if self._submission_left() <= 0:
                    raise self._stopped(None)
                raise StudentCrash("the notebook could not be run again after an earlier crash")
        deadline, by_budget, key = self._spend(self.exercise, limit)
        proc = self._proc
        proc.send(payload)
        try:
            reply = proc.receive(deadline)
        except SandboxError as exc:
            self._retire()
            if exc.kind == "timeout" and by_budget:
                raise self._stopped(key, ran=True, note=exc.note) from None
            if exc.kind == "timeout":
                raise StudentTimeout(f"took longer than {limit:g} s"
                                     + (f"; {exc.note}" if exc.note else "")) from None
            raise StudentCrash(_death_message(exc, self.limits)) from None
        try:
            if "error" in reply:
                raise StudentError(error_info(reply["error"]))
            if "ok" not in reply:
                raise _Malformed("neither a value nor an error")
        except _Malformed as exc:
            raise StudentCrash(f"sent the grader a reply of the wrong shape ({exc}); did something in it change "
                               "the sandbox's worker?") from None
        return reply["ok"]

    def has(self, names) -> dict:
        names = list(names)
        found = self.request({"op": "has", "names": names})
        if not isinstance(found, dict) or any(not isinstance(found.get(n), (str, type(None))) for n in names):
            raise StudentCrash("sent the grader a reply of the wrong shape (the kinds of the names asked for are "
                               "not a map of names to words); did something in it change the sandbox's worker?")
        return {n: found.get(n) for n in names}

    def where(self, names) -> dict:
        """Where the code bound to each name was written, as the sandbox says: (cell index, line) or None.  Only a
        hint for reading the source (a reply of the wrong shape reads as no hint at all)."""
        names = list(names)
        found = self.request({"op": "where", "names": names})
        out = {}
        for n in names:
            spot = found.get(n) if isinstance(found, dict) else None
            ok = isinstance(spot, list) and len(spot) == 2 and all(type(v) is int for v in spot)
            out[n] = tuple(spot) if ok else None
        return out

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


def error_info(value) -> dict:
    """An error reply's details, checked and cut to size: ``type``, ``message``, ``frames`` (lines of text) and
    ``lineno``.  :class:`_Malformed` says what is wrong with one that has the wrong shape."""
    if not isinstance(value, dict):
        raise _Malformed(f"its 'error' is {_kind(value)}, not an object")
    kind, message = value.get("type", "Error"), value.get("message", "")
    frames, lineno = value.get("frames", []), value.get("lineno")
    if not isinstance(kind, str) or not isinstance(message, str):
        raise _Malformed("the type or message of its 'error' is not text")
    if not isinstance(frames, list) or not all(isinstance(f, str) for f in frames):
        raise _Malformed(f"the 'frames' of its 'error' are {_kind(frames)}, not a list of text")
    if lineno is not None and type(lineno) is not int:
        raise _Malformed(f"the 'lineno' of its 'error' is {_kind(lineno)}, not a line number")
    return {"type": kind[:200] or "Error", "message": message[:MAX_ERROR_TEXT],
            "frames": [f[:500] for f in frames[-MAX_FRAMES:]], "lineno": lineno}


def _kind(value) -> str:
    names = {dict: "an object", list: "a list", tuple: "a tuple", str: "text", bool: "true or false",
             type(None): "nothing", int: "a number", float: "a number"}
    return names.get(type(value), "a value of another kind")


def _shown(value) -> str:
    text = repr(value) if isinstance(value, (str, int, float, bool, type(None))) else _kind(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _death_message(exc: SandboxError, limits: Limits) -> str:
    if exc.kind == "timeout":
        return f"ran longer than the {limits.timeout:g} s limit and was stopped" + (f"; {exc.note}" if exc.note else "")
    if exc.kind == "memory":
        return str(exc)  # which memory: the machine's or the GPU's
    if exc.kind == "protocol":
        return f"sent something the grader cannot accept: {exc}"
    return str(exc)
