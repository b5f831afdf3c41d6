"""Before a batch: is every dataset the chosen exercises need on this machine?

Finding out after grading a hundred notebooks that full MNIST was never fetched would blame every student for
the grader's missing data, so ``grader grade`` asks first and stops with a clear instruction.
"""
from __future__ import annotations

import dataclasses

from grader.catalog import Exercise
from grader.config import ConfigError, Settings, resolve_device


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


def choose_device(settings: Settings, python: str | None = None, probe=None) -> tuple[Settings, str]:
    """The device a batch really grades on, and what to tell the instructor about it.

    Where torch sees a GPU, a real sandbox must also be able to start CUDA (see ``grader.sandbox.host.cuda_probe``):
    otherwise every student's GPU case would fail with the machine's error.  ``--device cuda`` then stops with
    the reason; ``auto`` grades on the CPU and says so in the terminal and in every result."""
    if settings.device == "cpu":
        return settings, ""
    device = resolve_device(settings.device)
    if device == "cpu":
        return dataclasses.replace(settings, device="cpu"), ""
    if probe is None:
        from grader.sandbox.host.cuda_probe import probe
    found = probe(settings.limits, python)
    if found.works:
        return dataclasses.replace(settings, device=device), f"CUDA inside the sandbox works ({found.why})"
    if settings.device != "auto":
        raise ConfigError(f"--device {settings.device} was asked for, but CUDA does not start inside the sandbox: "
                          f"{found.why}\nGrade on the CPU with --device cpu, or see `grader doctor` for this "
                          "machine's sandbox.")
    note = f"CUDA does not start inside the sandbox, so this was graded on the CPU: {found.why}"
    return dataclasses.replace(settings, device="cpu", device_note=note), note
