"""Build the student workbook and the reference workbook from the exercise folders.

One source of truth: each exercise's ``prompt.md`` and ``starter.py`` (or ``solution.py``) become a markdown
and a code cell.  The code cell carries its exercise id twice, in metadata and as a first-line comment, so the
grader can attribute it even after a student copies the cell into another notebook.  Output is deterministic
(fixed cell ids), so a test can prove the committed notebooks are up to date.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat

from grader.catalog import Exercise

INTRO = """# Chapter 4 workbook: Under the Hood: Training a Digit Classifier

Each exercise below has a short prompt and a code cell to complete. Work top to bottom; every cell should run on
its own with `torch` installed (no download, no fastai).

**Check your work** from a terminal with `grader check workbook.ipynb` (or `grader check workbook.ipynb
--exercise q04` for one exercise). Those are the public tests; your instructor's hidden tests run when you
submit. Keep the first line of each code cell (`# exercise: ...`): it tells the grader which exercise the cell
answers.
"""

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def starter_of(ex: Exercise) -> Path:
    return ex.folder / "starter.py"


def solution_of(solutions_dir: Path) -> Callable[[Exercise], Path]:
    return lambda ex: solutions_dir / ex.id / "solution.py"


def example_of(spec: Path, solutions_dir: Path) -> Callable[[Exercise], Path]:
    """Answers chosen per exercise by an example spec (``solutions/examples/*.toml``); starters elsewhere."""
    from grader.config import tomllib

    answers = tomllib.loads(spec.read_text(encoding="utf-8")).get("answers", {})
    return lambda ex: solutions_dir / ex.id / answers[ex.id] if ex.id in answers else starter_of(ex)


def build(exercises: list[Exercise], code_for: Callable[[Exercise], Path], title: str = INTRO):
    """A notebook with a prompt and a code cell per exercise, the code taken from ``code_for(exercise)``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(_cell(nbformat.v4.new_markdown_cell(title), "intro"))
    for ex in exercises:
        code_path = code_for(ex)
        prompt = (ex.folder / "prompt.md").read_text(encoding="utf-8").strip()
        code = code_path.read_text(encoding="utf-8").strip()
        if code.startswith("# expect:"):
            code = code.split("\n", 1)[1].lstrip() if "\n" in code else ""
        nb.cells.append(_cell(nbformat.v4.new_markdown_cell(prompt), f"{ex.id}-prompt"))
        code_cell = nbformat.v4.new_code_cell(f"# exercise: {ex.id}\n{code}")
        code_cell.metadata["grader"] = {"exercise": ex.id}
        nb.cells.append(_cell(code_cell, f"{ex.id}-code"))
    return nb


def _cell(cell, cell_id: str):
    cell["id"] = cell_id
    return cell


def dumps(nb) -> str:
    return nbformat.writes(nb) + "\n"


def write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(dumps(nb), encoding="utf-8")
    tmp.replace(path)
