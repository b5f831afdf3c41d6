"""The class dashboard (``DIR/index.html``): what an instructor opens after grading a whole class.

One self-contained page: headline numbers, the score distribution, the pass rate of every exercise (hardest
first), a table of students linking to their reports, and the flags that need a human look
(:mod:`grader.review.flags`).  Like the student report, it is a pure function of plain data rendered by jinja2 with
autoescaping on: names, titles, messages and evidence may come from students and never become markup; the only
markup marked safe is the histogram that :mod:`grader.report.plots` built and escaped itself.

The students table is sorted by score in the HTML itself, so it reads well without JavaScript; a small inline
script (no external request) turns the column headers into sort buttons and keeps ``aria-sort`` up to date.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from grader.review.flags import KINDS, TITLES, Flag
from grader.results import Outcome, SubmissionResult

from .html import _environment
from .plots import fmt_number, histogram_svg
from .terminal import points

# What each kind of flag asks of the instructor, shown under its heading.
DESCRIPTIONS = {
    "grader": "The grader itself failed on these submissions; the grades are incomplete through no fault of the "
              "students. Fix the cause and regrade them.",
    "unreadable": "Files that could not be read at all: they scored 0 without being graded. Ask for a readable "
                  "copy (or fix the file) and regrade.",
    "empty": "Files that were read but answer no exercise: the untouched starter, the wrong file, or answers in "
             "cells the grader could not attribute.",
    "tampering": "Code that reaches for interpreter frames, the garbage collector, the sandbox's own modules or "
                 "rebinds library functions it did not define. No chapter answer needs that; the exercises it "
                 "touches earned no points for how their answers work, and those that reach the machinery the "
                 "sandbox's replies are made with are held at 0 until you read them (an override restores them).",
    "timeout": "Code that ran out of time: an endless loop, or slow but honest code on a busy machine.",
    "sandbox": "Submissions that hit a limit of the sandbox (memory, output, a crash); points may have been lost "
               "to the limit rather than to a mistake.",
    "similar": "Pairs whose own code is near-identical after renaming variables and reformatting. Starter code "
               "and lines most of the class wrote alike are not counted. Similar code is a reason to look, not "
               "proof of copying.",
    "perfect": "Trained models more accurate on held-out images than any reference solution. A stronger model "
               "can be legitimate; check how it was trained.",
}
OUTCOME_COLUMNS = (("passed", (Outcome.PASSED,)), ("partial", (Outcome.PARTIAL,)), ("failed", (Outcome.FAILED,)),
                   ("error or timeout", (Outcome.ERROR, Outcome.TIMEOUT)), ("missing", (Outcome.MISSING,)))
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//|^\\")


@dataclass(frozen=True)
class ClassRow:
    """One student of the class: the batch's key for them, the name to show, their result and their report."""

    student: str
    name: str
    result: SubmissionResult
    report_href: str  # relative to the dashboard, e.g. "alice/report.html"


def safe_href(href: str) -> str | None:
    """A relative link, percent-encoded; None for anything that could leave the folder's files (a scheme)."""
    href = (href or "").strip()
    if not href or _SCHEME.match(href):
        return None
    return quote(href, safe="/#%._-~")


