"""What a submission costs the grader stays in proportion to it: a long script is graded without blaming a cell,
and a slow but right answer cannot buy full marks with time (the budgets' own tests: tests/sandbox)."""
import pytest

from grader.results import Outcome

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"


@pytest.mark.timeout(300)  # a hang guard: before the fix this ran 303 s and blamed an innocent cell
def test_a_twenty_thousand_statement_script_is_graded_and_no_cell_is_blamed(tmp_path, grade_it):
    path = tmp_path / "long.py"
    path.write_text("".join(f"v{i} = {i}\n" for i in range(20_000)) + "\n\n" + RIGHT)
    result = grade_it(path, ["q04"], timeout=5)
    assert result.grader_errors == [] and result.incidents == []
    assert [n for n in result.notes if "cell" in n and "top-level statements" not in n] == []
    q04 = result.exercise("q04")
    assert all(c.outcome is Outcome.PASSED for c in q04.cases if c.name != "written answer"), q04.cases


@pytest.mark.timeout(300)  # a hang guard
def test_a_slow_right_answer_is_a_timeout_on_its_exercise_not_full_marks(tmp_path, grade_it):
    path = tmp_path / "slow.py"
    path.write_text("import time\n\n\ndef double_odds(nums):\n    time.sleep(0.5)\n"
                    "    return [2 * n for n in nums if n % 2 == 1]\n")
    result = grade_it(path, ["q04"], timeout=1, exercise_budget=3)  # 3 s for q04's 31 calls of 0.5 s
    q04 = result.exercise("q04")
    assert q04.outcome is Outcome.TIMEOUT and q04.score < 2
    assert [c.outcome for c in q04.cases if c.name.startswith("double_odds is right on lists")] == [Outcome.TIMEOUT]
    assert result.grader_errors == []
    assert any("were not made" in line for line in q04.feedback)  # stopped, not waited out
