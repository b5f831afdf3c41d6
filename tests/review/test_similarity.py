"""Near-identical code: normalisation, winnowing, what counts as evidence, and a class of 300."""
from __future__ import annotations

import numpy as np
import pytest

from class_factories import HONEST_A, HONEST_B, STARTER, renamed_copy, synthetic_code
from grader.review import similarity
from grader.review.similarity import normalise, similar_pairs, starter_names


def test_layout_comments_docstrings_and_names_do_not_matter():
    original = '''
def double_odds(nums):
    """Double the odd ones."""
    out = [2 * n for n in nums if n % 2 == 1]  # a comprehension
    return out
'''
    disguised = '''# my own work!

def double_odds(values):
    """Returns a list: every odd value, times two.

    Written by me."""

    result = [2 * v
              for v in values if v % 2 == 1]
    return result
'''
    assert normalise(original, {"double_odds"}) == normalise(disguised, {"double_odds"})
    assert normalise(original) != normalise(original.replace("% 2 == 1", "% 2 != 0"))


def test_vocabulary_stays_verbatim():
    code = '''import numpy as np
import torch.nn.functional as F
from torch import nn
class Learner:
    def __init__(self, model, lr=0.1):
        self.model, self.lr = model, lr
        weights = torch.randn(3, requires_grad=True)
        x = np.zeros(len(weights)) + F.relu(weights.grad) + nn.Linear(2, 3)
        print(f"loss {x:.2f}", 'plain')
'''
    tokens = normalise(code, {"Learner"})
    for word in ("Learner", "__init__", "randn", "requires_grad", "zeros", "len", "grad", "relu", "Linear",
                 "print", "class", "def", "0.1", "numpy", "functional", "nn", "torch"):
        assert word in tokens, word
    for renamed in ("model", "lr", "weights", "x", "self", "np", "F"):
        assert renamed not in tokens, renamed  # own names, attributes of self, and aliases (np -> numpy)
    assert tokens.count("S") == 2  # strings become one placeholder


def test_starter_names_are_the_graded_names():
    assert starter_names(STARTER) == {"double_odds", "BasicOptim", "Learner", "mnist_loss"}
    assert starter_names("choice_q12 = ''\nanswer: str = 'b'\nx == 3\n    y = 2\n") == {"choice_q12", "answer"}


def test_renamed_copy_is_detected_with_evidence():
    codes = {"alice": HONEST_A, "bob": renamed_copy(HONEST_A), "carol": HONEST_B}
    pairs = similar_pairs(codes, STARTER)
    assert [(p.a, p.b) for p in pairs] == [("alice", "bob")]
    pair = pairs[0]
    assert pair.score >= 0.95 and pair.shared_fingerprints >= similarity.MIN_FINGERPRINTS
    assert min(pair.shared_lines) >= 20
    assert pair.sample and all(line not in STARTER for line in pair.sample)
    assert any("self.history.append" in line or "sum(losses)" in line for line in pair.sample)
    assert any(line.startswith("Shared line, as alice wrote it: ") for line in pair.evidence)
    assert "alice" in pair.evidence[1] and "bob" in pair.evidence[1]


def test_honest_independent_solutions_are_not_flagged():
    assert similar_pairs({"a": HONEST_A, "b": HONEST_B}, STARTER) == []
    everything = similar_pairs({"a": HONEST_A, "b": HONEST_B}, STARTER, threshold=0.0)
    assert len(everything) == 1 and everything[0].score < 0.4  # shared idioms only, far below the threshold


def test_starter_only_submissions_are_not_flagged():
    codes = {"s1": STARTER, "s2": STARTER, "s3": "# untouched\n" + STARTER,
             "s4": STARTER.replace("raise NotImplementedError\n", "pass\n")}
    assert similar_pairs(codes, STARTER) == []
    assert similar_pairs(codes, STARTER, threshold=0.0) == []  # too little own code to judge


