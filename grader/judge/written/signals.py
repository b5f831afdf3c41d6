"""Signs that an answer's words were not written as an answer to this question: the ways to game a keyword rubric.

Each check is cheap and says what it saw, for the instructor:

- a *list of words* with no sentence around them (grammar words are missing: real answers, even terse ones,
  have "is", "the", "of");
- a *copy of the prompt* (most of the answer's word triples are the prompt's);
- a *copy of the chapter* (see :mod:`grader.judge.written.chapter`);
- the *same text in several answer cells* of one submission.
"""
from __future__ import annotations

from collections.abc import Mapping

from grader.judge.written.chapter import copied_share
from grader.judge.written.text import function_share, prose, words

SALAD_MIN_WORDS = 7
SALAD_SHARE = 0.12
DUPLICATE = 0.6  # share of word triples two answers have in common (of the smaller one)


def _triples(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


def salad(tokens: list[str]) -> bool:
    """Many words and almost no grammar words: a keyword list, not a sentence."""
    return len(tokens) >= SALAD_MIN_WORDS and function_share(tokens) < SALAD_SHARE


def copied_prompt(tokens: list[str], prompt_tokens: list[str]) -> bool:
    """Most of the answer's word triples also occur in the prompt."""
    if len(tokens) < 6 or len(prompt_tokens) < 6:
        return False
    grams = _triples(tokens)
    return len(grams & _triples(prompt_tokens)) / len(grams) >= 0.6


def copied_chapter(tokens: list[str]) -> bool:
    """Most of the answer's sampled five-word runs are the chapter's."""
    share, found = copied_share(tokens)
    return found >= 3 and share >= 0.5


def duplicates(tokens: list[str], others: Mapping[str, str] | None, own: str | None) -> list[str]:
    """The other answer cells (by exercise id) whose text is largely this answer's."""
    if not others or len(tokens) < 6:
        return []
    mine = _triples(tokens)
    out = []
    for key, text in sorted(others.items()):
        if key == own or not text:
            continue
        theirs = _triples(words(prose(text)[0]))
        if len(theirs) >= 4 and len(mine & theirs) / min(len(mine), len(theirs)) >= DUPLICATE:
            out.append(key)
    return out
