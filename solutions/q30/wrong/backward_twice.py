# expect: failed | backward was called twice
import torch


def calc_grad(xb, yb, w, b):
    preds = (xb @ w + b).sigmoid()
    loss = torch.where(yb == 1, 1 - preds, preds).mean()
    loss.backward()


def grads_of_loss(w, b, xb, yb):
    calc_grad(xb, yb, w, b)
    calc_grad(xb, yb, w, b)  # called again to "check" it, as in the chapter
    return [w.grad, b.grad]
