"""Calibrate the FR1 and FR2 accuracy thresholds: run each reference through the grading harness over many seeds.

Run on demand (never part of the test suite):

    .venv/bin/python bench/calibrate.py [--seeds 5] [--only fr1|fr2] [--device cpu|cuda]

It does in-process what a grading pass does in the sandbox: the same data split as the hidden suite
(``sample_split`` of solutions/fr1/test_hidden.py; the 60,000 / 10,000 split of full MNIST for FR2), the same public
harness functions (exercises/<id>/harness.py), the reference solution run as a notebook cell in a fresh namespace,
and torch limited to one thread like the sandbox. Accuracy is computed from the returned outputs and the labels
that never enter the harness. For every run it prints the seed, accuracy, seconds and the margin over each
threshold, then the worst margin per threshold; a negative worst margin means the threshold does not hold.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def harness(exercise: str):
    """The exercise's public harness, loaded as the sandbox's worker loads it (exec into a fresh module)."""
    path = ROOT / "exercises" / exercise / "harness.py"
    module = types.ModuleType("harness")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def reference_namespace(exercise: str) -> dict:
    """The reference solution run as one notebook cell in a fresh ``__main__``-like namespace."""
    path = ROOT / "solutions" / exercise / "solution.py"
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)
    return ns


def load_data(name: str) -> dict:
    """The embedded sample, or full MNIST from the cache (``grader data fetch mnist``)."""
    from grader.data import load_full, load_sample

    return load_sample() if name == "sample" else load_full()


def fr1_runs(seeds, device):
    from_suite = load_module(ROOT / "solutions" / "fr1" / "test_hidden.py", "fr1_hidden_suite")
    h = harness("fr1")
    sample = load_data("sample")
    specs = [("FR1 linear", from_suite.LINEAR), ("FR1 784-30-1 net", from_suite.NET),
             ("FR1 plain function", from_suite.PLAIN)]
    rows = []
    for seed in seeds:
        put, secret = from_suite.sample_split(sample, seed=seed)
        for label, spec in specs:
            ns = reference_namespace("fr1")
            began = time.perf_counter()
            result = h.train_and_predict(ns, dict(put), device, model=spec["model"], epochs=spec["epochs"],
                                         lr=spec["lr"], seed=seed)
            wall = time.perf_counter() - began
            acc = from_suite.accuracy_of(result["holdout_outputs"], secret["holdout_y"])
            rows.append((label, seed, acc, result["seconds"], wall, (spec["threshold"],)))
    return rows


def fr2_runs(seeds, device):
    from_suite = load_module(ROOT / "solutions" / "fr2" / "test_hidden.py", "fr2_hidden_suite")
    h = harness("fr2")
    full = load_data("full")
    store = {"fr2/train_x": full["x_train"], "fr2/train_y": full["y_train"], "fr2/test_x": full["x_test"]}
    labels = torch.from_numpy(full["y_test"].astype(np.int64))
    rows = []
    for seed in seeds:
        ns = reference_namespace("fr2")
        began = time.perf_counter()
        result = h.train_and_predict(ns, dict(store), device, seed=seed)
        wall = time.perf_counter() - began
        acc = (result["predictions"].long().cpu() == labels).double().mean().item()
        rows.append(("FR2 784-128-10 net", seed, acc, result["train_seconds"], wall, from_suite.TIERS))
    return rows


def calibrate(seeds, device="cpu", only=None) -> list[tuple]:
    """Rows of (run, seed, accuracy, train seconds, wall seconds, thresholds) for every trained exercise."""
    rows = []
    if only in (None, "fr1"):
        rows += fr1_runs(seeds, device)
    if only in (None, "fr2"):
        rows += fr2_runs(seeds, device)
    return rows


def worst_margins(rows) -> dict[tuple[str, float], float]:
    """(run, threshold) -> the lowest accuracy over all seeds minus the threshold."""
    out = {}
    for label, _seed, acc, _s, _w, thresholds in rows:
        for t in thresholds:
            out[(label, t)] = min(out.get((label, t), 1.0), acc - t)
    return out


def report(rows) -> None:
    print("\n| run | seed | accuracy | train s | wall s | margin over threshold(s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, seed, acc, seconds, wall, thresholds in rows:
        margins = ", ".join(f"{acc - t:+.4f} (≥{t:.2f})" for t in thresholds)
        print(f"| {label} | {seed} | {acc:.4f} | {seconds:.2f} | {wall:.2f} | {margins} |")
    print("\n| run | seeds | min acc | mean acc | max acc | threshold | worst margin | mean train s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == label]
        accs = [r[2] for r in mine]
        for t in mine[0][5]:
            print(f"| {label} | {len(mine)} | {min(accs):.4f} | {sum(accs) / len(accs):.4f} | {max(accs):.4f} | "
                  f"{t:.2f} | {min(accs) - t:+.4f} | {sum(r[3] for r in mine) / len(mine):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="how many seeds (0, 1, ...); at least 5")
    parser.add_argument("--only", choices=("fr1", "fr2"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the sandbox uses 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs, torch "
          f"{torch.__version__}, {args.threads} thread(s), device {args.device}, python {platform.python_version()}")
    seeds = list(range(args.seeds))
    report(calibrate(seeds, args.device, args.only))


if __name__ == "__main__":
    main()
