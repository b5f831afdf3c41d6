"""What a rubric file says: key concepts with their phrasings, known misconceptions, and the score scale.

The scale is written down per question because the instructor's key is: "1 = A and B, 0.5 = one of them" is
not "one third per concept".  A level names the concepts it needs (``all``) or accepts any of (``any``); the
first level an answer reaches is its score.  A rubric without levels keeps the old behaviour, the weighted
share of concepts found.  Misconceptions either cost a ``penalty`` or ``cap`` the score (a wrong core claim).
``ignore`` lists words that never count for anything: "stochastic gradient descent" spelled out says nothing
about gradients.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.config import read_toml


@dataclass
class Concept:
    name: str
    phrases: list[list[str]]
    weight: float = 1.0
    penalty: float = 0.0  # misconceptions only: points taken off
    key: str = ""  # the short id levels refer to
    cap: float | None = None  # misconceptions only: the most an answer stating it can score


@dataclass
class Level:
    score: float
    all: list[str] = field(default_factory=list)
    any: list[str] = field(default_factory=list)
    min: int = 1  # how many of ``any`` are needed

    def reached(self, found: set[str]) -> bool:
        return set(self.all) <= found and (not self.any or len(found & set(self.any)) >= self.min)


@dataclass
class Rubric:
    concepts: list[Concept]
    misconceptions: list[Concept] = field(default_factory=list)
    min_words: int = 8
    levels: list[Level] = field(default_factory=list)
    max_words: int = 150  # longer than the prompt's "one to three sentences" by far: read it, a claim may hide
    ignore: list[list[str]] = field(default_factory=list)  # words that never count (the acronym spelled out)

    def scale(self, found: set[str]) -> float:
        """The score the concepts found earn (before misconceptions)."""
        if self.levels:
            return next((lv.score for lv in self.levels if lv.reached(found)), 0.0)
        total = sum(c.weight for c in self.concepts)
        return sum(c.weight for c in self.concepts if c.key in found) / total


def phrase(text: str) -> list[str]:
    """A rubric phrase as its words: hyphens split words as they do in answers; ``*`` ends a prefix.

    A leading ``=`` asks for the words side by side, with no gap ("=accuracy is not a function" must not match
    "accuracy is not a continuous function"); it stays as the first item.
    """
    exact = text.startswith("=")
    words = [w for w in text.lstrip("=").lower().replace("-", " ").split() if w]
    return ["="] + words if exact and words else words


def _concepts(data: dict, key: str, path: Path) -> list[Concept]:
    out = []
    for index, item in enumerate(data.get(key, [])):
        phrases = [phrase(p) for p in item.get("phrases", []) if phrase(p)]
        if not item.get("name") or not phrases:
            raise ValueError(f"{path}: every entry of {key} needs a name and phrases")
        cap = item.get("cap")
        out.append(Concept(item["name"], phrases, float(item.get("weight", 1.0)), float(item.get("penalty", 0.5)),
                           str(item.get("key") or f"{key[0]}{index + 1}"), None if cap is None else float(cap)))
    return out


def load_rubric(path: Path) -> Rubric:
    """Read and check a rubric file; a level naming an unknown concept is an error, not a silent zero."""
    data = read_toml(path)
    concepts = _concepts(data, "concepts", path)
    if not concepts:
        raise ValueError(f"{path} has no concepts")
    keys = {c.key for c in concepts}
    levels = []
    for item in data.get("levels", []):
        level = Level(float(item["score"]), list(item.get("all", [])), list(item.get("any", [])),
                      int(item.get("min", 1)))
        unknown = (set(level.all) | set(level.any)) - keys
        if unknown:
            raise ValueError(f"{path}: a level names unknown concepts {sorted(unknown)}")
        levels.append(level)
    levels.sort(key=lambda lv: -lv.score)
    return Rubric(concepts, _concepts(data, "misconceptions", path), int(data.get("min_words", 8)), levels,
                  int(data.get("max_words", 150)), [phrase(p) for p in data.get("ignore", []) if phrase(p)])
