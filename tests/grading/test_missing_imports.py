"""A notebook written against fastai, graded where fastai is not installed: one note at the top traces the
NameErrors back to the import that failed, and each NameError points at it."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from grader.config import load_settings
from grader.grading import missing_imports
from grader.grading.grade import grade
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult

SIGMOID = "def sigmoid(x):\n    return 1 / (1 + torch.exp(-x))\n"


@pytest.mark.timeout(300)
def test_a_fastai_star_import_is_named_once_as_the_cause(make_notebook):
    path = make_notebook(["from fastai.vision.all import *\nimport torch", SIGMOID])
    result = grade(path, load_settings(), exercise_ids=["q21"])
    first = result.notes[0]
    assert first.startswith("cell 0 imports fastai, which is not available when graded")
    assert "(torch)" in first and "import torch" in first and "star import" in first
    failed = [c for c in result.exercise("q21").cases if "is not defined" in c.message]
    assert failed and all("cell 0's import of fastai failed" in c.message for c in failed)


def test_nothing_is_said_when_every_import_worked():
    result = SubmissionResult(submission="s", path="s.py", sha256="", score=0, max_score=1, exercises=[
        ExerciseResult(id="q21", title="", kind="code", outcome=Outcome.ERROR, score=0, max_score=1, cases=[
            CaseResult(name="c", outcome=Outcome.ERROR, score=0, max_score=1,
                       message="your code raised NameError: name 'x' is not defined")])])
    missing_imports.trace(result, [SimpleNamespace(index=0, error=None)])
    assert result.notes == [] and result.exercises[0].cases[0].message.endswith("is not defined")


def test_names_a_module_of_a_submodule_and_suggests_the_chapters_imports():
    cells = [SimpleNamespace(index=2, error={"type": "ModuleNotFoundError",
                                             "message": "No module named 'fastbook.utils'"}),
             SimpleNamespace(index=3, error={"type": "NameError", "message": "name 'nn' is not defined"})]
    result = SubmissionResult(submission="s", path="s.py", sha256="", score=0, max_score=0)
    missing_imports.trace(result, cells)
    assert result.notes == ["cell 2 imports fastbook, which is not available when graded, so everything after it "
                            "ran without it: the names your code then missed (nn) most likely came from it. Import "
                            "what you use directly (from torch import nn) instead of fastbook's star import, and "
                            "resubmit"]
