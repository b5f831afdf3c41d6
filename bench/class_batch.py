"""The generated class of ``bench/bulk.py``: chapter-style submissions built from the reference workbook, the
half-right example, the starter and the known-wrong answers (correct, partly wrong, broken and slow ones).

Deterministic for a given seed; the cell helpers here are shared with ``bench/nbgrader_run.py``, which rebuilds
the same submissions as nbgrader notebooks.
"""
from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = [f"q{i:02d}" for i in range(1, 38)]
REFERENCE = ROOT / "solutions" / "reference.ipynb"
HALF_RIGHT = ROOT / "solutions" / "examples" / "half_right.ipynb"
STARTER = ROOT / "exercises" / "workbook.ipynb"
SLEEP_S = 1.5
# The order the kinds come in: any first six cover correct, partly wrong, broken and slow; the cycle repeats.
PLAN = ["correct", "half_right", "mutant", "raising", "corrupt_json", "slow",
        "missing_cells", "starter", "mutant", "correct", "half_right_mutant", "slow_mutant"]
MARKER = re.compile(r"^\s*#\s*\|?\s*exercise\s*:\s*([A-Za-z0-9_]+)\s*$", re.IGNORECASE)


def _read_nb(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if not str(c.get("id", "")).startswith(("fr1-", "fr2-"))]
    return nb


def _exercise_of(cell: dict) -> str | None:
    meta = (cell.get("metadata") or {}).get("grader") or {}
    if isinstance(meta, dict) and meta.get("exercise"):
        return str(meta["exercise"]).lower()
    source = _source(cell)
    for line in source.splitlines()[:3]:
        match = MARKER.match(line)
        if match:
            return match.group(1).lower()
    return None


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _code_cell(source: str, cell_id: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {}, "outputs": [],
            "source": source}


def _wrong_answers() -> dict[str, list[Path]]:
    """Known-wrong code answers per exercise (single-cell files only: no markdown answers inside)."""
    out = {}
    for ex_id in QUESTIONNAIRE:
        files = sorted((ROOT / "solutions" / ex_id / "wrong").glob("*.py"))
        out[ex_id] = [f for f in files if "# %%" not in f.read_text(encoding="utf-8")]
    return out


def _swap_answers(nb: dict, rng: random.Random, wrong: dict[str, list[Path]], k: int) -> list[str]:
    """Replace k exercises' code cells by known-wrong answers; return 'qNN:file' for each."""
    cells = {_exercise_of(c): c for c in nb["cells"] if c["cell_type"] == "code"}
    choices = [ex for ex in QUESTIONNAIRE if ex in cells and wrong[ex]]
    done = []
    for ex_id in sorted(rng.sample(choices, k)):
        path = rng.choice(wrong[ex_id])
        code = path.read_text(encoding="utf-8").strip()
        if code.startswith("# expect:"):
            code = code.split("\n", 1)[1].lstrip() if "\n" in code else ""
        cells[ex_id]["source"] = f"# exercise: {ex_id}\n{code}"
        done.append(f"{ex_id}:{path.stem}")
    return done


def _insert_after_random_code(nb: dict, rng: random.Random, cell: dict) -> None:
    positions = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    nb["cells"].insert(rng.choice(positions) + 1, cell)


def make_batch(n: int, seed: int, folder: Path) -> list[dict]:
    """Write n submissions into folder; return [{name, kind, path, detail}] in order."""
    rng = random.Random(seed)
    wrong = _wrong_answers()
    ref, half, starter = _read_nb(REFERENCE), _read_nb(HALF_RIGHT), _read_nb(STARTER)
    folder.mkdir(parents=True, exist_ok=True)
    batch = []
    for i in range(n):
        kind = PLAN[i % len(PLAN)]
        detail = ""
        nb = copy.deepcopy(half if kind.startswith("half_right") else starter if kind == "starter" else ref)
        if kind in ("mutant", "slow_mutant"):
            detail = "wrong " + ", ".join(_swap_answers(nb, rng, wrong, 3))
        elif kind == "half_right_mutant":
            detail = "half right, and wrong " + ", ".join(_swap_answers(nb, rng, wrong, 2))
        if kind in ("slow", "slow_mutant"):
            _insert_after_random_code(nb, rng, _code_cell(f"import time\ntime.sleep({SLEEP_S})  # thinking...",
                                                          "bench-sleep"))
            detail = (detail + "; " if detail else "") + f"a cell sleeps {SLEEP_S} s"
        if kind == "raising":
            _insert_after_random_code(nb, rng, _code_cell("scratch = undefined_helper(3)  # left over", "bench-raise"))
            victim = rng.choice([c for c in nb["cells"] if c["cell_type"] == "code" and _exercise_of(c)])
            victim["source"] = _source(victim).rstrip() + "\n\nprint('check:', 1 / 0)\n"
            detail = f"a stray cell raises NameError; {_exercise_of(victim)}'s cell ends in ZeroDivisionError"
        if kind == "missing_cells":
            present = sorted({_exercise_of(c) for c in nb["cells"] if _exercise_of(c)})
            dropped = set(rng.sample(present, len(present) // 2))
            nb["cells"] = [c for c in nb["cells"] if str(c.get("id", "")).split("-")[0] not in dropped]
            detail = f"{len(dropped)} of {len(present)} exercises' cells deleted"
        name = f"s{i + 1:02d}-{kind.replace('_', '-')}"
        path = folder / f"{name}.ipynb"
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if kind == "corrupt_json":
            text = text[: int(len(text) * 0.6)]
            detail = "the file stops at 60% (not valid JSON)"
        if kind == "correct":
            detail = "the reference workbook"
        if kind == "half_right":
            detail = "solutions/examples/half_right.ipynb"
        if kind == "starter":
            detail = "the untouched starter workbook"
        path.write_text(text, encoding="utf-8")
        batch.append({"name": name, "kind": kind, "path": str(path), "detail": detail})
    return batch
