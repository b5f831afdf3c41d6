"""Throughput on Dask against the local pool, on the same generated class, in one run.

    .venv/bin/python bench/dask_throughput.py [--n 12]

Grades ``bench/class_batch.py``'s class with the local pool at -j 2, then on a Dask ``LocalCluster`` of 1 and 2
worker processes (one thread each) on this machine, and prints submissions per second and the ratio of each to
the local pool.  The goal: two Dask workers reach at least 0.85 of the local pool at -j 2.

How it extrapolates: every Dask worker runs the same loop as a local worker (one zygote, one kept pytest
session), and the coordinator only records results, so throughput grows with workers until the coordinator's
recording (a transaction and two files per result, milliseconds) or the scheduler's per-task overhead (about a
millisecond) is the bottleneck: far beyond the seconds a submission takes to grade.  On one machine the cores are
the limit, as for the local pool.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from class_batch import QUESTIONNAIRE, make_batch  # noqa: E402

from grader.config import load_settings  # noqa: E402
from grader.grading.batch import grade_many  # noqa: E402


def timed(folder: Path, work: Path, **how) -> float:
    out = work / f"out-{time.monotonic_ns()}"
    began = time.perf_counter()
    batch = grade_many([folder], out, load_settings(), exercise_ids=QUESTIONNAIRE, force=True, **how)
    seconds = time.perf_counter() - began
    shutil.rmtree(out, ignore_errors=True)
    return len(batch.graded) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=12)
    args = parser.parse_args()
    from distributed import LocalCluster

    work = Path(tempfile.mkdtemp(prefix="grader-dask-bench-"))
    folder = work / "class"
    folder.mkdir()
    make_batch(args.n, 0, folder)
    local = timed(folder, work, jobs=2)
    rows = [("local pool, -j 2", local)]
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=50) as cluster:
            # Timed from the batch's start, as the local pool is: both start their workers' loops per batch.
            rows.append((f"Dask, {workers} worker{'s' if workers > 1 else ''}",
                         timed(folder, work, scheduler=cluster.scheduler_address)))
    print(f"{args.n} submissions, {len(QUESTIONNAIRE)} exercises each")
    print(f"{'':20} {'submissions/s':>14} {'vs local -j 2':>14}")
    for name, rate in rows:
        print(f"{name:20} {rate:14.3f} {rate / local:14.2f}")
    two = rows[-1][1] / local
    print(f"goal: 2 Dask workers >= 0.85 of the local pool: {two:.2f} ({'met' if two >= 0.85 else 'not met'})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
