"""The provisional score of one written answer, and the evidence an instructor needs to trust or overrule it.

Order of judgement: set code and pictures aside (the key credits what is *said*); find each concept's phrasings,
keeping those a negation reaches apart; read the score off the rubric's scale; let stated misconceptions cap or
cost points; then look for the ways a keyword rubric is gamed (a list of words, a copy of the prompt or of the
chapter, one text pasted into many cells) and for the places a rubric is known to be unsure, and flag them
``needs_review``.  The message lists, line by line, what was found and with which words, what is missing, any
misconception, and why the answer was flagged: one glance says why it scored what it did.
"""
from __future__ import annotations

from collections.abc import Mapping

from grader.judge.written import signals
from grader.judge.written.match import Hit, after_denial, best, find, negated_spans, phrase_spans
from grader.judge.written.model import Rubric
from grader.judge.written.text import Words, prose, tokenise, words
from grader.results import CaseResult, Outcome, Visibility

NAME = "written answer"
HINT = "Say it in your own words and name the ideas listed as missing."


UNREAD_ON_TOPIC = 0.5


def _vocabulary(rubric: Rubric, prompt: str) -> set[str]:
    """The question's own words: its prompt's and every phrasing of its concepts (stems without the ``*``)."""
    vocab = set(words(prompt))
    for concept in rubric.concepts:
        for phrase in concept.phrases:
            vocab.update(w.rstrip("*") for w in phrase)
    return vocab


def _fmt(score: float) -> str:
    return f"{score:g}"


def _quote(hit: Hit) -> str:
    return f'"{hit.text}"'


def score(text: str | None, rubric: Rubric, prompt: str = "", others: Mapping[str, str] | None = None,
          exercise: str | None = None) -> CaseResult:
    """The provisional score as a fraction (``score``/``max_score`` of 1), with the evidence behind it.

    ``others`` are the submission's other written answers by exercise id (``exercise`` is this one's): one text
    pasted into many cells is only visible with all of them.
    """
    case = CaseResult(name=NAME, outcome=Outcome.PASSED, score=1.0, max_score=1.0, visibility=Visibility.PUBLIC)
    raw = text or ""
    if not words(raw):
        case.outcome, case.score = Outcome.MISSING, 0.0
        case.message = "no written answer was found: write it in the answer cell under the exercise"
        return case
    body, had_code = prose(raw)
    toks = tokenise(body)
    if not toks.words:
        case.outcome, case.score = Outcome.FAILED, 0.0
        case.message = "only code or a picture was found: the rubric credits what the answer says in words"
        case.hint = "Explain in one to three sentences what the code shows."
        case.details = {"concepts_found": [], "concepts_missed": [c.name for c in rubric.concepts],
                        "misconceptions": [], "review_reasons": [], "words": 0, "evidence": {}}
        return case
    said = list(toks.words)  # as written, for the checks below; the ignored words are blanked for matching
    blank = list(said)
    for phrase in rubric.ignore:
        for start, end in phrase_spans(phrase, toks):
            blank[start:end + 1] = ["~"] * (end + 1 - start)
    toks = Words(blank, toks.sentence, toks.clause, toks.period)
    negated = negated_spans(toks)
    found: dict[str, Hit] = {}
    denied: dict[str, Hit] = {}
    every: list[Hit] = []
    for concept in rubric.concepts:
        hits = find(concept, toks, negated)
        every += hits
        plain, no = best(hits)
        if plain:
            found[concept.key] = plain
        elif no:
            denied[concept.key] = no
    wrong: list[Hit] = []
    for mis in rubric.misconceptions:
        hits = find(mis, toks, negated)
        every += hits
        plain, _ = best(hits)
        if plain:
            wrong.append(plain)
    fraction = rubric.scale(set(found))
    for hit in wrong:
        fraction = min(fraction, hit.concept.cap) if hit.concept.cap is not None else fraction - hit.concept.penalty
    fraction = min(1.0, max(0.0, fraction))

    n = len(toks)
    reasons: list[str] = []
    if signals.copied_prompt(said, words(prompt)):
        reasons.append("mostly repeats the question")
        fraction = 0.0
    if signals.salad(said, body):
        reasons.append("a list of words rather than sentences")
        fraction = min(fraction, 0.5)
    twins = signals.duplicates(said, others, exercise)
    if twins:
        reasons.append("the same text is also the answer to " + ", ".join(twins))
        if len(twins) >= 2:
            fraction = min(fraction, 0.5)
    if signals.copied_chapter(said):
        reasons.append("mostly the chapter's own words")
    if denied:
        reasons.append("a key idea appears only negated")
    if wrong and found:
        reasons.append("mixes right ideas with a misconception")
    reason_after_no = after_denial(toks)
    if any(reason_after_no[h.start] for h in found.values()):
        reasons.append("a key idea comes as the reason after a denial (\"not ... because\"): read which is meant")
    unchecked, sentences = signals.unchecked_sentences(toks, every)
    if fraction == 1.0 and unchecked and sentences > signals.ASKED_SENTENCES:  # full marks: nobody else looks
        reasons.append(f"longer than asked, and {unchecked} of its sentences say something the rubric cannot check")
    if not found and not wrong and n >= signals.SUBSTANTIAL and not reasons:
        reasons.append(f"no key idea recognised in {n} words: it may say it in words the rubric does not know")
        on_topic = signals.on_topic(said, _vocabulary(rubric, prompt))
        if not denied and n >= signals.SUBSTANTIAL_UNREAD and on_topic:
            # A substantial answer on the question's topic that the rubric cannot read is, by the instructor's
            # base rate (most real answers pass), more likely partly right than wrong: half marks until read.
            fraction = max(fraction, UNREAD_ON_TOPIC)

    case.score = round(fraction, 4)
    case.needs_review = bool(reasons)
    hits = [c for c in rubric.concepts if c.key in found]
    missed = [c for c in rubric.concepts if c.key not in found]
    case.details = {"concepts_found": [c.name for c in hits], "concepts_missed": [c.name for c in missed],
                    "misconceptions": [h.concept.name for h in wrong], "review_reasons": reasons, "words": n,
                    "evidence": {c.name: found[c.key].text for c in hits},
                    "negated": {c.name: denied[c.key].text for c in rubric.concepts if c.key in denied},
                    "misconception_evidence": {h.concept.name: h.text for h in wrong},
                    "code_set_aside": had_code}
    case.message = _message(case.score, rubric, found, denied, wrong, reasons, had_code)
    if case.score < 1.0:
        case.outcome = Outcome.PARTIAL if case.score > 0 else Outcome.FAILED
        case.hint = HINT
    return case


def _message(fraction: float, rubric: Rubric, found: dict[str, Hit], denied: dict[str, Hit], wrong: list[Hit],
             reasons: list[str], had_code: bool) -> str:
    lines = [f"scored {_fmt(fraction)} of 1 by the rubric"]
    for concept in rubric.concepts:
        if concept.key in found:
            lines.append(f"found: {concept.name} ({_quote(found[concept.key])})")
    missing = [c.name for c in rubric.concepts if c.key not in found]
    if missing:
        lines.append("missing: " + "; ".join(missing))
    for concept in rubric.concepts:
        if concept.key in denied:
            lines.append(f"said negated, not credited: {concept.name} ({_quote(denied[concept.key])})")
    for hit in wrong:
        lines.append(f"misconception: {hit.concept.name} ({_quote(hit)})")
    if had_code:
        lines.append("code and pictures were set aside: only what the answer says in words is credited")
    if reasons:
        lines.append("provisional, for your instructor to review: " + "; ".join(reasons))
    return "\n".join(lines)
