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
import shutil
import sys
import textwrap

from grader.report.units import timing
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility

from .plots import fmt_number

SYMBOLS = {Outcome.PASSED: "✓", Outcome.FAILED: "✗", Outcome.PARTIAL: "◐", Outcome.ERROR: "!",
           Outcome.TIMEOUT: "◷", Outcome.MISSING: "○"}
COLOURS = {Outcome.PASSED: "32", Outcome.FAILED: "31", Outcome.PARTIAL: "33", Outcome.ERROR: "35",
           Outcome.TIMEOUT: "33", Outcome.MISSING: "90"}
CHECK_PASSED_LINE = "public tests passed; hidden tests will run when graded"
SHORT_CASES = 3  # failing cases shown per exercise without --verbose
SHORT_LINES = 3  # wrapped lines of one message in the short report
WIDTHS = (60, 120)  # the report wraps to the terminal, within these
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


def terminal_width(width: int | None = None) -> int:
    """The width to wrap to: *width*, else the terminal's (``COLUMNS`` when set), 100 when it cannot be known."""
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns
    return max(WIDTHS[0], min(WIDTHS[1], width))


def _clip(line: str, limit: int) -> str:
    """*line* cut to *limit* characters at a word boundary, with an ellipsis when anything was cut."""
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:—-") + "…"


class _Wrap:
    """Message lines wrapped to the report's width after their indent: every line in verbose mode, else the
    first few wrapped lines of the first ``limit`` non-empty ones."""

    def __init__(self, width: int) -> None:
        self.width = width

    def __call__(self, text: str, verbose: bool, limit: int = 2, indent: int = 0, most: int = SHORT_LINES
                 ) -> list[str]:
        room = max(30, self.width - indent)
        lines = [ln.rstrip() for ln in clean(text).split("\n")]
        if not verbose:
            lines = [ln for ln in lines if ln.strip()][:limit]
        out: list[str] = []
        for line in lines:
            out += textwrap.wrap(line, room, break_on_hyphens=False) or [""]
        if not verbose and len(out) > most:
            out = out[:most - 1] + [_clip(out[most - 1] + " …", room)]
        return out


def _case_lines(case: CaseResult, paint: _Painter, verbose: bool, indent: str, wrap: _Wrap,
                shown_hints: set | None = None) -> list[str]:
    """A case's lines; *shown_hints* (short mode) holds the hints already printed for its exercise, so that a
    hint shared by several cases is said once."""
    case = case.redacted()
    head = f"{indent}{SYMBOLS[case.outcome]} {clean(case.name)}"
    if verbose:
        head += (f"  {paint(case.outcome.value, COLOURS[case.outcome])}  {points(case.score, case.max_score)}"
                 f"  [{case.visibility.value}, {case.duration:.2f}s]")
    more = indent + "    "
    if verbose:
        out = [head] + [more + ln for ln in wrap(case.message, True, indent=len(more))] if case.message else [head]
    else:
        message = case.message.split(":")[0] if untouched(case) else case.message
        first = wrap(f"{clean(case.name)}: {message}" if message else clean(case.name), False,
                     indent=len(indent) + 2)
        out = [f"{indent}{SYMBOLS[case.outcome]} {first[0]}"] + [f"{indent}  {ln}" for ln in first[1:]]
    if verbose and case.withheld:
        out += [more + ln for ln in wrap(case.withheld, True, indent=len(more))]
    fresh = shown_hints is None or case.hint not in shown_hints
    if case.hint.strip() and fresh:
        if shown_hints is not None:
            shown_hints.add(case.hint)
        hint = wrap(case.hint, verbose, limit=1, indent=len(more) + 6)
        out.append(f"{more}{paint('hint:', '36')} {hint[0]}")
        out += [more + "      " + ln for ln in hint[1:]]
    if verbose and case.visibility is Visibility.PUBLIC:
        for label, value in (("expected", case.expected), ("actual", case.actual)):
            if value is not None:
                value_lines = clean(value).split("\n")
                out.append(f"{more}{label + ':':9} {value_lines[0]}")
                out += [f"{more}{'':9} {ln}" for ln in value_lines[1:]]
    return out


