"""The trivial answers `grader validate` grades: what each member does, and that the check catches a weak suite."""
import dataclasses
import shutil

import pytest
import torch
from torch import nn

from grader.catalog import load_catalog, select
from grader.config import REPO_ROOT, load_settings
from grader.course import trivial
from grader.course.validate import trivial_problems

SOLUTIONS = REPO_ROOT / "solutions"
CATALOG = load_catalog(REPO_ROOT / "exercises")
CODE = trivial.code_exercises(CATALOG, SOLUTIONS)


def answers(member, *ids):
    """The trivial submission *member* for the exercises *ids*, run here as a module (its names as a dict)."""
    namespace = {}
    exec(compile(trivial.submission_source(member, select(CATALOG, list(ids)), SOLUTIONS), "trivial", "exec"),
         namespace)
    return namespace


def test_every_code_exercise_gets_every_member_and_choices_are_left_out():
    assert {ex.id for ex in CODE} >= {"q04", "q09", "q26", "fr1", "fr2"}
    assert all(ex.kind != "choice" for ex in CODE)
    for member in trivial.FAMILY:
        chosen = [ex for ex in CODE if trivial.applies(member, ex)]
        compile(trivial.submission_source(member, chosen, SOLUTIONS), member, "exec")
    assert [ex.id for ex in CODE if trivial.applies("untrained", ex)] == ["fr1", "fr2"]
    assert "choice_q05" not in answers("none", "q05")


def test_literal_members_keep_the_signature_and_return_their_value():
    t = torch.arange(9).view(3, 3)
    assert answers("none", "q09")["doubled_corner"](t) is None
    assert answers("empty", "q09")["doubled_corner"](t) == []
    assert answers("zero", "q09")["doubled_corner"](t) == 0
    assert answers("input", "q09")["doubled_corner"](t) is t
    anything = answers("anything", "q09")["doubled_corner"](t)
    assert anything == 5 and anything == "x" and not anything != t
    source = trivial.submission_source("none", select(CATALOG, ["q04"]), SOLUTIONS)
    assert "def double_odds(nums):\n    return None" in source


def test_shaped_members_are_constants_of_the_right_shape_and_leave_the_input_alone():
    t = torch.arange(9).view(3, 3)
    got = answers("zeros", "q09")["doubled_corner"](t)
    assert torch.equal(got, torch.zeros(2, 2, dtype=t.dtype)) and torch.equal(t, torch.arange(9).view(3, 3))
    assert answers("ones", "q04")["double_odds"]([1, 2, 3]) == [1, 1]
    w = torch.ones(3, requires_grad=True)
    w.grad = torch.ones(3)
    answers("zeros", "q23")["sgd_step"]([w], 0.5)  # the reference steps a copy
    assert torch.equal(w.detach(), torch.ones(3)) and w.grad is not None


def test_classes_are_subclasses_whose_methods_do_nothing_of_use():
    ns = answers("none", "fr1")
    reference = ns["_REFERENCE_fr1"]
    assert issubclass(ns["Learner"], reference["Learner"]) and ns["Learner"] is not reference["Learner"]
    p = torch.ones(2, requires_grad=True)
    p.grad = torch.ones(2)
    opt = ns["BasicOptim"]([p], 0.1)
    assert opt.step() is None and torch.equal(p.detach(), torch.ones(2))
    assert list(answers("empty", "q24")["DataLoader"]([(torch.zeros(1), 0)], 1)) == []


def test_model_members_untrain_what_is_returned_and_use_what_is_given():
    helpers = {}
    exec(trivial.HELPERS, helpers)
    untrained = helpers["_trivial"].untrained

    def fit():
        model = nn.Linear(4, 2)
        with torch.no_grad():
            model.weight.fill_(5.0)
        return model

    assert not torch.all(untrained(fit, None).weight == 5.0)
    model = nn.Linear(4, 2)
    x = torch.randn(3, 4)
    assert torch.equal(untrained(lambda m, xs: m(xs).argmax(1), None, model, x), model(x).argmax(1))
    assert torch.equal(untrained(lambda m, xs: m(xs).argmax(1), 0, model, x), torch.zeros(3, dtype=torch.long))
    assert untrained(lambda xs: xs * 2, None, x) is None


def q04_copy(tmp_path, marked: bool):
    """A copy of Q4; unless *marked*, its hidden suite keeps its edge case unmarked, as before property cases."""
    exercises, solutions = tmp_path / "exercises", tmp_path / "solutions"
    shutil.copytree(REPO_ROOT / "exercises" / "q04", exercises / "q04")
    shutil.copytree(SOLUTIONS / "q04", solutions / "q04")
    hidden = (SOLUTIONS / "q04" / "test_hidden.py").read_text(encoding="utf-8")
    weak = hidden.replace("@property_case\n@points(1)\ndef test_edge_cases", "@points(1)\ndef test_edge_cases")
    assert weak != hidden
    (solutions / "q04" / "test_hidden.py").write_text(hidden if marked else weak, encoding="utf-8")
    return dataclasses.replace(load_settings(), exercises_dir=exercises, solutions_dir=solutions)


@pytest.mark.parametrize("marked", [False, True])
def test_validate_names_the_case_a_trivial_answer_passes_unless_it_is_a_property(tmp_path, marked):
    settings = q04_copy(tmp_path, marked)
    problems = list(trivial_problems(settings, load_catalog(settings.exercises_dir), lambda _: None,
                                     members=["empty"]))
    if marked:
        assert problems == []
        return
    assert [(p.check, p.exercise) for p in problems] == [("trivial answers score 0", "q04")]
    assert "returns []" in problems[0].detail and "handles an empty list" in problems[0].detail
