"""Public checks for Q6: students can run these themselves with `grader check`."""
from grader.judge.api import expect_equal, points

HINT = ("Q6: the shape lists the length of every axis, one entry per axis; the rank is how many axes there are. "
        "See 'First Try: Pixel Similarity'.")


@points(1)
def test_stacked_threes(submission):
    """rank((6131, 28, 28)) is 3"""
    expect_equal(submission.call("rank", (6131, 28, 28)), 3, "the stacked threes of shape (6131, 28, 28)", HINT)
