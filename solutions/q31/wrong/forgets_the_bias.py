# expect: partial | the bias too
import torch


def loss_of(w, b, xb, yb):
    p = (xb @ w + b).sigmoid()
    return torch.where(yb == 1, 1 - p, p).mean()


def two_backward_calls(w, b, batches, zero_between):
    (xb1, yb1), (xb2, yb2) = batches
    loss_of(w, b, xb1, yb1).backward()
    if zero_between:
        w.grad.zero_()
    loss_of(w, b, xb2, yb2).backward()
    return [w.grad, b.grad]
