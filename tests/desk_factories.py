"""A small class graded for real on q04 and q12 (code, choice and written answers), for the desk's tests.

Each student is a notebook as students write them: the code or choice cell, then the markdown answer cell.  Some
answers are right, some thin or wrong enough that the rubric flags them for review, one holds markup that must
stay text.
"""
from __future__ import annotations

import json
from pathlib import Path

EVIL = '<script>alert("answer")</script><img src=x onerror=alert(1)>'
RIGHT_Q04 = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"
WRONG_Q04 = "def double_odds(nums):\n    return [2 * n for n in nums]\n"
GOOD_Q4 = ("A list comprehension is a single expression that builds a new list by applying an expression to each "
           "item of an iterable. Its optional if condition filters the items, so only those that pass are kept.")
GOOD_Q12 = ("SGD repeatedly computes the gradient of the loss for every weight and moves each weight a small step "
            "against it so the loss goes down. It is stochastic because each step uses a randomly chosen "
            "mini-batch rather than the whole dataset.")

SALAD_Q4 = "list comprehension new list filter condition loop items keep"
NEGATED_Q4 = "A list comprehension does not filter anything and it does not build a new list."
UNKNOWN_Q4 = ("It is a way of writing things in Python that many programmers like because it reads nicely and feels "
              "natural to them when they write code every day at work.")
MIXED_Q12 = ("SGD moves each weight a small step against its gradient to lower the loss, and the stochastic part "
             "means the weights are changed at random.")

# name: (q04 code, q04 answer, q12 choice, q12 answer); the rubric flags ben's, cat's, dan's and eve's q04 answers
# and ben's and eve's q12 answers for review.
CLASS = {
    "ann": (RIGHT_Q04, GOOD_Q4, "d", GOOD_Q12),
    "ben": (WRONG_Q04, SALAD_Q4, "c", MIXED_Q12),
    "cat": (RIGHT_Q04, NEGATED_Q4, "d", "It changes weights."),
    "dan": (RIGHT_Q04, EVIL + " " + UNKNOWN_Q4, "d", GOOD_Q12),
    "eve": (WRONG_Q04, UNKNOWN_Q4, "a", MIXED_Q12),
}


def notebook(code: str, q4: str, choice: str, q12: str) -> str:
    cells = [("code", "# exercise: q04\n" + code), ("markdown", "**Your answer (Q4):**\n\n" + q4),
             ("code", f'# exercise: q12\nchoice_q12 = "{choice}"'), ("markdown", "**Your answer (Q12):**\n\n" + q12)]
    out = []
    for i, (kind, source) in enumerate(cells):
        cell = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                                 "display_name": "Python 3"}},
                       "nbformat": 4, "nbformat_minor": 5})


def write_class(folder: Path, students: dict | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, parts in (students or CLASS).items():
        path = folder / f"{name}.ipynb"
        path.write_text(notebook(*parts), encoding="utf-8")
        paths.append(path)
    return paths


def grade_class(tmp: Path, students: dict | None = None, **options) -> Path:
    """Grade the class into ``tmp/graded`` in this process and return that folder."""
    from grader.config import load_settings
    from grader.grading.batch import grade_many

    out = tmp / "graded"
    grade_many(write_class(tmp / "submissions", students), out, load_settings(timeout=60), exercise_ids=["q04", "q12"],
               **options)
    return out
