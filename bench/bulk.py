"""Bulk grading of a class: our grader against baselines measured in the same run, as ratios.

Run on demand (never part of the test suite); with the default 24 submissions it takes several minutes:

    .venv/bin/python bench/bulk.py [--n 24] [--seed 0] [--json figures.json] [--nbgrader-venv PATH] [--keep]

The batch (``bench/class_batch.py``): N chapter-style submissions generated into a scratch folder from
``solutions/reference.ipynb``, ``solutions/examples/half_right.ipynb`` and ``exercises/workbook.ipynb``
(deterministic for a given ``--seed``): correct ones, partly wrong ones (the half-right workbook, and variants with a few answers swapped for known-wrong
ones from ``solutions/<id>/wrong/``), broken ones (a cell that raises, a file that is not valid JSON, a notebook
missing half its cells), the untouched starter, and slow ones (a cell sleeping 1.5 s: the student's own time).
Only the questionnaire exercises q01-q37 are graded: fr1/fr2 train models for as long as the student's code
says, which is the student's time and would only add noise.

Lines measured, all in this run and on this machine:
  * floor: one fresh ``python -c "import torch"`` per submission, serially (what any process-per-notebook
    grader pays at least);
  * plain script: each submission's code cells in order, each in try/except as a notebook would go on after a
    failing cell, as one .py run by a fresh python; its wall time, and the code's own run time measured inside
    the script (from the end of ``import torch`` to the end);
  * ours: ``grader grade DIR --out OUT -j N --force -e q01,...,q37`` at -j 1 and -j 2, wall time of the command;
    per-submission timings and peak RSS from each ``OUT/students/<student>/result.json`` (missing keys are tolerated);
  * in one process: each submission's code and then our hidden suites against it, all submissions in one
    interpreter with the suites collected once, no sandbox (``bench/inprocess.py``); the code's and the
    suites' run times measured inside.  This is the least any grader running these suites could spend;
  * nbgrader (when installed; ``bench/nbgrader_run.py``): ``nbgrader autograde`` over the same submissions in a
    course directory whose assignment has, for each exercise, autograder test cells of plain asserts
    (``bench/nbgrader_tests.py``) checking what our public and hidden tests check; written answers are left to
    nbgrader's manual grading.

Every line is timed as a process tree, with its peak memory sampled (``bench/process_tree.py``).

Goals, marked met / not met: grading overhead per submission at -j 1, (ours -j 1 - the code's own run time) / N,
at most 0.3 s; ours -j 2 / floor below 0.5; nbgrader / ours -j 2 at least 10x; a worker's peak RSS (its grading
process, its warm zygote and the sandbox, from result.json) below 1.5 GB.  The in-process line also gives, with no
goal of its own, the best the first and third figures could be with these suites (a grader whose only cost is
running the code and the suites: its overhead is the suites' own run time, and at -j 2 it needs at least one
``import torch`` plus half of the in-process total), and what our grader spends beyond that line per submission:
the sandbox, the transfer, starting up and recording.

Setting up nbgrader for the comparison (it is not a dependency of the project; keep it in its own venv):

    python3 -m venv /tmp/nbgrader-venv
    /tmp/nbgrader-venv/bin/pip install -q torch==2.13.0 nbgrader ipykernel numpy

``--nbgrader-venv`` picks another venv; without it the bench tries /tmp/nbgrader-venv, then ``nbgrader`` on PATH,
and says it skipped the comparison when neither is there.  numpy is there for the Q3 test cell, which loads the
embedded MNIST sample as the grader's own Q3 suite does.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from grader.catalog import load_catalog  # noqa: E402
from grader.intake.submission import load  # noqa: E402

from class_batch import QUESTIONNAIRE, make_batch  # noqa: E402
from nbgrader_run import find_nbgrader, measure_nbgrader  # noqa: E402
from process_tree import run_timed  # noqa: E402

BIN = Path(sys.executable).parent
PYTHON = BIN / "python"
GRADER = BIN / "grader"
GOALS = {"overhead_per_submission_s": 0.3, "j2_over_floor": 0.5, "nbgrader_over_j2": 10.0, "worker_rss_mb": 1500.0}


# ----------------------------------------------------------------------------------------------------------------
# Measuring


def measure_floor(batch: list[dict]) -> dict:
    walls = []
    for _ in batch:
        began = time.perf_counter()
        subprocess.run([str(PYTHON), "-c", "import torch"], check=True)
        walls.append(time.perf_counter() - began)
    return {"total": sum(walls), "per_submission": walls}


SCRIPT_HEAD = '''import json as _bench_json, sys as _bench_sys, time as _bench_time, traceback as _bench_tb
_bench_t0 = _bench_time.perf_counter()
import torch
_bench_t1 = _bench_time.perf_counter()
'''
SCRIPT_TAIL = '''
for _bench_i, _bench_src in enumerate(_bench_cells):
    try:  # a failing cell does not stop the ones after it, as in a notebook
        exec(compile(_bench_src, f"<cell {_bench_i}>", "exec"), globals())
    except BaseException:
        _bench_tb.print_exc()
_bench_t2 = _bench_time.perf_counter()
with open(_bench_sys.argv[1], "w") as _bench_f:
    _bench_json.dump({"import_torch": _bench_t1 - _bench_t0, "own": _bench_t2 - _bench_t1}, _bench_f)
'''


def measure_scripts(batch: list[dict], names: dict[str, list[str]], work: Path) -> dict:
    """Each submission's code cells as one plain script, run by a fresh python: wall and the code's own time."""
    folder = work / "scripts"
    folder.mkdir()
    walls, owns = [], []
    for item in batch:
        sub = load(item["path"], names)
        script = folder / f"{item['name']}.py"
        script.write_text(SCRIPT_HEAD + f"_bench_cells = {[c.source for c in sub.cells]!r}\n" + SCRIPT_TAIL,
                          encoding="utf-8")
        timing = folder / f"{item['name']}.json"
        run_dir = folder / item["name"]
        run_dir.mkdir()
        began = time.perf_counter()
        with open(folder / f"{item['name']}.log", "w") as log:
            subprocess.run([str(PYTHON), str(script), str(timing)], stdout=log, stderr=subprocess.STDOUT,
                           cwd=run_dir, timeout=900)
        walls.append(time.perf_counter() - began)
        owns.append(json.loads(timing.read_text())["own"] if timing.is_file() else float("nan"))
    return {"total": sum(walls), "own_total": sum(owns), "per_submission": walls, "own_per_submission": owns}


def measure_inprocess(batch: list[dict], work: Path) -> dict:
    """The code and our hidden suites in one process with no sandbox (bench/inprocess.py), timed inside."""
    out = work / "inprocess.json"
    log = work / "inprocess.log"
    began = time.perf_counter()
    with open(log, "w") as stream:
        subprocess.run([str(PYTHON), str(ROOT / "bench" / "inprocess.py"), str(out)]
                       + [str(item["path"]) for item in batch], stdout=stream, stderr=subprocess.STDOUT,
                       timeout=900 + 60 * len(batch), cwd=work)
    wall = time.perf_counter() - began
    if not out.is_file():
        return {"error": f"bench/inprocess.py wrote no figures (log: {log})"}
    figures = json.loads(out.read_text(encoding="utf-8"))
    rows = [figures.get(Path(item["path"]).stem, {}) for item in batch]
    code = [float(r.get("code", float("nan"))) for r in rows]
    tests = [float(r.get("tests", float("nan"))) for r in rows]
    return {"total": sum(code) + sum(tests), "code_total": sum(code), "tests_total": sum(tests),
            "code_per_submission": code, "tests_per_submission": tests,
            "share_per_submission": [r.get("share") for r in rows], "wall": wall}


def measure_ours(batch: list[dict], batch_dir: Path, work: Path, jobs: int) -> dict:
    ids = ",".join(QUESTIONNAIRE)
    out = work / f"ours-j{jobs}"
    log = work / f"ours-j{jobs}.log"
    timeout = 900 + 120 * len(batch)
    run = run_timed([[str(GRADER), "grade", str(batch_dir), "--out", str(out), "-j", str(jobs), "--force",
                      "-e", ids]], log, timeout)
    run["mode"] = f"grader grade DIR -j {jobs} --force"
    results = {}
    for path in out.rglob("result.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        results[Path(data.get("path") or path.parent.name).stem] = data
    run["results"] = results
    run["log"] = str(log)
    return run


def code_fraction(result: dict | None) -> float:
    """Share of the runnable (code and choice) points a result scored; written answers left out."""
    if not result:
        return 0.0
    got = top = 0.0
    for ex in result.get("exercises", []):
        for case in ex.get("cases", []):
            if case.get("name") == "written answer":
                continue
            got += float(case.get("score", 0))
            top += float(case.get("max_score", 0))
    return got / top if top else 0.0


# ----------------------------------------------------------------------------------------------------------------
# Report


def _fmt(value, spec=".2f", missing="n/a") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return missing
    return format(value, spec)


def _goal(value, goal, better) -> str:
    if value is None:
        return "n/a"
    met = value <= goal if better == "low" else value >= goal
    return "met" if met else "NOT met"


def _attainable(best, goal, better) -> str:
    """Whether a goal is within reach at all when even the best case (*best*) is on the wrong side of it."""
    if best is None:
        return ""
    return "goal within reach" if _goal(best, goal, better) == "met" else "goal out of reach with these suites"


def _split(results) -> list[tuple[str, float]]:
    """Where a submission's time goes, from result.json timings (mean per submission that ran its tests)."""
    keys = ("total", "notebook", "tests", "sandbox_wait")
    rows = [r.get("timings", {}) for r in results]
    rows = [t for t in rows if all(k in t for k in keys)]
    if not rows:
        return []

    def mean(f) -> float:
        return sum(f(t) for t in rows) / len(rows)
    return [("notebook run incl. sandbox start", mean(lambda t: t["notebook"])),
            ("waiting on the sandbox during the suites (student functions, harness, transfer)",
             mean(lambda t: t["sandbox_wait"])),
            ("the grader's own pytest and checks", mean(lambda t: t["tests"] - t["sandbox_wait"])),
            ("loading, scoring, result", mean(lambda t: t["total"] - t["notebook"] - t["tests"]))]


