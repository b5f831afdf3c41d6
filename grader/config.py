"""Every setting resolved in one place: defaults, then ``[tool.grader]`` in a pyproject.toml, then the caller.

An error names the setting and where its bad value came from, so a typo in a course's pyproject.toml is
reported as such instead of surfacing later as an odd timeout.
"""
from __future__ import annotations

import copy
import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REPO_ROOT = Path(__file__).resolve().parent.parent

_FILE_CACHE: dict = {}


def read_cached(path: Path, parse=None):
    """A file's text (or ``parse(text)``), read once per process while the file is unchanged: a grading worker
    reads the same exercise specs, rubrics, keys and harness modules for every submission.  Raises OSError (and
    whatever *parse* raises) as reading would."""
    stat = os.stat(path)
    key = (str(path), stat.st_mtime_ns, stat.st_size, parse)
    if key not in _FILE_CACHE:
        text = Path(path).read_text(encoding="utf-8")
        _FILE_CACHE[key] = parse(text) if parse else text
    return _FILE_CACHE[key]


def read_toml(path: Path) -> dict:
    """A TOML file's data through :func:`read_cached`; each caller gets its own copy to change."""
    return copy.deepcopy(read_cached(path, tomllib.loads))


class ConfigError(ValueError):
    """A setting has a bad value; the message says which and where it came from."""


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use.  Wall time is enforced from outside the sandbox, by killing it."""

    timeout: float = 120.0  # seconds of wall time per notebook cell or per test request
    memory_mb: int = 4096  # resident memory of the whole sandbox
    cpu_seconds: int = 900  # CPU time of the whole sandbox
    max_processes: int = 256  # processes and threads (torch starts a thread pool)
    max_output_bytes: int = 1 << 20  # stdout+stderr kept; the rest is counted and dropped
    max_file_mb: int = 64  # largest file the sandbox may write
    tmp_mb: int = 256  # size of the sandbox's private writable directory
    threads: int = 1  # torch intra-op threads inside the sandbox
    gpu_memory_mb: int = 8192  # GPU memory of the whole sandbox, on CUDA
    exercise_budget: float = 4.0  # an exercise's checks together: this many times their longest request limit
    submission_seconds: float = 1800.0  # the whole submission, notebook and every exercise's checks together


@dataclass(frozen=True)
class Settings:
    """Where things are and how to run them."""

    exercises_dir: Path = REPO_ROOT / "exercises"
    solutions_dir: Path = REPO_ROOT / "solutions"
    device: str = "auto"
    limits: Limits = field(default_factory=Limits)
    max_restarts: int = 3  # fresh sandboxes after a cell kills or hangs one
    device_note: str = ""  # why the device is not the one asked for (CUDA that cannot start in a sandbox)


_LIMIT_TYPES = {f.name: f.type for f in dataclasses.fields(Limits)}


def _coerce(name: str, value, origin: str):
    kind = float if _LIMIT_TYPES[name] in ("float", float) else int
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} = {value!r} (from {origin}) is not a number") from None
    if number <= 0:
        raise ConfigError(f"{name} = {value!r} (from {origin}) must be positive")
    return number


def read_pyproject(path: Path) -> dict:
    """The ``[tool.grader]`` table of *path*, or ``{}`` when the file or table is absent."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return data.get("tool", {}).get("grader", {})


def load_settings(*, pyproject: Path | None = None, solutions_dir: str | Path | None = None,
                  exercises_dir: str | Path | None = None, device: str | None = None,
                  **limit_overrides) -> Settings:
    """Defaults < pyproject ``[tool.grader]`` < environment (``GRADER_SOLUTIONS``, ``GRADER_EXERCISES``) < explicit
    arguments."""
    pyproject = pyproject or REPO_ROOT / "pyproject.toml"
    table = read_pyproject(pyproject)
    limits = {}
    for name, value in table.items():
        if name in _LIMIT_TYPES:
            limits[name] = _coerce(name, value, f"[tool.grader] in {pyproject}")
        elif name not in ("solutions", "exercises", "device", "late"):  # [tool.grader.late]: grader/review/late.py
            raise ConfigError(f"unknown setting {name!r} in [tool.grader] of {pyproject}; "
                              f"known: {', '.join(sorted(_LIMIT_TYPES))}, solutions, exercises, device")
    for name, value in limit_overrides.items():
        if name not in _LIMIT_TYPES:
            raise ConfigError(f"unknown limit {name!r}")
        if value is not None:
            limits[name] = _coerce(name, value, "the command line")
    solutions = solutions_dir or os.environ.get("GRADER_SOLUTIONS") or table.get("solutions")
    chosen_device = device or table.get("device") or "auto"
    if chosen_device not in ("auto", "cpu", "cuda") and not str(chosen_device).startswith("cuda:"):
        raise ConfigError(f"device {chosen_device!r} must be auto, cpu or cuda")
    settings = Settings(device=chosen_device, limits=Limits(**limits))
    if solutions:
        settings = dataclasses.replace(settings, solutions_dir=Path(solutions).expanduser().resolve())
    exercises = exercises_dir or os.environ.get("GRADER_EXERCISES") or table.get("exercises")
    if exercises:
        settings = dataclasses.replace(settings, exercises_dir=Path(exercises).expanduser().resolve())
    return settings


def _holds_exercises(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*/exercise.toml"))


def student_exercises(given: str | Path | None = None, near: Path | None = None) -> Path:
    """The exercises folder a student's check uses: *given*, else ``$GRADER_EXERCISES``, else the bundle's
    ``exercises/`` next to the notebook (*near*) or in the current folder, else the grader's own (a source
    checkout).  A grader installed from a wheel has no exercises of its own, so then it must be the bundle's."""
    if given is not None:
        return Path(given).expanduser().resolve()
    if os.environ.get("GRADER_EXERCISES"):
        return Path(os.environ["GRADER_EXERCISES"]).expanduser().resolve()
    for folder in ([near / "exercises"] if near is not None else []) + [Path.cwd() / "exercises",
                                                                        REPO_ROOT / "exercises"]:
        if _holds_exercises(folder):
            return folder.resolve()
    raise ConfigError("no exercises folder found: run this from the folder of your student bundle (the one with "
                      "workbook.ipynb and exercises/), or name it with --exercises DIR (in a notebook: "
                      "check(..., exercises=\"path/to/exercises\"))")


# What a GPU's kernel driver puts on a Linux machine (NVIDIA's, and AMD's for ROCm builds of torch).
GPU_DRIVER_NODES = ("/dev/nvidiactl", "/proc/driver/nvidia", "/dev/kfd")


def resolve_device(requested: str) -> str:
    """``auto`` picks CUDA when torch sees a GPU; asking for CUDA without one is a clear error.

    On Linux with no GPU driver at all, ``auto`` is the CPU without importing torch: a grading worker asks
    this first, and its zygote's start should not wait a second for an answer the file system already gives.
    """
    if requested == "auto" and sys.platform.startswith("linux") and not any(map(os.path.exists, GPU_DRIVER_NODES)):
        return "cpu"
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError("--device cuda was asked for, but torch sees no CUDA GPU on this machine")
    return requested
