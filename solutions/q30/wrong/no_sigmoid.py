# expect: failed | without its sigmoid
import torch


def mnist_loss(predictions, targets):
    # the chapter's first try, before sigmoid was added
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def grads_of_loss(w, b, xb, yb):
    loss = mnist_loss(xb @ w + b, yb)
    loss.backward()
    return [w.grad, b.grad]
