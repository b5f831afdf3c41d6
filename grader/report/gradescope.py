"""Gradescope's autograder ``results.json``: the grade in the form Gradescope shows a student.

Layout (Gradescope's autograder specification): a top-level ``score`` and ``output`` for the whole submission,
and one entry in ``tests`` per case, numbered ``<exercise>.<n>`` so Gradescope keeps the notebook's order.

Choices worth knowing:

* Every text is declared ``"text"`` (``output_format``, ``test_output_format``, ``test_name_format``): Gradescope's
  default for the top-level output renders HTML, and these strings come from students' notebooks.
* A hidden case's entry carries only its message and hint (:meth:`CaseResult.redacted`), so it is safe to show;
  by default every entry is ``visible``, as in the grader's own reports.  ``hidden_visibility`` can delay hidden
  cases (``after_due_date``...) but Gradescope then hides the total score from students until they show.
* The top-level ``score`` is :attr:`SubmissionResult.score`, which includes instructor overrides; Gradescope lets
  it win over the sum of the tests, and the output says which exercise an instructor rescored.  Without overrides
  the tests add up to it.  An exercise without cases gets one entry, so the tests' ``max_score`` always adds up to
  the submission's maximum.
* Grader errors and an unreadable notebook lead the top-level output: they explain a low score before any test.
* ``stdout_visibility`` defaults to ``hidden``: what the autograder printed is for the instructor.
* A late penalty is in the top-level ``score`` (the tests keep their points), is a line of the output, and is in
  ``extra_data`` (``raw_score``, ``late_penalty``, ``late``).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from grader.results import Outcome, SubmissionResult, Visibility

from grader.fileio import atomic_write_text
from .student_text import case_text, exercise_cases, one_line, summary

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def _points(value: float) -> float:
    return round(float(value), 4)


def _check_visibility(name: str, value: str) -> str:
    if value not in VISIBILITIES:
        raise ValueError(f"{name} must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return value


def gradescope_results(result: SubmissionResult, *, visibility: str = "visible", hidden_visibility: str = "visible",
                       stdout_visibility: str = "hidden") -> dict[str, Any]:
    """The ``results.json`` object for ``result`` (plain JSON types only).

    ``visibility`` is the whole result's, ``hidden_visibility`` that of the entries of hidden cases (public cases
    are always ``visible``), ``stdout_visibility`` that of the autograder's printed output.
    """
    _check_visibility("visibility", visibility)
    _check_visibility("hidden_visibility", hidden_visibility)
    _check_visibility("stdout_visibility", stdout_visibility)
    tests: list[dict[str, Any]] = []
    for ex in result.exercises:
        for number, case in enumerate(exercise_cases(ex), 1):
            tests.append({
                "name": f"{one_line(ex.id)} — {one_line(ex.title)} — {one_line(case.name)}",
                "number": f"{one_line(ex.id)}.{number}",
                "score": _points(case.score),
                "max_score": _points(case.max_score),
                "status": "passed" if case.outcome is Outcome.PASSED else "failed",
                "output": case_text(case),
                "visibility": "visible" if case.visibility is Visibility.PUBLIC else hidden_visibility,
            })
    data: dict[str, Any] = {"score": _points(result.score)}
    if "total" in result.timings:
        data["execution_time"] = int(round(float(result.timings["total"])))
    data.update({
        "output": summary(result),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": visibility,
        "stdout_visibility": stdout_visibility,
        "extra_data": {"submission": one_line(result.submission), "sha256": result.sha256,
                       "max_score": _points(result.max_score), "mode": result.mode,
                       "grader_version": result.grader_version, "grader_errors": len(result.grader_errors),
                       **({"raw_score": _points(result.late["raw_score"]),
                           "late_penalty": _points(result.late["penalty"]), "late": one_line(result.late["line"])}
                          if result.late else {})},
        "tests": tests,
    })
    return data


def gradescope_json(result: SubmissionResult, **options: str) -> str:
    """:func:`gradescope_results` as JSON text (indent 2, UTF-8 characters kept, no trailing newline)."""
    return json.dumps(gradescope_results(result, **options), indent=2, ensure_ascii=False, allow_nan=False)


def write_gradescope(result: SubmissionResult, path: str | os.PathLike[str], **options: str) -> Path:
    """Write :func:`gradescope_json` plus a newline to ``path`` (``/autograder/results/results.json``) atomically."""
    target = Path(path)
    atomic_write_text(target, gradescope_json(result, **options) + "\n")
    return target
