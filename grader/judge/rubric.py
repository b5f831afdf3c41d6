"""A provisional score for a short written answer, from a rubric of key concepts and known misconceptions.

This is deliberately transparent rather than clever: every concept lists the phrasings students really use, a
phrase matches when its words appear in order with at most two other words between them (``*`` ends a word
prefix: ``updat*``), and the result says which concepts were found and which were missed, so the student sees
why and the instructor can overrule.  When the evidence is thin (very short, off-topic, copied from the prompt,
or a misconception next to right words) the case is flagged ``needs_review`` instead of being trusted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.config import read_toml
from grader.results import CaseResult, Outcome, Visibility

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
GAP = 2  # other words allowed between consecutive words of a phrase
NAME = "written answer"


@dataclass
class Concept:
    name: str
    phrases: list[list[str]]
    weight: float = 1.0
    penalty: float = 0.0  # misconceptions only


@dataclass
class Rubric:
    concepts: list[Concept]
    misconceptions: list[Concept] = field(default_factory=list)
    min_words: int = 8


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("-", " ").replace("/", " / ")
    return WORD.findall(text)


def _phrase(text: str) -> list[str]:
    return [w for w in text.lower().replace("-", " ").split() if w]


def load_rubric(path: Path) -> Rubric:
    data = read_toml(path)

    def concepts(key: str) -> list[Concept]:
        out = []
        for item in data.get(key, []):
            phrases = [_phrase(p) for p in item.get("phrases", []) if _phrase(p)]
            if not item.get("name") or not phrases:
                raise ValueError(f"{path}: every entry of {key} needs a name and phrases")
            out.append(Concept(item["name"], phrases, float(item.get("weight", 1.0)),
                               float(item.get("penalty", 0.5))))
        return out

    rubric = Rubric(concepts("concepts"), concepts("misconceptions"), int(data.get("min_words", 8)))
    if not rubric.concepts:
        raise ValueError(f"{path} has no concepts")
    return rubric


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def phrase_found(phrase: list[str], tokens: list[str]) -> bool:
    """The phrase's words in order, each within GAP other words of the previous one."""
    first = phrase[0]
    if first.endswith("*"):  # where the phrase can start, found in one pass (a grade scores ~450 phrases)
        stem = first[:-1]
        starts = [i for i, token in enumerate(tokens) if token.startswith(stem)]
    else:
        starts = [i for i, token in enumerate(tokens) if token == first]
    for start in starts:
        position, ok = start, True
        for pattern in phrase[1:]:
            window = tokens[position + 1: position + 2 + GAP]
            hit = next((i for i, t in enumerate(window) if _word_matches(pattern, t)), None)
            if hit is None:
                ok = False
                break
            position += 1 + hit
        if ok:
            return True
    return False


def found(concept: Concept, tokens: list[str]) -> bool:
    return any(phrase_found(p, tokens) for p in concept.phrases)


def _copied(tokens: list[str], prompt_tokens: list[str]) -> bool:
    """Most of the answer's word trigrams also occur in the prompt."""
    if len(tokens) < 6 or len(prompt_tokens) < 6:
        return False
    grams = {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}
    prompt = {tuple(prompt_tokens[i:i + 3]) for i in range(len(prompt_tokens) - 2)}
    return len(grams & prompt) / len(grams) >= 0.6


def score(text: str | None, rubric: Rubric, prompt: str = "") -> CaseResult:
    """The provisional score as a fraction (``score``/``max_score`` of 1), with concepts found and missed."""
    case = CaseResult(name=NAME, outcome=Outcome.PASSED, score=1.0, max_score=1.0, visibility=Visibility.PUBLIC)
    tokens = words(text or "")
    if not tokens:
        case.outcome, case.score = Outcome.MISSING, 0.0
        case.message = "no written answer was found: write it in the answer cell under the exercise"
        return case
    hits = [c for c in rubric.concepts if found(c, tokens)]
    missed = [c for c in rubric.concepts if c not in hits]
    wrong = [m for m in rubric.misconceptions if found(m, tokens)]
    total = sum(c.weight for c in rubric.concepts)
    fraction = sum(c.weight for c in hits) / total - sum(m.penalty for m in wrong)
    fraction = round(min(1.0, max(0.0, fraction)), 4)
    reasons = []
    if len(tokens) < rubric.min_words:
        reasons.append(f"very short ({len(tokens)} words)")
    if not hits:
        reasons.append("none of the key ideas were recognised")
    if _copied(tokens, words(prompt)):
        reasons.append("mostly repeats the question")
        fraction = 0.0
    if wrong and hits:
        reasons.append("mixes right ideas with a misconception")
    case.score = fraction
    case.needs_review = bool(reasons)
    case.details = {"concepts_found": [c.name for c in hits], "concepts_missed": [c.name for c in missed],
                    "misconceptions": [m.name for m in wrong], "review_reasons": reasons,
                    "words": len(tokens)}
    parts = []
    if hits:
        parts.append("found: " + "; ".join(c.name for c in hits))
    if missed:
        parts.append("missing: " + "; ".join(c.name for c in missed))
    if wrong:
        parts.append("misconception: " + "; ".join(m.name for m in wrong))
    if reasons:
        parts.append("provisional, for your instructor to review: " + ", ".join(reasons))
    case.message = ". ".join(parts)
    if fraction < 1.0:
        case.outcome = Outcome.PARTIAL if fraction > 0 else Outcome.FAILED
        case.hint = "Say it in your own words and name the ideas listed as missing."
    return case


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
