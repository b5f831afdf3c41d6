"""A CSV that Canvas's gradebook import takes: one assignment column, one row per student.

Canvas reads the layout of its own gradebook export: ``Student, ID, SIS User ID, SIS Login ID, Section``, then
one column per assignment headed ``<name> (<Canvas assignment id>)``, and optionally a second row whose first
cell is ``Points Possible``.  Canvas finds the student by ``ID`` (the Canvas user id, our ``lms_id``) and, when
that is empty, falls back to the other identifiers and finally the name, which is unreliable; so a row without an
LMS id is kept (the instructor can match it in Canvas's import preview) but named in the warnings.  The SIS
columns and ``Section`` stay empty: the grader does not know them, and a wrong value is worse than none.

The score is :attr:`SubmissionResult.score` (instructor overrides included) rounded to two decimals, raw points:
nothing is rescaled to ``points_possible``, and a difference between the two is a warning.  A student without a
result gets an empty cell, which Canvas leaves ungraded.  Warnings also name grades that carry grader errors, come
from an unreadable notebook or a public-tests-only check, or hold provisional (needs review) scores, so nobody
imports those unread.  Text cells go through :func:`safe_cell` because names come from the roster and the
assignment name from the command line.
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from pathlib import Path

from grader.results import SubmissionResult

from grader.fileio import atomic_write_text
from .gradebook import safe_cell
from .plots import fmt_number
from .student_text import load_error

HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"  # as in Canvas's own export; the import skips the row by this label
CanvasRow = tuple[str, str, str | None, SubmissionResult | None]  # (student_key, name, lms_id, result)
_ASSIGNMENT_ID = re.compile(r"\(\d+\)\s*$")


def canvas_score(result: SubmissionResult) -> str:
    """Points to at most two decimals, as Canvas shows them (9, 4.29)."""
    return fmt_number(round(float(result.score), 2))


def _warnings(rows: list[CanvasRow], assignment: str, points_possible: float | None) -> list[str]:
    out = []
    if not _ASSIGNMENT_ID.search(assignment):
        out.append(f"the column {assignment!r} has no Canvas assignment id such as '(12345)' at its end: Canvas "
                   "will look the assignment up by name, or create a new one")
    ids = Counter((lms_id or "").strip() for _, _, lms_id, _ in rows)
    keys = Counter(key for key, _, _, _ in rows)
    for key, name, lms_id, result in rows:
        who = f"{key} ({name})" if name and name != key else key
        lms = (lms_id or "").strip()
        if not lms:
            out.append(f"{who}: no LMS id, so Canvas can match the row only by name (check the import preview)")
        elif not lms.isdigit():
            out.append(f"{who}: LMS id {lms!r} is not a Canvas user id (a number)")
        elif ids[lms] > 1:
            out.append(f"{who}: LMS id {lms} is on {ids[lms]} rows; Canvas keeps only one of their scores")
        if keys[key] > 1:
            out.append(f"{who}: the student is on {keys[key]} rows")
        if result is None:
            out.append(f"{who}: no graded submission; the score cell is left empty")
            continue
        if result.mode != "grade":
            out.append(f"{who}: graded in {result.mode!r} mode (public tests only), not a final grade")
        if load_error(result) is not None:
            out.append(f"{who}: the notebook could not be read, so the score is 0")
        if result.grader_errors:
            out.append(f"{who}: the grade has {len(result.grader_errors)} grader error(s); its score may be too low")
        review = [ex.id for ex in result.exercises if ex.needs_review]
        if review:
            out.append(f"{who}: provisional scores awaiting review in {', '.join(review)}")
        if points_possible is not None and abs(result.max_score - points_possible) > 1e-9:
            out.append(f"{who}: graded out of {fmt_number(result.max_score)} points, but the assignment has "
                       f"{fmt_number(points_possible)}; the score is not rescaled")
    return out


def canvas_csv(rows: list[CanvasRow], assignment: str,
               points_possible: float | None = None) -> tuple[str, list[str]]:
    """The import CSV for ``rows`` of ``(student_key, name, lms_id, result)``, and warnings for the instructor.

    ``assignment`` is the column header, ideally ``Name (canvas assignment id)``; ``points_possible`` adds the
    Points Possible row.  Rows keep their order; ``result`` may be None for a student without a submission.
    """
    if not assignment.strip():
        raise ValueError("the Canvas assignment column needs a name")
    table = [HEADER + [safe_cell(assignment)]]
    if points_possible is not None:
        table.append([POINTS_POSSIBLE, "", "", "", "", fmt_number(points_possible)])
    for key, name, lms_id, result in rows:
        score = canvas_score(result) if result is not None else ""
        table.append([safe_cell(name or key), safe_cell((lms_id or "").strip()), "", "", "", score])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    return buffer.getvalue(), _warnings(rows, assignment, points_possible)


def write_canvas_csv(rows: list[CanvasRow], assignment: str, points_possible: float | None,
                     path: str | os.PathLike[str]) -> list[str]:
    """Write :func:`canvas_csv` to ``path`` atomically (UTF-8) and return its warnings."""
    text, warnings = canvas_csv(rows, assignment, points_possible)
    atomic_write_text(Path(path), text)
    return warnings
