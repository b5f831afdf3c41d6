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

import functools
import re
from collections.abc import Mapping

from grader.judge.written.chapter import copied_share
from grader.judge.written.text import FUNCTION_WORDS, Words, function_share, prose, words

SALAD_MIN_WORDS = 7
SALAD_SHARE = 0.12
ASKED_SENTENCES = 3  # the prompts ask for one to three sentences
SUBSTANTIAL = 15  # words: an answer of this size with nothing recognised may use words the rubric lacks
SUBSTANTIAL_UNREAD = 20  # words: an on-topic answer this long that the rubric cannot read is scored partly right
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


# Words of a sweeping claim: how a wrong statement added to a right answer usually reads ("it always ...", "only
# works when ...", "guarantees ...").  A right explanation seldom needs them in a sentence the rubric cannot check.
SWEEPING = set("always never only exactly guarantee guarantees guaranteed automatically every impossible "
               "ignores nothing".split())


def unchecked_sentences(words: Words, hits: list) -> tuple[int, int]:
    """(sentences of five words or more that make a sweeping claim in words no concept or misconception matched,
    sentences of five words or more).

    A padded answer hides a wrong claim among right ones, often in a sentence of its own and usually as a sweeping
    one ("it always ...", "it also sorts the list automatically"); in an answer longer than the prompt asks for,
    such a sentence is for a person to read.  Real learners' extra sentences (an example, a restatement) were
    never wrong when they claimed nothing of the kind, and flagging every one of them made the flag say nothing
    about where the errors are.
    """
    matched = {i for h in hits for i in range(h.start, h.end + 1)}
    sizes: dict[int, int] = {}
    sweeping: set[int] = set()
    for i, s in enumerate(words.period):
        sizes[s] = sizes.get(s, 0) + 1
        if words.words[i] in SWEEPING and i not in matched:
            sweeping.add(s)
    big = [s for s, n in sizes.items() if n >= 5]
    return sum(s in sweeping for s in big), len(big)


TOPIC_SHARED = 3  # distinct content words an answer must share with its question's vocabulary to be on its topic
TOPIC_SHARE = 0.25  # ... and this share of its own distinct content words


def on_topic(tokens: list[str], vocabulary: set[str]) -> bool:
    """Whether an answer talks about its question: enough of its content words (not grammar words) are the
    question's own (the prompt's and the rubric's phrasings).  Says nothing about right or wrong."""
    mine = {t for t in tokens if t not in FUNCTION_WORDS and len(t) > 2 and not t.isdigit()}
    shared = mine & vocabulary
    return len(shared) >= TOPIC_SHARED and len(shared) >= TOPIC_SHARE * len(mine)


@functools.lru_cache(maxsize=512)
def _answer_triples(text: str) -> frozenset:
    """An answer's word triples, read once per text: every answer of a submission is compared with every
    other, so without this each is tokenised once per answer (32 times a submission)."""
    return frozenset(_triples(words(prose(text)[0])))


def duplicates(tokens: list[str], others: Mapping[str, str] | None, own: str | None) -> list[str]:
    """The other answer cells (by exercise id) whose text is largely this answer's."""
    if not others or len(tokens) < 6:
        return []
    mine = _triples(tokens)
    out = []
    for key, text in sorted(others.items()):
        if key == own or not text:
            continue
        theirs = _answer_triples(text)
        if len(theirs) >= 4 and len(mine & theirs) / min(len(mine), len(theirs)) >= DUPLICATE:
            out.append(key)
    return out
