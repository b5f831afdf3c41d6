"""How well the written-answer rubrics agree with an instructor, on labelled plausible student answers.

    .venv/bin/python bench/rubric_agreement.py [--verbose]

Every ``solutions/<id>/labelled.toml`` holds answers with the grade an instructor gave (a fraction of the written
points: 0, 0.5 or 1) and a split: ``tune`` answers may shape the rubric, ``heldout`` answers never do.  Printed
per split: accuracy and Cohen's kappa of pass/fail (pass = at least half the points), the mean absolute error of
the score, and how often the scorer asked for review.  The held-out figures are the honest ones.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import load_catalog  # noqa: E402
from grader.config import tomllib  # noqa: E402
from grader.judge import rubric  # noqa: E402


def cohen_kappa(a: list[bool], b: list[bool]) -> float:
    """Agreement beyond chance between two pass/fail raters."""
    n = len(a)
    if not n:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def rows(solutions: Path) -> list[dict]:
    out = []
    for ex in load_catalog(ROOT / "exercises"):
        labelled = solutions / ex.id / "labelled.toml"
        if not ex.written or not labelled.is_file():
            continue
        rub = rubric.load_rubric(solutions / ex.id / "rubric.toml")
        prompt = ex.written["prompt"] + "\n" + (ex.folder / "prompt.md").read_text(encoding="utf-8")
        for item in tomllib.loads(labelled.read_text(encoding="utf-8"))["answers"]:
            case = rubric.score(item["text"], rub, prompt)
            out.append({"id": ex.id, "split": item.get("split", "tune"), "kind": item.get("kind", ""),
                        "human": float(item["score"]), "machine": case.score, "review": case.needs_review,
                        "text": item["text"]})
    return out


def summary(items: list[dict]) -> str:
    human = [r["human"] >= 0.5 for r in items]
    machine = [r["machine"] >= 0.5 for r in items]
    accuracy = sum(h == m for h, m in zip(human, machine)) / len(items)
    mae = sum(abs(r["human"] - r["machine"]) for r in items) / len(items)
    review = sum(r["review"] for r in items) / len(items)
    return (f"{len(items):4d} answers  pass/fail accuracy {accuracy:.3f}  kappa {cohen_kappa(human, machine):.3f}  "
            f"score MAE {mae:.3f}  flagged for review {review:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every disagreement")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    args = parser.parse_args()
    items = rows(args.solutions)
    if not items:
        sys.exit("no labelled answers found")
    questions = sorted({r["id"] for r in items})
    print(f"{len(questions)} written questions: {', '.join(questions)}")
    for split in ("tune", "heldout"):
        part = [r for r in items if r["split"] == split]
        if part:
            print(f"{split:8} {summary(part)}")
    print(f"{'all':8} {summary(items)}")
    if args.verbose:
        for r in items:
            if abs(r["human"] - r["machine"]) >= 0.5:
                print(f"  {r['id']} [{r['split']}, {r['kind']}] human {r['human']:.1f} machine {r['machine']:.2f}: "
                      f"{r['text'][:110]}")


if __name__ == "__main__":
    main()
