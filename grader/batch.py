"""Grade several submissions into an output folder, keeping every result the moment it exists.

Each submission gets ``DIR/<name>/result.json`` and ``DIR/<name>/report.html``, written atomically right after
it is graded, and ``DIR/gradebook.csv`` is rewritten after every submission, so stopping the batch (or a crash
of the grader itself) never loses a result already recorded.  One submission's failure, of any kind, becomes
that submission's result and the batch goes on.
"""
from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from grader import __version__
from grader.config import Settings
from grader.grading import grade
from grader.overrides import apply as apply_overrides
from grader.report import render_html, write_gradebook_csv, write_result
from grader.results import SubmissionResult

SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Graded:
    result: SubmissionResult
    folder: Path

    @property
    def report(self) -> Path:
        return self.folder / "report.html"


def safe_name(stem: str, taken: set[str]) -> str:
    """A folder name that is valid everywhere and unique within the batch."""
    base = SAFE.sub("_", stem).strip("._-")[:80] or "submission"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name.lower())
    return name


def grade_many(paths: Iterable[Path], out_dir: Path, settings: Settings, *, exercise_ids=None,
               on_start: Callable[[Path, int], None] | None = None,
               on_done: Callable[[Graded, int], None] | None = None,
               on_case: Callable[[str, str], None] | None = None, overrides: dict | None = None) -> list[Graded]:
    out_dir.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    graded: list[Graded] = []
    for number, path in enumerate(paths, 1):
        name = safe_name(Path(path).stem, taken)
        if on_start:
            on_start(Path(path), number)
        try:
            result = grade(path, settings, exercise_ids=exercise_ids, name=name, on_case=on_case)
        except Exception as exc:  # noqa: BLE001 - the grader's own failure is recorded, the batch goes on
            result = SubmissionResult(submission=name, path=str(path), sha256="", score=0.0, max_score=0.0,
                                      grader_errors=[f"{type(exc).__name__}: {exc}",
                                                     traceback.format_exc(limit=3)[-1000:]],
                                      grader_version=__version__,
                                      created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        if overrides:
            result.notes.extend(apply_overrides(result, overrides))
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        write_result(result, folder / "result.json")
        _write_text(folder / "report.html", render_html(result))
        item = Graded(result, folder)
        graded.append(item)
        write_gradebook_csv([g.result for g in graded], out_dir / "gradebook.csv")
        if on_done:
            on_done(item, number)
    return graded


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
