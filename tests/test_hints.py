"""Hints point at the idea and the chapter section; none of them gives the answer away."""
from __future__ import annotations

import ast
import re

import pytest

from grader.catalog import load_catalog
from grader.config import REPO_ROOT

CATALOG = load_catalog(REPO_ROOT / "exercises")
SOLUTIONS = REPO_ROOT / "solutions"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_lines(exercise_id: str) -> list[str]:
    """The reference's lines of code that are the answer: not imports, signatures, docstrings or comments."""
    path = SOLUTIONS / exercise_id / "solution.py"
    if not path.is_file():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {node.body[0].value.lineno for node in ast.walk(tree)
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if (len(squeeze(text)) >= 12 and number not in docstrings and not text.startswith(("#", "import ", "from ",
                                                                                          "def ", "class ", '"""'))):
            lines.append(squeeze(text))
    return lines


HINT_POSITION = {"fail": 1, "Failure": 1, "expect_equal": 3, "expect_close": 3, "expect_tensor": 2}


def _strings(node) -> list[str]:
    """The text a hint expression spells: string literals, f-string parts, and names of module-level hints."""
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def suite_hints(exercise) -> list[str]:
    """Every hint a suite can show: ``hint=`` arguments, the hint position of fail()/expect_*(), and
    module-level names with HINT in them."""
    hints = []
    for path in (exercise.folder / "test_public.py", SOLUTIONS / exercise.id / "test_hidden.py"):
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name) and "HINT" in t.id.upper()}
        hints += [text for value in named.values() for text in _strings(value)]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            chosen = [k.value for k in node.keywords if k.arg == "hint"]
            if name in HINT_POSITION and len(node.args) > HINT_POSITION[name]:
                chosen.append(node.args[HINT_POSITION[name]])
            hints += [text for value in chosen for text in _strings(value)]
    return hints


@pytest.mark.parametrize("exercise", CATALOG, ids=[ex.id for ex in CATALOG])
def test_no_hint_contains_a_line_of_the_reference_solution(exercise):
    texts = [squeeze(t) for t in suite_hints(exercise)]
    assert texts or not (exercise.folder / "test_public.py").is_file(), "no hints found: is the scan broken?"
    given_away = [line for line in solution_lines(exercise.id) if any(line in text for text in texts)]
    assert given_away == []


def test_the_check_would_catch_a_hint_that_is_the_solution():
    lines = solution_lines("q18")
    assert lines and any("backward" in line for line in lines)
    leaky = f"HINT = {'Q18: ' + '; '.join(lines)!r}\n"
    hints = [squeeze(t) for node in ast.walk(ast.parse(leaky)) for t in _strings(node)]
    assert all(any(line in hint for hint in hints) for line in lines)
