"""Public checks for Q17: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, fail, points

HINT = ("Q17: the gradient of a * (x - c) ** 2 is 2 * a * (x - c); each step is x = x - lr * gradient; see the "
        "chapter's section 'Stepping With a Learning Rate'.")


@points(1)
def test_example_from_the_prompt(submission):
    """sgd_quadratic(1.0, 0.0, 1.5, 0.1, 3) is [1.5, 1.2, 0.96, 0.768]"""
    got = submission.call("sgd_quadratic", 1.0, 0.0, 1.5, 0.1, 3)
    if not isinstance(got, list):
        fail("sgd_quadratic should return a list", HINT, expected="a list of 4 floats", actual=got)
    expect_close(torch.tensor([float(v) for v in got]), torch.tensor([1.5, 1.2, 0.96, 0.768]),
                 "sgd_quadratic(1.0, 0.0, 1.5, 0.1, 3)", HINT, atol=1e-5, rtol=1e-5)
