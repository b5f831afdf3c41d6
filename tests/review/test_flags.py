"""Flags on a graded class: which submissions need a human look, why, and in what order."""
from __future__ import annotations

import dataclasses

import pytest

from class_factories import (HONEST_A, HONEST_B, STARTER, class_codes, make_class, passed_exercises, renamed_copy,
                             result_for, synthetic_code)
from grader.review.flags import KINDS, PERFECT, Flag, find_flags
from grader.results import CaseResult, ExerciseResult, Outcome, Visibility


@pytest.fixture(scope="module")
def flags() -> list[Flag]:
    return find_flags(make_class(), class_codes(), STARTER)


def by(flags: list[Flag], kind: str) -> dict[str, Flag]:
    return {f.student: f for f in flags if f.kind == kind}


def test_the_class_gets_exactly_these_flags_in_this_order(flags):
    assert [(f.kind, f.student) for f in flags] == [
        ("grader", "frank"), ("timeout", "carol"), ("sandbox", "dave"), ("similar", "alice"), ("similar", "bob"),
        ("perfect", "bob")]
    assert find_flags(make_class(), class_codes(), STARTER) == flags  # deterministic
    reordered = dict(reversed(list(make_class().items())))
    assert find_flags(reordered, class_codes(), STARTER) == flags
    assert all(f.kind in KINDS and f.summary and f.evidence for f in flags)


def test_grader_errors_are_the_graders_problem(flags):
    flag = by(flags, "grader")["frank"]
    assert "no fault of the student" in flag.summary and "regrade" in flag.summary
    assert flag.evidence == ["RuntimeError: hidden suite q09 failed to import",
                             "Traceback (most recent call last): ..."]


def test_timeouts_come_from_incidents_and_from_outcomes(flags):
    flag = by(flags, "timeout")["carol"]
    assert flag.evidence[0] == "fr1: cell 7 ran past the 60 s limit"
    assert "fr1" in flag.evidence[1] and "outcome timeout" in flag.evidence[1]
    only_incident = result_for("x", incidents=[{"kind": "timeout", "cell": 3, "exercise": None, "message": "slow"}])
    only_outcome = make_class()["carol"]
    only_outcome.incidents = []
    found = find_flags({"x": only_incident, "y": only_outcome}, {}, STARTER)
    assert [(f.kind, f.student) for f in found] == [("timeout", "x"), ("timeout", "y")]
    assert found[0].evidence == ["cell 3: slow"] and "1 cell ran out of time" in found[0].summary
    assert found[1].summary.startswith("1 exercise timed out (fr1)")


@pytest.mark.parametrize("kind, words", [("memory", "the memory limit"), ("died", "the sandbox process died"),
                                         ("protocol", "a reply the grader refused"), ("output", "the output limit"),
                                         ("not_run", "cells not run")])
def test_every_sandbox_incident_names_the_limit(kind, words):
    result = result_for("x", incidents=[{"kind": kind, "cell": 2, "exercise": "q04", "message": "it happened"}])
    (flag,) = find_flags({"x": result}, {}, STARTER)
    assert flag.kind == "sandbox" and words in flag.summary
    assert flag.evidence == [f"{kind}: q04, cell 2: it happened"]
    assert "q04, cell 2" not in find_flags({"x": result_for("x", incidents=[
        {"kind": kind, "cell": 2, "exercise": "q04", "message": "cell 2 went over"}])}, {}, STARTER)[0].evidence[0]


def test_sandbox_flag_lists_every_limit_hit(flags):
    flag = by(flags, "sandbox")["dave"]
    assert "the memory limit" in flag.summary and "the output limit" in flag.summary
    assert flag.evidence == ["memory: fr2: cell 9 went over the 4096 MB memory limit",
                             "output: printed 123456 bytes more than the output limit"]


def test_unknown_or_malformed_incidents_are_ignored():
    result = result_for("x", incidents=[{"kind": "future_kind"}, "not a dict", {"message": "no kind"}])
    assert find_flags({"x": result}, {}, STARTER) == []


def test_both_students_of_a_similar_pair_are_flagged_naming_each_other(flags):
    similar = by(flags, "similar")
    assert similar["alice"].others == ["bob"] and similar["bob"].others == ["alice"]
    for flag in similar.values():
        assert "100%" in flag.summary
        assert any(line.startswith("Shared line, as alice wrote it: ") for line in flag.evidence)
        assert any("lines of alice" in line for line in flag.evidence)


def test_a_student_similar_to_several_others_gets_one_flag_naming_all():
    codes = {"a": HONEST_A, "b": renamed_copy(HONEST_A), "c": HONEST_A + "\nprint('mine')\n", "d": HONEST_B,
             **{f"z{i}": synthetic_code(i, functions=3) for i in range(4)}}
    results = {key: result_for(key) for key in codes}
    similar = by(find_flags(results, codes, STARTER), "similar")
    assert sorted(similar) == ["a", "b", "c"]
    assert similar["a"].others == ["b", "c"] and "and 1 more" in similar["a"].summary
    assert "With b:" in similar["a"].evidence and "With c:" in similar["a"].evidence


