# expect: partial | cleared after the second backward
import torch


def loss_of(w, b, xb, yb):
    p = (xb @ w + b).sigmoid()
    return torch.where(yb == 1, 1 - p, p).mean()


def two_backward_calls(w, b, batches, zero_between):
    for xb, yb in batches:
        loss_of(w, b, xb, yb).backward()
        if zero_between:
            w.grad.zero_()
            b.grad.zero_()
    return [w.grad, b.grad]
