"""Public checks for Q28: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, fail, points, property_case
from grader.judge.api import StudentError

HINT = ("Q28: the model is xb @ w + b: a matrix product, then the bias added to every row; see the chapter's "
        "section 'The MNIST Loss Function', where linear1 is written.")


def linear1(submission, xb, w, b):
    try:
        return submission.call("linear1", xb, w, b)
    except StudentError as exc:
        if exc.type == "RuntimeError":
            fail(f"linear1 raised RuntimeError: {str(exc.info.get('message'))[:150]}", HINT,
                 expected=f"a tensor of shape {tuple((xb @ w + b).shape)}", actual="RuntimeError")
        raise


@points(1)
def test_small_example(submission):
    """linear1 on a batch of two inputs with two features and one output"""
    xb = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = torch.tensor([[0.5], [-1.0]])
    b = torch.tensor([10.0])
    expect_close(linear1(submission, xb, w, b), torch.tensor([[8.5], [7.5]]),
                 "linear1 should give 1*0.5 + 2*(-1) + 10 = 8.5 for the first row and 3*0.5 + 4*(-1) + 10 = 7.5 "
                 "for the second", HINT)


@property_case
@points(1)
def test_zero_input_gives_the_bias(submission):
    """linear1 of an all-zero batch is the bias, in every row"""
    w = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = torch.tensor([0.5, -1.5, 2.0])
    expect_close(linear1(submission, torch.zeros(2, 2), w, b), torch.tensor([[0.5, -1.5, 2.0]] * 2),
                 "with every input equal to 0, xb @ w is 0, so each row of the output should be b", HINT)
