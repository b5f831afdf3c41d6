# expect: error | autograd cannot follow a step
import torch


def accuracy_and_grad(preds, targets):
    correct = (preds > 0).float() == targets
    accuracy = correct.float().mean()
    accuracy.backward()
    return accuracy.item(), preds.grad
