import torch


def two_backward_calls(w, b, batches, zero_between):
    """Run backward on two batches in turn, zeroing the gradients in between only if `zero_between`;
    return [w.grad, b.grad] after the second backward."""

    def loss_on(xb, yb):  # the chapter's mnist_loss on the linear model xb @ w + b
        predictions = (xb @ w + b).sigmoid()
        return torch.where(yb == 1, 1 - predictions, predictions).mean()

    (xb1, yb1), (xb2, yb2) = batches
    loss_on(xb1, yb1).backward()
    if zero_between:
        w.grad.zero_()
        b.grad.zero_()
    loss_on(xb2, yb2).backward()  # without the zeroing, this adds to the first batch's gradients
    return [w.grad, b.grad]
