# expect: partial | writing down zeros
import torch


def accuracy_and_grad(preds, targets):
    predicted_three = (preds.sigmoid() > 0.5).float()
    accuracy = (predicted_three == targets).float().mean().item()
    return accuracy, torch.zeros_like(preds)
