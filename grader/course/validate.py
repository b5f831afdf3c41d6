"""Is the exercise set sound?  The checks an instructor (or CI) runs before releasing a course.

* every reference solution passes its hidden suite (the reference workbook gets full marks, exercise by exercise);
* every starter fails it without grader errors (the starter workbook scores zero);
* no trivial answer (``return None``, ``[]``, ``0``, the input unchanged, a constant shaped like the answer, an
  untrained model or a constant prediction: :mod:`grader.course.trivial`) earns any point of an exercise's code part,
  which holds only when every case such an answer passes is a property case (``@property_case``);
* every exercise folder is complete (prompt, starter, suites, solution, at least two wrong answers, and a key,
  rubric, reference answer and labelled answers where the exercise has a choice or a written part);
* nothing in ``exercises/`` or ``grader/`` imports ``solutions`` (what students receive holds no answers);
* every trained-model threshold holds, with margin, over several seeds (when the calibration script is present);
* on a GPU (``--device cuda``), the reference, the starter, the half-right example and every known-wrong
  submission get the same verdict, case by case, on CUDA as on the CPU.

Each check yields :class:`Problem` rows; no problem means the set is sound.
"""
from __future__ import annotations

import ast
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Exercise, load_catalog
from grader.config import REPO_ROOT, Settings
from grader.results import Outcome


@dataclass(frozen=True)
class Problem:
    check: str
    exercise: str
    detail: str


def folder_problems(ex: Exercise, solutions: Path) -> Iterator[Problem]:
    def need(path: Path, why: str):
        if not path.is_file():
            yield Problem("complete folder", ex.id, f"{path.relative_to(path.parents[2])} is missing ({why})")

    yield from need(ex.folder / "prompt.md", "the prompt")
    yield from need(ex.folder / "starter.py", "the starter cell")
    yield from need(solutions / ex.id / "solution.py", "the reference solution")
    if ex.kind != "choice":
        yield from need(ex.folder / "test_public.py", "public tests")
        yield from need(solutions / ex.id / "test_hidden.py", "the hidden suite")
    if ex.choice:
        yield from need(solutions / ex.id / "key.toml", "the answer key")
        prompt = _plain((ex.folder / "prompt.md").read_text(encoding="utf-8")) \
            if (ex.folder / "prompt.md").is_file() else ""
        for letter, text in ex.choice["options"].items():
            if _plain(str(text)) not in prompt:
                yield Problem("complete folder", ex.id, f"option {letter} of exercise.toml is not shown in prompt.md "
                                                        "(students choose from the prompt)")
    if ex.written:
        for name, why in (("rubric.toml", "the rubric"), ("answer.md", "the reference answer"),
                          ("labelled.toml", "labelled answers that measure the rubric")):
            yield from need(solutions / ex.id / name, why)
    wrong = list((solutions / ex.id / "wrong").glob("*.py"))
    if len(wrong) < 2:
        yield Problem("complete folder", ex.id, f"only {len(wrong)} known-wrong submission(s); at least 2 prove "
                                                "the hidden suite fails what it should")


def _plain(text: str) -> str:
    """Text without markdown emphasis or code marks, one quote style and single spaces, to compare an option's
    text with the prompt that shows it."""
    for mark, plain in (("`", ""), ("**", ""), ('"', "'"), ("\u201c", "'"), ("\u201d", "'"), ("\u2019", "'")):
        text = text.replace(mark, plain)
    return " ".join(text.split())


