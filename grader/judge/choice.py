"""Scoring single-choice, multi-select and ordering answers against a hidden key.

The student's answer is a variable in their notebook (``choice_q12 = "b"``), read from the sandbox as plain data.
The key (``solutions/<id>/key.toml``) never leaves the grading process; feedback for a wrong option names the
misunderstanding behind it, without revealing the right option.

Partial credit: a multi-select earns (right picks - wrong picks) / number of right options, never below zero; an
ordering earns the share of pairs of steps that are in the right relative order (a one-swap slip keeps most of
the credit, a reversed list none).
"""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

from grader.config import read_toml
from grader.results import CaseResult, Outcome, Visibility

NAME = "your choice"


def load_key(path: Path) -> dict:
    data = read_toml(path)
    if "answer" not in data:
        raise ValueError(f"{path} has no 'answer'")
    return data


def _letters(value, options: dict) -> tuple[list[str] | None, str]:
    """Normalise a single letter or a list of letters; (None, why) when the value is not one."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        if not isinstance(item, str) or item.strip().lower() not in options:
            return None, f"{item!r} is not one of the options {', '.join(sorted(options))}"
        out.append(item.strip().lower())
    return out, ""


def check_format(value, choice: dict) -> CaseResult:
    """Self-check without the key: is the answer given, and in the right form?"""
    options, mode = choice["options"], choice["mode"]
    case = CaseResult(name=f"{choice['name']} holds a valid answer", outcome=Outcome.PASSED, score=1.0,
                      max_score=1.0, visibility=Visibility.PUBLIC,
                      message="(whether it is right is checked when your work is graded)")
    problem = _form_problem(value, choice)
    if problem:
        case.outcome, case.score, case.message = _unanswered_or_failed(value), 0.0, problem
        case.hint = _form_hint(mode, options)
    return case


def _form_problem(value, choice: dict) -> str:
    mode, options, name = choice["mode"], choice["options"], choice["name"]
    if value is None:
        return f"{name} is still None: choose an answer"
    if mode == "single":
        if not isinstance(value, str):
            return f"{name} should be one letter such as \"a\", not {type(value).__name__}"
        return _letters(value, options)[1]
    if not isinstance(value, (list, tuple)):
        return f"{name} should be a list of letters, e.g. [\"a\", \"c\"]"
    letters, why = _letters(list(value), options)
    if letters is None:
        return why
    if len(set(letters)) != len(letters):
        return f"{name} lists the same option twice"
    if mode == "order" and sorted(letters) != sorted(options):
        return f"{name} should list every step exactly once ({len(options)} of them)"
    return ""


def _unanswered_or_failed(value) -> Outcome:
    return Outcome.MISSING if value is None or value == [] else Outcome.FAILED


def _form_hint(mode: str, options: dict) -> str:
    letters = ", ".join(f'"{k}"' for k in sorted(options))
    if mode == "single":
        return f"Set the variable to one of {letters}."
    if mode == "multi":
        return f"Set the variable to a list of every option that applies, from {letters}."
    return f"Set the variable to a list of all of {letters}, first step first."


def score(value, choice: dict, key: dict) -> CaseResult:
    """Score *value* against *key*; hidden visibility, so the key never reaches the student."""
    mode, options = choice["mode"], choice["options"]
    case = CaseResult(name=NAME, outcome=Outcome.PASSED, score=1.0, max_score=1.0, visibility=Visibility.HIDDEN)
    problem = _form_problem(value, choice)
    if problem:
        case.outcome, case.score, case.message = _unanswered_or_failed(value), 0.0, problem
        case.hint = _form_hint(mode, options)
        return case
    answer = key["answer"]
    feedback = key.get("feedback", {})
    if mode == "single":
        chosen = value.strip().lower()
        if chosen != answer:
            case.outcome, case.score = Outcome.FAILED, 0.0
            case.message = feedback.get(chosen, f"option {chosen} is not the right answer")
        return _hinted(case, key)
    picked = [v.strip().lower() for v in value]
    if mode == "multi":
        right = set(answer)
        good = len(right & set(picked))
        bad = [p for p in picked if p not in right]
        fraction = max(0.0, (good - len(bad)) / len(right))
        missed = len(right - set(picked))
        if fraction < 1.0:
            notes = [feedback[p] for p in bad if p in feedback]
            if missed:
                notes.append(f"{missed} of the options that belong in the answer {'is' if missed == 1 else 'are'} "
                             "not chosen")
            case.message = "; ".join(notes) or "not every option is right"
        return _graded(case, fraction, key)
    pairs = list(combinations(answer, 2))
    position = {step: i for i, step in enumerate(picked)}
    in_order = sum(position[a] < position[b] for a, b in pairs)
    fraction = in_order / len(pairs) if pairs else 1.0
    if fraction < 1.0:
        first_wrong = next(i for i, (p, a) in enumerate(zip(picked, answer)) if p != a)
        slip = feedback.get(picked[first_wrong])
        case.message = slip or (f"the order goes wrong at step {first_wrong + 1}: "
                                f"{options[picked[first_wrong]]!r} does not come there")
    return _graded(case, fraction, key)


def _graded(case: CaseResult, fraction: float, key: dict) -> CaseResult:
    case.score = round(fraction, 4)
    if fraction >= 1.0:
        return case
    case.outcome = Outcome.PARTIAL if fraction > 0 else Outcome.FAILED
    return _hinted(case, key)


def _hinted(case: CaseResult, key: dict) -> CaseResult:
    if case.outcome is not Outcome.PASSED:
        case.hint = key.get("hint", "")
    return case


def unreadable(name: str, why: str) -> CaseResult:
    """The choice variable exists but is not plain data (or raised when read): what to write instead."""
    return CaseResult(name=NAME, outcome=Outcome.FAILED, score=0.0, max_score=1.0,
                      message=f"{name} could not be read: {why}", hint='Set it to plain letters, e.g. "b" or ["a", "c"].')
