"""Signs that an answer's words were not written as an answer to this question: the ways to game a keyword rubric.

Each check is cheap and says what it saw, for the instructor:

- a *list of words* with no sentence around them (grammar words are missing: real answers, even terse ones,
  have "is", "the", "of");
- a *copy of the prompt* (most of the answer's word triples are the prompt's);
- a *copy of the chapter* (see :mod:`grader.judge.written.chapter`);
- the *same text in several answer cells* of one submission;
- sentences the rubric cannot check, in an answer longer than asked (where a wrong claim can hide).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from grader.judge.written.chapter import copied_share
from grader.judge.written.text import Words, function_share, prose, words

SALAD_MIN_WORDS = 7
SALAD_SHARE = 0.12
ASKED_SENTENCES = 3  # the prompts ask for one to three sentences
SUBSTANTIAL = 15  # words: an answer of this size with nothing recognised may use words the rubric lacks
DUPLICATE = 0.6  # share of word triples two answers have in common (of the smaller one)


def _triples(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


AUXILIARIES = set("is are was were be been being has have had do does did can could will would should may might must "
                  "means gives takes makes uses lets".split())


def salad(tokens: list[str], body: str = "") -> bool:
    """A keyword list, not a sentence: almost no grammar words, or a run of short fragments with no verb.

    Terse real answers ("Matrix multiplication", "randomly") are too short to count; a list of six or more words
    separated by commas, with no "is", "are", "can" or "gives" anywhere, is not how anyone explains.
    """
    if len(tokens) < SALAD_MIN_WORDS:
        return False
    if function_share(tokens) < SALAD_SHARE:
        return True
    fragments = [f.split() for f in re.split(r"[,;\n]", body.lower()) if f.strip()]
    short = sum(len(f) <= 3 for f in fragments)
    return len(fragments) >= 4 and short >= 0.75 * len(fragments) and not AUXILIARIES & set(tokens)


def copied_prompt(tokens: list[str], prompt_tokens: list[str]) -> bool:
    """Most of the answer's word triples also occur in the prompt."""
    if len(tokens) < 6 or len(prompt_tokens) < 6:
        return False
    grams = _triples(tokens)
    return len(grams & _triples(prompt_tokens)) / len(grams) >= 0.6


def copied_chapter(tokens: list[str]) -> bool:
    """Most of the answer's sampled five-word runs are the chapter's."""
    share, found = copied_share(tokens)
    return found >= 6 and share >= 0.7  # a passage (some twenty words or more), not a shared phrase


def unchecked_sentences(words: Words, hits: list) -> tuple[int, int]:
    """(sentences of five words or more that no concept or misconception touches, sentences of that size).

    A padded answer hides a wrong claim in a sentence the rubric has nothing to say about; in an answer longer
    than the prompt asks for, such a sentence is for a person to read.
    """
    touched = {words.period[i] for h in hits for i in range(h.start, h.end + 1)}
    sizes: dict[int, int] = {}
    for s in words.period:
        sizes[s] = sizes.get(s, 0) + 1
    big = [s for s, n in sizes.items() if n >= 5]
    return sum(s not in touched for s in big), len(big)


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
