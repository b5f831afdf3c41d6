# expect: failed | not the accuracy
import torch


def accuracy_and_grad(preds, targets):
    probs = preds.sigmoid()
    accuracy = torch.where(targets == 1, probs, 1 - probs).mean()
    accuracy.backward()
    return accuracy.item(), preds.grad
