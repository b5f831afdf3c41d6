"""Public checks for Q24: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, fail, points

HINT = ("Q24: loop over range(0, len(dataset), batch_size), take those items, and stack their xs and ys into two "
        "tensors; see the chapter's section 'SGD and Mini-Batches'.")


@points(1)
def test_batches_in_order(submission):
    """7 items in batches of 3, not shuffled: batches of 3, 3 and 1, stacked into tensors"""
    x, y = torch.arange(7.0), torch.arange(7) * 10
    got = submission.harness("batches", x=x, y=y, batch_size=3, shuffle=False)[0]
    want = [(x[0:3], y[0:3]), (x[3:6], y[3:6]), (x[6:7], y[6:7])]
    if len(got) != 3:
        fail(f"looping over the loader gave {len(got)} batches", HINT, expected=want, actual=got)
    expect_equal(got, want, "the batches should be (xb, yb) tuples of tensors, in order, the last one smaller", HINT)
