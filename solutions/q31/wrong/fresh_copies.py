# expect: partial | as if backward replaced .grad
import torch


def loss_of(w, b, xb, yb):
    p = (xb @ w + b).sigmoid()
    return torch.where(yb == 1, 1 - p, p).mean()


def two_backward_calls(w, b, batches, zero_between):
    for xb, yb in batches:
        # fresh leaf tensors every time: each backward starts from an empty .grad
        w = w.detach().requires_grad_()
        b = b.detach().requires_grad_()
        loss_of(w, b, xb, yb).backward()
    return [w.grad, b.grad]
