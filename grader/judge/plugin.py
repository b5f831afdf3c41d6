"""The pytest plugin that turns test outcomes into :class:`CaseResult` s.

Suites are ordinary pytest files.  They get these fixtures:

* ``submission``: the student's notebook, as plain-data requests (``call``, ``harness``, ``put``) plus static
  views of its source (``definition``).  Asking for it first checks that the exercise's graded names exist, so a
  missing answer is reported as ``missing`` rather than as a crash of the test.
* ``device``: ``"cpu"`` or ``"cuda"``, the device the suite should use (the sandbox uses it too).
* ``record``: pictures and figures for the report (``record.curve``, ``record.confusion``, ...).
* ``mnist_sample`` / ``mnist_full``: the data *with labels*, which exist only in this process.

The backend behind ``submission`` (``grader.judge.backend.Backend``) is a sandbox session when grading and the
student's own kernel in a self-check; how a stopped call and a missing answer are described comes from it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.catalog import Exercise
from grader.config import read_cached
from grader.data import DataError
from grader.judge.api import Failure
from grader.results import CaseResult, Outcome, Visibility
from grader.judge.backend import StudentCrash, StudentError, StudentTimeout


class NotDefined(Exception):
    """The exercise's graded names are not in the student's namespace."""


class SubmissionClient:
    """What a test sees of the student's work, for one exercise."""

    def __init__(self, backend, exercise: Exercise, submission, device: str):
        self._backend = backend
        self.exercise = exercise
        self.submission = submission
        self.device = device
        self._bound: dict = {}  # name -> where the sandbox says its code was written (asked once per name)

    def call(self, name: str, *args, timeout: float | None = None, **kwargs):
        return self._backend.call(name, *args, timeout=timeout, **kwargs)

    def put(self, key: str, value) -> None:
        self._backend.put(key, value)

    def harness(self, function: str, timeout: float | None = None, device: str | None = None, **params):
        """Run ``function`` from the exercise's public ``harness.py`` inside the sandbox (on *device*, or the
        grading device)."""
        source = read_cached(self.exercise.harness)
        return self._backend.harness(source, function, timeout=timeout, device=device or self.device, **params)

    def definition(self, name: str):
        return self.submission.definition(name)

    def definitions(self, name: str) -> list:
        """The definitions of *name* a check of how it is written must read: the one the sandbox says is bound
        (when the source has it there) and the last one written, if that is another.  A conditional or repeated
        definition cannot then show one body to the check and run another."""
        last = self.submission.definition(name)
        where = getattr(self._backend, "where", None)
        at = getattr(self.submission, "definition_at", None)
        bound = None
        if where is not None and at is not None:
            if name not in self._bound:
                try:
                    self._bound[name] = where([name]).get(name)
                except Exception:  # noqa: BLE001 - no hint: the source as written
                    self._bound[name] = None
            spot = self._bound[name]
            bound = at(spot[0], spot[1], name) if spot else None
        found = [n for n in (bound, last) if n is not None]
        if len(found) == 2 and found[0] is found[1]:
            found = found[:1]
        return found or [None]


class Recorder:
    """Collects plain-data artifacts per exercise for the report."""

    def __init__(self, store: dict):
        self._store = store

    def curve(self, title: str, series: dict[str, list[float]], x_label: str = "epoch", y_label: str = "",
              x: list[float] | None = None):
        """A line chart; *x* gives the horizontal positions (default 1, 2, 3... such as epochs)."""
        curve = {"title": title, "x_label": x_label, "y_label": y_label,
                 "series": {k: [float(v) for v in vals] for k, vals in series.items()}}
        if x is not None:
            curve["x"] = [float(v) for v in x]
        self._store.setdefault("curves", []).append(curve)

    def metric(self, name: str, value) -> None:
        self._store.setdefault("metrics", {})[name] = value

    def confusion(self, matrix, labels, title: str = "Confusion matrix") -> None:
        self._store["confusion"] = {"title": title, "labels": list(labels),
                                    "matrix": [[int(v) for v in row] for row in matrix]}

    def misclassified(self, items: list[dict], title: str = "Misclassified digits") -> None:
        self._store["misclassified"] = {"title": title, "items": items}


