"""The Canvas gradebook import CSV: layout, rounding, Points Possible row, warnings, formula guard, golden file."""
from __future__ import annotations

import csv
import io

import pytest

from export_factories import caseless_result, load_error_result, overridden_result
from grader.report import canvas_csv, write_canvas_csv
from grader.report.canvas import HEADER, POINTS_POSSIBLE
from report_factories import assert_golden, make_result

ASSIGNMENT = "Chapter 4: MNIST basics (12345)"


def rows():
    """A small roster: good rows, a student without an LMS id, one without a submission, a hostile name."""
    return [
        ("alice", "Smith, Alice", "1001", make_result()),
        ("carol", "Jones, Carol", "1002", overridden_result()),
        ("dave", "Brown, Dave", None, load_error_result()),
        ("erin", "=HYPERLINK(\"http://x\",\"Erin\")", "1004", caseless_result()),
        ("frank", "Lee, Frank", "1005", None),
    ]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_matches_golden(tmp_path):
    path = tmp_path / "canvas.csv"
    warnings = write_canvas_csv(rows(), ASSIGNMENT, 19, path)
    assert_golden("canvas_basic.csv", path.read_text(encoding="utf-8"))
    assert warnings == canvas_csv(rows(), ASSIGNMENT, 19)[1]


def test_layout_is_canvas_export_layout():
    table = parse(canvas_csv(rows(), ASSIGNMENT, 19)[0])
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert table[1] == ["    Points Possible", "", "", "", "", "19"] and table[1][0] == POINTS_POSSIBLE
    assert table[2] == ["Smith, Alice", "1001", "", "", "", "9"]
    assert table[3][5] == "12"  # the instructor's override counts
    assert table[4][:2] == ["Brown, Dave", ""] and table[4][5] == "0"
    assert table[5][5] == "1.5"
    assert table[6] == ["Lee, Frank", "1005", "", "", "", ""]  # no submission: left ungraded
    assert all(len(row) == len(HEADER) + 1 for row in table)


def test_points_possible_row_is_optional():
    table = parse(canvas_csv(rows()[:1], ASSIGNMENT, None)[0])
    assert len(table) == 2 and table[1][0] == "Smith, Alice"


@pytest.mark.parametrize("score,cell", [(9.0, "9"), (4.285714, "4.29"), (0.005, "0.01"), (2.5, "2.5"),
                                        (0.0, "0"), (18.999, "19")])
def test_scores_are_rounded_to_two_decimals(score, cell):
    table = parse(canvas_csv([("a", "A", "1", make_result(score=score))], ASSIGNMENT)[0])
    assert table[1][5] == cell


def test_formula_cells_are_neutralised():
    text, _ = canvas_csv(rows(), "=cmd|' /C calc'!A0 (1)", None)
    table = parse(text)
    assert table[0][5] == "'=cmd|' /C calc'!A0 (1)"
    assert table[4][0] == "'=HYPERLINK(\"http://x\",\"Erin\")"
    hostile_id = parse(canvas_csv([("z", "Z", "@SUM(A1)", make_result())], ASSIGNMENT)[0])
    assert hostile_id[1][1] == "'@SUM(A1)"


def test_warnings_name_what_canvas_cannot_match_or_should_not_import_unread():
    _, warnings = canvas_csv(rows(), ASSIGNMENT, 19)
    text = "\n".join(warnings)
    assert any(w.startswith("dave (Brown, Dave): no LMS id") for w in warnings)
    assert "frank (Lee, Frank): no graded submission" in text
    assert "dave (Brown, Dave): the notebook could not be read, so the score is 0" in text
    assert "erin (" in text and "2 grader error(s)" in text
    assert "carol (Jones, Carol): provisional scores awaiting review in q12" in text
    assert "graded out of 20 points, but the assignment has 19" in text  # carol's notebook has one more exercise
    assert "alice" not in text  # a clean row raises nothing
    assert not any("assignment id" in w for w in warnings)


def test_warnings_for_bad_ids_duplicates_and_an_assignment_without_id():
    table_rows = [("a", "A", "1001", make_result()), ("b", "B", "1001", make_result()),
                  ("c", "C", "c@uni.edu", make_result()), ("a", "A again", "1003", make_result())]
    _, warnings = canvas_csv(table_rows, "Chapter 4", None)
    text = "\n".join(warnings)
    assert "has no Canvas assignment id" in warnings[0]
    assert text.count("LMS id 1001 is on 2 rows") == 2
    assert "LMS id 'c@uni.edu' is not a Canvas user id" in text
    assert text.count("the student is on 2 rows") == 2


def test_a_self_check_result_is_not_a_final_grade():
    _, warnings = canvas_csv([("a", "A", "1", make_result(mode="check"))], ASSIGNMENT)
    assert warnings == ["a (A): graded in 'check' mode (public tests only), not a final grade"]


def test_empty_roster_and_blank_assignment():
    text, warnings = canvas_csv([], ASSIGNMENT, 10)
    assert parse(text) == [HEADER + [ASSIGNMENT], [POINTS_POSSIBLE, "", "", "", "", "10"]] and warnings == []
    with pytest.raises(ValueError):
        canvas_csv([], "  ", None)


def test_write_is_atomic_and_replaces(tmp_path):
    target = tmp_path / "canvas.csv"
    write_canvas_csv(rows(), ASSIGNMENT, None, target)
    write_canvas_csv(rows()[:1], ASSIGNMENT, None, target)
    assert [p.name for p in tmp_path.iterdir()] == ["canvas.csv"]
    assert len(parse(target.read_text(encoding="utf-8"))) == 2
