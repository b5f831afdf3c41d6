"""The terminal report: what a student sees right after `grader check` or `grader grade`.

Short by default (one line per exercise, then why the non-passed ones failed), because a wall of text hides the
one hint that matters; ``verbose`` adds every case, values, feedback, notes and timings.  Colour is decoration
only: the outcome word is always printed, so the report reads the same piped into a file or on a monochrome
screen.  Student-controlled text is stripped of control characters so a message cannot smuggle in escape codes.
Hidden cases are shown only through :meth:`CaseResult.redacted`, so their expected/actual values never print.
"""
from __future__ import annotations

import os
import re
import sys

from grader.report.units import timing
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility

from .plots import fmt_number

SYMBOLS = {Outcome.PASSED: "✓", Outcome.FAILED: "✗", Outcome.PARTIAL: "◐", Outcome.ERROR: "!",
           Outcome.TIMEOUT: "◷", Outcome.MISSING: "○"}
COLOURS = {Outcome.PASSED: "32", Outcome.FAILED: "31", Outcome.PARTIAL: "33", Outcome.ERROR: "35",
           Outcome.TIMEOUT: "33", Outcome.MISSING: "90"}
CHECK_PASSED_LINE = "public tests passed; hidden tests will run when graded"
SHORT_CASES = 3  # failing cases shown per exercise without --verbose
LINE_LIMIT = 160  # characters of one message line in the short report
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def use_colour(color: bool | None) -> bool:
    """Explicit choice wins; otherwise colour only on a TTY and when NO_COLOR (no-color.org) is unset/empty."""
    if color is not None:
        return color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def clean(text: object) -> str:
    """Student text made safe to print: tabs to spaces, other control characters (ESC…) to '?'."""
    return _CONTROL.sub("?", str(text).replace("\t", "    ").replace("\r\n", "\n"))


def percent(score: float, max_score: float) -> str:
    return f"{100.0 * score / max_score:.1f}%" if max_score else "n/a"


def points(score: float, max_score: float) -> str:
    """Points to two decimals at most: case weights are shares of an exercise, and 0.2857 reads as noise."""
    return f"{_two(score)}/{_two(max_score)}"


def _two(value: float) -> str:
    return fmt_number(round(value, 2)) if isinstance(value, float) else fmt_number(value)


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text


def _clip(line: str, limit: int) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _lines(text: str, verbose: bool, limit: int = 2) -> list[str]:
    """The lines of a message: all of them in verbose mode, else the first ``limit`` non-empty, clipped."""
    lines = [ln.rstrip() for ln in clean(text).split("\n")]
    if verbose:
        return lines
    kept = [_clip(ln, LINE_LIMIT) for ln in lines if ln.strip()]
    return kept[:limit] + (["…"] if len(kept) > limit else [])


def _case_lines(case: CaseResult, paint: _Painter, verbose: bool, indent: str) -> list[str]:
    case = case.redacted()
    head = f"{indent}{SYMBOLS[case.outcome]} {clean(case.name)}"
    if verbose:
        head += (f"  {paint(case.outcome.value, COLOURS[case.outcome])}  {points(case.score, case.max_score)}"
                 f"  [{case.visibility.value}, {case.duration:.2f}s]")
    message = _lines(case.message, verbose) if case.message else []
    out = [f"{head}: {message[0]}" if message and not verbose else head]
    more = indent + "    "
    out += [more + ln for ln in (message if verbose else message[1:])]
    if verbose and case.withheld:
        out.append(f"{more}{clean(case.withheld)}")
    hint = _lines(case.hint, verbose, limit=1) if case.hint.strip() else []
    if hint:
        out.append(f"{more}{paint('hint:', '36')} {hint[0]}")
        out += [more + "      " + ln for ln in hint[1:]]
    if verbose and case.visibility is Visibility.PUBLIC:
        for label, value in (("expected", case.expected), ("actual", case.actual)):
            if value is not None:
                value_lines = clean(value).split("\n")
                out.append(f"{more}{label + ':':9} {value_lines[0]}")
                out += [f"{more}{'':9} {ln}" for ln in value_lines[1:]]
    return out