def _exercise_lines(ex: ExerciseResult, widths: tuple[int, int, int], paint: _Painter, verbose: bool,
                    wrap: _Wrap) -> list[str]:
    id_w, title_w, pts_w = widths
    word = f"{SYMBOLS[ex.outcome]} {ex.outcome.value:<7}"
    title = _clip(clean(ex.title).replace("\n", " "), title_w)
    line = (f"  {clean(ex.id):<{id_w}}  {title:<{title_w}}  {paint(word, COLOURS[ex.outcome])}"
            f"  {points(ex.score, ex.max_score):>{pts_w}}")
    out = [line.rstrip()]
    indent = " " * (id_w + 4)

    def said(text: str, limit: int = 2, most: int = SHORT_LINES) -> list[str]:
        return [indent + ln for ln in wrap(text, verbose, limit=limit, indent=len(indent), most=most)]

    if ex.override:
        comment = f" {clean(ex.override['comment'])}" if ex.override.get("comment") else ""
        out += said(f"score set by your instructor (computed: {fmt_number(ex.override['computed'])}){comment}")
    elif ex.needs_review:
        out += said("provisional: your instructor will review the written answer")
    if ex.withheld:
        out += said(ex.withheld, most=8)  # why points are not counted yet: worth its lines
    if verbose:
        for case in ex.cases:
            out += _case_lines(case, paint, True, indent, wrap)
        out += [f"{indent}note: {ln}" for fb in ex.feedback for ln in wrap(fb, True, indent=len(indent) + 6)]
        return out
    if ex.outcome is Outcome.PASSED:
        return out
    failing = [c for c in ex.cases if c.outcome is not Outcome.PASSED]
    if ex.outcome is Outcome.MISSING and failing:
        # Nothing there yet: what is missing, once, not per case, and none of the checks of how it is written,
        # which can only fail on an empty answer.  An untouched starter says nothing the closing line does not.
        missing = [c for c in failing if c.outcome is Outcome.MISSING] or failing
        for message in dict.fromkeys(c.message for c in missing if not untouched(c)):
            out += said(message, limit=1)
        hints = [c.hint for c in missing if c.hint and not untouched(c)]
        return out + ([f"{indent}    {paint('hint:', '36')} {ln}" if i == 0 else f"{indent}          {ln}"
                       for i, ln in enumerate(wrap(hints[0], False, 1, len(indent) + 10))] if hints else [])
    shown: set = set()
    for case in failing[:SHORT_CASES]:
        out += _case_lines(case, paint, False, indent, wrap, shown)
    if len(failing) > SHORT_CASES:
        out.append(f"{indent}… and {len(failing) - SHORT_CASES} more (run with --verbose)")
    if not ex.cases and ex.feedback:
        out += said(ex.feedback[0])
    return out


UNTOUCHED = re.compile(r"^(not attempted yet: the starter code|no written answer yet:|\S+ is still None: choose)")


def untouched(case: CaseResult) -> bool:
    """A case that is missing only because the starter is as it was handed out (code, choice or answer cell)."""
    return case.outcome is Outcome.MISSING and bool(UNTOUCHED.match(case.message or ""))


def _closing(result: SubmissionResult) -> list[str]:
    """The last lines: the score again, how many exercises are done, and what to do next."""
    counts = {o: sum(ex.outcome is o for ex in result.exercises) for o in Outcome}
    todo = [ex for ex in result.exercises if ex.outcome is not Outcome.PASSED]
    parts = [f"{counts[Outcome.PASSED]} passed"]
    partly = sum(counts[o] for o in (Outcome.PARTIAL, Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT))
    if partly:
        parts.append(f"{partly} to fix")
    if counts[Outcome.MISSING]:
        parts.append(f"{counts[Outcome.MISSING]} not started")
    line = (f"{points(result.score, result.max_score)} points ({percent(result.score, result.max_score)}) · "
            f"{len(result.exercises)} exercises: " + ", ".join(parts))
    out = [line]
    if result.mode == "check":
        if todo:
            out.append(f"next: {clean(todo[0].id)} ({clean(todo[0].title)}); --verbose shows every check")
        out.append("these are the public tests; when graded, hidden tests and the written answers' rubric decide, "
                   "so the graded score can differ")
    elif todo:
        out.append("--verbose shows every check")
    return out


