"""``result.json``: the machine-readable form of a grade, the source the other reports can be rebuilt from.

Keys are sorted and indented so two runs of the same submission give identical files (diffable, cacheable).
The file keeps hidden cases' expected/actual values for instructors; pass ``redact=True`` for a copy that may
be handed to students.
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from grader.results import SubmissionResult

from grader.fileio import atomic_write_text


def redacted(result: SubmissionResult) -> SubmissionResult:
    """A copy of ``result`` whose hidden cases carry no expected/actual values."""
    exercises = [replace(ex, cases=[c.redacted() for c in ex.cases]) for ex in result.exercises]
    return replace(result, exercises=exercises)


def to_json(result: SubmissionResult, *, redact: bool = False) -> str:
    """The result as JSON text (sorted keys, indent 2, no trailing newline)."""
    data = (redacted(result) if redact else result).to_dict()
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)


def write_result(result: SubmissionResult, path: str | os.PathLike[str], *, redact: bool = False) -> Path:
    """Write :func:`to_json` plus a newline to ``path`` atomically (UTF-8) and return the path."""
    target = Path(path)
    atomic_write_text(target, to_json(result, redact=redact) + "\n")
    return target
