"""How well the written-answer rubrics agree with an instructor, and whether they can be gamed.

    .venv/bin/python bench/rubric_agreement.py [--show tune|heldout|own] [--corpus FILE] [--chapter NOTEBOOK]

Three measurements:

1. **Real learners** (``../shared/written/dev_answers.jsonl``, labelled 0 / 0.5 / 1 by an expert against our
   prompts).  Split by learner, never by answer: a learner is held out when the SHA-256 of their ``author`` id is
   divisible by 3 (fixed before any tuning).  Rubrics may be shaped on the ``tune`` learners only; the
   ``heldout`` figures are the honest ones.  Each learner's answers are scored together, as a submission is.
2. **Our own labelled set** (``solutions/<id>/labelled.toml`` ``[[answers]]``), with its own tune/heldout split.
3. **Gaming probes**: hand-written ``[[probes]]`` per question (keyword salad, negated right words, a padded
   answer with a wrong claim), the prompt copied back, the chapter pasted in, one text pasted into every cell.

Printed per set: pass/fail accuracy (pass = at least half the points) and Cohen's kappa, the score's mean
absolute error, the share flagged for review, and the accuracy (and MAE) of flagged vs unflagged answers.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.catalog import load_catalog  # noqa: E402
from grader.config import read_toml  # noqa: E402
from grader.judge import rubric  # noqa: E402
from grader.judge.written import probes  # noqa: E402

CORPUS = ROOT.parent / "shared" / "written" / "dev_answers.jsonl"
CHAPTER = ROOT.parent / "shared" / "seeds" / "04_mnist_basics.ipynb"


def heldout(author: str) -> bool:
    """The fixed split: a learner is held out when the SHA-256 of their id is divisible by 3."""
    return int(hashlib.sha256(author.encode()).hexdigest(), 16) % 3 == 0


def cohen_kappa(a: list[bool], b: list[bool]) -> float:
    """Agreement beyond chance between two pass/fail raters."""
    n = len(a)
    if not n:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


class Grader:
    """Rubrics and prompts of every written exercise, loaded once."""

    def __init__(self, solutions: Path):
        self.exercises = {ex.id: ex for ex in load_catalog(ROOT / "exercises") if ex.written}
        self.solutions = solutions
        self.rubrics = {i: rubric.load_rubric(solutions / i / "rubric.toml") for i in self.exercises}
        self.prompts = {i: ex.written["prompt"] + "\n" + (ex.folder / "prompt.md").read_text(encoding="utf-8")
                        for i, ex in self.exercises.items()}

    def score(self, exercise: str, text: str, others: dict | None = None):
        return rubric.score(text, self.rubrics[exercise], self.prompts[exercise], others, exercise)


def corpus_rows(grader: Grader, path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_author: dict[str, dict[str, str]] = {}
    for r in rows:
        by_author.setdefault(r["author"], {})[r["q"]] = r["answer"]
    out = []
    for r in rows:
        case = grader.score(r["q"], r["answer"], by_author[r["author"]])
        out.append({"id": r["q"], "split": "heldout" if heldout(r["author"]) else "tune", "human": r["label"],
                    "machine": case.score, "review": case.needs_review, "text": r["answer"], "case": case,
                    "reason": r.get("reason", "")})
    return out


def own_rows(grader: Grader) -> list[dict]:
    out = []
    for ex_id in grader.exercises:
        path = grader.solutions / ex_id / "labelled.toml"
        if not path.is_file():
            continue
        for item in read_toml(path).get("answers", []):
            case = grader.score(ex_id, item["text"])
            out.append({"id": ex_id, "split": item.get("split", "tune"), "human": float(item["score"]),
                        "machine": case.score, "review": case.needs_review, "text": item["text"], "case": case,
                        "reason": item.get("kind", "")})
    return out


def _acc_mae(items: list[dict]) -> tuple[float, float]:
    if not items:
        return float("nan"), float("nan")
    acc = sum((r["human"] >= 0.5) == (r["machine"] >= 0.5) for r in items) / len(items)
    return acc, sum(abs(r["human"] - r["machine"]) for r in items) / len(items)


def summary(items: list[dict]) -> str:
    human = [r["human"] >= 0.5 for r in items]
    machine = [r["machine"] >= 0.5 for r in items]
    accuracy, mae = _acc_mae(items)
    flagged = [r for r in items if r["review"]]
    plain = [r for r in items if not r["review"]]
    fa, fm = _acc_mae(flagged)
    ua, um = _acc_mae(plain)
    return (f"{len(items):4d} answers  pass/fail accuracy {accuracy:.3f}  kappa {cohen_kappa(human, machine):.3f}  "
            f"MAE {mae:.3f}  review rate {len(flagged) / len(items):.1%}\n"
            f"{'':9}flagged {len(flagged)}: accuracy {fa:.3f} MAE {fm:.3f} | unflagged {len(plain)}: accuracy "
            f"{ua:.3f} MAE {um:.3f} | error ratio flagged/unflagged: pass/fail "
            f"{(1 - fa) / (1 - ua) if ua < 1 else float('inf'):.2f}, MAE {fm / um if um else float('inf'):.2f}")


def confusion(items: list[dict]) -> str:
    """Instructor's label against the machine's score (rounded to 0 / 0.5 / 1): where the misses are."""
    cells = {}
    for r in items:
        m = min((0.0, 0.5, 1.0), key=lambda v: abs(v - r["machine"]))
        cells[(r["human"], m)] = cells.get((r["human"], m), 0) + 1
    return "  ".join(f"{h:g}->{m:g}: {cells.get((h, m), 0)}" for h in (0, 0.5, 1) for m in (0, 0.5, 1) if h != m)


def reasons(items: list[dict]) -> str:
    """Why answers were flagged: per reason, how many, how often the score was still right, and what the review
    rate would be without that reason (an answer flagged for two reasons stays flagged)."""
    def key(why: str) -> str:
        return re.sub(r"\d+", "N", why.split(" (")[0].split(":")[0])

    by: dict[str, list[dict]] = {}
    for r in items:
        for why in r["case"].details.get("review_reasons", []):
            by.setdefault(key(why), []).append(r)
    parts = []
    for why, part in sorted(by.items(), key=lambda kv: -len(kv[1])):
        acc, mae = _acc_mae(part)
        left = sum(any(key(x) != why for x in r["case"].details.get("review_reasons", [])) for r in items
                   if r["review"])
        parts.append(f"{why} {len(part)} (accuracy {acc:.2f}, MAE {mae:.2f}; without it review {left / len(items):.0%})")
    return "; ".join(parts) or "none"


def probe_rows(grader: Grader, chapter: Path | None) -> list[dict]:
    passages = probes.chapter_passages(chapter) if chapter and chapter.is_file() else []
    out = []
    for ex_id, ex in grader.exercises.items():
        items = probes.hand(grader.solutions, ex_id)
        items += probes.prompt_copies(ex.written["prompt"], (ex.folder / "prompt.md").read_text(encoding="utf-8"))
        reference = (grader.solutions / ex_id / "answer.md").read_text(encoding="utf-8")
        if passages:
            items.append(("chapter", probes.nearest_passage(passages, reference)))
        for kind, text in items:
            case = grader.score(ex_id, text)
            out.append({"id": ex_id, "kind": kind, "case": case, "text": text})
    for kind, text in (("pasted vocabulary", probes.VOCABULARY),) + tuple(
            ("pasted reference", (grader.solutions / i / "answer.md").read_text(encoding="utf-8"))
            for i in sorted(grader.exercises)[:3]):
        cells = {i: text for i in grader.exercises}
        for ex_id in grader.exercises:
            out.append({"id": ex_id, "kind": kind, "case": grader.score(ex_id, text, cells), "text": text})
    return out


def print_probes(rows: list[dict]) -> None:
    kinds = list(dict.fromkeys(r["kind"] for r in rows))
    print("gaming probes (passes unflagged = at least half the points and not flagged for review):")
    for kind in kinds:
        part = [r for r in rows if r["kind"] == kind]
        bad = [r for r in part if r["case"].score >= 0.5 and not r["case"].needs_review]
        flagged = sum(r["case"].needs_review for r in part)
        mean = sum(r["case"].score for r in part) / len(part)
        print(f"  {kind:18} {len(part):3d} probes  passed unflagged {len(bad):2d}  flagged {flagged:3d}  "
              f"mean score {mean:.2f}" + (f"  ({', '.join(r['id'] for r in bad)})" if bad else ""))
    pasted = [r for r in rows if r["kind"] == "pasted vocabulary"]
    if pasted:
        print(f"  one vocabulary paragraph in all {len(pasted)} cells: {sum(r['case'].score for r in pasted):.1f} "
              f"of {len(pasted)} points, {sum(not r['case'].needs_review for r in pasted)} unflagged")


def show(items: list[dict]) -> None:
    for r in items:
        if abs(r["human"] - r["machine"]) >= 0.5 or (r["review"] and abs(r["human"] - r["machine"]) > 0):
            c = r["case"]
            print(f"--- {r['id']} human {r['human']} machine {r['machine']} review {r['review']} | {r['reason']}\n"
                  f"{r['text'][:400]}\n  > " + c.message.replace("\n", "\n  > "))


def _wordllama():
    """wordllama's 256-dimension static embeddings, loaded from its own wheel (its loader looks for the tokenizer
    in a folder the wheel does not have and then tries the network, so the two files are opened directly)."""
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        table = f.get_tensor("embedding.weight")
    return WordLlamaInference(table, Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json")))


def semantic(grader: Grader, rows: list[dict]) -> None:
    """One offline semantic signal next to the rubric, kept only if it helps the held-out learners.

    Two uses are tried, each with its threshold chosen on the tune learners only: *rescue* (the rubric found
    nothing but the answer is close to the reference answer: half the points, flagged) and *off-topic* (the rubric
    passes an answer that is closer to another question's reference answer than to its own: flagged).
    """
    import resource
    import time

    from grader.judge.written.text import prose
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    try:
        model = _wordllama()
    except ImportError as exc:
        print(f"semantic signal: wordllama is not installed ({exc}); left out")
        return
    loaded = time.perf_counter() - began
    ids = sorted(grader.exercises)
    refs = model.embed([(grader.solutions / i / "answer.md").read_text(encoding="utf-8") for i in ids], norm=True)
    began = time.perf_counter()
    for r in rows:
        body = prose(r["text"])[0] or " "
        sims = refs @ model.embed([body], norm=True)[0]
        r["sim"], r["nearest"] = float(sims[ids.index(r["id"])]), ids[int(sims.argmax())]
    per_answer = (time.perf_counter() - began) / len(rows) * 1000
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024

    def rescue(r, t):
        found = r["case"].details.get("concepts_found")
        return dict(r, machine=0.5, review=True) if r["machine"] == 0 and found == [] and r["sim"] >= t else r

    def offtopic(r, t):
        return dict(r, review=True) if r["machine"] >= 0.5 and r["nearest"] != r["id"] and r["sim"] < t else r

    tune = [r for r in rows if r["split"] == "tune"]
    held = [r for r in rows if r["split"] == "heldout"]
    grid = [x / 100 for x in range(20, 90, 2)]
    print(f"semantic signal: wordllama {getattr(sys.modules.get('wordllama'), '__version__', '')} static embeddings "
          f"(MIT, 19 MB wheel, 16 MB model; plus tokenizers and huggingface-hub): load {loaded:.2f} s, "
          f"+{grown:.0f} MB resident, {per_answer:.2f} ms per answer")
    print(f"  held-out, rubric alone      {summary(held)}")
    for name, use in (("rescue", rescue), ("off-topic", offtopic)):
        t = max(grid, key=lambda t: (_acc_mae([use(r, t) for r in tune])[0],
                                     -_acc_mae([use(r, t) for r in tune])[1],
                                     -sum(use(r, t)["review"] for r in tune)))
        print(f"  held-out, with {name:9} (threshold {t:.2f}, best on tune) {summary([use(r, t) for r in held])}")
    zeros = sorted(r["sim"] for r in tune if r["human"] == 0)
    t = zeros[int(0.75 * len(zeros))]  # the rubric is near-perfect on tune, so also a prior: 3 in 4 true zeros below
    print(f"  held-out, with rescue    (threshold {t:.2f}, above 3/4 of tune's zeros) "
          f"{summary([rescue(r, t) for r in held])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", choices=["tune", "heldout", "own", "probes"], help="list the disagreements")
    parser.add_argument("--semantic", action="store_true", help="evaluate the semantic signal (needs wordllama)")
    parser.add_argument("--by-question", action="store_true", help="MAE per question on the tune learners")
    parser.add_argument("--question", "-q", help="with --show: only this exercise id")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--chapter", type=Path, default=CHAPTER)
    args = parser.parse_args()
    grader = Grader(args.solutions)
    print(f"{len(grader.exercises)} written questions")
    if args.corpus.is_file():
        rows = corpus_rows(grader, args.corpus)
        print(f"real learners ({args.corpus.name}):")
        for split in ("tune", "heldout"):
            print(f"  {split:7} {summary([r for r in rows if r['split'] == split])}")
            print(f"{'':9}flagged because: {reasons([r for r in rows if r['split'] == split])}")
            print(f"{'':9}instructor->machine: {confusion([r for r in rows if r['split'] == split])}")
        if args.by_question:
            tune = [r for r in rows if r["split"] == "tune"]
            for q in sorted({r["id"] for r in tune}):
                part = [r for r in tune if r["id"] == q]
                acc, mae = _acc_mae(part)
                print(f"    {q} n={len(part):2d} accuracy {acc:.2f} MAE {mae:.2f} "
                      f"review {sum(r['review'] for r in part)}")
        if args.semantic:
            semantic(grader, rows)
        if args.show in ("tune", "heldout"):
            show([r for r in rows if r["split"] == args.show and args.question in (None, r["id"])])
    else:
        print(f"real learners: {args.corpus} not found, left out")
    own = own_rows(grader)
    print("our own labelled set (solutions/*/labelled.toml):")
    for split in ("tune", "heldout"):
        print(f"  {split:7} {summary([r for r in own if r['split'] == split])}")
    if args.show == "own":
        show(own)
    rows = probe_rows(grader, args.chapter)
    print_probes(rows)
    if args.show == "probes":
        for r in rows:
            if r["case"].score >= 0.5 and not r["case"].needs_review:
                print(f"--- {r['id']} {r['kind']}: {r['text'][:300]}\n  > " + r["case"].message.replace("\n", "\n  > "))


if __name__ == "__main__":
    main()
