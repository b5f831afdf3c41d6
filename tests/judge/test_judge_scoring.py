"""The verdict: property cases count only once the core cases do the job, and the result says why they did not."""
import dataclasses

import pytest

from grader.catalog import load_catalog, select
from grader.config import REPO_ROOT
from grader.judge import scoring
from grader.results import CaseResult, Outcome, SubmissionResult, Visibility

Q04 = select(load_catalog(REPO_ROOT / "exercises"), ["q04"])[0]  # 2 points for the code, 1 for the written part
Q05 = select(load_catalog(REPO_ROOT / "exercises"), ["q05"])[0]  # code and a choice


def case(name, kind, passed, weight=1.0, visibility=Visibility.HIDDEN):
    return CaseResult(name=name, outcome=Outcome.PASSED if passed else Outcome.FAILED,
                      score=weight if passed else 0.0, max_score=weight, visibility=visibility, kind=kind,
                      message="" if passed else f"{name} went wrong")


def test_property_cases_count_when_every_core_case_passes():
    result = scoring.verdict(Q04, [case("values", "core", True, 2), case("empty list", "property", True)])
    assert (result.outcome, result.score, result.withheld) == (Outcome.PASSED, 2.0, "")
    assert [c.withheld for c in result.cases] == ["", ""]


def test_a_failing_core_case_withholds_the_property_points_and_says_why():
    result = scoring.verdict(Q04, [case("values on unseen lists", "core", False, 2),
                                   case("empty list", "property", True), case("comprehension", "property", True)])
    assert (result.outcome, result.score) == (Outcome.FAILED, 0.0)
    values, empty, style = result.cases
    assert empty.outcome is Outcome.PASSED and (empty.score, empty.max_score) == (0.0, 0.5)
    assert empty.withheld == style.withheld == "not counted until double_odds works"
    assert values.withheld == ""
    assert result.withheld.startswith("1 point for side checks")
    assert "until double_odds works" in result.withheld and "Fix first: values on unseen lists" in result.withheld


def test_core_points_still_count_while_properties_wait():
    result = scoring.verdict(Q04, [case("values", "core", True), case("order", "core", False),
                                   case("empty list", "property", True)])
    assert (result.outcome, result.score) == (Outcome.PARTIAL, round(2 / 3, 4))
    assert result.cases[2].score == 0 and "Fix first: order" in result.withheld


def test_nothing_withheld_means_no_note():
    result = scoring.verdict(Q04, [case("values", "core", False), case("empty list", "property", False)])
    assert result.withheld == "" and [c.withheld for c in result.cases] == ["", ""]


@pytest.mark.parametrize("share, counted", [(0.5, True), (0.75, False)])
def test_an_exercise_may_open_the_gate_past_a_share_of_its_core_points(share, counted):
    ex = dataclasses.replace(Q04, core_share=share)
    result = scoring.verdict(ex, [case("a", "core", True, 2), case("b", "core", False, 2),
                                  case("side", "property", True)])
    assert (result.cases[2].score > 0) is counted
    assert (result.withheld == "") is counted
    if not counted:
        assert "75% of the core checks' points" in result.cases[2].withheld


def test_a_choice_neither_opens_nor_waits_for_the_gate():
    choice = CaseResult(name="your choice", outcome=Outcome.PASSED, score=1.0, max_score=1.0)  # kind ""
    result = scoring.verdict(Q05, [case("values", "core", False), case("shape", "property", True), choice])
    assert result.cases[1].score == 0 and result.cases[2].score > 0
    assert "until stack_images works" in result.withheld  # the choice variable is not what must work
    wrong_choice = dataclasses.replace(choice, outcome=Outcome.FAILED, score=0.0)
    result = scoring.verdict(Q05, [case("values", "core", True), case("shape", "property", True), wrong_choice])
    assert result.cases[1].score > 0 and result.withheld == ""


def test_a_run_without_core_cases_counts_its_properties():
    result = scoring.verdict(Q04, [case("empty list", "property", True)])
    assert result.score == Q04.points and result.withheld == ""


def test_kind_and_withheld_survive_the_json_round_trip():
    ex = scoring.verdict(Q04, [case("values", "core", False, 2, Visibility.PUBLIC),
                               case("empty list", "property", True)])
    result = SubmissionResult(submission="s", path="s.py", sha256="", score=ex.score, max_score=ex.max_score,
                              exercises=[ex])
    again = SubmissionResult.from_dict(result.to_dict()).exercises[0]
    assert again.withheld == ex.withheld != ""
    assert [(c.kind, c.withheld) for c in again.cases] == [(c.kind, c.withheld) for c in ex.cases]
    old = result.to_dict()
    for c in old["exercises"][0]["cases"]:
        del c["kind"], c["withheld"]
    del old["exercises"][0]["withheld"]
    assert SubmissionResult.from_dict(old).exercises[0].cases[1].kind == ""  # results written before kinds
