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
import time
from collections.abc import Callable
from multiprocessing.connection import wait

from grader.config import Settings
from grader.grading.worker import GradedJob, GradingJob, default_jobs, work


MAX_FAILED_STARTS = 3


class PoolError(RuntimeError):
    """Workers cannot even start: no submission can be graded this way."""


def _worker_main(conn, settings: Settings, exercise_ids, python, warm: bool, threads: int,
                 number: int = 0) -> None:
    """A worker process: the one grading loop, fed through its pipe."""
    def next_task():
        return conn.recv()

    try:
        work(settings, exercise_ids, python, warm=warm, threads=threads, number=number, next_task=next_task,
             deliver=lambda done: conn.send(("done", done)), note=lambda text: conn.send(("note", text)),
             ready=lambda why_cold: conn.send(("ready", why_cold)))
    except (EOFError, KeyboardInterrupt):
        pass
    # Nothing is left to flush (replies are sent whole); skipping the interpreter's teardown with torch loaded
    # saves the batch a quarter of a second at the end.
    conn.close()
    os._exit(0)


class _Worker:
    def __init__(self, number: int, ctx, settings, exercise_ids, python, warm, threads):
        self.number = number
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main,
                                   args=(child, settings, exercise_ids, python, warm, threads, number),
                                   name=f"grader-worker-{number}", daemon=True)
        self.process.start()
        child.close()
        self.task: GradingJob | None = None
        self.since = 0.0
        self.ready = False

    def give(self, task: GradingJob) -> None:
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


def run(tasks: list[GradingJob], settings: Settings, *, jobs: int, exercise_ids=None, python: str | None = None,
        warm: bool = True, backstop: float = 3600.0, on_done: Callable[[GradedJob], None],
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
                    on_done(GradedJob(w.task, None, "", why, w.number))
                workers[workers.index(w)] = _Worker(w.number, ctx, settings, exercise_ids, python, warm, threads)
        for w in workers:
            w.stop()
        for w in workers:
            w.process.join(15)
    finally:
        for w in workers:
            w.kill()


def _handle(w: _Worker, message, on_done, on_note, pending: list[GradingJob]) -> None:
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
