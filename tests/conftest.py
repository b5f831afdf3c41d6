"""Factory fixtures shared by the project's tests: write small real submissions, grade them."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from grader.config import REPO_ROOT, load_settings

SOLUTIONS = REPO_ROOT / "solutions"
EXERCISES = REPO_ROOT / "exercises"

# Test modules live in folders mirroring the package; the factories they share live here, beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# tests/hostile/ holds hostile submissions (a shipped conftest.py, a fake torch.py and pytest.py among them): data
# for tests/test_hostile.py, never to be collected or imported by pytest itself.
collect_ignore = ["hostile"]


def notebook_json(cells: list[str | tuple[str, dict]], nbformat_minor: int = 5) -> str:
    """A minimal nbformat-4 notebook; a cell is source text or (source, metadata)."""
    out = []
    for i, cell in enumerate(cells):
        source, meta = cell if isinstance(cell, tuple) else (cell, {})
        out.append({"cell_type": "code", "id": f"c{i}", "metadata": meta, "execution_count": None,
                    "outputs": [], "source": source})
    return json.dumps({"cells": out, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                                 "display_name": "Python 3"}},
                       "nbformat": 4, "nbformat_minor": nbformat_minor})


@pytest.fixture
def make_notebook(tmp_path):
    def make(cells, name: str = "student.ipynb") -> Path:
        path = tmp_path / name
        path.write_text(notebook_json(cells), encoding="utf-8")
        return path
    return make


@pytest.fixture
def make_script(tmp_path):
    def make(source: str, name: str = "student.py") -> Path:
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        return path
    return make


@pytest.fixture
def settings():
    """Grading settings with limits small enough for tests to end quickly when student code misbehaves."""
    return load_settings(timeout=20, memory_mb=2048)


@pytest.fixture
def grade_it(settings):
    from grader.grading.grade import grade

    def run(path, exercises=None, mode="grade", **overrides):
        chosen = load_settings(**{"timeout": 20, "memory_mb": 2048, **overrides}) if overrides else settings
        return grade(path, chosen, mode=mode, exercise_ids=exercises)
    return run
