"""Before a batch: is every dataset the chosen exercises need on this machine?

Finding out after grading a hundred notebooks that full MNIST was never fetched would blame every student for
the grader's missing data, so ``grader grade`` asks first and stops with a clear instruction.
"""
from __future__ import annotations

from grader.catalog import Exercise


def dataset_problem(name: str) -> str | None:
    """None when *name* can be loaded here, else why not and what to run."""
    if name == "mnist_full":
        from grader.data import DataError, load_full

        try:
            load_full()
        except DataError as exc:
            return str(exc)
        return None
    return f"unknown dataset {name!r} in exercise.toml"


def unavailable(exercises: list[Exercise]) -> dict[str, str]:
    """Exercise id -> reason, for every exercise whose data is missing."""
    problems: dict[str, str | None] = {}
    out = {}
    for ex in exercises:
        for name in ex.data:
            if name not in problems:
                problems[name] = dataset_problem(name)
            if problems[name]:
                out[ex.id] = problems[name]
    return out
