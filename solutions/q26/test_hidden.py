"""Hidden suite for Q26: pairs on inputs the student never saw (lists, strings, tensors), unequal and empty inputs."""
import random

import torch

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("A Dataset is a list of (x, y) tuples: walk a and b side by side (zip does exactly that) and collect the "
        "pairs into a list. See Q26 and the chapter's section 'The MNIST Loss Function'.")


def same(x, y) -> bool:
    """Equal values of the same types; tensors compared by dtype, shape and values."""
    if isinstance(x, torch.Tensor) or isinstance(y, torch.Tensor):
        return (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and x.dtype == y.dtype
                and x.shape == y.shape and torch.equal(x, y))
    if type(x) is not type(y):
        return False
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(same(p, q) for p, q in zip(x, y))
    return x == y


def pair_up(submission, a, b):
    """Call the student's pair_up, turning a lazy result or an IndexError into feedback that names the fix."""
    try:
        return submission.call("pair_up", a, b)
    except StudentError as exc:
        if exc.type == "NotPlainData":
            if "builtins.zip" in str(exc.info.get("message")):
                fail("pair_up returned the zip object itself, a lazy iterator rather than a list: "
                     "wrap zip(...) in list(...)", HINT)
            fail("pair_up returned an iterator (a generator or map object?) rather than a list: collect the "
                 "pairs with list(...) or a list comprehension", HINT)
        if exc.type == "IndexError":
            fail("pair_up raised IndexError when a and b have different lengths: stop at the end of the "
                 "shorter input, as zip does", HINT)
        raise


def check(a, b, got):
    """Fail with a message naming the misunderstanding, or return when got is list(zip(a, b))."""
    want = list(zip(a, b))
    if isinstance(got, dict):
        fail("pair_up returned a dict; a dict keeps one value per key (repeated x values are lost) and cannot be "
             "indexed by position: return a list of (x, y) tuples", HINT)
    if not isinstance(got, list):
        fail(f"pair_up returned {type_name(got)}; it should return a list of (x, y) tuples", HINT)
    if any(isinstance(pair, list) for pair in got):
        fail("pair_up put each pair in a list; a Dataset item is a tuple, so build (x, y) tuples, not [x, y] lists",
             HINT)
    if not all(isinstance(pair, tuple) and len(pair) == 2 for pair in got):
        fail("every item in pair_up's list should be a 2-element (x, y) tuple", HINT)
    if len(want) > 1 and len(got) == len(a) * len(b):
        fail("pair_up paired every element of a with every element of b (nested loops give all combinations); "
             "pair the i-th element of a only with the i-th element of b", HINT)
    if len(got) != len(want):
        fail(f"pair_up made {len(got)} pairs from inputs of lengths {len(a)} and {len(b)}: make one pair per "
             "position and stop at the end of the shorter input, as zip does", HINT)
    if same(got, want):
        return
    if same(got, [(y, x) for x, y in want]):
        fail("pair_up put b's element first; each tuple should be (element of a, element of b), in that order",
             HINT)
    for (x, y), (gx, gy) in zip(want, got):
        if type(gx) is not type(x) or type(gy) is not type(y):
            fail(f"pair_up changed the elements: a pair holds {type_name(gx)} and {type_name(gy)} where the inputs "
                 f"hold {type_name(x)} and {type_name(y)}; keep each element as it is", HINT)
    fail("pair_up paired up the wrong elements on an unseen input", HINT)


@points(2)
def test_pairs_on_unseen_lists_and_strings(submission):
    """pair_up is right on lists, tuples and strings it has never seen (repeats included)"""
    rng = random.Random(26)
    cases = [([4, 4, 1, 9], ["four", "four", "one", "nine"]), ("xyz", "XYZ"), ((3, 7, 3), [1.5, -2.0, 0.25]),
             (["cat", "dog"], [[0, 1], [1, 0]])]
    for n in (3, 7, 12):
        cases.append(([rng.randint(-50, 50) for _ in range(n)], "".join(rng.choice("abcdef") for _ in range(n))))
    for a, b in cases:
        check(a, b, pair_up(submission, a, b))


@points(1)
def test_pairs_tensors_like_a_dataset(submission):
    """pair_up pairs the rows of a tensor with their labels, like the chapter's list(zip(train_x, train_y))"""
    gen = torch.Generator().manual_seed(26)
    x = torch.randint(0, 256, (6, 4), generator=gen).float() / 255  # six tiny 'images' of four pixels
    y = torch.tensor([[1], [0], [0], [1], [1], [0]])                  # their labels, one per row
    for a, b in [(x, y), (torch.tensor([3, 7, 7]), ["three", "seven", "seven"])]:
        check(a, b, pair_up(submission, a, b))


@property_case
@points(1)
def test_unequal_lengths_stop_at_the_shorter(submission):
    """pair_up stops at the end of the shorter input, whichever one it is"""
    x = torch.arange(20.0).view(5, 4)
    for a, b in [([5, 6, 7, 8, 9], "xy"), ("ab", [10, 20, 30, 40]), (x, torch.tensor([1, 0, 1]))]:
        check(a, b, pair_up(submission, a, b))


@property_case
@points(1)
def test_empty_inputs(submission):
    """pair_up gives [] when either input is empty"""
    for a, b in [([], []), ([], "abc"), ("", [1, 2]), (torch.empty(0, 4), torch.empty(0, dtype=torch.int64))]:
        check(a, b, pair_up(submission, a, b))
