"""The checks behind the review flags: prose and code, word lists, copies, pasted cells, padded answers."""
from pathlib import Path

import pytest

from grader.judge import rubric
from grader.judge.written import chapter, signals
from grader.judge.written.text import function_share, prose, tokenise, words

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT.parent / "shared" / "seeds" / "04_mnist_basics.ipynb"

RUBRIC = """
min_words = 6
[[concepts]]
key = "step"
name = "steps the weights against the gradient"
phrases = ["gradient*", "slope*"]
[[concepts]]
key = "random"
name = "on a random mini-batch"
phrases = ["random* * batch*", "mini batch*"]
[[levels]]
score = 1
all = ["step", "random"]
[[levels]]
score = 0.5
any = ["step", "random"]
"""


@pytest.fixture
def rub(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text(RUBRIC)
    return rubric.load_rubric(path)


def test_code_blocks_code_lines_and_pictures_are_set_aside_but_sentences_with_inline_code_stay():
    body, had_code = prose("It filters.\n```python\nx = [a for a in b if a]\n```\n![plot](p.png)\n"
                           "y = torch.randn(3)*2\nWe keep `len(t.shape)` as the rank of the tensor here.")
    assert had_code and "filters" in body and "randn" not in body and "plot" not in body
    assert "len(t.shape)" in body
    assert "comprehension" in prose("A list comprehension like [x for x in xs if x] keeps some items only.")[0]


def test_a_line_break_inside_a_sentence_does_not_end_it_but_a_blank_line_does():
    toks = tokenise("it takes random\nsteps\n\nnew thought")
    assert toks.words[2:5] == ["random", "steps", "new"]
    assert toks.sentence[2] == toks.sentence[3] != toks.sentence[4]


def test_keyword_lists_are_told_from_terse_answers():
    assert signals.salad(words("gradient loss weights learning rate step minimum derivative"))
    listed = "folders, train, valid, labels, held out, overfitting, never seen"
    assert signals.salad(words(listed), listed)
    for terse in ("Matrix multiplication", "randomly", "Vectorize the calculations, and then use a gpu",
                  "It is the slope of the loss with respect to each weight."):
        assert not signals.salad(words(terse), terse), terse
    assert function_share(words("the slope of the loss")) == 0.6


def test_copying_the_prompt_is_seen_from_word_triples():
    prompt = words("In one to three sentences: what does SGD do to a model's weights, and what is stochastic?")
    assert signals.copied_prompt(words("what does SGD do to a model's weights and what is stochastic"), prompt)
    assert not signals.copied_prompt(words("SGD steps each weight against its gradient on a random batch"), prompt)


def test_a_copied_passage_is_found_from_fingerprints_that_hold_no_text():
    text = words("the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat all day long "
                 "and nobody minds it at all because it is a sunny day")
    prints = frozenset(chapter.fingerprints(text))
    assert chapter.copied_share(text, prints)[0] == 1.0
    own = words("my own sentence about gradients and weights that was never in the chapter at all today")
    assert chapter.copied_share(own, prints) == (0.0, 0)


@pytest.mark.skipif(not NOTEBOOK.is_file(), reason=f"the chapter notebook is not at {NOTEBOOK}")
def test_the_stored_fingerprints_are_the_chapter_s(tmp_path):
    target = tmp_path / "prints.py"
    chapter.write_module(NOTEBOOK, target)
    assert target.read_text(encoding="utf-8") == chapter.MODULE.read_text(encoding="utf-8"), (
        "rebuild: .venv/bin/python -m grader.judge.written.chapter ../shared/seeds/04_mnist_basics.ipynb")


def test_other_cells_with_the_same_text_are_named():
    text = "SGD steps every weight against its gradient, computed on a random mini-batch each time."
    others = {"q12": text, "q13": text + " Really.", "q18": "A gradient is a slope of the loss.", "q22": ""}
    assert signals.duplicates(words(text), others, "q12") == ["q13"]
    assert signals.duplicates(words("too short"), others, "q12") == []


def test_an_answer_longer_than_asked_with_a_sentence_the_rubric_cannot_check_is_flagged(rub):
    right = "SGD follows the gradient downhill. It uses a random mini-batch for each step."
    assert (rubric.score(right, rub).score, rubric.score(right, rub).needs_review) == (1, False)
    padded = right + " It is the most popular optimiser in use today. It also doubles the learning rate every epoch."
    case = rubric.score(padded, rub)
    assert case.score == 1 and case.needs_review
    assert any(r.startswith("longer than asked") for r in case.details["review_reasons"])


def test_extra_sentences_that_claim_nothing_sweeping_are_left_alone_and_a_sweeping_one_is_read(rub):
    right = "SGD follows the gradient downhill. It uses a random mini-batch for each step."
    example = right + (" For example, with a learning rate of 0.1 the step is a tenth of the slope. That is how it "
                       "learns.")
    assert (rubric.score(example, rub).score, rubric.score(example, rub).needs_review) == (1, False)
    sweeping = right + " It is the most popular optimiser in use today. It always finds the best weights there are."
    assert rubric.score(sweeping, rub).needs_review
    assert signals.unchecked_sentences(tokenise(sweeping), []) == (1, 4)


def test_an_on_topic_answer_the_rubric_cannot_read_is_half_right_until_read_and_an_off_topic_one_is_not(rub):
    # most real answers pass (86% with the instructor), so one that talks about the question in words the
    # rubric lacks is more likely partly right than wrong; it is flagged, so a person decides
    prompt = "Why does SGD update the weights of a model many times, and what does each update do to its error?"
    unread = rubric.score("Every update looks at how the error of the model changes for a small handful of examples "
                          "and nudges its weights downhill, over and over, until the error is low.", rub, prompt)
    assert (unread.score, unread.needs_review) == (0.5, True)
    assert unread.details["review_reasons"][0].startswith("no key idea recognised")
    elsewhere = rubric.score("The pictures are stored as grids of numbers between zero and two hundred fifty five, "
                             "one number per pixel, in rows and columns, and colour pictures have three grids.", rub,
                             prompt)
    assert (elsewhere.score, elsewhere.needs_review) == (0, True)


def test_a_substantial_answer_with_nothing_recognised_is_flagged_but_a_short_one_is_not(rub):
    long = rubric.score("The optimiser is a clever procedure that makes the network better and better over "
                        "time by looking at how wrong it is.", rub)
    assert long.score == 0 and long.needs_review
    short = rubric.score("It makes the model better.", rub)
    assert short.score == 0 and not short.needs_review