def render_terminal(result: SubmissionResult, verbose: bool = False, color: bool | None = None,
                    width: int | None = None) -> str:
    """The report as text (no trailing newline), wrapped to *width* (default: the terminal's); ``color`` None
    means auto-detect (see :func:`use_colour`)."""
    paint = _Painter(use_colour(color))
    wrap = _Wrap(terminal_width(width))
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
        out += [f"  ! {ln}" for err in result.grader_errors for ln in wrap(err, verbose, limit=3, indent=4)]
    if result.exercises:
        out.append("")
        id_w = max(len(clean(ex.id)) for ex in result.exercises)
        pts_w = max(len(points(ex.score, ex.max_score)) for ex in result.exercises)
        room = wrap.width - (2 + id_w + 2 + 2 + 9 + 2 + pts_w)
        title_w = max(16, min(max(len(clean(ex.title)) for ex in result.exercises), 48, room))
        for ex in result.exercises:
            out += _exercise_lines(ex, (id_w, title_w, pts_w), paint, verbose, wrap)
    if verbose and result.notes:
        out.append("")
        out.append("notes:")
        out += [f"  - {ln}" for note in result.notes for ln in wrap(note, True, indent=4)]
    if verbose and result.timings:
        out.append("")
        out.append("timings: " + ", ".join(f"{clean(k)} {timing(k, v)}" for k, v in result.timings.items()))
    everything_passed = (result.exercises and not result.grader_errors
                         and all(ex.outcome is Outcome.PASSED for ex in result.exercises))
    if result.mode == "check" and everything_passed:
        out.append("")
        out.append(paint(CHECK_PASSED_LINE, "32"))
    elif result.exercises:
        out.append("")
        out += [ln for line in _closing(result) for ln in wrap(line, False, limit=1)]
    return "\n".join(out)


def _table_note(result: SubmissionResult) -> str:
    """Why a row's total is not a grade of the student's work, when it is not: said on the row itself."""
    if result.load_error is not None:
        return "unreadable: nothing was graded"
    if result.grader_errors:
        return "grader error: regrade"
    return ""


def summary_table(results, reports) -> str:
    """One line per submission: points per exercise (or, for a long catalogue, exercises passed), total, report.
    Every column is as wide as its widest cell, so long names and ids never run into each other."""
    ids = [ex.id for ex in results[0].exercises] if results else []
    wide = len(ids) <= 8
    names = [clean(r.submission).replace("\n", " ") for r in results]
    name_w = max([len("submission")] + [min(len(n), 40) for n in names])
    widths = [max(5, len(i)) for i in ids]
    totals = [f"{round(r.score, 2):g}/{r.max_score:g}" for r in results]
    total_w = max([len("total")] + [len(t) for t in totals])
    middle = " ".join(f"{i:>{w}}" for i, w in zip(ids, widths)) if wide else f"{'passed':>9}"
    lines = [f"{'submission':{name_w}} {middle} {'total':>{total_w}}  report"]
    for result, name, total, report in zip(results, names, totals, reports):
        if wide:
            middle = " ".join(f"{ex.score:{w}.3g}" for ex, w in zip(result.exercises, widths))
        else:
            done = sum(ex.outcome.value == "passed" for ex in result.exercises)
            middle = f"{f'{done}/{len(result.exercises)}':>9}"
        note = _table_note(result)
        shown = name if len(name) <= 40 else name[:39] + "…"
        lines.append(f"{shown:{name_w}} {middle} {total:>{total_w}}  {report}" + (f"  ({note})" if note else ""))
    return "\n".join(lines)
