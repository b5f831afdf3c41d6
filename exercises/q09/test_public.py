"""Public checks for Q9: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, points

HINT = ("Q9: double first (t * 2 is a new tensor), then index rows and columns together, t[rows, cols]; see the "
        "chapter's section 'NumPy Arrays and PyTorch Tensors'.")


@points(1)
def test_example_from_the_prompt(submission):
    """doubled_corner of the 1..9 tensor gives tensor([[10, 12], [16, 18]])"""
    t = torch.arange(1, 10).view(3, 3)
    expect_equal(submission.call("doubled_corner", t), torch.tensor([[10, 12], [16, 18]]),
                 "doubled_corner(torch.arange(1, 10).view(3, 3)) should be the doubled 5, 6, 8 and 9", HINT)


@points(1)
def test_float_example(submission):
    """doubled_corner of a float tensor gives a float tensor"""
    t = torch.tensor([[0.5, 1.0, 1.5], [2.0, 2.5, 3.0], [3.5, 4.0, 4.5]])
    expect_equal(submission.call("doubled_corner", t), torch.tensor([[5.0, 6.0], [8.0, 9.0]]),
                 "doubled_corner on a float tensor should double its bottom-right 2×2 block and stay float", HINT)
