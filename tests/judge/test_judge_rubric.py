"""Rubric scoring: concepts found by phrasing, misconceptions cost points, thin evidence asks for review."""
import pytest

from grader.judge import rubric
from grader.results import Outcome


@pytest.fixture
def make_rubric(tmp_path):
    def make(body: str) -> rubric.Rubric:
        path = tmp_path / "rubric.toml"
        path.write_text(body)
        return rubric.load_rubric(path)
    return make


GRADIENT = """
min_words = 6
[[concepts]]
name = "how the loss changes as a weight changes"
phrases = ["how the loss chang*", "rate of change", "slope", "derivative of the loss", "dl / dw"]
[[concepts]]
name = "it tells which way to step the weights"
phrases = ["direction", "which way", "updat* the weight*", "step* the param*"]
[[misconceptions]]
name = "the gradient is the second derivative"
phrases = ["second derivative"]
penalty = 0.5
"""


def test_phrases_match_words_in_order_with_small_gaps_and_prefixes():
    assert rubric.phrase_found(["updat*", "the", "weight*"], rubric.words("we update all the weights"))
    assert rubric.phrase_found(["rate", "of", "change"], rubric.words("the Rate-of-change"))
    assert not rubric.phrase_found(["rate", "of", "change"], rubric.words("change of rate"))
    assert not rubric.phrase_found(["slope"], rubric.words("slopes"))


def test_full_half_and_zero_credit(make_rubric):
    rub = make_rubric(GRADIENT)
    full = rubric.score("The gradient is the slope of the loss, so it tells us in which direction to update the "
                        "weights.", rub)
    assert full.score == 1 and full.outcome is Outcome.PASSED and not full.needs_review
    half = rubric.score("It is the slope of the loss function with respect to each parameter value.", rub)
    assert half.score == 0.5 and half.details["concepts_missed"] == ["it tells which way to step the weights"]
    assert "missing: it tells which way" in half.message
    zero = rubric.score("Gradients are a kind of colourful background used in slides and posters.", rub)
    assert zero.score == 0 and zero.needs_review


def test_misconception_costs_points_and_asks_for_review(make_rubric):
    case = rubric.score("The gradient is the second derivative, the slope tells which direction to go.",
                        make_rubric(GRADIENT))
    assert case.score == 0.5 and case.details["misconceptions"] == ["the gradient is the second derivative"]
    assert case.needs_review and "misconception" in case.message


def test_short_copied_and_empty_answers(make_rubric):
    rub = make_rubric(GRADIENT)
    assert rubric.score("slope", rub).needs_review
    prompt = "Explain in your own words what the gradient tells you about how the loss changes"
    copied = rubric.score("what the gradient tells you about how the loss changes", rub, prompt)
    assert copied.score == 0 and "repeats the question" in copied.message
    assert rubric.score("   ", rub).outcome is Outcome.MISSING


def test_rubric_files_must_name_their_concepts(make_rubric):
    with pytest.raises(ValueError, match="name and phrases"):
        make_rubric("[[concepts]]\nphrases = ['x']\n")
    with pytest.raises(ValueError, match="no concepts"):
        make_rubric("min_words = 3\n")
