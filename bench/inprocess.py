"""The least any grader running our hidden suites could spend: each submission's code and the same suites, in one
process, with no sandbox, no process per submission and no results to write.

Run by ``bench/bulk.py`` in a fresh interpreter (never part of the test suite, never part of grading):

    .venv/bin/python bench/inprocess.py OUT.json SUBMISSION...

For each submission: its code cells run in order in a fresh namespace (each in try/except, as a notebook goes on
after a failing cell), then the hidden suites of q01-q37, collected once for the whole batch, run against that
namespace through the in-process backend the notebook self-check uses.  Values still cross as plain-data copies
(as in a sandbox) so the suites do the same work; only the process boundary and everything around it are gone.
(A grader that handed values over without copies would save their cost too, at the price of student code that
can change the tests' own inputs: on the bench's class of 24 the copies were 14-20% of the suites' time.)
OUT.json gets, per submission file name, ``code`` (the cells' run time) and ``tests`` (the suites' run time),
both measured inside this process after ``import torch``, and the share of the suites' points scored.

This puts hidden tests and student code in one process, which the grader itself never does: it is a yardstick
for the bench's own generated submissions (built from the reference and the known-wrong answers), nothing else.
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from class_batch import QUESTIONNAIRE  # noqa: E402 - the bench's folder is on the path of a script run from it


def main(out: Path, paths: list[str]) -> None:
    import torch  # noqa: F401 - loaded before any clock starts, as in the plain-script line

    from grader.grading import worker
    from grader.catalog import load_catalog, select
    from grader.config import load_settings
    from grader.grading.grade import data_loaders
    from grader.judge.runner import keep_suites, suite_files
    from grader.selfcheck import LiveBackend
    from grader.intake.submission import load

    worker.prepare(1)
    settings = load_settings()
    exercises = select(load_catalog(settings.exercises_dir), QUESTIONNAIRE)
    names = {ex.id: list(ex.answer_names) for ex in exercises}
    files = suite_files(exercises, settings.solutions_dir)
    figures: dict = {}

    def serve(kept) -> None:
        if kept is None:
            raise SystemExit("the hidden suites could not be collected")
        for path in paths:
            submission = load(path, names)
            namespace: dict = {"__name__": "__main__"}
            began = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for cell in ([] if submission.load_error else submission.cells):
                    try:
                        exec(compile(cell.source, f"<cell {cell.index}>", "exec"), namespace)
                    except BaseException:  # noqa: BLE001 - a failing cell does not stop the ones after it
                        pass
            code = time.perf_counter() - began
            tests, share = 0.0, 0.0
            if not submission.load_error:
                began = time.perf_counter()
                plugin = kept.run(LiveBackend(namespace, timeout=settings.limits.timeout), submission)
                tests = time.perf_counter() - began
                cases = [case for listed in plugin.cases.values() for case in listed]
                got, top = sum(c.score for c in cases), sum(c.max_score for c in cases)
                share = got / top if top else 0.0
            figures[Path(path).stem] = {"code": code, "tests": tests, "share": share}

    keep_suites(files, "cpu", data_loaders(), serve)
    out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
