"""Instructor overrides: the instructor's score for an exercise always wins, and survives regrading.

Overrides live in a CSV the instructor keeps (``submission,exercise,score[,comment]``) and are applied after every
grading pass, so regrading never loses them; the computed score stays in the result next to the override, and
every report and the gradebook mark the exercise as overridden.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from grader.results import ExerciseResult, Outcome, SubmissionResult


class OverrideError(ValueError):
    """A row of the overrides file is wrong; the message names the file and line."""


@dataclass(frozen=True)
class Override:
    score: float
    comment: str
    line: int


def load(path: Path) -> dict[tuple[str, str], Override]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise OverrideError(f"{path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    missing = {"submission", "exercise", "score"} - set(reader.fieldnames or [])
    if missing:
        raise OverrideError(f"{path}: the header needs columns submission, exercise, score (missing: "
                            f"{', '.join(sorted(missing))})")
    out = {}
    for number, row in enumerate(reader, start=2):
        key = (row["submission"].strip(), _exercise_id(row["exercise"]))
        try:
            score = float(row["score"])
        except (TypeError, ValueError):
            raise OverrideError(f"{path}, line {number}: score {row['score']!r} is not a number") from None
        if score < 0:
            raise OverrideError(f"{path}, line {number}: score must not be negative")
        if key in out:
            raise OverrideError(f"{path}, line {number}: a second override for {key[0]} / {key[1]} "
                                f"(the first is on line {out[key].line})")
        out[key] = Override(score, (row.get("comment") or "").strip(), number)
    return out


def _exercise_id(raw: str) -> str:
    key = raw.strip().lower()
    return f"q{int(key[1:]):02d}" if key.startswith("q") and key[1:].isdigit() else key


def apply(result: SubmissionResult, overrides: dict[tuple[str, str], Override]) -> list[str]:
    """Apply the overrides for *result* in place; return problems (an override above the exercise's points)."""
    problems = []
    for ex in result.exercises:
        found = overrides.get((result.submission, ex.id))
        if found is None:
            continue
        if found.score > ex.max_score:
            problems.append(f"override line {found.line}: {found.score:g} is more than {ex.id}'s "
                            f"{ex.max_score:g} points; not applied")
            continue
        _set(ex, found)
    result.score = round(sum(e.score for e in result.exercises), 4)
    return problems


def _set(ex: ExerciseResult, override: Override) -> None:
    computed = ex.override["computed"] if ex.override else ex.score
    ex.override = {"score": override.score, "comment": override.comment, "computed": computed}
    ex.score = override.score
    ex.outcome = (Outcome.PASSED if override.score >= ex.max_score
                  else Outcome.PARTIAL if override.score > 0 else Outcome.FAILED)
