"""Public checks for Q34: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, fail, points
from grader.judge.api import StudentError

HINT = ("Q34: ReLU keeps positive numbers and turns negative ones into 0, like x.max(torch.tensor(0.0)); see the "
        "chapter's section 'Adding a Nonlinearity'.")


@points(1)
def test_small_vector(submission):
    """relu of [-2, -0.5, 0, 0.5, 2] is [0, 0, 0, 0.5, 2]"""
    x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
    try:
        got = submission.call("relu", x)
    except StudentError as exc:
        if exc.type != "RuntimeError":
            raise
        fail(f"relu raised RuntimeError: {str(exc.info.get('message'))[:150]}; work on the whole tensor at once "
             "(Python's max and `if` handle one number at a time)", HINT,
             expected=torch.tensor([0.0, 0.0, 0.0, 0.5, 2.0]), actual="RuntimeError")
    expect_equal(got, torch.tensor([0.0, 0.0, 0.0, 0.5, 2.0]),
                 "negative entries become 0 and the others stay as they are", HINT)
