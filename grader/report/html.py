"""The HTML report: one self-contained file a student can open offline, on a laptop or a phone.

This module turns a :class:`SubmissionResult` into a plain view model (strings, numbers, ready-made chart markup)
and renders ``templates/report.html.j2`` with autoescaping on, because messages, titles and names come from
student code and must never become markup.  The only markup marked safe is what :mod:`grader.report.plots`
built (and escaped) itself.  Cases reach the template only through :meth:`CaseResult.redacted`, so a hidden case
cannot leak its expected/actual values whatever the grader stored.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from grader.report.units import timing
from grader.results import ExerciseResult, Outcome, SubmissionResult, Visibility

from .plots import confusion_svg, digit_data_uri, fmt_number, line_chart_svg
from .student_text import load_error
from .terminal import SYMBOLS, percent, points

TEMPLATES = Path(__file__).parent / "templates"


@functools.lru_cache(maxsize=None)
def _environment() -> Environment:
    """One environment per process: it keeps its compiled templates, so a batch compiles each once."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _broken(title: str, why: str) -> dict[str, Any]:
    return {"kind": "text", "title": title, "text": why}


def _metrics(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict) or not data:
        return None
    return {"kind": "metrics", "title": "Metrics", "rows": [(str(k), fmt_number(v)) for k, v in data.items()]}


def _curve(curve: Any) -> dict[str, Any]:
    title = str(curve.get("title") or "Learning curve")
    svg = line_chart_svg(curve)
    if svg is None:
        return _broken(title, "No finite values to draw.")
    names = ", ".join(str(k) for k in (curve.get("series") or {}))
    caption = f"{names} by {curve.get('x_label') or 'step'}." if names else ""
    return {"kind": "svg", "title": title, "svg": Markup(svg), "caption": caption}


def _confusion(conf: Any) -> dict[str, Any]:
    title = str(conf.get("title") or "Confusion matrix")
    svg = confusion_svg(conf)
    if svg is None:
        return _broken(title, "The matrix is not square numeric data, so it cannot be drawn.")
    caption = ("Rows: the true digit; columns: what the model predicted. The outlined diagonal counts correct "
               "predictions; every other non-zero cell is a mistake.")
    return {"kind": "svg", "title": title, "svg": Markup(svg), "caption": caption}


def _misclassified(data: Any) -> dict[str, Any]:
    title = str(data.get("title") or "Misclassified digits")
    images = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        uri = digit_data_uri(item.get("pixels") or [])
        true, pred = item.get("label", "?"), item.get("predicted", "?")
        if uri is not None:
            images.append({"uri": uri, "caption": f"true {true} → predicted {pred}",
                           "alt": f"Handwritten digit labelled {true}, predicted as {pred}"})
    if not images:
        return _broken(title, "No drawable images were recorded.")
    return {"kind": "images", "title": title, "images": images}


def pictures(artifacts: dict[str, Any]) -> list[dict[str, Any]]:
    """The pictures of one exercise, in a fixed order; unknown keys are ignored, bad data says so."""
    out: list[dict[str, Any]] = []
    builders = [("metrics", _metrics), ("curves", _curve), ("confusion", _confusion),
                ("misclassified", _misclassified)]
    for key, build in builders:
        value = artifacts.get(key)
        items = value if key == "curves" and isinstance(value, list) else [value]
        for item in items:
            if item is None or (key != "metrics" and not isinstance(item, dict)):
                continue
            try:
                picture = build(item)
            except Exception as exc:  # a malformed artifact must not cost the student the whole report
                picture = _broken(key.capitalize(), f"This picture could not be drawn ({type(exc).__name__}).")
            if picture is not None:
                out.append(picture)
    return out


