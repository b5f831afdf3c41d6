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
from grader.intake.submission import PLACEHOLDER

INTRO = """# Chapter 4 workbook: Under the Hood: Training a Digit Classifier

Each exercise below has a short prompt and a code cell to complete. Work top to bottom; every cell should run on
its own with `torch` installed (no download, no fastai). To experiment on the chapter's threes and sevens, use
`from grader.data import load_sample` (arrays `x_train`, `y_train`, `x_valid`, `y_valid`; while your work is
graded, the validation split is a stand-in taken from the training images).

**Check your work** from a terminal with `grader check workbook.ipynb` (or `grader check workbook.ipynb
--exercise q04` for one exercise). Those are the public tests; your instructor's hidden tests run when you
submit. Keep the first line of each code cell (`# exercise: ...`) and of each answer cell (`**Your answer
(Q4):**`): they tell the grader which exercise a cell answers. Multiple-choice answers are letters in a variable
(`choice_q12 = "b"`, or a list of letters where several apply or an order is asked). Written answers are scored
against a rubric of key ideas, and your instructor reviews the ones the rubric is unsure about.
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


def example_answers(spec: Path, solutions_dir: Path) -> Callable[[Exercise], str | None]:
    """Reference written answers for the exercises an example spec lists under ``written``."""
    from grader.config import tomllib

    chosen = set(tomllib.loads(spec.read_text(encoding="utf-8")).get("written", []))
    reference = reference_answer(solutions_dir)
    return lambda ex: reference(ex) if ex.id in chosen else None


def reference_answer(solutions_dir: Path) -> Callable[[Exercise], str | None]:
    def answer(ex: Exercise) -> str | None:
        path = solutions_dir / ex.id / "answer.md"
        return path.read_text(encoding="utf-8").strip() if path.is_file() else None
    return answer


def answer_cell(ex: Exercise, text: str | None):
    """The markdown cell a student writes their explanation in; its first line tells the grader whose it is."""
    label = ex.id.upper().replace("Q0", "Q")
    body = f"**Your answer ({label}):**\n\n{text or PLACEHOLDER}"
    cell = nbformat.v4.new_markdown_cell(body)
    cell.metadata["grader"] = {"answer": ex.id}
    return _cell(cell, f"{ex.id}-answer")


def build(exercises: list[Exercise], code_for: Callable[[Exercise], Path], title: str = INTRO,
          answer_for: Callable[[Exercise], str | None] | None = None):
    """A notebook with, per exercise, its prompt, a code cell (from ``code_for``) and, for questions that ask for
    an explanation, an answer cell (text from ``answer_for``, else a placeholder)."""
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
        if ex.written:
            question = nbformat.v4.new_markdown_cell(f"**Explain ({ex.question}):** {ex.written['prompt'].strip()}")
            nb.cells.append(_cell(question, f"{ex.id}-question"))
            nb.cells.append(answer_cell(ex, answer_for(ex) if answer_for else None))
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


def rebuild(settings, write_stale: bool = True) -> list[Path]:
    """The committed notebooks (workbook, reference, examples) that differ from what their sources build,
    rewritten unless *write_stale* is false."""
    from grader.catalog import load_catalog

    catalog = load_catalog(settings.exercises_dir)
    targets = {settings.exercises_dir / "workbook.ipynb": build(catalog, starter_of),
               settings.solutions_dir / "reference.ipynb": build(catalog, solution_of(settings.solutions_dir),
                                                                  answer_for=reference_answer(settings.solutions_dir))}
    for spec in sorted((settings.solutions_dir / "examples").glob("*.toml")):
        targets[spec.with_suffix(".ipynb")] = build(catalog, example_of(spec, settings.solutions_dir),
                                                    answer_for=example_answers(spec, settings.solutions_dir))
    stale = []
    for path, nb in targets.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != dumps(nb):
            stale.append(path)
            if write_stale:
                write(nb, path)
    return stale
