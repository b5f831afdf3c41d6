"""Grading workers: N processes, each with its own warm zygote, fed one submission at a time.

Why processes: the hidden suites run in the grading process (pytest, the judge's own torch), so threads would
share one interpreter lock; a process per worker uses every core.  Why one submission at a time through a
private pipe: the coordinator always knows which submission each worker holds, so a worker that dies (or
hangs past a generous backstop) costs exactly that submission, which is recorded as the grader's own error, and
a fresh worker takes its place.  Workers never write results; the coordinator does, so the gradebook has one
writer.

Workers are started with ``spawn``: a clean interpreter that inherits nothing from the coordinator but the
settings it is handed.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait

from grader.config import Settings


MAX_FAILED_STARTS = 3


class PoolError(RuntimeError):
    """Workers cannot even start: no submission can be graded this way."""


@dataclass(frozen=True)
class Task:
    index: int
    path: str
    student: str


@dataclass
class Done:
    task: Task
    result: dict | None  # SubmissionResult.to_dict(), or None when the worker died holding the task
    code: str
    error: str = ""
    worker: int = 0


def _read_code(path: str, exercise_ids) -> str:
    """The student's code as one text, for similarity checks on the dashboard."""
    from grader.intake import submission as submission_mod

    sub = submission_mod.load(path, {})
    if sub.load_error:
        return ""
    return "\n\n".join(cell.source for cell in sub.cells)[:400_000]


def grade_task(task: Task, settings: Settings, exercise_ids, zygote, python, suites=None) -> Done:
    """Grade one submission in this process; any failure of the grader's own becomes part of the reply."""
    from grader.grading.grade import grade

    try:
        result = grade(task.path, settings, exercise_ids=exercise_ids, name=task.student, zygote=zygote,
                       python=python, suites=suites)
        usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result.timings["grader_rss_mb"] = round(usage, 1)
        result.timings["grader_threads"] = _torch_threads()
        if zygote is not None:
            result.timings["zygote_rss_mb"] = round(zygote.rss_mb(), 1)
        return Done(task, result.to_dict(), _read_code(task.path, exercise_ids))
    except Exception as exc:  # noqa: BLE001 - the batch goes on; the coordinator records this
        return Done(task, None, "", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)[-1000:]}")


def prepare(threads: int) -> None:
    """Ready this grading process for its first submission: its imports, and its share of the cores.

    Called while the worker's zygote boots, so the two ``import torch`` overlap.  The share matters because
    torch gives every process one thread per core for its own tensor work (the suites' checks), and idle
    OpenMP threads spin: two workers on two cores, each with two threads, took a third longer over the same
    batch (bench/bulk.py) than with one thread each.
    """
    import torch

    torch.set_num_threads(max(1, threads))
    import pytest  # noqa: F401 - what every suite's first session would otherwise import on the clock
    import grader.grading.grade  # noqa: F401
    import grader.judge.api  # noqa: F401


def serve_kept(settings: Settings, exercise_ids, serve) -> None:
    """Call ``serve(suites)`` inside one pytest session holding this batch's suites (None if they cannot be
    kept); each submission then skips pytest's start and collection."""
    from grader.catalog import load_catalog, select
    from grader.config import resolve_device
    from grader.grading.grade import data_loaders, suite_plan
    from grader.judge.runner import keep_suites

    exercises = select(load_catalog(settings.exercises_dir), exercise_ids)
    files, _ = suite_plan(settings, exercises)
    keep_suites(files, resolve_device(settings.device), data_loaders(), serve)


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def _worker_main(conn, settings: Settings, exercise_ids, python, warm: bool, threads: int,
                 number: int = 0) -> None:
    if settings.device != "cpu":
        from grader.sandbox.host import gpu

        gpu.assign(number)  # before anything here starts CUDA; its sandboxes inherit the choice
    zygote, problem = launch_zygote(settings, python, warm)
    prepare(threads)

    def serve(suites) -> None:
        # The suites were collected while the zygote booted; now it must be ready.
        nonlocal zygote, problem
        zygote, problem = zygote_ready(zygote, problem)
        if problem:
            conn.send(("note", f"warm sandboxes unavailable, starting each one cold: {problem}"))
        conn.send(("ready", zygote.why_not if zygote else "cold"))
        while True:
            task = conn.recv()
            if task is None:
                break
            conn.send(("done", grade_task(task, settings, exercise_ids, zygote, python, suites)))

    try:
        serve_kept(settings, exercise_ids, serve)
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        if zygote is not None:
            zygote.close()
    # Nothing is left to flush (replies are sent whole); skipping the interpreter's teardown with torch loaded
    # saves the batch a quarter of a second at the end.
    conn.close()
    os._exit(0)


