# expect: partial | never asks autograd for the gradient
"""Zeros written straight into preds.grad: the attribute autograd fills, filled by hand."""
import torch


def accuracy_and_grad(preds, targets):
    preds = preds.clone().requires_grad_()
    accuracy = ((preds.sigmoid() > 0.5).float() == targets).float().mean()
    preds.grad = torch.zeros_like(preds)
    return accuracy.item(), preds.grad
