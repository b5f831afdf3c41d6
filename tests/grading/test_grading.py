"""One grading pass: errors are attributed to the exercise whose cell failed; nothing crashes the grader."""
from grader.results import Outcome

RIGHT_Q04 = "# exercise: q04\ndef double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"


def test_a_notebook_that_is_not_ours_is_missing_everywhere(make_notebook, grade_it):
    path = make_notebook(["from fastai.vision.all import *", "path = untar_data(URLs.MNIST_SAMPLE)",
                          "%matplotlib inline\nx = 3", "print('hello')"])
    result = grade_it(path, ["q04", "q09", "q26"])
    assert result.grader_errors == []
    assert [e.outcome for e in result.exercises] == [Outcome.MISSING] * 3
    assert any("ModuleNotFoundError" in note for note in result.notes)
    assert any("%matplotlib" in note for note in result.notes)
    assert "hello" in result.output


def test_an_answer_whose_cell_failed_is_an_error_that_quotes_the_cell(make_notebook, grade_it):
    path = make_notebook(["# exercise: q04\nimport nonexistent_module\ndef double_odds(nums):\n    return []"])
    ex = grade_it(path, ["q04"]).exercise("q04")
    assert ex.outcome is Outcome.ERROR
    assert "ModuleNotFoundError" in ex.feedback[0] and "cell 0, line 2" in ex.feedback[0]
    assert all("because its cell failed" in c.message for c in ex.cases if c.name != "written answer")


def test_a_cell_that_hangs_marks_its_exercise_timeout_and_the_rest_is_graded(make_notebook, grade_it):
    path = make_notebook(["# exercise: q09\nwhile True:\n    pass", RIGHT_Q04])
    result = grade_it(path, ["q04", "q09"], timeout=3)
    assert result.exercise("q09").outcome is Outcome.TIMEOUT
    assert "longer than the 3 s limit" in result.exercise("q09").feedback[0]
    assert all(c.outcome is Outcome.PASSED for c in result.exercise("q04").cases if c.name != "written answer")
    assert result.timings["sandbox_restarts"] == 1


def test_an_unreadable_submission_is_an_error_per_exercise_with_the_reason(tmp_path, grade_it):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    result = grade_it(path, ["q04", "q09"])
    assert result.grader_errors == [] and result.score == 0 and result.max_score == 5  # q04 has a written part
    for ex in result.exercises:
        assert ex.outcome is Outcome.ERROR and "not valid JSON" in ex.cases[0].message


def test_check_mode_runs_public_tests_only(make_script, grade_it):
    result = grade_it(make_script(RIGHT_Q04), ["q04"], mode="check")
    assert result.mode == "check" and result.score == 2 and result.max_score == 3  # no written answer
    assert {c.visibility.value for c in result.exercise("q04").cases} == {"public"}


def test_grade_mode_runs_public_and_hidden_tests(make_script, grade_it):
    cases = grade_it(make_script(RIGHT_Q04), ["q04"]).exercise("q04").cases
    assert {c.visibility.value for c in cases} == {"public", "hidden"}


def test_result_round_trips_through_json(make_script, grade_it):
    import json

    from grader.results import SubmissionResult

    result = grade_it(make_script(RIGHT_Q04), ["q04"])
    again = SubmissionResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again.to_dict() == result.to_dict()


def test_timings_split_the_sandbox_wait_from_the_rest(make_script, grade_it):
    result = grade_it(make_script(RIGHT_Q04), ["q04"])
    cases = [c for c in result.exercise("q04").cases if c.name != "written answer"]
    assert result.timings["sandbox_requests"] >= len(cases)  # every code case asks the sandbox at least once
    assert 0 < result.timings["sandbox_wait"] < result.timings["tests"]
