"""Grade one submission: load it, run it in a sandbox, question it with the suites, build the result.

This is the only place that knows the order of a grading pass; each step is its own module.  It never raises
for anything a student did: unreadable files, crashing cells and hostile code all end up *in* the result.
Problems of the grader's own are caught too and recorded as ``grader_errors``.
"""
from __future__ import annotations

import datetime as dt
import time
import traceback
from pathlib import Path

from grader import __version__
from grader.catalog import Exercise, load_catalog, select
from grader.config import Settings, read_cached, resolve_device
from grader.grading import missing_imports
from grader.intake import submission as submission_mod
from grader.judge import choice, rubric, scoring, tampering
from grader.judge.backend import StudentCrash, StudentError, StudentTimeout
from grader.judge.runner import run_suites, suite_files
from grader.results import LOAD_ERROR_CASE, CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility
from grader.sandbox.host import isolation
from grader.sandbox.host.session import CellStatus, Session


def data_loaders() -> dict:
    """Labelled data, loaded lazily and only in this process; a suite asks through a fixture."""
    def sample():
        from grader.data import load_sample
        return load_sample()

    def full():
        from grader.data import load_full
        return load_full()

    return {"mnist_sample": sample, "mnist_full": full}


def suite_plan(settings: Settings, exercises: list[Exercise], mode: str = "grade"):
    """The suite files a grading pass runs, and why hidden ones are left out (None when they are not)."""
    if mode != "grade":
        return suite_files(exercises, None), None
    if not settings.solutions_dir.is_dir():
        return (suite_files(exercises, None),
                f"solutions folder {settings.solutions_dir} not found: only public tests ran")
    return suite_files(exercises, settings.solutions_dir), None


def load(path: str | Path, settings: Settings, exercise_ids: list[str] | None = None,
         name: str | None = None) -> submission_mod.Submission:
    """The submission at *path*, its cells mapped to the chosen exercises (what :func:`grade` grades)."""
    exercises = select(load_catalog(settings.exercises_dir), exercise_ids)
    return submission_mod.load(path, {ex.id: list(ex.answer_names) for ex in exercises}, name=name)


