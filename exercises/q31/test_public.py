"""Public checks for Q31: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, fail, points

HINT = ("Q31: backward adds to .grad, so without zeroing the gradients of two batches pile up; clearing each "
        "parameter's gradient in place (or setting it to None) resets them. See the chapter's section 'Putting It All Together'.")


def call(submission, zero_between):
    """The same batch twice, with w = 0 and b = 0: one backward gives w.grad = [[0.25], [-0.375]], b.grad = [0]."""
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    batch = (torch.tensor([[1.0, 2.0], [3.0, -1.0]]), torch.tensor([[1], [0]]))
    got = submission.call("two_backward_calls", w, b, [batch, batch], zero_between)
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        fail("two_backward_calls should return a list of two tensors, [w.grad, b.grad]", HINT,
             expected="[tensor of shape (2, 1), tensor of shape (1,)]", actual=got)
    return got


@points(1)
def test_same_batch_twice_without_zeroing(submission):
    """without zeroing, the same batch twice gives twice one batch's gradient"""
    got = call(submission, False)
    expect_close(got[0], torch.tensor([[0.5], [-0.75]]), "the second backward should add to w.grad", HINT)


@points(1)
def test_same_batch_twice_with_zeroing(submission):
    """with zeroing in between, the same batch twice gives one batch's gradient"""
    got = call(submission, True)
    expect_close(got[0], torch.tensor([[0.25], [-0.375]]), "after zeroing, w.grad should hold one batch's gradient",
                 HINT)
