"""One self-check: the public suites of the chosen exercises against the live namespace, into a result."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from grader.selfcheck.backend import LiveBackend
from grader.selfcheck.source import LiveSource

WRITTEN_NOTE = ("written answers ({points}) are not in this score: the kernel cannot see markdown cells; "
                "save the notebook and pass its file, check(..., notebook=\"workbook.ipynb\"), or run "
                "`grader check` on it")
# pytest must not swap a kernel's standard streams at the descriptor level; the runner already sends Python-level
# output to a buffer.
PYTEST_ARGS = ("-s",)


_CATALOGS: dict = {}  # exercises folder -> (stamp, catalogue), kept between checks in one kernel


def _namespace() -> tuple[dict, object | None]:
    """The student's globals and the IPython shell (None outside IPython)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None:
        return shell.user_ns, shell
    return sys.modules["__main__"].__dict__, None


def _exercises_dir(given) -> Path:
    from grader.config import student_exercises

    return student_exercises(given)


def _catalog(folder: Path):
    from grader.catalog import load_catalog

    stamp = max((p.stat().st_mtime_ns for p in folder.glob("*/exercise.toml")), default=0)
    cached = _CATALOGS.get(folder)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_catalog(folder))
        _CATALOGS[folder] = cached
    return cached[1]


def notebook_file(namespace: dict, given=None) -> Path | None:
    """The notebook's saved file: given, or as VS Code (``__vsc_ipynb_file__``) or Jupyter (``__session__``,
    ``JPY_SESSION_NAME``) tell the kernel; None when unknown or not on disk."""
    candidates = [given] if given is not None else [
        namespace.get("__vsc_ipynb_file__"), namespace.get("__session__"), os.environ.get("JPY_SESSION_NAME")]
    for candidate in candidates:
        if not isinstance(candidate, (str, os.PathLike)) or not str(candidate).endswith((".ipynb", ".py")):
            continue
        path = Path(candidate).expanduser()
        # Jupyter may give the path from its root folder; the kernel starts in the notebook's own folder.
        for place in (path, Path.cwd() / path.name):
            if place.is_file():
                return place.resolve()
    if given is not None:
        raise FileNotFoundError(f"notebook {given} not found")
    return None


def run_check(ids, *, namespace: dict, exercises_dir=None, notebook=None, device: str = "cpu",
              timeout: float | None = None, name: str = "this notebook"):
    """Run the public tests of *ids* (all when empty) against *namespace*; a :class:`SubmissionResult`."""
    import datetime as dt

    from grader import __version__
    from grader.catalog import select
    from grader.judge.runner import run_suites, suite_files
    from grader.results import SubmissionResult

    began = time.perf_counter()
    exercises = select(_catalog(_exercises_dir(exercises_dir)), list(ids) or None)
    answers, unreadable = None, None
    path = notebook_file(namespace, notebook)
    if path is not None and path.suffix == ".ipynb" and any(ex.written for ex in exercises):
        from grader.intake import submission as submission_mod

        saved = submission_mod.load(path)
        answers, unreadable = (None, saved.load_error) if saved.load_error else (saved.answers, None)
    result = SubmissionResult(submission=name, path=str(path or ""), sha256="", score=0.0, max_score=0.0,
                              device=device, isolation="none: a self-check in the notebook's own process",
                              grader_version=__version__, mode="check",
                              created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    backend = LiveBackend(namespace, timeout=timeout)
    states = _random_states()
    try:
        plugin = run_suites(backend, LiveSource(namespace), suite_files(exercises, None), device, _data_loaders(),
                            extra_args=PYTEST_ARGS)
        if backend.interrupted:
            raise KeyboardInterrupt
        result.grader_errors.extend(plugin.grader_errors)
        for ex in exercises:
            result.exercises.append(_exercise_result(ex, plugin.cases.get(ex.id, []), plugin.artifacts.get(ex.id, {}),
                                                     backend, answers))
            if ex.public_tests.is_file() and ex.id not in plugin.cases and not plugin.grader_errors:
                result.grader_errors.append(f"{ex.id}: its public tests produced no cases")
    finally:
        _restore_random_states(states)
    unseen = sum(ex.written_points for ex in exercises if ex.written) if answers is None else 0
    if unreadable:
        result.notes.append(f"the saved notebook {path.name} could not be read for the written answers: {unreadable}")
    if unseen:
        result.notes.append(WRITTEN_NOTE.format(points=f"{unseen:g} point{'' if unseen == 1 else 's'}"))
    elif answers is not None:
        result.notes.append(f"written answers were read from the saved file {path.name}: save before checking")
    result.score = round(sum(e.score for e in result.exercises), 4)
    result.max_score = round(sum(e.max_score for e in result.exercises), 4)
    result.timings["total"] = round(time.perf_counter() - began, 3)
    return result


def _data_loaders() -> dict:
    """The labelled data public tests may ask for, loaded on first use (as ``grader.grading.grade.data_loaders``, without
    importing the grading pipeline)."""
    def sample():
        from grader.data import load_sample
        return load_sample()

    def full():
        from grader.data import load_full
        return load_full()

    return {"mnist_sample": sample, "mnist_full": full}


def _exercise_result(ex, cases, artifacts, backend: LiveBackend, answers: dict | None):
    from grader.judge import choice, rubric, scoring
    from grader.judge.backend import StudentError
    if ex.choice:
        try:
            value = backend.get(ex.choice["name"])
        except StudentError as exc:
            value = None if exc.type == "NameError" else exc
        if isinstance(value, StudentError):
            cases = cases + [choice.unreadable(ex.choice["name"], value.describe())]
        else:
            cases = cases + [choice.check_format(value, ex.choice)]
    written = rubric.check_present(answers.get(ex.id)) if ex.written and answers is not None else None
    return scoring.verdict(ex, cases, written, artifacts=artifacts)


def _random_states():
    """The random generators' states, so the tests' seeding does not change what the student's next cell draws."""
    import random

    states = {"random": random.getstate()}
    if "numpy" in sys.modules:
        states["numpy"] = sys.modules["numpy"].random.get_state()
    if "torch" in sys.modules:
        states["torch"] = sys.modules["torch"].random.get_rng_state()
    return states


def _restore_random_states(states: dict) -> None:
    import random

    random.setstate(states["random"])
    if "numpy" in states:
        sys.modules["numpy"].random.set_state(states["numpy"])
    if "torch" in states:
        sys.modules["torch"].random.set_rng_state(states["torch"])
