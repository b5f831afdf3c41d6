"""Public checks for Q7: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, points

HINT = ("Q7: L1 is (a - b).abs().mean(); RMSE is ((a - b) ** 2).mean().sqrt(). See 'First Try: Pixel "
        "Similarity'.")
A = torch.tensor([1.0, 2.0, 3.0, 4.0])
B = torch.tensor([2.0, 2.0, 1.0, 8.0])  # differences -1, 0, 2, -4


@points(1)
def test_l1_example(submission):
    """l1 of two small vectors with differences -1, 0, 2, -4 is 1.75"""
    expect_close(submission.call("l1", A, B), torch.tensor(1.75), "l1 should average |-1|, |0|, |2| and |-4|", HINT)


@points(1)
def test_rmse_example(submission):
    """rmse of two small vectors with differences -1, 0, 2, -4 is sqrt(21/4)"""
    expect_close(submission.call("rmse", A, B), torch.tensor(21 / 4).sqrt(),
                 "rmse should be the square root of the mean of 1, 0, 4 and 16", HINT)
