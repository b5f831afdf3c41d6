"""Self-check inside the student's own notebook: ``from grader import check`` then ``check("q04")``.

``check()`` runs the *public* test files of the chosen exercises (``exercises/<id>/test_public.py``, the same
files ``grader check`` runs; hidden suites and the solutions folder are never involved) against the names the
student has defined in the running kernel, and shows the result inline: a score bar, one row per case with its
outcome as a symbol and a word, expected and actual values for failed public cases, and hints.

How it differs from grading
---------------------------
Grading runs student code once in a sandbox and questions it with plain data.  Here there is no sandbox and no
new process: :class:`LiveBackend` has the sandbox session's methods (``has``, ``get``, ``call``, ``put``,
``harness``) but reads the student's objects straight from the notebook's namespace (IPython's ``user_ns``, or
``__main__`` outside IPython).  Every argument and every answer still goes through the sandbox's plain-data
encoding (:mod:`grader.sandbox.inside.wire`, encode then decode), so values compare exactly as they do when graded: a
generator is refused as it would be, a tensor comes back as a fresh plain tensor, and the student's function
works on its own copy of the test's inputs.

This is a convenience, not a defence.  Student code runs in the same process as the tests, so it *can* patch
torch, the comparison helpers or this module and make its own self-check pass; that fools only the student,
because the grade comes from the hidden tests run against the sandboxed notebook.  The footer of every result
says so.

Each call into student code stops after ``timeout`` seconds (a timer signal, main thread on Unix), the random
generators' states are put back after the tests, and nothing is started: the runner's pytest session runs in
this process without loading pytest plugins from entry points (one such plugin cost seconds per check), and the
catalogue is kept between calls, so a small exercise takes tens of milliseconds after the first check.

Written answers live in markdown cells, which the kernel cannot see; they are checked (only for being there, as
``grader check`` does) when the notebook file is known: ``check(..., notebook="workbook.ipynb")``, or found
from what VS Code or Jupyter tell the kernel.  Otherwise their points are left out of the self-check's score
and the result says so.
"""
from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import time
import traceback
import types
from pathlib import Path

from grader.sandbox.inside import wire  # standard library only: importing it keeps `import grader` cheap

WRITTEN_NOTE = ("written answers ({points}) are not in this score: the kernel cannot see markdown cells; "
                "save the notebook and pass its file, check(..., notebook=\"workbook.ipynb\"), or run "
                "`grader check` on it")
NOT_FOUND = "no answer was found for this exercise"  # the end of the plugin's message for an undefined name
# pytest must not swap a kernel's standard streams at the descriptor level; the runner already sends Python-level
# output to a buffer.
PYTEST_ARGS = ("-s",)


class _TimedOut(BaseException):
    """Raised in the student's code by the time limit's alarm; a BaseException so ``except Exception`` in student
    code does not swallow it."""


# ------------------------------------------------------------------------------------------------ the backend

class LiveBackend:
    """The sandbox session's interface, served from a live namespace in this process.

    ``namespace`` is the student's globals (a dict).  Values crossing in either direction are passed through
    :func:`grader.sandbox.inside.wire.encode` and :func:`~grader.sandbox.inside.wire.decode`, so what a test receives is the
    same plain data a sandbox would have sent, and what student code receives is a copy the test does not share.
    """

    def __init__(self, namespace: dict, timeout: float | None = None):
        self.namespace = namespace
        self.timeout = timeout
        self.store: dict = {}  # data a test put for harness functions
        self.interrupted = False  # the student pressed stop while their code ran
        self._harnesses: dict[str, types.ModuleType] = {}

    # The sandbox session's methods -----------------------------------------------------------------------------
    def has(self, names) -> dict:
        return {name: _kind(self.namespace[name]) if name in self.namespace else None for name in names}

    def get(self, name: str):
        if name not in self.namespace:
            raise _student_error("NameError", f"name {name!r} is not defined")
        return self._answer(lambda: self.namespace[name], None)

    def put(self, key: str, value) -> None:
        self.store[key] = _copy(value)

    def call(self, name: str, *args, timeout: float | None = None, device: str | None = None, **kwargs):
        function = self.namespace.get(name)
        if function is None:
            raise _student_error("NameError", f"name {name!r} is not defined")
        args = wire.to_device(_copy(list(args)), device)
        kwargs = _copy(kwargs)
        return self._answer(lambda: function(*args, **kwargs), timeout)

    def harness(self, source: str, function: str, timeout: float | None = None, **params):
        helper = getattr(self._harness_module(source), function)
        params = _copy(params)
        return self._answer(lambda: helper(self.namespace, self.store, **params), timeout)

    # ------------------------------------------------------------------------------------------------ internals
    def _harness_module(self, source: str) -> types.ModuleType:
        module = self._harnesses.get(source)
        if module is None:
            module = types.ModuleType("harness")
            exec(compile(source, "<harness>", "exec"), module.__dict__)  # public helper code, not the student's
            self._harnesses[source] = module
        return module

    def _answer(self, compute, timeout: float | None):
        """Run student-facing work; its value as plain data, or a StudentError / StudentTimeout as the sandbox
        session would raise."""
        from grader.sandbox.host.session import StudentTimeout

        limit = timeout or self.timeout
        try:
            with _time_limit(limit):
                value = compute()
        except _TimedOut:
            raise StudentTimeout(f"took longer than {limit:g} s") from None
        except KeyboardInterrupt:
            self.interrupted = True
            raise
        except SystemExit as exc:
            raise _student_error("SystemExit", f"sys.exit({exc.code!r}) was called during the test") from None
        except BaseException as exc:  # noqa: BLE001 - every student failure becomes data, as in the sandbox
            raise _student_error_from(exc) from None
        return _reply(value)