class GraderPlugin:
    """Runs inside ``pytest.main`` in the grading process; never touches student objects."""

    def __init__(self, backend, submission, exercises: dict[Path, tuple[Exercise, Visibility]], device: str,
                 data_loaders: dict | None = None, on_case=None):
        # Instance attributes must not share a name with a fixture: pytest would take them for fixtures.
        self.by_path = {p.resolve(): v for p, v in exercises.items()}
        self._by_item_path: dict[str, tuple[Exercise, Visibility]] = {}
        self._device = device
        self._data_loaders = data_loaders or {}
        self._data_cache: dict = {}  # kept for the whole session: a kept session loads the data once
        self.begin(backend, submission, on_case)

    def begin(self, backend, submission, on_case=None) -> None:
        """Point the fixtures at the next submission, with fresh containers for its cases (a kept session runs
        the same tests again for each submission; see ``runner.keep_suites``)."""
        self._backend = backend
        self._sub = submission
        self._on_case = on_case  # progress callback(exercise_id, case name)
        self.cases: dict[str, list[CaseResult]] = {}
        self.artifacts: dict[str, dict] = {}
        self._names_checked: dict[str, str | None] = {}
        self.grader_errors: list[str] = []

    # ---------------------------------------------------------------------------------------- fixtures
    def _exercise_of(self, item) -> tuple[Exercise, Visibility]:
        key = str(item.path)
        if key not in self._by_item_path:  # resolving a path costs a few system calls; tests ask many times
            self._by_item_path[key] = self.by_path[Path(key).resolve()]
        return self._by_item_path[key]

    @pytest.fixture
    def submission(self, request):
        exercise, _ = self._exercise_of(request.node)
        getattr(self._backend, "charge_to", lambda _id: None)(exercise.id)  # its requests spend its time budget
        problem = self._check_names(exercise)
        if problem:
            raise NotDefined(problem)
        return SubmissionClient(self._backend, exercise, self._sub, self._device)

    @pytest.fixture
    def device(self):
        return self._device

    @pytest.fixture
    def record(self, request):
        exercise, _ = self._exercise_of(request.node)
        return Recorder(self.artifacts.setdefault(exercise.id, {}))

    @pytest.fixture
    def mnist_sample(self):
        return self._data("mnist_sample")

    @pytest.fixture
    def mnist_full(self):
        return self._data("mnist_full")

    def _data(self, name: str):
        if name not in self._data_cache:
            self._data_cache[name] = self._data_loaders[name]()
        return self._data_cache[name]

    def _check_names(self, exercise: Exercise) -> str | None:
        if exercise.id not in self._names_checked:
            # One request for every exercise of the run: a round trip to the sandbox costs more than the answer.
            wanted = {ex.id: _graded_names(ex) for ex, _ in self.by_path.values()}
            everything = sorted({n for names in wanted.values() for n in names})
            found = self._backend.has(everything) if everything else {}
            for exercise_id, names in wanted.items():
                absent = [n for n in names if found.get(n) is None]
                self._names_checked[exercise_id] = (
                    f"{', '.join(absent)} {'is' if len(absent) == 1 else 'are'} not defined" if absent else None)
        return self._names_checked[exercise.id]

    # ---------------------------------------------------------------------------------------- hooks
    def pytest_configure(self, config):
        config.addinivalue_line("markers", "points(n): weight of the case within its exercise")
        config.addinivalue_line("markers", "gpu: needs CUDA")
        config.addinivalue_line("markers", "property_case: a side property, counted once the core cases pass")

    # No hook of ours may raise: pytest would stop the session half torn down, and a kept session (one per grading
    # worker) would carry that into the next submission's grade.  A failure is the grader's, recorded as such.
    def pytest_collection_modifyitems(self, items):
        for item in items:
            if item.get_closest_marker("gpu") and not str(self._device).startswith("cuda"):
                item.add_marker(pytest.mark.skip(reason="needs a CUDA GPU"))

    def pytest_runtest_setup(self, item):
        try:
            if self._on_case:
                exercise, _ = self._exercise_of(item)
                self._on_case(exercise.id, _case_name(item))
        except Exception as exc:  # noqa: BLE001 - progress is not worth a broken session
            self.grader_errors.append(f"{item.name}: progress report failed: {type(exc).__name__}: {exc}"[:500])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        try:
            self._report(item, call, outcome.get_result())
        except Exception as exc:  # noqa: BLE001
            self.grader_errors.append(f"{item.name}: the grader could not record this case: "
                                      f"{type(exc).__name__}: {exc}"[:500])

    def _report(self, item, call, report) -> None:
        if report.skipped or (report.when == "teardown" and report.passed):
            return
        if report.when == "setup" and report.passed:
            return
        exercise, visibility = self._exercise_of(item)
        marker = item.get_closest_marker("points")
        weight = float(marker.args[0]) if marker and marker.args else 1.0
        name = _case_name(item)
        case = self._case(name, weight, visibility, call.excinfo, report)
        case.kind = "property" if item.get_closest_marker("property_case") else "core"
        case.duration = round(call.duration, 4)
        cases = self.cases.setdefault(exercise.id, [])
        if report.when == "teardown" and cases and cases[-1].name == name:
            return  # a teardown error after a reported call adds nothing a student can act on
        cases.append(case)

    def _case(self, name: str, weight: float, visibility: Visibility, excinfo, report) -> CaseResult:
        case = CaseResult(name=name, outcome=Outcome.PASSED, score=weight, max_score=weight,
                          visibility=visibility)
        if report.passed:
            return case
        case.score = 0.0
        exc = excinfo.value if excinfo else None
        if isinstance(exc, NotDefined):
            case.outcome, case.message = Outcome.MISSING, f"{exc}: no answer was found for this exercise"
            case.hint = getattr(self._backend, "missing_hint", "")
        elif isinstance(exc, Failure):
            case.outcome, case.message, case.hint = Outcome.FAILED, exc.message, exc.hint
            case.expected, case.actual = exc.expected, exc.actual
        elif isinstance(exc, StudentError):
            if exc.type == "NotPlainData":
                case.outcome = Outcome.FAILED
                case.message = (f"your code returned something the grader cannot read: {exc.info.get('message')}")
                case.hint = ("Return plain values: numbers, strings, lists, tuples, dicts or tensors. A generator, "
                             "zip or map object is lazy: wrap it in list(...).")
            elif exc.type == "NotImplementedError":
                case.outcome = Outcome.MISSING
                case.message = "not attempted yet: the starter code still raises NotImplementedError"
            else:
                case.outcome = Outcome.ERROR
                case.message = f"your code raised {exc.describe()}"
        elif isinstance(exc, StudentTimeout):
            case.outcome, case.message = Outcome.TIMEOUT, f"your code {exc}; {self._backend.stopped}"
        elif isinstance(exc, StudentCrash):
            case.outcome, case.message = Outcome.ERROR, f"your code {exc}"
        elif isinstance(exc, AssertionError):
            case.outcome = Outcome.FAILED
            case.message = str(exc).split("\n")[0][:300] if visibility is Visibility.PUBLIC else name
        elif isinstance(exc, DataError):
            case.outcome = Outcome.ERROR
            case.message = ("this check needs data that is not on the grading machine, so it could not run (not "
                            "your fault); your instructor will fetch it and regrade")
            self.grader_errors.append(f"{name}: {exc}"[:500])
        else:
            # The suite itself broke: a grader problem, reported as such and never blamed on the student.
            case.outcome = Outcome.ERROR
            case.message = "the grader could not run this check (this is not your fault; tell your instructor)"
            self.grader_errors.append(f"{name}: {type(exc).__name__}: {exc}"[:500])
        return case


def _graded_names(exercise: Exercise) -> list[str]:
    """The names an exercise's code tests need; its choice variable is scored on its own, so a missing choice
    must not hide the code answers."""
    return [n for n in exercise.answer_names if not exercise.choice or n != exercise.choice["name"]]


def _case_name(item) -> str:
    """A case is named by its test's docstring (first line), else by the test function's name."""
    doc = (item.function.__doc__ or "").strip().splitlines()
    return doc[0] if doc else item.name.removeprefix("test_").replace("_", " ")
