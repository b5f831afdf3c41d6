"""The self-check's inline view in a notebook: an HTML fragment and its plain-text twin.

Both are pure functions of a :class:`SubmissionResult` (``mode="check"``).  The HTML is one self-contained
fragment with inline styles only (no ``<style>`` block that could restyle the rest of the notebook, no script, no
external request), so it survives the sanitising some front ends apply to outputs.  Every outcome is shown as a
symbol *and* a word, never by colour alone.  Text that came from the student's code (messages, values) is escaped
for HTML and stripped of control characters for text.  Cases go through :meth:`CaseResult.redacted`, so a
hidden case could never show expected or actual values even if one reached a self-check.
"""
from __future__ import annotations

from html import escape

from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility

from .terminal import SYMBOLS, clean, percent, points

FOOTER = "public tests only; hidden tests run when your work is graded"
BAR_WIDTH = 30  # characters of the text score bar
# Ink, background and edge per outcome (the HTML report's palette: dark ink on a light tint, contrast >= 4.5).
PALETTE = {Outcome.PASSED: ("#0f5323", "#dcf5e3", "#1a7f37"), Outcome.FAILED: ("#8a1020", "#fde2e4", "#c62839"),
           Outcome.PARTIAL: ("#5c3d00", "#fff1c2", "#b7791f"), Outcome.ERROR: ("#6b1a7a", "#f6e3fa", "#9c36b5"),
           Outcome.TIMEOUT: ("#6e3800", "#ffe8d1", "#c05621"), Outcome.MISSING: ("#3d3d3d", "#ececec", "#767676")}
MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"


def _share(result: SubmissionResult) -> float:
    return min(max(100.0 * result.score / result.max_score, 0.0), 100.0) if result.max_score else 0.0


def _title(result: SubmissionResult) -> str:
    ids = [ex.id for ex in result.exercises]
    if len(ids) <= 3:
        return "Self-check: " + ", ".join(ids) if ids else "Self-check"
    return f"Self-check: {len(ids)} exercises"


def _collapsed(ex: ExerciseResult) -> str | None:
    """The one message every case of an exercise shares when nothing was answered ("x is not defined"), else
    None: said once instead of once per case."""
    if ex.outcome is not Outcome.MISSING or not ex.cases:
        return None
    messages = {c.message for c in ex.cases if c.outcome is not Outcome.PASSED}
    return next(iter(messages)) if len(messages) == 1 else None


# ------------------------------------------------------------------------------------------------ plain text

def _bar(result: SubmissionResult) -> str:
    filled = round(_share(result) / 100.0 * BAR_WIDTH)
    return "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"


def _indented(label: str, text: str, indent: str) -> list[str]:
    lines = clean(text).split("\n")
    pad = indent + " " * (len(label) + 1)
    return [f"{indent}{label} {lines[0]}"] + [pad + ln for ln in lines[1:]]


def _case_text(case: CaseResult, indent: str) -> list[str]:
    case = case.redacted()
    out = [f"{indent}{SYMBOLS[case.outcome]} {case.outcome.value:<7}  {clean(case.name)}  "
           f"({points(case.score, case.max_score)})"]
    more = indent + "    "
    if case.withheld:
        out += _indented("", case.withheld, more[:-1])
    if case.outcome is not Outcome.PASSED and case.message:
        out += _indented("", case.message, more[:-1])
    if case.outcome is not Outcome.PASSED and case.visibility is Visibility.PUBLIC:
        for label, value in (("expected:", case.expected), ("actual:  ", case.actual)):
            if value is not None:
                out += _indented(label, value, more)
    if case.outcome is not Outcome.PASSED and case.hint.strip():
        out += _indented("hint:", case.hint, more)
    return out


