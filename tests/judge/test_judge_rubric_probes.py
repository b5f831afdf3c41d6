"""Gaming probes, per written question: none may earn half the points or more without a review flag.

The hand-written probes (a keyword salad, the right words negated, a padded answer with one wrong claim) live in
``solutions/<id>/labelled.toml`` as ``[[probes]]``; the others are built from what a student has at hand: the
prompt copied back, a chapter passage pasted in (when the chapter notebook is beside the project), and one text
pasted into every answer cell of a submission.
"""
from pathlib import Path

import pytest

from grader.catalog import load_catalog
from grader.judge import rubric
from grader.judge.written import probes

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
WRITTEN = [ex for ex in load_catalog(ROOT / "exercises") if ex.written]
CHAPTER = ROOT.parent / "shared" / "seeds" / "04_mnist_basics.ipynb"


def _prompt(ex) -> str:
    return ex.written["prompt"] + "\n" + (ex.folder / "prompt.md").read_text(encoding="utf-8")


def _score(ex, text, others=None):
    return rubric.score(text, rubric.load_rubric(SOLUTIONS / ex.id / "rubric.toml"), _prompt(ex), others, ex.id)


def _passes_unflagged(case) -> bool:
    return case.score >= 0.5 and not case.needs_review


@pytest.mark.parametrize("ex", WRITTEN, ids=[e.id for e in WRITTEN])
def test_every_question_has_a_probe_of_each_hand_written_kind(ex):
    kinds = [kind for kind, _ in probes.hand(SOLUTIONS, ex.id)]
    assert sorted(set(kinds)) == sorted(probes.HAND)


@pytest.mark.parametrize("ex", WRITTEN, ids=[e.id for e in WRITTEN])
def test_hand_written_probes_do_not_pass_unflagged(ex):
    for kind, text in probes.hand(SOLUTIONS, ex.id):
        case = _score(ex, text)
        assert not _passes_unflagged(case), f"{kind}: {case.message}"


def test_a_keyword_salad_is_named_as_such():
    ex = next(e for e in WRITTEN if e.id == "q12")
    text = dict(probes.hand(SOLUTIONS, "q12"))["salad"]
    case = _score(ex, text)
    assert "a list of words rather than sentences" in case.details["review_reasons"] and case.score <= 0.5


def test_negated_right_words_earn_nothing():
    for ex in WRITTEN:
        case = _score(ex, dict(probes.hand(SOLUTIONS, ex.id))["negated"])
        assert case.score < 0.5 or "a key idea appears only negated" in case.details["review_reasons"], ex.id


@pytest.mark.parametrize("ex", WRITTEN, ids=[e.id for e in WRITTEN])
def test_the_prompt_copied_back_earns_nothing(ex):
    for kind, text in probes.prompt_copies(ex.written["prompt"], (ex.folder / "prompt.md").read_text("utf-8")):
        case = _score(ex, text)
        assert case.score == 0 and case.needs_review, f"{kind}: {case.message}"


@pytest.mark.skipif(not CHAPTER.is_file(), reason=f"the chapter notebook is not at {CHAPTER}")
@pytest.mark.parametrize("ex", WRITTEN, ids=[e.id for e in WRITTEN])
def test_a_chapter_passage_pasted_in_is_flagged_as_the_chapter_s_words(ex):
    passage = probes.nearest_passage(probes.chapter_passages(CHAPTER),
                                     (SOLUTIONS / ex.id / "answer.md").read_text(encoding="utf-8"))
    case = _score(ex, passage)
    assert "mostly the chapter's own words" in case.details["review_reasons"], case.message


@pytest.mark.parametrize("source", ["vocabulary", "q04", "q12", "q28"])
def test_one_text_in_every_cell_is_flagged_in_every_cell(source):
    text = probes.VOCABULARY if source == "vocabulary" else (SOLUTIONS / source / "answer.md").read_text("utf-8")
    cells = {ex.id: text for ex in WRITTEN}
    cases = [_score(ex, text, cells) for ex in WRITTEN]
    assert not any(_passes_unflagged(c) for c in cases)
    assert all(any(r.startswith("the same text is also the answer to") for r in c.details["review_reasons"])
               for c in cases)
    assert sum(c.score for c in cases) <= len(cases) / 2


def test_the_same_answer_in_two_cells_is_flagged_but_keeps_its_score():
    ex = next(e for e in WRITTEN if e.id == "q12")
    text = (SOLUTIONS / "q12" / "answer.md").read_text(encoding="utf-8")
    case = _score(ex, text, {"q12": text, "q13": text})
    assert case.score == 1 and case.needs_review
    assert "the same text is also the answer to q13" in case.details["review_reasons"]
    alone = _score(ex, text, {"q12": text, "q13": "Because a mini-batch is a compromise between speed and noise."})
    assert (alone.score, alone.needs_review) == (1, False)
