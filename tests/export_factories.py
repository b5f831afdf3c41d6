"""Results for the export tests (Canvas, Gradescope, JUnit): overrides, an unreadable notebook, hostile text.

They build on :func:`report_factories.make_result`, so the golden exports describe the same submission as the
other reports.
"""
from __future__ import annotations

from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility
from report_factories import HIDDEN_ACTUAL, HIDDEN_EXPECTED, make_exercises, make_result

# Characters XML 1.0 cannot hold, or a terminal/CSV would misread: NUL, ESC, a form feed, a lone surrogate,
# U+FFFE; plus markup that must stay text.
NASTY = "nul\x00 esc\x1b[31m ff\x0c lone\ud800 nonchar\ufffe <b>&amp;</b> ]]>"


def exercise(id_: str, title: str, cases: list[CaseResult], **extra) -> ExerciseResult:
    outcome, score, max_score = ExerciseResult.summarise(cases)
    return ExerciseResult(id_, title, "questionnaire", outcome, score, max_score, cases, **extra)


def overridden_result() -> SubmissionResult:
    """The standard result with q09 rescored by an instructor (0 → 2.5) and a provisional written answer."""
    exercises = make_exercises()
    q09 = exercises[1]
    q09.override = {"score": 2.5, "comment": "Right idea, off by one", "computed": q09.score}
    q09.score, q09.outcome = 2.5, Outcome.PARTIAL
    exercises.append(exercise("q12", "Explain broadcasting", [
        CaseResult("written_answer", Outcome.PARTIAL, 0.5, 1, Visibility.PUBLIC, message="Found 1 of 2 concepts.",
                   needs_review=True)]))
    return make_result(submission="carol_ch4", exercises=exercises)


def load_error_result() -> SubmissionResult:
    """What grader/grading/grade.py makes of a notebook it cannot read: one error case per exercise, nothing scored."""
    why = "the file is not valid JSON (line 1, column 1)"
    exercises = [exercise(id_, title, [CaseResult("submission could be read", Outcome.ERROR, 0.0, points,
                                                  Visibility.PUBLIC, message=why,
                                                  hint="Open the file in Jupyter, check it runs, save it.")])
                 for id_, title, points in (("q04", "List comprehension", 2.0), ("q09", "3×3 tensor", 3.0))]
    return make_result(submission="dave_ch4", exercises=exercises, notes=[], timings={"total": 0.4})


def caseless_result() -> SubmissionResult:
    """An exercise whose key broke (no cases, points still counted) and the grader errors that say so."""
    q04 = exercise("q04", "List comprehension", [CaseResult("works", Outcome.PASSED, 1.5, 1.5, Visibility.PUBLIC)])
    q10 = ExerciseResult("q10", "Broadcasting", "questionnaire", Outcome.ERROR, 0.0, 2.0)
    return SubmissionResult("erin_ch4", "submissions/erin_ch4.ipynb", "ab" * 32, 1.5, 3.5, [q04, q10],
                            grader_errors=["q10: ValueError: key file is malformed",
                                           "Traceback (most recent call last):\n  File \"/srv/solutions/q10.py\", "
                                           "line 3\n    boom\nValueError: key file is malformed"],
                            timings={"total": 2.6})


def hostile_result() -> SubmissionResult:
    """Student text full of :data:`NASTY` everywhere it can reach, and a hidden case with its secret values."""
    cases = [
        CaseResult(f"case {NASTY}", Outcome.FAILED, 0, 1, Visibility.PUBLIC, message=f"public says {NASTY}",
                   hint=f"hint {NASTY}", expected=f"exp {NASTY}", actual=f"act {NASTY}"),
        CaseResult("hidden", Outcome.ERROR, 0, 1, Visibility.HIDDEN, message=f"hidden says {NASTY}",
                   expected=f"{HIDDEN_EXPECTED} {NASTY}", actual=f"{HIDDEN_ACTUAL} {NASTY}"),
        CaseResult("slow", Outcome.TIMEOUT, 0, 1, Visibility.HIDDEN, message="", expected=HIDDEN_EXPECTED),
        CaseResult("gone", Outcome.MISSING, 0, 1, Visibility.HIDDEN, message="double_odds is not defined",
                   actual=HIDDEN_ACTUAL),
    ]
    ex = exercise(f"q04{NASTY}", f"title {NASTY}", cases, feedback=[f"feedback {NASTY}"])
    return make_result(submission=f"mallory{NASTY}", exercises=[ex], notes=[f"note {NASTY}"],
                       grader_errors=[f"grader {NASTY}"])


def all_results() -> list[SubmissionResult]:
    return [make_result(), overridden_result(), load_error_result(), caseless_result(), hostile_result()]
