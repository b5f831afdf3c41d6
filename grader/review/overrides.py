"""Instructor overrides: the instructor's score always wins, and survives regrading.

This module is the one place where an instructor's decision is put on top of a computed result
(:func:`apply`).  Decisions come from the decision store in ``gradebook.db`` (:mod:`grader.review.decisions`:
the desk, ``grader override``, answered regrade requests, and ``--overrides`` CSV files imported into it), and
reach :func:`apply` as :class:`Override` values keyed ``(student, exercise)`` for the whole exercise or
``(student, exercise, case)`` for one case.  The computed score stays in the result next to the decision, and
every renderer marks the exercise as overridden; a decision that confirms the computed score (``accepted``)
marks the case as reviewed and changes no points.

The CSV an instructor may keep (``submission,exercise,score[,comment]``) is read by :func:`load`.
"""
from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult

EPSILON = 1e-9


class OverrideError(ValueError):
    """A row of the overrides file is wrong; the message names the file and line."""


@dataclass(frozen=True)
class Override:
    """One decision in effect: ``score`` wins over the computed score of its exercise or case."""

    score: float
    comment: str = ""
    line: int = 0  # the CSV line it came from, 0 for decisions made elsewhere
    by: str = ""  # who decided (the OS user)
    at: str = ""  # when (ISO 8601, UTC)
    source: str = ""  # desk, cli, request, or the CSV file it was imported from
    computed: float | None = None  # the computed score of its target when it was decided
    accepted: bool = False  # the instructor confirmed the computed (provisional) score
    decision: int = 0  # the decision's id in the store


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
        key = (row["submission"].strip(), exercise_id(row["exercise"]))
        try:
            score = float(row["score"])
        except (TypeError, ValueError):
            raise OverrideError(f"{path}, line {number}: score {row['score']!r} is not a number") from None
        if score < 0:
            raise OverrideError(f"{path}, line {number}: score must not be negative")
        if key in out:
            raise OverrideError(f"{path}, line {number}: a second override for {key[0]} / {key[1]} "
                                f"(the first is on line {out[key].line})")
        out[key] = Override(score, (row.get("comment") or "").strip(), number, source=str(path))
    return out


def exercise_id(raw: str) -> str:
    """``Q4``, ``q4`` and ``q04`` are all ``q04``."""
    key = raw.strip().lower()
    return f"q{int(key[1:]):02d}" if key.startswith("q") and key[1:].isdigit() else key


_exercise_id = exercise_id  # the name this module used before


def apply(result: SubmissionResult, overrides: Mapping[tuple, Override], student: str | None = None) -> list[str]:
    """Apply the decisions for *result* (keyed by *student*, by default its submission name) in place.

    Case decisions first (each changes its case and the exercise's score by the difference), then decisions on
    whole exercises, which win over them.  Returns problems: a decision above the points of its target, or for a
    case the result does not have, is not applied and says so.
    """
    who = result.submission if student is None else student
    problems = []
    for ex in result.exercises:
        mine = {key[2] if len(key) > 2 else "": found for key, found in overrides.items()
                if key[0] == who and key[1] == ex.id}
        if not mine:
            continue
        computed = ex.override["computed"] if ex.override else ex.score
        for name, found in mine.items():
            if not name:
                continue
            case = next((c for c in ex.cases if c.name == name), None)
            if case is None:
                problems.append(f"a decision on {ex.id} / {name}: the result has no such case; not applied")
            elif found.score > case.max_score + EPSILON:
                problems.append(f"{_where(found)}{found.score:g} is more than {ex.id} / {name}'s "
                                f"{case.max_score:g} points; not applied")
            else:
                _set_case(ex, case, found)
        changed = [c for c in ex.cases if c.override and not c.override["accepted"]]
        if changed:
            last = max((c.override for c in changed), key=lambda o: o["at"])
            ex.override = {"score": ex.score, "computed": computed, "by": last["by"], "at": last["at"],
                           "source": last["source"], "accepted": False,
                           "comment": "; ".join(c.override["comment"] for c in changed if c.override["comment"]),
                           "cases": [c.name for c in changed]}
        whole = mine.get("")
        if whole is None:
            continue
        if whole.score > ex.max_score + EPSILON:
            problems.append(f"{_where(whole)}{whole.score:g} is more than {ex.id}'s {ex.max_score:g} points; "
                            "not applied")
            continue
        for case in ex.cases:
            case.needs_review = False  # the instructor decided the whole exercise: nothing in it is provisional
        if whole.accepted and abs(whole.score - ex.score) <= EPSILON:
            continue  # the computed score confirmed: reviewed, nothing overridden
        ex.override = {**_record(whole), "computed": computed}
        ex.score = whole.score
        ex.outcome = _outcome(whole.score, ex.max_score, ex.outcome)
    result.score = round(sum(e.score for e in result.exercises), 4)
    return problems


def _where(found: Override) -> str:
    return f"override line {found.line}: " if found.line else ""


def _record(found: Override) -> dict:
    """The decision as the result keeps it: the plain data every renderer reads."""
    out = {"score": found.score, "comment": found.comment, "by": found.by, "at": found.at, "source": found.source,
           "accepted": found.accepted}
    if found.computed is not None:
        out["computed_then"] = found.computed
    return out


def _set_case(ex: ExerciseResult, case: CaseResult, found: Override) -> None:
    computed = case.override["computed"] if case.override else case.score
    case.override = {**_record(found), "computed": computed, "flagged": case.needs_review}
    case.needs_review = False  # an instructor has looked at it
    if abs(found.score - case.score) <= EPSILON:
        return  # confirmed (or set to what it was): no points move
    ex.score = round(min(max(ex.score - case.score + found.score, 0.0), ex.max_score), 4)
    case.score = found.score
    case.outcome = _outcome(found.score, case.max_score, case.outcome)
    ex.outcome = _outcome(ex.score, ex.max_score, ex.outcome)


def _outcome(score: float, max_score: float, before: Outcome) -> Outcome:
    """What a decided score reads as: all the points pass, some are partial; none keeps a timeout, error or
    missing answer as it was (the reason for the zero), else it is a failure."""
    if max_score and score >= max_score - EPSILON:
        return Outcome.PASSED
    if score > 0:
        return Outcome.PARTIAL
    return before if before in (Outcome.ERROR, Outcome.TIMEOUT, Outcome.MISSING) else Outcome.FAILED

