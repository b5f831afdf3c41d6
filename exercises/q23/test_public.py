"""Public checks for Q23: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, fail, points

HINT = ("Q23: each weight moves against its gradient by lr times it, changing the tensor itself (not rebinding the "
        "name) while gradients are not tracked, and the used gradient is then cleared. See the chapter's sections "
        "'Stepping With a Learning Rate' and 'Creating an Optimizer'.")


@points(1)
def test_one_step(submission):
    """weights [1, 2] with gradient [10, -10] and lr 0.1 become [0, 3], and the gradient is reset"""
    probe = submission.harness("step_probe", values=[torch.tensor([1.0, 2.0])], grads=[torch.tensor([10.0, -10.0])],
                               lr=0.1)
    expect_close(probe["values"][0], torch.tensor([0.0, 3.0]), "w - lr * grad = [1 - 1, 2 + 1]", HINT, atol=1e-6)
    grad = probe["grads"][0]
    if grad is not None and grad.abs().max().item() != 0:
        fail("the gradient was not reset after the step", HINT, expected="None or zeros", actual=grad)
