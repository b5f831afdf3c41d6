"""File outputs: the CSV gradebook and result.json (golden, union of columns, injection guard, atomicity)."""
from __future__ import annotations

import csv
import json

from grader.report import to_json, write_gradebook_csv, write_result
from grader.report.gradebook import safe_cell
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility
from report_factories import HIDDEN_ACTUAL, HIDDEN_EXPECTED, assert_golden, make_result


def second_result() -> SubmissionResult:
    """A submission with an exercise the first lacks (q10), without fr2, a hostile name and a grader error."""
    cases = [CaseResult("works", Outcome.PASSED, 1.5, 1.5, Visibility.PUBLIC)]
    exercises = [ExerciseResult("q04", "List comprehension", "questionnaire", Outcome.PASSED, 1.5, 2, cases),
                 ExerciseResult("q10", "Broadcasting", "questionnaire", Outcome.ERROR, 0, 1)]
    return SubmissionResult('=HYPERLINK("x","click")', "-bob.ipynb", "ab" * 32, 1.5, 3, exercises,
                            grader_errors=["timeout while loading hidden suite"])


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_gradebook_matches_golden(tmp_path):
    path = write_gradebook_csv([make_result(), second_result()], tmp_path / "grades.csv")
    assert_golden("gradebook_basic.csv", path.read_text(encoding="utf-8"))


def test_columns_are_the_union_in_first_seen_order(tmp_path):
    rows = read_rows(write_gradebook_csv([make_result(), second_result()], tmp_path / "g.csv"))
    ids = ["q04", "q09", "q26", "fr1", "fr2", "q10"]
    assert rows[0] == (["submission", "path", "sha256", "score", "max_score", "percent"] + ids
                       + [f"{i}_outcome" for i in ids] + ["grader_errors", "overridden", "needs_review"])
    alice, bob = (dict(zip(rows[0], r)) for r in rows[1:])
    assert alice["score"] == "9" and alice["max_score"] == "19" and alice["percent"] == "47.4"
    assert alice["fr1"] == "4" and alice["fr1_outcome"] == "partial" and alice["q10"] == ""
    assert bob["q04"] == "1.5" and bob["fr2"] == "" and bob["q10_outcome"] == "error"
    assert bob["grader_errors"] == "1" and alice["grader_errors"] == "0"


def test_formula_injection_is_neutralised(tmp_path):
    rows = read_rows(write_gradebook_csv([second_result()], tmp_path / "g.csv"))
    assert rows[1][0] == "'=HYPERLINK(\"x\",\"click\")" and rows[1][1] == "'-bob.ipynb"
    for text in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("alice") == "alice"


def test_gradebook_write_is_atomic_and_replaces(tmp_path):
    target = tmp_path / "sub" / "grades.csv"
    write_gradebook_csv([make_result()], target)
    returned = write_gradebook_csv([second_result()], target)
    assert returned == target
    assert [p.name for p in target.parent.iterdir()] == ["grades.csv"]  # no temp file left behind
    assert len(read_rows(target)) == 2 and read_rows(target)[1][0].startswith("'=")


def test_empty_gradebook_has_a_header(tmp_path):
    rows = read_rows(write_gradebook_csv([], tmp_path / "g.csv"))
    assert rows == [["submission", "path", "sha256", "score", "max_score", "percent", "grader_errors",
                     "overridden", "needs_review"]]


def test_json_is_sorted_indented_and_round_trips(tmp_path):
    result = make_result()
    text = to_json(result)
    data = json.loads(text)
    assert list(data) == sorted(data) and text.startswith('{\n  "')
    assert SubmissionResult.from_dict(data) == result
    path = write_result(result, tmp_path / "out" / "result.json")
    assert path.read_text(encoding="utf-8") == text + "\n"
    assert [p.name for p in path.parent.iterdir()] == ["result.json"]


def test_json_keeps_hidden_values_unless_redacted():
    result = make_result()
    assert HIDDEN_EXPECTED in to_json(result)
    redacted = to_json(result, redact=True)
    assert HIDDEN_EXPECTED not in redacted and HIDDEN_ACTUAL not in redacted
    assert "[[10, 12], [16, 18]]" in redacted
    assert result.exercises[1].cases[1].expected == HIDDEN_EXPECTED  # the original is untouched