def launch_zygote(settings: Settings, python, warm: bool):
    """Start this process's zygote booting, without waiting for it: (zygote or None, why not)."""
    from grader.config import resolve_device
    from grader.sandbox.host.warm import Zygote

    if not warm:
        return None, ""
    try:
        return Zygote(settings.limits, resolve_device(settings.device), python).launch(), ""
    except Exception as exc:  # noqa: BLE001 - cold sandboxes still grade correctly, only slower
        return None, str(exc)


def zygote_ready(zygote, problem: str):
    """Wait for a launched zygote: (zygote, "") when it is ready, (None, why) when it failed and was closed."""
    if zygote is None:
        return None, problem
    try:
        zygote.wait_ready()
        return zygote, problem
    except Exception as exc:  # noqa: BLE001
        zygote.close()
        return None, str(exc)


class _Worker:
    def __init__(self, number: int, ctx, settings, exercise_ids, python, warm, threads):
        self.number = number
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main,
                                   args=(child, settings, exercise_ids, python, warm, threads, number),
                                   name=f"grader-worker-{number}", daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.since = 0.0
        self.ready = False

    def give(self, task: Task) -> None:
        self.task, self.since = task, time.monotonic()
        self.conn.send(task)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


def run(tasks: list[Task], settings: Settings, *, jobs: int, exercise_ids=None, python: str | None = None,
        warm: bool = True, backstop: float = 3600.0, on_done: Callable[[Done], None],
        on_note: Callable[[str], None] | None = None) -> None:
    """Grade *tasks* on *jobs* worker processes, calling ``on_done`` (in this process) as each finishes."""
    if not tasks:
        return
    ctx = mp.get_context("spawn")
    pending = list(reversed(tasks))
    failed_starts = 0
    count = min(jobs, len(tasks))
    threads = max(1, default_jobs() // count)
    workers = [_Worker(n, ctx, settings, exercise_ids, python, warm, threads) for n in range(count)]
    try:
        while pending or any(w.task for w in workers):
            for w in workers:
                if w.ready and w.task is None and pending:
                    w.give(pending.pop())
            ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers], timeout=1.0)
            for w in list(workers):
                message = None
                if w.conn in ready:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        message = None
                if message is not None:
                    _handle(w, message, on_done, on_note, pending)
                    continue
                overdue = w.task is not None and time.monotonic() - w.since > backstop
                if w.process.is_alive() and not overdue:
                    continue
                why = (f"the grading worker took longer than {backstop:.0f} s and was stopped" if overdue
                       else f"the grading worker died (exit code {w.process.exitcode})")
                w.kill()
                if not w.ready:
                    failed_starts += 1
                    if failed_starts >= MAX_FAILED_STARTS:
                        raise PoolError(f"grading workers could not start ({why}); a script that calls the "
                                        "grader must guard its entry point with if __name__ == '__main__':")
                if w.task is not None:
                    on_done(Done(w.task, None, "", why, w.number))
                workers[workers.index(w)] = _Worker(w.number, ctx, settings, exercise_ids, python, warm, threads)
        for w in workers:
            w.stop()
        for w in workers:
            w.process.join(15)
    finally:
        for w in workers:
            w.kill()


def _handle(w: _Worker, message, on_done, on_note, pending: list[Task]) -> None:
    kind, payload = message
    if kind == "ready":
        w.ready = True
        if payload and payload != "cold" and on_note:
            on_note(f"worker {w.number}: warm sandboxes given up, starting cold: {payload}")
    elif kind == "note" and on_note:
        on_note(f"worker {w.number}: {payload}")
    elif kind == "done":
        payload.worker = w.number
        w.task = None
        if pending:  # the worker grades its next submission while this one is recorded and rendered
            w.give(pending.pop())
        on_done(payload)


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
