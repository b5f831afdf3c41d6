# expect: failed | apply the sigmoid first
import torch


def accuracy_and_grad(preds, targets):
    predicted_three = (preds - 0.5).sigmoid().round()  # threshold the raw outputs at 0.5
    correct = 1 - (predicted_three - targets).abs()
    accuracy = correct.mean()
    accuracy.backward()
    return accuracy.item(), preds.grad
