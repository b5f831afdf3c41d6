"""The rubrics agree with an instructor: on our own labelled set always, on real learners when their answers are here.

The figures are those ``bench/rubric_agreement.py`` prints; these tests hold the line where the issue's targets
are met (held-out learners: pass/fail accuracy >= 0.88, MAE <= 0.12, flagged answers at least twice as often
wrong as unflagged ones) and guard the rest against getting worse (kappa and the review rate are below target,
see the bench's output).
"""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("rubric_agreement", ROOT / "bench" / "rubric_agreement.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def grader():
    return bench.Grader(ROOT / "solutions")


def _figures(items):
    accuracy, mae = bench._acc_mae(items)
    human = [r["human"] >= 0.5 for r in items]
    machine = [r["machine"] >= 0.5 for r in items]
    flagged = [r for r in items if r["review"]]
    plain = [r for r in items if not r["review"]]
    return {"accuracy": accuracy, "mae": mae, "kappa": bench.cohen_kappa(human, machine),
            "review": len(flagged) / len(items),
            "flagged_error": 1 - bench._acc_mae(flagged)[0], "plain_error": 1 - bench._acc_mae(plain)[0]}


def test_the_split_is_by_learner_and_fixed():
    assert bench.heldout("msr-lovely") and not bench.heldout("idx1731314232")


def test_our_own_labelled_set_agrees_on_both_parts(grader):
    rows = bench.own_rows(grader)
    for split in ("tune", "heldout"):
        f = _figures([r for r in rows if r["split"] == split])
        assert f["accuracy"] >= 0.9 and f["kappa"] >= 0.8 and f["mae"] <= 0.08, (split, f)


@pytest.mark.skipif(not bench.CORPUS.is_file(), reason=f"the learners' corpus is not at {bench.CORPUS}")
def test_held_out_learners(grader):
    rows = [r for r in bench.corpus_rows(grader, bench.CORPUS) if r["split"] == "heldout"]
    f = _figures(rows)
    assert f["accuracy"] >= 0.88 and f["mae"] <= 0.12, f
    assert f["flagged_error"] >= 2 * f["plain_error"], f
    assert f["kappa"] >= 0.6 and f["review"] <= 0.25, f  # below the targets (0.7, 20%): no worse than now
