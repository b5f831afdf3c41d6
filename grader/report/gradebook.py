"""The instructor's gradebook: one CSV row per submission, ready for a spreadsheet.

Scores are rounded to two decimals for people (``result.json`` and the database keep them exact).  Columns are
fixed first (submission, path, sha256, score, max_score, percent), then one score column per
exercise id, then one ``<id>_outcome`` column per exercise, then the count of grader errors, the exercises an instructor overrode and those whose provisional (rubric) score
needs review; when a late policy applies to the class, three more: ``raw_score`` (before the penalty),
``late_penalty`` (the points off; ``score`` is what is left) and ``late`` (why); a graded folder's gradebook
ends with ``source`` (where each submission came from) and ``report`` (its report).  Exercises are the
union over all results in first-seen order, so a submission that skipped an exercise gets empty cells instead of
shifting columns.  Text cells that a spreadsheet would run as a formula are neutralised, because submission names
and paths come from students.  The file is written atomically so a crash never leaves half a gradebook.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from grader.fileio import atomic_write_text
from grader.results import SubmissionResult

from .plots import fmt_number

BASE_COLUMNS = ["submission", "path", "sha256", "score", "max_score", "percent"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def people(value: float) -> str:
    """A score as a spreadsheet user reads it: two decimals at most (result.json keeps the exact value)."""
    return fmt_number(round(float(value), 2))


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ (or tab/CR) gets an apostrophe (OWASP advice)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def exercise_ids(results: list[SubmissionResult]) -> list[str]:
    """Every exercise id that occurs in any result, in first-seen order."""
    seen: dict[str, None] = {}
    for result in results:
        for ex in result.exercises:
            seen.setdefault(ex.id, None)
    return list(seen)


def gradebook_rows(results: list[SubmissionResult], extra: dict[str, list[str]] | None = None) -> list[list[str]]:
    """Header plus one row per result, all strings (numbers in fixed formatting).  *extra* adds columns at the
    end, each a name and one text per result (a graded folder adds ``source`` and ``report``)."""
    extra = extra or {}
    ids = exercise_ids(results)
    header = BASE_COLUMNS + [safe_cell(i) for i in ids] + [safe_cell(f"{i}_outcome") for i in ids] + [
        "grader_errors", "overridden", "needs_review"]
    late = any(r.late for r in results)
    if late:
        header += ["raw_score", "late_penalty", "late"]
    header += [safe_cell(name) for name in extra]
    rows = [header]
    for n, r in enumerate(results):
        by_id = {ex.id: ex for ex in r.exercises}
        percent = f"{100.0 * r.score / r.max_score:.1f}" if r.max_score else ""
        row = [safe_cell(r.submission), safe_cell(r.path), r.sha256, people(r.score), people(r.max_score), percent]
        row += [people(by_id[i].score) if i in by_id else "" for i in ids]
        row += [by_id[i].outcome.value if i in by_id else "" for i in ids]
        row.append(str(len(r.grader_errors)))
        row.append(" ".join(ex.id for ex in r.exercises if ex.override))
        row.append(" ".join(ex.id for ex in r.exercises if ex.needs_review))
        if late:
            row += ([people(r.late["raw_score"]), people(r.late["penalty"]), safe_cell(r.late["line"])]
                    if r.late else [people(r.score), "", ""])
        row += [safe_cell(values[n]) for values in extra.values()]
        rows.append(row)
    return rows


def gradebook_csv(results: list[SubmissionResult], extra: dict[str, list[str]] | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(gradebook_rows(results, extra))
    return buffer.getvalue()


def write_gradebook_csv(results: list[SubmissionResult], path: str | os.PathLike[str],
                        extra: dict[str, list[str]] | None = None) -> Path:
    """Write the gradebook CSV (UTF-8) to ``path`` atomically and return the path."""
    target = Path(path)
    atomic_write_text(target, gradebook_csv(results, extra))
    return target
