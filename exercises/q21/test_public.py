"""Public checks for Q21: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, points, property_case

HINT = ("Q21: sigmoid(x) = 1 / (1 + torch.exp(-x)), computed on the whole tensor at once; see the chapter's section "
        "'The MNIST Loss Function' (subsection 'Sigmoid').")


@points(1)
def test_a_few_values(submission):
    """sigmoid of [-2, 0, 2] is about [0.1192, 0.5, 0.8808]"""
    expect_close(submission.call("sigmoid", torch.tensor([-2.0, 0.0, 2.0])),
                 torch.tensor([0.11920292, 0.5, 0.88079708]),
                 "sigmoid(0) is 0.5, and sigmoid(-x) = 1 - sigmoid(x)", HINT, atol=1e-6)


@property_case
@points(1)
def test_large_inputs_stay_finite(submission):
    """sigmoid of [-1000, 1000] is [0, 1], with no nan or inf"""
    expect_close(submission.call("sigmoid", torch.tensor([-1000.0, 1000.0])), torch.tensor([0.0, 1.0]),
                 "for huge inputs sigmoid flattens out at 0 and 1", HINT, atol=1e-6)