def grade(path: str | Path, settings: Settings, *, mode: str = "grade", exercise_ids: list[str] | None = None,
          name: str | None = None, python: str | None = None, on_case=None, zygote=None,
          suites=None, loaded: submission_mod.Submission | None = None) -> SubmissionResult:
    """Grade *path*.  ``mode="check"`` runs only the public tests (what a student can run themselves).

    With a ``zygote`` (see ``grader.sandbox.host.warm``) the sandbox is forked warm instead of started cold.  With
    ``suites`` (a ``runner.KeptSuites`` of the same files) the tests run in that kept pytest session instead of
    a session of their own.  ``loaded`` is the submission already read by :func:`load` with the same arguments.
    """
    began = time.perf_counter()
    catalog = load_catalog(settings.exercises_dir)
    exercises = select(catalog, exercise_ids)
    known = {ex.id for ex in catalog}
    device = resolve_device(settings.device)
    sub = loaded or load(path, settings, exercise_ids, name)
    iso = isolation.detect()
    result = SubmissionResult(submission=sub.name, path=str(path), sha256=sub.sha256, score=0.0, max_score=0.0,
                              notes=list(sub.notes), isolation=iso.describe(),
                              device=f"{device} ({settings.device_note})" if settings.device_note else device,
                              grader_version=__version__, mode=mode,
                              created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    if sub.load_error:
        result.exercises = [_unreadable(ex, sub.load_error) for ex in exercises]
        return _finish(result, began)
    for cell in sub.cells:
        if cell.exercise is not None and cell.exercise not in known:
            result.notes.append(f"cell {cell.index} is marked as exercise {cell.exercise!r}, which this assignment "
                                "does not have: the cell was run with the rest of the notebook")
    files, problem = suite_plan(settings, exercises, mode)
    solutions = settings.solutions_dir if mode == "grade" and not problem else None
    if problem:
        result.grader_errors.append(problem)
    session = Session(sub, settings.limits, device, settings.max_restarts, python, zygote=zygote,
                      harnesses=_harnesses(exercises))
    plugin = None
    choices: dict = {}
    try:
        session.start()
        tests_began = time.perf_counter()
        if suites is not None and suites.files == files and not getattr(suites, "broken", ""):
            plugin = suites.run(session, sub, on_case)
        else:
            plugin = run_suites(session, sub, files, device, data_loaders(), on_case)
        choices = {ex.id: _read_choice(ex, session) for ex in exercises if ex.choice}
        result.timings["tests"] = round(time.perf_counter() - tests_began, 3)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure must not lose the batch
        result.grader_errors.append(f"grading stopped: {type(exc).__name__}: {exc}")
        result.grader_errors.append(traceback.format_exc(limit=4)[-1500:])
    finally:
        session.close()
    result.timings.update({k: round(v, 3) for k, v in session.timings.items()})
    result.timings["peak_rss_mb"] = round(session.peak_rss_mb, 1)
    if device != "cpu":
        result.timings["peak_gpu_mb"] = round(session.peak_gpu_mb, 1)
    result.timings["sandbox_restarts"] = session.restarts
    result.timings["warm_start"] = int(session.warm)
    if zygote is not None and not session.warm and session.timings.get("sandbox_start") is not None:
        why = zygote.why_not or zygote.last_failure or "the zygote could not fork"
        result.notes.append(f"the sandbox was started cold (slower, equally walled off): {why}")
    result.output = session.output[-20000:]
    result.incidents = _incidents(session)
    if plugin is not None:
        result.grader_errors.extend(plugin.grader_errors)
    cases = plugin.cases if plugin else {}
    artifacts = plugin.artifacts if plugin else {}
    reaches = tampering.scan(sub.cells)
    for ex in exercises:
        try:
            result.exercises.append(_exercise_result(ex, cases.get(ex.id, []), artifacts.get(ex.id, {}), session,
                                                     sub, solutions, choices.get(ex.id), reaches))
        except (OSError, ValueError) as exc:  # a missing or malformed key or rubric: the grader's problem
            result.grader_errors.append(f"{ex.id}: {type(exc).__name__}: {exc}")
            result.exercises.append(ExerciseResult(id=ex.id, title=ex.title, kind=ex.kind, outcome=Outcome.ERROR,
                                                   score=0.0, max_score=ex.total_points))
        if ex.id not in cases and any(f[0].id == ex.id for f in files.values()) and not result.grader_errors:
            result.grader_errors.append(f"{ex.id}: its suite produced no cases")
    for report in session.cells.values():  # a cell no exercise reports on: its failure is said here, not lost
        if report.exercise not in known and report.status is not CellStatus.OK:
            result.notes.append(_cell_line(report))
    missing_imports.trace(result, list(session.cells.values()))
    return _finish(result, began)


def _harnesses(exercises: list[Exercise]) -> list[str]:
    """The harness sources the suites of *exercises* will call, read as their requests will send them."""
    return [read_cached(ex.harness) for ex in exercises if ex.harness.is_file()]


def _exercise_result(ex: Exercise, cases: list[CaseResult], artifacts: dict, session: Session, sub,
                     solutions: Path | None, chosen, reaches: list | None = None) -> ExerciseResult:
    runnable = cases + ([_choice_case(ex, chosen, solutions)] if ex.choice else [])
    worst = _worst_cell(session, ex.id)
    if worst:
        scoring.blame_failed_cell(runnable, Outcome.TIMEOUT if worst.status is CellStatus.TIMEOUT else Outcome.ERROR,
                                  _cell_line(worst))
    written = _written_case(ex, sub.answers, solutions) if ex.written else None
    feedback = [_cell_line(r) for r in sorted(session.cells.values(), key=lambda r: r.index)
                if r.exercise == ex.id and r.status is not CellStatus.OK]
    stopped = session.budget_stops.get(ex.id)
    if stopped:
        feedback.append(f"the checks were stopped when your code had used up {stopped}; the calls into your code "
                        "after that were not made (is something in it much slower than it needs to be?)")
    # A cell of this exercise, or one of no exercise (it runs before every answer), that reaches for the machinery.
    mine = [f for f in reaches or () if f.exercise in (ex.id, None)]
    result = scoring.verdict(ex, runnable, written, feedback=feedback, artifacts=artifacts,
                             tampering=[f.describe() for f in mine], held=any(f.machinery for f in mine))
    if stopped:
        result.outcome = Outcome.TIMEOUT  # whatever passed before keeps its points; the exercise is a timeout
    return result


def _read_choice(ex: Exercise, session: Session):
    """The student's choice variable as plain data, or a ready CaseResult saying why it could not be read."""
    name = ex.choice["name"]
    session.charge_to(ex.id)
    try:
        return session.get(name)
    except StudentError as exc:
        if exc.type == "NameError":
            return None
        return choice.unreadable(name, exc.describe())
    except (StudentTimeout, StudentCrash) as exc:
        return CaseResult(name=choice.NAME, outcome=Outcome.ERROR, score=0.0, max_score=1.0,
                          message=f"{name} could not be read: {exc}")


def _choice_case(ex: Exercise, value, solutions: Path | None) -> CaseResult:
    """The choice scored against the hidden key, or only checked for form in a self-check."""
    if isinstance(value, CaseResult):
        return value
    if solutions is None:
        return choice.check_format(value, ex.choice)
    return choice.score(value, ex.choice, choice.load_key(solutions / ex.id / "key.toml"))


def _written_case(ex: Exercise, answers: dict[str, str], solutions: Path | None) -> CaseResult:
    """``answers`` are all of the submission's written answers: one text pasted into many cells shows only so."""
    text = answers.get(ex.id)
    if solutions is None:
        return rubric.check_present(text)
    prompt = ex.written["prompt"] + "\n" + (ex.folder / "prompt.md").read_text(encoding="utf-8")
    case = rubric.score(text, rubric.load_rubric(solutions / ex.id / "rubric.toml"), prompt, answers, ex.id)
    if text:
        case.details["answer"] = text  # what the student wrote, for the instructor's review (grader/review/desk)
    return case


def _worst_cell(session: Session, exercise_id: str):
    failed = [r for r in session.cells.values() if r.exercise == exercise_id and r.status is not CellStatus.OK]
    return failed[-1] if failed else None


def _cell_line(report) -> str:
    where = f"cell {report.index}"
    if report.status is CellStatus.ERROR and report.error:
        err = report.error
        at = f", line {err['lineno']}" if err.get("lineno") else ""
        return f"{where}{at} raised {err.get('type')}: {err.get('message', '')}".strip()
    if report.status is CellStatus.SKIPPED:
        return f"{where} was skipped after it stopped the sandbox"
    return f"{where} {report.message}"


INCIDENT_KINDS = (CellStatus.TIMEOUT, CellStatus.MEMORY, CellStatus.DIED, CellStatus.PROTOCOL, CellStatus.NOT_RUN)


def _incidents(session: Session) -> list[dict]:
    """What the sandbox did that a class dashboard flags: cells that hung, blew a limit or ended the process."""
    found = [{"kind": r.status.value, "cell": r.index, "exercise": r.exercise, "message": _cell_line(r)}
             for r in sorted(session.cells.values(), key=lambda r: r.index) if r.status in INCIDENT_KINDS]
    if session.output_dropped:
        found.append({"kind": "output", "cell": None, "exercise": None,
                      "message": f"printed {session.output_dropped} bytes more than the output limit"})
    return found


def _unreadable(ex: Exercise, why: str) -> ExerciseResult:
    case = CaseResult(name=LOAD_ERROR_CASE, outcome=Outcome.ERROR, score=0.0, max_score=ex.total_points,
                      visibility=Visibility.PUBLIC, message=why,
                      hint="Open the file in Jupyter, check it runs, save it, and submit that file.")
    return ExerciseResult(id=ex.id, title=ex.title, kind=ex.kind, outcome=Outcome.ERROR, score=0.0,
                          max_score=ex.total_points, cases=[case])


def _finish(result: SubmissionResult, began: float) -> SubmissionResult:
    result.score = round(sum(e.score for e in result.exercises), 4)
    result.max_score = round(sum(e.max_score for e in result.exercises), 4)
    result.timings["total"] = round(time.perf_counter() - began, 3)
    return result
