"""Everything a class's grades are exported to, rebuilt from the gradebook (``DIR/gradebook.db``).

Exports are derived files: the gradebook is the record, so they can be rebuilt at any time (``grader export``)
and a run that was killed midway rebuilds them on the next start.  Each is written atomically.

* ``gradebook.csv``: one row per student, a column per exercise, the total, where it came from and its report;
* ``canvas.csv``: Canvas's gradebook import (one assignment column);
* ``junit.xml``: every case of every student, for CI dashboards;
* ``students/<student>/gradescope/results.json``: Gradescope's autograder format, per submission;
* ``index.html``: the class dashboard (score distribution, pass rates, students, flags with evidence, what is left
  to review).

Every export shows the grade as it stands: the computed gradings with the instructor's decisions and the late
penalty put on (:meth:`grader.review.decisions.Decisions.finalise`); the reports of students whose grade a
decision, a late penalty or a regrade request touches are written again with it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from grader.config import Settings
from grader.report import write_gradebook_csv
from grader.report.canvas import write_canvas_csv
from grader.report.gradescope import write_gradescope
from grader.report.junit import write_junit
from grader.grading.store import Gradebook

DEFAULT_ASSIGNMENT = "Chapter 4: MNIST basics"
# Students' folders live under DIR/students/, never beside the exports: a student key is whatever a file was named
# (``gradebook.csv.py`` gives ``gradebook.csv``) and must not be able to take an export's place.
STUDENTS = "students"


def student_folder(out_dir: Path, key: str) -> Path:
    """Where one student's files go in a graded folder: result.json, report.html, gradescope/results.json."""
    return Path(out_dir) / STUDENTS / key


def report_href(key: str) -> str:
    """A student's report, relative to the graded folder (and so to the dashboard in it)."""
    return f"{STUDENTS}/{key}/report.html"


@dataclass
class Exported:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def starter_code(settings: Settings) -> str:
    """The code every student was given, so similarity never counts it as copying.

    Read by the same loader as each student's code (``Submission.source``, kept by the grading loop), so both
    sides are cut the same way.
    """
    from grader.intake import submission as submission_mod

    workbook = settings.exercises_dir / "workbook.ipynb"
    if not workbook.is_file():
        return ""
    sub = submission_mod.load(workbook, {})
    return "" if sub.load_error else sub.source


def write_exports(book: Gradebook, out_dir: Path, settings: Settings, *, assignment: str = DEFAULT_ASSIGNMENT,
                  title: str = "Chapter 4: MNIST basics") -> Exported:
    from grader.review.decisions import Decisions

    out = Exported()
    store = Decisions(book)
    computed = book.current()
    gradings = store.finalise(computed)
    results = [g.result for g in gradings]
    extra = {"source": [g.student.source for g in gradings],
             "report": [report_href(g.student.student) for g in gradings]}
    out.files.append(write_gradebook_csv(results, out_dir / "gradebook.csv", extra=extra))
    rows = [(g.student.student, g.student.name, g.student.lms_id, g.result) for g in gradings]
    points = max((r.max_score for r in results), default=None) or None
    out.warnings += write_canvas_csv(rows, assignment, points, out_dir / "canvas.csv")
    out.files.append(out_dir / "canvas.csv")
    out.files.append(write_junit(results, out_dir / "junit.xml"))
    decided = store.decided_students()  # those with a decision, cleared ones too: their reports change
    for g in gradings:
        folder = student_folder(out_dir, g.student.student)
        write_gradescope(g.result, folder / "gradescope" / "results.json")
        if g.student.student in decided or g.result.late or g.result.requests:
            _write_report(g.result, folder)
        if g.result.late and g.result.late["penalty"]:
            out.warnings.append(f"{g.student.student}: late penalty of {g.result.late['penalty']:g} points "
                                f"({g.result.late['line']}) is in the score of every export")
    out.files.append(_dashboard(gradings, out_dir, settings, title, _review(store, gradings, computed, out_dir)))
    return out


def _write_report(result, folder: Path) -> None:
    """The student's result.json and report.html, as the grade stands now."""
    from grader.fileio import atomic_write_text
    from grader.report import render_html, write_result

    write_result(result, folder / "result.json")
    atomic_write_text(folder / "report.html", render_html(result))


def _review(store, gradings, computed, out_dir: Path):
    from grader.report.dashboard import review_summary

    return review_summary(gradings, store.requests(), store.changed_underneath(computed), out_dir)


def _dashboard(gradings, out_dir: Path, settings: Settings, title: str, review=None) -> Path:
    from grader.review.flags import find_flags
    from grader.report.dashboard import ClassRow, render_dashboard
    from grader.fileio import atomic_write_text

    rows = [ClassRow(g.student.student, g.student.name, g.result, report_href(g.student.student))
            for g in gradings]
    flags = find_flags({g.student.student: g.result for g in gradings},
                       {g.student.student: g.code for g in gradings}, starter_code(settings))
    generated = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    path = out_dir / "index.html"
    atomic_write_text(path, render_dashboard(rows, flags, title=title, generated=generated, review=review))
    return path
