"""The one grading loop: a warm zygote, the batch's suites kept in one pytest session, then one submission after
another.  A pool worker process runs it fed through its pipe; a batch graded in-process runs it over a list.
"""
from __future__ import annotations

import os
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from grader.config import Settings


@dataclass(frozen=True)
class GradingJob:
    index: int
    path: str
    student: str


@dataclass
class GradedJob:
    task: GradingJob
    result: dict | None  # SubmissionResult.to_dict(), or None when the worker died holding the task
    code: str
    error: str = ""
    worker: int = 0


def grade_task(task: GradingJob, settings: Settings, exercise_ids, zygote, python, suites=None) -> GradedJob:
    """Grade one submission in this process; any failure of the grader's own becomes part of the reply."""
    from grader.grading.grade import grade, load

    try:
        sub = load(task.path, settings, exercise_ids, task.student)
        result = grade(task.path, settings, exercise_ids=exercise_ids, name=task.student, zygote=zygote,
                       python=python, suites=suites, loaded=sub)
        usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result.timings["grader_rss_mb"] = round(usage, 1)
        result.timings["grader_threads"] = _torch_threads()
        if zygote is not None:
            result.timings["zygote_rss_mb"] = round(zygote.rss_mb(), 1)
        code = "" if sub.load_error else sub.source[:400_000]  # for the dashboard's similarity check
        return GradedJob(task, result.to_dict(), code)
    except Exception as exc:  # noqa: BLE001 - the batch goes on; the coordinator records this
        return GradedJob(task, None, "", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)[-1000:]}")


def prepare(threads: int) -> None:
    """Ready this grading process for its first submission: its imports, and its share of the cores.

    Called while the worker's zygote boots, so the two ``import torch`` overlap.  The share matters because
    torch gives every process one thread per core for its own tensor work (the suites' checks), and idle
    OpenMP threads spin, so workers that each took every core would slow one another (see bench/bulk.py).
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


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def work(settings: Settings, exercise_ids, python, *, warm: bool, threads: int,
         next_task: Callable[[], GradingJob | None], deliver: Callable[[GradedJob], None],
         note: Callable[[str], None] = lambda _text: None, ready: Callable[[str], None] = lambda _why: None,
         number: int = 0) -> None:
    """Grade ``next_task()`` after ``next_task()`` (until None) and ``deliver`` each result.

    The zygote boots while the suites are collected; ``ready(why_cold)`` is called once both are done ("" when
    sandboxes will be forked warm).  *number* picks this worker's GPU where there are several."""
    if settings.device != "cpu":
        from grader.sandbox.host import gpu

        gpu.assign(number)  # before anything here starts CUDA; its sandboxes inherit the choice
    zygote, problem = launch_zygote(settings, python, warm)
    prepare(threads)

    def serve(suites) -> None:
        nonlocal zygote, problem
        zygote, problem = zygote_ready(zygote, problem)
        if problem:
            note(f"warm sandboxes unavailable, starting each one cold: {problem}")
        ready(zygote.why_not if zygote else "cold")
        while (task := next_task()) is not None:
            deliver(grade_task(task, settings, exercise_ids, zygote, python, suites))

    try:
        serve_kept(settings, exercise_ids, serve)
    finally:
        if zygote is not None:
            zygote.close()
