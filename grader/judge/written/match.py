"""Where a rubric phrase occurs in an answer, with the words that matched, and whether it was said negated.

A phrase matches when its words appear in order within one sentence, with at most ``GAP`` other words between
consecutive ones (``*`` ends a word prefix: ``updat*``); words of six letters or more also match with one typing
slip (learners write "prediciton" and "differnce"), a wrong letter only in long words ("weight" is not "height").  A match inside the reach of a negation ("not", "n't",
"never", "no", "instead of", "rather than") is kept, but as *negated*: "it is not because the gradient is zero"
must not earn the credit "the gradient is zero" earns, and an instructor wants to see it.  The reach of a
negation is the rest of its clause, a few words at most; "not because ..." reaches over the whole reason; a
negation inside the matched words ("it is not RMSE") or just after them ("the names do not give") denies it too.
Phrases that carry their own negation ("not the whole dataset", "no copy") are never counted as negated.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from grader.judge.written.model import Concept
from grader.judge.written.text import Words

GAP = 2  # other words allowed between consecutive words of a phrase
REACH = 8  # words a negation reaches within its clause
AFTER = 2  # "the folder names do not give ...": a negation just after the matched words denies them too
NEGATIONS = {"not", "no", "never", "nor", "neither", "cannot", "nothing", "none", "isnt", "dont", "doesnt"}
NOT_NEGATIONS = {("no", "matter"), ("not", "only"), ("no", "doubt")}
PAIRS = {("instead", "of"), ("rather", "than")}
BECAUSE = {"because", "since", "due", "that"}


@dataclass
class Hit:
    concept: Concept
    start: int
    end: int  # index of the last matched word
    text: str  # the words from start to end, as the answer has them
    negated: bool


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one dropped or added letter, two swapped neighbours, or (long words) one wrong letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1]
        return swapped or (len(a) >= 9 and a[i + 1:] == b[i + 1:])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1:] == shorter[i:]


@lru_cache(maxsize=65536)
def _word_matches(pattern: str, word: str) -> bool:
    """Exact (``stem*``: a prefix), or for words of six letters or more, one typing slip away."""
    if pattern.endswith("*"):
        stem = pattern[:-1]
        if word.startswith(stem):
            return True
        return len(stem) >= 6 and any(_one_edit(stem, word[:n]) for n in (len(stem) - 1, len(stem) + 1))
    return word == pattern or (len(pattern) >= 6 and _one_edit(pattern, word))


def is_negation(word: str) -> bool:
    return word in NEGATIONS or word.endswith("n't")


def negated_spans(words: Words) -> list[bool]:
    """For each word, whether a negation earlier in its clause reaches it."""
    w = words.words
    out = [False] * len(w)
    for i, word in enumerate(w):
        pair = i + 1 < len(w) and (word, w[i + 1]) in PAIRS
        if not (is_negation(word) or pair) or (i + 1 < len(w) and (word, w[i + 1]) in NOT_NEGATIONS):
            continue
        if i and w[i - 1] == "or":  # "whether it fires or not" denies nothing
            continue
        if i + 1 < len(w) and w[i + 1] in ("as", "so") and not pair:  # "not as noisy as": a comparison
            continue
        start = i + (2 if pair else 1)
        wide = start < len(w) and w[start] in BECAUSE  # "not because ...": the whole reason is denied
        reach = 15 if wide else REACH
        for j in range(start, min(len(w), start + reach)):
            if words.sentence[j] != words.sentence[i] or (not wide and words.clause[j] != words.clause[i]):
                break
            out[j] = True
    return out


def after_denial(words: Words) -> list[bool]:
    """For each word, whether it sits in a reason given right after a denial: "it is not X because <here>".

    English leaves open whether the reason is denied too ("not stochastic because of random batches") or
    asserted ("not differentiable because it is flat"), so such words are credited but flagged.
    """
    w = words.words
    out = [False] * len(w)
    for i, word in enumerate(w):
        if word in BECAUSE - {"that"} and any(is_negation(t) for t in w[max(0, i - 3):i]):
            for j in range(i + 1, len(w)):
                if words.sentence[j] != words.sentence[i]:
                    break
                out[j] = True
    return out


def _carries_negation(phrase: list[str]) -> bool:
    return any(is_negation(p.rstrip("*")) for p in phrase) or any(tuple(phrase[i:i + 2]) in PAIRS
                                                                   for i in range(len(phrase) - 1))


def _starts(pattern: str, words: Words) -> list[int]:
    """Where a phrase may start: looked up once per answer and first word (a grade scores some 3,000 phrases)."""
    cache = words.__dict__.setdefault("_starts", {})
    if pattern not in cache:
        index = words.__dict__.get("_index")
        if index is None:
            index = words.__dict__["_index"] = {}
            for i, token in enumerate(words.words):
                index.setdefault(token, []).append(i)
        if not pattern.endswith("*") and len(pattern) < 6:  # exact: a look-up
            cache[pattern] = index.get(pattern, [])
        else:  # a prefix, or a long word that may carry a slip: only words that could match are tried
            head = pattern[0]
            cache[pattern] = sorted(i for token, where in index.items()
                                    if (token[:1] == head or token[1:2] == head) and _word_matches(pattern, token)
                                    for i in where)
    return cache[pattern]


def phrase_spans(phrase: list[str], words: Words) -> list[tuple[int, int]]:
    """Every (start, end) where the phrase's words occur in order within one sentence, GAP words apart at most."""
    w = words.words
    gap = GAP
    if phrase[0] == "=":  # side by side
        phrase, gap = phrase[1:], 0
    starts = _starts(phrase[0], words)
    spans = []
    for start in starts:
        position, ok = start, True
        for pattern in phrase[1:]:
            window = range(position + 1, min(len(w), position + 2 + gap))
            hit = next((i for i in window if words.sentence[i] == words.sentence[start]
                        and _word_matches(pattern, w[i])), None)
            if hit is None:
                ok = False
                break
            position = hit
        if ok:
            spans.append((start, position))
    return spans


def _denied(start: int, end: int, words: Words, negated: list[bool]) -> bool:
    """A negation reaches the match, sits inside it ("it is not rmse"), or follows it closely in its clause."""
    w = words.words
    if negated[start] or any(is_negation(t) for t in w[start:end + 1]):
        return True
    after = range(end + 1, min(len(w), end + 1 + AFTER))
    return any(is_negation(w[j]) and w[j - 1] != "or" for j in after if words.clause[j] == words.clause[end])


def find(concept: Concept, words: Words, negated: list[bool]) -> list[Hit]:
    """All matches of the concept's phrases; each says whether a negation reaches it."""
    hits = []
    for phrase in concept.phrases:
        own = _carries_negation(phrase)
        for start, end in phrase_spans(phrase, words):
            hits.append(Hit(concept, start, end, " ".join(words.words[start:end + 1]),
                            not own and _denied(start, end, words, negated)))
    return hits


def best(hits: list[Hit]) -> tuple[Hit | None, Hit | None]:
    """The first plain match and the first negated one."""
    plain = next((h for h in hits if not h.negated), None)
    denied = next((h for h in hits if h.negated), None)
    return plain, denied
