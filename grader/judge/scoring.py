"""The one place where an exercise's cases become its verdict: outcome and score.

Both the grading pipeline and the notebook self-check call :func:`verdict`, so a submission cannot score one
way when checked and another when graded for any reason but the tests that ran.
"""
from __future__ import annotations

from grader.catalog import Exercise
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult


def scaled(cases: list[CaseResult], points: float) -> list[CaseResult]:
    """Case weights are relative; the exercise's points are what it is worth."""
    total = sum(c.max_score for c in cases)
    if total:
        for case in cases:
            case.score, case.max_score = case.score * points / total, case.max_score * points / total
    return cases


def blame_failed_cell(cases: list[CaseResult], outcome: Outcome, cell_line: str) -> None:
    """Every case is missing *because* the exercise's cell failed: say so instead of "not defined"."""
    if cases and all(c.outcome is Outcome.MISSING for c in cases):
        for case in cases:
            case.outcome = outcome
            case.message = f"{case.message.split(':')[0]} because its cell failed: {cell_line}"


def verdict(ex: Exercise, runnable: list[CaseResult], written: CaseResult | None = None, *,
            feedback: list[str] | None = None, artifacts: dict | None = None) -> ExerciseResult:
    """*runnable* (code and choice cases, relative weights) and the *written* case (or None where it was not
    read) as one exercise's result, worth at most its points."""
    cases = scaled(list(runnable), ex.points)
    runnable_outcome = ExerciseResult.summarise(cases)[0] if cases else Outcome.MISSING
    max_score = ex.points
    if written is not None:
        cases.append(scaled([written], ex.written_points)[0])
        max_score += ex.written_points
    outcome, score, _ = ExerciseResult.summarise(cases)
    if written is not None and score == 0 and written.outcome is Outcome.MISSING:
        outcome = runnable_outcome  # a missing explanation never hides what the code did
    return ExerciseResult(id=ex.id, title=ex.title, kind=ex.kind, outcome=outcome,
                          score=min(round(score, 4), max_score), max_score=round(max_score, 4), cases=cases,
                          feedback=list(feedback or []), artifacts=dict(artifacts or {}))


def check_passes(result: SubmissionResult, min_share: float | None = None) -> bool:
    """Whether a check is a pass, as CI reads it: every point (or *min_share* of them), and no grader error."""
    if not result.max_score or result.grader_errors:
        return False
    if min_share is None:
        return result.score >= result.max_score
    return result.score / result.max_score + 1e-9 >= min_share
