"""The student-facing words of a grade, shared by the exports that hand them to other systems (Gradescope, JUnit).

Those systems show text we do not control the rendering of, so everything here is plain text with control
characters and lone surrogates replaced (a surrogate cannot even be encoded as UTF-8, and would crash the file
write).  A case reaches the text only through :meth:`CaseResult.redacted`, so a hidden case contributes its
message and hint, never its expected or actual value.  An exercise without cases (its key or rubric broke) gets
one stand-in case carrying its points, so the cases of an export always add up to the submission's maximum.
Grader errors are told by their first lines only: a traceback is for the instructor's log.
"""
from __future__ import annotations

import re

from grader.results import CaseResult, ExerciseResult, SubmissionResult, Visibility

from .plots import fmt_number
from .terminal import percent, points

NO_CASES_NAME = "(no test results)"
TEXT_LIMIT = 4000  # characters of one case's text: enough for a message, a hint and two values
GRADER_ERROR_HEAD = "Grader error: a problem in the grader itself, not in your work; please tell your instructor."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: object) -> str:
    """Plain text safe to hand on: CRLF to LF, tabs to spaces, control characters to '?', surrogates to U+FFFD."""
    text = str(text).replace("\r\n", "\n").replace("\t", "    ")
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("?", text))


def one_line(text: object) -> str:
    """:func:`clean` text folded onto one line (names and titles)."""
    return " ".join(clean(text).split())


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def exercise_cases(ex: ExerciseResult) -> list[CaseResult]:
    """The exercise's cases, or one public stand-in carrying its points when it has none."""
    if ex.cases:
        return list(ex.cases)
    message = "; ".join(ex.feedback) or f"This exercise has no test results ({ex.outcome.value})."
    return [CaseResult(NO_CASES_NAME, ex.outcome, ex.score, ex.max_score, Visibility.PUBLIC, message=message)]


def case_text(case: CaseResult) -> str:
    """Message, hint and (public cases only) expected/actual values, one labelled block, clipped."""
    case = case.redacted()
    parts = [clean(case.message).strip()] if case.message.strip() else []
    if case.withheld:
        withheld = clean(case.withheld).strip()
        parts.append(withheld[:1].upper() + withheld[1:] + ".")
    if case.hint.strip():
        parts.append("Hint: " + clean(case.hint).strip())
    if case.visibility is Visibility.PUBLIC:
        parts += [f"{label}: {clean(value)}" for label, value in (("Expected", case.expected),
                                                                  ("Actual", case.actual)) if value is not None]
    if case.needs_review:
        parts.append("Provisional: your instructor will review this written answer.")
    return clip("\n".join(parts))


def headline(case: CaseResult) -> str:
    """The first line of a case's message, or its outcome when it has none (a failure's one-line summary)."""
    for line in clean(case.message).split("\n"):
        if line.strip():
            return clip(line.strip(), 200)
    return f"{case.outcome.value}"


def load_error(result: SubmissionResult) -> CaseResult | None:
    """The case that says the notebook could not be read, when that is why nothing was graded."""
    return result.load_error


def grader_error_lines(errors: list[str]) -> list[str]:
    """The first line of each grader error; traceback text is for the instructor (and may name grader paths)."""
    out: list[str] = []
    for error in errors:
        first = next((ln.strip() for ln in clean(error).split("\n") if ln.strip()), "")
        if first and not first.startswith("Traceback") and first not in out:
            out.append(clip(first, 300))
    return out


def score_line(result: SubmissionResult) -> str:
    return (f"{one_line(result.submission)}: {points(result.score, result.max_score)} points "
            f"({percent(result.score, result.max_score)})")


def notes(result: SubmissionResult) -> list[str]:
    """Notebook notes, exercise feedback, instructor overrides and provisional scores, the late penalty and the
    answers to regrade requests, one line each."""
    out = [clean(n).strip() for n in result.notes if n.strip()]
    for ex in result.exercises:
        out += [f"{one_line(ex.id)}: {clean(f).strip()}" for f in ex.feedback if f.strip()]
        if ex.withheld:
            out.append(f"{one_line(ex.id)}: {clean(ex.withheld).strip()}")
    for ex in result.exercises:
        if ex.override:
            comment = f" ({clean(ex.override['comment']).strip()})" if ex.override.get("comment") else ""
            out.append(f"{one_line(ex.id)}: score set by your instructor: {fmt_number(ex.override['score'])} "
                       f"(computed {fmt_number(ex.override['computed'])}){comment}")
        elif ex.needs_review:
            out.append(f"{one_line(ex.id)}: provisional score; your instructor will review the written answer")
    for request in result.requests:
        if request.get("status") in ("kept", "changed"):
            verdict = "score changed" if request["status"] == "changed" else "score kept"
            out.append(f"{one_line(request['exercise'])}: regrade request answered ({verdict}): "
                       f"{clean(request['reply']).strip()}")
        else:
            out.append(f"{one_line(request['exercise'])}: regrade request received, not answered yet")
    if result.late:
        out.append(late_line(result))
    return out


def late_line(result: SubmissionResult) -> str:
    """The late-work line: raw score, penalty and what is left, or why there is none."""
    late = result.late or {}
    if late.get("penalty"):
        return (f"late penalty: {clean(late['line'])}; {fmt_number(late['raw_score'])} points before it, "
                f"{fmt_number(result.score)} after")
    return f"late work: {clean(late.get('line', ''))}"


def summary(result: SubmissionResult) -> str:
    """The text about the whole submission: score, grader errors, an unreadable notebook, then notes."""
    blocks = [score_line(result)]
    if result.grader_errors:
        errors = grader_error_lines(result.grader_errors) or ["(details are in the grader's log)"]
        blocks.append("\n".join([GRADER_ERROR_HEAD] + [f"  - {line}" for line in errors]))
    unreadable = load_error(result)
    if unreadable is not None:
        blocks.append(f"Your submission could not be read: {case_text(unreadable)}")
    lines = notes(result)
    if lines:
        blocks.append("\n".join(["Notes:"] + [f"  - {clip(line, 1500)}" for line in lines]))
    return "\n\n".join(blocks)
