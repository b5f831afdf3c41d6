"""A provisional score for a short written answer, from a rubric of key concepts and known misconceptions.

Deliberately transparent rather than clever: every concept lists the phrasings students really use, the score
scale says what the instructor's key says (both ideas: full marks; one of them: a pass), and the result shows
which concepts were found with the words that matched, which were missed, which misconception was stated, and
why the answer was flagged ``needs_review``: a key idea said only negated, a list of words, a copy of the prompt
or the chapter, one text in many cells, a misconception next to right words, an answer longer than asked with
sentences the rubric cannot check, or a substantial answer in which nothing was recognised.  The pieces live in
:mod:`grader.judge.written`; this module is the interface callers use.
"""
from __future__ import annotations

from grader.judge.written.match import GAP, phrase_spans
from grader.judge.written.model import Concept, Level, Rubric, load_rubric, phrase as _phrase
from grader.judge.written.scorer import NAME, score
from grader.judge.written.text import Words, tokenise, words
from grader.results import CaseResult, Outcome, Visibility

__all__ = ["GAP", "NAME", "Concept", "Level", "Rubric", "check_present", "found", "load_rubric", "phrase_found",
           "score", "tokenise", "words", "_phrase"]


def phrase_found(phrase: list[str], tokens: list[str]) -> bool:
    """The phrase's words in order, each within GAP other words of the previous one."""
    return bool(phrase_spans(phrase, Words(tokens, [0] * len(tokens), [0] * len(tokens))))


def found(concept: Concept, tokens: list[str]) -> bool:
    return any(phrase_found(p, tokens) for p in concept.phrases)


def check_present(text: str | None, min_words: int = 8) -> CaseResult:
    """Self-check without the rubric: only whether an answer of some substance is there."""
    tokens = words(text or "")
    case = CaseResult(name=NAME, outcome=Outcome.PASSED, score=1.0, max_score=1.0, visibility=Visibility.PUBLIC,
                      message="an answer is there (it is scored against the rubric when graded)")
    if not tokens:
        case.outcome, case.score = Outcome.MISSING, 0.0
        case.message = "no written answer yet: write it in the answer cell under the exercise"
    elif len(tokens) < min_words:
        case.outcome, case.score = Outcome.FAILED, 0.0
        case.message = f"the answer has only {len(tokens)} words; explain in one to three full sentences"
    return case

