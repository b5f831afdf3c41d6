# expect: failed | returned the parameters themselves
import torch


def grads_of_loss(w, b, xb, yb):
    preds = (xb @ w + b).sigmoid()
    loss = torch.where(yb == 1, 1 - preds, preds).mean()
    loss.backward()
    return [w, b]
