"""What large and slow submissions cost the grader: loading, running their cells, and holding a worker.

Run on demand (never part of the test suite):

    .venv/bin/python bench/intake_scale.py [--only load-flood load-script run-globals grade-script grade-sleeper]

To compare with another version of the grader, run the copy of this script inside that checkout (it imports
the ``grader`` package next to it): ``git archive REV | tar -x -C /tmp/old && cp bench/intake_scale.py
/tmp/old/bench/ && .venv/bin/python /tmp/old/bench/intake_scale.py``.

Each line is one submission, built here:
  * 72,000 markdown answer cells (about 9.6 MB, the issue's case): load time in the grading process;
  * a .py of 20,000 top-level statements: load time, then graded on q04 (time, and which cells were blamed);
  * 300,000 globals, then 1,000 more cells: the notebook's run in a sandbox (the worker once copied every global
    twice per cell);
  * a right double_odds that sleeps 0.9 s per call under a 1 s limit: how long q04's 31 calls hold the worker,
    and what it scores.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.config import Limits, load_settings  # noqa: E402
from grader.grading.grade import grade  # noqa: E402
from grader.intake import submission  # noqa: E402

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"


def answer_flood(folder: Path) -> Path:
    text = "**Your answer (Q4):** a list comprehension builds a new list from an iterable."
    cells = [{"cell_type": "markdown", "metadata": {}, "source": text} for _ in range(72_000)]
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": RIGHT})
    path = folder / "flood.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def long_script(folder: Path) -> Path:
    path = folder / "long.py"
    path.write_text("".join(f"v{i} = {i}\n" for i in range(20_000)) + "\n\n" + RIGHT)
    return path


def many_globals(folder: Path) -> Path:
    path = folder / "globals.py"
    path.write_text('globals().update({f"g{i}": i for i in range(300_000)})\n' + "pass\n" * 1000 + "\n\n" + RIGHT)
    return path


def sleeper(folder: Path) -> Path:
    path = folder / "sleeper.py"
    path.write_text("import time\n\n\ndef double_odds(nums):\n    time.sleep(0.9)\n"
                    "    return [2 * n for n in nums if n % 2 == 1]\n")
    return path


def timed(what):
    began = time.perf_counter()
    value = what()
    return time.perf_counter() - began, value


def step(name: str, args, run) -> None:
    """Run one measurement unless --only leaves it out; an older grader may fail one: say how, and go on."""
    if args.only and name not in args.only:
        return
    began = time.perf_counter()
    try:
        print(run(), flush=True)
    except Exception as exc:  # noqa: BLE001
        print(f"{name}: failed after {time.perf_counter() - began:.1f} s: {type(exc).__name__}: {exc}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=STEPS, help="these measurements only")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="intake-scale-"))
    print(f"grader at {ROOT}")

    def load_flood():
        flood = answer_flood(folder)
        seconds, sub = timed(lambda: submission.load(flood, {"q04": ["double_odds"]}))
        return (f"load 72,000 answer cells ({flood.stat().st_size / 1e6:.1f} MB): {seconds:.2f} s, answer kept "
                f"{len(sub.answers.get('q04', '')):,} chars")

    def load_script():
        seconds, sub = timed(lambda: submission.load(long_script(folder), {"q04": ["double_odds"]}))
        return f"load a .py of 20,000 statements: {seconds:.2f} s, {len(sub.cells):,} cells"

    def run_globals():
        from grader.sandbox.host.session import Session

        loaded = submission.load(many_globals(folder), {"q04": ["double_odds"]})
        with Session(loaded, Limits(timeout=120, memory_mb=4096)) as session:
            seconds, _ = timed(session.start)
            blamed = sorted({r.status.value for r in session.cells.values()} - {"ok"})
        return f"run 300,000 globals then 1,000 cells in a sandbox: {seconds:.2f} s (cells not ok: {blamed or 'none'})"

    def grade_script():
        seconds, result = timed(lambda: grade(long_script(folder), load_settings(timeout=120), exercise_ids=["q04"]))
        return (f"grade the 20,000-statement .py on q04: {seconds:.1f} s, score {result.score:g}/{result.max_score:g}, "
                f"incidents {[i['kind'] for i in result.incidents]}, grader errors {len(result.grader_errors)}")

    def grade_sleeper():
        seconds, result = timed(lambda: grade(sleeper(folder), load_settings(timeout=1), exercise_ids=["q04"]))
        q04 = result.exercise("q04")
        return (f"a right answer sleeping 0.9 s a call under a 1 s limit: held the worker {seconds:.1f} s, q04 "
                f"{q04.outcome.value} {q04.score:g}/{q04.max_score:g}")

    for name, run in zip(STEPS, (load_flood, load_script, run_globals, grade_script, grade_sleeper)):
        step(name, args, run)


STEPS = ("load-flood", "load-script", "run-globals", "grade-script", "grade-sleeper")


if __name__ == "__main__":
    main()