def _exercise_lines(ex: ExerciseResult, widths: tuple[int, int, int], paint: _Painter, verbose: bool) -> list[str]:
    id_w, title_w, pts_w = widths
    word = f"{SYMBOLS[ex.outcome]} {ex.outcome.value:<7}"
    title = _clip(clean(ex.title).replace("\n", " "), title_w)
    line = (f"  {clean(ex.id):<{id_w}}  {title:<{title_w}}  {paint(word, COLOURS[ex.outcome])}"
            f"  {points(ex.score, ex.max_score):>{pts_w}}")
    out = [line.rstrip()]
    indent = " " * (id_w + 4)
    if ex.override:
        comment = f" {clean(ex.override['comment'])}" if ex.override.get("comment") else ""
        out.append(f"{indent}score set by your instructor (computed: {fmt_number(ex.override['computed'])})"
                   f"{comment}")
    elif ex.needs_review:
        out.append(f"{indent}provisional: your instructor will review the written answer")
    if ex.withheld:
        out += [f"{indent}{ln}" for ln in _lines(ex.withheld, verbose)]
    if verbose:
        for case in ex.cases:
            out += _case_lines(case, paint, True, indent)
        out += [f"{indent}note: {ln}" for fb in ex.feedback for ln in _lines(fb, True)]
        return out
    if ex.outcome is Outcome.PASSED:
        return out
    failing = [c for c in ex.cases if c.outcome is not Outcome.PASSED]
    if ex.outcome is Outcome.MISSING and failing and len({c.message for c in failing}) == 1:
        # Every case says the same thing ("double_odds is not defined"): say it once.
        out += [f"{indent}{ln}" for ln in _lines(failing[0].message, False)]
        hints = [c.hint for c in failing if c.hint]
        return out + [f"{indent}    hint: {ln}" for ln in _lines(hints[0], False)] if hints else out
    for case in failing[:SHORT_CASES]:
        out += _case_lines(case, paint, False, indent)
    if len(failing) > SHORT_CASES:
        out.append(f"{indent}… and {len(failing) - SHORT_CASES} more (run with --verbose)")
    if not ex.cases and ex.feedback:
        out += [f"{indent}{ln}" for ln in _lines(ex.feedback[0], False)]
    return out


def render_terminal(result: SubmissionResult, verbose: bool = False, color: bool | None = None) -> str:
    """The report as text (no trailing newline); ``color`` None means auto-detect (see :func:`use_colour`)."""
    paint = _Painter(use_colour(color))
    kind = "public tests" if result.mode == "check" else "graded"
    out = [f"{paint(clean(result.submission), '1')} — {points(result.score, result.max_score)} points "
           f"({percent(result.score, result.max_score)}), {kind}"]
    if verbose:
        meta = [("file", result.path), ("sha256", result.sha256), ("isolation", result.isolation),
                ("device", result.device), ("grader", result.grader_version), ("date", result.created)]
        out += [f"  {k + ':':10} {clean(v)}" for k, v in meta if v]
    if result.grader_errors:
        out.append("")
        out.append(paint("GRADER ERROR — a problem in the grader itself, not in your work; please tell your "
                         "instructor:", "1;31"))
        out += [f"  ! {ln}" for err in result.grader_errors for ln in _lines(err, verbose, limit=3)]
    if result.exercises:
        out.append("")
        id_w = max(len(clean(ex.id)) for ex in result.exercises)
        title_w = min(max(len(clean(ex.title)) for ex in result.exercises), 48)
        pts_w = max(len(points(ex.score, ex.max_score)) for ex in result.exercises)
        for ex in result.exercises:
            out += _exercise_lines(ex, (id_w, title_w, pts_w), paint, verbose)
    if verbose and result.notes:
        out.append("")
        out.append("notes:")
        out += [f"  - {ln}" for note in result.notes for ln in _lines(note, True)]
    if verbose and result.timings:
        out.append("")
        out.append("timings: " + ", ".join(f"{clean(k)} {timing(k, v)}" for k, v in result.timings.items()))
    everything_passed = (result.exercises and not result.grader_errors
                         and all(ex.outcome is Outcome.PASSED for ex in result.exercises))
    if result.mode == "check" and everything_passed:
        out.append("")
        out.append(paint(CHECK_PASSED_LINE, "32"))
    return "\n".join(out)


def summary_table(results, reports) -> str:
    """One line per submission: points per exercise (or, for a long catalogue, exercises passed), total, report."""
    ids = [ex.id for ex in results[0].exercises] if results else []
    wide = len(ids) <= 8
    middle = " ".join(f"{i:>5}" for i in ids) if wide else f"{'passed':>9}"
    lines = [f"{'submission':24} {middle} {'total':>9}  report"]
    for result, report in zip(results, reports):
        if wide:
            middle = " ".join(f"{ex.score:5.3g}" for ex in result.exercises)
        else:
            done = sum(ex.outcome.value == "passed" for ex in result.exercises)
            middle = f"{f'{done}/{len(result.exercises)}':>9}"
        total = f"{round(result.score, 2):g}/{result.max_score:g}"
        lines.append(f"{result.submission[:24]:24} {middle} {total:>9}  {report}")
    return "\n".join(lines)
