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


def withhold_properties(ex: Exercise, cases: list[CaseResult]) -> str:
    """Property cases count only when the core cases do the job: all their points, or ``ex.core_share`` of them.

    Otherwise every property case scores 0, one that passed says what it waits for, and the returned line says,
    for the exercise, how many points were withheld and which core cases to fix first ("" when no point was
    withheld).  Cases scored on their own (a choice, a written answer) neither open nor wait for the gate.
    """
    core = [c for c in cases if c.kind == "core"]
    side = [c for c in cases if c.kind == "property"]
    total = sum(c.max_score for c in core)
    if not side or not total or sum(c.score for c in core) / total + 1e-9 >= ex.core_share:
        return ""
    names = [n for n in ex.answer_names if not ex.choice or n != ex.choice["name"]] or [ex.id]
    what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    works = "works" if len(names) == 1 else "work"
    if ex.core_share < 1:
        works = f"{works} well enough ({ex.core_share:.0%} of the core checks' points)"
    worth = round(sum(c.score for c in side), 2)
    for case in side:
        if case.score > 0:
            case.withheld = f"not counted until {what} {works}"
        case.score = 0.0
    if not worth:
        return ""
    fix = [c.name for c in core if c.outcome is not Outcome.PASSED]
    return (f"{worth:g} point{'' if worth == 1 else 's'} for side checks (edge cases, format, style) not counted "
            f"until {what} {works}.\nFix first: {'; '.join(fix[:3])}{' ...' if len(fix) > 3 else ''}")


TAMPERED = ("not counted: this exercise's code reaches into the grader's machinery (see the tampering note), so "
            "checks of how it works cannot be trusted")


HELD = ("held for your instructor: this exercise's code reaches into the machinery the sandbox's replies are made "
        "with (see the tampering note), so none of its checks can be trusted until a person has read it")


def hold_all(cases: list[CaseResult]) -> None:
    """Code that reaches frames, the collector, ``sys.modules`` or the sandbox's own modules could forge any reply,
    core checks included: every case scores nothing until the instructor decides (an override restores it)."""
    for case in cases:
        if case.score > 0:
            case.withheld = HELD
        case.score = 0.0


def forfeit_properties(cases: list[CaseResult]) -> None:
    """Code that reaches for frames, the collector or modules it did not define could forge how its answer
    looks to the checks that judge *how* (loops, views, speed, style): those property cases score nothing."""
    for case in cases:
        if case.kind == "property":
            if case.score > 0:
                case.withheld = TAMPERED
            case.score = 0.0


def verdict(ex: Exercise, runnable: list[CaseResult], written: CaseResult | None = None, *,
            feedback: list[str] | None = None, artifacts: dict | None = None,
            tampering: list[str] | None = None, held: bool = False) -> ExerciseResult:
    """*runnable* (code and choice cases, relative weights) and the *written* case (or None where it was not
    read) as one exercise's result, worth at most its points; property cases count only once the core ones do
    (:func:`withhold_properties`), and not at all where the exercise's code tampers (:func:`forfeit_properties`);
    where it reaches the machinery replies are made with, nothing counts until a person has read it (*held*)."""
    cases = scaled(list(runnable), ex.points)
    withheld = withhold_properties(ex, cases)
    if tampering:
        forfeit_properties(cases)
        feedback = [*(feedback or []), *(f"tampering: {line}; {TAMPERED.split(': ', 1)[1]}" for line in tampering)]
    if held:
        hold_all(cases)
        feedback = [*(feedback or []), HELD[0].upper() + HELD[1:]]
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
                          feedback=list(feedback or []), artifacts=dict(artifacts or {}), withheld=withheld,
                          tampering=list(tampering or []))


def check_passes(result: SubmissionResult, min_share: float | None = None) -> bool:
    """Whether a check is a pass, as CI reads it: every point (or *min_share* of them), and no grader error."""
    if not result.max_score or result.grader_errors:
        return False
    if min_share is None:
        return result.score >= result.max_score
    return result.score / result.max_score + 1e-9 >= min_share