def _with_metrics(metrics, exercise: int = 3, kind: str | None = None):
    exercises = passed_exercises()
    exercises[exercise].artifacts["metrics"] = metrics
    if kind:
        exercises[exercise] = dataclasses.replace(exercises[exercise], kind=kind)
    return {"x": result_for("x", exercises=exercises)}


def test_perfect_accuracy_names_the_value_and_the_reference(flags):
    flag = by(flags, "perfect")["bob"]
    assert flag.evidence[0].startswith("fr1 linear model held-out accuracy: 1.0000")
    assert "0.9843" in flag.evidence[0] and "0.9863" in flag.evidence[0]  # the reference's figures
    assert flag.evidence[1].startswith("fr1 784-30-1 net held-out accuracy: 0.9971") and "0.9872" in flag.evidence[1]
    assert len(flag.evidence) == 2  # "linear model threshold" is not an accuracy
    fr2 = find_flags(_with_metrics({"test accuracy (10,000 images)": 0.9968}, exercise=4), {}, STARTER)
    assert [f.kind for f in fr2] == ["perfect"] and "0.9747" in fr2[0].evidence[0]


@pytest.mark.parametrize("value, flagged", [(PERFECT, True), (0.9999, True), (1, True), (0.9949, False),
                                            (0.9843, False), (1.5, False), (float("nan"), False), (True, False),
                                            ("0.999", False), (None, False)])
def test_perfect_threshold_and_junk_values(value, flagged):
    found = find_flags(_with_metrics({"linear model held-out accuracy": value}), {}, STARTER)
    assert [f.kind for f in found] == (["perfect"] if flagged else [])


def test_perfect_only_where_a_model_is_trained():
    # q03's pixel-similarity baseline records an accuracy, but trains nothing.
    assert find_flags(_with_metrics({"valid accuracy (pixel similarity)": 0.999}, exercise=0), {}, STARTER) == []
    project = _with_metrics({"accuracy": 0.999}, exercise=0, kind="project")
    (flag,) = find_flags(project, {}, STARTER)
    assert "about 0.98" in flag.evidence[0]
    assert find_flags(_with_metrics("not a dict"), {}, STARTER) == []


def test_a_clean_class_has_no_flags():
    clean = {key: result_for(key, exercises=passed_exercises()) for key in ("a", "b", "c")}
    codes = {"a": HONEST_A, "b": HONEST_B, "c": STARTER}
    assert find_flags(clean, codes, STARTER) == []
    assert find_flags({}, {}, STARTER) == []


def test_long_evidence_is_shortened():
    long = "x" * 5000
    result = result_for("x", grader_errors=[long + "\n" + long])
    (flag,) = find_flags({"x": result}, {}, STARTER)
    assert len(flag.evidence[0]) <= 300 and flag.evidence[0].endswith("…")


def test_outcome_timeout_from_cases_is_what_counts():
    cases = [CaseResult("slow", Outcome.TIMEOUT, 0, 1, Visibility.PUBLIC)]
    ex = ExerciseResult("q05", "Broadcasting", "code", *ExerciseResult.summarise(cases), cases=cases)
    assert ex.outcome is Outcome.TIMEOUT
    (flag,) = find_flags({"x": result_for("x", exercises=[ex])}, {}, STARTER)
    assert flag.kind == "timeout" and "q05 (Broadcasting)" in flag.evidence[0]


def _unreadable_exercises(message):
    from grader.results import LOAD_ERROR_CASE
    return [ExerciseResult(id=i, title=i, kind="code", outcome=Outcome.ERROR, score=0, max_score=2, cases=[
        CaseResult(LOAD_ERROR_CASE, Outcome.ERROR, 0, 2, Visibility.PUBLIC, message=message)]) for i in ("q04", "q09")]


def test_an_unreadable_file_is_flagged_once_with_why_and_is_not_also_empty():
    result = result_for("x", exercises=_unreadable_exercises("the file is empty"))
    (flag,) = find_flags({"x": result}, {}, STARTER)
    assert (flag.kind, flag.evidence) == ("unreadable", ["the file is empty"])
    assert "scored 0" in flag.summary and "regrade" in flag.summary


def test_a_file_that_answers_nothing_is_flagged_as_empty():
    missing = [ExerciseResult(id=i, title=i, kind="code", outcome=Outcome.MISSING, score=0, max_score=2, cases=[
        CaseResult("a case", Outcome.MISSING, 0, 2, Visibility.PUBLIC, message="name 'f' is not defined")])
        for i in ("q04", "q09")]
    result = result_for("x", exercises=missing, notes=["cell 3 is marked as exercise 'q99'"])
    (flag,) = find_flags({"x": result}, {}, STARTER)
    assert (flag.kind, flag.evidence) == ("empty", ["cell 3 is marked as exercise 'q99'"])
    one_answer = result_for("y", exercises=[missing[0], passed_exercises()[0]])
    assert find_flags({"y": one_answer}, {}, STARTER) == []
