# expect: failed | summed the distances
import torch


def grads_of_loss(w, b, xb, yb):
    preds = (xb @ w + b).sigmoid()
    loss = torch.where(yb == 1, 1 - preds, preds).sum()
    loss.backward()
    return [w.grad, b.grad]
