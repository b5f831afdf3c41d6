"""How long grading the reference workbook takes, and where the time and memory go.

Run on demand (never part of the test suite):

    .venv/bin/python bench/grade_reference.py [--repeat 3] [--exercise q04 ...]

Everything is measured in the same run, so the ratios compare like with like on this machine:
  * baseline: a fresh ``python -c "import torch"`` (the floor any process-per-submission grader pays);
  * sandbox start: bubblewrap + interpreter + ``import torch`` until the worker says it is ready;
  * grading: the whole pass over ``solutions/reference.ipynb`` (load, sandbox, notebook, suites).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import load_catalog  # noqa: E402
from grader.config import load_settings  # noqa: E402
from grader.grading.grade import grade  # noqa: E402
from grader.course.preflight import unavailable  # noqa: E402
from grader.sandbox.host.process import SandboxProcess  # noqa: E402


def time_import_torch() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - began


def time_sandbox_start(settings) -> tuple[float, float]:
    began = time.perf_counter()
    proc = SandboxProcess(settings.limits)
    proc.start()
    ready = time.perf_counter() - began
    proc.close()
    return ready, proc.peak_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exercise", action="append")
    args = parser.parse_args()
    settings = load_settings()
    catalog = load_catalog(settings.exercises_dir)
    skipped = unavailable(catalog)
    ids = args.exercise or [ex.id for ex in catalog if ex.id not in skipped]
    for ex_id, why in skipped.items():
        print(f"note: {ex_id} left out: {why}")

    imports = [time_import_torch() for _ in range(args.repeat)]
    starts = [time_sandbox_start(settings) for _ in range(args.repeat)]
    runs = []
    for _ in range(args.repeat):
        result = grade(ROOT / "solutions" / "reference.ipynb", settings, exercise_ids=ids)
        assert not result.grader_errors, result.grader_errors
        runs.append(result)

    def med(values):
        return statistics.median(values)

    import_s = med(imports)
    start_s = med(s for s, _ in starts)
    total_s = med(r.timings["total"] for r in runs)
    notebook_s = med(r.timings.get("notebook", 0) for r in runs)
    tests_s = med(r.timings.get("tests", 0) for r in runs)
    sandbox_peak = max(r.timings.get("peak_rss_mb", 0) for r in runs)
    grader_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    score = runs[-1]
    print(f"\nreference workbook: {score.score:g}/{score.max_score:g} on {', '.join(ids)}"
          f" (isolation: {score.isolation}; device {score.device}; median of {args.repeat})")
    rows = [
        ("fresh `import torch` (baseline)", import_s, 1.0),
        ("sandbox start (bwrap + python + torch)", start_s, start_s / import_s),
        ("notebook run incl. sandbox start", notebook_s, notebook_s / import_s),
        ("suites (requests + training in sandbox)", tests_s, tests_s / import_s),
        ("whole grading pass", total_s, total_s / import_s),
    ]
    print(f"{'step':44} {'seconds':>8} {'x baseline':>11}")
    for name, seconds, ratio in rows:
        print(f"{name:44} {seconds:8.2f} {ratio:11.2f}")
    print(f"share of the pass spent starting the sandbox: {start_s / total_s:.0%}")
    print(f"peak RSS: sandbox {sandbox_peak:.0f} MB, grading process {grader_peak:.0f} MB")
    per_exercise = {c.name: c.duration for ex in score.exercises for c in ex.cases}
    slow = sorted(per_exercise.items(), key=lambda kv: -kv[1])[:5]
    print("slowest cases: " + "; ".join(f"{name[:50]} {sec:.2f} s" for name, sec in slow))


if __name__ == "__main__":
    main()
