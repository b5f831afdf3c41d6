"""Large submissions load in time linear in their size, and what deserves a cap has one, with a clear result.

No speed is asserted (bench/intake_scale.py measures it); the hang guards are generous, far above the linear
time and far below what the quadratic joins once took (a minute for 72,000 answer cells).
"""
import json

import pytest

from grader.intake import submission
from grader.intake.submission import MAX_ANSWER_CHARS, MAX_CELLS

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"


def notebook(cells: list[dict]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": text}


@pytest.mark.timeout(60)  # a hang guard
def test_seventy_two_thousand_answer_cells_load_and_the_answer_is_cut_to_its_cap(tmp_path):
    path = tmp_path / "flood.ipynb"
    body = "a list comprehension builds a list " * 3
    path.write_text(notebook([markdown(f"**Your answer (Q4):** {body}") for _ in range(72_000)] + [code(RIGHT)]))
    sub = submission.load(path, {"q04": ["double_odds"]})
    assert sub.load_error is None and len(sub.cells) == 1 and sub.cells[0].exercise == "q04"
    assert len(sub.answers["q04"]) == MAX_ANSWER_CHARS
    assert sub.answers["q04"].startswith(body.strip() + "\n" + body.strip())
    whole = 72_000 * len(body.strip()) + 71_999
    assert sub.notes == [f"the written answer for q04 is {whole:,} characters long in 72,000 cells; only its first "
                         f"{MAX_ANSWER_CHARS:,} were scored"]


def test_answer_cells_join_as_before_empty_ones_left_out(tmp_path):
    path = tmp_path / "parts.ipynb"
    path.write_text(notebook([markdown("**Your answer (Q4):** first"), markdown("**Your answer (Q4):**"),
                              markdown("**Your answer (Q4):**  second  ")]))
    assert submission.load(path).answers == {"q04": "first\nsecond"}


def test_more_code_cells_than_a_submission_may_have_is_a_clear_load_error(tmp_path):
    path = tmp_path / "cells.ipynb"
    path.write_text(notebook([code("x = 1")] * (MAX_CELLS + 1)))
    sub = submission.load(path)
    assert sub.cells == [] and sub.load_error == (
        f"the notebook has {MAX_CELLS + 1:,} code cells; a submission may have at most {MAX_CELLS:,} (the workbook "
        "has 39): merge or delete scratch cells and resubmit")
    path.write_text(notebook([code("x = 1")] * MAX_CELLS + [markdown("notes")] * 5000))
    assert submission.load(path).load_error is None  # markdown cells are not run, so they do not count


@pytest.mark.timeout(60)  # a hang guard
def test_a_script_of_twenty_thousand_statements_runs_in_groups_of_consecutive_statements(tmp_path):
    path = tmp_path / "long.py"
    path.write_text("".join(f"v{i} = {i}\n" for i in range(20_000)) + "\n\n" + RIGHT)
    sub = submission.load(path, {"q04": ["double_odds"]})
    assert sub.load_error is None and len(sub.cells) == 1819 <= MAX_CELLS  # 20,001 statements, 11 a cell
    assert sub.notes == ["the file has 20,001 top-level statements; they were run as 1,819 cells of up to 11 "
                         "statements each (a failing statement stops the rest of its cell)"]
    assert "".join(c.source for c in sub.cells) == path.read_text()  # every line once, in order
    assert sub.cells[-1].exercise == "q04" and sub.cells[-1].source.endswith(RIGHT)


def test_a_script_under_the_cap_still_runs_one_statement_a_cell(tmp_path):
    path = tmp_path / "short.py"
    path.write_text("x = 1\n1 / 0\n" + RIGHT)
    sub = submission.load(path, {"q04": ["double_odds"]})
    assert [c.source for c in sub.cells] == ["x = 1\n", "1 / 0\n", RIGHT] and sub.notes == []
