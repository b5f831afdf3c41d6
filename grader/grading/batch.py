"""Grade a whole class into an output folder, keeping every result the moment it exists.

The steps of a batch, each its own module: collect the inputs into one submission per student
(``collect``), skip those whose grade is current in the gradebook (``store``), grade the rest on worker
processes with warm sandboxes (``pool``), and, as each result arrives, write ``DIR/students/<student>/result.json``
and ``report.html`` atomically and record it in ``DIR/gradebook.db`` in one transaction.  A student's key is kept
in the gradebook for where the submission came from, so it is the same on every run; a result that cannot be
written or recorded costs that submission alone.  The exports
(``gradebook.csv``, Canvas CSV, JUnit XML, Gradescope files, the class dashboard) are rebuilt from the gradebook
(``exports``).  One submission's failure, of any kind, becomes that submission's result and the batch goes on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader import __version__
from grader.grading import pool, worker
from grader.catalog import load_catalog, select
from grader.intake.collect import Entry, collect, safe_key
from grader.config import REPO_ROOT, Settings
from grader.review.decisions import Decisions
from grader.report import render_html, write_result
from grader.report.exports import student_folder, write_exports
from grader.fileio import atomic_write_text
from grader.results import SubmissionResult
from grader.grading.store import Gradebook, Student

GRADEBOOK = "gradebook.db"


@dataclass
class RecordedGrade:
    result: SubmissionResult
    folder: Path
    student: Student | None = None

    @property
    def report(self) -> Path:
        return self.folder / "report.html"


@dataclass
class Batch:
    """What one run did: graded now, skipped as current, problems with the inputs."""

    out_dir: Path
    graded: list[RecordedGrade] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def gradebook(self) -> Path:
        return self.out_dir / GRADEBOOK


def safe_name(stem: str, taken: set[str]) -> str:
    """A folder name that is valid everywhere and unique within the batch."""
    base = safe_key(stem) or "submission"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name.lower())
    return name


def grading_key(settings: Settings, exercise_ids: list[str], python: str | None = None) -> str:
    """What a grade depends on besides the submission: suites, keys, rubrics, the grader itself, the limits, and
    the interpreter student code runs on when it is not the grader's own.

    A change to any of them makes every recorded grade stale, so a re-run regrades; nothing else does.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps({"version": __version__, "ids": sorted(exercise_ids), "device": settings.device,
                              "limits": asdict(settings.limits), "restarts": settings.max_restarts,
                              **({"python": os.path.abspath(python)} if python else {})},
                             sort_keys=True).encode())
    roots = [settings.exercises_dir / i for i in exercise_ids] + [settings.solutions_dir / i for i in exercise_ids]
    roots.append(REPO_ROOT / "grader" if (REPO_ROOT / "grader").is_dir() else Path(__file__).parent)
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".db"):
                digest.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _file_hash(path: Path) -> str:
    """SHA-256 of the file, read in chunks: a 200 MB notebook (refused by the loader) costs no 200 MB here."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def grade_many(inputs: Iterable[Path | Entry], out_dir: Path, settings: Settings, *, exercise_ids=None,
               jobs: int | None = None, force: bool = False, overrides: dict | None = None,
               python: str | None = None, warm: bool = True, scheduler: str | None = None, late=None,
               on_plan: Callable[[int, int, int], None] | None = None,
               on_done: Callable[[RecordedGrade, int, int], None] | None = None,
               on_note: Callable[[str], None] | None = None) -> Batch:
    """Grade *inputs* (files, folders, LMS zips, or ready entries) into *out_dir*.

    ``jobs=None`` grades in this process (one warm sandbox at a time); ``jobs=N`` on N worker processes;
    ``scheduler="tcp://host:8786"`` on the workers of that Dask cluster.
    ``on_plan(total, to_grade, skipped)`` is called once, ``on_done(graded, n, to_grade)`` after each result.
    *overrides* (an ``--overrides`` CSV) are imported into the gradebook's decisions and *late*
    (:class:`grader.review.late.Inputs`: the policy, extensions and submission times) recorded there; both are
    applied on top of each grade as it is written, so neither makes anyone's grade stale.
    """
    began = time.perf_counter()
    if settings.device == "auto":  # settled once, as the CLI does, so that the grading key names a real device
        from grader.course.preflight import choose_device

        settings, note = choose_device(settings, python)
        if note and on_note:
            on_note(note)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = select(load_catalog(settings.exercises_dir), exercise_ids)
    ids, points = [ex.id for ex in chosen], sum(ex.total_points for ex in chosen)
    batch = Batch(out_dir)
    work = Path(tempfile.mkdtemp(prefix=".inputs-", dir=out_dir))
    try:
        with Gradebook(out_dir / GRADEBOOK) as book:
            entries = _entries(list(inputs), work, batch, book.keys())
            book.remember_keys((entry.identity, entry.student) for entry in entries)
            base = grading_key(settings, ids, python)
            store = Decisions(book)
            if overrides:
                batch.problems.extend(store.import_overrides(overrides).problems)
            todo: list[tuple[Entry, str, str]] = []
            for entry in entries:
                sha, key = _file_hash(entry.path), base
                if not force and sha and book.is_current(entry.student, sha, key):
                    batch.skipped.append(entry.student)
                else:
                    todo.append((entry, sha, key))
            run_id = book.start_run(__version__, base, jobs or 0, len(entries), batch.problems)
            if on_plan:
                on_plan(len(entries), len(todo), len(batch.skipped))
            by_index = {n: item for n, item in enumerate(todo)}

            def record(done: pool.GradedJob) -> None:
                entry, sha, key = by_index[done.task.index]
                computed = _result_of(done, entry, points)
                result = store.final_of(entry.student, computed)  # with the instructor's decisions, late penalty
                folder, sha = student_folder(out_dir, entry.student), sha or result.sha256
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    write_result(result, folder / "result.json")
                    atomic_write_text(folder / "report.html", render_html(result))
                except Exception as exc:  # noqa: BLE001 - a write that fails costs this submission, not the batch
                    unwritten = f"its report could not be written to {folder}: {type(exc).__name__}: {exc}"[:500]
                    for each in {id(computed): computed, id(result): result}.values():
                        each.grader_errors.append(unwritten)
                    sha = ""  # recorded, flagged, and not current: the next run grades it and writes it again
                student = Student(entry.student, entry.name, entry.lms_id, entry.source, entry.late)
                try:
                    book.record(student, computed, sha256=sha, grading_key=key, code=done.code, run_id=run_id)
                except Exception as exc:  # noqa: BLE001 - not current, so the next run grades it again
                    batch.problems.append(f"{entry.source}: its result could not be recorded in {GRADEBOOK} "
                                          f"({type(exc).__name__}: {exc}); the next run grades it again")
                graded = RecordedGrade(result, folder, student)
                batch.graded.append(graded)
                if on_done:
                    on_done(graded, len(batch.graded), len(todo))

            tasks = [pool.GradingJob(n, str(entry.path), entry.student) for n, (entry, _, _) in by_index.items()]
            try:
                if scheduler:  # a Dask cluster (see grading/cluster.py); results are recorded here all the same
                    from grader.grading import cluster

                    cluster.run(tasks, settings, scheduler=scheduler, exercise_ids=ids, python=python, warm=warm,
                                on_done=record, on_note=on_note)
                elif jobs is None:
                    _run_here(tasks, settings, ids, python, warm, record)
                else:
                    pool.run(tasks, settings, jobs=jobs, exercise_ids=ids, python=python, warm=warm,
                             backstop=_backstop(settings, ids), on_done=record, on_note=on_note)
            finally:  # stopped with Ctrl-C too: what was recorded is exported
                book.finish_run(run_id, len(batch.graded), len(batch.skipped))
                if late is not None:  # after grading: the times name students the gradebook now knows
                    batch.problems.extend(store.record_late(late))
                try:
                    write_exports(book, out_dir, settings)
                except Exception as exc:  # noqa: BLE001 - every result is recorded; `grader export` rebuilds them
                    batch.problems.append(f"{out_dir}: the exports could not be written ({type(exc).__name__}: "
                                          f"{exc}); every result is in {GRADEBOOK}: run grader export {out_dir}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    batch.seconds = time.perf_counter() - began
    return batch


def _entries(inputs: list, work: Path, batch: Batch, known: dict[str, str] | None = None) -> list[Entry]:
    ready = [i for i in inputs if isinstance(i, Entry)]
    paths = [Path(i) for i in inputs if not isinstance(i, Entry)]
    if not paths:
        return ready
    collected = collect(paths, work, known=known)
    batch.problems.extend(f"{p.source}: {p.message}" for p in collected.problems)
    return ready + collected.entries


def _run_here(tasks, settings, ids, python, warm, record) -> None:
    """Serial grading in this process: the same loop as a pool worker's, over *tasks*."""
    if not tasks:
        return
    queue = iter(tasks)
    worker.work(settings, ids, python, warm=warm, threads=worker.default_jobs(), next_task=lambda: next(queue, None),
                deliver=record)


def _backstop(settings: Settings, ids: list[str]) -> float:
    """How long one submission may hold a worker before the worker itself is stopped (a grader hang): the
    submission's own time budget (its notebook and every exercise's checks), a sandbox start for each restart, and
    the suites' own checking time."""
    limits = settings.limits
    starts = (settings.max_restarts + 2) * max(60.0, limits.timeout)
    return max(300.0, limits.submission_seconds + starts + 10.0 * len(ids) + 120.0)


def _result_of(done: pool.GradedJob, entry: Entry, points: float) -> SubmissionResult:
    if done.result is not None:
        return SubmissionResult.from_dict(done.result)
    return SubmissionResult(submission=entry.student, path=str(entry.path), sha256=_file_hash(entry.path),
                            score=0.0, max_score=points, grader_errors=[done.error or "the grader failed"],
                            grader_version=__version__,
                            created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