def test_code_most_of_the_class_shares_is_no_evidence():
    def klass(sharing: int) -> dict[str, str]:
        return {f"s{i}": (HONEST_A + f"\nprint({i})\n" if i < sharing else synthetic_code(i, functions=2))
                for i in range(8)}

    three = similar_pairs(klass(3), STARTER)
    assert [(p.a, p.b) for p in three] == [("s0", "s1"), ("s0", "s2"), ("s1", "s2")]
    assert similar_pairs(klass(5), STARTER) == []  # held by 5 of 8: the class's common code


@pytest.mark.parametrize("junk", [
    "", "\n\n", "def f(:\n    return [1, 2", "x = '''never closed\n" * 3, "s = 'open string\nprint(s)\n",
    "\tif x:\n  \t  y = 1\n\t\t\tz = 2\n", "%matplotlib inline\n!pip install fastbook\nx?\n", "\x00\x01\x02\xff\ufffd",
    "\\\n\\", "λ = 1\nπ = λ * 2\n", "a\r\nb = 1\rc = 2\n", "f'{x' + rb'\\'", "#" * 1000, "(((((((((((",
])
def test_code_that_does_not_tokenize_is_tolerated(junk):
    assert isinstance(normalise(junk), list)
    assert similar_pairs({"a": junk, "b": junk, "c": HONEST_A}, STARTER) == []


def test_broken_copy_is_still_compared_as_far_as_it_goes():
    broken = renamed_copy(HONEST_A).replace("def validate(self):", "def validate(self:\n    (((") + "\nx = '''\n"
    pairs = similar_pairs({"alice": HONEST_A, "bob": broken, "carol": HONEST_B}, STARTER)
    assert [(p.a, p.b) for p in pairs] == [("alice", "bob")]


def test_winnowing_picks_a_fingerprint_in_every_window():
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 50, size=500).astype(np.uint64)  # many ties: the rightmost minimum wins
    chosen = similarity._winnow(hashes)
    assert np.all(np.diff(chosen) > 0)
    for start in range(len(hashes) - similarity.W + 1):
        window = hashes[start:start + similarity.W]
        inside = chosen[(chosen >= start) & (chosen < start + similarity.W)]
        rightmost = start + similarity.W - 1 - int(np.argmin(window[::-1]))
        assert rightmost in inside
    assert list(similarity._winnow(np.array([5, 3, 3], dtype=np.uint64))) == [2]
    assert len(similarity._winnow(np.zeros(0, dtype=np.uint64))) == 0


def test_results_are_deterministic_and_independent_of_order():
    codes = {"alice": HONEST_A, "bob": renamed_copy(HONEST_A), "carol": HONEST_B, "dave": synthetic_code(1)}
    first = similar_pairs(codes, STARTER)
    assert similar_pairs(dict(reversed(list(codes.items()))), STARTER) == first
    assert similar_pairs(codes, STARTER, threshold=0.0) == similar_pairs(codes, STARTER, threshold=0.0)
    assert similar_pairs({}, STARTER) == [] and similar_pairs({"solo": HONEST_A}, STARTER) == []


def test_a_class_of_300_finds_exactly_the_planted_copies():
    codes = {f"s{i:03d}": synthetic_code(i, functions=22) for i in range(300)}
    codes["s101"] = renamed_copy(codes["s100"]).replace("loss", "cost")
    codes["s202"] = codes["s250"] + "\n\ndef extra(a, b):\n    return torch.stack([a, b]).mean(dim=0)\n"
    codes["s017"] = codes["s017"][:len(codes["s017"]) // 2]  # half a notebook: still its own work
    pairs = similar_pairs(codes, STARTER)
    assert [(p.a, p.b) for p in pairs] == [("s100", "s101"), ("s202", "s250")]  # best first, then by name
    assert [p.score for p in pairs] == [1.0, 1.0] and pairs[1].jaccard < 1.0  # s202 added a function
    assert all(p.own_fingerprints[0] > 500 for p in pairs)
