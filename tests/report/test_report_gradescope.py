"""Gradescope's results.json: strict structure, scores that add up, hidden values that never leak, golden file."""
from __future__ import annotations

import json
import math

import pytest

from export_factories import (NASTY, all_results, caseless_result, hostile_result, load_error_result,
                              overridden_result)
from grader.report import gradescope_results, write_gradescope
from grader.report.gradescope import VISIBILITIES, gradescope_json
from report_factories import HIDDEN_ACTUAL, HIDDEN_EXPECTED, assert_golden, make_result

TOP_KEYS = {"score": (int, float), "output": str, "output_format": str, "test_output_format": str,
            "test_name_format": str, "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list}
TEST_KEYS = {"name": str, "number": str, "score": (int, float), "max_score": (int, float), "status": str,
             "output": str, "visibility": str}


def check_structure(data: dict) -> None:
    """The contract Gradescope reads, checked strictly: keys, types, allowed values, finite numbers."""
    assert set(data) - {"execution_time"} == set(TOP_KEYS), sorted(data)
    for key, kind in TOP_KEYS.items():
        assert isinstance(data[key], kind) and not isinstance(data[key], bool), key
    if "execution_time" in data:
        assert type(data["execution_time"]) is int and data["execution_time"] >= 0
    assert data["visibility"] in VISIBILITIES and data["stdout_visibility"] in VISIBILITIES
    assert data["output_format"] == data["test_output_format"] == data["test_name_format"] == "text"
    assert math.isfinite(data["score"])
    numbers = [t["number"] for t in data["tests"]]
    assert len(numbers) == len(set(numbers)), "test numbers must be unique"
    for test in data["tests"]:
        assert set(test) == set(TEST_KEYS), sorted(test)
        for key, kind in TEST_KEYS.items():
            assert isinstance(test[key], kind) and not isinstance(test[key], bool), (key, test)
        assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITIES
        assert math.isfinite(test["score"]) and 0 <= test["score"] <= test["max_score"]
    json.dumps(data, allow_nan=False).encode("utf-8")  # plain JSON, encodable (no lone surrogates)


@pytest.mark.parametrize("result", all_results(), ids=lambda r: r.submission[:7])
def test_every_result_gives_a_valid_results_json(result):
    data = gradescope_results(result)
    check_structure(data)
    assert data["score"] == pytest.approx(result.score)
    assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(result.max_score)
    assert json.loads(gradescope_json(result)) == data


def test_standard_result_matches_golden(tmp_path):
    path = write_gradescope(make_result(), tmp_path / "results" / "results.json")
    assert_golden("gradescope_basic.json", path.read_text(encoding="utf-8"))


def test_one_test_per_case_numbered_and_named():
    result = make_result()
    data = gradescope_results(result)
    assert len(data["tests"]) == sum(len(ex.cases) for ex in result.exercises)
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"]) == 9
    assert data["execution_time"] == 41
    q04 = data["tests"][1]
    assert q04["number"] == "q04.2" and q04["status"] == "passed" and q04["score"] == q04["max_score"] == 1
    assert q04["name"] == "q04 — List comprehension: double the odd numbers — uses_a_comprehension"
    corner = data["tests"][2]
    assert corner["number"] == "q09.1" and corner["status"] == "failed" and corner["max_score"] == 2
    assert corner["output"] == ("The bottom-right 2×2 corner has the wrong values.\n"
                                "Hint: The corner must come from t*2, not t\n"
                                "Expected: [[10, 12], [16, 18]]\nActual: [[5, 6], [8, 9]]")
    assert [t["status"] for t in data["tests"]].count("passed") == 6


def test_hidden_cases_show_only_message_and_hint():
    data = gradescope_results(make_result())
    hidden = data["tests"][3]
    assert hidden["number"] == "q09.2" and hidden["output"] == "The answer should stay a tensor of the doubled values."
    text = gradescope_json(make_result())
    assert HIDDEN_EXPECTED not in text and HIDDEN_ACTUAL not in text
    hostile = gradescope_json(hostile_result())
    assert HIDDEN_EXPECTED not in hostile and HIDDEN_ACTUAL not in hostile
    assert "hidden says" in hostile  # the message itself is shown


def test_hidden_visibility_is_configurable_and_checked():
    data = gradescope_results(make_result(), hidden_visibility="after_due_date", visibility="after_published",
                              stdout_visibility="visible")
    by_number = {t["number"]: t["visibility"] for t in data["tests"]}
    assert by_number["q09.1"] == "visible" and by_number["q09.2"] == "after_due_date"
    assert data["visibility"] == "after_published" and data["stdout_visibility"] == "visible"
    assert gradescope_results(make_result())["stdout_visibility"] == "hidden"
    with pytest.raises(ValueError, match="hidden_visibility"):
        gradescope_results(make_result(), hidden_visibility="secret")


def test_grader_errors_lead_the_output_without_the_traceback():
    data = gradescope_results(caseless_result())
    output = data["output"]
    assert output.startswith("erin_ch4: 1.5/3.5 points (42.9%)\n\nGrader error:")
    assert "q10: ValueError: key file is malformed" in output
    assert "boom" not in output and "/srv/solutions" not in output and "Traceback" not in output
    assert data["extra_data"]["grader_errors"] == 2


def test_exercise_without_cases_gets_one_test_carrying_its_points():
    data = gradescope_results(caseless_result())
    q10 = [t for t in data["tests"] if t["number"].startswith("q10")]
    assert len(q10) == 1 and q10[0]["number"] == "q10.1" and q10[0]["max_score"] == 2
    assert q10[0]["status"] == "failed" and "no test results" in q10[0]["output"]


def test_load_error_shows_in_top_level_output():
    data = gradescope_results(load_error_result())
    assert ("Your submission could not be read: the file is not valid JSON (line 1, column 1)\n"
            "Hint: Open the file in Jupyter") in data["output"]
    assert data["score"] == 0 and all(t["status"] == "failed" for t in data["tests"])
    assert data["execution_time"] == 0


def test_override_wins_and_is_explained():
    result = overridden_result()
    data = gradescope_results(result)
    assert data["score"] == pytest.approx(result.score) == 12
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(9.5)  # the tests keep the computed points
    assert "q09: score set by your instructor: 2.5 (computed 0) (Right idea, off by one)" in data["output"]
    assert "q12: provisional score" in data["output"]
    written = [t for t in data["tests"] if t["number"] == "q12.1"][0]
    assert written["output"].endswith("Provisional: your instructor will review this written answer.")


def test_hostile_text_is_plain_and_writable(tmp_path):
    data = gradescope_results(hostile_result())
    text = json.dumps(data, ensure_ascii=False)
    for bad in ("\x00", "\x1b", "\x0c", "\ud800"):
        assert bad not in text
    assert "<b>&amp;</b>" in data["tests"][0]["output"]  # kept as text; output_format "text" shows it as such
    assert all("\n" not in t["name"] for t in data["tests"])
    path = write_gradescope(hostile_result(), tmp_path / "results.json")
    assert json.loads(path.read_text(encoding="utf-8"))["score"] == 0
    assert NASTY not in path.read_text(encoding="utf-8")


def test_write_is_atomic_and_replaces(tmp_path):
    target = tmp_path / "results.json"
    write_gradescope(make_result(), target)
    returned = write_gradescope(load_error_result(), target)
    assert returned == target and [p.name for p in tmp_path.iterdir()] == ["results.json"]
    assert json.loads(target.read_text(encoding="utf-8"))["extra_data"]["submission"] == "dave_ch4"
    assert target.read_text(encoding="utf-8").endswith("}\n")
