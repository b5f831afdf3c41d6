"""Q8's speed verdict on a busy machine: the reference graded again and again while other processes keep every
core busy, the figure a student gets and how often the right answer is failed.

Run on demand (never part of the test suite):

    .venv/bin/python bench/q08_under_load.py [--runs 8] [--hogs 3]

To compare with another version of the grader, run the copy of this script inside that checkout (it imports the
``grader`` package next to it): ``git archive REV | tar -x -C /tmp/old && cp bench/q08_under_load.py
/tmp/old/bench/ && .venv/bin/python /tmp/old/bench/q08_under_load.py``.

The hogs are what a CI runner or a bulk run does next to a grade, in turn: a pure-Python loop, torch arithmetic
on a large tensor, and fresh large tensors made and dropped (page faults: the kernel's memory path kept busy).
Without hogs (``--hogs 0``) the spread is the machine's own noise.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOGS = ["while True: pass",
        "import torch\ntorch.set_num_threads(1)\nx = torch.rand(4000, 4000)\nwhile True: x.mul_(1.0000001)",
        "import torch\ntorch.set_num_threads(1)\nwhile True: torch.ones(4_000_000).sum()"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--hogs", type=int, default=3)
    args = parser.parse_args()

    from grader.config import load_settings
    from grader.grading.grade import grade
    from grader.results import Outcome

    hogs = [subprocess.Popen([sys.executable, "-c", HOGS[i % len(HOGS)]]) for i in range(args.hogs)]
    try:
        time.sleep(1 if hogs else 0)
        ratios, failed, seconds = [], 0, []
        for _ in range(args.runs):
            began = time.perf_counter()
            ex = grade(ROOT / "solutions" / "reference.ipynb", load_settings(), exercise_ids=["q08"]).exercise("q08")
            seconds.append(time.perf_counter() - began)
            speed = next(c for c in ex.cases if "20 times faster" in c.name)
            ratios.append(ex.artifacts.get("metrics", {}).get("speed-up", 0.0))
            failed += speed.outcome is not Outcome.PASSED
    finally:
        for hog in hogs:
            hog.kill()
    print(f"reference q08, {args.runs} grades next to {args.hogs} busy processes on this machine")
    print(f"  speed-up: min {min(ratios):.1f}, median {statistics.median(ratios):.1f}, max {max(ratios):.1f} "
          f"(the bar is 20)")
    print("  all:", sorted(round(r) for r in ratios))
    print(f"  speed case failed: {failed} of {args.runs}")
    print(f"  seconds per grade (q08 only): median {statistics.median(seconds):.2f}")


if __name__ == "__main__":
    main()
