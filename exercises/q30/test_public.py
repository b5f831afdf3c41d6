"""Public checks for Q30: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, expect_tensor, fail, points

HINT = ("Q30: loss.backward() fills w.grad and b.grad with the derivatives of the loss; see the chapter's section "
        "'Putting It All Together' (calc_grad).")


@points(1)
def test_zero_weights(submission):
    """with w and b all zero, every prediction is 0 and the gradients have simple values"""
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    xb = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
    yb = torch.tensor([[1], [0]])
    got = submission.call("grads_of_loss", w, b, xb, yb)
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        fail("grads_of_loss should return a list of two tensors, [w.grad, b.grad]", HINT,
             expected="[tensor of shape (2, 1), tensor of shape (1,)]", actual=got)
    # sigmoid'(0) = 1/4, so d(loss)/d(prediction) is -1/4 for the target-1 image and +1/4 for the target-0 one,
    # each divided by the batch size 2; d(prediction)/dw is the image itself and d(prediction)/db is 1.
    expect_close(expect_tensor(got[0], "the gradient of w", HINT), torch.tensor([[0.25], [-0.375]]),
                 "the gradient of w is wrong", HINT)
    expect_close(expect_tensor(got[1], "the gradient of b", HINT), torch.tensor([0.0]),
                 "the gradient of b is wrong", HINT)
