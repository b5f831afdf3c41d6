"""Hidden suite for Q13: unseen lengths and batch sizes (the last partial batch above all), tensors, laziness.

The generator runs inside the sandbox (harness.py turns it into a list); every comparison happens here.
"""
import random

import torch

from grader.judge.api import fail, points, property_case, type_name

HINT = ("Move a start position forward by bs each time and hand out the slice from there, one at a time (yield, "
        "not a list); the last slice is simply shorter. See Q13 and the chapter's section 'SGD and Mini-Batches'.")


def reference(xs, bs):
    return [xs[i:i + bs] for i in range(0, len(xs), bs)]


def as_list(batch):
    return batch.tolist() if isinstance(batch, torch.Tensor) else batch


def diagnose(xs, bs, got):
    """Fail with a message naming the mistake, or return when `got` (a list of batches) is right."""
    n = len(xs)
    want = reference(xs, bs)
    is_tensor = isinstance(xs, torch.Tensor)
    for batch in got:
        if is_tensor and not isinstance(batch, torch.Tensor):
            fail(f"for a tensor xs, batches yielded {type_name(batch)}; yield the slice xs[start:start + bs] itself, "
                 "which is a tensor", HINT)
        if not is_tensor and not isinstance(batch, list):
            fail(f"for a list xs, batches yielded {type_name(batch)}; yield the slice xs[start:start + bs] itself, "
                 "which is a list", HINT)
    sizes = [len(b) for b in got]
    flat = [v for b in got for v in as_list(b)]
    items = as_list(xs)
    if any(size == 0 for size in sizes):
        fail("batches yielded an empty batch: when len(xs) is a multiple of bs there is no extra batch at the end "
             "(range(0, len(xs), bs) stops at the right place)", HINT)
    if len(got) == len(want) - 1 and flat == items[:len(flat)] and n % bs:
        fail("batches dropped the last, smaller batch: the items left over after the last full batch must still be "
             "handed out, or they are never trained on", HINT)
    if sum(sizes) > n:
        fail("batches handed out some items twice (batches overlap, or the last one repeats): each slice should "
             "end where the next one starts, xs[start:start + bs]", HINT)
    if sizes and all(size == bs - 1 for size in sizes[:-1]) and bs > 1 and len(sizes) > 1:
        fail(f"batches yields batches of {bs - 1} items instead of {bs}: the slice start:start + bs already holds bs "
             "items (its end is left out)", HINT)
    if sum(sizes) < n:
        fail("batches left some items out: every item of xs must be in exactly one batch", HINT)
    if sorted(map(repr, flat)) == sorted(map(repr, items)) and flat != items:
        fail("batches handed out every item, but not in order: yield consecutive slices (shuffling is the "
             "DataLoader's job, not this function's)", HINT)
    if len(got) != len(want) or any(as_list(g) != as_list(w) for g, w in zip(got, want)):
        fail(f"batches did not cut xs (length {n}) into consecutive slices of {bs}", HINT)


def run(submission, xs, bs):
    out = submission.harness("collect", xs=xs, bs=bs)
    return out["batches"]


@points(2)
def test_lists_of_unseen_lengths(submission):
    """batches cuts lists of unseen lengths into consecutive batches and keeps the last, smaller one"""
    rng = random.Random(13)
    cases = [(11, 4), (12, 4), (5, 1), (3, 10), (1, 1), (100, 7), (64, 64), (65, 64)]
    cases += [(rng.randint(1, 60), rng.randint(1, 12)) for _ in range(10)]
    for n, bs in cases:
        xs = [rng.randint(-50, 50) for _ in range(n)]
        diagnose(xs, bs, run(submission, xs, bs))


@property_case
@points(1)
def test_empty_input(submission):
    """batches of an empty list yields nothing"""
    got = run(submission, [], 3)
    if got:
        fail("batches([], 3) yielded something; an empty dataset has no batches", HINT)


@points(1)
def test_tensors(submission):
    """batches cuts a tensor of images into tensor batches, the last one smaller"""
    gen = torch.Generator().manual_seed(130)
    for n, bs in [(10, 4), (9, 3), (2, 5)]:
        xs = torch.randint(0, 256, (n, 3, 3), generator=gen, dtype=torch.uint8)
        got = run(submission, xs.clone(), bs)
        diagnose(xs, bs, got)
        for g, w in zip(got, reference(xs, bs)):
            if g.shape != w.shape or not torch.equal(g, w):
                fail("batches did not yield the slices of the tensor xs (wrong shapes or values)", HINT)


@property_case
@points(1)
def test_is_a_generator(submission):
    """batches is a generator function: it uses yield and makes each batch only when asked"""
    out = submission.harness("collect", xs=list(range(10)), bs=3)
    if not out["generator"]:
        fail(f"batches returned a {out['type']} holding every batch at once; write it as a generator function with "
             "yield, so that each batch is made only when the training loop asks for it", HINT)