def import_problems(root: Path) -> Iterator[Problem]:
    for folder in ("exercises", "grader"):
        for path in sorted((root / folder).rglob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError as exc:
                yield Problem("no solutions imports", folder, f"{path.relative_to(root)} does not parse: {exc}")
                continue
            for node in ast.walk(tree):
                module = None
                if isinstance(node, ast.Import):
                    module = next((a.name for a in node.names if a.name.split(".")[0] == "solutions"), None)
                elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "solutions":
                    module = node.module
                if module:
                    yield Problem("no solutions imports", folder, f"{path.relative_to(root)} imports {module}")


def grading_problems(settings: Settings, exercises: list[Exercise], progress: Callable[[str], None]):
    from grader.grading.grade import grade

    ids = [ex.id for ex in exercises]
    progress("grading the reference workbook ...")
    reference = grade(settings.solutions_dir / "reference.ipynb", settings, exercise_ids=ids)
    for err in reference.grader_errors:
        yield Problem("reference passes", "-", f"grader error: {err[:200]}")
    for ex in reference.exercises:
        if ex.score < ex.max_score:
            failing = "; ".join(f"{c.name}: {c.message[:80]}" for c in ex.cases if c.outcome is not Outcome.PASSED)
            yield Problem("reference passes", ex.id, f"{ex.score:g}/{ex.max_score:g}: {failing}")
    progress("grading the starter workbook ...")
    starter = grade(settings.exercises_dir / "workbook.ipynb", settings, exercise_ids=ids)
    for err in starter.grader_errors:
        yield Problem("starter fails cleanly", "-", f"grader error: {err[:200]}")
    for ex in starter.exercises:
        if ex.score > 0:
            yield Problem("starter fails cleanly", ex.id, f"the untouched starter scores {ex.score:g}")


def trivial_problems(settings: Settings, exercises: list[Exercise], progress: Callable[[str], None],
                     members: list[str] | None = None):
    """Every member of the trivial family scores 0 on the code part of every exercise, without grader errors."""
    import tempfile

    from grader.course import trivial

    with tempfile.TemporaryDirectory(prefix="grader-trivial-") as folder:
        for member, result in trivial.trivial_results(settings, exercises, Path(folder), progress, members):
            for err in result.grader_errors:
                yield Problem("trivial answers score 0", "-", f"{member}: grader error: {err[:200]}")
            for ex in result.exercises:
                score, scoring = trivial.code_score(ex)
                if score > 0:
                    yield Problem("trivial answers score 0", ex.id,
                                  f"the answer that {trivial.FAMILY[member]} scores {score:.3g}: "
                                  f"{'; '.join(scoring)[:160]} (make such a case @property_case, or check more)")


def calibration_problems(seeds: int, progress: Callable[[str], None], root: Path = REPO_ROOT):
    """Train every reference over *seeds* seeds with the calibration script; a negative worst margin fails."""
    script = root / "bench" / "calibrate.py"
    if not script.is_file():
        yield Problem("thresholds hold", "-", f"{script} not found: thresholds were not re-checked")
        return
    spec = importlib.util.spec_from_file_location("grader_calibrate", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    progress(f"training the references over {seeds} seeds ...")
    margins = module.worst_margins(module.calibrate(list(range(seeds))))
    worst = min(margins.items(), key=lambda kv: kv[1])
    progress(f"worst margin over {seeds} seeds: {worst[1]:+.4f} ({worst[0][0]}, threshold {worst[0][1]:.2f})")
    for (run, threshold), margin in margins.items():
        if margin < 0:
            yield Problem("thresholds hold", run, f"accuracy falls {-margin:.4f} below {threshold:.2f} on some seed")


def validate(settings: Settings, *, seeds: int = 5, progress: Callable[[str], None] = lambda _: None,
             run_grading: bool = True, jobs: int = 1) -> list[Problem]:
    exercises = load_catalog(settings.exercises_dir)
    problems = [p for ex in exercises for p in folder_problems(ex, settings.solutions_dir)]
    problems += list(import_problems(settings.exercises_dir.parent))
    if run_grading:
        from grader.course.preflight import unavailable

        missing = unavailable(exercises)
        problems += [Problem("data available", ex_id, why) for ex_id, why in missing.items()]
        available = [ex for ex in exercises if ex.id not in missing]
        problems += list(grading_problems(settings, available, progress))
        problems += list(trivial_problems(settings, available, progress))
        if settings.device.startswith("cuda"):
            problems += list(parity_problems(settings, [ex.id for ex in available], progress, jobs))
        if seeds:
            problems += list(calibration_problems(seeds, progress))
    return problems


def parity_submissions(settings: Settings) -> list[Path]:
    """What the CPU/GPU parity check grades: the two workbooks, the half-right example, every wrong answer."""
    found = [settings.solutions_dir / "reference.ipynb", settings.exercises_dir / "workbook.ipynb",
             settings.solutions_dir / "examples" / "half_right.ipynb"]
    found += sorted(settings.solutions_dir.glob("*/wrong/*.py"))
    return [p for p in found if p.is_file()]


def verdicts(result: dict) -> dict[str, tuple]:
    """Exercise id -> (outcome, score to 4 places, each case's outcome): what must not depend on the device."""
    return {ex["id"]: (ex["outcome"], round(float(ex["score"]), 4),
                       tuple((c["name"], c["outcome"]) for c in ex["cases"]))
            for ex in result.get("exercises", [])}


def parity_problems(settings: Settings, exercise_ids: list[str], progress: Callable[[str], None],
                    jobs: int) -> Iterator[Problem]:
    """Grade :func:`parity_submissions` on the CPU and on *settings*' GPU; every difference is a problem."""
    import dataclasses

    from grader.grading import pool

    paths = parity_submissions(settings)
    tasks = [pool.GradingJob(n, str(path), path.stem) for n, path in enumerate(paths)]
    graded: dict[str, dict[int, dict]] = {}
    for device in ("cpu", settings.device):
        progress(f"grading {len(tasks)} submissions on {device} for the CPU/GPU parity check ...")
        found = graded.setdefault(device, {})
        pool.run(tasks, dataclasses.replace(settings, device=device), jobs=jobs, exercise_ids=exercise_ids,
                 on_done=lambda done, found=found: found.__setitem__(done.task.index, done.result or {}))
    cpu, gpu = graded["cpu"], graded[settings.device]
    for task in tasks:
        name = str(Path(task.path).relative_to(settings.solutions_dir.parent))
        left, right = cpu.get(task.index, {}), gpu.get(task.index, {})
        for side, result in (("cpu", left), (settings.device, right)):
            for err in result.get("grader_errors", []) if result else ["not graded"]:
                yield Problem("same verdict on GPU", name, f"grader error on {side}: {err[:160]}")
        a, b = verdicts(left), verdicts(right)
        for ex_id in sorted(set(a) | set(b)):
            if a.get(ex_id) != b.get(ex_id):
                yield Problem("same verdict on GPU", f"{ex_id}",
                              f"{name}: cpu {_brief(a.get(ex_id))} but {settings.device} {_brief(b.get(ex_id))}")


def _brief(verdict) -> str:
    if verdict is None:
        return "not graded"
    outcome, score, cases = verdict
    failing = [name for name, case_outcome in cases if case_outcome != "passed"]
    return f"{outcome} {score:g}" + (f" (not passed: {', '.join(failing)[:120]})" if failing else "")
