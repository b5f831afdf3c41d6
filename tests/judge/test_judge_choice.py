"""Choice scoring: exact for single choice, partial credit for multi-select and orderings, key never shown."""
import pytest

from grader.judge import choice
from grader.results import Outcome

SINGLE = {"name": "choice_q12", "mode": "single", "options": {"a": "A", "b": "B", "c": "C"}}
MULTI = {"name": "choice_q32", "mode": "multi", "options": {k: k for k in "abcdef"}}
ORDER = {"name": "order_q14", "mode": "order", "options": {k: f"step {k}" for k in "abcd"}}


def test_single_choice_right_wrong_and_feedback_for_the_misunderstanding():
    key = {"answer": "b", "feedback": {"a": "that describes the loss"}, "hint": "see Q12"}
    assert choice.score("b", SINGLE, key).score == 1
    wrong = choice.score(" A ", SINGLE, key)
    assert wrong.outcome is Outcome.FAILED and wrong.message == "that describes the loss" and wrong.hint == "see Q12"
    assert "b" not in wrong.message.split()  # the key is never revealed
    assert choice.score("c", SINGLE, key).message == "option c is not the right answer"


@pytest.mark.parametrize("value, fraction", [
    (["a", "b", "c"], 1.0), (["a", "b"], 2 / 3), (["a", "b", "c", "d"], 2 / 3), (["d", "e"], 0.0),
    (["a", "d", "e", "f"], 0.0),
])
def test_multi_select_partial_credit(value, fraction):
    case = choice.score(value, MULTI, {"answer": ["a", "b", "c"]})
    assert case.score == pytest.approx(fraction, abs=1e-4)


@pytest.mark.parametrize("value, fraction", [
    (["a", "b", "c", "d"], 1.0), (["b", "a", "c", "d"], 5 / 6), (["d", "c", "b", "a"], 0.0),
])
def test_ordering_partial_credit_by_pairs_in_order(value, fraction):
    case = choice.score(value, ORDER, {"answer": ["a", "b", "c", "d"]})
    assert case.score == pytest.approx(fraction, abs=1e-4)
    if fraction < 1:
        assert case.message


@pytest.mark.parametrize("config, value, words", [
    (SINGLE, None, "still None"), (SINGLE, "z", "not one of the options"), (SINGLE, ["a"], "one letter"),
    (MULTI, "a", "list of letters"), (MULTI, ["a", "a"], "twice"), (ORDER, ["a", "b"], "every step"),
])
def test_malformed_answers_say_what_form_is_expected(config, value, words):
    case = choice.score(value, config, {"answer": ["a"] if config is not SINGLE else "a"})
    assert case.score == 0 and words in case.message and case.hint
    assert choice.check_format(value, config).score == 0


def test_self_check_accepts_any_well_formed_answer_without_the_key():
    assert choice.check_format("c", SINGLE).outcome is Outcome.PASSED
    assert choice.check_format(None, SINGLE).outcome is Outcome.MISSING