def _share(result: SubmissionResult) -> float | None:
    return 100.0 * result.score / result.max_score if result.max_score else None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _tally(values: list[str]) -> str:
    """``"x"`` when all agree, ``"x (3), y (1)"`` when they do not, ``"not recorded"`` when none is known."""
    counts = Counter(v for v in values if v)
    if not counts:
        return "not recorded"
    if len(counts) == 1 and sum(counts.values()) == len(values):
        return next(iter(counts))
    missing = len(values) - sum(counts.values())
    parts = [f"{v} ({n})" for v, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return "mixed: " + ", ".join(parts + ([f"not recorded ({missing})"] if missing else []))


def _headline(rows: list[ClassRow], flags: list[Flag], generated: str) -> dict[str, Any]:
    shares = [s for s in (_share(r.result) for r in rows) if s is not None]
    created = sorted(r.result.created for r in rows if r.result.created)
    graded = "not recorded" if not created else created[0] if created[0] == created[-1] else (
        f"{created[0]} to {created[-1]}")
    return {
        "students": len(rows), "scored": len(shares), "unscored": len(rows) - len(shares),
        "median": _pct(statistics.median(shares)) if shares else "n/a",
        "mean": _pct(statistics.fmean(shares)) if shares else "n/a",
        "generated": generated, "graded": graded,
        "isolation": _tally([r.result.isolation for r in rows]),
        "grader_version": _tally([r.result.grader_version for r in rows]),
        "flagged": len({f.student for f in flags}), "flags": len(flags),
        "needs_review": sum(1 for r in rows for ex in r.result.exercises if ex.needs_review),
    }


def _histogram(rows: list[ClassRow]) -> Markup | None:
    shares = [s for s in (_share(r.result) for r in rows) if s is not None]
    svg = histogram_svg(shares, title="Score distribution", x_label="score (% of the points)", y_label="students")
    return Markup(svg) if svg else None


def _exercises(rows: list[ClassRow]) -> list[dict[str, Any]]:
    """Per exercise: outcome counts, pass rate and mean score, hardest (lowest pass rate) first."""
    order: dict[str, int] = {}
    titles: dict[str, str] = {}
    found: dict[str, list] = {}
    for row in rows:
        for ex in row.result.exercises:
            order.setdefault(ex.id, len(order))
            titles.setdefault(ex.id, ex.title)
            found.setdefault(ex.id, []).append(ex)
    out = []
    for ex_id, results in found.items():
        n = len(results)
        counts = [(label, sum(1 for ex in results if ex.outcome in outcomes)) for label, outcomes in OUTCOME_COLUMNS]
        passed = counts[0][1]
        possible = sum(ex.max_score for ex in results)
        mean = 100.0 * sum(ex.score for ex in results) / possible if possible else 0.0
        rate = 100.0 * passed / n
        out.append({"id": ex_id, "title": titles[ex_id], "students": n, "counts": counts, "passed": passed,
                    "rate": f"{rate:.0f}%", "rate_value": rate, "width": f"{rate:.1f}", "mean": f"{mean:.0f}%",
                    "mean_value": mean, "order": order[ex_id]})
    out.sort(key=lambda e: (e["rate_value"], e["mean_value"], e["order"]))
    return out


def _students(rows: list[ClassRow], flags: list[Flag], anchors: dict[int, str]) -> list[dict[str, Any]]:
    by_student: dict[str, list[tuple[str, str]]] = {}
    for index, flag in enumerate(flags):
        by_student.setdefault(flag.student, []).append((flag.kind, anchors[index]))
    out = []
    for row in rows:
        result = row.result
        share = _share(result)
        passed = sum(1 for ex in result.exercises if ex.outcome is Outcome.PASSED)
        review = sum(1 for ex in result.exercises if ex.needs_review)
        marks = by_student.get(row.student, [])
        out.append({"key": row.student, "name": row.name or row.student, "href": safe_href(row.report_href),
                    "points": points(result.score, result.max_score), "score_value": fmt_number(round(result.score, 4)),
                    "percent": _pct(share), "percent_value": "-1" if share is None else f"{share:.4f}",
                    "passed": f"{passed}/{len(result.exercises)}", "passed_value": str(passed),
                    "flags": marks, "flag_count": str(len(marks)), "review": review,
                    "grader_errors": bool(result.grader_errors)})
    out.sort(key=lambda s: (-float(s["percent_value"]), s["name"].lower(), s["key"]))
    return out


def _flag_sections(rows: list[ClassRow], flags: list[Flag], anchors: dict[int, str]) -> list[dict[str, Any]]:
    people = {row.student: (row.name or row.student, safe_href(row.report_href)) for row in rows}

    def person(key: str) -> dict[str, Any]:
        name, href = people.get(key, (key, None))
        return {"key": key, "name": name, "href": href}

    sections = []
    for kind in KINDS + tuple(sorted({f.kind for f in flags} - set(KINDS))):
        items = [{"anchor": anchors[i], **person(f.student), "summary": f.summary, "evidence": list(f.evidence),
                  "others": [person(o) for o in f.others]} for i, f in enumerate(flags) if f.kind == kind]
        if items:
            sections.append({"kind": kind, "title": TITLES.get(kind, kind), "description": DESCRIPTIONS.get(kind, ""),
                             "entries": items})
    return sections


def review_summary(gradings, requests: list[dict], changed: list[dict], out_dir, *, desk: bool = False
                   ) -> dict[str, Any]:
    """What is left for the instructor: answers to review per question, open regrade requests, decisions whose
    computed score changed underneath them, late submissions.  With *desk*, each item links to the desk's view
    of it (the dashboard as the desk serves it); otherwise the section names the command that opens the desk."""
    questions: dict[str, dict[str, Any]] = {}
    late = []
    names = {}
    for g in gradings:
        key = g.student.student
        names[key] = g.student.name or key
        for ex in g.result.exercises:
            entry = questions.setdefault(ex.id, {"id": ex.id, "title": ex.title, "left": 0,
                                                 "href": f"/q/{quote(ex.id)}" if desk else None})
            entry["left"] += ex.needs_review
        info = g.result.late
        if info and info["status"] in ("late", "unknown"):
            late.append({"key": key, "name": names[key], "line": info["line"], "penalty": fmt_number(info["penalty"]),
                         "href": f"/s/{quote(key)}" if desk else None})
    open_requests = [{"id": r["id"], "key": r["student"], "name": names.get(r["student"], r["student"]),
                      "exercise": r["exercise"], "reason": r["reason"]} for r in requests if r["status"] == "open"]
    moved = [{**c, "name": names.get(c["student"], c["student"]), "then": fmt_number(c["then"]),
              "now": "gone" if c["now"] is None else fmt_number(c["now"]), "score": fmt_number(c["score"]),
              "href": f"/s/{quote(c['student'])}" if desk else None} for c in changed]
    left = [q for q in questions.values() if q["left"]]
    left.sort(key=lambda q: (-q["left"], q["id"]))
    return {"desk": desk, "command": f"grader review {out_dir}", "left": sum(q["left"] for q in left),
            "questions": left, "requests": open_requests, "requests_href": "/requests" if desk else None,
            "changed": moved, "late": late}


def context(rows: list[ClassRow], flags: list[Flag], *, title: str, generated: str,
            review: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the template needs, as plain values (handy for testing the view without parsing HTML)."""
    anchors = {i: f"flag-{i + 1}" for i in range(len(flags))}
    return {"title": title, "headline": _headline(rows, flags, generated), "histogram": _histogram(rows),
            "exercises": _exercises(rows), "outcome_labels": [label for label, _ in OUTCOME_COLUMNS],
            "students": _students(rows, flags, anchors), "sections": _flag_sections(rows, flags, anchors),
            "kinds": list(KINDS), "review": review}


def render_dashboard(rows: list[ClassRow], flags: list[Flag], *, title: str, generated: str,
                     review: dict[str, Any] | None = None) -> str:
    """The class dashboard as one HTML document (inline CSS, SVG and a small sorting script; no requests).

    *review* (:func:`review_summary`) adds the section on what is left to review."""
    return _environment().get_template("class.html.j2").render(**context(rows, flags, title=title,
                                                                        generated=generated, review=review))
