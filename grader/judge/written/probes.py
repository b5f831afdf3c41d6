"""Gaming probes: answers written to fool a keyword rubric, per question, for the bench and the tests.

Hand-written probes live in ``solutions/<id>/labelled.toml`` as ``[[probes]]`` (``kind`` and ``text``), in our
own words: ``salad`` (the right words with no sentence), ``negated`` (the right words, denied), ``padded`` (a
long answer, right on the whole, with one wrong claim).  The others are built here from what a student has at
hand: the prompt copied back, a passage of the chapter pasted in (read from the chapter notebook when it is
there; the project keeps no copy of the book), one text pasted into every answer cell.  A probe *passes
unflagged* when it scores at least half the points without ``needs_review``: none should.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.config import read_toml
from grader.judge.written.text import prose, words

HAND = ("salad", "negated", "padded")


def hand(solutions: Path, exercise_id: str) -> list[tuple[str, str]]:
    path = solutions / exercise_id / "labelled.toml"
    if not path.is_file():
        return []
    return [(p["kind"], p["text"]) for p in read_toml(path).get("probes", [])]


def prompt_copies(written_prompt: str, prompt_md: str) -> list[tuple[str, str]]:
    """The written question as the answer, and the exercise's prompt text (with any options) as the answer."""
    body = "\n".join(line for line in prompt_md.splitlines() if not line.startswith("#"))
    return [("prompt", written_prompt), ("prompt page", body.strip())]


def chapter_passages(notebook: Path) -> list[str]:
    """The chapter's prose paragraphs (markdown cells split at blank lines), at least 25 words each."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    out = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for para in prose(source)[0].split("\n\n"):
            if len(para.split()) >= 25 and not para.lstrip().startswith("1."):
                out.append(para.strip())
    return out


def nearest_passage(passages: list[str], reference: str, limit: int = 70) -> str:
    """The chapter paragraph sharing the most words with the reference answer, cut to ``limit`` words."""
    ref = set(words(reference))

    def overlap(para: str) -> float:
        tokens = set(words(para))
        return len(tokens & ref) / (len(tokens) ** 0.5 or 1)

    best = max(passages, key=overlap)
    return " ".join(best.split()[:limit])


VOCABULARY = ("We take the gradient of the loss with respect to the weights and step each weight by the learning "
              "rate, on a random mini-batch; the tensor has a shape and a rank, broadcasting expands the smaller "
              "tensor, ReLU is a nonlinearity between linear layers, and the validation set shows overfitting.")
