"""Flags on a graded class: submissions whose grade an instructor should look at before trusting it.

A flag is a reason to look, never a verdict.  Each says what was seen and shows the evidence, so the instructor can
decide in a minute whether it matters.  The kinds, in the order the dashboard lists them:

``grader``
    The grader itself failed on the submission (``grader_errors``): the grade is incomplete through no fault of
    the student, so regrade once the cause is fixed.
``unreadable``
    The file could not be read at all (not a notebook, empty, not UTF-8, too big...): nothing in it was graded and
    it scored 0, which says nothing about the student's work until a readable copy is graded.
``empty``
    The file was read but no exercise was answered: the untouched starter, the wrong file, or answers the grader
    could not attribute to exercises.
``tampering``
    The code reaches for interpreter frames, the garbage collector, the sandbox's own modules, or rebinds what
    it did not define (:mod:`grader.judge.tampering`, with the cell and line): no chapter answer needs that, and
    the exercise it belongs to earned no points for how its answer works.
``timeout``
    A cell or an exercise ran out of time (incidents of kind ``timeout``, or exercises whose outcome is
    ``timeout``): an infinite loop, or honest but slow code on a busy machine; the points lost may be unfair.
``sandbox``
    The submission hit another limit of the sandbox: memory, the process died, a reply the grader refused
    (protocol), output cut at the limit, or cells never run because earlier ones kept killing the sandbox.
``similar``
    Two submissions' own code is near-identical after renaming and reformatting (:mod:`grader.review.similarity`);
    both students are flagged, each naming the other.
``perfect``
    A trained model scored an accuracy of at least :data:`PERFECT` on held-out images, beyond anything the
    reference solutions reach.  Every correct Learner in FR1 trains the harness's fixed models along the
    reference's exact trajectory (0.98–0.99, ``solutions/fr1/CALIBRATION.md``), and the reference FR2 network
    reaches 0.975 (``solutions/fr2/CALIBRATION.md``), so 0.995 (at most 10 of FR1's 2,038 held-out images wrong)
    means something other than the chapter's method is at work: a stronger model in FR2, which may be fine, or
    training that somehow saw the held-out answers, which is not.

Flags are pure functions of the results and the code; the same class always gives the same flags in the same
order (kind, then student).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from grader.judge.scoring import HELD
from grader.results import Outcome, SubmissionResult
from grader.review.similarity import Pair, similar_pairs

HELD_LINE = HELD[0].upper() + HELD[1:30]  # how an exercise's feedback says it is held
KINDS = ("grader", "unreadable", "empty", "tampering", "timeout", "sandbox", "similar", "perfect")
TITLES = {"grader": "Grader errors", "unreadable": "Unreadable files", "empty": "Nothing answered",
          "tampering": "Code that reaches into the grader", "timeout": "Timeouts",
          "sandbox": "Sandbox limits", "similar": "Near-identical code", "perfect": "Suspiciously perfect accuracy"}
SANDBOX_INCIDENTS = {"memory": "the memory limit", "died": "the sandbox process died",
                     "protocol": "a reply the grader refused", "output": "the output limit",
                     "not_run": "cells not run"}
PERFECT = 0.995  # held-out accuracy at or above this, on an exercise that trains a model, is flagged
TRAINED = ("fr1", "fr2")  # exercises that train a model (also any exercise of kind "project")
# What the reference solutions reach on the metrics the hidden suites record (10 seeds; CALIBRATION.md).
REFERENCE = {
    ("fr1", "linear model"): "the reference linear model reaches 0.9818–0.9863 (0.9843 at the graded seed)",
    ("fr1", "784-30-1 net"): "the reference 784-30-1 net reaches 0.9838–0.9872 (0.9853 at the graded seed)",
    ("fr2", "test accuracy"): "the reference network reaches 0.9741–0.9771 (0.9747 at the graded seed)",
}
DEFAULT_REFERENCE = "the reference solutions reach about 0.98"
SIMILAR_THRESHOLD = 0.85
EVIDENCE_WIDTH = 300  # characters of one evidence line (a grader traceback can be long)


@dataclass(frozen=True)
class Flag:
    """One reason to look at one student's submission; ``others`` are students it is shared with."""

    student: str
    kind: str
    summary: str
    evidence: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def _short(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= EVIDENCE_WIDTH else line[:EVIDENCE_WIDTH - 1] + "…"


def _incident_line(incident: dict) -> str:
    """``"fr1: cell 7 ran past the 60 s limit"``: where it happened (unless the message says), then what."""
    message = str(incident.get("message") or incident.get("kind", ""))
    parts = [str(incident["exercise"])] if incident.get("exercise") else []
    cell = incident.get("cell")
    if cell is not None and not message.startswith(f"cell {cell}"):
        parts.append(f"cell {cell}")
    return _short(f"{', '.join(parts)}: {message}" if parts else message)


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _grader_flag(student: str, result: SubmissionResult) -> Flag | None:
    if not result.grader_errors:
        return None
    count = len(result.grader_errors)
    summary = (f"The grader itself failed ({count} problem{'s' if count != 1 else ''}); the grade is incomplete "
               "through no fault of the student: regrade once the cause is fixed.")
    return Flag(student, "grader", summary, _unique([_short(e) for e in result.grader_errors]))


def _unreadable_flag(student: str, result: SubmissionResult) -> Flag | None:
    case = result.load_error
    if case is None:
        return None
    summary = ("The file could not be read, so nothing in it was graded and it scored 0: ask the student for a "
               "readable copy (or fix the file) and regrade.")
    return Flag(student, "unreadable", summary, [_short(case.message)])


def _empty_flag(student: str, result: SubmissionResult) -> Flag | None:
    """Every exercise missing while nothing went wrong running the file: a cell that crashed or hung explains its
    own missing answers (and has its own flag), so only a file that ran cleanly and answered nothing is empty."""
    if not result.exercises or result.load_error or result.incidents or any(
            ex.outcome is not Outcome.MISSING or ex.feedback for ex in result.exercises):
        return None
    summary = ("No exercise was answered: the starter as handed out, the wrong file, or answers in cells the "
               "grader could not attribute to exercises (see the report's notes).")
    evidence = [_short(note) for note in result.notes[:3]] or [f"{len(result.exercises)} exercises, all missing"]
    return Flag(student, "empty", summary, _unique(evidence))


def _tampering_flag(student: str, result: SubmissionResult) -> Flag | None:
    evidence = [_short(f"{ex.id}: {line}") for ex in result.exercises for line in ex.tampering]
    if not evidence:
        return None
    touched = sorted({ex.id for ex in result.exercises if ex.tampering})
    held = sorted({ex.id for ex in result.exercises if any(line.startswith(HELD_LINE) for line in ex.feedback)})
    summary = (f"Code that reaches into the grader's machinery ({', '.join(touched)}): those exercises earned no "
               "points for how their answers work; read the lines before trusting the rest.")
    if held:
        summary += (f" {', '.join(held)} reach{'es' if len(held) == 1 else ''} the machinery the sandbox's replies "
                    "are made with and earned nothing until you read them (an override restores their points).")
    return Flag(student, "tampering", summary, _unique(evidence))


def _timeout_flag(student: str, result: SubmissionResult) -> Flag | None:
    incidents = [i for i in result.incidents if isinstance(i, dict) and i.get("kind") == "timeout"]
    exercises = [ex for ex in result.exercises if ex.outcome is Outcome.TIMEOUT]
    if not incidents and not exercises:
        return None
    evidence = [_incident_line(i) for i in incidents]
    evidence += [_short(f"{ex.id} ({ex.title}): outcome timeout, {ex.score:.4g} of {ex.max_score:.4g} points")
                 for ex in exercises]
    parts = []
    if incidents:
        parts.append(f"{len(incidents)} cell{'s' if len(incidents) != 1 else ''} ran out of time")
    if exercises:
        parts.append(f"{len(exercises)} exercise{'s' if len(exercises) != 1 else ''} timed out "
                     f"({', '.join(ex.id for ex in exercises)})")
    summary = "; ".join(parts) + ": check for an endless loop, or slow but honest code."
    summary = summary[0].upper() + summary[1:]
    return Flag(student, "timeout", summary, _unique(evidence))


def _sandbox_flag(student: str, result: SubmissionResult) -> Flag | None:
    incidents = [i for i in result.incidents if isinstance(i, dict) and i.get("kind") in SANDBOX_INCIDENTS]
    if not incidents:
        return None
    limits = list(dict.fromkeys(SANDBOX_INCIDENTS[i["kind"]] for i in incidents))
    summary = f"Hit {', '.join(limits)}: the answers involved may have lost points to the limit, not to a mistake."
    evidence = [f"{i['kind']}: {_incident_line(i)}" for i in incidents]
    return Flag(student, "sandbox", summary, _unique(evidence))


def _reference(exercise_id: str, metric: str) -> str:
    for (ex_id, prefix), text in REFERENCE.items():
        if ex_id == exercise_id and metric.lower().startswith(prefix):
            return text
    return DEFAULT_REFERENCE


def _perfect_flag(student: str, result: SubmissionResult) -> Flag | None:
    evidence = []
    for ex in result.exercises:
        metrics = (ex.artifacts or {}).get("metrics")
        if not (ex.id in TRAINED or ex.kind == "project") or not isinstance(metrics, dict):
            continue
        for name, value in metrics.items():
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if number and "accuracy" in str(name).lower() and math.isfinite(value) and PERFECT <= value <= 1.0:
                evidence.append(_short(f"{ex.id} {name}: {value:.4f}; {_reference(ex.id, str(name))}"))
    if not evidence:
        return None
    summary = (f"Accuracy of {PERFECT:g} or more on held-out images, above anything the reference solutions "
               "reach: check how the model was trained.")
    return Flag(student, "perfect", summary, evidence)


def _similar_flags(pairs: list[Pair]) -> list[Flag]:
    by_student: dict[str, list[tuple[str, Pair]]] = {}
    for pair in pairs:
        by_student.setdefault(pair.a, []).append((pair.b, pair))
        by_student.setdefault(pair.b, []).append((pair.a, pair))
    flags = []
    for student, found in by_student.items():
        found.sort(key=lambda item: (-item[1].score, item[0]))
        others = [other for other, _ in found]
        best = found[0][1]
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        summary = (f"Code {best.score:.0%} the same as {others[0]}'s{more} after renaming and reformatting: "
                   "compare the two reports and notebooks.")
        evidence = []
        for other, pair in found:
            if len(found) > 1:
                evidence.append(f"With {other}:")
            evidence.extend(_short(line) for line in pair.evidence)
        flags.append(Flag(student, "similar", summary, evidence, others))
    return flags


def find_flags(results: dict[str, SubmissionResult], codes: dict[str, str], starter: str, *,
               threshold: float = SIMILAR_THRESHOLD) -> list[Flag]:
    """Every flag on the class, ordered by kind (as in :data:`KINDS`) and then by student key.

    ``results`` and ``codes`` are keyed alike (the batch's folder names); ``codes`` holds each submission's code
    cells joined in order and ``starter`` the workbook's, for the similarity check.  A student with code but no
    result can still be flagged as similar.
    """
    flags: list[Flag] = []
    for student, result in results.items():
        for build in (_grader_flag, _unreadable_flag, _empty_flag, _tampering_flag, _timeout_flag, _sandbox_flag,
                      _perfect_flag):
            flag = build(student, result)
            if flag is not None:
                flags.append(flag)
    flags.extend(_similar_flags(similar_pairs(codes, starter, threshold)))
    return sorted(flags, key=lambda f: (KINDS.index(f.kind), f.student))
