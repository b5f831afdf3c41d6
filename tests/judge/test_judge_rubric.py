"""Rubric scoring: concepts found by phrasing, a scale that fits the key, negation, misconceptions, evidence."""
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
key = "slope"
name = "how the loss changes as a weight changes"
phrases = ["how the loss chang*", "rate of change", "slope", "derivative of the loss", "dl / dw"]
[[concepts]]
key = "way"
name = "it tells which way to step the weights"
phrases = ["direction", "which way", "updat* the weight*", "step* the param*"]
[[misconceptions]]
name = "the gradient is the second derivative"
phrases = ["second derivative"]
penalty = 0.5
"""

LEVELS = GRADIENT + """
[[levels]]
score = 1
all = ["way"]
[[levels]]
score = 0.5
any = ["slope"]
"""


def test_phrases_match_words_in_order_with_small_gaps_and_prefixes():
    assert rubric.phrase_found(["updat*", "the", "weight*"], rubric.words("we update all the weights"))
    assert rubric.phrase_found(["rate", "of", "change"], rubric.words("the Rate-of-change"))
    assert not rubric.phrase_found(["rate", "of", "change"], rubric.words("change of rate"))
    assert not rubric.phrase_found(["slope"], rubric.words("slopes"))


def test_long_words_match_with_one_typing_slip_but_short_ones_do_not():
    assert rubric.phrase_found(["prediction*"], rubric.words("the prediciton"))
    assert rubric.phrase_found(["accumulat*"], rubric.words("they acumulate"))
    assert not rubric.phrase_found(["height"], rubric.words("the weight"))


def test_a_phrase_does_not_join_two_sentences(make_rubric):
    rub = make_rubric(GRADIENT)
    assert rubric.score("We update. The weights are then used in a different way later on.", rub).score == 0


def test_without_levels_the_score_is_the_share_of_concepts(make_rubric):
    rub = make_rubric(GRADIENT)
    full = rubric.score("The gradient is the slope of the loss, so it tells us in which direction to update the "
                        "weights.", rub)
    assert full.score == 1 and full.outcome is Outcome.PASSED and not full.needs_review
    half = rubric.score("It is the slope of the loss function with respect to each parameter value.", rub)
    assert half.score == 0.5 and half.details["concepts_missed"] == ["it tells which way to step the weights"]
    assert "missing: it tells which way" in half.message
    zero = rubric.score("Gradients are a kind of colourful background used in slides and posters.", rub)
    assert zero.score == 0 and zero.outcome is Outcome.FAILED


def test_levels_give_the_key_s_scale_not_a_share(make_rubric):
    rub = make_rubric(LEVELS)
    assert rubric.score("It says in which direction we should move every weight of the model.", rub).score == 1
    assert rubric.score("It is the slope of the loss at the current point of the curve.", rub).score == 0.5
    assert rubric.score("It is something about colours that appear in the background.", rub).score == 0


def test_levels_must_name_known_concepts(make_rubric):
    with pytest.raises(ValueError, match="unknown concepts"):
        make_rubric(GRADIENT + "[[levels]]\nscore = 1\nall = ['nope']\n")


def test_negated_right_words_are_not_credited_and_are_flagged(make_rubric):
    rub = make_rubric(LEVELS)
    case = rubric.score("It is not the direction in which to move the weights, and it is not a slope either.", rub)
    assert case.score == 0 and case.needs_review
    assert "said negated" in case.message and "a key idea appears only negated" in case.details["review_reasons"]
    because = rubric.score("The gradient matters, but not because it tells the direction to update the weights.",
                           rub)
    assert because.score == 0 and because.needs_review


def test_a_negation_reaches_only_its_own_clause(make_rubric):
    rub = make_rubric(LEVELS)
    case = rubric.score("It is not magic: the gradient tells us the direction to update the weights in.", rub)
    assert case.score == 1 and not case.needs_review


def test_misconception_costs_points_or_caps_and_asks_for_review(make_rubric):
    case = rubric.score("The gradient is the second derivative, the slope tells which direction to go.",
                        make_rubric(GRADIENT))
    assert case.score == 0.5 and case.details["misconceptions"] == ["the gradient is the second derivative"]
    assert case.needs_review and "misconception" in case.message
    capped = make_rubric(LEVELS.replace("penalty = 0.5", "cap = 0"))
    assert rubric.score("The gradient is the second derivative and tells which direction to update the weights.",
                        capped).score == 0


def test_code_is_set_aside_and_code_alone_earns_nothing(make_rubric):
    rub = make_rubric(LEVELS)
    only_code = rubric.score("```python\nw -= lr * w.grad  # step the parameters in the direction\n```", rub)
    assert only_code.score == 0 and "only code" in only_code.message and not only_code.needs_review
    mixed = rubric.score("It is the slope of the loss.\n```python\nw -= lr * w.grad  # direction\n```", rub)
    assert mixed.score == 0.5 and mixed.details["code_set_aside"]


def test_ignored_words_never_count(make_rubric):
    rub = make_rubric('ignore = ["slope of the loss"]\n' + LEVELS)
    assert rubric.score("Its name is the slope of the loss, a term from the book.", rub).score == 0


def test_the_message_shows_the_words_that_matched(make_rubric):
    case = rubric.score("It tells us in which direction to update the weights.", make_rubric(LEVELS))
    assert 'found: it tells which way to step the weights ("direction")' in case.message
    assert case.details["evidence"] == {"it tells which way to step the weights": "direction"}


def test_short_copied_and_empty_answers(make_rubric):
    rub = make_rubric(GRADIENT)
    prompt = "Explain in your own words what the gradient tells you about how the loss changes"
    copied = rubric.score("what the gradient tells you about how the loss changes", rub, prompt)
    assert copied.score == 0 and "repeats the question" in copied.message and copied.needs_review
    assert rubric.score("   ", rub).outcome is Outcome.MISSING


def test_rubric_files_must_name_their_concepts(make_rubric):
    with pytest.raises(ValueError, match="name and phrases"):
        make_rubric("[[concepts]]\nphrases = ['x']\n")
    with pytest.raises(ValueError, match="no concepts"):
        make_rubric("min_words = 3\n")


def test_a_reason_given_after_a_denial_is_credited_but_flagged(make_rubric):
    case = rubric.score("It is not the slope because it tells the direction to update the weights.",
                        make_rubric(LEVELS))
    assert case.score == 1 and case.needs_review
    assert any("after a denial" in r for r in case.details["review_reasons"])