def _kind(value) -> str:
    if isinstance(value, type):
        return "class"
    if callable(value):
        return "function"
    return type(value).__name__


def _copy(value):
    """*value* as the other side of the sandbox would receive it (raises WireError when it is not plain data)."""
    return wire.decode(wire.encode(value))


def _reply(value):
    """A student's value as the grader would receive it from a sandbox."""
    from grader.sandbox.host.process import REPLY_LIMITS

    try:
        return wire.decode(wire.encode(value), REPLY_LIMITS)
    except wire.WireError as exc:
        raise _student_error("NotPlainData", str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a hostile __len__ or __iter__ while encoding
        raise _student_error("NotPlainData", f"the value could not be read: {type(exc).__name__}") from None


def _student_error(kind: str, message: str):
    from grader.sandbox.host.session import StudentError

    return StudentError({"type": kind, "message": message, "frames": [], "lineno": None})


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    import sysconfig

    roots = {str(Path(__file__).resolve().parent)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            roots.add(str(Path(sysconfig.get_paths()[key]).resolve()))
    return tuple(sorted(roots))


def _frame_label(filename: str) -> str:
    if "ipykernel_" in filename or filename.startswith("<ipython-input"):
        return "notebook cell"
    return Path(filename).name if os.sep in filename else filename


def _student_error_from(exc: BaseException):
    """An exception from student code as the plain data a sandbox sends: type, message, the student's frames."""
    roots = _library_roots()
    frames = [f for f in traceback.extract_tb(exc.__traceback__)  # this module's, torch's, ... are left out
              if not os.path.realpath(f.filename).startswith(roots)]
    lines = [f"{_frame_label(f.filename)}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}"
             for f in frames[-6:]]
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable message>"
    from grader.sandbox.host.session import StudentError

    return StudentError({"type": type(exc).__name__, "message": message[:2000], "frames": lines,
                         "lineno": frames[-1].lineno if frames else None})


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the student's code after *seconds* (main thread on Unix only; elsewhere no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _TimedOut()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    earlier, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    began = time.monotonic()
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even when the alarm went off on the line above
            signal.signal(signal.SIGALRM, previous)
        if earlier:  # someone else's alarm was pending: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(earlier - (time.monotonic() - began), 0.001))


# ----------------------------------------------------------------------------------- static views of the source

class LiveSource:
    """What a test's ``submission.definition(name)`` sees: the ``def``/``class``/assignment the live object came
    from, read with :mod:`inspect` or from the kernel's history of executed cells (never by running anything)."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def definition(self, name: str):
        import ast
        import inspect
        import textwrap

        value = self.namespace.get(name)
        if inspect.isfunction(value) or inspect.isclass(value):
            with contextlib.suppress(OSError, TypeError, SyntaxError, ValueError):
                node = _defining(ast.parse(textwrap.dedent(inspect.getsource(value))), name)
                if node is not None:
                    return node
        for source in reversed(self._sources()):
            try:
                tree = ast.parse(source)
            except (SyntaxError, ValueError):
                continue
            node = _defining(tree, name)
            if node is not None:
                return node
        return None

    def _sources(self) -> list[str]:
        """Executed cells in order (IPython's ``In``), or the running script's text."""
        history = self.namespace.get("In")
        if isinstance(history, list) and all(isinstance(s, str) for s in history):
            return list(history)
        script = self.namespace.get("__file__")
        if isinstance(script, str) and os.path.isfile(script):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                return [Path(script).read_text(encoding="utf-8")]
        return []


def _defining(tree, name: str):
    """The last top-level statement of *tree* that binds *name*."""
    import ast

    found = None
    for node in tree.body:
        names: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        if name in names:
            found = node
    return found


# ------------------------------------------------------------------------------------------------ running

_CATALOGS: dict = {}  # exercises folder -> (stamp, catalogue), kept between checks in one kernel


def _namespace() -> tuple[dict, object | None]:
    """The student's globals and the IPython shell (None outside IPython)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None:
        return shell.user_ns, shell
    return sys.modules["__main__"].__dict__, None


def _exercises_dir(given) -> Path:
    from grader.config import load_settings

    if given is not None:
        return Path(given).expanduser().resolve()
    if os.environ.get("GRADER_EXERCISES"):
        return load_settings().exercises_dir
    here = Path.cwd() / "exercises"  # a student bundle: workbook.ipynb next to exercises/
    if here.is_dir() and any(here.glob("*/exercise.toml")):
        return here.resolve()
    return load_settings().exercises_dir


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
    from grader.judge import choice, rubric
    from grader.results import ExerciseResult, Outcome
    from grader.sandbox.host.session import StudentError

    for case in cases:
        if case.outcome is Outcome.TIMEOUT:
            case.message = case.message.replace("; the sandbox was stopped", "; it was interrupted")
        if case.outcome is Outcome.MISSING and case.message.endswith(NOT_FOUND) and not case.hint:
            case.hint = "Run the cell that defines it (and the cells before it), then check again."
    if ex.choice:
        try:
            value = backend.get(ex.choice["name"])
        except StudentError as exc:
            value = None if exc.type == "NameError" else exc
        if isinstance(value, StudentError):
            from grader.results import CaseResult

            cases = cases + [CaseResult(name=choice.NAME, outcome=Outcome.FAILED, score=0.0, max_score=1.0,
                                        message=f"{ex.choice['name']} could not be read: {value.describe()}",
                                        hint='Set it to plain letters, e.g. "b" or ["a", "c"].')]
        else:
            cases = cases + [choice.check_format(value, ex.choice)]
    cases = _scaled(cases, ex.points)
    runnable = ExerciseResult.summarise(cases)[0] if cases else Outcome.MISSING
    written = None
    if ex.written and answers is not None:
        written = _scaled([rubric.check_present(answers.get(ex.id))], ex.written_points)[0]
        cases.append(written)
    outcome, score, max_score = ExerciseResult.summarise(cases)
    if written is not None and score == 0 and written.outcome is Outcome.MISSING:
        outcome = runnable  # a missing explanation never hides what the code did
    return ExerciseResult(id=ex.id, title=ex.title, kind=ex.kind, outcome=outcome, score=round(score, 4),
                          max_score=round(max_score, 4), cases=cases, artifacts=artifacts)


def _scaled(cases, points: float):
    total = sum(c.max_score for c in cases)
    if total:
        for case in cases:
            case.score, case.max_score = case.score * points / total, case.max_score * points / total
    return cases


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


# ------------------------------------------------------------------------------------------------ the entry point

class CheckResult:
    """A self-check's result: shown inline in Jupyter (HTML, with a plain-text twin for front ends without HTML).

    ``score``, ``max_score``, ``percent``, ``passed`` and ``exercises`` read like the result document's;
    ``result`` is the full :class:`~grader.results.SubmissionResult`.
    """

    def __init__(self, result):
        self.result = result
        self._shown_in: tuple | None = None  # (shell id, execution count) of check()'s own display

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def max_score(self) -> float:
        return self.result.max_score

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, 1) if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        """Every chosen exercise passed its public checks (and nothing went wrong in the grader)."""
        from grader.results import Outcome

        return (bool(self.result.exercises) and not self.result.grader_errors
                and all(ex.outcome is Outcome.PASSED for ex in self.result.exercises))

    @property
    def exercises(self):
        return self.result.exercises

    def to_dict(self) -> dict:
        return self.result.to_dict()

    def text(self) -> str:
        from grader.report.notebook import render_text

        return render_text(self.result)

    def html(self) -> str:
        from grader.report.notebook import render_html

        return render_html(self.result)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()

    def _ipython_display_(self) -> None:
        """Publish both forms at once; skip the cell's trailing-expression echo after check() displayed it."""
        shell = _namespace()[1]
        here = (id(shell), getattr(shell, "execution_count", None))
        if self._shown_in == here and _from_displayhook():
            return
        from IPython.display import publish_display_data

        publish_display_data({"text/plain": self.text(), "text/html": self.html()})


def _from_displayhook() -> bool:
    """Whether IPython's displayhook (the cell's last expression being echoed) is what asks for the display."""
    hook = sys.modules.get("IPython.core.displayhook")
    if hook is None:
        return False
    code = hook.DisplayHook.__call__.__code__
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


def check(*ids: str, exercises=None, notebook=None, device: str | None = None, timeout: float | None = None,
          show: bool = True) -> CheckResult:
    """Run the public tests of the named exercises (all of them when none is named) against this notebook's
    definitions, show the feedback inline and return it.

    ``check("q04")``, ``check("q04", "q09")`` or ``check()``.  ``exercises`` is the exercises folder (default:
    ``$GRADER_EXERCISES``, else ``./exercises`` when there is one, else the grader's own); ``notebook`` is the
    saved notebook file, for the written answers; ``device`` defaults to the grader's setting (``auto``: CUDA
    when torch sees it); ``timeout`` caps each call into your code (seconds, default the grader's limit);
    ``show=False`` only returns the result.
    """
    from grader.config import load_settings, resolve_device

    settings = load_settings()
    namespace, shell = _namespace()
    result = CheckResult(run_check(ids, namespace=namespace, exercises_dir=exercises, notebook=notebook,
                                   device=resolve_device(device or settings.device),
                                   timeout=timeout or settings.limits.timeout))
    if show:
        if shell is not None:
            from IPython.display import display

            display(result)
            result._shown_in = (id(shell), getattr(shell, "execution_count", None))
        else:
            print(result.text())
    return result
