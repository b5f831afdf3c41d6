# expect: failed | backward() returns nothing
import torch


def grads_of_loss(w, b, xb, yb):
    preds = (xb @ w + b).sigmoid()
    loss = torch.where(yb == 1, 1 - preds, preds).mean()
    return loss.backward()
