"""The exercise catalogue: one folder per exercise under ``exercises/``, described by ``exercise.toml``.

``exercise.toml`` holds what the grader needs and a student may see: id, title, kind, points, the graded names
the student must define, the questionnaire number and the chapter section hints point to.  The hidden suite of
an exercise lives apart, in ``solutions/<id>/test_hidden.py``, so the exercises tree can be given to students.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.config import ConfigError, read_toml, tomllib

KINDS = ("code", "choice", "written", "project")


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: str
    points: float
    answer_names: tuple[str, ...]  # what the student defines: functions, classes, variables (the choice too)
    question: str = ""
    section: str = ""
    data: tuple[str, ...] = ()  # datasets its suite needs beyond the embedded sample, e.g. ("mnist_full",)
    folder: Path = field(default=Path("."), compare=False)
    choice: dict | None = field(default=None, compare=False)  # {name, mode, options}: scored against key.toml
    written: dict | None = field(default=None, compare=False)  # {points, prompt}: scored against rubric.toml
    core_share: float = 1.0  # share of the core cases' points that must pass before property cases count

    @property
    def written_points(self) -> float:
        return float(self.written.get("points", 1)) if self.written else 0.0

    @property
    def total_points(self) -> float:
        """The runnable part (code tests or the choice) plus the written answer."""
        return self.points + self.written_points

    @property
    def public_tests(self) -> Path:
        return self.folder / "test_public.py"

    @property
    def harness(self) -> Path:
        """Public helper code that runs inside the sandbox for this exercise (may not exist)."""
        return self.folder / "harness.py"

    def hidden_tests(self, solutions_dir: Path) -> Path:
        return solutions_dir / self.id / "test_hidden.py"

    def has_code_tests(self, solutions_dir: Path | None = None) -> bool:
        return self.public_tests.is_file() or bool(solutions_dir and self.hidden_tests(solutions_dir).is_file())


def load_exercise(folder: Path) -> Exercise:
    spec = folder / "exercise.toml"
    try:
        data = read_toml(spec)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{spec}: {exc}") from None
    missing = [key for key in ("id", "title", "kind", "points", "names") if key not in data]
    if missing:
        raise ConfigError(f"{spec} lacks {', '.join(missing)}")
    if data["id"] != folder.name:
        raise ConfigError(f"{spec}: id {data['id']!r} must match its folder name {folder.name!r}")
    if data["kind"] not in KINDS:
        raise ConfigError(f"{spec}: kind {data['kind']!r} is not one of {', '.join(KINDS)}")
    choice, written = data.get("choice"), data.get("written")
    if choice is not None:
        if choice.get("mode") not in ("single", "multi", "order") or not choice.get("name") \
                or not isinstance(choice.get("options"), dict) or not choice["options"]:
            raise ConfigError(f"{spec}: [choice] needs name, mode (single, multi or order) and options")
        if choice["name"] not in data["names"]:
            raise ConfigError(f"{spec}: the choice variable {choice['name']!r} must be listed in names")
    if written is not None and not str(written.get("prompt", "")).strip():
        raise ConfigError(f"{spec}: [written] needs a prompt")
    core_share = data.get("core_share", 1.0)
    if isinstance(core_share, bool) or not isinstance(core_share, (int, float)) or not 0 < core_share <= 1:
        raise ConfigError(f"{spec}: core_share must be a number above 0 and at most 1, not {core_share!r}")
    return Exercise(id=data["id"], title=data["title"], kind=data["kind"], points=float(data["points"]),
                    answer_names=tuple(data["names"]), question=str(data.get("question", "")),
                    section=str(data.get("section", "")), data=tuple(data.get("data", ())), folder=folder,
                    choice=choice, written=written, core_share=float(core_share))


def _order(exercise_id: str) -> tuple[int, int]:
    """q01..q37 first, in number order, then fr1, fr2."""
    group, digits = (1, exercise_id[2:]) if exercise_id.startswith("fr") else (0, exercise_id[1:])
    return group, int(digits) if digits.isdigit() else 0


def load_catalog(exercises_dir: Path) -> list[Exercise]:
    """Every exercise folder, in questionnaire order."""
    if not exercises_dir.is_dir():
        raise ConfigError(f"exercises folder {exercises_dir} does not exist")
    folders = [p for p in exercises_dir.iterdir() if (p / "exercise.toml").is_file()]
    return sorted((load_exercise(p) for p in folders), key=lambda ex: _order(ex.id))


def select(catalog: list[Exercise], ids: list[str] | None) -> list[Exercise]:
    """The exercises named by *ids* (any case, ``q4`` = ``q04``), or all; unknown ids are an error."""
    if not ids:
        return catalog
    by_id = {ex.id: ex for ex in catalog}
    chosen = []
    for raw in ids:
        key = raw.strip().lower()
        if key.startswith("q") and key[1:].isdigit():
            key = f"q{int(key[1:]):02d}"
        if key not in by_id:
            raise ConfigError(f"unknown exercise {raw!r}; known: {', '.join(by_id)}")
        chosen.append(by_id[key])
    return chosen
