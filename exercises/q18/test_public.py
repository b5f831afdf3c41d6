"""Public checks for Q18: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, points

HINT = ("Q18: let PyTorch do the calculus: work on a copy of xs that tracks gradients, build f from that copy as "
        "the prompt describes, call backward on f, and read the gradient from the copy; see the chapter's section "
        "'Calculating Gradients'.")


@points(1)
def test_example_from_the_prompt(submission):
    """grad_at([0, 0, 1], tensor([3., 4., 10.])) is tensor([6., 8., 20.])"""
    got = submission.call("grad_at", [0.0, 0.0, 1.0], torch.tensor([3.0, 4.0, 10.0]))
    expect_close(got, torch.tensor([6.0, 8.0, 20.0]), "the gradient of (xs ** 2).sum() at 3, 4 and 10", HINT)


@points(1)
def test_a_straight_line(submission):
    """grad_at([5, -2], xs) is -2 at every point"""
    got = submission.call("grad_at", [5.0, -2.0], torch.tensor([0.0, 1.0, 7.5]))
    expect_close(got, torch.tensor([-2.0, -2.0, -2.0]), "the gradient of (5 - 2 * xs).sum()", HINT)