def render_text(result: SubmissionResult) -> str:
    """The self-check as plain text: what a front end that does not render HTML shows."""
    out = [f"{_title(result)} — {points(result.score, result.max_score)} points "
           f"({percent(result.score, result.max_score)})",
           _bar(result)]
    if result.grader_errors:
        out.append("")
        out.append("GRADER ERROR — a problem in the grader itself, not in your work:")
        out += [f"  ! {clean(err)}" for err in result.grader_errors]
    for ex in result.exercises:
        out.append("")
        out.append(f"{SYMBOLS[ex.outcome]} {ex.outcome.value:<7}  {clean(ex.id)}  {clean(ex.title)}  "
                   f"({points(ex.score, ex.max_score)})")
        if ex.withheld:
            out += _indented("", ex.withheld, "   ")
        shared = _collapsed(ex)
        if shared is not None:
            out += _indented("", shared, "   ")
            hints = [c.hint for c in ex.cases if c.hint.strip()]
            if hints:
                out += _indented("hint:", hints[0], "    ")
        else:
            for case in ex.cases:
                out += _case_text(case, "    ")
        out += [f"    note: {clean(line)}" for line in ex.feedback]
    if result.notes:
        out.append("")
        out += [f"note: {clean(note)}" for note in result.notes]
    out.append("")
    out.append(f"— {FOOTER}.")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ HTML

def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _badge(outcome: Outcome) -> str:
    ink, background, edge = PALETTE[outcome]
    return (f'<span style="display:inline-block;white-space:nowrap;color:{ink};background:{background};'
            f'border:1px solid {edge};border-radius:999px;padding:0 .5em;font-weight:600">'
            f'<span aria-hidden="true">{_e(SYMBOLS[outcome])}</span> {_e(outcome.value)}</span>')


def _pre(text: str) -> str:
    return (f'<pre style="margin:.15em 0;padding:.3em .5em;background:#f6f7f9;border:1px solid #d0d0d0;'
            f'border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;font-family:{MONO};'
            f'font-size:.9em;color:#1b1b1b">{_e(text)}</pre>')


def _case_html(case: CaseResult) -> str:
    case = case.redacted()
    edge = PALETTE[case.outcome][2]
    cell = "padding:.3em .5em;border-bottom:1px solid #e0e0e0;vertical-align:top;text-align:left"
    row = (f'<tr><td style="{cell};border-left:4px solid {edge}">{_badge(case.outcome)}</td>'
           f'<td style="{cell};overflow-wrap:anywhere">{_e(case.name)}</td>'
           f'<td style="{cell};text-align:right;white-space:nowrap">{_e(points(case.score, case.max_score))}</td>'
           "</tr>")
    if case.outcome is Outcome.PASSED and not case.withheld:
        return row
    details = []
    if case.withheld:
        details.append(f'<div style="color:#5c3d00">{_e(case.withheld)}</div>')
    if case.message and case.outcome is not Outcome.PASSED:
        details.append(f'<div style="white-space:pre-wrap;overflow-wrap:anywhere">{_e(case.message)}</div>')
    if case.visibility is Visibility.PUBLIC and (case.expected is not None or case.actual is not None):
        for label, value in (("expected", case.expected), ("actual", case.actual)):
            if value is not None:
                details.append(f'<div><strong style="color:#4d4d4d">{label}</strong>{_pre(value)}</div>')
    if case.hint.strip() and case.outcome is not Outcome.PASSED:
        details.append(f'<div style="border-left:3px solid #0b4f8a;padding-left:.5em;margin-top:.25em;'
                       f'white-space:pre-wrap;overflow-wrap:anywhere"><strong>hint:</strong> {_e(case.hint)}</div>')
    if not details:
        return row
    return row + (f'<tr><td style="{cell};border-left:4px solid {edge}"></td>'
                  f'<td colspan="2" style="{cell}">{"".join(details)}</td></tr>')


