"""Instructor overrides win, survive regrading and are marked; bad rows name their line."""
import pytest

from grader.review import overrides
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult


def result(score=1.0):
    case = CaseResult("c", Outcome.PARTIAL, score, 2.0)
    ex = ExerciseResult("q04", "t", "code", Outcome.PARTIAL, score, 2.0, [case])
    return SubmissionResult("ann", "ann.py", "", score, 2.0, [ex])


def write(tmp_path, text):
    path = tmp_path / "overrides.csv"
    path.write_text(text)
    return path


def test_override_wins_and_keeps_the_computed_score(tmp_path):
    table = overrides.load(write(tmp_path, "submission,exercise,score,comment\nann,Q4,2,fine on reflection\n"))
    r = result()
    assert overrides.apply(r, table) == []
    ex = r.exercises[0]
    assert ex.score == 2 and ex.outcome is Outcome.PASSED and r.score == 2
    assert {k: ex.override[k] for k in ("score", "comment", "computed")} == {
        "score": 2.0, "comment": "fine on reflection", "computed": 1.0}
    overrides.apply(r, table)  # applying again (a regrade) keeps the first computed score
    assert ex.override["computed"] == 1.0


def test_override_above_the_points_is_refused(tmp_path):
    r = result()
    problems = overrides.apply(r, overrides.load(write(tmp_path, "submission,exercise,score\nann,q04,5\n")))
    assert "more than" in problems[0] and r.exercises[0].override is None


@pytest.mark.parametrize("text, words", [
    ("name,score\n", "header needs"), ("submission,exercise,score\nann,q04,lots\n", "line 2"),
    ("submission,exercise,score\nann,q04,1\nann,q4,2\n", "line 3: a second override"),
])
def test_bad_rows_name_the_line(tmp_path, text, words):
    with pytest.raises(overrides.OverrideError, match=words):
        overrides.load(write(tmp_path, text))


def test_overrides_survive_regrading_through_the_cli(tmp_path, make_script):
    from click.testing import CliRunner

    from grader.cli import main

    sub = make_script("def double_odds(nums):\n    return [n for n in nums]\n", "ann.py")
    table = write(tmp_path, "submission,exercise,score,comment\nann,q04,2,accepted after discussion\n")
    for _ in range(2):
        out = CliRunner().invoke(main, ["grade", str(sub), "--out", str(tmp_path / "o"), "-e", "q04",
                                        "--overrides", str(table)])
        assert out.exit_code == 0, out.output
    report = (tmp_path / "o" / "students" / "ann" / "report.html").read_text()
    assert "Score set by your instructor" in report and "accepted after discussion" in report
    import csv

    [row] = csv.DictReader((tmp_path / "o" / "gradebook.csv").open(encoding="utf-8"))
    assert row["overridden"] == "q04"


def test_a_case_decision_moves_the_exercise_by_the_difference_and_an_accept_moves_nothing():
    r = result()
    r.exercises[0].cases.append(CaseResult("written answer", Outcome.PARTIAL, 0.5, 1.0, needs_review=True))
    r.exercises[0].max_score, r.exercises[0].score, r.max_score, r.score = 3.0, 1.5, 3.0, 1.5
    assert r.exercises[0].needs_review
    overrides.apply(r, {("ann", "q04", "written answer"): overrides.Override(1.0, "both ideas")})
    ex = r.exercises[0]
    assert ex.score == 2.0 and r.score == 2.0 and not ex.needs_review
    assert ex.cases[1].override["flagged"] and ex.cases[1].outcome is Outcome.PASSED
    assert ex.override["computed"] == 1.5 and ex.override["cases"] == ["written answer"]
    again = result()
    again.exercises[0].cases[0].needs_review = True
    overrides.apply(again, {("ann", "q04", "c"): overrides.Override(1.0, accepted=True)})
    assert again.exercises[0].override is None and not again.exercises[0].needs_review and again.score == 1.0
    problems = overrides.apply(result(), {("ann", "q04", "nope"): overrides.Override(1.0)})
    assert "no such case" in problems[0]