def _case_view(case: Any) -> dict[str, Any]:
    c = case.redacted()
    public = c.visibility is Visibility.PUBLIC
    return {"name": c.name, "outcome": c.outcome.value, "icon": SYMBOLS[c.outcome],
            "points": points(c.score, c.max_score), "visibility": c.visibility.value, "message": c.message,
            "hint": c.hint, "expected": c.expected if public else None, "actual": c.actual if public else None,
            "duration": f"{c.duration:.2f}", "side": c.kind == "property", "withheld": c.withheld}


def _decision_view(override: dict[str, Any] | None) -> dict[str, Any] | None:
    """An instructor's decision on one case, as the student reads it."""
    if not override:
        return None
    return {"accepted": bool(override.get("accepted")), "score": fmt_number(override["score"]),
            "computed": fmt_number(override["computed"]), "comment": override.get("comment", "")}


def _late_view(result: SubmissionResult) -> dict[str, Any] | None:
    late = result.late
    if not late:
        return None
    return {"status": late["status"], "line": late["line"], "raw": fmt_number(late["raw_score"]),
            "penalty": fmt_number(late["penalty"]), "final": fmt_number(result.score),
            "submitted": late.get("submitted_at") or "not recorded", "due": late.get("due") or "",
            "extended": late.get("extended", False)}


def _requests_view(result: SubmissionResult) -> list[dict[str, Any]]:
    anchors = {ex.id: "ex-" + "".join(ch if ch.isalnum() else "-" for ch in ex.id) for ex in result.exercises}
    return [{"exercise": r["exercise"], "anchor": anchors.get(r["exercise"]), "reason": r["reason"],
             "status": r["status"], "reply": r.get("reply", ""), "answered_at": r.get("answered_at", "")}
            for r in result.requests]


def _exercise_view(ex: ExerciseResult) -> dict[str, Any]:
    return {"id": ex.id, "anchor": "ex-" + "".join(ch if ch.isalnum() else "-" for ch in ex.id),
            "title": ex.title, "kind": ex.kind, "outcome": ex.outcome.value, "icon": SYMBOLS[ex.outcome],
            "points": points(ex.score, ex.max_score),
            "cases": [{**_case_view(c), "decision": _decision_view(c.override)} for c in ex.cases],
            "feedback": list(ex.feedback), "pictures": pictures(ex.artifacts or {}),
            "override": ex.override, "needs_review": ex.needs_review, "withheld": ex.withheld}


def context(result: SubmissionResult) -> dict[str, Any]:
    """Everything the template needs, as plain values (handy for testing the view without parsing HTML)."""
    share = 100.0 * result.score / result.max_score if result.max_score else 0.0
    return {
        "name": result.submission, "path": result.path, "sha256": result.sha256,
        "score": points(result.score, result.max_score), "percent": percent(result.score, result.max_score),
        "bar_width": f"{min(max(share, 0.0), 100.0):.1f}", "outcome": result.outcome.value,
        "icon": SYMBOLS[result.outcome], "mode": result.mode, "isolation": result.isolation,
        "device": result.device, "grader_version": result.grader_version, "created": result.created,
        "notes": list(result.notes), "grader_errors": list(result.grader_errors),
        "timings": [(k.replace("_", " "), timing(k, v)) for k, v in result.timings.items()],
        "output": result.output,
        "exercises": [_exercise_view(ex) for ex in result.exercises],
        # The detailed sections: what needs work first, then the passed ones (collapsed), each in catalogue order.
        "sections": sorted((_exercise_view(ex) for ex in result.exercises), key=lambda v: v["outcome"] == "passed"),
        "all_passed": bool(result.exercises) and all(ex.outcome is Outcome.PASSED for ex in result.exercises),
        "late": _late_view(result), "requests": _requests_view(result),
        "unreadable": _unreadable_view(result),
    }


def _unreadable_view(result: SubmissionResult) -> dict[str, str] | None:
    case = load_error(result)
    return None if case is None else {"message": case.message, "hint": case.hint}


def render_html(result: SubmissionResult) -> str:
    """The whole report as one HTML document (inline CSS and pictures, no scripts, no external requests)."""
    return _environment().get_template("report.html.j2").render(**context(result))