def _exercise_html(ex: ExerciseResult, many: bool) -> str:
    head = (f'<summary style="cursor:pointer;padding:.3em 0">{_badge(ex.outcome)} '
            f'<strong style="font-family:{MONO}">{_e(ex.id)}</strong> {_e(ex.title)} '
            f'<span style="color:#4d4d4d;white-space:nowrap">— {_e(points(ex.score, ex.max_score))} points'
            "</span></summary>")
    shared = _collapsed(ex)
    if shared is not None:
        hints = [c.hint for c in ex.cases if c.hint.strip()]
        body = f'<div style="margin:.2em 0 .4em 1.5em;white-space:pre-wrap">{_e(shared)}</div>'
        if hints:
            body += (f'<div style="margin:0 0 .4em 1.5em;border-left:3px solid #0b4f8a;padding-left:.5em">'
                     f'<strong>hint:</strong> {_e(hints[0])}</div>')
    else:
        rows = "".join(_case_html(c) for c in ex.cases)
        body = ('<table style="border-collapse:collapse;width:100%;margin:.2em 0 .4em;font-size:inherit">'
                '<thead><tr><th style="text-align:left;padding:.2em .5em">outcome</th>'
                '<th style="text-align:left;padding:.2em .5em">case</th>'
                '<th style="text-align:right;padding:.2em .5em">points</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>")
    body += "".join(f'<div style="margin:0 0 .4em 1.5em;color:#4d4d4d">note: {_e(line)}</div>'
                    for line in ex.feedback)
    if ex.withheld:
        body = (f'<div style="margin:.2em 0 .4em 1.5em;border-left:3px solid #b7791f;padding-left:.5em">'
                f'<strong>withheld:</strong> {_e(ex.withheld)}</div>') + body
    # Open what needs work; with many exercises, unanswered ones stay closed (their summary says "missing").
    opened = "" if ex.outcome is Outcome.PASSED or (ex.outcome is Outcome.MISSING and many) else " open"
    return (f'<details{opened} style="border-top:1px solid #d0d0d0;padding:.2em 0">{head}{body}</details>')


def render_html(result: SubmissionResult) -> str:
    """The self-check as one HTML fragment for a notebook output (inline styles, nothing external)."""
    share = _share(result)
    ink = PALETTE[result.outcome][2]
    parts = [
        '<div class="grader-selfcheck" style="font-family:system-ui,-apple-system,\'Segoe UI\',Roboto,Arial,'
        'sans-serif;font-size:14px;line-height:1.45;color:#1b1b1b;background:#ffffff;border:1px solid #d0d0d0;'
        'border-radius:6px;padding:.6em .8em;max-width:60em">',
        '<div style="display:flex;flex-wrap:wrap;justify-content:space-between;gap:.2em 1em;align-items:baseline">'
        f'<strong style="font-size:1.1em">{_e(_title(result))}</strong>'
        f'<span>{_badge(result.outcome)} <strong>{_e(points(result.score, result.max_score))}</strong> points '
        f'({_e(percent(result.score, result.max_score))})</span></div>',
        f'<div role="progressbar" aria-label="score" aria-valuemin="0" aria-valuemax="100" '
        f'aria-valuenow="{share:.1f}" style="height:.8em;margin:.4em 0 .5em;background:#e4e4e4;'
        f'border:1px solid #767676;border-radius:4px;overflow:hidden">'
        f'<div style="width:{share:.1f}%;height:100%;background:{ink}"></div></div>',
    ]
    if result.grader_errors:
        items = "".join(f"<li>{_e(err)}</li>" for err in result.grader_errors)
        parts.append('<div style="border:1px solid #c62839;background:#fde2e4;color:#8a1020;border-radius:4px;'
                     'padding:.3em .6em;margin:.3em 0"><strong>Grader error</strong>: a problem in the grader '
                     f'itself, not in your work.<ul style="margin:.2em 0">{items}</ul></div>')
    parts += [_exercise_html(ex, len(result.exercises) > 3) for ex in result.exercises]
    if result.notes:
        items = "".join(f"<li>{_e(note)}</li>" for note in result.notes)
        parts.append(f'<ul style="margin:.4em 0;padding-left:1.2em;color:#4d4d4d">{items}</ul>')
    parts.append(f'<div style="border-top:1px solid #d0d0d0;margin-top:.4em;padding-top:.3em;color:#4d4d4d;'
                 f'font-size:.9em">{_e(FOOTER)}.</div>')
    parts.append("</div>")
    return "".join(parts)