def _worker_mb(row: dict) -> float | None:
    parts = [row.get(k) for k in ("grader_rss_mb", "zygote_rss_mb", "sandbox_peak_rss_mb")]
    return sum(float(p) for p in parts if p is not None) if any(p is not None for p in parts) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=24, help="submissions in the batch (default 24)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--nbgrader-venv", help="venv (or nbgrader executable) for the comparison "
                                                "(default: /tmp/nbgrader-venv, else nbgrader on PATH)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["floor", "script", "inprocess", "j1", "j2", "nbgrader"],
                        help="leave a line out (repeatable), e.g. while working on another")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (its path is printed)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-work-bulk-"))
    catalog = {ex.id: ex for ex in load_catalog(ROOT / "exercises")}
    names = {ex.id: list(ex.answer_names) for ex in catalog.values()}
    batch_dir = work / "batch"
    batch = make_batch(args.n, args.seed, batch_dir)
    n = len(batch)
    load1 = os.getloadavg()[0]
    print(f"bulk grading bench: {n} submissions (seed {args.seed}) in {batch_dir}; {os.cpu_count()} CPUs, "
          f"load average {load1:.2f} at start")
    print("graded: q01-q37 only; fr1/fr2 are left out (their model training runs as long as the student's code "
          "says: the student's own time, which would only add noise)")
    if load1 > 0.5:
        print("note: the machine is busy (load average above 0.5); figures may be noisy")
    kinds = {}
    for item in batch:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    print("batch: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))

    figures: dict = {"n": n, "seed": args.seed, "cpus": os.cpu_count(), "load_average_at_start": load1,
                     "submissions": batch}
    floor = script = inproc = j1 = j2 = nbg = None
    if "floor" not in args.skip:
        print("measuring: floor (fresh `import torch` per submission) ...", flush=True)
        floor = measure_floor(batch)
    if "script" not in args.skip:
        print("measuring: plain scripts ...", flush=True)
        script = measure_scripts(batch, names, work)
    if "inprocess" not in args.skip:
        print("measuring: the code and our hidden suites in one process ...", flush=True)
        inproc = measure_inprocess(batch, work)
        if inproc.get("error"):
            print(f"in one process: {inproc['error']}")
            inproc = None
    if "j1" not in args.skip:
        print("measuring: ours at -j 1 ...", flush=True)
        j1 = measure_ours(batch, batch_dir, work, 1)
    if "j2" not in args.skip:
        print("measuring: ours at -j 2 ...", flush=True)
        j2 = measure_ours(batch, batch_dir, work, 2)
    exe = None if "nbgrader" in args.skip else find_nbgrader(args.nbgrader_venv)
    if "nbgrader" in args.skip:
        pass
    elif exe is None:
        where = args.nbgrader_venv or "/tmp/nbgrader-venv (nor on PATH)"
        print(f"nbgrader: skipped, not found at {where}. To enable: python3 -m venv /tmp/nbgrader-venv && "
              "/tmp/nbgrader-venv/bin/pip install -q torch==2.13.0 nbgrader ipykernel numpy")
    else:
        print(f"measuring: nbgrader autograde ({exe}) ...", flush=True)
        nbg = measure_nbgrader(exe, batch, catalog, work)
        if nbg.get("error"):
            print(f"nbgrader: {nbg['error']}")

    for run in (j1, j2):
        if run and (any(run["codes"]) or len(run["results"]) < n):
            print(f"note: {run['mode']}: exit status {run['codes']}, {len(run['results'])}/{n} result.json files "
                  f"(log: {run['log']})")

    # Per submission
    rows = []
    for i, item in enumerate(batch):
        r1 = (j1 or {}).get("results", {}).get(item["name"])
        t1 = (r1 or {}).get("timings", {})
        nb_score = (nbg or {}).get("scores", {}).get(item["name"]) if nbg else None
        row = {"name": item["name"], "kind": item["kind"],
               "floor_s": floor["per_submission"][i] if floor else None,
               "script_wall_s": script["per_submission"][i] if script else None,
               "code_own_s": script["own_per_submission"][i] if script else None,
               "inprocess_tests_s": inproc["tests_per_submission"][i] if inproc else None,
               "ours_j1_total_s": t1.get("total"), "ours_j1_notebook_s": t1.get("notebook"),
               "ours_j1_tests_s": t1.get("tests"), "sandbox_start_s": t1.get("sandbox_start"),
               "sandbox_peak_rss_mb": t1.get("peak_rss_mb"), "grader_rss_mb": t1.get("grader_rss_mb"),
               "zygote_rss_mb": t1.get("zygote_rss_mb"),
               "ours_score_pct": 100 * code_fraction(r1) if r1 else None,
               "nbgrader_score_pct": (100 * nb_score[0] / nb_score[1] if nb_score and nb_score[1] else
                                      (0.0 if nbg and not nbg.get("error") else None))}
        rows.append(row)
    print(f"\n{'submission':24} {'floor':>6} {'script':>7} {'own':>6} {'1-proc':>6} {'ours-j1':>8} {'notebk':>7} "
          f"{'tests':>6} {'sbx MB':>7} {'wkr MB':>7} {'ours %':>7} {'nbg %':>6}")
    for row in rows:
        print(f"{row['name'][:24]:24} {_fmt(row['floor_s']):>6} {_fmt(row['script_wall_s']):>7} "
              f"{_fmt(row['code_own_s']):>6} {_fmt(row['inprocess_tests_s']):>6} "
              f"{_fmt(row['ours_j1_total_s']):>8} {_fmt(row['ours_j1_notebook_s']):>7} "
              f"{_fmt(row['ours_j1_tests_s']):>6} {_fmt(row['sandbox_peak_rss_mb'], '.0f'):>7} "
              f"{_fmt(_worker_mb(row), '.0f'):>7} "
              f"{_fmt(row['ours_score_pct'], '.0f'):>7} {_fmt(row['nbgrader_score_pct'], '.0f'):>6}")
    print("(times in seconds; 1-proc = our hidden suites in one process with the code, no sandbox; ours-j1 split: "
          "notebk = notebook run incl. sandbox start, tests = suites; sbx = the "
          "sandbox's peak RSS, wkr = grading process + zygote + sandbox; scores: share of code and choice points, "
          "written answers left out)")

    # Lines
    lines = []
    if floor:
        lines.append(("floor", "floor: fresh `import torch`, serial", floor["total"]))
    if script:
        lines.append(("script_wall", "plain script per submission (wall)", script["total"]))
        lines.append(("code_own", "  the code's own run time (inside)", script["own_total"]))
    if inproc:
        lines.append(("inprocess", "code + our suites, one process (inside)", inproc["total"]))
        lines.append(("inprocess_tests", "  of which the suites", inproc["tests_total"]))
    if j1:
        lines.append(("ours_j1", "ours, -j 1", j1["wall"]))
    if j2:
        lines.append(("ours_j2", "ours, -j 2", j2["wall"]))
    if nbg and not nbg.get("error"):
        lines.append(("nbgrader", "nbgrader autograde, serial", nbg["total"]))
    base = floor["total"] if floor else None
    print(f"\n{'line':40} {'total s':>9} {'per sub s':>10} {'x floor':>8}")
    for _, label, total in lines:
        print(f"{label:40} {total:9.2f} {total / n:10.3f} {_fmt(total / base if base else None):>8}")
    if j1 and j1["results"]:
        inside = sum(float(r.get("timings", {}).get("total") or 0) for r in j1["results"].values())
        print(f"at -j 1, {inside:.2f} s of the wall went to the submissions themselves (result.json `total`) and "
              f"{j1['wall'] - inside:.2f} s to starting up and finishing (workers, zygote, gradebook): a fixed cost "
              "that a small N spreads over few submissions")
        split = _split(j1["results"].values())
        if split:
            print("  per submission at -j 1: " + ", ".join(f"{label} {value:.3f} s" for label, value in split))

    # Ratios and goals
    overhead = (j1["wall"] - script["own_total"]) / n if (j1 and script) else None
    j2_floor = j2["wall"] / floor["total"] if (j2 and floor) else None
    nbg_j2 = nbg["total"] / j2["wall"] if (nbg and not nbg.get("error") and j2) else None
    # No goals of their own: the best the first and third figures could be with these suites, from a grader whose
    # only cost is running the code and the suites (at -j 2: one `import torch`, then the in-process total shared
    # perfectly by two workers), and what ours spends beyond that.
    overhead_best = (inproc["total"] - script["own_total"]) / n if (inproc and script) else None
    beyond = (j1["wall"] - inproc["total"]) / n if (inproc and j1) else None
    j2_best = floor["total"] / n + inproc["total"] / 2 if (inproc and floor) else None
    nbg_best = nbg["total"] / j2_best if (nbg and not nbg.get("error") and j2_best) else None
    results = [r for run in (j1, j2) if run for r in run["results"].values()]
    # A worker: its grading process, its warm zygote (where there is one) and the sandbox forked from it.
    parts = ("grader_rss_mb", "zygote_rss_mb", "peak_rss_mb")
    worker = [sum(float(r.get("timings", {}).get(key) or 0) for key in parts) for r in results]
    has_grader_rss = any("grader_rss_mb" in r.get("timings", {}) for r in results)
    has_zygote = any("zygote_rss_mb" in r.get("timings", {}) for r in results)
    worker_peak = max(worker) if worker else None
    print(f"\n{'ratio':58} {'value':>9}  {'goal':>9}  verdict")
    print(f"{'grading overhead per submission at -j 1, s':58} {_fmt(overhead, '.3f'):>9}  "
          f"{'<= 0.3':>9}  {_goal(overhead, GOALS['overhead_per_submission_s'], 'low')}")
    print(f"{'  = (ours -j 1 total - sum of the code own run time) / N':58}")
    print(f"{'  at best, with these suites (one process, no sandbox)':58} {_fmt(overhead_best, '.3f'):>9}  "
          f"{'':>9}  {_attainable(overhead_best, GOALS['overhead_per_submission_s'], 'low')}")
    print(f"{'  ours beyond the code + suites in one process, per sub':58} {_fmt(beyond, '.3f'):>9}  "
          f"{'':>9}  (sandbox, transfer, start-up, recording)")
    print(f"{'ours -j 2 total / floor total':58} {_fmt(j2_floor, '.3f'):>9}  {'< 0.5':>9}  "
          f"{_goal(j2_floor, GOALS['j2_over_floor'] - 1e-12, 'low')}")
    print(f"{'nbgrader total / ours -j 2 total':58} {_fmt(nbg_j2, '.1f'):>9}  {'>= 10x':>9}  "
          f"{_goal(nbg_j2, GOALS['nbgrader_over_j2'], 'high')}")
    print(f"{'  at best, with these suites (one import + half 1-proc)':58} {_fmt(nbg_best, '.1f'):>9}  "
          f"{'':>9}  {_attainable(nbg_best, GOALS['nbgrader_over_j2'], 'high')}")
    label = ("peak RSS of a worker (grader + zygote + sandbox), MB" if has_zygote else
             "peak RSS of a worker (grader + sandbox), MB") if has_grader_rss else \
        "peak RSS of a worker (sandbox only: no grader_rss_mb), MB"
    print(f"{label:58} {_fmt(worker_peak, '.0f'):>9}  {'< 1500':>9}  "
          f"{_goal(worker_peak, GOALS['worker_rss_mb'] - 1e-9, 'low')}")
    if has_zygote:
        print("  (RSS summed over the three processes: an upper bound, the sandbox shares pages with its zygote)")
    for run, name in ((j1, "-j 1"), (j2, "-j 2")):
        if run:
            print(f"batch peak memory at {name} (whole process tree, sampled): RSS {run['peak_rss_mb']:.0f} MB, "
                  f"PSS {run['peak_pss_mb']:.0f} MB; largest single process {run['peak_process_rss_mb']:.0f} MB")
    if nbg and not nbg.get("error"):
        ours_pct = [row["ours_score_pct"] or 0.0 for row in rows]
        nbg_pct = [row["nbgrader_score_pct"] or 0.0 for row in rows]
        shares = [share or 0.0 for share in inproc["share_per_submission"]] if inproc else []
        alone = (f", our suites in one process {100 * statistics.mean(shares):.1f}% (unweighted share of their "
                 "points)" if shares else "")
        print(f"sanity: mean score, code and choice points: ours {statistics.mean(ours_pct):.1f}%{alone}, nbgrader "
              f"{statistics.mean(nbg_pct):.1f}% ({nbg['max_points']:g} points of test cells; nbgrader graded "
              f"{n - len(nbg['failed'])}/{n}" + (f", none for {', '.join(nbg['failed'])}" if nbg["failed"] else "")
              + ")")

    figures.update(rows=rows, lines={key: total for key, _, total in lines}, ratios={
        "overhead_per_submission_s": overhead, "overhead_best_with_these_suites_s": overhead_best,
        "beyond_inprocess_per_submission_s": beyond, "nbgrader_over_j2_best_with_these_suites": nbg_best,
        "j2_over_floor": j2_floor,
        "nbgrader_over_j2": nbg_j2, "worker_peak_rss_mb": worker_peak, "worker_rss_includes_grader": has_grader_rss,
        "worker_rss_includes_zygote": has_zygote}, goals=GOALS, verdicts={
        "overhead_per_submission_s": _goal(overhead, GOALS["overhead_per_submission_s"], "low"),
        "j2_over_floor": _goal(j2_floor, GOALS["j2_over_floor"] - 1e-12, "low"),
        "nbgrader_over_j2": _goal(nbg_j2, GOALS["nbgrader_over_j2"], "high"),
        "worker_rss_mb": _goal(worker_peak, GOALS["worker_rss_mb"] - 1e-9, "low")})
    for key, run in (("floor", floor), ("script", script), ("inprocess", inproc)):
        if run:
            figures[key] = run
    for key, run in (("ours_j1", j1), ("ours_j2", j2)):
        if run:
            figures[key] = {k: v for k, v in run.items() if k != "results"}
    if nbg:
        figures["nbgrader"] = nbg
    if j1 and j1["results"]:
        figures["ours_j1_split_per_submission_s"] = dict(_split(j1["results"].values()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"figures: {args.json}")
    if args.keep:
        print(f"scratch kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
